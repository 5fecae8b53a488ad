import CustomsArchive
import CustomsCore
import Foundation

/// A file being scanned: a layer entry, or a file inside an archive that is one.
struct ScannedFile {
    /// The layer entry's path.
    var path: ImagePath
    /// The layer entry's index in `LayerChanges`.
    var entryIndex: Int
    /// The path inside the archive(s) at `path`, `!/`-separated per level; nil for the entry itself.
    var nestedPath: String?

    /// The innermost file's own path (the layer path, or the last level of `nestedPath`).
    var innermost: ImagePath {
        guard let nestedPath else { return path }
        return ImagePath(nestedPath.components(separatedBy: "!/").last ?? nestedPath)
    }

    /// `/app/app.jar!/BOOT-INF/classes/application.properties`, for messages.
    var display: String { nestedPath.map { "\(path.display)!/\($0)" } ?? path.display }

    /// The file named `name` (as the archive wrote it) inside this one.
    func inner(_ name: String) -> ScannedFile {
        let name = ImagePath(name).value
        return ScannedFile(path: path, entryIndex: entryIndex, nestedPath: nestedPath.map { "\($0)!/\(name)" } ?? name)
    }
}

/// Which files are opened as archives: by name first (cheap), then by their first bytes.
enum NestedArchive {
    /// Archive names end in one of these after their last dot; `.tar.gz` and `.tar.zst` end in
    /// `gz` and `zst` after a `.tar`.
    static let extensions: Set<String> = [
        "zip", "jar", "war", "ear", "aar", "whl", "egg", "apk", "nupkg", "tar", "tgz", "tzst",
    ]

    /// - Parameter name: the file name, lower-cased.
    static func mayBeArchive(named name: String) -> Bool {
        // One set lookup per file name: every file of a layer passes here.
        guard let dot = name.utf8.lastIndex(of: 0x2E) else { return false }
        let suffix = name[name.utf8.index(after: dot)...]
        if extensions.contains(String(suffix)) { return true }
        return (suffix == "gz" && name.hasSuffix(".tar.gz")) || (suffix == "zst" && name.hasSuffix(".tar.zst"))
    }

    /// Bytes read to tell an archive from a file that only has an archive's name.
    static let sniffLength = 512

    /// The largest uncompressed archive held in memory, so that it can be scanned as plain bytes
    /// when it cannot be read as an archive.
    static let plainFallbackBytes = 8 << 20

    /// Zip local header or empty zip, gzip, zstd, or a ustar header.
    static func startsLikeArchive(_ head: [UInt8]) -> Bool {
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return true }
        if Compression.sniff(head) != .none { return true }
        return head.count >= 262 && head[257..<262].elementsEqual("ustar".utf8)
    }
}

/// Uncompressed bytes still allowed from the archives inside one layer file.
final class NestedBudget {
    var remaining: Int64
    init(_ bytes: Int64) { remaining = bytes }

    struct Exceeded: Error {}
}

/// The layer's own bytes beneath a nested archive: a failure here is the layer's (rethrown),
/// not the archive's (a diagnostic).
final class LayerSource: ByteSource {
    struct Failure: Error, CustomStringConvertible {
        let underlying: any Error
        var description: String { "\(underlying)" }
    }

    private let source: ByteSource
    init(_ source: ByteSource) { self.source = source }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try source.read(into: buffer)
        } catch {
            throw Failure(underlying: error)
        }
    }

    /// The errors `error` wraps, outermost first (through libarchive's read callback and this source).
    static func chain(_ error: any Error) -> [any Error] {
        var result: [any Error] = []
        var current: (any Error)? = error
        while let error = current {
            result.append(error)
            current = (error as? ArchiveError)?.underlying ?? (error as? Failure)?.underlying
        }
        return result
    }
}

/// The data of one entry of a nested archive, counted against the layer file's budget.
final class BudgetedSource: ByteSource {
    private let source: ByteSource
    private let budget: NestedBudget

    init(_ source: ByteSource, budget: NestedBudget) {
        self.source = source
        self.budget = budget
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard budget.remaining > 0 else { throw NestedBudget.Exceeded() }
        let count = try source.read(
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(min(Int64(buffer.count), budget.remaining))]))
        budget.remaining -= Int64(count)
        return count
    }
}

extension LayerWalker {
    /// Scans every regular file inside the archive in `source` (zip or tar, compressed or not),
    /// one level deeper. An over-budget archive becomes an incomplete diagnostic and the layer walk
    /// goes on; a failure of the layer itself is rethrown. A broken archive becomes an incomplete
    /// diagnostic too, unless `returningBreakage`: then its error is returned and the caller decides.
    @discardableResult
    func scanArchive(
        _ file: ScannedFile, from source: ByteSource, depth: Int, budget: NestedBudget,
        into record: inout LayerRecord, returningBreakage: Bool = false
    ) throws -> (any Error)? {
        var entries = 0
        do {
            let reader = try ArchiveReader(source: source, format: .nested, decompress: true, bufferSize: 256 * 1024)
            while let entry = try reader.nextEntry() {
                guard entry.kind == .regular else { continue }
                entries += 1
                try scanFile(
                    file.inner(entry.name), from: BudgetedSource(reader, budget: budget), depth: depth,
                    budget: budget, into: &record)
            }
            if reader.damagedHeadersSkipped > 0 {
                throw ArchiveError(.malformed, "\(reader.damagedHeadersSkipped) damaged header block(s) skipped")
            }
        } catch let error where LayerSource.chain(error).contains(where: { $0 is LayerSource.Failure }) {
            throw error
        } catch let error where LayerSource.chain(error).contains(where: { $0 is NestedBudget.Exceeded }) {
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .sizeLimit,
                    message:
                        "archives inside \(file.path.display) hold more than \(limits.maxNestedBytes) bytes (a "
                        + "zip bomb?); stopped in \(file.display) after \(entries) entries",
                    path: file.path.value, incomplete: true))
        } catch {
            if returningBreakage { return error }
            record.diagnostics.append(
                ScanDiagnostic(
                    code: .readError,
                    message:
                        "\(file.display) cannot be read as an archive after \(entries) entries: \(error); the "
                        + "rest of it was not scanned",
                    path: file.path.value, incomplete: true))
        }
        return nil
    }

    /// Scans an uncompressed archive of at most `NestedArchive.plainFallbackBytes` (held in memory)
    /// as an archive; when it cannot be read as one (the deliberately broken tars and zips of test
    /// suites: Go's `archive/tar/testdata` is in every Go toolchain image), what its entries gave is
    /// dropped and its bytes are scanned as plain bytes instead, with a note: every byte was
    /// scanned, so the layer stays complete. Returns the bytes to scan plainly, or nil when the
    /// archive was read (or was too large to hold, and was read as a stream as before).
    func scanSmallArchive(
        _ file: ScannedFile, from source: ByteSource, depth: Int, budget: NestedBudget,
        into record: inout LayerRecord
    ) throws -> DataByteSource? {
        var held = Data()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        while held.count <= NestedArchive.plainFallbackBytes {
            let count = try source.read(into: chunk)
            if count == 0 { break }
            held.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
        guard held.count <= NestedArchive.plainFallbackBytes else {
            let whole = PrefixedByteSource(prefix: [UInt8](held), rest: source)
            try scanArchive(file, from: whole, depth: depth, budget: budget, into: &record)
            return nil
        }
        let (matches, diagnostics) = (record.matches.count, record.diagnostics.count)
        guard
            let breakage = try scanArchive(
                file, from: DataByteSource(held), depth: depth, budget: budget, into: &record, returningBreakage: true)
        else { return nil }
        record.matches.removeSubrange(matches...)
        record.diagnostics.removeSubrange(diagnostics...)
        record.diagnostics.append(
            ScanDiagnostic(
                code: .entryWarning,
                message: "\(file.display) looks like an archive but cannot be read as one (\(breakage)); scanned "
                    + "as plain bytes",
                path: file.path.value, incomplete: false))
        return DataByteSource(held)
    }
}
