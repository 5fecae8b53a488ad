import Crypto
import CustomsCore
import Foundation

/// The rules one scan runs, in a fixed order, with a content hash (cache keys, reports).
public struct RuleSet: Sendable {
    public let rules: [Rule]

    /// - Throws: `RuleError` when two rules share an id.
    public init(_ rules: [Rule]) throws {
        var seen: [RuleID: String] = [:]
        for rule in rules {
            if let other = seen[rule.id] {
                throw RuleError("rule id \(rule.id) is defined twice (\(other) and \(rule.origin)); ids must be unique")
            }
            seen[rule.id] = rule.origin
        }
        self.rules = rules
    }

    /// sha256 over every field of every rule that changes what a scan reports (pattern, keywords,
    /// secret group, severity, confidence, validator, filters): the layer cache's key.
    public var contentHash: String {
        var hasher = SHA256()
        for rule in rules {
            let fields = [
                rule.id.rawValue, rule.pattern, rule.keywords.joined(separator: "\u{1}"), "\(rule.secretGroup)",
                rule.severity.rawValue, rule.confidence.rawValue, rule.validator?.rawValue ?? "", "\(rule.isGeneric)",
                "\(rule.keywordAnchored)", rule.minEntropy.map { "\($0)" } ?? "", rule.name,
            ]
            hasher.update(data: Data((fields.joined(separator: "\u{0}") + "\u{2}").utf8))
        }
        return hasher.finalize().lowercaseHex
    }

    /// The rule with `id`, if present.
    public func rule(_ id: RuleID) -> Rule? { rules.first { $0.id == id } }

    /// This set plus `other`'s rules. - Throws: `RuleError` on a duplicate id.
    public func merged(with other: RuleSet) throws -> RuleSet { try RuleSet(rules + other.rules) }
}

/// The one error type of `CustomsRules`: a rule file that cannot be used, saying which and why.
public struct RuleError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
