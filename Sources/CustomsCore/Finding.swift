/// One credential (a rule and a secret) and every place it was found. The same secret found
/// in several files, layers, images or metadata fields is one finding with several locations.
public struct Finding: Sendable {
    public var rule: RuleSummary
    public var secret: Secret
    /// `Secret.fingerprint(rule:key:)`; the key for baselines and deduplication.
    public var fingerprint: String
    /// Where it was found, in scan order (at most `maxLocations`).
    public var locations: [FindingLocation]
    /// Further places it was found that are not listed (past `maxLocations`).
    public var omittedLocations = 0

    /// The most locations listed per finding: one secret on ten thousand lines is one finding
    /// with a count, not a report ten thousand entries long.
    public static let maxLocations = 100

    public init(rule: RuleSummary, secret: Secret, fingerprint: String, locations: [FindingLocation]) {
        self.rule = rule
        self.secret = secret
        self.fingerprint = fingerprint
        self.locations = locations
    }

    /// True when the secret still reaches the final filesystem or metadata somewhere.
    public var isVisibleSomewhere: Bool {
        locations.contains { location in
            if case .file(let file) = location.place { return file.visibility == .visible }
            return true
        }
    }
}

/// The facts about a rule a report needs, detached from the compiled rule.
public struct RuleSummary: Hashable, Sendable {
    public var id: RuleID
    public var name: String
    public var severity: Severity
    public var confidence: Confidence
    /// What an offline validator learned about this secret (`HS256, expired 2024-03-01`,
    /// `encrypted ssh-ed25519 key`, `account 123456789012`); severity and confidence already
    /// reflect it.
    public var note: String?

    public init(id: RuleID, name: String, severity: Severity, confidence: Confidence, note: String? = nil) {
        self.id = id
        self.name = name
        self.severity = severity
        self.confidence = confidence
        self.note = note
    }
}

/// Where one occurrence of a secret lives: which image and platform, then a file in a layer
/// or a metadata field.
public struct FindingLocation: Hashable, Sendable {
    /// The image reference (repo tag, or the target path when the image is unnamed).
    public var image: String
    /// Manifest digest, when the image has one.
    public var imageDigest: Digest?
    public var platform: Platform?
    public var place: Place

    public init(image: String, imageDigest: Digest?, platform: Platform?, place: Place) {
        self.image = image
        self.imageDigest = imageDigest
        self.platform = platform
        self.place = place
    }

    /// A file in a layer, or a metadata field.
    public enum Place: Hashable, Sendable {
        case file(LayerFileLocation)
        case metadata(MetadataLocation)
    }
}

/// A secret inside a layer's file, with the layer's provenance and the file's visibility.
public struct LayerFileLocation: Hashable, Sendable {
    /// 0-based, base layer first.
    public var layerIndex: Int
    public var layerCount: Int
    public var layerDigest: Digest?
    public var diffID: Digest?
    /// The history instruction that created the layer (`COPY . /app`), when the history maps.
    public var createdBy: String?
    public var path: ImagePath
    /// Path inside a nested archive (`BOOT-INF/application.properties` for `app.jar!/…`), if any.
    public var nestedPath: String?
    /// 1-based line and byte column of the secret's first byte.
    public var line: Int
    public var column: Int
    public var visibility: Visibility
    /// The instruction of the layer that deleted, hid or overwrote the file.
    public var changedBy: String?

    /// `/app/app.jar!/BOOT-INF/classes/application.properties`: the layer path, then the path
    /// inside the archive(s), safe for a terminal.
    public var displayPath: String {
        path.display + (nestedPath.map { "!/" + $0.escapedForTerminal } ?? "")
    }

    public init(
        layerIndex: Int, layerCount: Int, layerDigest: Digest?, diffID: Digest?, createdBy: String?,
        path: ImagePath, nestedPath: String? = nil, line: Int, column: Int,
        visibility: Visibility, changedBy: String?
    ) {
        self.layerIndex = layerIndex
        self.layerCount = layerCount
        self.layerDigest = layerDigest
        self.diffID = diffID
        self.createdBy = createdBy
        self.path = path
        self.nestedPath = nestedPath
        self.line = line
        self.column = column
        self.visibility = visibility
        self.changedBy = changedBy
    }
}

/// A secret in image metadata: config Env/Labels/Cmd, history build args, annotations, attestations.
public struct MetadataLocation: Hashable, Sendable {
    /// Where in the metadata, for people and machines: `config.Env[2] AWS_SECRET_ACCESS_KEY`,
    /// `history[7] build-arg NPM_TOKEN`, `config.Labels["deploy.token"]`, `attestation build-arg X`.
    public var field: String
    /// The history instruction involved, for history findings.
    public var createdBy: String?

    public init(field: String, createdBy: String? = nil) {
        self.field = field
        self.createdBy = createdBy
    }
}
