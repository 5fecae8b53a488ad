import CustomsCore

/// One target's part of a scan, handed over as soon as the target is done, so a stream of
/// results (JSON Lines) need not wait for the whole run.
public struct TargetReport: Sendable {
    public var target: String
    public var images: [ImageSummary]
    /// This target's findings after the policy, grouped within the target.
    public var findings: [Finding]
    public var diagnostics: [ScanDiagnostic]
    /// Why the target could not be scanned at all; nil when it was.
    public var failure: String?

    public init(
        target: String, images: [ImageSummary] = [], findings: [Finding] = [],
        diagnostics: [ScanDiagnostic] = [], failure: String? = nil
    ) {
        self.target = target
        self.images = images
        self.findings = findings
        self.diagnostics = diagnostics
        self.failure = failure
    }
}
