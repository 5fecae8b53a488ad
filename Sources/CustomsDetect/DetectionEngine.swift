import CustomsCore
import CustomsRegex
import CustomsRules
import Dispatch
import Synchronization

/// Every rule compiled once: a keyword prefilter over all content and one over text for the
/// text-only rules, and one JIT-compiled PCRE2 pattern per rule. Immutable and shared by all
/// scanning tasks; each task makes its own `ContentScanner`.
public final class DetectionEngine: Sendable {
    public let ruleSet: RuleSet
    let rules: [Rule]
    let regexes: [PCRE2Regex]
    /// The same patterns compiled anchored, for keyword-anchored rules (nil for the others).
    let anchoredRegexes: [PCRE2Regex?]
    /// The keywords of the rules that run over all content, scanned over binary chunks; nil when
    /// every rule is text-only.
    let prefilter: Prefilter?
    /// Every keyword (the text-only rules' too), scanned over text (no NUL byte): one database
    /// tuned for text scans text faster than the binary one and a text-only one in turn.
    let textPrefilter: Prefilter
    /// The prefilters' literals: which rule each belongs to, its length, the boundary before it.
    let literals: PrefilterLiterals
    let limits: MatchScratch.Limits
    /// Ids of the generic (key-name) rules.
    let genericRules: Set<RuleID>
    /// Credential files read by structure as well as by the rules.
    let credentialFiles: Set<CredentialFiles.Kind>

    /// Compiles `ruleSet`; the keyword prefilter comes from `builtinPrefilters` (the databases
    /// the build compiled for the built-in rules), else from `prefilterStore` when compiled before.
    /// - Throws: `DetectError` naming the rule whose pattern does not compile.
    public init(
        ruleSet: RuleSet, limits: MatchScratch.Limits = MatchScratch.Limits(),
        credentialFiles: Set<CredentialFiles.Kind> = Set(CredentialFiles.Kind.allCases),
        prefilterStore: (any PrefilterStore)? = nil, builtinPrefilters: (any PrefilterStore)? = nil
    ) throws {
        self.ruleSet = ruleSet
        self.limits = limits
        self.credentialFiles = credentialFiles
        genericRules = Set(ruleSet.rules.filter(\.isGeneric).map(\.id))
        rules = ruleSet.rules
        literals = PrefilterLiterals(rules: rules)
        // The literal databases (the slowest part) compile on other threads while the regexes do here.
        let databases = Mutex<[Int: Result<Prefilter, any Error>]>([:])
        let group = DispatchGroup()
        for (slot, set) in [literals.binary, literals.text].enumerated() where !set.isEmpty {
            DispatchQueue.global().async(group: group) {
                let result = Result {
                    try Prefilter(
                        literals: set, store: prefilterStore, builtin: builtinPrefilters, forText: slot == 1)
                }
                databases.withLock { $0[slot] = result }
            }
        }
        var regexes: [PCRE2Regex] = []
        var anchoredRegexes: [PCRE2Regex?] = []
        var regexError: DetectError?
        for rule in rules where regexError == nil {
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
                regexError = DetectError("rule \(rule.id) (\(rule.origin)): \(error.message)")
            } catch let error as DetectError {
                regexError = error
            }
        }
        group.wait()
        if let regexError { throw regexError }
        self.regexes = regexes
        self.anchoredRegexes = anchoredRegexes
        let compiled = databases.withLock { $0 }
        do {
            guard let textPrefilter = try compiled[1]?.get() else {
                throw RegexError("prefilter needs at least one keyword")
            }
            self.textPrefilter = textPrefilter
            prefilter = try compiled[0]?.get()
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
