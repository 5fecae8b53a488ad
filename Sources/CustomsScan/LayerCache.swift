import CustomsArchive
import CustomsCore
import CustomsDetect
import CustomsImage
import CustomsWalker
import Foundation

/// Results of scanning a layer, kept on disk so a layer seen before (a shared base layer, an
/// unchanged image) costs only a digest check. Keyed by the layer's diffID (its uncompressed
/// content, so the results serve the layer in any compression: a registry's gzip blob, the plain
/// tar of a `docker save`), the rule set, the budgets and the customs version. Entries hold
/// fingerprints and redactions, never secrets.
/// One file per entry, written to a temporary name and renamed, so concurrent runs are safe: a
/// reader sees a whole entry or none.
public struct LayerCache: Sendable {
    public let directory: URL
    /// Everything besides the diffID that changes what a scan of the layer finds.
    private let salt: String
    /// Local blobs known to match their digest while their file is unchanged.
    let verified: VerifiedBlobs

    /// - Parameters:
    ///   - directory: created when missing.
    ///   - rulesHash: `RuleSet.contentHash` of the rules in use.
    public init(directory: URL, rulesHash: String, limits: WalkLimits) {
        self.directory = directory
        verified = VerifiedBlobs(directory: directory.appendingPathComponent("verified"))
        salt = "customs-layer-cache-v5|\(CustomsVersion.current)|\(rulesHash)|\(limits.maxFileBytes)|\(limits.maxLayerBytes)|\(limits.maxEntries)|\(limits.maxNestedDepth)|\(limits.maxNestedBytes)"
    }

    /// `$XDG_CACHE_HOME/customs`, else `~/.cache/customs`.
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let base = environment["XDG_CACHE_HOME"], !base.isEmpty {
            return URL(fileURLWithPath: base).appendingPathComponent("customs")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/customs")
    }

    private func file(for digest: Digest, kind: String = "layer") -> URL {
        let key = Digest.of(Data("\(salt)|\(kind)|\(digest)".utf8)).hex
        return directory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + ".json")
    }

    /// The cached record of `layer`'s diffID, if one exists and `bytes` really hash to the
    /// layer's blob digest (the blob is read and hashed, not decompressed or scanned). `bytes` is
    /// nil where the blob is known good (a registry's digests are trusted; a local file unchanged
    /// since it was verified): then no byte is read. Results cached from the same content in
    /// another compression are given this blob's digest, size and compression; the manifest's
    /// pairing of blob and diffID is trusted, as every runtime refuses an image that breaks it.
    func lookup(_ layer: DeclaredLayer, bytes: (() throws -> ByteSource)?) -> LayerRecord? {
        guard let blob = layer.digest, let diffID = layer.diffID, var record = entry(diffID) else { return nil }
        var blobSize = layer.size
        if let bytes {
            guard let source = try? bytes(), let (digest, count) = Self.digest(of: source), digest == blob else { return nil }
            blobSize = count
        }
        if record.digest != blob {
            // Another blob of the same content: a plain tar is its own diffID; a compressed one is
            // what its media type says (unknown: scan it rather than guess).
            guard let compression = blob == diffID ? Compression.none : layer.compression else { return nil }
            BlobFacts(diffID: diffID, compression: compression, size: blob == diffID ? record.uncompressedSize : blobSize ?? 0)
                .describe(blob, in: &record)
        }
        return record
    }

    /// For a stream, which meets a blob before the config that gives its diffID: the cached
    /// record of the blob named `digest` (`blobs/sha256/<hex>`), found through what an earlier
    /// walk of that very blob recorded, if `bytes` hash to `digest`. When they do not, the blob
    /// is already consumed unscanned: the record then says so, and the run is incomplete.
    /// Nil, with nothing read, when the cache knows no such blob.
    func streamedRecord(named digest: Digest, bytes: ByteSource) -> LayerRecord? {
        guard let data = try? Data(contentsOf: file(for: digest, kind: "blob")),
              let facts = try? JSONDecoder().decode(BlobFacts.self, from: data),
              var record = entry(facts.diffID) else { return nil }
        guard let (actual, count) = Self.digest(of: bytes) else {
            return .unreadable("blob \(digest) could not be read to its end; not scanned")
        }
        guard actual == digest else {
            var unscanned = LayerRecord()
            unscanned.digest = actual
            unscanned.compressedSize = count
            unscanned.diagnostics = [ScanDiagnostic(code: .digestMismatch,
                message: "blob named \(digest) hashes to \(actual) and was not scanned (the layer cache held the named blob's results); run with --no-cache to scan these bytes",
                incomplete: true)]
            return unscanned
        }
        facts.describe(digest, in: &record)
        return record
    }

    /// Keeps a complete record under its computed diffID, and what its blob was under its
    /// digest; incomplete ones are never cached.
    func store(_ record: LayerRecord) {
        guard let diffID = record.diffID, let digest = record.digest, record.isComplete,
              let data = try? JSONEncoder().encode(CachedLayer(record)),
              let facts = try? JSONEncoder().encode(BlobFacts(diffID: diffID, compression: record.compression, size: record.compressedSize))
        else { return }
        Self.write(data, to: file(for: diffID))
        Self.write(facts, to: file(for: digest, kind: "blob"))
    }

    private func entry(_ diffID: Digest) -> LayerRecord? {
        guard let data = try? Data(contentsOf: file(for: diffID)) else { return nil }
        return (try? JSONDecoder().decode(CachedLayer.self, from: data))?.record
    }

    /// Reads `source` to its end: its digest and length; nil when it cannot be read.
    private static func digest(of source: ByteSource) -> (Digest, Int64)? {
        var hasher = StreamHasher()
        guard (try? source.drain { hasher.update($0) }) != nil else { return nil }
        let count = hasher.byteCount
        return (hasher.finalize(), count)
    }

    /// Writes `data` under a temporary name and renames it to `target` (creating its folder), so
    /// a concurrent reader sees the whole file or none. Owner-only permissions.
    static func write(_ data: Data, to target: URL) {
        let folder = target.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = folder.appendingPathComponent(".\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600]) else { return }
        if rename(temporary.path, target.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }
}

/// What a walk learned about a blob besides its content: kept under the blob's digest.
struct BlobFacts: Codable {
    var diffID: Digest
    var compression: Compression
    var size: Int64

    /// Gives `record` (the results of this blob's content) the identity of the blob `digest`.
    func describe(_ digest: Digest, in record: inout LayerRecord) {
        record.digest = digest
        record.compression = compression
        record.compressedSize = size
    }
}

/// What the manifests say about a layer blob, all the cache needs to find its results.
struct DeclaredLayer: Sendable {
    /// The blob's digest (for a legacy docker-save layer, which has none, its diffID: the blob
    /// is the plain tar).
    var digest: Digest?
    var diffID: Digest?
    var size: Int64?
    /// From the media type; nil when it does not say.
    var compression: Compression?

    init(_ layer: LayerPlan) {
        digest = layer.digest ?? layer.expectedDiffID
        diffID = layer.expectedDiffID
        size = layer.size
        compression = layer.mediaType?.declaredLayerCompression
    }
}

/// A layer record as stored: every secret replaced by its fingerprint and redaction.
struct CachedLayer: Codable {
    struct Match: Codable {
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

    init(_ record: LayerRecord) {
        digest = record.digest!
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
            Match(path: item.path.value, entryIndex: item.entryIndex, nestedPath: item.nestedPath, rule: item.match.rule.id.rawValue, name: item.match.rule.name,
                  severity: item.match.rule.severity, confidence: item.match.rule.confidence, note: item.match.rule.note,
                  fingerprint: item.match.secret.fingerprint(rule: item.match.rule.id), redacted: item.match.secret.redacted,
                  offset: item.match.offset, line: item.match.line, column: item.match.column)
        }
    }

    /// The record again, secrets restored as fingerprints; nil when an entry is malformed.
    var record: LayerRecord? {
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
                restored.append(.hardlink(name: path, target: ImagePath(normalized: String(decoding: target, as: UTF8.self))))
            case UInt8(ascii: "o"): restored.append(.other(path))
            case UInt8(ascii: "w"): restored.append(.whiteout(path))
            case UInt8(ascii: "q"): restored.append(.opaque(directory: path))
            default: return nil
            }
        }
        record.changes = LayerChanges(restored)
        record.matches = matches.map { item in
            FileMatch(path: ImagePath(normalized: item.path), entryIndex: item.entryIndex, nestedPath: item.nestedPath, match: ContentMatch(
                rule: RuleSummary(id: RuleID(item.rule), name: item.name, severity: item.severity, confidence: item.confidence,
                                  note: item.note),
                secret: Secret(restoredFingerprint: item.fingerprint, redacted: item.redacted),
                offset: item.offset, line: item.line, column: item.column))
        }
        return record
    }
}
