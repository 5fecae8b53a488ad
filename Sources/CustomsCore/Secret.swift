import Crypto
import Foundation

/// A matched credential. Holds the clear text in memory only; every output goes through
/// `redacted` unless the user opted out with `--show-secrets`.
public struct Secret: Hashable, Sendable {
    /// The secret as matched (bytes decoded leniently as UTF-8); empty when restored from the cache.
    public let value: String
    /// Fingerprint and redaction of a secret restored from the layer cache, which never holds secrets.
    private let restored: Restored?

    private struct Restored: Hashable, Sendable {
        let fingerprint: String
        let redacted: String
    }

    public init(_ value: String) {
        self.value = value
        restored = nil
    }

    public init(bytes: some Collection<UInt8>) { self.init(String(decoding: bytes, as: UTF8.self)) }

    /// A secret known only by its fingerprint and redaction (from the layer cache).
    public init(restoredFingerprint fingerprint: String, redacted: String) {
        value = ""
        restored = Restored(fingerprint: fingerprint, redacted: redacted)
    }

    /// True when only the fingerprint and redaction are known.
    public var isRestored: Bool { restored != nil }

    /// A short prefix and suffix, enough to recognise the secret, never enough to use it:
    /// `ghp_…Qa` for long secrets, `ab…` for short ones.
    public var redacted: String {
        if let restored { return restored.redacted }
        let characters = Array(value.replacingOccurrences(of: "\n", with: " "))
        switch characters.count {
        case 0..<8: return String(characters.prefix(1)) + "…"
        case 8..<24: return String(characters.prefix(3)) + "…" + String(characters.suffix(1))
        default: return String(characters.prefix(4)) + "…" + String(characters.suffix(2))
        }
    }

    /// sha256 of rule id and secret: stable across rebuilds, layer moves and byte offsets.
    public func fingerprint(rule: RuleID) -> String {
        if let restored { return restored.fingerprint }
        var hasher = SHA256()
        hasher.update(data: Data(rule.rawValue.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(value.utf8))
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
