import CustomsCore
import Foundation

/// A content descriptor as written in an index or manifest (fields unvalidated).
public struct DescriptorJSON: Codable, Sendable {
    public var mediaType: String?
    public var digest: String
    public var size: Int64?
    public var platform: PlatformJSON?
    public var annotations: [String: String]?
    public var urls: [String]?
}

/// `platform` of an index entry.
public struct PlatformJSON: Codable, Sendable {
    public var os: String?
    public var architecture: String?
    public var variant: String?

    var platform: Platform? {
        guard let os, let architecture else { return nil }
        return Platform(validating: os, architecture: architecture, variant: variant)
    }
}

/// Any OCI/Docker document that may be an index or a manifest; classified after decoding.
struct OCIDocumentJSON: Decodable {
    var mediaType: String?
    var manifests: [DescriptorJSON]?
    var config: DescriptorJSON?
    var layers: [DescriptorJSON]?
    var annotations: [String: String]?
}

/// One entry of a `docker save` manifest.json.
struct DockerManifestEntryJSON: Decodable {
    var Config: String
    var RepoTags: [String]?
    var Layers: [String]
}

/// The parts of an image config customs reads (OCI and Docker share them).
public struct ImageConfig: Decodable, Sendable {
    public struct Settings: Decodable, Sendable {
        public var Env: [String]?
        public var Labels: [String: String]?
        public var Cmd: [String]?
        public var Entrypoint: [String]?
        public var User: String?
        public var WorkingDir: String?
    }
    public struct RootFS: Decodable, Sendable {
        public var diff_ids: [String]?
    }
    public struct History: Decodable, Sendable {
        public var created_by: String?
        public var comment: String?
        public var empty_layer: Bool?

        public init(created_by: String?, comment: String? = nil, empty_layer: Bool? = nil) {
            self.created_by = created_by
            self.comment = comment
            self.empty_layer = empty_layer
        }
    }

    public var architecture: String?
    public var os: String?
    public var variant: String?
    public var config: Settings?
    public var rootfs: RootFS?
    public var history: [History]?

    /// No config at all: what an image whose config is missing or unusable is planned with.
    public static let empty = ImageConfig(
        architecture: nil, os: nil, variant: nil, config: nil, rootfs: nil, history: nil)

    /// The platform the config declares.
    public var platform: Platform? {
        guard let os, let architecture else { return nil }
        return Platform(validating: os, architecture: architecture, variant: variant)
    }
}

/// Decodes JSON documents with a size cap and an error that names the document.
public enum JSONDocument {
    /// Largest manifest, index or config accepted.
    public static let maxBytes = 16 << 20

    static func decode<T: Decodable>(_ type: T.Type, from data: Data, name: String) throws -> T {
        guard data.count <= maxBytes else {
            throw ImageError(
                .invalidDocument, "\(name) is \(data.count) bytes, over the \(maxBytes)-byte cap for documents")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw ImageError(.invalidDocument, "\(name) is not a valid \(T.self): \(Self.describe(error))")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return
                "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: ".")): "
                + "\(context.debugDescription)"
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        default: return "\(error)"
        }
    }
}
