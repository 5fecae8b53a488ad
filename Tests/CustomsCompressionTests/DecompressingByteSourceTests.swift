import CustomsArchive
import CustomsCore
import CustomsTestSupport
import Foundation
import Testing

@testable import CustomsCompression

/// The layer decompressor: every byte out as `gzip -dc` / `zstd -dc` give it, however the input is
/// cut into blocks, and each kind of damage a one-line error that says what is wrong.
@Suite struct DecompressingByteSourceTests {
    /// Lends `data` in blocks of `blockSize` bytes, as the hashing source lends a file's reads.
    final class Blocks: BlockByteSource {
        let data: [UInt8]
        let blockSize: Int
        var offset = 0
        let storage: UnsafeMutableRawBufferPointer

        init(_ data: [UInt8], blockSize: Int = 1 << 20) {
            self.data = data
            self.blockSize = blockSize
            storage = .allocate(byteCount: max(1, data.count), alignment: 1)
            storage.copyBytes(from: data)
        }

        deinit { storage.deallocate() }

        func nextBlock() throws -> UnsafeRawBufferPointer {
            let count = min(blockSize, data.count - offset)
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: storage[offset..<offset + count])
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let count = min(blockSize, buffer.count, data.count - offset)
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[offset..<offset + count]))
            offset += count
            return count
        }
    }

    /// Text-like bytes (compressible, with long repeats) from a seeded generator.
    static func sample(_ count: Int, seed: String) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        let words = ["layer", "token", "usr/lib/", "password", "\n", " ", "0123", "config", "{\"key\": "]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 16)
        while bytes.count < count {
            bytes += Array(words[Int(generator.next() % UInt64(words.count))].utf8)
            if generator.next() % 7 == 0 { bytes.append(UInt8(truncatingIfNeeded: generator.next())) }
        }
        return Array(bytes.prefix(count))
    }

    /// Runs a compressor from the system (`gzip`, `zstd`) over `input`.
    static func compress(_ input: [UInt8], with tool: String, _ arguments: [String]) throws -> [UInt8] {
        let folder = try TemporaryDirectory()
        let file = folder.path("input")
        try Data(input).write(to: file)
        let output = try CLIRunner.run(executable: URL(fileURLWithPath: "/usr/bin/\(tool)"), arguments, stdin: file)
        #expect(output.status == 0, "\(tool) \(arguments) failed: \(output.stderr)")
        return [UInt8](output.stdout)
    }

    static func gzip(_ input: [UInt8]) throws -> [UInt8] { try compress(input, with: "gzip", ["-c", "-6"]) }
    static func zstd(_ input: [UInt8], _ extra: [String] = []) throws -> [UInt8] {
        try compress(input, with: "zstd", ["-c", "-q", "-3"] + extra)
    }

    /// Everything the decompressor gives, read in `readSize` pieces.
    static func decode(
        _ bytes: [UInt8], blockSize: Int = 1 << 20, readSize: Int = 1 << 20, windowLogMax: Int = 27
    ) throws -> (Compression, [UInt8]) {
        let source = try DecompressingByteSource(Blocks(bytes, blockSize: blockSize), zstdWindowLogMax: windowLogMax)
        var out: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { return (source.compression, out) }
            out += buffer[0..<count]
        }
    }

    /// The error's message, or nil when decoding succeeded.
    static func failure(_ bytes: [UInt8], blockSize: Int = 1 << 20, windowLogMax: Int = 27) -> String? {
        do {
            _ = try decode(bytes, blockSize: blockSize, windowLogMax: windowLogMax)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [(1 << 20, 1 << 20), (1, 4096), (3, 1), (65_536, 7_777)])
    func everyByteComesOutHoweverTheInputIsCut(blockSize: Int, readSize: Int) throws {
        let plain = Self.sample(300_000, seed: "cut")
        for (expected, compressed) in [
            (Compression.gzip, try Self.gzip(plain)), (.zstd, try Self.zstd(plain)), (.none, plain),
        ] {
            let (compression, out) = try Self.decode(compressed, blockSize: blockSize, readSize: readSize)
            #expect(compression == expected)
            #expect(out == plain, "\(expected) in blocks of \(blockSize), reads of \(readSize)")
        }
    }

    /// Members in a row, cut anywhere (a member's trailer and the next header split across blocks).
    @Test(arguments: [1, 2, 3, 5, 8, 13, 4093, 1 << 20])
    func gzipMembersInARowAreOneStream(blockSize: Int) throws {
        let first = Self.sample(100_000, seed: "first")
        let second = Self.sample(70_000, seed: "second")
        let stream = try Self.gzip(first) + Self.gzip(second) + Self.gzip([]) + Self.gzip(Array("end".utf8))
        let (_, out) = try Self.decode(stream, blockSize: blockSize)
        #expect(out == first + second + Array("end".utf8))
    }

    /// CRC-32 (RFC 1952), for the header CRC a test header carries.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// Headers with the optional fields (extra, name, comment, header CRC) that tar writers and
    /// `gzip` set, in any combination, cut into blocks of any size.
    @Test(arguments: [UInt8(0x04), 0x08, 0x1c, 0x1e, 0x0a])
    func gzipHeaderFieldsAreSkipped(flags: UInt8) throws {
        let plain = Self.sample(50_000, seed: "header")
        var header: [UInt8] = [0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]
        if flags & 0x04 != 0 { header += [5, 0] + Array("extra".utf8) }
        if flags & 0x08 != 0 { header += Array("layer.tar".utf8) + [0] }
        if flags & 0x10 != 0 { header += Array("a comment".utf8) + [0] }
        let crc = Self.crc32(header)
        if flags & 0x02 != 0 { header += [UInt8(crc & 0xff), UInt8(crc >> 8 & 0xff)] }
        let member = header + (try Self.gzip(plain)).dropFirst(10)
        for blockSize in [1, 5, 11, 1 << 20] {
            let (_, out) = try Self.decode(member, blockSize: blockSize)
            #expect(out == plain, "flags \(flags), blocks of \(blockSize)")
        }
        if flags & 0x02 != 0 {
            var wrongCRC = member
            wrongCRC[header.count - 1] ^= 1
            #expect(Self.failure(wrongCRC)?.contains("header CRC does not match") == true)
        }
    }

    @Test func gzipDamageIsNamed() throws {
        let compressed = try Self.gzip(Self.sample(200_000, seed: "damage"))
        #expect(Self.failure(Array(compressed.dropLast(100)))?.contains("truncated") == true)
        var badCRC = compressed
        badCRC[badCRC.count - 6] ^= 0xff
        #expect(Self.failure(badCRC)?.contains("CRC-32 or length check of gzip member 1 failed") == true)
        #expect(Self.failure(compressed + [0, 0, 0, 0])?.contains("after gzip member 1 are not a whole") == true)
        #expect(
            Self.failure(compressed + [0x1f, 0x8b, 9] + Array(repeating: 0, count: 20))?
                .contains("after gzip member 1 do not start another member: gzip header names a method") == true)
        #expect(Self.failure(compressed + Array(repeating: 0, count: 20))?.contains("not a gzip member header") == true)
        var badMethod = compressed
        badMethod[2] = 7
        #expect(Self.failure(badMethod)?.contains("method other than deflate") == true)
        var badBlock = compressed
        badBlock[10] = 0xff  // BTYPE 11: a reserved block type
        #expect(Self.failure(badBlock)?.contains("corrupt gzip data") == true)
    }

    /// Damage anywhere, in blocks of any size, is an error, never a crash: ISA-L may point back
    /// before the block at hand when it stops on bad data (a crash the fuzzer found).
    @Test func damagedGzipInSmallBlocksIsAnErrorNotACrash() throws {
        let members = try Self.gzip(Self.sample(3_000, seed: "a")) + Self.gzip(Self.sample(2_000, seed: "b"))
        var generator = SeededGenerator(seed: "damage sweep")
        var failures = 0
        for position in stride(from: 10, to: members.count, by: 7) {
            var damaged = members
            damaged[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            for blockSize in [1, 3, 8] where Self.failure(damaged, blockSize: blockSize) != nil { failures += 1 }
        }
        #expect(failures > 0)
        // The fuzzer's input: a member whose deflate data goes bad after a few blocks.
        let found =
            "1f8b08000000000000034b2c28d00f727574f17565a0193030303033315100d140804e0381a1b98201022818181a9819"
            + "19332818d0ce4908505a5c925804740aa5e6a07b6e8880bcfc928cccbc7485927c85e2d454ae81760518ce28a360148c40"
            + "3a010040942b9900080000"
        let bytes = stride(from: 0, to: found.count, by: 2).map {
            UInt8(found.dropFirst($0).prefix(2), radix: 16)!
        }
        #expect(Self.failure(bytes)?.contains("corrupt gzip data") == true)
    }

    @Test func zstdFramesInARowAndSkippableFramesAreOneStream() throws {
        let first = Self.sample(120_000, seed: "frame 1")
        let second = Self.sample(10_000, seed: "frame 2")
        let skippable: [UInt8] = [0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]
        let (_, out) = try Self.decode(try Self.zstd(first) + skippable + Self.zstd(second), blockSize: 999)
        #expect(out == first + second)
    }

    @Test func zstdDamageAndOversizedWindowsAreNamed() throws {
        let plain = Self.sample(3_000_000, seed: "window")
        let compressed = try Self.zstd(plain, ["--zstd=wlog=22"])
        #expect(Self.failure(Array(compressed.dropLast(50)))?.contains("ends inside a frame") == true)
        var corrupt = compressed
        corrupt[corrupt.count / 2] ^= 0x55
        corrupt[corrupt.count / 2 + 1] ^= 0x55
        #expect(Self.failure(corrupt)?.contains("corrupt zstd data") == true)
        #expect(Self.failure(compressed, windowLogMax: 22) == nil)
        #expect(Self.failure(compressed, windowLogMax: 20)?.contains("window above 2^20 bytes") == true)
    }

    /// Lent blocks (how the tar reader takes an uncompressed blob) carry the same bytes as reads.
    @Test func lentBlocksCarryEveryByte() throws {
        let plain = Self.sample(200_000, seed: "blocks")
        for compressed in [try Self.gzip(plain), try Self.zstd(plain), plain] {
            let source = try DecompressingByteSource(Blocks(compressed, blockSize: 3000))
            var out: [UInt8] = []
            try source.drainBlocks { out += $0 }
            #expect(out == plain, "\(source.compression)")
        }
    }

    @Test func anEmptyBlobIsEmpty() throws {
        #expect(try DecompressingByteSource(Blocks([])).isEmpty)
        #expect(try !DecompressingByteSource(Blocks([0x1f])).isEmpty)
        #expect(try Self.decode([0x1f, 0x8c]) == (.none, [0x1f, 0x8c]))
    }
}
