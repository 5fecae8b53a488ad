import Crypto
import Foundation

/// The key of the keyed fingerprint (`Secret.fingerprint(rule:key:)`). Everyone who shares a
/// baseline shares the key: by default the public `customs-fingerprint-v2`, which already
/// defeats precomputed tables; a team that sets `CUSTOMS_FINGERPRINT_KEY` to a secret of its own
/// makes fingerprints in reports, SARIF and committed baselines useless for guessing secrets.
public struct FingerprintKey: Sendable {
    let key: SymmetricKey
    /// A short name of the key that does not reveal it: stored in baselines and cache profiles, so
    /// fingerprints made under different keys are never compared.
    public let id: String

    public init(_ text: String) {
        key = SymmetricKey(data: Data(text.utf8))
        id = String(Digest.of(Data("customs-fingerprint-key-id|\(text)".utf8)).hex.prefix(16))
    }

    /// The documented default key.
    public static let `default` = FingerprintKey("customs-fingerprint-v2")

    /// The environment variable that sets a team's key.
    public static let environmentVariable = "CUSTOMS_FINGERPRINT_KEY"

    /// `$CUSTOMS_FINGERPRINT_KEY` when set and not empty, else the default.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        -> FingerprintKey
    {
        environment[environmentVariable].flatMap { $0.isEmpty ? nil : FingerprintKey($0) } ?? .default
    }
}
