import CustomsBuiltinRules
import CustomsDetect
import CustomsRegex
import CustomsRules
import Foundation
import Testing

/// The keyword prefilters the build compiles for the built-in rules: used for exactly that rule
/// set, equivalent to compiling them, and never trusted over compiling when Vectorscan refuses them.
@Suite struct EmbeddedPrefiltersTests {
    static let literals = PrefilterLiterals(rules: try! BuiltinRules.load().rules)

    @Test func theBuiltinRulesStartWithoutCompiling() throws {
        let binary = try Prefilter(literals: Self.literals.binary, builtin: BuiltinRules.prefilters)
        let text = try Prefilter(literals: Self.literals.text, builtin: BuiltinRules.prefilters, forText: true)
        #expect(binary.origin == .builtin && text.origin == .builtin)
    }

    /// `--rules DIR` or `--disable-rule` changes the keywords: that set compiles its own.
    @Test func anotherRuleSetCompilesItsOwn() throws {
        let fewer = PrefilterLiterals(rules: Array(try BuiltinRules.load().rules.dropLast()))
        let text = try Prefilter(literals: fewer.text, builtin: BuiltinRules.prefilters, forText: true)
        #expect(text.origin == .compiled)
    }

    /// Bytes Vectorscan does not accept as a database (another version, another CPU) are passed over.
    @Test func aDatabaseVectorscanRefusesIsCompiledInstead() throws {
        struct Garbage: PrefilterStore {
            func load(_ key: String) -> Data? { Data(repeating: 0x5A, count: 4096) }
            func save(_ data: Data, as key: String) {}
        }
        let text = try Prefilter(literals: Self.literals.text, builtin: Garbage(), forText: true)
        #expect(text.origin == .compiled)
    }

    /// The built database reports the same keyword hits as one compiled here, over every example.
    @Test func theBuiltDatabaseFindsWhatACompiledOneFinds() throws {
        let examples = try BuiltinRules.load().rules.flatMap { $0.examples + $0.negativeExamples }
        let bytes = Array(examples.joined(separator: "\n").utf8)
        func hits(_ prefilter: Prefilter) -> [String] {
            let scratch = prefilter.makeScratch()
            let complete = bytes.withUnsafeBytes { prefilter.scan($0, scratch: scratch) }
            return complete ? scratch.hits.map { "\($0.id)@\($0.end)" } : []
        }
        for (set, forText) in [(Self.literals.binary, false), (Self.literals.text, true)] {
            let built = try Prefilter(literals: set, builtin: BuiltinRules.prefilters, forText: forText)
            let compiled = try Prefilter(literals: set, forText: forText)
            #expect(built.origin == .builtin && compiled.origin == .compiled)
            let found = hits(built)
            #expect(found.count > 1000)
            #expect(found == hits(compiled))
        }
    }
}
