import CustomsCache
import Foundation
import Synchronization

/// The audit's shared state, whichever database holds it: the runs, their work items handed out
/// under leases that expire (so any number of workers take each item once, and an item whose
/// worker died is taken again), every finding over time (first seen, last seen, fixed) per image,
/// and the layer results all workers share. Holds fingerprints and redactions only, never a
/// secret. `PostgresAuditStore` serves many machines; `SQLiteAuditStore` is the embedded default
/// for one.
public protocol AuditStore: Sendable {
    /// The schema version now in the store.
    func schemaVersion() async throws -> Int
    /// Starts the run `name` with `targets`, or joins it when another worker started it: every
    /// worker of a run can be started the same way. - Returns: the run's id.
    func startRun(_ name: String, targets: [String]) async throws -> Int64
    /// Takes the next item of `run` nobody holds (or whose holder's lease ran out) for `lease` seconds.
    func claim(run: Int64, worker: String, lease: Int) async throws -> AuditClaim?
    /// Keeps a lease alive while its item is scanned. - Returns: false when the lease was lost.
    func extend(_ claim: AuditClaim, worker: String, lease: Int) async throws -> Bool
    /// Items of `run` not yet done or failed.
    func remaining(run: Int64) async throws -> Int
    /// Records a scanned item, in one transaction and only while the lease is still this worker's:
    /// a worker that lost its lease (it stalled, another took the item) records nothing, so no image
    /// is counted twice. - Returns: false when the lease was lost.
    func complete(_ claim: AuditClaim, run: Int64, worker: String, outcome: AuditOutcome) async throws -> Bool
    /// Marks the run finished once nothing is left. - Returns: true for the one call that did.
    func finish(run: Int64) async throws -> Bool
    /// The run named `name`, or the latest.
    func run(named name: String?) async throws -> AuditRun?
    /// The latest run started before `date`.
    func run(before date: Date) async throws -> AuditRun?
    /// What run `run` found new, fixed and still present compared with the run `since` (by default
    /// the one before it), and how each of its items went.
    func report(run: AuditRun, since: AuditRun?) async throws -> AuditReport
    /// Requests this process sent to the store (PostgreSQL: round trips; SQLite: transactions).
    var roundTrips: Int { get }
    /// The layer results and claims every worker shares, for a `SharedLayerStore`.
    var layerRows: any LayerRows { get }
    /// Ends the connections.
    func close()
}

/// Opens the store at `location`, creating or upgrading its schema, for `workers` workers.
public func openAuditStore(_ location: AuditStoreLocation, workers: Int = 1) async throws -> any AuditStore {
    switch location {
    case .postgres(let url): try await PostgresAuditStore.open(url, workers: workers)
    case .sqlite(let path): try SQLiteAuditStore(path: path)
    }
}

/// Counts the requests a store sends, for the audit's summary and its benchmark.
final class RoundTrips: Sendable {
    private let value = Atomic<Int>(0)
    func add(_ count: Int = 1) { value.add(count, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// One audit run, as `audit report` names it.
public struct AuditRun: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }
}

/// One work item under a lease.
public struct AuditClaim: Sendable {
    public var item: Int64
    public var target: String
    public var attempt: Int
}

/// What scanning one item found: per image, its findings (already redacted).
public struct AuditOutcome: Sendable {
    public var images: [AuditImageOutcome]
    /// Set when the item could not be scanned (whole or in part).
    public var failure: String?
    public init(images: [AuditImageOutcome], failure: String?) {
        self.images = images
        self.failure = failure
    }

    var state: String { failure == nil ? "done" : "failed" }
    var findings: Int { images.reduce(0) { $0 + $1.findings.count } }
    public var layers: Int { images.reduce(0) { $0 + $1.layers } }
    public var layersFromCache: Int { images.reduce(0) { $0 + $1.layersFromCache } }
}

/// One image of a scanned item.
public struct AuditImageOutcome: Sendable {
    /// The image's reference, with its platform when it has one.
    public var image: String
    /// False when part of it was not scanned: its absent findings then do not count as fixed.
    public var complete: Bool
    public var layers: Int
    public var layersFromCache: Int
    public var findings: [AuditSighting]
    public init(image: String, complete: Bool, layers: Int, layersFromCache: Int, findings: [AuditSighting]) {
        self.image = image
        self.complete = complete
        self.layers = layers
        self.layersFromCache = layersFromCache
        self.findings = findings
    }
}

/// A finding as the store keeps it: its fingerprint and a redaction, never the secret.
public struct AuditSighting: Sendable, Codable, Equatable {
    public var fingerprint: String
    public var rule: String
    public var severity: String
    public var redacted: String
    /// The first place it was seen (`layer 2 /app/.npmrc:1 visible`, `history[3] build-arg NPM_TOKEN`).
    public var place: String
    public init(fingerprint: String, rule: String, severity: String, redacted: String, place: String) {
        self.fingerprint = fingerprint
        self.rule = rule
        self.severity = severity
        self.redacted = redacted
        self.place = place
    }
}

/// A sighting as stored, with the runs that saw it first and last and the run that found it fixed.
struct StoredSighting {
    var image: String
    var sighting: AuditSighting
    var firstRun: Int64
    var lastRun: Int64
    var fixedRun: Int64?
}

/// Why the audit's store cannot be used or an audit cannot go on.
public struct AuditError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
