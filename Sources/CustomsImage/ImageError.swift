/// The one error type of `CustomsImage`: an input that cannot be read as an image, naming the
/// file or descriptor and what to do.
public struct ImageError: Error, CustomStringConvertible, Sendable {
    /// Open set of reasons.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let notAnImage = Code(rawValue: "not-an-image")
        public static let invalidDocument = Code(rawValue: "invalid-document")
        public static let unsafePath = Code(rawValue: "unsafe-path")
        public static let platformNotFound = Code(rawValue: "platform-not-found")
        public static let unreadable = Code(rawValue: "unreadable")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
