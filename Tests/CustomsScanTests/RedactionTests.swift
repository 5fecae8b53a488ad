import CustomsCore
import CustomsModel
import CustomsReport
import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

/// A detected secret is redacted wherever the result repeats it: the build instruction shown
/// beside its finding (layer headers, locations, SARIF messages) in every format.
@Suite struct RedactionTests {
    static let spec = """
        name: secret-in-instructions
        secrets: {stripe: stripe-live, github: github-classic}
        image:
          layers:
            - created_by: "RUN /bin/sh -c echo STRIPE={{stripe}} > /dev/null"
              entries:
                - {path: app/readme.txt, content: "nothing here\\n"}
            - created_by: "ENV GITHUB_TOKEN={{github}}"
              entries:
                - {path: app/.env, content: "GITHUB_TOKEN={{github}}\\n"}
          env:
            - "GITHUB_TOKEN={{github}}"
        expect: []
        """

    static func reports(showSecrets: Bool) throws -> (secrets: [String], reports: [String]) {
        let spec = try ImageSpec.parse(Self.spec)
        let directory = try TemporaryDirectory()
        let image = directory.path("image.tar")
        try ImageFixture.write(spec, layout: .ociTar, compression: .gzip, to: image)
        var options = ScanOptions()
        options.showSecrets = showSecrets
        let result = try Scan(options: options).run([image.path])
        #expect(
            Set(result.findings.map(\.rule.id.rawValue)).isSuperset(of: ["stripe.secret-key", "github.pat.classic"]))
        let report = ReportOptions(showSecrets: showSecrets)
        let rendered = [
            try TextReporter().render(result, options: report), try JSONReporter().render(result, options: report),
            try SARIFReporter().render(result, options: report),
            result.findings.map {
                JSONLinesReporter().lines(for: TargetReport(target: "t", findings: [$0]), options: report)
            }
            .joined(),
        ]
        return (Array(try spec.secretValues().values), rendered)
    }

    @Test func noFormatShowsASecretInAnInstruction() throws {
        let (secrets, reports) = try Self.reports(showSecrets: false)
        for (format, report) in zip(["text", "json", "sarif", "jsonl"], reports) {
            // Booleans first: an expectation on `report.contains(secret)` would print both when it fails.
            for secret in secrets {
                let shown = report.contains(String(secret.dropFirst(4).dropLast(2)))
                #expect(!shown, "\(format) shows a secret")
            }
            #expect(report.contains("echo STRIPE=") || !["text", "json"].contains(format), "\(format) lost it")
        }
    }

    @Test func showSecretsShowsThem() throws {
        let (secrets, reports) = try Self.reports(showSecrets: true)
        let shown = secrets.allSatisfy { reports[1].contains($0) }
        #expect(shown)
    }
}
