import CustomsCache
import Foundation
import GRDB

/// The audit's embedded default store: one SQLite file (GRDB, WAL mode), so one machine audits
/// without a server. Its workers are threads of one process or processes of that machine: every
/// write is an IMMEDIATE transaction, which SQLite serializes across processes, so taking an item
/// (read the first free one, lease it) is atomic as `SKIP LOCKED` is in PostgreSQL. Leases are
/// timed by this machine's clock. Not for a network file system (SQLite's locks do not hold there).
public final class SQLiteAuditStore: AuditStore {
    let pool: DatabasePool
    public let layerRows: any LayerRows
    private let counter = RoundTrips()
    public var roundTrips: Int { counter.count }

    private func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        counter.add()
        return try await pool.read(body)
    }

    private func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        counter.add()
        return try await pool.write(body)
    }

    /// Opens (creating it and its folder, owner-only) and migrates the database at `path`.
    public init(path: String) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try? FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var configuration = Configuration()
        // Writers of other processes hold the file for a transaction at a time: wait for them.
        configuration.busyMode = .timeout(60)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in try SQLiteSchema.migrate(db) }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError("cannot use the store sqlite:\(path): \(Self.describe(error))")
        }
        layerRows = SQLiteLayerRows(pool: pool)
    }

    static func describe(_ error: any Error) -> String {
        (error as? DatabaseError).map { "SQLite says: \($0.message ?? "\($0.resultCode)")" } ?? "\(error)"
    }

    public func close() { try? pool.close() }

    /// Seconds since 1970 by this machine's clock: leases and claims are timed by it.
    static var now: Double { Date().timeIntervalSince1970 }

    public func schemaVersion() async throws -> Int {
        try await read { db in try SQLiteSchema.version(db) }
    }

    public func startRun(_ name: String, targets: [String]) async throws -> Int64 {
        try await write { db in
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM audit_runs WHERE name = ?", arguments: [name]) {
                return id
            }
            try db.execute(
                sql: "INSERT INTO audit_runs (name, items, started_at) VALUES (?, ?, ?)",
                arguments: [name, targets.count, Self.now])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO audit_work (run_id, target) VALUES (?, ?)")
            for target in targets { try insert.execute(arguments: [id, target]) }
            return id
        }
    }

    public func claim(run: Int64, worker: String, lease: Int) async throws -> AuditClaim? {
        try await write { db in
            let now = Self.now
            let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE audit_work SET state = 'leased', lease_owner = ?, lease_until = ?, attempts = attempts + 1
                    WHERE id = (
                        SELECT id FROM audit_work
                        WHERE run_id = ? AND (state = 'pending' OR (state = 'leased' AND lease_until < ?))
                        ORDER BY id LIMIT 1)
                    RETURNING id, target, attempts
                    """, arguments: [worker, now + Double(lease), run, now])
            return row.map { AuditClaim(item: $0["id"], target: $0["target"], attempt: $0["attempts"]) }
        }
    }

    public func extend(_ claim: AuditClaim, worker: String, lease: Int) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: "UPDATE audit_work SET lease_until = ? WHERE id = ? AND lease_owner = ? AND state = 'leased'",
                arguments: [Self.now + Double(lease), claim.item, worker])
            return db.changesCount == 1
        }
    }

    public func remaining(run: Int64) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM audit_work WHERE run_id = ? AND state IN ('pending', 'leased')",
                arguments: [run]) ?? 0
        }
    }

    public func complete(_ claim: AuditClaim, run: Int64, worker: String, outcome: AuditOutcome) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE audit_work SET state = ?, message = ?, images = ?, findings = ?, layers = ?,
                        layers_cached = ?, finished_at = ?
                    WHERE id = ? AND lease_owner = ? AND state = 'leased'
                    """,
                arguments: [
                    outcome.state, outcome.failure, outcome.images.count, outcome.findings, outcome.layers,
                    outcome.layersFromCache, Self.now, claim.item, worker,
                ])
            guard db.changesCount == 1 else { return false }
            let upsert = try db.makeStatement(
                sql: """
                    INSERT INTO audit_sightings
                        (image, fingerprint, rule, severity, redacted, place, first_run, last_run, fixed_run)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
                    ON CONFLICT (image, fingerprint) DO UPDATE SET last_run = excluded.last_run, fixed_run = NULL,
                        severity = excluded.severity, place = excluded.place
                    """)
            for image in outcome.images {
                for sighting in image.findings {
                    try upsert.execute(arguments: [
                        image.image, sighting.fingerprint, sighting.rule, sighting.severity, sighting.redacted,
                        sighting.place, run, run,
                    ])
                }
                // Absent from a complete scan of the image: fixed in this run.
                if image.complete {
                    try db.execute(
                        sql: """
                            UPDATE audit_sightings SET fixed_run = ?
                            WHERE image = ? AND last_run < ? AND fixed_run IS NULL
                            """, arguments: [run, image.image, run])
                }
            }
            return true
        }
    }

    public func finish(run: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE audit_runs SET finished_at = ? WHERE id = ? AND finished_at IS NULL
                        AND NOT EXISTS (
                            SELECT 1 FROM audit_work WHERE run_id = ? AND state IN ('pending', 'leased'))
                    """, arguments: [Self.now, run, run])
            return db.changesCount == 1
        }
    }

    public func run(named name: String?) async throws -> AuditRun? {
        try await read { db in
            let row =
                if let name {
                    try Row.fetchOne(db, sql: "SELECT id, name FROM audit_runs WHERE name = ?", arguments: [name])
                } else {
                    try Row.fetchOne(db, sql: "SELECT id, name FROM audit_runs ORDER BY id DESC LIMIT 1")
                }
            return row.map { AuditRun(id: $0["id"], name: $0["name"]) }
        }
    }

    public func run(before date: Date) async throws -> AuditRun? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT id, name FROM audit_runs WHERE started_at < ? ORDER BY id DESC LIMIT 1",
                arguments: [date.timeIntervalSince1970]
            ).map { AuditRun(id: $0["id"], name: $0["name"]) }
        }
    }

    public func report(run: AuditRun, since: AuditRun?) async throws -> AuditReport {
        try await read { db in
            let since =
                try since
                ?? Row.fetchOne(
                    db, sql: "SELECT id, name FROM audit_runs WHERE id < ? ORDER BY id DESC LIMIT 1",
                    arguments: [run.id]
                ).map { AuditRun(id: $0["id"], name: $0["name"]) }
            let baseline = since?.id ?? 0
            let sightings = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit_sightings WHERE last_run = ? OR (fixed_run > ? AND fixed_run <= ?)
                    ORDER BY image, rule, fingerprint
                    """, arguments: [run.id, baseline, run.id]
            ).map { row in
                StoredSighting(
                    image: row["image"],
                    sighting: AuditSighting(
                        fingerprint: row["fingerprint"], rule: row["rule"], severity: row["severity"],
                        redacted: row["redacted"], place: row["place"]),
                    firstRun: row["first_run"], lastRun: row["last_run"], fixedRun: row["fixed_run"])
            }
            let items = try Row.fetchAll(
                db, sql: "SELECT * FROM audit_work WHERE run_id = ? ORDER BY id", arguments: [run.id]
            ).map { row in
                AuditReport.Item(
                    target: row["target"], state: row["state"], message: row["message"], images: row["images"] ?? 0,
                    findings: row["findings"] ?? 0, layers: row["layers"] ?? 0,
                    layersFromCache: row["layers_cached"] ?? 0, attempts: row["attempts"])
            }
            return AuditReport(run: run, since: since, sightings: sightings, items: items)
        }
    }
}

/// The shared layer store's rows in the SQLite file. A failed statement reads as "not stored" or
/// "not claimed": the layer is then walked, never skipped.
struct SQLiteLayerRows: LayerRows {
    let pool: DatabasePool
    /// Names this process's claims, so a release never drops another process's.
    let owner = "\(getpid())-\(UUID().uuidString.prefix(8))"

    func entries(_ names: [String]) -> [String: [UInt8]] {
        let rows =
            try? pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT name, bytes FROM audit_layer_entries WHERE name IN (SELECT value FROM json_each(?))",
                    arguments: [String(decoding: try JSONEncoder().encode(names), as: UTF8.self)])
            }
        return (rows ?? []).reduce(into: [:]) { found, row in
            let bytes: Data = row["bytes"]
            found[row["name"]] = [UInt8](bytes)
        }
    }

    func put(_ bytes: [UInt8], name: String) {
        try? pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO audit_layer_entries (name, bytes, written_at) VALUES (?, ?, ?)",
                arguments: [name, Data(bytes), SQLiteAuditStore.now])
        }
    }

    func claim(_ name: String, seconds: Int) -> Bool {
        let taken = try? pool.write { db in
            let now = SQLiteAuditStore.now
            try db.execute(
                sql: """
                    INSERT INTO audit_layer_claims (name, owner, until) VALUES (?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
                    WHERE audit_layer_claims.until < ?
                    """, arguments: [name, owner, now + Double(seconds), now])
            return db.changesCount == 1
        }
        return taken ?? false
    }

    func release(_ name: String) {
        try? pool.write { db in
            try db.execute(
                sql: "DELETE FROM audit_layer_claims WHERE name = ? AND owner = ?", arguments: [name, owner])
        }
    }
}

/// The versioned SQLite schema, the same tables as `PostgresSchema` in SQLite's types (times are
/// seconds since 1970); applied in one IMMEDIATE transaction, so concurrent first runs migrate once.
enum SQLiteSchema {
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE audit_runs (
                id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, items INTEGER NOT NULL,
                started_at REAL NOT NULL, finished_at REAL)
            """,
            """
            CREATE TABLE audit_work (
                id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES audit_runs(id), target TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending', lease_owner TEXT, lease_until REAL,
                attempts INTEGER NOT NULL DEFAULT 0, message TEXT, images INTEGER, findings INTEGER,
                layers INTEGER, layers_cached INTEGER, finished_at REAL, UNIQUE (run_id, target))
            """,
            "CREATE INDEX audit_work_claimable ON audit_work (run_id, state, id)",
            """
            CREATE TABLE audit_sightings (
                image TEXT NOT NULL, fingerprint TEXT NOT NULL, rule TEXT NOT NULL, severity TEXT NOT NULL,
                redacted TEXT NOT NULL, place TEXT NOT NULL, first_run INTEGER NOT NULL, last_run INTEGER NOT NULL,
                fixed_run INTEGER, PRIMARY KEY (image, fingerprint))
            """,
        ],
        [
            "CREATE TABLE audit_layer_entries (name TEXT PRIMARY KEY, bytes BLOB NOT NULL, written_at REAL NOT NULL)",
            "CREATE TABLE audit_layer_claims (name TEXT PRIMARY KEY, owner TEXT NOT NULL, until REAL NOT NULL)",
        ],
    ]

    static func version(_ db: Database) throws -> Int {
        guard try db.tableExists("customs_schema") else { return 0 }
        return try Int.fetchOne(db, sql: "SELECT coalesce(max(version), 0) FROM customs_schema") ?? 0
    }

    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: "CREATE TABLE IF NOT EXISTS customs_schema (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)")
        let current = try version(db)
        guard current <= migrations.count else {
            throw AuditError(
                "the store's schema is version \(current), newer than this customs knows (\(migrations.count)): "
                    + "upgrade customs")
        }
        for (index, statements) in migrations.enumerated() where index + 1 > current {
            for statement in statements { try db.execute(sql: statement) }
            try db.execute(
                sql: "INSERT INTO customs_schema (version, applied_at) VALUES (?, ?)",
                arguments: [index + 1, SQLiteAuditStore.now])
        }
    }
}
