private import CIsal
import CustomsArchive

/// Inflates a gzip stream with ISA-L: customs reads each member's header (`GzipMemberHeader`),
/// `isal_inflate` the deflate data and checks the CRC-32 and length trailer. Several members in a
/// row are one stream, as gzip reads them; bytes after a member that do not start another are an
/// error.
final class GzipInflater: StreamCodec {
    private let state: UnsafeMutablePointer<inflate_state>
    private var header = GzipMemberHeader()
    private var members = 1
    /// A byte for ISA-L to point at when there is no input (it may still flush output).
    private var noInput: UInt8 = 0
    /// An error met in a call that also produced output: thrown on the next call, so the bytes
    /// before the damage (a bad trailer follows the whole member) are still scanned.
    private var deferredError: ArchiveError?

    init() {
        state = .allocate(capacity: 1)
        startMember()
    }

    deinit { state.deallocate() }

    private func startMember() {
        isal_inflate_init(state)
        state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR_VER)
        header = GzipMemberHeader()
    }

    private var memberFinished: Bool { state.pointee.block_state == ISAL_BLOCK_FINISH }

    func decode(_ input: inout UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        if let deferredError { throw deferredError }
        if memberFinished {
            guard !input.isEmpty else { return 0 }
            // Another member follows (`cat a.gz b.gz` is one gzip stream).
            startMember()
            members += 1
        }
        if !header.isComplete {
            do {
                try header.consume(&input)
            } catch let error as ArchiveError {
                let what = members > 1 ? "bytes after gzip member \(members - 1) do not start another member: " : ""
                throw ArchiveError(.malformed, "corrupt gzip data: \(what)\(error.message)")
            }
            guard header.isComplete else { return 0 }
        }
        let offered = UInt32(clamping: input.count)
        let room = UInt32(clamping: output.count)
        let status = withUnsafeMutablePointer(to: &noInput) { empty in
            state.pointee.next_in =
                offered > 0
                ? UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self)) : empty
            state.pointee.avail_in = offered
            state.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = room
            defer { state.pointee.next_in = nil }
            return isal_inflate(state)
        }
        input = UnsafeRawBufferPointer(rebasing: input[Int(offered - state.pointee.avail_in)...])
        let produced = Int(room - state.pointee.avail_out)
        if status != ISAL_DECOMP_OK && status != ISAL_END_INPUT {
            deferredError = failure(status)
            if produced == 0 { throw deferredError! }
        }
        return produced
    }

    func finish() throws {
        if let deferredError { throw deferredError }
        guard memberFinished else {
            let what =
                members > 1 && !header.isComplete
                ? "bytes after gzip member \(members - 1) are not a whole member"
                : "the gzip stream ends inside member \(members) (truncated)"
            throw ArchiveError(.malformed, "corrupt gzip data: \(what)")
        }
    }

    private func failure(_ status: Int32) -> ArchiveError {
        let what: String
        switch status {
        case ISAL_INCORRECT_CHECKSUM: what = "CRC-32 or length check of gzip member \(members) failed"
        case ISAL_INVALID_LOOKBACK: what = "invalid deflate distance (too far back)"
        case ISAL_INVALID_SYMBOL: what = "invalid deflate symbol"
        case ISAL_INVALID_BLOCK: what = "invalid deflate block"
        default: what = "ISA-L inflate status \(status)"
        }
        return ArchiveError(.malformed, "corrupt gzip data: \(what)")
    }
}
