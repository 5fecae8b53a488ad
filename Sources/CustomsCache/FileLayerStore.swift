import CustomsCore
import Foundation

/// The layer store of one machine: one file per entry under a folder (by default
/// `$XDG_CACHE_HOME/customs`), written under a temporary name and renamed, so concurrent runs
/// are safe: a reader sees a whole entry or none. Every entry is sealed with the cache key
/// (`CacheKey`) and read only when its seal holds. With the user's own key, an entry is also read
/// only when it and its folders are the effective user's and writable by nobody else
/// (`OwnedFiles`); with a shared key, a folder others can write to is used, the seal being the
/// proof. Either way a neighbour who can write to the folder cannot plant results.
public struct FileLayerStore: LayerStore {
    public let directory: URL
    let key: CacheKey
    /// A claim older than this is taken to belong to a worker that died.
    var claimLifetime: TimeInterval = 600
    /// The largest entry read: a layer at the entry limit with long paths.
    static let maxEntryBytes = 1 << 30

    /// - Parameter directory: created when first written.
    public init(directory: URL, key: CacheKey) {
        self.directory = directory
        self.key = key
    }

    /// Why `directory` cannot hold a cache trusted under `key` (with the user's own key: another
    /// user's, or writable by group or others); nil when it can. The CLI then warns and runs
    /// without the cache.
    public static func trustProblem(_ directory: URL, key: CacheKey) -> String? {
        key.isShared ? nil : OwnedFiles.problem(with: directory)
    }

    /// `$XDG_CACHE_HOME/customs`, else `~/.cache/customs`.
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let base = environment["XDG_CACHE_HOME"], !base.isEmpty {
            return URL(fileURLWithPath: base).appendingPathComponent("customs")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/customs")
    }

    private func file(_ name: String, extension suffix: String) -> URL {
        let hashed = Digest.of(Data(name.utf8)).hex
        return directory.appendingPathComponent(String(hashed.prefix(2))).appendingPathComponent(hashed + "." + suffix)
    }

    /// The content of the entry `name`, when its seal holds.
    private func read(_ name: String, extension suffix: String, limit: Int = 1 << 20) -> [UInt8]? {
        guard
            var bytes = OwnedFiles.read(
                file(name, extension: suffix), under: directory, limit: limit,
                owned: !key.isShared),
            key.open(&bytes, as: name)
        else { return nil }
        return bytes
    }

    public func layers(_ keys: [LayerKey]) -> [LayerKey: CachedLayer] {
        keys.reduce(into: [:]) { found, key in
            guard var bytes = read(SealedEntry.name(key), extension: "layer", limit: Self.maxEntryBytes),
                let layer = CachedLayer(taking: &bytes)
            else { return }
            found[key] = layer
        }
    }

    public func put(_ layer: CachedLayer, for key: LayerKey) {
        let name = SealedEntry.name(key)
        AtomicFile.write(SealedEntry.layer(layer, name: name, key: self.key), to: file(name, extension: "layer"))
    }

    public func blobs(_ digests: [Digest]) -> [Digest: BlobFacts] {
        digests.reduce(into: [:]) { found, digest in
            found[digest] = read(SealedEntry.name(digest), extension: "json").flatMap(SealedEntry.facts)
        }
    }

    public func put(_ facts: BlobFacts, for digest: Digest) {
        let name = SealedEntry.name(digest)
        guard let bytes = SealedEntry.facts(facts, name: name, key: key) else { return }
        AtomicFile.write([bytes], to: file(name, extension: "json"))
    }

    private func claimFile(_ key: LayerKey) -> URL { file("claim|\(key.profile)|\(key.diffID)", extension: "claim") }

    public func claim(_ key: LayerKey) -> Bool {
        let claim = claimFile(key)
        if AtomicFile.create(claim) { return true }
        // A claim left by a worker that died is broken once it is old enough.
        let attributes = try? FileManager.default.attributesOfItem(atPath: claim.path)
        guard let written = attributes?[.modificationDate] as? Date,
            Date().timeIntervalSince(written) > claimLifetime
        else { return false }
        try? FileManager.default.removeItem(at: claim)
        return AtomicFile.create(claim)
    }

    public func release(_ key: LayerKey) {
        try? FileManager.default.removeItem(at: claimFile(key))
    }
}

/// Files written whole or not at all, readable by their owner only.
enum AtomicFile {
    /// Writes `parts`, one after the other, under a temporary name (owner-only, never through a
    /// link) and renames it to `target` (creating its folder), so a concurrent reader sees the
    /// whole file or none.
    static func write(_ parts: [[UInt8]], to target: URL) {
        let folder = target.deletingLastPathComponent()
        makeFolder(folder)
        let temporary = folder.appendingPathComponent(".\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        var written = true
        for part in parts where written {
            written = part.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let count = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if count < 0, errno == EINTR { continue }
                    guard count > 0 else { return false }
                    offset += count
                }
                return true
            }
        }
        close(descriptor)
        if !written || rename(temporary.path, target.path) != 0 { unlink(temporary.path) }
    }

    /// Creates an empty `file` unless it exists: true when this call created it.
    static func create(_ file: URL) -> Bool {
        makeFolder(file.deletingLastPathComponent())
        let descriptor = open(file.path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }

    static func makeFolder(_ folder: URL) {
        try? FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
}
