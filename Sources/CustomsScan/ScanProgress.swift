import CustomsArchive
import Foundation
import Synchronization

/// Live counters a scan updates as bytes stream (from any thread) and a progress display reads.
public final class ScanProgress: Sendable {
    /// A consistent copy of the counters.
    public struct Snapshot: Sendable {
        /// Input bytes read (archive or blob bytes, as stored).
        public var bytesRead: Int64
        /// Input bytes expected, when known (file size, sum of blob sizes); nil for a stream.
        public var totalBytes: Int64?
        public var layersDone: Int
        /// Layers expected, when known before reading.
        public var layersTotal: Int?
        public var elapsed: TimeInterval
    }

    private let started = Date()
    private let counters = Mutex(Snapshot(bytesRead: 0, totalBytes: nil, layersDone: 0, layersTotal: nil, elapsed: 0))

    public init() {}

    public func snapshot() -> Snapshot {
        var snapshot = counters.withLock { $0 }
        snapshot.elapsed = Date().timeIntervalSince(started)
        return snapshot
    }

    func add(bytes: Int) { counters.withLock { $0.bytesRead += Int64(bytes) } }
    func layerDone() { counters.withLock { $0.layersDone += 1 } }

    /// Adds a target's expected size and layer count to the totals (nil: unknown).
    func expect(bytes: Int64?, layers: Int?) {
        counters.withLock { counters in
            counters.totalBytes = bytes.map { $0 + (counters.totalBytes ?? 0) }
            counters.layersTotal = layers.map { $0 + (counters.layersTotal ?? 0) }
        }
    }
}

/// Counts bytes into a `ScanProgress` as they pass.
final class CountingByteSource: ByteSource {
    private let inner: ByteSource
    private let progress: ScanProgress

    init(_ inner: ByteSource, progress: ScanProgress) {
        self.inner = inner
        self.progress = progress
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try inner.read(into: buffer)
        progress.add(bytes: count)
        return count
    }

    func skip(_ count: Int64) throws -> Int64 {
        let skipped = try inner.skip(count)
        progress.add(bytes: Int(skipped))
        return skipped
    }
}
