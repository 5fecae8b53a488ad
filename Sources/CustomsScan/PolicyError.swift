/// A settings, allow rule or baseline file that cannot be used, with file, line and what to change.
public struct PolicyError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
