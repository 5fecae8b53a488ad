import Foundation

/// A user name and password (or token) for one registry. Neither is ever shown: some registries
/// (DigitalOcean among them) take a token as the user name.
public struct RegistryCredential: Sendable, CustomStringConvertible, Equatable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The `Authorization: Basic` value.
    var basicAuthorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }

    public var description: String { "<redacted user>:<redacted>" }
}

/// Finds the credential for a registry the way Docker does, from `$DOCKER_CONFIG/config.json`
/// (else `~/.docker/config.json`): `credHelpers[host]`, then `credsStore`, then `auths`. A
/// credential helper (`docker-credential-NAME`) is run only when the config names it.
public struct DockerCredentialStore: Sendable {
    /// The config file read (it may not exist: then every registry is anonymous).
    public let configFile: URL

    public init(configFile: URL? = nil) {
        if let configFile {
            self.configFile = configFile
        } else if let folder = ProcessInfo.processInfo.environment["DOCKER_CONFIG"], !folder.isEmpty {
            self.configFile = URL(fileURLWithPath: folder).appendingPathComponent("config.json")
        } else {
            self.configFile = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(
                ".docker/config.json")
        }
    }

    private struct ConfigJSON: Decodable {
        struct Entry: Decodable {
            var auth: String?
            var username: String?
            var password: String?
            var identitytoken: String?
        }
        var auths: [String: Entry]?
        var credHelpers: [String: String]?
        var credsStore: String?
    }

    /// The keys a registry may be stored under (Docker Hub has several historical names).
    static func keys(for registry: String) -> [String] {
        if registry == ImageReference.dockerHub {
            return [
                "https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io",
                "https://index.docker.io/v1",
            ]
        }
        return [
            registry, "https://\(registry)", "http://\(registry)", "https://\(registry)/", "https://\(registry)/v1/",
            "https://\(registry)/v2/",
        ]
    }

    /// The credential stored for `registry`, nil when there is none (anonymous access).
    /// - Throws: `RegistryError(.credentials)` when the config or the helper is unusable.
    public func credential(for registry: String) throws -> RegistryCredential? {
        guard let data = try? Data(contentsOf: configFile) else { return nil }
        let config: ConfigJSON
        do {
            config = try JSONDecoder().decode(ConfigJSON.self, from: data)
        } catch {
            throw RegistryError(
                .credentials,
                "\(configFile.path) is not a valid Docker config file; fix or move it, or pass --username and "
                    + "--password-stdin"
            )
        }
        let keys = Self.keys(for: registry)
        if let helper = keys.lazy.compactMap({ config.credHelpers?[$0] }).first {
            return try CredentialHelper(name: helper).get(serverURL: keys[0])
        }
        if let store = config.credsStore, !store.isEmpty {
            return try CredentialHelper(name: store).get(serverURL: keys[0])
        }
        guard let entry = keys.lazy.compactMap({ config.auths?[$0] }).first else { return nil }
        if let token = entry.identitytoken, !token.isEmpty {
            throw RegistryError(
                .credentials,
                "\(configFile.path) holds an OAuth identity token for \(registry), which customs does not use; "
                    + "pass --username and --password-stdin instead"
            )
        }
        if let username = entry.username, let password = entry.password, !username.isEmpty {
            return RegistryCredential(username: username, password: password)
        }
        guard let auth = entry.auth, !auth.isEmpty else { return nil }
        guard let decoded = Data(base64Encoded: auth).flatMap({ String(data: $0, encoding: .utf8) }),
            let colon = decoded.firstIndex(of: ":")
        else {
            throw RegistryError(
                .credentials,
                "the auths entry for \(registry) in \(configFile.path) is not base64 of user:password; run "
                    + "`docker login \(registry)` again"
            )
        }
        return RegistryCredential(
            username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
    }
}

/// Runs `docker-credential-NAME get` (the Docker credential helper protocol): the server URL on
/// standard input, `{"Username": …, "Secret": …}` on standard output. The helper's output is
/// never shown, since it holds the secret.
struct CredentialHelper {
    let name: String

    func get(serverURL: String) throws -> RegistryCredential? {
        guard !name.isEmpty,
            name.utf8.allSatisfy({
                (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) || $0 == 45 || $0 == 46
                    || $0 == 95
            })
        else {
            throw RegistryError(
                .credentials, "the Docker config names an invalid credential helper; fix credHelpers/credsStore")
        }
        let executable = "docker-credential-\(name)"
        guard let path = Self.find(executable) else {
            throw RegistryError(
                .credentials,
                "the Docker config names the credential helper \(executable), which is not on PATH; install it "
                    + "or pass --username and --password-stdin"
            )
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["get"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(serverURL.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        struct Reply: Decodable {
            var Username: String
            var Secret: String
        }
        guard process.terminationStatus == 0 else {
            // Helpers exit non-zero with "credentials not found" for registries they do not know.
            if String(decoding: data.prefix(200), as: UTF8.self).localizedCaseInsensitiveContains("not found") {
                return nil
            }
            throw RegistryError(
                .credentials,
                "\(executable) failed (exit \(process.terminationStatus)) for \(serverURL); check the helper, or "
                    + "pass --username and --password-stdin"
            )
        }
        guard let reply = try? JSONDecoder().decode(Reply.self, from: data) else {
            throw RegistryError(
                .credentials, "\(executable) answered something that is not the credential helper JSON for \(serverURL)"
            )
        }
        guard reply.Username != "<token>" else {
            throw RegistryError(
                .credentials,
                "\(executable) returned an OAuth identity token for \(serverURL), which customs does not use; "
                    + "pass --username and --password-stdin instead"
            )
        }
        return RegistryCredential(username: reply.Username, password: reply.Secret)
    }

    static func find(_ executable: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(executable)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }
}
