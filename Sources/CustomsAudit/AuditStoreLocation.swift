import Foundation
import NIOSSL
import PostgresNIO

/// Where an audit keeps its state: a PostgreSQL server shared by workers on many machines, or a
/// SQLite file (the embedded default) for the workers of one machine.
public enum AuditStoreLocation: Sendable, CustomStringConvertible {
    case postgres(PostgresStoreURL)
    case sqlite(path: String)

    /// What `--store` takes.
    public static let help = "postgres://USER@HOST[:PORT]/DB, or sqlite:PATH (the default: \(defaultPath))"

    /// `postgres://…`, `postgresql://…`, `sqlite:PATH`, or nil for the default SQLite file.
    public init(
        _ text: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        guard let text else {
            self = .sqlite(path: Self.defaultPath(environment))
            return
        }
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw AuditError("--store sqlite:PATH needs the path of the database file") }
            self = .sqlite(path: path)
        } else {
            self = .postgres(try PostgresStoreURL(text, environment: environment))
        }
    }

    /// `$XDG_DATA_HOME/customs/audit.sqlite`, else `~/.local/share/customs/audit.sqlite`: findings
    /// over time are the user's data, not a cache to clear.
    public static func defaultPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share").path
        return base + "/customs/audit.sqlite"
    }

    static var defaultPath: String { "$XDG_DATA_HOME/customs/audit.sqlite" }

    public var description: String {
        switch self {
        case .postgres(let url): url.description
        case .sqlite(let path): "sqlite:\(path)"
        }
    }
}

/// A PostgreSQL store: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, or a
/// Unix socket with `postgres://USER@/DATABASE?host=/run/postgresql&port=5432` (the directory holding
/// `.s.PGSQL.PORT`, as libpq reads it). The password may come from `$PGPASSWORD` instead, so it
/// never has to be on a command line. Over TCP, `?sslmode=` is read as libpq reads it: `disable`,
/// `prefer` (the default: TLS when the server offers it, unverified), `require` (TLS, unverified),
/// `verify-full` (TLS, the server's certificate checked against the system's CAs and the host name).
public struct PostgresStoreURL: Sendable, CustomStringConvertible {
    public let configuration: PostgresClient.Configuration
    /// The URL without its password, for messages.
    public let description: String

    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: text),
            ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let user = components.user.map({ $0.removingPercentEncoding ?? $0 }), !user.isEmpty
        else {
            throw AuditError(
                "--store takes postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (or ?host=/socket/dir for a Unix socket)"
            )
        }
        let password = components.password.map { $0.removingPercentEncoding ?? $0 } ?? environment["PGPASSWORD"]
        let database = String(components.path.drop { $0 == "/" })
        let query = components.queryItems ?? []
        let port = components.port ?? query.first { $0.name == "port" }?.value.flatMap { Int($0) } ?? 5432
        let socketDirectory = query.first { $0.name == "host" }?.value
        if let socketDirectory, socketDirectory.hasPrefix("/") {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database.isEmpty ? nil : database)
            description = "postgres://\(user)@/\(database)?host=\(socketDirectory)&port=\(port)"
        } else {
            guard let host = components.host, !host.isEmpty else { throw AuditError("--store: the URL names no host") }
            let mode = query.first { $0.name == "sslmode" }?.value ?? "prefer"
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database.isEmpty ? nil : database,
                tls: try Self.tls(mode))
            description = "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(mode)"
        }
    }

    static func tls(_ mode: String) throws -> PostgresClient.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch mode {
        case "disable": return .disable
        case "allow", "prefer": return .prefer(unverified)
        case "require": return .require(unverified)
        case "verify-ca", "verify-full": return .require(.makeClientConfiguration())
        default: throw AuditError("--store: sslmode takes disable, prefer, require or verify-full")
        }
    }
}
