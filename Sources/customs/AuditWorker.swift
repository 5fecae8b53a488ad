import CustomsAudit
import CustomsCore
import CustomsModel
import CustomsScan
import Dispatch
import Foundation
import Synchronization

/// One audit worker: takes items of a run from the store, scans each (on a thread of its own, the
/// scan being synchronous), renews the lease while it does, and records the outcome; when nothing
/// is left to take it waits for items other workers hold, in case their leases run out.
struct AuditWorker: Sendable {
    let store: any AuditStore
    let run: Int64
    let name: String
    let lease: Int
    let options: ScanOptions
    let progress: AuditProgress

    /// A `Scan` handed to the thread that runs it. `@unchecked Sendable`: one worker owns it and
    /// runs one scan at a time, so it is never used from two threads at once.
    final class OwnedScan: @unchecked Sendable {
        let scan: Scan
        init(_ scan: Scan) { self.scan = scan }
    }

    func work() async throws {
        let scan = OwnedScan(try Scan(options: options))
        while true {
            guard let claim = try await store.claim(run: run, worker: name, lease: lease) else {
                if try await store.remaining(run: run) == 0 { return }
                try await Task.sleep(for: .seconds(1))
                continue
            }
            let renewal = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(max(1, lease / 3)))
                    if Task.isCancelled { break }
                    _ = try? await store.extend(claim, worker: name, lease: lease)
                }
            }
            let outcome = await Self.scan(claim.target, with: scan)
            renewal.cancel()
            let recorded = try await store.complete(claim, run: run, worker: name, outcome: outcome)
            await progress.finished(outcome, recorded: recorded, target: claim.target)
        }
    }

    static func scan(_ target: String, with owned: OwnedScan) async -> AuditOutcome {
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: owned.scan.run([target])) }
        }
        return outcome(result)
    }

    /// The store's view of a scan: per image its findings as fingerprints and redactions.
    static func outcome(_ result: ScanResult) -> AuditOutcome {
        let diagnostics = result.diagnostics.filter { $0.image != nil }
        let images = result.images.map { image in
            let findings = result.findings.compactMap { finding -> AuditSighting? in
                guard
                    let location = finding.locations.first(where: {
                        $0.image == image.name && $0.platform == image.platform
                    })
                else { return nil }
                return AuditSighting(
                    fingerprint: finding.fingerprint, rule: finding.rule.id.rawValue,
                    severity: finding.rule.severity.rawValue, redacted: finding.secret.redacted,
                    place: place(location))
            }
            return AuditImageOutcome(
                image: image.name + (image.platform.map { " \($0)" } ?? ""),
                complete: image.isComplete(given: diagnostics), layers: image.layers.count,
                layersFromCache: image.layers.filter(\.fromCache).count, findings: findings)
        }
        var failure = result.failedTargets.map(\.message).joined(separator: "; ")
        if failure.isEmpty, !result.isComplete { failure = "scanned incompletely: see a scan of it" }
        return AuditOutcome(images: images, failure: failure.isEmpty ? nil : failure)
    }

    static func place(_ location: FindingLocation) -> String {
        switch location.place {
        case .file(let file):
            return "layer \(file.layerIndex + 1) \(file.displayPath):\(file.line) \(file.visibility.kind)"
        case .metadata(let metadata): return metadata.field
        }
    }
}
