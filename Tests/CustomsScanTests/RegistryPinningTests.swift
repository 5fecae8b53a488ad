import CustomsCore
import CustomsRegistry
import CustomsScan
import CustomsTestSupport
import Foundation
import Synchronization
import Testing

/// A redirect target's name is resolved once, checked, and the connection goes to the address
/// checked: a name that answers differently the next time (DNS rebinding) cannot move it.
@Suite(.tags(.registry)) struct RegistryPinningTests {
    /// A name no system resolver knows (`.test` is reserved), so only the pinned address reaches it.
    static let rebinding = "rebind.customs.test"

    /// Blob requests to a proxy of the shared registry answer with a redirect to `rebinding`.
    static func redirectingProxy(in folder: TemporaryDirectory) throws -> (TestServer, ImageSpec, String) {
        let registry = try SourceConformanceTests.sharedRegistry()
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        _ = try registry.open(spec)
        let proxy = try TestServer.proxy(
            upstream: "http://\(registry.server.host)",
            arguments: ["--redirect-blobs", "http://\(rebinding):\(registry.server.port)"],
            log: folder.path("proxy.log"), in: folder)
        return (proxy, spec, "\(proxy.host)/conformance/\(spec.name):latest")
    }

    static func source(proxy: TestServer, resolve: @escaping @Sendable (String) -> [String]) throws -> RegistrySource {
        var options = RegistryOptions()
        options.insecureRegistries = [
            proxy.host, "\(rebinding):\(try SourceConformanceTests.sharedRegistry().server.port)",
        ]
        options.credentialStore = nil
        options.retries = 0
        options.resolveHost = resolve
        return try RegistrySource(options: options)
    }

    @Test func aRedirectTargetIsConnectedToAtTheAddressItWasCheckedWith() throws {
        let folder = try TemporaryDirectory()
        let (proxy, spec, reference) = try Self.redirectingProxy(in: folder)
        // The first answer is the registry's address; every later one a metadata address.
        let lookups = Mutex(0)
        let source = try Self.source(proxy: proxy) { name in
            guard name == Self.rebinding else { return [] }
            return lookups.withLock { count in
                count += 1
                return count == 1 ? ["127.0.0.1"] : ["169.254.169.254"]
            }
        }
        let observed = try SourceConformance.observe(try #require(try source.source(for: reference)), spec: spec)
        #expect(observed.complete, "\(observed.problems)")
        #expect(observed.findings == Set(spec.expect))
        #expect(lookups.withLock { $0 } == 1, "the name was resolved once, then pinned")
    }

    @Test func aTargetThatResolvesToAMetadataAddressIsRefused() throws {
        let folder = try TemporaryDirectory()
        let (proxy, spec, reference) = try Self.redirectingProxy(in: folder)
        let source = try Self.source(proxy: proxy) { _ in ["169.254.169.254"] }
        let observed = try SourceConformance.observe(try #require(try source.source(for: reference)), spec: spec)
        #expect(!observed.complete)
        #expect(observed.problems.contains { $0.contains("metadata address") }, "\(observed.problems)")
    }
}
