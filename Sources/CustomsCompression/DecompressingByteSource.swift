import CustomsArchive
import CustomsCore

/// The uncompressed bytes of a layer blob: sniffs gzip or zstd from the first bytes and inflates
/// with ISA-L or decodes with libzstd, straight into the caller's buffer, taking the compressed
/// bytes in place from the blocks the source lends. Uncompressed blobs pass through: the source's
/// blocks lent on, or read straight into the caller's buffer.
///
/// Exists because the decompressor is the hot path of every compressed layer: ISA-L inflates
/// about 4× faster than zlib here, and libzstd used directly enforces a window limit that
/// libarchive's zstd filter cannot be told. Not thread-safe: one stream per task.
public final class DecompressingByteSource: BlockByteSource {
    /// The compression the first bytes announced.
    public let compression: Compression
    private let source: BlockByteSource
    private let codec: (any StreamCodec)?
    /// Bytes sniffed from blocks too short to tell the compression, handed on first.
    private let head: UnsafeMutableRawBufferPointer
    /// The source's block the sniffing stopped in, handed on after `head`.
    private var pendingBlock: UnsafeRawBufferPointer?
    /// Compressed bytes lent by the source and not yet decoded.
    private var input: UnsafeRawBufferPointer
    private var inputEnded = false
    /// Where `nextBlock()` decodes to, made on first use.
    private var ownBuffer: UnsafeMutableRawBufferPointer?

    /// Reads the first bytes of `source` to tell its compression.
    /// - Parameters:
    ///   - zstdWindowLogMax: the largest zstd window (log2 bytes) decoded; bounds memory.
    ///   - inflatingGzip: false to pass gzip bytes through as they are (for zlib to inflate).
    public init(_ source: BlockByteSource, zstdWindowLogMax: Int = 27, inflatingGzip: Bool = true) throws {
        self.source = source
        var sniffed: [UInt8] = []
        var block = try source.nextBlock()
        while sniffed.count + block.count < 4, !block.isEmpty {
            sniffed += block
            block = try source.nextBlock()
        }
        compression = Compression.sniff(sniffed + block.prefix(4 - sniffed.count))
        head = .allocate(byteCount: sniffed.count, alignment: 1)
        head.copyBytes(from: sniffed)
        pendingBlock = block.isEmpty ? nil : block
        input = UnsafeRawBufferPointer(head)
        switch compression {
        case .gzip: codec = inflatingGzip ? GzipInflater() : nil
        case .zstd: codec = try ZstdDecoder(windowLogMax: zstdWindowLogMax)
        case .none: codec = nil
        }
        if sniffed.isEmpty { input = nextPending() ?? input }
    }

    deinit {
        head.deallocate()
        ownBuffer?.deallocate()
    }

    /// True when the blob held no byte at all (asked before reading).
    public var isEmpty: Bool { head.isEmpty && pendingBlock == nil && input.isEmpty }

    private func nextPending() -> UnsafeRawBufferPointer? {
        defer { pendingBlock = nil }
        return pendingBlock
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !buffer.isEmpty else { return 0 }
        guard let codec else { return try readStored(into: buffer) }
        while true {
            let before = input.count
            let produced = try codec.decode(&input, into: buffer)
            if produced > 0 { return produced }
            if input.isEmpty {
                if inputEnded {
                    try codec.finish()
                    return 0
                }
                input = try nextPending() ?? source.nextBlock()
                inputEnded = input.isEmpty
            } else if input.count == before {
                throw ArchiveError(.corruptCompressed, "the \(compression.rawValue) stream stopped making progress")
            }
        }
    }

    /// An uncompressed blob lends the source's blocks (after the sniffed bytes); a compressed one
    /// decodes into a buffer of its own.
    public func nextBlock() throws -> UnsafeRawBufferPointer {
        guard codec == nil else {
            if ownBuffer == nil { ownBuffer = .allocate(byteCount: 1 << 20, alignment: 64) }
            return UnsafeRawBufferPointer(rebasing: ownBuffer![0..<(try read(into: ownBuffer!))])
        }
        if input.isEmpty { input = try nextPending() ?? source.nextBlock() }
        defer { input = UnsafeRawBufferPointer(start: nil, count: 0) }
        return input
    }

    /// Uncompressed: the sniffed bytes, then the source reading into `buffer` itself.
    private func readStored(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if input.isEmpty, let block = nextPending() { input = block }
        guard input.isEmpty else {
            let count = min(input.count, buffer.count)
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[..<count]))
            input = UnsafeRawBufferPointer(rebasing: input[count...])
            return count
        }
        return try source.read(into: buffer)
    }
}

/// One decompressor's state: decodes what it can of `input` into `output`.
protocol StreamCodec: AnyObject {
    /// Decodes from `input`, advancing it past the bytes used, into `output`; returns the bytes
    /// written. Called with an empty `input` to flush output held back when `output` was full.
    func decode(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int
    /// Called at the end of the input: throws when it ended inside a gzip member or zstd frame.
    func finish() throws
}
