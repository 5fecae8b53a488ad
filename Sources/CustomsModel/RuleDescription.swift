import CustomsCore

/// What a report says about a rule.
public struct RuleDescription: Sendable {
    public var summary: RuleSummary
    /// Provider documentation of the token format.
    public var references: [String]

    public init(summary: RuleSummary, references: [String]) {
        self.summary = summary
        self.references = references
    }
}
