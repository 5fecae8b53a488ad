import CustomsCore
import CustomsDockerfile

/// Follows the files each stage adds (COPY/ADD, and RUN downloads and redirections) and finds the
/// ones a later RUN removes: the removal makes a new layer, while the bytes stay in the layer that
/// added them, recoverable by anyone who pulls the image.
struct LayerLifetime {
    private struct Added {
        var path: String
        var isDirectory: Bool
        var line: Int
        var byRun: Bool

        func contains(_ target: String) -> Bool {
            target == path || (isDirectory && target.hasPrefix(path == "/" ? "/" : path + "/"))
        }
    }

    private let dockerfile: Dockerfile

    init(_ dockerfile: Dockerfile) { self.dockerfile = dockerfile }

    func findings(path: String) -> [LintFinding] {
        var findings: [LintFinding] = []
        var added: [Added] = []
        var workdir = "/"
        var stage: Int?
        for instruction in dockerfile.instructions {
            if instruction.stage != stage {
                stage = instruction.stage
                added = []
                workdir = "/"
            }
            switch instruction.keyword {
            case "WORKDIR":
                workdir = Self.resolve(ShellWords.split(instruction.arguments).first ?? "/", in: workdir)
            case "COPY", "ADD":
                let files = copied(instruction, workdir: workdir)
                added += files
                findings += files.filter { Self.looksSensitive($0.path) }.map { file in
                    LintFinding(
                        check: .credentialFileCopied, severity: .high, file: path, line: instruction.line,
                        message: "\(instruction.keyword) puts \(file.path.escapedForTerminal) into a layer of the "
                            + "image: a file with this name holds credentials",
                        fix: "do not copy it: give the build its secrets with `RUN --mount=type=secret,id=…`, and "
                            + "the container at run time (a mounted file or a secrets manager)",
                        rule: nil)
                }
            case "RUN":
                let commands = ShellWords.commands(
                    ([instruction.arguments] + instruction.heredocs.map(\.body)).joined(separator: "\n"))
                var removedHere: Set<String> = []
                for words in commands where words.first == "rm" {
                    for operand in words.dropFirst() where !operand.hasPrefix("-") {
                        let target = Self.resolve(operand, in: workdir)
                        removedHere.insert(target)
                        guard let source = added.last(where: { $0.contains(target) }) else { continue }
                        findings.append(finding(source, target: target, at: instruction, path: path))
                    }
                }
                for words in commands {
                    for written in Self.writtenFiles(words) {
                        let target = Self.resolve(written, in: workdir)
                        if !removedHere.contains(target) {
                            added.append(Added(path: target, isDirectory: false, line: instruction.line, byRun: true))
                        }
                    }
                }
            default: break
            }
        }
        return findings
    }

    private func finding(_ source: Added, target: String, at run: Dockerfile.Instruction, path: String) -> LintFinding {
        let sensitive = Self.looksSensitive(target)
        let how = source.byRun ? "written by the RUN at line \(source.line)" : "copied at line \(source.line)"
        return LintFinding(
            check: source.byRun ? .fetchedThenRemoved : .copiedThenRemoved,
            severity: sensitive ? .high : .medium, file: path, line: run.line,
            message: "\(target.escapedForTerminal) is \(how) and removed here: the layer of line \(source.line) "
                + "still holds it",
            fix: source.byRun
                ? "fetch, use and remove it in one RUN, or use `RUN --mount=type=secret,id=…` so it is never "
                    + "written to a layer"
                : "do not copy it: use `RUN --mount=type=secret,id=…,target=\(target)` for the command that needs "
                    + "it, or a build stage that is not shipped; rotate it if an image holds it",
            rule: nil)
    }

    private func copied(_ instruction: Dockerfile.Instruction, workdir: String) -> [Added] {
        var words = instruction.execForm ?? ShellWords.split(instruction.arguments)
        guard words.count >= 2, let destinationWord = words.popLast() else { return [] }
        let destination = Self.resolve(destinationWord, in: workdir)
        let intoDirectory =
            destinationWord.hasSuffix("/") || DockerIgnore.clean(destinationWord).isEmpty || words.count > 1
        return words.map { source in
            if source.hasPrefix("<<") {
                return Added(path: destination, isDirectory: false, line: instruction.line, byRun: false)
            }
            let cleaned = DockerIgnore.clean(source)
            let wholeDirectory = cleaned.isEmpty || source.hasSuffix("/") || cleaned.contains("*")
            if wholeDirectory {
                return Added(path: destination, isDirectory: true, line: instruction.line, byRun: false)
            }
            let name = cleaned.split(separator: "/").last.map(String.init) ?? cleaned
            let path = intoDirectory ? Self.resolve(name, in: destination) : destination
            // A source without an extension may be a directory: count what is under it too.
            return Added(path: path, isDirectory: !name.contains("."), line: instruction.line, byRun: false)
        }
    }

    /// Files a command writes: `curl -o F`, `curl --output F`, `wget -O F`, `> F`, `>> F`.
    static func writtenFiles(_ words: [String]) -> [String] {
        var files: [String] = []
        let command = words.first ?? ""
        for (index, word) in words.enumerated() {
            let next = index + 1 < words.count ? words[index + 1] : nil
            if (command == "curl" && (word == "-o" || word == "--output")) || (command == "wget" && word == "-O") {
                if let next, next != "-" { files.append(next) }
            } else if word.hasPrefix("--output-document=") {
                files.append(String(word.dropFirst("--output-document=".count)))
            } else if word == ">" || word == ">>" {
                if let next { files.append(next) }
            } else if word.hasPrefix(">"), !word.hasPrefix(">&"), word.count > 1 {
                files.append(String(word.drop { $0 == ">" }))
            }
        }
        return files.filter { !$0.isEmpty && !$0.hasPrefix("/dev/") && !$0.hasPrefix("$") }
    }

    static func resolve(_ path: String, in directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : directory + "/" + path
        return "/" + DockerIgnore.clean(joined)
    }

    static func looksSensitive(_ path: String) -> Bool {
        let name = (path.split(separator: "/").last.map(String.init) ?? path).lowercased()
        let names = [".npmrc", ".netrc", ".pypirc", ".git-credentials", "credentials", "config.json", ".pgpass"]
        return names.contains(name) || name.hasPrefix(".env") || name.hasPrefix("id_")
            || [".pem", ".key", ".p12", ".pfx", ".jks", ".keystore"].contains { name.hasSuffix($0) }
            || name.contains("secret") || name.contains("token")
    }
}
