import CustomsCore
import CustomsDockerfile
import Foundation

/// What the instructions take from the build context, and whether the context's `.dockerignore`
/// keeps credential files out of what they take.
enum ContextCopies {
    struct Source {
        var keyword: String
        var line: Int
        /// Cleaned, relative to the context root; "" is the whole context.
        var patterns: [String]

        /// True when `file` (relative to the context) is among what this instruction copies.
        func covers(_ file: String) -> Bool {
            patterns.contains { $0.isEmpty || DockerIgnore(parsing: $0).excludes(file) }
        }
    }

    /// The COPY and ADD instructions that read the context (not `--from`, not heredocs or URLs).
    static func sources(_ dockerfile: Dockerfile) -> [Source] {
        dockerfile.instructions.compactMap { instruction in
            guard ["COPY", "ADD"].contains(instruction.keyword), instruction.flag("from") == nil else { return nil }
            let words = (instruction.execForm ?? ShellWords.split(instruction.arguments)).dropLast()
            let patterns = words.filter { !$0.hasPrefix("<<") && !$0.contains("://") }.map(DockerIgnore.clean)
            return patterns.isEmpty
                ? nil : Source(keyword: instruction.keyword, line: instruction.line, patterns: patterns)
        }
    }

    /// Files that hold credentials in real projects, with the `.dockerignore` line that keeps each out.
    static let credentialFiles: [(sample: String, pattern: String)] = [
        (".git/config", ".git"), (".env", ".env*"), (".env.production", ".env*"), (".npmrc", ".npmrc"),
        (".pypirc", ".pypirc"), ("id_rsa", "**/id_*"), ("id_ed25519", "**/id_*"), ("server.pem", "**/*.pem"),
        ("server.key", "**/*.key"), (".aws/credentials", ".aws"), (".docker/config.json", ".docker"),
        (".kube/config", ".kube"), ("terraform.tfstate", "**/*.tfstate*"),
    ]

    /// A finding for the first instruction that copies a whole directory of the context when no
    /// `.dockerignore` exists, or one that lets credential files through.
    static func findings(_ dockerfile: Dockerfile, path: String, ignore: DockerIgnore?) -> [LintFinding] {
        for source in sources(dockerfile) {
            let directories = source.patterns.filter { $0.isEmpty || $0.contains("*") || !$0.contains(".") }
            guard !directories.isEmpty else { continue }
            guard let ignore else {
                return [
                    LintFinding(
                        check: .contextWithoutDockerignore, severity: .medium, file: path, line: source.line,
                        message: "\(source.keyword) copies a directory of the build context and there is no "
                            + ".dockerignore: .git, .env files, keys and tokens go into the image",
                        fix: "add a .dockerignore with: "
                            + Array(Set(credentialFiles.map(\.pattern))).sorted().joined(separator: " "),
                        rule: nil)
                ]
            }
            var missing: [String] = []
            for (sample, pattern) in credentialFiles where !ignore.excludes(sample) && !missing.contains(pattern) {
                missing.append(pattern)
            }
            guard !missing.isEmpty else { continue }
            return [
                LintFinding(
                    check: .dockerignoreIncomplete, severity: .medium, file: path, line: source.line,
                    message: "\(source.keyword) copies a directory of the build context and \(ignore.fileName) lets "
                        + "credential files through: \(missing.joined(separator: " "))",
                    fix: "add to \(ignore.fileName): \(missing.joined(separator: " "))", rule: nil)
            ]
        }
        return []
    }
}
