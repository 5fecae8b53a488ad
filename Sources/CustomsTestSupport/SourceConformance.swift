import CustomsArchive
import CustomsCore
import CustomsImage
import CustomsModel
import CustomsScan
import Foundation

/// The conformance harness for image sources (go-containerregistry's `validate.Image`
/// pattern): the same image, presented through every source, must yield the same images,
/// layers, findings and provenance, and exactly the findings its corpus case expects. Runs the
/// scan in-process, so one case costs milliseconds rather than a process per variant.
public enum SourceConformance {
    /// One way to hand a corpus case to the scan: a layout written to disk, read by one source.
    public struct Presentation: Sendable, CustomStringConvertible {
        public var layout: ImageFixture.Layout
        public var compression: Compression
        public var source: SourceKind

        public init(_ layout: ImageFixture.Layout, _ compression: Compression, _ source: SourceKind) {
            self.layout = layout
            self.compression = compression
            self.source = source
        }

        public var description: String { "\(layout.rawValue)/\(compression.rawValue) via \(source)" }
    }

    /// Which local source reads a written layout (a registry source is opened by the test that
    /// pushed the image, `SourceConformanceTests`).
    public enum SourceKind: String, Sendable, CustomStringConvertible {
        /// `ArchiveStreamSource`: one forward pass (standard input, compressed archives).
        case stream
        /// `SeekableArchiveSource`: documents first, then layers by offset, in parallel.
        case seekable
        /// `OCIDirectory`.
        case directory

        public var description: String { rawValue }
    }

    /// Every local presentation: each layout with each source that can read it, and the layer
    /// compressions each layout can hold.
    public static let localPresentations: [Presentation] = [
        Presentation(.dockerSaveLegacy, .none, .seekable),
        Presentation(.dockerSaveLegacy, .none, .stream),
        Presentation(.dockerSaveLegacyGzip, .none, .stream),
        Presentation(.dockerSave25, .none, .seekable),
        Presentation(.dockerSave25, .none, .stream),
        Presentation(.ociDirectory, .gzip, .directory),
        Presentation(.ociDirectory, .zstd, .directory),
        Presentation(.ociDirectory, .none, .directory),
        Presentation(.ociTar, .none, .seekable),
        Presentation(.ociTar, .gzip, .stream),
        Presentation(.ociTar, .gzip, .seekable),
        Presentation(.ociTar, .zstd, .stream),
    ]

    /// True when `presentation` can hold `spec` (some layouts hold one platform only).
    public static func supports(_ presentation: Presentation, _ spec: ImageSpec) -> Bool {
        !(spec.skip_layouts ?? []).contains(presentation.layout.rawValue)
    }

    /// Writes `spec` as `presentation` under `directory` and opens the local source that reads it.
    public static func openLocal(_ spec: ImageSpec, _ presentation: Presentation, in directory: TemporaryDirectory)
        throws -> any ImageSource
    {
        let file = directory.path(presentation.layout.fileName("\(spec.name)-\(UUID().uuidString.prefix(8))"))
        try ImageFixture.write(spec, layout: presentation.layout, compression: presentation.compression, to: file)
        switch presentation.source {
        case .stream: return ArchiveStreamSource(target: file.path, size: nil) { try FileByteSource(path: file.path) }
        case .seekable: return SeekableArchiveSource(target: file.path, path: file.path)
        case .directory: return OCIDirectory(root: file, target: file.path)
        }
    }

    /// What a scan saw, in terms every source shares: no names, blob digests or compressions
    /// (those differ between presentations of one image), but every config digest, layer diffID,
    /// instruction and file count, and every finding's rule, secret, place and provenance.
    public struct Observation: Equatable, CustomStringConvertible {
        public var images: [String]
        public var findings: Set<ImageSpec.ExpectedFinding>
        public var complete: Bool
        public var problems: [String]

        public var description: String {
            (images + [Corpus.describe(findings)] + problems).joined(separator: "\n")
        }
    }

    /// Scans `source` in-process and describes the result; secrets are named, never shown.
    public static func observe(_ source: any ImageSource, spec: ImageSpec, options: ScanOptions = ScanOptions()) throws
        -> Observation
    {
        let result = try Scan(options: options).run(sources: [source])
        let secrets = try spec.secretValues()
        let usesPlatform = spec.expect.contains { $0.platform != nil }
        var findings: Set<ImageSpec.ExpectedFinding> = []
        for finding in result.findings {
            let name = Corpus.secretName(
                fingerprint: finding.fingerprint, rule: finding.rule.id, among: secrets, key: options.fingerprintKey,
                shown: finding.secret.redacted)
            for location in finding.locations {
                var observed = ImageSpec.ExpectedFinding(
                    rule: finding.rule.id.rawValue, secret: name,
                    platform: usesPlatform ? location.platform?.description : nil)
                switch location.place {
                case .file(let file):
                    observed.layer = file.layerIndex
                    observed.path = "/" + file.path.value
                    observed.status = file.visibility.kind
                    observed.status_layer = file.visibility.changingLayer
                    observed.nested_path = file.nestedPath
                case .metadata(let metadata):
                    observed.field = metadata.field
                }
                findings.insert(observed)
            }
        }
        let images = result.images.map { image in
            let layers = image.layers.map { layer in
                "  \(layer.index) \(layer.diffID?.description ?? "-") files=\(layer.fileCount) "
                    + "complete=\(layer.complete) \(layer.createdBy ?? "-")"
            }
            let header = "\(image.platform?.description ?? "-") config=\(image.configDigest?.description ?? "-")"
            return ([header] + layers).joined(separator: "\n")
        }.sorted()
        return Observation(
            images: images, findings: findings, complete: result.isComplete,
            problems: result.failedTargets.map(\.message) + result.diagnostics.map(\.message))
    }
}

extension SourceConformance {
    /// The final filesystem of a one-platform case, as a directory: each layer's tar extracted in
    /// order over the last with the host's `tar`, its whiteouts and opaque markers applied first
    /// (OCI semantics: they act on lower layers). Read by `RootFilesystemSource`.
    public static func writeRootFilesystem(_ spec: ImageSpec, in directory: TemporaryDirectory) throws -> URL {
        guard spec.images.count == 1, let image = spec.images.first else {
            throw TestServerError("\(spec.name) has several platforms; a root filesystem has one")
        }
        let secrets = try spec.secretValues()
        let root = directory.path("rootfs-\(spec.name)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (index, layer) in image.layers.enumerated() {
            let tar = directory.path("layer-\(spec.name)-\(index).tar")
            try ImageFixture.layerTar(layer, secrets: secrets, compression: .none).write(to: tar)
            let names = String(decoding: try TestServer.run("/bin/tar", ["-tf", tar.path]), as: UTF8.self)
                .split(separator: "\n").map { ImagePath(String($0)) }
            for name in names where name.name.hasPrefix(".wh.") {
                let folder = root.appendingPathComponent(name.parent?.value ?? "")
                if name.name == ".wh..wh..opq" {
                    for child in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
                        try FileManager.default.removeItem(at: folder.appendingPathComponent(child))
                    }
                } else {
                    try? FileManager.default.removeItem(
                        at: folder.appendingPathComponent(String(name.name.dropFirst(4))))
                }
            }
            try TestServer.run("/bin/tar", ["-xf", tar.path, "-C", root.path])
            for name in names where name.name.hasPrefix(".wh.") {
                try? FileManager.default.removeItem(at: root.appendingPathComponent(name.value))
            }
        }
        return root
    }

    /// What a case's final filesystem must yield read as a root filesystem: its visible file
    /// findings, all in the one layer; no metadata (there is no config).
    public static func rootFilesystemExpectations(_ spec: ImageSpec) -> Set<ImageSpec.ExpectedFinding> {
        Set(
            spec.expect.filter { $0.path != nil && $0.status == "visible" }.map { finding in
                var flat = finding
                flat.layer = 0
                flat.status_layer = nil
                return flat
            })
    }
}
