/// Whether a file's bytes are visible in the final filesystem or only recoverable from an
/// earlier layer. Layer indexes are 0-based, base layer first.
public enum Visibility: Hashable, Sendable {
    /// Present in the final filesystem.
    case visible
    /// Removed by a whiteout (`.wh.name`) in `layer`; the bytes still ship in the earlier layer.
    case deleted(layer: Int)
    /// Hidden by an opaque-directory marker (`.wh..wh..opq`) in `layer`.
    case hiddenByOpaqueDirectory(layer: Int)
    /// Replaced by another entry at the same path (or a non-directory over a parent) in `layer`.
    case overwritten(layer: Int)

    /// The layer that removed or replaced the file, if any.
    public var changingLayer: Int? {
        switch self {
        case .visible: return nil
        case .deleted(let layer), .hiddenByOpaqueDirectory(let layer), .overwritten(let layer): return layer
        }
    }

    /// Stable machine name (`visible`, `deleted`, `hidden-by-opaque-directory`, `overwritten`).
    public var kind: String {
        switch self {
        case .visible: return "visible"
        case .deleted: return "deleted"
        case .hiddenByOpaqueDirectory: return "hidden-by-opaque-directory"
        case .overwritten: return "overwritten"
        }
    }
}
