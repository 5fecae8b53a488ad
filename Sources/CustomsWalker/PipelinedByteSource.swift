import CustomsArchive
import CustomsCore
import Foundation

/// Runs a producer stream (reading a blob, or decompressing it) on its own thread, ahead of its
/// consumer (the decompressor, or the tar walk and content scan), through a small ring of
/// buffers, so the stages overlap. Another thread hashes each filled buffer (the blob's digest,
/// the tar's diffID) while the consumer reads it, so SHA-256 is on neither's path.
/// Memory stays bounded by `slots × slotSize`.
///
/// The threads hold only the ring, never this object: dropping the consumer (or `finish()`)
/// stops them and waits for them to end. The producer's source chain is used only by its thread
/// until then.
public final class PipelinedByteSource: BlockByteSource {
    private let ring: PipelineRing
    /// The slot the consumer holds, and how much of it was handed out.
    private var current: PipelineRing.Filled?
    private var offset = 0

    /// Starts reading `producer` at once on a new thread, and hashing what it reads on another.
    public init(_ producer: ByteSource, slots: Int = 4, slotSize: Int = 1 << 20) {
        ring = PipelineRing(producer: producer, slots: slots, slotSize: slotSize)
        Self.start(ring) { $0.produce(releasing: $1) }
        Self.start(ring) { $0.hash(releasing: $1) }
    }

    /// Runs `work` on a new thread holding a reference of its own to `ring`, which `work` gives back
    /// before it reports that it stopped: once `stop()` returns, nothing but this object holds the
    /// ring and the source chain (the fuzzer's leak check saw an exiting thread still owning them).
    private static func start(
        _ ring: PipelineRing, _ work: @escaping @Sendable (PipelineRing, Unmanaged<PipelineRing>) -> Void
    ) {
        let reference = Unmanaged.passRetained(ring)
        // Borrowed, not retained, for the call: `takeUnretainedValue()` would hold a +1 until after
        // `work` returns, that is after `stop()` may have returned.
        let thread = Thread { reference._withUnsafeGuaranteedRef { work($0, reference) } }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit { ring.stop() }

    /// Gives the current slot back to the producer.
    private func releaseCurrent() {
        guard let slot = current else { return }
        current = nil
        ring.release(slot.index)
    }

    /// Waits for the next filled slot; false at the end of the stream.
    private func takeReadySlot() throws -> Bool {
        guard let slot = try ring.take() else { return false }
        current = slot
        offset = 0
        return true
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let slot = current, offset == slot.count { releaseCurrent() }  // lent whole by nextBlock()
        if current == nil, try !takeReadySlot() { return 0 }
        guard let slot = current else { return 0 }
        let count = min(buffer.count, slot.count - offset)
        buffer.baseAddress!.copyMemory(from: ring.buffers[slot.index].baseAddress! + offset, byteCount: count)
        offset += count
        if offset == slot.count { releaseCurrent() }
        return count
    }

    /// Lends the rest of the current slot, or the next one, without copying. The slot lent
    /// before is given back to the producer first.
    public func nextBlock() throws -> UnsafeRawBufferPointer {
        if let slot = current, offset < slot.count {
            defer { offset = slot.count }
            return UnsafeRawBufferPointer(rebasing: ring.buffers[slot.index][offset..<slot.count])
        }
        releaseCurrent()
        guard try takeReadySlot(), let slot = current else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        offset = slot.count
        return UnsafeRawBufferPointer(rebasing: ring.buffers[slot.index][0..<slot.count])
    }

    /// Bytes the producer has given so far.
    public var producedByteCount: Int64 { ring.producedByteCount }

    /// The SHA-256 of every byte the producer gave, once the consumer has read them all (nil when
    /// the stream failed or stopped early).
    public func finishHashing() -> StreamHasher? { ring.waitForHash() }

    /// Stops the threads (if still running) and waits for them to end. After this the producer's
    /// source chain may be used again by the caller.
    public func finish() { ring.stop() }
}

/// The buffers between a producer thread, its consumer and the hashing thread, and the lists that
/// say who holds which. `@unchecked Sendable` because the compiler cannot see what makes it safe:
/// the lists and flags live in `state` (behind its lock); a slot's buffer is written only by the
/// producer that took its index from `free`, and read by the consumer and the hasher until both
/// let go of it; `producer` is used by the producer thread only and `hasher` by the hashing
/// thread only, until `stop()` or `waitForHash()` returns.
final class PipelineRing: @unchecked Sendable {
    /// A slot the producer filled.
    struct Filled {
        var index: Int
        var count: Int
    }

    private struct State {
        var ready: [Filled] = []
        /// Filled slots the hashing thread has not hashed yet, in order.
        var unhashed: [Filled] = []
        /// Per slot: how many of the consumer and the hasher still hold it.
        var holders: [Int]
        var free: [Int]
        var produced: Int64 = 0
        var producerDone = false
        var producerError: (any Error)?
        var cancelled = false
        var running: Int
        /// True once the hasher hashed the whole stream.
        var hashedAll = false
    }

    let buffers: [UnsafeMutableRawBufferPointer]
    private let producer: ByteSource
    private var hasher = StreamHasher()
    private let state: Guarded<State>

    init(producer: ByteSource, slots: Int, slotSize: Int) {
        self.producer = producer
        buffers = (0..<slots).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: slotSize, alignment: 64) }
        state = Guarded(
            State(holders: Array(repeating: 0, count: slots), free: Array(buffers.indices), running: 2))
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// The producer thread's loop: fill free slots until the stream ends, fails, or is cancelled.
    /// `reference` is the thread's retain of this ring, released just before the thread says it has
    /// stopped (the consumer holds the ring until then).
    func produce(releasing reference: Unmanaged<PipelineRing>) {
        defer { stopped(releasing: reference) }
        while true {
            let next = state.withLock(waitingUntil: { !$0.free.isEmpty || $0.cancelled }) { state in
                state.cancelled ? nil : state.free.removeLast()
            }
            guard let index = next else { return }
            let result = Result { try producer.read(into: buffers[index]) }
            let more = state.withLock { state -> Bool in
                switch result {
                case .success(let count) where count > 0:
                    let slot = Filled(index: index, count: count)
                    state.ready.append(slot)
                    state.produced += Int64(count)
                    state.unhashed.append(slot)
                    state.holders[index] = 2
                    return true
                case .success:
                    state.producerDone = true
                case .failure(let error):
                    state.producerError = error
                    state.producerDone = true
                }
                state.free.append(index)
                return false
            }
            if !more { return }
        }
    }

    /// The hashing thread's loop: hash filled slots in order until the stream ends or is cancelled.
    func hash(releasing reference: Unmanaged<PipelineRing>) {
        defer { stopped(releasing: reference) }
        while true {
            let next = state.withLock(waitingUntil: { !$0.unhashed.isEmpty || $0.producerDone || $0.cancelled }) {
                state -> Filled? in
                if state.cancelled || state.unhashed.isEmpty {
                    state.hashedAll = !state.cancelled && state.producerError == nil
                    return nil
                }
                return state.unhashed.removeFirst()
            }
            guard let slot = next else { return }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffers[slot.index][0..<slot.count]))
            release(slot.index)
        }
    }

    /// A thread's last act: give back its reference, then say it stopped.
    private func stopped(releasing reference: Unmanaged<PipelineRing>) {
        reference.release()
        state.withLock { $0.running -= 1 }
    }

    /// The next filled slot; nil at the end of the stream. Throws what the producer threw.
    func take() throws -> Filled? {
        let next: Result<Filled?, any Error> = state.withLock(waitingUntil: { !$0.ready.isEmpty || $0.producerDone }) {
            if !$0.ready.isEmpty { return .success($0.ready.removeFirst()) }
            return $0.producerError.map { .failure($0) } ?? .success(nil)
        }
        return try next.get()
    }

    /// Lets go of a slot the consumer or the hasher held; free again once neither holds it.
    func release(_ index: Int) {
        state.withLock { state in
            state.holders[index] -= 1
            if state.holders[index] == 0 { state.free.append(index) }
        }
    }

    /// Bytes the producer has given so far.
    var producedByteCount: Int64 { state.withLock { $0.produced } }

    /// Waits for the hashing thread to end; its hash when it hashed the whole stream.
    func waitForHash() -> StreamHasher? {
        let complete = state.withLock(waitingUntil: { $0.hashedAll || $0.cancelled || $0.running == 0 }) {
            $0.hashedAll
        }
        // The hasher said it is done; wait for it to have left, so `hasher` is ours to read.
        stop()
        return complete ? hasher : nil
    }

    /// Cancels the threads and waits until they have left their loops.
    func stop() {
        state.withLock { $0.cancelled = true }
        state.withLock(waitingUntil: { $0.running == 0 }) { _ in }
    }
}
