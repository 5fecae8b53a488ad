import ArgumentParser
import CustomsModel
import CustomsScan
import Foundation

/// `customs baseline create`: accept today's findings so later scans report only new ones.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Record accepted findings (fingerprints only, never secrets).",
        subcommands: [Create.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan TARGETs and write every finding's fingerprint to a baseline file.",
            discussion: "Use it with `customs scan --baseline FILE`, or `baseline: FILE` in .customs.yaml."
        )

        @OptionGroup var flags: ScanFlags

        @Option(
            name: [.short, .long], help: ArgumentHelp("The baseline file to write (mode 0600).", valueName: "file"))
        var output = ".customs-baseline.json"

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Keep only the findings this older baseline accepted (re-keys a version 1 baseline, or one made "
                    + "with another fingerprint key's findings found again).", valueName: "file"))
        var baseline: String?

        func run() throws {
            let configuration = try flags.loadConfiguration()
            var options = flags.options(configuration)
            var previous = FindingPolicy()
            if let baseline {
                try flags.accept(
                    baselineAt: URL(fileURLWithPath: baseline), into: &previous, key: options.fingerprintKey)
                // Matching old fingerprints may need the clear secrets, which stored results lack.
                if previous.readsSecrets { options.cache?.access = .writeOnly }
            }
            var result = try flags.run(options)
            if baseline != nil { result.findings = result.findings.filter(previous.isBaselined) }
            guard !result.images.isEmpty else {
                for failure in result.failedTargets {
                    Console.note("\(failure.target): \(failure.message)")
                }
                throw ExitCode(ExitStatus.unusable)
            }
            let baseline = Baseline(result, key: options.fingerprintKey)
            let sink = try ReportSink(path: output, inputs: flags.targets)
            sink.write(try baseline.encoded())
            try sink.finish()
            Console.note("wrote \(baseline.findings.count) fingerprint(s) to \(output)")
            if !result.isComplete { Console.warn("the scan was incomplete; the baseline may miss findings") }
        }
    }
}
