import CustomsArchive
import CustomsCore
import Foundation

/// An OCI image layout directory (`oci-layout`, `index.json`, `blobs/`) read with random access.
/// Only regular files are read, never through a symlink, and a blob is read to at most its
/// declared size plus one byte.
public struct OCIDirectory: BlobStore {
    public let root: URL
    public let target: String

    public init(root: URL, target: String? = nil) {
        self.root = root
        self.target = target ?? root.path
    }

    /// Local files can change after they were cached: a cached result is used only after the
    /// blob is hashed again, or its file is known unchanged since it was.
    public func trust(of path: String) -> BlobTrust {
        (try? hostPath(path)).map { .localFile(path: $0, offset: 0) } ?? .unverified
    }

    /// True when `url` is a directory holding `oci-layout` or `index.json`.
    public static func isLayout(_ url: URL) -> Bool {
        let manager = FileManager.default
        return manager.fileExists(atPath: url.appendingPathComponent("oci-layout").path)
            || manager.fileExists(atPath: url.appendingPathComponent("index.json").path)
    }

    private func hostPath(_ path: String) throws -> String {
        let safe = try LayoutPath.safe(path, in: "the layout")
        return root.appendingPathComponent(safe).path
    }

    /// Opens `path` inside the layout component by component: no link on the way is followed.
    private func open(_ path: String, limit: Int64?) throws -> FileByteSource {
        try FileByteSource(root: root.path, relativePath: try LayoutPath.safe(path, in: "the layout"), limit: limit)
    }

    public func document(_ path: String) throws -> Data? {
        let host = try hostPath(path)
        guard
            FileManager.default.fileExists(atPath: host)
                || (try? FileManager.default.destinationOfSymbolicLink(atPath: host)) != nil
        else {
            return nil
        }
        do {
            return try open(path, limit: Int64(JSONDocument.maxBytes) + 1).readAll(limit: JSONDocument.maxBytes)
        } catch {
            throw ImageError(.unreadable, "\(path) in the OCI layout cannot be read safely: \(error)")
        }
    }

    public func contains(_ path: String) -> Bool {
        (try? open(path, limit: 0)) != nil
    }

    /// A stream of the blob at `path`, capped at `size + 1` bytes when the size is declared.
    public func openBlob(_ path: String, size: Int64?) throws -> ByteSource {
        try open(path, limit: size.map { $0 + 1 })
    }
}
