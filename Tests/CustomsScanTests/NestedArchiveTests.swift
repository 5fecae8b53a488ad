import CustomsArchive
import CustomsCore
import CustomsModel
import CustomsScan
import CustomsTestSupport
import CustomsWalker
import Foundation
import Testing

/// Hostile archives inside layers: broken zips, zip bombs, archives nested past the depth
/// limit, and files named like archives that are not. Each is reported or scanned; none stops
/// the layer.
@Suite struct NestedArchiveTests {
    static func token(_ seed: String) throws -> String { try FakeSecrets.make("github-classic", seed: seed) }

    static func archive(_ entries: [(String, Data)], format: ArchiveWriter.Format = .zip) throws -> Data {
        let writer = try ArchiveWriter(format: format)
        for (name, data) in entries { try writer.add(name, .file(data)) }
        return try writer.finish()
    }

    /// Scans a one-layer image holding `entries`.
    static func scan(_ entries: [(String, Data)], limits: WalkLimits = WalkLimits()) throws -> ScanResult {
        let tarball = try archive(entries, format: .tar)
        let directory = try TemporaryDirectory()
        let root = try HostileContentTests.layout(
            blob: try HostileContentTests.gzip(tarball), diffID: Digest.of(tarball), in: directory)
        var options = ScanOptions()
        options.limits = limits
        return try Scan(options: options).run([root])
    }

    static func nestedPaths(_ result: ScanResult) -> [String] {
        result.findings.flatMap(\.locations).compactMap { location in
            guard case .file(let file) = location.place else { return nil }
            return file.nestedPath.map { "\(file.path.value)!/\($0)" } ?? file.path.value
        }.sorted()
    }

    /// Test suites ship deliberately broken archives (Go's `archive/tar/testdata`, in every Go
    /// toolchain image): an uncompressed one that cannot be read as an archive is scanned as plain
    /// bytes, with a note, and the run stays complete.
    @Test func aSmallBrokenArchiveIsScannedAsPlainBytes() throws {
        let inside = try Self.token("inside a broken tar")
        let goodStart = try Self.archive([("a.env", Data("T=\(inside)\n".utf8))], format: .tar)
        let brokenTar = goodStart.prefix(1024) + Data((0..<1536).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) })
        let brokenZip = Data([0x50, 0x4B, 0x03, 0x04]) + Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let result = try Self.scan([
            ("go/src/archive/tar/testdata/broken.tar", brokenTar), ("app/broken.jar", brokenZip),
            ("app/.env", Data("T=\(try Self.token("after"))\n".utf8)),
        ])
        #expect(Self.nestedPaths(result) == ["app/.env", "go/src/archive/tar/testdata/broken.tar"])
        for path in ["go/src/archive/tar/testdata/broken.tar", "app/broken.jar"] {
            let noted = result.diagnostics.contains {
                $0.path == path && !$0.incomplete && $0.message.contains("scanned as plain bytes")
            }
            #expect(noted, "\(path): \(result.diagnostics.map(\.message))")
        }
        #expect(result.isComplete)
    }

    /// A compressed archive that breaks cannot be scanned as plain bytes: the rest of it is unread.
    @Test func aBrokenCompressedArchiveIsIncompleteAndTheLayerGoesOn() throws {
        let broken = Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 3]) + Data((0..<2000).map { UInt8($0 % 251) })
        let result = try Self.scan([
            ("app/broken.tar.gz", broken), ("app/.env", Data("T=\(try Self.token("after"))\n".utf8)),
        ])
        #expect(Self.nestedPaths(result) == ["app/.env"])
        let reported = result.diagnostics.contains {
            $0.code == .readError && $0.path == "app/broken.tar.gz" && $0.incomplete
        }
        #expect(reported, "\(result.diagnostics.map(\.message))")
        #expect(!result.isComplete)
    }

    @Test func zipBombStopsAtTheBudget() throws {
        let big = Data(repeating: 0x41, count: 200_000) + Data("T=\(try Self.token("bomb"))\n".utf8)
        var limits = WalkLimits()
        limits.maxNestedBytes = 100_000
        let result = try Self.scan([("app/bomb.zip", try Self.archive([("a.txt", big)]))], limits: limits)
        #expect(result.findings.isEmpty)
        #expect(result.diagnostics.contains { $0.code == .sizeLimit && $0.path == "app/bomb.zip" && $0.incomplete })
    }

    @Test func depthLimitLeavesDeeperArchivesAsBytes() throws {
        let innermost = try Self.archive([("deep.txt", Data("T=\(try Self.token("deep"))\n".utf8))], format: .tar)
        let middle = try Self.archive([
            ("level2.tar", innermost), ("m.txt", Data("T=\(try Self.token("middle"))\n".utf8)),
        ])
        let outer = try Self.archive([("level1.zip", middle)])
        var two = WalkLimits()
        two.maxNestedDepth = 2
        let deep = try Self.scan([("app/outer.zip", outer)], limits: two)
        // level2.tar sits at depth 3: scanned as bytes (an uncompressed tar shows its contents
        // anyway), and reported: what lies past the limit was not read as files.
        #expect(
            Self.nestedPaths(deep) == ["app/outer.zip!/level1.zip!/level2.tar", "app/outer.zip!/level1.zip!/m.txt"])
        #expect(!deep.isComplete)
        #expect(deep.diagnostics.contains { $0.code == .sizeLimit && $0.message.contains("nested deeper than 2") })
        var shallow = WalkLimits()
        shallow.maxNestedDepth = 1
        #expect(Self.nestedPaths(try Self.scan([("app/outer.zip", outer)], limits: shallow)) == [])
        // The default depth (4) opens all three levels.
        let full = try Self.scan([("app/outer.zip", outer)])
        #expect(
            Self.nestedPaths(full).sorted() == [
                "app/outer.zip!/level1.zip!/level2.tar!/deep.txt", "app/outer.zip!/level1.zip!/m.txt",
            ])
        #expect(full.isComplete)
    }

    @Test func aFileNamedLikeAnArchiveIsScannedAsText() throws {
        let result = try Self.scan([("app/notes.zip", Data("not a zip at all\nT=\(try Self.token("text"))\n".utf8))])
        #expect(Self.nestedPaths(result) == ["app/notes.zip"])
        #expect(result.isComplete)
    }
}
