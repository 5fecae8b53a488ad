import Foundation

/// Servers the registry tests run on 127.0.0.1: real CNCF distribution registries (Debian's
/// `docker-registry`) with their own configs, and the small token service and proxy of
/// `Tests/RegistryServers/fixture_server.py`. Each runs under `supervise.sh`, so none outlives
/// the test process.
public final class TestServer: Sendable {
    public let port: Int
    private let process: Process
    public var host: String { "127.0.0.1:\(port)" }

    static var serversFolder: URL { Corpus.repositoryRoot.appendingPathComponent("Tests/RegistryServers") }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// Stops the server (also done when the test process exits).
    public func stop() {
        let pid = process.processIdentifier
        guard pid > 0, kill(pid, SIGTERM) == 0 else { return }
        // waitpid, not Process.isRunning: Foundation may not notice the exit without a run loop.
        let deadline = Date().addingTimeInterval(5)
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    }

    deinit { stop() }

    /// How a registry asks for credentials.
    public enum Auth {
        case anonymous
        /// htpasswd (bcrypt) Basic auth for one user.
        case basic(user: String, password: String)
        /// Bearer tokens from `realm`, signed by the key of `certificate` (PEM).
        case token(realm: String, certificate: URL)
    }

    /// A registry serving `storage` (several registries may share one storage folder).
    public static func registry(
        storage: URL, auth: Auth, tls: (certificate: URL, key: URL)? = nil, in folder: TemporaryDirectory
    ) throws -> TestServer {
        let port = try freePort()
        var config = """
            version: 0.1
            log: {level: error, accesslog: {disabled: true}}
            storage:
              filesystem: {rootdirectory: \(storage.path)}
              maintenance: {uploadpurging: {enabled: false}}
            http:
              addr: 127.0.0.1:\(port)
              secret: customs-test-\(port)

            """
        if let tls {
            config += "  tls: {certificate: \(tls.certificate.path), key: \(tls.key.path)}\n"
        }
        switch auth {
        case .anonymous: break
        case .basic(let user, let password):
            let file = folder.path("htpasswd-\(port)")
            let output = try run("/usr/bin/htpasswd", ["-Bbn", user, password])
            try output.write(to: file)
            config += "auth:\n  htpasswd: {realm: customs-test, path: \(file.path)}\n"
        case .token(let realm, let certificate):
            config +=
                "auth:\n  token: {realm: \"\(realm)\", service: customs-test, issuer: customs-test-issuer, "
                + "rootcertbundle: \(certificate.path)}\n"
        }
        let file = folder.path("registry-\(port).yml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        return try start(["/usr/bin/docker-registry", "serve", file.path], port: port)
    }

    /// The fixture token service, accepting only `user:password`.
    public static func tokenService(
        user: String, password: String, key: URL, certificate: URL, in folder: TemporaryDirectory
    ) throws -> TestServer {
        try fixture(
            [
                "token", "--user", "\(user):\(password)", "--key", key.path, "--cert", certificate.path,
                "--issuer", "customs-test-issuer",
            ], in: folder)
    }

    /// The fixture proxy in front of `upstream`; `arguments` choose its tricks (see the script).
    public static func proxy(upstream: String, arguments: [String] = [], log: URL, in folder: TemporaryDirectory) throws
        -> TestServer
    {
        try fixture(["proxy", "--upstream", upstream, "--log", log.path] + arguments, in: folder)
    }

    /// The fixture chat webhook: each POST body becomes one line of `log`; the first `failFirst`
    /// requests are answered 503.
    public static func webhook(log: URL, failFirst: Int = 0, in folder: TemporaryDirectory) throws -> TestServer {
        try fixture(["webhook", "--log", log.path, "--fail-first", "\(failFirst)"], in: folder)
    }

    private static func fixture(_ arguments: [String], in folder: TemporaryDirectory) throws -> TestServer {
        let portFile = folder.path("port-\(UUID().uuidString)")
        let process = try launch(
            [
                "/usr/bin/python3", serversFolder.appendingPathComponent("fixture_server.py").path,
                arguments[0], "--port-file", portFile.path,
            ] + arguments.dropFirst())
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                return TestServer(port: port, process: process)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.terminate()
        throw TestServerError("the fixture server (\(arguments[0])) did not start")
    }

    private static func start(_ command: [String], port: Int) throws -> TestServer {
        let process = try launch(command)
        let server = TestServer(port: port, process: process)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if canConnect(port) { return server }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestServerError("\(command[0]) did not start listening on port \(port)")
    }

    static func launch(_ command: [String]) throws -> Process {
        let process = Process()
        process.executableURL = serversFolder.appendingPathComponent("supervise.sh")
        process.arguments = [String(getpid())] + command
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A port nothing listens on now.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw TestServerError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    /// Runs a tool to completion; its standard output, or an error with its standard error.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let messages = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestServerError(
                "\(executable) \(arguments.prefix(3).joined(separator: " ")) failed: "
                    + "\(String(decoding: messages.suffix(2000), as: UTF8.self))"
            )
        }
        return data
    }

    /// Pushes an OCI archive (every platform) to a plain-http registry with skopeo.
    public static func push(ociArchive: URL, to reference: String) throws {
        try run(
            "/usr/bin/skopeo",
            [
                "--insecure-policy", "copy", "--all", "--quiet", "--dest-tls-verify=false",
                "oci-archive:\(ociArchive.path)", "docker://\(reference)",
            ])
    }
}

/// Test keys and certificates made with `openssl`: a CA, a server certificate for 127.0.0.1
/// signed by it, and a self-signed token-signing certificate.
public enum TestPKI {
    public static func certificateAuthority(in folder: TemporaryDirectory) throws -> (certificate: URL, key: URL) {
        let key = folder.path("ca.key"), certificate = folder.path("ca.pem")
        try TestServer.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=customs test CA",
                "-keyout", key.path, "-out", certificate.path,
            ])
        return (certificate, key)
    }

    public static func serverCertificate(signedBy ca: (certificate: URL, key: URL), in folder: TemporaryDirectory)
        throws -> (certificate: URL, key: URL)
    {
        let key = folder.path("server.key"), request = folder.path("server.csr"),
            certificate = folder.path("server.pem")
        let extensions = folder.path("server.ext")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(
            to: extensions, atomically: true, encoding: .utf8)
        try TestServer.run(
            "/usr/bin/openssl",
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
                "-keyout", key.path, "-out", request.path,
            ])
        try TestServer.run(
            "/usr/bin/openssl",
            [
                "x509", "-req", "-in", request.path, "-CA", ca.certificate.path, "-CAkey", ca.key.path,
                "-CAcreateserial", "-days", "2", "-extfile", extensions.path, "-out", certificate.path,
            ])
        return (certificate, key)
    }

    public static func signingCertificate(in folder: TemporaryDirectory) throws -> (certificate: URL, key: URL) {
        let key = folder.path("token.key"), certificate = folder.path("token.pem")
        try TestServer.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=customs token issuer",
                "-keyout", key.path, "-out", certificate.path,
            ])
        return (certificate, key)
    }
}

public struct TestServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
