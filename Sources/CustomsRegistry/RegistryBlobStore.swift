import CustomsArchive
import CustomsCore
import CustomsImage
import Foundation
import Synchronization

/// One image reference seen as an OCI layout, so the scan resolves and walks it like a local
/// one: `index.json` is made up to point at the manifest the reference names, `blobs/sha256/…`
/// are fetched on demand (manifests from the manifests endpoint, configs and attestation blobs
/// from the blobs endpoint) and layer blobs stream straight into the walker.
final class RegistryBlobStore: BlobStore {
    /// What the manifests endpoint is asked to return.
    static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]

    let client: RegistryClient
    let reference: ImageReference
    let target: String
    /// Documents fetched so far, and the digests listed by an index (fetched from the manifests endpoint).
    private let fetched = Mutex((documents: [Digest: Data](), manifests: Set<Digest>()))
    private let index: Data

    /// Fetches the manifest (or index) the reference names.
    /// - Throws: `RegistryError` (unknown tag, refused login…) or `ImageError` for a bad manifest.
    init(client: RegistryClient, reference: ImageReference, target: String) throws {
        self.client = client
        self.target = target
        self.reference = reference
        let (head, data) = try client.fetch(
            reference, "manifests/\(reference.manifestReference)", accept: Self.manifestTypes,
            limit: JSONDocument.maxBytes)
        let digest = Digest.of(data)
        if let pinned = reference.digest, pinned != digest {
            throw ImageError(
                .invalidDocument,
                "\(reference): the registry returned a manifest that hashes to \(digest), not the pinned digest; "
                    + "refusing it"
            )
        }
        let mediaType = head.headers.first(name: "Content-Type")?.split(separator: ";").first.map(String.init) ?? ""
        if mediaType.hasPrefix("application/vnd.docker.distribution.manifest.v1") {
            throw ImageError(
                .notAnImage,
                "\(reference) is a Docker schema 1 manifest, which is not supported; push it again with a "
                    + "current client"
            )
        }
        fetched.withLock {
            $0.documents[digest] = data
            $0.manifests.insert(digest)
        }
        struct Descriptor: Encodable {
            var mediaType: String
            var digest: String
            var size: Int
            var annotations: [String: String]
        }
        struct Index: Encodable {
            var schemaVersion = 2
            var manifests: [Descriptor]
        }
        index = try JSONEncoder().encode(
            Index(manifests: [
                Descriptor(
                    mediaType: mediaType, digest: digest.description, size: data.count,
                    annotations: ["org.opencontainers.image.ref.name": reference.description])
            ]))
        noteChildren(of: data)
    }

    /// Every blob is verified against its digest as it streams, so a cached result needs no download.
    func trust(of path: String) -> BlobTrust { .contentAddressed }

    func document(_ path: String) throws -> Data? {
        if path == "index.json" { return index }
        guard path.hasPrefix("blobs/sha256/"),
            let digest = Digest(sha256Hex: String(path.dropFirst("blobs/sha256/".count)))
        else {
            return nil
        }
        let (known, isManifest) = fetched.withLock { ($0.documents[digest], $0.manifests.contains(digest)) }
        if let known { return known }
        let data: Data
        do {
            data = try client.fetch(
                reference, "\(isManifest ? "manifests" : "blobs")/\(digest)",
                accept: isManifest ? Self.manifestTypes : [], limit: JSONDocument.maxBytes
            ).1
        } catch let error as RegistryError where error.code == .notFound {
            return nil
        }
        fetched.withLock { $0.documents[digest] = data }
        if isManifest { noteChildren(of: data) }
        return data
    }

    func contains(_ path: String) -> Bool { path.hasPrefix("blobs/sha256/") }

    func openBlob(_ path: String, size: Int64?) throws -> ByteSource {
        guard path.hasPrefix("blobs/sha256/"),
            let digest = Digest(sha256Hex: String(path.dropFirst("blobs/sha256/".count)))
        else {
            throw ImageError(.unsafePath, "\(path) is not a blob path")
        }
        return try client.open(reference, "blobs/\(digest)", limit: size.map { $0 + 1 }, document: false).1
    }

    /// Statements of the in-toto layers of every manifest that names `digest` as its subject
    /// (OCI 1.1 referrers API). A registry without the API answers 404 (or 400/405): none.
    func referrerStatements(of digest: Digest) throws -> [Data] {
        let listing: Data
        do {
            listing = try client.fetch(
                reference, "referrers/\(digest)", accept: ["application/vnd.oci.image.index.v1+json"],
                limit: JSONDocument.maxBytes
            ).1
        } catch let error as RegistryError where error.code == .notFound || error.code == .server {
            return []
        }
        struct Referrers: Decodable {
            struct Child: Decodable {
                var digest: String
                var mediaType: String?
            }
            var manifests: [Child]?
        }
        struct Manifest: Decodable {
            struct Layer: Decodable {
                var digest: String
                var mediaType: String?
            }
            var layers: [Layer]?
        }
        var statements: [Data] = []
        for child in (try? JSONDecoder().decode(Referrers.self, from: listing))?.manifests ?? [] {
            guard let manifestDigest = Digest(parsing: child.digest) else { continue }
            let data = try client.fetch(
                reference, "manifests/\(manifestDigest)", accept: Self.manifestTypes, limit: JSONDocument.maxBytes
            ).1
            guard Digest.of(data) == manifestDigest, let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
            else {
                throw ImageError(
                    .invalidDocument,
                    "referrer manifest \(manifestDigest) does not match its digest or is not a manifest")
            }
            for layer in manifest.layers ?? [] where layer.mediaType?.contains("in-toto") == true {
                guard let blob = Digest(parsing: layer.digest), let statement = try document(LayoutPath.blob(blob))
                else { continue }
                guard Digest.of(statement) == blob else {
                    throw ImageError(.invalidDocument, "attestation blob \(blob) does not match its digest")
                }
                statements.append(statement)
            }
        }
        return statements
    }

    /// An index's children are manifests: remember them so they are fetched from the right endpoint.
    private func noteChildren(of data: Data) {
        struct Listing: Decodable {
            struct Child: Decodable { var digest: String }
            var manifests: [Child]?
        }
        guard let children = (try? JSONDecoder().decode(Listing.self, from: data))?.manifests else { return }
        let listed = children.compactMap { Digest(parsing: $0.digest) }
        fetched.withLock { $0.manifests.formUnion(listed) }
    }
}
