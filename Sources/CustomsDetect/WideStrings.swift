/// Finds text stored as UTF-16LE (Windows executables, .NET assemblies' user strings, `.reg` exports,
/// PowerShell scripts saved by Windows tools), where every ASCII character is followed by a zero
/// byte and no byte-oriented rule can see it. A run is narrowed to its ASCII bytes and scanned like
/// any text; its matches are mapped back to the wide bytes. Only Windows files are searched (a PE
/// executable or DLL, a registry hive, a text file with a UTF-16LE byte order mark): Linux software
/// stores wide strings as UTF-32, and searching every ELF file cost about 2% of a scan's CPU for nothing.
enum WideStrings {
    /// Shortest run worth scanning, in characters: shorter strings hold no credential a rule finds.
    static let minimumCharacters = 20
    /// Bytes between sampled 8-byte words: a run of `minimumCharacters` (twice as many bytes) always
    /// covers one whole, so most of a chunk is never looked at.
    static let sampleStride = minimumCharacters * 2 - 8

    /// The byte ranges of UTF-16LE runs of printable ASCII (and tab, newline, carriage return) of at
    /// least `minimumCharacters` that start in `start..<end` of `bytes`; a run may extend to the end of
    /// `bytes`.
    static func runs(in bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> [Range<Int>] {
        guard bytes.count >= minimumCharacters * 2 else { return [] }
        var found: [Range<Int>] = []
        var position = start - start % sampleStride
        var coveredUntil = 0
        // Eight bytes of UTF-16LE ASCII have a zero in every other byte: a mask rejects everything
        // else (text has no zeros; binary data rarely alternates) before any byte is looked at.
        let highBytes: UInt64 = 0xFF00_FF00_FF00_FF00
        while position + 8 <= bytes.count, position < end {
            defer { position += sampleStride }
            guard position >= coveredUntil else { continue }
            let word = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            let first: Int
            if word & highBytes == 0, isText(bytes[position]) {
                first = position
            } else if word & ~highBytes == 0, isText(bytes[position + 1]) {
                first = position + 1
            } else {
                continue
            }
            var lower = first
            while lower >= 2, isText(bytes[lower - 2]), bytes[lower - 1] == 0 { lower -= 2 }
            var upper = first
            while upper + 1 < bytes.count, isText(bytes[upper]), bytes[upper + 1] == 0 { upper += 2 }
            coveredUntil = upper
            guard upper - lower >= minimumCharacters * 2, lower >= start, lower < end else { continue }
            found.append(lower..<upper)
        }
        return found
    }

    /// True when `start` (the first bytes of a file) opens a PE executable (`MZ`), a registry hive
    /// (`regf`) or UTF-16LE text (byte order mark `FF FE`).
    static func isWindowsFile(_ start: UnsafeRawBufferPointer) -> Bool {
        guard start.count >= 2 else { return false }
        if start[0] == 0x4d, start[1] == 0x5a { return true }
        if start[0] == 0xff, start[1] == 0xfe { return true }
        return start.count >= 4 && start[0] == 0x72 && start[1] == 0x65 && start[2] == 0x67 && start[3] == 0x66
    }

    /// Appends the ASCII bytes of a UTF-16LE run (every other byte) to `narrowed`.
    static func narrow(_ bytes: UnsafeRawBufferPointer, _ run: Range<Int>, into narrowed: inout [UInt8]) {
        narrowed.reserveCapacity(narrowed.count + run.count / 2)
        for index in stride(from: run.lowerBound, to: run.upperBound, by: 2) { narrowed.append(bytes[index]) }
    }

    private static func isText(_ byte: UInt8) -> Bool { (0x20...0x7e).contains(byte) || (0x09...0x0d).contains(byte) }
}
