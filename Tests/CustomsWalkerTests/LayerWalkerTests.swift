import CustomsArchive
import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsTestSupport
import Foundation
import Testing

@testable import CustomsWalker

/// What a walk records of a layer: whiteout and opaque markers as changes, and budgets that
/// end a file or layer early as incomplete coverage, never as silence.
@Suite struct LayerWalkerTests {
    static let engine = Result { try DetectionEngine(ruleSet: BuiltinRules.load()) }

    static func layer(_ entries: [(String, ArchiveWriter.Content)]) throws -> Data {
        let writer = try ArchiveWriter()
        for (name, content) in entries { try writer.add(name, content) }
        return try writer.finish()
    }

    static func walk(_ data: Data, limits: WalkLimits = WalkLimits()) throws -> LayerRecord {
        LayerWalker(engine: try engine.get(), limits: limits).walk(DataByteSource(data))
    }

    @Test(arguments: [
        ("app/.wh.config.json", LayerChanges.Change.whiteout(ImagePath("app/config.json"))),
        (".wh.top", .whiteout(ImagePath("top"))),
        ("srv/data/.wh..wh..opq", .opaque(directory: ImagePath("srv/data"))),
        ("./etc/app.conf", .file(ImagePath("etc/app.conf"))),
    ])
    func markersBecomeChanges(_ name: String, _ expected: LayerChanges.Change) {
        #expect(LayerChanges.change(forEntryNamed: name, kind: .regular) == expected)
    }

    @Test func aBareWhiteoutPrefixRemovesNothing() {
        #expect(LayerChanges.change(forEntryNamed: "dir/.wh.", kind: .regular) == nil)
    }

    @Test func aWalkRecordsChangesInTarOrder() throws {
        let record = try Self.walk(
            Self.layer([
                ("app", .directory), ("app/.wh.old.env", .file(Data())), ("app/new.env", .file(Data("A=1\n".utf8))),
                ("cache/.wh..wh..opq", .file(Data())), ("app/link", .symlink(target: "new.env")),
            ]))
        #expect(
            Array(record.changes) == [
                .directory(ImagePath("app")), .whiteout(ImagePath("app/old.env")), .file(ImagePath("app/new.env")),
                .opaque(directory: ImagePath("cache")), .symlink(ImagePath("app/link")),
            ])
        #expect(record.isComplete && record.diffID != nil && record.digest != nil)
    }

    @Test func aFileOverItsBudgetIsScannedInPartAndSaysSo() throws {
        var limits = WalkLimits()
        limits.maxFileBytes = 1024
        let record = try Self.walk(
            Self.layer([("big.bin", .file(Data(repeating: 0x41, count: 10_000)))]), limits: limits)
        #expect(!record.isComplete)
        #expect(record.diagnostics.contains { $0.code == .sizeLimit && $0.message.contains("/big.bin") })
        #expect(record.diffID != nil, "the rest of the layer is still read and hashed")
    }

    @Test func tooManyEntriesEndTheLayerIncomplete() throws {
        var limits = WalkLimits()
        limits.maxEntries = 3
        let entries = (0..<10).map { ("f\($0)", ArchiveWriter.Content.file(Data())) }
        let record = try Self.walk(Self.layer(entries), limits: limits)
        #expect(record.changes.count == 3)
        #expect(record.diagnostics.contains { $0.code == .sizeLimit && $0.incomplete })
    }

    /// A gzip blob ISA-L refuses (here: bytes after the gzip data, which zlib ignores) is read
    /// again with zlib when it can be reopened, and the ignored bytes are reported.
    @Test func aGzipStreamISALRefusesIsReadWithZlibWhenItCanBeReopened() throws {
        let token = try FakeSecrets.make("github-classic", seed: "zlib fallback")
        let writer = try ArchiveWriter(compression: .gzip)
        try writer.add("app/.env", .file(Data("GITHUB_TOKEN=\(token)\n".utf8)))
        let gzip = try writer.finish()
        let blob = gzip + Data("trailing bytes".utf8)
        let walker = LayerWalker(engine: try Self.engine.get())

        let streamed = walker.walk(DataByteSource(blob))
        let streamedFound = streamed.matches.contains { $0.match.rule.id.rawValue == "github.pat.classic" }
        #expect(streamedFound, "the member is read before the bytes after it are refused")
        #expect(streamed.diagnostics.contains { $0.code == .readError && $0.message.contains("not a gzip member") })
        #expect(!streamed.diagnostics.contains { $0.message.contains("zlib") })

        let reopened = walker.walk(DataByteSource(blob), reopen: { DataByteSource(blob) })
        let reopenedFound = reopened.matches.contains { $0.match.rule.id.rawValue == "github.pat.classic" }
        #expect(reopenedFound)
        #expect(reopened.diagnostics.contains { !$0.incomplete && $0.message.contains("zlib read it instead") })
        #expect(
            reopened.diagnostics.contains {
                $0.incomplete && $0.message.contains("holds \("trailing bytes".utf8.count) bytes after its gzip data")
            })
        #expect(!reopened.diagnostics.contains { $0.code == .readError })
        var digest = StreamHasher()
        blob.withUnsafeBytes { digest.update($0) }
        #expect(reopened.digest == digest.finalize())
        #expect(try reopened.diffID == Self.walk(gzip).diffID)

        // A checksum failure is damage, not a stream ISA-L cannot read: no second walk.
        var badCRC = gzip
        badCRC[badCRC.count - 8] ^= 0xff
        let damaged = walker.walk(DataByteSource(badCRC), reopen: { DataByteSource(badCRC) })
        #expect(damaged.diagnostics.contains { $0.message.contains("CRC-32 or length check") })
        #expect(!damaged.diagnostics.contains { $0.message.contains("zlib") })
    }

    @Test func aLayerOverItsByteBudgetIsADecompressionBomb() throws {
        var limits = WalkLimits()
        limits.maxLayerBytes = 4096
        let record = try Self.walk(Self.layer([("a", .file(Data(count: 64_000)))]), limits: limits)
        #expect(record.diagnostics.contains { $0.code == .sizeLimit && $0.message.contains("decompression bomb") })
        #expect(record.diffID == nil)
    }

    /// Bytes after the tar's end-of-archive marker are ignored by every runtime, and could hide a
    /// file from a scanner that stops there: they make the layer incomplete. Zero padding does not.
    @Test func dataAfterTheEndOfArchiveMarkerIsReported() throws {
        let tar = try Self.layer([("a.txt", .file(Data("hello\n".utf8)))])
        #expect(try Self.walk(tar).isComplete, "the writer's zero padding is not data")
        let record = try Self.walk(tar + Data("GITHUB_TOKEN=hidden-after-the-end\n".utf8))
        #expect(!record.isComplete)
        #expect(record.diagnostics.contains { $0.message.contains("after the tar's end-of-archive marker") })
        #expect(record.diffID == Digest.of(tar + Data("GITHUB_TOKEN=hidden-after-the-end\n".utf8)))
    }

    @Test func anOversizedEntryHeaderIsNamedAndKeepsEarlierFindings() throws {
        let token = try FakeSecrets.make("github-classic", seed: "oversized header")
        let tar = try Self.layer([
            ("first.env", .file(Data("GITHUB_TOKEN=\(token)\n".utf8))),
            (String(repeating: "d/", count: 1 << 20) + "f", .file(Data("x\n".utf8))),
        ])
        let record = try Self.walk(tar)
        #expect(!record.isComplete)
        #expect(record.matches.count == 1, "the finding before the header is kept")
        let named = record.diagnostics.contains { $0.code == .sizeLimit && $0.message.contains("oversized header") }
        #expect(named, "\(record.diagnostics.map(\.message))")
    }

    /// libarchive skips a tar header whose checksum fails and reads on: the entries after it are
    /// scanned, and the skipped block makes the layer incomplete (it was silently complete before).
    @Test func aDamagedHeaderBlockIsSkippedAndReported() throws {
        let token = try FakeSecrets.make("github-classic", seed: "after the damage")
        let first = try Self.layer([("a.txt", .file(Data("hello\n".utf8)))])
        let second = try Self.layer([("b.env", .file(Data("GITHUB_TOKEN=\(token)\n".utf8)))])
        var damaged = first.prefix(1024)
        damaged += Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 1) })
        damaged += second
        let record = try Self.walk(damaged)
        let found = record.matches.contains { $0.match.rule.id.rawValue == "github.pat.classic" }
        #expect(found, "the entry after the damaged block is read")
        #expect(!record.isComplete)
        #expect(record.diagnostics.contains { $0.message.contains("1 damaged tar header block(s), skipped") })
    }

    /// Keys packages generate at install stay findings, saying what they are and how to fix it.
    @Test func aGeneratedHostKeySaysWhatItIs() throws {
        let key = Data(try FakeSecrets.make("openssh-private-key", seed: "host key").utf8)
        let record = try Self.walk(
            Self.layer([("etc/ssh/ssh_host_ed25519_key", .file(key)), ("home/app/.ssh/id_ed25519", .file(key))]))
        let notes = Dictionary(
            record.matches.map { ($0.path.value, $0.match.rule.note ?? "") }, uniquingKeysWith: { first, _ in first })
        #expect(notes["etc/ssh/ssh_host_ed25519_key"]?.contains("ssh-keygen -A") == true)
        #expect(notes["home/app/.ssh/id_ed25519"].map { !$0.contains("ssh-keygen") } == true)
    }

    @Test func aWalkPastTheRunsDeadlineStopsIncomplete() throws {
        let tar = try Self.layer([
            ("a.env", .file(Data("GITHUB_TOKEN=ghp_\(String(repeating: "A1b2", count: 9))\n".utf8)))
        ])
        var limits = WalkLimits()
        limits.deadline = Date(timeIntervalSinceNow: -1)
        let record = try Self.walk(tar, limits: limits)
        #expect(!record.isComplete && record.digest == nil, "incomplete, so never cached")
        #expect(record.diagnostics.contains { $0.code == .timeLimit })
        limits.deadline = Date(timeIntervalSinceNow: 60)
        #expect(try Self.walk(tar, limits: limits).isComplete)
    }
}
