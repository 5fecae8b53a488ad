private import CPCRE2
import Synchronization

/// A PCRE2 pattern compiled once in byte mode: subjects are raw bytes from images, never assumed
/// to be UTF-8. Shared across tasks; each task brings its own `MatchScratch`. The JIT compiles a
/// pattern on its first match, not at init: most of the hundreds of rules never meet a keyword in
/// a given image, and JIT-compiling them all was most of a scan's start-up.
///
/// `@unchecked Sendable`: it holds a C pointer, which the compiler cannot check; PCRE2
/// documents compiled (and JIT-compiled) code as read-only during matching and safe to share
/// between threads. The one write after init, the JIT compile, happens under `jitLock` before any
/// match (`jitted` is set, with release ordering, only after it).
public final class PCRE2Regex: @unchecked Sendable {
    private let code: OpaquePointer
    private let jitted = Atomic<Bool>(false)
    private let jitLock = Mutex(())
    /// Number of capture groups in the pattern.
    public let captureCount: Int

    /// Compiles `pattern`. Inline flags (`(?i)`, `(?m)`, `(?s)`) set matching options.
    /// - Parameter anchored: matches must begin exactly at the start offset given to `firstMatch`
    ///   (compiled in, so the JIT still runs).
    /// - Throws: `RegexError` naming the offset and PCRE2's message.
    public init(_ pattern: String, caseless: Bool = false, anchored: Bool = false) throws {
        var errorCode: Int32 = 0
        var errorOffset = 0
        let options: UInt32 = (caseless ? PCRE2_CASELESS : 0) | (anchored ? PCRE2_ANCHORED : 0)
        let compiled = pattern.withCString { text in
            pcre2_compile_8(
                UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), pattern.utf8.count,
                options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw RegexError("pattern does not compile at offset \(errorOffset): \(Self.message(for: errorCode))")
        }
        code = compiled
        var count: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
        guard captureCount < MatchScratch.maxGroups else {
            pcre2_code_free_8(compiled)
            throw RegexError("pattern has \(count) groups; at most \(MatchScratch.maxGroups - 1) are supported")
        }
    }

    deinit { pcre2_code_free_8(code) }

    /// JIT-compiles the pattern once, before its first match. JIT is an optimisation: when it is
    /// unavailable the interpreter runs with the same limits.
    private func compileJIT() {
        guard !jitted.load(ordering: .acquiring) else { return }
        jitLock.withLock { _ in
            guard !jitted.load(ordering: .relaxed) else { return }
            _ = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE)
            jitted.store(true, ordering: .releasing)
        }
    }

    static func message(for errorCode: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
        return length > 0 ? String(decoding: buffer.prefix(Int(length)), as: UTF8.self) : "PCRE2 error \(errorCode)"
    }

    /// Finds the first match in `subject[..<subject.count]` starting at or after `start`.
    /// Bytes before `start` are still visible to lookbehind and `\b`.
    /// - Returns: the match's group ranges (index 0 is the whole match; nil for an unset group),
    ///   `.noMatch`, or `.limitExceeded` which callers must report as incomplete, never as no match.
    public func firstMatch(in subject: UnsafeRawBufferPointer, from start: Int, scratch: MatchScratch) -> RegexOutcome {
        compileJIT()
        let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer<UInt8>(bitPattern: 1)!
        let status = pcre2_match_8(code, base, subject.count, start, 0, scratch.matchData, scratch.matchContext)
        if status == PCRE2_ERROR_NOMATCH { return .noMatch }
        if status < 0 { return .limitExceeded(Self.message(for: status)) }
        let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
        let pairs = min(captureCount + 1, Int(pcre2_get_ovector_count_8(scratch.matchData)))
        let unset = customs_pcre2_unset()
        var groups: [Range<Int>?] = []
        groups.reserveCapacity(pairs)
        for index in 0..<pairs {
            let lower = ovector[2 * index], upper = ovector[2 * index + 1]
            groups.append(lower == unset || upper < lower ? nil : lower..<upper)
        }
        return .match(groups)
    }
}

/// The result of one match attempt.
public enum RegexOutcome: Equatable, Sendable {
    /// Group ranges, half-open byte offsets into the subject; index 0 is the whole match.
    case match([Range<Int>?])
    case noMatch
    /// A match, depth, heap or JIT-stack limit stopped the search: the answer is unknown.
    case limitExceeded(String)
}
