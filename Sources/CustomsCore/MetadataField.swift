/// One piece of image metadata to scan, named the way a finding reports it
/// (`config.Env[2] AWS_SECRET_ACCESS_KEY`, `history[7] build-arg NPM_TOKEN`).
public struct MetadataField: Hashable, Sendable {
    /// The place, for people and machines.
    public var field: String
    /// The text to scan; `KEY=value` for keyed fields so key-name detection applies.
    public var text: String
    /// The history instruction involved, for history fields.
    public var createdBy: String?

    public init(field: String, text: String, createdBy: String? = nil) {
        self.field = field
        self.text = text
        self.createdBy = createdBy
    }
}
