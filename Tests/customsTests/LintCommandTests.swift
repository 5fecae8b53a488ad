import CustomsTestSupport
import Foundation
import Testing

/// `customs lint` as users run it: exit codes, the three formats, SARIF on Dockerfile lines.
@Suite(.tags(.process)) struct LintCommandTests {
    static let examples = Corpus.repositoryRoot.appendingPathComponent("examples/lint")

    @Test func exitCodesFollowTheFindings() throws {
        let careless = try CLIRunner.run(["lint", Self.examples.appendingPathComponent("careless/Dockerfile").path])
        #expect(careless.status == 1)
        #expect(careless.text.contains("Dockerfile:9: high copied-then-removed"))
        #expect(careless.text.contains("  fix: "))
        #expect(careless.text.hasSuffix("4 problems found.\n"))
        let clean = try CLIRunner.run(["lint", Self.examples.appendingPathComponent("multistage/Dockerfile").path])
        #expect(clean.status == 0 && clean.text == "No problems found.\n")
        let onlyHigh = try CLIRunner.run([
            "lint", "--fail-on", "critical", Self.examples.appendingPathComponent("careless/Dockerfile").path,
        ])
        #expect(onlyHigh.status == 0)
        let missing = try CLIRunner.run(["lint", "/nonexistent/Dockerfile"])
        #expect(missing.status == 2 && missing.stderr.hasPrefix("customs: error: cannot read the Dockerfile"))
    }

    @Test func sarifPointsAtDockerfileLinesAndValidates() throws {
        let directory = try TemporaryDirectory()
        let dockerfile = Self.examples.appendingPathComponent("careless/Dockerfile").path
        let output = try CLIRunner.run(["lint", "--format", "sarif", dockerfile])
        #expect(output.status == 1)
        let file = directory.path("lint.sarif")
        try Data(output.text.utf8).write(to: file)
        let validation = try SchemaValidator.validate(
            file, schema: Corpus.repositoryRoot.appendingPathComponent("docs/schemas/sarif-schema-2.1.0.json"))
        #expect(validation.valid, "\(validation.message)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(output.text.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        let lines = results.compactMap {
            (($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
                .flatMap { ($0["region"] as? [String: Any])?["startLine"] as? Int }
        }
        #expect(lines == [5, 8, 9, 10])

        let json = try CLIRunner.run(["lint", "--format", "json", dockerfile])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(
            findings.map { $0["check"] as? String } == [
                "secret-build-arg", "context-without-dockerignore", "copied-then-removed", "credential-file-copied",
            ])
    }

    /// The README shows `customs lint` on the sample's Dockerfile; a real run must print the same.
    @Test func theReadmeShowsWhatLintPrints() throws {
        let readme = try String(contentsOf: Corpus.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let command = "$ customs lint examples/lint/careless/Dockerfile\n"
        let start = try #require(readme.range(of: command))
        let end = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
        let shown = String(readme[start.upperBound..<end.lowerBound])
        let run = try CLIRunner.run(["lint", "examples/lint/careless/Dockerfile"], directory: Corpus.repositoryRoot)
        #expect(run.status == 1)
        #expect(run.text == shown, "update the README's lint output: it differs from a real run")
    }
}
