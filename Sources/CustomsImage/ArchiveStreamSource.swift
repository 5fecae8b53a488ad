import CustomsArchive
import CustomsCore
import Foundation

/// An image archive read in one forward pass: `docker save` (legacy or Docker 25+) or an OCI
/// tar, plain or compressed as a whole, from a file or standard input. Layer blobs are read as
/// they stream past, before the manifests that order them (the legacy `manifest.json` comes last).
public struct ArchiveStreamSource: ImageSource {
    public let target: String
    /// The archive's size when known (a file), for progress.
    let size: Int64?
    let open: () throws -> ByteSource

    public init(target: String, size: Int64?, open: @escaping () throws -> ByteSource) {
        self.target = target
        self.size = size
        self.open = open
    }

    public func images<Reader: LayerReading>(platform: Platform?, reader: Reader) throws -> ResolvedImages<Reader.Layer>
    {
        reader.expect(bytes: size, layers: nil)
        let pass = try ArchivePass.read(reader.observe(try open()), name: target) { entry, stream in
            reader.read(streamed: stream, named: Digest(blobPath: entry.path))
        }
        return try pass.resolveImages(name: target, platform: platform, reader: reader) { needed in
            needed.keys.reduce(into: [:]) { records, path in records[path] = pass.layer(at: path) }
        }
    }
}

/// An uncompressed archive file: one pass reads the documents and notes where each layer blob
/// starts (skipping its bytes), then the blobs the resolved images need are opened again at
/// their offsets, so they can be read in parallel.
public struct SeekableArchiveSource: ImageSource {
    public let target: String
    let path: String

    public init(target: String, path: String) {
        self.target = target
        self.path = path
    }

    public func images<Reader: LayerReading>(platform: Platform?, reader: Reader) throws -> ResolvedImages<Reader.Layer>
    {
        reader.expect(bytes: ImageTargets.fileSize(path), layers: nil)
        let pass = try ArchivePass.read(reader.observe(try FileByteSource(path: path)), name: target) { entry, _ in
            entry.headerPosition
        }
        let path = self.path
        return try pass.resolveImages(name: target, platform: platform, reader: reader) { needed in
            let handles = needed.keys.sorted().compactMap { key -> BlobHandle? in
                guard let position = pass.layer(at: key) else { return nil }
                return BlobHandle(key: key, declared: needed[key]!, trust: .localFile(path: path, offset: position)) {
                    let archive = try ArchiveReader(
                        source: reader.observe(try FileByteSource(path: path, offset: position)),
                        format: .tar, decompress: false)
                    guard try archive.nextEntry() != nil else {
                        throw ArchiveError(.malformed, "no entry at offset \(position)")
                    }
                    return archive
                }
            }
            return reader.read(blobs: handles)
        }
    }
}

extension ArchivePass {
    /// Resolves the archive's images and joins them with their layers. `read` turns the needed
    /// blob paths (with what the manifests declare of each) into layer results. When the
    /// manifests cannot be resolved, the layers already read are still reported, one by one,
    /// rather than lost.
    func resolveImages<Reader: LayerReading>(
        name: String, platform: Platform?, reader: Reader,
        read: ([String: DeclaredBlob]) -> [String: Reader.Layer]
    ) throws -> ResolvedImages<Reader.Layer> {
        var plans: [ImagePlan], diagnostics: [ScanDiagnostic]
        do {
            (plans, diagnostics) = try ImageResolver.resolve(self, name: name, platform: platform)
        } catch let error where !layerOrder.isEmpty && (error as? ImageError)?.code != .platformNotFound {
            let problem = ScanDiagnostic(
                code: .invalidDocument,
                message: "\(error); the \(layerOrder.count) layer blob(s) read are reported one by one, "
                    + "without layer order or provenance",
                incomplete: true)
            plans = layerOrder.map { .orphanLayer(name: "\(name)!\($0)", path: $0, diagnostic: problem) }
            diagnostics = []
        }
        var needed: [String: DeclaredBlob] = [:]
        for plan in plans {
            for layer in plan.layers where layer.unsupportedReason == nil {
                needed[resolved(layer.blobPath)] = DeclaredBlob(layer)
            }
        }
        let records = read(needed)
        let images = plans.map { plan in
            (
                plan,
                plan.layers.map { layer -> Reader.Layer? in
                    guard layer.unsupportedReason == nil else { return nil }
                    if let record = records[resolved(layer.blobPath)] { return record }
                    // A tiny blob that did not sniff as a layer was kept as a document: read it now.
                    return (try? document(layer.blobPath))?.map {
                        reader.read(streamed: DataByteSource($0), named: nil)
                    }
                }
            )
        }
        return ResolvedImages(images: images, diagnostics: self.diagnostics + diagnostics)
    }
}
