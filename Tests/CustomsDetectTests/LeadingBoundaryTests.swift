import Testing

@testable import CustomsDetect

/// A keyword hit is dropped before its regex runs only where the pattern's own start would fail.
@Suite struct LeadingBoundaryTests {
    @Test(arguments: [
        (#"(?i)(?<![A-Za-z0-9])(?:eth)[a-z]*=(\w+)"#, "eth", LeadingBoundary.noAlphanumeric),
        (#"(?<![A-Za-z0-9])ghp_(\w+)"#, "ghp_", .noAlphanumeric),
        (#"\b(ghp_[A-Za-z0-9]{36})"#, "ghp_", .noWordByte),
        (#"(?i)\bapi-(\w+)"#, "api-", .noWordByte),
        (#"\b(\$1\$\w+)"#, "$1$", .none),
        (#"(?<![A-Za-z0-9_.])npm_(\w+)"#, "npm_", .none),
        (#"(?<=[a-z0-9])://(\S+)"#, "://", .none),
    ])
    func derivedFromThePatternStart(pattern: String, keyword: String, expected: LeadingBoundary) {
        #expect(LeadingBoundary(pattern: pattern, keyword: keyword) == expected)
    }

    /// `(?<![A-Za-z0-9])` lets `_` through (`MY_ETH_PRIVATE_KEY`); `\b` does not.
    @Test func underscoreEndsAWordOnlyForTheLookbehind() {
        #expect(!LeadingBoundary.noAlphanumeric.rejects(after: UInt8(ascii: "_")))
        #expect(LeadingBoundary.noWordByte.rejects(after: UInt8(ascii: "_")))
        for byte in Array("azAZ09".utf8) {
            #expect(
                LeadingBoundary.noAlphanumeric.rejects(after: byte) && LeadingBoundary.noWordByte.rejects(after: byte))
        }
        for byte in Array(" \n\"'=.-/:\u{0}".utf8) + [0xC3, 0xA9] {
            #expect(
                !LeadingBoundary.noAlphanumeric.rejects(after: byte) && !LeadingBoundary.noWordByte.rejects(after: byte)
            )
            #expect(!LeadingBoundary.none.rejects(after: byte))
        }
    }
}
