import CustomsArchive
import CustomsCore
import Foundation

/// An image whose blobs can be opened one by one, in any order and at once (an OCI directory,
/// a registry): its documents are resolved first, then its layers read, possibly in parallel.
public protocol BlobStore: ImageDocuments, ImageSource, Sendable {
    /// A stream of the blob at `path`, capped at `size + 1` bytes when the size is declared.
    func openBlob(_ path: String, size: Int64?) throws -> ByteSource
    /// How far the blob at `path` can be trusted to match its digest unread.
    func trust(of path: String) -> BlobTrust
    /// In-toto statements attached to the image manifest `digest` from outside its index (the
    /// OCI referrers API); empty where the source has no such thing.
    /// - Throws: when the source offers referrers but they cannot be read.
    func referrerStatements(of digest: Digest) throws -> [Data]
}

extension BlobStore {
    public func referrerStatements(of digest: Digest) throws -> [Data] { [] }

    /// Resolves first, then reads each distinct layer blob once.
    public func images<Reader: LayerReading>(platform: Platform?, reader: Reader) throws -> ResolvedImages<Reader.Layer>
    {
        var (plans, diagnostics) = try ImageResolver.resolve(self, name: target, platform: platform)
        for index in plans.indices {
            attachReferrers(to: &plans[index])
        }
        var declared: [String: DeclaredBlob] = [:]
        for plan in plans {
            for layer in plan.layers where layer.unsupportedReason == nil && contains(layer.blobPath) {
                declared[layer.blobPath] = DeclaredBlob(layer)
            }
        }
        reader.expect(bytes: declared.values.reduce(0) { $0 + ($1.size ?? 0) }, layers: declared.count)
        let handles = declared.keys.sorted().map { path in
            let size = declared[path]?.size
            return BlobHandle(key: path, declared: declared[path]!, trust: trust(of: path)) { [self] in
                reader.observe(try openBlob(path, size: size))
            }
        }
        let records = reader.read(blobs: handles)
        let images = plans.map { plan in (plan, plan.layers.map { records[$0.blobPath] }) }
        return ResolvedImages(images: images, diagnostics: diagnostics)
    }

    private func attachReferrers(to plan: inout ImagePlan) {
        guard let manifest = plan.manifestDigest else { return }
        do {
            for statement in try referrerStatements(of: manifest) where !plan.attestations.contains(statement) {
                plan.attestations.append(statement)
            }
        } catch {
            plan.diagnostics.append(
                ScanDiagnostic(
                    code: .readError, message: "attestations attached as referrers were not read: \(error)",
                    image: plan.name, blob: manifest, incomplete: true))
        }
    }
}

/// Images that are not local paths (registry references). Target classification asks it about
/// every target that is not an existing path; the network code lives behind it, outside the scan.
public protocol RemoteImageSource: Sendable {
    /// The targets `target` stands for (every tag of a repository with `--all-tags`, else itself).
    /// - Throws: when the list cannot be fetched.
    func expand(_ target: String) throws -> [String]
    /// The source `target` names; nil when `target` is not a remote reference.
    /// - Throws: when it is one but cannot be fetched (the message says why and what to do).
    func source(for target: String) throws -> (any ImageSource)?
}
