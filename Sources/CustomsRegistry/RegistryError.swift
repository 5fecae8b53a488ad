/// The one error type of `CustomsRegistry`: what went wrong talking to a registry, naming the
/// registry and repository and what to do. Never carries a credential or token.
public struct RegistryError: Error, CustomStringConvertible, Sendable {
    /// Open set of reasons.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let unauthorized = Code(rawValue: "unauthorized")
        public static let forbidden = Code(rawValue: "forbidden")
        public static let notFound = Code(rawValue: "not-found")
        public static let unsafeEndpoint = Code(rawValue: "unsafe-endpoint")
        public static let protocolError = Code(rawValue: "protocol")
        public static let transport = Code(rawValue: "transport")
        public static let credentials = Code(rawValue: "credentials")
        public static let server = Code(rawValue: "server")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
