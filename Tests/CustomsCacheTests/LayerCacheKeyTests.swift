import CustomsCache
import CustomsCore
import CustomsModel
import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

/// The layer cache is keyed by diffID: results cached from a layer in one compression serve the
/// same layer in another (a registry's gzip blob, a docker save's plain tar), reported exactly as
/// a scan of that blob would report it.
@Suite struct LayerCacheKeyTests {
    static func layers(_ result: ScanResult) -> [String] {
        result.images.flatMap { image in
            image.layers.map { layer in
                [
                    "\(layer.index)", layer.digest?.description ?? "-", layer.diffID?.description ?? "-",
                    layer.compression.map { "\($0)" } ?? "-", "\(layer.compressedSize)", "\(layer.uncompressedSize)",
                    "\(layer.fileCount)", "\(layer.complete)",
                ].joined(separator: " ")
            }
        }
    }

    static func findings(_ result: ScanResult) -> [String] {
        result.findings.flatMap { finding in
            finding.locations.map { location -> String in
                guard case .file(let file) = location.place else { return "\(finding.fingerprint) metadata" }
                return "\(finding.fingerprint) \(file.layerIndex) \(file.path.value) \(file.visibility.kind)"
            }
        }.sorted()
    }

    static func scan(_ image: URL, cache: URL?) throws -> ScanResult {
        var options = ScanOptions()
        options.cache = cache.map { .directory($0, key: .testing) }
        options.concurrency = 2
        return try Scan(options: options).run([image.path])
    }

    /// Two images of one spec written in two layouts, and a cache folder, kept while in use.
    struct Pair {
        let directory: TemporaryDirectory
        let one: URL
        let two: URL
        var cache: URL { directory.path("cache") }

        init(
            _ first: ImageFixture.Layout, _ firstCompression: Compression, _ second: ImageFixture.Layout,
            _ secondCompression: Compression, spec name: String = "sample-app"
        ) throws {
            let spec = try #require(try Corpus.cases().first { $0.name == name })
            directory = try TemporaryDirectory()
            one = directory.path(first.fileName("one"))
            two = directory.path(second.fileName("two"))
            try ImageFixture.write(spec, layout: first, compression: firstCompression, to: one)
            try ImageFixture.write(spec, layout: second, compression: secondCompression, to: two)
        }
    }

    /// A plain tar is its own diffID, so hashing it proves which stored result it has: the docker
    /// save of an image first scanned from a registry's gzip blobs is served from the cache.
    @Test(arguments: [
        (ImageFixture.Layout.ociTar, Compression.gzip, ImageFixture.Layout.dockerSaveLegacy, Compression.none),
        (.ociDirectory, .zstd, .ociTar, .none),
    ])
    func anUncompressedLayerComesFromTheCacheOfAnotherCompression(
        _ first: ImageFixture.Layout, _ firstCompression: Compression,
        _ second: ImageFixture.Layout, _ secondCompression: Compression
    ) throws {
        let pair = try Pair(first, firstCompression, second, secondCompression)
        #expect(try Self.scan(pair.one, cache: pair.cache).layersFromCache == 0)
        let shared = try Self.scan(pair.two, cache: pair.cache)
        let alone = try Self.scan(pair.two, cache: nil)
        #expect(shared.layersFromCache == 4 && alone.layersFromCache == 0)
        #expect(Self.layers(shared) == Self.layers(alone), "digests, compression and sizes are the second blob's")
        #expect(Self.findings(shared) == Self.findings(alone) && !Self.findings(alone).isEmpty)
        #expect(shared.isComplete)
    }

    /// A compressed blob never walked has no proven diffID (the config's pairing could lie), so
    /// it is walked once; after that its own walk's pairing serves it.
    @Test func aCompressedLayerIsWalkedOnceBeforeItsResultsAreTrusted() throws {
        let pair = try Pair(.ociTar, .gzip, .ociTar, .zstd)
        #expect(try Self.scan(pair.one, cache: pair.cache).layersFromCache == 0)
        let first = try Self.scan(pair.two, cache: pair.cache)
        let again = try Self.scan(pair.two, cache: pair.cache)
        #expect(first.layersFromCache == 0 && again.layersFromCache == 4)
        #expect(Self.findings(again) == Self.findings(first) && !Self.findings(first).isEmpty)
    }
}
