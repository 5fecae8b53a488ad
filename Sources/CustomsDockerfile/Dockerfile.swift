import Foundation

/// A parsed Dockerfile: its instructions with the lines they came from, grouped into build stages.
/// Exists so findings and lint checks can point at the line a person has to change; parsed the way
/// BuildKit's frontend reads the file (parser directives, the escape character, line
/// continuations, comments inside continuations, heredocs, exec and shell forms, flags).
public struct Dockerfile: Sendable, Equatable {
    public var instructions: [Instruction]
    /// The escape character (`\` unless a `# escape=` directive says `` ` ``).
    public var escape: Character

    /// One instruction, continuations joined.
    public struct Instruction: Sendable, Equatable {
        /// Upper-cased: `FROM`, `RUN`, `COPY`, …
        public var keyword: String
        /// `--name=value` flags before the arguments, in order (`--mount` may repeat).
        public var flags: [Flag]
        /// The arguments after the flags, continuation lines joined with a space.
        public var arguments: String
        /// The arguments as an exec-form JSON array, when they are one.
        public var execForm: [String]?
        /// The heredocs the instruction opens (`<<EOF`, `<<-EOF`, quoted names), with their bodies.
        public var heredocs: [Heredoc]
        /// 1-based lines of the file the instruction spans, heredoc bodies included.
        public var lines: ClosedRange<Int>
        /// The stage the instruction belongs to (nil before the first `FROM`).
        public var stage: Int?

        public var line: Int { lines.lowerBound }

        public func flag(_ name: String) -> String? { flags.last { $0.name == name }?.value }

        /// The `NAME[=value]` pairs of an `ARG`, `ENV` or `LABEL` (also the legacy `ENV NAME value`),
        /// quotes removed; nil values are declarations without one.
        public var assignments: [(name: String, value: String?)] {
            let words = ShellWords.split(arguments)
            if keyword == "ENV", words.count >= 2, !words[0].contains("=") {
                return [(words[0], words.dropFirst().joined(separator: " "))]
            }
            return words.map { word in
                guard let equals = word.firstIndex(of: "=") else { return (word, nil) }
                return (String(word[..<equals]), String(word[word.index(after: equals)...]))
            }
        }
    }

    public struct Flag: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    public struct Heredoc: Sendable, Equatable {
        public var name: String
        public var body: String
        public init(name: String, body: String) {
            self.name = name
            self.body = body
        }
    }

    /// One `FROM` and the instructions up to the next.
    public struct Stage: Sendable, Equatable {
        public var index: Int
        /// The `AS` name, lower-cased (stage names are case-insensitive).
        public var name: String?
        /// The image or stage it starts from.
        public var base: String
        public var line: Int
    }

    public var stages: [Stage] {
        instructions.filter { $0.keyword == "FROM" }.enumerated().map { index, from in
            let words = from.arguments.split(whereSeparator: \.isWhitespace).map(String.init)
            let name = words.count >= 3 && words[words.count - 2].lowercased() == "as" ? words.last?.lowercased() : nil
            return Stage(index: index, name: name, base: words.first ?? "", line: from.line)
        }
    }

    /// The stages whose instructions make layers of the image the file builds (the last stage by
    /// default, or `target`), following `FROM <stage>` back; `COPY --from` copies files, not layers.
    public func shippedStages(target: String? = nil) -> Set<Int> {
        let stages = self.stages
        guard !stages.isEmpty else { return [] }
        var current = stages.last { target == nil || $0.name == target?.lowercased() } ?? stages[stages.count - 1]
        var shipped: Set<Int> = [current.index]
        while let base = stages.last(where: { $0.index < current.index && $0.name == current.base.lowercased() }),
            shipped.insert(base.index).inserted
        {
            current = base
        }
        return shipped
    }

    /// Parses `text`. Never fails: a line that is not an instruction is kept as one with its first
    /// word as keyword, as BuildKit would report it, so the checks see every line.
    public init(parsing text: String) {
        var escape: Character = "\\"
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        var index = 0
        // Parser directives: `# name=value` lines at the very top, before any other line.
        while index < lines.count, let directive = Self.directive(lines[index]) {
            if directive.name == "escape", directive.value == "`" { escape = "`" }
            index += 1
        }
        self.escape = escape
        var instructions: [Instruction] = []
        var stage: Int?
        while index < lines.count {
            let first = index
            let trimmed = lines[index].drop { $0 == " " || $0 == "\t" }
            index += 1
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            // Join continuation lines; comment and empty lines inside are skipped.
            var logical = String(trimmed)
            while Self.continues(logical, escape: escape), index <= lines.count {
                logical = String(logical.dropLast(Self.trailingSpaces(logical) + 1))
                var next: String?
                while index < lines.count {
                    let candidate = lines[index].drop { $0 == " " || $0 == "\t" }
                    index += 1
                    if candidate.hasPrefix("#") || candidate.isEmpty { continue }
                    next = String(lines[index - 1])
                    break
                }
                guard let next else { break }
                logical += next
            }
            let keywordEnd = logical.firstIndex { $0 == " " || $0 == "\t" } ?? logical.endIndex
            let keyword = logical[..<keywordEnd].uppercased()
            var rest = logical[keywordEnd...].drop { $0 == " " || $0 == "\t" }
            var flags: [Flag] = []
            while rest.hasPrefix("--") {
                let end = rest.firstIndex { $0 == " " || $0 == "\t" } ?? rest.endIndex
                let token = rest[rest.index(rest.startIndex, offsetBy: 2)..<end]
                let equals = token.firstIndex(of: "=")
                flags.append(
                    Flag(
                        name: String(token[..<(equals ?? token.endIndex)]),
                        value: equals.map { String(token[token.index(after: $0)...]) } ?? ""))
                rest = rest[end...].drop { $0 == " " || $0 == "\t" }
            }
            let arguments = String(rest).trimmingCharacters(in: .whitespaces)
            // Heredoc bodies follow the instruction's last line.
            var heredocs: [Heredoc] = []
            if ["RUN", "COPY", "ADD"].contains(keyword) {
                for opener in Self.heredocOpeners(arguments) {
                    var body: [String] = []
                    while index < lines.count {
                        var line = lines[index]
                        index += 1
                        if opener.stripsTabs { line = String(line.drop { $0 == "\t" }) }
                        if line == opener.name { break }
                        body.append(line)
                    }
                    heredocs.append(Heredoc(name: opener.name, body: body.map { $0 + "\n" }.joined()))
                }
            }
            if keyword == "FROM" { stage = (stage ?? -1) + 1 }
            instructions.append(
                Instruction(
                    keyword: keyword, flags: flags, arguments: arguments, execForm: Self.execForm(arguments),
                    heredocs: heredocs, lines: (first + 1)...max(first + 1, index), stage: stage))
        }
        self.instructions = instructions
    }

    private static func directive(_ line: String) -> (name: String, value: String)? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("#") else { return nil }
        let body = trimmed.dropFirst().trimmingCharacters(in: .whitespaces)
        guard let equals = body.firstIndex(of: "=") else { return nil }
        let name = body[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
        guard ["syntax", "escape", "check"].contains(name) else { return nil }
        return (name, body[body.index(after: equals)...].trimmingCharacters(in: .whitespaces))
    }

    private static func trailingSpaces(_ text: String) -> Int {
        text.reversed().prefix { $0 == " " || $0 == "\t" }.count
    }

    private static func continues(_ text: String, escape: Character) -> Bool {
        text.dropLast(trailingSpaces(text)).last == escape
    }

    /// `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` in the arguments, in order.
    static func heredocOpeners(_ arguments: String) -> [(name: String, stripsTabs: Bool)] {
        let pattern = #"<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2"#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        let range = NSRange(arguments.startIndex..., in: arguments)
        return regex.matches(in: arguments, range: range).compactMap { match in
            guard let dash = Range(match.range(at: 1), in: arguments),
                let name = Range(match.range(at: 3), in: arguments)
            else { return nil }
            return (String(arguments[name]), !arguments[dash].isEmpty)
        }
    }

    private static func execForm(_ arguments: String) -> [String]? {
        guard arguments.hasPrefix("["), let data = arguments.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode([String].self, from: data)
    }
}
