import CustomsCore
import CustomsModel
import Foundation

/// JSON Lines for big audits, written as each target finishes (so a long run shows results early
/// and a consumer never holds the whole report): one line per finding, then one per image of the
/// target (so a clean image leaves a trace too) or one saying the target could not be read, and
/// one summary line at the end. Each line's `type` is `finding`, `image`, `failure` or `summary`;
/// finding lines have the JSON report's finding shape.
public struct JSONLinesReporter {
    public init() {}

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    struct FindingLine: Encodable {
        var type = "finding"
        var target: String
        var finding: ReportDocument.FindingEntry
    }

    struct ImageLine: Encodable {
        var type = "image"
        /// What the user named.
        var target: String
        /// What the image was read from (a path, `-`, `docker-daemon:NAME`, a registry reference).
        var source: String
        var image: String
        var platform: String?
        var manifestDigest: String?
        var layers: Int
        var findings: Int
        var complete: Bool
    }

    struct FailureLine: Encodable {
        var type = "failure"
        var target: String
        var message: String
    }

    struct SummaryLine: Encodable {
        var type = "summary"
        var schemaVersion = JSONReporter.schemaVersion
        var summary: ReportDocument.Summary
        var coverage: ReportDocument.Coverage
        var settings: ReportDocument.Settings?
    }

    /// The lines for one finished target.
    public func lines(for report: TargetReport, options: ReportOptions) -> String {
        var out = report.findings.map {
            Self.encode(FindingLine(target: report.target, finding: ReportDocument.entry($0, options: options)))
        }.joined()
        for image in report.images {
            let findings = image.findingCount(in: report.findings)
            let complete = image.isComplete(given: report.diagnostics)
            out += Self.encode(
                ImageLine(
                    target: report.target, source: image.target, image: image.name,
                    platform: image.platform?.description, manifestDigest: image.manifestDigest?.description,
                    layers: image.layers.count, findings: findings, complete: complete))
        }
        if let failure = report.failure {
            out += Self.encode(FailureLine(target: report.target, message: failure))
        }
        return out
    }

    /// The closing summary line for the whole run.
    public func summary(_ result: ScanResult) -> String {
        let document = ReportDocument(result, options: ReportOptions())
        return Self.encode(
            SummaryLine(summary: document.summary, coverage: document.coverage, settings: document.settings))
    }
}
