import ArgumentParser
import CustomsAudit
import CustomsCore
import CustomsModel
import CustomsScan
import Dispatch
import Foundation
import Synchronization

/// `customs audit run` and `customs audit report`: the scheduled audit of many images by many
/// workers, coordinated through a shared PostgreSQL store, with findings tracked over time.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit many images with many workers through a shared store; report what is new and fixed.",
        subcommands: [Migrate.self, Run.self, Report.self]
    )

    /// Runs async store code from the synchronous command (the CLI's main thread waits).
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Result<T, any Error>?>(nil)
        Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            box.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try box.withLock { $0! }.get()
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan a run's images as one of its workers (start every worker the same way).",
            discussion: """
                The first worker to start a run (by --run NAME) puts its targets in the store's work table; \
                any number of workers (--workers threads here, more processes or pods elsewhere) take items \
                under leases that expire, so an item whose worker died is taken again and none is counted \
                twice. A target is an image as for `scan`, or @FILE, a file of targets one per line. \
                The password may come from $PGPASSWORD.

                Exit codes: 0 the run is finished and every item was scanned, 2 usage or store error, \
                3 some items could not be scanned (see `customs audit report`).
                """
        )

        @Option(name: .long, help: ArgumentHelp("The store: postgres://USER@HOST[:PORT]/DB.", valueName: "url"))
        var store: String

        @Option(
            name: .customLong("run"),
            help: ArgumentHelp("The run's name, the same for all its workers.", valueName: "name"))
        var runName: String?

        @Option(name: .long, help: "Workers in this process.")
        var workers: Int = 1

        @Option(name: .long, help: ArgumentHelp("Seconds a worker holds an item between renewals.", valueName: "s"))
        var lease: Int = 120

        @OptionGroup var flags: ScanFlags

        func validate() throws {
            guard (1...64).contains(workers) else { throw ValidationError("--workers takes 1 to 64") }
            guard (2...3600).contains(lease) else { throw ValidationError("--lease takes 2 to 3600 seconds") }
        }

        /// The targets, `@FILE` lists read.
        func targets() throws -> [String] {
            try flags.targets.flatMap { target -> [String] in
                guard target.hasPrefix("@") else { return [target] }
                guard let text = try? String(contentsOfFile: String(target.dropFirst()), encoding: .utf8) else {
                    throw ValidationError("cannot read the target list \(target.dropFirst())")
                }
                return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            }
        }

        func run() throws {
            let url = try AuditStoreURL(store)
            let targets = try targets()
            var options = flags.options(try flags.loadConfiguration())
            options.policy.minConfidence = .medium
            let name = runName ?? "run-\(Int(Date().timeIntervalSince1970))"
            let workers = workers
            let lease = lease
            let scanOptions = options
            let summary = try AuditCommand.wait {
                let store = try await AuditStore.open(url)
                defer { store.close() }
                let id = try await store.startRun(name, targets: targets)
                let progress = AuditProgress(total: try await store.remaining(run: id))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<workers {
                        let worker = AuditWorker(
                            store: store, run: id, name: "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(index)",
                            lease: lease, options: scanOptions, progress: progress)
                        group.addTask { try await worker.work() }
                    }
                    try await group.waitForAll()
                }
                try await store.finish(run: id)
                return try await store.report(run: id, name: name)
            }
            let failed = summary.items.filter { $0.state == "failed" }.count
            Console.note(
                "audit \(name): \(summary.items.count) items, \(failed) failed; \(summary.new.count) new, "
                    + "\(summary.fixed.count) fixed, \(summary.present.count) still present")
            if failed > 0 { throw ExitCode(ExitStatus.incomplete) }
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or upgrade the store's schema (run and report do it too; a deployment may do it first).")

        @Option(name: .long, help: ArgumentHelp("The store: postgres://USER@HOST[:PORT]/DB.", valueName: "url"))
        var store: String

        func run() throws {
            let url = try AuditStoreURL(store)
            let version = try AuditCommand.wait {
                let store = try await AuditStore.open(url)
                defer { store.close() }
                return try await store.schemaVersion()
            }
            print("store \(url): schema version \(version)")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What a run found new, fixed and still present, and how each item went.",
            discussion:
                "Exit codes: 0, or 1 with --fail-on-new and a new finding at or above it; 2 usage or store error."
        )

        @Option(name: .long, help: ArgumentHelp("The store: postgres://USER@HOST[:PORT]/DB.", valueName: "url"))
        var store: String

        @Option(name: .customLong("run"), help: ArgumentHelp("The run (default: the latest).", valueName: "name"))
        var runName: String?

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Option(name: .long, help: "Output format: text, json.")
        var format: Format = .text

        @Option(name: .long, help: "Exit 1 when a new finding is at or above this severity.")
        var failOnNew: Severity?

        func run() throws {
            let url = try AuditStoreURL(store)
            let name = runName
            let report = try AuditCommand.wait {
                let store = try await AuditStore.open(url)
                defer { store.close() }
                guard let run = try await store.run(named: name) else {
                    throw AuditError(name.map { "the store has no run \($0)" } ?? "the store has no run yet")
                }
                return try await store.report(run: run.id, name: run.name)
            }
            FileHandle.standardOutput.write(Data((format == .json ? try report.json() : report.text()).utf8))
            if let failOnNew, report.hasNew(atLeast: failOnNew) { throw ExitCode(ExitStatus.findings) }
        }
    }
}
