import CustomsArchive
import CustomsCore

/// Passes bytes through while hashing them: a blob's digest (compressed bytes) or diffID
/// (uncompressed tar) is computed in the same pass that scans it. Lends the inner source's
/// blocks when it lends them (no copy), else reads into a buffer of its own.
final class HashingByteSource: BlockByteSource {
    private let inner: ByteSource
    private let limit: Int64?
    /// False to only count and check the bytes (they are hashed elsewhere).
    var hashing: Bool
    private(set) var hasher = StreamHasher()
    /// Bytes passed so far.
    private(set) var byteCount: Int64 = 0
    /// Offset of the last non-zero byte passed so far (-1: none): tells real data after a tar's
    /// end-of-archive marker from the zero padding every tar writer adds.
    private(set) var lastNonZeroOffset: Int64 = -1
    private var buffer: UnsafeMutableRawBufferPointer?

    /// - Parameters:
    ///   - limit: bytes allowed through; more throws `LimitExceeded`.
    ///   - hashing: false to only count and check the bytes (they are hashed elsewhere).
    init(_ inner: ByteSource, limit: Int64? = nil, hashing: Bool = true) {
        self.inner = inner
        self.limit = limit
        self.hashing = hashing
    }

    deinit { buffer?.deallocate() }

    /// Thrown when more than the limit passes.
    struct LimitExceeded: Error {}

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try inner.read(into: buffer)
        try pass(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }

    func nextBlock() throws -> UnsafeRawBufferPointer {
        let block: UnsafeRawBufferPointer
        if let blocks = inner as? BlockByteSource {
            block = try blocks.nextBlock()
        } else {
            if buffer == nil { buffer = .allocate(byteCount: 1 << 20, alignment: 64) }
            block = UnsafeRawBufferPointer(rebasing: buffer![0..<(try inner.read(into: buffer!))])
        }
        try pass(block)
        return block
    }

    private func pass(_ bytes: UnsafeRawBufferPointer) throws {
        if let limit, byteCount + Int64(bytes.count) > limit { throw LimitExceeded() }
        // From the end: a block of data ends in a non-zero byte at once; only padding is walked.
        if let last = bytes.lastIndex(where: { $0 != 0 }) { lastNonZeroOffset = byteCount + Int64(last) }
        if hashing { hasher.update(bytes) }
        byteCount += Int64(bytes.count)
    }
}
