import CustomsArchive
import CustomsCore

/// Passes a layer's uncompressed tar through to the tar reader, counting it against the layer
/// budget (decompression bombs) and noting where its last non-zero byte is (real data after a
/// tar's end-of-archive marker, as opposed to the zero padding every tar writer adds). Lends the
/// inner source's blocks: no copy.
final class MeteredByteSource: BlockByteSource {
    private let inner: BlockByteSource
    private let limit: Int64
    /// Bytes passed so far.
    private(set) var byteCount: Int64 = 0
    /// Offset of the last non-zero byte passed so far (-1: none).
    private(set) var lastNonZeroOffset: Int64 = -1

    /// - Parameter limit: bytes allowed through; more throws `LimitExceeded`.
    init(_ inner: BlockByteSource, limit: Int64) {
        self.inner = inner
        self.limit = limit
    }

    /// Thrown when more than the limit passes.
    struct LimitExceeded: Error {}

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try inner.read(into: buffer)
        try pass(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }

    func nextBlock() throws -> UnsafeRawBufferPointer {
        let block = try inner.nextBlock()
        try pass(block)
        return block
    }

    private func pass(_ bytes: UnsafeRawBufferPointer) throws {
        if byteCount + Int64(bytes.count) > limit { throw LimitExceeded() }
        // From the end: a block of data ends in a non-zero byte at once; only padding is walked.
        if let last = bytes.lastIndex(where: { $0 != 0 }) { lastNonZeroOffset = byteCount + Int64(last) }
        byteCount += Int64(bytes.count)
    }
}
