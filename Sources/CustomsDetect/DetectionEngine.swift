import CustomsCore
import CustomsRegex
import CustomsRules

/// Every rule compiled once: one keyword prefilter over all rules, and one JIT-compiled PCRE2
/// pattern per rule. Immutable and shared by all scanning tasks; each task makes its own
/// `ContentScanner`.
public final class DetectionEngine: Sendable {
    public let ruleSet: RuleSet
    let rules: [Rule]
    let regexes: [PCRE2Regex]
    /// The same patterns compiled anchored, for keyword-anchored rules (nil for the others).
    let anchoredRegexes: [PCRE2Regex?]
    let prefilter: Prefilter
    /// Prefilter literal id → index into `rules`.
    let literalOwner: [Int]
    /// Prefilter literal id → its length in bytes (a hit's start is its end minus this).
    let literalLength: [Int]
    let limits: MatchScratch.Limits
    /// Ids of the generic (key-name) rules.
    let genericRules: Set<RuleID>
    /// Credential files read by structure as well as by the rules.
    let credentialFiles: Set<CredentialFiles.Kind>

    /// Compiles `ruleSet`; the keyword prefilter comes from `prefilterStore` when compiled before.
    /// - Throws: `DetectError` naming the rule whose pattern does not compile.
    public init(
        ruleSet: RuleSet, limits: MatchScratch.Limits = MatchScratch.Limits(),
        credentialFiles: Set<CredentialFiles.Kind> = Set(CredentialFiles.Kind.allCases),
        prefilterStore: (any PrefilterStore)? = nil
    ) throws {
        self.ruleSet = ruleSet
        self.limits = limits
        self.credentialFiles = credentialFiles
        genericRules = Set(ruleSet.rules.filter(\.isGeneric).map(\.id))
        rules = ruleSet.rules
        var regexes: [PCRE2Regex] = []
        var anchoredRegexes: [PCRE2Regex?] = []
        var literals: [Prefilter.Literal] = []
        var owner: [Int] = []
        var length: [Int] = []
        for (index, rule) in rules.enumerated() {
            do {
                let regex = try PCRE2Regex(rule.pattern)
                guard rule.secretGroup <= regex.captureCount else {
                    throw DetectError(
                        "rule \(rule.id) (\(rule.origin)): secret_group \(rule.secretGroup) but the pattern has "
                            + "\(regex.captureCount) groups"
                    )
                }
                regexes.append(regex)
                anchoredRegexes.append(rule.keywordAnchored ? try PCRE2Regex(rule.pattern, anchored: true) : nil)
            } catch let error as RegexError {
                throw DetectError("rule \(rule.id) (\(rule.origin)): \(error.message)")
            }
            for keyword in rule.keywords {
                literals.append(Prefilter.Literal(id: UInt32(owner.count), text: keyword))
                owner.append(index)
                length.append(keyword.utf8.count)
            }
        }
        self.regexes = regexes
        self.anchoredRegexes = anchoredRegexes
        literalOwner = owner
        literalLength = length
        do {
            prefilter = try Prefilter(literals: literals, store: prefilterStore)
        } catch let error as RegexError {
            throw DetectError(error.message)
        }
    }

    /// A scanner for one task (owns its match and prefilter scratch).
    public func makeScanner() -> ContentScanner { ContentScanner(engine: self) }
}

/// The one error type of `CustomsDetect`: rules that cannot be compiled into an engine.
public struct DetectError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
