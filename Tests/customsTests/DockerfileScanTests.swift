import CustomsTestSupport
import Foundation
import Testing

/// `customs scan --dockerfile`: SARIF results on the Dockerfile's lines (what GitHub annotates in a
/// pull request), with the in-image place as a related location and a concrete edit where one is known.
@Suite(.tags(.process)) struct DockerfileScanTests {
    static let dockerfile = Corpus.repositoryRoot.appendingPathComponent("examples/lint/careless/Dockerfile")

    @Test func sarifResultsSitOnDockerfileLines() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let output = try CLIRunner.run(
            ["scan", "--format", "sarif", "--dockerfile", "examples/lint/careless/Dockerfile", image.path],
            directory: Corpus.repositoryRoot)
        #expect(output.status == 1)
        let file = directory.path("scan.sarif")
        try Data(output.text.utf8).write(to: file)
        let validation = try SchemaValidator.validate(
            file, schema: Corpus.repositoryRoot.appendingPathComponent("docs/schemas/sarif-schema-2.1.0.json"))
        #expect(validation.valid, "\(validation.message)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(output.text.utf8)) as? [String: Any])
        let results = try #require((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        func physical(_ location: [String: Any]?) -> (uri: String?, line: Int?) {
            let place = location?["physicalLocation"] as? [String: Any]
            return (
                (place?["artifactLocation"] as? [String: Any])?["uri"] as? String,
                (place?["region"] as? [String: Any])?["startLine"] as? Int
            )
        }
        var byRule: [String: (uri: String?, line: Int?)] = [:]
        for result in results {
            byRule[result["ruleId"] as? String ?? ""] = physical((result["locations"] as? [[String: Any]])?.first)
        }
        #expect(byRule["npm.token"]?.uri == "examples/lint/careless/Dockerfile" && byRule["npm.token"]?.line == 8)
        #expect(byRule["jwt"]?.line == 10 && byRule["sendgrid.api-key"]?.line == 5)
        let npm = try #require(results.first { $0["ruleId"] as? String == "npm.token" })
        let related = (npm["relatedLocations"] as? [[String: Any]])?.first
        #expect(physical(related).uri == "app/.npmrc")
        // The build argument's fix is a concrete edit: delete the ARG line.
        let sendgrid = try #require(results.first { $0["ruleId"] as? String == "sendgrid.api-key" })
        let fix = (sendgrid["fixes"] as? [[String: Any]])?.first
        let change = (fix?["artifactChanges"] as? [[String: Any]])?.first
        let region = ((change?["replacements"] as? [[String: Any]])?.first?["deletedRegion"] as? [String: Any])
        #expect(region?["startLine"] as? Int == 5 && region?["endLine"] as? Int == 6)
        #expect(npm["fixes"] == nil)
    }

    @Test func textAndJSONCarryTheLineAndTheFix() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let context = directory.path("context")
        try FileManager.default.createDirectory(at: context, withIntermediateDirectories: true)
        try Data(".git\n".utf8).write(to: context.appendingPathComponent(".dockerignore"))
        let text = try CLIRunner.run([
            "scan", "--dockerfile", Self.dockerfile.path, "--build-context", context.path, image.path,
        ]).text
        #expect(text.contains("      at \(Self.dockerfile.path):8 (COPY)\n"))
        #expect(
            text.contains(
                "fix: copied with the build context: add `.git` to .dockerignore (the context's "
                    + ".dockerignore excludes it now, line 1: rebuild)"))
        #expect(text.contains("fix: never pass secrets as build arguments"))
        let json = try CLIRunner.run(["scan", "--format", "json", "--dockerfile", Self.dockerfile.path, image.path])
        let report = try ReportFile.decode(json.stdout)
        let locations = report.findings.flatMap(\.locations)
        #expect(locations.allSatisfy { $0.dockerfile?.line != nil && $0.remediation != nil })
        let missing = try CLIRunner.run(["scan", "--dockerfile", "/nonexistent/Dockerfile", image.path])
        #expect(missing.status == 2 && missing.stderr.contains("cannot read the Dockerfile"))
    }
}
