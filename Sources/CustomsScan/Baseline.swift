import CustomsCore
import CustomsModel
import Foundation

/// Findings a team has accepted, by fingerprint (never the secret), so later scans report only
/// new ones. The fingerprint depends on rule, secret and the fingerprint key only, so it survives
/// rebuilds that move a secret to another layer. Version 2 fingerprints are keyed (HMAC) and the
/// file names the key's id; version 1 files (unkeyed SHA-256, before customs 0.6) are still read,
/// and `customs baseline create --baseline OLD` re-keys one.
public struct Baseline: Codable, Sendable {
    /// One accepted finding: its fingerprint, rule, and a secret-free note of where it was.
    public struct Entry: Codable, Sendable {
        public var fingerprint: String
        public var rule: String
        public var firstSeen: String
    }

    /// File format version: 2 (keyed fingerprints) when written now.
    public var customsBaseline: Int
    public var createdWith: String
    /// `FingerprintKey.id` of the key the fingerprints were made with (version 2).
    public var fingerprintKey: String?
    public var findings: [Entry]

    /// A baseline accepting every finding of `result`, whose fingerprints were made with `key`.
    public init(_ result: ScanResult, key: FingerprintKey) {
        customsBaseline = 2
        createdWith = CustomsVersion.current
        fingerprintKey = key.id
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

    /// Makes `policy` accept this baseline's findings, for a scan whose fingerprints use `key`.
    /// - Returns: a warning for the user when the file is a version 1 baseline.
    /// - Throws: `PolicyError` when the baseline was made with another key.
    public func apply(to policy: inout FindingPolicy, key: FingerprintKey, file: String) throws -> String? {
        guard customsBaseline >= 2 else {
            policy.legacyBaseline.formUnion(fingerprints)
            return "\(file) is a version 1 baseline (unkeyed fingerprints, which let anyone holding the file "
                + "brute-force short secrets); every layer is read to match it. Re-key it with `customs baseline "
                + "create --baseline \(file) TARGET... -o \(file)`"
        }
        guard fingerprintKey == key.id else {
            throw PolicyError(
                "\(file) was made with another fingerprint key (id \(fingerprintKey ?? "none"), this run uses "
                    + "\(key.id)); set \(FingerprintKey.environmentVariable) to the key the baseline was made with")
        }
        policy.baseline.formUnion(fingerprints)
        return nil
    }

    /// Reads a baseline file. - Throws: `PolicyError` naming the file.
    public static func load(_ url: URL) throws -> Baseline {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw PolicyError(
                "cannot read the baseline \(url.path): \((error as NSError).localizedFailureReason ?? "\(error)")")
        }
        do {
            let baseline = try JSONDecoder().decode(Baseline.self, from: data)
            if let bad = baseline.findings.firstIndex(where: { $0.fingerprint.count != 64 }) {
                throw PolicyError("field `findings[\(bad)].fingerprint` must be 64 hex characters")
            }
            return baseline
        } catch let error as PolicyError {
            throw PolicyError("\(url.path): \(error.message) (create a baseline with `customs baseline create`)")
        } catch {
            throw PolicyError(
                "\(url.path): \(DecodingProblem.describe(error, in: String(decoding: data, as: UTF8.self))) (create a "
                    + "baseline with `customs baseline create`)")
        }
    }

    /// The file's JSON text.
    public func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
