import CustomsCore
import Foundation
import Yams

/// Turns rule YAML (built-in text or files in a folder) into validated `Rule`s.
public enum RuleLoader {
    /// Parses and validates one rule file's text. `origin` names it in errors.
    public static func rules(fromYAML text: String, origin: String) throws -> [Rule] {
        try rules(origin: origin, text: text) { try YAMLDecoder().decode(RuleFileSyntax.self, from: text) }
    }

    /// The rules of a rule file already converted to JSON (the built-in rules, at build time).
    public static func rules(fromJSON data: Data, origin: String) throws -> [Rule] {
        try rules(origin: origin, text: String(decoding: data, as: UTF8.self)) {
            try JSONDecoder().decode(RuleFileSyntax.self, from: data)
        }
    }

    /// The rule set of the built-in rule files (file name, rules as JSON), each named `Rules/NAME`
    /// in errors: what the binary loads, and what the build compiles the prefilters of.
    public static func builtinRuleSet(fromJSONFiles files: [(name: String, json: String)]) throws -> RuleSet {
        try RuleSet(files.flatMap { try rules(fromJSON: Data($0.json.utf8), origin: "Rules/\($0.name)") })
    }

    /// Decodes a rule file with `decode`, then validates each rule.
    private static func rules(origin: String, text: String, _ decode: () throws -> RuleFileSyntax) throws -> [Rule] {
        let syntax: RuleFileSyntax
        do {
            syntax = try decode()
        } catch {
            throw RuleError("\(origin): not a valid rule file: \(DecodingProblem.describe(error, in: text))")
        }
        return try syntax.rules.map { try validate($0, origin: origin) }
    }

    /// Loads every `*.yaml` in `directory` (sorted by name).
    public static func ruleSet(fromDirectory directory: URL) throws -> RuleSet {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { ["yaml", "yml"].contains($0.pathExtension) }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            let reason = FileManager.default.fileExists(atPath: directory.path) ? "it cannot be read" : "no such folder"
            throw RuleError("cannot read the rule folder \(directory.path): \(reason)")
        }
        var rules: [Rule] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            rules += try self.rules(fromYAML: text, origin: file.path)
        }
        return try RuleSet(rules)
    }

    static func validate(_ syntax: RuleSyntax, origin: String) throws -> Rule {
        let place = "\(origin): rule \(syntax.id)"
        let idBytes = Array(syntax.id.utf8)
        func allowed(_ byte: UInt8) -> Bool {
            (97...122).contains(byte) || (48...57).contains(byte) || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
        guard let first = idBytes.first, (97...122).contains(first) || (48...57).contains(first),
            idBytes.allSatisfy(allowed)
        else {
            throw RuleError("\(place): id must be lowercase letters, digits, '.', '_' or '-'")
        }
        guard let severity = Severity(rawValue: syntax.severity) else {
            throw RuleError("\(place): severity must be one of \(Severity.allCases.map(\.rawValue))")
        }
        guard let confidence = Confidence(rawValue: syntax.confidence) else {
            throw RuleError("\(place): confidence must be one of \(Confidence.allCases.map(\.rawValue))")
        }
        guard !syntax.keywords.isEmpty, syntax.keywords.allSatisfy({ $0.utf8.count >= 3 }) else {
            throw RuleError("\(place): needs at least one keyword of 3+ bytes (the prefilter cannot see it otherwise)")
        }
        guard !syntax.examples.isEmpty else { throw RuleError("\(place): needs at least one example") }
        var validator: Validator?
        if let name = syntax.validator {
            guard let known = Validator(rawValue: name) else {
                throw RuleError("\(place): unknown validator \(name); known: \(Validator.allCases.map(\.rawValue))")
            }
            validator = known
        }
        return Rule(
            id: RuleID(syntax.id), name: syntax.name, pattern: syntax.pattern, keywords: syntax.keywords,
            secretGroup: syntax.secret_group ?? 1, severity: severity, confidence: confidence,
            validator: validator, isGeneric: syntax.generic ?? false,
            keywordAnchored: syntax.keyword_anchored ?? false, minEntropy: syntax.min_entropy,
            textOnly: syntax.text_only ?? false, examples: syntax.examples,
            negativeExamples: syntax.negative_examples ?? [], references: syntax.references ?? [], origin: origin)
    }
}
