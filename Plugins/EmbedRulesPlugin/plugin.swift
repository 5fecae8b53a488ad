import Foundation
import PackagePlugin

/// Compiles the top-level `Rules/*.yaml` into the `CustomsBuiltinRules` module as Swift string
/// literals, so the `customs` binary carries its rules (and their compiled keyword prefilters) and
/// needs no resource bundle beside it.
@main
struct EmbedRulesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let rulesDir = context.package.directoryURL.appending(path: "Rules")
        let files = try FileManager.default.contentsOfDirectory(at: rulesDir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedRules.swift")
        let prefilters = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPrefilters.swift")
        let buildInfo = context.pluginWorkDirectoryURL.appending(path: "EmbeddedBuildInfo.swift")
        let (commit, gitFiles) = Self.commit(of: context.package.directoryURL)
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) rule files",
                executable: try context.tool(named: "customs-embed-rules").url,
                arguments: [output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            ),
            .buildCommand(
                displayName: "Compiling the keyword prefilters of \(files.count) rule files",
                executable: try context.tool(named: "customs-embed-rules").url,
                arguments: ["--prefilters", prefilters.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [prefilters]
            ),
            .buildCommand(
                displayName: "Embedding the git commit",
                executable: try context.tool(named: "customs-embed-rules").url,
                arguments: ["--build-info", buildInfo.path, commit],
                inputFiles: gitFiles,
                outputFiles: [buildInfo]
            ),
        ]
    }

    /// The commit checked out in `package` (read from `.git`, no git needed), and the files that
    /// name it, so the command runs again when it moves; "unknown" outside a git checkout.
    static func commit(of package: URL) -> (String, [URL]) {
        let git = package.appending(path: ".git")
        let head = git.appending(path: "HEAD")
        guard let text = try? String(contentsOf: head, encoding: .utf8) else { return ("unknown", []) }
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("ref: ") else { return (line, [head]) }
        let ref = String(line.dropFirst(5))
        let refFile = git.appending(path: ref)
        if let value = try? String(contentsOf: refFile, encoding: .utf8) {
            return (value.trimmingCharacters(in: .whitespacesAndNewlines), [head, refFile])
        }
        let packed = git.appending(path: "packed-refs")
        let entry = (try? String(contentsOf: packed, encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasSuffix(" " + ref) }
        return (entry.map { String($0.prefix(while: { $0 != " " })) } ?? "unknown", [head, packed])
    }
}
