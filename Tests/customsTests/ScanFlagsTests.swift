import CustomsTestSupport
import Foundation
import Testing

/// Flags users of peer scanners expect: `--exit-code`, `--skip-path`, `--timeout`, and
/// `rules list --format json`.
@Suite(.tags(.process)) struct ScanFlagsTests {
    @Test func exitCodeReplacesOnlyTheFindingsCode() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        #expect(try CLIRunner.run(["scan", "--quiet", "--exit-code", "0", image.path]).status == 0)
        #expect(try CLIRunner.run(["scan", "--quiet", "--exit-code", "7", image.path]).status == 7)
        #expect(
            try CLIRunner.run(["scan", "--quiet", "--exit-code", "0", directory.path("missing.tar").path]).status == 2,
            "a target that cannot be read still exits 2")
        #expect(try CLIRunner.run(["scan", "--exit-code", "300", image.path]).status == 2)
    }

    @Test func skipPathHidesFindingsUnderItAndCountsThem() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let run = try CLIRunner.run(["scan", "--format", "json", "--skip-path", "app/**", image.path])
        let report = try ReportFile.decode(run.stdout)
        #expect(report.findings.allSatisfy { $0.locations.allSatisfy { !($0.path ?? "").hasPrefix("/app/") } })
        #expect(report.findings.count == 2, "the Docker config and the build-arg remain")
        let suppressed = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
        let counts = (suppressed?["coverage"] as? [String: Any])?["suppressed"] as? [String: Int]
        #expect(counts == ["--skip-path app/**": 3])
    }

    @Test func aTimeoutEndsAStalledRunIncomplete() throws {
        // Standard input from a FIFO whose writer (this test) never writes: the read cannot be
        // interrupted, so the backstop must end the run.
        let directory = try TemporaryDirectory()
        let fifo = directory.path("stalled").path
        #expect(mkfifo(fifo, 0o600) == 0)
        DispatchQueue.global().async {
            let descriptor = open(fifo, O_WRONLY)
            Thread.sleep(forTimeInterval: 20)
            close(descriptor)
        }
        let started = Date()
        let run = try CLIRunner.run(["scan", "--timeout", "1s", "-"], stdin: URL(fileURLWithPath: fifo))
        #expect(run.status == 3)
        #expect(run.stderr.contains("--timeout was reached"))
        #expect(Date().timeIntervalSince(started) < 15, "ended soon after the deadline")
        #expect(try CLIRunner.run(["scan", "--timeout", "soon", "-"]).status == 2)
    }

    @Test func rulesListAsJSON() throws {
        let run = try CLIRunner.run(["rules", "list", "--format", "json"])
        let rules = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [[String: Any]])
        let text = try CLIRunner.run(["rules", "list"]).text.split(separator: "\n")
        #expect(rules.count == text.count)
        #expect(rules.contains { $0["id"] as? String == "netrc.password" && $0["credentialFile"] as? Bool == true })
        #expect(rules.allSatisfy { $0["severity"] is String && $0["references"] is [String] })
    }
}
