import CustomsTestSupport
import Foundation
import Testing

/// `--format gitlab` writes GitLab's Secret Detection report, valid against GitLab's published
/// schema (vendored in docs/schemas/gitlab), with stable ids and no secret in it.
@Suite(.tags(.process)) struct GitLabReportTests {
    static let schema = Corpus.repositoryRoot.appendingPathComponent(
        "docs/schemas/gitlab/secret-detection-report-format.json")

    @Test func theReportValidatesAndHoldsEveryFindingRedacted() throws {
        let directory = try TemporaryDirectory()
        let (image, spec) = try CLITests.sample(in: directory)
        let file = directory.path("gl-secret-detection-report.json")
        var environment = ProcessInfo.processInfo.environment
        environment["CI_COMMIT_SHA"] = "0123456789abcdef0123456789abcdef01234567"
        let run = try CLIRunner.run(
            ["scan", "--format", "gitlab", "-o", file.path, image.path], environment: environment)
        #expect(run.status == 1)
        let (valid, message) = try SchemaValidator.validate(file, schema: Self.schema)
        #expect(valid, "\(message)")
        let data = try Data(contentsOf: file)
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let vulnerabilities = try #require(report["vulnerabilities"] as? [[String: Any]])
        #expect(vulnerabilities.count == 5)
        #expect(Set(vulnerabilities.compactMap { $0["severity"] as? String }).isSubset(of: ["High", "Medium"]))
        let commits = vulnerabilities.compactMap { ($0["location"] as? [String: Any])?["commit"] as? [String: Any] }
        #expect(commits.allSatisfy { $0["sha"] as? String == "0123456789abcdef0123456789abcdef01234567" })
        let text = String(decoding: data, as: UTF8.self)
        let leaked = try spec.secretValues().values.contains { text.contains($0) }
        #expect(!leaked, "the GitLab report holds a secret")

        let again = directory.path("again.json")
        _ = try CLIRunner.run(["scan", "--format", "gitlab", "-o", again.path, image.path])
        let ids = { (url: URL) throws -> Set<String> in
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
            return Set(((object?["vulnerabilities"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String })
        }
        #expect(try ids(file) == ids(again), "a finding keeps its id from run to run")
    }

    @Test func theValidatorRejectsAReportMissingWhatGitLabRequires() throws {
        let directory = try TemporaryDirectory()
        let broken = directory.path("broken.json")
        try Data(#"{"version": "15.2.1", "vulnerabilities": [{"id": "x", "identifiers": []}]}"#.utf8).write(to: broken)
        #expect(try SchemaValidator.validate(broken, schema: Self.schema).valid == false)
    }
}
