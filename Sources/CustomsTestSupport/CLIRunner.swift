import Foundation

/// Runs the built `customs` binary the way a user does, capturing its output and exit code.
public enum CLIRunner {
    /// What one run produced.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: Data
        public var stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The folder holding the built products (`.build/debug`), found from the test binary.
    public static var productsDirectory: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The built executable `name` (default `customs`).
    public static func executable(_ name: String = "customs") -> URL { productsDirectory.appendingPathComponent(name) }

    /// A layer cache folder shared by this test process's runs, so tests never touch the user's cache.
    public static let cacheHome = FileManager.default.temporaryDirectory.appendingPathComponent(
        "customs-test-cache-\(UUID().uuidString)")

    /// Runs `customs` with `arguments`, feeding `stdin` when given. `XDG_CACHE_HOME` points at
    /// `cacheHome`, and `XDG_CONFIG_HOME` (the cache key) beside it, unless `environment` sets them.
    public static func run(
        _ arguments: [String], stdin: URL? = nil, environment: [String: String]? = nil,
        directory: URL? = nil
    ) throws -> Output {
        var environment = environment ?? ProcessInfo.processInfo.environment
        if environment["XDG_CACHE_HOME"] == nil { environment["XDG_CACHE_HOME"] = cacheHome.path }
        if environment["XDG_CONFIG_HOME"] == nil {
            environment["XDG_CONFIG_HOME"] = cacheHome.appendingPathComponent("config").path
        }
        return try run(
            executable: executable(), arguments, stdin: stdin, environment: environment, directory: directory)
    }

    /// A `customs` process started in the background (several workers at once, one to kill).
    public final class Running {
        public let process: Process
        let output: URL
        let errors: URL

        init(process: Process, output: URL, errors: URL) {
            self.process = process
            self.output = output
            self.errors = errors
        }

        /// Waits for the process to end; what it printed.
        public func wait() -> Output {
            process.waitUntilExit()
            defer {
                try? FileManager.default.removeItem(at: output)
                try? FileManager.default.removeItem(at: errors)
            }
            return Output(
                status: process.terminationStatus, stdout: (try? Data(contentsOf: output)) ?? Data(),
                stderr: String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self))
        }
    }

    /// Starts `customs` with `arguments` (environment as `run`, plus `adding`) without waiting for it.
    public static func start(_ arguments: [String], adding: [String: String] = [:]) throws -> Running {
        var environment = ProcessInfo.processInfo.environment.merging(adding) { $1 }
        if environment["XDG_CACHE_HOME"] == nil { environment["XDG_CACHE_HOME"] = cacheHome.path }
        if environment["XDG_CONFIG_HOME"] == nil {
            environment["XDG_CONFIG_HOME"] = cacheHome.appendingPathComponent("config").path
        }
        let process = Process()
        process.executableURL = executable()
        process.arguments = arguments
        process.environment = environment
        let temporary = FileManager.default.temporaryDirectory
        let output = temporary.appendingPathComponent("customs-stdout-\(UUID().uuidString)")
        let errors = temporary.appendingPathComponent("customs-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, output: output, errors: errors)
    }

    /// Runs any program, capturing its output (tests of scripts and integrations).
    public static func run(
        executable: URL, _ arguments: [String], stdin: URL? = nil, environment: [String: String]? = nil,
        directory: URL? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "customs-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorFile)
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        try process.run()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderrData = (try? Data(contentsOf: errorFile)) ?? Data()
        return Output(
            status: process.terminationStatus, stdout: stdoutData, stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

/// A temporary folder removed when the value is released.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("customs-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> URL { url.appendingPathComponent(name) }
}
