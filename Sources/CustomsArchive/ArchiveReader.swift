private import CArchive
import CustomsCore

/// Reads a tar or raw (decompress-only) stream through libarchive, pulling bytes from a
/// `ByteSource` through a read callback. Nothing is extracted: entries and their data are
/// handed to the caller in order. Enables only the gzip and zstd filters and the one format asked
/// for, so no external program can ever run.
///
/// Not thread-safe: one reader per task. The reader is itself a `ByteSource` for the data of
/// the current entry, so readers chain (outer archive → layer blob → decompressed tar).
public final class ArchiveReader: ByteSource {
    /// The container format to read.
    public enum Format: Sendable {
        /// POSIX/GNU tar (layers, docker-save archives).
        case tar
        /// One pseudo-entry holding the decompressed bytes (to hash a layer's diffID).
        case raw
        /// An archive inside a layer: zip (jar, war, whl, nupkg, apk …) or tar, read as a stream.
        case nested
    }

    private let archive: OpaquePointer
    private let source: ByteSource
    /// Where the source's bytes are read into; nil when the source lends its own blocks.
    private let buffer: UnsafeMutableRawBufferPointer?
    /// The error the byte source threw, kept so it can be rethrown with context.
    private var sourceError: (any Error)?
    private var finished = false
    /// The current entry is sparse (GNU or PAX sparse tar): its data is read block by block, holes skipped.
    private var readsBlocks = false
    /// What is left of the data block libarchive last lent (sparse entries only).
    private var pendingBlock = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Header blocks libarchive found damaged (a tar checksum mismatch) and skipped to look for the
    /// next entry (`ARCHIVE_RETRY`): the bytes skipped were not read as entries.
    public private(set) var damagedHeadersSkipped = 0

    /// - Parameters:
    ///   - source: where the (possibly compressed) bytes come from.
    ///   - format: the container format.
    ///   - decompress: allow gzip and zstd, detected from the bytes.
    ///   - bufferSize: bytes pulled from `source` per callback.
    public init(source: ByteSource, format: Format, decompress: Bool = true, bufferSize: Int = 1 << 20) throws {
        guard let handle = archive_read_new() else { throw ArchiveError(.setup, "libarchive: out of memory") }
        archive = handle
        self.source = source
        buffer =
            source is BlockByteSource
            ? nil : UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        // On a throw below, deinit frees what init allocated.
        if decompress {
            try check(archive_read_support_filter_gzip(handle), "enable gzip")
            try check(archive_read_support_filter_zstd(handle), "enable zstd")
        }
        switch format {
        case .tar: try check(archive_read_support_format_tar(handle), "enable tar")
        case .raw: try check(archive_read_support_format_raw(handle), "enable raw")
        case .nested:
            try check(archive_read_support_format_zip(handle), "enable zip")
            try check(archive_read_support_format_tar(handle), "enable tar")
        }
        archive_read_set_callback_data(handle, Unmanaged.passUnretained(self).toOpaque())
        archive_read_set_read_callback(handle) { _, context, out in
            let reader = Unmanaged<ArchiveReader>.fromOpaque(context!).takeUnretainedValue()
            return reader.fill(out!)
        }
        archive_read_set_skip_callback(handle) { _, context, request in
            let reader = Unmanaged<ArchiveReader>.fromOpaque(context!).takeUnretainedValue()
            return (try? reader.source.skip(request)) ?? 0
        }
        if archive_read_open1(handle) != ARCHIVE_OK { throw failure("cannot start reading") }
    }

    deinit {
        archive_read_free(archive)
        buffer?.deallocate()
    }

    /// Called by libarchive for more bytes: the source's own block when it lends one, else this
    /// reader's buffer, filled by the source.
    private func fill(_ out: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        do {
            guard let buffer else {
                let block = try (source as! BlockByteSource).nextBlock()
                out.pointee = block.baseAddress.map(UnsafeRawPointer.init)
                return block.count
            }
            let count = try source.read(into: buffer)
            out.pointee = UnsafeRawPointer(buffer.baseAddress)
            return count
        } catch {
            sourceError = error
            return -1
        }
    }

    private func check(_ status: Int32, _ what: String) throws {
        // ARCHIVE_WARN here means "will use an external program": refused by design.
        if status != ARCHIVE_OK {
            throw ArchiveError(.setup, "libarchive cannot \(what) in-process (status \(status))")
        }
    }

    private func failure(_ what: String) -> ArchiveError {
        if let sourceError {
            return ArchiveError(.io, "\(what): \(sourceError)", underlying: sourceError)
        }
        let detail = archive_error_string(archive).map { String(cString: $0) } ?? "unknown error"
        // libarchive's tar reader refuses a long-name, PAX or GNU header above its size cap this way.
        let oversized = detail.hasPrefix("Special header too large") || detail.hasPrefix("Pathname too long")
        return ArchiveError(oversized ? .oversizedHeader : .malformed, "\(what): \(detail)")
    }

    /// The next entry header, or nil at the end of the archive. Throws when the stream is
    /// unreadable from here on (truncated, corrupt, source failed).
    public func nextEntry() throws -> ArchiveEntry? {
        try UTF8Names.with { try readNextEntry() }
    }

    private func readNextEntry() throws -> ArchiveEntry? {
        guard !finished else { return nil }
        var entryPointer: OpaquePointer?
        var status: Int32
        repeat {
            status = archive_read_next_header(archive, &entryPointer)
            if status == ARCHIVE_RETRY { damagedHeadersSkipped += 1 }
        } while status == ARCHIVE_RETRY
        switch status {
        case ARCHIVE_EOF:
            finished = true
            return nil
        case ARCHIVE_OK, ARCHIVE_WARN:
            guard let entry = entryPointer else { throw failure("no entry") }
            let warning = status == ARCHIVE_WARN ? archive_error_string(archive).map { String(cString: $0) } : nil
            readsBlocks = archive_entry_sparse_count(entry) > 0
            pendingBlock = UnsafeRawBufferPointer(start: nil, count: 0)
            return Self.describe(entry, warning: warning)
        default:
            finished = true
            throw failure("cannot read the next entry")
        }
    }

    private static func describe(_ entry: OpaquePointer, warning: String?) -> ArchiveEntry {
        let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        let size = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : 0
        let kind: ArchiveEntry.Kind
        if let target = archive_entry_hardlink(entry) {
            kind = .hardlink(target: String(cString: target))
        } else {
            switch UInt32(archive_entry_filetype(entry)) {
            case customs_archive_type_regular(): kind = .regular
            case customs_archive_type_directory(): kind = .directory
            case customs_archive_type_symlink():
                kind = .symlink(target: archive_entry_symlink(entry).map { String(cString: $0) } ?? "")
            default: kind = .other
            }
        }
        return ArchiveEntry(name: name, kind: kind, size: max(0, size), warning: warning)
    }

    /// Reads the current entry's data; 0 at the end of the entry. A sparse entry yields its data
    /// regions only: its holes are zeros, which hold nothing to find, and may be terabytes long.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard readsBlocks else {
            let count = archive_read_data(archive, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            throw failure("cannot read entry data")
        }
        while pendingBlock.isEmpty {
            var block: UnsafeRawPointer?
            var size = 0
            var offset: Int64 = 0
            switch archive_read_data_block(archive, &block, &size, &offset) {
            case ARCHIVE_EOF: return 0
            case ARCHIVE_OK, ARCHIVE_WARN:
                pendingBlock = UnsafeRawBufferPointer(start: block, count: block == nil ? 0 : size)
            default: throw failure("cannot read entry data")
            }
        }
        let count = min(buffer.count, pendingBlock.count)
        buffer.baseAddress!.copyMemory(from: pendingBlock.baseAddress!, byteCount: count)
        pendingBlock = UnsafeRawBufferPointer(rebasing: pendingBlock[count...])
        return count
    }

    /// Byte offset of the current entry's first header (pax headers included) in the
    /// uncompressed archive: a tar stream read from there starts with this entry.
    public var headerPosition: Int64 { archive_read_header_position(archive) }

    /// Bytes of the (decompressed) stream the format reader has consumed: after the last entry
    /// of a tar, the offset just past its end-of-archive marker.
    public var consumedBytes: Int64 { archive_filter_bytes(archive, 0) }

    /// Bytes of the source (before any decompression) the reader has used: after a raw gzip read,
    /// where the gzip data ended (bytes after it, which libarchive ignores, are not counted).
    public var sourceBytesConsumed: Int64 { archive_filter_bytes(archive, -1) }
}
