import CustomsArchive
import CustomsCore
import CustomsImage
import CustomsTestSupport
import Foundation
import Testing

/// What a typed target becomes: the source that knows how to read it.
@Suite struct ImageTargetsTests {
    static func kind(_ target: String, parallel: Bool = true) throws -> String {
        String(describing: type(of: try ImageTargets.source(for: target, remote: nil, parallel: parallel)))
    }

    @Test func eachTargetKindOpensItsSource() throws {
        let directory = try TemporaryDirectory()
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let plain = directory.path("plain.tar"), zipped = directory.path("zipped.tar.gz"),
            layout = directory.path("layout")
        try ImageFixture.write(spec, layout: .dockerSaveLegacy, compression: .none, to: plain)
        try ImageFixture.write(spec, layout: .dockerSaveLegacyGzip, compression: .none, to: zipped)
        try ImageFixture.write(spec, layout: .ociDirectory, compression: .gzip, to: layout)
        let root = directory.path("rootfs")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)

        #expect(try Self.kind("-") == "ArchiveStreamSource")
        #expect(try Self.kind(plain.path) == "SeekableArchiveSource")
        #expect(try Self.kind(plain.path, parallel: false) == "ArchiveStreamSource", "one core: one forward pass")
        #expect(try Self.kind(zipped.path) == "ArchiveStreamSource", "a compressed archive cannot be read by offsets")
        #expect(try Self.kind(layout.path) == "OCIDirectory")
        #expect(try Self.kind(root.path) == "RootFilesystemSource")
    }

    @Test func aMissingPathWithoutARemoteSourceSaysWhatToGive() throws {
        #expect {
            _ = try ImageTargets.source(for: "/nonexistent/app.tar", remote: nil, parallel: true)
        } throws: { error in
            let message = "\(error)"
            return message.contains("no such file") && message.contains("standard input")
                && !message.contains("image reference")
        }
    }
}

/// The platform an image's config declares is dropped, not printed, when it breaks the grammar.
@Suite struct HostilePlatformTests {
    @Test func aConfigWithEscapeCodesInItsPlatformHasNone() throws {
        let json = #"{"os":"linux\u001b[2J","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}}"#
        let config = try JSONDecoder().decode(ImageConfig.self, from: Data(json.utf8))
        #expect(config.platform == nil)
        let fine = #"{"os":"linux","architecture":"amd64","rootfs":{"type":"layers","diff_ids":[]}}"#
        #expect(
            try JSONDecoder().decode(ImageConfig.self, from: Data(fine.utf8)).platform?.description == "linux/amd64")
    }
}
