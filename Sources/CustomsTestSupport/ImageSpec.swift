import Foundation
import Yams

/// A corpus case: an image described as layers of files plus config, the fake secrets planted
/// in it, and the findings a scan must report (nothing more, nothing less). Read from
/// `Corpus/*.yaml`; `{{name}}` in any text is replaced by the secret `name`.
public struct ImageSpec: Decodable, Sendable {
    public var name: String
    public var description: String?
    /// Secret name → generator kind (see `FakeSecrets.kinds`).
    public var secrets: [String: String]?
    /// A single-platform image…
    public var image: PlatformImage?
    /// …or one image per platform, written as an index (OCI layouts only).
    public var platforms: [PlatformImage]?
    /// An attestation manifest for the first platform, recording these build args (SLSA provenance).
    public var attestation_build_args: [String: String]?
    /// Layouts this case cannot be written as (e.g. multi-platform has no legacy docker-save form).
    public var skip_layouts: [String]?
    public var expect: [ExpectedFinding]
    /// The Dockerfile the image stands for: inline, or a file relative to the repository root.
    public var dockerfile: String?
    public var dockerfile_file: String?
    /// With the Dockerfile: where each location of a planted secret points, and the kind of its fix.
    public var sources: [ExpectedSource]?

    /// One location's Dockerfile line and fix (`Remediation.Kind`).
    public struct ExpectedSource: Decodable, Sendable, Hashable {
        public var secret: String
        public var path: String?
        public var field: String?
        public var line: Int?
        public var fix: String
    }

    /// The Dockerfile's text, inline or read from the repository.
    public func dockerfileText() throws -> String? {
        if let dockerfile { return dockerfile }
        guard let dockerfile_file else { return nil }
        return try String(
            contentsOf: Corpus.repositoryRoot.appendingPathComponent(dockerfile_file), encoding: .utf8)
    }

    /// One platform's image.
    public struct PlatformImage: Decodable, Sendable {
        public var platform: String?
        public var layers: [LayerSpec]
        public var env: [String]?
        public var labels: [String: String]?
        public var cmd: [String]?
        /// The config's `created` (RFC 3339), when set.
        public var created: String?
        /// Empty-layer history entries (ENV, ARG…) inserted before layer N's entry: N → created_by list.
        public var empty_history_before: [Int: [String]]?
    }

    /// One layer: entries in tar order.
    public struct LayerSpec: Decodable, Sendable {
        public var created_by: String
        public var entries: [EntrySpec]
    }

    /// One tar entry. Exactly one of the content fields is set.
    public struct EntrySpec: Decodable, Sendable {
        public var path: String
        public var content: String?
        /// Repeat `content` so the file is this many bytes (large-file and chunk-boundary cases).
        public var pad_to: Int?
        /// Put this many bytes of harmless filler text before `content` (chunk-boundary cases).
        public var offset: Int?
        public var dir: Bool?
        public var whiteout: Bool?
        public var opaque: Bool?
        public var hardlink: String?
        public var symlink: String?
        /// The file is a zip archive (jar, war, whl …) of these entries.
        public var zip: [EntrySpec]?
        /// The file is a gzip-compressed tar of these entries.
        public var tgz: [EntrySpec]?
    }

    /// A finding the scan must report: a file location or a metadata field.
    public struct ExpectedFinding: Decodable, Sendable, Hashable {
        public var rule: String
        public var secret: String
        public var platform: String?
        public var layer: Int?
        public var path: String?
        public var status: String?
        public var status_layer: Int?
        public var field: String?
        /// The file inside an archive at `path`, `!/` per level.
        public var nested_path: String?
    }

    /// The images of the case, one per platform.
    public var images: [PlatformImage] { platforms ?? image.map { [$0] } ?? [] }

    /// Parses a corpus file.
    public static func load(_ url: URL) throws -> ImageSpec {
        try parse(try String(contentsOf: url, encoding: .utf8))
    }

    /// Parses a spec written inline (tests).
    public static func parse(_ yaml: String) throws -> ImageSpec {
        try YAMLDecoder().decode(ImageSpec.self, from: yaml)
    }

    /// Secret name → value, generated from the case name so every run plants the same fakes.
    public func secretValues() throws -> [String: String] {
        var values: [String: String] = [:]
        for (name, kind) in secrets ?? [:] { values[name] = try FakeSecrets.make(kind, seed: "\(self.name)/\(name)") }
        return values
    }

    /// `text` with each `{{name}}` replaced by its secret.
    public static func substitute(_ text: String, _ secrets: [String: String]) -> String {
        var result = text
        for (name, value) in secrets { result = result.replacingOccurrences(of: "{{\(name)}}", with: value) }
        return result
    }
}
