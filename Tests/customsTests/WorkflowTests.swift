import CustomsBuiltinRules
import CustomsCore
import CustomsTestSupport
import Foundation
import Testing

/// The three jobs' features through the CLI: SARIF, JSON Lines, baselines, .customs.yaml,
/// confidence floors, progress and colour on a terminal, completions.
@Suite(.tags(.process)) struct WorkflowTests {
    static func image(
        _ name: String, _ layout: ImageFixture.Layout = .dockerSaveLegacy, in directory: TemporaryDirectory
    ) throws -> (URL, ImageSpec) {
        let spec = try #require(try Corpus.cases().first { $0.name == name })
        let url = directory.path(layout.fileName(name))
        try ImageFixture.write(spec, layout: layout, compression: .gzip, to: url)
        return (url, spec)
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(arguments: ["sample-app", "multi-platform", "multi-stage-clean"])
    func sarifValidatesAndSuitsCodeScanning(_ name: String) throws {
        let directory = try TemporaryDirectory()
        let (image, spec) = try Self.image(name, .ociTar, in: directory)
        let output = try CLIRunner.run([
            "scan", "--format", "sarif", "-o", directory.path("out.sarif").path, image.path,
        ])
        let file = directory.path("out.sarif")
        let validation = try SchemaValidator.validate(
            file, schema: Corpus.repositoryRoot.appendingPathComponent("docs/schemas/sarif-schema-2.1.0.json"))
        #expect(validation.valid, "\(validation.message)")
        let text = try String(contentsOf: file, encoding: .utf8)
        let leaked = try spec.secretValues().values.contains { text.contains($0) }
        #expect(!leaked, "a secret appears in the SARIF file")
        let log = try Self.json(Data(contentsOf: file))
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == Set(spec.expect.map(\.secret)).count)
        #expect(output.status == (results.isEmpty ? 0 : 1))
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        #expect(rules.allSatisfy { ($0["help"] as? [String: Any])?["text"] != nil })
        #expect(rules.allSatisfy { (($0["properties"] as? [String: Any])?["security-severity"] as? String) != nil })
        // Every result's rule is described, at its index; only rules with results are embedded.
        let ruleIDs = rules.compactMap { $0["id"] as? String }
        #expect(Set(ruleIDs) == Set(results.compactMap { $0["ruleId"] as? String }))
        for result in results {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(ruleIDs[index] == result["ruleId"] as? String)
        }
        for result in results {
            let location = try #require((result["locations"] as? [[String: Any]])?.first)
            let physical = try #require(location["physicalLocation"] as? [String: Any])
            #expect((physical["artifactLocation"] as? [String: Any])?["uri"] != nil)
            #expect((physical["region"] as? [String: Any])?["startLine"] != nil)
            #expect(((result["partialFingerprints"] as? [String: String])?["customsFingerprint/v1"])?.count == 64)
            let logical = try #require(location["logicalLocations"] as? [[String: Any]])
            #expect(logical.count == 2 && (logical[0]["name"] as? String)?.contains("@sha256:") == true)
        }
    }

    @Test func allRulesEmbedsEveryRuleTheScanRan() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try Self.image("sample-app", .ociTar, in: directory)
        let output = try CLIRunner.run(["scan", "--format", "sarif", "--all-rules", image.path])
        let run = try #require((try Self.json(output.stdout)["runs"] as? [[String: Any]])?.first)
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        let listed = try CLIRunner.run(["rules", "list"]).text.split(separator: "\n").count
        #expect(rules.count == listed, "every rule, the credential-file detectors too")
    }

    @Test func jsonLinesWritesFindingsPerTargetThenASummary() throws {
        let directory = try TemporaryDirectory()
        let (first, _) = try Self.image("whiteout-deleted", in: directory)
        let (second, _) = try Self.image("overwritten-file", .ociDirectory, in: directory)
        let output = try CLIRunner.run(["scan", "--format", "jsonl", first.path, second.path])
        let lines = output.text.split(separator: "\n").map {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.allSatisfy { $0 != nil }, "every line is one JSON object")
        let types = lines.compactMap { $0?["type"] as? String }
        #expect(types == ["finding", "image", "finding", "finding", "image", "summary"])
        #expect(
            lines.compactMap { $0?["target"] as? String } == [
                first.path, first.path, second.path, second.path,
                second.path,
            ], "in target order")
        let images = lines.compactMap { $0 }.filter { $0["type"] as? String == "image" }
        #expect(
            images.map { $0["findings"] as? Int } == [1, 2] && images.allSatisfy { $0["complete"] as? Bool == true })
        #expect(images.allSatisfy { ($0["layers"] as? Int ?? 0) > 0 && $0["platform"] as? String == "linux/amd64" })
        #expect(((lines.last??["summary"] as? [String: Any])?["findings"] as? Int) == 3)
        #expect(output.status == 1)
    }

    @Test func defaultAllowlistSuppressesKnownNoiseAndCountsIt() throws {
        let directory = try TemporaryDirectory()
        let spec = try ImageSpec.parse(
            """
            name: noise
            secrets: {key: rsa-private-key, gh: github-classic, pw: password, stripe: stripe-live}
            image:
              layers:
                - created_by: "RUN pip install requests"
                  entries:
                    - {path: usr/local/lib/python3.11/site-packages/pkg/tests/test_auth.py, content: "DB_PASSWORD = '{{pw}}'\\n"}
                    - {path: usr/local/lib/python3.11/site-packages/acme/tests/conftest.py, content: "KEY = '{{stripe}}'\\n"}
                    - {path: usr/lib/x86_64-linux-gnu/libgnutls.so.30, content: "\\u0000\\u0001{{key}}\\u0000"}
                - created_by: "COPY . /app"
                  entries:
                    - {path: app/.env, content: "GITHUB_TOKEN={{gh}}\\n"}
            expect: []
            """)
        let image = directory.path("noise.tar")
        try ImageFixture.write(spec, layout: .dockerSaveLegacy, compression: .none, to: image)
        let quiet = try Self.json(CLIRunner.run(["scan", "--format", "json", image.path]).stdout)
        let findings = quiet["findings"] as? [[String: Any]] ?? []
        // A high-confidence provider key is never allowed by default, even inside a package's tests.
        let paths = findings.flatMap {
            ($0["locations"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        }
        #expect(paths.sorted() == ["/app/.env", "/usr/local/lib/python3.11/site-packages/acme/tests/conftest.py"])
        #expect(
            ((quiet["coverage"] as? [String: Any])?["suppressed"] as? [String: Int]) == [
                "default: test suites of installed Python packages": 1,
                "default: self-test keys compiled into TLS libraries": 1,
            ])

        let everything = try Self.json(
            CLIRunner.run(["scan", "--format", "json", "--no-default-allowlist", image.path]).stdout)
        #expect((everything["findings"] as? [[String: Any]])?.count == 3, "the TLS self-test key too")
        try Data("default_allowlist: false\n".utf8).write(to: directory.path(".customs.yaml"))
        let configured = try Self.json(
            CLIRunner.run(["scan", "--format", "json", image.path], directory: directory.url).stdout)
        #expect((configured["findings"] as? [[String: Any]])?.count == 3)
    }

    /// A settings file found in the working directory changes the scan, so every report names it
    /// and what it changed.
    @Test func everyReportNamesTheSettingsFileAndWhatItChanged() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        try Data(
            """
            disable_rules: [jwt]
            fail_on: critical
            allow:
              - {name: git config, path: "app/.git/config"}

            """.utf8
        ).write(to: directory.path(".customs.yaml"))
        let text = try CLIRunner.run(["scan", image.path], directory: directory.url)
        #expect(text.status == 0, "fail_on critical: nothing fails the scan")
        #expect(
            text.text.contains("settings: .customs.yaml (disables jwt; allows git config; fail_on critical)"),
            "\(text.text.suffix(400))")
        let json = try CLIRunner.run(["scan", "--format", "json", image.path], directory: directory.url)
        let settings = try #require(try Self.json(json.stdout)["settings"] as? [String: Any])
        #expect(settings["file"] as? String == ".customs.yaml")
        #expect(settings["disabledRules"] as? [String] == ["jwt"])
        #expect(settings["failOn"] as? String == "critical")
        let validation = try CLITests.validateAgainstSchema(json.stdout)
        #expect(validation.valid, "\(validation.message)")
        let sarif = try CLIRunner.run(["scan", "--format", "sarif", image.path], directory: directory.url)
        #expect(sarif.text.contains("disables jwt"))
        let none = try CLIRunner.run(["scan", "--format", "json", image.path])
        #expect(try Self.json(none.stdout)["settings"] == nil)
    }

    @Test func baselineHidesAcceptedFindingsAcrossARebuild() throws {
        let directory = try TemporaryDirectory()
        let original = try ImageSpec.parse(
            """
            name: rebuilt
            secrets: {gh: github-classic, npm: npm}
            image:
              layers:
                - created_by: "COPY . /app"
                  entries:
                    - {path: app/.env, content: "GITHUB_TOKEN={{gh}}\\n"}
                - created_by: "RUN true"
                  entries:
                    - {path: app/x, content: "x\\n"}
            expect: []
            """)
        // The rebuild moves the same token to another layer and path, and adds a new secret.
        let rebuilt = try ImageSpec.parse(
            """
            name: rebuilt
            secrets: {gh: github-classic, npm: npm}
            image:
              layers:
                - created_by: "RUN true"
                  entries:
                    - {path: app/x, content: "x\\n"}
                - created_by: "COPY . /srv"
                  entries:
                    - {path: srv/config.env, content: "GITHUB_TOKEN={{gh}}\\nNPM_TOKEN={{npm}}\\n"}
            expect: []
            """)
        let before = directory.path("before.tar"), after = directory.path("after.tar")
        try ImageFixture.write(original, layout: .dockerSaveLegacy, compression: .none, to: before)
        try ImageFixture.write(rebuilt, layout: .dockerSaveLegacy, compression: .none, to: after)
        let baseline = directory.path("baseline.json")
        let create = try CLIRunner.run(["baseline", "create", "-o", baseline.path, before.path])
        #expect(create.status == 0 && create.stderr.contains("wrote 1 fingerprint"))
        let stored = try String(contentsOf: baseline, encoding: .utf8)
        let leaked = try original.secretValues().values.contains { stored.contains($0) }
        #expect(!leaked, "a baseline holds fingerprints, never secrets")
        let mode = try FileManager.default.attributesOfItem(atPath: baseline.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let output = try CLIRunner.run(["scan", "--format", "json", "--baseline", baseline.path, after.path])
        let report = try Self.json(output.stdout)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.compactMap { ($0["rule"] as? [String: Any])?["id"] as? String } == ["npm.token"])
        #expect(((report["summary"] as? [String: Any])?["baselined"] as? Int) == 1)
        let text = try CLIRunner.run(["scan", "--baseline", baseline.path, before.path])
        #expect(text.status == 0 && text.text.contains("1 baselined finding(s) not shown"))
    }

    @Test func configurationFileAppliesPolicyAndNamesBadLines() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try Self.image("sample-app", in: directory)
        let rules = directory.path("rules")
        try FileManager.default.createDirectory(at: rules, withIntermediateDirectories: true)
        try Data(
            """
            rules:
              - id: acme.internal-token
                name: ACME internal token
                pattern: '\\b(acme_[a-z0-9]{12})\\b'
                keywords: [acme_]
                severity: low
                confidence: high
                examples: ['acme_0123456789ab']
            """.utf8
        ).write(to: rules.appendingPathComponent("acme.yaml"))
        try Data(
            """
            # team policy
            rules: [rules]
            disable_rules: [jwt]
            fail_on: critical
            allow:
              - name: sample git remote
                path: "app/.git/**"
                rule: url.password
            limits:
              max_file_bytes: 100000000
            """.utf8
        ).write(to: directory.path(".customs.yaml"))
        let output = try CLIRunner.run(["scan", "--format", "json", image.path], directory: directory.url)
        let report = try Self.json(output.stdout)
        let ids = Set(
            (report["findings"] as? [[String: Any]] ?? []).compactMap {
                ($0["rule"] as? [String: Any])?["id"] as? String
            })
        #expect(ids == ["docker.config-auth", "npm.token", "sendgrid.api-key"], "jwt disabled, git remote allowed")
        #expect(((report["coverage"] as? [String: Any])?["suppressed"] as? [String: Int]) == ["sample git remote": 1])
        let builtin = try BuiltinRules.load().rules.count
        let listed = try CLIRunner.run(["rules", "list"]).text.split(separator: "\n").count
        #expect(
            ((report["tool"] as? [String: Any])?["rules"] as? Int) == listed,
            "one built-in disabled, one added from the folder; \(listed - builtin) credential-file detectors")
        #expect(output.status == 0, "no critical finding under fail_on: critical")

        try Data("fail_on: high\nallow:\n  - rule: jwt\n    pth: typo\n".utf8).write(to: directory.path("bad.yaml"))
        let bad = try CLIRunner.run(["scan", "--config", directory.path("bad.yaml").path, image.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.yaml:4") && bad.stderr.contains("unknown key 'allow.pth'"), "\(bad.stderr)")
    }

    @Test func minimumConfidenceHidesAndCounts() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try Self.image("sample-app", in: directory)
        let output = try CLIRunner.run(["scan", "--format", "json", "--min-confidence", "high", image.path])
        let report = try Self.json(output.stdout)
        #expect((report["findings"] as? [[String: Any]])?.count == 3)
        #expect(((report["summary"] as? [String: Any])?["belowConfidence"] as? Int) == 2)
    }

    /// Runs customs under a pseudo-terminal (util-linux `script`), as a person at a terminal would.
    static func onTerminal(_ command: String, environment: [String: String] = [:]) throws -> String {
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        env["NO_COLOR"] = environment["NO_COLOR"]
        let output = try CLIRunner.run(
            executable: URL(fileURLWithPath: "/usr/bin/script"),
            ["-qec", command, "/dev/null"], environment: env)
        return output.text
    }

    @Test func progressAndColourOnlyOnATerminal() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try Self.image("chunk-boundary", in: directory)
        let binary = CLIRunner.executable().path
        let terminal = try Self.onTerminal("\(binary) scan \(image.path)")
        #expect(terminal.contains("\u{1b}[1m"), "colour on a terminal")
        #expect(terminal.contains("customs: ") && terminal.contains(" layers · "), "progress line on a terminal")
        let noColor = try Self.onTerminal("\(binary) scan --quiet \(image.path)", environment: ["NO_COLOR": "1"])
        #expect(!noColor.contains("\u{1b}["), "NO_COLOR and --quiet: no escape codes at all")
        let piped = try CLIRunner.run(["scan", image.path])
        #expect(!piped.text.contains("\u{1b}[") && piped.stderr.isEmpty, "nothing but the report off a terminal")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsAreGenerated(_ shell: String) throws {
        let output = try CLIRunner.run(["--generate-completion-script", shell])
        #expect(output.status == 0 && output.text.contains("scan") && output.text.contains("baseline"))
        let committed = Corpus.repositoryRoot.appendingPathComponent("docs/completions/customs.\(shell)")
        #expect(try String(contentsOf: committed, encoding: .utf8) == output.text, "run scripts/generate-docs")
    }

    /// The man page documents every scan flag, the real exit codes, the environment and files.
    @Test func theManPageIsCurrentAndComplete() throws {
        let page = try String(
            contentsOf: Corpus.repositoryRoot.appendingPathComponent("docs/man/customs.1"), encoding: .utf8)
        for section in ["EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"] {
            #expect(page.contains(".Sh \"\(section)\"") || page.contains(".Sh \(section)"), "no \(section)")
        }
        for variable in ["NO_COLOR", "DOCKER_CONFIG", "DOCKER_HOST", "XDG_CACHE_HOME"] {
            #expect(page.contains(".It Ev \(variable)"), "\(variable) is not documented")
        }
        for code in 0...3 {
            #expect(page.contains(".It \(code)\n"), "exit status \(code) is not documented")
        }
        let help = try CLIRunner.run(["scan", "--help"]).text
        let optionLines = help.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("-") }
        let flags = Set(
            optionLines.flatMap { $0.split(whereSeparator: { " ,".contains($0) }) }.filter { $0.hasPrefix("--") })
        #expect(flags.count > 20)
        for flag in flags where flag != "--help" {
            let name = flag.dropFirst(2)
            #expect(
                page.contains("Fl -\(name)") || page.contains(", -\(name)"),
                "\(flag) is missing: run scripts/generate-docs")
        }
    }
}
