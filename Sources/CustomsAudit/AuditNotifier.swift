import AsyncHTTPClient
import CustomsCore
import Foundation
import NIOCore
import NIOHTTP1

/// Tells a chat channel what a finished run found: a Slack-compatible incoming-webhook message
/// (`{"text": …}`, which Mattermost, Rocket.Chat and Teams' Slack-compatible hooks also take) with
/// the counts and the new findings, redacted. Retried with backoff; a failure is reported back as
/// a warning and never fails the run.
public struct AuditNotifier: Sendable {
    public let url: String
    var attempts = 3
    var timeout: TimeAmount = .seconds(4)
    /// New findings listed by name; the rest are counted.
    static let listed = 20

    public init(url: String) { self.url = url }

    /// The message's text.
    static func text(_ report: AuditReport) -> String {
        let failed = report.items.filter { $0.state == "failed" }.count
        var text =
            "customs audit \(report.run): \(report.items.count) items (\(failed) failed); "
            + "\(report.new.count) new, \(report.fixed.count) fixed, \(report.present.count) still present"
        for entry in report.new.prefix(listed) {
            let sighting = entry.sighting
            text += "\n• \(sighting.severity.uppercased()) \(sighting.rule) \(sighting.redacted) in \(entry.image)"
        }
        if report.new.count > listed { text += "\n… and \(report.new.count - listed) more new" }
        return text
    }

    /// Posts the message. - Returns: nil when delivered, else why not (for a warning).
    public func send(_ report: AuditReport) async -> String? {
        guard let body = try? JSONEncoder().encode(["text": Self.text(report)]) else { return "cannot encode" }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "customs/\(CustomsVersion.current)")
        request.body = .bytes(ByteBuffer(bytes: body))
        var problem = ""
        for attempt in 0..<attempts {
            if attempt > 0 { try? await Task.sleep(for: .seconds(1 << (attempt - 1))) }
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: timeout)
                if (200..<300).contains(response.status.code) { return nil }
                problem = "it answered \(response.status.code)"
                // A client error will not change by retrying.
                if (400..<500).contains(response.status.code) && response.status.code != 429 { break }
            } catch {
                problem = "\(error)"
            }
        }
        return "the --notify webhook was not told about the run (\(problem.prefix(200)))"
    }
}
