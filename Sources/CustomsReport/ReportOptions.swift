import CustomsModel
import Foundation

/// How a report is rendered.
public struct ReportOptions: Sendable {
    /// Print secrets in full (`--show-secrets`); off by default everywhere.
    public var showSecrets = false
    /// ANSI colour in text output (the CLI enables it only on a terminal and without NO_COLOR).
    public var color = false
    /// SARIF: describe every rule the scan ran, not only those with results (`--all-rules`).
    public var allRules = false
    /// When the scan finished (reports that carry times: GitLab's).
    public var finishedAt = Date()
    /// The source commit the image was built from, for reports that link to one (GitLab's;
    /// the CLI takes `CI_COMMIT_SHA`).
    public var commit: String?

    public init(showSecrets: Bool = false, color: Bool = false) {
        self.showSecrets = showSecrets
        self.color = color
    }
}

/// Renders a scan result in one output format.
public protocol Reporter {
    func render(_ result: ScanResult, options: ReportOptions) throws -> String
}
