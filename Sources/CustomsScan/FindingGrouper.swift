import CustomsCore

/// Groups sightings into findings: one per (rule, secret), with every location, ordered by
/// severity (worst first), then rule, then first location.
enum FindingGrouper {
    static func group(_ occurrences: [Occurrence]) -> [Finding] {
        var order: [String] = []
        var findings: [String: Finding] = [:]
        for occurrence in occurrences {
            let key = occurrence.secret.fingerprint(rule: occurrence.rule.id)
            if findings[key] == nil {
                order.append(key)
                findings[key] = Finding(rule: occurrence.rule, secret: occurrence.secret, locations: [])
            }
            if !findings[key]!.locations.contains(occurrence.location) {
                findings[key]!.locations.append(occurrence.location)
            }
            // A validator may rate one sighting higher than another: keep the best.
            if occurrence.rule.confidence > findings[key]!.rule.confidence {
                findings[key]!.rule.confidence = occurrence.rule.confidence
            }
        }
        return order.compactMap { findings[$0] }.enumerated().sorted { lhs, rhs in
            if lhs.element.rule.severity != rhs.element.rule.severity {
                return lhs.element.rule.severity > rhs.element.rule.severity
            }
            if lhs.element.rule.id != rhs.element.rule.id { return lhs.element.rule.id < rhs.element.rule.id }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
