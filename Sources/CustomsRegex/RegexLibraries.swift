private import CPCRE2
private import CVectorscan

/// The versions of the regex libraries linked in, for `customs --version` (a static release
/// carries its own copies, so the system's packages say nothing about them).
public enum RegexLibraries {
    /// "PCRE2 10.42 2022-12-11".
    public static var pcre2Version: String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let written = pcre2_config_8(UInt32(PCRE2_CONFIG_VERSION), &buffer)
        guard written > 1 else { return "PCRE2 (unknown version)" }
        return "PCRE2 " + String(decoding: buffer.prefix(Int(written) - 1), as: UTF8.self)
    }

    /// "Vectorscan 5.4.9 2023-03-28" (Vectorscan keeps Hyperscan's API and version call).
    public static var vectorscanVersion: String {
        guard let text = hs_version() else { return "Vectorscan (unknown version)" }
        return "Vectorscan " + String(cString: text)
    }
}
