import CustomsCore
import CustomsDetect
import CustomsWalker
import Foundation

/// A layer record as stored: every secret replaced by its fingerprint and redaction. Stored as
/// the changes' own encoding followed by a JSON header and its length, so a layer of a million
/// entries is written from and read into one buffer, never copied or escaped entry by entry.
public struct CachedLayer: Sendable {
    struct Match: Codable, Sendable {
        var path: String
        var entryIndex: Int
        var nestedPath: String?
        var rule: String
        var name: String
        var severity: Severity
        var confidence: Confidence
        var note: String?
        var fingerprint: String
        var redacted: String
        var offset: Int64
        var line: Int
        var column: Int
    }

    /// Everything but the changes.
    struct Header: Codable, Sendable {
        var format = CachedLayer.format
        var digest: Digest
        var diffID: Digest?
        var compressedSize: Int64
        var uncompressedSize: Int64
        var compression: Compression
        var fileCount: Int
        var matches: [Match]
        var warnings: [ScanDiagnostic]
    }

    static let format = "customs-layer-v8"
    var header: Header
    var changes: LayerChanges

    /// The record of a complete walk as stored; nil when it has no digest (it was not read to its end).
    public init?(_ record: LayerRecord, key: FingerprintKey) {
        guard let digest = record.digest else { return nil }
        changes = record.changes
        header = Header(
            digest: digest, diffID: record.diffID, compressedSize: record.compressedSize,
            uncompressedSize: record.uncompressedSize, compression: record.compression, fileCount: record.fileCount,
            matches: record.matches.map { item in
                Match(
                    path: item.path.value, entryIndex: item.entryIndex, nestedPath: item.nestedPath,
                    rule: item.match.rule.id.rawValue, name: item.match.rule.name,
                    severity: item.match.rule.severity, confidence: item.match.rule.confidence,
                    note: item.match.rule.note,
                    fingerprint: item.match.secret.fingerprint(rule: item.match.rule.id, key: key),
                    redacted: item.match.secret.redacted,
                    offset: item.match.offset, line: item.match.line, column: item.match.column)
            },
            warnings: record.diagnostics)
    }

    /// The stored form, in two parts to write one after the other: the changes' encoding (shared,
    /// not copied), then the JSON header and its length as 8 bytes, little-endian.
    public var encoded: (changes: [UInt8], header: [UInt8]) {
        var header = (try? JSONEncoder().encode(self.header)).map { [UInt8]($0) } ?? []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { header += $0 }
        return (changes.encoded, header)
    }

    /// Reads the stored form back, taking its buffer (left empty) for the changes; nil when it is malformed.
    public init?(taking bytes: inout [UInt8]) {
        guard bytes.count >= 8 else { return nil }
        let length = bytes.suffix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard length <= bytes.count - 8 else { return nil }
        let headerStart = bytes.count - 8 - Int(length)
        guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[headerStart..<(bytes.count - 8)])),
            header.format == Self.format
        else { return nil }
        bytes.removeSubrange(headerStart...)
        var taken: [UInt8] = []
        swap(&taken, &bytes)
        guard let changes = LayerChanges(encoded: taken) else { return nil }
        self.header = header
        self.changes = changes
    }

    /// The record again, secrets restored as fingerprints.
    public var record: LayerRecord {
        var record = LayerRecord()
        record.digest = header.digest
        record.diffID = header.diffID
        record.compressedSize = header.compressedSize
        record.uncompressedSize = header.uncompressedSize
        record.compression = header.compression
        record.fileCount = header.fileCount
        record.diagnostics = header.warnings
        record.changes = changes
        record.matches = header.matches.map { item in
            FileMatch(
                path: ImagePath(normalized: item.path), entryIndex: item.entryIndex, nestedPath: item.nestedPath,
                match: ContentMatch(
                    rule: RuleSummary(
                        id: RuleID(item.rule), name: item.name, severity: item.severity, confidence: item.confidence,
                        note: item.note),
                    secret: .restored(fingerprint: item.fingerprint, redacted: item.redacted),
                    offset: item.offset, line: item.line, column: item.column))
        }
        return record
    }
}
