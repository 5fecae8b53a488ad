import CustomsCore
import CustomsScan
import Foundation

/// One live line on standard error while a scan runs: layers done, bytes read, throughput and,
/// when the input size is known, an ETA. Used only on a terminal and without --quiet.
final class ProgressDisplay: Sendable {
    let progress = ScanProgress()
    /// Whether the drawing thread should stop, and whether it has.
    private let state = Guarded((stopRequested: false, running: false))

    /// Starts redrawing the line every 0.2 s on its own thread, until `stop()`.
    func start() {
        state.withLock { $0.running = true }
        let thread = Thread { [progress, state] in
            var stopping = false
            repeat {
                Self.render(progress.snapshot())
                stopping = state.withLock(waitingUntil: { $0.stopRequested }, deadline: Date().addingTimeInterval(0.2))
                {
                    $0.stopRequested
                }
            } while !stopping
            state.withLock { $0.running = false }
        }
        thread.start()
    }

    /// Stops the drawing thread (if started), waits for it, and clears the line.
    func stop() {
        state.withLock { $0.stopRequested = true }
        state.withLock(waitingUntil: { !$0.running }) { _ in }
        FileHandle.standardError.write(Data("\r\u{1b}[2K".utf8))
    }

    private static func render(_ snapshot: ScanProgress.Snapshot) {
        FileHandle.standardError.write(Data(("\r\u{1b}[2K" + line(snapshot)).utf8))
    }

    /// The progress line for a snapshot (no escape codes).
    static func line(_ snapshot: ScanProgress.Snapshot) -> String {
        let megabytes = Double(snapshot.bytesRead) / 1_000_000
        let rate = snapshot.elapsed > 0 ? megabytes / snapshot.elapsed : 0
        var line = "customs: \(snapshot.layersDone)" + (snapshot.layersTotal.map { "/\($0)" } ?? "") + " layers"
        line += String(format: " · %.0f MB", megabytes)
        if let total = snapshot.totalBytes, total > 0 {
            line += String(format: " of %.0f MB", Double(total) / 1_000_000)
        }
        line += String(format: " · %.0f MB/s", rate)
        if let total = snapshot.totalBytes, rate > 0, snapshot.bytesRead > 0 {
            let remaining = max(0, Double(total - snapshot.bytesRead) / 1_000_000 / rate)
            line += String(format: " · ETA %.0f s", remaining)
        }
        return line
    }
}
