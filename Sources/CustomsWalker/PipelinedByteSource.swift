import CustomsArchive
import CustomsCore
import Foundation

/// Runs a producer stream (reading the blob and decompressing it) on its own thread, ahead of
/// the consumer (the tar walk and content scan), through a small ring of buffers, so
/// decompression and matching overlap on two cores. Memory stays bounded by `slots × slotSize`.
///
/// The producer thread holds only the ring, never this object: dropping the consumer (or
/// `finish()`) stops the producer and waits for its thread to end. The producer's source chain
/// is used only by that thread until then.
final class PipelinedByteSource: BlockByteSource {
    private let ring: PipelineRing
    /// The slot the consumer holds, and how much of it was handed out.
    private var current: PipelineRing.Filled?
    private var offset = 0

    /// Starts reading `producer` at once on a new thread.
    init(_ producer: ByteSource, slots: Int = 4, slotSize: Int = 1 << 20) {
        ring = PipelineRing(producer: producer, slots: slots, slotSize: slotSize)
        // The thread's own reference, given back before it reports that it stopped: once `stop()`
        // returns, nothing but this object holds the ring and the source chain (no thread teardown
        // still owns the bytes; the fuzzer's leak check saw that as a leak).
        let threadReference = Unmanaged.passRetained(ring)
        // Borrowed, not retained, for the call: `takeUnretainedValue()` would hold a +1 until after
        // `produce` returns, that is after `stop()` may have returned.
        let thread = Thread { threadReference._withUnsafeGuaranteedRef { $0.produce(releasing: threadReference) } }
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

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
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
    func nextBlock() throws -> UnsafeRawBufferPointer {
        if let slot = current, offset < slot.count {
            defer { offset = slot.count }
            return UnsafeRawBufferPointer(rebasing: ring.buffers[slot.index][offset..<slot.count])
        }
        releaseCurrent()
        guard try takeReadySlot(), let slot = current else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        offset = slot.count
        return UnsafeRawBufferPointer(rebasing: ring.buffers[slot.index][0..<slot.count])
    }

    /// Stops the producer (if still running) and waits for its thread to end. After this the
    /// producer's source chain may be used again by the caller.
    func finish() { ring.stop() }
}

/// The buffers between a producer thread and its consumer, and the lists that say who holds
/// which. `@unchecked Sendable` because the compiler cannot see what makes it safe: the lists
/// and flags live in `state` (behind its lock); a slot's buffer belongs to whichever side took
/// its index from `free` (the producer) or `ready` (the consumer); `producer` is used by the
/// producer thread only, until `stop()` returns.
final class PipelineRing: @unchecked Sendable {
    /// A slot the producer filled.
    struct Filled {
        var index: Int
        var count: Int
    }

    private struct State {
        var ready: [Filled] = []
        var free: [Int]
        var producerDone = false
        var producerError: (any Error)?
        var cancelled = false
        var running = true
    }

    let buffers: [UnsafeMutableRawBufferPointer]
    private let producer: ByteSource
    private let state: Guarded<State>

    init(producer: ByteSource, slots: Int, slotSize: Int) {
        self.producer = producer
        buffers = (0..<slots).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: slotSize, alignment: 64) }
        state = Guarded(State(free: Array(buffers.indices)))
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// The producer thread's loop: fill free slots until the stream ends, fails, or is cancelled.
    /// `reference` is the thread's retain of this ring, released just before the thread says it has
    /// stopped (the consumer holds the ring until then).
    func produce(releasing reference: Unmanaged<PipelineRing>) {
        defer {
            reference.release()
            state.withLock { $0.running = false }
        }
        while true {
            let next = state.withLock(waitingUntil: { !$0.free.isEmpty || $0.cancelled }) { state in
                state.cancelled ? nil : state.free.removeLast()
            }
            guard let index = next else { return }
            let result = Result { try producer.read(into: buffers[index]) }
            let more = state.withLock { state -> Bool in
                switch result {
                case .success(let count) where count > 0:
                    state.ready.append(Filled(index: index, count: count))
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

    /// The next filled slot; nil at the end of the stream. Throws what the producer threw.
    func take() throws -> Filled? {
        let next: Result<Filled?, any Error> = state.withLock(waitingUntil: { !$0.ready.isEmpty || $0.producerDone }) {
            if !$0.ready.isEmpty { return .success($0.ready.removeFirst()) }
            return $0.producerError.map { .failure($0) } ?? .success(nil)
        }
        return try next.get()
    }

    /// Gives a slot the consumer took back to the producer.
    func release(_ index: Int) { state.withLock { $0.free.append(index) } }

    /// Cancels the producer and waits until its thread has left `produce()`.
    func stop() {
        state.withLock { $0.cancelled = true }
        state.withLock(waitingUntil: { !$0.running }) { _ in }
    }
}
