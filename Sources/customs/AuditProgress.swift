import CustomsAudit
import CustomsCore
import Foundation
import Synchronization

/// The audit's progress on standard error: images done of the whole run (by all workers, as the
/// store counts them), rate, layer-cache hit rate and time left. On a terminal one line redrawn in
/// place; elsewhere (a pod's log) one line per item. Silent with `--quiet` on a terminal.
final class AuditProgress: Sendable {
    private struct State {
        var items = 0
        var layers = 0
        var cached = 0
    }
    private let state = Mutex(State())
    private let store: any AuditStore
    private let run: Int64
    private let total: Int
    private let started = Date()
    /// Redraw one line (a terminal) rather than print one per item.
    private let redraw: Bool
    private let silent: Bool

    init(store: any AuditStore, run: Int64, total: Int, interactive: Bool) {
        self.store = store
        self.run = run
        self.total = total
        let terminal = isatty(STDERR_FILENO) != 0
        redraw = terminal
        silent = terminal && !interactive
    }

    func finished(_ outcome: AuditOutcome, recorded: Bool, target: String) async {
        let remaining = (try? await store.remaining(run: run)) ?? 0
        let (layers, cached) = state.withLock { state in
            state.items += 1
            state.layers += outcome.layers
            state.cached += outcome.layersFromCache
            return (state.layers, state.cached)
        }
        guard !silent else { return }
        let status = !recorded ? "lease lost, not recorded" : outcome.failure == nil ? "done" : "failed"
        let line = Self.line(
            done: max(0, total - remaining), total: total, elapsed: Date().timeIntervalSince(started),
            layers: layers, cached: cached)
        if redraw {
            FileHandle.standardError.write(Data(("\r\u{1b}[2K" + "customs: " + line).utf8))
        } else {
            Console.note("\(line) (\(target): \(status))")
        }
    }

    /// Items this process finished.
    var items: Int { state.withLock { $0.items } }

    /// Ends the redrawn line.
    func stop() {
        if redraw && !silent { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `audit: 12/50 items, 6.0/min, layer cache 80%, about 380 s left`: `done` of `total` by every
    /// worker of the run since this process started; the cache hit rate of this process's layers.
    static func line(done: Int, total: Int, elapsed: TimeInterval, layers: Int, cached: Int) -> String {
        let rate = Double(done) / max(0.001, elapsed)
        let hits = layers == 0 ? 0 : 100 * cached / layers
        let left = Double(max(0, total - done)) / max(rate, 0.0001)
        return String(
            format: "audit: %d/%d items, %.1f/min, layer cache %d%%, about %.0f s left", done, total, rate * 60, hits,
            left)
    }
}
