import CustomsArchive
import CustomsCore
import Foundation
import Synchronization
import Testing

@testable import CustomsWalker

/// The producer thread of the pipeline: it delivers every byte in order however the consumer
/// reads, passes on the producer's error, and stops when the consumer finishes early or goes away.
@Suite struct PipelinedByteSourceTests {
    /// Bytes 0, 1, 2, … (mod 251), `total` of them (nil: endless), in reads of at most `chunk`;
    /// counts its reads; throws after `failAfter` bytes when set.
    final class Numbers: ByteSource, Sendable {
        let total: Int?
        let chunk: Int
        let failAfter: Int?
        let position = Mutex(0)
        let reads = Mutex(0)

        init(total: Int?, chunk: Int = 3000, failAfter: Int? = nil) {
            self.total = total
            self.chunk = chunk
            self.failAfter = failAfter
        }

        struct Failure: Error {}

        func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            reads.withLock { $0 += 1 }
            return try position.withLock { position in
                if let failAfter, position >= failAfter { throw Failure() }
                let remaining = total.map { $0 - position } ?? Int.max
                let count = min(buffer.count, chunk, remaining)
                for index in 0..<count { buffer[index] = UInt8((position + index) % 251) }
                position += count
                return count
            }
        }
    }

    static func expected(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251) } }

    @Test func interleavedReadsAndLentBlocksDeliverEveryByteInOrder() throws {
        let total = 100_000
        let pipeline = PipelinedByteSource(Numbers(total: total), slots: 3, slotSize: 4096)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1000)
        var turn = 0
        while true {
            turn += 1
            if turn % 2 == 0 {
                let block = try pipeline.nextBlock()
                if block.isEmpty { break }
                received += block
            } else {
                let count = try buffer.withUnsafeMutableBytes { try pipeline.read(into: $0) }
                if count == 0 { break }
                received += buffer[..<count]
            }
        }
        #expect(received == Self.expected(total))
    }

    @Test func theHashingThreadHashesEveryByteTheConsumerRead() throws {
        let total = 300_007
        let pipeline = PipelinedByteSource(Numbers(total: total, chunk: 777), slots: 3, slotSize: 4096)
        var received: [UInt8] = []
        while true {
            let block = try pipeline.nextBlock()
            if block.isEmpty { break }
            received += block
        }
        var expected = StreamHasher()
        Self.expected(total).withUnsafeBytes { expected.update($0) }
        let hashed = try #require(pipeline.finishHashing())
        #expect(hashed.byteCount == Int64(total))
        #expect(hashed.finalize() == expected.finalize())
        #expect(received == Self.expected(total))
    }

    @Test func noHashIsGivenForAStreamThatFailedOrStoppedEarly() throws {
        let failing = PipelinedByteSource(
            Numbers(total: nil, chunk: 1000, failAfter: 5000), slots: 2, slotSize: 1000)
        #expect(throws: Numbers.Failure.self) { try failing.drain() }
        #expect(failing.finishHashing() == nil)
        let stopped = PipelinedByteSource(Numbers(total: 100_000), slots: 2, slotSize: 1000)
        _ = try stopped.nextBlock()
        stopped.finish()
        #expect(stopped.finishHashing() == nil)
    }

    @Test func theProducersErrorArrivesAfterItsBytes() throws {
        let pipeline = PipelinedByteSource(Numbers(total: nil, chunk: 1000, failAfter: 5000), slots: 2, slotSize: 1000)
        var received = 0
        var failed = false
        do {
            while true {
                let block = try pipeline.nextBlock()
                if block.isEmpty { break }
                received += block.count
            }
        } catch is Numbers.Failure {
            failed = true
        }
        #expect(failed)
        #expect(received == 5000)
    }

    @Test func finishingEarlyStopsAnEndlessProducer() throws {
        let source = Numbers(total: nil, chunk: 512)
        let pipeline = PipelinedByteSource(source, slots: 2, slotSize: 512)
        _ = try pipeline.nextBlock()
        pipeline.finish()
        let after = source.reads.withLock { $0 }
        Thread.sleep(forTimeInterval: 0.1)
        #expect(source.reads.withLock { $0 } == after, "the producer kept reading after finish()")
    }

    @Test func droppingTheConsumerEndsTheProducerThread() throws {
        weak var released: Numbers?
        do {
            let source = Numbers(total: nil, chunk: 512)
            released = source
            let pipeline = PipelinedByteSource(source, slots: 2, slotSize: 512)
            _ = try pipeline.nextBlock()
        }
        // At once: the producer thread lets go of the ring before `stop()` returns. (FuzzLayer's
        // leak check once ran while an exiting producer thread still held the input.)
        #expect(released == nil, "the producer thread still holds the source after its consumer is gone")
    }
}
