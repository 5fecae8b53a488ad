import CustomsCache
import Dispatch
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The shared layer store's rows in PostgreSQL. The layer cache asks from a scan's own thread (the
/// scan is synchronous), so each call waits there for its query; it never runs on Swift's
/// cooperative threads. A failed query reads as "not stored" or "not claimed": the layer is then
/// walked, never skipped.
struct PostgresLayerRows: LayerRows {
    let client: PostgresClient
    let logger: Logger
    let counter: RoundTrips
    /// Names this process's claims, so a release never drops another process's.
    let owner = "\(ProcessInfo.processInfo.hostName)-\(getpid())-\(UUID().uuidString.prefix(8))"

    func entries(_ names: [String]) -> [String: [UInt8]] {
        blocking { [client, logger] in
            var found: [String: [UInt8]] = [:]
            for try await (name, bytes) in try await client.query(
                "SELECT name, bytes FROM audit_layer_entries WHERE name = ANY(\(names))", logger: logger
            ).decode((String, ByteBuffer).self) {
                found[name] = Array(buffer: bytes)
            }
            return found
        } ?? [:]
    }

    func put(_ bytes: [UInt8], name: String) {
        _ = blocking { [client, logger] in
            try await client.query(
                """
                INSERT INTO audit_layer_entries (name, bytes) VALUES (\(name), \(ByteBuffer(bytes: bytes)))
                ON CONFLICT (name) DO UPDATE SET bytes = excluded.bytes, written_at = now()
                """, logger: logger)
        }
    }

    func claim(_ name: String, seconds: Int) -> Bool {
        blocking { [client, logger, owner] in
            let rows = try await client.query(
                """
                INSERT INTO audit_layer_claims (name, owner, until)
                VALUES (\(name), \(owner), now() + make_interval(secs => \(seconds)))
                ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
                WHERE audit_layer_claims.until < now()
                RETURNING name
                """, logger: logger)
            for try await _ in rows.decode(String.self) { return true }
            return false
        } ?? false
    }

    func release(_ name: String) {
        _ = blocking { [client, logger, owner] in
            try await client.query(
                "DELETE FROM audit_layer_claims WHERE name = \(name) AND owner = \(owner)", logger: logger)
        }
    }

    /// Runs `query` and waits for it on this (non-cooperative) thread: its result, or nil when it failed.
    private func blocking<T: Sendable>(_ query: @escaping @Sendable () async throws -> T) -> T? {
        counter.add()
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<T?>(nil)
        Task {
            let value = try? await query()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }
}
