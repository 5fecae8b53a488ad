import CustomsCore
import CustomsModel
import Foundation

/// SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning among them): one result per
/// finding, its first location as the primary one (the in-image path as the artifact, with line
/// and column) and the others as related locations; logical locations name the image, platform,
/// layer and instruction; `partialFingerprints` carry the customs fingerprint so an alert
/// survives a rebuild. No secret appears unless `--show-secrets`.
public struct SARIFReporter: Reporter {
    /// The partialFingerprints key (versioned, so a future change of fingerprint is a new key).
    public static let fingerprintKey = "customsFingerprint/v1"
    /// Where metadata findings point: they live in the image config, not in a file.
    public static let metadataArtifact = "image-config.json"

    public init() {}

    public func render(_ result: ScanResult, options: ReportOptions) throws -> String {
        // Only the rules with results (a few instead of hundreds), unless every rule is asked for.
        let used = Set(result.findings.map(\.rule.id))
        let rules = options.allRules ? result.rules : result.rules.filter { used.contains($0.summary.id) }
        let ruleIndex = Dictionary(rules.enumerated().map { ($1.summary.id, $0) }) { first, _ in first }
        let log: [String: Any] = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "customs",
                            "version": CustomsVersion.current,
                            "semanticVersion": CustomsVersion.current,
                            "rules": rules.map(Self.rule),
                        ] as [String: Any]
                    ],
                    "invocations": [Self.invocation(result)],
                    "results": result.findings.map {
                        Self.result(
                            $0, ruleIndex: ruleIndex, options: options, annotations: result.dockerfileAnnotations)
                    },
                    "properties": [
                        "customs": ["complete": result.isComplete, "rulesHash": result.rulesHash]
                            .merging(result.settings.map { ["settings": $0.summary] } ?? [:]) { first, _ in first }
                    ],
                ] as [String: Any]
            ],
        ]
        let data = try JSONSerialization.data(
            withJSONObject: log, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .critical, .high: return "error"
        case .medium: return "warning"
        case .low: return "note"
        }
    }

    /// GitHub's 0–10 security severity scale.
    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: return "9.5"
        case .high: return "8.0"
        case .medium: return "5.5"
        case .low: return "3.0"
        }
    }

    static func rule(_ description: RuleDescription) -> [String: Any] {
        let summary = description.summary
        let help = """
            customs found a credential of this kind (\(summary.name)) in a container image. Treat it as leaked: \
            revoke or rotate it first. Then rebuild without it: pass build secrets with `RUN --mount=type=secret` \
            instead of ARG/ENV, add the file to .dockerignore, and remember that deleting a file in a later layer \
            does not remove it from the image.
            """
        var markdown = help
        if !description.references.isEmpty {
            markdown += "\n\nToken format: " + description.references.map { "<\($0)>" }.joined(separator: ", ")
        }
        var rule: [String: Any] = [
            "id": summary.id.rawValue,
            "name": summary.id.rawValue.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map {
                $0.prefix(1).uppercased() + $0.dropFirst()
            }.joined(),
            "shortDescription": ["text": summary.name],
            "fullDescription": ["text": "\(summary.name) leaked in a container image layer or its metadata."],
            "help": ["text": help, "markdown": markdown],
            "defaultConfiguration": ["level": level(summary.severity)],
            "properties": [
                "security-severity": securitySeverity(summary.severity), "precision": precision(summary.confidence),
                "tags": ["security", "secret", "container"],
            ] as [String: Any],
        ]
        if let reference = description.references.first { rule["helpUri"] = reference }
        return rule
    }

    static func precision(_ confidence: Confidence) -> String {
        switch confidence {
        case .high: return "high"
        case .medium: return "medium"
        case .low: return "low"
        }
    }

    static func result(
        _ finding: Finding, ruleIndex: [RuleID: Int], options: ReportOptions,
        annotations: [FindingLocation: DockerfileAnnotation] = [:]
    ) -> [String: Any] {
        let secret =
            (options.showSecrets ? finding.secret.clearValue ?? finding.secret.redacted : finding.secret.redacted)
        var locations = finding.locations.map(location)
        var described = finding.locations.map(describe)
        let annotation = annotations[finding.locations[0]]
        let remediation = Remediation(location: finding.locations[0], annotation: annotation)
        // With a Dockerfile, the result sits on its line (GitHub annotates it in the pull request); the
        // in-image place follows as the first related location.
        if let annotation, let line = annotation.line {
            locations.insert(
                [
                    "physicalLocation": [
                        "artifactLocation": ["uri": dockerfileURI(annotation.dockerfile)],
                        "region": ["startLine": line],
                    ]
                ],
                at: 0)
            described.insert("\(annotation.dockerfile):\(line)", at: 0)
        }
        var result: [String: Any] = [
            "ruleId": finding.rule.id.rawValue,
            "level": level(finding.rule.severity),
            "message": [
                "text": "\(finding.rule.name) `\(secret)` " + describe(finding.locations[0])
                    + (finding.locations.count + finding.omittedLocations > 1
                        ? " (and \(finding.locations.count + finding.omittedLocations - 1) more place(s))" : "")
                    + ". Fix: \(remediation.text)"
            ],
            "locations": [locations[0]],
            "partialFingerprints": [fingerprintKey: finding.fingerprint],
            "properties": [
                "confidence": finding.rule.confidence.rawValue, "secretRedacted": !options.showSecrets,
                "stillVisible": finding.isVisibleSomewhere, "remediation": remediation.kind.rawValue,
            ],
        ]
        if let annotation, let lines = annotation.removableLines {
            result["fixes"] = [
                [
                    "description": ["text": "Remove the \(annotation.keyword ?? "instruction"); \(remediation.text)"],
                    "artifactChanges": [
                        [
                            "artifactLocation": ["uri": dockerfileURI(annotation.dockerfile)],
                            "replacements": [
                                [
                                    "deletedRegion": [
                                        "startLine": lines.lowerBound, "startColumn": 1,
                                        "endLine": lines.upperBound + 1, "endColumn": 1,
                                    ]
                                ]
                            ],
                        ] as [String: Any]
                    ],
                ] as [String: Any]
            ]
        }
        if let index = ruleIndex[finding.rule.id] { result["ruleIndex"] = index }
        if var properties = result["properties"] as? [String: Any] {
            if let note = finding.rule.note { properties["validation"] = note }
            if finding.omittedLocations > 0 { properties["omittedLocations"] = finding.omittedLocations }
            result["properties"] = properties
        }
        if locations.count > 1 {
            result["relatedLocations"] = locations.dropFirst().enumerated().map { offset, location -> [String: Any] in
                var related = location
                related["id"] = offset + 1
                related["message"] = ["text": described[offset + 1]]
                return related
            }
        }
        return result
    }

    /// One place in words, for messages: where it is and whether it is still visible.
    static func describe(_ location: FindingLocation) -> String {
        var text = "in \(location.image)" + (location.platform.map { " (\($0))" } ?? "")
        switch location.place {
        case .file(let file):
            text += ", layer \(file.layerIndex + 1)/\(file.layerCount)"
            if let createdBy = file.createdBy { text += " (\(createdBy.prefix(120)))" }
            text += ", \(file.displayPath):\(file.line)"
            switch file.visibility {
            case .visible: break
            case .deleted(let layer): text += "; deleted in layer \(layer + 1) but still recoverable from the image"
            case .hiddenByOpaqueDirectory(let layer):
                text += "; hidden by layer \(layer + 1) but still recoverable from the image"
            case .overwritten(let layer):
                text += "; overwritten in layer \(layer + 1) but still recoverable from the image"
            }
        case .metadata(let metadata):
            text += ", \(metadata.field)"
        }
        return text
    }

    static func location(_ location: FindingLocation) -> [String: Any] {
        var logical: [[String: Any]] = [
            [
                "name": location.image + (location.imageDigest.map { "@\($0)" } ?? ""),
                "kind": "module",
                "fullyQualifiedName": location.image + (location.imageDigest.map { "@\($0)" } ?? "")
                    + (location.platform.map { " \($0)" } ?? ""),
            ]
        ]
        let physical: [String: Any]
        switch location.place {
        case .file(let file):
            var layer: [String: Any] = [
                "name": "layer \(file.layerIndex + 1)/\(file.layerCount)",
                "kind": "namespace",
                "fullyQualifiedName":
                    "layer \(file.layerIndex + 1)/\(file.layerCount) \(file.layerDigest?.description ?? "")",
            ]
            if let createdBy = file.createdBy { layer["properties"] = ["createdBy": createdBy] }
            logical.append(layer)
            physical = [
                "artifactLocation": [
                    "uri": uri(
                        (file.path.value.isEmpty ? "/" : file.path.value) + (file.nestedPath.map { "!/" + $0 } ?? ""))
                ],
                "region": ["startLine": file.line, "startColumn": file.column],
            ]
        case .metadata(let metadata):
            logical.append(["name": metadata.field, "kind": "resource"])
            physical = ["artifactLocation": ["uri": metadataArtifact], "region": ["startLine": 1]]
        }
        return ["physicalLocation": physical, "logicalLocations": logical]
    }

    /// The Dockerfile's path as the user gave it, relative (`./` dropped), as a URI reference.
    static func dockerfileURI(_ path: String) -> String {
        uri(path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    /// An in-image path as a URI reference: spaces, `%`, `#`, `?` and non-ASCII percent-encoded.
    static func uri(_ path: String) -> String {
        path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "/"
    }

    static func invocation(_ result: ScanResult) -> [String: Any] {
        var notifications: [[String: Any]] = result.diagnostics.map { item in
            [
                "level": item.incomplete ? "error" : "warning", "message": ["text": item.message],
                "descriptor": ["id": item.code.rawValue],
            ]
        }
        notifications += result.failedTargets.map { failure in
            [
                "level": "error", "message": ["text": "\(failure.target): \(failure.message)"],
                "descriptor": ["id": "target-failed"],
            ]
        }
        return ["executionSuccessful": result.failedTargets.isEmpty, "toolExecutionNotifications": notifications]
    }
}
