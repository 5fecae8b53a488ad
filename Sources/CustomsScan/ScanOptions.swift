import CustomsCache
import CustomsCore
import CustomsImage
import CustomsRules
import CustomsWalker
import Foundation

/// What the user asked of a scan, independent of how they asked (CLI flags, config, library).
public struct ScanOptions: Sendable {
    /// Scan only this platform of multi-platform images; nil scans every platform.
    public var platform: Platform?
    /// Per-file and per-layer budgets.
    public var limits = WalkLimits()
    /// Extra rule folders added to the built-in rules.
    public var ruleDirectories: [URL] = []
    /// Rules not to run (an unknown id is an error).
    public var disabledRules: Set<RuleID> = []
    /// Allow rules, confidence floor and baseline applied to the findings.
    public var policy = FindingPolicy()
    /// Where layer results are kept between runs, and whether they may be read; nil for none.
    public var cache: CacheSettings?
    /// Told about progress as layers stream; nil for none.
    public var progress: ScanProgress?
    /// Layers walked at once where the source allows random access.
    public var concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Resolves targets that are not local paths (registry references); nil scans local paths only.
    public var remoteImages: (any RemoteImageSource)?
    /// The key of every fingerprint (`CUSTOMS_FINGERPRINT_KEY`, else the documented default).
    public var fingerprintKey = FingerprintKey.default
    /// False (the default) redacts every detected secret wherever else it appears in the result
    /// (build instructions from the history); true with `--show-secrets`, which also makes the
    /// cache write-only (stored results hold no clear secrets).
    public var showSecrets = false

    public init() {}
}
