/// Something the scan could not do fully (or a warning worth reading): the coverage section.
/// An `incomplete` diagnostic makes the whole run incomplete: it can never be reported as clean.
public struct ScanDiagnostic: Hashable, Sendable, Codable {
    /// Open set of machine-readable reasons.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
        public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public static let missingBlob = Code("missing-blob")
        public static let digestMismatch = Code("digest-mismatch")
        public static let diffIDMismatch = Code("diffid-mismatch")
        public static let unsupportedMediaType = Code("unsupported-media-type")
        public static let mediaTypeMismatch = Code("media-type-mismatch")
        public static let readError = Code("read-error")
        public static let sizeLimit = Code("size-limit")
        public static let regexLimit = Code("regex-limit")
        public static let invalidDocument = Code("invalid-document")
        public static let historyMismatch = Code("history-mismatch")
        public static let layoutConflict = Code("layout-conflict")
        public static let entryWarning = Code("entry-warning")
        /// The run's `--timeout` was reached before this was scanned.
        public static let timeLimit = Code("time-limit")
    }

    public var code: Code
    /// What happened and what to do, naming the blob/layer/path; never contains a secret.
    public var message: String
    /// Image reference the problem belongs to, when known.
    public var image: String?
    /// 0-based layer index within that image, when known.
    public var layer: Int?
    /// Layer blob digest, when known.
    public var blob: Digest?
    /// In-layer path, when the problem is about one entry.
    public var path: String?
    /// True when something was not fully scanned (the run is then incomplete); false for warnings.
    public var incomplete: Bool

    public init(
        code: Code, message: String, image: String? = nil, layer: Int? = nil, blob: Digest? = nil,
        path: String? = nil, incomplete: Bool
    ) {
        self.code = code
        self.message = message
        self.image = image
        self.layer = layer
        self.blob = blob
        self.path = path
        self.incomplete = incomplete
    }
}
