/// The settings file a scan used and what it changed, so every report says it: a
/// `.customs.yaml` picked up from the working directory could otherwise disable rules or raise
/// the fail threshold without anyone reading the report noticing.
public struct AppliedSettings: Sendable, Equatable {
    /// The file's path as given or found.
    public var file: String
    public var disabledRules: [String]
    /// Names of the file's allow rules.
    public var allowRules: [String]
    public var failOn: String?
    public var minConfidence: String?
    public var baseline: String?
    public var extraRuleFolders: [String]
    /// False when the file turns the default allowlist off.
    public var defaultAllowlist: Bool

    public init(
        file: String, disabledRules: [String], allowRules: [String], failOn: String?, minConfidence: String?,
        baseline: String?, extraRuleFolders: [String], defaultAllowlist: Bool
    ) {
        self.file = file
        self.disabledRules = disabledRules
        self.allowRules = allowRules
        self.failOn = failOn
        self.minConfidence = minConfidence
        self.baseline = baseline
        self.extraRuleFolders = extraRuleFolders
        self.defaultAllowlist = defaultAllowlist
    }

    /// One line for people: the file and each thing it changed.
    public var summary: String {
        var parts: [String] = []
        if !disabledRules.isEmpty { parts.append("disables \(disabledRules.joined(separator: ", "))") }
        if !allowRules.isEmpty { parts.append("allows \(allowRules.joined(separator: "; "))") }
        if let failOn { parts.append("fail_on \(failOn)") }
        if let minConfidence { parts.append("min_confidence \(minConfidence)") }
        if let baseline { parts.append("baseline \(baseline)") }
        if !extraRuleFolders.isEmpty { parts.append("adds rules from \(extraRuleFolders.joined(separator: ", "))") }
        if !defaultAllowlist { parts.append("default allowlist off") }
        return file + (parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")")
    }
}
