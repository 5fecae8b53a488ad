/// Counts of what a finding policy left out of a report (allow rules, confidence floor,
/// baseline), so nothing is dropped without a trace.
public struct PolicyOutcome: Sendable {
    /// Allow rule name → locations it suppressed.
    public var suppressed: [String: Int] = [:]
    /// Findings hidden by the confidence floor.
    public var belowConfidence = 0
    /// Findings hidden because the baseline has them.
    public var baselined = 0

    public init() {}

    public mutating func add(_ other: PolicyOutcome) {
        suppressed.merge(other.suppressed, uniquingKeysWith: +)
        belowConfidence += other.belowConfidence
        baselined += other.baselined
    }
}
