import CustomsCore
import CustomsRules
import Foundation

/// What an offline check learned about one candidate secret. Never drops a match: a failed
/// check lowers confidence, and what was learned (an expiry, an encrypted key, an account)
/// travels with the finding as its note.
public struct Validation: Sendable, Equatable {
    /// True when the candidate has the structure its format promises.
    public var isValid: Bool
    /// A short fact for people: `expired 2024-03-01`, `encrypted key (aes256-ctr)`.
    public var note: String?
    /// A lower severity the fact calls for (an encrypted or expired credential), if any.
    public var severity: Severity?

    public init(isValid: Bool, note: String? = nil, severity: Severity? = nil) {
        self.isValid = isValid
        self.note = note
        self.severity = severity
    }
}

/// Offline structure checks for token formats that carry one: checksums, JSON headers, key
/// encodings, account ids. No network, no clock other than `now` (for expiry).
public enum Validators {
    /// Checks `bytes` with `validator`.
    public static func check(_ validator: Validator, _ bytes: UnsafeRawBufferPointer, now: Date = Date()) -> Validation
    {
        let text = String(decoding: bytes, as: UTF8.self)
        switch validator {
        case .githubChecksum, .npmChecksum:
            return checksumValid(text)
                ? Validation(isValid: true) : Validation(isValid: false, note: "checksum mismatch")
        case .jwt: return JWTCheck.check(text, now: now)
        case .privateKey: return KeyStructure.checkPEM(unescapingNewlines(text))
        case .opensshKey: return KeyStructure.checkOpenSSH(unescapingNewlines(text))
        case .awsKeyID: return awsKeyID(text)
        case .slackToken: return slackToken(text)
        case .basicCredentials: return basicCredentials(text)
        }
    }

    /// A key inside a JSON or YAML string has its line breaks escaped (`\\n`, `\\r\\n`).
    static func unescapingNewlines(_ text: String) -> String {
        guard text.contains("\\n") else { return text }
        return text.replacingOccurrences(of: "\\r", with: "").replacingOccurrences(of: "\\n", with: "\n")
    }

    private static let base62 = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// `prefix_` + body + 6 base62 digits of CRC32(body) (GitHub and npm token formats).
    static func checksumValid(_ token: String) -> Bool {
        guard let underscore = token.firstIndex(of: "_") else { return false }
        let rest = Array(token[token.index(after: underscore)...].utf8)
        guard rest.count > 6 else { return false }
        let body = rest.dropLast(6)
        return String(decoding: rest.suffix(6), as: UTF8.self) == base62Encode(CRC32.checksum(body), width: 6)
    }

    /// Base62 digits of `value`, left-padded with `0` to `width`.
    public static func base62Encode(_ value: UInt32, width: Int) -> String {
        var value = value
        var digits: [Character] = []
        while value > 0 {
            digits.append(base62[Int(value % 62)])
            value /= 62
        }
        let text = String(digits.reversed())
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// An AWS access key id: a known prefix and 16 base32 characters, which encode the owning
    /// account (bits 7…46 of the first six decoded bytes).
    static func awsKeyID(_ key: String) -> Validation {
        let prefixes = ["AKIA", "ASIA", "ABIA", "ACCA"]
        guard key.count == 20, let prefix = prefixes.first(where: key.hasPrefix),
            let decoded = base32Decode(String(key.dropFirst(4))), decoded.count >= 6
        else {
            return Validation(isValid: false, note: "not an AWS key id structure")
        }
        let head = decoded.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let account = (head & 0x7FFF_FFFF_FF80) >> 7
        let kind = prefix == "ASIA" ? "temporary key, " : ""
        return Validation(isValid: true, note: kind + "account " + String(format: "%012llu", account))
    }

    /// RFC 4648 base32 without padding (A–Z, 2–7).
    static func base32Decode(_ text: String) -> [UInt8]? {
        var bits = 0, value = 0
        var out: [UInt8] = []
        for byte in text.utf8 {
            let digit: Int
            switch byte {
            case 65...90: digit = Int(byte) - 65
            case 50...55: digit = Int(byte) - 50 + 26
            default: return nil
            }
            value = (value << 5) | digit
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((value >> bits) & 0xFF))
            }
        }
        return out
    }

    /// Slack tokens: `xoxb-TEAM-BOT-SECRET`, `xoxp-TEAM-USER-ID-SECRET`: numeric ids that do not
    /// start with 0, and a secret of the documented length and alphabet.
    static func slackToken(_ token: String) -> Validation {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let idsValid: ([String]) -> Bool = { ids in
            ids.allSatisfy { !$0.isEmpty && !$0.hasPrefix("0") && $0.allSatisfy(\.isNumber) }
        }
        let valid: Bool
        switch parts.first {
        case "xoxb": valid = parts.count == 4 && idsValid(Array(parts[1...2])) && parts[3].count == 24
        case "xoxp", "xoxe": valid = parts.count == 5 && idsValid(Array(parts[1...3])) && parts[4].count == 32
        default: valid = false
        }
        return valid ? Validation(isValid: true) : Validation(isValid: false, note: "not a Slack token structure")
    }

    /// Base64 of `user:password`, both printable: what Docker's `auths` and HTTP Basic carry.
    /// The note names neither part: some providers put a token in the user name.
    static func basicCredentials(_ text: String) -> Validation {
        guard let data = Data(base64Encoded: text), let colon = data.firstIndex(of: UInt8(ascii: ":")),
            data.allSatisfy({ (0x20...0x7E).contains($0) }), colon > data.startIndex, colon < data.endIndex - 1
        else {
            return Validation(isValid: false, note: "does not decode to user:password")
        }
        return Validation(isValid: true, note: "decodes to user:password")
    }

    static func base64URLDecode(_ text: some StringProtocol) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
    }
}

/// JSON Web Tokens: three base64url parts, a header naming `alg`, and the payload's expiry.
enum JWTCheck {
    static func check(_ token: String, now: Date) -> Validation {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Validators.base64URLDecode(parts[0]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            let algorithm = header["alg"] as? String
        else {
            return Validation(isValid: false, note: "not a JWT structure")
        }
        if algorithm.lowercased() == "none" { return Validation(isValid: false, note: "unsigned JWT (alg none)") }
        guard let payloadData = Validators.base64URLDecode(parts[1]),
            let payload = try? JSONSerialization.jsonObject(with: payloadData) as? [String: Any]
        else {
            return Validation(isValid: true, note: "\(algorithm), payload not JSON")
        }
        guard let expiry = (payload["exp"] as? NSNumber)?.doubleValue else {
            return Validation(isValid: true, note: "\(algorithm), no expiry")
        }
        let date = Date(timeIntervalSince1970: expiry)
        let day = ISO8601DateFormatter.string(
            from: date, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
        return date < now
            ? Validation(isValid: true, note: "\(algorithm), expired \(day)", severity: .low)
            : Validation(isValid: true, note: "\(algorithm), expires \(day)")
    }
}

/// CRC-32 (IEEE 802.3), as used by GitHub and npm token checksums.
public enum CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The CRC-32 of `bytes`.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
