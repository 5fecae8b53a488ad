/// How bad a leak of this kind is; drives `--fail-on` and ordering. Closed set, ordered.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case low, medium, high, critical

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// How sure a detector is that a match is a real credential. Closed set, ordered.
public enum Confidence: String, Sendable, Codable, Comparable, CaseIterable {
    case low, medium, high

    private var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rank < rhs.rank }
}

/// A rule's stable identifier (`github.pat.classic`); never reused for another meaning.
public struct RuleID: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
