import ArgumentParser
import CustomsCache
import CustomsCore
import CustomsDockerfile
import CustomsModel
import CustomsProvenance
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

            Settings come from ./.customs.yaml (or --config FILE): allow rules, disabled rules, extra rule \
            folders, fail_on, min_confidence, baseline, limits. Flags override the file.

            Exit codes:
              0  scanned completely, no finding at or above --fail-on
              1  at least one finding at or above --fail-on
              2  usage error, or nothing could be scanned
              3  no finding, but the scan was incomplete (see the coverage section)
            """
    )

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl, sarif, gitlab, html
    }

    @OptionGroup var flags: ScanFlags

    @Option(name: .long, help: "Output format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format = .text

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Write the report to FILE (created with mode 0600) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(
        name: .long, help: "Lowest severity that makes the exit code 1: low, medium, high, critical (default: low).")
    var failOn: Severity?

    @Option(
        name: .long,
        help: "Hide findings below this confidence: low, medium, high (default: medium; hidden ones are counted).")
    var minConfidence: Confidence?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Report only findings not in this baseline (see `customs baseline create`).", valueName: "file"))
    var baseline: String?

    @Flag(name: .long, help: "Print secrets in full instead of redacted. Never use in shared CI logs.")
    var showSecrets = false

    @Flag(name: .long, help: "SARIF: describe every rule the scan ran, not only those with results.")
    var allRules = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The exit code for findings at or above --fail-on (default 1; 0 for report-only runs).",
            valueName: "n"))
    var exitCode: Int32 = ExitStatus.findings

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The Dockerfile the image was built from: findings point at its lines (SARIF on the file). "
                + "Repeatable: the n-th goes with the n-th target; one goes with all.", valueName: "path"))
    var dockerfile: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The build context directory the Dockerfile was built with: fixes say whether its .dockerignore "
                + "keeps a leaked file out.",
            valueName: "dir"))
    var buildContext: String?

    func validate() throws {
        guard (0...255).contains(exitCode) else { throw ValidationError("--exit-code takes 0 to 255") }
        guard dockerfile.count <= 1 || dockerfile.count == flags.targets.count else {
            throw ValidationError("give one --dockerfile for all targets, or one per target in order")
        }
        guard buildContext == nil || !dockerfile.isEmpty else {
            throw ValidationError("--build-context needs --dockerfile")
        }
    }

    /// The `--dockerfile` files, read before the scan so a wrong path fails at once.
    func dockerfileMappers() throws -> [DockerfileMapper] {
        let context = buildContext.map { URL(fileURLWithPath: $0, isDirectory: true) }
        return try dockerfile.map { path in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the Dockerfile \(path); check --dockerfile")
            }
            return DockerfileMapper(
                dockerfile: Dockerfile(parsing: String(decoding: data, as: UTF8.self)), path: path, context: context)
        }
    }

    /// Where each location of `result` came from in the Dockerfiles given.
    func dockerfileAnnotations(
        _ result: ScanResult, _ mappers: [DockerfileMapper]
    ) -> [FindingLocation: DockerfileAnnotation] {
        var annotations: [FindingLocation: DockerfileAnnotation] = [:]
        for image in result.images {
            let index = mappers.count == 1 ? 0 : flags.targets.firstIndex(of: image.target)
            guard let index, index < mappers.count else { continue }
            annotations.merge(mappers[index].annotations(for: image, in: result.findings)) { first, _ in first }
        }
        return annotations
    }

    func run() throws {
        let configuration = try flags.loadConfiguration()
        let mappers = try dockerfileMappers()
        var options = flags.options(configuration)
        options.showSecrets = showSecrets
        options.policy.minConfidence = minConfidence ?? configuration.minConfidence ?? .medium
        if let path = baseline.map({ URL(fileURLWithPath: $0) }) ?? configuration.baseline {
            try flags.accept(baselineAt: path, into: &options.policy, key: options.fingerprintKey)
        }
        let sink = try ReportSink(path: output, inputs: flags.targets)
        let color =
            format == .text && output == nil && isatty(STDOUT_FILENO) != 0
            && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        var reportOptions = ReportOptions(showSecrets: showSecrets, color: color)
        reportOptions.allRules = allRules
        reportOptions.commit = ProcessInfo.processInfo.environment["CI_COMMIT_SHA"].flatMap { $0.isEmpty ? nil : $0 }
        let lines = JSONLinesReporter()
        var result = try flags.run(options) { target in
            if format == .jsonl { sink.write(lines.lines(for: target, options: reportOptions)) }
        }
        result.settings = configuration.applied
        result.dockerfileAnnotations = dockerfileAnnotations(result, mappers)
        switch format {
        case .text: sink.write(try TextReporter().render(result, options: reportOptions))
        case .json: sink.write(try JSONReporter().render(result, options: reportOptions))
        case .sarif: sink.write(try SARIFReporter().render(result, options: reportOptions))
        case .html: sink.write(try HTMLReporter().render(result, options: reportOptions))
        case .gitlab:
            reportOptions.finishedAt = Date()
            sink.write(try GitLabReporter().render(result, options: reportOptions))
        case .jsonl: sink.write(lines.summary(result))
        }
        try sink.finish()
        for failure in result.failedTargets {
            Console.note("error: \(failure.target): \(failure.message)")
        }
        var code = result.exitCode(failOn: failOn ?? configuration.failOn ?? .low)
        if code == ExitStatus.findings { code = exitCode }
        if code != 0 { throw ExitCode(code) }
    }
}
