import CustomsCore
import CustomsRules
import Foundation

/// Decides whether a regex match is worth reporting, and how confident to be: placeholders
/// and low-entropy values are rejected; validators raise or lower confidence but never reject.
enum SecretFilter {
    /// The rule summary to report with (confidence, severity and note adjusted by the rule's
    /// validator), or nil to drop the match.
    static func accept(_ bytes: UnsafeRawBufferPointer, rule: Rule) -> RuleSummary? {
        if PlaceholderFilter.isPlaceholder(String(decoding: bytes, as: UTF8.self)) { return nil }
        if let first = bytes.first, bytes.allSatisfy({ $0 == first }) { return nil }
        if rule.isGeneric {
            let hasDigit = bytes.contains { (48...57).contains($0) }
            let hasLetter = bytes.contains { (65...90).contains($0) || (97...122).contains($0) }
            guard hasDigit, hasLetter, !CodeShape.looksLikeCode(bytes) else { return nil }
        }
        if let minimum = rule.minEntropy, Entropy.shannon(bytes) < minimum { return nil }
        var summary = rule.summary
        guard let validator = rule.validator else { return summary }
        let validation = Validators.check(validator, bytes)
        if !validation.isValid { summary.confidence = .low }
        if let lower = validation.severity, lower < summary.severity { summary.severity = lower }
        summary.note = validation.note
        return summary
    }
}

/// Recognises values that are program text rather than secrets (identifiers, dotted names,
/// URLs): what a generic `key = value` rule meets most in source code and libraries.
enum CodeShape {
    static func looksLikeCode(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        let utf8 = Array(bytes)
        // URLs, URNs, language paths (Rust/C++ `::`), file paths, dates and timestamps.
        if utf8.starts(with: Array("urn:".utf8)) || occurs(Array("::".utf8), in: utf8)
            || occurs(Array("://".utf8), in: utf8)
        {
            return true
        }
        if utf8.first == 0x2F, utf8.dropFirst().contains(0x2F) { return true }
        if utf8.count >= 10, utf8[0..<4].allSatisfy(isDigit), utf8[4] == 0x2D, utf8[5..<7].allSatisfy(isDigit),
            utf8[7] == 0x2D,
            utf8[8..<10].allSatisfy(isDigit)
        {
            return true
        }
        let identifierCharacters = bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == 0x5f }
        let dotted = text.split(separator: ".", omittingEmptySubsequences: false)
        if dotted.count >= 2,
            dotted.allSatisfy({ part in
                guard let first = part.utf8.first, isLetter(first) || first == 0x5f else { return false }
                return part.utf8.allSatisfy { isLetter($0) || isDigit($0) || $0 == 0x5f }
            })
        {
            return true
        }
        guard identifierCharacters else { return false }
        // snake_case with several words: not_exists_file_1123, _SESSION_TOKEN_TTL
        let parts = text.split(separator: "_")
        let wordLike = parts.filter { part in part.filter(\.isLetter).count >= 2 && part.filter(\.isNumber).count <= 1 }
        if parts.count >= 3, wordLike.count >= 2 { return true }
        // CamelCase words (a capital, then 2+ lower-case letters with a vowel) covering most of the
        // value: V1SecretKeySelector, PKCS7PrivateKeyTypes. Random strings pass (about 0.3% do not).
        var words = 0, covered = 0, position = 0
        while position < utf8.count {
            guard isUpper(utf8[position]) else {
                position += 1
                continue
            }
            var end = position + 1
            while end < utf8.count, isLower(utf8[end]) { end += 1 }
            if end - position >= 3, utf8[(position + 1)..<end].contains(where: { "aeiouy".utf8.contains($0) }) {
                words += 1
                covered += end - position
            }
            position = end
        }
        return words >= 2 && covered * 100 >= utf8.count * 65
    }

    static func isLetter(_ byte: UInt8) -> Bool { isUpper(byte) || isLower(byte) }
    static func isUpper(_ byte: UInt8) -> Bool { (65...90).contains(byte) }
    static func isLower(_ byte: UInt8) -> Bool { (97...122).contains(byte) }
    static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
}

/// True when `needle` occurs in `haystack`: a byte-wise search (Foundation's string search is
/// far slower on this hot path).

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
