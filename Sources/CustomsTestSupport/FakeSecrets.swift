import CustomsDetect
import Foundation

/// Format-valid, fake credentials generated at test time from a seed (valid checksums where
/// the format has one), so no fixture in the repository ever holds a credential.
public enum FakeSecrets {
    static let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    static let lower = "abcdefghijklmnopqrstuvwxyz"
    static let digits = "0123456789"
    static let alnum = upper + lower + digits
    static let hex = "0123456789abcdef"
    static let base64 = alnum + "+/"

    /// Every kind the generator knows, for error messages.
    public static let kinds = [
        "github-classic", "github-oauth", "npm", "aws-key-id", "aws-secret", "slack-bot", "stripe-live", "gitlab-pat",
        "pypi", "google-api-key", "password", "rsa-private-key", "openssh-private-key", "jwt", "docker-auth",
        "sendgrid", "huggingface", "digitalocean", "gcp-service-account-key", "url-password", "openssh-encrypted-key",
        "weak-password",
    ]

    /// A fake secret of `kind`, the same for the same seed.
    /// - Throws: when `kind` is unknown (the message lists the known kinds).
    public static func make(_ kind: String, seed: String) throws -> String {
        var random = SeededGenerator(seed: seed)
        switch kind {
        case "github-classic": return checksummed("ghp_", &random)
        case "github-oauth": return checksummed("gho_", &random)
        case "npm": return checksummed("npm_", &random)
        case "aws-key-id": return "AKIA" + random.string(16, from: upper + "234567")
        case "aws-secret": return random.string(40, from: base64)
        case "slack-bot":
            // Slack team and bot ids never start with 0.
            return "xoxb-1" + random.string(10, from: digits) + "-2" + random.string(11, from: digits) + "-"
                + random.string(24, from: alnum)
        case "stripe-live": return "sk_live_" + random.string(24, from: alnum)
        case "gitlab-pat": return "glpat-" + random.string(20, from: alnum)
        case "pypi": return "pypi-AgEIcHlwaS5vcmc" + random.string(70, from: alnum + "-_")
        case "google-api-key": return "AIza" + random.string(35, from: alnum + "-_")
        case "password":
            return random.string(10, from: lower + upper) + random.string(4, from: digits)
                + random.string(4, from: alnum)
        case "rsa-private-key": return pem("RSA PRIVATE KEY", der: rsaKeyDER(&random))
        case "openssh-private-key": return pem("OPENSSH PRIVATE KEY", der: opensshKey(cipher: "none", &random))
        case "openssh-encrypted-key": return pem("OPENSSH PRIVATE KEY", der: opensshKey(cipher: "aes256-ctr", &random))
        case "jwt":
            let header = base64URL(#"{"alg":"HS256","typ":"JWT"}"#)
            let payload = base64URL(#"{"sub":"svc-\#(random.string(8, from: lower))","iat":1700000000}"#)
            return "\(header).\(payload).\(random.string(43, from: alnum + "-_"))"
        case "docker-auth": return Data("deploy:\(random.string(20, from: alnum))".utf8).base64EncodedString()
        case "sendgrid":
            return "SG." + random.string(22, from: alnum + "-_") + "." + random.string(43, from: alnum + "-_")
        case "huggingface": return "hf_" + random.string(34, from: upper + lower)
        case "digitalocean": return "dop_v1_" + random.string(64, from: hex)
        case "gcp-service-account-key":
            let rsaOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00]
            let der = derElement(
                0x30, [0x02, 0x01, 0x00] + derElement(0x30, rsaOID) + derElement(0x04, rsaKeyDER(&random)))
            return pem("PRIVATE KEY", der: der).replacingOccurrences(of: "\n", with: "\\n") + "\\n"
        case "weak-password": return random.string(6, from: lower) + random.string(2, from: digits)
        case "url-password": return random.string(12, from: alnum) + random.string(4, from: digits)
        default:
            throw FixtureError("unknown secret kind \(kind); known: \(kinds.joined(separator: ", "))")
        }
    }

    /// `prefix` + 30 random base62 + the base62 CRC32 checksum (GitHub and npm formats).
    static func checksummed(_ prefix: String, _ random: inout SeededGenerator) -> String {
        let body = random.string(30, from: alnum)
        return prefix + body + Validators.base62Encode(CRC32.checksum(Array(body.utf8)), width: 6)
    }

    static func pem(_ label: String, der: [UInt8]) -> String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----"
    }

    static func randomBytes(_ count: Int, _ random: inout SeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    /// A DER TLV with a definite length.
    static func derElement(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        let count = content.count
        let length: [UInt8] =
            count < 0x80
            ? [UInt8(count)]
            : count < 0x100 ? [0x81, UInt8(count)] : [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        return [tag] + length + content
    }

    /// PKCS#1 RSAPrivateKey shape (version and eight positive integers, 2048-bit modulus) with
    /// random values: it parses as a key, and is no key.
    static func rsaKeyDER(_ random: inout SeededGenerator) -> [UInt8] {
        func integer(_ bytes: Int) -> [UInt8] {
            derElement(0x02, [0x00, 0x80 | randomBytes(1, &random)[0]] + randomBytes(bytes - 1, &random))
        }
        let fields =
            [0x02, 0x01, 0x00] + integer(256) + derElement(0x02, [0x01, 0x00, 0x01]) + integer(256)
            + integer(128) + integer(128) + integer(128) + integer(128) + integer(128)
        return derElement(0x30, fields)
    }

    /// An `openssh-key-v1` container holding one ssh-ed25519 key with random key bytes.
    static func opensshKey(cipher: String, _ random: inout SeededGenerator) -> [UInt8] {
        func field(_ bytes: [UInt8]) -> [UInt8] {
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init) + bytes
        }
        let publicKey = field(Array("ssh-ed25519".utf8)) + field(randomBytes(32, &random))
        let kdf =
            cipher == "none"
            ? field(Array("none".utf8)) + field([])
            : field(Array("bcrypt".utf8)) + field(field(randomBytes(16, &random)) + [0, 0, 0, 16])
        return Array("openssh-key-v1\0".utf8) + field(Array(cipher.utf8)) + kdf + [0, 0, 0, 1] + field(publicKey)
            + field(randomBytes(144, &random))
    }

    /// Unpadded base64url of `text` (JWT parts).
    public static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// A fixture spec that cannot be built, with the reason.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
