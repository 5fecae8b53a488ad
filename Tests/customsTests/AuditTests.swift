import CustomsTestSupport
import Foundation
import Testing

/// `customs audit` against both stores, each real and started by the test: PostgreSQL (workers as
/// separate processes) and the embedded SQLite file (workers as threads and processes of one
/// machine). Work is shared exactly once, a worker killed mid-scan loses nothing, a second run
/// reports exactly what was fixed, and every report format carries the same redacted findings.
@Suite(.serialized, .tags(.process, .postgres)) struct AuditTests {
    /// An image with a shared base layer and one planted token, as a docker-save archive.
    static func image(_ index: Int, secret: Bool = true, in directory: TemporaryDirectory) throws -> URL {
        let url = directory.path("app-\(index).tar")
        try ImageFixture.write(
            try spec(index, secret: secret), layout: .dockerSaveLegacy, compression: .gzip, to: url)
        return url
    }

    /// Image `index` of the audit fixtures: a base layer all share, then the app's own layer with
    /// a GitHub token in `app/.env` (unless `secret` is false).
    static func spec(_ index: Int, secret: Bool = true, repository: String? = nil, created: String? = nil) throws
        -> ImageSpec
    {
        let entries =
            secret
            ? #"- {path: app/.env, content: "GITHUB_TOKEN={{gh}}\n"}"# : #"- {path: app/.env, content: "DEBUG=1\n"}"#
        return try ImageSpec.parse(
            """
            name: \(repository ?? "audit-app-\(index)")
            secrets: {gh: github-classic}
            image:
              \(created.map { "created: \"\($0)\"" } ?? "")
              layers:
                - created_by: "/bin/sh -c #(nop) ADD file:base in / "
                  entries:
                    - {path: etc/os-release, content: "PRETTY_NAME=\\"Debian GNU/Linux 12 (bookworm)\\"\\n", pad_to: 400000}
                - created_by: "COPY . /app # buildkit"
                  entries:
                    \(entries)
                    - {path: app/main.py, content: "print(\(index))\\n"}
            expect: []
            """)
    }

    static func report(_ store: AuditTestStore, run: String, format: String = "json") throws -> [String: Any] {
        let output = try CLIRunner.run(["audit", "report", "--store", store.url, "--run", run, "--format", format])
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
    }

    @Test(arguments: AuditTestStore.Kind.allCases)
    func everyImageIsScannedOnceWhateverTheWorkers(_ kind: AuditTestStore.Kind) throws {
        let store = try AuditTestStore(kind)
        let directory = try TemporaryDirectory()
        let images = try (0..<12).map { try Self.image($0, in: directory) }
        let list = directory.path("targets.txt")
        try Data(images.map(\.path).joined(separator: "\n").utf8).write(to: list)
        // PostgreSQL: four processes of one worker; SQLite: two processes of two threads.
        let (processes, threads) = kind == .postgres ? (4, 1) : (2, 2)
        let arguments = [
            "audit", "run", "--store", store.url, "--run", "nightly", "--no-cache", "--workers", "\(threads)",
            "@\(list.path)",
        ]
        let workers = try (0..<processes).map { _ in try CLIRunner.start(arguments) }
        for worker in workers {
            let output = worker.wait()
            #expect(output.status == 0, "\(output.stderr.suffix(600))")
        }
        #expect(
            try store.query("SELECT count(*), sum(attempts), min(state), max(state) FROM audit_work")
                == "12|12|done|done\n")
        let report = try Self.report(store, run: "nightly")
        #expect((report["new"] as? [Any])?.count == 12)
        #expect((report["items"] as? [[String: Any]])?.allSatisfy { $0["findings"] as? Int == 1 } == true)
        // Findings are stored as fingerprints and redactions only.
        let stored = try store.query("SELECT redacted || fingerprint || place FROM audit_sightings")
        #expect(stored.split(separator: "\n").count == 12)
        let secret = try FakeSecrets.make("github-classic", seed: "gh")
        let leaked = stored.contains(secret) || stored.contains(secret.dropFirst(8).prefix(16))
        #expect(!leaked, "a stored finding holds the secret")
        #expect(try store.query("SELECT max(version) FROM customs_schema") == "2\n")
        let migrate = try CLIRunner.run(["audit", "migrate", "--store", store.url])
        #expect(migrate.status == 0 && migrate.text.hasSuffix("schema version 2\n"))
    }

    @Test func anUnusableStoreIsAUsageErrorSayingWhy() throws {
        let unreachable = try CLIRunner.run([
            "audit", "report", "--store", "postgres://customs@/audit?host=/nonexistent",
        ])
        #expect(unreachable.status == 2 && unreachable.stderr.contains("is the server running"))
        let directory = try TemporaryDirectory()
        let notADatabase = directory.path("notes.txt")
        try Data("not a database\n".utf8).write(to: notADatabase)
        let wrong = try CLIRunner.run(["audit", "report", "--store", "sqlite:\(notADatabase.path)"])
        #expect(wrong.status == 2 && wrong.stderr.contains("cannot use the store sqlite:"), "\(wrong.stderr)")
        let badMode = try CLIRunner.run(["audit", "migrate", "--store", "postgres://u@db.example/audit?sslmode=maybe"])
        #expect(badMode.status == 2 && badMode.stderr.contains("sslmode takes"))
    }

    @Test(arguments: AuditTestStore.Kind.allCases)
    func aWorkerKilledMidScanLosesNothing(_ kind: AuditTestStore.Kind) throws {
        let store = try AuditTestStore(kind)
        let directory = try TemporaryDirectory()
        // A slow first item: a root filesystem of 1.5 GB in files (sparse on disk, each read in full).
        let slow = directory.path("slow")
        try FileManager.default.createDirectory(at: slow, withIntermediateDirectories: true)
        for index in 0..<6 {
            let file = slow.appendingPathComponent("data-\(index).bin")
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            let handle = try FileHandle(forWritingTo: file)
            try handle.truncate(atOffset: 250_000_000)
            try handle.close()
        }
        let images = try [slow] + (0..<3).map { try Self.image($0, in: directory) }
        let arguments =
            ["audit", "run", "--store", store.url, "--run", "killed", "--lease", "2", "--no-cache"]
            + images.map(\.path)
        let doomed = try CLIRunner.start(arguments)
        var leased = false
        for _ in 0..<200 where !leased {
            Thread.sleep(forTimeInterval: 0.1)
            leased = (try? store.query("SELECT count(*) FROM audit_work WHERE state = 'leased'")) == "1\n"
        }
        #expect(leased, "the first worker never took an item")
        kill(doomed.process.processIdentifier, SIGKILL)
        _ = doomed.wait()
        let survivor = try CLIRunner.run(arguments + ["--workers", "2"])
        #expect(survivor.status == 0, "\(survivor.stderr.suffix(500))")
        #expect(try store.query("SELECT count(*) FROM audit_work WHERE state = 'done'") == "4\n")
        #expect(try store.query("SELECT attempts FROM audit_work ORDER BY id LIMIT 1") == "2\n")
        #expect((try Self.report(store, run: "killed")["new"] as? [Any])?.count == 3)
    }

    @Test(arguments: AuditTestStore.Kind.allCases)
    func aSecondRunReportsExactlyTheFix(_ kind: AuditTestStore.Kind) throws {
        let store = try AuditTestStore(kind)
        let directory = try TemporaryDirectory()
        let images = try (0..<3).map { try Self.image($0, in: directory) }
        let run = { (name: String) in
            try CLIRunner.run(["audit", "run", "--store", store.url, "--run", name, "--no-cache"] + images.map(\.path))
        }
        #expect(try run("monday").status == 0)
        let gate = try CLIRunner.run(["audit", "report", "--store", store.url, "--fail-on-new", "high"])
        #expect(gate.status == 1 && gate.text.contains("new: 3\n"))
        _ = try Self.image(1, secret: false, in: directory)  // rebuilt without its secret, same name and path
        #expect(try run("tuesday").status == 0)
        let report = try Self.report(store, run: "tuesday")
        let fixed = report["fixed"] as? [[String: Any]] ?? []
        #expect(report["since"] as? String == "monday")
        #expect((report["new"] as? [Any])?.count == 0)
        #expect(fixed.count == 1 && fixed.first?["image"] as? String == "customs-corpus/audit-app-1:latest linux/amd64")
        #expect((report["present"] as? [Any])?.count == 2)
        let quiet = try CLIRunner.run(["audit", "report", "--store", store.url, "--fail-on-new", "high"])
        #expect(quiet.status == 0 && quiet.text.contains("fixed: 1\n"))
        // Against a date before both runs, everything still there is new.
        let sinceDate = try CLIRunner.run(
            ["audit", "report", "--store", store.url, "--since", "2000-01-01", "--format", "json"])
        #expect(sinceDate.status == 2 && sinceDate.stderr.contains("no such run, or none before"))
        let sinceMonday = try Self.report(store, run: "tuesday")
        #expect((sinceMonday["present"] as? [Any])?.count == 2)
        let wednesday = try run("wednesday")
        #expect(wednesday.status == 0)
        let sinceFirst = try CLIRunner.run([
            "audit", "report", "--store", store.url, "--since", "monday", "--format", "json",
        ])
        let overTwoRuns = try #require(try JSONSerialization.jsonObject(with: sinceFirst.stdout) as? [String: Any])
        #expect((overTwoRuns["fixed"] as? [Any])?.count == 1 && (overTwoRuns["present"] as? [Any])?.count == 2)
        let sinceTuesday = try Self.report(store, run: "wednesday")
        #expect((sinceTuesday["fixed"] as? [Any])?.count == 0 && sinceTuesday["since"] as? String == "tuesday")
    }

    @Test func reportFormatsCarryTheSameRedactedFindings() throws {
        let store = try AuditTestStore(.sqlite)
        let directory = try TemporaryDirectory()
        let images = try (0..<2).map { try Self.image($0, in: directory) }
        // A webhook nobody answers: the run warns and succeeds all the same.
        let closed = try TestServer.freePort()
        let run = try CLIRunner.run(
            [
                "audit", "run", "--store", store.url, "--run", "one", "--no-cache", "--notify",
                "http://127.0.0.1:\(closed)/hook",
            ] + images.map(\.path))
        #expect(run.status == 0 && run.stderr.contains("the --notify webhook was not told"), "\(run.stderr)")
        func render(_ format: String) throws -> String {
            let output = try CLIRunner.run(["audit", "report", "--store", store.url, "--format", format])
            #expect(output.status == 0, "\(output.stderr)")
            return output.text
        }
        let sarif = directory.path("audit.sarif")
        try Data(try render("sarif").utf8).write(to: sarif)
        let validation = try SchemaValidator.validate(
            sarif, schema: Corpus.repositoryRoot.appendingPathComponent("docs/schemas/sarif-schema-2.1.0.json"))
        #expect(validation.valid, "\(validation.message)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: sarif)) as? [String: Any])
        let results = (log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 2 && results.allSatisfy { $0["baselineState"] as? String == "new" })
        let lines = try render("jsonl").split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        #expect(
            lines.count == 2 && lines.allSatisfy { $0["status"] as? String == "new" && $0["run"] as? String == "one" })
        let html = try render("html")
        #expect(html.contains("Content-Security-Policy") && !html.contains("<script"))
        #expect(html.contains("2 new, 0 fixed, 0 still present"))
        let secret = try FakeSecrets.make("github-classic", seed: "gh")
        let leaked = try ["text", "json", "jsonl", "sarif", "html"].contains { try render($0).contains(secret) }
        #expect(!leaked, "a report holds the secret")
    }

    @Test func progressIsOneRedrawnLineOnATerminalAndALinePerItemElsewhere() throws {
        let directory = try TemporaryDirectory()
        let images = try (0..<3).map { try Self.image($0, in: directory) }
        let store = "sqlite:" + directory.path("audit.sqlite").path
        let command = [CLIRunner.executable().path, "audit", "run", "--store", store, "--no-cache", "--run"]
        let terminal = try WorkflowTests.onTerminal((command + ["tty"] + images.map(\.path)).joined(separator: " "))
        #expect(terminal.components(separatedBy: "\r\u{1b}[2K").count == 4, "one line, redrawn per item")
        #expect(terminal.contains("customs: audit: 3/3 items") && terminal.contains("left"))
        let piped = try CLIRunner.run(Array(command.dropFirst()) + ["log"] + images.map(\.path))
        let lines = piped.stderr.split(separator: "\n").filter { $0.contains("items,") && $0.contains(": done)") }
        #expect(lines.count == 3 && !piped.stderr.contains("\u{1b}["), "\(piped.stderr)")
        #expect(piped.stderr.contains("this process scanned 3 with"))
    }

    @Test func withoutAStoreTheAuditKeepsASQLiteFileOfTheUsers() throws {
        let directory = try TemporaryDirectory()
        let image = try Self.image(0, in: directory)
        let environment = ProcessInfo.processInfo.environment.merging(["XDG_DATA_HOME": directory.url.path]) { $1 }
        let run = try CLIRunner.run(["audit", "run", "--no-cache", image.path], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        let file = directory.path("customs/audit.sqlite").path
        #expect(FileManager.default.fileExists(atPath: file))
        let folder = try FileManager.default.attributesOfItem(atPath: directory.path("customs").path)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        let report = try CLIRunner.run(["audit", "report"], environment: environment)
        #expect(report.status == 0 && report.text.contains("new: 1\n"))
    }

    @Test func aLayerResultPlantedInTheStoreIsNotBelieved() throws {
        let store = try AuditTestStore(.sqlite)
        let directory = try TemporaryDirectory()
        let image = try Self.image(0, in: directory)
        let run = { (name: String) in
            try CLIRunner.run(["audit", "run", "--store", store.url, "--run", name, "--quiet", image.path])
        }
        #expect(try run("monday").status == 0)
        #expect(try store.query("SELECT count(*) FROM audit_layer_entries WHERE name LIKE 'layer|%'") == "2\n")
        // Whoever can write to the database but lacks the key copies the base layer's clean (sealed)
        // result over the layer holding the token.
        _ = try store.query(
            """
            UPDATE audit_layer_entries SET bytes = (
                SELECT bytes FROM audit_layer_entries WHERE name LIKE 'layer|%' ORDER BY length(bytes) LIMIT 1)
            WHERE name LIKE 'layer|%'
            """)
        #expect(try run("tuesday").status == 0)
        let report = try Self.report(store, run: "tuesday")
        #expect((report["fixed"] as? [Any])?.count == 0 && (report["present"] as? [Any])?.count == 1)
        // The untouched base still comes from the store; the planted entry was walked again.
        #expect(
            try store.query("SELECT layers, layers_cached FROM audit_work WHERE run_id = 2") == "2|1\n")
    }
}
