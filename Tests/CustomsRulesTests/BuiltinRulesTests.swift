import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsRegex
import CustomsRules
import Foundation
import Testing

/// Every built-in rule's examples and negative examples, on both engines a rule runs on: the
/// regex alone, and the full prefilter + regex + filter pipeline (a rule the prefilter cannot
/// see would be a silent miss).
@Suite struct BuiltinRulesTests {
    static let ruleSet = try! BuiltinRules.load()
    static let engine = try! DetectionEngine(ruleSet: ruleSet)

    struct Case: CustomTestStringConvertible, Sendable {
        let rule: RuleID
        let text: String
        let index: Int
        var testDescription: String { "\(rule) #\(index)" }
    }

    static var examples: [Case] {
        ruleSet.rules.flatMap { rule in rule.examples.enumerated().map { Case(rule: rule.id, text: $1, index: $0) } }
    }
    static var negatives: [Case] {
        ruleSet.rules.flatMap { rule in
            rule.negativeExamples.enumerated().map { Case(rule: rule.id, text: $1, index: $0) }
        }
    }

    @Test func atLeastTwentyFiveRulesWithUniqueIDs() {
        #expect(Self.ruleSet.rules.count >= 25)
        #expect(Set(Self.ruleSet.rules.map(\.id)).count == Self.ruleSet.rules.count)
    }

    @Test(arguments: examples)
    func exampleMatchesOnRegexAndPipeline(_ example: Case) throws {
        let rule = try #require(Self.ruleSet.rule(example.rule))
        let regex = try PCRE2Regex(rule.pattern)
        let bytes = Array(example.text.utf8)
        let outcome = bytes.withUnsafeBytes { regex.firstMatch(in: $0, from: 0, scratch: MatchScratch()) }
        guard case .match(let groups) = outcome else {
            Issue.record("regex alone does not match example \(example.index) of \(rule.id)")
            return
        }
        #expect(groups.count > rule.secretGroup && groups[rule.secretGroup] != nil)
        #expect(rule.keywords.contains { example.text.lowercased().contains($0.lowercased()) },
                "no keyword of \(rule.id) occurs in its example: the prefilter would never run it")
        let matches = Self.engine.makeScanner().scan(bytes).matches
        #expect(matches.contains { $0.rule.id == rule.id },
                "pipeline misses example \(example.index) of \(rule.id); found \(matches.map(\.rule.id))")
    }

    @Test(arguments: negatives)
    func negativeExampleDoesNotFire(_ example: Case) {
        let matches = Self.engine.makeScanner().scan(Array(example.text.utf8)).matches
        #expect(!matches.contains { $0.rule.id == example.rule },
                "negative example \(example.index) of \(example.rule) is reported")
    }
}
