import CustomsCore
@testable import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

/// A rescan of an unchanged local image serves its cached layers without reading the blobs
/// again; a file written since (even with the same bytes), or written too recently to trust its
/// time stamps, is hashed again.
@Suite struct VerifiedBlobsTests {
    struct Run {
        var bytesRead: Int64
        var fromCache: Int
        var findings: [String]
    }

    static func scan(_ image: URL, cache: URL) throws -> Run {
        var options = ScanOptions()
        options.cacheDirectory = cache
        options.concurrency = 2
        let progress = ScanProgress()
        options.progress = progress
        let result = try Scan(options: options).run([image.path])
        #expect(result.isComplete)
        return Run(bytesRead: progress.snapshot().bytesRead, fromCache: result.layersFromCache,
                   findings: result.findings.map(\.fingerprint).sorted())
    }

    @Test(arguments: [ImageFixture.Layout.ociDirectory, .ociTar, .dockerSaveLegacy])
    func unchangedFileIsNotReadAgain(_ layout: ImageFixture.Layout) throws {
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let directory = try TemporaryDirectory()
        let image = directory.path(layout.fileName("sample"))
        try ImageFixture.write(spec, layout: layout, compression: layout == .dockerSaveLegacy ? .none : .gzip, to: image)
        let cache = directory.path("cache")
        let cold = try Self.scan(image, cache: cache)
        // Written less than a second ago: its time stamps are not trusted yet, the blobs are hashed.
        let young = try Self.scan(image, cache: cache)
        Thread.sleep(forTimeInterval: 1.1)
        let settled = try Self.scan(image, cache: cache)
        let known = try Self.scan(image, cache: cache)
        #expect(cold.fromCache == 0 && young.fromCache == 4 && settled.fromCache == 4 && known.fromCache == 4)
        #expect(young.bytesRead == settled.bytesRead, "a young file is hashed like any other")
        #expect(known.bytesRead < settled.bytesRead, "the settled, unchanged file's blobs are not read again")
        #expect(Set([cold.findings, young.findings, settled.findings, known.findings]).count == 1)
        #expect(!known.findings.isEmpty)

        // The same bytes written again: a new file as far as the cache knows.
        try ImageFixture.write(spec, layout: layout, compression: layout == .dockerSaveLegacy ? .none : .gzip, to: image)
        let rewritten = try Self.scan(image, cache: cache)
        #expect(rewritten.bytesRead == settled.bytesRead && rewritten.fromCache == 4)
    }

    @Test func aFileChangedWhileReadIsNotRemembered() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("blob")
        try Data("layer bytes".utf8).write(to: file)
        let blobs = VerifiedBlobs(directory: directory.path("verified"), settleTime: 0)
        let digest = Digest.of(Data("layer bytes".utf8))
        let location = VerifiedBlobs.Location(path: file.path, offset: 0)

        let before = try #require(blobs.sight(location))
        try Data("other bytes".utf8).write(to: file)
        blobs.insert(before, digest)
        #expect(!blobs.contains(try #require(blobs.sight(location)), digest))

        let now = try #require(blobs.sight(location))
        blobs.insert(now, digest)
        #expect(blobs.contains(try #require(blobs.sight(location)), digest))
        #expect(!blobs.contains(try #require(blobs.sight(.init(path: file.path, offset: 512))), digest), "another offset is another blob")
        #expect(blobs.sight(.init(path: directory.path("missing").path, offset: 0)) == nil)
    }

    @Test func storedPrefilterIsCheckedBeforeUse() throws {
        let directory = try TemporaryDirectory()
        let store = PrefilterFiles(directory: directory.path("prefilter"))
        store.save(Data("database bytes".utf8), as: "key")
        #expect(store.load("key") == Data("database bytes".utf8))
        #expect(store.load("other key") == nil)
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path("prefilter").path).first)
        let url = directory.path("prefilter").appendingPathComponent(file)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: url)
        #expect(store.load("key") == nil, "a damaged file is not handed to Vectorscan")
    }
}
