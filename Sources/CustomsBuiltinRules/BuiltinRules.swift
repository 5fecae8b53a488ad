import CustomsRules

/// The rules in the repository's top-level `Rules/` folder, compiled into the binary by the
/// EmbedRules build plugin so `customs` runs with no files beside it.
public enum BuiltinRules {
    /// Every built-in rule file as (file name, YAML text), sorted by name.
    public static var files: [(name: String, text: String)] { embeddedRuleFiles }

    /// The built-in rule set, parsed and validated.
    public static func load() throws -> RuleSet {
        try RuleSet(files.flatMap { try RuleLoader.rules(fromYAML: $0.text, origin: "Rules/\($0.name)") })
    }
}
