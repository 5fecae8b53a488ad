import CustomsArchive
import Foundation

/// Runs a producer stream (reading the blob and decompressing it) on its own thread, ahead of
/// the consumer (the tar walk and content scan), through a small ring of buffers, so
/// decompression and matching overlap on two cores. Memory stays bounded by `slots × slotSize`.
///
/// The producer's source chain is used only by the producer thread until `finish()` returns.
final class PipelinedByteSource: BlockByteSource {
    private struct Slot {
        var buffer: UnsafeMutableRawBufferPointer
        var count = 0
    }

    private let condition = NSCondition()
    private var ready: [Slot] = []
    private var free: [Slot]
    private var current: Slot?
    private var offset = 0
    private var producerDone = false
    private var producerError: (any Error)?
    private var cancelled = false
    private let stopped = DispatchSemaphore(value: 0)
    private var allSlots: [UnsafeMutableRawBufferPointer]

    /// Starts reading `producer` at once on a new thread.
    init(_ producer: ByteSource, slots: Int = 4, slotSize: Int = 1 << 20) {
        allSlots = (0..<slots).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: slotSize, alignment: 64) }
        free = allSlots.map { Slot(buffer: $0) }
        let thread = Thread { [self] in produce(producer) }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit {
        finish()
        allSlots.forEach { $0.deallocate() }
    }

    private func produce(_ producer: ByteSource) {
        defer { stopped.signal() }
        while true {
            condition.lock()
            while free.isEmpty && !cancelled { condition.wait() }
            if cancelled {
                condition.unlock()
                return
            }
            var slot = free.removeLast()
            condition.unlock()
            do {
                slot.count = try producer.read(into: slot.buffer)
            } catch {
                condition.lock()
                producerError = error
                producerDone = true
                free.append(slot)
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.lock()
            if slot.count == 0 {
                producerDone = true
                free.append(slot)
            } else {
                ready.append(slot)
            }
            condition.broadcast()
            condition.unlock()
            if slot.count == 0 { return }
        }
    }

    /// Waits for the next filled slot; false at the end of the stream.
    private func takeReadySlot() throws -> Bool {
        condition.lock()
        while ready.isEmpty && !producerDone { condition.wait() }
        if ready.isEmpty {
            let error = producerError
            condition.unlock()
            if let error { throw error }
            return false
        }
        current = ready.removeFirst()
        offset = 0
        condition.unlock()
        return true
    }

    /// Gives the current slot back to the producer.
    private func releaseCurrent() {
        guard let slot = current else { return }
        condition.lock()
        free.append(slot)
        current = nil
        condition.broadcast()
        condition.unlock()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let slot = current, offset == slot.count { releaseCurrent() }   // lent whole by nextBlock()
        if current == nil, try !takeReadySlot() { return 0 }
        let slot = current!
        let count = min(buffer.count, slot.count - offset)
        buffer.baseAddress!.copyMemory(from: slot.buffer.baseAddress! + offset, byteCount: count)
        offset += count
        if offset == slot.count { releaseCurrent() }
        return count
    }

    /// Lends the rest of the current slot, or the next one, without copying. The slot lent
    /// before is given back to the producer first.
    func nextBlock() throws -> UnsafeRawBufferPointer {
        if let slot = current, offset < slot.count {
            defer { offset = slot.count }
            return UnsafeRawBufferPointer(rebasing: slot.buffer[offset..<slot.count])
        }
        releaseCurrent()
        guard try takeReadySlot(), let slot = current else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        offset = slot.count
        return UnsafeRawBufferPointer(rebasing: slot.buffer[0..<slot.count])
    }

    /// Stops the producer (if still running) and waits for its thread to end. After this the
    /// producer's source chain may be used again by the caller.
    func finish() {
        condition.lock()
        let alreadyStopped = cancelled
        cancelled = true
        condition.broadcast()
        condition.unlock()
        if !alreadyStopped { stopped.wait() }
    }
}
