import CustomsArchive
import CustomsCompression
import CustomsCore
import CustomsDetect
import Foundation

/// Streams one layer blob: detects its compression from the bytes, hashes it (digest) and its
/// decompressed tar (diffID) as they pass, records every entry's change (files, whiteouts,
/// opaque markers, links), and scans every regular file's content in bounded chunks.
/// Nothing is written to disk. One walker per task.
public final class LayerWalker {
    let scanner: ContentScanner
    let limits: WalkLimits

    public init(engine: DetectionEngine, limits: WalkLimits = WalkLimits()) {
        scanner = engine.makeScanner()
        self.limits = limits
    }

    /// Walks the blob in `source` to its end. Never throws: problems become diagnostics in
    /// the record, and whatever was found before them is kept. A gzip blob is inflated with ISA-L;
    /// when ISA-L refuses it and `reopen` can read the blob again, zlib (libarchive) reads it.
    public func walk(_ source: ByteSource, reopen: (() throws -> ByteSource)? = nil) -> LayerRecord {
        let (record, refusal) = walk(source, inflatingGzip: true)
        guard let refusal, let reopen, let again = try? reopen() else { return record }
        var (second, _) = walk(again, inflatingGzip: false)
        let zlibReadIt = !second.diagnostics.contains { $0.code == .readError }
        guard zlibReadIt, second.changes.count >= record.changes.count else {
            var first = record
            first.diagnostics.append(
                ScanDiagnostic(code: .readError, message: "zlib refuses the gzip stream too", incomplete: false))
            return first
        }
        second.diagnostics.insert(
            ScanDiagnostic(
                code: .entryWarning,
                message: "ISA-L refused the gzip stream (\(refusal.message)); zlib read it instead",
                incomplete: false),
            at: 0)
        return second
    }

    /// One walk; with the error that stopped it when it is ISA-L refusing a gzip stream.
    private func walk(_ source: ByteSource, inflatingGzip: Bool) -> (LayerRecord, refusal: ArchiveError?) {
        var record = LayerRecord()
        var refusal: ArchiveError?
        // Threads: reading the blob, hashing it (the digest), decompressing it, hashing the tar (the
        // diffID), and this one walking the tar and scanning, each a ring of buffers ahead of the next.
        let blob = PipelinedByteSource(source)
        defer { blob.finish() }
        var tarBytes: MeteredByteSource?
        var drainForDigest = true
        do {
            let decompressed = try DecompressingByteSource(
                blob, zstdWindowLogMax: limits.maxZstdWindowLog, inflatingGzip: inflatingGzip)
            guard !decompressed.isEmpty else { throw ArchiveError(.malformed, "the blob is empty") }
            record.compression = decompressed.compression
            let zlib = record.compression == .gzip && !inflatingGzip ? try ZlibInflater(decompressed) : nil
            // An uncompressed blob is its own diffID: the tar reader reads the blob's buffers in place.
            let inflated =
                decompressed.compression == .none
                ? nil : PipelinedByteSource(zlib?.reader ?? decompressed)
            defer { inflated?.finish() }
            let uncompressed = MeteredByteSource(inflated ?? decompressed, limit: limits.maxLayerBytes)
            tarBytes = uncompressed
            let tar = try ArchiveReader(source: uncompressed, format: .tar, decompress: false)
            var tarEnd: Int64?
            while true {
                guard let entry = try tar.nextEntry() else {
                    tarEnd = tar.consumedBytes
                    break
                }
                if limits.expired { throw TimeLimitReached() }
                guard record.changes.count < limits.maxEntries else {
                    record.diagnostics.append(
                        ScanDiagnostic(
                            code: .sizeLimit,
                            message: "layer has more than \(limits.maxEntries) entries; the rest were not scanned",
                            incomplete: true))
                    break
                }
                try take(entry, from: tar, into: &record)
            }
            if tar.damagedHeadersSkipped > 0 {
                record.diagnostics.append(
                    ScanDiagnostic(
                        code: .invalidDocument,
                        message: "layer has \(tar.damagedHeadersSkipped) damaged tar header block(s), skipped; the "
                            + "bytes there were not read as files",
                        incomplete: true))
            }
            // What the tar reader left (end-of-archive padding, trailing bytes) is hashed too.
            try uncompressed.drainBlocks { _ in }
            if let tarEnd, uncompressed.lastNonZeroOffset >= tarEnd {
                // A runtime ignores bytes past the end marker; a crafted layer could hide a file there.
                record.diagnostics.append(
                    ScanDiagnostic(
                        code: .invalidDocument,
                        message: "layer holds \(uncompressed.byteCount - tarEnd) bytes after the tar's "
                            + "end-of-archive marker, not read as files",
                        incomplete: true))
            }
            let diffID = try inflated.map { try Self.hashed($0) }
            if let zlib, let ignored = try zlib.bytesAfterTheEnd(of: blob) {
                // What zlib leaves after the gzip data no runtime unpacks; it could still hide a file.
                record.diagnostics.append(
                    ScanDiagnostic(
                        code: .invalidDocument,
                        message: "layer blob holds \(ignored) bytes after its gzip data, not read as files",
                        incomplete: true))
            }
            try blob.drainBlocks { _ in }
            record.digest = try Self.hashed(blob)
            record.diffID = diffID ?? record.digest
            record.uncompressedSize = uncompressed.byteCount
        } catch let error where Self.isLayerBudget(error) {
            drainForDigest = false
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .sizeLimit,
                    message:
                        "layer decompresses to more than \(limits.maxLayerBytes) bytes (a decompression bomb?); "
                        + "the rest was not scanned",
                    incomplete: true))
        } catch is TimeLimitReached {
            drainForDigest = false
            record.diagnostics.append(
                WalkLimits.timeLimitReached("the layer was read up to entry \(record.changes.count), not further"))
        } catch let error as ArchiveError where error.code == .oversizedHeader {
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .sizeLimit,
                    message: "entry \(record.changes.count + 1) of the layer has an oversized header (\(error)); "
                        + "it and the rest of the layer were not read",
                    incomplete: true))
        } catch {
            if record.compression == .gzip, inflatingGzip {
                refusal = LayerSource.chain(error).lazy.compactMap { $0 as? ArchiveError }.first {
                    $0.code == .corruptCompressed
                }
            }
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .readError,
                    message: "layer is truncated or corrupt after \(record.changes.count) entries: \(error)",
                    incomplete: true))
        }
        // A layer that could not be read to its end is still hashed, so a damaged blob is also named as
        // one whose bytes are not the ones the manifest declares.
        if record.digest == nil, drainForDigest, (try? blob.drainBlocks { _ in }) != nil {
            record.digest = try? Self.hashed(blob)
        }
        record.compressedSize = blob.producedByteCount
        if record.uncompressedSize == 0 { record.uncompressedSize = tarBytes?.byteCount ?? 0 }
        return (record, refusal)
    }

    /// The SHA-256 of every byte a hashing pipeline gave, once all were read.
    private static func hashed(_ pipeline: PipelinedByteSource) throws -> Digest {
        guard let hasher = pipeline.finishHashing() else {
            throw ArchiveError(.io, "the layer's bytes were not all hashed")
        }
        return hasher.finalize()
    }

    /// Thrown out of the entry loop when the run's deadline passes: the rest of the layer is not
    /// even drained (that could take as long as scanning it).
    struct TimeLimitReached: Error {}

    /// True when `error` (possibly wrapped by libarchive's read callback) is the layer byte budget.
    private static func isLayerBudget(_ error: Error) -> Bool {
        LayerSource.chain(error).contains { $0 is MeteredByteSource.LimitExceeded }
    }

    private func take(_ entry: ArchiveEntry, from tar: ArchiveReader, into record: inout LayerRecord) throws {
        if let warning = entry.warning {
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .entryWarning,
                    message: "entry \(ImagePath(entry.name).display): \(warning)", path: ImagePath(entry.name).value,
                    incomplete: false))
        }
        let kind: LayerChanges.EntryKind
        switch entry.kind {
        case .regular: kind = .regular
        case .directory: kind = .directory
        case .symlink: kind = .symlink
        case .hardlink(let target): kind = .hardlink(target: target)
        case .other: kind = .other
        }
        guard let change = LayerChanges.change(forEntryNamed: entry.name, kind: kind) else {
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .entryWarning,
                    message: "entry \(ImagePath(entry.name).display) is a bare whiteout marker; ignored",
                    incomplete: false))
            return
        }
        record.changes.append(change)
        switch change {
        case .file(let path):
            try scanContent(of: path, from: tar, into: &record)
        case .hardlink(let name, _) where entry.size > 0:
            try scanContent(of: name, from: tar, into: &record)
        default:
            break
        }
    }

    private func scanContent(of path: ImagePath, from source: ByteSource, into record: inout LayerRecord) throws {
        record.fileCount += 1
        let file = ScannedFile(path: path, entryIndex: record.changes.count - 1, nestedPath: nil)
        try scanFile(file, from: source, depth: 0, budget: NestedBudget(limits.maxNestedBytes), into: &record)
    }

    /// Scans one file's bytes: as an archive when it is one (and the depth allows), else with
    /// the rules, plus its structure when it is a credential file.
    func scanFile(
        _ file: ScannedFile, from source: ByteSource, depth: Int, budget: NestedBudget,
        into record: inout LayerRecord
    ) throws {
        var source = source
        let innermost = file.innermost
        let name = innermost.name.lowercased()
        if NestedArchive.mayBeArchive(named: name) {
            let peeked = try (depth == 0 ? LayerSource(source) : source).peek(upTo: NestedArchive.sniffLength)
            source = peeked
            if NestedArchive.startsLikeArchive(peeked.prefix) {
                if depth >= limits.maxNestedDepth {
                    // Past the depth limit its entries are not read as files (a compressed one hides them).
                    record.diagnostics.append(
                        ScanDiagnostic(
                            code: .sizeLimit,
                            message: "\(file.display) is an archive nested deeper than \(limits.maxNestedDepth) "
                                + "levels; scanned as plain bytes, its entries not opened",
                            path: file.path.value, incomplete: true))
                } else if Compression.sniff(peeked.prefix) != .none {
                    try scanArchive(file, from: peeked, depth: depth + 1, budget: budget, into: &record)
                    return
                } else if let unreadable = try scanSmallArchive(
                    file, from: peeked, depth: depth + 1, budget: budget, into: &record)
                {
                    source = unreadable
                } else {
                    return
                }
            }
        }
        let path = file.path
        let credentialFile = CredentialFiles.kind(of: innermost)
        var structure: [UInt8] = []
        var result = scanner.scan(limit: limits.maxFileBytes) { buffer in
            let count = try source.read(into: buffer)
            if credentialFile != nil, structure.count < CredentialFiles.maxBytes {
                structure += buffer.prefix(min(count, CredentialFiles.maxBytes - structure.count))
            }
            return count
        }
        if let credentialFile { scanner.addCredentialFileMatches(credentialFile, structure, to: &result) }
        if !result.matches.isEmpty, SettingsFiles.contains(name: name) { scanner.raiseGenericConfidence(in: &result) }
        // Asked only of files with matches: path checks on every file are what a small-file layer costs.
        let generatedKey =
            result.matches.isEmpty || file.nestedPath != nil ? nil : GeneratedKeyFiles.note(for: path)
        record.matches += result.matches.map { match in
            var match = match
            if let generatedKey {
                match.rule.note = [match.rule.note, generatedKey].compactMap { $0 }.joined(separator: "; ")
            }
            return FileMatch(path: path, entryIndex: file.entryIndex, nestedPath: file.nestedPath, match: match)
        }
        for (rule, message) in result.limitHits {
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .regexLimit,
                    message:
                        "rule \(rule) hit a regex limit in \(file.display) (\(message)); that rule's result for "
                        + "the file is unknown",
                    path: path.value, incomplete: true))
        }
        if result.truncated {
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .sizeLimit,
                    message:
                        "\(file.display) is larger than \(limits.maxFileBytes) bytes; only the first "
                        + "\(limits.maxFileBytes) were scanned",
                    path: path.value, incomplete: true))
        }
        if let error = result.readError { throw error }
    }

    /// Scans a plain root filesystem directory as one layer. Symlinks are recorded, never followed.
    public func walkDirectory(_ root: URL) -> LayerRecord {
        var record = LayerRecord()
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey]
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: keys, options: [])
        else {
            return .unreadable("cannot list \(root.path)")
        }
        let rootPath = root.standardizedFileURL.path
        for case let url as URL in enumerator {
            let relative = String(url.standardizedFileURL.path.dropFirst(rootPath.count))
            let path = ImagePath(relative)
            guard let values = try? url.resourceValues(forKeys: Set(keys)) else { continue }
            if values.isSymbolicLink == true {
                record.changes.append(.symlink(path))
                enumerator.skipDescendants()
            } else if values.isDirectory == true {
                record.changes.append(.directory(path))
            } else if values.isRegularFile == true {
                record.changes.append(.file(path))
                do {
                    let file = try FileByteSource(path: url.path, noFollow: true)
                    try scanContent(of: path, from: file, into: &record)
                } catch {
                    record.diagnostics.append(
                        ScanDiagnostic(
                            code: .readError,
                            message: "cannot read \(path.display): \(error)", path: path.value, incomplete: true))
                }
            }
        }
        return record
    }
}
