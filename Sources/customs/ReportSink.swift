import Foundation

/// Where a report goes: standard output, or a file created readable by its owner only (mode
/// 0600), since a report says where secrets live (and holds them with --show-secrets).
final class ReportSink {
    private let handle: FileHandle

    /// - Parameter path: the file to create or truncate; nil for standard output.
    init(path: String?) throws {
        guard let path else {
            handle = .standardOutput
            return
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CocoaError(
                .fileWriteNoPermission,
                userInfo: [NSLocalizedDescriptionKey: "cannot create \(path): \(String(cString: strerror(errno)))"])
        }
        fchmod(descriptor, 0o600)
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    func write(_ text: String) {
        handle.write(Data(text.utf8))
    }
}
