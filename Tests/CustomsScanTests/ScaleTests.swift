import CustomsArchive
import CustomsCache
import CustomsCore
import CustomsModel
import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

/// Inputs that used to take quadratic time: one secret repeated on every line of a file, and
/// tens of thousands of hardlinks to a target that is not there. Both are linear now; the time
/// limits catch a relapse (before, the first did not finish in 30 s, the second took seconds).
@Suite(.timeLimit(.minutes(1))) struct ScaleTests {
    static func image(_ entries: [(String, ArchiveWriter.Content)], in directory: TemporaryDirectory) throws -> URL {
        let writer = try ArchiveWriter(compression: .none)
        for (name, content) in entries { try writer.add(name, content) }
        let layer = try writer.finish()
        let root = directory.path("image")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("blobs/sha256"), withIntermediateDirectories: true)
        func blob(_ data: Data) throws -> (String, Int) {
            let digest = Digest.of(data)
            try data.write(to: root.appendingPathComponent("blobs/sha256/\(digest.hex)"))
            return (digest.description, data.count)
        }
        let (layerDigest, layerSize) = try blob(layer)
        let (config, configSize) = try blob(
            Data(
                #"""
                {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(layerDigest)"]},
                 "history":[{"created_by":"COPY . /app"}]}
                """#.utf8))
        let (manifest, manifestSize) = try blob(
            Data(
                #"""
                {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(config)","size":\#(configSize)},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\#(layerDigest)","size":\#(layerSize)}]}
                """#.utf8))
        try Data(
            #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(manifest)","size":\#(manifestSize)}]}"#
                .utf8
        )
        .write(to: root.appendingPathComponent("index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: root.appendingPathComponent("oci-layout"))
        return root
    }

    @Test func oneSecretOnTwentyThousandLinesIsOneFindingWithACount() throws {
        let directory = try TemporaryDirectory()
        let token = try FakeSecrets.make("github-classic", seed: "scale")
        let text = String(repeating: "GITHUB_TOKEN=\(token)\n", count: 20_000)
        let image = try Self.image([("app/tokens.env", .file(Data(text.utf8)))], in: directory)
        var options = ScanOptions()
        options.cache = .directory(directory.path("cache"), key: .testing)
        for run in ["cold", "warm"] {
            let result = try Scan(options: options).run([image.path])
            #expect(result.findings.count == 1, "\(run)")
            #expect(result.findings.first?.locations.count == Finding.maxLocations, "\(run)")
            #expect(result.findings.first?.omittedLocations == 20_000 - Finding.maxLocations, "\(run)")
            #expect(result.layersFromCache == (run == "warm" ? 1 : 0))
        }
    }

    @Test func eightyThousandHardlinksToAMissingTarget() throws {
        let directory = try TemporaryDirectory()
        let links = (0..<80_000).map { ("app/link\($0)", ArchiveWriter.Content.hardlink(target: "app/missing")) }
        let image = try Self.image([("app/readme", .file(Data("hello\n".utf8)))] + links, in: directory)
        let result = try Scan(options: ScanOptions()).run([image.path])
        #expect(result.findings.isEmpty)
        #expect(result.images.first?.layers.first?.fileCount ?? 0 >= 1)
    }
}
