import CustomsRegistry
import CustomsTestSupport
import Foundation
import Testing

/// The nightly audit of a whole registry: a real `docker-registry` holding 50 images (10
/// repositories × 5 tags) that share a base layer and a layer per repository, audited through a
/// real PostgreSQL by 4 worker processes reading the registry's catalog. Every image is scanned
/// once, every layer is walked once across all workers, the tag policies pick what they say, and
/// the webhook hears about the run once, redacted.
@Suite(.serialized, .tags(.process, .postgres, .registry)) struct AuditFleetTests {
    static let repositories = 10
    static let tagsPerRepository = 5

    /// Pushes the fleet: `team/svc-R:vT`, created on day T of 2026; tag v5 of even repositories
    /// leaks the token.
    static func pushFleet(to registry: TestServer, in directory: TemporaryDirectory) throws {
        for repository in 0..<repositories {
            for tag in 1...tagsPerRepository {
                let leaks = tag == 5 && repository.isMultiple(of: 2)
                let spec = try ImageSpec.parse(
                    """
                    name: svc-\(repository)
                    secrets: {gh: github-classic}
                    image:
                      created: "2026-0\(tag)-01T00:00:00.123456789Z"
                      layers:
                        - created_by: "/bin/sh -c #(nop) ADD file:base in / "
                          entries:
                            - {path: etc/os-release, content: "PRETTY_NAME=\\"Debian GNU/Linux 12\\"\\n", pad_to: 300000}
                        - created_by: "RUN install runtime \(repository)"
                          entries:
                            - {path: usr/lib/svc/runtime.txt, content: "runtime \(repository)\\n", pad_to: 100000}
                        - created_by: "COPY . /app # buildkit"
                          entries:
                            - {path: app/.env, content: "\(leaks ? "GITHUB_TOKEN={{gh}}" : "DEBUG=\(tag)")\\n"}
                            - {path: app/version.txt, content: "\(repository).\(tag)\\n"}
                    expect: []
                    """)
                let archive = directory.path("svc-\(repository)-v\(tag).tar")
                try ImageFixture.write(spec, layout: .ociTar, compression: .gzip, to: archive)
                try TestServer.push(ociArchive: archive, to: "\(registry.host)/team/svc-\(repository):v\(tag)")
                try FileManager.default.removeItem(at: archive)
            }
        }
    }

    @Test func fourWorkersAuditTheRegistryScanningEveryLayerOnce() throws {
        let directory = try TemporaryDirectory()
        let registry = try TestServer.registry(
            storage: directory.path("storage"), auth: .anonymous, in: directory)
        defer { registry.stop() }
        try Self.pushFleet(to: registry, in: directory)
        let store = try AuditTestStore(.postgres)
        let hookLog = directory.path("hook.log")
        // The first answer fails: the notifier retries.
        let hook = try TestServer.webhook(log: hookLog, failFirst: 1, in: directory)
        defer { hook.stop() }
        let cacheKey = ["CUSTOMS_CACHE_KEY": "fleet-test-key-0123456789abcdef0123456789"]
        let arguments = [
            "audit", "run", "--store", store.url, "--run", "fleet", "--insecure-registry", registry.host,
            "--notify", "http://\(hook.host)/hook", "--cache-dir", directory.path("cache").path,
            "registry://\(registry.host)",
        ]
        let started = Date()
        let workers = try (0..<4).map { _ in try CLIRunner.start(arguments, adding: cacheKey) }
        for worker in workers {
            let output = worker.wait()
            #expect(output.status == 0, "\(output.stderr.suffix(800))")
        }
        let seconds = Date().timeIntervalSince(started)
        let images = Self.repositories * Self.tagsPerRepository
        #expect(
            try store.query("SELECT count(*), sum(attempts), min(state), max(state) FROM audit_work")
                == "\(images)|\(images)|done|done\n")
        // 3 layers per image; walked once each: the base, one per repository, one per image.
        let distinct = 1 + Self.repositories + images
        let walked = try store.query("SELECT sum(layers), sum(layers - layers_cached) FROM audit_work")
        #expect(walked == "\(3 * images)|\(distinct)\n", "layers read|walked, in \(seconds) s")
        let report = try AuditTests.report(store, run: "fleet")
        let new = report["new"] as? [[String: Any]] ?? []
        #expect(new.count == Self.repositories / 2)
        #expect(new.allSatisfy { ($0["image"] as? String)?.hasSuffix(":v5 linux/amd64") == true })
        // One message for the run, after one retry, counting what it found and holding no secret.
        let messages = try String(contentsOf: hookLog, encoding: .utf8).split(separator: "\n")
        #expect(messages.count == 1)
        #expect(messages.first?.contains("\(images) items (0 failed); 5 new, 0 fixed") == true)
        let secret = try FakeSecrets.make("github-classic", seed: "gh")
        let leaked = messages.contains { $0.contains(secret) }
        #expect(!leaked, "the webhook message holds the secret")

        // A second run over the same registry: every layer comes from the store.
        let again = try CLIRunner.run(
            [
                "audit", "run", "--store", store.url, "--run", "fleet-2", "--insecure-registry", registry.host,
                "--cache-dir", directory.path("cache").path, "registry://\(registry.host)",
            ], environment: ProcessInfo.processInfo.environment.merging(cacheKey) { $1 })
        #expect(again.status == 0, "\(again.stderr.suffix(500))")
        #expect(
            try store.query(
                "SELECT sum(layers_cached) FROM audit_work JOIN audit_runs r ON r.id = run_id "
                    + "WHERE r.name = 'fleet-2'") == "\(3 * images)\n")
    }

    @Test func tagPoliciesAndRepositoryGlobsPickTheImages() throws {
        let directory = try TemporaryDirectory()
        let registry = try TestServer.registry(
            storage: directory.path("storage"), auth: .anonymous, in: directory)
        defer { registry.stop() }
        try Self.pushFleet(to: registry, in: directory)
        func targets(_ options: [String]) throws -> [String] {
            let store = try AuditTestStore(.sqlite)
            let output = try CLIRunner.run(
                [
                    "audit", "run", "--store", store.url, "--run", "pick", "--no-cache", "--insecure-registry",
                    registry.host,
                ] + options + ["registry://\(registry.host)"])
            #expect(output.status == 0, "\(output.stderr.suffix(500))")
            return try store.query("SELECT target FROM audit_work ORDER BY target").split(separator: "\n").map {
                String($0.dropFirst(registry.host.count + 1))
            }
        }
        #expect(
            try targets(["--repo", "team/svc-[12]", "--tags", "newest:2"])
                == ["team/svc-1:v4", "team/svc-1:v5", "team/svc-2:v4", "team/svc-2:v5"])
        #expect(try targets(["--repo", "team/svc-3", "--tags", "v[12]"]) == ["team/svc-3:v1", "team/svc-3:v2"])
        #expect(try targets(["--repo", "team/svc-9"]).count == Self.tagsPerRepository)
        // The catalog read page by page, as the registry links them.
        var options = RegistryOptions()
        options.insecureRegistries = [registry.host]
        let catalog = RegistryCatalog(source: try RegistrySource(options: options), pageSize: 3)
        #expect(try catalog.repositories(of: registry.host) == (0..<Self.repositories).map { "team/svc-\($0)" })
    }
}
