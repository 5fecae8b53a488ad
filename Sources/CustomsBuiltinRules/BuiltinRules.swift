import CustomsRegex
import CustomsRules
import Foundation

/// The rules in the repository's top-level `Rules/` folder, compiled into the binary by the
/// EmbedRules build plugin so `customs` runs with no files beside it.
public enum BuiltinRules {
    /// Every built-in rule file as (file name, its rules as JSON converted from the YAML at build
    /// time), sorted by name.
    public static var files: [(name: String, json: String)] { embeddedRuleFiles.map { ($0.name, $0.text) } }

    /// The built-in rule set, parsed and validated.
    public static func load() throws -> RuleSet {
        try RuleLoader.builtinRuleSet(fromJSONFiles: files)
    }

    /// The keyword prefilters of the built-in rule set, compiled at build time
    /// (`Prefilter.portable`), so a start need not compile them: a rule set with other keywords
    /// (`--rules`, `--disable-rule`) finds none here and compiles its own.
    public static let prefilters: any PrefilterStore = EmbeddedPrefilters()
}

/// The build's compiled prefilters by key (both in base64), decoded when asked for.
struct EmbeddedPrefilters: PrefilterStore {
    func load(_ key: String) -> Data? {
        let wanted = Data(key.utf8).base64EncodedString()
        return embeddedPrefilterDatabases.first { $0.key == wanted }.flatMap { Data(base64Encoded: $0.database) }
    }

    func save(_ data: Data, as key: String) {}
}

/// What the binary was built from, embedded at build time.
public enum BuildInfo {
    /// The git commit of the checkout, or "unknown" when built outside one.
    public static let commit = embeddedCommit
}
