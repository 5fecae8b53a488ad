/// The one error type of `CustomsRegex`: a pattern or literal set that cannot be compiled.
public struct RegexError: Error, CustomStringConvertible, Sendable {
    /// What failed to compile and why (with the byte offset for PCRE2 errors).
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
