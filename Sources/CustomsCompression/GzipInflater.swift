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
            try readHeader(&input)
            guard header.isComplete else { return 0 }
        }
        let offered = input.count > Int(UInt32.max) ? Int(UInt32.max) : input.count
        let room = output.count > Int(UInt32.max) ? Int(UInt32.max) : output.count
        let status = withUnsafeMutablePointer(to: &noInput) { empty in
            state.pointee.next_in =
                offered > 0
                ? UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self)) : empty
            state.pointee.avail_in = UInt32(offered)
            state.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
            state.pointee.avail_out = UInt32(room)
            defer { state.pointee.next_in = nil }
            return isal_inflate(state)
        }
        let produced = room - Int(state.pointee.avail_out)
        if status != ISAL_DECOMP_OK && status != ISAL_END_INPUT {
            deferredError = failure(status)
            if produced == 0 { throw deferredError! }
            return produced
        }
        // ISA-L reads ahead into a bit buffer; on damage it can report more input left than this call
        // gave it (the fuzzer found that). Said as damage, never subtracted into a trap.
        let consumed = offered - Int(state.pointee.avail_in)
        guard consumed >= 0 else {
            throw ArchiveError(.corruptCompressed, "corrupt gzip data: ISA-L gave back bytes it was not given")
        }
        input = UnsafeRawBufferPointer(rebasing: input[consumed...])
        return produced
    }

    /// Reads the member header from `input`.
    private func readHeader(_ input: inout UnsafeRawBufferPointer) throws {
        do {
            try header.consume(&input)
        } catch let error as ArchiveError {
            let what = members > 1 ? "bytes after gzip member \(members - 1) do not start another member: " : ""
            throw ArchiveError(.corruptCompressed, "corrupt gzip data: \(what)\(error.message)")
        }
    }

    func finish() throws {
        if let deferredError { throw deferredError }
        guard memberFinished else {
            let what =
                members > 1 && !header.isComplete
                ? "bytes after gzip member \(members - 1) are not a whole member"
                : "the gzip stream ends inside member \(members) (truncated)"
            throw ArchiveError(.corruptCompressed, "corrupt gzip data: \(what)")
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
        let code: ArchiveError.Code = status == ISAL_INCORRECT_CHECKSUM ? .checksumMismatch : .corruptCompressed
        return ArchiveError(code, "corrupt gzip data: \(what)")
    }
}
