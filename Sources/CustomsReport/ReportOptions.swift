import CustomsModel

/// How a report is rendered.
public struct ReportOptions: Sendable {
    /// Print secrets in full (`--show-secrets`); off by default everywhere.
    public var showSecrets = false
    /// ANSI colour in text output (the CLI enables it only on a terminal and without NO_COLOR).
    public var color = false

    public init(showSecrets: Bool = false, color: Bool = false) {
        self.showSecrets = showSecrets
        self.color = color
    }
}

/// Renders a scan result in one output format.
public protocol Reporter {
    func render(_ result: ScanResult, options: ReportOptions) throws -> String
}
