import CustomsCore
import CustomsDockerfile
import CustomsModel
import CustomsProvenance
import Foundation
import Testing

/// Layers and metadata fields mapped back to Dockerfile lines, for each builder's `created_by` form.
@Suite struct DockerfileMapperTests {
    static func mapper(_ text: String, context: URL? = nil) -> DockerfileMapper {
        DockerfileMapper(dockerfile: Dockerfile(parsing: text), path: "Dockerfile", context: context)
    }

    static let multiStage = """
        FROM golang:1.22 AS build
        ARG VERSION=1.0
        RUN go build -o /out/app ./cmd/app
        FROM debian:12 AS runtime
        ARG APP_DIR=/srv/app
        WORKDIR ${APP_DIR}
        COPY --from=build /out/app ${APP_DIR}/app
        RUN apt-get update \\
            && apt-get install -y ca-certificates
        COPY config/ ${APP_DIR}/config/
        """

    @Test func buildKitClassicAndBuildahFormsMapToTheShippedStage() {
        let mapper = Self.mapper(Self.multiStage)
        let layers = mapper.mapLayers([
            "/bin/sh -c #(nop) ADD file:abc in / ",  // the base image
            "WORKDIR /srv/app",
            "COPY /out/app /srv/app/app # buildkit",
            "RUN |1 APP_DIR=/srv/app /bin/sh -c apt-get update     && apt-get install -y ca-certificates # buildkit",
            "/bin/sh -c #(nop) COPY dir:4f2a in /srv/app/config/ ",
        ])
        #expect(layers[0]?.fromBaseImage == true && layers[0]?.line == 4)
        #expect(layers.keys.sorted().map { layers[$0]?.line } == [4, 6, 7, 8, 10])
        let certain = layers.values.allSatisfy { $0.alsoPossible.isEmpty }
        #expect(certain)
        // buildah's form of a RUN with build args.
        let buildah = mapper.mapLayers([
            "|1 APP_DIR=/srv/app /bin/sh -c apt-get update && apt-get install -y ca-certificates"
        ])
        #expect(buildah[0]?.line == 8)
    }

    @Test func aLayerKnownOnlyByItsKindIsAmbiguous() {
        let mapper = Self.mapper("FROM alpine\nRUN make a\nRUN make b\nRUN make c\n")
        let layers = mapper.mapLayers(["RUN something else # buildkit"])
        #expect(layers[0]?.line == 4)
        #expect(layers[0]?.alsoPossible == [2, 3])
    }

    @Test func metadataFieldsMapToTheirDeclarations() {
        let mapper = Self.mapper(
            """
            FROM node:20
            ARG NPM_TOKEN
            ARG A B
            ENV API_KEY=$NPM_TOKEN
            LABEL deploy.token=$NPM_TOKEN other=1
            RUN npm ci
            """)
        func annotate(_ field: String, _ createdBy: String? = nil) -> DockerfileAnnotation? {
            mapper.annotate(
                FindingLocation(
                    image: "i", imageDigest: nil, platform: nil,
                    place: .metadata(MetadataLocation(field: field, createdBy: createdBy))),
                layers: [:])
        }
        #expect(annotate("history[3] build-arg NPM_TOKEN")?.line == 2)
        #expect(annotate("history[3] build-arg NPM_TOKEN")?.removableLines == 2...2)
        #expect(annotate("history[3] build-arg B")?.removableLines == nil)
        #expect(annotate("config.Env[1] API_KEY")?.line == 4)
        #expect(annotate(#"config.Labels["deploy.token"]"#)?.line == 5)
        let inherited = annotate("config.Env[0] PATH")
        #expect(inherited?.line == 1 && inherited?.fromBaseImage == true)
        #expect(annotate("history[5] created_by", "RUN /bin/sh -c npm ci # buildkit")?.line == 6)
    }

    @Test func contextFilesAreCheckedAgainstTheDockerignore() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mapper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = "FROM node\nCOPY . /app\nCOPY secrets/prod.env /app/.env\n"
        func annotation(_ path: String, layer: Int) -> DockerfileAnnotation? {
            let mapper = Self.mapper(text, context: directory)
            let layers = mapper.mapLayers(["COPY . /app # buildkit", "COPY secrets/prod.env /app/.env # buildkit"])
            let file = LayerFileLocation(
                layerIndex: layer, layerCount: 2, layerDigest: nil, diffID: nil, createdBy: nil,
                path: ImagePath(path), line: 1, column: 1, visibility: .visible, changedBy: nil)
            return mapper.annotate(
                FindingLocation(image: "i", imageDigest: nil, platform: nil, place: .file(file)), layers: layers)
        }
        #expect(annotation("app/.git/config", layer: 0)?.contextPath == ".git/config")
        #expect(annotation("app/.git/config", layer: 0)?.dockerignore == .missing)
        try Data("node_modules\n.git\n".utf8).write(to: directory.appendingPathComponent(".dockerignore"))
        #expect(annotation("app/.git/config", layer: 0)?.dockerignore == .excludes(line: 2))
        #expect(annotation("app/.npmrc", layer: 0)?.dockerignore == .doesNotExclude)
        let byName = annotation("app/.env", layer: 1)
        #expect(byName?.contextPath == "secrets/prod.env" && byName?.copiedByName == true)
    }
}
