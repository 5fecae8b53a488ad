import CustomsCore
import CustomsModel
import Foundation

/// Findings a team has accepted, by fingerprint (never the secret), so later scans report only
/// new ones. The fingerprint depends on rule and secret only, so it survives rebuilds that move
/// a secret to another layer.
public struct Baseline: Codable, Sendable {
    /// One accepted finding: its fingerprint, rule, and a secret-free note of where it was.
    public struct Entry: Codable, Sendable {
        public var fingerprint: String
        public var rule: String
        public var firstSeen: String
    }

    /// File format version.
    public var customsBaseline = 1
    public var createdWith = CustomsVersion.current
    public var findings: [Entry]

    /// A baseline accepting every finding of `result`.
    public init(_ result: ScanResult) {
        findings = result.findings.map { finding in
            let place: String
            switch finding.locations[0].place {
            case .file(let file): place = "\(finding.locations[0].image) layer \(file.layerIndex) \(file.path.display)"
            case .metadata(let metadata): place = "\(finding.locations[0].image) \(metadata.field)"
            }
            return Entry(fingerprint: finding.fingerprint, rule: finding.rule.id.rawValue, firstSeen: place)
        }
    }

    /// The accepted fingerprints.
    public var fingerprints: Set<String> { Set(findings.map(\.fingerprint)) }

    /// Reads a baseline file. - Throws: `PolicyError` naming the file.
    public static func load(_ url: URL) throws -> Baseline {
        do {
            let baseline = try JSONDecoder().decode(Baseline.self, from: Data(contentsOf: url))
            guard baseline.findings.allSatisfy({ $0.fingerprint.count == 64 }) else {
                throw PolicyError("fingerprints must be 64 hex characters")
            }
            return baseline
        } catch {
            throw PolicyError(
                "\(url.path) is not a customs baseline (create one with `customs baseline create`): \(error)")
        }
    }

    /// The file's JSON text.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
