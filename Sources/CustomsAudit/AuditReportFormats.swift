import CustomsCore
import CustomsReport
import Foundation

/// `audit report --format`: the same report as text, JSON, JSON Lines (one finding per line with
/// its status, for log pipelines), SARIF 2.1.0 (new, still present and fixed as the standard's
/// `baselineState` new, unchanged and absent) and one static HTML page.
extension AuditReport {
    public enum Format: String, CaseIterable, Sendable {
        case text, json, jsonl, sarif, html
    }

    public func render(_ format: Format) throws -> String {
        switch format {
        case .text: text()
        case .json: try json()
        case .jsonl: try jsonLines()
        case .sarif: try sarif()
        case .html: html()
        }
    }

    /// Every entry with what it is in this report.
    var entries: [(status: String, entry: Entry)] {
        new.map { ("new", $0) } + present.map { ("present", $0) } + fixed.map { ("fixed", $0) }
    }

    func jsonLines() throws -> String {
        struct Line: Encodable {
            var run: String
            var status: String
            var image: String
            var rule: String
            var severity: String
            var redacted: String
            var place: String
            var fingerprint: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try entries.map { status, entry in
            let sighting = entry.sighting
            let line = Line(
                run: run, status: status, image: entry.image, rule: sighting.rule, severity: sighting.severity,
                redacted: sighting.redacted, place: sighting.place, fingerprint: sighting.fingerprint)
            return String(decoding: try encoder.encode(line), as: UTF8.self) + "\n"
        }.joined()
    }

    func sarif() throws -> String {
        let rules = Set(entries.map(\.entry.sighting.rule)).sorted()
        let results: [[String: Any]] = entries.map { status, entry in
            let sighting = entry.sighting
            let level = ["critical": "error", "high": "error", "medium": "warning"][sighting.severity] ?? "note"
            return [
                "ruleId": sighting.rule,
                "ruleIndex": rules.firstIndex(of: sighting.rule) ?? 0,
                "level": level,
                "baselineState": ["new": "new", "present": "unchanged", "fixed": "absent"][status] ?? "new",
                "message": ["text": "\(sighting.rule) (\(sighting.redacted)) in \(entry.image) at \(sighting.place)"],
                "locations": [
                    [
                        "logicalLocations": [
                            ["fullyQualifiedName": "\(entry.image) \(sighting.place)", "kind": "resource"]
                        ]
                    ]
                ],
                "partialFingerprints": ["customs/v1": sighting.fingerprint],
            ]
        }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "customs", "version": CustomsVersion.current,
                            "rules": rules.map { ["id": $0] },
                        ]
                    ],
                    "automationDetails": ["id": "customs-audit/\(run)"],
                    "results": results,
                ]
            ],
        ]
        let data = try JSONSerialization.data(withJSONObject: log, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static let style = """
        body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}\
        td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}\
        .new{color:#b00020}.fixed{color:#1b7f3b;text-decoration:line-through}code{font-size:12px}
        """

    /// A static page (no script; a Content-Security-Policy allowing its one style only), every
    /// string from an image escaped.
    func html() -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&#39;")
        }
        let rows = entries.map { status, entry in
            let sighting = entry.sighting
            return "<tr class=\"\(status)\"><td>\(status)</td><td>\(escaped(sighting.severity))</td>"
                + "<td>\(escaped(sighting.rule))</td><td><code>\(escaped(sighting.redacted))</code></td>"
                + "<td>\(escaped(entry.image))</td><td><code>\(escaped(sighting.place))</code></td></tr>"
        }.joined(separator: "\n")
        let failed = items.filter { $0.state == "failed" }.map {
            "<li>\(escaped($0.target)): \(escaped($0.message ?? ""))</li>"
        }.joined()
        let title = "customs audit \(escaped(run))" + (since.map { " since \(escaped($0))" } ?? "")
        let policy = "default-src 'none'; style-src '\(HTMLReporter.hash(Self.style))'"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(policy)">
            <meta name="referrer" content="no-referrer"><title>\(title)</title><style>\(Self.style)</style></head>
            <body><h1>\(title)</h1>
            <p>\(new.count) new, \(fixed.count) fixed, \(present.count) still present; \(items.count) items, \
            \(items.filter { $0.state == "failed" }.count) failed</p>
            \(failed.isEmpty ? "" : "<ul>\(failed)</ul>")
            <table><thead><tr><th>status</th><th>severity</th><th>rule</th><th>secret</th><th>image</th>\
            <th>place</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table></body></html>

            """
    }
}
