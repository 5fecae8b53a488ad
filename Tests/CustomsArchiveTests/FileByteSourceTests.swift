import Foundation
import Testing

@testable import CustomsArchive

/// Standard input as a byte source: a pipe is widened so the writer (`docker save`) runs ahead.
@Suite struct FileByteSourceTests {
    @Test func aPipeIsWidenedToAMegabyteAndReadWhole() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let getPipeSize: Int32 = 1032  // F_GETPIPE_SZ
        #expect(fcntl(ends[0], getPipeSize) == 65_536)
        let source = FileByteSource(descriptor: ends[0])
        #expect(fcntl(ends[0], getPipeSize) == 1 << 20)
        // A megabyte fits before anyone reads: the writer never waits for the scan's next read (a
        // non-blocking write says how much fitted instead of hanging the test).
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        let written = [UInt8](repeating: 7, count: 1 << 20)
        #expect(written.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) } == 1 << 20)
        close(ends[1])
        #expect(try source.readAll(limit: 2 << 20) == Data(written))
    }
}
