import CustomsTestSupport
import Foundation
import Testing

/// `--format html` in a real browser (Debian's headless Chromium): what it draws, that it asks the
/// network for nothing and logs no error, that an image's strings cannot inject markup, and that
/// ten thousand findings still make a usable page.
@Suite(.serialized, .tags(.process, .browser)) struct HTMLReportTests {
    static func report(_ spec: ImageSpec, in directory: TemporaryDirectory, _ extra: [String] = []) throws -> URL {
        let image = directory.path(ImageFixture.Layout.dockerSaveLegacy.fileName(spec.name))
        try ImageFixture.write(spec, layout: .dockerSaveLegacy, compression: .gzip, to: image)
        let html = directory.path("report.html")
        let output = try CLIRunner.run(["scan", "--format", "html", "-o", html.path] + extra + [image.path])
        #expect(output.status == 1, "exit \(output.status): \(output.stderr)")
        return html
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test func theSampleRendersItsLayerStackAndTable() throws {
        let spec = try #require(try Corpus.cases().first { $0.name == "sample-app" })
        let directory = try TemporaryDirectory()
        let dockerfile = Corpus.repositoryRoot.appendingPathComponent("examples/lint/careless/Dockerfile")
        let html = try Self.report(spec, in: directory, ["--dockerfile", dockerfile.path])
        let source = try String(contentsOf: html, encoding: .utf8)
        let leaked = try spec.secretValues().values.contains { source.contains($0) }
        #expect(!leaked, "the HTML holds a planted secret in clear")
        #expect(source.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"))

        let page = try HeadlessBrowser.load(html)
        #expect(page.console == [], "console: \(page.console)")
        #expect(page.requests == [], "requests: \(page.requests)")
        #expect(
            page.dom.contains("data-findings=\"5\" data-locations=\"5\"") && page.dom.contains("data-rendered=\"true\"")
        )
        #expect(Self.count("<g class=\"layer\"", in: page.dom) == 4)
        #expect(Self.count("<rect class=\"bar", in: page.dom) == 4)
        #expect(Self.count("<circle class=\"", in: page.dom) == 4, "one marker per file location")
        #expect(Self.count("<line class=\"strike\"", in: page.dom) == 1, "the deleted .npmrc is struck through")
        #expect(Self.count("<path class=\"arrow\"", in: page.dom) == 1, "with an arrow to the layer that deleted it")
        #expect(Self.count("<tr data-finding=", in: page.dom) == 5)
        #expect(page.dom.contains("careless/Dockerfile:8</td>"))
        #expect(page.dom.contains("the bytes stay in layer 2 though layer 3 removes them"))

        let png = directory.path("report.png")
        try HeadlessBrowser.screenshot(html, to: png)
        let header = try Data(contentsOf: png).prefix(8)
        #expect(header == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    }

    @Test func stringsFromTheImageCannotInjectMarkup() throws {
        let spec = try ImageSpec.parse(
            """
            name: hostile-html
            secrets: {gh: github-classic}
            image:
              layers:
                - created_by: "RUN echo '</script><script>fetch(\\"http://127.0.0.1:9/x\\")</script>'"
                  entries:
                    - {path: "app/<img src=x onerror=alert(1)>.env", content: "GITHUB_TOKEN={{gh}}\\n"}
            expect: []
            """)
        let directory = try TemporaryDirectory()
        let page = try HeadlessBrowser.load(try Self.report(spec, in: directory))
        #expect(page.console == [], "console: \(page.console)")
        #expect(page.requests == [], "requests: \(page.requests)")
        #expect(page.dom.contains("data-findings=\"1\""))
        #expect(!page.dom.contains("<img"), "a path became an element")
        #expect(page.dom.contains("/app/&lt;img src=x onerror=alert(1)&gt;.env"))
    }

    @Test func tenThousandFindingsArePagedNotDumped() throws {
        let count = 10_000
        let directory = try TemporaryDirectory()
        let root = directory.path("root/app")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let lines = try (0..<count).map {
            "token_\($0) = " + (try FakeSecrets.make("github-classic", seed: "many-\($0)"))
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: root.appendingPathComponent("tokens.txt"))
        let html = directory.path("report.html")
        let output = try CLIRunner.run(["scan", "--format", "html", "-o", html.path, directory.path("root").path])
        #expect(output.status == 1, "exit \(output.status): \(output.stderr)")
        let page = try HeadlessBrowser.load(html)
        #expect(page.console == [], "console: \(page.console)")
        #expect(page.dom.contains("data-findings=\"\(count)\""))
        #expect(Self.count("<tr data-finding=", in: page.dom) == 100, "one page of rows")
        #expect(page.dom.contains("\(count) of \(count) locations"))
        #expect(Self.count("<circle class=\"", in: page.dom) == 16, "markers capped per layer")
    }

    /// The checks above can fail: a page that requests and errs is caught by both.
    @Test func theBrowserChecksSeeRequestsAndErrors() throws {
        let directory = try TemporaryDirectory()
        let page = directory.path("bad.html")
        try Data(
            "<!DOCTYPE html><img src=\"http://127.0.0.1:9/x.png\"><script>undefinedFunction()</script>".utf8
        ).write(to: page)
        let loaded = try HeadlessBrowser.load(page)
        #expect(loaded.requests == ["http://127.0.0.1:9/x.png"])
        #expect(loaded.console.contains { $0.contains("undefinedFunction") })
    }
}
