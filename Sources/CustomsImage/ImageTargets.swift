import CustomsArchive
import CustomsCore
import Foundation

/// Turns what a user typed into the image source it names: `-` is standard input, a directory
/// is an OCI layout (with `oci-layout` or `index.json`) or else a root filesystem, a file is an
/// image archive, and anything else is asked of the remote source (the local engine, a registry).
/// The containers/image transport prefixes for local files are understood too:
/// `docker-archive:PATH`, `oci-archive:PATH` (archive files) and `oci:DIR` (an OCI layout).
public enum ImageTargets {
    /// Prefixes naming a local archive file.
    static let archiveTransports = ["docker-archive:", "oci-archive:"]
    /// The prefix naming an OCI layout directory.
    static let layoutTransport = "oci:"

    /// - Parameters:
    ///   - remote: resolves targets that are not local paths; nil for local paths only.
    ///   - parallel: true when layers may be read at once: an uncompressed archive file is then
    ///     read by offsets rather than in one pass.
    /// - Throws: `ImageError` when the target names nothing readable.
    public static func source(for target: String, remote: (any RemoteImageSource)?, parallel: Bool) throws
        -> any ImageSource
    {
        if target == "-" {
            return ArchiveStreamSource(target: target, size: nil) { FileByteSource(descriptor: 0) }
        }
        if let transport = archiveTransports.first(where: target.hasPrefix) {
            let path = String(target.dropFirst(transport.count))
            guard fileSize(path) != nil else {
                throw ImageError(.unreadable, "\(transport) names no archive file at \(path.escapedForTerminal)")
            }
            return try source(for: path, remote: nil, parallel: parallel)
        }
        if target.hasPrefix(layoutTransport) {
            let url = URL(fileURLWithPath: String(target.dropFirst(layoutTransport.count)))
            guard OCIDirectory.isLayout(url) else {
                throw ImageError(.unreadable, "\(layoutTransport) names no OCI layout directory at \(url.path)")
            }
            return OCIDirectory(root: url, target: target)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            if let remote, let source = try remote.source(for: target) { return source }
            let reference = remote == nil ? "" : "an image reference, "
            throw ImageError(
                .unreadable,
                "no such file or directory (give a docker save archive, an OCI layout, a root filesystem directory, "
                    + "\(reference)or - for standard input)")
        }
        let url = URL(fileURLWithPath: target)
        if isDirectory.boolValue {
            return OCIDirectory.isLayout(url)
                ? OCIDirectory(root: url, target: target) : RootFilesystemSource(target: target, root: url)
        }
        let first = try FileByteSource(path: url.path).peek(upTo: 4).prefix
        if Compression.sniff(first) == .none && parallel {
            return SeekableArchiveSource(target: target, path: url.path)
        }
        return ArchiveStreamSource(target: target, size: fileSize(url.path)) { try FileByteSource(path: url.path) }
    }

    /// The size of the file at `path`; nil when it cannot be read.
    static func fileSize(_ path: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? nil
    }
}
