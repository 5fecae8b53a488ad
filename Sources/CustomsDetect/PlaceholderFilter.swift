/// Values that stand in for a secret without being one: documented examples, template variables,
/// redactions, words, and the keyboard patterns people type into docs and tests (`ABCDEFGHIJ`,
/// `0123456789`, `a1b2c3d4-e5f6`, `abcabcabc`). Every match passes here before it is reported;
/// `docs/PLACEHOLDERS.md` is its table of cases, and `PlaceholderFilterTests` holds them.
enum PlaceholderFilter {
    /// Substrings that mark documentation, templates and redactions rather than live secrets.
    static let markers = [
        "xxxx", "****", "....", "example", "sample", "changeme", "change_me", "change-me", "placeholder", "your_",
        "your-", "yourtoken", "<", ">", "${", "{{", "%s", "%(", "dummy", "redacted", "replace_me", "replaceme",
        "insert_", "_here", "unique phrase",
    ]
    /// Whole values that are words, not secrets.
    static let words: Set<String> = [
        "password", "passwd", "secret", "token", "null", "none", "true", "false", "undefined", "string",
        "required", "optional", "default",
    ]

    /// Credentials published in specifications and vendor documentation, found verbatim in the
    /// libraries and docs that quote them.
    static let documentedExamples: Set<String> = [
        "czZCaGRSa3F0MzpnWDFmQmF0M2JW",  // RFC 6749 §2.3.1 client s6BhdRkqt3:gX1fBat3bV
        "s6BhdRkqt3:gX1fBat3bV",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  // AWS documentation
        "foobared",  // redis.conf's documented requirepass
        "S3nsit1ve",  // Ruby's URI documentation (uri/generic.rb)
    ]

    private static let markerBytes = markers.map { Array($0.utf8) }

    /// True for documented examples, template variables, redactions, words and typed patterns.
    static func isPlaceholder(_ text: String) -> Bool {
        if documentedExamples.contains(text) { return true }
        let lowered = Array(text.utf8).map { (65...90).contains($0) ? $0 | 0x20 : $0 }
        if lowered.count <= 9, words.contains(String(decoding: lowered, as: UTF8.self)) { return true }
        if markerBytes.contains(where: { marker in occurs(marker, in: lowered) }) { return true }
        return isTypedPattern(lowered)
    }

    /// A run or a repetition rather than a random value: among its letters and digits (separators
    /// skipped), at least 3 in 4 steps, at some stride from 1 to 4, repeat the character that stride
    /// back or are the next or previous letter or digit. `abcdefg12346`, `0123456789`,
    /// `a1b2c3d4e5f6` (stride 2), `abcabcabc` (stride 3) are; a random value of 8 or more characters
    /// almost never is (each step has about a 1 in 12 chance, 1 in 5 for hex digits).
    static func isTypedPattern(_ lowered: [UInt8]) -> Bool {
        let characters = lowered.filter { (48...57).contains($0) || (97...122).contains($0) }
        guard characters.count >= 8 else { return false }
        for stride in 1...4 where characters.count > stride * 2 {
            var typed = 0
            for index in stride..<characters.count {
                let step = Int(characters[index]) - Int(characters[index - stride])
                if step == 0 || step == 1 || step == -1 { typed += 1 }
            }
            if typed * 4 >= (characters.count - stride) * 3 { return true }
        }
        return false
    }
}

/// True when `needle` occurs in `haystack`.
func occurs(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
    guard let first = needle.first, haystack.count >= needle.count else { return false }
    for index in 0...(haystack.count - needle.count)
    where haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) {
        return true
    }
    return false
}
