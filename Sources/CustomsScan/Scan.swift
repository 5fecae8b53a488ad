import CustomsArchive
import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsImage
import CustomsRules
import CustomsWalker
import Foundation

/// Runs the pipeline for a list of targets: source → layout → layer walks → metadata →
/// provenance → findings. Compiles the rules once; safe to reuse for several scans.
public final class Scan {
    public let options: ScanOptions
    public let engine: DetectionEngine
    let cache: LayerCache?
    /// Records of trusted-digest layers already walked in this run.
    private let runMemo = LayerMemo()

    /// Loads the built-in rules (plus `options.ruleDirectories`) and compiles them.
    /// - Throws: `RuleError` or `DetectError` describing the rule that cannot be used.
    public init(options: ScanOptions = ScanOptions()) throws {
        self.options = options
        var rules = try BuiltinRules.load()
        for directory in options.ruleDirectories { rules = try rules.merged(with: RuleLoader.ruleSet(fromDirectory: directory)) }
        let structural = CredentialFiles.rules.filter { !options.disabledRules.contains($0.value.id) }
        let unknown = options.disabledRules.filter { id in rules.rule(id) == nil && !CredentialFiles.rules.values.contains { $0.id == id } }
        guard unknown.isEmpty else {
            throw RuleError("cannot disable unknown rule(s) \(unknown.map(\.rawValue).sorted().joined(separator: ", ")); see `customs rules list`")
        }
        rules = try RuleSet(rules.rules.filter { !options.disabledRules.contains($0.id) })
        let rulesHash = rules.contentHash + "|" + structural.keys.map(\.rawValue).sorted().joined(separator: ",")
        cache = options.cacheDirectory.map { LayerCache(directory: $0, rulesHash: rulesHash, limits: options.limits) }
        engine = try DetectionEngine(ruleSet: rules, credentialFiles: Set(structural.keys),
                                     prefilterStore: options.cacheDirectory.map { PrefilterFiles(directory: $0.appendingPathComponent("prefilter")) })
    }

    /// Regex allow rules look at secrets, which cached records do not hold: such scans read every layer.
    private var cacheReadable: Bool {
        options.cacheReadable && !options.policy.allow.contains { $0.secretPattern != nil }
    }

    /// A layer's record: from the cache when its blob is the one `layer` declares (its bytes hash
    /// to the digest; or, with `trusted`, the source's digests need no check; or the local file
    /// at `location` is unchanged since its bytes last did) and results for its diffID are
    /// cached, else from `walk` (and then cached). Trusted digests are also remembered for the
    /// rest of the run, so a layer shared by several remote images is fetched once even without
    /// the cache.
    private func record(_ layer: DeclaredLayer, trusted: Bool = false, location: VerifiedBlobs.Location? = nil,
                        bytes: @escaping () throws -> ByteSource, walk: () -> LayerRecord) -> LayerRecord {
        let candidate = layer.digest
        if trusted, let candidate, let seen = runMemo.record(candidate) { return seen }
        let sighting = trusted ? nil : location.flatMap { cache?.verified.sight($0) }
        if cacheReadable, let cache, let candidate {
            let known = trusted || sighting.map { cache.verified.contains($0, candidate) } == true
            if var cached = cache.lookup(layer, bytes: known ? nil : bytes) {
                if !known, let sighting { cache.verified.insert(sighting, candidate) }
                cached.fromCache = true
                if trusted { runMemo.keep(cached, as: candidate) }
                return cached
            }
        }
        let walked = walk()
        cache?.store(walked)
        if let candidate, walked.digest == candidate {
            if let sighting { cache?.verified.insert(sighting, candidate) }
            if trusted, walked.isComplete { runMemo.keep(walked, as: candidate) }
        }
        return walked
    }

    /// What a target names.
    enum TargetKind {
        case standardInput, archive(URL), ociDirectory(URL), rootFilesystem(URL), remote(BlobLayout)
    }

    func classify(_ target: String) throws -> TargetKind {
        if target == "-" { return .standardInput }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else {
            if let remote = options.remoteImages, let layout = try remote.layout(for: target) { return .remote(layout) }
            throw ImageError(.unreadable, "no such file or directory (give a docker save archive, an OCI layout, a root filesystem directory, \(options.remoteImages == nil ? "" : "an image reference, ")or - for standard input)")
        }
        let url = URL(fileURLWithPath: target)
        if isDirectory.boolValue { return OCIDirectory.isLayout(url) ? .ociDirectory(url) : .rootFilesystem(url) }
        return .archive(url)
    }

    /// One target's part of a scan, handed over as soon as the target is done (JSON Lines output).
    public struct TargetReport: Sendable {
        public var target: String
        public var images: [ImageSummary]
        /// This target's findings after the policy, grouped within the target.
        public var findings: [Finding]
        public var diagnostics: [ScanDiagnostic]
        public var failure: String?
    }

    /// Scans every target; a target that cannot be read is recorded and the others still run.
    /// - Parameter onTarget: called after each target, in order, with that target's findings.
    public func run(_ targets: [String], onTarget: ((TargetReport) -> Void)? = nil) -> ScanResult {
        let started = Date()
        var result = ScanResult()
        result.rulesHash = engine.ruleSet.contentHash
        result.rules = engine.ruleSet.rules.map { RuleDescription(summary: $0.summary, references: $0.references) }
        var occurrences: [Occurrence] = []
        var expanded: [String] = []
        for target in targets {
            do {
                expanded += try options.remoteImages?.expand(target) ?? [target]
            } catch {
                result.failedTargets.append((target, "\(error)"))
                onTarget?(TargetReport(target: target, images: [], findings: [], diagnostics: [], failure: "\(error)"))
            }
        }
        for target in expanded {
            var report = TargetReport(target: target, images: [], findings: [], diagnostics: [])
            do {
                let outputs = try scan(target)
                let found = outputs.flatMap(\.occurrences)
                report.images = outputs.map(\.summary)
                report.diagnostics = outputs.flatMap(\.diagnostics)
                report.findings = options.policy.apply(FindingGrouper.group(found)).kept
                occurrences += found
            } catch {
                report.failure = "\(error)"
                result.failedTargets.append((target, "\(error)"))
            }
            result.images += report.images
            result.diagnostics += report.diagnostics
            onTarget?(report)
        }
        (result.findings, result.policyOutcome) = options.policy.apply(FindingGrouper.group(occurrences))
        result.bytesScanned = result.images.reduce(0) { $0 + $1.layers.reduce(0) { $0 + $1.uncompressedSize } }
        result.duration = Date().timeIntervalSince(started)
        return result
    }

    private func scan(_ target: String) throws -> [ImageAssembler.Output] {
        switch try classify(target) {
        case .standardInput:
            options.progress?.expect(bytes: nil, layers: nil)
            return try scanStream(counted(FileByteSource(descriptor: 0)), target: target)
        case .archive(let url):
            let source = try FileByteSource(path: url.path)
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int64) ?? nil
            options.progress?.expect(bytes: size, layers: nil)
            var magic = [UInt8](repeating: 0, count: 4)
            let count = try magic.withUnsafeMutableBytes { try source.read(into: $0) }
            if Compression.sniff(magic.prefix(count)) == .none && options.concurrency > 1 {
                return try scanSeekableArchive(url, target: target)
            }
            return try scanStream(counted(FileByteSource(path: url.path)), target: target)
        case .ociDirectory(let url):
            return try scanBlobLayout(OCIDirectory(root: url), target: target)
        case .remote(let layout):
            return try scanBlobLayout(layout, target: target)
        case .rootFilesystem(let url):
            return [scanRootFilesystem(url, target: target)]
        }
    }

    /// One forward pass: layers are walked as they stream by, then resolved against the manifests.
    private func scanStream(_ source: ByteSource, target: String) throws -> [ImageAssembler.Output] {
        let walker = LayerWalker(engine: engine, limits: options.limits)
        let layout = try StreamedLayout.read(source, name: target) { entry, stream in
            defer { options.progress?.layerDone() }
            if cacheReadable, let cache, let named = Digest(blobPath: entry.path),
               var cached = cache.streamedRecord(named: named, bytes: stream) {
                cached.fromCache = cached.isComplete
                return cached
            }
            let record = walker.walk(stream)
            cache?.store(record)
            return record
        }
        return try assembleArchive(layout, target: target) { _ in () } lookup: { _, path in layout.layer(at: path) }
    }

    /// An uncompressed archive file: one pass reads the documents and notes where each layer blob
    /// starts (skipping its bytes), then the layers the resolved images need are walked in
    /// parallel, each through its own reader positioned at its entry.
    private func scanSeekableArchive(_ url: URL, target: String) throws -> [ImageAssembler.Output] {
        let layout = try StreamedLayout.read(counted(FileByteSource(path: url.path)), name: target) { entry, _ in
            entry.headerPosition
        }
        return try assembleArchive(layout, target: target) { needed in
            let positions = needed.keys.sorted().compactMap { path in layout.layer(at: path).map { (path, $0) } }
            let records = ParallelMap.map(positions, width: options.concurrency, cost: { needed[$0.0]?.size ?? 0 }) { path, position -> LayerRecord in
                defer { options.progress?.layerDone() }
                let open = { () throws -> ArchiveReader in
                    let reader = try ArchiveReader(source: self.counted(FileByteSource(path: url.path, offset: position)),
                                                   format: .tar, decompress: false)
                    guard try reader.nextEntry() != nil else { throw ArchiveError(.malformed, "no entry at offset \(position)") }
                    return reader
                }
                return record(needed[path]!, location: .init(path: url.path, offset: position), bytes: open) {
                    do {
                        return LayerWalker(engine: engine, limits: options.limits).walk(try open())
                    } catch {
                        return .unreadable("cannot reopen the layer blob: \(error)")
                    }
                }
            }
            return Dictionary(zip(positions.map(\.0), records), uniquingKeysWith: { first, _ in first })
        } lookup: { records, path in records[path] }
    }

    /// Resolves an archive's images and joins them with their layers' records. `walk` turns the
    /// needed blob paths into records (already walked, or walked now). When the manifests cannot
    /// be resolved, layers already found are still reported, one by one, rather than lost.
    private func assembleArchive<Layer, Records>(_ layout: StreamedLayout<Layer>, target: String,
                                                 walk: ([String: DeclaredLayer]) -> Records,
                                                 lookup: (Records, String) -> LayerRecord?) throws -> [ImageAssembler.Output] {
        var plans: [ImagePlan], diagnostics: [ScanDiagnostic]
        do {
            (plans, diagnostics) = try LayoutResolver.resolve(layout, name: target, platform: options.platform)
        } catch let error where !layout.layerOrder.isEmpty && (error as? ImageError)?.code != .platformNotFound {
            let problem = ScanDiagnostic(code: .invalidDocument,
                message: "\(error); the \(layout.layerOrder.count) layer blob(s) read are reported one by one, without layer order or provenance",
                incomplete: true)
            plans = layout.layerOrder.map { .orphanLayer(name: "\(target)!\($0)", path: $0, diagnostic: problem) }
            diagnostics = []
        }
        // Each needed blob, with what the manifests say of it.
        var needed: [String: DeclaredLayer] = [:]
        for plan in plans {
            for layer in plan.layers where layer.unsupportedReason == nil {
                needed[layout.resolved(layer.blobPath)] = DeclaredLayer(layer)
            }
        }
        let records = walk(needed)
        lazy var walker = LayerWalker(engine: engine, limits: options.limits)
        let outputs = plans.map { plan in
            assemble(target: target, plan: plan, records: plan.layers.map { layer -> LayerRecord? in
                guard layer.unsupportedReason == nil else { return nil }
                if let record = lookup(records, layout.resolved(layer.blobPath)) { return record }
                // A tiny blob that did not sniff as a layer was kept as a document: walk it now.
                return (try? layout.document(layer.blobPath))?.map { walker.walk(DataByteSource($0)) }
            })
        }
        return attach(layout.diagnostics + diagnostics, to: outputs, target: target)
    }

    /// Random access: resolve first, then walk each distinct layer blob once, in parallel.
    private func scanBlobLayout(_ layout: BlobLayout, target: String) throws -> [ImageAssembler.Output] {
        var (plans, diagnostics) = try LayoutResolver.resolve(layout, name: target, platform: options.platform)
        for index in plans.indices {
            guard let manifest = plans[index].manifestDigest else { continue }
            do {
                for statement in try layout.referrerStatements(of: manifest) where !plans[index].attestations.contains(statement) {
                    plans[index].attestations.append(statement)
                }
            } catch {
                plans[index].diagnostics.append(ScanDiagnostic(code: .readError, message: "attestations attached as referrers were not read: \(error)",
                                                               image: plans[index].name, blob: manifest, incomplete: true))
            }
        }
        var declared: [String: DeclaredLayer] = [:]
        for plan in plans {
            for layer in plan.layers where layer.unsupportedReason == nil && layout.contains(layer.blobPath) {
                declared[layer.blobPath] = DeclaredLayer(layer)
            }
        }
        let paths = declared.keys.sorted()
        options.progress?.expect(bytes: declared.values.reduce(0) { $0 + ($1.size ?? 0) }, layers: paths.count)
        let records = ParallelMap.map(paths, width: options.concurrency, cost: { declared[$0]?.size ?? 0 }) { path -> LayerRecord in
            defer { options.progress?.layerDone() }
            let open = { try self.counted(layout.openBlob(path, size: declared[path]?.size)) }
            let location = layout.localFile(path).map { VerifiedBlobs.Location(path: $0, offset: 0) }
            return record(declared[path]!, trusted: layout.digestsAreTrusted, location: location, bytes: open) {
                do {
                    return LayerWalker(engine: engine, limits: options.limits).walk(try open())
                } catch {
                    return .unreadable("cannot open \(path): \(error)")
                }
            }
        }
        let byPath = Dictionary(uniqueKeysWithValues: zip(paths, records))
        let outputs = plans.map { plan in
            assemble(target: target, plan: plan, records: plan.layers.map { byPath[$0.blobPath] })
        }
        return attach(diagnostics, to: outputs, target: target)
    }

    private func counted(_ source: ByteSource) -> ByteSource {
        options.progress.map { CountingByteSource(source, progress: $0) } ?? source
    }

    private func scanRootFilesystem(_ url: URL, target: String) -> ImageAssembler.Output {
        let record = LayerWalker(engine: engine, limits: options.limits).walkDirectory(url)
        let plan = ImagePlan.rootFilesystem(name: target, path: url.path)
        return assemble(target: target, plan: plan, records: [record])
    }

    private func assemble(target: String, plan: ImagePlan, records: [LayerRecord?]) -> ImageAssembler.Output {
        let metadata = MetadataDetector.scan(plan.metadataFields, with: engine.makeScanner())
        return ImageAssembler.assemble(target: target, plan: plan, records: records, metadata: metadata)
    }

    /// Layout-level diagnostics belong to the target, not one image: attach them once.
    private func attach(_ diagnostics: [ScanDiagnostic], to outputs: [ImageAssembler.Output], target: String) -> [ImageAssembler.Output] {
        var outputs = outputs
        let named = diagnostics.map { item -> ScanDiagnostic in
            var copy = item
            copy.image = copy.image ?? target
            return copy
        }
        if outputs.isEmpty {
            let empty = ImageSummary(target: target, name: target, manifestDigest: nil, configDigest: nil, platform: nil, layers: [])
            return named.isEmpty ? [] : [ImageAssembler.Output(summary: empty, occurrences: [], diagnostics: named)]
        }
        outputs[0].diagnostics = named + outputs[0].diagnostics
        return outputs
    }
}
