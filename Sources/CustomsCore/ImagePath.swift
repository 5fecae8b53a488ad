/// A path inside a layer or archive, normalised from a tar entry name: `./` and leading `/`
/// removed, repeated and trailing slashes folded. It is data only: never joined onto a host path.
public struct ImagePath: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Longest name kept; longer names are cut (and marked) so a hostile entry cannot grow memory.
    public static let maxLength = 4096

    /// The normalised path without a leading slash (`app/.env`); empty for the root.
    public let value: String

    public init(_ raw: String) {
        if Self.isNormalized(raw) {
            value = raw
            return
        }
        var parts: [Substring] = []
        for part in raw.split(separator: "/", omittingEmptySubsequences: true) where part != "." {
            parts.append(part)
        }
        var joined = parts.joined(separator: "/")
        if joined.utf8.count > Self.maxLength {
            joined = String(decoding: joined.utf8.prefix(Self.maxLength), as: UTF8.self) + "…[truncated]"
        }
        value = joined
    }

    /// Rebuilds a path from a `value` that an `ImagePath` produced earlier (the layer cache),
    /// without normalising it again.
    public init(normalized value: String) {
        self.value = value
    }

    /// True when `raw` is already what normalising gives: no leading, trailing or repeated
    /// slash, no `.` component, not too long. Most tar entry names are, and skip the rebuild.
    static func isNormalized(_ raw: String) -> Bool {
        let bytes = raw.utf8
        guard bytes.count <= maxLength, bytes.first != 0x2F, bytes.last != 0x2F else { return false }
        var previous: UInt8 = 0x2F  // as if preceded by a slash: catches a leading "./"
        var beforePrevious: UInt8 = 0
        for byte in bytes {
            if byte == 0x2F, previous == 0x2F || (previous == 0x2E && beforePrevious == 0x2F) { return false }
            beforePrevious = previous
            previous = byte
        }
        return !(previous == 0x2E && beforePrevious == 0x2F)  // a trailing "/." or a lone "."
    }

    /// The last component (`.env`).
    public var name: Substring {
        // Every file of a layer asks: search the bytes themselves, not through String's index.
        let start = value.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.lastIndex(of: 0x2F).map { $0 + 1 } ?? 0
        }
        guard let start else {
            guard let slash = value.utf8.lastIndex(of: 0x2F) else { return value[...] }
            return value[value.index(after: slash)...]
        }
        return value[value.utf8.index(value.startIndex, offsetBy: start)...]
    }

    /// The parent directory, or nil for a top-level entry.
    public var parent: ImagePath? {
        guard let slash = value.lastIndex(of: "/") else { return value.isEmpty ? nil : ImagePath("") }
        return ImagePath(String(value[..<slash]))
    }

    /// Every strict ancestor directory, nearest first (for `a/b/c`: `a/b`, `a`, root).
    public var ancestors: [ImagePath] {
        var result: [ImagePath] = []
        var current = parent
        while let directory = current {
            result.append(directory)
            current = directory.parent
        }
        return result
    }

    /// Appends a component (used for whiteout targets and opaque directories).
    public func appending(_ component: some StringProtocol) -> ImagePath {
        ImagePath(value.isEmpty ? String(component) : value + "/" + component)
    }

    /// `/`-prefixed form for people, with control characters escaped so a path cannot forge a line.
    public var display: String { "/" + value.escapedForTerminal }

    public var description: String { display }
    public static func < (lhs: ImagePath, rhs: ImagePath) -> Bool { lhs.value < rhs.value }
}

extension String {
    /// The string with control characters and DEL replaced by `\u{..}` escapes, so untrusted
    /// text (paths, names) cannot inject terminal escapes or fake report lines.
    public var escapedForTerminal: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f || (0x80...0x9f).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
