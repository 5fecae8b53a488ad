import CustomsCore
import CustomsDetect

/// Everything one pass over a layer blob learned: its digests, what it changes, and the
/// secrets in its files. A plain value, independent of which image (or images) use the layer.
public struct LayerRecord: Sendable {
    /// sha256 of the blob bytes as stored; nil when the blob could not be read to its end.
    public var digest: Digest?
    public var compressedSize: Int64 = 0
    /// sha256 of the uncompressed tar; nil when it could not be read to its end.
    public var diffID: Digest?
    public var uncompressedSize: Int64 = 0
    /// Compression detected from the bytes.
    public var compression: Compression = .none
    public var changes = LayerChanges()
    public var matches: [FileMatch] = []
    /// Problems in this layer; layer and image fields are filled in by the scan.
    public var diagnostics: [ScanDiagnostic] = []
    /// Files scanned.
    public var fileCount = 0
    /// True when this record came from the layer cache instead of a walk.
    public var fromCache = false

    public init() {}

    /// A record for a blob that could not even be opened: nothing scanned, one diagnostic saying why.
    public static func unreadable(_ message: String) -> LayerRecord {
        var record = LayerRecord()
        record.diagnostics.append(ScanDiagnostic(code: .readError, message: message, incomplete: true))
        return record
    }

    /// True when every byte was read and scanned.
    public var isComplete: Bool { !diagnostics.contains(where: \.incomplete) }
}

/// A content match in a named file of a layer.
public struct FileMatch: Sendable, Hashable {
    public var path: ImagePath
    /// Index of the file's entry in `LayerChanges` (tells duplicate paths apart).
    public var entryIndex: Int
    /// The file inside an archive at `path` (`BOOT-INF/lib/db.jar!/db.properties`), if any.
    public var nestedPath: String?
    public var match: ContentMatch

    public init(path: ImagePath, entryIndex: Int, nestedPath: String? = nil, match: ContentMatch) {
        self.path = path
        self.entryIndex = entryIndex
        self.nestedPath = nestedPath
        self.match = match
    }
}
