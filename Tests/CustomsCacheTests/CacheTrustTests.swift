import CustomsCache
import CustomsCore
import CustomsModel
import CustomsScan
import CustomsTestSupport
import CustomsWalker
import Foundation
import Synchronization
import Testing

/// No image can blind the scanner through the cache: a config that pairs a layer holding a
/// secret with the diffID of a clean layer already cached gets the secret reported, not the
/// clean result.
@Suite struct CacheTrustTests {
    static func spec(_ content: String) throws -> ImageSpec {
        try ImageSpec.parse(
            """
            name: lying-config
            secrets: {key: stripe-live}
            image:
              layers:
                - created_by: "COPY app /app"
                  entries:
                    - {path: app/settings.env, content: "\(content)\\n"}
            expect: []
            """)
    }

    /// Rewrites the OCI directory's config so its first diffID is `diffID`, and re-hashes the
    /// config, manifest and index that name it (the lie is consistent; only the layer's own bytes
    /// disagree).
    static func pair(_ layout: URL, withDiffID diffID: Digest) throws {
        func blob(_ digest: String) -> URL {
            layout.appendingPathComponent("blobs/sha256").appendingPathComponent(String(digest.dropFirst(7)))
        }
        func write(_ object: Any) throws -> (digest: String, size: Int) {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            let digest = Digest.of(data)
            try data.write(to: blob(digest.description))
            return (digest.description, data.count)
        }
        let indexFile = layout.appendingPathComponent("index.json")
        var index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: indexFile)) as? [String: Any])
        var entries = try #require(index["manifests"] as? [[String: Any]])
        let manifestDigest = try #require(entries[0]["digest"] as? String)
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: blob(manifestDigest))) as? [String: Any])
        var configDescriptor = try #require(manifest["config"] as? [String: Any])
        let configDigest = try #require(configDescriptor["digest"] as? String)
        var config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: blob(configDigest))) as? [String: Any])
        var rootfs = try #require(config["rootfs"] as? [String: Any])
        rootfs["diff_ids"] = [diffID.description]
        config["rootfs"] = rootfs
        let newConfig = try write(config)
        configDescriptor["digest"] = newConfig.digest
        configDescriptor["size"] = newConfig.size
        manifest["config"] = configDescriptor
        let newManifest = try write(manifest)
        entries[0]["digest"] = newManifest.digest
        entries[0]["size"] = newManifest.size
        index["manifests"] = entries
        try JSONSerialization.data(withJSONObject: index).write(to: indexFile)
    }

    @Test(arguments: [Compression.gzip, .zstd, .none])
    func aConfigThatLiesAboutADiffIDIsNotServedTheCleanResult(_ compression: Compression) throws {
        let directory = try TemporaryDirectory()
        let clean = directory.path("clean"), leaky = directory.path("leaky")
        try ImageFixture.write(
            try Self.spec("MODE=production"), layout: .ociDirectory, compression: compression, to: clean)
        try ImageFixture.write(
            try Self.spec("STRIPE_KEY={{key}}"), layout: .ociDirectory, compression: compression, to: leaky)
        var options = ScanOptions()
        options.cache = .directory(directory.path("cache"), key: .testing)
        let cleanResult = try Scan(options: options).run([clean.path])
        #expect(cleanResult.findings.isEmpty && cleanResult.isComplete)
        let cleanDiffID = try #require(cleanResult.images.first?.layers.first?.diffID)

        try Self.pair(leaky, withDiffID: cleanDiffID)
        for run in 1...2 {
            let result = try Scan(options: options).run([leaky.path])
            #expect(result.findings.map(\.rule.id.rawValue) == ["stripe.secret-key"], "run \(run)")
            #expect(result.diagnostics.contains { $0.code == .diffIDMismatch }, "run \(run)")
            #expect(result.exitCode(failOn: .low) == ExitStatus.findings, "run \(run)")
        }
    }

    /// A file store that remembers the keys it was given, so a test can plant under them.
    final class KeyRecorder: LayerStore {
        let files: FileLayerStore
        let keys = Mutex<Set<LayerKey>>([])
        init(_ files: FileLayerStore) { self.files = files }
        func layers(_ keys: [LayerKey]) -> [LayerKey: CachedLayer] { files.layers(keys) }
        func put(_ layer: CachedLayer, for key: LayerKey) {
            keys.withLock { _ = $0.insert(key) }
            files.put(layer, for: key)
        }
        func blobs(_ digests: [Digest]) -> [Digest: BlobFacts] { files.blobs(digests) }
        func put(_ facts: BlobFacts, for digest: Digest) { files.put(facts, for: digest) }
        func claim(_ key: LayerKey) -> Bool { files.claim(key) }
        func release(_ key: LayerKey) { files.release(key) }
    }

    @Test func aCleanRecordPlantedWithoutTheKeyIsNotServed() throws {
        let directory = try TemporaryDirectory()
        let leaky = directory.path("leaky"), folder = directory.path("cache")
        try ImageFixture.write(
            try Self.spec("STRIPE_KEY={{key}}"), layout: .ociDirectory, compression: .gzip, to: leaky)
        let recorder = KeyRecorder(FileLayerStore(directory: folder, key: .testing))
        var options = ScanOptions()
        options.cache = CacheSettings(store: recorder, localDirectory: folder, key: .testing)
        let first = try Scan(options: options).run([leaky.path])
        #expect(first.findings.count == 1)
        let layer = try #require(first.images.first?.layers.first)
        let key = try #require(recorder.keys.withLock { $0.first })
        let digest = try #require(layer.digest)

        // A neighbour who can write to the folder, but lacks the key, overwrites the entry with a
        // clean record (and the blob's pairing) under the very same names.
        var clean = LayerRecord()
        clean.digest = digest
        clean.diffID = key.diffID
        clean.compression = .gzip
        let planter = FileLayerStore(directory: folder, key: CacheKey("planter", shared: false))
        planter.put(try #require(CachedLayer(clean, key: .default)), for: key)
        planter.put(BlobFacts(diffID: key.diffID, compression: .gzip, size: layer.compressedSize), for: digest)
        #expect(planter.layer(key) != nil, "the planted entry is in place")
        let second = try Scan(options: options).run([leaky.path])
        #expect(second.findings.map(\.rule.id.rawValue) == ["stripe.secret-key"])
        #expect(second.images.first?.layers.first?.fromCache == false)
    }
}
