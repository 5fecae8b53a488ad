import ArgumentParser
import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsRules
import Foundation

/// `customs rules list` and `customs rules check`: the rules a scan runs, and proof they work.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Show the detection rules.",
        subcommands: [List.self, Check.self]
    )

    /// The built-in rules plus those of `--rules` folders.
    static func load(_ directories: [String]) throws -> RuleSet {
        var rules = try BuiltinRules.load()
        for directory in directories {
            rules = try rules.merged(with: RuleLoader.ruleSet(fromDirectory: URL(fileURLWithPath: directory)))
        }
        return rules
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every rule: id, severity, confidence, name.")

        @Option(
            name: .customLong("rules"),
            help: ArgumentHelp("A folder of extra rule files to include. Repeatable.", valueName: "dir"))
        var ruleDirectories: [String] = []

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Option(name: .long, help: "Output format: text (a line per rule) or json (an array of rules).")
        var format: Format = .text

        /// A rule as `rules list --format json` describes it.
        struct Entry: Encodable {
            var id: String
            var name: String
            var severity: String
            var confidence: String
            var validator: String?
            var references: [String]
            /// True for the detectors of whole credential files (`.docker/config.json`, `.netrc`, …).
            var credentialFile: Bool

            init(_ rule: RuleSummary, validator: String? = nil, references: [String] = [], credentialFile: Bool) {
                id = rule.id.rawValue
                name = rule.name
                severity = rule.severity.rawValue
                confidence = rule.confidence.rawValue
                self.validator = validator
                self.references = references
                self.credentialFile = credentialFile
            }
        }

        func run() throws {
            let rules = try RulesCommand.load(ruleDirectories)
            var out = ""
            let structural = CredentialFiles.rules.values.sorted { $0.id < $1.id }
            if format == .json {
                let entries =
                    rules.rules.map {
                        Entry(
                            $0.summary, validator: $0.validator?.rawValue, references: $0.references,
                            credentialFile: false)
                    } + structural.map { Entry($0, credentialFile: true) }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(entries) + Data("\n".utf8))
                return
            }
            for rule in rules.rules.map(\.summary) + structural {
                out +=
                    "\(rule.id.rawValue.padding(toLength: 34, withPad: " ", startingAt: 0)) "
                    + "\(rule.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) "
                    + "\(rule.confidence.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) "
                    + "\(rule.name)\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Compile every rule and run its examples and negative examples through the regex and the scan "
                + "pipeline.",
            discussion:
                "Exits 0 when every rule holds, 1 when any fails (each failure is listed), 2 when the rules "
                + "cannot be loaded."
        )

        @Option(
            name: .customLong("rules"),
            help: ArgumentHelp(
                "A folder of extra rule files to check with the built-in ones. Repeatable.", valueName: "dir"))
        var ruleDirectories: [String] = []

        func run() throws {
            let outcome: RuleCheck.Outcome
            do {
                outcome = try RuleCheck.run(
                    try RulesCommand.load(ruleDirectories), builtinPrefilters: BuiltinRules.prefilters)
            } catch {
                throw ValidationError("cannot load the rules: \(error)")
            }
            var out = outcome.failures.map { "FAIL \($0)\n" }.joined()
            out +=
                "\(outcome.rules) rules, \(outcome.examples) examples, \(outcome.negativeExamples) negative examples: "
            out += outcome.failures.isEmpty ? "all pass\n" : "\(outcome.failures.count) failure(s)\n"
            FileHandle.standardOutput.write(Data(out.utf8))
            if !outcome.failures.isEmpty { throw ExitCode(1) }
        }
    }
}
