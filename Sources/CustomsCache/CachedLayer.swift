import CustomsCore
import CustomsDetect
import CustomsWalker
import Foundation

/// A layer record as stored: every secret replaced by its fingerprint and redaction.
public struct CachedLayer: Codable, Sendable {
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

    var digest: Digest
    var diffID: Digest?
    var compressedSize: Int64
    var uncompressedSize: Int64
    var compression: Compression
    var fileCount: Int
    /// Every change as a kind letter and its path, ended by NUL (which no entry name can hold);
    /// a hardlink's target follows as one more NUL-ended field. One blob (base64 in the JSON,
    /// which decodes without unescaping every NUL) is far faster than an array per entry.
    var changes: Data
    var matches: [Match]
    var warnings: [ScanDiagnostic]

    /// The record of a complete walk as stored; nil when it has no digest (it was not read to its end).
    public init?(_ record: LayerRecord, key: FingerprintKey) {
        guard let digest = record.digest else { return nil }
        self.digest = digest
        diffID = record.diffID
        compressedSize = record.compressedSize
        uncompressedSize = record.uncompressedSize
        compression = record.compression
        fileCount = record.fileCount
        warnings = record.diagnostics
        var encoded = ""
        for change in record.changes.changes {
            switch change {
            case .file(let path): encoded += "f\(path.value)\0"
            case .directory(let path): encoded += "d\(path.value)\0"
            case .symlink(let path): encoded += "l\(path.value)\0"
            case .hardlink(let name, let target): encoded += "h\(name.value)\0\(target.value)\0"
            case .other(let path): encoded += "o\(path.value)\0"
            case .whiteout(let path): encoded += "w\(path.value)\0"
            case .opaque(let directory): encoded += "q\(directory.value)\0"
            }
        }
        changes = Data(encoded.utf8)
        matches = record.matches.map { item in
            Match(
                path: item.path.value, entryIndex: item.entryIndex, nestedPath: item.nestedPath,
                rule: item.match.rule.id.rawValue, name: item.match.rule.name,
                severity: item.match.rule.severity, confidence: item.match.rule.confidence, note: item.match.rule.note,
                fingerprint: item.match.secret.fingerprint(rule: item.match.rule.id, key: key),
                redacted: item.match.secret.redacted,
                offset: item.match.offset, line: item.match.line, column: item.match.column)
        }
    }

    /// The record again, secrets restored as fingerprints; nil when an entry is malformed.
    public var record: LayerRecord? {
        var record = LayerRecord()
        record.digest = digest
        record.diffID = diffID
        record.compressedSize = compressedSize
        record.uncompressedSize = uncompressedSize
        record.compression = compression
        record.fileCount = fileCount
        record.diagnostics = warnings
        var restored: [LayerChanges.Change] = []
        // Split on bytes: splitting a String on a Character walks grapheme clusters, far slower.
        let bytes = [UInt8](changes)
        var fields = bytes.split(separator: 0, omittingEmptySubsequences: false).makeIterator()
        while let field = fields.next(), let kind = field.first {
            let path = ImagePath(normalized: String(decoding: field.dropFirst(), as: UTF8.self))
            switch kind {
            case UInt8(ascii: "f"): restored.append(.file(path))
            case UInt8(ascii: "d"): restored.append(.directory(path))
            case UInt8(ascii: "l"): restored.append(.symlink(path))
            case UInt8(ascii: "h"):
                guard let target = fields.next() else { return nil }
                restored.append(
                    .hardlink(name: path, target: ImagePath(normalized: String(decoding: target, as: UTF8.self))))
            case UInt8(ascii: "o"): restored.append(.other(path))
            case UInt8(ascii: "w"): restored.append(.whiteout(path))
            case UInt8(ascii: "q"): restored.append(.opaque(directory: path))
            default: return nil
            }
        }
        record.changes = LayerChanges(restored)
        record.matches = matches.map { item in
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
