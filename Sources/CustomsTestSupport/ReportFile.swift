import Foundation

/// The JSON report as tests read it back (only the fields tests assert on).
public struct ReportFile: Decodable {
    public struct Rule: Decodable {
        public var id: String
        public var severity: String
        public var confidence: String
    }
    public struct LayerRef: Decodable {
        public var index: Int
        public var count: Int
        public var digest: String?
        public var createdBy: String?
    }
    public struct Status: Decodable {
        public var kind: String
        public var layer: Int?
        public var createdBy: String?
    }
    public struct Location: Decodable {
        public var image: String
        public var platform: String?
        public var kind: String
        public var layer: LayerRef?
        public var path: String?
        public var nestedPath: String?
        public var line: Int?
        public var column: Int?
        public var status: Status?
        public var field: String?
        public var dockerfile: DockerfileRef?
        public var remediation: Remediation?
    }
    public struct DockerfileRef: Decodable {
        public var path: String
        public var line: Int?
        public var instruction: String?
        public var alsoPossible: [Int]?
        public var contextPath: String?
        public var dockerignore: String?
    }
    public struct Remediation: Decodable {
        public var kind: String
        public var text: String
        public var dockerignore: String?
    }
    public struct Finding: Decodable {
        public var rule: Rule
        public var secret: String
        public var redacted: Bool
        public var fingerprint: String
        public var locations: [Location]
    }
    public struct Layer: Decodable {
        public var index: Int
        public var digest: String?
        public var diffID: String?
        public var compression: String?
        public var createdBy: String?
        public var complete: Bool
        public var cached: Bool?
    }
    public struct Image: Decodable {
        /// The source the image was read from (a path, `-`, `docker-daemon:NAME`, a reference).
        public var target: String
        public var name: String
        public var platform: String?
        public var layers: [Layer]
    }
    public struct Diagnostic: Decodable {
        public var code: String
        public var message: String
        public var layer: Int?
        public var incomplete: Bool
    }
    public struct FailedTarget: Decodable {
        public var target: String
        public var message: String
    }
    public struct Coverage: Decodable {
        public var complete: Bool
        public var diagnostics: [Diagnostic]
        public var failedTargets: [FailedTarget]
    }

    public var schemaVersion: String
    public var images: [Image]
    public var findings: [Finding]
    public var coverage: Coverage

    public static func decode(_ data: Data) throws -> ReportFile {
        try JSONDecoder().decode(ReportFile.self, from: data)
    }
}
