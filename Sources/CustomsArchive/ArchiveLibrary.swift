private import CArchive

/// The libarchive linked in, for `customs --version`.
public enum ArchiveLibrary {
    /// "libarchive 3.6.2 zlib/1.2.13 liblzma/5.4.1 …": the library and the codecs built into it.
    public static var versionDetails: String {
        archive_version_details().map { String(cString: $0) } ?? "libarchive (unknown version)"
    }
}
