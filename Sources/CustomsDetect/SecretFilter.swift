import CustomsCore
import CustomsRules
import Foundation

/// Decides whether a regex match is worth reporting, and how confident to be: placeholders
/// and low-entropy values are rejected; validators raise or lower confidence but never reject.
enum SecretFilter {
    /// Substrings that mark documentation, templates and redactions rather than live secrets.
    static let placeholderMarkers = [
        "xxxx", "****", "....", "example", "changeme", "change_me", "change-me", "placeholder", "your_", "your-",
        "yourtoken", "<", ">", "${", "{{", "%s", "dummy", "redacted", "replace_me", "replaceme", "insert_",
    ]
    /// Whole values that are words, not secrets.
    static let placeholderValues: Set<String> = [
        "password", "passwd", "secret", "token", "null", "none", "true", "false", "undefined", "string",
        "required", "optional", "default",
    ]

    /// The confidence to report with, or nil to drop the match.
    static func accept(_ bytes: UnsafeRawBufferPointer, rule: Rule) -> Confidence? {
        let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
        if placeholderValues.contains(lowered) || placeholderMarkers.contains(where: lowered.contains) { return nil }
        if let first = bytes.first, bytes.allSatisfy({ $0 == first }) { return nil }
        if rule.isGeneric {
            let hasDigit = bytes.contains { (48...57).contains($0) }
            let hasLetter = bytes.contains { (65...90).contains($0) || (97...122).contains($0) }
            guard hasDigit, hasLetter else { return nil }
        }
        if let minimum = rule.minEntropy, Entropy.shannon(bytes) < minimum { return nil }
        guard let validator = rule.validator else { return rule.confidence }
        return Validators.check(validator, bytes) ? rule.confidence : .low
    }
}

/// Shannon entropy of byte strings, the signal that separates keys from words.
public enum Entropy {
    /// Bits per byte, 0 for empty input.
    public static func shannon(_ bytes: UnsafeRawBufferPointer) -> Double {
        guard !bytes.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let total = Double(bytes.count)
        return counts.reduce(0.0) { sum, count in
            guard count > 0 else { return sum }
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }
}
