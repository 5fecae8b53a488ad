import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsTestSupport
import Testing

/// Credentials stored as UTF-16LE (Windows and .NET binaries) are found like ASCII ones.
@Suite struct WideStringsTests {
    static let engine = try! DetectionEngine(ruleSet: BuiltinRules.load())

    /// A PE-like file: an `MZ` header, seeded random bytes, then `text` as UTF-16LE, then more bytes.
    func portableExecutable(holding text: String, at offset: Int, seed: UInt64) -> [UInt8] {
        var random = SeededGenerator(seed: seed)
        var bytes: [UInt8] = Array("MZ".utf8) + (2..<offset).map { _ in UInt8.random(in: 0...255, using: &random) }
        for unit in text.utf16 { bytes += [UInt8(unit & 0xff), UInt8(unit >> 8)] }
        bytes += (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
        return bytes
    }

    @Test(arguments: [4096, 4097, ContentScanner.chunkSize - 20, ContentScanner.chunkSize + 3])
    func tokenInUTF16IsFoundAtItsWideOffset(_ offset: Int) throws {
        let token = try FakeSecrets.make("github-classic", seed: "wide-\(offset)")
        let prefix = "GitHubToken="
        let bytes = portableExecutable(holding: prefix + token, at: offset, seed: UInt64(offset))
        let matches = Self.engine.makeScanner().scan(bytes).matches
        let found = matches.filter { $0.rule.id.rawValue == "github.pat.classic" }
        let exact = found.count == 1 && found.first?.secret.clearValue == token
        #expect(exact, "one github.pat.classic match of the planted token")
        #expect(found.first?.offset == Int64(offset + 2 * prefix.utf16.count))
    }

    @Test func severalWideStringsInOneChunkKeepTheirOffsets() throws {
        let tokens = try (0..<3).map { try FakeSecrets.make("github-classic", seed: "many-\($0)") }
        var bytes = portableExecutable(holding: "Token=" + tokens[0], at: 100, seed: 1)
        var offsets = [100 + 12]
        for token in tokens.dropFirst() {
            bytes += [0, 0, 0xff, 0x13]
            offsets.append(bytes.count + 12)
            for unit in ("Token=" + token).utf16 { bytes += [UInt8(unit & 0xff), UInt8(unit >> 8)] }
        }
        let matches = Self.engine.makeScanner().scan(bytes).matches.filter {
            $0.rule.id.rawValue == "github.pat.classic"
        }
        let exact = matches.map { $0.secret.clearValue } == tokens
        #expect(exact, "the three planted tokens, in order")
        #expect(matches.map(\.offset) == offsets.map(Int64.init))
    }

    /// A `.reg` export (UTF-16LE with a byte order mark) is searched; an ELF file is not (Linux
    /// software stores wide strings as UTF-32).
    @Test func registryExportsAreSearchedAndELFFilesAreNot() throws {
        let token = try FakeSecrets.make("github-classic", seed: "reg")
        let text =
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Acme]\r\n\"Token\"=\"\(token)\"\r\n"
        let wide = text.utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
        func found(_ bytes: [UInt8]) -> Bool {
            Self.engine.makeScanner().scan(bytes).matches.contains { $0.rule.id.rawValue == "github.pat.classic" }
        }
        #expect(found([0xff, 0xfe] + wide))
        #expect(!found(Array("\u{7f}ELF".utf8) + [2, 1, 1, 0] + wide))
    }

    @Test func shortWideStringsAndASCIIAreLeftAlone() throws {
        let token = try FakeSecrets.make("github-classic", seed: "ascii")
        // The same token in ASCII is found once, not also as a wide string.
        let ascii = Array("MZ\0\0TOKEN=\(token)\0\0".utf8)
        #expect(
            Self.engine.makeScanner().scan(ascii).matches.filter { $0.rule.id.rawValue == "github.pat.classic" }.count
                == 1)
        // Wide text of fewer than 20 characters holds nothing to scan.
        let short = portableExecutable(holding: "ghp_shorttext", at: 64, seed: 7)
        #expect(Self.engine.makeScanner().scan(short).matches.isEmpty)
    }
}
