import Foundation

/// An audit store for one test, of either kind: a real PostgreSQL server (`PostgresServer`), or a
/// SQLite file read back with Debian's `sqlite3` shell. `query` answers as `psql -At` does
/// (columns joined by `|`, one row per line) for both.
public final class AuditTestStore {
    public enum Kind: String, Sendable, CaseIterable, CustomStringConvertible {
        case postgres, sqlite
        public var description: String { rawValue }
    }

    public let kind: Kind
    /// `--store` for this store.
    public let url: String
    private let server: PostgresServer?
    private let directory: TemporaryDirectory
    private var file: String { directory.path("audit.sqlite").path }

    public init(_ kind: Kind) throws {
        self.kind = kind
        directory = try TemporaryDirectory()
        switch kind {
        case .postgres:
            let server = try PostgresServer()
            self.server = server
            url = server.storeURL
        case .sqlite:
            server = nil
            url = "sqlite:" + directory.path("audit.sqlite").path
        }
    }

    public func query(_ sql: String) throws -> String {
        if let server { return try server.query(sql) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else {
            throw FixtureError("install sqlite3 (apt-get install sqlite3): the SQLite store is read back with it")
        }
        return String(decoding: try TestServer.run("/usr/bin/sqlite3", [file, sql]), as: UTF8.self)
    }
}
