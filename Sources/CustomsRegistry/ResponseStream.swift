import AsyncHTTPClient
import CustomsArchive
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP response read as a blocking `ByteSource`: the event loop pushes body parts into a
/// bounded buffer and the scanning thread pulls them. When the buffer is full the event loop is
/// told to wait (backpressure), so memory stays bounded however large the blob. At most `limit`
/// bytes are delivered; past that, or when the reader lets go of the stream early, the request
/// is cancelled.
final class ResponseStream: ByteSource, @unchecked Sendable {
    /// Bytes buffered before the network is paused.
    static let capacity = 4 << 20

    /// Shared with the event loop's delegate; the stream itself is owned by the reader only,
    /// so releasing it cancels a transfer nobody reads any more.
    private let buffer: Buffer
    /// Names the request in errors (no query, no credentials).
    let label: String

    init(label: String, limit: Int64?) {
        self.label = label
        buffer = Buffer(limit: limit)
    }

    deinit { buffer.cancel() }

    /// Starts the request; returns once the response head arrives.
    /// - Throws: the transport error when no head arrives (refused, reset, TLS, timeout).
    func start(_ client: HTTPClient, _ request: HTTPClient.Request, deadline: NIODeadline?) throws -> HTTPResponseHead {
        let task = client.execute(request: request, delegate: Delegate(buffer: buffer), deadline: deadline)
        task.futureResult.whenComplete { [buffer] result in
            if case .failure(let error) = result { buffer.ended(error) } else { buffer.ended(nil) }
        }
        if let head = try buffer.waitForHead(task: task) { return head }
        throw RegistryError(.transport, "\(label): the connection closed before a response")
    }

    func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try buffer.read(into: destination)
        } catch {
            throw RegistryError(.transport, "\(label): \(Self.describe(error)) after \(buffer.deliveredCount) bytes")
        }
    }

    /// Stops the transfer (the rest of the body is not wanted).
    func cancel() { buffer.cancel() }

    /// A transport error in words (NIO's descriptions are type names).
    static func describe(_ error: Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .remoteConnectionClosed: return "the registry closed the connection mid-transfer"
            case .readTimeout: return "timed out waiting for data"
            case .connectTimeout: return "timed out connecting"
            case .deadlineExceeded: return "the request took too long"
            case .cancelled: return "cancelled"
            default: return "\(error)"
            }
        }
        if error is HTTPParserError { return "the connection ended before the whole body arrived" }
        let text = "\(error)"
        if let range = text.range(of: "OPENSSL_internal:") {
            let reason = text[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            return "TLS handshake failed (\(reason))"
        }
        if let range = text.range(of: "): ", options: .backwards), text.contains("errno") {
            return String(text[range.upperBound...].prefix { $0 != ")" })
        }
        return text
    }

    /// The bounded queue between the event loop (producer) and the reading thread (consumer).
    private final class Buffer: @unchecked Sendable {
        private let condition = NSCondition()
        private var head: HTTPResponseHead?
        private var parts: [ByteBuffer] = []
        private var buffered = 0
        private var finished = false
        private var failure: Error?
        private var resume: EventLoopPromise<Void>?
        private var task: HTTPClient.Task<Void>?
        private var delivered: Int64 = 0
        private let limit: Int64?

        init(limit: Int64?) { self.limit = limit }

        var deliveredCount: Int64 { condition.withLock { delivered } }

        func waitForHead(task: HTTPClient.Task<Void>) throws -> HTTPResponseHead? {
            condition.lock()
            defer { condition.unlock() }
            self.task = task
            while head == nil && failure == nil && !finished { condition.wait() }
            if let head { return head }
            if let failure { throw failure }
            return nil
        }

        func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
            condition.lock()
            while parts.isEmpty && !finished && failure == nil { condition.wait() }
            if parts.isEmpty {
                defer { condition.unlock() }
                if let failure { throw failure }
                return 0
            }
            var count = min(destination.count, parts[0].readableBytes)
            if let limit { count = Int(min(Int64(count), limit - delivered)) }
            parts[0].withUnsafeReadableBytes { bytes in destination.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: count) }
            parts[0].moveReaderIndex(forwardBy: count)
            if parts[0].readableBytes == 0 { parts.removeFirst() }
            buffered -= count
            delivered += Int64(count)
            var wake: EventLoopPromise<Void>?
            if buffered <= ResponseStream.capacity / 2 { wake = resume; resume = nil }
            let reachedLimit = limit.map { delivered >= $0 } ?? false
            condition.unlock()
            wake?.succeed(())
            if reachedLimit { cancel() }
            return count
        }

        func cancel() {
            condition.lock()
            let task = self.task, wake = resume
            resume = nil
            finished = true
            parts.removeAll()
            condition.broadcast()
            condition.unlock()
            wake?.succeed(())
            task?.cancel()
        }

        func received(head: HTTPResponseHead) {
            condition.withLock {
                self.head = head
                condition.broadcast()
            }
        }

        func received(part: ByteBuffer, on loop: EventLoop) -> EventLoopFuture<Void> {
            condition.lock()
            defer { condition.broadcast(); condition.unlock() }
            guard !finished else { return loop.makeSucceededVoidFuture() }
            parts.append(part)
            buffered += part.readableBytes
            guard buffered > ResponseStream.capacity else { return loop.makeSucceededVoidFuture() }
            let promise = loop.makePromise(of: Void.self)
            resume = promise
            return promise.futureResult
        }

        func ended(_ error: Error?) {
            condition.lock()
            if let error, !finished, failure == nil { failure = error }
            finished = true
            let wake = resume
            resume = nil
            condition.broadcast()
            condition.unlock()
            wake?.succeed(())
        }
    }

    private final class Delegate: HTTPClientResponseDelegate {
        typealias Response = Void
        let buffer: Buffer
        init(buffer: Buffer) { self.buffer = buffer }

        func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
            buffer.received(head: head)
            return task.eventLoop.makeSucceededVoidFuture()
        }

        func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
            buffer.received(part: part, on: task.eventLoop)
        }

        func didReceiveError(task: HTTPClient.Task<Void>, _ error: Error) { buffer.ended(error) }

        func didFinishRequest(task: HTTPClient.Task<Void>) throws { buffer.ended(nil) }
    }
}
