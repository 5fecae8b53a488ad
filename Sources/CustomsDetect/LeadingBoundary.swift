/// What a keyword-anchored rule's pattern demands of the byte before its match, read from the
/// start of the pattern, so a keyword hit inside a longer word ("eth" in "method", "box" in
/// "checkbox") is dropped before its regex runs: most hits of short provider keywords are such.
enum LeadingBoundary: Sendable {
    /// Nothing known: the regex decides.
    case none
    /// `(?<![A-Za-z0-9])`: no ASCII letter or digit before the match.
    case noAlphanumeric
    /// `\b` before a keyword that begins with a word character: no letter, digit or `_` before.
    case noWordByte

    /// The boundary a match of `pattern` that begins with `keyword` needs.
    init(pattern: String, keyword: String) {
        var rest = Substring(pattern)
        if rest.hasPrefix("(?i)") { rest = rest.dropFirst(4) }
        if rest.hasPrefix("(?<![A-Za-z0-9])") {
            self = .noAlphanumeric
        } else if rest.hasPrefix(#"\b"#), let first = keyword.utf8.first, Self.isWordByte(first) {
            self = .noWordByte
        } else {
            self = .none
        }
    }

    /// Whether a match cannot begin right after `byte`.
    func rejects(after byte: UInt8) -> Bool {
        switch self {
        case .none: false
        case .noAlphanumeric: Self.isAlphanumeric(byte)
        case .noWordByte: Self.isWordByte(byte)
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default: false
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "_") || isAlphanumeric(byte) }
}
