private import CPCRE2

/// Per-task PCRE2 match state: match data, a match context carrying the match/depth/heap
/// limits, and a JIT stack. Not thread-safe: create one per task and reuse it for every match.
public final class MatchScratch {
    /// Groups per match data block (whole match included).
    static let maxGroups = 64

    /// Resource limits for one match attempt; hitting one is reported, never treated as no match.
    public struct Limits: Sendable {
        public var matchLimit: UInt32 = 2_000_000
        public var depthLimit: UInt32 = 10_000
        /// KiB of heap for backtracking.
        public var heapLimitKiB: UInt32 = 64 * 1024
        public var jitStackBytes: Int = 1 << 20
        public init() {}
    }

    let matchData: OpaquePointer
    let matchContext: OpaquePointer
    private let jitStack: OpaquePointer

    public init(limits: Limits = Limits()) {
        matchData = pcre2_match_data_create_8(UInt32(Self.maxGroups), nil)!
        matchContext = pcre2_match_context_create_8(nil)!
        jitStack = pcre2_jit_stack_create_8(32 * 1024, limits.jitStackBytes, nil)!
        pcre2_set_match_limit_8(matchContext, limits.matchLimit)
        pcre2_set_depth_limit_8(matchContext, limits.depthLimit)
        pcre2_set_heap_limit_8(matchContext, limits.heapLimitKiB)
        pcre2_jit_stack_assign_8(matchContext, nil, UnsafeMutableRawPointer(jitStack))
    }

    deinit {
        pcre2_jit_stack_free_8(jitStack)
        pcre2_match_context_free_8(matchContext)
        pcre2_match_data_free_8(matchData)
    }
}
