import AsyncHTTPClient
import CustomsArchive
import CustomsCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// Speaks the OCI distribution API to any number of registries: requests with the right
/// credentials for the right origin only, the Basic and Bearer token flows, redirects followed by
/// hand (credentials dropped when the origin changes, https→http refused), bounded retries with
/// backoff on 429/5xx and failed connections. Responses come back as streams.
public final class RegistryClient: Sendable {
    let options: RegistryOptions
    private let http: HTTPClient
    private let configuration: HTTPClient.Configuration
    /// Realm and redirect hosts, by lowercased name: the address checked when first met, and a
    /// client that connects to that address only (TLS still verifies the name).
    private let pins = Mutex<[String: (address: String, client: HTTPClient)]>([:])
    private let sessions = Mutex<[String: RegistrySession]>([:])
    /// Set by `cancel()`: ends every backoff wait at once.
    private let cancelled = Guarded(false)

    /// - Throws: `RegistryError(.credentials)` when `--ca-file` cannot be read.
    public init(options: RegistryOptions) throws {
        self.options = options
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = options.caFile {
            do {
                tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
            } catch {
                throw RegistryError(
                    .credentials, "--ca-file \(caFile) is not a readable PEM certificate file: \(error)")
            }
        }
        let timeout = HTTPClient.Configuration.Timeout(
            connect: .milliseconds(Int64(options.connectTimeout * 1000)),
            read: .milliseconds(Int64(options.readTimeout * 1000)))
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: timeout, decompression: .disabled)
        // A refused connection or failed handshake comes back at once; `open` decides what to retry.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.configuration = configuration
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit {
        try? http.syncShutdown()
        for (_, pin) in pins.withLock({ $0 }) { try? pin.client.syncShutdown() }
    }

    /// Checks a realm or redirect target against the endpoint policy and pins its host to the
    /// address checked, so no later lookup (a rebinding name) can send the connection elsewhere.
    private func pin(_ url: URL, from current: EndpointPolicy.Origin, plainHTTP: Bool, what: String) throws {
        let name = url.host ?? ""
        let host = name.lowercased()
        let known = pins.withLock { $0[host]?.address }
        let address = try EndpointPolicy.check(
            url, from: current, registryIsPlainHTTP: plainHTTP, what: what,
            resolve: { known.map { [$0] } ?? options.resolveHost($0) })
        guard let address, known == nil else { return }
        try pins.withLock { pins in
            guard pins[host] == nil else { return }
            guard pins.count < options.maxPinnedHosts else {
                throw RegistryError(
                    .protocolError,
                    "\(what) \(EndpointPolicy.redactedURL(url)): more than \(options.maxPinnedHosts) distinct hosts "
                        + "met through redirects and token realms; refusing it")
            }
            var configuration = self.configuration
            configuration.dnsOverride[name] = address
            configuration.dnsOverride[host] = address
            pins[host] = (address, HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
        }
    }

    /// The client for `url`: the pinned one of a realm or redirect host, else the registry's.
    private func client(for url: URL) -> HTTPClient {
        let host = (url.host ?? "").lowercased()
        return pins.withLock { $0[host]?.client } ?? http
    }

    /// Ends every backoff wait now (the next attempt is made at once); for shutting down.
    public func cancel() { cancelled.withLock { $0 = true } }

    /// Waits `seconds` before a retry, or less when the client is cancelled.
    private func pause(_ seconds: TimeInterval) {
        cancelled.withLock(waitingUntil: { $0 }, deadline: Date().addingTimeInterval(seconds)) { _ in }
    }

    /// The per-registry state (scheme, credential, tokens).
    func session(_ registry: String) throws -> RegistrySession {
        try sessions.withLock { sessions in
            if let session = sessions[registry] { return session }
            let credential = try options.credentials[registry] ?? options.credentialStore?.credential(for: registry)
            let session = RegistrySession(
                registry: registry, plainHTTP: options.insecureRegistries.contains(registry), credential: credential)
            sessions[registry] = session
            return session
        }
    }

    /// GET `path` (under `/v2/<repository>/`, or under `/v2/` for the registry's own `_catalog`)
    /// and return the response body as a stream.
    /// - Parameters:
    ///   - limit: at most this many bytes are delivered (declared size + 1 for blobs).
    ///   - document: true for small documents (a whole-request deadline applies).
    ///   - catalog: `path` is the registry's catalog, not a repository's.
    /// - Throws: `RegistryError` naming the repository and what to do.
    func open(
        _ reference: ImageReference, _ path: String, accept: [String] = [], limit: Int64?, document: Bool,
        catalog: Bool = false
    ) throws -> (HTTPResponseHead, ResponseStream) {
        let session = try session(reference.registry)
        let scope = catalog ? "registry:catalog:*" : "repository:\(reference.repository):pull"
        let what = catalog ? "\(reference.registry) (its catalog)" : "\(reference.registry)/\(reference.repository)"
        let under = catalog ? "" : "\(reference.repository)/"
        guard var url = URL(string: "\(session.baseURL)/v2/\(under)\(path)") else {
            throw RegistryError(.protocolError, "\(what): cannot form a URL for \(path)")
        }
        let registryOrigin = EndpointPolicy.Origin(url)
        var hops = 0, attempt = 0, answeredChallenge = false
        while true {
            var headers = HTTPHeaders([("User-Agent", "customs/\(CustomsVersion.current)")])
            if !accept.isEmpty { headers.add(name: "Accept", value: accept.joined(separator: ", ")) }
            // Credentials only to the registry's own origin, never after a redirect elsewhere.
            if EndpointPolicy.Origin(url) == registryOrigin, let authorization = session.authorization(scope: scope) {
                headers.add(name: "Authorization", value: authorization)
            }
            let label =
                "\(what) \(EndpointPolicy.redactedURL(url).split(separator: "/").suffix(2).joined(separator: "/"))"
            let stream = ResponseStream(label: label, limit: limit)
            let head: HTTPResponseHead
            do {
                let request = try HTTPClient.Request(url: url, method: .GET, headers: headers)
                let seconds = document ? options.documentDeadline : options.blobDeadline(size: limit)
                head = try stream.start(
                    client(for: url), request, deadline: .now() + .milliseconds(Int64(seconds * 1000)))
            } catch {
                if attempt < options.retries, Self.isRetryable(error) {
                    attempt += 1
                    pause(backoff(attempt, retryAfter: nil))
                    continue
                }
                throw transportError(error, reference: reference, session: session, attempts: attempt + 1)
            }
            let status = head.status.code
            switch status {
            case 200..<300:
                return (head, stream)
            case 301, 302, 303, 307, 308:
                stream.cancel()
                hops += 1
                guard hops <= options.maxRedirects else {
                    throw RegistryError(
                        .protocolError, "\(what): more than \(options.maxRedirects) redirects for \(path); giving up")
                }
                guard let location = head.headers.first(name: "Location"),
                    let next = URL(string: location, relativeTo: url)?.absoluteURL,
                    let current = EndpointPolicy.Origin(url)
                else {
                    throw RegistryError(.protocolError, "\(what): a \(status) redirect without a usable Location")
                }
                try pin(next, from: current, plainHTTP: session.plainHTTP, what: "redirect from \(what) to")
                url = next
            case 401 where !answeredChallenge && EndpointPolicy.Origin(url) == registryOrigin:
                stream.cancel()
                answeredChallenge = true
                let header = head.headers.first(name: "WWW-Authenticate") ?? ""
                guard let challenge = AuthChallenge(header: header) else {
                    throw RegistryError(.unauthorized, "\(what) refused access (401) without saying how to log in")
                }
                try authorize(
                    session, challenge: challenge, scope: scope, reference: reference, registryOrigin: registryOrigin)
            case 401:
                stream.cancel()
                throw RegistryError(
                    .unauthorized,
                    session.credential == nil
                        ? "\(what) requires a login (401); run `docker login \(reference.registry)` or pass "
                            + "--username and --password-stdin"
                        : "\(what) rejected the configured credentials (401); check the user name and password"
                )
            case 403:
                stream.cancel()
                throw RegistryError(
                    .forbidden,
                    "\(what): access denied (403)\(session.credential == nil ? "" : " for the configured user"); the "
                        + "account needs pull access to this repository"
                )
            case 404:
                let detail = errorCode(stream)
                let missing = path.hasPrefix("manifests/") ? "no manifest \(path.dropFirst("manifests/".count))" : path
                throw RegistryError(
                    .notFound, "\(what): \(missing) not found (404\(detail)); check the repository name and tag")
            case 429 where attempt < options.retries, 500..<600 where attempt < options.retries:
                stream.cancel()
                attempt += 1
                pause(backoff(attempt, retryAfter: head.headers.first(name: "Retry-After").flatMap(Double.init)))
            default:
                let detail = errorCode(stream)
                throw RegistryError(
                    .server,
                    "\(what): the registry answered \(status)\(detail) for "
                        + "\(path)\(attempt > 0 ? " after \(attempt + 1) attempts" : "")"
                )
            }
        }
    }

    /// GET a small document whole.
    func fetch(
        _ reference: ImageReference, _ path: String, accept: [String] = [], limit: Int, catalog: Bool = false
    ) throws -> (HTTPResponseHead, Data) {
        let (head, stream) = try open(
            reference, path, accept: accept, limit: Int64(limit) + 1, document: true, catalog: catalog)
        let data = try stream.readAll(limit: limit)
        return (head, data)
    }

    /// The registry's error code from a JSON error body (`MANIFEST_UNKNOWN`), for messages.
    private func errorCode(_ stream: ResponseStream) -> String {
        defer { stream.cancel() }
        struct Body: Decodable {
            struct Item: Decodable { var code: String? }
            var errors: [Item]?
        }
        guard let data = try? stream.readAll(limit: 16 << 10),
            let code = (try? JSONDecoder().decode(Body.self, from: data))?.errors?.first?.code,
            code.utf8.allSatisfy({ (65...90).contains($0) || $0 == 95 })
        else { return "" }
        return " \(code)"
    }

    private func backoff(_ attempt: Int, retryAfter: Double?) -> TimeInterval {
        min(10, retryAfter ?? options.retryDelay * pow(2, Double(attempt - 1)))
    }

    static func isRetryable(_ error: Error) -> Bool {
        if let error = error as? HTTPClientError {
            return error == .remoteConnectionClosed || error == .connectTimeout || error == .readTimeout
        }
        return error is IOError || error is ChannelError
    }

    private func transportError(_ error: Error, reference: ImageReference, session: RegistrySession, attempts: Int)
        -> Error
    {
        if error is RegistryError { return error }
        var hint = ""
        if error is NIOSSLError || "\(error)".contains("SSL") || "\(error)".contains("handshake") {
            hint =
                session.plainHTTP
                ? ""
                : "; if it uses a private CA pass --ca-file, if it is plain http pass --insecure-registry "
                    + "\(reference.registry)"
        } else {
            hint = "; check the address and that it is up"
        }
        let tries = attempts > 1 ? " (\(attempts) attempts)" : ""
        return RegistryError(
            .transport,
            "cannot reach \(reference.registry) (\(session.baseURL)): \(ResponseStream.describe(error))\(tries)\(hint)")
    }

    // MARK: Authentication

    /// Answers a 401 challenge: remembers Basic, or fetches a Bearer token for the scope.
    private func authorize(
        _ session: RegistrySession, challenge: AuthChallenge, scope: String, reference: ImageReference,
        registryOrigin: EndpointPolicy.Origin?
    ) throws {
        let what = "\(reference.registry)/\(reference.repository)"
        switch challenge.scheme {
        case "basic":
            guard session.credential != nil else {
                throw RegistryError(
                    .unauthorized,
                    "\(what) requires a login (Basic); run `docker login \(reference.registry)` or pass "
                        + "--username and --password-stdin"
                )
            }
            session.useBasic()
        case "bearer":
            guard let realmText = challenge.parameters["realm"], let realm = URL(string: realmText), let registryOrigin
            else {
                throw RegistryError(.unauthorized, "\(what) asked for a token without a usable realm")
            }
            try pin(realm, from: registryOrigin, plainHTTP: session.plainHTTP, what: "the token realm of \(what),")
            let tokenScope = challenge.parameters["scope"] ?? scope
            var components = URLComponents(url: realm, resolvingAgainstBaseURL: false)!
            var query = components.queryItems ?? []
            if let service = challenge.parameters["service"] {
                query.append(URLQueryItem(name: "service", value: service))
            }
            query.append(URLQueryItem(name: "scope", value: tokenScope))
            components.queryItems = query
            guard let url = components.url else {
                throw RegistryError(.unauthorized, "\(what): cannot form the token request")
            }
            session.store(
                token: try requestToken(url, session: session, what: what, registry: reference.registry), scope: scope)
        default:
            throw RegistryError(
                .unauthorized, "\(what) asks for the unsupported authentication scheme \(challenge.scheme.prefix(40))")
        }
    }

    private func requestToken(_ url: URL, session: RegistrySession, what: String, registry: String) throws -> String {
        var headers = HTTPHeaders([("User-Agent", "customs/\(CustomsVersion.current)")])
        if let credential = session.credential {
            headers.add(name: "Authorization", value: credential.basicAuthorization)
        }
        let stream = ResponseStream(label: "token service for \(what)", limit: 1 << 20)
        let head: HTTPResponseHead
        do {
            head = try stream.start(
                client(for: url), try HTTPClient.Request(url: url, method: .GET, headers: headers),
                deadline: .now() + .milliseconds(Int64(options.documentDeadline * 1000)))
        } catch {
            throw RegistryError(
                .transport,
                "cannot reach the token service \(EndpointPolicy.redactedURL(url)) of \(what): "
                    + "\(ResponseStream.describe(error))"
            )
        }
        switch head.status.code {
        case 200:
            struct Reply: Decodable {
                var token: String?
                var access_token: String?
            }
            guard let reply = try? JSONDecoder().decode(Reply.self, from: stream.readAll(limit: 1 << 20)),
                let token = reply.token ?? reply.access_token, !token.isEmpty
            else {
                throw RegistryError(.protocolError, "the token service of \(what) answered without a token")
            }
            return token
        case 401, 403:
            stream.cancel()
            throw RegistryError(
                .unauthorized,
                session.credential == nil
                    ? "\(what) requires a login (the token service refused anonymous access); run `docker login "
                        + "\(registry)` or pass --username and --password-stdin"
                    : "the token service of \(what) rejected the configured credentials; check the user name and "
                        + "password"
            )
        default:
            stream.cancel()
            throw RegistryError(.server, "the token service of \(what) answered \(head.status.code)")
        }
    }
}

/// What the client knows about one registry: how to reach it, the credential that belongs to
/// it, and the tokens it issued (per scope).
final class RegistrySession: Sendable {
    let registry: String
    let plainHTTP: Bool
    let credential: RegistryCredential?
    let baseURL: String
    private let state = Mutex((basic: false, tokens: [String: String]()))

    init(registry: String, plainHTTP: Bool, credential: RegistryCredential?) {
        self.registry = registry
        self.plainHTTP = plainHTTP
        self.credential = credential
        baseURL = "\(plainHTTP ? "http" : "https")://\(ImageReference.apiHost(of: registry))"
    }

    func useBasic() { state.withLock { $0.basic = true } }
    func store(token: String, scope: String) { state.withLock { $0.tokens[scope] = token } }

    func authorization(scope: String) -> String? {
        state.withLock { state in
            if let token = state.tokens[scope] { return "Bearer \(token)" }
            return state.basic ? credential?.basicAuthorization : nil
        }
    }
}
