import CustomsCore

/// One scanned image (one platform) and its layer table.
public struct ImageSummary: Sendable {
    /// The target the user named (path or `-`).
    public var target: String
    public var name: String
    public var manifestDigest: Digest?
    public var configDigest: Digest?
    public var platform: Platform?
    /// Base layer first.
    public var layers: [LayerSummary]

    public init(
        target: String, name: String, manifestDigest: Digest?, configDigest: Digest?, platform: Platform?,
        layers: [LayerSummary]
    ) {
        self.target = target
        self.name = name
        self.manifestDigest = manifestDigest
        self.configDigest = configDigest
        self.platform = platform
        self.layers = layers
    }
}

/// One layer of an image as scanned.
public struct LayerSummary: Sendable {
    /// 0-based, base layer first.
    public var index: Int
    public var digest: Digest?
    public var diffID: Digest?
    public var mediaType: MediaType?
    public var compression: Compression?
    public var compressedSize: Int64
    public var uncompressedSize: Int64
    public var createdBy: String?
    public var fileCount: Int
    /// False when the layer was missing, unsupported or not read to its end.
    public var complete: Bool
    /// True when the layer's results came from the layer cache (its blob was checked against its
    /// digest, not scanned).
    public var fromCache: Bool

    public init(
        index: Int, digest: Digest?, diffID: Digest?, mediaType: MediaType?, compression: Compression?,
        compressedSize: Int64, uncompressedSize: Int64, createdBy: String?, fileCount: Int, complete: Bool,
        fromCache: Bool
    ) {
        self.index = index
        self.digest = digest
        self.diffID = diffID
        self.mediaType = mediaType
        self.compression = compression
        self.compressedSize = compressedSize
        self.uncompressedSize = uncompressedSize
        self.createdBy = createdBy
        self.fileCount = fileCount
        self.complete = complete
        self.fromCache = fromCache
    }
}

extension ImageSummary {
    /// How many of `findings` have a place in this image (and platform).
    public func findingCount(in findings: [Finding]) -> Int {
        findings.filter { finding in finding.locations.contains { $0.image == name && $0.platform == platform } }.count
    }

    /// True when every layer was read whole and none of `diagnostics` (those that may concern it:
    /// its own, and its target's when they name no image) leaves it incomplete.
    public func isComplete(given diagnostics: [ScanDiagnostic]) -> Bool {
        layers.allSatisfy(\.complete) && !diagnostics.contains { $0.incomplete && ($0.image ?? name) == name }
    }
}
