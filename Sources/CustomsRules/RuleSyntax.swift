/// The YAML shape of a rule file (`rules: [...]`), decoded as written before any validation.
public struct RuleFileSyntax: Decodable, Sendable {
    public var rules: [RuleSyntax]
}

/// One rule as written in `Rules/*.yaml`.
public struct RuleSyntax: Decodable, Sendable {
    public var id: String
    public var name: String
    /// PCRE2 pattern, byte mode; inline flags allowed. Must stay under `Rule.maxMatchLength` bytes per match.
    public var pattern: String
    /// Literals (case-insensitive) of which at least one occurs in every match: the prefilter.
    public var keywords: [String]
    /// The capture group holding the secret (default 1).
    public var secret_group: Int?
    public var severity: String
    public var confidence: String
    /// Name of an offline validator (`github-checksum`, `jwt`, …).
    public var validator: String?
    /// Generic rules (key-name assignments) give way to a specific rule matching the same bytes.
    public var generic: Bool?
    /// Every match begins with one of the keywords: the regex then runs anchored at each keyword
    /// hit instead of searching the bytes around it (much faster for common keywords).
    public var keyword_anchored: Bool?
    /// Minimum Shannon entropy (bits per byte) of the secret; lower matches are not reported.
    public var min_entropy: Double?
    /// The credential is text written by people (`NAME = value` settings, command lines): the rule
    /// is not run over binary content (a chunk holding a NUL byte), whose bytes its keywords would
    /// only slow the prefilter down on. Text inside binaries found as UTF-16 is text.
    public var text_only: Bool?
    public var examples: [String]
    public var negative_examples: [String]?
    public var references: [String]?
}
