private import CVectorscan
import Foundation

/// Every rule's keywords compiled into one Vectorscan literal database, scanned once per chunk
/// so PCRE2 runs only near candidate positions. Immutable after init and shared across tasks;
/// each task brings its own `PrefilterScratch`.
///
/// `@unchecked Sendable`: it holds a C database pointer, which the compiler cannot check;
/// Vectorscan documents a compiled database as read-only and shareable across threads, and
/// nothing here writes to it after `init`.
public final class Prefilter: @unchecked Sendable {
    /// One keyword and the id reported when it is seen.
    public struct Literal: Sendable {
        public var id: UInt32
        public var text: String
        public var caseless: Bool
        public init(id: UInt32, text: String, caseless: Bool = true) {
            self.id = id
            self.text = text
            self.caseless = caseless
        }
    }

    /// The id of the sentinel literal (`forText`), whose hits are never reported.
    static let sentinelID = UInt32.max
    /// Two bytes text almost never holds. With hundreds of literals of 3 bytes and more, a
    /// literal this short makes Vectorscan pick a matcher that scans text about a third faster
    /// (measured over 64 MB of a Debian root's text: 881 keywords 64 ms, with it 41 ms), and
    /// binary a little slower, so only databases for text carry it.
    static let sentinel = Literal(id: sentinelID, text: "\u{1}\u{2}", caseless: false)

    /// Where a database came from: what a start costs (compiling takes tens of milliseconds).
    public enum Origin: Sendable {
        /// Compiled by this process.
        case compiled
        /// Loaded from a `PrefilterStore` this machine filled.
        case stored
        /// Built into the binary at build time (`portable(literals:forText:)`).
        case builtin
    }

    private let database: OpaquePointer
    /// Where this database came from.
    public let origin: Origin

    /// - Parameters:
    ///   - store: where databases compiled before are kept (compiling takes tens of milliseconds,
    ///     much of a rescan served from the layer cache); nil compiles every time.
    ///   - builtin: databases built into the binary for its own rules, by `portableKey`; asked first.
    ///   - forText: the database scans text (no NUL byte): tune it for text with the sentinel.
    /// - Throws: `RegexError` when the set is empty or Vectorscan refuses it.
    public init(
        literals: [Literal], store: (any PrefilterStore)? = nil, builtin: (any PrefilterStore)? = nil,
        forText: Bool = false
    ) throws {
        let literals = try Self.prepared(literals, forText: forText)
        if let stored = builtin?.load(Self.portableKey(literals)), let database = Self.deserialize(stored) {
            self.database = database
            origin = .builtin
            return
        }
        let key = Self.storeKey(literals, platform: Self.hostPlatform)
        if let stored = store?.load(key), let database = Self.deserialize(stored) {
            self.database = database
            origin = .stored
            return
        }
        database = try Self.compile(literals, platform: nil)
        origin = .compiled
        if let store, let bytes = Self.serialize(database) { store.save(bytes, as: key) }
    }

    /// A database of `literals` for every CPU of this architecture Vectorscan runs on (generic
    /// tuning, no optional instruction set: keyword matching scans as fast without them), and the
    /// key `init(literals:builtin:)` looks it up by. The build compiles the built-in rules' with it.
    public static func portable(literals: [Literal], forText: Bool) throws -> (key: String, database: Data) {
        let literals = try prepared(literals, forText: forText)
        var platform = hs_platform_info_t()
        platform.tune = UInt32(HS_TUNE_FAMILY_GENERIC)
        let database = try compile(literals, platform: &platform)
        defer { hs_free_database(database) }
        guard let bytes = serialize(database) else { throw RegexError("keyword prefilter does not serialize") }
        return (portableKey(literals), bytes)
    }

    /// The literals a database holds: `literals`, and for text the sentinel.
    private static func prepared(_ literals: [Literal], forText: Bool) throws -> [Literal] {
        guard !literals.isEmpty else { throw RegexError("prefilter needs at least one keyword") }
        return forText ? literals + [sentinel] : literals
    }

    private static func compile(
        _ literals: [Literal], platform: UnsafePointer<hs_platform_info_t>?
    ) throws -> OpaquePointer {
        let texts = literals.map { Array($0.text.utf8CString) }
        var flags = literals.map { $0.caseless ? UInt32(HS_FLAG_CASELESS) : 0 }
        var ids = literals.map(\.id)
        var lengths = literals.map { $0.text.utf8.count }
        var database: OpaquePointer?
        var compileError: UnsafeMutablePointer<hs_compile_error_t>?
        let pointers = texts.map { text in text.withUnsafeBufferPointer { UnsafePointer(strdup($0.baseAddress!)) } }
        defer {
            for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) }
        }
        let status = pointers.withUnsafeBufferPointer { expressions in
            hs_compile_lit_multi(
                expressions.baseAddress, &flags, &ids, &lengths, UInt32(literals.count),
                UInt32(HS_MODE_BLOCK), platform, &database, &compileError)
        }
        guard status == HS_SUCCESS, let database else {
            let message = compileError.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "status \(status)"
            if let compileError { hs_free_compile_error(compileError) }
            throw RegexError("keyword prefilter does not compile: \(message)")
        }
        return database
    }

    /// Names a database by everything that shapes it: the Vectorscan version, the CPU it was
    /// tuned for, and every literal with its id and flags.
    private static func storeKey(_ literals: [Literal], platform: String) -> String {
        var key = "vectorscan \(String(cString: hs_version())) \(platform) block\n"
        for literal in literals {
            key += "\(literal.id) \(literal.caseless ? "i" : "-") \(literal.text.utf8.count) \(literal.text)\n"
        }
        return key
    }

    /// This machine's CPU, as Vectorscan tunes for it.
    private static let hostPlatform: String = {
        var platform = hs_platform_info_t()
        _ = hs_populate_platform(&platform)
        return "tune \(platform.tune) features \(platform.cpu_features)"
    }()

    /// The key of a `portable` database: the architecture the code was compiled for (a database
    /// built for another is never offered to this one), no CPU features.
    static func portableKey(_ literals: [Literal]) -> String {
        #if arch(x86_64)
            let architecture = "x86_64"
        #elseif arch(arm64)
            let architecture = "arm64"
        #else
            let architecture = "other"
        #endif
        return storeKey(literals, platform: "portable \(architecture)")
    }

    private static func serialize(_ database: OpaquePointer) -> Data? {
        var bytes: UnsafeMutablePointer<CChar>?
        var length = 0
        guard hs_serialize_database(database, &bytes, &length) == HS_SUCCESS, let bytes else { return nil }
        defer { free(bytes) }
        return Data(bytes: bytes, count: length)
    }

    /// The database in `data`, or nil when Vectorscan does not accept it (another version or CPU).
    private static func deserialize(_ data: Data) -> OpaquePointer? {
        var database: OpaquePointer?
        let status = data.withUnsafeBytes { raw in
            hs_deserialize_database(raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &database)
        }
        guard status == HS_SUCCESS, let database else { return nil }
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(database, &scratch) == HS_SUCCESS, let scratch else {
            hs_free_database(database)
            return nil
        }
        hs_free_scratch(scratch)
        return database
    }

    deinit { hs_free_database(database) }

    /// Allocates the per-task scratch for this database.
    public func makeScratch() -> PrefilterScratch { PrefilterScratch(database: database) }

    /// Reports every keyword occurrence in `buffer` into `scratch.hits` as (id, end offset),
    /// stopping at `scratch.maxHits`.
    /// - Returns: false when the hit cap stopped the scan early (callers then widen their search).
    public func scan(_ buffer: UnsafeRawBufferPointer, scratch: PrefilterScratch) -> Bool {
        scratch.hits.removeAll(keepingCapacity: true)
        scratch.saturated = false
        guard buffer.count > 0 else { return true }
        let context = Unmanaged.passUnretained(scratch).toOpaque()
        let status = hs_scan(
            database, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), UInt32(buffer.count),
            0, scratch.scratch,
            { id, _, to, _, context in
                guard id != Prefilter.sentinelID else { return 0 }
                let scratch = Unmanaged<PrefilterScratch>.fromOpaque(context!).takeUnretainedValue()
                if scratch.hits.count >= scratch.maxHits {
                    scratch.saturated = true
                    return 1
                }
                scratch.hits.append(PrefilterScratch.Hit(id: id, end: Int(to)))
                return 0
            }, context)
        return status == HS_SUCCESS && !scratch.saturated
    }
}

/// Keeps compiled prefilters between runs. `load` must return exactly the bytes saved under
/// `key` (or nil): Vectorscan checks a database's header, not its body.
public protocol PrefilterStore: Sendable {
    func load(_ key: String) -> Data?
    func save(_ data: Data, as key: String)
}

/// Per-task Vectorscan scratch and the hit list of the last scan. Not thread-safe.
public final class PrefilterScratch {
    /// A keyword seen ending at byte offset `end` (exclusive).
    public struct Hit: Sendable {
        public var id: UInt32
        public var end: Int
    }

    fileprivate let scratch: OpaquePointer
    /// Hits of the last `Prefilter.scan`, in order of position.
    public fileprivate(set) var hits: [Hit] = []
    fileprivate var saturated = false
    /// The most hits one scan records before giving up on positions.
    public let maxHits = 1 << 16

    fileprivate init(database: OpaquePointer) {
        var scratch: OpaquePointer?
        precondition(hs_alloc_scratch(database, &scratch) == HS_SUCCESS, "Vectorscan scratch allocation failed")
        self.scratch = scratch!
        hits.reserveCapacity(1024)
    }

    deinit { hs_free_scratch(scratch) }
}
