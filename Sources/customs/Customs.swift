import ArgumentParser
import CustomsCore

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
}
