import CustomsCore
import Foundation

/// Named byte entries and claims kept by a database that many workers share (the audit's
/// PostgreSQL or SQLite store). The store only keeps bytes; `SharedLayerStore` seals them.
public protocol LayerRows: Sendable {
    /// The entries among `names` the database holds, in one round trip.
    func entries(_ names: [String]) -> [String: [UInt8]]
    /// Keeps `bytes` under `name`, replacing what was there.
    func put(_ bytes: [UInt8], name: String)
    /// Takes the claim `name` for `seconds`: true when it was free or its holder's time ran out.
    func claim(_ name: String, seconds: Int) -> Bool
    /// Gives up a claim this process holds.
    func release(_ name: String)
}

/// The layer store of many workers on many machines: entries in a shared database, each sealed
/// with the cache key as `FileLayerStore` seals its files, so whoever can write to the database
/// without holding the key (a neighbour, a compromised worker of another team) cannot plant a
/// clean result for a layer holding a secret: an entry whose seal fails is ignored and the layer
/// walked again. Claims let two workers that reach the same unscanned layer scan it once.
public struct SharedLayerStore: LayerStore {
    let rows: any LayerRows
    let key: CacheKey
    /// How long a claim stands without its holder's result: a worker that dies mid-layer loses it.
    let claimSeconds: Int

    public init(rows: any LayerRows, key: CacheKey, claimSeconds: Int = 600) {
        self.rows = rows
        self.key = key
        self.claimSeconds = claimSeconds
    }

    /// The entries named `names` whose seal holds, their seal removed.
    private func opened(_ names: [String]) -> [String: [UInt8]] {
        rows.entries(names).reduce(into: [:]) { found, entry in
            var bytes = entry.value
            if key.open(&bytes, as: entry.key) { found[entry.key] = bytes }
        }
    }

    public func layers(_ keys: [LayerKey]) -> [LayerKey: CachedLayer] {
        let entries = opened(keys.map(SealedEntry.name))
        return keys.reduce(into: [:]) { found, key in
            guard var bytes = entries[SealedEntry.name(key)], let layer = CachedLayer(taking: &bytes) else { return }
            found[key] = layer
        }
    }

    public func put(_ layer: CachedLayer, for key: LayerKey) {
        let name = SealedEntry.name(key)
        rows.put(SealedEntry.layer(layer, name: name, key: self.key).flatMap { $0 }, name: name)
    }

    public func blobs(_ digests: [Digest]) -> [Digest: BlobFacts] {
        let entries = opened(digests.map(SealedEntry.name))
        return digests.reduce(into: [:]) { found, digest in
            found[digest] = entries[SealedEntry.name(digest)].flatMap(SealedEntry.facts)
        }
    }

    public func put(_ facts: BlobFacts, for digest: Digest) {
        let name = SealedEntry.name(digest)
        guard let bytes = SealedEntry.facts(facts, name: name, key: key) else { return }
        rows.put(bytes, name: name)
    }

    public func claim(_ key: LayerKey) -> Bool { rows.claim(SealedEntry.name(key), seconds: claimSeconds) }

    public func release(_ key: LayerKey) { rows.release(SealedEntry.name(key)) }
}
