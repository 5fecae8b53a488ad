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

    /// Every change as a kind letter, its path and a NUL (which no entry name can hold); a
    /// hardlink's target follows as one more NUL-ended field. One flat buffer instead of a value
    /// per entry: a layer of a million files costs its paths' bytes, not a million allocations.
    public private(set) var encoded: [UInt8] = []
    /// The number of changes.
    public private(set) var count = 0
    /// How many of them are hardlinks: most layers have none, and then nobody needs to decode
    /// every path to look for one.
    public private(set) var hardlinkCount = 0

    public init(_ changes: [Change] = []) {
        for change in changes { append(change) }
    }

    /// Changes stored by `encoded` before; nil when the bytes are not such an encoding.
    public init?(encoded: consuming [UInt8]) {
        var count = 0, hardlinks = 0
        var position = 0
        while position < encoded.count {
            guard let kind = Kind(rawValue: encoded[position]) else { return nil }
            if kind == .hardlink { hardlinks += 1 }
            for _ in 0..<(kind == .hardlink ? 2 : 1) {
                guard let end = encoded[position...].firstIndex(of: 0) else { return nil }
                position = end + 1
            }
            count += 1
        }
        self.encoded = encoded
        self.count = count
        hardlinkCount = hardlinks
    }

    public mutating func append(_ change: Change) {
        func field(_ kind: Kind, _ path: ImagePath) {
            encoded.append(kind.rawValue)
            encoded += path.value.utf8
            encoded.append(0)
        }
        switch change {
        case .file(let path): field(.file, path)
        case .directory(let path): field(.directory, path)
        case .symlink(let path): field(.symlink, path)
        case .hardlink(let name, let target):
            field(.hardlink, name)
            encoded += target.value.utf8
            encoded.append(0)
            hardlinkCount += 1
        case .other(let path): field(.other, path)
        case .whiteout(let path): field(.whiteout, path)
        case .opaque(let directory): field(.opaque, directory)
        }
        count += 1
    }

    /// The kind letter that starts each encoded change.
    enum Kind: UInt8 {
        case file = 0x66
        case directory = 0x64
        case symlink = 0x6C
        case hardlink = 0x68
        case other = 0x6F
        case whiteout = 0x77
        case opaque = 0x71
    }

    /// The change a tar entry named `name` makes, recognising whiteout markers.
    public static func change(forEntryNamed name: String, kind: EntryKind) -> Change? {
        let path = ImagePath(name)
        let base = path.name
        if base == WhiteoutMarker.opaque {
            return .opaque(directory: path.parent ?? ImagePath(""))
        }
        if base.utf8.starts(with: WhiteoutMarker.prefix.utf8) {
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

extension LayerChanges: Sequence {
    /// Decodes one change at a time, in tar order (its position is the entry's index).
    public struct Iterator: IteratorProtocol {
        let bytes: [UInt8]
        var position = 0

        public mutating func next() -> Change? {
            guard position < bytes.count, let kind = Kind(rawValue: bytes[position]) else { return nil }
            position += 1
            let path = field()
            switch kind {
            case .file: return .file(path)
            case .directory: return .directory(path)
            case .symlink: return .symlink(path)
            case .hardlink: return .hardlink(name: path, target: field())
            case .other: return .other(path)
            case .whiteout: return .whiteout(path)
            case .opaque: return .opaque(directory: path)
            }
        }

        private mutating func field() -> ImagePath {
            let end = bytes[position...].firstIndex(of: 0) ?? bytes.count
            defer { position = end + 1 }
            return ImagePath(normalized: String(decoding: bytes[position..<end], as: UTF8.self))
        }
    }

    public func makeIterator() -> Iterator { Iterator(bytes: encoded) }
    public var underestimatedCount: Int { count }
}

/// The AUFS/OCI whiteout naming convention.
public enum WhiteoutMarker {
    /// Prefix of a whiteout file: `.wh.<name>` deletes `<name>`.
    public static let prefix = ".wh."
    /// Name of the opaque-directory marker.
    public static let opaque = ".wh..wh..opq"
}
