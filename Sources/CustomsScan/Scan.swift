import CustomsBuiltinRules
import CustomsCache
import CustomsCore
import CustomsDetect
import CustomsImage
import CustomsModel
import CustomsRules
import CustomsWalker
import Foundation

/// Runs the pipeline for a list of targets: source (`ImageTargets`) → layer records (through the
/// layer cache's policy, `LayerReader`) → assembly (provenance, metadata, findings) → policy.
/// Compiles the rules once; safe to reuse for several scans.
public final class Scan {
    public let options: ScanOptions
    public let engine: DetectionEngine
    let cache: LayerCache

    /// Loads the built-in rules (plus `options.ruleDirectories`) and compiles them.
    /// - Throws: `RuleError` or `DetectError` describing the rule that cannot be used.
    public init(options: ScanOptions = ScanOptions()) throws {
        self.options = options
        var rules = try BuiltinRules.load()
        for directory in options.ruleDirectories {
            rules = try rules.merged(with: RuleLoader.ruleSet(fromDirectory: directory))
        }
        let structural = CredentialFiles.rules.filter { !options.disabledRules.contains($0.value.id) }
        let unknown = options.disabledRules.filter { id in
            rules.rule(id) == nil && !CredentialFiles.rules.values.contains { $0.id == id }
        }
        guard unknown.isEmpty else {
            let list = unknown.map(\.rawValue).sorted().joined(separator: ", ")
            throw RuleError("cannot disable unknown rule(s) \(list); see `customs rules list`")
        }
        rules = try RuleSet(rules.rules.filter { !options.disabledRules.contains($0.id) })
        let rulesHash = rules.contentHash + "|" + structural.keys.map(\.rawValue).sorted().joined(separator: ",")
        var settings = options.cache
        // Showing secrets, and regex allow rules, need clear secrets, which stored results do not hold.
        if options.showSecrets || options.policy.readsSecrets { settings?.access = .writeOnly }
        cache = LayerCache(
            settings: settings, rulesHash: rulesHash, limits: options.limits, fingerprintKey: options.fingerprintKey)
        engine = try DetectionEngine(
            ruleSet: rules, credentialFiles: Set(structural.keys), prefilterStore: options.cache?.prefilters,
            builtinPrefilters: BuiltinRules.prefilters)
    }

    private var reader: LayerReader {
        LayerReader(
            engine: engine, limits: options.limits, cache: cache, progress: options.progress,
            concurrency: options.concurrency)
    }

    /// Scans every target; a target that cannot be read is recorded and the others still run.
    /// - Parameter onTarget: called after each target, in order, with that target's findings.
    public func run(_ targets: [String], onTarget: ((TargetReport) -> Void)? = nil) -> ScanResult {
        var failures: [TargetReport] = []
        var expanded: [String] = []
        for target in targets {
            do {
                expanded += try options.remoteImages?.expand(target) ?? [target]
            } catch {
                failures.append(TargetReport(target: target, failure: "\(error)"))
            }
        }
        let sources = expanded.map { target in
            (
                target,
                { [options] () throws -> any ImageSource in
                    try ImageTargets.source(
                        for: target, remote: options.remoteImages, parallel: options.concurrency > 1)
                }
            )
        }
        return run(sources, failures: failures, onTarget: onTarget)
    }

    /// Scans sources already opened (a library caller's own, or the conformance harness's).
    public func run(sources: [any ImageSource], onTarget: ((TargetReport) -> Void)? = nil) -> ScanResult {
        run(sources.map { source in (source.target, { source }) }, failures: [], onTarget: onTarget)
    }

    private func run(
        _ sources: [(target: String, open: () throws -> any ImageSource)], failures: [TargetReport],
        onTarget: ((TargetReport) -> Void)?
    ) -> ScanResult {
        let started = Date()
        var result = ScanResult()
        result.rulesHash = engine.ruleSet.contentHash
        // The credential-file detectors report under rule ids of their own: described too.
        let structural = CredentialFiles.rules.values.filter { !options.disabledRules.contains($0.id) }
            .sorted { $0.id < $1.id }
        result.rules =
            engine.ruleSet.rules.map { RuleDescription(summary: $0.summary, references: $0.references) }
            + structural.map { RuleDescription(summary: $0, references: []) }
        for failure in failures {
            result.failedTargets.append((failure.target, failure.failure ?? ""))
            onTarget?(failure)
        }
        var occurrences: [Occurrence] = []
        for (target, open) in sources {
            var report = TargetReport(target: target)
            if options.limits.expired {
                report.failure = "not scanned: the --timeout was reached"
                result.failedTargets.append((target, report.failure ?? ""))
                onTarget?(report)
                continue
            }
            do {
                let outputs = try scan(try open())
                let found = outputs.flatMap(\.occurrences)
                report.images = outputs.map(\.summary)
                report.diagnostics = outputs.flatMap(\.diagnostics)
                report.findings = options.policy.apply(FindingGrouper.group(found, key: options.fingerprintKey)).kept
                occurrences += found
            } catch {
                report.failure = "\(error)"
                result.failedTargets.append((target, "\(error)"))
            }
            result.images += report.images
            result.diagnostics += report.diagnostics
            onTarget?(report)
        }
        (result.findings, result.policyOutcome) = options.policy.apply(
            FindingGrouper.group(occurrences, key: options.fingerprintKey))
        result.bytesScanned = result.images.reduce(0) { $0 + $1.layers.reduce(0) { $0 + $1.uncompressedSize } }
        result.duration = Date().timeIntervalSince(started)
        return result
    }

    /// One source's images, assembled with their layers' records and metadata findings.
    func scan(_ source: any ImageSource) throws -> [ImageAssembler.Output] {
        let resolved = try source.images(platform: options.platform, reader: reader)
        var outputs = resolved.images.map { plan, records in
            let metadata = MetadataDetector.scan(plan.metadataFields, with: engine.makeScanner())
            return ImageAssembler.assemble(target: source.target, plan: plan, records: records, metadata: metadata)
        }
        if !options.showSecrets {
            let redactor = SecretRedactor(outputs.flatMap(\.occurrences).map(\.secret))
            outputs = outputs.map(redactor.redact)
        }
        return attach(resolved.diagnostics, to: outputs, target: source.target)
    }

    /// Source-level diagnostics belong to the target, not one image: attach them once.
    private func attach(
        _ diagnostics: [ScanDiagnostic], to outputs: [ImageAssembler.Output],
        target: String
    ) -> [ImageAssembler.Output] {
        var outputs = outputs
        let named = diagnostics.map { item -> ScanDiagnostic in
            var copy = item
            copy.image = copy.image ?? target
            return copy
        }
        if outputs.isEmpty {
            let empty = ImageSummary(
                target: target, name: target, manifestDigest: nil, configDigest: nil, platform: nil,
                layers: [])
            return named.isEmpty ? [] : [ImageAssembler.Output(summary: empty, occurrences: [], diagnostics: named)]
        }
        outputs[0].diagnostics = named + outputs[0].diagnostics
        return outputs
    }
}
