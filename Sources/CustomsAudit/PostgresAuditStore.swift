import CustomsCache
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The audit's store in PostgreSQL, for workers on many machines: items are taken with
/// `SELECT … FOR UPDATE SKIP LOCKED` under leases the server's clock times, and migrations run one
/// at a time under an advisory lock however many workers start together (`PostgresSchema`).
public final class PostgresAuditStore: AuditStore {
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger = Logger(label: "customs.audit")
    public let layerRows: any LayerRows
    private let counter = RoundTrips()
    public var roundTrips: Int { counter.count }

    /// Connects and migrates the schema, within `timeout` seconds (the client would otherwise
    /// retry an unreachable server for a minute before saying so). At most two connections per
    /// worker (its lease renewal beside its scan's layer lookups), so a fleet of pods stays within
    /// the server's `max_connections`.
    public static func open(_ url: PostgresStoreURL, workers: Int = 1, timeout: Int = 15) async throws
        -> PostgresAuditStore
    {
        var configuration = url.configuration
        configuration.options.maximumConnections = 2 * workers
        let store = PostgresAuditStore(client: PostgresClient(configuration: configuration))
        let first = FirstResult()
        do {
            try await withCheckedThrowingContinuation { continuation in
                first.set(continuation)
                Task {
                    do {
                        try await store.migrate()
                        first.finish(.success(()))
                    } catch {
                        first.finish(.failure(error))
                    }
                }
                Task {
                    try? await Task.sleep(for: .seconds(timeout))
                    let message = "no answer within \(timeout) s (is the server running, and is the address right?)"
                    first.finish(.failure(AuditError(message)))
                }
            }
        } catch {
            store.close()
            throw AuditError("cannot use the store \(url): \(Self.describe(error))")
        }
        return store
    }

    /// Resumes a continuation with whichever result comes first.
    private final class FirstResult: Sendable {
        private let pending = Mutex<CheckedContinuation<Void, any Error>?>(nil)
        func set(_ continuation: CheckedContinuation<Void, any Error>) { pending.withLock { $0 = continuation } }
        func finish(_ result: Result<Void, any Error>) {
            pending.withLock { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
    }

    private init(client: PostgresClient) {
        self.client = client
        runner = Task { await client.run() }
        layerRows = PostgresLayerRows(client: client, logger: logger, counter: counter)
    }

    /// One query, counted.
    private func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        counter.add()
        return try await client.query(query, logger: logger)
    }

    /// A transaction whose queries are counted (with its BEGIN and COMMIT).
    private func transaction<T: Sendable>(_ body: (CountedConnection) async throws -> T) async throws -> T {
        counter.add(2)
        return try await client.withTransaction(logger: logger) { connection in
            try await body(CountedConnection(connection: connection, counter: counter))
        }
    }

    /// A connection in a transaction, counting what it sends.
    private struct CountedConnection {
        let connection: PostgresConnection
        let counter: RoundTrips
        @discardableResult
        func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
            counter.add()
            return try await connection.query(query, logger: logger)
        }
    }

    /// Ends the connections.
    public func close() { runner.cancel() }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            return error.serverInfo?[.message].map { "PostgreSQL says: \($0)" } ?? "\(error.code)"
        }
        if let error = error as? AuditError { return error.description }
        return "cannot connect (is the server running, and are the address and user right?)"
    }

    private func migrate() async throws {
        try await transaction { connection in
            // One migrator at a time, however many workers start together.
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS customs_schema (
                    version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """,
                logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM customs_schema", logger: logger
            ).decode(Int.self) {
                current = version
            }
            guard current <= PostgresSchema.migrations.count else {
                throw AuditError(
                    "the store's schema is version \(current), newer than this customs knows "
                        + "(\(PostgresSchema.migrations.count)): upgrade customs")
            }
            for (index, statements) in PostgresSchema.migrations.enumerated() where index + 1 > current {
                for statement in statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO customs_schema (version) VALUES (\(index + 1))", logger: logger)
            }
        }
    }

    public func schemaVersion() async throws -> Int {
        var version = 0
        for try await value in try await query("SELECT max(version) FROM customs_schema", logger: logger)
            .decode(Int.self)
        {
            version = value
        }
        return version
    }

    // MARK: Runs and work

    public func startRun(_ name: String, targets: [String]) async throws -> Int64 {
        try await transaction { connection in
            var id: Int64?
            for try await value in try await connection.query(
                """
                INSERT INTO audit_runs (name, items) VALUES (\(name), \(targets.count))
                ON CONFLICT (name) DO NOTHING RETURNING id
                """, logger: logger
            ).decode(Int64.self) {
                id = value
            }
            if let id {
                for target in targets {
                    try await connection.query(
                        "INSERT INTO audit_work (run_id, target) VALUES (\(id), \(target))", logger: logger)
                }
                return id
            }
            for try await value in try await connection.query(
                "SELECT id FROM audit_runs WHERE name = \(name)", logger: logger
            ).decode(Int64.self) {
                return value
            }
            throw AuditError("the run \(name) vanished while joining it")
        }
    }

    public func claim(run: Int64, worker: String, lease: Int) async throws -> AuditClaim? {
        let rows = try await query(
            """
            UPDATE audit_work SET state = 'leased', lease_owner = \(worker),
                lease_until = now() + make_interval(secs => \(lease)), attempts = attempts + 1
            WHERE id = (
                SELECT id FROM audit_work
                WHERE run_id = \(run) AND (state = 'pending' OR (state = 'leased' AND lease_until < now()))
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, target, attempts
            """, logger: logger)
        for try await (item, target, attempt) in rows.decode((Int64, String, Int).self) {
            return AuditClaim(item: item, target: target, attempt: attempt)
        }
        return nil
    }

    public func extend(_ claim: AuditClaim, worker: String, lease: Int) async throws -> Bool {
        let rows = try await query(
            """
            UPDATE audit_work SET lease_until = now() + make_interval(secs => \(lease))
            WHERE id = \(claim.item) AND lease_owner = \(worker) AND state = 'leased' RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    public func remaining(run: Int64) async throws -> Int {
        for try await count in try await query(
            "SELECT count(*) FROM audit_work WHERE run_id = \(run) AND state IN ('pending', 'leased')", logger: logger
        ).decode(Int.self) {
            return count
        }
        return 0
    }

    public func complete(_ claim: AuditClaim, run: Int64, worker: String, outcome: AuditOutcome) async throws -> Bool {
        try await transaction { connection in
            var owned = false
            for try await _ in try await connection.query(
                """
                UPDATE audit_work SET state = \(outcome.state), message = \(outcome.failure),
                    images = \(outcome.images.count), findings = \(outcome.findings), layers = \(outcome.layers),
                    layers_cached = \(outcome.layersFromCache), finished_at = now()
                WHERE id = \(claim.item) AND lease_owner = \(worker) AND state = 'leased' RETURNING id
                """, logger: logger
            ).decode(Int64.self) {
                owned = true
            }
            guard owned else { return false }
            for image in outcome.images {
                for sighting in image.findings {
                    try await connection.query(
                        """
                        INSERT INTO audit_sightings
                            (image, fingerprint, rule, severity, redacted, place, first_run, last_run, fixed_run)
                        VALUES (\(image.image), \(sighting.fingerprint), \(sighting.rule), \(sighting.severity),
                            \(sighting.redacted), \(sighting.place), \(run), \(run), NULL)
                        ON CONFLICT (image, fingerprint) DO UPDATE SET last_run = \(run), fixed_run = NULL,
                            severity = excluded.severity, place = excluded.place
                        """, logger: logger)
                }
                // Absent from a complete scan of the image: fixed in this run.
                if image.complete {
                    try await connection.query(
                        """
                        UPDATE audit_sightings SET fixed_run = \(run)
                        WHERE image = \(image.image) AND last_run < \(run) AND fixed_run IS NULL
                        """, logger: logger)
                }
            }
            return true
        }
    }

    public func finish(run: Int64) async throws -> Bool {
        let rows = try await query(
            """
            UPDATE audit_runs SET finished_at = now() WHERE id = \(run) AND finished_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM audit_work WHERE run_id = \(run) AND state IN ('pending', 'leased'))
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(Int64.self) { return true }
        return false
    }

    // MARK: Reports

    public func run(named name: String?) async throws -> AuditRun? {
        let rows =
            if let name {
                try await query("SELECT id, name FROM audit_runs WHERE name = \(name)", logger: logger)
            } else {
                try await query("SELECT id, name FROM audit_runs ORDER BY id DESC LIMIT 1", logger: logger)
            }
        for try await (id, name) in rows.decode((Int64, String).self) { return AuditRun(id: id, name: name) }
        return nil
    }

    public func run(before date: Date) async throws -> AuditRun? {
        for try await (id, name) in try await query(
            "SELECT id, name FROM audit_runs WHERE started_at < \(date) ORDER BY id DESC LIMIT 1", logger: logger
        ).decode((Int64, String).self) {
            return AuditRun(id: id, name: name)
        }
        return nil
    }

    public func report(run: AuditRun, since: AuditRun?) async throws -> AuditReport {
        var since = since
        if since == nil {
            for try await (id, name) in try await query(
                "SELECT id, name FROM audit_runs WHERE id < \(run.id) ORDER BY id DESC LIMIT 1", logger: logger
            ).decode((Int64, String).self) {
                since = AuditRun(id: id, name: name)
            }
        }
        let baseline = since?.id ?? 0
        var sightings: [StoredSighting] = []
        for try await (image, fingerprint, rule, severity, redacted, place, first, last, fixed)
            in try await query(
                """
                SELECT image, fingerprint, rule, severity, redacted, place, first_run, last_run, fixed_run
                FROM audit_sightings WHERE last_run = \(run.id) OR (fixed_run > \(baseline) AND fixed_run <= \(run.id))
                ORDER BY image, rule, fingerprint
                """, logger: logger
            ).decode((String, String, String, String, String, String, Int64, Int64, Int64?).self)
        {
            let sighting = AuditSighting(
                fingerprint: fingerprint, rule: rule, severity: severity, redacted: redacted, place: place)
            sightings.append(
                StoredSighting(image: image, sighting: sighting, firstRun: first, lastRun: last, fixedRun: fixed))
        }
        var items: [AuditReport.Item] = []
        for try await (target, state, message, images, findings, layers, cached, attempts) in try await query(
            """
            SELECT target, state, message, images, findings, layers, layers_cached, attempts
            FROM audit_work WHERE run_id = \(run.id) ORDER BY id
            """, logger: logger
        ).decode((String, String, String?, Int?, Int?, Int?, Int?, Int).self) {
            items.append(
                AuditReport.Item(
                    target: target, state: state, message: message, images: images ?? 0, findings: findings ?? 0,
                    layers: layers ?? 0, layersFromCache: cached ?? 0, attempts: attempts))
        }
        return AuditReport(run: run, since: since, sightings: sightings, items: items)
    }
}

/// The versioned PostgreSQL schema; each entry is one migration's statements, applied once, in order.
enum PostgresSchema {
    /// `pg_advisory_xact_lock` key that serializes migrations.
    static let lockKey: Int64 = 0x6375_7374_6f6d_73
    static let migrations: [[String]] = [
        [
            """
            CREATE TABLE audit_runs (
                id bigserial PRIMARY KEY, name text NOT NULL UNIQUE, items integer NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz)
            """,
            """
            CREATE TABLE audit_work (
                id bigserial PRIMARY KEY, run_id bigint NOT NULL REFERENCES audit_runs(id), target text NOT NULL,
                state text NOT NULL DEFAULT 'pending', lease_owner text, lease_until timestamptz,
                attempts integer NOT NULL DEFAULT 0, message text, images integer, findings integer,
                layers integer, layers_cached integer, finished_at timestamptz, UNIQUE (run_id, target))
            """,
            "CREATE INDEX audit_work_claimable ON audit_work (run_id, state, id)",
            """
            CREATE TABLE audit_sightings (
                image text NOT NULL, fingerprint text NOT NULL, rule text NOT NULL, severity text NOT NULL,
                redacted text NOT NULL, place text NOT NULL, first_run bigint NOT NULL, last_run bigint NOT NULL,
                fixed_run bigint, PRIMARY KEY (image, fingerprint))
            """,
        ],
        [
            // The shared layer store: sealed entries by name, and claims that expire.
            """
            CREATE TABLE audit_layer_entries (
                name text PRIMARY KEY, bytes bytea NOT NULL, written_at timestamptz NOT NULL DEFAULT now())
            """,
            "CREATE TABLE audit_layer_claims (name text PRIMARY KEY, owner text NOT NULL, until timestamptz NOT NULL)",
        ],
    ]
}
