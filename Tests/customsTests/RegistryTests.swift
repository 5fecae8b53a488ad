import CustomsCore
import CustomsTestSupport
import Foundation
import Synchronization
import Testing
import Yams

/// Scans by image reference against real registries on 127.0.0.1 (Debian's docker-registry):
/// anonymous, htpasswd Basic, Bearer tokens from a test token service, TLS from a test CA, and a
/// proxy that redirects, cuts or corrupts blobs. The corpus is pushed once with skopeo; every
/// registry serves the same storage.
@Suite(.serialized, .tags(.registry, .process)) struct RegistryTests {
    /// Unique, so a test can tell that no output names it (a user name can be a token).
    static let user = "scanner-\(UUID().uuidString.prefix(8).lowercased())"
    static let password = "pw-\(UUID().uuidString)"

    /// Everything the suite starts, once per test process.
    final class World: Sendable {
        let folder: TemporaryDirectory
        let anonymous: TestServer
        let basic: TestServer
        let tokenService: TestServer
        let token: TestServer
        let tls: TestServer
        let caFile: URL
        /// Local archives pushed, by repository.
        let archives: [String: URL]

        init() throws {
            folder = try TemporaryDirectory()
            let storage = folder.path("storage")
            try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
            anonymous = try TestServer.registry(storage: storage, auth: .anonymous, in: folder)
            basic = try TestServer.registry(storage: storage, auth: .basic(user: user, password: password), in: folder)
            let signing = try TestPKI.signingCertificate(in: folder)
            tokenService = try TestServer.tokenService(
                user: user, password: password, key: signing.key, certificate: signing.certificate, in: folder)
            token = try TestServer.registry(
                storage: storage,
                auth: .token(realm: "http://\(tokenService.host)/token", certificate: signing.certificate), in: folder)
            let ca = try TestPKI.certificateAuthority(in: folder)
            caFile = ca.certificate
            tls = try TestServer.registry(
                storage: storage, auth: .anonymous, tls: try TestPKI.serverCertificate(signedBy: ca, in: folder),
                in: folder)
            var archives: [String: URL] = [:]
            let (folder, registry) = (folder, anonymous.host)
            func push(_ spec: ImageSpec, compression: Compression, as reference: String) throws {
                let archive = folder.path(
                    "\(reference.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "_")).tar"
                )
                try ImageFixture.write(spec, layout: .ociTar, compression: compression, to: archive)
                try TestServer.push(ociArchive: archive, to: "\(registry)/\(reference)")
                archives[String(reference.split(separator: ":")[0])] = archive
            }
            for spec in try Corpus.cases() {
                try push(spec, compression: .gzip, as: "corpus/\(spec.name):latest")
            }
            for name in ["sample-app", "multi-platform"] {
                let spec = try #require(try Corpus.cases().first { $0.name == name })
                try push(spec, compression: .zstd, as: "corpus-zstd/\(name):latest")
            }
            let app = try #require(try Corpus.cases().first { $0.name == "sample-app" })
            try push(app, compression: .gzip, as: "audit/app:v1")
            try push(app, compression: .gzip, as: "audit/app:v2")
            self.archives = archives
        }
    }

    private static let shared = Mutex<Result<World, any Error>?>(nil)

    static func world() throws -> World {
        try shared.withLock { shared in
            if shared == nil { shared = Result { try World() } }
            return try shared!.get()
        }
    }

    /// A location as both scans should report it (the image name differs: a path or a reference).
    static func provenance(_ report: ReportFile) -> Set<String> {
        Set(
            report.findings.flatMap { finding in
                finding.locations.map { location in
                    [
                        finding.rule.id, finding.fingerprint, location.platform ?? "", location.kind,
                        location.layer.map { "\($0.index)/\($0.count) \($0.digest ?? "") \($0.createdBy ?? "")" } ?? "",
                        location.path ?? "", "\(location.line ?? 0):\(location.column ?? 0)",
                        location.status.map { "\($0.kind) \($0.layer ?? -1) \($0.createdBy ?? "")" } ?? "",
                        location.field ?? "",
                    ]
                    .joined(separator: "|")
                }
            })
    }

    func scan(_ arguments: [String], stdin: URL? = nil, environment: [String: String] = [:]) throws -> (
        CLIRunner.Output, ReportFile
    ) {
        var merged = ProcessInfo.processInfo.environment
        merged["DOCKER_CONFIG"] = "/nonexistent"  // no credentials unless a test gives some
        for (key, value) in environment { merged[key] = value }
        let output = try CLIRunner.run(
            ["scan", "--no-cache", "--format", "json"] + arguments, stdin: stdin, environment: merged)
        #expect(
            !output.text.contains(Self.password) && !output.stderr.contains(Self.password),
            "the password leaked into the output")
        let report = try ReportFile.decode(output.stdout)
        return (output, report)
    }

    /// One case through the CLI; every case runs by reference in-process in `SourceConformanceTests`.
    @Test(arguments: ["sample-app", "multi-platform"])
    func corpusByReferenceMatchesTheLocalScan(_ name: String) throws {
        let world = try Self.world()
        let spec = try #require(try Corpus.cases().first { $0.name == name })
        let (output, report) = try scan([
            "--insecure-registry", world.anonymous.host, "\(world.anonymous.host)/corpus/\(name):latest",
        ])
        let observed = try Corpus.observed(report, spec: spec)
        let (missing, unexpected) = (Set(spec.expect).subtracting(observed), observed.subtracting(Set(spec.expect)))
        #expect(
            observed == Set(spec.expect),
            "missing: \(Corpus.describe(missing)) unexpected: \(Corpus.describe(unexpected))")
        #expect(report.coverage.complete, "\(report.coverage.diagnostics.map(\.message)) \(output.stderr)")
        let local = try ReportFile.decode(
            CLIRunner.run(["scan", "--no-cache", "--format", "json", world.archives["corpus/\(name)"]!.path]).stdout)
        #expect(Self.provenance(report) == Self.provenance(local))
        #expect(report.images.count == local.images.count)
    }

    @Test(arguments: ["sample-app", "multi-platform"])
    func zstdLayersFromARegistry(_ name: String) throws {
        let world = try Self.world()
        let spec = try #require(try Corpus.cases().first { $0.name == name })
        let (output, report) = try scan([
            "--insecure-registry", world.anonymous.host, "\(world.anonymous.host)/corpus-zstd/\(name):latest",
        ])
        #expect(try Corpus.observed(report, spec: spec) == Set(spec.expect))
        #expect(report.images.flatMap(\.layers).allSatisfy { $0.compression == "zstd" })
        #expect(output.status == 1)
    }

    @Test func sharedLayersOfAnIndexAreFetchedOnce() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let log = folder.path("log")
        let proxy = try TestServer.proxy(upstream: "http://\(world.anonymous.host)", log: log, in: folder)
        let (_, report) = try scan(["--insecure-registry", proxy.host, "\(proxy.host)/corpus/multi-platform:latest"])
        let layers = report.images.flatMap(\.layers).compactMap(\.digest)
        #expect(layers.count > Set(layers).count, "the case's platforms share a base layer")
        let gets = try Self.requests(log).map(\.path).filter { path in layers.contains { path.hasSuffix($0) } }
        #expect(gets.count == Set(layers).count, "\(gets)")
    }

    @Test func platformFlagPicksOneImageOfAnIndex() throws {
        let world = try Self.world()
        let (_, report) = try scan([
            "--insecure-registry", world.anonymous.host, "--platform", "linux/amd64",
            "\(world.anonymous.host)/corpus/multi-platform:latest",
        ])
        #expect(report.images.map(\.platform) == ["linux/amd64"])
    }

    @Test func basicAuthWithPasswordOnStandardInput() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let passwordFile = folder.path("password")
        try Data((Self.password + "\n").utf8).write(to: passwordFile)
        let target = "\(world.basic.host)/corpus/sample-app:latest"
        let (output, report) = try scan(
            ["--insecure-registry", world.basic.host, "--username", Self.user, "--password-stdin", target],
            stdin: passwordFile)
        #expect(output.status == 1, "\(output.stderr)")
        #expect(report.findings.count == 5)

        try Data("wrong\n".utf8).write(to: passwordFile)
        let (refused, refusedReport) = try scan(
            ["--insecure-registry", world.basic.host, "--username", Self.user, "--password-stdin", target],
            stdin: passwordFile)
        #expect(refused.status == 2, "nothing could be scanned")
        #expect(
            refusedReport.coverage.failedTargets.first?.message.contains("rejected the configured credentials")
                == true, "\(refusedReport.coverage.failedTargets)")
        #expect(!refused.text.contains(Self.user) && !refused.stderr.contains(Self.user), "the user name was shown")

        // Next to a clean image that is scanned, the refused one makes the run incomplete.
        let (anonymous, anonymousReport) = try scan([
            "--insecure-registry", world.basic.host, "--insecure-registry", world.anonymous.host,
            target, "\(world.anonymous.host)/corpus/multi-stage-clean:latest",
        ])
        #expect(anonymous.status == 3)
        #expect(anonymousReport.images.count == 1)
        #expect(
            anonymousReport.coverage.failedTargets.first?.message.contains("docker login \(world.basic.host)") == true)
    }

    @Test func basicAuthFromDockerConfig() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let auth = Data("\(Self.user):\(Self.password)".utf8).base64EncodedString()
        try Data(
            #"{"auths": {"\#(world.basic.host)": {"auth": "\#(auth)"}, "other.example": {"auth": "b3RoZXI6eA=="}}}"#
                .utf8
        )
        .write(to: folder.path("config.json"))
        let (output, report) = try scan(
            ["--insecure-registry", world.basic.host, "\(world.basic.host)/corpus/sample-app:latest"],
            environment: ["DOCKER_CONFIG": folder.url.path])
        #expect(output.status == 1, "\(output.stderr)")
        #expect(report.findings.count == 5)
    }

    @Test func bearerTokenWithACredentialHelper() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let bin = folder.path("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let helper = bin.appendingPathComponent("docker-credential-customs-test")
        let asked = folder.path("asked")
        try """
        #!/bin/sh
        read server
        echo "$server" >> \(asked.path)
        echo '{"ServerURL":"'$server'","Username":"\(Self.user)","Secret":"\(Self.password)"}'
        """.write(to: helper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: helper.path)
        try Data(#"{"credHelpers": {"\#(world.token.host)": "customs-test"}}"#.utf8).write(
            to: folder.path("config.json"))
        let path = bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let (output, report) = try scan(
            ["--insecure-registry", world.token.host, "\(world.token.host)/corpus/multi-platform:latest"],
            environment: ["DOCKER_CONFIG": folder.url.path, "PATH": path])
        #expect(output.status == 1, "\(output.stderr)")
        #expect(report.images.count == 2)
        #expect(try String(contentsOf: asked, encoding: .utf8) == "\(world.token.host)\n")

        // Without credentials the token service refuses, and the message says how to log in.
        let (refused, refusedReport) = try scan([
            "--insecure-registry", world.token.host, "\(world.token.host)/corpus/multi-platform:latest",
        ])
        #expect(refused.status == 2)
        #expect(
            refusedReport.coverage.failedTargets.first?.message.contains("requires a login") == true,
            "\(refusedReport.coverage.failedTargets)")
    }

    @Test func tlsWithAPrivateCertificateAuthority() throws {
        let world = try Self.world()
        let target = "\(world.tls.host)/corpus/sample-app:latest"
        let (output, report) = try scan(["--ca-file", world.caFile.path, target])
        #expect(output.status == 1, "\(output.stderr)")
        #expect(report.findings.count == 5)

        let (untrusted, untrustedReport) = try scan([target])
        #expect(untrusted.status == 2)
        #expect(
            untrustedReport.coverage.failedTargets.first?.message.contains("--ca-file") == true,
            "\(untrustedReport.coverage.failedTargets)")
    }

    @Test func unknownTagIsAClearError() throws {
        let world = try Self.world()
        let (output, report) = try scan([
            "--insecure-registry", world.anonymous.host, "\(world.anonymous.host)/corpus/sample-app:nope",
        ])
        #expect(output.status == 2)
        let message = try #require(report.coverage.failedTargets.first?.message)
        #expect(
            message.contains("corpus/sample-app") && message.contains("nope") && message.contains("MANIFEST_UNKNOWN"),
            "\(message)")
    }

    /// The GitLab template's script, run as a GitLab job would (the CI_* variables set), against a
    /// registry that wants the job's credentials: customs' own client logs in from standard input
    /// and writes GitLab's report.
    @Test func theGitLabTemplateScansWithTheJobsRegistryToken() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let template = try String(
            contentsOf: Corpus.repositoryRoot.appendingPathComponent("examples/gitlab-ci.yml"), encoding: .utf8)
        let job = try #require((try Yams.load(yaml: template) as? [String: Any])?["customs-scan"] as? [String: Any])
        let script = try #require(job["script"] as? [String]).joined(separator: "\n")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] =
            CLIRunner.executable().deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "")
        environment["CI_REGISTRY_USER"] = Self.user
        environment["CI_REGISTRY_PASSWORD"] = Self.password
        environment["IMAGE"] = "\(world.basic.host)/corpus/sample-app:latest"
        environment["CUSTOMS_SCAN_OPTIONS"] = "--insecure-registry \(world.basic.host)"
        environment["XDG_CACHE_HOME"] = folder.path("cache").path
        environment["XDG_CONFIG_HOME"] = folder.path("config").path
        let run = try CLIRunner.run(
            executable: URL(fileURLWithPath: "/bin/bash"), ["-eo", "pipefail", "-c", script], environment: environment,
            directory: folder.url)
        #expect(run.status == 1, "\(run.stderr)")
        let report =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: folder.path("gl-secret-detection-report.json"))) as? [String: Any]
        #expect((report?["vulnerabilities"] as? [Any])?.count == 5)
        let passwordShown = run.stderr.contains(Self.password)  // a boolean: a failure must not print it
        #expect(!passwordShown, "the registry password reached standard error")
    }

    @Test func redirectedBlobsNeverCarryCredentials() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let frontLog = folder.path("front.log"), storageLog = folder.path("storage.log")
        // "Blob storage": another port, which adds its own credentials upstream like a signed URL would.
        let storage = try TestServer.proxy(
            upstream: "http://\(world.basic.host)", arguments: ["--add-basic", "\(Self.user):\(Self.password)"],
            log: storageLog, in: folder)
        let front = try TestServer.proxy(
            upstream: "http://\(world.basic.host)", arguments: ["--redirect-blobs", "http://\(storage.host)"],
            log: frontLog, in: folder)
        let passwordFile = folder.path("password")
        try Data(Self.password.utf8).write(to: passwordFile)
        let (output, report) = try scan(
            [
                "--insecure-registry", front.host, "--username", Self.user, "--password-stdin",
                "\(front.host)/corpus/sample-app:latest",
            ], stdin: passwordFile)
        #expect(output.status == 1, "\(output.stderr)")
        #expect(report.findings.count == 5)
        #expect(report.coverage.complete)
        let frontRequests = try Self.requests(frontLog), storageRequests = try Self.requests(storageLog)
        #expect(frontRequests.contains { $0.authorization }, "the front registry should have been sent credentials")
        #expect(storageRequests.count >= 4, "blobs should have been fetched from the redirect target")
        #expect(
            storageRequests.allSatisfy { !$0.authorization && !$0.cookie },
            "credentials went to another origin: \(storageRequests)")
    }

    @Test func truncatedAndCorruptBlobsMakeTheRunIncompleteButOtherLayersAreScanned() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let local = try ReportFile.decode(
            CLIRunner.run(["scan", "--no-cache", "--format", "json", world.archives["corpus/sample-app"]!.path]).stdout)
        let layers = try #require(local.images.first?.layers)
        // Layer 2 holds most findings: cut it mid-body; corrupt layer 4 (one JWT).
        let cut = try #require(layers[1].digest), corrupt = try #require(layers[3].digest)
        let proxy = try TestServer.proxy(
            upstream: "http://\(world.anonymous.host)",
            arguments: ["--truncate-blob", cut, "--corrupt-blob", corrupt], log: folder.path("log"), in: folder)
        let (output, report) = try scan(["--insecure-registry", proxy.host, "\(proxy.host)/corpus/sample-app:latest"])
        #expect(output.status == 1, "the build-arg finding is still reported: \(output.stderr)")
        #expect(!report.coverage.complete)
        let messages = report.coverage.diagnostics.map(\.message).joined(separator: "\n")
        #expect(messages.contains("closed the connection") || messages.contains("ended before"), "\(messages)")
        #expect(report.coverage.diagnostics.contains { $0.layer == 3 && $0.incomplete }, "\(messages)")
        #expect(report.findings.contains { $0.rule.id == "sendgrid.api-key" })
        #expect(report.images.first?.layers[2].complete == true)

        // Only the cut layer had secrets: then nothing is found, and the run says incomplete, not clean.
        let onlyCut = try TestServer.proxy(
            upstream: "http://\(world.anonymous.host)",
            arguments: [
                "--truncate-blob",
                try #require(
                    try ReportFile.decode(
                        CLIRunner.run([
                            "scan", "--no-cache", "--format", "json", world.archives["corpus/whiteout-deleted"]!.path,
                        ]).stdout
                    )
                    .findings.first?.locations.first?.layer?.digest),
            ], log: folder.path("log2"), in: folder)
        let (incomplete, _) = try scan([
            "--insecure-registry", onlyCut.host, "\(onlyCut.host)/corpus/whiteout-deleted:latest",
        ])
        #expect(incomplete.status == 3, "\(incomplete.stderr)")
    }

    @Test func attestationsAttachedAsReferrersAreScanned() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let spec = try #require(try Corpus.cases().first { $0.name == "attestation" })
        // The image manifest pinned directly: its index, and the attestation the index lists, are not seen.
        struct Index: Decodable {
            struct Child: Decodable {
                var digest: String
                var annotations: [String: String]?
            }
            var manifests: [Child]
        }
        let raw = try TestServer.run(
            "/usr/bin/skopeo",
            ["inspect", "--raw", "--tls-verify=false", "docker://\(world.anonymous.host)/corpus/attestation:latest"])
        let index = try JSONDecoder().decode(Index.self, from: raw)
        let image = try #require(index.manifests.first { $0.annotations?["vnd.docker.reference.type"] == nil }?.digest)
        let attestation = try #require(
            index.manifests.first { $0.annotations?["vnd.docker.reference.type"] != nil }?.digest)
        let pinned = "/corpus/attestation@\(image)"
        let (_, plain) = try scan(["--insecure-registry", world.anonymous.host, world.anonymous.host + pinned])
        #expect(plain.findings.isEmpty, "docker-registry 2.8 has no referrers API, and the index is not read")
        #expect(plain.coverage.complete)

        let proxy = try TestServer.proxy(
            upstream: "http://\(world.anonymous.host)", arguments: ["--referrers", "\(image)=\(attestation)"],
            log: folder.path("log"), in: folder)
        let (output, report) = try scan(["--insecure-registry", proxy.host, proxy.host + pinned])
        #expect(output.status == 1, "\(output.stderr)")
        #expect(try Corpus.observed(report, spec: spec) == Set(spec.expect))
    }

    @Test func forbiddenAndRedirectLoopsAreClearErrors() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let forbidden = try TestServer.proxy(
            upstream: "http://\(world.anonymous.host)", arguments: ["--forbid"], log: folder.path("a"), in: folder)
        let (denied, deniedReport) = try scan([
            "--insecure-registry", forbidden.host, "\(forbidden.host)/corpus/sample-app:latest",
        ])
        #expect(denied.status == 2)
        let message = try #require(deniedReport.coverage.failedTargets.first?.message)
        #expect(
            message.contains("corpus/sample-app: access denied (403)") && message.contains("pull access"), "\(message)")

        let loop = try TestServer.proxy(
            upstream: "http://\(world.anonymous.host)", arguments: ["--redirect-blobs", "self"], log: folder.path("b"),
            in: folder)
        let (looped, loopedReport) = try scan([
            "--insecure-registry", loop.host, "\(loop.host)/corpus/sample-app:latest",
        ])
        #expect(looped.status != 0)
        #expect(!loopedReport.coverage.complete)
        let diagnostics =
            (loopedReport.coverage.diagnostics.map(\.message) + loopedReport.coverage.failedTargets.map(\.message))
            .joined(separator: "\n")
        #expect(diagnostics.contains("more than 5 redirects"), "\(diagnostics)")
    }

    @Test func busyRegistryIsRetriedWithBackoff() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let log = folder.path("log")
        let proxy = try TestServer.proxy(
            upstream: "http://\(world.anonymous.host)", arguments: ["--fail-first", "3"], log: log, in: folder)
        let (output, report) = try scan(["--insecure-registry", proxy.host, "\(proxy.host)/corpus/sample-app:latest"])
        #expect(output.status == 1, "\(output.stderr)")
        #expect(report.coverage.complete)
        #expect(
            try Self.requests(log).filter { $0.path.hasSuffix("manifests/latest") }.count == 4,
            "three refusals, then the manifest")

        let hopeless = try TestServer.proxy(
            upstream: "http://\(world.anonymous.host)", arguments: ["--fail-first", "100"], log: log, in: folder)
        let (gaveUp, gaveUpReport) = try scan([
            "--insecure-registry", hopeless.host, "\(hopeless.host)/corpus/sample-app:latest",
        ])
        #expect(gaveUp.status == 2)
        #expect(
            gaveUpReport.coverage.failedTargets.first?.message.contains("after 4 attempts") == true,
            "\(gaveUpReport.coverage.failedTargets)")
    }

    @Test func allTagsSharesLayersAndTheCacheSkipsDownloads() throws {
        let world = try Self.world()
        let folder = try TemporaryDirectory()
        let log = folder.path("log")
        let proxy = try TestServer.proxy(upstream: "http://\(world.anonymous.host)", log: log, in: folder)
        let arguments = [
            "scan", "--format", "json", "--cache-dir", folder.path("cache").path, "--insecure-registry", proxy.host,
            "--all-tags", "\(proxy.host)/audit/app",
        ]
        let output = try CLIRunner.run(arguments, environment: ["DOCKER_CONFIG": "/nonexistent"])
        let report = try ReportFile.decode(output.stdout)
        #expect(Set(report.images.map(\.name)) == ["\(proxy.host)/audit/app:v1", "\(proxy.host)/audit/app:v2"])
        #expect(report.findings.count == 5)
        let layerDigests = Set(try #require(report.images.first?.layers).compactMap(\.digest))
        let layerGets = try Self.requests(log).map(\.path).filter { path in layerDigests.contains { path.hasSuffix($0) }
        }
        #expect(layerGets.count == layerDigests.count, "each layer should be fetched exactly once: \(layerGets)")
        #expect(try Self.requests(log).contains { $0.path.contains("/tags/list") })

        try Data().write(to: log)
        let again = try CLIRunner.run(arguments, environment: ["DOCKER_CONFIG": "/nonexistent"])
        #expect(try ReportFile.decode(again.stdout).findings.count == 5)
        let refetched = try Self.requests(log).map(\.path).filter { path in layerDigests.contains { path.hasSuffix($0) }
        }
        #expect(refetched.isEmpty, "the cache should spare every layer download: \(refetched)")
    }

    struct LoggedRequest: Decodable {
        var path: String
        var authorization: Bool
        var cookie: Bool
    }

    static func requests(_ log: URL) throws -> [LoggedRequest] {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONDecoder().decode(LoggedRequest.self, from: Data($0.utf8)) }
    }
}
