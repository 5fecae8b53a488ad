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

    @Test func atLeastFourHundredRulesWithUniqueIDs() {
        #expect(Self.ruleSet.rules.count >= 400)
        #expect(Set(Self.ruleSet.rules.map(\.id)).count == Self.ruleSet.rules.count)
    }

    /// docs/RULES.md lists every rule: regenerate it with scripts/generate-rules-doc.
    @Test func rulesPageListsEveryRule() throws {
        let page = try String(
            contentsOf: URL(fileURLWithPath: #filePath).appendingPathComponent("../../../docs/RULES.md")
                .standardizedFileURL, encoding: .utf8)
        let missing = Self.ruleSet.rules.map(\.id.rawValue).filter { !page.contains("`\($0)`") }
        #expect(missing == [], "run scripts/generate-rules-doc")
    }

    /// Each rule cites where its format is documented and shows what it must not report.
    @Test func everyRuleCitesItsFormatAndHasNegativeExamples() {
        for rule in Self.ruleSet.rules {
            #expect(rule.references.contains { $0.hasPrefix("https://") }, "\(rule.id) cites no https reference")
            #expect(!rule.negativeExamples.isEmpty, "\(rule.id) has no negative examples")
        }
    }

    /// `Rules/rule-ids.txt` lists every id ever shipped: a current rule must be listed and live,
    /// and a listed id that is gone must be marked retired, so an id is never reused.
    @Test func ruleIDsAreRegisteredAndNeverReused() throws {
        let registry = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Rules/rule-ids.txt").standardizedFileURL
        let lines = try String(contentsOf: registry, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
        var live = Set<String>(), retired = Set<String>()
        for line in lines {
            let parts = line.split(separator: " ")
            let id = String(parts[0])
            #expect(!live.contains(id) && !retired.contains(id), "\(id) is listed twice")
            if parts.count > 1, parts[1] == "retired" { retired.insert(id) } else { live.insert(id) }
        }
        let current = Set(Self.ruleSet.rules.map(\.id.rawValue) + CredentialFiles.rules.values.map(\.id.rawValue))
        #expect(current.subtracting(live).sorted() == [], "rules missing from rule-ids.txt (or reusing a retired id)")
        #expect(live.subtracting(current).sorted() == [], "ids in rule-ids.txt with no rule: mark them retired")
    }

    /// With the prefilters the build compiled, so the examples check the databases that ship.
    static let engine = Result { try DetectionEngine(ruleSet: ruleSet, builtinPrefilters: BuiltinRules.prefilters) }
    static var ruleIDs: [String] { ruleSet.rules.map(\.id.rawValue) }

    /// The same check as `customs rules check`, one case per built-in rule, so a failure names it.
    @Test(arguments: ruleIDs)
    func ruleHoldsItsExamplesOnBothEngines(_ id: String) throws {
        let rule = try #require(Self.ruleSet.rule(RuleID(id)))
        let outcome = RuleCheck.check(rule, scanner: try Self.engine.get().makeScanner(), scratch: MatchScratch())
        #expect(outcome.failures.isEmpty, "\(outcome.failures.map(\.description).joined(separator: "\n"))")
        #expect(outcome.examples >= 1)
    }
}
