/// An image platform (`os/arch[/variant]`), used to pick and label the images of an index.
public struct Platform: Hashable, Sendable, Codable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?

    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A platform from an image's own documents: nil unless every part follows the OCI values'
    /// grammar (letters, digits, `.`, `_`, `-`; at most 64 characters), so an image cannot label
    /// itself with escape codes or text that forges a report line.
    public init?(validating os: String, architecture: String, variant: String?) {
        guard Self.isValidPart(os), Self.isValidPart(architecture), variant.map(Self.isValidPart) ?? true else {
            return nil
        }
        self.init(os: os, architecture: architecture, variant: variant)
    }

    static func isValidPart(_ part: String) -> Bool {
        (1...64).contains(part.utf8.count)
            && part.utf8.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == 0x2E || byte == 0x5F || byte == 0x2D
            }
    }

    /// Parses `os/arch[/variant]`; nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count) else { return nil }
        self.init(validating: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// True when `self` (what the user asked for) selects `other`: a missing variant matches any.
    public func selects(_ other: Platform) -> Bool {
        os == other.os && architecture == other.architecture && (variant == nil || variant == other.variant)
    }

    public var description: String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/").escapedForTerminal
    }
}
