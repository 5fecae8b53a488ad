import CustomsCore
import CustomsDockerfile
import CustomsImage
import CustomsModel
import Foundation

/// Maps an image's layers and metadata fields back to the Dockerfile instructions that made
/// them, so a finding points at the line to change. Layers are aligned with the instructions of
/// the stages that reach the shipped image from the last layer backwards (a layer's `created_by`
/// names its instruction in the classic builder's, BuildKit's and buildah's forms); the layers
/// before the first one that maps come from the base image. When an instruction is only known by
/// its kind and destination and several fit, the mapping says which lines are possible instead of
/// guessing.
public struct DockerfileMapper: Sendable {
    public let path: String
    /// Instructions of the shipped stages, in build order (base stage first), FROM excluded.
    private let candidates: [Candidate]
    private let rootFrom: Int?
    private let ignore: DockerIgnore?
    private let hasContext: Bool

    struct Candidate: Sendable {
        var instruction: Dockerfile.Instruction
        /// The arguments as written and with ARG/ENV values substituted, whitespace collapsed.
        var forms: [String]
    }

    /// - Parameter context: the build context directory, for what its `.dockerignore` says.
    public init(dockerfile: Dockerfile, path: String, context: URL? = nil) {
        self.path = path
        let shipped = dockerfile.shippedStages()
        let stages = dockerfile.stages
        var candidates: [Candidate] = []
        var variables: [String: String] = [:]
        var stage: Int?
        for instruction in dockerfile.instructions {
            guard let index = instruction.stage, shipped.contains(index) else { continue }
            if stage != index {
                stage = index
                // A stage built on another stage inherits its ENV; a new base starts afresh.
                if !stages.contains(where: { $0.name == stages[index].base.lowercased() }) {
                    variables = [:]
                }
            }
            if instruction.keyword == "FROM" { continue }
            if instruction.keyword == "ARG" || instruction.keyword == "ENV" {
                for (name, value) in instruction.assignments where value != nil || variables[name] == nil {
                    variables[name] = value ?? ""
                }
            }
            let raw = Self.collapse(instruction.execForm.map { $0.joined(separator: " ") } ?? instruction.arguments)
            let expanded = Self.expand(raw, variables)
            candidates.append(Candidate(instruction: instruction, forms: raw == expanded ? [raw] : [raw, expanded]))
        }
        self.candidates = candidates
        rootFrom = stages.first { shipped.contains($0.index) }?.line
        hasContext = context != nil
        ignore = context.flatMap { DockerIgnore.forBuild(dockerfile: path, context: $0) }
    }

    /// Layer index → where it came from, for layers made by `createdBy` (base layer first).
    public func mapLayers(_ createdBy: [String?]) -> [Int: DockerfileAnnotation] {
        var result: [Int: DockerfileAnnotation] = [:]
        var next = candidates.count - 1  // the latest candidate a layer may still map to
        var firstMapped: Int?
        for layer in createdBy.indices.reversed() {
            guard next >= 0, let text = createdBy[layer] else { continue }
            let entry = HistoryEntry(text)
            // The latest candidate with the best fit: layers come in instruction order.
            var scores: [(index: Int, score: Int)] = []
            for index in stride(from: next, through: 0, by: -1) {
                let fit = score(candidates[index], entry)
                if fit > 0 { scores.append((index, fit)) }
            }
            guard let top = scores.map(\.score).max(), let best = scores.first(where: { $0.score == top }) else {
                continue
            }
            var annotation = DockerfileAnnotation(
                dockerfile: path, line: candidates[best.index].instruction.line, keyword: entry.keyword)
            if top < HistoryEntry.exact {
                annotation.alsoPossible = scores.filter { $0.index != best.index && $0.score == top }
                    .map { candidates[$0.index].instruction.line }.sorted()
            }
            result[layer] = annotation
            firstMapped = layer
            next = best.index - 1
        }
        for layer in 0..<(firstMapped ?? createdBy.count) where result[layer] == nil {
            var annotation = DockerfileAnnotation(dockerfile: path, line: rootFrom, keyword: "FROM")
            annotation.fromBaseImage = true
            result[layer] = annotation
        }
        return result
    }

    /// The annotation of one location, given the layer mapping of its image.
    public func annotate(_ location: FindingLocation, layers: [Int: DockerfileAnnotation]) -> DockerfileAnnotation? {
        switch location.place {
        case .file(let file):
            guard var annotation = layers[file.layerIndex] else { return nil }
            if !annotation.fromBaseImage, let line = annotation.line,
                let candidate = candidates.first(where: { $0.instruction.line == line }),
                ["COPY", "ADD"].contains(candidate.instruction.keyword), candidate.instruction.flag("from") == nil,
                let (contextPath, byName) = Self.contextPath(
                    of: file.path.value, copied: candidate.forms[candidate.forms.count - 1])
            {
                annotation.contextPath = contextPath
                annotation.copiedByName = byName
                if hasContext {
                    if let ignore {
                        let pattern = ignore.decidingPattern(for: contextPath)
                        annotation.dockerignore =
                            pattern.map { $0.exclusion ? .doesNotExclude : .excludes(line: $0.line) } ?? .doesNotExclude
                    } else {
                        annotation.dockerignore = .missing
                    }
                }
            }
            return annotation
        case .metadata(let metadata):
            return annotate(field: metadata.field, createdBy: metadata.createdBy)
        }
    }

    private func annotate(field: String, createdBy: String?) -> DockerfileAnnotation? {
        let words = field.split(separator: " ").map(String.init)
        func declaring(_ keyword: String, _ name: String) -> DockerfileAnnotation {
            let instruction = candidates.last { candidate in
                candidate.instruction.keyword == keyword
                    && candidate.instruction.assignments.contains { $0.0 == name }
            }?.instruction
            var annotation = DockerfileAnnotation(
                dockerfile: path, line: instruction?.line ?? rootFrom, keyword: instruction == nil ? "FROM" : keyword)
            annotation.fromBaseImage = instruction == nil
            if let instruction, keyword != "LABEL", instruction.assignments.count == 1 {
                annotation.removableLines = instruction.lines
            }
            return annotation
        }
        if words.count == 3, words[1] == "build-arg" { return declaring("ARG", words[2]) }
        if words.count == 2, words[0].hasPrefix("config.Env[") { return declaring("ENV", words[1]) }
        if field.hasPrefix("config.Labels["),
            let data = field.dropFirst("config.Labels[".count).dropLast().data(using: .utf8),
            let key = try? JSONDecoder().decode(String.self, from: data)
        {
            return declaring("LABEL", key)
        }
        if let createdBy, field.hasSuffix("created_by") {
            let entry = HistoryEntry(createdBy)
            var best: (index: Int, score: Int)?
            for (index, candidate) in candidates.enumerated() {
                let fit = score(candidate, entry)
                if fit > 0, fit >= (best?.score ?? 0) { best = (index, fit) }  // the latest of the best
            }
            guard let best else { return nil }
            return DockerfileAnnotation(
                dockerfile: path, line: candidates[best.index].instruction.line, keyword: entry.keyword)
        }
        return nil
    }

    /// How well a layer's instruction fits a candidate: 0 not at all, `HistoryEntry.exact` for
    /// the same text, less for the same kind and destination only.
    private func score(_ candidate: Candidate, _ entry: HistoryEntry) -> Int {
        guard candidate.instruction.keyword == entry.keyword else { return 0 }
        if candidate.forms.contains(entry.arguments) { return HistoryEntry.exact }
        if let destination = entry.classicDestination {
            let fits = candidate.forms.contains { form in
                form.split(separator: " ").last.map { Self.trimSlash(String($0)) } == Self.trimSlash(destination)
            }
            return fits ? 2 : 0
        }
        if entry.arguments.count >= 8,
            candidate.forms.contains(where: { $0.contains(entry.arguments) || entry.arguments.contains($0) })
        {
            return 3
        }
        return 1  // the same kind of instruction: only order says which
    }

    /// The context-relative path of an in-image file a COPY of `arguments` copied, when its
    /// destination is a directory that holds the file (`COPY . /app` → `/app/.npmrc` → `.npmrc`).
    static func contextPath(of imagePath: String, copied arguments: String) -> (String, Bool)? {
        var words = arguments.split(separator: " ").map(String.init)
        guard words.count >= 2, let destination = words.popLast() else { return nil }
        let target = "/" + DockerIgnore.clean(destination)
        let file = "/" + DockerIgnore.clean(imagePath)
        guard file.hasPrefix(target == "/" ? "/" : target + "/") else {
            // A single file copied to a file path.
            return file == target && words.count == 1 ? (DockerIgnore.clean(words[0]), true) : nil
        }
        let below = String(file.dropFirst(target == "/" ? 1 : target.count + 1))
        guard words.count == 1 else { return (below, false) }  // several sources: the path under one of them
        let source = DockerIgnore.clean(words[0])
        if source.isEmpty { return (below, false) }  // `COPY . /app`: the context's files under /app
        // A file copied into a directory keeps its name; a directory's contents go below the destination.
        if below == source.split(separator: "/").last.map(String.init) { return (source, true) }
        return (source + "/" + below, false)
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func trimSlash(_ text: String) -> String {
        text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}` with the values known so far.
    static func expand(_ text: String, _ variables: [String: String]) -> String {
        guard text.contains("$"),
            let regex = try? NSRegularExpression(
                pattern: #"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"#)
        else { return text }
        var result = ""
        var last = text.startIndex
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let whole = Range(match.range, in: text) else { continue }
            let name = (Range(match.range(at: 1), in: text) ?? Range(match.range(at: 4), in: text)).map {
                String(text[$0])
            }
            let operation = Range(match.range(at: 2), in: text).map { String(text[$0]) }
            let word = Range(match.range(at: 3), in: text).map { String(text[$0]) } ?? ""
            let value = name.flatMap { variables[$0] }
            let replacement: String
            switch operation {
            case "-": replacement = (value?.isEmpty ?? true) ? word : value!
            case "+": replacement = (value?.isEmpty ?? true) ? "" : word
            default: replacement = value ?? String(text[whole])
            }
            result += text[last..<whole.lowerBound] + replacement
            last = whole.upperBound
        }
        return result + text[last...]
    }
}

/// A layer's `created_by` read as an instruction.
struct HistoryEntry {
    static let exact = 4
    var keyword: String
    /// Arguments with whitespace collapsed (exec form flattened, flags dropped).
    var arguments: String
    /// The destination of the classic builder's `COPY file:… in /dest`.
    var classicDestination: String?

    init(_ createdBy: String) {
        var text = HistoryInstruction.display(createdBy)
        if !text.contains(" ") { text += " " }
        let space = text.firstIndex(of: " ") ?? text.endIndex
        keyword = text[..<space].uppercased()
        var words = text[space...].split(separator: " ").map(String.init)
        while let first = words.first, first.hasPrefix("--") { words.removeFirst() }
        var arguments = words.joined(separator: " ")
        if arguments.hasPrefix("["), let data = arguments.data(using: .utf8),
            let exec = try? JSONDecoder().decode([String].self, from: data)
        {
            arguments = DockerfileMapper.collapse(exec.joined(separator: " "))
        }
        self.arguments = arguments
        if ["COPY", "ADD"].contains(keyword), words.count >= 3, words[words.count - 2] == "in",
            ["file:", "dir:", "multi:"].contains(where: { words[0].hasPrefix($0) })
        {
            classicDestination = words[words.count - 1]
        }
    }
}

extension DockerfileMapper {
    /// The annotations of every location of `findings` in `image`.
    public func annotations(for image: ImageSummary, in findings: [Finding]) -> [FindingLocation: DockerfileAnnotation]
    {
        let layers = mapLayers(image.layers.map(\.createdBy))
        var result: [FindingLocation: DockerfileAnnotation] = [:]
        for location in findings.flatMap(\.locations)
        where location.image == image.name && location.imageDigest == image.manifestDigest
            && location.platform == image.platform
        {
            result[location] = annotate(location, layers: layers)
        }
        return result
    }
}
