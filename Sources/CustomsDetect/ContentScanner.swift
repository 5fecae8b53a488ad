import CustomsCore
import CustomsRegex
import CustomsRules
import Foundation

/// Scans byte streams for every rule of an engine, in fixed-size chunks that overlap by the
/// longest possible match, so memory stays bounded and a secret across a chunk boundary is
/// found once, whole. One scanner per task; reuse it for every file.
public final class ContentScanner {
    /// Bytes of new content per chunk.
    public static let chunkSize = 1 << 20
    /// Bytes carried from one chunk into the next so a match up to `Rule.maxMatchLength` fits.
    static let overlap = Rule.maxMatchLength + 256
    /// Bytes before the carried region kept only as context for lookbehind and `\b`.
    static let context = 256
    /// Extra bytes after a keyword window, for lookahead at the end of a match.
    static let lookaheadMargin = 256

    private let engine: DetectionEngine
    private let matchScratch: MatchScratch
    private let prefilterScratch: PrefilterScratch?
    private let textPrefilterScratch: PrefilterScratch
    private let buffer: UnsafeMutableRawBufferPointer
    /// Per rule: the search windows of the current chunk (reused to avoid allocation).
    private var windows: [[Range<Int>]]
    /// Per keyword-anchored rule: where its keyword hits of the current chunk begin.
    private var anchors: [[Int]]
    /// Scans the narrowed UTF-16LE runs of this scanner's chunks; made for the first run found.
    private var wideScanner: ContentScanner?
    private let scansWideStrings: Bool
    /// The ASCII bytes of the current chunk's UTF-16LE runs, a newline between two (reused).
    private var narrowed: [UInt8] = []

    init(engine: DetectionEngine, wide: Bool = true) {
        self.engine = engine
        scansWideStrings = wide
        matchScratch = MatchScratch(limits: engine.limits)
        prefilterScratch = engine.prefilter?.makeScratch()
        textPrefilterScratch = engine.textPrefilter.makeScratch()
        buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: Self.chunkSize + Self.overlap + Self.context, alignment: 64)
        windows = Array(repeating: [], count: engine.rules.count)
        anchors = Array(repeating: [], count: engine.rules.count)
    }

    deinit { buffer.deallocate() }

    /// Scans owned bytes (metadata strings, small documents).
    public func scan(_ data: some Collection<UInt8>) -> ContentScanResult {
        var remaining = Array(data)[...]
        return scan(limit: nil) { destination in
            let count = min(destination.count, remaining.count)
            remaining.prefix(count).withContiguousStorageIfAvailable { source in
                destination.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: count)
            }
            remaining = remaining.dropFirst(count)
            return count
        }
    }

    /// Scans a stream pulled through `read` (returns 0 at the end; may throw).
    /// - Parameter limit: the most bytes to scan; the rest is skipped and `truncated` set.
    /// - Returns: matches in stream order; a read error ends the scan but keeps earlier matches.
    public func scan(limit: Int64?, read: (UnsafeMutableRawBufferPointer) throws -> Int) -> ContentScanResult {
        var result = ContentScanResult()
        var lines = LineTracker()
        var lastEnd = [Int64](repeating: 0, count: engine.rules.count)
        var base: Int64 = 0  // stream offset of buffer[0]
        var filled = 0  // valid bytes in buffer
        var searchFrom = 0  // first offset where a match may start
        var windowsFile: Bool?  // the stream is a Windows file that may hold UTF-16 text (decided at its start)
        var atEnd = false
        while !atEnd {
            // Fill the buffer.
            while filled < buffer.count {
                if let limit, result.bytesScanned >= limit {
                    result.truncated = true
                    atEnd = true
                    break
                }
                var room = buffer.count - filled
                if let limit { room = Int(min(Int64(room), limit - result.bytesScanned)) }
                let target = UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + room)])
                let count: Int
                do {
                    count = try read(target)
                } catch {
                    result.readError = error
                    atEnd = true
                    break
                }
                if count == 0 {
                    atEnd = true
                    break
                }
                filled += count
                result.bytesScanned += Int64(count)
            }
            let cutoff = atEnd ? filled : filled - Self.overlap
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
            // Binary content (a NUL byte) is searched by the rules that are not text-only, and is
            // where UTF-16 text hides.
            let binary =
                cutoff > searchFrom && memchr(chunk.baseAddress! + searchFrom, 0, chunk.count - searchFrom) != nil
            var found = matchChunk(
                chunk, searchFrom: searchFrom, cutoff: cutoff, binary: binary, base: base, lastEnd: &lastEnd,
                limitHits: &result.limitHits)
            if windowsFile == nil { windowsFile = WideStrings.isWindowsFile(chunk) }
            if scansWideStrings, binary, windowsFile == true {
                found += matchWideStrings(chunk, searchFrom: searchFrom, cutoff: cutoff, limitHits: &result.limitHits)
            }
            found.sort { $0.start < $1.start }
            for candidate in found {
                let (line, column) = lines.position(of: candidate.start, in: chunk)
                result.matches.append(
                    ContentMatch(
                        rule: candidate.rule, secret: candidate.secret,
                        offset: base + Int64(candidate.start), line: line, column: column))
            }
            if atEnd { break }
            // Keep the overlap plus context; drop the rest.
            let dropped = cutoff - Self.context
            lines.advance(over: UnsafeRawBufferPointer(rebasing: buffer[0..<dropped]))
            let kept = filled - dropped
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + dropped, byteCount: kept)
            filled = kept
            base += Int64(dropped)
            searchFrom = Self.context
        }
        return result
    }

    /// Matches in the UTF-16LE runs that start in `searchFrom..<cutoff`, at the wide bytes' offsets. The
    /// runs are narrowed into one buffer, a newline between two, and scanned in one pass.
    private func matchWideStrings(
        _ chunk: UnsafeRawBufferPointer, searchFrom: Int, cutoff: Int,
        limitHits: inout [(rule: RuleID, message: String)]
    ) -> [Candidate] {
        let runs = WideStrings.runs(in: chunk, start: searchFrom, end: cutoff)
        guard !runs.isEmpty else { return [] }
        let scanner = wideScanner ?? ContentScanner(engine: engine, wide: false)
        wideScanner = scanner
        narrowed.removeAll(keepingCapacity: true)
        var starts: [Int] = []  // where each run begins in `narrowed`
        for run in runs {
            if !narrowed.isEmpty { narrowed.append(0x0a) }
            starts.append(narrowed.count)
            WideStrings.narrow(chunk, run, into: &narrowed)
        }
        let result = scanner.scan(narrowed)
        limitHits += result.limitHits
        return result.matches.map { match in
            let offset = Int(match.offset)
            // The last run that begins at or before the match.
            var low = 0, high = starts.count
            while high - low > 1 {
                let middle = (low + high) / 2
                if starts[middle] <= offset { low = middle } else { high = middle }
            }
            let start = runs[low].lowerBound + 2 * (offset - starts[low])
            return Candidate(
                rule: match.rule, secret: match.secret, start: start, whole: start..<start,
                secretRange: start..<start, isGeneric: false)
        }
    }

    /// Adds what the structure of a credential file of `kind` holds (`bytes`: its first
    /// `CredentialFiles.maxBytes`) to the regex matches of the same file in `result`: a specific
    /// rule's match of the same bytes wins; a generic one gives way.
    public func addCredentialFileMatches(
        _ kind: CredentialFiles.Kind, _ bytes: [UInt8], to result: inout ContentScanResult
    ) {
        guard engine.credentialFiles.contains(kind), let summary = CredentialFiles.rules[kind] else { return }
        func range(_ match: ContentMatch) -> Range<Int64> {
            match.offset..<(match.offset + Int64(match.secret.clearValue?.utf8.count ?? 0))
        }
        var lines = LineTracker()
        for hit in CredentialFiles.parse(kind, bytes) {
            let span = Int64(hit.lowerBound)..<Int64(hit.upperBound)
            let overlapping = result.matches.filter { range($0).overlaps(span) }
            if overlapping.contains(where: { !engine.genericRules.contains($0.rule.id) }) { continue }
            result.matches.removeAll { range($0).overlaps(span) }
            let (line, column) = bytes.withUnsafeBytes { lines.position(of: hit.lowerBound, in: $0) }
            result.matches.append(
                ContentMatch(
                    rule: summary, secret: Secret(bytes: bytes[hit]),
                    offset: Int64(hit.lowerBound), line: line, column: column))
        }
        result.matches.sort { $0.offset < $1.offset }
    }

    /// Raises generic (key-name) matches from low to medium confidence: for settings files and
    /// image metadata, where such an assignment is most likely a real credential.
    public func raiseGenericConfidence(in result: inout ContentScanResult) {
        for index in result.matches.indices
        where result.matches[index].rule.confidence == .low
            && engine.genericRules.contains(result.matches[index].rule.id)
        {
            result.matches[index].rule.confidence = .medium
        }
    }

    /// A match before filtering and line numbering; offsets are relative to the chunk.
    struct Candidate {
        var rule: RuleSummary
        var secret: Secret
        var start: Int
        var whole: Range<Int>
        var secretRange: Range<Int>
        var isGeneric: Bool
    }

    /// Runs the prefilter (and over text, the text-only rules' one), then each hit rule's regex around
    /// its keyword hits, keeping matches that start in `searchFrom..<cutoff`.
    private func matchChunk(
        _ chunk: UnsafeRawBufferPointer, searchFrom: Int, cutoff: Int, binary: Bool, base: Int64,
        lastEnd: inout [Int64], limitHits: inout [(rule: RuleID, message: String)]
    ) -> [Candidate] {
        guard cutoff > searchFrom else { return [] }
        // Binary: the keywords of the rules that read binary; text: every keyword, one database.
        var complete = true
        var hits: [PrefilterScratch.Hit] = []
        if !binary {
            complete = engine.textPrefilter.scan(chunk, scratch: textPrefilterScratch)
            hits = textPrefilterScratch.hits
        } else if let prefilter = engine.prefilter, let scratch = prefilterScratch {
            complete = prefilter.scan(chunk, scratch: scratch)
            hits = scratch.hits
        }
        var touched: [Int] = []
        // Only the rules this chunk touched have windows or anchors to clear afterwards.
        defer {
            for index in touched {
                windows[index].removeAll(keepingCapacity: true)
                anchors[index].removeAll(keepingCapacity: true)
            }
        }
        if complete {
            for hit in hits {
                let literal = engine.literals.entries[Int(hit.id)]
                let ruleIndex = literal.rule
                if engine.anchoredRegexes[ruleIndex] != nil {
                    // A match begins exactly where the keyword does.
                    let start = hit.end - literal.length
                    guard start >= searchFrom, start < cutoff else { continue }
                    if start > 0, literal.boundary.rejects(after: chunk[start - 1]) { continue }
                    if anchors[ruleIndex].isEmpty, windows[ruleIndex].isEmpty { touched.append(ruleIndex) }
                    anchors[ruleIndex].append(start)
                    continue
                }
                let lower = max(searchFrom, hit.end - Rule.maxMatchLength)
                let upper = min(chunk.count, hit.end + Rule.maxMatchLength + Self.lookaheadMargin)
                guard lower < cutoff else { continue }
                if windows[ruleIndex].isEmpty, anchors[ruleIndex].isEmpty { touched.append(ruleIndex) }
                if let last = windows[ruleIndex].last, lower <= last.upperBound {
                    windows[ruleIndex][windows[ruleIndex].count - 1] = last.lowerBound..<max(last.upperBound, upper)
                } else {
                    windows[ruleIndex].append(lower..<upper)
                }
            }
        } else {
            // Too many keyword hits to track: search every rule over the whole chunk.
            for index in windows.indices where !(binary && engine.rules[index].textOnly) {
                windows[index].append(searchFrom..<chunk.count)
                touched.append(index)
            }
        }

        var candidates: [Candidate] = []
        for ruleIndex in touched.sorted() {
            let rule = engine.rules[ruleIndex]
            let regex = engine.regexes[ruleIndex]
            func take(_ groups: [Range<Int>?], _ whole: Range<Int>) {
                lastEnd[ruleIndex] = base + Int64(whole.upperBound)
                guard rule.secretGroup < groups.count, let secretRange = groups[rule.secretGroup] else { return }
                let bytes = UnsafeRawBufferPointer(rebasing: chunk[secretRange])
                guard let adjusted = SecretFilter.accept(bytes, rule: rule) else { return }
                candidates.append(
                    Candidate(
                        rule: adjusted, secret: Secret(bytes: bytes),
                        start: secretRange.lowerBound, whole: whole,
                        secretRange: secretRange, isGeneric: rule.isGeneric))
            }
            if let anchored = engine.anchoredRegexes[ruleIndex], !anchors[ruleIndex].isEmpty {
                anchors[ruleIndex].sort()
                var previous = -1
                for start in anchors[ruleIndex] where start != previous {
                    previous = start
                    // Inside the previous match: that match already covers this keyword.
                    guard Int64(start) + base >= lastEnd[ruleIndex] else { continue }
                    let end = min(chunk.count, start + Rule.maxMatchLength + Self.lookaheadMargin)
                    let subject = UnsafeRawBufferPointer(rebasing: chunk[0..<end])
                    switch anchored.firstMatch(in: subject, from: start, scratch: matchScratch) {
                    case .match(let groups):
                        if let whole = groups[0] { take(groups, whole) }
                    case .limitExceeded(let message):
                        limitHits.append((rule.id, message))
                    case .noMatch:
                        break
                    }
                }
            }
            for window in windows[ruleIndex] {
                var position = max(window.lowerBound, Int(lastEnd[ruleIndex] - base))
                let subject = UnsafeRawBufferPointer(rebasing: chunk[0..<window.upperBound])
                while position < min(cutoff, window.upperBound) {
                    let outcome = regex.firstMatch(in: subject, from: position, scratch: matchScratch)
                    guard case .match(let groups) = outcome, let whole = groups[0] else {
                        if case .limitExceeded(let message) = outcome { limitHits.append((rule.id, message)) }
                        break
                    }
                    if whole.lowerBound >= cutoff { break }
                    position = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
                    take(groups, whole)
                }
            }
        }
        return Self.keepOneRulePerSecret(Self.suppressGenericOverlaps(candidates))
    }

    /// One secret, one finding: when several specific rules match the very same bytes (a
    /// Kubernetes service-account token is also a JWT), the most confident, then most severe,
    /// names it; on a tie the rule that comes first.
    static func keepOneRulePerSecret(_ candidates: [Candidate]) -> [Candidate] {
        guard candidates.count > 1 else { return candidates }
        var best: [Range<Int>: Int] = [:]
        for (index, candidate) in candidates.enumerated() {
            guard let kept = best[candidate.secretRange] else {
                best[candidate.secretRange] = index
                continue
            }
            let rule = candidate.rule, other = candidates[kept].rule
            if (rule.confidence, rule.severity) > (other.confidence, other.severity) {
                best[candidate.secretRange] = index
            }
        }
        guard best.count < candidates.count else { return candidates }
        let keep = Set(best.values)
        return candidates.indices.filter(keep.contains).map { candidates[$0] }
    }

    /// Drops generic matches whose secret overlaps a specific rule's match: the specific rule
    /// names the credential better, and one secret should not be reported twice. O(n log n): a
    /// file with a token on each of 20,000 lines has 20,000 of each kind.
    static func suppressGenericOverlaps(_ candidates: [Candidate]) -> [Candidate] {
        // Most chunks have no candidate, or only one kind: nothing to sort.
        guard candidates.contains(where: \.isGeneric), candidates.contains(where: { !$0.isGeneric }) else {
            return candidates
        }
        let specific = candidates.filter { !$0.isGeneric }.map(\.whole).sorted { $0.lowerBound < $1.lowerBound }
        // furthestEnd[i]: the largest upper bound among the first i + 1 specific matches.
        var furthestEnd: [Int] = []
        furthestEnd.reserveCapacity(specific.count)
        for range in specific { furthestEnd.append(max(furthestEnd.last ?? Int.min, range.upperBound)) }
        func overlapsSpecific(_ range: Range<Int>) -> Bool {
            // Specific matches starting before `range` ends; one of them overlaps it when the
            // furthest of their ends lies past its start.
            var low = 0, high = specific.count
            while low < high {
                let middle = (low + high) / 2
                if specific[middle].lowerBound < range.upperBound { low = middle + 1 } else { high = middle }
            }
            return low > 0 && furthestEnd[low - 1] > range.lowerBound
        }
        return candidates.filter { !$0.isGeneric || !overlapsSpecific($0.secretRange) }
    }
}

/// Counts lines as chunks are consumed, so a match's line and column are exact without keeping
/// the whole stream.
struct LineTracker {
    /// Newlines before the current chunk.
    private var newlines = 0
    /// Stream offset just after the last newline before the current chunk, relative to that chunk's start.
    private var lineStart: Int64 = 0
    /// Position memo within the current chunk, so ascending lookups are linear overall.
    private var memoOffset = 0
    private var memoNewlines = 0
    private var memoLineStart: Int64 = 0
    private var memoValid = false

    /// 1-based line and column of `offset` in `chunk`; call with ascending offsets per chunk.
    mutating func position(of offset: Int, in chunk: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        if !memoValid || offset < memoOffset {
            memoOffset = 0
            memoNewlines = newlines
            memoLineStart = lineStart
            memoValid = true
        }
        let (count, last) = Self.newlines(in: UnsafeRawBufferPointer(rebasing: chunk[memoOffset..<offset]))
        memoNewlines += count
        if let last { memoLineStart = Int64(memoOffset + last + 1) }
        memoOffset = offset
        return (memoNewlines + 1, Int(Int64(offset) - memoLineStart) + 1)
    }

    /// Consumes the first `dropped.count` bytes of the chunk; the next chunk starts after them.
    mutating func advance(over dropped: UnsafeRawBufferPointer) {
        let (count, last) = Self.newlines(in: dropped)
        newlines += count
        if let last { lineStart = Int64(last + 1) }
        lineStart -= Int64(dropped.count)
        memoValid = false
    }

    /// Number of `\n` bytes and the offset of the last one.
    static func newlines(in bytes: UnsafeRawBufferPointer) -> (Int, Int?) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return (0, nil) }
        var count = 0
        var last: Int?
        var cursor = start
        let end = start + bytes.count
        while cursor < end, let found = memchr(cursor, 0x0a, end - cursor) {
            count += 1
            last = UnsafeRawPointer(found) - start
            cursor = UnsafeRawPointer(found) + 1
        }
        return (count, last)
    }
}
