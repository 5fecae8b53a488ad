import CustomsCore
import CustomsModel
import Foundation

/// One self-contained HTML page for people who review a scan in a browser: per image, the layer
/// stack (a bar per layer sized by its bytes, labelled with its instruction, findings marked on
/// the layer that holds them, removed ones struck through with an arrow to the layer that hid
/// them), then a sortable, filterable, paged table of every location with its provenance and fix.
///
/// Nothing loads from elsewhere: the page's one style and one script are inline and allowed by
/// their hashes in a Content-Security-Policy that forbids everything else (no network, no other
/// script, no inline handlers). The data sits in a JSON block with `<`, `>` and `&` escaped, and the
/// script writes every string from the image with `textContent`, so no image can inject markup.
/// Secrets are redacted as everywhere (unless `--show-secrets`).
public struct HTMLReporter: Reporter {
    public init() {}

    public func render(_ result: ScanResult, options: ReportOptions) throws -> String {
        let data = try Self.safeJSON(ReportData(result, options: options))
        let style = HTMLReportPage.style
        let script = HTMLReportPage.script
        let policy =
            "default-src 'none'; style-src '\(Self.hash(style))'; script-src '\(Self.hash(script))'; "
            + "img-src 'none'; base-uri 'none'; form-action 'none'"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(policy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>customs report</title>
            <style>\(style)</style>
            </head>
            <body>
            <header><h1>customs report</h1><p id="summary"></p></header>
            <main>
            <section id="images" aria-label="Layer stacks"></section>
            <section id="findings" aria-label="Findings">
            <div class="controls">
            <input id="filter" type="search" placeholder="Filter: rule, path, image, fix…" aria-label="Filter">
            <select id="severity" aria-label="Severity"><option value="">every severity</option>\
            <option>critical</option><option>high</option><option>medium</option><option>low</option></select>
            <select id="status" aria-label="Status"><option value="">every status</option>\
            <option>visible</option><option>deleted</option><option>overwritten</option>\
            <option>hidden-by-opaque-directory</option><option>metadata</option></select>
            <span id="shown"></span>
            </div>
            <table id="table"><thead><tr></tr></thead><tbody></tbody></table>
            <nav id="pages" aria-label="Pages"></nav>
            </section>
            </main>
            <script type="application/json" id="data">\(data)</script>
            <script>\(script)</script>
            </body>
            </html>

            """
    }

    /// `'sha256-…'` of an inline element's text, as CSP wants it.
    public static func hash(_ text: String) -> String {
        let hex = Digest.of(Data(text.utf8)).hex
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return "sha256-" + Data(bytes).base64EncodedString()
    }

    /// JSON that cannot end the `<script>` element it sits in (`<`, `>`, `&` as `\u` escapes,
    /// which only strings can hold).
    static func safeJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
            .replacingOccurrences(of: "\u{2028}", with: "\\u2028")
            .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }
}

/// What the page's script draws: images with their layers, and one row per finding location.
struct ReportData: Encodable {
    struct Image: Encodable {
        var name: String
        var platform: String?
        var complete: Bool
        var layers: [Layer]
    }
    struct Layer: Encodable {
        var index: Int
        var bytes: Int64
        var instruction: String
        var digest: String?
    }
    struct Row: Encodable {
        /// Index of the finding (rows of one finding share it).
        var finding: Int
        var severity: String
        var rule: String
        var name: String
        var confidence: String
        var secret: String
        var image: String
        var platform: String?
        /// 0-based layer, nil for metadata.
        var layer: Int?
        var place: String
        var line: Int?
        /// `visible`, `deleted`, `overwritten`, `hidden-by-opaque-directory`, or `metadata`.
        var status: String
        /// The layer that removed or replaced the file.
        var changedBy: Int?
        var dockerfile: String?
        var fix: String
        var fixKind: String
    }

    var images: [Image]
    var rows: [Row]
    var findings: Int
    var complete: Bool
    var summary: String

    init(_ result: ScanResult, options: ReportOptions) {
        images = result.images.map { image in
            Image(
                name: image.name, platform: image.platform?.description,
                complete: image.isComplete(given: result.diagnostics.filter { $0.image != nil }),
                layers: image.layers.map { layer in
                    Layer(
                        index: layer.index, bytes: layer.uncompressedSize,
                        instruction: layer.createdBy ?? "instruction unknown",
                        digest: layer.digest?.short)
                })
        }
        var rows: [Row] = []
        for (index, finding) in result.findings.enumerated() {
            let secret =
                options.showSecrets ? finding.secret.clearValue ?? finding.secret.redacted : finding.secret.redacted
            for location in finding.locations {
                let annotation = result.dockerfileAnnotations[location]
                let remediation = Remediation(location: location, annotation: annotation)
                var row = Row(
                    finding: index, severity: finding.rule.severity.rawValue, rule: finding.rule.id.rawValue,
                    name: finding.rule.name, confidence: finding.rule.confidence.rawValue, secret: secret,
                    image: location.image, platform: location.platform?.description, layer: nil, place: "",
                    line: nil, status: "metadata", changedBy: nil,
                    dockerfile: annotation.flatMap { annotation in
                        annotation.line.map { "\(annotation.dockerfile):\($0)" }
                    },
                    fix: remediation.text, fixKind: remediation.kind.rawValue)
                switch location.place {
                case .file(let file):
                    row.layer = file.layerIndex
                    row.place = "/" + file.path.value + (file.nestedPath.map { "!/" + $0 } ?? "")
                    row.line = file.line
                    row.status = file.visibility.kind
                    row.changedBy = file.visibility.changingLayer
                case .metadata(let metadata):
                    row.place = metadata.field
                }
                rows.append(row)
            }
        }
        self.rows = rows
        findings = result.findings.count
        complete = result.isComplete
        let layers = result.images.reduce(0) { $0 + $1.layers.count }
        summary =
            "\(result.findings.count) finding\(result.findings.count == 1 ? "" : "s") in "
            + "\(result.images.count) image\(result.images.count == 1 ? "" : "s") (\(layers) layers), "
            + (result.isComplete ? "scanned completely" : "INCOMPLETE: see the JSON report's coverage")
    }
}
