import CustomsCore

/// Groups sightings into findings: one per (rule, secret), with every distinct location (the
/// first `Finding.maxLocations` listed, the rest counted), ordered by severity (worst first),
/// then rule, then first location. Linear in the number of sightings.
enum FindingGrouper {
    fileprivate struct Group {
        var finding: Finding
        var seen: Set<FindingLocation> = []
    }

    static func group(_ occurrences: [Occurrence], key: FingerprintKey) -> [Finding] {
        var order: [String] = []
        var groups: [String: Group] = [:]
        for occurrence in occurrences {
            let fingerprint = occurrence.secret.fingerprint(rule: occurrence.rule.id, key: key)
            if groups[fingerprint] == nil {
                order.append(fingerprint)
                groups[fingerprint] = Group(
                    finding: Finding(
                        rule: occurrence.rule, secret: occurrence.secret, fingerprint: fingerprint, locations: []))
            }
            groups[fingerprint]!.add(occurrence)
        }
        return order.compactMap { groups[$0]?.finding }.enumerated().sorted { lhs, rhs in
            if lhs.element.rule.severity != rhs.element.rule.severity {
                return lhs.element.rule.severity > rhs.element.rule.severity
            }
            if lhs.element.rule.id != rhs.element.rule.id { return lhs.element.rule.id < rhs.element.rule.id }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}

extension FindingGrouper.Group {
    mutating func add(_ occurrence: Occurrence) {
        if seen.insert(occurrence.location).inserted {
            if finding.locations.count < Finding.maxLocations {
                finding.locations.append(occurrence.location)
            } else {
                finding.omittedLocations += 1
            }
        }
        // A validator may rate one sighting higher than another: keep the best.
        if occurrence.rule.confidence > finding.rule.confidence {
            finding.rule.confidence = occurrence.rule.confidence
        }
    }
}
