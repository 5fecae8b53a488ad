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
        subcommands: [ScanCommand.self, BaselineCommand.self, RulesCommand.self]
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
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.unusable)
            }
            exit(withError: error)
        }
    }
}
