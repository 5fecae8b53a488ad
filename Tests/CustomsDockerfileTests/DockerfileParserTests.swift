import CustomsDockerfile
import Testing

/// The syntax forms BuildKit's Dockerfile frontend documents: directives, the escape character,
/// continuations (with comments and blank lines inside), heredocs, exec form, flags, stages.
@Suite struct DockerfileParserTests {
    @Test func instructionsKeepTheirLinesAndJoinContinuations() {
        let file = Dockerfile(
            parsing: """
                # a comment
                FROM debian:12 AS base

                run apt-get update \\
                # a comment inside a continuation is dropped
                \\
                    && apt-get install -y curl
                ENV A=1
                """)
        #expect(file.instructions.map(\.keyword) == ["FROM", "RUN", "ENV"])
        #expect(file.instructions.map(\.line) == [2, 4, 8])
        #expect(file.instructions[1].lines == 4...7)
        #expect(file.instructions[1].arguments == "apt-get update     && apt-get install -y curl")
    }

    @Test func theEscapeDirectiveChangesTheContinuationCharacter() {
        let file = Dockerfile(
            parsing: """
                # escape=`
                FROM mcr.microsoft.com/windows/servercore
                RUN dir c:\\ `
                    && echo done
                """)
        #expect(file.escape == "`")
        #expect(file.instructions.count == 2)
        #expect(file.instructions[1].arguments == "dir c:\\     && echo done")
    }

    @Test func aDirectiveAfterAnyOtherLineIsAComment() {
        let file = Dockerfile(parsing: "FROM a\n# escape=`\nRUN x `\nRUN y\n")
        #expect(file.escape == "\\")
        #expect(file.instructions.map(\.keyword) == ["FROM", "RUN", "RUN"])
    }

    @Test func heredocsTakeTheirBodiesAndLines() {
        let file = Dockerfile(
            parsing: """
                FROM alpine
                RUN <<EOF
                echo one
                echo two
                EOF
                COPY <<-"CONF" <<APP /etc/
                \tkey=value
                \tCONF
                print("hi")
                APP
                CMD ["sh"]
                """)
        #expect(file.instructions.map(\.keyword) == ["FROM", "RUN", "COPY", "CMD"])
        #expect(file.instructions[1].heredocs == [.init(name: "EOF", body: "echo one\necho two\n")])
        #expect(file.instructions[1].lines == 2...5)
        #expect(file.instructions[2].heredocs.map(\.name) == ["CONF", "APP"])
        #expect(file.instructions[2].heredocs[0].body == "key=value\n")
        #expect(file.instructions[2].heredocs[1].body == "print(\"hi\")\n")
        #expect(file.instructions[3].line == 11)
    }

    @Test func flagsAndExecForm() {
        let file = Dockerfile(
            parsing: """
                FROM --platform=linux/amd64 golang:1.22 AS build
                RUN --mount=type=secret,id=npmrc,target=/root/.npmrc --mount=type=cache,target=/c npm ci
                COPY --from=build --chown=1:1 /out /app
                ENTRYPOINT ["/app/server", "--port", "80"]
                """)
        #expect(file.instructions[0].flag("platform") == "linux/amd64")
        #expect(file.instructions[1].flags.map(\.name) == ["mount", "mount"])
        #expect(file.instructions[1].arguments == "npm ci")
        #expect(file.instructions[2].flag("from") == "build")
        #expect(file.instructions[2].arguments == "/out /app")
        #expect(file.instructions[3].execForm == ["/app/server", "--port", "80"])
        #expect(file.instructions[1].execForm == nil)
    }

    @Test func shippedStagesFollowFromButNotCopyFrom() {
        let file = Dockerfile(
            parsing: """
                FROM golang AS build
                RUN make
                FROM debian AS base
                RUN apt-get update
                FROM base AS final
                COPY --from=build /out /app
                """)
        #expect(file.stages.map(\.name) == ["build", "base", "final"])
        #expect(file.instructions.map(\.stage) == [0, 0, 1, 1, 2, 2])
        #expect(file.shippedStages() == [1, 2])
        #expect(file.shippedStages(target: "build") == [0])
    }
}
