import CustomsArchive
import CustomsCore

/// Passes bytes through while hashing them: a blob's digest (compressed bytes) or diffID
/// (uncompressed tar) is computed in the same pass that scans it.
final class HashingByteSource: ByteSource {
    private let inner: ByteSource
    private let limit: Int64?
    private(set) var hasher = StreamHasher()

    /// - Parameter limit: bytes allowed through; more throws `LimitExceeded`.
    init(_ inner: ByteSource, limit: Int64? = nil) {
        self.inner = inner
        self.limit = limit
    }

    /// Thrown when more than the limit passes.
    struct LimitExceeded: Error {}

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try inner.read(into: buffer)
        if let limit, hasher.byteCount + Int64(count) > limit { throw LimitExceeded() }
        hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }
}
