import CustomsRegex
import CustomsRules

/// Every rule's keywords numbered as prefilter literals, the one numbering the engine and the
/// build step that compiles the built-in rules' databases both use: the databases (the keywords
/// of the rules that read binary content; every keyword, for text), and what a hit of each means.
public struct PrefilterLiterals: Sendable {
    /// What a hit of one literal means.
    struct Entry: Sendable {
        /// Index of its rule.
        var rule: Int
        /// Its length in bytes (a hit's start is its end minus this).
        var length: Int
        /// What a keyword-anchored match needs before it (`.none` for other rules).
        var boundary: LeadingBoundary
    }

    /// The keywords of the rules that run over all content (binary chunks).
    public let binary: [Prefilter.Literal]
    /// Every keyword, the text-only rules' too (text chunks).
    public let text: [Prefilter.Literal]
    /// Literal id → what its hits mean.
    let entries: [Entry]

    public init(rules: [Rule]) {
        var binary: [Prefilter.Literal] = []
        var textOnly: [Prefilter.Literal] = []
        var entries: [Entry] = []
        for (index, rule) in rules.enumerated() {
            for keyword in rule.keywords {
                let literal = Prefilter.Literal(id: UInt32(entries.count), text: keyword)
                if rule.textOnly { textOnly.append(literal) } else { binary.append(literal) }
                let boundary = rule.keywordAnchored ? LeadingBoundary(pattern: rule.pattern, keyword: keyword) : .none
                entries.append(Entry(rule: index, length: keyword.utf8.count, boundary: boundary))
            }
        }
        self.binary = binary
        text = binary + textOnly
        self.entries = entries
    }
}
