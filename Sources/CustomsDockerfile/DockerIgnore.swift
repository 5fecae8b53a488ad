import Foundation

/// A `.dockerignore` file, matched the way BuildKit matches it (moby/patternmatcher): patterns
/// are cleaned paths relative to the context root, `*` and `?` stay within one path element, `**`
/// spans any number of them, `!` re-includes, the last pattern that matches decides, and a
/// pattern that matches a directory excludes everything under it. Exists so `customs lint` sends
/// exactly the files a build would, and can say which line would have kept a file out.
public struct DockerIgnore: Sendable {
    public struct Pattern: Sendable {
        /// The pattern as written (after cleaning).
        public var text: String
        public var exclusion: Bool
        /// 1-based line in the file.
        public var line: Int
        let regex: NSRegularExpression
    }

    public var patterns: [Pattern]
    /// The file's name, for messages (`.dockerignore`, or `Dockerfile.dockerignore`).
    public var fileName = ".dockerignore"

    /// The file a build of `dockerfile` in `context` uses: BuildKit reads `<Dockerfile>.dockerignore`
    /// beside the Dockerfile first, then the context's `.dockerignore`; nil when there is neither.
    public static func forBuild(dockerfile: String, context: URL) -> DockerIgnore? {
        let specific = URL(fileURLWithPath: dockerfile + ".dockerignore")
        for url in [specific, context.appendingPathComponent(".dockerignore")] {
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                var ignore = DockerIgnore(parsing: text)
                ignore.fileName = url.lastPathComponent
                return ignore
            }
        }
        return nil
    }

    public init(parsing text: String) {
        var patterns: [Pattern] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let exclusion = line.hasPrefix("!")
            if exclusion { line = String(line.dropFirst()).trimmingCharacters(in: .whitespaces) }
            let cleaned = Self.clean(line)
            guard !cleaned.isEmpty, let regex = try? NSRegularExpression(pattern: Self.regex(for: cleaned)) else {
                continue
            }
            patterns.append(Pattern(text: cleaned, exclusion: exclusion, line: offset + 1, regex: regex))
        }
        self.patterns = patterns
    }

    /// True when the build would leave `path` (relative to the context root, `/`-separated) out.
    public func excludes(_ path: String) -> Bool { decidingPattern(for: path)?.exclusion == false }

    /// The last pattern matching `path` or one of its parent directories, which decides it.
    public func decidingPattern(for path: String) -> Pattern? {
        let cleaned = Self.clean(path)
        let parents = Self.parents(of: cleaned)
        return patterns.last { pattern in
            Self.matches(pattern.regex, cleaned) || parents.contains { Self.matches(pattern.regex, $0) }
        }
    }

    private static func matches(_ regex: NSRegularExpression, _ path: String) -> Bool {
        regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
    }

    private static func parents(of path: String) -> [String] {
        let parts = path.split(separator: "/")
        return (1..<max(1, parts.count)).map { parts[0..<$0].joined(separator: "/") }
    }

    /// Go's `filepath.Clean` for `/` paths, with the leading `/` dropped (patterns are relative).
    public static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", parts.isEmpty { continue }  // above the root is the root
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// The pattern as an anchored regular expression, as patternmatcher builds it.
    static func regex(for pattern: String) -> String {
        var result = "^"
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                if index + 1 < characters.count, characters[index + 1] == "*" {
                    index += 1
                    if index + 1 < characters.count, characters[index + 1] == "/" {
                        index += 1
                        result += "(.*/)?"
                    } else {
                        result += ".*"
                    }
                } else {
                    result += "[^/]*"
                }
            case "?": result += "[^/]"
            case "[":
                var end = index + 1
                while end < characters.count, characters[end] != "]" { end += 1 }
                if end < characters.count {
                    var set = String(characters[(index + 1)..<end])
                    if set.hasPrefix("^") || set.hasPrefix("!") { set = "^" + set.dropFirst() }
                    result += "[" + set.replacingOccurrences(of: "\\", with: "\\\\") + "]"
                    index = end
                } else {
                    result += "\\["
                }
            case "\\":
                if index + 1 < characters.count {
                    index += 1
                    result += NSRegularExpression.escapedPattern(for: String(characters[index]))
                }
            default:
                result += NSRegularExpression.escapedPattern(for: String(character))
            }
            index += 1
        }
        return result + "$"
    }
}
