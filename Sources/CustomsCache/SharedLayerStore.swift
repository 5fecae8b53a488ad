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

    private func name(_ key: LayerKey) -> String { "layer|\(key.profile)|\(key.diffID)" }

    /// The entries named `names` whose seal holds, their seal removed.
    private func opened(_ names: [String]) -> [String: [UInt8]] {
        rows.entries(names).reduce(into: [:]) { found, entry in
            var bytes = entry.value
            if key.open(&bytes, as: entry.key) { found[entry.key] = bytes }
        }
    }

    public func layers(_ keys: [LayerKey]) -> [LayerKey: CachedLayer] {
        let entries = opened(keys.map(name))
        return keys.reduce(into: [:]) { found, key in
            guard var bytes = entries[name(key)], let layer = CachedLayer(taking: &bytes) else { return }
            found[key] = layer
        }
    }

    public func put(_ layer: CachedLayer, for key: LayerKey) {
        let (changes, header) = layer.encoded
        let name = name(key)
        rows.put(changes + header + self.key.tag([changes[...], header[...]], name), name: name)
    }

    public func blobs(_ digests: [Digest]) -> [Digest: BlobFacts] {
        let entries = opened(digests.map { "blob|\($0)" })
        return digests.reduce(into: [:]) { found, digest in
            guard let bytes = entries["blob|\(digest)"],
                let facts = try? JSONDecoder().decode(BlobFacts.self, from: Data(bytes))
            else { return }
            found[digest] = facts
        }
    }

    public func put(_ facts: BlobFacts, for digest: Digest) {
        guard let data = try? JSONEncoder().encode(facts) else { return }
        let name = "blob|\(digest)"
        var bytes = [UInt8](data)
        key.seal(&bytes, as: name)
        rows.put(bytes, name: name)
    }

    public func claim(_ key: LayerKey) -> Bool { rows.claim(name(key), seconds: claimSeconds) }

    public func release(_ key: LayerKey) { rows.release(name(key)) }
}
