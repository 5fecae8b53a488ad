import CustomsCore
import Foundation

/// The layer store of one machine: one JSON file per entry under a folder (by default
/// `$XDG_CACHE_HOME/customs`), written under a temporary name and renamed, so concurrent runs
/// are safe: a reader sees a whole entry or none. Owner-only permissions; an entry is read only
/// when it and its folders are owned by the effective user and writable by nobody else
/// (`OwnedFiles`), so a neighbour who can write to a shared cache folder cannot plant results.
public struct FileLayerStore: LayerStore {
    public let directory: URL
    /// A claim older than this is taken to belong to a worker that died.
    var claimLifetime: TimeInterval = 600

    /// - Parameter directory: created when first written.
    public init(directory: URL) { self.directory = directory }

    /// Why `directory` cannot hold a trusted cache (another user's, or writable by group or
    /// others); nil when it can. The CLI then warns and runs without the cache.
    public static func trustProblem(_ directory: URL) -> String? { OwnedFiles.problem(with: directory) }

    /// `$XDG_CACHE_HOME/customs`, else `~/.cache/customs`.
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let base = environment["XDG_CACHE_HOME"], !base.isEmpty {
            return URL(fileURLWithPath: base).appendingPathComponent("customs")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/customs")
    }

    private func file(_ kind: String, _ name: String, extension suffix: String = "json") -> URL {
        let key = Digest.of(Data("\(kind)|\(name)".utf8)).hex
        return directory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + "." + suffix)
    }

    private func file(for key: LayerKey) -> URL { file("layer", "\(key.profile)|\(key.diffID)") }

    public func layers(_ keys: [LayerKey]) -> [LayerKey: CachedLayer] {
        keys.reduce(into: [:]) { found, key in
            guard let data = OwnedFiles.read(file(for: key), under: directory),
                let layer = try? JSONDecoder().decode(CachedLayer.self, from: data)
            else { return }
            found[key] = layer
        }
    }

    public func put(_ layer: CachedLayer, for key: LayerKey) {
        guard let data = try? JSONEncoder().encode(layer) else { return }
        AtomicFile.write(data, to: file(for: key))
    }

    public func blobs(_ digests: [Digest]) -> [Digest: BlobFacts] {
        digests.reduce(into: [:]) { found, digest in
            guard let data = OwnedFiles.read(file("blob", digest.description), under: directory),
                let facts = try? JSONDecoder().decode(BlobFacts.self, from: data)
            else { return }
            found[digest] = facts
        }
    }

    public func put(_ facts: BlobFacts, for digest: Digest) {
        guard let data = try? JSONEncoder().encode(facts) else { return }
        AtomicFile.write(data, to: file("blob", digest.description))
    }

    private func claimFile(_ key: LayerKey) -> URL {
        file("claim", "\(key.profile)|\(key.diffID)", extension: "claim")
    }

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
    /// Writes `data` under a temporary name and renames it to `target` (creating its folder), so
    /// a concurrent reader sees the whole file or none.
    static func write(_ data: Data, to target: URL) {
        let folder = target.deletingLastPathComponent()
        makeFolder(folder)
        let temporary = folder.appendingPathComponent(".\(UUID().uuidString).tmp")
        let created = FileManager.default.createFile(
            atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
        guard created else { return }
        if rename(temporary.path, target.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
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
