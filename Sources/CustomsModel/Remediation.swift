import CustomsCore

/// How to fix the build that leaked one location of a finding, in the words of the build: a
/// stable kind for machines and one sentence for people. Derived from how the secret got there
/// (removed in a later layer, a build argument, the image config, the build context, or a file
/// the image ships), refined by the Dockerfile mapping when there is one.
public struct Remediation: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Deleted, hidden or overwritten by a later layer; the bytes remain in the earlier one.
        case removedInLaterLayer = "removed-in-later-layer"
        /// A build argument recorded in the history.
        case buildArgument = "build-argument"
        /// `ENV`, `LABEL` or another field of the image config.
        case imageConfig = "image-config"
        /// A file sent with the build context (`.git/config`, `.env`, `.npmrc`, keys).
        case buildContext = "build-context"
        /// A file the final filesystem holds.
        case runtimeSecret = "runtime-secret"
    }

    public var kind: Kind
    public var text: String
    /// The `.dockerignore` line that would have kept the file out, for `build-context`.
    public var dockerignoreLine: String?

    /// Names of files that come from a project's directory rather than from a package or a build step.
    static let contextFileNames: Set<String> = [
        "config", ".env", ".npmrc", ".pypirc", ".netrc", ".git-credentials", "credentials", "config.json",
        ".pgpass", ".htpasswd", ".dockercfg",
    ]

    public init(location: FindingLocation, annotation: DockerfileAnnotation?) {
        switch location.place {
        case .metadata(let metadata):
            if metadata.field.contains("build-arg") {
                kind = .buildArgument
                text =
                    "never pass secrets as build arguments: use `docker build --secret id=…,env=…` and "
                    + "`RUN --mount=type=secret,id=…`; rotate the secret"
            } else {
                kind = .imageConfig
                text =
                    "remove it from the image config and give it to the container at run time (a mounted "
                    + "secret or a secrets manager); rotate the secret"
            }
            dockerignoreLine = nil
        case .file(let file):
            let pattern = Self.dockerignorePattern(for: annotation?.contextPath ?? file.path.value)
            if let layer = file.visibility.changingLayer {
                kind = .removedInLaterLayer
                let removal =
                    layer == file.layerIndex
                    ? "a later write in the same layer replaces them" : "layer \(layer + 1) removes them"
                text =
                    "the bytes stay in layer \(file.layerIndex + 1) though \(removal): "
                    + "use `RUN --mount=type=secret,id=…` for build-time use, or a multi-stage build whose stage "
                    + "that used it is not shipped; rotate the secret"
                dockerignoreLine = nil
            } else if let annotation, annotation.copiedByName, let contextPath = annotation.contextPath {
                kind = .runtimeSecret
                text =
                    "\(annotation.keyword ?? "COPY") puts \(contextPath.escapedForTerminal) into the image by name: "
                    + "stop copying it and give it to the container at run time (a mounted secret or a secrets "
                    + "manager); rotate the secret"
                dockerignoreLine = nil
            } else if let contextPath = annotation?.contextPath ?? Self.contextPath(file) {
                kind = .buildContext
                let status: String
                switch annotation?.dockerignore {
                case .missing: status = " (the build context has no .dockerignore)"
                case .doesNotExclude: status = " (the context's .dockerignore does not exclude it)"
                case .excludes(let at): status = " (the context's .dockerignore excludes it now, line \(at): rebuild)"
                case nil: status = ""
                }
                text =
                    "copied with the build context: add `\(pattern)` to .dockerignore\(status) so "
                    + "\(contextPath.escapedForTerminal) stays out; rotate the secret"
                dockerignoreLine = pattern
            } else {
                kind = .runtimeSecret
                text =
                    "the image ships it: give it to the container at run time (a mounted file or a secrets "
                    + "manager) instead of building it in; rotate the secret"
                dockerignoreLine = nil
            }
        }
    }

    /// The in-project path of a file a `COPY`/`ADD` layer brought, when its name says it came
    /// from a project directory (`/app/.git/config` → `.git/config`); nil otherwise.
    static func contextPath(_ file: LayerFileLocation) -> String? {
        guard let createdBy = file.createdBy, createdBy.contains("COPY") || createdBy.contains("ADD") else {
            return nil
        }
        let parts = file.path.value.split(separator: "/").map(String.init)
        guard let name = parts.last else { return nil }
        if let git = parts.firstIndex(of: ".git") { return parts[git...].joined(separator: "/") }
        let isKey = name.hasPrefix("id_") || name.hasSuffix(".pem") || name.hasSuffix(".key")
        guard contextFileNames.contains(name) || name.hasPrefix(".env") || isKey else { return nil }
        return name
    }

    /// The `.dockerignore` line for a context path (`.git/config` → `.git`, `app/.env` → `**/.env*`).
    public static func dockerignorePattern(for path: String) -> String {
        let parts = path.split(separator: "/").map(String.init)
        let directories = [".git", ".aws", ".docker", ".kube", ".ssh", ".gnupg"]
        if let index = parts.dropLast().firstIndex(where: directories.contains) {
            return index == 0 ? parts[0] : "**/" + parts[index]
        }
        let name = parts.last ?? path
        return name.hasPrefix(".env") ? "**/.env*" : "**/" + name
    }
}
