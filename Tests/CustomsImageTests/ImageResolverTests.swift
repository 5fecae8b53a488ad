import CustomsCore
import CustomsImage
import Foundation
import Testing

/// Resolution of layouts held in memory, and the path and digest checks at the edge.
@Suite struct ImageResolverTests {
    struct MemoryLayout: ImageDocuments {
        var files: [String: Data]
        func document(_ path: String) throws -> Data? { files[path] }
        func contains(_ path: String) -> Bool { files[path] != nil }
    }

    @Test(arguments: [
        "sha256:" + String(repeating: "A", count: 64), "sha256:../x", "md5:abc",
        "sha256:" + String(repeating: "a", count: 63), "sha256:",
    ])
    func malformedDigestsAreRejected(_ text: String) {
        #expect(Digest(parsing: text) == nil)
    }

    @Test(arguments: ["../x", "/etc/passwd", "a/../../b", "a\\b", ""])
    func unsafePathsAreRejected(_ path: String) {
        #expect(throws: ImageError.self) { try LayoutPath.safe(path, in: "manifest.json") }
    }

    @Test func dotSlashIsNormalised() throws {
        #expect(try LayoutPath.safe("./abc/layer.tar", in: "m") == "abc/layer.tar")
    }

    @Test func neitherIndexNorManifestIsNotAnImage() {
        #expect(throws: ImageError.self) {
            try ImageResolver.resolve(MemoryLayout(files: [:]), name: "x", platform: nil)
        }
    }

    /// A registry serves every document an index names, one request each: an index that leads to
    /// more than a thousand manifests is refused rather than fetched.
    @Test func anIndexOfTooManyManifestsIsRefused() throws {
        let entries = (0..<1_001).map { number -> String in
            let digest = Digest.of(Data(String(number).utf8))
            return #"{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(digest)","size":2}"#
        }
        let index = Data(#"{"schemaVersion":2,"manifests":[\#(entries.joined(separator: ","))]}"#.utf8)
        #expect {
            try ImageResolver.resolve(MemoryLayout(files: ["index.json": index]), name: "x", platform: nil)
        } throws: { error in
            "\(error)".contains("more than 1000 manifests")
        }
        let small = Data(#"{"schemaVersion":2,"manifests":[\#(entries.prefix(1_000).joined(separator: ","))]}"#.utf8)
        let (images, diagnostics) = try ImageResolver.resolve(
            MemoryLayout(files: ["index.json": small]), name: "x", platform: nil)
        #expect(images.isEmpty && diagnostics.count == 1_000, "each missing manifest is reported, none fetched twice")
    }

    @Test func legacyManifestResolvesLayersAndHistory() throws {
        let config = Data(
            #"{"os":"linux","architecture":"arm64","rootfs":{"diff_ids":["sha256:\#(String(repeating: "1", count: 64))"]},"history":[{"created_by":"ENV A=1","empty_layer":true},{"created_by":"COPY . /app # buildkit"}]}"#
                .utf8)
        let manifest = Data(#"[{"Config":"c.json","RepoTags":["app:1"],"Layers":["l1/layer.tar"]}]"#.utf8)
        let (images, diagnostics) = try ImageResolver.resolve(
            MemoryLayout(files: ["manifest.json": manifest, "c.json": config]),
            name: "t", platform: nil)
        #expect(diagnostics.isEmpty)
        let image = try #require(images.first)
        #expect(image.name == "app:1")
        #expect(image.platform == Platform(os: "linux", architecture: "arm64"))
        #expect(image.layers.map(\.blobPath) == ["l1/layer.tar"])
        #expect(image.layerInstructions == ["COPY . /app"])
        #expect(image.metadataFields.contains { $0.field == "history[1] created_by" })
    }
}
