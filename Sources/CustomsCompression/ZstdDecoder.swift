private import CZstd
import CustomsArchive

/// Decodes a zstd stream (any number of frames, skippable ones included) with libzstd's
/// streaming API, refusing frames whose window exceeds the limit before allocating it.
final class ZstdDecoder: StreamCodec {
    private let context: OpaquePointer
    private let windowLogMax: Int
    /// True between a frame's first byte and its last flushed output byte.
    private var insideFrame = false

    init(windowLogMax: Int) throws {
        guard let context = ZSTD_createDCtx() else { throw ArchiveError(.setup, "libzstd: out of memory") }
        self.context = context
        self.windowLogMax = windowLogMax
        let status = ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, Int32(windowLogMax))
        if ZSTD_isError(status) != 0 {
            throw ArchiveError(.setup, "libzstd refuses a window limit of 2^\(windowLogMax) bytes")
        }
    }

    deinit { ZSTD_freeDCtx(context) }

    func decode(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        // Between frames with nothing new there is nothing to flush.
        guard !input.isEmpty || insideFrame else { return 0 }
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var target = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let result = ZSTD_decompressStream(context, &target, &source)
        input = UnsafeRawBufferPointer(rebasing: input[source.pos...])
        if ZSTD_isError(result) != 0 {
            if ZSTD_getErrorCode(result) == ZSTD_error_frameParameter_windowTooLarge {
                throw ArchiveError(
                    .tooLarge, "a zstd frame needs a window above 2^\(windowLogMax) bytes, more than customs decodes")
            }
            let code: ArchiveError.Code =
                ZSTD_getErrorCode(result) == ZSTD_error_checksum_wrong ? .checksumMismatch : .corruptCompressed
            throw ArchiveError(code, "corrupt zstd data: \(String(cString: ZSTD_getErrorName(result)))")
        }
        insideFrame = result != 0
        return target.pos
    }

    func finish() throws {
        if insideFrame { throw ArchiveError(.corruptCompressed, "the zstd stream ends inside a frame (truncated)") }
    }
}
