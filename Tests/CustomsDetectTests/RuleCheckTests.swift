import CustomsCore
import CustomsDetect
import CustomsRules
import Testing

/// `RuleCheck` must catch each way a rule can break its promise.
@Suite struct RuleCheckTests {
    static let yaml = """
        rules:
          - id: test.sound
            name: A sound rule
            pattern: '\\b(zqtok_[A-Za-z0-9]{24})\\b'
            keywords: [zqtok_]
            severity: high
            confidence: high
            examples: ['key = zqtok_Q8v2Lr5Tn1Xc7Bm4Hs9Kd3Fw', 'zqtok_M3k9Wp2Rv8Tq5Ly1Zc6Hn4Jd']
            negative_examples: ['zqtok_short']
            references: ['https://example.invalid/zqtok']
          - id: test.example-misses
            name: Example does not match
            pattern: '\\b(zqmiss_[0-9]{20})\\b'
            keywords: [zqmiss_]
            severity: high
            confidence: high
            examples: ['zqmiss_abc']
          - id: test.undocumented
            name: One example, no negative example, no reference
            pattern: '\\b(zqdoc_[A-Za-z0-9]{20})\\b'
            keywords: [zqdoc_]
            severity: high
            confidence: high
            examples: ['zqdoc_Q8v2Lr5Tn1Xc7Bm4Hs9K']
          - id: test.keyword-absent
            name: Keyword never in the example
            pattern: '\\b(zqkw_[A-Za-z0-9]{20})\\b'
            keywords: [notthere]
            severity: high
            confidence: high
            examples: ['zqkw_Q8v2Lr5Tn1Xc7Bm4Hs9K']
          - id: test.negative-fires
            name: Negative example is reported
            pattern: '\\b(zqneg_[A-Za-z0-9]{20})\\b'
            keywords: [zqneg_]
            severity: high
            confidence: high
            examples: ['zqneg_Q8v2Lr5Tn1Xc7Bm4Hs9K']
            negative_examples: ['zqneg_Z8v2Lr5Tn1Xc7Bm4Hs9K']
          - id: test.false-anchor
            name: Claims its matches begin with the keyword, but the keyword is in the middle
            pattern: 'zqpre_([A-Za-z0-9]{20})_zqmid'
            keywords: [_zqmid]
            keyword_anchored: true
            severity: high
            confidence: high
            examples: ['zqpre_Q8v2Lr5Tn1Xc7Bm4Hs9K_zqmid']
        """

    @Test func eachBrokenPromiseIsReported() throws {
        let outcome = try RuleCheck.run(RuleSet(RuleLoader.rules(fromYAML: Self.yaml, origin: "test")))
        #expect(outcome.rules == 6)
        #expect(outcome.examples == 7)
        #expect(outcome.negativeExamples == 2)
        let failed = Dictionary(grouping: outcome.failures, by: \.rule.rawValue).mapValues { $0.map(\.problem) }
        #expect(failed["test.sound"] == nil)
        #expect(failed["test.example-misses"]?.contains { $0.contains("does not match the pattern") } == true)
        let undocumented = failed["test.undocumented"] ?? []
        #expect(undocumented.contains { $0.contains("has 1 example(s)") })
        #expect(undocumented.contains { $0.contains("no negative example") })
        #expect(undocumented.contains { $0.contains("no reference") })
        #expect(failed["test.keyword-absent"]?.contains { $0.contains("no keyword") } == true)
        #expect(failed["test.negative-fires"]?.contains { $0.contains("negative example 1") } == true)
        #expect(failed["test.false-anchor"]?.contains { $0.contains("does not begin with a keyword") } == true)
        #expect(failed["test.false-anchor"]?.contains { $0.contains("scan pipeline does not report it") } == true)
        #expect(
            !outcome.failures.contains { $0.description.contains("Q8v2Lr5") }, "failures must not print example secrets"
        )
    }
}
