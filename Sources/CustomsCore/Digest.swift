import Crypto
import Foundation

/// A validated content digest (`sha256:<64 lowercase hex>`), parsed at the edge so that no
/// unvalidated digest string ever builds a path, URL or cache key.
public struct Digest: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The algorithm; only `sha256` is accepted.
    public let algorithm: String
    /// Lowercase hex of the hash.
    public let hex: String

    /// Parses `sha256:<hex>`; returns nil for anything else (uppercase, wrong length, `..`, other algorithms).
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "sha256" else { return nil }
        self.init(sha256Hex: String(parts[1]))
    }

    /// Builds a digest from 64 lowercase hex characters; nil otherwise.
    public init?(sha256Hex hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return nil
        }
        self.algorithm = "sha256"
        self.hex = hex
    }

    /// The digest an OCI layout blob path (`blobs/sha256/<hex>`) names; nil for any other path.
    public init?(blobPath path: String) {
        guard path.hasPrefix("blobs/sha256/") else { return nil }
        self.init(sha256Hex: String(path.dropFirst("blobs/sha256/".count)))
    }

    /// The digest of `data`.
    public static func of(_ data: Data) -> Digest {
        var hasher = StreamHasher()
        hasher.update(data)
        return hasher.finalize()
    }

    public var description: String { "\(algorithm):\(hex)" }
    /// First 12 hex characters, for people.
    public var short: String { String(hex.prefix(12)) }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = Digest(parsing: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "not a valid sha256 digest: \(text.prefix(80))"))
        }
        self = digest
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// An incremental SHA-256 over bytes as they stream past (blob digests and diffIDs).
public struct StreamHasher: Sendable {
    private var hasher = SHA256()
    /// Bytes hashed so far.
    public private(set) var byteCount: Int64 = 0

    public init() {}

    /// Adds a scoped buffer.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: buffer)
        byteCount += Int64(buffer.count)
    }

    /// Adds owned bytes.
    public mutating func update(_ data: Data) {
        hasher.update(data: data)
        byteCount += Int64(data.count)
    }

    /// The digest of everything added.
    public func finalize() -> Digest {
        Digest(sha256Hex: hasher.finalize().lowercaseHex)!
    }
}

extension Sequence<UInt8> {
    /// Lowercase hex, two characters per byte (digests, MACs, fingerprints, keys).
    public var lowercaseHex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
