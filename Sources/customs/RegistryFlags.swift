import ArgumentParser
import CustomsEngine
import CustomsRegistry
import Foundation

/// How to reach registries when a target is an image reference.
struct RegistryFlags: ParsableArguments {
    @Flag(name: .long, help: "Treat each repository target (no tag or digest) as all of its tags.")
    var allTags = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "User name for the registries named by the targets (with --password-stdin).", valueName: "name"))
    var username: String?

    @Flag(name: .long, help: "Read the registry password or token from standard input.")
    var passwordStdin = false

    @Option(name: .long, help: ArgumentHelp("Extra CA certificates (PEM) to trust for registries.", valueName: "file"))
    var caFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp("A registry (HOST[:PORT]) to reach over plain http. Repeatable.", valueName: "host"))
    var insecureRegistry: [String] = []

    func validate(targets: [String]) throws {
        if (username != nil) != passwordStdin {
            throw ValidationError("--username and --password-stdin go together")
        }
        if passwordStdin && targets.contains("-") {
            throw ValidationError("--password-stdin reads standard input, so - cannot be a target in the same run")
        }
    }

    /// Where targets that are not local paths come from: the local engine first (when one
    /// answers), then registries. The password is read from standard input now.
    func remoteSource(for targets: [String], registry: RegistrySource? = nil) throws -> LocalEngineFirst {
        var engine: EngineSource?
        do {
            engine = try EngineEndpoint.fromEnvironment().map { EngineSource(endpoint: $0) }
        } catch {
            let needsEngine = targets.contains { $0 != "-" && !FileManager.default.fileExists(atPath: $0) }
            if needsEngine { Console.warn("\(error); local engine images are not looked for") }
        }
        return LocalEngineFirst(engine: engine, registry: try registry ?? registrySource(for: targets))
    }

    /// The registry source for the targets; the password is read from standard input now.
    func registrySource(for targets: [String]) throws -> RegistrySource {
        var options = RegistryOptions()
        options.allTags = allTags
        options.caFile = caFile
        options.insecureRegistries = Set(insecureRegistry)
        if let username {
            var password = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            while password.hasSuffix("\n") || password.hasSuffix("\r") { password.removeLast() }
            guard !password.isEmpty else { throw ValidationError("--password-stdin read an empty password") }
            // The credential goes only to the registries the targets name explicitly: never to
            // Docker Hub because a target is a short name, nor for a path that looks like one.
            let references = targets.map { target -> String in
                if target.hasPrefix(AuditRunCommand.registryScheme) {
                    // An audit's whole registry.
                    return target.dropFirst(AuditRunCommand.registryScheme.count) + "/catalog"
                }
                return target.hasPrefix(LocalEngineFirst.registryTransport)
                    ? String(target.dropFirst(LocalEngineFirst.registryTransport.count)) : target
            }
            let named = Set(
                references.filter { ImageReference.namesRegistry($0) && !FileManager.default.fileExists(atPath: $0) }
                    .compactMap { ImageReference(parsing: $0)?.registry })
            guard !named.isEmpty else {
                throw ValidationError(
                    "--username and --password-stdin are for the registry a target names (registry.example.com/app:1); "
                        + "no target names one")
            }
            for registry in named {
                options.credentials[registry] = RegistryCredential(username: username, password: password)
            }
        }
        do {
            return try RegistrySource(options: options)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}
