import CustomsRegex
import Foundation
import Synchronization
import Testing

/// The PCRE2 and Vectorscan wrappers: captures, byte-mode subjects, limits, prefilter hits.
@Suite struct PCRE2RegexTests {
    func match(_ pattern: String, _ text: [UInt8], from start: Int = 0, scratch: MatchScratch = MatchScratch()) throws
        -> RegexOutcome
    {
        let regex = try PCRE2Regex(pattern)
        return text.withUnsafeBytes { regex.firstMatch(in: $0, from: start, scratch: scratch) }
    }

    @Test func capturesAreHalfOpenByteRanges() throws {
        let outcome = try match(#"key=(\w+)(x)?"#, Array("a key=abc;".utf8))
        #expect(outcome == .match([2..<9, 6..<9, nil]))
    }

    @Test func invalidUTF8IsMatchedAsBytes() throws {
        let bytes: [UInt8] = [0xff, 0xfe] + Array("ghp_token".utf8) + [0xc3]
        #expect(try match("(ghp_[a-z]+)", bytes) == .match([2..<11, 2..<11]))
    }

    @Test func lookbehindSeesBytesBeforeTheStartOffset() throws {
        #expect(try match(#"(?<![a-z])(abc)"#, Array("xabc".utf8), from: 1) == .noMatch)
    }

    @Test func catastrophicBacktrackingIsALimitNotANoMatch() throws {
        var limits = MatchScratch.Limits()
        limits.matchLimit = 10_000
        let text = Array(String(repeating: "a", count: 40).utf8) + [UInt8(ascii: "b")]
        let outcome = try match(#"(a+)+$"#, text, scratch: MatchScratch(limits: limits))
        guard case .limitExceeded = outcome else {
            Issue.record("expected a limit, got \(outcome)")
            return
        }
    }

    @Test func badPatternNamesTheOffset() {
        #expect(throws: RegexError.self) { try PCRE2Regex("(unclosed") }
    }

    @Test func prefilterReportsEveryCaselessHitWithItsEnd() throws {
        let prefilter = try Prefilter(literals: [.init(id: 0, text: "password"), .init(id: 1, text: "ghp_")])
        let scratch = prefilter.makeScratch()
        let text = Array("PASSWORD=1 ghp_x Password".utf8)
        let complete = text.withUnsafeBytes { prefilter.scan($0, scratch: scratch) }
        #expect(complete)
        #expect(scratch.hits.map(\.id) == [0, 1, 0])
        #expect(scratch.hits.map(\.end) == [8, 15, 25])
    }

    @Test func aTextDatabaseNeverReportsItsSentinel() throws {
        let literals: [Prefilter.Literal] = [.init(id: 0, text: "password"), .init(id: 1, text: "ghp_")]
        let prefilter = try Prefilter(literals: literals, forText: true)
        let scratch = prefilter.makeScratch()
        let text = Array("\u{1}\u{2} password \u{1}\u{2}ghp_\u{1}\u{2}".utf8)
        #expect(text.withUnsafeBytes { prefilter.scan($0, scratch: scratch) })
        #expect(scratch.hits.map(\.id) == [0, 1] && scratch.hits.map(\.end) == [11, 18])
    }

    /// An in-memory `PrefilterStore` that counts what passes through it.
    final class MemoryStore: PrefilterStore, Sendable {
        private let state = Mutex((files: [String: Data](), loads: 0))
        var files: [String: Data] { state.withLock { $0.files } }
        var loads: Int { state.withLock { $0.loads } }
        func load(_ key: String) -> Data? {
            state.withLock { state in
                state.loads += 1
                return state.files[key]
            }
        }
        func save(_ data: Data, as key: String) { state.withLock { $0.files[key] = data } }
        func replaceEvery(with data: Data) {
            state.withLock { state in for key in state.files.keys { state.files[key] = data } }
        }
    }

    @Test func storedPrefilterFindsWhatACompiledOneFinds() throws {
        let literals: [Prefilter.Literal] = [
            .init(id: 0, text: "password"), .init(id: 1, text: "ghp_"), .init(id: 2, text: "AKIA", caseless: false),
        ]
        let text = Array("PASSWORD=1 ghp_x akia AKIA Password".utf8)
        func hits(_ prefilter: Prefilter) -> [String] {
            let scratch = prefilter.makeScratch()
            _ = text.withUnsafeBytes { prefilter.scan($0, scratch: scratch) }
            return scratch.hits.map { "\($0.id)@\($0.end)" }
        }
        let store = MemoryStore()
        let compiled = try Prefilter(literals: literals, store: store)
        #expect(store.files.count == 1)
        let loaded = try Prefilter(literals: literals, store: store)
        #expect(store.loads == 2 && store.files.count == 1, "the second one is loaded, not compiled and saved again")
        #expect(hits(loaded) == hits(compiled) && hits(compiled) == ["0@8", "1@15", "2@26", "0@35"])

        // Other literals are another key; bytes Vectorscan refuses mean compiling again.
        _ = try Prefilter(literals: Array(literals.prefix(2)), store: store)
        #expect(store.files.count == 2)
        store.replaceEvery(with: Data("not a database".utf8))
        #expect(hits(try Prefilter(literals: literals, store: store)) == hits(compiled))
    }
}
