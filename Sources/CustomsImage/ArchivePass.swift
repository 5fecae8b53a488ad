import CustomsArchive
import CustomsCore
import Foundation

/// An image archive (`docker save`, Docker 25+, OCI tar; possibly gzip/zstd-compressed; a file
/// or standard input) read in one forward pass. Layer blobs are handed to a walker as they
/// stream past, because the legacy `manifest.json` comes last; small documents are kept for
/// the resolver. `Layer` is whatever the walker returns.
public struct ArchivePass<Layer>: ImageDocuments {
    /// Small blobs and files that are not layers (manifests, configs, index.json, attestations).
    public private(set) var documents: [String: Data] = [:]
    /// Walker results for every blob that looked like a layer, by archive path.
    public private(set) var layers: [String: Layer] = [:]
    /// Archive paths of `layers`, in the order they streamed past.
    public private(set) var layerOrder: [String] = []
    /// Other blobs (large, not a layer): path → size.
    public private(set) var otherBlobs: [String: Int64] = [:]
    /// Symlink and hardlink entries of the archive: path → target path inside the archive.
    public private(set) var links: [String: String] = [:]
    /// Problems with the outer archive (duplicates, truncation); incomplete ones end the run incomplete.
    public private(set) var diagnostics: [ScanDiagnostic] = []

    /// Bytes sniffed from each blob to classify it.
    static var sniffLength: Int { 512 }

    /// Reads every entry of `source` once.
    /// - Parameters:
    ///   - name: the target, for messages.
    ///   - walkLayer: called with each layer-like blob's entry and a stream of its bytes; it may
    ///     leave the stream unread (the reader then skips it) and walk the blob later from `entry`.
    /// - Throws: `ImageError` when the bytes are not an archive at all.
    public static func read(
        _ source: ByteSource, name: String,
        walkLayer: (BlobEntry, ByteSource) -> Layer
    ) throws -> ArchivePass<Layer> {
        var layout = ArchivePass()
        let reader: ArchiveReader
        do {
            reader = try ArchiveReader(source: source, format: .tar, decompress: true)
        } catch {
            throw ImageError(.unreadable, "\(name): \(error)")
        }
        var entries = 0
        while true {
            let entry: ArchiveEntry
            do {
                guard let next = try reader.nextEntry() else { break }
                entry = next
            } catch {
                if entries == 0 {
                    throw ImageError(
                        .notAnImage, "\(name) is not a readable image archive (tar, tar.gz or tar.zst): \(error)")
                }
                layout.diagnostics.append(
                    ScanDiagnostic(
                        code: .readError,
                        message:
                            "\(name): the archive ends early or is corrupt after \(entries) entries (\(error)); "
                            + "later blobs were not read",
                        incomplete: true))
                break
            }
            entries += 1
            let path = ImagePath(entry.name).value
            do {
                try layout.take(entry, path: path, from: reader, walkLayer: walkLayer)
            } catch {
                layout.diagnostics.append(
                    ScanDiagnostic(
                        code: .readError,
                        message: "\(name): cannot read archive entry \(path.escapedForTerminal): \(error)", path: path,
                        incomplete: true))
            }
        }
        return layout
    }

    private mutating func take(
        _ entry: ArchiveEntry, path: String, from reader: ArchiveReader,
        walkLayer: (BlobEntry, ByteSource) -> Layer
    ) throws {
        let position = reader.headerPosition
        switch entry.kind {
        case .symlink(let target):
            links[path] = Self.join(ImagePath(path).parent?.value ?? "", target)
            return
        case .hardlink(let target):
            links[path] = ImagePath(target).value
            return
        case .regular:
            break
        case .directory, .other:
            return
        }
        if documents[path] != nil || layers[path] != nil || otherBlobs[path] != nil {
            diagnostics.append(
                ScanDiagnostic(
                    code: .layoutConflict,
                    message: "archive holds \(path.escapedForTerminal) more than once; the last copy is used",
                    path: path, incomplete: false))
            documents[path] = nil
            layers[path] = nil
            otherBlobs[path] = nil
        }
        let stream = try reader.peek(upTo: Self.sniffLength)
        let prefix = stream.prefix
        if Self.looksLikeLayer(prefix) {
            layers[path] = walkLayer(BlobEntry(path: path, headerPosition: position), stream)
            layerOrder.removeAll { $0 == path }
            layerOrder.append(path)
        } else if entry.size <= Int64(JSONDocument.maxBytes) {
            documents[path] = try stream.readAll(limit: JSONDocument.maxBytes)
        } else {
            otherBlobs[path] = entry.size
        }
    }

    /// gzip or zstd magic, a ustar header, or the zero blocks of an empty tar.
    static func looksLikeLayer(_ prefix: [UInt8]) -> Bool {
        if Compression.sniff(prefix) != .none { return true }
        if prefix.count >= 262, Array(prefix[257..<262]) == Array("ustar".utf8) { return true }
        return prefix.count == sniffLength && prefix.allSatisfy { $0 == 0 }
    }

    /// `target` resolved against `directory`, `..` folded; inside the archive only.
    static func join(_ directory: String, _ target: String) -> String {
        var parts = target.hasPrefix("/") ? [] : directory.split(separator: "/").map(String.init)
        for part in target.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    /// `path` after following archive links (at most 8 hops).
    public func resolved(_ path: String) -> String {
        var current = path
        for _ in 0..<8 {
            guard let next = links[current] else { return current }
            current = next
        }
        return current
    }

    public func document(_ path: String) throws -> Data? { documents[resolved(path)] }

    public func contains(_ path: String) -> Bool {
        let target = resolved(path)
        return documents[target] != nil || layers[target] != nil || otherBlobs[target] != nil
    }

    /// The walker result for the layer blob at `path` (links followed).
    public func layer(at path: String) -> Layer? { layers[resolved(path)] }
}

/// Where a layer blob sits in the archive.
public struct BlobEntry: Sendable {
    /// Normalised archive path.
    public var path: String
    /// Offset of the entry's first header in the uncompressed archive (see `ArchiveReader.headerPosition`).
    public var headerPosition: Int64
}
