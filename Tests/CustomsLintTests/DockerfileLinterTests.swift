import CustomsBuiltinRules
import CustomsCore
import CustomsDetect
import CustomsDockerfile
import CustomsLint
import CustomsTestSupport
import Foundation
import Testing

/// `customs lint`'s checks, on the two example Dockerfiles and on generated (fake) secrets.
@Suite struct DockerfileLinterTests {
    static let engine = try! DetectionEngine(ruleSet: BuiltinRules.load())

    static func lint(_ text: String, context: URL? = nil) -> DockerfileLinter.Report {
        DockerfileLinter(engine: engine).lint(Dockerfile(parsing: text), path: "Dockerfile", context: context)
    }

    static func example(_ name: String) throws -> (Dockerfile, URL) {
        let directory = Corpus.repositoryRoot.appendingPathComponent("examples/lint/\(name)")
        let text = try String(contentsOf: directory.appendingPathComponent("Dockerfile"), encoding: .utf8)
        return (Dockerfile(parsing: text), directory)
    }

    @Test func theCarelessExampleHasEachAntiPatternFlaggedOnItsLine() throws {
        let (dockerfile, directory) = try Self.example("careless")
        let report = DockerfileLinter(engine: Self.engine).lint(dockerfile, path: "Dockerfile", context: directory)
        let found = report.findings.map { "\($0.line) \($0.check.rawValue)" }
        #expect(
            found == [
                "5 secret-build-arg", "8 context-without-dockerignore", "9 copied-then-removed",
                "10 credential-file-copied",
            ])
        #expect(report.findings.allSatisfy { !$0.fix.isEmpty })
    }

    @Test func theMultiStageExampleIsClean() throws {
        let (dockerfile, directory) = try Self.example("multistage")
        let report = DockerfileLinter(engine: Self.engine).lint(dockerfile, path: "Dockerfile", context: directory)
        #expect(report.findings.map(\.check.rawValue) == [])
    }

    @Test func inlineCredentialsInRunAreFlaggedWithoutShowingThem() throws {
        let password = try FakeSecrets.make("password", seed: "lint-run")
        let token = try FakeSecrets.make("github-classic", seed: "lint-run")
        let npm = try FakeSecrets.make("npm", seed: "lint-run")
        let cases = [
            "RUN curl -fsS -u deploy:\(password) https://example.org/artifact -o /a",
            "RUN docker login -u ci -p \(password) registry.example.org",
            "RUN git clone https://ci:\(password)@git.example.org/acme/app.git",
            "RUN npm config set //registry.npmjs.org/:_authToken \(npm)",
            "RUN echo \(token) | gh auth login --with-token",
        ]
        for line in cases {
            let report = Self.lint("FROM alpine\n" + line + "\n")
            let checks = report.findings.map(\.check)
            let leaks = report.findings.contains { [password, token, npm].contains(where: $0.message.contains) }
            #expect(checks == [.secretInRun], "\(line.prefix(30))…")
            #expect(!leaks, "the message of \(line.prefix(30))… shows the secret")
        }
        let githubRule = Self.lint("FROM alpine\n" + cases[4] + "\n").findings.first?.rule
        #expect(githubRule == RuleID("github.pat.classic"))
        // A variable is not a written secret (the ARG that holds it is flagged on its own).
        let variables = Self.lint(
            "FROM alpine\nRUN curl -u deploy:$PASSWORD https://x -o /a\nRUN docker login -p \"$P\" r\n")
        #expect(variables.findings.isEmpty)
    }

    @Test func secretsInArgAndEnv() throws {
        let stripe = try FakeSecrets.make("stripe-live", seed: "lint-env")
        let report = Self.lint(
            """
            FROM golang AS build
            ARG GITHUB_TOKEN
            FROM debian
            ARG NPM_TOKEN VERSION=1.2
            ENV STRIPE=\(stripe) PATH=/usr/bin
            ENV DB_PASSWORD_FILE=/run/secrets/db GPG_KEY=ABCDEF LOG_LEVEL=info
            ENV API_TOKEN ${NPM_TOKEN}
            """)
        let found = report.findings.map { "\($0.line) \($0.check.rawValue) \($0.severity.rawValue)" }
        #expect(
            found == [
                "2 secret-build-arg medium", "4 secret-build-arg high", "5 secret-env critical", "7 secret-env high",
            ])
        #expect(report.findings[2].rule == RuleID("stripe.secret-key"))
        #expect(!report.findings.contains { $0.message.contains(stripe) })
        #expect(report.findings[0].message.contains("not shipped"))
    }

    @Test func filesRemovedInALaterLayerThanTheOneThatAddedThem() {
        let report = Self.lint(
            """
            FROM alpine
            WORKDIR /src
            COPY id_rsa .
            COPY build.sh /usr/local/bin/
            RUN wget -O key.pem https://example.org/k && make && rm key.pem
            RUN curl -o /tmp/token.txt https://example.org/t > /dev/null
            RUN rm -f /src/id_rsa /tmp/token.txt /usr/local/bin/build.sh
            FROM alpine
            RUN rm /src/id_rsa
            """)
        let found = report.findings.map { "\($0.line) \($0.check.rawValue) \($0.severity.rawValue)" }
        #expect(
            found == [
                "3 credential-file-copied high", "7 copied-then-removed high", "7 copied-then-removed medium",
                "7 fetched-then-removed high",
            ])
    }

    @Test func theContextSendsWhatDockerignoreLetsThrough() throws {
        let directory = try TemporaryDirectory()
        let token = try FakeSecrets.make("github-classic", seed: "lint-context")
        try FileManager.default.createDirectory(at: directory.path("config"), withIntermediateDirectories: true)
        try Data("GITHUB_TOKEN=\(token)\n".utf8).write(to: directory.path("config/.env"))
        try Data("# notes\n\nkey: \(token)\n".utf8).write(to: directory.path("notes.yaml"))
        try Data("console.log(1)\n".utf8).write(to: directory.path("app.js"))
        let dockerfile = "FROM node\nCOPY app.js /app/\nCOPY config /app/config\n"

        let unignored = Self.lint(dockerfile, context: directory.url)
        let found = unignored.findings.map { "\($0.file):\($0.line) \($0.check.rawValue) \($0.severity.rawValue)" }
        #expect(
            found == [
                "Dockerfile:3 context-without-dockerignore medium", "config/.env:1 context-secret high",
                "notes.yaml:3 context-secret low",
            ])
        #expect(unignored.findings[1].message.contains("COPY at Dockerfile:3"))
        #expect(!unignored.findings.contains { $0.message.contains(token) || $0.fix.contains(token) })

        try Data(
            ".git\n.env*\n**/.env*\n.npmrc\n.pypirc\n**/id_*\n**/*.pem\n**/*.key\n.aws\n.docker\n.kube\n**/*.tfstate*\n*.yaml\n"
                .utf8
        )
        .write(to: directory.path(".dockerignore"))
        #expect(Self.lint(dockerfile, context: directory.url).findings.isEmpty)

        try Data(".env*\n".utf8).write(to: directory.path(".dockerignore"))
        let partial = Self.lint(dockerfile, context: directory.url).findings
        #expect(partial.map(\.check) == [.dockerignoreIncomplete, .contextSecret, .contextSecret])
        #expect(partial.first?.message.contains(".git .npmrc") == true)
    }
}
