import CustomsCore

/// The overlay model of an image: given every layer's changes (base first), says whether a
/// file added by layer i is visible in the final filesystem, or was deleted, hidden by an
/// opaque directory, or overwritten, and by which layer. A pure function of its input, so
/// tests can feed it by hand.
public struct ProvenanceResolver: Sendable {
    /// One layer's changes, indexed for lookups (one dictionary insert per entry: a layer can
    /// hold tens of thousands, and this index is built on every scan, warm or cold).
    struct LayerIndex: Sendable {
        /// Every path the layer puts something at → its last entry's position, and whether that
        /// entry is a directory.
        var entries: [ImagePath: (position: Int, isDirectory: Bool)] = [:]
        var whiteouts: Set<ImagePath> = []
        var opaques: Set<ImagePath> = []

        func isNonDirectory(_ path: ImagePath) -> Bool { entries[path].map { !$0.isDirectory } ?? false }
    }

    let layers: [LayerIndex]

    /// - Parameter layers: each layer's changes, base layer first.
    public init(layers: [[ProvenanceChange]]) {
        self.layers = layers.map { changes in
            var index = LayerIndex()
            index.entries.reserveCapacity(changes.count)
            for (position, change) in changes.enumerated() {
                switch change {
                case .added(let path, let isDirectory):
                    index.entries[path] = (position, isDirectory)
                case .whiteout(let path):
                    index.whiteouts.insert(path)
                case .opaque(let directory):
                    index.opaques.insert(directory)
                }
            }
            return index
        }
    }

    /// The visibility of the entry at `entryIndex` (its position in layer `layer`'s changes)
    /// that put a file at `path`. Whiteouts and opaque markers act on lower layers only, as the
    /// OCI spec says; a later entry with the same path in the same layer replaces this one.
    public func visibility(of path: ImagePath, layer: Int, entryIndex: Int) -> Visibility {
        if let last = layers[layer].entries[path], last.position > entryIndex { return .overwritten(layer: layer) }
        let ancestors = path.ancestors
        for later in layers.indices where later > layer {
            let index = layers[later]
            if index.entries[path] != nil { return .overwritten(layer: later) }
            if ancestors.contains(where: index.isNonDirectory) { return .overwritten(layer: later) }
            if index.whiteouts.contains(path) || ancestors.contains(where: index.whiteouts.contains) {
                return .deleted(layer: later)
            }
            if ancestors.contains(where: index.opaques.contains) { return .hiddenByOpaqueDirectory(layer: later) }
        }
        return .visible
    }
}

/// What one tar entry does, as far as visibility is concerned.
public enum ProvenanceChange: Sendable, Hashable {
    /// A file, link, device or directory put at `path`.
    case added(ImagePath, isDirectory: Bool)
    /// `.wh.<name>`: removes `path` and everything below it from lower layers.
    case whiteout(ImagePath)
    /// `.wh..wh..opq`: hides what lower layers put below `directory`.
    case opaque(directory: ImagePath)
}
