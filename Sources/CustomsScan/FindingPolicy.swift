import CustomsCore
import CustomsModel
import CustomsRegex
import Foundation

/// What to leave out of a report after detection: allow rules (known noise, accepted risks),
/// findings below a confidence floor, and findings already in a baseline. Nothing is dropped
/// without a trace: every left-out location or finding is counted in the result.
public struct FindingPolicy: Sendable {
    public var allow: [AllowRule] = []
    /// Findings below this confidence are hidden (and counted).
    public var minConfidence: Confidence = .low
    /// Fingerprints of accepted findings (`customs baseline create`), under the scan's key.
    public var baseline: Set<String> = []
    /// Unkeyed fingerprints of accepted findings from a version 1 baseline; matching them needs
    /// the clear secret (see `Baseline.legacyFingerprints`).
    public var legacyBaseline: Set<String> = []

    public init() {}

    /// True when an allow rule tests the secret itself: its findings need clear values, which
    /// layer results restored from a store do not have.
    public var readsSecrets: Bool { allow.contains { $0.secretPattern != nil } || !legacyBaseline.isEmpty }

    /// True when a baseline accepts `finding`.
    public func isBaselined(_ finding: Finding) -> Bool {
        if baseline.contains(finding.fingerprint) { return true }
        guard !legacyBaseline.isEmpty, let legacy = finding.secret.legacyFingerprint(rule: finding.rule.id) else {
            return false
        }
        return legacyBaseline.contains(legacy)
    }

    /// The findings to report, and what was left out.
    public func apply(_ findings: [Finding]) -> (kept: [Finding], outcome: PolicyOutcome) {
        var outcome = PolicyOutcome()
        var kept: [Finding] = []
        // One match scratch for every allow check: each holds a JIT stack mapped on creation.
        lazy var scratch = MatchScratch()
        for var finding in findings {
            if !allow.isEmpty {
                finding.locations = finding.locations.filter { location in
                    guard let rule = allow.first(where: { $0.matches(finding, at: location, scratch: scratch) }) else {
                        return true
                    }
                    outcome.suppressed[rule.name, default: 0] += 1
                    return false
                }
                if finding.locations.isEmpty { continue }
            }
            if isBaselined(finding) {
                outcome.baselined += 1
            } else if finding.rule.confidence < minConfidence {
                outcome.belowConfidence += 1
            } else {
                kept.append(finding)
            }
        }
        return (kept, outcome)
    }
}

/// One allow rule: a location is suppressed when every criterion given matches it.
public struct AllowRule: Sendable {
    /// Shown in the coverage counts (the rule's `name`, or a description of its criteria).
    public var name: String
    public var rule: RuleID?
    /// Glob over in-image paths (`*` within a component, `**` across components, `?`).
    public var path: String?
    /// PCRE2 pattern over the secret.
    public var secretPattern: String?
    public var fingerprint: String?
    /// When set, only findings at or below this confidence are suppressed (the default allowlist
    /// never hides a high-confidence provider key).
    public var maxConfidence: Confidence?
    private let pathRegex: PCRE2Regex?
    private let secretRegex: PCRE2Regex?

    /// - Throws: `PolicyError` when the glob or pattern does not compile, or no criterion is given.
    public init(name: String?, rule: RuleID?, path: String?, secretPattern: String?, fingerprint: String?) throws {
        guard rule != nil || path != nil || secretPattern != nil || fingerprint != nil else {
            throw PolicyError("an allow rule needs at least one of rule, path, regex, fingerprint")
        }
        self.rule = rule
        self.path = path
        self.secretPattern = secretPattern
        self.fingerprint = fingerprint
        self.name =
            name
            ?? [
                rule.map { "rule \($0)" }, path.map { "path \($0)" }, secretPattern.map { "regex \($0)" },
                fingerprint.map { "fingerprint \($0.prefix(12))" },
            ].compactMap { $0 }.joined(separator: ", ")
        do {
            pathRegex = try path.map { try PCRE2Regex(Self.regex(forGlob: $0)) }
            secretRegex = try secretPattern.map { try PCRE2Regex($0) }
        } catch {
            throw PolicyError("allow rule \(self.name): \(error)")
        }
    }

    func matches(_ finding: Finding, at location: FindingLocation, scratch: MatchScratch) -> Bool {
        if let rule, rule != finding.rule.id { return false }
        if let maxConfidence, finding.rule.confidence > maxConfidence { return false }
        if let fingerprint, fingerprint != finding.fingerprint { return false }
        if let secretRegex {
            // A secret restored from a layer store has no clear text to test (the scan reads
            // every layer when a regex allow rule is present: see `readsSecrets`).
            guard let value = finding.secret.clearValue, Self.search(secretRegex, Array(value.utf8), scratch) else {
                return false
            }
        }
        if let pathRegex {
            guard case .file(let file) = location.place, Self.search(pathRegex, Array(file.path.value.utf8), scratch)
            else { return false }
        }
        return true
    }

    private static func search(_ regex: PCRE2Regex, _ bytes: [UInt8], _ scratch: MatchScratch) -> Bool {
        let outcome = bytes.withUnsafeBytes { regex.firstMatch(in: $0, from: 0, scratch: scratch) }
        if case .match = outcome { return true }
        return false
    }

    /// An anchored regex for a path glob; a leading `/` is ignored (paths are image-relative).
    static func regex(forGlob glob: String) -> String {
        var pattern = "^"
        var characters = Array(glob.hasPrefix("/") ? String(glob.dropFirst()) : glob)[...]
        while let character = characters.popFirst() {
            switch character {
            case "*":
                if characters.first == "*" {
                    characters = characters.dropFirst()
                    if characters.first == "/" {
                        characters = characters.dropFirst()
                        pattern += "(?:.*/)?"
                    } else {
                        pattern += ".*"
                    }
                } else {
                    pattern += "[^/]*"
                }
            case "?": pattern += "[^/]"
            default:
                pattern += "\\.^$|()[]{}+\\".contains(character) ? "\\\(character)" : String(character)
            }
        }
        return pattern + "$"
    }
}
