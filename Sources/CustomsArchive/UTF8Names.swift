import Foundation

/// libarchive converts entry names between UTF-8 (pax headers, zip) and the locale's character
/// set, which in a process that never called `setlocale` is ASCII: every non-ASCII name then
/// fails to convert (a warning per entry when reading, a refused header when writing). Header
/// reads and writes run with the calling thread's locale switched to C.UTF-8, so names pass
/// through as the UTF-8 they are; other threads and the process locale are left alone.
enum UTF8Names {
    /// Nil where the C library has no C.UTF-8 (then names convert as before).
    nonisolated(unsafe) private static let locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)

    static func with<T>(_ body: () throws -> T) rethrows -> T {
        guard let locale else { return try body() }
        let previous = uselocale(locale)
        defer { uselocale(previous) }
        return try body()
    }
}
