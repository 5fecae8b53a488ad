import CustomsCore

/// One secret found in a byte stream, before it is placed in an image.
public struct ContentMatch: Sendable, Hashable {
    public var rule: RuleSummary
    public var secret: Secret
    /// Byte offset of the secret's first byte from the start of the stream (0-based).
    public var offset: Int64
    /// 1-based line and byte column of the secret's first byte.
    public var line: Int
    public var column: Int

    public init(rule: RuleSummary, secret: Secret, offset: Int64, line: Int, column: Int) {
        self.rule = rule
        self.secret = secret
        self.offset = offset
        self.line = line
        self.column = column
    }
}

/// What scanning one stream produced: the matches, and what could not be decided.
public struct ContentScanResult: Sendable {
    public var matches: [ContentMatch] = []
    /// Rules whose search hit a PCRE2 limit: the answer for them is unknown (incomplete coverage).
    public var limitHits: [(rule: RuleID, message: String)] = []
    /// Bytes read from the stream.
    public var bytesScanned: Int64 = 0
    /// Set when reading stopped with an error; matches before it are kept.
    public var readError: (any Error)?
    /// True when a size budget stopped the scan early.
    public var truncated = false

    public init() {}
}
