import CustomsCore
import Foundation

/// The repository's `Corpus/` cases, and how to compare a report with a case's expectations.
public enum Corpus {
    /// The repository root, found from this source file's location.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Every case, sorted by file name.
    public static func cases() throws -> [ImageSpec] {
        let directory = repositoryRoot.appendingPathComponent("Corpus")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map(ImageSpec.load)
    }

    /// The findings a report makes, in the case's terms: secret names instead of values
    /// (matched by fingerprint), so a failure message never shows a secret.
    public static func observed(_ report: ReportFile, spec: ImageSpec, key: FingerprintKey = .fromEnvironment())
        throws -> Set<ImageSpec.ExpectedFinding>
    {
        let secrets = try spec.secretValues()
        let usesPlatform = spec.expect.contains { $0.platform != nil }
        var observed: Set<ImageSpec.ExpectedFinding> = []
        for finding in report.findings {
            let name = secretName(
                fingerprint: finding.fingerprint, rule: RuleID(finding.rule.id), among: secrets, key: key,
                shown: finding.secret)
            for location in finding.locations {
                observed.insert(
                    ImageSpec.ExpectedFinding(
                        rule: finding.rule.id, secret: name, platform: usesPlatform ? location.platform : nil,
                        layer: location.layer?.index, path: location.path, status: location.status?.kind,
                        status_layer: location.status?.layer, field: location.field, nested_path: location.nestedPath))
            }
        }
        return observed
    }

    /// Every location's Dockerfile line and fix kind, by planted secret name (`--dockerfile` reports).
    public static func observedSources(
        _ report: ReportFile, spec: ImageSpec, key: FingerprintKey = .fromEnvironment()
    ) throws -> Set<ImageSpec.ExpectedSource> {
        let secrets = try spec.secretValues()
        var observed: Set<ImageSpec.ExpectedSource> = []
        for finding in report.findings {
            let name = secretName(
                fingerprint: finding.fingerprint, rule: RuleID(finding.rule.id), among: secrets, key: key,
                shown: finding.secret)
            for location in finding.locations {
                observed.insert(
                    ImageSpec.ExpectedSource(
                        secret: name, path: location.path, field: location.field, line: location.dockerfile?.line,
                        fix: location.remediation?.kind ?? "none"))
            }
        }
        return observed
    }

    /// The name of the planted secret whose fingerprint is `fingerprint`, so comparisons and failure
    /// messages speak of names, never values; `<not planted: …>` with the report's redaction else.
    static func secretName(
        fingerprint: String, rule: RuleID, among secrets: [String: String], key: FingerprintKey, shown: String
    ) -> String {
        secrets.first { Secret($0.value).fingerprint(rule: rule, key: key) == fingerprint }?.key
            ?? "<not planted: \(shown)>"
    }

    /// One line per finding, for failure messages.
    public static func describe(_ findings: Set<ImageSpec.ExpectedFinding>) -> String {
        findings.map { item in
            [
                item.rule, "secret=\(item.secret)", item.platform, item.layer.map { "layer=\($0)" }, item.path,
                item.status,
                item.status_layer.map { "by=\($0)" }, item.field, item.nested_path.map { "nested=\($0)" },
            ].compactMap { $0 }.joined(separator: " ")
        }.sorted().joined(separator: "\n")
    }
}
