private import CArchive
import CustomsCore
import Foundation

/// Writes a tar archive (POSIX pax where needed) or a zip archive into memory, a tar optionally
/// gzip- or zstd-compressed in-process. Exists so fixture images and sample images are built in code
/// by the same library that reads them. Not thread-safe.
package final class ArchiveWriter {
    /// What one entry is.
    package enum Content: Sendable {
        case file(Data)
        case directory
        case symlink(target: String)
        case hardlink(target: String)
    }

    private let archive: OpaquePointer
    private var output = Data()
    private var closed = false

    /// The container format to write.
    package enum Format: Sendable {
        case tar
        /// Deflated zip entries (jar, war, whl …), for archives nested in layers.
        case zip
    }

    package init(format: Format = .tar, compression: Compression = .none) throws {
        guard let handle = archive_write_new() else { throw ArchiveError(.setup, "libarchive: out of memory") }
        archive = handle
        func check(_ status: Int32, _ what: String) throws {
            if status != ARCHIVE_OK { throw ArchiveError(.setup, "libarchive cannot \(what) in-process") }
        }
        // On a throw below, deinit frees what init allocated.
        switch format {
        case .tar: try check(archive_write_set_format_pax_restricted(handle), "write tar")
        case .zip: try check(archive_write_set_format_zip(handle), "write zip")
        }
        switch compression {
        case .none: break
        case .gzip:
            try check(archive_write_add_filter_gzip(handle), "gzip")
            // No mtime in the gzip header: the same entries always give the same bytes and digest.
            try check(archive_write_set_filter_option(handle, "gzip", "timestamp", nil), "omit the gzip timestamp")
        case .zstd: try check(archive_write_add_filter_zstd(handle), "zstd")
        }
        try check(archive_write_set_bytes_in_last_block(handle, 1), "set block size")
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(
            archive_write_open(
                handle, context, nil,
                { _, context, bytes, length in
                    let writer = Unmanaged<ArchiveWriter>.fromOpaque(context!).takeUnretainedValue()
                    writer.output.append(bytes!.assumingMemoryBound(to: UInt8.self), count: length)
                    return length
                }, nil), "open")
    }

    deinit { archive_write_free(archive) }

    /// Appends one entry. `name` is written as given (tests use hostile names on purpose).
    package func add(_ name: String, _ content: Content, mode: Int32 = 0o644) throws {
        try UTF8Names.with { try write(name, content, mode: mode) }
    }

    private func write(_ name: String, _ content: Content, mode: Int32) throws {
        guard let entry = archive_entry_new() else { throw ArchiveError(.setup, "libarchive: out of memory") }
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, name)
        archive_entry_set_mtime(entry, 0, 0)
        var data: Data?
        switch content {
        case .file(let bytes):
            archive_entry_set_filetype(entry, customs_archive_type_regular())
            archive_entry_set_perm(entry, mode_t(mode))
            archive_entry_set_size(entry, Int64(bytes.count))
            data = bytes
        case .directory:
            archive_entry_set_filetype(entry, customs_archive_type_directory())
            archive_entry_set_perm(entry, 0o755)
        case .symlink(let target):
            archive_entry_set_filetype(entry, customs_archive_type_symlink())
            archive_entry_set_perm(entry, 0o777)
            archive_entry_set_symlink(entry, target)
        case .hardlink(let target):
            archive_entry_set_filetype(entry, customs_archive_type_regular())
            archive_entry_set_perm(entry, mode_t(mode))
            archive_entry_set_hardlink(entry, target)
            archive_entry_set_size(entry, 0)
        }
        guard archive_write_header(archive, entry) == ARCHIVE_OK else { throw writeFailure("header of \(name)") }
        if let data, !data.isEmpty {
            let written = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
            guard written == data.count else { throw writeFailure("data of \(name)") }
        }
    }

    /// Closes the archive and returns its bytes.
    package func finish() throws -> Data {
        if !closed {
            closed = true
            guard archive_write_close(archive) == ARCHIVE_OK else { throw writeFailure("close") }
        }
        return output
    }

    private func writeFailure(_ what: String) -> ArchiveError {
        ArchiveError(
            .io, "cannot write \(what): " + (archive_error_string(archive).map { String(cString: $0) } ?? "unknown"))
    }
}
