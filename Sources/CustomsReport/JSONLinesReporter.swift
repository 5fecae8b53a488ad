import CustomsCore
import CustomsModel
import Foundation

/// JSON Lines for big audits: one finding per line, written as each target finishes (so a long
/// run shows results early and a consumer never holds the whole report), then one summary line.
/// Each line's `type` is `finding` or `summary`; finding lines have the JSON report's finding shape.
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

    struct SummaryLine: Encodable {
        var type = "summary"
        var schemaVersion = JSONReporter.schemaVersion
        var summary: ReportDocument.Summary
        var coverage: ReportDocument.Coverage
        var settings: ReportDocument.Settings?
    }

    /// The lines for one finished target.
    public func lines(for report: TargetReport, options: ReportOptions) -> String {
        report.findings.map {
            Self.encode(FindingLine(target: report.target, finding: ReportDocument.entry($0, options: options)))
        }.joined()
    }

    /// The closing summary line for the whole run.
    public func summary(_ result: ScanResult) -> String {
        let document = ReportDocument(result, options: ReportOptions())
        return Self.encode(
            SummaryLine(summary: document.summary, coverage: document.coverage, settings: document.settings))
    }
}
