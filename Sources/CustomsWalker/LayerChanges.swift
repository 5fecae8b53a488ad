import CustomsCore

/// What one layer does to the filesystem, in tar order: the input of the provenance resolver,
/// recorded while the layer streams so no second pass is needed.
public struct LayerChanges: Sendable {
    /// One tar entry's effect. Closed set.
    public enum Change: Sendable, Hashable {
        /// A regular file (or a hardlink entry with data).
        case file(ImagePath)
        case directory(ImagePath)
        case symlink(ImagePath)
        /// A hardlink `name` bound to the content of `target`.
        case hardlink(name: ImagePath, target: ImagePath)
        /// Any other non-directory object (device, FIFO).
        case other(ImagePath)
        /// `.wh.<name>`: removes `path` from lower layers.
        case whiteout(ImagePath)
        /// `.wh..wh..opq`: hides everything lower layers put in `directory`.
        case opaque(directory: ImagePath)
    }

    public var changes: [Change] = []

    public init(_ changes: [Change] = []) { self.changes = changes }

    /// The change a tar entry named `name` makes, recognising whiteout markers.
    public static func change(forEntryNamed name: String, kind: EntryKind) -> Change? {
        let path = ImagePath(name)
        let base = path.name
        if base == WhiteoutMarker.opaque {
            return .opaque(directory: path.parent ?? ImagePath(""))
        }
        if base.hasPrefix(WhiteoutMarker.prefix) {
            let target = base.dropFirst(WhiteoutMarker.prefix.count)
            guard !target.isEmpty else { return nil }
            return .whiteout((path.parent ?? ImagePath("")).appending(target))
        }
        switch kind {
        case .regular: return .file(path)
        case .directory: return .directory(path)
        case .symlink: return .symlink(path)
        case .hardlink(let target): return .hardlink(name: path, target: ImagePath(target))
        case .other: return .other(path)
        }
    }

    /// Entry kinds as the walker sees them.
    public enum EntryKind: Sendable {
        case regular, directory, symlink, other
        case hardlink(target: String)
    }
}

/// The AUFS/OCI whiteout naming convention.
public enum WhiteoutMarker {
    /// Prefix of a whiteout file: `.wh.<name>` deletes `<name>`.
    public static let prefix = ".wh."
    /// Name of the opaque-directory marker.
    public static let opaque = ".wh..wh..opq"
}
