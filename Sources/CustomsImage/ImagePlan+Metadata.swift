import CustomsCore
import Foundation

extension ImagePlan {
    /// Every metadata string of the image, named for reporting: config Env, Labels, Cmd,
    /// Entrypoint, User; history build args and commands; annotations; attestation statements.
    public var metadataFields: [MetadataField] {
        var fields: [MetadataField] = []
        let settings = config.config
        for (index, entry) in (settings?.Env ?? []).enumerated() {
            let key = entry.split(separator: "=", maxSplits: 1).first.map(String.init) ?? entry
            fields.append(MetadataField(field: "config.Env[\(index)] \(key)", text: entry))
        }
        for (key, value) in (settings?.Labels ?? [:]).sorted(by: { $0.key < $1.key }) {
            fields.append(MetadataField(field: "config.Labels[\(Self.quoted(key))]", text: "\(key)=\(value)"))
        }
        if let cmd = settings?.Cmd, !cmd.isEmpty {
            fields.append(MetadataField(field: "config.Cmd", text: cmd.joined(separator: " ")))
        }
        if let entrypoint = settings?.Entrypoint, !entrypoint.isEmpty {
            fields.append(MetadataField(field: "config.Entrypoint", text: entrypoint.joined(separator: " ")))
        }
        if let user = settings?.User, !user.isEmpty { fields.append(MetadataField(field: "config.User", text: user)) }
        for (index, entry) in (config.history ?? []).enumerated() {
            guard let createdBy = entry.created_by else { continue }
            let parsed = HistoryInstruction.parse(createdBy)
            let instruction = HistoryInstruction.display(createdBy)
            for arg in parsed.buildArgs {
                fields.append(
                    MetadataField(
                        field: "history[\(index)] build-arg \(arg.name)", text: "\(arg.name)=\(arg.value)",
                        createdBy: instruction))
            }
            fields.append(
                MetadataField(field: "history[\(index)] created_by", text: parsed.command, createdBy: instruction))
        }
        for annotation in annotations {
            fields.append(
                MetadataField(
                    field: "\(annotation.source).annotations[\(Self.quoted(annotation.key))]",
                    text: "\(annotation.key)=\(annotation.value)"))
        }
        for statement in attestations { fields += AttestationFields.fields(of: statement) }
        return fields
    }

    static func quoted(_ key: String) -> String {
        "\"" + key.escapedForTerminal.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

/// Reads in-toto statements (SLSA provenance from BuildKit and others) as metadata: build args
/// by name, every other string by its JSON path.
enum AttestationFields {
    /// Deepest JSON nesting followed.
    static let maxDepth = 64

    static func fields(of statement: Data) -> [MetadataField] {
        guard statement.count <= JSONDocument.maxBytes,
            let object = try? JSONSerialization.jsonObject(with: statement, options: [.fragmentsAllowed])
        else {
            return [
                MetadataField(field: "attestation", text: String(decoding: statement.prefix(1 << 20), as: UTF8.self))
            ]
        }
        var fields: [MetadataField] = []
        walk(object, path: "", key: nil, depth: 0, into: &fields)
        return fields
    }

    private static func walk(_ value: Any, path: String, key: String?, depth: Int, into fields: inout [MetadataField]) {
        guard depth < maxDepth else { return }
        switch value {
        case let object as [String: Any]:
            for (childKey, child) in object.sorted(by: { $0.key < $1.key }) {
                if childKey.hasPrefix("build-arg:"), let text = child as? String {
                    let name = String(childKey.dropFirst("build-arg:".count))
                    fields.append(MetadataField(field: "attestation build-arg \(name)", text: "\(name)=\(text)"))
                } else {
                    walk(child, path: path + "." + childKey, key: childKey, depth: depth + 1, into: &fields)
                }
            }
        case let array as [Any]:
            for (index, child) in array.enumerated() {
                walk(child, path: path + "[\(index)]", key: key, depth: depth + 1, into: &fields)
            }
        case let text as String:
            fields.append(
                MetadataField(field: "attestation \(path.dropFirst())", text: key.map { "\($0)=\(text)" } ?? text))
        default:
            return
        }
    }
}
