import CustomsCore
import CustomsDetect
import CustomsDockerfile
import CustomsModel
import Foundation

/// Checks a Dockerfile and its build context before anything is built: secrets in build
/// arguments, the environment and RUN commands, a context copied without a `.dockerignore` that
/// keeps credential files out, files removed in a later layer than the one that added them, and
/// credentials in the files the context would send (matched with the full rule set). Exists
/// because a secret that never reaches a layer needs no rotation.
public struct DockerfileLinter {
    /// Context files larger than this are not read (the build would send them; a note says so).
    public static let maxContextFileBytes = 4 << 20
    /// Findings of the rule set below this confidence are not reported (as `scan` by default).
    public var minConfidence: Confidence = .medium
    private let engine: DetectionEngine

    public init(engine: DetectionEngine) { self.engine = engine }

    public struct Report: Sendable, Encodable {
        public var dockerfile: String
        public var context: String?
        public var findings: [LintFinding]
        /// Context files not read, with why (too large, unreadable).
        public var skipped: [String]
    }

    /// Lints `dockerfile` (shown as `path`); `context` is the build context directory, nil to skip
    /// the checks that need it.
    public func lint(_ dockerfile: Dockerfile, path: String, context: URL?) -> Report {
        let scanner = engine.makeScanner()
        var findings: [LintFinding] = []
        let shipped = dockerfile.shippedStages()
        for instruction in dockerfile.instructions {
            switch instruction.keyword {
            case "ARG", "ENV":
                findings += variableFindings(instruction, path: path, shipped: shipped, scanner: scanner)
            case "RUN":
                findings += runFindings(instruction, path: path, scanner: scanner)
            default: break
            }
        }
        findings += LayerLifetime(dockerfile).findings(path: path)
        var skipped: [String] = []
        if let context {
            let ignore = DockerIgnore.forBuild(dockerfile: path, context: context)
            findings += ContextCopies.findings(dockerfile, path: path, ignore: ignore)
            findings += contextFindings(
                dockerfile, path: path, context: context, ignore: ignore, scanner: scanner, skipped: &skipped)
        }
        findings.sort {
            ($0.file, $0.line, $0.check.rawValue, $0.message) < ($1.file, $1.line, $1.check.rawValue, $1.message)
        }
        return Report(dockerfile: path, context: context?.path, findings: findings, skipped: skipped)
    }

    // MARK: ARG and ENV

    /// Names that say they hold a secret (`NPM_TOKEN`, `DB_PASSWORD`, `SENDGRID_KEY`), not those
    /// that name where one is or a public key (`*_FILE`, `*_PATH`, `GPG_KEY`, `*_KEY_ID`).
    static let secretName = try! NSRegularExpression(
        pattern: #"(?i)(?:^|[_.-])(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_.-]?key|access[_.-]?key|"#
            + #"private[_.-]?key|credentials?|auth|key)(?:$|[_.-])"#)
    static let notSecretName = try! NSRegularExpression(
        pattern: #"(?i)(?:_FILE|_PATH|_DIR|_URL|_ID|_NAME|_USER|_USERNAME)$|GPG|PGP|PUBLIC|KEYRING|KEYSERVER"#)

    static func looksLikeSecretName(_ name: String) -> Bool {
        let range = NSRange(name.startIndex..., in: name)
        return secretName.firstMatch(in: name, range: range) != nil
            && notSecretName.firstMatch(in: name, range: range) == nil
    }

    private func variableFindings(
        _ instruction: Dockerfile.Instruction, path: String, shipped: Set<Int>, scanner: ContentScanner
    ) -> [LintFinding] {
        let isArg = instruction.keyword == "ARG"
        let unshipped = instruction.stage.map { !shipped.contains($0) } ?? false
        var findings: [LintFinding] = []
        for (name, value) in instruction.assignments {
            let literal = value.map { !$0.isEmpty && !$0.hasPrefix("$") } ?? false
            let matched = literal ? secretMatch(in: "\(name)=\(value ?? "")", scanner: scanner) : nil
            // An ENV without a literal value holds a secret only when it takes one from a build arg.
            guard matched != nil || (Self.looksLikeSecretName(name) && (isArg || value != nil)) else { continue }
            let stageNote = unshipped ? " (in a stage that is not shipped, but kept in the build cache and logs)" : ""
            let valueNote = literal ? " with a value written in the Dockerfile" : ""
            findings.append(
                LintFinding(
                    check: isArg ? .secretBuildArg : .secretEnv,
                    severity: unshipped ? .medium : (matched?.rule.severity ?? .high),
                    file: path, line: instruction.line,
                    message: isArg
                        ? "ARG \(name)\(valueNote) looks like a secret: build arguments are recorded in the image "
                            + "history\(stageNote)"
                        : "ENV \(name)\(valueNote) looks like a secret: the environment is stored in the image "
                            + "config\(stageNote)",
                    fix: "remove it; pass the secret with `docker build --secret id=\(name.lowercased()),env=\(name)` "
                        + "and read it in `RUN --mount=type=secret,id=\(name.lowercased()),env=\(name)`; rotate it "
                        + "if an image was built with it",
                    rule: matched?.rule.id))
        }
        return findings
    }

    private func secretMatch(in text: String, scanner: ContentScanner) -> ContentMatch? {
        scanner.scan(Array(text.utf8)).matches.first { $0.rule.confidence >= minConfidence }
    }

    // MARK: RUN

    /// Credentials people write into commands, by what each one is.
    static let inlinePatterns: [(what: String, regex: NSRegularExpression)] = [
        ("a password to curl -u", #"\bcurl\b[^|;&\n]*?\s(?:-u|--user)[ =]?['"]?[^\s'":]+:(?!\$)[^\s'"]+"#),
        (
            "a password to docker login",
            #"\b(?:docker|podman|buildah)\s+login\b[^|;&\n]*?\s(?:-p|--password)[ =](?!['"]?\$)"#
        ),
        ("a user and password in a URL", #"\b[a-z][a-z0-9+.-]*://[^/\s:@'"]+:(?!\$)[^/\s@'"]+@"#),
        ("an npm auth token", #"_auth(?:Token)?\s*[= ]\s*['"]?(?!\$)[A-Za-z0-9._~+/=-]{8,}"#),
    ].map { ($0.0, try! NSRegularExpression(pattern: $0.1)) }

    private func runFindings(
        _ instruction: Dockerfile.Instruction, path: String, scanner: ContentScanner
    ) -> [LintFinding] {
        let text = ([instruction.arguments] + instruction.heredocs.map(\.body)).joined(separator: "\n")
        let range = NSRange(text.startIndex..., in: text)
        var reasons = Self.inlinePatterns.filter { $0.regex.firstMatch(in: text, range: range) != nil }.map(\.what)
        let matched = secretMatch(in: text, scanner: scanner)
        if reasons.isEmpty, let matched { reasons.append("a \(matched.rule.name)") }
        guard !reasons.isEmpty else { return [] }
        return [
            LintFinding(
                check: .secretInRun, severity: matched?.rule.severity ?? .high, file: path, line: instruction.line,
                message: "RUN writes \(reasons.joined(separator: " and ")) into the command: it is recorded in the "
                    + "image history and the build cache",
                fix: "pass it with `docker build --secret id=…` and use `RUN --mount=type=secret,id=…` (or "
                    + "`env=NAME`) in this command; rotate it",
                rule: matched?.rule.id)
        ]
    }

    // MARK: The build context

    private func contextFindings(
        _ dockerfile: Dockerfile, path: String, context: URL, ignore: DockerIgnore?, scanner: ContentScanner,
        skipped: inout [String]
    ) -> [LintFinding] {
        var findings: [LintFinding] = []
        let copies = ContextCopies.sources(dockerfile)
        for file in ContextFiles.list(context, ignore: ignore) {
            let url = context.appendingPathComponent(file)
            guard let size = (try? url.resourceValues(forKeys: [.fileSizeKey]))?.fileSize else { continue }
            guard size <= Self.maxContextFileBytes else {
                skipped.append("\(file): larger than \(Self.maxContextFileBytes >> 20) MiB, not read")
                continue
            }
            guard let data = try? Data(contentsOf: url) else {
                skipped.append("\(file): not readable")
                continue
            }
            let copy = copies.first { $0.covers(file) }
            for match in scanner.scan(data).matches where match.rule.confidence >= minConfidence {
                let copied = copy.map { "copied into the image by \($0.keyword) at \(path):\($0.line)" }
                findings.append(
                    LintFinding(
                        check: .contextSecret, severity: copy == nil ? .low : match.rule.severity,
                        file: file, line: match.line,
                        message: "\(match.rule.name) in a file the build context sends; "
                            + (copied ?? "no instruction copies it"),
                        fix: "add `\(Remediation.dockerignorePattern(for: file))` to .dockerignore and give the "
                            + "build the secret with `--secret`; rotate it if an image holds it",
                        rule: match.rule.id))
            }
        }
        return findings
    }
}
