import CustomsCore

/// One problem `customs lint` found before the build: where (a Dockerfile line, or a file of the
/// build context), what, and the change that fixes it. Never holds a secret's value.
public struct LintFinding: Sendable, Equatable, Encodable {
    /// The stable id of the check (see `LintCheck`).
    public var check: LintCheck
    public var severity: Severity
    /// The Dockerfile, or the context file, as a path the user gave or relative to the context.
    public var file: String
    /// 1-based line in `file`.
    public var line: Int
    public var message: String
    public var fix: String
    /// The detection rule that matched, when one did.
    public var rule: RuleID?
}

/// The checks of `customs lint`; the raw values are stable ids for JSON and SARIF.
public enum LintCheck: String, Sendable, Encodable, CaseIterable {
    case secretBuildArg = "secret-build-arg"
    case secretEnv = "secret-env"
    case secretInRun = "secret-in-run"
    case contextWithoutDockerignore = "context-without-dockerignore"
    case dockerignoreIncomplete = "dockerignore-incomplete"
    case credentialFileCopied = "credential-file-copied"
    case copiedThenRemoved = "copied-then-removed"
    case fetchedThenRemoved = "fetched-then-removed"
    case contextSecret = "context-secret"

    public var title: String {
        switch self {
        case .secretBuildArg: "Secret passed as a build argument"
        case .secretEnv: "Secret set in the image environment"
        case .secretInRun: "Secret written inline in a RUN command"
        case .contextWithoutDockerignore: "Whole build context copied without a .dockerignore"
        case .dockerignoreIncomplete: ".dockerignore does not exclude credential files"
        case .credentialFileCopied: "Credential file copied into the image"
        case .copiedThenRemoved: "File copied in one layer and removed in a later one"
        case .fetchedThenRemoved: "File fetched in one RUN and removed in a later one"
        case .contextSecret: "Credential in a file the build context sends"
        }
    }
}
