import CustomsCore
import Foundation

/// Budgets that bound the time one layer can take. Hitting one is reported as incomplete
/// coverage for that file or layer; it never stops the rest of the scan.
public struct WalkLimits: Sendable {
    /// Bytes scanned per file; the rest of a larger file is skipped and reported.
    public var maxFileBytes: Int64 = 1 << 30
    /// Uncompressed bytes read per layer (decompression bombs).
    public var maxLayerBytes: Int64 = 64 << 30
    /// The largest zstd window decoded, as log2 bytes (libzstd's default, 128 MiB): bounds the memory
    /// one zstd layer can demand. A layer needing more is reported, not read. Not part of the cache
    /// profile: a refused layer is incomplete, so never stored.
    public var maxZstdWindowLog = 27
    /// Entries per layer.
    public var maxEntries = 5_000_000
    /// Archives opened inside archives: 1 reads `app.jar`, 2 also the jars inside it, and so on.
    /// Deeper archives are scanned as plain bytes and reported as incomplete coverage. The byte
    /// budget (`maxNestedBytes`) bounds the work whatever the depth.
    public var maxNestedDepth = 4
    /// Uncompressed bytes read from the archives inside one layer file (zip bombs).
    public var maxNestedBytes: Int64 = 4 << 30
    /// When the whole run must end (`--timeout`): a walk still going then stops, incomplete (so it
    /// is never stored). Not part of the cache profile.
    public var deadline: Date?

    public init() {}

    /// True once `deadline` has passed.
    public var expired: Bool { deadline.map { Date() >= $0 } ?? false }

    /// The diagnostic of work left undone at the deadline.
    public static func timeLimitReached(_ what: String) -> ScanDiagnostic {
        ScanDiagnostic(code: .timeLimit, message: "the --timeout was reached; \(what)", incomplete: true)
    }
}
