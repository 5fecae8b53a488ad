/// One entry header read from a tar (or zip) stream, as plain values. Names are kept as the
/// archive wrote them (decoded leniently); callers normalise them with `ImagePath`.
public struct ArchiveEntry: Sendable {
    /// What kind of file system object the entry is. Closed set.
    public enum Kind: Sendable, Equatable {
        case regular
        case directory
        case symlink(target: String)
        /// A hard link to an earlier entry named `target` (in this archive, or a lower layer).
        case hardlink(target: String)
        /// Devices, FIFOs, sockets: no content to scan.
        case other
    }

    public let name: String
    public let kind: Kind
    /// Size of the entry's data in bytes (0 when the archive does not say).
    public let size: Int64
    /// A warning libarchive raised while reading this header (the header is still usable).
    public let warning: String?
}
