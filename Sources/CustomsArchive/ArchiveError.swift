/// The one error type of `CustomsArchive`: what went wrong reading or writing an archive.
public struct ArchiveError: Error, CustomStringConvertible, Sendable {
    /// Open set of reasons.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let io = Code(rawValue: "io")
        public static let notRegularFile = Code(rawValue: "not-regular-file")
        public static let tooLarge = Code(rawValue: "too-large")
        /// An entry's header (a long name, PAX or GNU extension) is larger than libarchive reads.
        public static let oversizedHeader = Code(rawValue: "oversized-header")
        /// The bytes are not a readable archive, or end early (truncated).
        public static let malformed = Code(rawValue: "malformed")
        /// Compressed data the decompressor refuses (a bad header, block or symbol, bytes after the end).
        public static let corruptCompressed = Code(rawValue: "corrupt-compressed")
        /// Decompressed data whose checksum or length does not match the stream's trailer.
        public static let checksumMismatch = Code(rawValue: "checksum-mismatch")
        /// libarchive could not be set up as required (a filter missing, an external program needed).
        public static let setup = Code(rawValue: "setup")
    }

    public let code: Code
    public let message: String
    /// The error a byte source threw beneath libarchive, if that is what stopped it.
    public let underlying: (any Error)?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
