import CustomsArchive
import CustomsCore
import Foundation

/// A layout whose blobs can be opened one by one, in any order and at once (an OCI directory, a
/// registry), so its layers can be walked in parallel after the documents are resolved.
public protocol BlobLayout: LayoutFiles {
    /// A stream of the blob at `path`, capped at `size + 1` bytes when the size is declared.
    func openBlob(_ path: String, size: Int64?) throws -> ByteSource
    /// True when a blob's digest names its content without reading it (a registry, whose
    /// clients all verify what they pull), so a cached result may be used without a download.
    var digestsAreTrusted: Bool { get }
    /// The host file holding the blob at `path` when it is one whole local file (its identity
    /// lets a blob verified before go unread while the file is unchanged); nil elsewhere.
    func localFile(_ path: String) -> String?
    /// In-toto statements attached to the image manifest `digest` from outside its index (the
    /// OCI referrers API); empty where the source has no such thing.
    /// - Throws: when the source offers referrers but they cannot be read.
    func referrerStatements(of digest: Digest) throws -> [Data]
}

extension BlobLayout {
    public func localFile(_ path: String) -> String? { nil }
    public func referrerStatements(of digest: Digest) throws -> [Data] { [] }
}

/// Images that are not local paths (registry references). The scan asks it about every target
/// that is not an existing path; the network code lives behind it, outside the scan.
public protocol RemoteImageSource: Sendable {
    /// The targets `target` stands for (every tag of a repository with `--all-tags`, else itself).
    /// - Throws: when the list cannot be fetched.
    func expand(_ target: String) throws -> [String]
    /// The layout of the image `target` names; nil when `target` is not a remote reference.
    /// - Throws: when it is one but cannot be fetched (the message says why and what to do).
    func layout(for target: String) throws -> BlobLayout?
}
