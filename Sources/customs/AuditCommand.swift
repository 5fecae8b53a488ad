import ArgumentParser
import CustomsAudit
import CustomsCore
import CustomsModel
import CustomsScan
import Dispatch
import Foundation
import Synchronization

/// `customs audit run`, `report` and `migrate`: the scheduled audit of many images by many
/// workers, coordinated through a shared store (PostgreSQL, or the embedded SQLite file), with
/// findings tracked over time.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit many images with many workers through a shared store; report what is new and fixed.",
        subcommands: [AuditRunCommand.self, AuditReportCommand.self, Migrate.self]
    )

    /// Runs async store code from the synchronous command (the CLI's main thread waits).
    static func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = Mutex<Result<T, any Error>?>(nil)
        Task {
            let result: Result<T, any Error>
            do {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            box.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try box.withLock { $0! }.get()
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or upgrade the store's schema (run and report do it too; a deployment may do it first).")

        @Option(name: .long, help: ArgumentHelp(AuditStoreLocation.help, valueName: "url"))
        var store: String?

        func run() throws {
            let location = try AuditStoreLocation(store)
            let version = try AuditCommand.wait {
                let store = try await openAuditStore(location)
                defer { store.close() }
                return try await store.schemaVersion()
            }
            print("store \(location): schema version \(version)")
        }
    }
}
