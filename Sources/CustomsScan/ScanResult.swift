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
    public var policyOutcome = FindingPolicy.Outcome()
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

/// The process exit codes, in one place (DESIGN.md).
public enum ExitStatus {
    /// Scanned completely, no finding at or above the fail threshold.
    public static let clean: Int32 = 0
    /// At least one finding at or above the threshold.
    public static let findings: Int32 = 1
    /// Usage error, or nothing could be scanned.
    public static let unusable: Int32 = 2
    /// No finding, but the scan was incomplete.
    public static let incomplete: Int32 = 3
}

/// What a report says about a rule.
public struct RuleDescription: Sendable {
    public var summary: RuleSummary
    /// Provider documentation of the token format.
    public var references: [String]
}

/// One scanned image (one platform) and its layer table.
public struct ImageSummary: Sendable {
    /// The target the user named (path or `-`).
    public var target: String
    public var name: String
    public var manifestDigest: Digest?
    public var configDigest: Digest?
    public var platform: Platform?
    /// Base layer first.
    public var layers: [LayerSummary]
}

/// One layer of an image as scanned.
public struct LayerSummary: Sendable {
    /// 0-based, base layer first.
    public var index: Int
    public var digest: Digest?
    public var diffID: Digest?
    public var mediaType: MediaType?
    public var compression: Compression?
    public var compressedSize: Int64
    public var uncompressedSize: Int64
    public var createdBy: String?
    public var fileCount: Int
    /// False when the layer was missing, unsupported or not read to its end.
    public var complete: Bool
    /// True when the layer's results came from the layer cache (its blob was checked against its
    /// digest, not scanned).
    public var fromCache: Bool
}
