import Testing

/// Tags for suites that need host tools, so a developer's inner loop can skip them
/// (`scripts/test --fast`); CI runs everything.
extension Tag {
    /// Starts real registries (`docker-registry`), pushes with `skopeo`, or runs the Python
    /// fixture servers.
    @Tag public static var registry: Self
    /// Builds images with `buildah`.
    @Tag public static var buildah: Self
    /// Starts a real container engine (podman's Docker-compatible API service).
    @Tag public static var engine: Self
    /// Builds the release (`scripts/release`) and runs it in a bare Debian root (debootstrap).
    @Tag public static var release: Self
    /// Runs the `customs` executable as a process (CLI, examples, pseudo-terminal).
    @Tag public static var process: Self
    /// Loads pages in headless Chromium (the HTML report).
    @Tag public static var browser: Self
    /// Starts a real PostgreSQL server (the audit's store).
    @Tag public static var postgres: Self
}
