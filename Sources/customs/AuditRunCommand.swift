import ArgumentParser
import CustomsAudit
import CustomsCache
import CustomsCore
import CustomsModel
import CustomsRegistry
import CustomsScan
import Foundation

/// `customs audit run`: one worker process of a run (with `--workers` threads), started the same
/// way on every machine that takes part.
struct AuditRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Scan a run's images as one of its workers (start every worker the same way).",
        discussion: """
            The first worker to start a run (by --run NAME) puts its targets in the store's work table; \
            any number of workers (--workers threads here, more processes or pods elsewhere) take items \
            under leases that expire, so an item whose worker died is taken again and none is counted \
            twice. A target is an image as for `scan`, @FILE (a file of targets, one per line), or \
            registry://HOST[:PORT]: every repository of that registry's catalog matching --repo, with \
            the tags --tags takes. Layers are scanned once across all workers and runs (the store keeps \
            their results, sealed with the cache key: give every worker the same $CUSTOMS_CACHE_KEY). \
            The password of a PostgreSQL store may come from $PGPASSWORD.

            Exit codes: 0 every item was scanned, 2 usage or store error, 3 some items could not be \
            scanned (see `customs audit report`).
            """
    )

    @Option(name: .long, help: ArgumentHelp(AuditStoreLocation.help, valueName: "url"))
    var store: String?

    @Option(
        name: .customLong("run"),
        help: ArgumentHelp("The run's name, the same for all its workers (default: run-<time>).", valueName: "name"))
    var runName: String?

    @Option(name: .long, help: "Workers in this process.")
    var workers: Int = 1

    @Option(name: .long, help: ArgumentHelp("Seconds a worker holds an item between renewals.", valueName: "s"))
    var lease: Int = 120

    @Option(
        name: .long,
        help: ArgumentHelp("With registry://HOST: audit repositories matching GLOB. Repeatable.", valueName: "glob"))
    var repo: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With registry://HOST: all tags, newest:N (by the config's created), or those matching a glob.",
            valueName: "policy"))
    var tags: String = "all"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "POST a Slack-compatible summary (redacted) when the run finishes; retried, never fails the run "
                + "(default: $CUSTOMS_NOTIFY_URL, which keeps a webhook's secret off the command line).",
            valueName: "url"))
    var notify: String?

    /// `--notify`, else `$CUSTOMS_NOTIFY_URL`.
    var notifyURL: String? {
        notify ?? ProcessInfo.processInfo.environment["CUSTOMS_NOTIFY_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    @OptionGroup var flags: ScanFlags

    /// How `registry://HOST` targets are written.
    static let registryScheme = "registry://"

    func validate() throws {
        guard (1...64).contains(workers) else { throw ValidationError("--workers takes 1 to 64") }
        guard (2...3600).contains(lease) else { throw ValidationError("--lease takes 2 to 3600 seconds") }
        guard TagPolicy(parsing: tags) != nil else { throw ValidationError("--tags takes all, newest:N or a glob") }
        if let notifyURL, !(notifyURL.hasPrefix("https://") || notifyURL.hasPrefix("http://")) {
            throw ValidationError("--notify (or $CUSTOMS_NOTIFY_URL) takes an http(s) URL")
        }
    }

    /// The targets as named: `@FILE` lists read, `registry://` kept for `expand`.
    func listedTargets() throws -> [String] {
        try flags.targets.flatMap { target -> [String] in
            guard target.hasPrefix("@") else { return [target] }
            guard let text = try? String(contentsOfFile: String(target.dropFirst()), encoding: .utf8) else {
                throw ValidationError("cannot read the target list \(target.dropFirst())")
            }
            return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
    }

    /// `targets` with each `registry://HOST` replaced by the images of its catalog.
    func expand(_ targets: [String], with registry: RegistrySource) throws -> [String] {
        let catalog = RegistryCatalog(source: registry)
        let policy = TagPolicy(parsing: tags) ?? .all
        return try targets.flatMap { target -> [String] in
            guard target.hasPrefix(Self.registryScheme) else { return [target] }
            let host = String(target.dropFirst(Self.registryScheme.count)).trimmingCharacters(
                in: CharacterSet(charactersIn: "/"))
            let images = try catalog.targets(of: host, repositories: repo, tags: policy)
            Console.note("audit: \(host) lists \(images.count) images to scan")
            return images
        }
    }

    func run() throws {
        let location = try AuditStoreLocation(store)
        let listed = try listedTargets()
        var options = flags.options(try flags.loadConfiguration())
        options.policy.minConfidence = .medium
        let registry = try flags.registry.registrySource(for: listed)
        options.remoteImages = try flags.registry.remoteSource(for: listed, registry: registry)
        let name = runName ?? "run-\(Int(Date().timeIntervalSince1970))"
        let (workers, lease, notify) = (workers, lease, notifyURL)
        let baseOptions = options
        let command = self
        let (summary, requests, mine) = try AuditCommand.wait {
            let store = try await openAuditStore(location, workers: workers)
            defer { store.close() }
            // A run already started has its items: only its first worker reads the catalogs.
            let joining = try await store.run(named: name) != nil
            let targets = joining ? [] : try command.expand(listed, with: registry)
            let id = try await store.startRun(name, targets: targets)
            var scanOptions = baseOptions
            scanOptions.cache = baseOptions.cache.map { Self.shared($0, store: store) }
            let progress = AuditProgress(
                store: store, run: id, total: try await store.remaining(run: id), interactive: !command.flags.quiet)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<workers {
                    let worker = AuditWorker(
                        store: store, run: id, name: "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(index)",
                        lease: lease, options: scanOptions, progress: progress)
                    group.addTask { try await worker.work() }
                }
                try await group.waitForAll()
            }
            progress.stop()
            let mine = progress.items
            let finishedHere = try await store.finish(run: id)
            let report = try await store.report(run: AuditRun(id: id, name: name), since: nil)
            // One message per run: from the worker whose item finished it.
            if finishedHere, let notify {
                if let problem = await AuditNotifier(url: notify).send(report) { Console.warn(problem) }
            }
            return (report, store.roundTrips, mine)
        }
        let failed = summary.items.filter { $0.state == "failed" }.count
        Console.note(
            "audit \(name): \(summary.items.count) items, \(failed) failed; \(summary.new.count) new, "
                + "\(summary.fixed.count) fixed, \(summary.present.count) still present; this process scanned "
                + "\(mine) with \(requests) store requests")
        if failed > 0 { throw ExitCode(ExitStatus.incomplete) }
    }

    /// The scan's cache settings with the store's shared layer results in place of this machine's
    /// folder (which still holds what only this machine can know: compiled prefilters, verified files).
    static func shared(_ settings: CacheSettings, store: any AuditStore) -> CacheSettings {
        var settings = settings
        settings.store = SharedLayerStore(rows: store.layerRows, key: settings.key)
        // A layer another worker is scanning is waited for rather than scanned twice.
        settings.claimWait = 600
        return settings
    }
}
