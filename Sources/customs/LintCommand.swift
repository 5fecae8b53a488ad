import ArgumentParser
import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsDockerfile
import CustomsLint
import CustomsModel
import Foundation

/// `customs lint [DOCKERFILE] [--context DIR]`: the leaks a build would make, found before it runs.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a Dockerfile and its build context for leaks before building.",
        discussion: """
            Flags secrets in ARG and ENV, credentials written into RUN commands, files copied (or \
            fetched) in one layer and removed in a later one, a build context copied without a \
            .dockerignore that keeps credential files out, and credentials in the files the context \
            sends (with .dockerignore applied as BuildKit applies it), each on its Dockerfile line with \
            the fix.

            Exit codes: 0 no problem at or above --fail-on, 1 at least one, 2 usage or I/O error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }

    @Argument(help: ArgumentHelp("The Dockerfile (default: ./Dockerfile).", valueName: "dockerfile"))
    var dockerfile: String = "Dockerfile"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The build context directory (default: the Dockerfile's directory); --no-context skips it.",
            valueName: "dir"))
    var context: String?

    @Flag(name: .long, help: "Check the Dockerfile only, not a build context.")
    var noContext = false

    @Option(name: .long, help: "Output format: text, json, sarif.")
    var format: Format = .text

    @Option(name: .long, help: "Lowest severity that makes the exit code 1 (default: low).")
    var failOn: Severity = .low

    func run() throws {
        let url = URL(fileURLWithPath: dockerfile)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ValidationError("cannot read the Dockerfile \(dockerfile); give its path as the argument")
        }
        var contextURL: URL?
        if !noContext {
            contextURL = URL(fileURLWithPath: context ?? url.deletingLastPathComponent().path, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard let path = contextURL?.path, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
                isDirectory.boolValue
            else { throw ValidationError("the build context \(context ?? "") is not a directory") }
        }
        let engine = try DetectionEngine(ruleSet: BuiltinRules.load(), builtinPrefilters: BuiltinRules.prefilters)
        let report = DockerfileLinter(engine: engine).lint(
            Dockerfile(parsing: String(decoding: data, as: UTF8.self)), path: dockerfile, context: contextURL)
        let output: String
        switch format {
        case .text: output = LintRenderer.text(report, color: isatty(STDOUT_FILENO) == 1)
        case .json: output = try LintRenderer.json(report)
        case .sarif: output = try LintRenderer.sarif(report)
        }
        FileHandle.standardOutput.write(Data(output.utf8))
        if report.findings.contains(where: { $0.severity >= failOn }) { throw ExitCode(ExitStatus.findings) }
    }
}
