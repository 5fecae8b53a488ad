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
        options.cache = cache.map { .directory($0) }
        options.concurrency = 2
        return try Scan(options: options).run([image.path])
    }

    @Test(arguments: [
        (ImageFixture.Layout.ociTar, Compression.gzip, ImageFixture.Layout.ociTar, Compression.zstd),
        (.ociTar, .gzip, .dockerSaveLegacy, .none),
        (.dockerSaveLegacy, .none, .ociDirectory, .zstd),
    ])
    func sameLayerInAnotherCompressionComesFromTheCache(
        _ first: ImageFixture.Layout, _ firstCompression: Compression,
        _ second: ImageFixture.Layout, _ secondCompression: Compression
    ) throws {
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let directory = try TemporaryDirectory()
        let cache = directory.path("cache")
        let one = directory.path(first.fileName("one"))
        let two = directory.path(second.fileName("two"))
        try ImageFixture.write(spec, layout: first, compression: firstCompression, to: one)
        try ImageFixture.write(spec, layout: second, compression: secondCompression, to: two)
        let seeded = try Self.scan(one, cache: cache)
        #expect(seeded.layersFromCache == 0)
        let shared = try Self.scan(two, cache: cache)
        let alone = try Self.scan(two, cache: nil)
        #expect(shared.layersFromCache == 4 && alone.layersFromCache == 0)
        #expect(Self.layers(shared) == Self.layers(alone), "digests, compression and sizes are the second blob's")
        #expect(Self.findings(shared) == Self.findings(alone) && !Self.findings(alone).isEmpty)
        #expect(shared.isComplete)
    }
}
