import CustomsCore
import Foundation

/// Writes a lint report as text (one line per finding, then its fix, dimmed on a terminal), JSON,
/// or SARIF 2.1.0 with each result on its Dockerfile (or context file) line, for code review.
public enum LintRenderer {
    public static func text(_ report: DockerfileLinter.Report, color: Bool) -> String {
        var out = ""
        for finding in report.findings {
            out +=
                "\(finding.file.escapedForTerminal):\(finding.line): \(finding.severity.rawValue) "
                + "\(finding.check.rawValue)\(finding.rule.map { " (\($0.rawValue))" } ?? ""): "
                + "\(finding.message.escapedForTerminal)\n"
            let fix = "  fix: \(finding.fix.escapedForTerminal)"
            out += (color ? "\u{1B}[2m\(fix)\u{1B}[0m" : fix) + "\n"
        }
        for note in report.skipped { out += "note: \(note.escapedForTerminal)\n" }
        let count = report.findings.count
        out += count == 0 ? "No problems found.\n" : "\(count) problem\(count == 1 ? "" : "s") found.\n"
        return out
    }

    public static func json(_ report: DockerfileLinter.Report) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    public static func sarif(_ report: DockerfileLinter.Report) throws -> String {
        let checks = LintCheck.allCases
        let rules: [[String: Any]] = checks.map { check in
            [
                "id": check.rawValue, "name": check.rawValue,
                "shortDescription": ["text": check.title],
            ]
        }
        let results: [[String: Any]] = report.findings.map { finding in
            [
                "ruleId": finding.check.rawValue,
                "ruleIndex": checks.firstIndex(of: finding.check) ?? 0,
                "level": level(finding.severity),
                "message": ["text": finding.message + ". Fix: " + finding.fix],
                "locations": [
                    [
                        "physicalLocation": [
                            "artifactLocation": ["uri": uri(finding.file)],
                            "region": ["startLine": finding.line],
                        ] as [String: Any]
                    ]
                ],
                "properties": ["severity": finding.severity.rawValue]
                    .merging(finding.rule.map { ["detectionRule": $0.rawValue] } ?? [:]) { first, _ in first },
            ]
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "customs lint", "version": CustomsVersion.current,
                            "semanticVersion": CustomsVersion.current, "rules": rules,
                        ] as [String: Any]
                    ],
                    "results": results,
                ] as [String: Any]
            ],
        ]
        let data = try JSONSerialization.data(
            withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: "error"
        case .medium: "warning"
        case .low: "note"
        }
    }

    /// A relative path as a URI reference (percent-encoded; `./` dropped).
    static func uri(_ path: String) -> String {
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return relative.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? relative
    }
}
