import CustomsCore
import CustomsRegex
import CustomsRules

/// Proves a rule set does what its rules say: every rule compiles, every example is found by the
/// regex alone (with its secret group) and by the full prefilter → regex → filter pipeline a scan
/// uses (a rule the prefilter cannot see would be a silent miss), a keyword-anchored rule's matches
/// begin with a keyword, and no negative example is reported. Every rule documents itself: at least
/// two examples, one negative example and a reference to the provider's documentation of the format.
/// Backs `customs rules check` and the rule tests.
public enum RuleCheck {
    /// One broken promise of one rule. Describes the example by index, never by its text.
    public struct Failure: Sendable, CustomStringConvertible {
        public var rule: RuleID
        public var problem: String
        public var description: String { "\(rule): \(problem)" }
    }

    /// What was checked, and what failed.
    public struct Outcome: Sendable {
        public var rules = 0
        public var examples = 0
        public var negativeExamples = 0
        public var failures: [Failure] = []
    }

    /// Checks every rule of `ruleSet`, with the prefilter databases a scan of it would use
    /// (`builtinPrefilters`: those the build compiled for the built-in rules).
    /// - Throws: `DetectError` when the set cannot be compiled into an engine at all.
    public static func run(_ ruleSet: RuleSet, builtinPrefilters: (any PrefilterStore)? = nil) throws -> Outcome {
        let scanner = try DetectionEngine(ruleSet: ruleSet, builtinPrefilters: builtinPrefilters).makeScanner()
        let scratch = MatchScratch()
        var outcome = Outcome()
        for rule in ruleSet.rules {
            let checked = check(rule, scanner: scanner, scratch: scratch)
            outcome.rules += 1
            outcome.examples += checked.examples
            outcome.negativeExamples += checked.negativeExamples
            outcome.failures += checked.failures
        }
        return outcome
    }

    /// Checks one rule with a scanner of an engine that holds it (one scanner per task).
    public static func check(_ rule: Rule, scanner: ContentScanner, scratch: MatchScratch) -> Outcome {
        var outcome = Outcome(rules: 1)
        func fail(_ problem: String) { outcome.failures.append(Failure(rule: rule.id, problem: problem)) }
        let regex: PCRE2Regex
        do {
            regex = try PCRE2Regex(rule.pattern)
        } catch {
            fail("pattern does not compile: \(error)")
            return outcome
        }
        if rule.examples.count < 2 { fail("has \(rule.examples.count) example(s); a rule needs at least 2") }
        if rule.negativeExamples.isEmpty { fail("has no negative example (text it must not report)") }
        if rule.references.isEmpty { fail("has no reference to the format's documentation") }
        for (index, example) in rule.examples.enumerated() {
            outcome.examples += 1
            let bytes = Array(example.utf8)
            let outcomeOfRegex = bytes.withUnsafeBytes { regex.firstMatch(in: $0, from: 0, scratch: scratch) }
            guard case .match(let groups) = outcomeOfRegex else {
                fail("example \(index + 1) does not match the pattern")
                continue
            }
            if groups.count <= rule.secretGroup || groups[rule.secretGroup] == nil {
                fail("example \(index + 1) matches but secret_group \(rule.secretGroup) captures nothing")
            }
            if rule.keywordAnchored, let whole = groups[0], !beginsWithKeyword(bytes[whole.lowerBound...], rule) {
                fail("keyword_anchored, but the match in example \(index + 1) does not begin with a keyword")
            }
            if !rule.keywords.contains(where: { example.lowercased().contains($0.lowercased()) }) {
                fail("no keyword occurs in example \(index + 1), so the prefilter never runs the rule on it")
            }
            if !scanner.scan(bytes).matches.contains(where: { $0.rule.id == rule.id }) {
                fail(
                    "example \(index + 1) matches the pattern but the scan pipeline does not report it "
                        + "(filtered as a placeholder, low entropy or program text?)")
            }
        }
        for (index, negative) in rule.negativeExamples.enumerated() {
            outcome.negativeExamples += 1
            if scanner.scan(Array(negative.utf8)).matches.contains(where: { $0.rule.id == rule.id }) {
                fail("negative example \(index + 1) is reported")
            }
        }
        return outcome
    }

    private static func beginsWithKeyword(_ bytes: ArraySlice<UInt8>, _ rule: Rule) -> Bool {
        rule.keywords.contains { bytes.starts(with: $0.lowercased().utf8, by: { Self.lower($0) == $1 }) }
    }

    private static func lower(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte + 32 : byte }
}
