import CustomsArchive
import CustomsCore
import Foundation
import Testing

/// Round trips through libarchive's writer and reader, chained readers, and failure modes.
@Suite struct ArchiveReaderTests {
    static func sampleTar(_ compression: Compression) throws -> Data {
        let writer = try ArchiveWriter(compression: compression)
        try writer.add("app", .directory)
        try writer.add("app/a.txt", .file(Data("hello\n".utf8)))
        try writer.add("app/link", .symlink(target: "a.txt"))
        try writer.add("app/hard", .hardlink(target: "app/a.txt"))
        return try writer.finish()
    }

    static func entries(of data: Data) throws -> [(ArchiveEntry, Data)] {
        let reader = try ArchiveReader(source: DataByteSource(data), format: .tar)
        var result: [(ArchiveEntry, Data)] = []
        while let entry = try reader.nextEntry() { result.append((entry, try reader.readAll(limit: 1 << 20))) }
        return result
    }

    @Test(arguments: [Compression.none, .gzip, .zstd])
    func roundTripDetectsCompressionFromBytes(_ compression: Compression) throws {
        let data = try Self.sampleTar(compression)
        #expect(Compression.sniff(data.prefix(4)) == compression)
        let entries = try Self.entries(of: data)
        #expect(entries.map(\.0.name) == ["app/", "app/a.txt", "app/link", "app/hard"])
        #expect(entries[1].0.kind == .regular && String(decoding: entries[1].1, as: UTF8.self) == "hello\n")
        #expect(entries[2].0.kind == .symlink(target: "a.txt"))
        #expect(entries[3].0.kind == .hardlink(target: "app/a.txt"))
    }

    /// Pax headers and zip store names as UTF-8; libarchive would convert them to the process
    /// locale (ASCII when nobody called setlocale) and warn on every non-ASCII name.
    @Test(arguments: [ArchiveWriter.Format.tar, .zip])
    func nonASCIINamesRoundTripWithoutWarnings(_ format: ArchiveWriter.Format) throws {
        let names = ["app/café/ключ.env", "srv/数据/设置.yaml", "plain.txt"]
        let writer = try ArchiveWriter(format: format)
        for name in names { try writer.add(name, .file(Data("x\n".utf8))) }
        let reader = try ArchiveReader(
            source: DataByteSource(try writer.finish()), format: format == .zip ? .nested : .tar)
        var seen: [ArchiveEntry] = []
        while let entry = try reader.nextEntry() { seen.append(entry) }
        #expect(seen.map(\.name) == names)
        #expect(seen.allSatisfy { $0.warning == nil }, "\(seen.compactMap(\.warning))")
    }

    @Test func rawFormatYieldsTheDecompressedStream() throws {
        let plain = try Self.sampleTar(.none)
        let compressed = try Self.sampleTar(.gzip)
        let reader = try ArchiveReader(source: DataByteSource(compressed), format: .raw)
        #expect(try reader.nextEntry() != nil)
        #expect(try reader.readAll(limit: 1 << 20) == plain)
        #expect(reader.sourceBytesConsumed == Int64(compressed.count))
    }

    @Test func readersChainWithoutCopiesToDisk() throws {
        let inner = try Self.sampleTar(.gzip)
        let writer = try ArchiveWriter(compression: .gzip)
        try writer.add("blobs/layer", .file(inner))
        let outer = try ArchiveReader(source: DataByteSource(try writer.finish()), format: .tar)
        #expect(try outer.nextEntry()?.name == "blobs/layer")
        let nested = try ArchiveReader(source: outer, format: .tar)
        #expect(try nested.nextEntry()?.name == "app/")
    }

    @Test func truncatedArchiveThrowsAClearError() throws {
        let data = try Self.sampleTar(.none)
        let reader = try ArchiveReader(source: DataByteSource(data.prefix(700)), format: .tar)
        #expect(try reader.nextEntry()?.name == "app/")
        #expect(throws: ArchiveError.self) {
            while try reader.nextEntry() != nil { _ = try reader.readAll(limit: 1 << 20) }
        }
    }

    @Test func fileSourceRefusesNonRegularFilesAndCapsBytes() throws {
        #expect(throws: ArchiveError.self) { try FileByteSource(path: "/dev/zero") }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("customs-cap-\(UUID())")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(count: 1000).write(to: url)
        let capped = try FileByteSource(path: url.path, limit: 100)
        #expect(try capped.readAll(limit: 10_000).count == 100)
        let link = url.path + ".link"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: url.path)
        defer { try? FileManager.default.removeItem(atPath: link) }
        #expect(throws: ArchiveError.self) { try FileByteSource(path: link, noFollow: true) }
    }
}

/// GNU and PAX sparse entries (Go's archive/tar test data has a 60 GB one) are read as their data
/// regions only: holes are zeros, and reading them would take hours and hit every size budget.
@Suite struct SparseEntryTests {
    @Test(arguments: ["gnu", "posix"])
    func sparseEntryYieldsItsDataRegionsOnly(_ format: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sparse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("disk.img")
        FileManager.default.createFile(atPath: file.path, contents: Data("head\n".utf8))
        let handle = try FileHandle(forWritingTo: file)
        try handle.seek(toOffset: 8 << 30)  // an 8 GiB hole
        try handle.write(contentsOf: Data("tail-marker\n".utf8))
        try handle.close()
        let tar = directory.appendingPathComponent("sparse.tar")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        process.arguments = ["--sparse", "--format=\(format)", "-C", directory.path, "-cf", tar.path, "disk.img"]
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        let reader = try ArchiveReader(source: DataByteSource(try Data(contentsOf: tar)), format: .tar)
        let entry = try #require(try reader.nextEntry())
        #expect(entry.size > 8 << 30)
        let data = try reader.readAll(limit: 1 << 20)
        #expect(data.count < 1 << 20)
        let text = String(decoding: data.filter { $0 != 0 }, as: UTF8.self)
        #expect(text.contains("head") && text.contains("tail-marker"))
    }
}
