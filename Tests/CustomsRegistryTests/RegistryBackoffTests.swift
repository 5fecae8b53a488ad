import CustomsTestSupport
import Foundation
import Testing

@testable import CustomsRegistry

/// Backoff between retries is a wait `cancel()` ends, not a sleep: a client told to stop gives up
/// its remaining waits at once.
@Suite(.tags(.registry)) struct RegistryBackoffTests {
    @Test func cancellingEndsTheBackoffWaits() throws {
        let folder = try TemporaryDirectory()
        // Answers 429/503 to its first 50 requests, asking to retry after 8 s; nothing behind it.
        let proxy = try TestServer.proxy(
            upstream: "http://127.0.0.1:9", arguments: ["--fail-first", "50", "--retry-after", "8"],
            log: folder.path("log"), in: folder)
        var options = RegistryOptions()
        options.insecureRegistries = [proxy.host]
        options.credentialStore = nil
        options.retries = 3
        // Three waits of 8 s each unless cancelled.
        let client = try RegistryClient(options: options)
        let reference = try #require(ImageReference(parsing: "\(proxy.host)/team/app:1"))
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { client.cancel() }
        let started = Date()
        #expect(throws: RegistryError.self) { _ = try client.fetch(reference, "manifests/1", limit: 1024) }
        #expect(Date().timeIntervalSince(started) < 6, "the backoff waits ended when the client was cancelled")
    }
}
