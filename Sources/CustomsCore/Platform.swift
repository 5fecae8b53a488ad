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

    /// Parses `os/arch[/variant]`; nil when malformed.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// True when `self` (what the user asked for) selects `other`: a missing variant matches any.
    public func selects(_ other: Platform) -> Bool {
        os == other.os && architecture == other.architecture && (variant == nil || variant == other.variant)
    }

    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }
}
