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
    /// Seals what is kept in `localDirectory`.
    public var key: CacheKey
    public var access: Access
    /// How long to wait for another worker that claimed a layer this scan also needs, instead of
    /// walking it too; nil never claims (one machine's cache, where a stale claim of a killed
    /// process would only slow the next scan down).
    public var claimWait: TimeInterval?

    public init(
        store: any LayerStore, localDirectory: URL?, key: CacheKey, access: Access = .readWrite,
        claimWait: TimeInterval? = nil
    ) {
        self.store = store
        self.localDirectory = localDirectory
        self.key = key
        self.access = access
        self.claimWait = claimWait
    }

    /// Everything in one folder of this machine (`FileLayerStore`), sealed with `key`.
    public static func directory(_ url: URL, key: CacheKey, access: Access = .readWrite) -> CacheSettings {
        CacheSettings(store: FileLayerStore(directory: url, key: key), localDirectory: url, key: key, access: access)
    }

    /// Where compiled prefilters are kept, if anywhere.
    public var prefilters: PrefilterFiles? {
        localDirectory.map { PrefilterFiles(directory: $0.appendingPathComponent("prefilter"), key: key) }
    }
}

/// Decides, for each layer blob a source offers, whether a stored result may stand in for a
/// walk, and keeps what walks produce. A stored result is used only when both links are proven:
/// the blob is the one named by its digest (its bytes hash to it now, or its source verifies every
/// read, as a registry does, or its local file is unchanged since its bytes last did), and that
/// blob's content is the diffID whose result is stored (an earlier walk of this very blob computed
/// it, or the blob is an uncompressed tar that is its own diffID). The config's pairing of blob and
/// diffID is never trusted: a crafted config could pair a layer holding a secret with the diffID
/// of a clean one. Results of content-addressed blobs are also remembered for the rest of the
/// run, so a layer shared by several remote images is fetched once even without a store.
public final class LayerCache: Sendable {
    let store: (any LayerStore)?
    let reads: Bool
    let profile: String
    let fingerprintKey: FingerprintKey
    let verified: VerifiedBlobs?
    let claimWait: TimeInterval?
    let memo = LayerMemo()

    /// - Parameters:
    ///   - settings: nil for no store (the run's memory only).
    ///   - rulesHash: the rule set's content hash; with the budgets and key it names the profile.
    public init(settings: CacheSettings?, rulesHash: String, limits: WalkLimits, fingerprintKey: FingerprintKey) {
        store = settings?.store
        reads = settings?.access == .readWrite
        profile = LayerKey.profile(rulesHash: rulesHash, limits: limits, fingerprintKey: fingerprintKey)
        self.fingerprintKey = fingerprintKey
        claimWait = settings?.claimWait
        verified = settings.flatMap { settings in
            settings.localDirectory.map {
                VerifiedBlobs(directory: $0.appendingPathComponent("verified"), key: settings.key)
            }
        }
    }

    /// The record of a blob that can be opened at will: stored, remembered, or `walk()`ed (and kept).
    public func record(_ blob: BlobHandle, walk: () -> LayerRecord) -> LayerRecord {
        let candidate = blob.declared.digest
        let contentAddressed = blob.trust == .contentAddressed
        if contentAddressed, let candidate, var seen = memo.record(candidate) {
            // Not walked again for this image: it counts as a cache hit.
            seen.fromCache = true
            return seen
        }
        var sighting: VerifiedBlobs.Sighting?
        if case .localFile(let path, let offset) = blob.trust {
            sighting = verified?.sight(.init(path: path, offset: offset))
        }
        if reads, let candidate {
            let known = contentAddressed || sighting.map { verified?.contains($0, candidate) == true } == true
            var bytes: (() throws -> ByteSource)?
            if !known { bytes = blob.open }
            func stored() -> LayerRecord? {
                guard var cached = lookup(blob.declared, bytes: bytes) else { return nil }
                if !known, let sighting { verified?.insert(sighting, candidate) }
                cached.fromCache = true
                if contentAddressed { memo.keep(cached, as: candidate) }
                return cached
            }
            if let cached = stored() { return cached }
            if let claimWait, let store {
                let claim = LayerKey(diffID: candidate, profile: profile)
                switch awaitClaim(claim, in: store, for: claimWait, candidate: candidate, stored: stored) {
                case .stored(let cached): return cached
                case .unclaimed: break
                case .claimed:
                    defer { store.release(claim) }
                    // The holder before this scan may have stored its result and let go in between.
                    if let cached = stored() { return cached }
                    return walkAndKeep(
                        walk, candidate: candidate, sighting: sighting, contentAddressed: contentAddressed)
                }
            }
        }
        return walkAndKeep(walk, candidate: candidate, sighting: sighting, contentAddressed: contentAddressed)
    }

    private enum ClaimOutcome {
        /// Another worker scanned the layer meanwhile.
        case stored(LayerRecord)
        /// This scan holds the claim: it walks the layer and then releases it.
        case claimed
        /// Waited long enough for another holder: walk without the claim.
        case unclaimed
    }

    /// Takes `claim` for this scan, or waits (up to `seconds`) while another worker holds it for
    /// the result that worker stores.
    private func awaitClaim(
        _ claim: LayerKey, in store: any LayerStore, for seconds: TimeInterval, candidate: Digest,
        stored: () -> LayerRecord?
    ) -> ClaimOutcome {
        let giveUp = Date(timeIntervalSinceNow: seconds)
        var pause = 0.02
        while !store.claim(claim) {
            guard Date() < giveUp else { return .unclaimed }
            // Small layers finish in milliseconds, a base layer in seconds: wait longer each time.
            Thread.sleep(forTimeInterval: pause)
            pause = min(0.5, pause * 2)
            // The other worker records the blob's facts last: only then is a lookup worth its reads.
            if store.blobs([candidate])[candidate] != nil, let cached = stored() { return .stored(cached) }
        }
        return .claimed
    }

    private func walkAndKeep(
        _ walk: () -> LayerRecord, candidate: Digest?, sighting: VerifiedBlobs.Sighting?, contentAddressed: Bool
    ) -> LayerRecord {
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
            guard let hashed = Self.hash(bytes) else {
                return .unreadable("blob \(named) could not be read to its end; not scanned")
            }
            guard hashed.digest == named else {
                var unscanned = LayerRecord()
                unscanned.digest = hashed.digest
                unscanned.compressedSize = hashed.count
                unscanned.diagnostics = [
                    ScanDiagnostic(
                        code: .digestMismatch,
                        message: "blob named \(named) hashes to \(hashed.digest) and was not scanned (the layer cache "
                            + "held the named blob's results); run with --no-cache to scan these bytes",
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

    /// Keeps a complete record under its computed diffID, and the pairing its walk proved (this
    /// blob digest decompresses to that diffID) under the digest; incomplete ones are never kept.
    public func keep(_ record: LayerRecord) {
        guard let store, let diffID = record.diffID, let digest = record.digest, record.isComplete,
            let stored = CachedLayer(record, key: fingerprintKey)
        else { return }
        store.put(stored, for: LayerKey(diffID: diffID, profile: profile))
        store.put(BlobFacts(diffID: diffID, compression: record.compression, size: record.compressedSize), for: digest)
    }

    /// The stored record for the blob `layer` declares, if the blob's bytes are proven to be that
    /// digest (`bytes` hash to it; nil where the source already proves it and no byte is read) and
    /// the blob is proven to decompress to a diffID with a stored result. Results stored from the
    /// same content in another blob are given this blob's digest, size and compression.
    func lookup(_ layer: DeclaredBlob, bytes: (() throws -> ByteSource)?) -> LayerRecord? {
        guard let store, let blob = layer.digest else { return nil }
        let walked = store.blobs([blob])[blob]
        // Without a walk's proof, only a blob that is its own diffID (an uncompressed tar) may match.
        guard let diffID = walked?.diffID ?? (layer.diffID == blob ? blob : nil),
            var record = store.layer(LayerKey(diffID: diffID, profile: profile))?.record
        else { return nil }
        var proven = walked
        if let bytes {
            guard let source = try? bytes(), let hashed = Self.hash(source), hashed.digest == blob else { return nil }
            if proven == nil, hashed.compression == Compression.none {
                // Hashing an uncompressed tar proves it is its own diffID.
                let facts = BlobFacts(diffID: diffID, compression: .none, size: hashed.count)
                store.put(facts, for: blob)
                proven = facts
            }
        }
        guard let proven else { return nil }
        if record.digest != blob {
            let size = proven.compression == Compression.none ? record.uncompressedSize : proven.size
            BlobFacts(diffID: proven.diffID, compression: proven.compression, size: size).describe(blob, in: &record)
        }
        return record
    }

    /// Reads `source` to its end: its digest, length and compression (from its first bytes); nil
    /// when it cannot be read. Reading and hashing run on two threads (a warm scan of standard
    /// input is all hashing).
    private static func hash(_ source: ByteSource) -> (digest: Digest, count: Int64, compression: Compression)? {
        let pipeline = PipelinedByteSource(source)
        defer { pipeline.finish() }
        var head: [UInt8] = []
        let read: ()? = try? pipeline.drainBlocks { bytes in
            if head.count < 4 { head += bytes.prefix(4 - head.count) }
        }
        guard read != nil, let hasher = pipeline.finishHashing() else { return nil }
        return (hasher.finalize(), hasher.byteCount, Compression.sniff(head))
    }
}
