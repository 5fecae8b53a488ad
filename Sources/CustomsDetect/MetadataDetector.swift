import CustomsCore

/// Runs the content rules over image metadata strings (config, history, annotations,
/// attestations). Each field is scanned on its own, so a match always names its field.
public enum MetadataDetector {
    /// Every match in every field, in field order.
    public static func scan(_ fields: [MetadataField], with scanner: ContentScanner) -> [(
        field: MetadataField, match: ContentMatch
    )] {
        fields.flatMap { field in
            // Metadata fields are settings (ENV, ARG, LABEL): generic matches there are medium confidence.
            var result = scanner.scan(Array(field.text.utf8))
            scanner.raiseGenericConfidence(in: &result)
            return result.matches.map { (field, $0) }
        }
    }
}
