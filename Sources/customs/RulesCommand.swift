import ArgumentParser
import CustomsBuiltinRules
import CustomsRules
import Foundation

/// `customs rules list`: the rules a scan runs.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Show the detection rules.",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every rule: id, severity, confidence, name.")

        @Option(name: .customLong("rules"), help: ArgumentHelp("A folder of extra rule files to include. Repeatable.", valueName: "dir"))
        var ruleDirectories: [String] = []

        func run() throws {
            var rules = try BuiltinRules.load()
            for directory in ruleDirectories { rules = try rules.merged(with: RuleLoader.ruleSet(fromDirectory: URL(fileURLWithPath: directory))) }
            var out = ""
            for rule in rules.rules {
                out += "\(rule.id.rawValue.padding(toLength: 28, withPad: " ", startingAt: 0)) \(rule.severity.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(rule.confidence.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(rule.name)\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
