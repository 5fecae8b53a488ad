import CustomsCore
import Foundation

/// One-line messages on standard error. Everything interpolated into them may come from an
/// image or a registry, so the line is escaped before a terminal sees it.
enum Console {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("customs: \(message.escapedForTerminal)\n".utf8))
    }

    static func warn(_ message: String) { note("warning: \(message)") }
}
