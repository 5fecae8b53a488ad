/// Files whose assignments are settings (`.env`, YAML, JSON, TOML, properties, INI, XML, shell),
/// where a secret-named key with a random value is most likely a real credential. Generic
/// (key-name) matches there, and in image metadata, are medium confidence; in program source,
/// documentation and binaries they stay low, where library code produces most of them.
public enum SettingsFiles {
    static let extensions: Set<String> = [
        "env", "yaml", "yml", "json", "toml", "properties", "ini", "cfg", "conf", "config", "cnf", "xml", "sh", "bash",
        "zsh", "ksh", "envrc", "tfvars", "hcl", "npmrc", "pypirc", "netrc", "pgpass", "credentials", "secrets", "txt",
    ]
    static let names: Set<String> = [
        "dockerfile", "containerfile", "credentials", "config", "secrets", ".env", ".envrc", ".profile", ".bashrc",
        ".zshrc", ".bash_profile", ".bash_history", ".zsh_history", ".ash_history", ".sh_history", ".mysql_history",
        ".psql_history", "environment",
    ]

    /// True when a file named `name` (lower-cased) is a settings file.
    public static func contains(name: String) -> Bool {
        if names.contains(name) || name.hasPrefix(".env.") || name.hasPrefix("dockerfile.")
            || name.hasSuffix(".dockerfile")
        {
            return true
        }
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return extensions.contains(String(name[name.index(after: dot)...]))
    }
}
