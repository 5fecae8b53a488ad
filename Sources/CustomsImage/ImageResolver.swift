import CustomsCore
import Foundation

/// Turns an image layout's documents (OCI `index.json`, Docker `manifest.json`) into one plan
/// per image and platform. Pure: it reads documents through `ImageDocuments` and never a layer.
public struct ImageResolver {
    /// The most manifests and indexes one layout may lead to (a registry serves the documents, so
    /// an index listing millions would otherwise be fetched one by one).
    static let maxManifests = 1_000
    /// The most index levels followed (index → index → manifest…).
    static let maxDepth = 4
    static let attestationType = "vnd.docker.reference.type"
    static let attestationDigest = "vnd.docker.reference.digest"

    let files: ImageDocuments
    /// Name for images the layout does not name.
    let fallbackName: String
    var diagnostics: [ScanDiagnostic] = []

    /// Resolves every image in the layout, keeping only `platform` when given.
    /// - Throws: `ImageError` when the layout is not an image, a document is unusable, or the
    ///   requested platform is absent (the message lists those present).
    public static func resolve(_ files: ImageDocuments, name: String, platform: Platform?) throws -> (
        images: [ImagePlan], diagnostics: [ScanDiagnostic]
    ) {
        var resolver = ImageResolver(files: files, fallbackName: name)
        var images: [ImagePlan]
        if let index = try files.document("index.json") {
            images = try resolver.resolveOCI(index)
            if let legacy = try files.document("manifest.json") { resolver.compare(legacy: legacy, with: images) }
        } else if let manifest = try files.document("manifest.json") {
            images = try resolver.resolveLegacy(manifest)
        } else {
            throw ImageError(
                .notAnImage,
                "no index.json or manifest.json found; expected a `docker save` archive or an OCI image layout"
            )
        }
        if let platform {
            let available = images.compactMap(\.platform)
            images = images.filter { $0.platform.map(platform.selects) ?? false }
            if images.isEmpty {
                let list = Set(available.map(\.description)).sorted().joined(separator: ", ")
                throw ImageError(
                    .platformNotFound,
                    "\(name): platform \(platform) not found; available: \(list.isEmpty ? "none declared" : list)")
            }
        }
        return (images, resolver.diagnostics)
    }

    // MARK: OCI layouts (also Docker 25+ archives)

    private struct Pending {
        var descriptor: DescriptorJSON
        var digest: Digest
        var name: String?
        var annotations: [(source: String, key: String, value: String)]
    }

    private mutating func resolveOCI(_ data: Data) throws -> [ImagePlan] {
        let index = try JSONDocument.decode(OCIDocumentJSON.self, from: data, name: "index.json")
        guard index.layers == nil else {
            throw ImageError(
                .invalidDocument, "index.json has both manifests and layers; refusing an ambiguous document")
        }
        guard let manifests = index.manifests, !manifests.isEmpty else {
            throw ImageError(.invalidDocument, "index.json lists no manifests; nothing to scan")
        }
        var images: [ImagePlan] = []
        var attestations: [(target: Digest, statements: [Data])] = []
        var visited: Set<Digest> = []
        var queue: [(Pending, depth: Int)] = []
        var firstProblem: (any Error)?
        for descriptor in manifests {
            do {
                queue.append((try pending(descriptor, parentName: nil, in: "index.json"), 0))
            } catch {
                firstProblem = firstProblem ?? error
                report(error, image: fallbackName)
            }
        }
        // One bad entry does not stop the valid ones beside it; with none valid, nothing can be scanned.
        if queue.isEmpty, let firstProblem { throw firstProblem }
        while !queue.isEmpty {
            let (item, depth) = queue.removeFirst()
            guard visited.insert(item.digest).inserted else { continue }
            guard visited.count <= Self.maxManifests else {
                throw ImageError(
                    .invalidDocument,
                    "index.json leads to more than \(Self.maxManifests) manifests; refusing an index this large")
            }
            let path = LayoutPath.blob(item.digest)
            guard let data = try files.document(path) else {
                diagnostics.append(
                    ScanDiagnostic(
                        code: .missingBlob,
                        message:
                            "\(item.descriptor.mediaType ?? "manifest") \(item.digest) named by the index is not "
                            + "in the layout (a partial save?); its image was not scanned",
                        image: item.name ?? fallbackName, blob: item.digest, incomplete: true))
                continue
            }
            let document: OCIDocumentJSON
            do {
                try verify(data, digest: item.digest, what: "manifest")
                document = try JSONDocument.decode(OCIDocumentJSON.self, from: data, name: "manifest \(item.digest)")
            } catch {
                report(error, image: item.name ?? fallbackName, blob: item.digest)
                continue
            }
            if document.manifests != nil && (document.layers != nil || document.config != nil) {
                throw ImageError(
                    .invalidDocument, "\(item.digest) has both manifests and layers; refusing an ambiguous document")
            }
            if let children = document.manifests {
                guard depth < Self.maxDepth else {
                    throw ImageError(.invalidDocument, "index \(item.digest) nests deeper than \(Self.maxDepth) levels")
                }
                for child in children {
                    do {
                        queue.append((try pending(child, parentName: item.name, in: "index \(item.digest)"), depth + 1))
                    } catch {
                        report(error, image: item.name ?? fallbackName, blob: item.digest)
                    }
                }
                continue
            }
            if item.descriptor.annotations?[Self.attestationType] == "attestation-manifest" {
                if let target = item.descriptor.annotations?[Self.attestationDigest].flatMap(Digest.init(parsing:)) {
                    attestations.append((target, statements(of: document, manifest: item.digest)))
                }
                continue
            }
            if let image = try plan(document, item: item) { images.append(image) }
        }
        for (target, statements) in attestations {
            for index in images.indices where images[index].manifestDigest == target {
                images[index].attestations += statements
            }
        }
        return images
    }

    private func pending(_ descriptor: DescriptorJSON, parentName: String?, in document: String) throws -> Pending {
        guard let digest = Digest(parsing: descriptor.digest) else {
            throw ImageError(
                .invalidDocument,
                "\(document) has a malformed digest \"\(descriptor.digest.prefix(100).description.escapedForTerminal)\""
            )
        }
        let name =
            descriptor.annotations?["io.containerd.image.name"]
            ?? descriptor.annotations?["org.opencontainers.image.ref.name"].map { ref in
                ref.contains(":") || ref.contains("/") ? ref : "\(fallbackName):\(ref)"
            }
            ?? parentName
        let annotations = (descriptor.annotations ?? [:]).sorted { $0.key < $1.key }.map {
            (source: "index", key: $0.key, value: $0.value)
        }
        return Pending(descriptor: descriptor, digest: digest, name: name, annotations: annotations)
    }

    private mutating func plan(_ manifest: OCIDocumentJSON, item: Pending) throws -> ImagePlan? {
        let imageName = item.name ?? fallbackName
        guard let configDescriptor = manifest.config, let layerDescriptors = manifest.layers else {
            diagnostics.append(
                ScanDiagnostic(
                    code: .invalidDocument,
                    message: "manifest \(item.digest) has no config or layers; skipped", image: imageName,
                    blob: item.digest, incomplete: true))
            return nil
        }
        guard let configDigest = Digest(parsing: configDescriptor.digest) else {
            throw ImageError(.invalidDocument, "manifest \(item.digest) has a malformed config digest")
        }
        let config = readConfig(configDigest, of: item.digest, image: imageName)
        var layers: [LayerPlan] = []
        for (index, descriptor) in layerDescriptors.enumerated() {
            guard let digest = Digest(parsing: descriptor.digest) else {
                throw ImageError(.invalidDocument, "manifest \(item.digest) layer \(index) has a malformed digest")
            }
            let mediaType = descriptor.mediaType.map { MediaType(rawValue: $0) }
            var unsupported: String?
            if descriptor.urls?.isEmpty == false {
                unsupported = "foreign layer with external URLs (not fetched)"
            } else if let mediaType, mediaType.declaredLayerCompression == nil {
                unsupported = "unsupported media type \(mediaType)"
            }
            layers.append(
                LayerPlan(
                    index: index, blobPath: LayoutPath.blob(digest), digest: digest, size: descriptor.size,
                    mediaType: mediaType, expectedDiffID: nil, unsupportedReason: unsupported))
        }
        var image = ImagePlan(
            name: imageName, manifestDigest: item.digest,
            platform: item.descriptor.platform?.platform ?? config.platform, config: config,
            configDigest: configDigest, layers: layers,
            annotations: item.annotations
                + (manifest.annotations ?? [:]).sorted { $0.key < $1.key }
                .map { (source: "manifest", key: $0.key, value: $0.value) },
            attestations: [], diagnostics: [])
        attachDiffIDs(&image)
        return image
    }

    /// A problem with one entry of a layout, kept as incomplete coverage while the rest is resolved.
    private mutating func report(_ error: any Error, image: String, blob: Digest? = nil) {
        diagnostics.append(
            ScanDiagnostic(
                code: .invalidDocument,
                message: "\(error); the entries beside it are still scanned", image: image, blob: blob, incomplete: true
            ))
    }

    /// The image config, as far as it can be read. A missing, oversized, malformed or
    /// digest-mismatched config costs the image its history and diffIDs, never its layers: they
    /// are still scanned, the config bytes that are there are scanned as metadata, and the run is
    /// incomplete.
    private mutating func readConfig(_ digest: Digest, of manifest: Digest, image: String) -> ImageConfig {
        let empty = ImageConfig.empty
        func problem(_ code: ScanDiagnostic.Code, _ message: String) {
            unusableConfig(code, "config \(digest) of manifest \(manifest) \(message)", image: image, blob: digest)
        }
        let data: Data
        do {
            guard let found = try files.document(LayoutPath.blob(digest)) else {
                problem(.missingBlob, "is not in the layout")
                return empty
            }
            data = found
        } catch {
            problem(.invalidDocument, "cannot be read (\(error))")
            return empty
        }
        let actual = Digest.of(data)
        if actual != digest {
            problem(.digestMismatch, "does not match its digest (content hashes to \(actual)); it is unverified")
        }
        do {
            return try JSONDocument.decode(ImageConfig.self, from: data, name: "config \(digest)")
        } catch {
            problem(.invalidDocument, "is not a valid config (\(error))")
            return empty
        }
    }

    /// A config that cannot be used costs its image the history and diffIDs, never its layers.
    private mutating func unusableConfig(
        _ code: ScanDiagnostic.Code, _ what: String, image: String, blob: Digest? = nil, path: String? = nil
    ) {
        diagnostics.append(
            ScanDiagnostic(
                code: code, message: "\(what); its layers are scanned without history or diffIDs", image: image,
                blob: blob, path: path, incomplete: true))
    }

    private func statements(of manifest: OCIDocumentJSON, manifest digest: Digest) -> [Data] {
        (manifest.layers ?? []).compactMap { descriptor in
            guard let blob = Digest(parsing: descriptor.digest) else { return nil }
            return try? files.document(LayoutPath.blob(blob))
        }
    }

    // MARK: Legacy docker save

    /// Each entry of `manifest.json` on its own: one with an unsafe path costs only itself, and a
    /// missing or malformed config costs its image the history, never the layers.
    private mutating func resolveLegacy(_ data: Data) throws -> [ImagePlan] {
        let entries = try JSONDocument.decode([DockerManifestEntryJSON].self, from: data, name: "manifest.json")
        guard !entries.isEmpty else {
            throw ImageError(.invalidDocument, "manifest.json lists no images; nothing to scan")
        }
        var images: [ImagePlan] = []
        var firstError: (any Error)?
        for entry in entries {
            let name = entry.RepoTags?.first ?? fallbackName
            do {
                images.append(try legacyPlan(entry, name: name))
            } catch {
                firstError = firstError ?? error
                report(error, image: name)
            }
        }
        if images.isEmpty, let firstError { throw firstError }
        return images
    }

    private mutating func legacyPlan(_ entry: DockerManifestEntryJSON, name: String) throws -> ImagePlan {
        let configPath = try LayoutPath.safe(entry.Config, in: "manifest.json")
        let layers = try entry.Layers.enumerated().map { index, raw in
            let path = try LayoutPath.safe(raw, in: "manifest.json")
            // Docker 25+ names layers by blob path, which carries the digest.
            return LayerPlan(
                index: index, blobPath: path, digest: Digest(blobPath: path), size: nil, mediaType: nil,
                expectedDiffID: nil, unsupportedReason: nil)
        }
        var config = ImageConfig.empty
        var configDigest: Digest?
        func problem(_ code: ScanDiagnostic.Code, _ message: String) {
            unusableConfig(
                code, "config \(configPath) named by manifest.json \(message)", image: name, path: configPath)
        }
        do {
            if let data = try files.document(configPath) {
                configDigest = Digest.of(data)
                config = try JSONDocument.decode(ImageConfig.self, from: data, name: configPath)
            } else {
                problem(.missingBlob, "is missing")
            }
        } catch {
            problem(.invalidDocument, "cannot be used (\(error))")
        }
        var image = ImagePlan(
            name: name, manifestDigest: nil, platform: config.platform, config: config, configDigest: configDigest,
            layers: layers, annotations: [], attestations: [], diagnostics: [])
        attachDiffIDs(&image)
        return image
    }

    /// Docker 25+ archives carry both layouts; when they disagree, index.json (digest-verified) wins.
    private mutating func compare(legacy data: Data, with images: [ImagePlan]) {
        guard let entries = try? JSONDocument.decode([DockerManifestEntryJSON].self, from: data, name: "manifest.json")
        else {
            diagnostics.append(
                ScanDiagnostic(
                    code: .layoutConflict, message: "manifest.json is unreadable; using index.json", incomplete: false))
            return
        }
        let ociLayerLists = Set(images.map { $0.layers.map(\.blobPath) })
        for entry in entries where !ociLayerLists.contains(entry.Layers.map { ImagePath($0).value }) {
            diagnostics.append(
                ScanDiagnostic(
                    code: .layoutConflict,
                    message:
                        "manifest.json and index.json disagree about the layers of "
                        + "\(entry.RepoTags?.first ?? "an image"); scanning the digest-verified index.json layers",
                    incomplete: false))
        }
    }

    // MARK: Shared checks

    private mutating func attachDiffIDs(_ image: inout ImagePlan) {
        if let history = image.config.history,
            HistoryInstruction.layerEntries(history, layerCount: image.layers.count) == nil
        {
            image.diagnostics.append(
                ScanDiagnostic(
                    code: .historyMismatch,
                    message:
                        "history has \(history.filter { $0.empty_layer != true }.count) layer entries for "
                        + "\(image.layers.count) layers; instructions are not shown",
                    image: image.name, incomplete: false))
        }
        let raw = image.config.rootfs?.diff_ids ?? []
        guard raw.count == image.layers.count else {
            image.diagnostics.append(
                ScanDiagnostic(
                    code: .invalidDocument,
                    message:
                        "config lists \(raw.count) diff_ids for \(image.layers.count) layers; layer contents "
                        + "cannot be verified",
                    image: image.name, incomplete: true))
            return
        }
        for index in image.layers.indices {
            guard let diffID = Digest(parsing: raw[index]) else {
                image.diagnostics.append(
                    ScanDiagnostic(
                        code: .invalidDocument, message: "config diff_ids[\(index)] is malformed",
                        image: image.name, layer: index, incomplete: true))
                continue
            }
            image.layers[index].expectedDiffID = diffID
        }
    }

    private func verify(_ data: Data, digest: Digest, what: String) throws {
        let actual = Digest.of(data)
        guard actual == digest else {
            throw ImageError(
                .invalidDocument,
                "\(what) blob \(digest) does not match its digest (content hashes to \(actual)); the layout is "
                    + "corrupt or tampered with"
            )
        }
    }
}
