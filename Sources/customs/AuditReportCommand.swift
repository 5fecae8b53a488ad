import ArgumentParser
import CustomsAudit
import CustomsCore
import CustomsModel
import Foundation

/// `customs audit report`: what a run found new, fixed and still present, for people and gates.
struct AuditReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "What a run found new, fixed and still present, and how each item went.",
        discussion: "Exit codes: 0, or 1 with --fail-on-new and a new finding at or above it; 2 usage or store error."
    )

    @Option(name: .long, help: ArgumentHelp(AuditStoreLocation.help, valueName: "url"))
    var store: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("The run (default: the latest).", valueName: "name"))
    var runName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Compare with this run, or the last run started before this date (YYYY-MM-DD or an ISO 8601 time) "
                + "(default: the run before).", valueName: "run|date"))
    var since: String?

    @Option(name: .long, help: "Output format: text, json, jsonl, sarif, html.")
    var format: AuditReport.Format = .text

    @Option(name: .long, help: "Exit 1 when a new finding is at or above this severity.")
    var failOnNew: Severity?

    /// `2026-12-04` (midnight UTC) or `2026-12-04T06:00:00Z`; nil for a run name.
    static func date(_ text: String) -> Date? {
        if let date = ISO8601DateFormatter().date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: text)
    }

    func run() throws {
        let location = try AuditStoreLocation(store)
        let (name, since) = (runName, since)
        let report = try AuditCommand.wait {
            let store = try await openAuditStore(location)
            defer { store.close() }
            guard let run = try await store.run(named: name) else {
                throw AuditError(name.map { "the store has no run \($0)" } ?? "the store has no run yet")
            }
            var baseline: AuditRun?
            if let since {
                let found =
                    if let date = Self.date(since) {
                        try await store.run(before: date)
                    } else {
                        try await store.run(named: since)
                    }
                guard let found else { throw AuditError("--since \(since): the store has no such run, or none before") }
                baseline = found
            }
            return try await store.report(run: run, since: baseline)
        }
        FileHandle.standardOutput.write(Data(try report.render(format).utf8))
        if let failOnNew, report.hasNew(atLeast: failOnNew) { throw ExitCode(ExitStatus.findings) }
    }
}

extension AuditReport.Format: ExpressibleByArgument {}
