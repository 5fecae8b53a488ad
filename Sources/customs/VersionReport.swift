import CustomsArchive
import CustomsBuiltinRules
import CustomsCompression
import CustomsCore
import CustomsRegex

/// What `customs --version` prints: enough to reproduce a result or file a bug (the version, the
/// commit, the rules, and the C libraries linked in, which a static release carries itself).
enum VersionReport {
    static var text: String {
        let rules: String
        if let set = try? BuiltinRules.load() {
            rules = "rules: \(set.rules.count) built-in, hash \(set.contentHash.prefix(16))"
        } else {
            rules = "rules: the built-in rules do not load"
        }
        return [
            "customs \(CustomsVersion.current) (commit \(BuildInfo.commit.prefix(12)))", rules,
            ArchiveLibrary.versionDetails, CompressionLibraries.versionDetails, RegexLibraries.pcre2Version,
            RegexLibraries.vectorscanVersion,
        ].joined(separator: "\n")
    }
}
