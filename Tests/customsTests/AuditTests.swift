import CustomsTestSupport
import Foundation
import Testing

/// `customs audit` against a real PostgreSQL (started by the test): workers as separate processes
/// share the work exactly once, a worker killed mid-scan loses nothing, and a second run reports
/// exactly what was fixed.
@Suite(.serialized, .tags(.process, .postgres)) struct AuditTests {
    /// An image with a shared base layer and one planted token, as a docker-save archive.
    static func image(_ index: Int, secret: Bool = true, in directory: TemporaryDirectory) throws -> URL {
        let entries =
            secret
            ? #"- {path: app/.env, content: "GITHUB_TOKEN={{gh}}\n"}"# : #"- {path: app/.env, content: "DEBUG=1\n"}"#
        let spec = try ImageSpec.parse(
            """
            name: audit-app-\(index)
            secrets: {gh: github-classic}
            image:
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
        let url = directory.path("app-\(index).tar")
        try ImageFixture.write(spec, layout: .dockerSaveLegacy, compression: .gzip, to: url)
        return url
    }

    static func report(_ server: PostgresServer, run: String) throws -> [String: Any] {
        let output = try CLIRunner.run([
            "audit", "report", "--store", server.storeURL, "--run", run, "--format", "json",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any])
    }

    @Test func fourWorkerProcessesScanEveryImageOnce() throws {
        let server = try PostgresServer()
        let directory = try TemporaryDirectory()
        let images = try (0..<12).map { try Self.image($0, in: directory) }
        let list = directory.path("targets.txt")
        try Data(images.map(\.path).joined(separator: "\n").utf8).write(to: list)
        let arguments = ["audit", "run", "--store", server.storeURL, "--run", "nightly", "--no-cache", "@\(list.path)"]
        let workers = try (0..<4).map { _ in try CLIRunner.start(arguments) }
        for worker in workers { #expect(worker.wait().status == 0) }
        #expect(
            try server.query("SELECT count(*), sum(attempts), min(state), max(state) FROM audit_work")
                == "12|12|done|done\n")
        let report = try Self.report(server, run: "nightly")
        #expect((report["new"] as? [Any])?.count == 12)
        #expect((report["items"] as? [[String: Any]])?.allSatisfy { $0["findings"] as? Int == 1 } == true)
        // Findings are stored as fingerprints and redactions only.
        let stored = try server.query("SELECT string_agg(redacted || fingerprint || place, ' ') FROM audit_sightings")
        let secrets = try (0..<12).map { _ in try FakeSecrets.make("github-classic", seed: "gh") }
        #expect(!secrets.contains { stored.contains($0) })
        #expect(try server.query("SELECT max(version) FROM customs_schema") == "1\n")
        let migrate = try CLIRunner.run(["audit", "migrate", "--store", server.storeURL])
        #expect(migrate.status == 0 && migrate.text.hasSuffix("schema version 1\n"))
        let wrong = try CLIRunner.run(["audit", "report", "--store", "postgres://customs@/audit?host=/nonexistent"])
        #expect(wrong.status == 2 && wrong.stderr.contains("is the server running"))
    }

    @Test func aWorkerKilledMidScanLosesNothing() throws {
        let server = try PostgresServer()
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
            ["audit", "run", "--store", server.storeURL, "--run", "killed", "--lease", "2", "--no-cache"]
            + images.map(\.path)
        let doomed = try CLIRunner.start(arguments)
        var leased = false
        for _ in 0..<200 where !leased {
            Thread.sleep(forTimeInterval: 0.1)
            leased = (try? server.query("SELECT count(*) FROM audit_work WHERE state = 'leased'")) == "1\n"
        }
        #expect(leased, "the first worker never took an item")
        kill(doomed.process.processIdentifier, SIGKILL)
        _ = doomed.wait()
        let survivor = try CLIRunner.run(arguments + ["--workers", "2"])
        #expect(survivor.status == 0, "\(survivor.stderr.suffix(500))")
        #expect(try server.query("SELECT count(*) FROM audit_work WHERE state = 'done'") == "4\n")
        #expect(try server.query("SELECT attempts FROM audit_work ORDER BY id LIMIT 1") == "2\n")
        #expect((try Self.report(server, run: "killed")["new"] as? [Any])?.count == 3)
    }

    @Test func aSecondRunReportsExactlyTheFix() throws {
        let server = try PostgresServer()
        let directory = try TemporaryDirectory()
        let images = try (0..<3).map { try Self.image($0, in: directory) }
        let run = { (name: String) in
            try CLIRunner.run(
                ["audit", "run", "--store", server.storeURL, "--run", name, "--no-cache"] + images.map(\.path))
        }
        #expect(try run("monday").status == 0)
        let gate = try CLIRunner.run(["audit", "report", "--store", server.storeURL, "--fail-on-new", "high"])
        #expect(gate.status == 1 && gate.text.contains("new: 3\n"))
        _ = try Self.image(1, secret: false, in: directory)  // rebuilt without its secret, same name and path
        #expect(try run("tuesday").status == 0)
        let report = try Self.report(server, run: "tuesday")
        let fixed = report["fixed"] as? [[String: Any]] ?? []
        #expect((report["new"] as? [Any])?.count == 0)
        #expect(fixed.count == 1 && fixed.first?["image"] as? String == "customs-corpus/audit-app-1:latest linux/amd64")
        #expect((report["present"] as? [Any])?.count == 2)
        let quiet = try CLIRunner.run(["audit", "report", "--store", server.storeURL, "--fail-on-new", "high"])
        #expect(quiet.status == 0 && quiet.text.contains("fixed: 1\n"))
    }
}
