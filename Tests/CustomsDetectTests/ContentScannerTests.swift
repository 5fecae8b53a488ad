import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsRules
import CustomsTestSupport
import Foundation
import Testing

/// Chunking with overlap, exact lines and columns, validators and generic-rule suppression.
@Suite struct ContentScannerTests {
    static let engine = try! DetectionEngine(ruleSet: BuiltinRules.load())

    /// Streams `data` to the scanner in pieces of `piece` bytes (a stream, not one buffer).
    func scan(_ data: [UInt8], piece: Int = 4096) -> ContentScanResult {
        var offset = 0
        return Self.engine.makeScanner().scan(limit: nil) { buffer in
            let count = min(piece, buffer.count, data.count - offset)
            data[offset..<(offset + count)].withUnsafeBytes {
                buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count)
            }
            offset += count
            return count
        }
    }

    /// A text-only rule (a provider's `NAME = value`) runs over text, not over binary content; every
    /// other rule runs over both.
    @Test func textOnlyRulesSkipBinaryContent() throws {
        let token = try FakeSecrets.make("github-classic", seed: "text-only")
        let setting = "OPSGENIE_API_KEY=4f2a9c7e-1b3d-4e5f-a6b7-c8d9e0f1a2b3\nGITHUB_TOKEN=\(token)\n"
        func rules(_ bytes: [UInt8]) -> Set<String> { Set(scan(bytes).matches.map(\.rule.id.rawValue)) }
        #expect(rules(Array(setting.utf8)) == ["opsgenie.api-key", "github.pat.classic"])
        let binary = rules(Array("\u{7f}ELF\0\0\0".utf8) + Array(setting.utf8))
        #expect(binary.contains("github.pat.classic") && !binary.contains("opsgenie.api-key"))
    }

    @Test(arguments: [-3000, -200, -37, -1, 0, 1, 5, 9000])
    func secretAcrossAChunkBoundaryIsFoundOnceWhole(_ shift: Int) throws {
        let key = try FakeSecrets.make("rsa-private-key", seed: "boundary")
        let github = try FakeSecrets.make("github-classic", seed: "boundary")
        let line = Array("x = 1\n".utf8)
        var data: [UInt8] = []
        let start = ContentScanner.chunkSize + shift - 800
        while data.count < start { data += line }
        data = Array(data.prefix(start))
        data += Array("\(key)\nTOKEN=\(github)\n".utf8)
        for _ in 0..<1000 { data += line }
        let result = scan(data)
        #expect(result.matches.map(\.rule.id.rawValue).sorted() == ["github.pat.classic", "pem.private-key"])
        let pem = try #require(result.matches.first { $0.rule.id.rawValue == "pem.private-key" })
        #expect(pem.secret.clearValue == key)
        #expect(pem.offset == Int64(start))
        #expect(pem.line == start / line.count + 1)
        #expect(pem.column == start % line.count + 1)
    }

    /// Running keyword-anchored rules at their keyword hits finds exactly what searching the
    /// bytes around the hits finds: every built-in example, in noise, across chunk boundaries,
    /// after a newline or glued to the noise (where a hit inside a word is dropped before its regex).
    @Test func anchoredMatchingFindsWhatASearchFinds() throws {
        var generator = SeededGenerator(seed: "anchored")
        var data: [UInt8] = []
        let examples = Self.engine.ruleSet.rules.flatMap(\.examples)
        while data.count < 3 * ContentScanner.chunkSize {
            let noise = (0..<Int.random(in: 0..<3000, using: &generator)).map { _ in
                UInt8.random(in: 32...126, using: &generator)
            }
            let separator = ["\n", "", "_", "x"].randomElement(using: &generator)!
            data += noise + Array("\(separator)\(examples.randomElement(using: &generator)!)\n".utf8)
        }
        var unanchored = Self.engine.ruleSet.rules
        for index in unanchored.indices { unanchored[index].keywordAnchored = false }
        let searching = try DetectionEngine(ruleSet: try RuleSet(unanchored))
        func key(_ match: ContentMatch) -> String {
            "\(match.rule.id) \(match.offset) \(match.secret.fingerprint(rule: match.rule.id, key: .default))"
        }
        let anchored = Set(scan(data).matches.map(key))
        let searched = Set(searching.makeScanner().scan(data).matches.map(key))
        #expect(anchored.count > 100)
        #expect(anchored.symmetricDifference(searched).sorted() == [])
    }

    /// A keyword inside an earlier match of the same rule starts no second match.
    @Test func keywordInsideAMatchIsNotASecondMatch() {
        let result = scan(Array("DB_PASSWORD_SECRET_TOKEN=loiADN5RpVI2XQWh\n".utf8))
        #expect(result.matches.map(\.rule.id.rawValue) == ["generic.secret-assignment"])
    }

    /// Binary files are scanned as raw bytes: a token compiled into an ELF's string table or a
    /// class file's constant pool (length-prefixed, NUL- and control-byte-delimited) is found.
    @Test func tokenInsideBinaryBytesIsFound() throws {
        let token = try FakeSecrets.make("github-classic", seed: "binary")
        var generator = SeededGenerator(seed: "elf")
        var bytes: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00]
        bytes += (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes += [0x00, 0x01, 0x00, UInt8(token.utf8.count)] + Array(token.utf8) + [0x00, 0x07, 0xFF]
        bytes += (0..<5000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        #expect(scan(bytes).matches.map(\.rule.id.rawValue).contains("github.pat.classic"))
    }

    @Test func lineAndColumnAreOneBased() {
        let token = try! FakeSecrets.make("github-classic", seed: "line")
        let result = scan(Array("a\nbb\n  key: \(token)\n".utf8))
        #expect(result.matches.first?.line == 3)
        #expect(result.matches.first?.column == 8)
    }

    @Test func checksumValidatorRaisesOrLowersConfidence() throws {
        let valid = try FakeSecrets.make("github-classic", seed: "v")
        var broken = Array(valid)
        broken[10] = broken[10] == "a" ? "b" : "a"
        #expect(scan(Array(valid.utf8)).matches.first?.rule.confidence == .high)
        #expect(scan(Array(String(broken).utf8)).matches.first?.rule.confidence == .low, "reported, never dropped")
    }

    @Test func genericRuleGivesWayToASpecificOne() throws {
        let token = try FakeSecrets.make("github-classic", seed: "g")
        let result = scan(Array("GITHUB_TOKEN=\(token)\nDB_PASSWORD=Xq7rT2mLp9Zk\n".utf8))
        #expect(result.matches.map(\.rule.id.rawValue) == ["github.pat.classic", "generic.secret-assignment"])
    }

    @Test func placeholdersAndLowEntropyValuesStayQuiet() {
        let text = "password=${PASSWORD}\napi_key=xxxxxxxxxxxx\nsecret: changeme123\ntoken=aaaaaaaa1111\n"
        #expect(scan(Array(text.utf8)).matches.isEmpty)
    }

    @Test func byteLimitTruncatesAndSaysSo() {
        let data = [UInt8](repeating: 0x41, count: 100_000)
        var offset = 0
        let result = Self.engine.makeScanner().scan(limit: 10_000) { buffer in
            let count = min(buffer.count, data.count - offset)
            offset += count
            return count
        }
        #expect(result.truncated)
        #expect(result.bytesScanned == 10_000)
    }

    @Test func entropyOfUniformBytes() {
        let bytes = Array(0...255).map(UInt8.init)
        #expect(bytes.withUnsafeBytes { Entropy.shannon($0) } == 8)
    }
    /// One secret, one finding: a service-account token is not also a `jwt`; the id of a key is
    /// not a secret, while a Vault AppRole `secret_id` is.
    @Test func theSameBytesAreReportedOnceByTheirMostSpecificRule() throws {
        var random = SeededGenerator(seed: "one secret, one finding")
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        func randomPart(_ count: Int) -> String {
            String((0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        let header = FakeSecrets.base64URL(#"{"alg":"RS256","kid":"\#(randomPart(8))"}"#)
        let payload = FakeSecrets.base64URL(
            #"{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"default"}"#)
        let token = "\(header).\(payload).\(randomPart(86))"
        let keyID = String((0..<40).map { _ in Array("0123456789abcdef")[Int(random.next() % 16)] })
        let text =
            "token: \(token)\n{\"type\": \"service_account\", \"private_key_id\": \"\(keyID)\"}\n"
            + "VAULT_SECRET_ID=\(randomPart(12))q7\n"
        let found = scan(Array(text.utf8)).matches.map(\.rule.id.rawValue)
        #expect(found == ["kubernetes.service-account-token", "generic.secret-assignment"])
        #expect(scan(Array(text.utf8)).matches.last?.line == 3)
    }
}
