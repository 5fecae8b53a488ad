import CustomsCore
import CustomsTestSupport
import Foundation
import Testing
import Yams

/// The GitHub Action's shell steps, run locally as a runner would (GITHUB_ACTION_PATH, RUNNER_TEMP,
/// GITHUB_PATH, GITHUB_OUTPUT, the inputs as env): install from a release folder (dist/, as a
/// file:// URL) with the checksum verified, scan, and gate on the exit code.
@Suite(.tags(.process, .release)) struct ActionTests {
    static let root = Corpus.repositoryRoot

    /// The composite action's steps, in order.
    static func steps() throws -> [[String: Any]] {
        let text = try String(contentsOf: root.appendingPathComponent("action.yml"), encoding: .utf8)
        let action = try #require(try Yams.load(yaml: text) as? [String: Any])
        let runs = try #require(action["runs"] as? [String: Any])
        #expect(runs["using"] as? String == "composite")
        return try #require(runs["steps"] as? [[String: Any]])
    }

    /// Runs a step's `run:` script with bash, `${{ … }}` expressions replaced from `expressions`.
    static func run(
        _ step: [String: Any], expressions: [String: String], environment: [String: String]
    ) throws -> CLIRunner.Output {
        var script = try #require(step["run"] as? String)
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        for (key, value) in (step["env"] as? [String: String]) ?? [:] {
            var resolved = value
            for (expression, replacement) in expressions {
                resolved = resolved.replacingOccurrences(of: expression, with: replacement)
            }
            env[key] = resolved
        }
        for (expression, replacement) in expressions {
            script = script.replacingOccurrences(of: expression, with: replacement)
        }
        #expect(!script.contains("${{"), "an expression the test does not supply: \(script)")
        return try CLIRunner.run(executable: URL(fileURLWithPath: "/bin/bash"), ["-c", script], environment: env)
    }

    @Test func installScanAndGateRunAsOnARunner() throws {
        let steps = try Self.steps()
        #expect(
            steps.map { $0["name"] as? String ?? "" } == [
                "Install customs", "Scan", "Upload SARIF", "Gate on the result",
            ])
        let folder = try TemporaryDirectory()
        let temp = folder.path("runner-temp"), githubPath = folder.path("github-path"), output = folder.path("output")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        try Data().write(to: githubPath)
        try Data().write(to: output)
        let (sample, _) = try CLITests.sample(in: folder)
        let runner = [
            "GITHUB_ACTION_PATH": Self.root.path, "RUNNER_TEMP": temp.path, "GITHUB_PATH": githubPath.path,
            "GITHUB_OUTPUT": output.path, "CUSTOMS_RELEASES": "file://" + Self.root.appendingPathComponent("dist").path,
            "XDG_CACHE_HOME": folder.path("cache").path, "XDG_CONFIG_HOME": folder.path("config").path,
        ]
        let expressions = [
            "${{ inputs.version }}": CustomsVersion.current,
            "${{ github.action_repository }}": "customs-scanner/customs",
            "${{ inputs.target }}": sample.path, "${{ inputs.format }}": "sarif",
            "${{ inputs.output }}": folder.path("customs.sarif").path, "${{ inputs.fail-on }}": "high",
            "${{ inputs.baseline }}": "",
        ]
        let install = try Self.run(steps[0], expressions: expressions, environment: runner)
        #expect(install.status == 0, "\(install.stderr)")
        let added = try String(contentsOf: githubPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(FileManager.default.isExecutableFile(atPath: added + "/customs"))

        var withPath = runner
        withPath["PATH"] = added + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let scan = try Self.run(steps[1], expressions: expressions, environment: withPath)
        #expect(scan.status == 0, "the scan step records the exit code and lets the upload run: \(scan.stderr)")
        let recorded = try String(contentsOf: output, encoding: .utf8)
        #expect(recorded.contains("exit-code=1"), "\(recorded)")
        let sarif =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.path("customs.sarif"))) as? [String: Any]
        #expect(((sarif?["runs"] as? [[String: Any]])?.first?["results"] as? [Any])?.count == 5)

        for (code, status) in [("0", Int32(0)), ("1", 1), ("3", 1), ("2", 1)] {
            let gate = try Self.run(
                steps[3], expressions: ["${{ steps.scan.outputs.exit-code }}": code], environment: runner)
            #expect(gate.status == status, "exit code \(code)")
        }
    }

    @Test func aTarballThatDoesNotMatchItsChecksumIsNotInstalled() throws {
        let folder = try TemporaryDirectory()
        let mirror = folder.path("mirror")
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("dist"), to: mirror)
        let tarball = try #require(
            try FileManager.default.contentsOfDirectory(atPath: mirror.path).first { $0.hasSuffix(".tar.gz") })
        let handle = try FileHandle(forWritingTo: mirror.appendingPathComponent(tarball))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("tampered".utf8))
        try handle.close()
        var environment = ProcessInfo.processInfo.environment
        environment["CUSTOMS_RELEASES"] = "file://" + mirror.path
        let install = try CLIRunner.run(
            executable: Self.root.appendingPathComponent("scripts/install"),
            [CustomsVersion.current, folder.path("bin").path], environment: environment)
        #expect(install.status == 2 && install.stderr.contains("does not match its published checksum"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("bin/customs").path))
    }
}
