/// Reads Dockerfile instructions out of config history `created_by` strings, as written by the
/// classic builder (`/bin/sh -c #(nop) COPY …`), BuildKit (`RUN |1 A=b /bin/sh -c … # buildkit`)
/// and buildah (`|1 A=b /bin/sh -c …`).
public enum HistoryInstruction {
    /// A `created_by` split into its build arguments and the command that follows them.
    public struct Parsed: Equatable, Sendable {
        public var buildArgs: [(name: String, value: String)]
        public var command: String

        public static func == (lhs: Parsed, rhs: Parsed) -> Bool {
            lhs.command == rhs.command
                && lhs.buildArgs.map { "\($0.name)=\($0.value)" } == rhs.buildArgs.map { "\($0.name)=\($0.value)" }
        }
    }

    /// Splits `|N K=V … command` into N build args and the command; other text has no args.
    public static func parse(_ createdBy: String) -> Parsed {
        var text = Substring(createdBy)
        let hadRun = text.hasPrefix("RUN |")
        if hadRun { text = text.dropFirst(4) }
        guard text.hasPrefix("|") else { return Parsed(buildArgs: [], command: createdBy) }
        let afterBar = text.dropFirst()
        let digits = afterBar.prefix { $0.isNumber }
        guard let count = Int(digits), count > 0, count < 10_000 else {
            return Parsed(buildArgs: [], command: createdBy)
        }
        var rest = afterBar.dropFirst(digits.count).drop { $0 == " " }
        var args: [(String, String)] = []
        for _ in 0..<count {
            let token = rest.prefix { $0 != " " }
            guard let equals = token.firstIndex(of: "=") else { break }
            args.append((String(token[..<equals]), String(token[token.index(after: equals)...])))
            rest = rest.dropFirst(token.count).drop { $0 == " " }
        }
        return Parsed(buildArgs: args, command: (hadRun ? "RUN " : "") + rest)
    }

    /// The instruction as a person would write it in a Dockerfile (`RUN npm ci`, `COPY . /app`),
    /// with build-arg values left out so no secret is shown through it.
    public static func display(_ createdBy: String) -> String {
        var text = parse(createdBy).command
        if text.hasSuffix(" # buildkit") { text = String(text.dropLast(" # buildkit".count)) }
        for shell in ["/bin/sh -c #(nop) ", "/bin/sh -c #(nop)"] where text.hasPrefix(shell) {
            return String(text.dropFirst(shell.count)).trimmingSpaces
        }
        if text.hasPrefix("/bin/sh -c ") { return "RUN " + String(text.dropFirst("/bin/sh -c ".count)).trimmingSpaces }
        if text.hasPrefix("RUN /bin/sh -c ") {
            return "RUN " + String(text.dropFirst("RUN /bin/sh -c ".count)).trimmingSpaces
        }
        return text.trimmingSpaces
    }

    /// Maps layers (0-based, base first) to the history entries that created them: the
    /// non-empty entries, in order. Returns nil when the counts disagree.
    public static func layerEntries(_ history: [ImageConfig.History], layerCount: Int) -> [Int]? {
        let nonEmpty = history.indices.filter { history[$0].empty_layer != true }
        return nonEmpty.count == layerCount ? nonEmpty : nil
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
