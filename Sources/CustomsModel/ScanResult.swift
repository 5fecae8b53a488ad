import CustomsCore
import Foundation

/// Everything a scan produced: images and their layers, findings with provenance, and the
/// coverage diagnostics that say what was not fully scanned.
public struct ScanResult: Sendable {
    public var images: [ImageSummary] = []
    /// One per (rule, secret), each with every location; ordered by severity, then rule.
    public var findings: [Finding] = []
    public var diagnostics: [ScanDiagnostic] = []
    /// What the finding policy left out (allow rules, confidence floor, baseline).
    public var policyOutcome = PolicyOutcome()
    /// Targets that could not be scanned at all, with the reason.
    public var failedTargets: [(target: String, message: String)] = []
    /// Uncompressed layer bytes read.
    public var bytesScanned: Int64 = 0
    public var duration: TimeInterval = 0
    /// The rule set's content hash.
    public var rulesHash = ""
    /// Every rule the scan ran, in rule-set order (reports describe them).
    public var rules: [RuleDescription] = []
    public var ruleCount: Int { rules.count }
    /// Where each location came from in the Dockerfile, when one was given (`--dockerfile`).
    public var dockerfileAnnotations: [FindingLocation: DockerfileAnnotation] = [:]
    /// The settings file the scan used, if any (set by the CLI).
    public var settings: AppliedSettings?

    public init() {}

    /// Layers whose results came from the layer cache.
    public var layersFromCache: Int { images.reduce(0) { $0 + $1.layers.filter(\.fromCache).count } }

    /// True when every target, layer and file was scanned completely.
    public var isComplete: Bool { failedTargets.isEmpty && !diagnostics.contains(where: \.incomplete) }

    /// The process exit code (see `ExitStatus`).
    public func exitCode(failOn threshold: Severity) -> Int32 {
        if images.isEmpty && !failedTargets.isEmpty { return ExitStatus.unusable }
        if findings.contains(where: { $0.rule.severity >= threshold }) { return ExitStatus.findings }
        return isComplete ? ExitStatus.clean : ExitStatus.incomplete
    }
}
