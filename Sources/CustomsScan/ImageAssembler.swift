import CustomsCore
import CustomsDetect
import CustomsImage
import CustomsModel
import CustomsProvenance
import CustomsWalker

/// One sighting of a secret, before sightings of the same secret are grouped into a finding.
struct Occurrence {
    var rule: RuleSummary
    var secret: Secret
    var location: FindingLocation
}

/// Joins an image plan with the records of its layers: verifies digests, resolves each
/// file's visibility through the overlay model, names each layer's instruction, and turns
/// matches into located occurrences.
enum ImageAssembler {
    struct Output {
        var summary: ImageSummary
        var occurrences: [Occurrence]
        var diagnostics: [ScanDiagnostic]
    }

    /// - Parameters:
    ///   - records: one per layer of `plan`, nil where the blob was missing or not read.
    ///   - metadata: matches in the plan's metadata fields.
    static func assemble(
        target: String, plan: ImagePlan, records: [LayerRecord?],
        metadata: [(field: MetadataField, match: ContentMatch)]
    ) -> Output {
        let instructions = plan.layerInstructions
        var diagnostics = plan.diagnostics.map { diagnostic -> ScanDiagnostic in
            var copy = diagnostic
            copy.image = copy.image ?? plan.name
            return copy
        }
        var layers: [LayerSummary] = []
        for layer in plan.layers {
            let record = records[layer.index]
            diagnostics += check(layer, record: record, image: plan.name)
            layers.append(
                LayerSummary(
                    index: layer.index, digest: layer.digest ?? record?.digest,
                    diffID: record?.diffID ?? layer.expectedDiffID, mediaType: layer.mediaType,
                    compression: record?.compression, compressedSize: record?.compressedSize ?? layer.size ?? 0,
                    uncompressedSize: record?.uncompressedSize ?? 0, createdBy: instructions[layer.index],
                    fileCount: record?.fileCount ?? 0,
                    complete: record?.isComplete ?? false, fromCache: record?.fromCache ?? false))
        }
        let summary = ImageSummary(
            target: target, name: plan.name, manifestDigest: plan.manifestDigest,
            configDigest: plan.configDigest, platform: plan.platform, layers: layers)
        let matches = records.indices.map { index in
            (records[index]?.matches ?? []) + hardlinkMatches(layer: index, records: records)
        }
        let resolver = ProvenanceResolver(
            layers: records.map { ($0?.changes ?? LayerChanges()).lazy.map(provenanceChange) },
            asking: matches.joined().map(\.path))
        var occurrences: [Occurrence] = []
        for (index, layerMatches) in matches.enumerated() {
            for fileMatch in layerMatches {
                let visibility = resolver.visibility(of: fileMatch.path, layer: index, entryIndex: fileMatch.entryIndex)
                let file = LayerFileLocation(
                    layerIndex: index, layerCount: plan.layers.count, layerDigest: layers[index].digest,
                    diffID: layers[index].diffID, createdBy: instructions[index], path: fileMatch.path,
                    nestedPath: fileMatch.nestedPath, line: fileMatch.match.line, column: fileMatch.match.column,
                    visibility: visibility,
                    changedBy: visibility.changingLayer.flatMap { instructions[$0] })
                occurrences.append(
                    Occurrence(
                        rule: fileMatch.match.rule, secret: fileMatch.match.secret,
                        location: location(plan, .file(file))))
            }
        }
        for (field, match) in metadata {
            let place = MetadataLocation(field: field.field, createdBy: field.createdBy)
            occurrences.append(
                Occurrence(rule: match.rule, secret: match.secret, location: location(plan, .metadata(place))))
        }
        return Output(summary: summary, occurrences: occurrences, diagnostics: diagnostics)
    }

    private static func location(_ plan: ImagePlan, _ place: FindingLocation.Place) -> FindingLocation {
        FindingLocation(image: plan.name, imageDigest: plan.manifestDigest, platform: plan.platform, place: place)
    }

    /// Coverage and integrity problems of one layer.
    private static func check(_ layer: LayerPlan, record: LayerRecord?, image: String) -> [ScanDiagnostic] {
        func diagnostic(_ code: ScanDiagnostic.Code, _ message: String, incomplete: Bool) -> ScanDiagnostic {
            ScanDiagnostic(
                code: code, message: "layer \(layer.index + 1): \(message)", image: image, layer: layer.index,
                blob: layer.digest, incomplete: incomplete)
        }
        if let reason = layer.unsupportedReason {
            return [diagnostic(.unsupportedMediaType, "unscanned: \(reason)", incomplete: true)]
        }
        guard let record else {
            return [
                diagnostic(
                    .missingBlob,
                    "blob \(layer.digest?.description ?? layer.blobPath) is not in the image; not scanned",
                    incomplete: true)
            ]
        }
        var found = record.diagnostics.map { item -> ScanDiagnostic in
            var copy = item
            copy.image = image
            copy.layer = layer.index
            copy.blob = layer.digest ?? record.digest
            copy.message = "layer \(layer.index + 1): \(item.message)"
            return copy
        }
        if let expected = layer.digest, let actual = record.digest, expected != actual {
            found.append(
                diagnostic(
                    .digestMismatch,
                    "blob bytes hash to \(actual), not the declared \(expected); findings from it are unverified",
                    incomplete: true))
        }
        if let expected = layer.size, record.digest != nil, expected != record.compressedSize {
            found.append(
                diagnostic(
                    .digestMismatch,
                    "blob is \(record.compressedSize) bytes, the manifest says \(expected)", incomplete: true))
        }
        if let expected = layer.expectedDiffID, let actual = record.diffID, expected != actual {
            found.append(
                diagnostic(
                    .diffIDMismatch,
                    "uncompressed layer hashes to \(actual), not the config's diff_id \(expected); findings from "
                        + "it are unverified",
                    incomplete: true))
        }
        if let declared = layer.mediaType?.declaredLayerCompression, record.digest != nil,
            declared != record.compression
        {
            found.append(
                diagnostic(
                    .mediaTypeMismatch,
                    "media type says \(declared) but the bytes are \(record.compression); read as "
                        + "\(record.compression)",
                    incomplete: false))
        }
        return found
    }

    private static func provenanceChange(_ change: LayerChanges.Change) -> ProvenanceChange {
        switch change {
        case .file(let path), .symlink(let path), .other(let path), .hardlink(name: let path, target: _):
            return .added(path, isDirectory: false)
        case .directory(let path): return .added(path, isDirectory: true)
        case .whiteout(let path): return .whiteout(path)
        case .opaque(let directory): return .opaque(directory: directory)
        }
    }

    /// Matches a hardlink exposes under its own name: those of its target in the same layer
    /// (an earlier entry), or else in the nearest lower layer that has the target. Linear in the
    /// layers' entries, and only the hardlinks' targets are indexed.
    static func hardlinkMatches(layer: Int, records: [LayerRecord?]) -> [FileMatch] {
        guard let record = records[layer], record.changes.hardlinkCount > 0 else { return [] }
        var targets: Set<ImagePath> = []
        for case .hardlink(_, let target) in record.changes { targets.insert(target) }
        var lastFileInLayer: [Int: [ImagePath: Int]] = [:]
        func lastFile(_ path: ImagePath, inLayer lower: Int) -> Int? {
            if lastFileInLayer[lower] == nil {
                var index: [ImagePath: Int] = [:]
                for (position, change) in (records[lower]?.changes ?? LayerChanges()).enumerated() {
                    if case .file(let file) = change, targets.contains(file) { index[file] = position }
                }
                lastFileInLayer[lower] = index
            }
            return lastFileInLayer[lower]?[path]
        }
        var matchesByEntry: [Int: [Int: [FileMatch]]] = [:]
        func matches(inLayer index: Int, entry: Int) -> [FileMatch] {
            if matchesByEntry[index] == nil {
                matchesByEntry[index] = Dictionary(grouping: records[index]?.matches ?? [], by: \.entryIndex)
            }
            return matchesByEntry[index]?[entry] ?? []
        }
        var result: [FileMatch] = []
        var filesSoFar: [ImagePath: Int] = [:]
        for (position, change) in record.changes.enumerated() {
            if case .file(let path) = change, targets.contains(path) { filesSoFar[path] = position }
            guard case .hardlink(let name, let target) = change else { continue }
            var sources: [FileMatch] = []
            if let entry = filesSoFar[target] {
                sources = matches(inLayer: layer, entry: entry)
            } else {
                for lower in stride(from: layer - 1, through: 0, by: -1) {
                    guard let entry = lastFile(target, inLayer: lower) else { continue }
                    sources = matches(inLayer: lower, entry: entry)
                    break
                }
            }
            result += sources.map {
                FileMatch(path: name, entryIndex: position, nestedPath: $0.nestedPath, match: $0.match)
            }
        }
        return result
    }
}
