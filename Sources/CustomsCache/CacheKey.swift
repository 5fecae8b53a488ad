import Crypto
import CustomsCore
import Foundation

/// The key that authenticates every cache entry (HMAC-SHA256 over its name and content), kept
/// outside the cache. Whoever can write to a cache folder but does not hold the key cannot plant
/// a clean layer record, a prefilter compiled without a rule, or a "verified" mark: an entry that
/// fails its check is ignored and the layer is walked again. A store shared by several machines
/// or users (a CI cache, a volume, the audit's database) is trusted through a key they share.
public struct CacheKey: Sendable {
    let key: SymmetricKey
    /// True when the key was given (`CUSTOMS_CACHE_KEY`) rather than kept per user: a team shares
    /// it, so a cache folder others can write to is trusted as far as the key is.
    public let isShared: Bool

    /// The environment variable holding a team's shared key.
    public static let environmentVariable = "CUSTOMS_CACHE_KEY"
    /// Bytes a sealed entry adds (its HMAC-SHA256).
    static let tagLength = 32

    public init(_ secret: String, shared: Bool) {
        key = SymmetricKey(data: Data(secret.utf8))
        isShared = shared
    }

    /// `$CUSTOMS_CACHE_KEY` when set, else the user's own key in `keyFile`, created (random,
    /// owner-only) on first use.
    /// - Throws: `CacheKeyError` when the key file cannot be created or is not the user's own.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, keyFile: URL? = nil
    ) throws -> CacheKey {
        if let shared = environment[environmentVariable], !shared.isEmpty { return CacheKey(shared, shared: true) }
        let file = keyFile ?? defaultKeyFile(environment)
        if let text = try readOrCreate(file) { return CacheKey(text, shared: false) }
        throw CacheKeyError(file: file.path)
    }

    /// `$XDG_CONFIG_HOME/customs/cache-key`, else `~/.config/customs/cache-key`: outside the cache folder.
    public static func defaultKeyFile(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        return base.appendingPathComponent("customs/cache-key")
    }

    /// The key text of `file`, created whole (written under a temporary name, then linked into
    /// place, so a concurrent first run reads a complete key) when absent; nil when it is not
    /// the user's own file or cannot be made.
    private static func readOrCreate(_ file: URL) throws -> String? {
        let folder = file.deletingLastPathComponent()
        func read() -> String? {
            OwnedFiles.read(file, under: folder, limit: 4096).flatMap { data in
                let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                return text.count >= 32 ? text : nil
            }
        }
        if let text = read() { return text }
        AtomicFile.makeFolder(folder)
        let text = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).lowercaseHex }
        let temporary = folder.appendingPathComponent(".\(UUID().uuidString).tmp")
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { return nil }
        defer { unlink(temporary.path) }
        _ = link(temporary.path, file.path)  // fails when another run created it first: read theirs
        return read()
    }

    /// `content` with its tag appended, for the entry called `name`.
    func seal(_ content: inout [UInt8], as name: String) {
        content += tag([content[...]], name)
    }

    /// Verifies and strips the tag of the entry called `name`: false (and `sealed` unchanged) when
    /// it was not sealed with this key under this name.
    func open(_ sealed: inout [UInt8], as name: String) -> Bool {
        guard sealed.count >= Self.tagLength else { return false }
        let body = sealed.dropLast(Self.tagLength)
        let difference = zip(tag([body], name), sealed.suffix(Self.tagLength)).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        guard difference == 0 else { return false }
        sealed.removeLast(Self.tagLength)
        return true
    }

    /// A name for `text` only the key's holders can compute (the verified-blob marks are empty
    /// files whose name is the claim).
    func name(_ text: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key).lowercaseHex
    }

    /// The tag of the entry called `name` whose content is `parts`, one after the other.
    func tag(_ parts: [ArraySlice<UInt8>], _ name: String) -> [UInt8] {
        var mac = HMAC<SHA256>(key: key)
        mac.update(data: Data("customs-cache-entry-v1|\(name)|".utf8))
        for part in parts { mac.update(data: part) }
        return Array(mac.finalize())
    }
}

/// The user's cache key file could not be read or made: the scan runs without the cache.
public struct CacheKeyError: Error, CustomStringConvertible {
    public let file: String
    public var description: String {
        "cannot read or create the cache key \(file.escapedForTerminal) (it must be a file of the user's own, "
            + "mode 0600); set \(CacheKey.environmentVariable) or fix the file"
    }
}
