import ArgumentParser
import CustomsCache
import CustomsCore
import CustomsModel
import CustomsScan
import Foundation

/// What to scan and how, shared by `scan` and `baseline create`.
struct ScanFlags: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "Images to scan: archive paths, OCI layout or root filesystem directories, - for standard input, or "
                + "image references (registry/repo:tag, repo@sha256:…) for any target that is not a path.")
    )
    var targets: [String]

    @Option(name: .long, help: "Scan only this platform of multi-platform images (os/arch[/variant]).")
    var platform: String?

    @Option(
        name: .customLong("rules"),
        help: ArgumentHelp(
            "A folder of extra rule files (*.yaml) to add to the built-in rules. Repeatable.", valueName: "dir"))
    var ruleDirectories: [String] = []

    @Option(
        name: .long, help: ArgumentHelp("Settings file (default: ./.customs.yaml when present).", valueName: "file"))
    var config: String?

    @Flag(name: [.short, .long], help: "No progress line on standard error.")
    var quiet = false

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Report known noise too (test suites and SDK examples inside installed packages, TLS self-test "
                + "keys); see the README.")
    )
    var noDefaultAllowlist = false

    @Flag(name: .long, help: "Neither read nor write the layer cache.")
    var noCache = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Do not report findings in files whose in-image path matches GLOB (e.g. 'usr/share/doc/**'); they "
                + "are counted in the report. Repeatable.", valueName: "glob"))
    var skipPath: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Stop the whole run after this long (90s, 30m, 2h): what was scanned is reported, the rest is "
                + "incomplete coverage (exit 3, or 1 with findings).", valueName: "duration"))
    var timeout: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Layer cache folder (default: $XDG_CACHE_HOME/customs or ~/.cache/customs).", valueName: "dir"))
    var cacheDir: String?

    @OptionGroup(title: "Registries")
    var registry: RegistryFlags

    func validate() throws {
        try registry.validate(targets: targets)
        if let platform, Platform(parsing: platform) == nil {
            throw ValidationError("--platform must look like os/arch or os/arch/variant, e.g. linux/arm64/v8")
        }
        if targets.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be scanned only once per run")
        }
        if let timeout, Self.seconds(timeout) == nil {
            throw ValidationError("--timeout takes a duration such as 90s, 30m or 2h; got \(timeout)")
        }
        for glob in skipPath {
            guard !glob.isEmpty, (try? Self.skipRule(glob)) != nil else {
                throw ValidationError("--skip-path takes a glob such as 'usr/share/doc/**'; got '\(glob)'")
            }
        }
    }

    /// `--config`, else `.customs.yaml` in the working directory, else defaults.
    /// - Throws: `ValidationError` (exit 2) naming the file, line and key.
    func loadConfiguration() throws -> ScanConfiguration {
        do {
            if let config { return try ScanConfiguration.load(URL(fileURLWithPath: config)) }
            let local = URL(fileURLWithPath: ScanConfiguration.defaultFileName)
            guard FileManager.default.fileExists(atPath: local.path) else { return ScanConfiguration() }
            return try ScanConfiguration.load(local)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Scan options from the configuration file, overridden by flags.
    func options(_ configuration: ScanConfiguration) -> ScanOptions {
        var options = ScanOptions()
        options.platform = platform.flatMap(Platform.init(parsing:))
        options.ruleDirectories = configuration.ruleDirectories + ruleDirectories.map { URL(fileURLWithPath: $0) }
        options.disabledRules = configuration.disabledRules
        options.policy.allow =
            configuration.allow
            + (noDefaultAllowlist || !configuration.useDefaultAllowlist ? [] : DefaultAllowlist.rules)
        if let value = configuration.maxFileBytes { options.limits.maxFileBytes = value }
        if let value = configuration.maxLayerBytes { options.limits.maxLayerBytes = value }
        if let value = configuration.maxEntries { options.limits.maxEntries = value }
        if let seconds = timeout.flatMap(Self.seconds) { options.limits.deadline = Date(timeIntervalSinceNow: seconds) }
        options.policy.allow += skipPath.compactMap { try? Self.skipRule($0) }  // checked in validate()
        options.cache = noCache ? nil : cacheSettings()
        options.fingerprintKey = .fromEnvironment()
        return options
    }

    /// The layer cache to use, or nil (with a warning) when it cannot be trusted.
    private func cacheSettings() -> CacheSettings? {
        let folder = cacheDir.map { URL(fileURLWithPath: $0) } ?? FileLayerStore.defaultDirectory
        let key: CacheKey
        do {
            key = try CacheKey.load()
        } catch {
            Console.warn("not using the layer cache: \(error)")
            return nil
        }
        if let problem = FileLayerStore.trustProblem(folder, key: key) {
            // Someone else could have planted results there: scanning with them could blind the scan.
            Console.warn(
                "not using the layer cache: \(problem) (fix its owner and mode, pass --cache-dir, or share a key "
                    + "in \(CacheKey.environmentVariable))")
            return nil
        }
        return .directory(folder, key: key)
    }

    /// The backstop of `--timeout`: the scan stops itself at the deadline between entries and
    /// reports what it found, but a read that never returns (a stalled pipe or socket) cannot be
    /// interrupted from inside; a little after the deadline the process ends, exit 3, saying so.
    static func watch(_ deadline: Date) {
        let grace = min(30, max(2, deadline.timeIntervalSinceNow * 0.1))
        let wait = max(0, deadline.timeIntervalSinceNow) + grace
        DispatchQueue.global().asyncAfter(deadline: .now() + wait) {
            Console.note("error: the --timeout was reached while a read was stalled; the report is incomplete")
            Foundation.exit(ExitStatus.incomplete)
        }
    }

    /// `--skip-path GLOB` as the allow rule it is: every rule, that path.
    static func skipRule(_ glob: String) throws -> AllowRule {
        try AllowRule(name: "--skip-path \(glob)", rule: nil, path: glob, secretPattern: nil, fingerprint: nil)
    }

    /// Seconds in "90", "90s", "30m" or "2h"; nil for anything else.
    static func seconds(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        let unit = text.last.flatMap { units[$0] }
        guard let number = Double(unit == nil ? text : String(text.dropLast())), number > 0, number.isFinite else {
            return nil
        }
        return number * (unit ?? 1)
    }

    /// Makes `policy` accept the findings of the baseline at `path` (a version 1 file is
    /// accepted with a warning on standard error).
    /// - Throws: `ValidationError` (exit 2) when the file cannot be used.
    func accept(baselineAt path: URL, into policy: inout FindingPolicy, key: FingerprintKey) throws {
        do {
            let warning = try Baseline.load(path).apply(to: &policy, key: key, file: path.path)
            if let warning { Console.warn(warning) }
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Runs the scan with a progress line on a terminal (unless --quiet), and the `--timeout` backstop.
    func run(_ options: ScanOptions, onTarget: ((TargetReport) -> Void)? = nil) throws -> ScanResult {
        if let deadline = options.limits.deadline { Self.watch(deadline) }
        var options = options
        options.remoteImages = try registry.remoteSource(for: targets)
        let display = quiet || isatty(STDERR_FILENO) == 0 ? nil : ProgressDisplay()
        options.progress = display?.progress
        let scan: Scan
        do {
            scan = try Scan(options: options)
        } catch {
            throw ValidationError("cannot load rules: \(error)")
        }
        display?.start()
        let result = scan.run(targets, onTarget: onTarget)
        display?.stop()
        return result
    }
}

/// Reads a severity or confidence from the command line.
extension Severity: ExpressibleByArgument {}
extension Confidence: ExpressibleByArgument {}
