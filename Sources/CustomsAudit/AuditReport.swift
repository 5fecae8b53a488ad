import CustomsCore
import Foundation

/// What one audit run found compared with an earlier run (by default the one before it): findings
/// new since then, fixed since then (absent from a complete scan of an image that had them), and
/// still present; and how each work item went (scanned, failed and why, layers from the shared cache).
public struct AuditReport: Sendable, Encodable {
    public struct Entry: Sendable, Encodable {
        public var image: String
        public var sighting: AuditSighting

        /// The image's repository (`registry/team/app` of `registry/team/app:1.4 linux/amd64`).
        public var repository: String {
            var name = Substring(image.prefix { $0 != " " })
            if let at = name.firstIndex(of: "@") { name = name[..<at] }
            if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") { name = name[..<colon] }
            return String(name)
        }

        var severity: Severity { Severity(rawValue: sighting.severity) ?? .low }
    }
    public struct Item: Sendable, Encodable {
        public var target: String
        /// `done`, `failed`, `pending` or `leased`.
        public var state: String
        public var message: String?
        public var images: Int
        public var findings: Int
        public var layers: Int
        public var layersFromCache: Int
        public var attempts: Int
    }

    public var run: String
    /// The run compared with, when there is one.
    public var since: String?
    public var new: [Entry] = []
    public var fixed: [Entry] = []
    public var present: [Entry] = []
    public var items: [Item] = []

    /// Sorts `sightings` of `run` against the run `since` (nil: none, everything is new).
    init(run: AuditRun, since: AuditRun?, sightings: [StoredSighting], items: [Item]) {
        self.run = run.name
        self.since = since?.name
        self.items = items
        let baseline = since?.id ?? 0
        for stored in sightings {
            let entry = Entry(image: stored.image, sighting: stored.sighting)
            if let fixed = stored.fixedRun, fixed > baseline, fixed <= run.id {
                self.fixed.append(entry)
            } else if stored.lastRun == run.id {
                if stored.firstRun > baseline { new.append(entry) } else { present.append(entry) }
            }
        }
        // The worst first, then by image.
        let order = { (a: Entry, b: Entry) in (a.severity, b.image) > (b.severity, a.image) }
        new.sort(by: order)
        fixed.sort(by: order)
        present.sort(by: order)
    }

    /// True when a new finding is at or above `threshold` (`--fail-on-new`).
    public func hasNew(atLeast threshold: Severity) -> Bool {
        new.contains { (Severity(rawValue: $0.sighting.severity) ?? .low) >= threshold }
    }

    public func text() -> String {
        var out = "audit run \(run.escapedForTerminal)"
        out += since.map { " since \($0.escapedForTerminal)\n" } ?? "\n"
        for (title, entries) in [("new", new), ("fixed", fixed), ("still present", present)] {
            out += "\(title): \(entries.count)\n"
            for entry in entries {
                let sighting = entry.sighting
                out +=
                    "  \(sighting.severity.uppercased().padding(toLength: 8, withPad: " ", startingAt: 0)) "
                    + "\(sighting.rule.escapedForTerminal)  \(sighting.redacted.escapedForTerminal)  "
                    + "\(entry.image.escapedForTerminal)  \(sighting.place.escapedForTerminal)\n"
            }
        }
        let repositories = Set((new + fixed + present).map(\.repository)).sorted()
        if repositories.count > 1 {
            out += "by repository:\n"
            for repository in repositories {
                let count = { (entries: [Entry]) in entries.filter { $0.repository == repository }.count }
                out +=
                    "  \(repository.escapedForTerminal): \(count(new)) new, \(count(fixed)) fixed, "
                    + "\(count(present)) still present\n"
            }
        }
        let done = items.filter { $0.state == "done" }.count
        let failed = items.filter { $0.state == "failed" }
        let layers = items.reduce(0) { $0 + $1.layers }
        let cached = items.reduce(0) { $0 + $1.layersFromCache }
        out += "items: \(items.count), scanned \(done), failed \(failed.count)"
        if items.count > done + failed.count { out += ", unfinished \(items.count - done - failed.count)" }
        out += "; layers \(layers), \(cached) from the layer cache\n"
        for item in failed {
            out += "  failed: \(item.target.escapedForTerminal): \((item.message ?? "").escapedForTerminal)\n"
        }
        return out
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
