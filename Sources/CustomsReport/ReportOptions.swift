import CustomsScan

/// How a report is rendered.
public struct ReportOptions: Sendable {
    /// Print secrets in full (`--show-secrets`); off by default everywhere.
    public var showSecrets = false
    public init(showSecrets: Bool = false) { self.showSecrets = showSecrets }
}

/// Renders a scan result in one output format.
public protocol Reporter {
    func render(_ result: ScanResult, options: ReportOptions) throws -> String
}
