private import CZstd

/// The decompressors linked in, for `customs --version`.
public enum CompressionLibraries {
    /// "ISA-L (igzip) libzstd/1.5.4": ISA-L has no version call; its Debian package names it.
    public static var versionDetails: String {
        "isa-l (igzip) libzstd/\(String(cString: ZSTD_versionString()))"
    }
}
