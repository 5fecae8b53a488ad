import CustomsCore
import CustomsWalker
import Foundation

/// Where scanned layer results are kept between runs, by whatever holds them: files on one
/// machine today, a database shared by many workers later. The API names layers by key and
/// takes batches, never file paths, so a networked store answers a whole image in one round trip.
/// Stored records hold fingerprints and redactions only (`CachedLayer`), never a clear secret.
public protocol LayerStore: Sendable {
    /// The stored results for those of `keys` the store holds.
    func layers(_ keys: [LayerKey]) -> [LayerKey: CachedLayer]
    /// Keeps `layer` under `key`, replacing what was there.
    func put(_ layer: CachedLayer, for key: LayerKey)
    /// What earlier walks recorded of the blobs named by `digests`, for those it knows.
    func blobs(_ digests: [Digest]) -> [Digest: BlobFacts]
    /// Records what a walk learned of the blob named `digest`.
    func put(_ facts: BlobFacts, for digest: Digest)
    /// Claims `key` for one worker's scan: true when the caller now holds it, false when another
    /// live worker does (the caller may wait for that result or scan anyway).
    func claim(_ key: LayerKey) -> Bool
    /// Gives up a claim taken with `claim(_:)`.
    func release(_ key: LayerKey)
}

extension LayerStore {
    /// The stored results of one layer.
    public func layer(_ key: LayerKey) -> CachedLayer? { layers([key])[key] }
}

/// Names a layer's results: its content (diffID) and everything else that changes what a scan
/// of it finds (customs version, rule set, budgets), hashed into `profile`.
public struct LayerKey: Hashable, Sendable {
    public var diffID: Digest
    public var profile: String

    public init(diffID: Digest, profile: String) {
        self.diffID = diffID
        self.profile = profile
    }

    /// The profile of a scan with these rules, budgets and fingerprint key by this version of customs.
    public static func profile(rulesHash: String, limits: WalkLimits, fingerprintKey: FingerprintKey) -> String {
        let parts = [
            "customs-layer-cache-v7", CustomsVersion.current, rulesHash, fingerprintKey.id, "\(limits.maxFileBytes)",
            "\(limits.maxLayerBytes)", "\(limits.maxEntries)", "\(limits.maxNestedDepth)", "\(limits.maxNestedBytes)",
        ]
        return Digest.of(Data(parts.joined(separator: "|").utf8)).hex
    }
}

/// What a walk learned about a blob besides its content: its diffID, compression and size.
public struct BlobFacts: Codable, Sendable, Equatable {
    public var diffID: Digest
    public var compression: Compression
    public var size: Int64

    public init(diffID: Digest, compression: Compression, size: Int64) {
        self.diffID = diffID
        self.compression = compression
        self.size = size
    }

    /// Gives `record` (the results of this blob's content) the identity of the blob `digest`.
    func describe(_ digest: Digest, in record: inout LayerRecord) {
        record.digest = digest
        record.compression = compression
        record.compressedSize = size
    }
}

/// How every store names and seals its entries, so a result sealed by one store's code reads the
/// same in another's: the entry's name, and its content followed by the cache key's tag over both.
enum SealedEntry {
    static func name(_ key: LayerKey) -> String { "layer|\(key.profile)|\(key.diffID)" }
    static func name(_ digest: Digest) -> String { "blob|\(digest)" }

    /// A layer's parts, the tag last (written one after the other, never joined in memory).
    static func layer(_ layer: CachedLayer, name: String, key: CacheKey) -> [[UInt8]] {
        let (changes, header) = layer.encoded
        return [changes, header, key.tag([changes[...], header[...]], name)]
    }

    /// A blob's facts, sealed.
    static func facts(_ facts: BlobFacts, name: String, key: CacheKey) -> [UInt8]? {
        guard let data = try? JSONEncoder().encode(facts) else { return nil }
        var bytes = [UInt8](data)
        key.seal(&bytes, as: name)
        return bytes
    }

    /// The facts in an opened (unsealed) entry.
    static func facts(_ bytes: [UInt8]) -> BlobFacts? { try? JSONDecoder().decode(BlobFacts.self, from: Data(bytes)) }
}
