import CustomsCore
import Foundation

/// Private keys that parse as keys: PEM blocks whose body is the DER structure their label
/// promises (PKCS#1, PKCS#8, SEC 1, DSA), and OpenSSH `openssh-key-v1` containers. Encrypted
/// keys are recognised and reported as such, with a lower severity: the passphrase is still
/// needed to use them.
enum KeyStructure {
    /// Severity of a key that is encrypted at rest.
    static let encryptedSeverity = Severity.medium

    static func checkPEM(_ text: String) -> Validation {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first, first.hasPrefix("-----BEGIN "), first.hasSuffix("-----") else { return invalid }
        let label = String(first.dropFirst(11).dropLast(5))
        let headers = lines.dropFirst().prefix { $0.contains(":") }
        let body = lines.dropFirst(1 + headers.count).prefix { !$0.hasPrefix("-----END") }.joined()
        guard let der = Data(base64Encoded: body).map(Array.init), !der.isEmpty else { return invalid }
        if headers.contains(where: { $0.hasPrefix("Proc-Type:") && $0.contains("ENCRYPTED") }) {
            let cipher =
                headers.first { $0.hasPrefix("DEK-Info:") }?.dropFirst(9).split(separator: ",").first
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown cipher"
            return Validation(isValid: true, note: "encrypted key (\(cipher))", severity: encryptedSeverity)
        }
        guard let top = DER.element(der, at: 0), top.tag == 0x30, top.end == der.count else { return invalid }
        let children = DER.children(der, of: top)
        let tags = children.map(\.tag)
        if label == "ENCRYPTED PRIVATE KEY" {
            return tags == [0x30, 0x04]
                ? Validation(isValid: true, note: "encrypted key (PKCS#8)", severity: encryptedSeverity) : invalid
        }
        guard tags.first == 0x02 else { return invalid }
        if tags.count >= 9, tags.prefix(9).allSatisfy({ $0 == 0x02 }) {
            let modulus = der[children[1].content].drop { $0 == 0 }
            return Validation(isValid: true, note: "RSA \(modulus.count * 8)-bit key")
        }
        if tags.count >= 3, tags[1] == 0x30, tags[2] == 0x04 {
            let algorithm = DER.children(der, of: children[1]).first.map { Array(der[$0.content]) } ?? []
            return Validation(
                isValid: true, note: (DER.algorithmNames[algorithm] ?? "unknown algorithm") + " key (PKCS#8)")
        }
        if tags.count >= 2, tags[1] == 0x04 { return Validation(isValid: true, note: "EC key") }
        if tags.count == 6, tags.allSatisfy({ $0 == 0x02 }) { return Validation(isValid: true, note: "DSA key") }
        return invalid
    }

    static func checkOpenSSH(_ text: String) -> Validation {
        let body = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.hasPrefix("-----") }.joined()
        guard let bytes = Data(base64Encoded: body).map(Array.init) else { return invalid }
        let magic = Array("openssh-key-v1\0".utf8)
        guard bytes.starts(with: magic) else { return invalid }
        var reader = SSHReader(data: bytes, position: magic.count)
        guard let cipher = reader.string(), let kdf = reader.string(), reader.string() != nil,
            let count = reader.uint32(), (1...16).contains(count)
        else { return invalid }
        var keyType = "unknown type"
        for index in 0..<count {
            guard let publicKey = reader.field() else { return invalid }
            var inner = SSHReader(data: publicKey)
            if index == 0, let name = inner.string() { keyType = name }
        }
        guard reader.field() != nil else { return invalid }
        if cipher != "none" {
            return Validation(
                isValid: true, note: "encrypted \(keyType) key (\(cipher), \(kdf))", severity: encryptedSeverity)
        }
        return Validation(isValid: true, note: "\(keyType) key")
    }

    private static let invalid = Validation(isValid: false, note: "does not decode as a key")
}

/// Just enough DER to walk a key's outer structure.
enum DER {
    struct Element {
        var tag: UInt8
        var content: Range<Int>
        var end: Int { content.upperBound }
    }

    /// The TLV element at `offset`, or nil when it does not fit in `bytes`.
    static func element(_ bytes: [UInt8], at offset: Int) -> Element? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        var length = Int(bytes[offset + 1])
        var start = offset + 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard (1...4).contains(count), start + count <= bytes.count else { return nil }
            length = bytes[start..<(start + count)].reduce(0) { $0 << 8 | Int($1) }
            start += count
        }
        guard start + length <= bytes.count else { return nil }
        return Element(tag: tag, content: start..<(start + length))
    }

    /// The elements directly inside `parent`; empty when they do not tile its content exactly.
    static func children(_ bytes: [UInt8], of parent: Element) -> [Element] {
        var result: [Element] = []
        var offset = parent.content.lowerBound
        while offset < parent.end {
            guard let child = element(bytes, at: offset), child.end <= parent.end else { return [] }
            result.append(child)
            offset = child.end
        }
        return result
    }

    /// Algorithm OIDs (content bytes) of PKCS#8 keys.
    static let algorithmNames: [[UInt8]: String] = [
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]: "RSA",
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]: "RSA-PSS",
        [0x2B, 0x65, 0x71]: "Ed448",
        [0x2B, 0x65, 0x6F]: "X448",
        [0x2A, 0x85, 0x03, 0x02, 0x02, 0x13]: "GOST R 34.10-2001",
        [0x2A, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x01]: "GOST R 34.10-2012 (256-bit)",
        [0x2A, 0x85, 0x03, 0x07, 0x01, 0x01, 0x01, 0x02]: "GOST R 34.10-2012 (512-bit)",
        [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]: "EC",
        [0x2B, 0x65, 0x70]: "Ed25519",
        [0x2B, 0x65, 0x6E]: "X25519",
        [0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01]: "DSA",
    ]
}

/// SSH wire-format fields (RFC 4251 §5): big-endian uint32 and length-prefixed strings.
struct SSHReader {
    var data: [UInt8]
    var position = 0

    mutating func uint32() -> Int? {
        guard position + 4 <= data.count else { return nil }
        defer { position += 4 }
        return data[position..<(position + 4)].reduce(0) { $0 << 8 | Int($1) }
    }

    mutating func field() -> [UInt8]? {
        guard let length = uint32(), position + length <= data.count else { return nil }
        defer { position += length }
        return Array(data[position..<(position + length)])
    }

    mutating func string() -> String? { field().map { String(decoding: $0, as: UTF8.self) } }
}
