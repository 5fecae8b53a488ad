import CustomsArchive
import CustomsCore
import CustomsScan
import CustomsTestSupport
import Foundation
import Testing

/// More of HOSTILE-INPUTS.md: hostile JSON documents, multi-member gzip with trailing garbage,
/// huge single lines, invalid UTF-8, many empty files.
@Suite struct HostileContentTests {
    static func token(_ seed: String) throws -> String { try FakeSecrets.make("github-classic", seed: seed) }

    /// A one-layer OCI layout directory whose layer blob is `blob` (any bytes) and whose config
    /// diff_id is `diffID`.
    static func layout(blob: Data, diffID: Digest, in directory: TemporaryDirectory) throws -> String {
        var files = FileSet()
        let blobDigest = Digest.of(blob)
        files.add("blobs/sha256/\(blobDigest.hex)", blob)
        let config = try JSONSerialization.data(
            withJSONObject: [
                "os": "linux", "architecture": "amd64", "rootfs": ["type": "layers", "diff_ids": [diffID.description]],
                "history": [["created_by": "COPY x /"]],
            ] as [String: Any])
        files.add("blobs/sha256/\(Digest.of(config).hex)", config)
        let manifest = try JSONSerialization.data(
            withJSONObject: [
                "schemaVersion": 2, "mediaType": MediaType.ociManifest.rawValue,
                "config": [
                    "mediaType": MediaType.ociConfig.rawValue, "digest": Digest.of(config).description,
                    "size": config.count,
                ],
                "layers": [
                    [
                        "mediaType": MediaType.ociLayerGzip.rawValue, "digest": blobDigest.description,
                        "size": blob.count,
                    ]
                ],
            ] as [String: Any])
        files.add("blobs/sha256/\(Digest.of(manifest).hex)", manifest)
        files.add(
            "index.json",
            try JSONSerialization.data(
                withJSONObject: [
                    "schemaVersion": 2,
                    "manifests": [
                        [
                            "mediaType": MediaType.ociManifest.rawValue, "digest": Digest.of(manifest).description,
                            "size": manifest.count,
                        ]
                    ],
                ] as [String: Any]))
        files.add("oci-layout", Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        let root = directory.path("layout")
        try files.writeDirectory(root)
        return root.path
    }

    static func tar(_ entries: [(String, Data)]) throws -> Data {
        let writer = try ArchiveWriter()
        for (name, data) in entries { try writer.add(name, .file(data)) }
        return try writer.finish()
    }

    static func gzip(_ data: Data) throws -> Data {
        let directory = try TemporaryDirectory()
        let input = directory.path("in")
        try data.write(to: input)
        let output = try CLIRunner.run(executable: URL(fileURLWithPath: "/bin/gzip"), ["-c", "-n", input.path])
        return output.stdout
    }

    @Test func multiMemberGzipWithTrailingGarbageIsReadWhole() throws {
        let tarball = try Self.tar([
            ("a.txt", Data("nothing\n".utf8)),
            ("b/.env", Data("GITHUB_TOKEN=\(try Self.token("members"))\n".utf8)),
        ])
        let half = tarball.count / 2
        let blob = try Self.gzip(tarball.prefix(half)) + Self.gzip(tarball.suffix(from: half)) + Data("GARBAGE!".utf8)
        let directory = try TemporaryDirectory()
        let result = try Scan().run([try Self.layout(blob: blob, diffID: Digest.of(tarball), in: directory)])
        #expect(
            result.findings.map(\.rule.id.rawValue) == ["github.pat.classic"],
            "a secret in the second gzip member is found")
        #expect(
            !result.diagnostics.contains { $0.code == .diffIDMismatch },
            "all members decoded: \(result.diagnostics.map(\.message))")
    }

    @Test func hugeSingleLineAndInvalidUTF8() throws {
        let token = try Self.token("line")
        var content = Data(repeating: 0x61, count: 60 << 20)  // 60 MiB, no newline
        content += Data([0xff, 0xfe, 0xc3, 0x28]) + Data(" key=\(token) ".utf8) + Data([0x80, 0xbf])
        let tarball = try Self.tar([("data/blob.bin", content)])
        let directory = try TemporaryDirectory()
        let root = try Self.layout(blob: try Self.gzip(tarball), diffID: Digest.of(tarball), in: directory)
        let result = try Scan().run([root])
        let finding = try #require(result.findings.first)
        guard case .file(let file) = finding.locations[0].place else {
            Issue.record("not a file")
            return
        }
        #expect(file.line == 1 && file.column == (60 << 20) + 4 + 6)
        #expect(result.isComplete)
    }

    @Test func deeplyNestedOrHugeJSONIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let root = directory.path("layout")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: root.appendingPathComponent("oci-layout"))
        let nested = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        try Data("{\"schemaVersion\":2,\"manifests\":\(nested)}".utf8).write(
            to: root.appendingPathComponent("index.json"))
        let deep = try Scan().run([root.path])
        #expect(deep.failedTargets.count == 1, "no crash, a clear error")
        try Data(count: 20 << 20).write(to: root.appendingPathComponent("index.json"))
        let huge = try Scan().run([root.path])
        #expect(huge.failedTargets.first?.message.contains("index.json") == true, "\(huge.failedTargets)")
    }

    @Test func indexNestingIsCapped() throws {
        let directory = try TemporaryDirectory()
        var files = FileSet()
        var child: [String: Any] = ["schemaVersion": 2, "manifests": [] as [Any]]
        var descriptor: [String: Any] = [:]
        for _ in 0..<8 {
            let data = try JSONSerialization.data(withJSONObject: child)
            files.add("blobs/sha256/\(Digest.of(data).hex)", data)
            descriptor = [
                "mediaType": MediaType.ociIndex.rawValue, "digest": Digest.of(data).description, "size": data.count,
            ]
            child = ["schemaVersion": 2, "manifests": [descriptor]]
        }
        files.add("index.json", try JSONSerialization.data(withJSONObject: child))
        files.add("oci-layout", Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        try files.writeDirectory(directory.path("layout"))
        let result = try Scan().run([directory.path("layout").path])
        #expect(result.failedTargets.first?.message.contains("nests deeper") == true, "\(result.failedTargets)")
    }

    @Test func manyEmptyFilesStayBounded() throws {
        let writer = try ArchiveWriter()
        for index in 0..<100_000 { try writer.add("many/f\(index)", .file(Data())) }
        try writer.add("many/.env", .file(Data("TOKEN=\(try Self.token("many"))\n".utf8)))
        let tarball = try writer.finish()
        let directory = try TemporaryDirectory()
        let root = try Self.layout(blob: try Self.gzip(tarball), diffID: Digest.of(tarball), in: directory)
        let started = Date()
        let result = try Scan().run([root])
        #expect(result.findings.count == 1)
        #expect(Date().timeIntervalSince(started) < 60)
        var options = ScanOptions()
        options.limits.maxEntries = 1000
        let capped = try Scan(options: options).run([root])
        #expect(capped.diagnostics.contains { $0.code == .sizeLimit && $0.incomplete })
    }
}
