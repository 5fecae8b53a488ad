import Foundation

/// Debian's Chromium, headless, as the HTML report's tests use it: the DOM after the page's
/// scripts ran, the console messages (errors, CSP violations), and the requests the page itself
/// made (from Chromium's net log, telling the page's requests from the browser's own by their
/// network isolation key). Needs the `chromium` package (scripts/setup --test); fails without it.
public enum HeadlessBrowser {
    public static let executable = URL(fileURLWithPath: "/usr/bin/chromium")

    public struct Page {
        /// The serialized DOM once the page loaded and its scripts ran.
        public var dom: String
        /// Console messages, as Chromium logs them (`"message", source: …`).
        public var console: [String]
        /// URLs the page requested (its own file excluded).
        public var requests: [String]
    }

    static let flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--no-first-run",
        "--disable-domain-reliability", "--disable-breakpad", "--metrics-recording-only",
        "--no-default-browser-check", "--disable-spell-checking", "--hide-scrollbars",
        "--enable-logging=stderr", "--log-level=0",
    ]

    /// Loads `file` and returns what it became.
    public static func load(_ file: URL) throws -> Page {
        let work = try TemporaryDirectory()
        let netLog = work.path("net.json")
        let output = try run([
            "--user-data-dir=\(work.path("profile").path)", "--log-net-log=\(netLog.path)",
            "--dump-dom", file.absoluteURL.absoluteString,
        ])
        let console = output.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map {
            String($0.drop { $0 != "]" }.dropFirst())
        }
        return Page(dom: output.text, console: console, requests: try pageRequests(netLog))
    }

    /// Renders `file` to a PNG of `width`×`height` pixels at `png`.
    public static func screenshot(_ file: URL, to png: URL, width: Int = 1280, height: Int = 900) throws {
        let work = try TemporaryDirectory()
        _ = try run([
            "--user-data-dir=\(work.path("profile").path)", "--window-size=\(width),\(height)",
            "--screenshot=\(png.path)", file.absoluteURL.absoluteString,
        ])
    }

    private static func run(_ arguments: [String]) throws -> CLIRunner.Output {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw FixtureError("install chromium (apt-get install chromium): the HTML report is tested in it")
        }
        let output = try CLIRunner.run(executable: executable, flags + arguments)
        guard output.status == 0 else { throw FixtureError("chromium failed: \(output.stderr.suffix(800))") }
        return output
    }

    /// The URLs of requests started for a `file://` page (its network isolation key), from a net log.
    static func pageRequests(_ netLog: URL) throws -> [String] {
        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: netLog)) as? [String: Any]
        let types = (log?["constants"] as? [String: Any])?["logEventTypes"] as? [String: Int]
        let start = types?["URL_REQUEST_START_JOB"]
        let events = log?["events"] as? [[String: Any]] ?? []
        return events.compactMap { event in
            guard let start, event["type"] as? Int == start, let params = event["params"] as? [String: Any],
                let url = params["url"] as? String,
                (params["network_isolation_key"] as? String)?.hasPrefix("file://") == true, !url.hasPrefix("file:")
            else { return nil }
            return url
        }
    }
}
