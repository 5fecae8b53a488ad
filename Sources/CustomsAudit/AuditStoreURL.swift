import Foundation
import PostgresNIO

/// Where an audit keeps its shared state: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, or a
/// Unix socket with `postgres://USER@/DATABASE?host=/run/postgresql&port=5432` (the directory holding
/// `.s.PGSQL.PORT`, as libpq reads it). The password may come from `$PGPASSWORD` instead, so it
/// never has to be on a command line.
public struct AuditStoreURL: Sendable, CustomStringConvertible {
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
            configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database.isEmpty ? nil : database,
                tls: .disable)
            description = "postgres://\(user)@\(host):\(port)/\(database)"
        }
    }
}

/// Why the audit's store cannot be used or an audit cannot go on.
public struct AuditError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
