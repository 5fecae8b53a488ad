import Crypto
import Foundation

/// A matched credential. Holds the clear text in memory only; every output goes through
/// `redacted` unless the user opted out with `--show-secrets`.
public struct Secret: Hashable, Sendable {
    /// The secret as matched (bytes decoded leniently as UTF-8).
    public let value: String

    public init(_ value: String) { self.value = value }
    public init(bytes: some Collection<UInt8>) { self.value = String(decoding: bytes, as: UTF8.self) }

    /// A short prefix and suffix, enough to recognise the secret, never enough to use it:
    /// `ghp_…Qa` for long secrets, `ab…` for short ones.
    public var redacted: String {
        let characters = Array(value.replacingOccurrences(of: "\n", with: " "))
        switch characters.count {
        case 0..<8: return String(characters.prefix(1)) + "…"
        case 8..<24: return String(characters.prefix(3)) + "…" + String(characters.suffix(1))
        default: return String(characters.prefix(4)) + "…" + String(characters.suffix(2))
        }
    }

    /// sha256 of rule id and secret: stable across rebuilds, layer moves and byte offsets.
    public func fingerprint(rule: RuleID) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(rule.rawValue.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(value.utf8))
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
