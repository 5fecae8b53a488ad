import CustomsArchive
import CustomsCore
import Foundation

/// Writes an `ImageSpec` as a real image in any supported layout, in code: layer tars through
/// libarchive, then manifests, configs and indexes as the OCI and Docker formats define them.
public enum ImageFixture {
    /// The on-disk forms an image can take.
    public enum Layout: String, CaseIterable, Sendable {
        /// `docker save` before Docker 25: manifest.json, <id>/layer.tar, <hex>.json.
        case dockerSaveLegacy = "docker-save-legacy"
        /// The same, gzip-compressed as a whole (`docker save | gzip`).
        case dockerSaveLegacyGzip = "docker-save-legacy-gz"
        /// Docker 25+: an OCI layout plus manifest.json naming blobs/sha256/<hex>.
        case dockerSave25 = "docker-save-25"
        /// An OCI image layout directory.
        case ociDirectory = "oci-dir"
        /// An OCI image layout in a tar.
        case ociTar = "oci-tar"

        /// True when the layout can hold several platforms.
        public var supportsIndex: Bool { self == .ociDirectory || self == .ociTar || self == .dockerSave25 }
        /// File name for a written fixture of this layout.
        public func fileName(_ base: String) -> String {
            switch self {
            case .ociDirectory: return base
            case .dockerSaveLegacyGzip: return base + ".tar.gz"
            default: return base + ".tar"
            }
        }
    }

    /// Writes `spec` at `destination` (a directory for `.ociDirectory`, a file otherwise).
    /// - Parameter compression: how layer blobs are compressed (docker-save layouts always store tars).
    public static func write(_ spec: ImageSpec, layout: Layout, compression: Compression, to destination: URL) throws {
        let files = try self.files(spec, layout: layout, compression: compression)
        switch layout {
        case .ociDirectory: try files.writeDirectory(destination)
        case .dockerSaveLegacyGzip: try files.writeTar(destination, compression: .gzip)
        default: try files.writeTar(destination, compression: .none)
        }
    }

    /// The files of `spec` in `layout`, in archive order, for tests that break them on purpose.
    public static func files(_ spec: ImageSpec, layout: Layout, compression: Compression) throws -> FileSet {
        let secrets = try spec.secretValues()
        let images = spec.images
        guard !images.isEmpty else { throw FixtureError("\(spec.name): no image or platforms") }
        if images.count > 1 && !layout.supportsIndex {
            throw FixtureError("\(spec.name): a multi-platform image cannot be written as \(layout.rawValue)")
        }
        let layerCompression: Compression =
            (layout == .dockerSaveLegacy || layout == .dockerSaveLegacyGzip || layout == .dockerSave25)
            ? .none : compression
        var files = FileSet()
        var built: [BuiltImage] = []
        for image in images {
            built.append(try build(image, secrets: secrets, compression: layerCompression, into: &files))
        }
        switch layout {
        case .dockerSaveLegacy, .dockerSaveLegacyGzip:
            try writeLegacy(spec, built, files: &files)
        case .dockerSave25, .ociDirectory, .ociTar:
            try writeOCI(spec, built, secrets: secrets, files: &files, dockerManifest: layout == .dockerSave25)
        }
        return files
    }

    struct BuiltLayer {
        var digest: Digest
        var diffID: Digest
        var size: Int
        var tarPath: String
    }

    struct BuiltImage {
        var platform: String?
        var layers: [BuiltLayer]
        var config: Data
        var configDigest: Digest
    }

    static func build(
        _ image: ImageSpec.PlatformImage, secrets: [String: String], compression: Compression,
        into files: inout FileSet
    ) throws -> BuiltImage {
        var layers: [BuiltLayer] = []
        var history: [[String: Any]] = []
        for (index, layer) in image.layers.enumerated() {
            for createdBy in image.empty_history_before?[index] ?? [] {
                history.append(["created_by": ImageSpec.substitute(createdBy, secrets), "empty_layer": true])
            }
            history.append(["created_by": ImageSpec.substitute(layer.created_by, secrets)])
            let tar = try layerTar(layer, secrets: secrets, compression: .none)
            let blob = compression == .none ? tar : try layerTar(layer, secrets: secrets, compression: compression)
            let digest = Digest.of(blob)
            let path = "blobs/sha256/\(digest.hex)"
            files.add(path, blob)
            layers.append(BuiltLayer(digest: digest, diffID: Digest.of(tar), size: blob.count, tarPath: path))
        }
        for createdBy in image.empty_history_before?[image.layers.count] ?? [] {
            history.append(["created_by": ImageSpec.substitute(createdBy, secrets), "empty_layer": true])
        }
        let platform = (image.platform ?? "linux/amd64").split(separator: "/").map(String.init)
        var settings: [String: Any] = [:]
        if let env = image.env { settings["Env"] = env.map { ImageSpec.substitute($0, secrets) } }
        if let labels = image.labels { settings["Labels"] = labels.mapValues { ImageSpec.substitute($0, secrets) } }
        if let cmd = image.cmd { settings["Cmd"] = cmd }
        var config: [String: Any] = [
            "architecture": platform[1], "os": platform[0], "config": settings, "history": history,
            "rootfs": ["type": "layers", "diff_ids": layers.map(\.diffID.description)],
        ]
        if platform.count > 2 { config["variant"] = platform[2] }
        if let created = image.created { config["created"] = created }
        let configData = try json(config)
        let configDigest = Digest.of(configData)
        files.add("blobs/sha256/\(configDigest.hex)", configData)
        return BuiltImage(platform: image.platform, layers: layers, config: configData, configDigest: configDigest)
    }

    static func layerTar(_ layer: ImageSpec.LayerSpec, secrets: [String: String], compression: Compression) throws
        -> Data
    {
        try archive(layer.entries, format: .tar, secrets: secrets, compression: compression)
    }

    static func archive(
        _ entries: [ImageSpec.EntrySpec], format: ArchiveWriter.Format, secrets: [String: String],
        compression: Compression
    ) throws -> Data {
        let writer = try ArchiveWriter(format: format, compression: compression)
        for entry in entries {
            let path = entry.path
            if entry.dir == true {
                try writer.add(path, .directory)
            } else if entry.whiteout == true {
                let parts = path.split(separator: "/")
                let parent = parts.dropLast().joined(separator: "/")
                try writer.add((parent.isEmpty ? "" : parent + "/") + ".wh." + parts.last!, .file(Data()))
            } else if entry.opaque == true {
                try writer.add(path + "/.wh..wh..opq", .file(Data()))
            } else if let target = entry.hardlink {
                try writer.add(path, .hardlink(target: target))
            } else if let target = entry.symlink {
                try writer.add(path, .symlink(target: target))
            } else if let inner = entry.zip {
                try writer.add(path, .file(try archive(inner, format: .zip, secrets: secrets, compression: .none)))
            } else if let inner = entry.tgz {
                try writer.add(path, .file(try archive(inner, format: .tar, secrets: secrets, compression: .gzip)))
            } else {
                var content = Data(ImageSpec.substitute(entry.content ?? "", secrets).utf8)
                if let size = entry.pad_to, !content.isEmpty {
                    let unit = content
                    while content.count < size { content.append(unit.prefix(size - content.count)) }
                }
                if let offset = entry.offset {
                    let line = Data("filler text that holds no secret at all\n".utf8)
                    var filler = Data()
                    while filler.count < offset { filler.append(line.prefix(offset - filler.count)) }
                    content = filler + content
                }
                try writer.add(path, .file(content))
            }
        }
        return try writer.finish()
    }

    static func writeLegacy(_ spec: ImageSpec, _ images: [BuiltImage], files: inout FileSet) throws {
        var manifest: [[String: Any]] = []
        var legacyFiles = FileSet()
        for image in images {
            var layerPaths: [String] = []
            for layer in image.layers {
                let id = layer.diffID.hex
                legacyFiles.add("\(id)/layer.tar", files.data(layer.tarPath)!)
                legacyFiles.add("\(id)/VERSION", Data("1.0".utf8))
                layerPaths.append("\(id)/layer.tar")
            }
            legacyFiles.add("\(image.configDigest.hex).json", image.config)
            manifest.append([
                "Config": "\(image.configDigest.hex).json", "RepoTags": ["customs-corpus/\(spec.name):latest"],
                "Layers": layerPaths,
            ])
        }
        // docker save writes manifest.json last: a streaming reader cannot wait for it.
        legacyFiles.add("manifest.json", try json(manifest))
        files = legacyFiles
    }

    static func writeOCI(
        _ spec: ImageSpec, _ images: [BuiltImage], secrets: [String: String], files: inout FileSet,
        dockerManifest: Bool
    ) throws {
        var descriptors: [[String: Any]] = []
        for image in images {
            let layerTypes = image.layers.map { layer -> String in
                switch Compression.sniff(files.data(layer.tarPath)?.prefix(4) ?? Data()) {
                case .gzip: return MediaType.ociLayerGzip.rawValue
                case .zstd: return MediaType.ociLayerZstd.rawValue
                case .none: return MediaType.ociLayer.rawValue
                }
            }
            let manifest: [String: Any] = [
                "schemaVersion": 2, "mediaType": MediaType.ociManifest.rawValue,
                "config": [
                    "mediaType": MediaType.ociConfig.rawValue, "digest": image.configDigest.description,
                    "size": image.config.count,
                ],
                "layers": zip(image.layers, layerTypes).map {
                    ["mediaType": $1, "digest": $0.digest.description, "size": $0.size]
                },
            ]
            let manifestData = try json(manifest)
            let manifestDigest = Digest.of(manifestData)
            files.add("blobs/sha256/\(manifestDigest.hex)", manifestData)
            let parts = (image.platform ?? "linux/amd64").split(separator: "/").map(String.init)
            var platform: [String: Any] = ["os": parts[0], "architecture": parts[1]]
            if parts.count > 2 { platform["variant"] = parts[2] }
            descriptors.append([
                "mediaType": MediaType.ociManifest.rawValue, "digest": manifestDigest.description,
                "size": manifestData.count, "platform": platform,
            ])
            if let args = spec.attestation_build_args, descriptors.count == 1 {
                descriptors.append(try attestation(args, secrets: secrets, for: manifestDigest, files: &files))
            }
        }
        let reference = "customs-corpus/\(spec.name):latest"
        var top: [String: Any]
        if descriptors.count == 1 {
            top = descriptors[0]
            top["annotations"] = ["org.opencontainers.image.ref.name": "latest", "io.containerd.image.name": reference]
        } else {
            let index: [String: Any] = [
                "schemaVersion": 2, "mediaType": MediaType.ociIndex.rawValue, "manifests": descriptors,
            ]
            let indexData = try json(index)
            let indexDigest = Digest.of(indexData)
            files.add("blobs/sha256/\(indexDigest.hex)", indexData)
            top = [
                "mediaType": MediaType.ociIndex.rawValue, "digest": indexDigest.description, "size": indexData.count,
                "annotations": ["org.opencontainers.image.ref.name": "latest", "io.containerd.image.name": reference],
            ]
        }
        files.add("oci-layout", try json(["imageLayoutVersion": "1.0.0"]))
        files.add(
            "index.json", try json(["schemaVersion": 2, "mediaType": MediaType.ociIndex.rawValue, "manifests": [top]]))
        if dockerManifest {
            let image = images[0]
            files.add(
                "manifest.json",
                try json([
                    [
                        "Config": "blobs/sha256/\(image.configDigest.hex)", "RepoTags": [reference],
                        "Layers": image.layers.map(\.tarPath),
                    ]
                ]))
        }
    }

    /// A BuildKit-style attestation manifest holding a SLSA v0.2 provenance statement.
    static func attestation(
        _ args: [String: String], secrets: [String: String], for target: Digest,
        files: inout FileSet
    ) throws -> [String: Any] {
        var parameters: [String: String] = [:]
        for (name, value) in args { parameters["build-arg:\(name)"] = ImageSpec.substitute(value, secrets) }
        let statement: [String: Any] = [
            "_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2",
            "subject": [["name": "pkg:docker/app", "digest": ["sha256": target.hex]]],
            "predicate": [
                "builder": ["id": ""], "buildType": "https://mobyproject.org/buildkit@v1",
                "invocation": ["parameters": ["frontend": "dockerfile.v0", "args": parameters]],
            ],
        ]
        let statementData = try json(statement)
        let statementDigest = Digest.of(statementData)
        files.add("blobs/sha256/\(statementDigest.hex)", statementData)
        let emptyConfig = Data("{}".utf8)
        let emptyDigest = Digest.of(emptyConfig)
        files.add("blobs/sha256/\(emptyDigest.hex)", emptyConfig)
        let manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": MediaType.ociManifest.rawValue,
            "config": [
                "mediaType": "application/vnd.oci.image.config.v1+json", "digest": emptyDigest.description, "size": 2,
            ],
            "layers": [
                [
                    "mediaType": MediaType.inToto.rawValue, "digest": statementDigest.description,
                    "size": statementData.count,
                    "annotations": ["in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"],
                ]
            ],
        ]
        let manifestData = try json(manifest)
        let manifestDigest = Digest.of(manifestData)
        files.add("blobs/sha256/\(manifestDigest.hex)", manifestData)
        return [
            "mediaType": MediaType.ociManifest.rawValue, "digest": manifestDigest.description,
            "size": manifestData.count,
            "platform": ["os": "unknown", "architecture": "unknown"],
            "annotations": [
                "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": target.description,
            ],
        ]
    }

    static func json(_ object: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}

/// Files of a layout in insertion order (blobs first, as `docker save` writes them).
public struct FileSet {
    public private(set) var order: [String] = []
    private var contents: [String: Data] = [:]

    public init() {}

    /// Adds or replaces a file (a replaced file keeps its place).
    public mutating func add(_ path: String, _ data: Data) {
        if contents[path] == nil { order.append(path) }
        contents[path] = data
    }

    /// Removes a file.
    public mutating func remove(_ path: String) {
        contents[path] = nil
        order.removeAll { $0 == path }
    }

    public func data(_ path: String) -> Data? { contents[path] }

    /// The paths under `blobs/sha256/` whose bytes look like layers (gzip, zstd or tar).
    public var layerBlobPaths: [String] {
        order.filter { path in
            guard path.hasPrefix("blobs/"), let data = contents[path] else { return false }
            return Compression.sniff(data.prefix(4)) != .none
                || (data.count > 262 && data[257..<262].elementsEqual("ustar".utf8))
        }
    }

    public func writeDirectory(_ root: URL) throws {
        for path in order {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try contents[path]!.write(to: url)
        }
    }

    public func writeTar(_ url: URL, compression: Compression) throws {
        let writer = try ArchiveWriter(compression: compression)
        for path in order { try writer.add(path, .file(contents[path]!)) }
        try writer.finish().write(to: url)
    }
}
