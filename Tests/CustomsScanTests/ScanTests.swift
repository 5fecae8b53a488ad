import CustomsCache
import CustomsCore
import CustomsModel
import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

/// The scan as a library: targets are classified into sources, and the layer cache's records,
/// which hold no clear secrets, never change what the finding policy decides.
@Suite struct ScanTests {
    static func writeSample(
        in directory: TemporaryDirectory, layout: ImageFixture.Layout = .ociTar,
        compression: Compression = .gzip
    ) throws -> URL {
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let image = directory.path(layout.fileName("sample"))
        try ImageFixture.write(spec, layout: layout, compression: compression, to: image)
        return image
    }

    @Test func aRegexAllowRuleStillAppliesWhenEveryLayerIsCached() throws {
        let directory = try TemporaryDirectory()
        let image = try Self.writeSample(in: directory)
        var options = ScanOptions()
        options.cache = .directory(directory.path("cache"), key: .testing)
        let warm = try Scan(options: options).run([image.path])
        #expect(warm.layersFromCache == 0 && !warm.findings.isEmpty)
        #expect(try Scan(options: options).run([image.path]).layersFromCache == 4, "the cache is warm")

        // Allow every secret by its text: records restored from the cache have none to test, so
        // such a policy must read the layers again rather than let the findings through.
        options.policy.allow = [try AllowRule(name: "all", rule: nil, path: nil, secretPattern: ".", fingerprint: nil)]
        let allowed = try Scan(options: options).run([image.path])
        #expect(allowed.layersFromCache == 0)
        #expect(allowed.findings.count == 0, "every finding is suppressed by the regex allow rule")
        #expect(allowed.policyOutcome.suppressed["all"] ?? 0 > 0)
    }

    @Test func streamingAndSeekableReadsOfOneFileAgree() throws {
        let directory = try TemporaryDirectory()
        let image = try Self.writeSample(in: directory, layout: .dockerSaveLegacy, compression: .none)
        var sequential = ScanOptions()
        sequential.concurrency = 1
        var parallel = ScanOptions()
        parallel.concurrency = 4
        let streamed = try Scan(options: sequential).run([image.path])
        let seeked = try Scan(options: parallel).run([image.path])
        #expect(
            streamed.findings.map(\.fingerprint) == seeked.findings.map(\.fingerprint) && !streamed.findings.isEmpty)
        #expect(streamed.images.map { $0.layers.map(\.digest) } == seeked.images.map { $0.layers.map(\.digest) })
    }
}
