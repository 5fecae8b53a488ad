import CustomsScan
import Foundation

/// One live line on standard error while a scan runs: layers done, bytes read, throughput and,
/// when the input size is known, an ETA. Used only on a terminal and without --quiet.
final class ProgressDisplay: @unchecked Sendable {
    let progress = ScanProgress()
    private let lock = NSLock()
    private var running = false
    private var thread: Thread?

    func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                render(progress.snapshot())
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.withLock { running = false }
        while thread?.isFinished == false { Thread.sleep(forTimeInterval: 0.01) }
        FileHandle.standardError.write(Data("\r\u{1b}[2K".utf8))
    }

    private func render(_ snapshot: ScanProgress.Snapshot) {
        FileHandle.standardError.write(Data(("\r\u{1b}[2K" + Self.line(snapshot)).utf8))
    }

    /// The progress line for a snapshot (no escape codes).
    static func line(_ snapshot: ScanProgress.Snapshot) -> String {
        let megabytes = Double(snapshot.bytesRead) / 1_000_000
        let rate = snapshot.elapsed > 0 ? megabytes / snapshot.elapsed : 0
        var line = "customs: \(snapshot.layersDone)" + (snapshot.layersTotal.map { "/\($0)" } ?? "") + " layers"
        line += String(format: " · %.0f MB", megabytes)
        if let total = snapshot.totalBytes, total > 0 { line += String(format: " of %.0f MB", Double(total) / 1_000_000) }
        line += String(format: " · %.0f MB/s", rate)
        if let total = snapshot.totalBytes, rate > 0, snapshot.bytesRead > 0 {
            let remaining = max(0, Double(total - snapshot.bytesRead) / 1_000_000 / rate)
            line += String(format: " · ETA %.0f s", remaining)
        }
        return line
    }
}
