import AsyncHTTPClient
import CustomsArchive
import CustomsCore
import CustomsImage
import CustomsRegistry
import Foundation
import NIOCore

/// Images of the local container engine (Docker, or podman's Docker-compatible service), read
/// through the Docker Engine API: `GET /images/{name}/get` streams the image as a `docker save`
/// archive straight into the one-pass archive reader; nothing is written to disk. The target
/// `docker-daemon:NAME` asks the engine only; `presentSource(for:)` serves a bare name when the
/// engine answers and holds it.
public final class EngineSource: Sendable {
    public let endpoint: EngineEndpoint
    private let http: HTTPClient

    /// The transport prefix (containers/image convention) that names the engine explicitly.
    public static let transport = "docker-daemon:"

    public init(endpoint: EngineEndpoint) {
        self.endpoint = endpoint
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(2), read: .seconds(120)),
            decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit { try? http.syncShutdown() }

    /// The source of the engine's image `name`.
    /// - Throws: `EngineError` when the engine does not answer or has no such image.
    public func source(named name: String) throws -> any ImageSource {
        switch try status(of: name) {
        case 200:
            return stream(name)
        case 404:
            throw EngineError(
                "the local engine (\(endpoint)) has no image \(name.escapedForTerminal); `docker images` lists what "
                    + "it has, or drop \(Self.transport) to pull it from a registry")
        case let code:
            throw EngineError("the local engine (\(endpoint)) answered \(code) for image \(name.escapedForTerminal)")
        }
    }

    /// The source of `name` when the engine answers and holds it; nil otherwise (not running, no
    /// such image), so the caller can go on to a registry.
    public func presentSource(for name: String) -> (any ImageSource)? {
        guard (try? status(of: name)) == 200 else { return nil }
        return stream(name)
    }

    /// The status of `GET /images/{name}/json`: 200 when the engine has the image, 404 when not.
    func status(of name: String) throws -> UInt {
        let stream = ResponseStream(label: "the local engine (\(endpoint))", limit: 4 << 20)
        defer { stream.cancel() }
        do {
            let head = try stream.start(
                http, try request("/images/\(Self.escape(name))/json"), deadline: .now() + .seconds(10))
            return head.status.code
        } catch {
            throw EngineError(
                "the local engine (\(endpoint)) does not answer: \(ResponseStream.describe(error)); start it, "
                    + "set DOCKER_HOST, or scan a `docker save` archive")
        }
    }

    private func stream(_ name: String) -> any ImageSource { EngineImage(name: name, engine: self) }

    /// One image of the engine as a source: `docker save` of it, streamed. With `--platform`, the
    /// engine is asked for that platform (Docker Engine API 1.48+, for a multi-platform image
    /// store); an engine that ignores the parameter sends its one platform, which the scan checks.
    struct EngineImage: ImageSource {
        let name: String
        let engine: EngineSource
        var target: String { EngineSource.transport + name }

        func images<Reader: LayerReading>(platform: Platform?, reader: Reader) throws -> ResolvedImages<Reader.Layer> {
            var path = "/images/\(EngineSource.escape(name))/get"
            if let platform, let query = Self.platformQuery(platform) { path += "?platform=" + query }
            return try engine.export(name, path: path).images(platform: platform, reader: reader)
        }

        /// The API's `platform` parameter: the OCI platform as JSON, percent-encoded.
        static func platformQuery(_ platform: Platform) -> String? {
            var object = ["os": platform.os, "architecture": platform.architecture]
            object["variant"] = platform.variant
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
                return nil
            }
            return String(decoding: data, as: UTF8.self).addingPercentEncoding(withAllowedCharacters: .alphanumerics)
        }
    }

    /// `GET path` (an export of `name`) as a one-pass archive source.
    private func export(_ name: String, path: String) -> ArchiveStreamSource {
        ArchiveStreamSource(target: Self.transport + name, size: nil) { [http, endpoint] in
            let stream = ResponseStream(label: "image \(name) from the local engine (\(endpoint))", limit: nil)
            guard let url = endpoint.url(path) else {
                throw EngineError("cannot form a request for image \(name.escapedForTerminal)")
            }
            let head = try stream.start(http, try Self.request(url), deadline: nil)
            guard head.status.code == 200 else {
                stream.cancel()
                throw EngineError(
                    "the local engine (\(endpoint)) answered \(head.status.code) exporting image "
                        + name.escapedForTerminal)
            }
            return stream
        }
    }

    private func request(_ path: String) throws -> HTTPClient.Request {
        guard let url = endpoint.url(path) else { throw EngineError("cannot form a request for \(path)") }
        return try Self.request(url)
    }

    /// A GET of `url`. The Host header is set: over a socket the URL's host is the encoded socket
    /// path, which Go's HTTP server (Docker's, podman's) refuses as a host name.
    private static func request(_ url: URL) throws -> HTTPClient.Request {
        try HTTPClient.Request(url: url, method: .GET, headers: ["Host": "localhost"])
    }

    /// An image name or ID as a path segment: the API routes `/images/{name:.*}/get`, so `/` and `:`
    /// stay; everything else outside the reference grammar is percent-encoded.
    static func escape(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "._-/:@")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }
}
