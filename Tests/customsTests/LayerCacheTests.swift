import CustomsCore
import CustomsTestSupport
import Foundation
import Synchronization
import Testing

/// The layer cache through the CLI: a warm rescan reports exactly what the cold scan did, from
/// hashed (not scanned) layers; tampered bytes are never served from the cache; entries hold no
/// secrets; concurrent runs share it safely; --no-cache and --show-secrets bypass it.
@Suite(.tags(.process)) struct LayerCacheTests {
    static func fingerprints(_ report: ReportFile) -> [String] {
        report.findings.flatMap { finding in
            finding.locations.map {
                "\(finding.fingerprint) \($0.layer?.index ?? -1) \($0.path ?? $0.field ?? "") \($0.status?.kind ?? "")"
            }
        }.sorted()
    }

    static func cachedLayers(_ data: Data) throws -> Int {
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return ((object?["summary"] as? [String: Any])?["layersFromCache"] as? Int) ?? -1
    }

    @Test(arguments: [ImageFixture.Layout.ociDirectory, .ociTar, .dockerSaveLegacy])
    func warmRescanMatchesColdAndHoldsNoSecrets(_ layout: ImageFixture.Layout) throws {
        let directory = try TemporaryDirectory()
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let image = directory.path(layout.fileName("sample"))
        try ImageFixture.write(spec, layout: layout, compression: .gzip, to: image)
        let cache = directory.path("cache").path
        let cold = try CLIRunner.run(["scan", "--format", "json", "--cache-dir", cache, image.path])
        let warm = try CLIRunner.run(["scan", "--format", "json", "--cache-dir", cache, image.path])
        #expect(try Self.cachedLayers(cold.stdout) == 0)
        #expect(try Self.cachedLayers(warm.stdout) == 4, "every layer served from the cache on the second run")
        #expect(
            Self.fingerprints(try ReportFile.decode(cold.stdout))
                == Self.fingerprints(try ReportFile.decode(warm.stdout)))
        #expect(cold.status == 1 && warm.status == 1)
        let secrets = try spec.secretValues().values
        let files = FileManager.default.enumerator(atPath: cache)?.compactMap { $0 as? String } ?? []
        #expect(files.contains { $0.hasSuffix(".layer") })
        for file in files where file.hasSuffix(".layer") || file.hasSuffix(".json") {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: cache + "/" + file)), as: UTF8.self)
            let leaked = secrets.contains { text.contains($0) }
            #expect(!leaked, "the cache holds a secret")
        }
        let shown = try CLIRunner.run(["scan", "--format", "json", "--show-secrets", "--cache-dir", cache, image.path])
        let report = try ReportFile.decode(shown.stdout)
        let allShown = report.findings.allSatisfy { secrets.contains($0.secret) }
        let shownFromCache = try Self.cachedLayers(shown.stdout)
        #expect(allShown && shownFromCache == 0, "--show-secrets reads every layer")
        let bypass = try CLIRunner.run(["scan", "--format", "json", "--no-cache", image.path])
        #expect(try Self.cachedLayers(bypass.stdout) == 0)
    }

    @Test func tamperedBlobIsNeverServedFromTheCache() throws {
        let directory = try TemporaryDirectory()
        let spec = try #require(try Corpus.cases().first { $0.name == "whiteout-deleted" })
        var files = try ImageFixture.files(spec, layout: .ociDirectory, compression: .none)
        let root = directory.path("layout")
        try files.writeDirectory(root)
        let cache = directory.path("cache").path
        _ = try CLIRunner.run(["scan", "--cache-dir", cache, root.path])
        // Same path and declared digest, different bytes: a clean first layer.
        let path = files.layerBlobPaths[0]
        var blob = files.data(path)!
        let marker = Array("GITHUB_TOKEN=".utf8)
        let start = try #require(blob.firstRange(of: marker)).lowerBound
        blob.replaceSubrange(start..<(start + marker.count), with: Array("GITHUB_TOKEX=".utf8))
        files.add(path, blob)
        try files.writeDirectory(root)
        let output = try CLIRunner.run(["scan", "--format", "json", "--cache-dir", cache, root.path])
        let report = try ReportFile.decode(output.stdout)
        #expect(report.coverage.diagnostics.contains { $0.code == "digest-mismatch" })
        #expect(try Self.cachedLayers(output.stdout) == 1, "only the untouched layer comes from the cache")
    }

    @Test(arguments: [(ImageFixture.Layout.dockerSave25, Compression.none), (.ociTar, .zstd)])
    func standardInputRescanHashesBlobsItKnows(_ layout: ImageFixture.Layout, _ compression: Compression) throws {
        let directory = try TemporaryDirectory()
        let spec = try #require(try Corpus.cases().first { $0.name == "whiteout-deleted" })
        var files = try ImageFixture.files(spec, layout: layout, compression: compression)
        let image = directory.path("image.tar")
        try files.writeTar(image, compression: .none)
        let cache = directory.path("cache").path
        let arguments = ["scan", "--format", "json", "--cache-dir", cache, "-"]
        let cold = try CLIRunner.run(arguments, stdin: image)
        let warm = try CLIRunner.run(arguments, stdin: image)
        #expect(try Self.cachedLayers(cold.stdout) == 0)
        #expect(try Self.cachedLayers(warm.stdout) == 2, "both layers are named by digest and known")
        #expect(
            Self.fingerprints(try ReportFile.decode(cold.stdout))
                == Self.fingerprints(try ReportFile.decode(warm.stdout)))
        #expect(cold.status == 1 && warm.status == 1)

        // The first layer's bytes changed under the same name: consumed unscanned, so never clean.
        let path = files.layerBlobPaths[0]
        var blob = try #require(files.data(path))
        if compression == .none {
            let marker = Array("GITHUB_TOKEN=".utf8)
            let start = try #require(blob.firstRange(of: marker)).lowerBound
            blob.replaceSubrange(start..<(start + marker.count), with: Array("GITHUB_TOKEX=".utf8))
        } else {
            blob.append(0)
        }
        files.add(path, blob)
        try files.writeTar(image, compression: .none)
        let tampered = try CLIRunner.run(arguments, stdin: image)
        let report = try ReportFile.decode(tampered.stdout)
        #expect(report.coverage.diagnostics.contains { $0.code == "digest-mismatch" && $0.incomplete })
        #expect(!report.coverage.complete && tampered.status != 0)
        #expect(try Self.cachedLayers(tampered.stdout) == 1, "only the untouched layer comes from the cache")
    }

    @Test func concurrentRunsShareTheCache() throws {
        let directory = try TemporaryDirectory()
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let image = directory.path("sample.tar")
        try ImageFixture.write(spec, layout: .ociTar, compression: .zstd, to: image)
        let cache = directory.path("cache").path
        let outputs = ParallelRuns.run(4) { _ in
            try? CLIRunner.run(["scan", "--format", "json", "--cache-dir", cache, image.path])
        }
        for output in outputs {
            let report = try ReportFile.decode(try #require(output).stdout)
            #expect(report.findings.count == 5 && report.coverage.complete)
        }
    }
}

/// Runs closures on several threads at once and collects their results in order.
enum ParallelRuns {
    static func run<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let results = Mutex([T?](repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: count) { index in
            let value = body(index)
            results.withLock { $0[index] = value }
        }
        return results.withLock { $0.map { $0! } }
    }
}

/// A cache folder someone else can write to is not used: the scan warns and reads every layer.
@Suite(.tags(.process)) struct SharedCacheFolderTests {
    @Test func aWorldWritableCacheIsRefusedWithAWarning() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let cache = directory.path("cache")
        let warm = try CLIRunner.run(["scan", "--format", "json", "--cache-dir", cache.path, image.path])
        #expect(warm.status == 1)
        #expect(chmod(cache.path, 0o777) == 0)
        let shared = try CLIRunner.run(["scan", "--format", "json", "--cache-dir", cache.path, image.path])
        #expect(shared.status == 1)
        #expect(shared.stderr.contains("not using the layer cache") && shared.stderr.contains("writable by group"))
        let report = try ReportFile.decode(shared.stdout)
        #expect(report.images.allSatisfy { $0.layers.allSatisfy { $0.cached == false } })
        #expect(report.findings.count == 5)
    }

    @Test func aSharedKeyMakesAGroupWritableCacheUsableAndOnlyItsHoldersReadIt() throws {
        let directory = try TemporaryDirectory()
        let (image, _) = try CLITests.sample(in: directory)
        let cache = directory.path("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        #expect(chmod(cache.path, 0o2775) == 0)
        func scan(key: String) throws -> (CLIRunner.Output, ReportFile) {
            var environment = ProcessInfo.processInfo.environment
            environment["CUSTOMS_CACHE_KEY"] = key
            let run = try CLIRunner.run(
                ["scan", "--format", "json", "--cache-dir", cache.path, image.path], environment: environment)
            return (run, try ReportFile.decode(run.stdout))
        }
        let (cold, _) = try scan(key: "team key one")
        #expect(cold.status == 1 && !cold.stderr.contains("not using the layer cache"))
        let (warm, warmReport) = try scan(key: "team key one")
        #expect(warm.status == 1)
        #expect(warmReport.images.allSatisfy { $0.layers.allSatisfy { $0.cached == true } })
        #expect(warmReport.findings.count == 5)
        let (_, outsider) = try scan(key: "another key")
        #expect(outsider.images.allSatisfy { $0.layers.allSatisfy { $0.cached == false } })
        #expect(outsider.findings.count == 5)
    }
}
