import CustomsCore
import CustomsModel
import Foundation

/// GitLab's Secret Detection report (`gl-secret-detection-report.json`, schema 15.2.1, vendored in
/// `docs/schemas/gitlab/`), so findings appear in merge requests and the vulnerability report. One
/// vulnerability per finding, at its first place; every place is listed in its details. The
/// secret appears only redacted (GitLab analyzers put it in `raw_source_code_extract`; customs never
/// does), and the id is derived from the fingerprint, so a finding keeps its id across pipelines.
public struct GitLabReporter: Reporter {
    public static let schemaVersion = "15.2.1"
    public static let schemaURL =
        "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v15.2.1/dist/"
        + "secret-detection-report-format.json"

    public init() {}

    public func render(_ result: ScanResult, options: ReportOptions) throws -> String {
        let customs: [String: Any] = [
            "id": "customs", "name": "customs", "version": CustomsVersion.current, "vendor": ["name": "customs"],
        ]
        var messages: [[String: Any]] = result.diagnostics.filter(\.incomplete).map {
            ["level": "warn", "value": $0.message]
        }
        messages += result.failedTargets.map { ["level": "warn", "value": "\($0.target): \($0.message)"] }
        let report: [String: Any] = [
            "version": Self.schemaVersion,
            "schema": Self.schemaURL,
            "scan": [
                "analyzer": customs, "scanner": customs, "type": "secret_detection",
                "status": result.images.isEmpty && !result.failedTargets.isEmpty ? "failure" : "success",
                "start_time": Self.time(options.finishedAt.addingTimeInterval(-result.duration)),
                "end_time": Self.time(options.finishedAt), "messages": messages,
            ],
            "vulnerabilities": result.findings.map { Self.vulnerability($0, options: options) },
        ]
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func vulnerability(_ finding: Finding, options: ReportOptions) -> [String: Any] {
        let secret =
            options.showSecrets ? finding.secret.clearValue ?? finding.secret.redacted : finding.secret.redacted
        let first = finding.locations[0]
        var location: [String: Any] = ["commit": ["sha": options.commit ?? "0000000"]]
        if case .file(let file) = first.place {
            location["file"] = file.displayPath
            location["start_line"] = file.line
            location["end_line"] = file.line
        } else {
            location["file"] = SARIFReporter.metadataArtifact
        }
        let places = finding.locations.map { SARIFReporter.describe($0) }
        var description = "\(finding.rule.name) `\(secret)` " + places[0]
        if finding.locations.count + finding.omittedLocations > 1 {
            description += " (and \(finding.locations.count + finding.omittedLocations - 1) more place(s))"
        }
        return [
            "id": uuid(finding.fingerprint),
            "name": finding.rule.name,
            "description": String(description.prefix(100_000)),
            "severity": severity(finding.rule.severity),
            "solution": "Rotate the credential, then rebuild the image without it: deleting a file in a later layer "
                + "leaves its bytes in the image. Use build secrets (RUN --mount=type=secret) or runtime secrets.",
            "identifiers": [
                [
                    "type": "customs_rule", "name": "customs rule \(finding.rule.id.rawValue)",
                    "value": finding.rule.id.rawValue,
                ]
            ],
            "location": location,
            "details": [
                "places": [
                    "name": "Where in the image", "type": "list",
                    "items": places.map { ["type": "text", "value": $0] },
                ],
                "confidence": ["name": "Confidence", "type": "text", "value": finding.rule.confidence.rawValue],
            ],
        ]
    }

    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .critical: return "Critical"
        case .high: return "High"
        case .medium: return "Medium"
        case .low: return "Low"
        }
    }

    /// A stable UUID-shaped id from the finding's (keyed) fingerprint.
    static func uuid(_ fingerprint: String) -> String {
        let hex = Array(Digest.of(Data("customs-gitlab-id|\(fingerprint)".utf8)).hex.prefix(32))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }.joined(separator: "-")
    }

    /// ISO 8601 in UTC without fractions or zone, as the schema's pattern wants.
    static func time(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date)
    }
}
