import CustomsCore
import CustomsModel
import Foundation
import Yams

/// `.customs.yaml` (found in the working directory, or named by `--config`): allow rules,
/// disabled rules, extra rule folders, thresholds, limits and a baseline, so a team keeps its
/// scan policy in the repository. Unknown keys are errors that name their line.
public struct ScanConfiguration: Sendable {
    public var ruleDirectories: [URL] = []
    public var disabledRules: Set<RuleID> = []
    public var failOn: Severity?
    public var minConfidence: Confidence?
    public var baseline: URL?
    public var maxFileBytes: Int64?
    public var maxLayerBytes: Int64?
    public var maxEntries: Int?
    public var allow: [AllowRule] = []
    /// Whether `DefaultAllowlist` applies (`default_allowlist: false` turns it off).
    public var useDefaultAllowlist = true
    /// The file these settings came from; nil for the defaults.
    public var file: URL?

    public init() {}

    /// The file name looked for in the working directory.
    public static let defaultFileName = ".customs.yaml"

    static let topKeys: Set<String> = [
        "rules", "disable_rules", "fail_on", "min_confidence", "baseline", "limits", "allow", "default_allowlist",
    ]
    static let limitKeys: Set<String> = ["max_file_bytes", "max_layer_bytes", "max_entries"]
    static let allowKeys: Set<String> = ["name", "rule", "path", "regex", "fingerprint"]

    /// Loads and validates a configuration file; relative paths in it are resolved against its folder.
    /// - Throws: `PolicyError` naming the file, line and key.
    public static func load(_ url: URL) throws -> ScanConfiguration {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw PolicyError("cannot read \(url.path): \(error.localizedDescription)")
        }
        var configuration = try parse(text, name: url.path, base: url.deletingLastPathComponent())
        configuration.file = url
        return configuration
    }

    /// Parses configuration text. `name` labels errors; `base` resolves relative paths.
    public static func parse(_ text: String, name: String, base: URL) throws -> ScanConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw PolicyError("\(name): not valid YAML: \(error)")
        }
        var configuration = ScanConfiguration()
        guard let root else { return configuration }
        guard let mapping = root.mapping else {
            throw PolicyError("\(name):\(line(root)): expected a mapping of settings")
        }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let at = "\(name):\(line(keyNode))"
            switch key {
            case "rules":
                configuration.ruleDirectories = try strings(value, at: at, key: key).map {
                    base.appendingPathComponent($0)
                }
            case "disable_rules":
                configuration.disabledRules = Set(try strings(value, at: at, key: key).map { RuleID($0) })
            case "fail_on":
                guard let severity = value.string.flatMap(Severity.init(rawValue:)) else {
                    throw PolicyError(
                        "\(at): fail_on must be one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                configuration.failOn = severity
            case "min_confidence":
                guard let confidence = value.string.flatMap(Confidence.init(rawValue:)) else {
                    throw PolicyError(
                        "\(at): min_confidence must be one of "
                            + "\(Confidence.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                configuration.minConfidence = confidence
            case "baseline":
                guard let path = value.string else { throw PolicyError("\(at): baseline must be a file path") }
                configuration.baseline = base.appendingPathComponent(path)
            case "limits":
                try parseLimits(value, name: name, into: &configuration)
            case "default_allowlist":
                guard let flag = value.bool else { throw PolicyError("\(at): default_allowlist must be true or false") }
                configuration.useDefaultAllowlist = flag
            case "allow":
                guard let entries = value.sequence else {
                    throw PolicyError("\(at): allow must be a list of allow rules")
                }
                for entry in entries { configuration.allow.append(try parseAllow(entry, name: name)) }
            default:
                throw PolicyError(
                    "\(at): unknown key '\(key)'; known keys: \(topKeys.sorted().joined(separator: ", "))")
            }
        }
        return configuration
    }

    private static func parseLimits(_ node: Node, name: String, into configuration: inout ScanConfiguration) throws {
        guard let mapping = node.mapping else { throw PolicyError("\(name):\(line(node)): limits must be a mapping") }
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let at = "\(name):\(line(keyNode))"
            guard limitKeys.contains(key) else {
                throw PolicyError(
                    "\(at): unknown key 'limits.\(key)'; known keys: \(limitKeys.sorted().joined(separator: ", "))")
            }
            guard let number = value.int, number > 0 else {
                throw PolicyError("\(at): \(key) must be a positive whole number")
            }
            switch key {
            case "max_file_bytes": configuration.maxFileBytes = Int64(number)
            case "max_layer_bytes": configuration.maxLayerBytes = Int64(number)
            default: configuration.maxEntries = number
            }
        }
    }

    private static func parseAllow(_ node: Node, name: String) throws -> AllowRule {
        guard let mapping = node.mapping else {
            throw PolicyError("\(name):\(line(node)): an allow rule must be a mapping")
        }
        var fields: [String: String] = [:]
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            guard allowKeys.contains(key) else {
                throw PolicyError(
                    "\(name):\(line(keyNode)): unknown key 'allow.\(key)'; known keys: "
                        + "\(allowKeys.sorted().joined(separator: ", "))"
                )
            }
            guard let text = value.string else {
                throw PolicyError("\(name):\(line(keyNode)): allow.\(key) must be a string")
            }
            fields[key] = text
        }
        do {
            return try AllowRule(
                name: fields["name"], rule: fields["rule"].map { RuleID($0) }, path: fields["path"],
                secretPattern: fields["regex"], fingerprint: fields["fingerprint"])
        } catch let error as PolicyError {
            throw PolicyError("\(name):\(line(node)): \(error.message)")
        }
    }

    private static func strings(_ node: Node, at: String, key: String) throws -> [String] {
        if let single = node.string { return [single] }
        guard let items = node.sequence?.map(\.string), !items.contains(where: { $0 == nil }) else {
            throw PolicyError("\(at): \(key) must be a string or a list of strings")
        }
        return items.compactMap { $0 }
    }

    private static func line(_ node: Node) -> Int { node.mark?.line ?? 0 }
}

extension ScanConfiguration {
    /// What every report says about these settings; nil when no file was used.
    public var applied: AppliedSettings? {
        guard let file else { return nil }
        return AppliedSettings(
            file: file.relativePath, disabledRules: disabledRules.map(\.rawValue).sorted(),
            allowRules: allow.map(\.name),
            failOn: failOn?.rawValue, minConfidence: minConfidence?.rawValue, baseline: baseline?.relativePath,
            extraRuleFolders: ruleDirectories.map(\.relativePath), defaultAllowlist: useDefaultAllowlist)
    }
}
