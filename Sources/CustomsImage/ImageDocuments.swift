import CustomsCore
import Foundation

/// The files of an image layout, however they are stored (a streamed archive, a directory).
/// The resolver reads documents through it and asks whether blobs exist.
public protocol ImageDocuments {
    /// The bytes of a small document at `path`, nil when absent.
    /// - Throws: `ImageError` when it exists but cannot be read safely.
    func document(_ path: String) throws -> Data?
    /// True when a blob (document or layer) exists at `path`.
    func contains(_ path: String) -> Bool
}

/// Validates paths named inside an image's own documents before they touch any lookup.
public enum LayoutPath {
    /// `blobs/<algorithm>/<hex>` for a validated digest.
    public static func blob(_ digest: Digest) -> String { "blobs/\(digest.algorithm)/\(digest.hex)" }

    /// Normalises a path from `manifest.json` (`./` removed); rejects absolute paths, `..`,
    /// backslashes and NUL so no document can point outside the layout.
    public static func safe(_ raw: String, in document: String) throws -> String {
        let unsafe =
            raw.isEmpty || raw.hasPrefix("/") || raw.contains("\\") || raw.contains("\0")
            || raw.split(separator: "/").contains("..")
        guard !unsafe else {
            throw ImageError(
                .unsafePath,
                "\(document) names an unsafe path \"\(raw.prefix(200).description.escapedForTerminal)\"; "
                    + "refusing to read it"
            )
        }
        return ImagePath(raw).value
    }
}
