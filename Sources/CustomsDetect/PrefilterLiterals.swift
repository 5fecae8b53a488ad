import CustomsRegex
import CustomsRules

/// Every rule's keywords numbered as prefilter literals, the one numbering the engine and the
/// build step that compiles the built-in rules' databases both use: the databases (the keywords
/// of the rules that read binary content; every keyword, for text), and per literal its rule,
/// length and what a keyword-anchored match needs before it.
public struct PrefilterLiterals: Sendable {
    /// The keywords of the rules that run over all content (binary chunks).
    public let binary: [Prefilter.Literal]
    /// Every keyword, the text-only rules' too (text chunks).
    public let text: [Prefilter.Literal]
    /// Literal id → index of its rule.
    let owner: [Int]
    /// Literal id → its length in bytes (a hit's start is its end minus this).
    let length: [Int]
    /// Literal id → what a keyword-anchored match needs before it (`.none` for other rules).
    let boundary: [LeadingBoundary]

    public init(rules: [Rule]) {
        var binary: [Prefilter.Literal] = []
        var textOnly: [Prefilter.Literal] = []
        var owner: [Int] = []
        var length: [Int] = []
        var boundary: [LeadingBoundary] = []
        for (index, rule) in rules.enumerated() {
            for keyword in rule.keywords {
                let literal = Prefilter.Literal(id: UInt32(owner.count), text: keyword)
                if rule.textOnly { textOnly.append(literal) } else { binary.append(literal) }
                owner.append(index)
                length.append(keyword.utf8.count)
                boundary.append(rule.keywordAnchored ? LeadingBoundary(pattern: rule.pattern, keyword: keyword) : .none)
            }
        }
        self.binary = binary
        text = binary + textOnly
        self.owner = owner
        self.length = length
        self.boundary = boundary
    }
}
