import Foundation

/// Where requests (and credentials) may go. Pure rules, applied to token realms and redirect
/// targets: no plaintext downgrade, nothing to link-local or cloud metadata addresses, and
/// credentials only to the exact origin they were given for.
enum EndpointPolicy {
    /// Hosts that serve cloud instance metadata (credentials of the machine running the scan).
    static let metadataHosts: Set<String> = [
        "169.254.169.254", "metadata.google.internal", "metadata", "100.100.100.200", "fd00:ec2::254",
        "169.254.170.2",
    ]

    /// The origin (scheme, host, port) a URL talks to, for "same origin" decisions.
    struct Origin: Hashable, CustomStringConvertible {
        var scheme: String
        var host: String
        var port: Int

        init?(_ url: URL) {
            guard let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
                let host = url.host?.lowercased(), !host.isEmpty
            else { return nil }
            self.scheme = scheme
            self.host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            port = url.port ?? (scheme == "https" ? 443 : 80)
        }

        var description: String { "\(scheme)://\(host):\(port)" }
    }

    /// Checks a URL a registry sent us to (a token realm or a redirect). `registryIsPlainHTTP`
    /// allows http only when the registry itself was reached over http (`--insecure-registry`).
    /// Returns the address the connection must use (one of those checked: connecting by name
    /// would resolve it again, and a rebinding name could answer a forbidden address then), or nil
    /// when the host is an address already.
    /// - Throws: `RegistryError.unsafeEndpoint` explaining the refusal.
    @discardableResult
    static func check(
        _ url: URL, from current: Origin, registryIsPlainHTTP: Bool, what: String,
        resolve: (String) -> [String] = resolve
    ) throws -> String? {
        guard let target = Origin(url) else {
            throw RegistryError(.unsafeEndpoint, "\(what) \(redactedURL(url)) is not an http(s) URL; refusing it")
        }
        if current.scheme == "https" && target.scheme == "http" {
            throw RegistryError(
                .unsafeEndpoint, "\(what) \(redactedURL(url)) would downgrade https to plain http; refusing it")
        }
        if target.scheme == "http" && !registryIsPlainHTTP {
            throw RegistryError(
                .unsafeEndpoint,
                "\(what) \(redactedURL(url)) is plain http for a registry reached over https; refusing it")
        }
        if isForbiddenHost(target.host) {
            throw RegistryError(
                .unsafeEndpoint,
                "\(what) \(redactedURL(url)) points at a link-local or cloud metadata address; refusing it")
        }
        if isAddress(target.host) { return nil }
        let addresses = resolve(target.host)
        for address in addresses where isForbiddenHost(address) {
            throw RegistryError(
                .unsafeEndpoint,
                "\(what) \(redactedURL(url)) resolves to the link-local or metadata address \(address); refusing it")
        }
        guard let pinned = addresses.first else {
            throw RegistryError(.transport, "\(what) \(redactedURL(url)): the host name does not resolve")
        }
        return pinned
    }

    /// True for an IPv4 or IPv6 address literal.
    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// True for metadata hosts and link-local addresses (169.254.0.0/16, fe80::/10).
    static func isForbiddenHost(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if metadataHosts.contains(host) { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            let bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return bytes[0] == 169 && bytes[1] == 254
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            if bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80 { return true }
            // IPv4-mapped (::ffff:a.b.c.d).
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                return bytes[12] == 169 && bytes[13] == 254
            }
        }
        return false
    }

    /// The addresses a name resolves to (empty when it does not resolve; the request then fails on its own).
    static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
                == 0
            {
                addresses.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    /// A URL for messages: scheme, host, port and path only (a query may hold a signed token).
    static func redactedURL(_ url: URL) -> String {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        components?.query = nil
        components?.user = nil
        components?.password = nil
        components?.fragment = nil
        return components?.string ?? "(unparseable URL)"
    }
}
