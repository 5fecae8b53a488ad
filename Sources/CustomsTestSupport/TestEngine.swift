import Foundation

/// A real container engine for tests: podman's Docker-compatible API service (`podman system
/// service`) on a unix socket, with its own vfs storage in a temporary folder, started by the test
/// and stopped with it (under `supervise.sh`). Images are put in with `podman load`.
public final class TestEngine: Sendable {
    public let folder: TemporaryDirectory
    /// podman's run root: a short path of its own (podman refuses one over 50 characters).
    let runRoot: String
    public let socket: URL
    private let process: Process

    /// `DOCKER_HOST` for this engine.
    public var dockerHost: String { "unix://\(socket.path)" }

    public init() throws {
        folder = try TemporaryDirectory()
        var template = Array("/tmp/customs-pm-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestServerError("cannot make podman's run root") }
        runRoot = String(cString: made)
        socket = folder.path("api.sock")
        process = try TestServer.launch(
            Self.podman(in: folder, runRoot: runRoot) + ["system", "service", "--time=0", "unix://\(socket.path)"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: socket.path) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestServerError("podman system service did not create its socket")
    }

    deinit {
        let pid = process.processIdentifier
        if pid > 0 { kill(pid, SIGTERM) }
        try? FileManager.default.removeItem(atPath: runRoot)
    }

    /// podman with this engine's storage: vfs (no overlay mounts needed), a root of its own.
    static func podman(in folder: TemporaryDirectory, runRoot: String) -> [String] {
        [
            "/usr/bin/podman", "--root", folder.path("root").path, "--runroot", runRoot,
            "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none",
        ]
    }

    /// Loads an image archive (`docker save` or OCI) into the engine.
    public func load(_ archive: URL) throws {
        let command = Self.podman(in: folder, runRoot: runRoot) + ["load", "--quiet", "--input", archive.path]
        let output = try CLIRunner.run(executable: URL(fileURLWithPath: command[0]), Array(command.dropFirst()))
        guard output.status == 0 else { throw TestServerError("podman load failed: \(output.stderr)") }
    }
}
