import CustomsCore

/// The overlay model of an image: given every layer's changes (base first), says whether a
/// file added by layer i is visible in the final filesystem, or was deleted, hidden by an
/// opaque directory, or overwritten, and by which layer. A pure function of its input, so
/// tests can feed it by hand.
public struct ProvenanceResolver: Sendable {
    /// What one layer does at the paths that matter (those asked about and their ancestors);
    /// every other entry is skipped, so memory follows the findings, not the layer's size.
    struct LayerIndex: Sendable {
        /// Every such path the layer puts something at → its last entry's position, and whether
        /// that entry is a directory.
        var entries: [ImagePath: (position: Int, isDirectory: Bool)] = [:]
        var whiteouts: Set<ImagePath> = []
        var opaques: Set<ImagePath> = []

        func isNonDirectory(_ path: ImagePath) -> Bool { entries[path].map { !$0.isDirectory } ?? false }
    }

    let layers: [LayerIndex]
    let relevant: Set<ImagePath>

    /// - Parameters:
    ///   - layers: each layer's changes, base layer first, in tar order.
    ///   - paths: every path `visibility(of:layer:entryIndex:)` will be asked about.
    public init<Changes: Sequence<ProvenanceChange>>(layers: [Changes], asking paths: some Sequence<ImagePath>) {
        var relevant: Set<ImagePath> = []
        for path in paths where relevant.insert(path).inserted { relevant.formUnion(path.ancestors) }
        self.relevant = relevant
        // Nothing to ask about (a layer without findings): no need to read a million changes.
        guard !relevant.isEmpty else {
            self.layers = Array(repeating: LayerIndex(), count: layers.count)
            return
        }
        self.layers = layers.map { changes in
            var index = LayerIndex()
            for (position, change) in changes.enumerated() {
                switch change {
                case .added(let path, let isDirectory) where relevant.contains(path):
                    index.entries[path] = (position, isDirectory)
                case .whiteout(let path) where relevant.contains(path):
                    index.whiteouts.insert(path)
                case .opaque(let directory) where relevant.contains(directory):
                    index.opaques.insert(directory)
                default:
                    break
                }
            }
            return index
        }
    }

    /// The visibility of the entry at `entryIndex` (its position in layer `layer`'s changes)
    /// that put a file at `path`. Whiteouts and opaque markers act on lower layers only, as the
    /// OCI spec says; a later entry with the same path in the same layer replaces this one.
    public func visibility(of path: ImagePath, layer: Int, entryIndex: Int) -> Visibility {
        precondition(relevant.contains(path), "visibility asked of a path not named when the resolver was built")
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
