import ArgumentParser
import Foundation

/// Where a report goes: standard output, a device or pipe as it is (`/dev/null`, `/dev/stdout`),
/// or a regular file replaced whole at the end: the report is written to a new owner-only (0600)
/// file beside the target (`O_EXCL | O_NOFOLLOW`), synced, and renamed over it, since a report
/// says where secrets live. An existing file's mode and owner are never changed, a symbolic link
/// is never written through, another user's file and an input of the scan are refused, and the
/// target is untouched until the report is complete.
final class ReportSink {
    private let handle: FileHandle
    /// The temporary file and the target it replaces in `finish()`; nil for stdout and devices.
    private let replacement: (temporary: String, target: String)?

    /// - Parameters:
    ///   - path: the report file; nil for standard output.
    ///   - inputs: the scan's targets, which the report may not overwrite.
    /// - Throws: `ValidationError` (exit 2) naming the path and what to do.
    init(path: String?, inputs: [String] = []) throws {
        guard let path else {
            handle = .standardOutput
            replacement = nil
            return
        }
        var info = stat()
        if lstat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                throw ValidationError("\(path) is a symbolic link; give the file it points to, or another path")
            case S_IFCHR, S_IFIFO, S_IFSOCK:
                let descriptor = Glibc.open(path, O_WRONLY | O_CLOEXEC)
                guard descriptor >= 0 else { throw Self.failure("cannot open \(path)") }
                handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                replacement = nil
                return
            case S_IFREG:
                guard info.st_uid == geteuid() else {
                    throw ValidationError("\(path) belongs to another user; refusing to replace it")
                }
                if Self.isInput(info, inputs) {
                    throw ValidationError("\(path) is an input of this scan; write the report elsewhere")
                }
            default:
                throw ValidationError("\(path) is not a regular file; give a file path for the report")
            }
        }
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.customs-report-\(UUID().uuidString).tmp"
        let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot create a report file beside \(path)") }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        replacement = (temporary, path)
    }

    deinit {
        if let replacement { unlink(replacement.temporary) }
    }

    private static func isInput(_ info: stat, _ inputs: [String]) -> Bool {
        inputs.contains { input in
            var other = stat()
            return stat(input, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino
        }
    }

    func write(_ text: String) {
        handle.write(Data(text.utf8))
    }

    /// Makes the report the target: syncs the new file and renames it over the target.
    /// - Throws: `ValidationError` (exit 2) when the report cannot be saved.
    func finish() throws {
        guard let replacement else { return }
        guard fsync(handle.fileDescriptor) == 0, rename(replacement.temporary, replacement.target) == 0 else {
            throw Self.failure("cannot save the report to \(replacement.target)")
        }
    }

    /// What the system said went wrong with `what`, as a usage/I-O error (exit 2).
    private static func failure(_ what: String) -> ValidationError {
        ValidationError("\(what): \(String(cString: strerror(errno)))")
    }
}
