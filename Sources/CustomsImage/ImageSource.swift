import CustomsArchive
import CustomsCore
import Foundation

/// Anything a user can name as a scan target (an archive, a stream, an OCI directory, a
/// registry reference, a root filesystem). A source knows how its bytes are laid out and in
/// which order they can be read; it resolves its images and hands every layer blob to a
/// `LayerReading`, which decides (cache or walk) what the blob's record is. The scan never
/// asks what kind of source it holds.
public protocol ImageSource {
    /// The target as the user named it (used for names and messages).
    var target: String { get }

    /// Resolves the source's images (one per platform; only `platform` when given) and reads
    /// the layers they need through `reader`.
    /// - Throws: `ImageError` (or the source's own error) when the source as a whole is unusable.
    func images<Reader: LayerReading>(platform: Platform?, reader: Reader) throws -> ResolvedImages<Reader.Layer>
}

/// What the scan does with layer blobs, as a source offers them: once as they stream past, or
/// on demand (then possibly in parallel), or as a directory tree.
public protocol LayerReading: Sendable {
    /// What reading one layer blob yields.
    associatedtype Layer

    /// A blob that streams past now and never again. `named` is the digest its archive path
    /// names (`blobs/sha256/<hex>`), when it names one: a claim to check, not a fact.
    func read(streamed bytes: ByteSource, named: Digest?) -> Layer
    /// Blobs that can be opened at will, each once or more; the result is keyed by `BlobHandle.key`.
    func read(blobs: [BlobHandle]) -> [String: Layer]
    /// A plain directory tree, read as one layer.
    func read(directory: URL) -> Layer
    /// Told what a source expects to read before it reads (nil: unknown).
    func expect(bytes: Int64?, layers: Int?)
    /// Wraps every byte source a source opens (to count progress).
    func observe(_ source: ByteSource) -> ByteSource
}

/// A source's images, each with one layer result per layer of its plan (nil where the blob is
/// missing or unsupported), and the problems that belong to the source rather than one image.
public struct ResolvedImages<Layer> {
    public var images: [(plan: ImagePlan, layers: [Layer?])]
    public var diagnostics: [ScanDiagnostic]

    public init(images: [(plan: ImagePlan, layers: [Layer?])], diagnostics: [ScanDiagnostic]) {
        self.images = images
        self.diagnostics = diagnostics
    }
}

/// What the manifests say about a layer blob: all a cache needs to find the blob's results.
public struct DeclaredBlob: Sendable, Hashable {
    /// The blob's digest (for a legacy docker-save layer, which declares none, its diffID: the
    /// blob is the plain tar).
    public var digest: Digest?
    public var diffID: Digest?
    public var size: Int64?
    /// From the media type; nil when it does not say.
    public var compression: Compression?

    public init(digest: Digest?, diffID: Digest?, size: Int64?, compression: Compression?) {
        self.digest = digest
        self.diffID = diffID
        self.size = size
        self.compression = compression
    }

    public init(_ layer: LayerPlan) {
        self.init(
            digest: layer.digest ?? layer.expectedDiffID, diffID: layer.expectedDiffID, size: layer.size,
            compression: layer.mediaType?.declaredLayerCompression)
    }
}

/// How far a source's blob bytes can be trusted to match the digest that names them without
/// reading them: what decides whether a cached result may be used unread.
public enum BlobTrust: Sendable, Hashable {
    /// Every read is verified against the digest by the source's own protocol (a registry's
    /// content-addressed blobs): a cached result may be used without reading a byte.
    case contentAddressed
    /// The blob is a region of a local file: known good while the file is unchanged since its
    /// bytes last hashed to the digest.
    case localFile(path: String, offset: Int64)
    /// Nothing known: the bytes are hashed before a cached result is used.
    case unverified
}

/// A layer blob that can be opened on demand, as often as needed.
public struct BlobHandle: Sendable {
    /// The blob's path in its source (unique within one `read(blobs:)` call).
    public var key: String
    public var declared: DeclaredBlob
    public var trust: BlobTrust
    /// A fresh stream of the blob's bytes (capped at its declared size + 1).
    public var open: @Sendable () throws -> ByteSource

    public init(
        key: String, declared: DeclaredBlob, trust: BlobTrust, open: @escaping @Sendable () throws -> ByteSource
    ) {
        self.key = key
        self.declared = declared
        self.trust = trust
        self.open = open
    }
}
