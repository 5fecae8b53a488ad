import Foundation
import Testing

@testable import CustomsRegistry

@Suite struct EndpointPolicyTests {
    let https = EndpointPolicy.Origin(URL(string: "https://registry.example.com/v2/")!)!
    let http = EndpointPolicy.Origin(URL(string: "http://127.0.0.1:5000/v2/")!)!

    func refused(_ url: String, from origin: EndpointPolicy.Origin, plain: Bool) -> String? {
        do {
            try EndpointPolicy.check(URL(string: url)!, from: origin, registryIsPlainHTTP: plain, what: "test")
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func httpsMayNotDowngrade() {
        #expect(refused("http://registry.example.com/token", from: https, plain: false)?.contains("downgrade") == true)
        #expect(refused("http://127.0.0.1:9000/token", from: http, plain: true) == nil)
        #expect(refused("https://127.0.0.1:9000/token", from: http, plain: true) == nil)
        #expect(refused("ftp://example.com/x", from: https, plain: false) != nil)
    }

    @Test func plainHTTPOnlyForAPlainHTTPRegistry() {
        #expect(refused("http://127.0.0.1:9000/token", from: http, plain: false)?.contains("plain http") == true)
    }

    @Test(arguments: [
        "http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/computeMetadata/v1/",
        "http://[fe80::1]/token", "http://169.254.10.10:8080/", "http://[::ffff:169.254.169.254]/",
        "http://100.100.100.200/",
    ])
    func neverToLinkLocalOrMetadata(_ url: String) {
        #expect(refused(url, from: http, plain: true)?.contains("metadata") == true)
    }

    @Test func originsCompareSchemeHostAndPort() {
        let a = EndpointPolicy.Origin(URL(string: "https://example.com/a")!)
        #expect(a == EndpointPolicy.Origin(URL(string: "https://EXAMPLE.com:443/b")!))
        #expect(a != EndpointPolicy.Origin(URL(string: "https://example.com:8443/a")!))
        #expect(a != EndpointPolicy.Origin(URL(string: "http://example.com/a")!))
    }

    @Test func messagesDropQueriesAndUserInfo() {
        let text = EndpointPolicy.redactedURL(
            URL(string: "https://user:pw@storage.example.com/blob?X-Amz-Signature=abc")!)
        #expect(text == "https://storage.example.com/blob")
    }
}
