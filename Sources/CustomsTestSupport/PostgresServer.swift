import Foundation

/// A real PostgreSQL server for one test: Debian's `initdb` into a temporary directory, `pg_ctl`
/// listening only on a Unix socket there (no TCP port), a database `audit` owned by the user
/// `customs` (trust authentication, local socket only). Run as the `postgres` system user (the
/// server refuses root). Stopped when the value is released. Needs the `postgresql` package.
public final class PostgresServer {
    public let directory: TemporaryDirectory
    public let port: Int
    /// `--store` for this server.
    public var storeURL: String { "postgres://customs@/audit?host=\(directory.url.path)&port=\(port)" }

    static let bin: URL = {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        let newest = versions.compactMap(Int.init).max().map(String.init) ?? "15"
        return root.appendingPathComponent(newest).appendingPathComponent("bin")
    }()

    public init() throws {
        directory = try TemporaryDirectory()
        port = 20_000 + Int(getpid() % 20_000)
        guard FileManager.default.isExecutableFile(atPath: Self.bin.appendingPathComponent("initdb").path) else {
            throw FixtureError("install postgresql (apt-get install postgresql): the audit store is tested on it")
        }
        try Self.run(["/usr/bin/chown", "postgres", directory.url.path], asPostgres: false)
        try Self.run(
            [
                Self.bin.appendingPathComponent("initdb").path, "-D", directory.path("data").path, "-U", "customs",
                "--auth=trust", "--no-sync",
            ], asPostgres: true)
        try Self.run(
            [
                Self.bin.appendingPathComponent("pg_ctl").path, "-D", directory.path("data").path, "-w", "-l",
                directory.path("server.log").path, "-o",
                "-c listen_addresses='' -k \(directory.url.path) -p \(port) -c fsync=off", "start",
            ], asPostgres: true)
        try Self.run(
            [
                Self.bin.appendingPathComponent("createdb").path, "-h", directory.url.path, "-p", "\(port)", "-U",
                "customs", "audit",
            ], asPostgres: true)
    }

    deinit {
        _ = try? Self.run(
            [
                Self.bin.appendingPathComponent("pg_ctl").path, "-D", directory.path("data").path, "-m", "immediate",
                "stop",
            ], asPostgres: true)
    }

    /// Runs SQL with psql and returns its unaligned, tuples-only output.
    public func query(_ sql: String) throws -> String {
        try Self.run(
            [
                Self.bin.appendingPathComponent("psql").path, "-h", directory.url.path, "-p", "\(port)", "-U",
                "customs",
                "-d", "audit", "-At", "-c", sql,
            ], asPostgres: true)
    }

    /// Runs a program to its end with `system(3)`, its output into a file: `pg_ctl start` leaves
    /// the server holding the descriptors it inherited, so no pipe may reach it.
    @discardableResult
    static func run(_ arguments: [String], asPostgres: Bool) throws -> String {
        let command = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("customs-pg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: log) }
        let quoted = (command + [">", log.path]).map { word in
            word == ">" ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        let status = system(quoted.joined(separator: " ") + " 2>&1 < /dev/null")
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard status == 0 else { throw FixtureError("\(arguments[0]) failed (\(status)): \(text.suffix(800))") }
        return text
    }
}
