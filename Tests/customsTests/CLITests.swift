import CustomsBuiltinRules
import CustomsCore
import CustomsTestSupport
import Foundation
import Testing

/// The built `customs` binary, run as users run it: help, exit codes, report files, redaction,
/// and JSON that validates against docs/schemas/report.schema.json.
@Suite(.tags(.process)) struct CLITests {
    static func sample(
        _ layout: ImageFixture.Layout = .dockerSaveLegacy, in directory: TemporaryDirectory,
        case name: String = "sample-app"
    ) throws -> (URL, ImageSpec) {
        let spec = try #require(try Corpus.cases().first { $0.name == name })
        let url = directory.path(layout.fileName(name))
        try ImageFixture.write(spec, layout: layout, compression: .gzip, to: url)
        return (url, spec)
    }

    /// Validates `json` against the repository's report schema with Python's jsonschema.
    static func validateAgainstSchema(_ json: Data) throws -> (valid: Bool, message: String) {
        let directory = try TemporaryDirectory()
        let report = directory.path("report.json")
        try json.write(to: report)
        return try SchemaValidator.validate(
            report, schema: Corpus.repositoryRoot.appendingPathComponent("docs/schemas/report.schema.json"))
    }

    @Test func helpDocumentsTheExitCodesAndFlags() throws {
        let root = try CLIRunner.run(["--help"])
        #expect(root.status == 0 && root.text.contains("scan"))
        let scan = try CLIRunner.run(["scan", "--help"])
        for word in [
            "--format", "--output", "--platform", "--show-secrets", "--fail-on", "Exit codes", "standard input",
        ] {
            #expect(scan.text.contains(word), "scan --help lacks \(word)")
        }
        #expect(try CLIRunner.run(["--version"]).text.contains(CustomsVersion.current))
    }

    @Test func versionNamesTheCommitTheRulesAndTheLinkedLibraries() throws {
        let output = try CLIRunner.run(["--version"])
        #expect(output.status == 0)
        let lines = output.text.split(separator: "\n").map(String.init)
        try #require(lines.count == 6, "\(lines)")
        #expect(lines[0].hasPrefix("customs \(CustomsVersion.current) (commit "))
        let head = try CLIRunner.run(executable: URL(fileURLWithPath: "/usr/bin/git"), ["rev-parse", "HEAD"])
        if head.status == 0 {
            #expect(lines[0].contains(String(head.text.prefix(12))), "built from the checked-out commit")
        }
        let rules = try BuiltinRules.load()
        #expect(lines[1] == "rules: \(rules.rules.count) built-in, hash \(rules.contentHash.prefix(16))")
        #expect(lines[2].hasPrefix("libarchive 3.") && lines[2].contains("libzstd/"))
        #expect(lines[3].hasPrefix("isa-l (igzip) libzstd/1."))
        #expect(lines[4].hasPrefix("PCRE2 10."))
        #expect(lines[5].hasPrefix("Vectorscan 5."))
    }

    /// The README shows what the demo prints; a real run of the same command must print the same
    /// (run times aside), from the same relative path, with a cold cache.
    @Test func theReadmeShowsWhatTheDemoPrints() throws {
        let readme = try String(contentsOf: Corpus.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "What the demo prints"))
        let open = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
        let close = try #require(readme.range(of: "```\n", range: open.upperBound..<readme.endIndex))
        let shown = String(readme[open.upperBound..<close.lowerBound])
        let directory = try TemporaryDirectory()
        let sample = directory.path(".build/sample/sample-app.tar")
        try FileManager.default.createDirectory(
            at: sample.deletingLastPathComponent(), withIntermediateDirectories: true)
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        try ImageFixture.write(spec, layout: .dockerSaveLegacy, compression: .none, to: sample)
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = directory.path("cache").path
        let dockerfile = "examples/lint/careless/Dockerfile"
        try FileManager.default.createDirectory(
            at: directory.path(dockerfile).deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Corpus.repositoryRoot.appendingPathComponent(dockerfile), to: directory.path(dockerfile))
        let run = try CLIRunner.run(
            ["scan", "--dockerfile", dockerfile, ".build/sample/sample-app.tar"], environment: environment,
            directory: directory.url)
        #expect(run.status == 1)
        let times = /scanned in [0-9.]+ s/
        #expect(
            run.text.replacing(times, with: "scanned in T s") == shown.replacing(times, with: "scanned in T s"),
            "update the README's demo output: it differs from a real run")
    }

    /// Usage and I/O errors: exit 2 (never 1, which CI reads as "secrets found"), one readable line
    /// on standard error naming what to fix, no Foundation or decoder dump, nothing said twice.
    @Test func everyUsageOrIOErrorIsOneLineAndExitTwo() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try Self.sample(in: directory)
        let badBaseline = directory.path("baseline.json")
        try Data(
            "{\n  \"customsBaseline\": 2,\n  \"createdWith\": \"0.1.0\",\n  \"findings\": [\n    {\"rule\": \"x\"}\n  ]\n}\n"
                .utf8
        )
        .write(to: badBaseline)
        let rules = directory.path("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try Data(
            "rules:\n  - id: broken\n    name: Broken\n    pattern: x\n    keywords: [x]\n    severity: [high]\n    confidence: high\n    examples: [x]\n"
                .utf8
        ).write(to: rules.appendingPathComponent("x.yaml"))
        let cases: [([String], [String])] = [
            (["scan", "-o", "/nonexistent/dir/r.json", image.path], ["/nonexistent/dir/r.json"]),
            (["rules", "list", "--rules", directory.path("nodir").path], ["no such folder"]),
            (["scan", "--baseline", badBaseline.path, image.path], [badBaseline.path, "line 4", "findings[0]"]),
            (["rules", "check", "--rules", rules.path], ["x.yaml", "line 6", "severity"]),
            (["scan", "--no-such-flag", image.path], ["--no-such-flag"]),
            (["scan", directory.path("missing.tar").path], ["missing.tar", "no such file"]),
        ]
        for (arguments, mentions) in cases {
            let run = try CLIRunner.run(arguments)
            let lines = run.stderr.split(separator: "\n").filter { !$0.isEmpty }
            #expect(run.status == 2, "\(arguments): exit \(run.status)")
            #expect(lines.count == 1, "\(arguments): \(run.stderr)")
            #expect(mentions.allSatisfy(run.stderr.contains), "\(arguments): \(run.stderr)")
            let dump = ["NSCocoaErrorDomain", "DecodingError", "CodingKeys", "Usage:"].contains(
                where: run.stderr.contains)
            #expect(!dump, "\(arguments): \(run.stderr)")
            let target = directory.path("missing.tar").path
            #expect(run.stderr.components(separatedBy: target).count <= 2, "the target is named once")
        }
    }

    @Test func rulesCheckPassesBuiltinsAndFailsABrokenUserRule() throws {
        let good = try CLIRunner.run(["rules", "check"])
        #expect(good.status == 0, "\(good.text)")
        #expect(good.text.contains("all pass"))
        let folder = try TemporaryDirectory()
        try """
        rules:
          - id: team.internal-token
            name: Internal token
            pattern: '\\b(itk_[0-9a-f]{32})\\b'
            keywords: [itk_]
            severity: high
            confidence: high
            examples: ['itk_not-hex']
        """.write(to: folder.path("team.yaml"), atomically: true, encoding: .utf8)
        let bad = try CLIRunner.run(["rules", "check", "--rules", folder.url.path])
        #expect(bad.status == 1)
        #expect(bad.text.contains("FAIL team.internal-token: example 1 does not match the pattern"), "\(bad.text)")
        let listed = try CLIRunner.run(["rules", "list", "--rules", folder.url.path])
        #expect(listed.text.contains("team.internal-token"))
    }

    @Test func textReportShowsProvenanceAndNeverAFullSecret() throws {
        let directory = try TemporaryDirectory()
        let (image, spec) = try Self.sample(in: directory)
        let output = try CLIRunner.run(["scan", image.path])
        #expect(output.status == 1)
        let text = output.text
        #expect(text.contains("layer 2/4"))
        #expect(text.contains("COPY . /app"))
        #expect(text.contains("DELETED in layer 3 (RUN npm ci && rm /app/.npmrc) but still recoverable from layer 2"))
        #expect(text.contains("history[3] build-arg SENDGRID_KEY"))
        #expect(text.contains("5 secrets in 2 layers (1 deleted or overwritten but recoverable)"))
        let leaked = try spec.secretValues().values.contains { text.contains($0) || output.stderr.contains($0) }
        #expect(!leaked, "a secret appears in full in the text report")
    }

    @Test(arguments: ["sample-app", "multi-platform", "attestation", "hardlink"])
    func jsonReportValidatesAgainstTheSchema(_ name: String) throws {
        let directory = try TemporaryDirectory()
        let (image, spec) = try Self.sample(.ociDirectory, in: directory, case: name)
        let output = try CLIRunner.run(["scan", "--format", "json", image.path])
        let validation = try Self.validateAgainstSchema(output.stdout)
        #expect(validation.valid, "\(validation.message)")
        let leaked = try spec.secretValues().values.contains { output.text.contains($0) }
        #expect(!leaked, "a secret appears in full in the JSON report")
        let report = try ReportFile.decode(output.stdout)
        #expect(report.schemaVersion == "1.0")
        #expect(
            report.images.allSatisfy { $0.layers.enumerated().allSatisfy { $0.offset == $0.element.index } },
            "0-based layer indexes")
    }

    @Test func incompleteReportValidatesToo() throws {
        let output = try CLIRunner.run(["scan", "--format", "json", "/nonexistent.tar"])
        #expect(output.status == 2)
        let validation = try Self.validateAgainstSchema(output.stdout)
        #expect(validation.valid, "\(validation.message)")
        #expect(output.stderr.contains("no such file or directory"))
    }

    @Test func showSecretsPrintsThemInFull() throws {
        let directory = try TemporaryDirectory()
        let (image, spec) = try Self.sample(in: directory)
        let output = try CLIRunner.run(["scan", "--format", "json", "--show-secrets", image.path])
        let report = try ReportFile.decode(output.stdout)
        let values = Set(try spec.secretValues().values)
        let allShown = report.findings.allSatisfy { !$0.redacted && values.contains($0.secret) }
        #expect(allShown && report.findings.count == 5)
    }

    @Test func outputFileIsOwnerOnly() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try Self.sample(in: directory)
        let report = directory.path("out.json")
        try Data("old".utf8).write(to: report)
        chmod(report.path, 0o644)
        let output = try CLIRunner.run(["scan", "--format", "json", "-o", report.path, image.path])
        #expect(output.status == 1 && output.stdout.isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: report.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try ReportFile.decode(Data(contentsOf: report)).findings.count == 5)
    }

    @Test func exitCodesFollowTheDesign() throws {
        let directory = try TemporaryDirectory()
        let (clean, _) = try Self.sample(in: directory, case: "multi-stage-clean")
        #expect(try CLIRunner.run(["scan", clean.path]).status == 0)
        let (dirty, _) = try Self.sample(in: directory, case: "whiteout-deleted")
        #expect(try CLIRunner.run(["scan", dirty.path]).status == 1)
        #expect(
            try CLIRunner.run(["scan", "--fail-on", "critical", dirty.path]).status == 0,
            "a high finding under a critical threshold")
        let badPlatform = try CLIRunner.run(["scan", "--platform", "nonsense", dirty.path])
        #expect(badPlatform.status == 2 && badPlatform.stderr.contains("os/arch"))
        // A layer blob missing and nothing found: incomplete, never clean.
        var files = try ImageFixture.files(
            try #require(try Corpus.cases().first { $0.name == "multi-stage-clean" }),
            layout: .ociDirectory, compression: .gzip)
        files.remove(files.layerBlobPaths[0])
        let broken = directory.path("broken")
        try files.writeDirectory(broken)
        let incomplete = try CLIRunner.run(["scan", broken.path])
        #expect(incomplete.status == 3)
        #expect(incomplete.text.contains("INCOMPLETE"))
    }

    @Test func rootFilesystemDirectoryAndStandardInput() throws {
        let directory = try TemporaryDirectory()
        let root = directory.path("rootfs")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        let token = try FakeSecrets.make("gitlab-pat", seed: "rootfs")
        try Data("GITLAB_TOKEN=\(token)\n".utf8).write(to: root.appendingPathComponent("etc/ci.env"))
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("escape").path, withDestinationPath: "/etc")
        let output = try CLIRunner.run(["scan", "--format", "json", root.path])
        let report = try ReportFile.decode(output.stdout)
        #expect(report.findings.map(\.rule.id) == ["gitlab.pat"])
        #expect(report.findings.first?.locations.first?.path == "/etc/ci.env")

        let (image, _) = try Self.sample(.dockerSaveLegacyGzip, in: directory)
        let piped = try CLIRunner.run(["scan", "--format", "json", "-"], stdin: image)
        #expect(try ReportFile.decode(piped.stdout).findings.count == 5)
    }

    /// --password-stdin never sends the password to Docker Hub because a target is a short name.
    @Test func aPasswordIsForANamedRegistryOnly() throws {
        let directory = try TemporaryDirectory()
        let password = directory.path("password")
        try Data("not-for-docker-hub\n".utf8).write(to: password)
        let output = try CLIRunner.run(["scan", "--username", "ci", "--password-stdin", "alpine"], stdin: password)
        #expect(output.status == 2)
        #expect(output.stderr.contains("no target names one"), "\(output.stderr)")
    }
}
