import CustomsArchive
import CustomsCache
import CustomsCore
import CustomsDetect
import CustomsImage
import CustomsWalker
import Foundation

/// The scan's side of `LayerReading`: every layer blob a source offers goes through the layer
/// cache's policy, then (when no stored result may stand in) through a walker. Blobs that can
/// be opened at will are read in parallel, largest first.
struct LayerReader: LayerReading {
    let engine: DetectionEngine
    let limits: WalkLimits
    let cache: LayerCache
    let progress: ScanProgress?
    let concurrency: Int

    private func walker() -> LayerWalker { LayerWalker(engine: engine, limits: limits) }

    /// The record of a layer not started because the run's deadline passed.
    private static var notStarted: LayerRecord {
        var record = LayerRecord()
        record.diagnostics = [WalkLimits.timeLimitReached("the layer was not scanned")]
        return record
    }

    func read(streamed bytes: ByteSource, named: Digest?) -> LayerRecord {
        defer { progress?.layerDone() }
        if limits.expired { return Self.notStarted }
        return cache.record(streamed: bytes, named: named) { walker().walk($0) }
    }

    func read(blobs: [BlobHandle]) -> [String: LayerRecord] {
        let records = ParallelMap.map(blobs, width: concurrency, cost: { $0.declared.size ?? 0 }) { blob in
            defer { progress?.layerDone() }
            if limits.expired { return Self.notStarted }
            return cache.record(blob) {
                do {
                    return walker().walk(try blob.open(), reopen: blob.open)
                } catch {
                    return .unreadable("cannot open the layer blob \(blob.key.escapedForTerminal): \(error)")
                }
            }
        }
        return Dictionary(zip(blobs.map(\.key), records), uniquingKeysWith: { first, _ in first })
    }

    func read(directory: URL) -> LayerRecord { walker().walkDirectory(directory) }

    func expect(bytes: Int64?, layers: Int?) { progress?.expect(bytes: bytes, layers: layers) }

    func observe(_ source: ByteSource) -> ByteSource {
        progress.map { CountingByteSource(source, progress: $0) } ?? source
    }
}
