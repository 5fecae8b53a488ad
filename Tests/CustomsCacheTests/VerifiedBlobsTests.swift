import CustomsCore
import CustomsModel
import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

@testable import CustomsCache

/// A rescan of an unchanged local image serves its cached layers without reading the blobs
/// again; a file written since (even with the same bytes), changed while read, or written too
/// recently to trust its time stamps is hashed again.
@Suite struct VerifiedBlobsTests {
    struct Run {
        var bytesRead: Int64
        var fromCache: Int
        var findings: [String]
    }

    static func scan(_ image: URL, cache: URL) throws -> Run {
        var options = ScanOptions()
        options.cache = .directory(cache, key: .testing)
        options.concurrency = 2
        let progress = ScanProgress()
        options.progress = progress
        let result = try Scan(options: options).run([image.path])
        #expect(result.isComplete)
        return Run(
            bytesRead: progress.snapshot().bytesRead, fromCache: result.layersFromCache,
            findings: result.findings.map(\.fingerprint).sorted())
    }

    @Test(arguments: [ImageFixture.Layout.ociDirectory, .ociTar, .dockerSaveLegacy])
    func unchangedFileIsNotReadAgain(_ layout: ImageFixture.Layout) throws {
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let directory = try TemporaryDirectory()
        let image = directory.path(layout.fileName("sample"))
        let compression: Compression = layout == .dockerSaveLegacy ? .none : .gzip
        try ImageFixture.write(spec, layout: layout, compression: compression, to: image)
        let cache = directory.path("cache")
        Thread.sleep(forTimeInterval: 1.1)  // past the settle time: the walk may remember the blobs
        let cold = try Self.scan(image, cache: cache)
        let known = try Self.scan(image, cache: cache)
        #expect(cold.fromCache == 0 && known.fromCache == 4)
        #expect(known.bytesRead < cold.bytesRead, "the unchanged file's blobs are not read again")
        #expect(known.findings == cold.findings && !cold.findings.isEmpty)

        // The same bytes written again: a new file as far as the cache knows, so hashed again.
        try ImageFixture.write(spec, layout: layout, compression: compression, to: image)
        try Self.setModificationTimeApart(image)
        let rewritten = try Self.scan(image, cache: cache)
        #expect(
            rewritten.bytesRead == cold.bytesRead && rewritten.fromCache == 4,
            "\(rewritten.bytesRead) vs \(cold.bytesRead), \(rewritten.fromCache) cached")
        #expect(rewritten.findings == cold.findings)
    }

    /// Sets the modification time of `url` (every file under it, for a directory) an hour back, so a
    /// rewrite is told apart by its time stamps however coarse the file system's clock.
    static func setModificationTimeApart(_ url: URL) throws {
        let past = Date(timeIntervalSinceNow: -3600)
        let files =
            FileManager.default.enumerator(atPath: url.path).map { enumerator in
                enumerator.compactMap { $0 as? String }.map { url.appendingPathComponent($0).path }
            } ?? [url.path]
        for file in files + [url.path] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: file)
        }
    }

    /// A one-blob file in `directory`, the markers beside it, and the blob's digest.
    static func blobFile(in directory: TemporaryDirectory, settleTime: TimeInterval) throws -> (
        URL, VerifiedBlobs, Digest
    ) {
        let file = directory.path("blob")
        try Data("layer bytes".utf8).write(to: file)
        return (
            file, VerifiedBlobs(directory: directory.path("verified"), key: .testing, settleTime: settleTime),
            Digest.of(Data("layer bytes".utf8))
        )
    }

    @Test func aFileChangedRecentlyIsNotRemembered() throws {
        let directory = try TemporaryDirectory()
        let (file, blobs, digest) = try Self.blobFile(in: directory, settleTime: 60)
        let sighting = try #require(blobs.sight(.init(path: file.path, offset: 0)))
        blobs.insert(sighting, digest)
        #expect(
            !blobs.contains(sighting, digest),
            "written a moment ago: a same-tick write could hide behind equal time stamps")
    }

    @Test func aFileChangedWhileReadIsNotRemembered() throws {
        let directory = try TemporaryDirectory()
        let (file, blobs, digest) = try Self.blobFile(in: directory, settleTime: 0)
        let location = VerifiedBlobs.Location(path: file.path, offset: 0)

        let before = try #require(blobs.sight(location))
        // Same length, same inode: only the time stamps tell the versions apart. Set the
        // modification time apart explicitly, so the test does not depend on the clock's tick.
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: Data("other bytes".utf8))
        try handle.close()
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: file.path)
        blobs.insert(before, digest)
        #expect(!blobs.contains(try #require(blobs.sight(location)), digest))

        let now = try #require(blobs.sight(location))
        blobs.insert(now, digest)
        #expect(blobs.contains(try #require(blobs.sight(location)), digest))
        #expect(
            !blobs.contains(try #require(blobs.sight(.init(path: file.path, offset: 512))), digest),
            "another offset is another blob")
        #expect(blobs.sight(.init(path: directory.path("missing").path, offset: 0)) == nil)
    }

    @Test func storedPrefilterIsCheckedBeforeUse() throws {
        let directory = try TemporaryDirectory()
        let store = PrefilterFiles(directory: directory.path("prefilter"), key: .testing)
        store.save(Data("database bytes".utf8), as: "key")
        #expect(store.load("key") == Data("database bytes".utf8))
        #expect(store.load("other key") == nil)
        let planter = PrefilterFiles(directory: directory.path("prefilter"), key: CacheKey("neighbour", shared: false))
        #expect(planter.load("key") == nil, "a database sealed with another key is not loaded")
        planter.save(Data("planted".utf8), as: "key")
        #expect(store.load("key") == nil, "a database planted with another key is not loaded")
        store.save(Data("database bytes".utf8), as: "key")
        let file = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory.path("prefilter").path).first)
        let url = directory.path("prefilter").appendingPathComponent(file)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: url)
        #expect(store.load("key") == nil, "a damaged file is not handed to Vectorscan")
    }
}
