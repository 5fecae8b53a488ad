import CustomsCore

/// A validated rule: pure data, ready for an engine to compile.
public struct Rule: Sendable, Hashable {
    /// Longest match, in bytes, a rule may produce: content chunks overlap by at least this much,
    /// so a secret that straddles a chunk boundary is still found whole.
    public static let maxMatchLength = 8192

    public var id: RuleID
    public var name: String
    public var pattern: String
    public var keywords: [String]
    public var secretGroup: Int
    public var severity: Severity
    public var confidence: Confidence
    public var validator: Validator?
    public var isGeneric: Bool
    /// Every match begins with one of `keywords` (case-insensitively), so the regex runs anchored
    /// at keyword hits. `RuleCheck` verifies the claim on the examples.
    public var keywordAnchored: Bool
    public var minEntropy: Double?
    /// Runs on text only, never over binary content (see `RuleSyntax.text_only`).
    public var textOnly: Bool
    public var examples: [String]
    public var negativeExamples: [String]
    public var references: [String]
    /// The file the rule came from, for error messages.
    public var origin: String

    public var summary: RuleSummary { RuleSummary(id: id, name: name, severity: severity, confidence: confidence) }
}

/// Offline checks of a candidate's structure. Closed set: each is implemented in `CustomsDetect`.
public enum Validator: String, Sendable, Hashable, CaseIterable {
    /// GitHub token: base62 CRC32 of the body in the last six characters.
    case githubChecksum = "github-checksum"
    /// npm token: same checksum scheme as GitHub.
    case npmChecksum = "npm-checksum"
    /// JSON Web Token: three base64url parts, header decodes to JSON with `alg`; expiry noted.
    case jwt
    /// PEM private key whose body is the DER structure of a key; encrypted keys noted.
    case privateKey = "private-key"
    /// OpenSSH `openssh-key-v1` container; cipher and key type noted.
    case opensshKey = "openssh-key"
    /// AWS access key id: prefix and base32 body; the owning account noted.
    case awsKeyID = "aws-key-id"
    /// Slack token: numeric ids and secret of the documented shape.
    case slackToken = "slack-token"
    /// HTTP Basic credentials (Docker `auths`, `Authorization: Basic`): base64 of `user:password`.
    case basicCredentials = "basic-credentials"

}
