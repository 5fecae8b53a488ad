import ArgumentParser
import CustomsCore
import CustomsReport
import CustomsScan
import Foundation

/// `customs scan TARGET…`: scan images and report every secret with its provenance.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan images for leaked credentials.",
        discussion: """
        TARGET is a docker save archive (.tar, .tar.gz), an OCI layout directory or tar, a root \
        filesystem directory, or - to read an archive from standard input (docker save app | customs scan -).

        Exit codes:
          0  scanned completely, no finding at or above --fail-on
          1  at least one finding at or above --fail-on
          2  usage error, or nothing could be scanned
          3  no finding, but the scan was incomplete (see the coverage section)
        """
    )

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Images to scan: archive paths, OCI layout or root filesystem directories, or - for standard input.")
    var targets: [String]

    @Option(name: .long, help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format = .text

    @Option(name: [.short, .long], help: "Write the report to FILE (created with mode 0600) instead of standard output.")
    var output: String?

    @Option(name: .long, help: "Scan only this platform of multi-platform images (os/arch[/variant]).")
    var platform: String?

    @Option(name: .long, help: "Lowest severity that makes the exit code 1: low, medium, high, critical.")
    var failOn: String = "low"

    @Option(name: .long, help: "A folder of extra rule files (*.yaml) to add to the built-in rules. Repeatable.")
    var rules: [String] = []

    @Flag(name: .long, help: "Print secrets in full instead of redacted. Never use in shared CI logs.")
    var showSecrets = false

    func validate() throws {
        if let platform, Platform(parsing: platform) == nil {
            throw ValidationError("--platform must look like os/arch or os/arch/variant, e.g. linux/arm64/v8")
        }
        if Severity(rawValue: failOn) == nil {
            throw ValidationError("--fail-on must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if targets.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be scanned only once per run")
        }
    }

    func run() throws {
        var options = ScanOptions()
        options.platform = platform.flatMap(Platform.init(parsing:))
        options.ruleDirectories = rules.map { URL(fileURLWithPath: $0) }
        let scan: Scan
        do {
            scan = try Scan(options: options)
        } catch {
            throw ValidationError("cannot load rules: \(error)")
        }
        let result = scan.run(targets)
        let reporter: Reporter = format == .json ? JSONReporter() : TextReporter()
        let report = try reporter.render(result, options: ReportOptions(showSecrets: showSecrets))
        if let output {
            try OutputFile.write(report, to: output)
        } else {
            FileHandle.standardOutput.write(Data(report.utf8))
        }
        for failure in result.failedTargets where output != nil || format != .text {
            FileHandle.standardError.write(Data("customs: \(failure.target): \(failure.message)\n".utf8))
        }
        let code = result.exitCode(failOn: Severity(rawValue: failOn)!)
        if code != 0 { throw ExitCode(code) }
    }
}
