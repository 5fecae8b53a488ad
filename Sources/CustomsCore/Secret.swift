import Crypto
import Foundation

/// A matched credential. Holds the clear text in memory only, and only when it was read from
/// the image in this run: a secret restored from a layer store has no clear value at all, so
/// code that needs one (`--show-secrets`, regex allow rules) must handle its absence. Every
/// output goes through `redacted` unless the user opted out with `--show-secrets`.
public struct Secret: Hashable, Sendable {
    /// What is known of the secret.
    public enum Content: Hashable, Sendable {
        /// The secret as matched (bytes decoded leniently as UTF-8).
        case clear(String)
        /// Only its fingerprint and redaction, as a layer store keeps it.
        case restored(fingerprint: String, redacted: String)
    }

    public let content: Content

    public init(_ value: String) { content = .clear(value) }

    public init(bytes: some Collection<UInt8>) { self.init(String(decoding: bytes, as: UTF8.self)) }

    private init(content: Content) { self.content = content }

    /// A secret known only by its fingerprint and redaction (from a layer store).
    public static func restored(fingerprint: String, redacted: String) -> Secret {
        Secret(content: .restored(fingerprint: fingerprint, redacted: redacted))
    }

    /// The clear text; nil for a secret restored from a layer store.
    public var clearValue: String? {
        if case .clear(let value) = content { return value }
        return nil
    }

    /// Secrets shorter than this show no character at all in a redaction: with a few characters
    /// shown, a short password falls to brute force against its fingerprint in seconds.
    public static let shortestPartlyShown = 24

    /// Enough to recognise a long secret, never enough to use or guess it: `ghp_…Qa` for secrets
    /// of 24 characters or more; `[redacted]` for shorter ones (passwords, PINs, short keys).
    public var redacted: String {
        switch content {
        case .restored(_, let redacted): return redacted
        case .clear(let value):
            let characters = Array(value.replacingOccurrences(of: "\n", with: " "))
            guard characters.count >= Self.shortestPartlyShown else { return "[redacted]" }
            return String(characters.prefix(4)) + "…" + String(characters.suffix(2))
        }
    }

    /// HMAC-SHA256 of rule id and secret under `key`: stable across rebuilds, layer moves and
    /// byte offsets, and useless for guessing the secret without the key.
    public func fingerprint(rule: RuleID, key: FingerprintKey) -> String {
        switch content {
        case .restored(let fingerprint, _): return fingerprint
        case .clear(let value):
            var mac = HMAC<SHA256>(key: key.key)
            mac.update(data: Data(rule.rawValue.utf8))
            mac.update(data: Data([0]))
            mac.update(data: Data(value.utf8))
            return mac.finalize().lowercaseHex
        }
    }

    /// The unkeyed fingerprint of customs before 0.6 (SHA-256 of rule id and secret), kept only
    /// to read old baselines; nil for a restored secret, which has no clear value to hash.
    public func legacyFingerprint(rule: RuleID) -> String? {
        guard let value = clearValue else { return nil }
        var hasher = SHA256()
        hasher.update(data: Data(rule.rawValue.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(value.utf8))
        return hasher.finalize().lowercaseHex
    }
}

/// A secret printed, dumped or shown in a test failure shows its redaction only: the clear
/// value never reaches a log by accident.
extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Secret(\(redacted))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted], displayStyle: .struct) }
}
