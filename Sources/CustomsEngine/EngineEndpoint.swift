import AsyncHTTPClient
import CustomsCore
import Foundation

/// Where the local container engine's API answers: the Docker Engine API, which podman's
/// Docker-compatible service serves too. `DOCKER_HOST` wins, then `CONTAINER_HOST` (podman's own
/// variable), then the first default socket that exists: Docker's `/var/run/docker.sock`, then
/// podman's rootless and rootful sockets.
public struct EngineEndpoint: Sendable, Equatable, CustomStringConvertible {
    public enum Address: Sendable, Equatable {
        /// A unix socket path.
        case socket(String)
        /// `tcp://host:port`, plain http (an engine's TLS port is not supported).
        case tcp(host: String, port: Int)
    }

    public let address: Address

    public init(_ address: Address) { self.address = address }

    /// The endpoint the environment names, else the first default socket present; nil when there is none.
    /// - Throws: `EngineError` when a variable is set to something customs cannot use.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> EngineEndpoint?
    {
        for variable in ["DOCKER_HOST", "CONTAINER_HOST"] {
            guard let value = environment[variable], !value.isEmpty else { continue }
            return try parse(value, variable: variable)
        }
        var defaults = ["/var/run/docker.sock"]
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            defaults.append(runtime + "/podman/podman.sock")
        }
        defaults.append("/run/podman/podman.sock")
        return defaults.first { FileManager.default.fileExists(atPath: $0) }.map { EngineEndpoint(.socket($0)) }
    }

    static func parse(_ value: String, variable: String) throws -> EngineEndpoint {
        if value.hasPrefix("unix://") {
            let path = String(value.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw EngineError("\(variable)=\(value) does not name an absolute socket path")
            }
            return EngineEndpoint(.socket(path))
        }
        if value.hasPrefix("tcp://"), let url = URL(string: "http://" + value.dropFirst("tcp://".count)),
            let host = url.host
        {
            return EngineEndpoint(.tcp(host: host, port: url.port ?? 2375))
        }
        throw EngineError(
            "\(variable)=\(value.escapedForTerminal) is not a unix:// or tcp:// address customs can use; "
                + "unset it or scan a `docker save` archive instead")
    }

    /// The URL of `path` (with its query) on this endpoint.
    func url(_ path: String) -> URL? {
        switch address {
        case .socket(let socket): return URL(httpURLWithSocketPath: socket, uri: path)
        case .tcp(let host, let port): return URL(string: "http://\(host):\(port)\(path)")
        }
    }

    public var description: String {
        switch address {
        case .socket(let path): return "unix://\(path)"
        case .tcp(let host, let port): return "tcp://\(host):\(port)"
        }
    }
}

/// A local engine could not be used; the message says why and what to do.
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
