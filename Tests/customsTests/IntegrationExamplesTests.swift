import CustomsTestSupport
import Foundation
import Testing
import Yams

/// The ready-made integrations in examples/: the pre-push hook runs for real against a stand-in
/// `docker`; the CI and Kubernetes files parse and call customs only with flags it documents;
/// the Containerfile is built and run by ContainerImageTests.
@Suite(.tags(.process)) struct IntegrationExamplesTests {
    static let examples = Corpus.repositoryRoot.appendingPathComponent("examples")

    /// Runs the hook with a fake `docker save` that prints `archive` (or fails when nil), then exits
    /// with `saveStatus`; `arguments` as the hook is called, `image` as CUSTOMS_IMAGE.
    func runHook(
        archive: URL?, saveStatus: Int = 0, arguments: [String] = ["acme/app:1"], image: String? = nil,
        in directory: TemporaryDirectory
    ) throws -> CLIRunner.Output {
        let bin = directory.path("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let fake = bin.appendingPathComponent("docker")
        let body =
            archive.map { "[ \"$1\" = save ] && [ \"$2\" = acme/app:1 ] && cat '\($0.path)'; exit \(saveStatus)" }
            ?? "echo 'no such image' >&2; exit 1"
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: fake)
        chmod(fake.path, 0o755)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["CUSTOMS_BIN"] = CLIRunner.executable().path
        environment["XDG_CACHE_HOME"] = CLIRunner.cacheHome.path
        environment["CUSTOMS_IMAGE"] = image
        return try CLIRunner.run(
            executable: Self.examples.appendingPathComponent("pre-push-hook.sh"), arguments, environment: environment)
    }

    @Test func prePushHookBlocksLeaksAndPassesCleanImages() throws {
        let directory = try TemporaryDirectory()
        let cases = try Corpus.cases()
        let leaking = directory.path("leaking.tar"), clean = directory.path("clean.tar")
        try ImageFixture.write(
            try #require(cases.first { $0.name == "sample-app" }), layout: .dockerSaveLegacy, compression: .none,
            to: leaking)
        try ImageFixture.write(
            try #require(cases.first { $0.name == "multi-stage-clean" }), layout: .dockerSaveLegacy, compression: .none,
            to: clean)
        let blocked = try runHook(archive: leaking, in: directory)
        #expect(blocked.status == 1 && blocked.stderr.contains("leaks credentials"))
        #expect(blocked.text.contains("npm.token"), "the report names what leaked")
        let passed = try runHook(archive: clean, in: directory)
        #expect(passed.status == 0 && passed.stderr.contains("is clean"))
        let failed = try runHook(archive: nil, in: directory)
        #expect(failed.status != 0 && failed.status != 1, "an export failure never reads as clean or as a finding")
        // A whole clean archive, then a failing exit: the export's own status must stop the push.
        let cutShort = try runHook(archive: clean, saveStatus: 1, in: directory)
        #expect(cutShort.status == 2 && cutShort.stderr.contains("could not export"), "\(cutShort.stderr)")
    }

    @Test func asAGitHookTheImageComesFromTheEnvironmentNotGitsArguments() throws {
        let directory = try TemporaryDirectory()
        let leaking = directory.path("leaking.tar")
        try ImageFixture.write(
            try #require(try Corpus.cases().first { $0.name == "sample-app" }), layout: .dockerSaveLegacy,
            compression: .none, to: leaking)
        let gitArguments = ["origin", "git@example.com:acme/app.git"]
        let blocked = try runHook(archive: leaking, arguments: gitArguments, image: "acme/app:1", in: directory)
        #expect(blocked.status == 1, "\(blocked.stderr)")
        let unset = try runHook(archive: leaking, arguments: gitArguments, in: directory)
        #expect(unset.status == 2 && unset.stderr.contains("CUSTOMS_IMAGE"), "\(unset.stderr)")
    }

    @Test(arguments: ["gitlab-ci.yml", "k8s-cronjob.yaml"])
    func yamlParsesAndUsesDocumentedFlags(_ name: String) throws {
        let text = try String(contentsOf: Self.examples.appendingPathComponent(name), encoding: .utf8)
        #expect(try !Yams.load_all(yaml: text).map { $0 }.isEmpty)
        try Self.checkFlags(in: text, file: name)
    }

    /// The workflow uses the repository's own action, with inputs the action declares.
    @Test func theWorkflowUsesTheActionWithItsInputs() throws {
        let workflow = try #require(
            try Yams.load(yaml: String(contentsOf: Self.examples.appendingPathComponent("github-actions.yml")))
                as? [String: Any])
        let action = try #require(
            try Yams.load(yaml: String(contentsOf: Corpus.repositoryRoot.appendingPathComponent("action.yml")))
                as? [String: Any])
        let inputs = Set(((action["inputs"] as? [String: Any]) ?? [:]).keys)
        let steps =
            ((workflow["jobs"] as? [String: Any])?["scan-image"] as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        let step = try #require(steps.first { ($0["uses"] as? String)?.hasPrefix("customs-scanner/customs@") == true })
        let with = Set(((step["with"] as? [String: Any]) ?? [:]).keys)
        #expect(with.isSubset(of: inputs) && with.contains("target"), "\(with) against \(inputs)")
    }

    /// The cron job's volume is defined, its baseline is used, and a deadline bounds it.
    @Test func theCronJobIsComplete() throws {
        let text = try String(contentsOf: Self.examples.appendingPathComponent("k8s-cronjob.yaml"), encoding: .utf8)
        let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        let claim = try #require(documents.first { $0["kind"] as? String == "PersistentVolumeClaim" })
        let claimName = (claim["metadata"] as? [String: Any])?["name"] as? String
        #expect(text.contains("claimName: \(claimName ?? "?")"))
        #expect(
            text.contains("activeDeadlineSeconds") && text.contains("--baseline") && text.contains("CUSTOMS_CACHE_KEY"))
        #expect(text.contains("--format jsonl") && text.contains("-o \"/data/results/"))
    }

    /// The audit example: an Indexed Job of workers with a deadline, a migration step first, and
    /// command lines `customs audit … --help` documents (the same shape AuditTests runs).
    @Test func theAuditExampleIsAnIndexedJobOfDocumentedCommands() throws {
        let text = try String(
            contentsOf: Self.examples.appendingPathComponent("k8s-audit/audit.yaml"), encoding: .utf8)
        let documents = try Yams.load_all(yaml: text).compactMap { $0 as? [String: Any] }
        let cronJob = try #require(
            documents.first { ($0["metadata"] as? [String: Any])?["name"] as? String == "customs-audit" })
        let job = try #require(
            ((cronJob["spec"] as? [String: Any])?["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
        #expect(job["completionMode"] as? String == "Indexed" && job["activeDeadlineSeconds"] as? Int != nil)
        #expect(job["parallelism"] as? Int == job["completions"] as? Int)
        let pod = try #require((job["template"] as? [String: Any])?["spec"] as? [String: Any])
        let initArgs = ((pod["initContainers"] as? [[String: Any]])?.first?["args"] as? [String]) ?? []
        #expect(initArgs.prefix(2) == ["audit", "migrate"])
        var commands: [[String]] = [initArgs]
        for document in documents {
            let spec =
                (((document["spec"] as? [String: Any])?["jobTemplate"] as? [String: Any])?["spec"]
                as? [String: Any])?["template"] as? [String: Any]
            let containers = ((spec?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]) ?? []
            commands += containers.compactMap { $0["args"] as? [String] }
        }
        #expect(commands.count == 3)
        for command in commands {
            let help = try CLIRunner.run(Array(command.prefix(2)) + ["--help"]).text
            for flag in command where flag.hasPrefix("--") {
                #expect(help.contains(flag), "\(command.prefix(2)) does not document \(flag)")
            }
        }
    }

    @Test func hookUsesDocumentedFlags() throws {
        try Self.checkFlags(
            in: String(contentsOf: Self.examples.appendingPathComponent("pre-push-hook.sh"), encoding: .utf8),
            file: "pre-push-hook.sh")
    }

    /// Every `--flag` on a line that runs `customs … scan` appears in `customs scan --help`.
    static func checkFlags(in text: String, file: String) throws {
        let help = try CLIRunner.run(["scan", "--help"]).text
        let lines = text.split(separator: "\n")
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
            .filter { $0.contains("scan") && $0.contains("customs") }
        #expect(!lines.isEmpty, "\(file) never runs customs scan")
        for line in lines {
            for flag in line.split(whereSeparator: { $0 == " " || $0 == "\"" }).filter({
                $0.hasPrefix("--") && !$0.hasPrefix("--rm")
            }) {
                #expect(
                    help.contains(String(flag)), "\(file) uses \(flag), which `customs scan --help` does not document")
            }
        }
    }
}
