import ArgumentParser
import CustomsCore
import CustomsModel
import CustomsScan
import Foundation

/// The `customs` command: finds credentials leaked in container images, with provenance.
@main
struct Customs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customs",
        abstract: "Find credentials leaked in container images, with the layer, instruction and path of each.",
        discussion: """
            Reads docker save archives (legacy and Docker 25+, also gzip-compressed), OCI image layouts \
            (directory or tar), plain root filesystem directories, and standard input (-), without a \
            Docker daemon. Shell completions: customs --generate-completion-script bash|zsh|fish.
            """,
        version: CustomsVersion.current,
        subcommands: [ScanCommand.self, LintCommand.self, AuditCommand.self, BaselineCommand.self, RulesCommand.self]
    )

    /// Runs the command; usage errors exit with 2 (not ArgumentParser's 64), as DESIGN.md's
    /// exit codes say, so scripts can tell "bad invocation" from "incomplete scan".
    static func main() {
        if Array(CommandLine.arguments.dropFirst()) == ["--version"] {
            print(VersionReport.text)
            return
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // Help, --version and chosen exit codes pass through; every other error is one line
            // on standard error and exit 2 (usage or I/O), never 1, which CI reads as "secrets found".
            if error is ExitCode || exitCode(for: error) == .success { exit(withError: error) }
            var message = message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
            if exitCode(for: error) == .validationFailure, !(error is ValidationError) {
                message += " (see customs --help)"
            }
            let line = message.replacingOccurrences(of: "\n", with: " ").escapedForTerminal
            FileHandle.standardError.write(Data("customs: error: \(line)\n".utf8))
            Foundation.exit(ExitStatus.unusable)
        }
    }
}
