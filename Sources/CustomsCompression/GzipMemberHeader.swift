private import CIsal
import CustomsArchive

/// Reads one gzip member header (RFC 1952: the fixed ten bytes, then the optional extra field,
/// name, comment and header CRC) however its bytes are cut into blocks. ISA-L 2.30 misreads a
/// header with two optional fields when it arrives in small pieces, so customs reads headers
/// itself and gives ISA-L only the deflate data and the trailer.
struct GzipMemberHeader {
    private enum Step {
        case fixed, extraLength
        case extra(remaining: Int)
        case name, comment, headerCRC, done
    }

    private static let extraFlag: UInt8 = 0x04, nameFlag: UInt8 = 0x08, commentFlag: UInt8 = 0x10
    private static let headerCRCFlag: UInt8 = 0x02, reservedFlags: UInt8 = 0xe0

    private var step = Step.fixed
    /// Bytes of a fixed-size part (the ten first, a length, the CRC) gathered so far.
    private var gathered: [UInt8] = []
    private var flags: UInt8 = 0
    /// CRC-32 of the header bytes before the header CRC.
    private var crc: UInt32 = 0

    /// True once the whole header was read.
    var isComplete: Bool {
        if case .done = step { return true }
        return false
    }

    /// Consumes header bytes from `input`; stops at the first deflate byte.
    mutating func consume(_ input: inout UnsafeRawBufferPointer) throws {
        while !input.isEmpty {
            switch step {
            case .fixed:
                guard gather(10, from: &input, hashing: true) else { return }
                guard gathered[0] == 0x1f, gathered[1] == 0x8b else {
                    throw ArchiveError(.corruptCompressed, "not a gzip member header")
                }
                guard gathered[2] == 8 else {
                    throw ArchiveError(.corruptCompressed, "gzip header names a method other than deflate")
                }
                flags = gathered[3]
                guard flags & Self.reservedFlags == 0 else {
                    throw ArchiveError(.corruptCompressed, "gzip header sets reserved flags")
                }
                advance(after: .fixed)
            case .extraLength:
                guard gather(2, from: &input, hashing: true) else { return }
                step = .extra(remaining: Int(gathered[0]) | Int(gathered[1]) << 8)
                gathered = []
            case .extra(let remaining):
                let count = min(remaining, input.count)
                hash(input, count)
                input = UnsafeRawBufferPointer(rebasing: input[count...])
                if remaining == count {
                    advance(after: .extra(remaining: 0))
                } else {
                    step = .extra(remaining: remaining - count)
                }
            case .name, .comment:
                // Up to and including the terminating NUL.
                let end = input.firstIndex(of: 0)
                let count = end.map { $0 + 1 } ?? input.count
                hash(input, count)
                input = UnsafeRawBufferPointer(rebasing: input[count...])
                if end != nil { advance(after: step) }
            case .headerCRC:
                let expected = UInt16(truncatingIfNeeded: crc)
                guard gather(2, from: &input, hashing: false) else { return }
                guard UInt16(gathered[0]) | UInt16(gathered[1]) << 8 == expected else {
                    throw ArchiveError(.corruptCompressed, "gzip header CRC does not match")
                }
                step = .done
            case .done:
                return
            }
        }
    }

    /// The step after `finished`, skipping the optional fields the flags do not announce.
    private mutating func advance(after finished: Step) {
        gathered = []
        let order: [(Step, UInt8)] = [
            (.extraLength, Self.extraFlag), (.name, Self.nameFlag), (.comment, Self.commentFlag),
            (.headerCRC, Self.headerCRCFlag),
        ]
        let start: Int
        switch finished {
        case .fixed: start = 0
        case .extraLength, .extra: start = 1
        case .name: start = 2
        case .comment: start = 3
        case .headerCRC, .done: start = 4
        }
        step = order[start...].first { flags & $0.1 != 0 }?.0 ?? .done
    }

    /// Moves bytes into `gathered` until it holds `count`; true once it does.
    private mutating func gather(_ count: Int, from input: inout UnsafeRawBufferPointer, hashing: Bool) -> Bool {
        let taken = min(count - gathered.count, input.count)
        if hashing { hash(input, taken) }
        gathered += input[..<taken]
        input = UnsafeRawBufferPointer(rebasing: input[taken...])
        return gathered.count == count
    }

    private mutating func hash(_ bytes: UnsafeRawBufferPointer, _ count: Int) {
        guard count > 0 else { return }
        crc = crc32_gzip_refl(crc, bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), UInt64(count))
    }
}
