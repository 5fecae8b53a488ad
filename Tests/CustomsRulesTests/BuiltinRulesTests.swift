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

    @Test func atLeastTwentyFiveRulesWithUniqueIDs() {
        #expect(Self.ruleSet.rules.count >= 25)
        #expect(Set(Self.ruleSet.rules.map(\.id)).count == Self.ruleSet.rules.count)
    }

    /// The same check as `customs rules check`, on the built-in rules.
    @Test func everyRuleHoldsItsExamplesOnBothEngines() throws {
        let outcome = try RuleCheck.run(Self.ruleSet)
        #expect(outcome.failures.isEmpty, "\(outcome.failures.map(\.description).joined(separator: "\n"))")
        #expect(outcome.rules == Self.ruleSet.rules.count)
        #expect(outcome.examples >= outcome.rules)
    }
}
