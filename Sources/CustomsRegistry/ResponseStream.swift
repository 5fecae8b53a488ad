import AsyncHTTPClient
import CustomsArchive
import CustomsCore
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP response read as a blocking `ByteSource`: the event loop pushes body parts into a
/// bounded buffer and the scanning thread pulls them. When the buffer is full the event loop is
/// told to wait (backpressure), so memory stays bounded however large the blob. At most `limit`
/// bytes are delivered; past that, or when the reader lets go of the stream early, the request
/// is cancelled.
package final class ResponseStream: ByteSource {
    /// Bytes buffered before the network is paused.
    static let capacity = 4 << 20

    /// Shared with the event loop's delegate; the stream itself is owned by the reader only,
    /// so releasing it cancels a transfer nobody reads any more.
    private let buffer: Buffer
    /// Names the request in errors (no query, no credentials).
    let label: String

    package init(label: String, limit: Int64?) {
        self.label = label
        buffer = Buffer(limit: limit)
    }

    deinit { buffer.cancel() }

    /// Starts the request; returns once the response head arrives.
    /// - Throws: the transport error when no head arrives (refused, reset, TLS, timeout).
    package func start(_ client: HTTPClient, _ request: HTTPClient.Request, deadline: NIODeadline?) throws
        -> HTTPResponseHead
    {
        let task = client.execute(request: request, delegate: Delegate(buffer: buffer), deadline: deadline)
        task.futureResult.whenComplete { [buffer] result in
            if case .failure(let error) = result { buffer.ended(error) } else { buffer.ended(nil) }
        }
        if let head = try buffer.waitForHead(task: task) { return head }
        throw RegistryError(.transport, "\(label): the connection closed before a response")
    }

    package func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try buffer.read(into: destination)
        } catch {
            throw RegistryError(.transport, "\(label): \(Self.describe(error)) after \(buffer.deliveredCount) bytes")
        }
    }

    /// Stops the transfer (the rest of the body is not wanted).
    package func cancel() { buffer.cancel() }

    /// A transport error in words (NIO's descriptions are type names).
    package static func describe(_ error: Error) -> String {
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
    private final class Buffer: Sendable {
        private struct State {
            var head: HTTPResponseHead?
            var parts: [ByteBuffer] = []
            var buffered = 0
            var finished = false
            var failure: (any Error)?
            var resume: EventLoopPromise<Void>?
            var task: HTTPClient.Task<Void>?
            var delivered: Int64 = 0
        }

        private let state = Guarded(State())
        private let limit: Int64?

        init(limit: Int64?) { self.limit = limit }

        var deliveredCount: Int64 { state.withLock { $0.delivered } }

        func waitForHead(task: HTTPClient.Task<Void>) throws -> HTTPResponseHead? {
            state.withLock { $0.task = task }
            let outcome: Result<HTTPResponseHead?, any Error> = state.withLock(
                waitingUntil: { $0.head != nil || $0.failure != nil || $0.finished }
            ) { state in
                if let head = state.head { return .success(head) }
                return state.failure.map { .failure($0) } ?? .success(nil)
            }
            return try outcome.get()
        }

        func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
            let limit = self.limit
            let outcome = state.withLock(waitingUntil: { !$0.parts.isEmpty || $0.finished || $0.failure != nil }) {
                state -> Result<(count: Int, wake: EventLoopPromise<Void>?, reachedLimit: Bool), any Error> in
                if state.parts.isEmpty {
                    return state.failure.map { .failure($0) } ?? .success((0, nil, false))
                }
                var count = min(destination.count, state.parts[0].readableBytes)
                if let limit { count = Int(min(Int64(count), limit - state.delivered)) }
                state.parts[0].withUnsafeReadableBytes { bytes in
                    destination.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: count)
                }
                state.parts[0].moveReaderIndex(forwardBy: count)
                if state.parts[0].readableBytes == 0 { state.parts.removeFirst() }
                state.buffered -= count
                state.delivered += Int64(count)
                var wake: EventLoopPromise<Void>?
                if state.buffered <= ResponseStream.capacity / 2 {
                    wake = state.resume
                    state.resume = nil
                }
                return .success((count, wake, limit.map { state.delivered >= $0 } ?? false))
            }
            let (count, wake, reachedLimit) = try outcome.get()
            wake?.succeed(())
            if reachedLimit { cancel() }
            return count
        }

        func cancel() {
            let (task, wake) = state.withLock { state in
                defer {
                    state.resume = nil
                    state.finished = true
                    state.parts.removeAll()
                }
                return (state.task, state.resume)
            }
            wake?.succeed(())
            task?.cancel()
        }

        func received(head: HTTPResponseHead) { state.withLock { $0.head = head } }

        func received(part: ByteBuffer, on loop: EventLoop) -> EventLoopFuture<Void> {
            state.withLock { state in
                guard !state.finished else { return loop.makeSucceededVoidFuture() }
                state.parts.append(part)
                state.buffered += part.readableBytes
                guard state.buffered > ResponseStream.capacity else { return loop.makeSucceededVoidFuture() }
                let promise = loop.makePromise(of: Void.self)
                state.resume = promise
                return promise.futureResult
            }
        }

        func ended(_ error: (any Error)?) {
            let wake = state.withLock { state in
                if let error, !state.finished, state.failure == nil { state.failure = error }
                state.finished = true
                defer { state.resume = nil }
                return state.resume
            }
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
