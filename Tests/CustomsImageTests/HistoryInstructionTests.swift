import CustomsCore
import CustomsImage
import Testing

/// History `created_by` formats of the classic builder, BuildKit and buildah.
@Suite struct HistoryInstructionTests {
    @Test(arguments: [
        ("/bin/sh -c #(nop) COPY file:abc in /app ", "COPY file:abc in /app"),
        ("/bin/sh -c apt-get update", "RUN apt-get update"),
        ("COPY . /app # buildkit", "COPY . /app"),
        ("RUN |2 A=1 B=2 /bin/sh -c make # buildkit", "RUN make"),
        ("|1 NPM_TOKEN=secretvalue /bin/sh -c npm ci", "RUN npm ci"),
        ("RUN /bin/sh -c echo hi # buildkit", "RUN echo hi"),
    ])
    func displayHidesBuildArgValues(_ createdBy: String, _ expected: String) {
        #expect(HistoryInstruction.display(createdBy) == expected)
    }

    @Test func buildArgsAreParsedByCount() {
        let parsed = HistoryInstruction.parse("RUN |2 NPM_TOKEN=abc OTHER=x=y /bin/sh -c npm ci # buildkit")
        #expect(parsed.buildArgs.map(\.name) == ["NPM_TOKEN", "OTHER"])
        #expect(parsed.buildArgs.map(\.value) == ["abc", "x=y"])
        #expect(parsed.command == "RUN /bin/sh -c npm ci # buildkit")
        #expect(HistoryInstruction.parse("|x nonsense").buildArgs.isEmpty)
    }

    @Test func layersMapToNonEmptyHistoryEntries() {
        let history = [
            ImageConfig.History(created_by: "a", comment: nil, empty_layer: nil),
            ImageConfig.History(created_by: "ARG X", comment: nil, empty_layer: true),
            ImageConfig.History(created_by: "b", comment: nil, empty_layer: false),
        ]
        #expect(HistoryInstruction.layerEntries(history, layerCount: 2) == [0, 2])
        #expect(HistoryInstruction.layerEntries(history, layerCount: 3) == nil)
    }
}
