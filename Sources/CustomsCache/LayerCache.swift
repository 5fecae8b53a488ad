import CustomsArchive
import CustomsCore
import CustomsImage
import CustomsWalker
import Foundation

/// Where a scan keeps layer results between runs, and whether it may read them.
public struct CacheSettings: Sendable {
    /// Whether stored results may stand in for a walk.
    public enum Access: Sendable {
        /// Results are read and written.
        case readWrite
        /// Results are written, never read: every layer is walked (e.g. `--show-secrets`, since
        /// stored results hold no secrets).
        case writeOnly
    }

    public var store: any LayerStore
    /// A folder of this machine for what only it can know: local blobs verified while their
    /// files are unchanged, and compiled prefilters. Nil keeps neither.
    public var localDirectory: URL?
    public var access: Access

    public init(store: any LayerStore, localDirectory: URL?, access: Access = .readWrite) {
        self.store = store
        self.localDirectory = localDirectory
        self.access = access
    }

    /// Everything in one folder of this machine (`FileLayerStore`).
    public static func directory(_ url: URL, access: Access = .readWrite) -> CacheSettings {
        CacheSettings(store: FileLayerStore(directory: url), localDirectory: url, access: access)
    }
}

/// Decides, for each layer blob a source offers, whether a stored result may stand in for a
/// walk, and keeps what walks produce. A stored result is used only when the blob is proven to
/// be the one the result was recorded for: its bytes hash to its digest (read now), or its
/// source verifies every read (a registry), or its local file is unchanged since its bytes
/// last did. Results of content-addressed blobs are also remembered for the rest of the run, so
/// a layer shared by several remote images is fetched once even without a store.
public final class LayerCache: Sendable {
    let store: (any LayerStore)?
    let reads: Bool
    let profile: String
    let verified: VerifiedBlobs?
    let memo = LayerMemo()

    /// - Parameters:
    ///   - settings: nil for no store (the run's memory only).
    ///   - profile: `LayerKey.profile(rulesHash:limits:)` of the scan.
    public init(settings: CacheSettings?, profile: String) {
        store = settings?.store
        reads = settings?.access == .readWrite
        self.profile = profile
        verified = settings?.localDirectory.map { VerifiedBlobs(directory: $0.appendingPathComponent("verified")) }
    }

    /// The record of a blob that can be opened at will: stored, remembered, or `walk()`ed (and kept).
    public func record(_ blob: BlobHandle, walk: () -> LayerRecord) -> LayerRecord {
        let candidate = blob.declared.digest
        let contentAddressed = blob.trust == .contentAddressed
        if contentAddressed, let candidate, let seen = memo.record(candidate) { return seen }
        var sighting: VerifiedBlobs.Sighting?
        if case .localFile(let path, let offset) = blob.trust {
            sighting = verified?.sight(.init(path: path, offset: offset))
        }
        if reads, let candidate {
            let known = contentAddressed || sighting.map { verified?.contains($0, candidate) == true } == true
            var bytes: (() throws -> ByteSource)?
            if !known { bytes = blob.open }
            if var cached = lookup(blob.declared, bytes: bytes) {
                if !known, let sighting { verified?.insert(sighting, candidate) }
                cached.fromCache = true
                if contentAddressed { memo.keep(cached, as: candidate) }
                return cached
            }
        }
        let walked = walk()
        keep(walked)
        if let candidate, walked.digest == candidate {
            if let sighting { verified?.insert(sighting, candidate) }
            if contentAddressed, walked.isComplete { memo.keep(walked, as: candidate) }
        }
        return walked
    }

    /// The record of a blob streaming past once. The stream meets a blob before the config that
    /// gives its diffID, so a stored result is found through what an earlier walk of the blob
    /// `named` recorded, and used only if the bytes hash to that digest. When they do not, the
    /// blob is consumed unscanned: the record says so and the run is incomplete.
    public func record(streamed bytes: ByteSource, named: Digest?, walk: (ByteSource) -> LayerRecord) -> LayerRecord {
        if reads, let store, let named, let facts = store.blobs([named])[named],
            var cached = store.layer(LayerKey(diffID: facts.diffID, profile: profile))?.record
        {
            guard let (actual, count) = Self.digest(of: bytes) else {
                return .unreadable("blob \(named) could not be read to its end; not scanned")
            }
            guard actual == named else {
                var unscanned = LayerRecord()
                unscanned.digest = actual
                unscanned.compressedSize = count
                unscanned.diagnostics = [
                    ScanDiagnostic(
                        code: .digestMismatch,
                        message: "blob named \(named) hashes to \(actual) and was not scanned (the layer cache held "
                            + "the named blob's results); run with --no-cache to scan these bytes",
                        incomplete: true)
                ]
                return unscanned
            }
            facts.describe(named, in: &cached)
            cached.fromCache = cached.isComplete
            return cached
        }
        let walked = walk(bytes)
        keep(walked)
        return walked
    }

    /// Keeps a complete record under its computed diffID, and what its blob was under its
    /// digest; incomplete ones are never kept.
    public func keep(_ record: LayerRecord) {
        guard let store, let diffID = record.diffID, let digest = record.digest, record.isComplete,
            let stored = CachedLayer(record)
        else { return }
        store.put(stored, for: LayerKey(diffID: diffID, profile: profile))
        store.put(BlobFacts(diffID: diffID, compression: record.compression, size: record.compressedSize), for: digest)
    }

    /// The stored record of `layer`'s diffID, if one exists and `bytes` really hash to the
    /// layer's blob digest (the blob is read and hashed, not decompressed or scanned). `bytes` is
    /// nil where the blob is known good: then no byte is read. Results stored from the same
    /// content in another compression are given this blob's digest, size and compression; the
    /// manifest's pairing of blob and diffID is trusted, as every runtime refuses an image that
    /// breaks it.
    func lookup(_ layer: DeclaredBlob, bytes: (() throws -> ByteSource)?) -> LayerRecord? {
        guard let store, let blob = layer.digest, let diffID = layer.diffID,
            var record = store.layer(LayerKey(diffID: diffID, profile: profile))?.record
        else { return nil }
        var blobSize = layer.size
        if let bytes {
            guard let source = try? bytes(), let (digest, count) = Self.digest(of: source), digest == blob else {
                return nil
            }
            blobSize = count
        }
        if record.digest != blob {
            // Another blob of the same content: a plain tar is its own diffID; a compressed one is
            // what its media type says (unknown: scan it rather than guess).
            guard let compression = blob == diffID ? Compression.none : layer.compression else { return nil }
            let size = blob == diffID ? record.uncompressedSize : blobSize ?? 0
            BlobFacts(diffID: diffID, compression: compression, size: size).describe(blob, in: &record)
        }
        return record
    }

    /// Reads `source` to its end: its digest and length; nil when it cannot be read.
    private static func digest(of source: ByteSource) -> (Digest, Int64)? {
        var hasher = StreamHasher()
        guard (try? source.drain { hasher.update($0) }) != nil else { return nil }
        let count = hasher.byteCount
        return (hasher.finalize(), count)
    }
}
