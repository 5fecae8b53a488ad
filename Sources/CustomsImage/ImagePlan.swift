import CustomsCore
import Foundation

/// One image (one platform) to scan: everything known before its layers are read.
public struct ImagePlan: Sendable {
    /// Repo tag, OCI ref name, or the target path when the image is unnamed.
    public var name: String
    public var manifestDigest: Digest?
    public var platform: Platform?
    public var config: ImageConfig
    public var configDigest: Digest?
    /// Base layer first.
    public var layers: [LayerPlan]
    /// Manifest and index-entry annotations.
    public var annotations: [(source: String, key: String, value: String)]
    /// In-toto statements from this image's attestation manifests.
    public var attestations: [Data]
    /// Problems found while resolving this image (missing blobs, mismatched counts…).
    public var diagnostics: [ScanDiagnostic]

    /// The display instruction of each layer, nil where the history does not map.
    public var layerInstructions: [String?] {
        guard let history = config.history,
            let entries = HistoryInstruction.layerEntries(history, layerCount: layers.count)
        else {
            return Array(repeating: nil, count: layers.count)
        }
        return entries.map { history[$0].created_by.map(HistoryInstruction.display) }
    }
}

/// One layer of an image plan.
public struct LayerPlan: Sendable {
    /// 0-based, base layer first.
    public var index: Int
    /// Where the blob lives in the layout (archive entry path, or path relative to the layout dir).
    public var blobPath: String
    /// The digest the manifest declares (nil for legacy docker-save layers).
    public var digest: Digest?
    public var size: Int64?
    public var mediaType: MediaType?
    /// The config's `rootfs.diff_ids[index]`.
    public var expectedDiffID: Digest?
    /// Set when the layer will not be read, and why (unsupported media type, foreign layer).
    public var unsupportedReason: String?
}

extension ImagePlan {
    /// A layer blob whose image could not be resolved (the manifest never arrived): scanned on
    /// its own so its findings are kept, without order or provenance.
    public static func orphanLayer(name: String, path: String, diagnostic: ScanDiagnostic) -> ImagePlan {
        var plan = rootFilesystem(name: name, path: path)
        plan.diagnostics = [diagnostic]
        return plan
    }

    /// A plain root filesystem directory seen as a one-layer image with no config.
    public static func rootFilesystem(name: String, path: String) -> ImagePlan {
        ImagePlan(
            name: name, manifestDigest: nil, platform: nil,
            config: .empty,
            configDigest: nil,
            layers: [
                LayerPlan(
                    index: 0, blobPath: path, digest: nil, size: nil, mediaType: nil,
                    expectedDiffID: nil, unsupportedReason: nil)
            ],
            annotations: [], attestations: [], diagnostics: [])
    }
}
