import CustomsCore
import CustomsImage

/// How a target that is not a local path finds its image, in the containers/image (skopeo)
/// convention: `docker-daemon:NAME` asks the local engine only, `docker://REF` the registry only,
/// and a bare name the local engine first (when it answers and holds the name: a name just built
/// is scanned, not a stranger's image of the same name on Docker Hub), else the registry. The
/// source's target says which was used.
public struct LocalEngineFirst: RemoteImageSource {
    public let engine: EngineSource?
    public let registry: (any RemoteImageSource)?

    /// The transport prefix that names a registry explicitly.
    public static let registryTransport = "docker://"

    public init(engine: EngineSource?, registry: (any RemoteImageSource)?) {
        self.engine = engine
        self.registry = registry
    }

    public func expand(_ target: String) throws -> [String] {
        if target.hasPrefix(EngineSource.transport) { return [target] }
        if target.hasPrefix(Self.registryTransport) {
            let reference = String(target.dropFirst(Self.registryTransport.count))
            return try (registry?.expand(reference) ?? [reference]).map { Self.registryTransport + $0 }
        }
        return try registry?.expand(target) ?? [target]
    }

    public func source(for target: String) throws -> (any ImageSource)? {
        if target.hasPrefix(EngineSource.transport) {
            let name = String(target.dropFirst(EngineSource.transport.count))
            guard let engine else {
                throw EngineError(
                    "no local engine to ask for \(name.escapedForTerminal): set DOCKER_HOST (or CONTAINER_HOST for "
                        + "podman) to its socket")
            }
            return try engine.source(named: name)
        }
        if target.hasPrefix(Self.registryTransport) {
            return try registry?.source(for: String(target.dropFirst(Self.registryTransport.count)))
        }
        if let found = engine?.presentSource(for: target) { return found }
        return try registry?.source(for: target)
    }
}
