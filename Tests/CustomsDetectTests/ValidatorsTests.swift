import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsRules
import CustomsTestSupport
import Foundation
import Testing

/// Offline validators: what each learns, and that a failed check lowers confidence but never
/// drops the finding.
@Suite struct ValidatorsTests {
    static let engine = try! DetectionEngine(ruleSet: BuiltinRules.load())
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15

    func check(_ validator: Validator, _ text: String) -> Validation {
        Array(text.utf8).withUnsafeBytes { Validators.check(validator, $0, now: Self.now) }
    }

    func jwt(header: String, payload: String) -> String {
        "\(FakeSecrets.base64URL(header)).\(FakeSecrets.base64URL(payload)).c2lnbmF0dXJlLW5vdC1jaGVja2VkLW9mZmxpbmU"
    }

    @Test func jwtNotesAlgorithmAndExpiry() {
        let expired = check(.jwt, jwt(header: #"{"alg":"RS256"}"#, payload: #"{"sub":"svc","exp":1700000000}"#))
        #expect(expired == Validation(isValid: true, note: "RS256, expired 2023-11-14", severity: .low))
        let live = check(.jwt, jwt(header: #"{"alg":"HS256"}"#, payload: #"{"exp":1900000000}"#))
        #expect(live == Validation(isValid: true, note: "HS256, expires 2030-03-17"))
        #expect(check(.jwt, jwt(header: #"{"alg":"HS256"}"#, payload: #"{"sub":"a"}"#)).note == "HS256, no expiry")
        #expect(check(.jwt, jwt(header: #"{"alg":"none"}"#, payload: #"{}"#)).isValid == false)
        #expect(check(.jwt, jwt(header: #"{"typ":"JWT"}"#, payload: #"{}"#)).isValid == false)
    }

    @Test func pemKeysParseAsKeys() throws {
        let rsa = check(.privateKey, try FakeSecrets.make("rsa-private-key", seed: "v"))
        #expect(rsa == Validation(isValid: true, note: "RSA 2048-bit key"))
        let random = Data((0..<600).map { UInt8(truncatingIfNeeded: $0 &* 37) }).base64EncodedString(
            options: .lineLength64Characters)
        let noise = check(.privateKey, "-----BEGIN RSA PRIVATE KEY-----\n\(random)\n-----END RSA PRIVATE KEY-----")
        #expect(noise.isValid == false)
        let legacy = check(
            .privateKey,
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,0F1E2D3C4B5A69788796A5B4C3D2E1F0\n\n\(random)\n-----END RSA PRIVATE KEY-----"
        )
        #expect(legacy == Validation(isValid: true, note: "encrypted key (AES-256-CBC)", severity: .medium))
        // PKCS#8 EncryptedPrivateKeyInfo: SEQUENCE { SEQUENCE { OID }, OCTET STRING }.
        let encrypted = Data([0x30, 0x0C, 0x30, 0x04, 0x06, 0x02, 0x2A, 0x03, 0x04, 0x04, 0x01, 0x02, 0x03, 0x04])
            .base64EncodedString()
        #expect(
            check(
                .privateKey, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n\(encrypted)\n-----END ENCRYPTED PRIVATE KEY-----"
            ).severity == .medium)
    }

    /// A key inside a JSON or YAML string, its line breaks escaped, is the same key.
    @Test(arguments: ["rsa-private-key", "openssh-private-key"])
    func escapedKeysInJSONStringsAreValidKeys(_ kind: String) throws {
        let key = try FakeSecrets.make(kind, seed: "escaped")
        let escaped = key.replacingOccurrences(of: "\n", with: "\\n")
        let json = Array("{\"type\": \"key\", \"private_key\": \"\(escaped)\\n\"}".utf8)
        let matches = Self.engine.makeScanner().scan(json).matches
        let found = matches.count == 1 && matches.first?.secret.clearValue == escaped
        #expect(found, "one match of the whole escaped key")
        #expect(matches.first?.rule.confidence == .high)
        #expect(matches.first?.rule.note?.contains("key") == true)
    }

    @Test func opensshKeysNameTheirTypeAndCipher() throws {
        let plain = check(.opensshKey, try FakeSecrets.make("openssh-private-key", seed: "v"))
        #expect(plain == Validation(isValid: true, note: "ssh-ed25519 key"))
        let locked = check(.opensshKey, try FakeSecrets.make("openssh-encrypted-key", seed: "v"))
        #expect(
            locked
                == Validation(isValid: true, note: "encrypted ssh-ed25519 key (aes256-ctr, bcrypt)", severity: .medium))
        #expect(
            check(.opensshKey, "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----").isValid
                == false)
    }

    /// The account id sits in bits 7…46 of the key id's first six base32-decoded bytes.
    @Test(arguments: [123_456_789_012 as UInt64, 1, 999_999_999_999])
    func awsKeyIDNamesTheAccount(_ account: UInt64) {
        var generator = SeededGenerator(seed: "aws-\(account)")
        let head = (account << 7) | UInt64.random(in: 0..<128, using: &generator)
        var bytes = (0..<6).map { UInt8((head >> (8 * (5 - $0))) & 0xFF) }
        bytes += (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, value = 0, text = ""
        for byte in bytes {
            value = (value << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                text.append(alphabet[(value >> bits) & 31])
            }
        }
        let validation = check(.awsKeyID, "AKIA" + text)
        #expect(validation.isValid)
        #expect(validation.note == "account " + String(format: "%012llu", account))
        #expect(check(.awsKeyID, "AKIA" + text.dropLast() + "1").isValid == false)
    }

    @Test func slackTokensHaveTheirShape() {
        #expect(check(.slackToken, "xoxb-1234567890-2345678901-abcdefghijklmnopqrstuvwx").isValid)
        #expect(check(.slackToken, "xoxb-0234567890-2345678901-abcdefghijklmnopqrstuvwx").isValid == false)
        #expect(check(.slackToken, "xoxp-1234567890-2345678901-3456789012-0123456789abcdef0123456789abcdef").isValid)
    }

    @Test func basicCredentialsNameTheUserOnly() throws {
        let auth = try FakeSecrets.make("docker-auth", seed: "v")
        let validation = check(.basicCredentials, auth)
        #expect(validation == Validation(isValid: true, note: "decodes to user:password"))
        #expect(check(.basicCredentials, Data("no-colon-here".utf8).base64EncodedString()).isValid == false)
        #expect(check(.basicCredentials, Data([0x00, 0x3A, 0xFF, 0x10]).base64EncodedString()).isValid == false)
    }

    /// Through the scan pipeline: an encrypted key is still reported, at a lower severity, with its note.
    @Test func encryptedKeyIsReportedLowerWithItsNote() throws {
        let key = try FakeSecrets.make("openssh-encrypted-key", seed: "pipeline")
        let match = try #require(Self.engine.makeScanner().scan(Array("\(key)\n".utf8)).matches.first)
        #expect(match.rule.id.rawValue == "openssh.private-key")
        #expect(match.rule.severity == .medium)
        #expect(match.rule.confidence == .high)
        #expect(match.rule.note == "encrypted ssh-ed25519 key (aes256-ctr, bcrypt)")
        let noise =
            "-----BEGIN OPENSSH PRIVATE KEY-----\n" + String(repeating: "b3BlbnNzaC1rZXktdjEAAAAA", count: 4)
            + "\n-----END OPENSSH PRIVATE KEY-----"
        let invalid = try #require(Self.engine.makeScanner().scan(Array(noise.utf8)).matches.first)
        #expect(invalid.rule.confidence == .low, "a key that does not parse is kept, at low confidence")
        #expect(invalid.rule.severity == .critical)
    }
}
