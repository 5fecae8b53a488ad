import CustomsCore
import CustomsModel

/// Redacts every detected secret wherever else a result repeats it: a history instruction
/// (`RUN echo STRIPE=sk_live_… > /dev/null`, `ENV STRIPE_KEY=…`) is shown beside its finding in
/// every report format, and must not show what the finding redacts.
struct SecretRedactor {
    /// Clear secrets, longest first (a secret inside a longer one is replaced with it).
    private let secrets: [(value: String, redacted: String)]

    /// Secrets shorter than this are left alone: replacing every `abc` would garble instructions
    /// while hiding nothing a short redaction does not.
    static let shortest = 6

    init(_ secrets: [Secret]) {
        var seen: Set<String> = []
        self.secrets = secrets.compactMap { secret -> (String, String)? in
            guard let value = secret.clearValue, value.count >= Self.shortest, seen.insert(value).inserted else {
                return nil
            }
            return (value, secret.redacted)
        }.sorted { $0.0.count > $1.0.count }
    }

    var isEmpty: Bool { secrets.isEmpty }

    func redact(_ text: String) -> String {
        secrets.reduce(text) { text, secret in
            text.contains(secret.value) ? text.replacingOccurrences(of: secret.value, with: secret.redacted) : text
        }
    }

    func redact(_ text: String?) -> String? { text.map(redact) }

    /// An assembled image with every instruction string redacted.
    func redact(_ output: ImageAssembler.Output) -> ImageAssembler.Output {
        guard !isEmpty else { return output }
        var output = output
        for index in output.summary.layers.indices {
            output.summary.layers[index].createdBy = redact(output.summary.layers[index].createdBy)
        }
        for index in output.occurrences.indices {
            output.occurrences[index].location = redact(output.occurrences[index].location)
        }
        return output
    }

    func redact(_ location: FindingLocation) -> FindingLocation {
        var location = location
        switch location.place {
        case .file(var file):
            file.createdBy = redact(file.createdBy)
            file.changedBy = redact(file.changedBy)
            location.place = .file(file)
        case .metadata(var metadata):
            metadata.createdBy = redact(metadata.createdBy)
            metadata.field = redact(metadata.field)
            location.place = .metadata(metadata)
        }
        return location
    }
}
