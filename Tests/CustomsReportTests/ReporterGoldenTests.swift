import CustomsCore
import CustomsModel
import CustomsReport
import CustomsTestSupport
import Foundation
import Testing

/// The text, JSON and SARIF reports of one hand-built result, compared with checked-in golden
/// files (`Golden/`), in-process. Secrets are fake and seeded; reports show redactions only, and a
/// hostile path is escaped before a terminal sees it. `CUSTOMS_UPDATE_GOLDEN=1 swift test --filter
/// ReporterGoldenTests` rewrites the files after an intended change; review the diff.
@Suite struct ReporterGoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static func digest(_ text: String) -> Digest { Digest.of(Data(text.utf8)) }

    /// Two images' worth of findings: a file secret deleted in a later layer, a hostile path, a
    /// metadata secret, and a coverage problem.
    static func result() throws -> ScanResult {
        let token = try FakeSecrets.make("github-classic", seed: "golden/token")
        let key = try FakeSecrets.make("stripe-live", seed: "golden/stripe")
        let platform = Platform(parsing: "linux/amd64")
        let layers = (0..<3).map { index in
            LayerSummary(
                index: index, digest: digest("blob \(index)"), diffID: digest("diff \(index)"),
                mediaType: MediaType("application/vnd.oci.image.layer.v1.tar+gzip"), compression: .gzip,
                compressedSize: Int64(1000 * (index + 1)), uncompressedSize: Int64(4000 * (index + 1)),
                createdBy: ["ADD rootfs.tar /", "COPY . /app", "RUN rm /app/.env"][index], fileCount: 10 + index,
                complete: index != 2, fromCache: index == 0)
        }
        var result = ScanResult()
        result.images = [
            ImageSummary(
                target: "app.tar", name: "acme/app:1.0", manifestDigest: digest("manifest"),
                configDigest: digest("config"), platform: platform, layers: layers)
        ]
        func file(_ path: String, line: Int, visibility: Visibility) -> FindingLocation {
            FindingLocation(
                image: "acme/app:1.0", imageDigest: digest("manifest"), platform: platform,
                place: .file(
                    LayerFileLocation(
                        layerIndex: 1, layerCount: 3, layerDigest: digest("blob 1"), diffID: digest("diff 1"),
                        createdBy: "COPY . /app", path: ImagePath(path), line: line, column: 7,
                        visibility: visibility, changedBy: visibility == .visible ? nil : "RUN rm /app/.env")))
        }
        let github = RuleSummary(
            id: RuleID("github.pat.classic"), name: "GitHub personal access token", severity: .high,
            confidence: .high)
        let stripe = RuleSummary(
            id: RuleID("stripe.secret-key"), name: "Stripe secret key", severity: .critical,
            confidence: .high, note: "live mode")
        result.findings = [
            Finding(
                rule: stripe, secret: Secret(key), fingerprint: Secret(key).fingerprint(rule: stripe.id, key: .default),
                locations: [
                    FindingLocation(
                        image: "acme/app:1.0", imageDigest: digest("manifest"), platform: platform,
                        place: .metadata(MetadataLocation(field: "config.Env[1] STRIPE_KEY")))
                ]),
            Finding(
                rule: github, secret: Secret(token),
                fingerprint: Secret(token).fingerprint(rule: github.id, key: .default),
                locations: [
                    file("app/.env", line: 3, visibility: .deleted(layer: 2)),
                    file("app/\u{1b}[31mevil\u{7}.txt", line: 1, visibility: .visible),
                ]),
        ]
        result.rules = [
            RuleDescription(summary: stripe, references: ["https://docs.stripe.com/keys"]),
            RuleDescription(summary: github, references: ["https://docs.github.com/en/authentication"]),
        ]
        result.rulesHash = "golden-rules"
        result.diagnostics = [
            ScanDiagnostic(
                code: .sizeLimit, message: "layer 3: /var/big.bin is larger than 1024 bytes",
                image: "acme/app:1.0", layer: 2, blob: digest("blob 2"), incomplete: true)
        ]
        result.policyOutcome.suppressed = ["test fixtures": 2]
        result.policyOutcome.belowConfidence = 1
        result.bytesScanned = 24_000
        result.duration = 1.25
        return result
    }

    static func check(_ rendered: String, against name: String) throws {
        let text = rendered.replacingOccurrences(of: CustomsVersion.current, with: "<version>")
        let file = golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["CUSTOMS_UPDATE_GOLDEN"] == "1" {
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        let (got, want) = (
            text.split(separator: "\n", omittingEmptySubsequences: false),
            expected.split(separator: "\n", omittingEmptySubsequences: false)
        )
        let firstDifference = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(
            text == expected,
            """
            \(name) differs from its golden file at line \((firstDifference?.offset ?? min(got.count, want.count)) + 1):
            got:  \(firstDifference.map { String($0.element.0) } ?? "(\(got.count) lines)")
            want: \(firstDifference.map { String($0.element.1) } ?? "(\(want.count) lines)")
            """)
    }

    @Test func text() throws {
        let rendered = try TextReporter().render(Self.result(), options: ReportOptions())
        #expect(!rendered.contains("\u{1b}") && !rendered.contains("\u{7}"), "a hostile path reached the terminal")
        try Self.check(rendered, against: "report.txt")
    }

    @Test func json() throws {
        try Self.check(try JSONReporter().render(Self.result(), options: ReportOptions()), against: "report.json")
    }

    @Test func sarif() throws {
        try Self.check(try SARIFReporter().render(Self.result(), options: ReportOptions()), against: "report.sarif")
    }

    @Test func gitlab() throws {
        var options = ReportOptions()
        options.finishedAt = Date(timeIntervalSince1970: 1_800_000_000)
        options.commit = "0123456789abcdef0123456789abcdef01234567"
        try Self.check(try GitLabReporter().render(Self.result(), options: options), against: "report.gitlab.json")
    }

    @Test func noReportShowsASecretUnlessAsked() throws {
        let result = try Self.result()
        let secrets = result.findings.compactMap(\.secret.clearValue)
        for reporter in [TextReporter(), JSONReporter(), SARIFReporter(), GitLabReporter()] as [any Reporter] {
            let hidden = try reporter.render(result, options: ReportOptions())
            let shown = try reporter.render(result, options: ReportOptions(showSecrets: true))
            // Booleans first: an expectation on `hidden.contains(secret)` would print both when it fails.
            let leaked = secrets.contains { hidden.contains($0) }
            let showsAll = secrets.allSatisfy { shown.contains($0) }
            #expect(!leaked, "\(type(of: reporter)) showed a secret by default")
            #expect(showsAll, "\(type(of: reporter)) did not show them with --show-secrets")
        }
    }
}
