/// An OCI or Docker media type. Open set: unknown values are kept, not rejected.
public struct MediaType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let ociIndex = MediaType("application/vnd.oci.image.index.v1+json")
    public static let ociManifest = MediaType("application/vnd.oci.image.manifest.v1+json")
    public static let ociConfig = MediaType("application/vnd.oci.image.config.v1+json")
    public static let ociLayer = MediaType("application/vnd.oci.image.layer.v1.tar")
    public static let ociLayerGzip = MediaType("application/vnd.oci.image.layer.v1.tar+gzip")
    public static let ociLayerZstd = MediaType("application/vnd.oci.image.layer.v1.tar+zstd")
    public static let dockerManifestList = MediaType("application/vnd.docker.distribution.manifest.list.v2+json")
    public static let dockerManifest = MediaType("application/vnd.docker.distribution.manifest.v2+json")
    public static let dockerConfig = MediaType("application/vnd.docker.container.image.v1+json")
    public static let dockerLayerGzip = MediaType("application/vnd.docker.image.rootfs.diff.tar.gzip")
    public static let dockerLayer = MediaType("application/vnd.docker.image.rootfs.diff.tar")
    public static let dockerForeignLayer = MediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip")
    public static let inToto = MediaType("application/vnd.in-toto+json")

    /// The compression a layer media type declares, or nil when it is not a layer type we read.
    public var declaredLayerCompression: Compression? {
        switch self {
        case .ociLayer, .dockerLayer, MediaType("application/vnd.oci.image.layer.nondistributable.v1.tar"):
            return Compression.none
        case .ociLayerGzip, .dockerLayerGzip, MediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"):
            return .gzip
        case .ociLayerZstd:
            return .zstd
        default:
            return nil
        }
    }
}

/// The compression of a layer blob, as sniffed from its first bytes.
public enum Compression: String, Sendable, Codable {
    case none, gzip, zstd

    /// Detects gzip (1f 8b) and zstd (28 b5 2f fd) magic; anything else is `none`.
    public static func sniff(_ prefix: some Collection<UInt8>) -> Compression {
        let bytes = Array(prefix.prefix(4))
        if bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b { return .gzip }
        if bytes.count >= 4, bytes == [0x28, 0xb5, 0x2f, 0xfd] { return .zstd }
        return .none
    }
}
