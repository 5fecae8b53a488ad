import CustomsCore

/// Where in the Dockerfile one location of a finding came from, and what the build context's
/// `.dockerignore` says about it: set when the user gives `--dockerfile` (and `--build-context`),
/// so reports point at the line to change and fixes speak of the actual build.
public struct DockerfileAnnotation: Sendable, Hashable {
    /// The Dockerfile as the user named it.
    public var dockerfile: String
    /// 1-based line of the instruction; nil when the layer or field maps to no instruction.
    public var line: Int?
    /// The instruction's keyword (`RUN`, `COPY`, `ARG`, …), never its arguments (they may hold secrets).
    public var keyword: String?
    /// Other lines that fit as well: the mapping is ambiguous and says so instead of guessing.
    public var alsoPossible: [Int] = []
    /// The layer comes from the base image of the `FROM` at `line`, not from an instruction here.
    public var fromBaseImage = false
    /// For a file copied from the build context: its path there, and what `.dockerignore` says.
    public var contextPath: String?
    public var dockerignore: DockerignoreStatus?
    /// The instruction names the file itself (`COPY config/prod.env /app/.env`): `.dockerignore` is
    /// not the fix, not copying it is.
    public var copiedByName = false
    /// Lines whose removal is the fix: an `ARG` or `ENV` that declares only the secret's variable.
    public var removableLines: ClosedRange<Int>?

    public init(dockerfile: String, line: Int?, keyword: String?) {
        self.dockerfile = dockerfile
        self.line = line
        self.keyword = keyword
    }
}

/// What the build context's `.dockerignore` does for a file that was copied from it.
public enum DockerignoreStatus: Sendable, Hashable {
    /// The context has no `.dockerignore`.
    case missing
    /// It exists and lets the file through.
    case doesNotExclude
    /// It excludes the file now (at this line): the image was built before, or from another context.
    case excludes(line: Int)
}
