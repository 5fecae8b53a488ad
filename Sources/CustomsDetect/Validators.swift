import CustomsRules
import Foundation

/// Offline structure checks for token formats that carry one (checksums, JSON headers).
public enum Validators {
    /// True when `bytes` passes `validator`'s structural check.
    public static func check(_ validator: Validator, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        switch validator {
        case .githubChecksum, .npmChecksum: return checksumValid(text)
        case .jwt: return jwtValid(text)
        }
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

    /// Three base64url parts whose header decodes to a JSON object naming `alg`.
    static func jwtValid(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = base64URLDecode(String(parts[0])),
              let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else { return false }
        return object["alg"] is String
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard)
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
