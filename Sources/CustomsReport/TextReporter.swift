import CustomsCore
import CustomsModel
import Foundation

/// The report for people: grouped by image and platform, then by layer with the instruction
/// that made it; deleted or overwritten secrets are marked so they cannot be missed. Layers are
/// counted from 1 here. Every untrusted string is escaped so it cannot forge a line.
public struct TextReporter: Reporter {
    public init() {}

    /// ANSI styles, empty when colour is off.
    struct Style {
        var bold = "", red = "", yellow = "", cyan = "", dim = "", reset = ""

        init(_ enabled: Bool) {
            guard enabled else { return }
            bold = "\u{1b}[1m"
            red = "\u{1b}[31m"
            yellow = "\u{1b}[33m"
            cyan = "\u{1b}[36m"
            dim = "\u{1b}[2m"
            reset = "\u{1b}[0m"
        }

        func severity(_ severity: Severity) -> String {
            switch severity {
            case .critical, .high: return bold + red
            case .medium: return yellow
            case .low: return cyan
            }
        }
    }

    public func render(_ result: ScanResult, options: ReportOptions) throws -> String {
        let style = Style(options.color)
        var out = ""
        for image in result.images {
            let located = locations(in: image, result: result)
            out += "\(style.bold)image \(image.name.escapedForTerminal)"
            if let digest = image.manifestDigest { out += " @\(digest.description.prefix(19))…" }
            if let platform = image.platform { out += "  \(platform)" }
            out += "  (\(Self.count(image.layers.count, "layer")))\(style.reset)\n"
            if located.isEmpty { out += "  no secrets found\n" }
            let files = located.filter { if case .file = $0.location.place { return true } else { return false } }
            for layer in image.layers {
                let here = files.filter {
                    if case .file(let file) = $0.location.place {
                        return file.layerIndex == layer.index
                    } else {
                        return false
                    }
                }
                guard !here.isEmpty else { continue }
                out += "  layer \(layer.index + 1)/\(image.layers.count)"
                if let digest = layer.digest { out += "  \(digest.short)" }
                out += "  \(style.dim)\(Self.instruction(layer.createdBy))\(style.reset)\n"
                for (finding, location) in here {
                    guard case .file(let file) = location.place else { continue }
                    out +=
                        "    \(style.severity(finding.rule.severity))\(Self.badge(finding))\(style.reset)  "
                        + "\(secret(finding, options))  \(file.displayPath):\(file.line):\(file.column)\n"
                    switch file.visibility {
                    case .visible: break
                    case .deleted(let layer):
                        out +=
                            "      \(style.bold)\(style.red)!! DELETED in layer \(layer + 1) "
                            + "(\(Self.instruction(file.changedBy))) but still recoverable from layer "
                            + "\(file.layerIndex + 1)\(style.reset)\n"
                    case .hiddenByOpaqueDirectory(let layer):
                        out +=
                            "      \(style.bold)\(style.red)!! HIDDEN by an opaque directory in layer "
                            + "\(layer + 1) (\(Self.instruction(file.changedBy))) but still recoverable from "
                            + "layer \(file.layerIndex + 1)\(style.reset)\n"
                    case .overwritten(let layer):
                        let place =
                            layer == file.layerIndex
                            ? "later in the same layer" : "in layer \(layer + 1) (\(Self.instruction(file.changedBy)))"
                        out +=
                            "      \(style.bold)\(style.red)!! OVERWRITTEN \(place) but still recoverable from "
                            + "layer \(file.layerIndex + 1)\(style.reset)\n"
                    }
                    out += Self.source(location, result, style)
                }
            }
            let metadata = located.filter {
                if case .metadata = $0.location.place { return true } else { return false }
            }
            if !metadata.isEmpty {
                out += "  metadata\n"
                for (finding, location) in metadata {
                    guard case .metadata(let place) = location.place else { continue }
                    out +=
                        "    \(style.severity(finding.rule.severity))\(Self.badge(finding))\(style.reset)  "
                        + "\(secret(finding, options))  \(place.field.escapedForTerminal)"
                    if let createdBy = place.createdBy { out += "  (\(Self.instruction(createdBy)))" }
                    out += "\n" + Self.source(location, result, style)
                }
            }
            out += "\n"
        }
        out += coverage(result)
        out += policy(result.policyOutcome)
        if let settings = result.settings { out += "settings: \(settings.summary.escapedForTerminal)\n" }
        let omitted = result.findings.reduce(0) { $0 + $1.omittedLocations }
        if omitted > 0 {
            out += "note: \(omitted) more location(s) not listed (at most \(Finding.maxLocations) per finding)\n"
        }
        for image in result.images { out += imageLine(image, result) }
        out += style.bold + summary(result) + style.reset
        return out
    }

    /// The Dockerfile line a location came from (with `--dockerfile`), then how to fix the build, dimmed.
    static func source(_ location: FindingLocation, _ result: ScanResult, _ style: Style) -> String {
        let annotation = result.dockerfileAnnotations[location]
        var out = ""
        if let annotation, let line = annotation.line {
            out += "      at \(annotation.dockerfile.escapedForTerminal):\(line)"
            if annotation.fromBaseImage {
                out += " (from the base image)"
            } else if let keyword = annotation.keyword {
                out += " (\(keyword.escapedForTerminal))"
            }
            if !annotation.alsoPossible.isEmpty {
                out += ", ambiguous: or line \(annotation.alsoPossible.map(String.init).joined(separator: ", "))"
            }
            out += "\n"
        }
        let fix = Remediation(location: location, annotation: annotation)
        return out + "      \(style.dim)fix: \(fix.text)\(style.reset)\n"
    }

    /// "3 secrets", "1 layer".
    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// One line per image at the end, so every image scanned leaves a trace, clean or not: its
    /// name, the source it was read from, its secrets and layers, and whether it was read whole.
    private func imageLine(_ image: ImageSummary, _ result: ScanResult) -> String {
        let secrets = image.findingCount(in: result.findings)
        // The whole run's diagnostics: only those naming an image can be this one's.
        let complete = image.isComplete(given: result.diagnostics.filter { $0.image != nil })
        var line = "image \(image.name.escapedForTerminal)"
        if let platform = image.platform { line += " \(platform)" }
        if image.target != image.name { line += " from \(image.target.escapedForTerminal)" }
        line += ": \(Self.count(secrets, "secret")), \(Self.count(image.layers.count, "layer")), "
        return line + (complete ? "complete" : "INCOMPLETE") + "\n"
    }

    private func locations(in image: ImageSummary, result: ScanResult) -> [(
        finding: Finding, location: FindingLocation
    )] {
        result.findings.flatMap { finding in
            finding.locations.filter { location in
                location.image == image.name && location.imageDigest == image.manifestDigest
                    && location.platform == image.platform
            }.map { (finding, $0) }
        }
    }

    private func secret(_ finding: Finding, _ options: ReportOptions) -> String {
        (options.showSecrets ? finding.secret.clearValue ?? finding.secret.redacted : finding.secret.redacted)
            .escapedForTerminal
    }

    static func badge(_ finding: Finding) -> String {
        let severity = finding.rule.severity.rawValue.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)
        let note = finding.rule.note.map { ", " + $0.escapedForTerminal } ?? ""
        return "\(severity) \(finding.rule.id.rawValue) (\(finding.rule.confidence.rawValue) confidence\(note))"
    }

    static func instruction(_ createdBy: String?) -> String {
        guard let createdBy else { return "instruction unknown" }
        let flat = createdBy.replacingOccurrences(of: "\n", with: " ").escapedForTerminal
        return flat.count > 100 ? String(flat.prefix(99)) + "…" : flat
    }

    private func coverage(_ result: ScanResult) -> String {
        var out = ""
        let incomplete = result.diagnostics.filter(\.incomplete)
        let warnings = result.diagnostics.filter { !$0.incomplete }
        if !incomplete.isEmpty {
            out += "coverage: INCOMPLETE, \(incomplete.count) problem(s); the result is not a clean bill of health\n"
            for item in incomplete {
                out += "  - [\(item.code)] \(Self.prefix(item))\(item.message.escapedForTerminal)\n"
            }
        }
        for item in warnings {
            out += "warning: [\(item.code)] \(Self.prefix(item))\(item.message.escapedForTerminal)\n"
        }
        return out
    }

    private func policy(_ outcome: PolicyOutcome) -> String {
        var parts: [String] = []
        if outcome.baselined > 0 { parts.append("\(outcome.baselined) baselined finding(s) not shown") }
        if outcome.belowConfidence > 0 { parts.append("\(outcome.belowConfidence) below --min-confidence not shown") }
        for (rule, count) in outcome.suppressed.sorted(by: { $0.key < $1.key }) {
            parts.append("\(count) location(s) allowed by \"\(rule.escapedForTerminal)\"")
        }
        return parts.map { "note: \($0)\n" }.joined()
    }

    private static func prefix(_ item: ScanDiagnostic) -> String {
        item.image.map { "\($0.escapedForTerminal): " } ?? ""
    }

    private func summary(_ result: ScanResult) -> String {
        let fileLocations = result.findings.flatMap(\.locations).compactMap { location -> LayerFileLocation? in
            if case .file(let file) = location.place { return file }
            return nil
        }
        let layerKeys = Set(fileLocations.map { "\($0.layerDigest?.description ?? "")#\($0.layerIndex)" })
        let recoverable = result.findings.filter { finding in
            finding.locations.contains { location in
                if case .file(let file) = location.place { return file.visibility != .visible }
                return false
            }
        }.count
        let layers = result.images.reduce(0) { $0 + $1.layers.count }
        let megabytes = Double(result.bytesScanned) / 1_000_000
        var line =
            result.findings.isEmpty
            ? "no secrets found" : "\(result.findings.count) secret\(result.findings.count == 1 ? "" : "s")"
        if !fileLocations.isEmpty { line += " in \(layerKeys.count) layer\(layerKeys.count == 1 ? "" : "s")" }
        if recoverable > 0 { line += " (\(recoverable) deleted or overwritten but recoverable)" }
        line += "; \(Self.count(result.images.count, "image")), \(Self.count(layers, "layer")), "
        line += String(format: "%.1f MB scanned in %.1f s", megabytes, result.duration)
        if result.layersFromCache > 0 { line += " (\(result.layersFromCache) from the layer cache)" }
        if !result.failedTargets.isEmpty {
            line += "; \(Self.count(result.failedTargets.count, "target")) could not be read (see standard error)"
        }
        if !result.isComplete { line += "; INCOMPLETE" }
        return line + "\n"
    }
}
