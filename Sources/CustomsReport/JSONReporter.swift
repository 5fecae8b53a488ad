import CustomsCore
import CustomsModel
import Foundation

/// The machine-readable report: one JSON document with findings (and their locations), the
/// layer table of every image, and the coverage section. Its shape is `docs/schemas/report.schema.json`;
/// layer indexes are 0-based, base layer first.
public struct JSONReporter: Reporter {
    /// Bumped on any incompatible change to the document's shape.
    public static let schemaVersion = "1.0"

    public init() {}

    public func render(_ result: ScanResult, options: ReportOptions) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = ReportDocument(result, options: options)
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}

/// The JSON report's shape, kept apart from the scan's own types so it changes only on purpose.
struct ReportDocument: Encodable {
    struct Tool: Encodable {
        var name = "customs"
        var version = CustomsVersion.current
        var rules: Int
        var rulesHash: String
    }
    struct Summary: Encodable {
        var findings: Int
        var images: Int
        var layers: Int
        var bytesScanned: Int64
        var durationSeconds: Double
        var baselined: Int
        var belowConfidence: Int
        var layersFromCache: Int
    }
    struct Layer: Encodable {
        var index: Int
        var digest: String?
        var diffID: String?
        var mediaType: String?
        var compression: String?
        var compressedSize: Int64
        var uncompressedSize: Int64
        var createdBy: String?
        var files: Int
        var complete: Bool
        var cached: Bool
    }
    struct Image: Encodable {
        var target: String
        var name: String
        var manifestDigest: String?
        var configDigest: String?
        var platform: String?
        var layers: [Layer]
    }
    struct Rule: Encodable {
        var id: String
        var name: String
        var severity: String
        var confidence: String
        var note: String?
    }
    struct LayerRef: Encodable {
        var index: Int
        var count: Int
        var digest: String?
        var diffID: String?
        var createdBy: String?
    }
    struct Status: Encodable {
        var kind: String
        var layer: Int?
        var createdBy: String?
    }
    struct Location: Encodable {
        var image: String
        var imageDigest: String?
        var platform: String?
        var kind: String
        var layer: LayerRef?
        var path: String?
        var nestedPath: String?
        var line: Int?
        var column: Int?
        var status: Status?
        var field: String?
        var createdBy: String?
        /// The Dockerfile line it came from (`--dockerfile`).
        var dockerfile: DockerfileRef?
        var remediation: RemediationEntry
    }
    struct DockerfileRef: Encodable {
        var path: String
        var line: Int?
        var instruction: String?
        /// Other lines that fit as well; absent when the mapping is certain.
        var alsoPossible: [Int]?
        var baseImage: Bool?
        var contextPath: String?
        /// `missing`, `does-not-exclude` or `excludes` (with `dockerignoreLine`), with `--build-context`.
        var dockerignore: String?
        var dockerignoreLine: Int?
    }
    struct RemediationEntry: Encodable {
        /// Stable: `removed-in-later-layer`, `build-argument`, `image-config`, `build-context`, `runtime-secret`.
        var kind: String
        var text: String
        /// For `build-context`: the `.dockerignore` line that keeps the file out.
        var dockerignore: String?
    }
    struct FindingEntry: Encodable {
        var rule: Rule
        var secret: String
        var redacted: Bool
        var fingerprint: String
        var locations: [Location]
        /// Further places past `Finding.maxLocations`, counted, not listed; absent when none.
        var omittedLocations: Int?
    }
    struct Diagnostic: Encodable {
        var code: String
        var message: String
        var image: String?
        var layer: Int?
        var blob: String?
        var path: String?
        var incomplete: Bool
    }
    struct FailedTarget: Encodable {
        var target: String
        var message: String
    }
    struct Coverage: Encodable {
        var complete: Bool
        var diagnostics: [Diagnostic]
        var failedTargets: [FailedTarget]
        var suppressed: [String: Int]
    }

    var schemaVersion = JSONReporter.schemaVersion
    var tool: Tool
    var summary: Summary
    var images: [Image]
    var findings: [FindingEntry]
    var coverage: Coverage
    /// The settings file used and what it changed; absent when none was.
    var settings: Settings?

    struct Settings: Encodable {
        var file: String
        var disabledRules: [String]
        var allowRules: [String]
        var failOn: String?
        var minConfidence: String?
        var baseline: String?
        var extraRuleFolders: [String]
        var defaultAllowlist: Bool
    }

    init(_ result: ScanResult, options: ReportOptions) {
        settings = result.settings.map {
            Settings(
                file: $0.file, disabledRules: $0.disabledRules, allowRules: $0.allowRules, failOn: $0.failOn,
                minConfidence: $0.minConfidence, baseline: $0.baseline, extraRuleFolders: $0.extraRuleFolders,
                defaultAllowlist: $0.defaultAllowlist)
        }
        tool = Tool(rules: result.ruleCount, rulesHash: result.rulesHash)
        summary = Summary(
            findings: result.findings.count, images: result.images.count,
            layers: result.images.reduce(0) { $0 + $1.layers.count }, bytesScanned: result.bytesScanned,
            durationSeconds: (result.duration * 1000).rounded() / 1000,
            baselined: result.policyOutcome.baselined, belowConfidence: result.policyOutcome.belowConfidence,
            layersFromCache: result.layersFromCache)
        images = result.images.map { image in
            Image(
                target: image.target, name: image.name, manifestDigest: image.manifestDigest?.description,
                configDigest: image.configDigest?.description, platform: image.platform?.description,
                layers: image.layers.map { layer in
                    Layer(
                        index: layer.index, digest: layer.digest?.description, diffID: layer.diffID?.description,
                        mediaType: layer.mediaType?.rawValue, compression: layer.compression?.rawValue,
                        compressedSize: layer.compressedSize, uncompressedSize: layer.uncompressedSize,
                        createdBy: layer.createdBy, files: layer.fileCount, complete: layer.complete,
                        cached: layer.fromCache)
                })
        }
        findings = result.findings.map { Self.entry($0, options: options, annotations: result.dockerfileAnnotations) }
        coverage = Self.coverage(result)
    }

    static func entry(
        _ finding: Finding, options: ReportOptions, annotations: [FindingLocation: DockerfileAnnotation] = [:]
    ) -> FindingEntry {
        FindingEntry(
            rule: Rule(
                id: finding.rule.id.rawValue, name: finding.rule.name,
                severity: finding.rule.severity.rawValue, confidence: finding.rule.confidence.rawValue,
                note: finding.rule.note),
            secret: options.showSecrets
                ? finding.secret.clearValue ?? finding.secret.redacted : finding.secret.redacted,
            redacted: !options.showSecrets, fingerprint: finding.fingerprint,
            locations: finding.locations.map { Self.location($0, annotation: annotations[$0]) },
            omittedLocations: finding.omittedLocations > 0 ? finding.omittedLocations : nil)
    }

    static func coverage(_ result: ScanResult) -> Coverage {
        Coverage(
            complete: result.isComplete,
            diagnostics: result.diagnostics.map { item in
                Diagnostic(
                    code: item.code.rawValue, message: item.message, image: item.image, layer: item.layer,
                    blob: item.blob?.description, path: item.path, incomplete: item.incomplete)
            },
            failedTargets: result.failedTargets.map { FailedTarget(target: $0.target, message: $0.message) },
            suppressed: result.policyOutcome.suppressed)
    }

    static func location(_ location: FindingLocation, annotation: DockerfileAnnotation?) -> Location {
        let remediation = Remediation(location: location, annotation: annotation)
        var entry = Location(
            image: location.image, imageDigest: location.imageDigest?.description,
            platform: location.platform?.description, kind: "file",
            dockerfile: annotation.map(Self.dockerfile),
            remediation: RemediationEntry(
                kind: remediation.kind.rawValue, text: remediation.text, dockerignore: remediation.dockerignoreLine))
        switch location.place {
        case .file(let file):
            entry.layer = LayerRef(
                index: file.layerIndex, count: file.layerCount, digest: file.layerDigest?.description,
                diffID: file.diffID?.description, createdBy: file.createdBy)
            entry.path = "/" + file.path.value
            entry.nestedPath = file.nestedPath
            entry.line = file.line
            entry.column = file.column
            entry.status = Status(
                kind: file.visibility.kind, layer: file.visibility.changingLayer, createdBy: file.changedBy)
        case .metadata(let metadata):
            entry.kind = "metadata"
            entry.field = metadata.field
            entry.createdBy = metadata.createdBy
        }
        return entry
    }

    static func dockerfile(_ annotation: DockerfileAnnotation) -> DockerfileRef {
        var reference = DockerfileRef(
            path: annotation.dockerfile, line: annotation.line, instruction: annotation.keyword,
            alsoPossible: annotation.alsoPossible.isEmpty ? nil : annotation.alsoPossible,
            baseImage: annotation.fromBaseImage ? true : nil, contextPath: annotation.contextPath)
        switch annotation.dockerignore {
        case .missing: reference.dockerignore = "missing"
        case .doesNotExclude: reference.dockerignore = "does-not-exclude"
        case .excludes(let line):
            reference.dockerignore = "excludes"
            reference.dockerignoreLine = line
        case nil: break
        }
        return reference
    }
}
