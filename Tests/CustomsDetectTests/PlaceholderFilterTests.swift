import CustomsBuiltinRules
import CustomsTestSupport
import Testing

@testable import CustomsDetect

/// The placeholder table (docs/PLACEHOLDERS.md): what stands in for a secret is dropped, what is
/// random is kept, and a placeholder in a real-looking assignment is not reported.
@Suite struct PlaceholderFilterTests {
    @Test(arguments: [
        // Runs and sequences people type.
        "ABCDEFGHIJKL", "1234567890", "0123456789abcdef", "a1b2c3d4-e5f6-g7h8", "abcdefg12346", "zyxwvutsrq",
        "abcabcabcabc", "12121212", "aaaaaaaaaaaa", "qqqqqqqq1", "A1B2C3D4E5F6",
        // Documentation words, templates, redactions.
        "your_api_key_here", "<your-token>", "${DB_PASSWORD}", "%(password)s", "{{ .Values.token }}", "changeme",
        "EXAMPLE-TOKEN-123", "sample-secret-9f8e7d", "dummy-password", "[REDACTED]", "xxxxxxxxxxxx", "********",
        "password", "Token", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "foobared", "S3nsit1ve", "password_here",
        "put your unique phrase here",
    ])
    func placeholdersAreDropped(_ value: String) {
        #expect(PlaceholderFilter.isPlaceholder(value))
    }

    @Test(arguments: [
        "Tr0ub4dor&3xQz", "9fK2mQ7vLx1P", "hunter2-but-longer-8Qz", "s3cr3t-V4lu3-Zx9", "k8Jd92mXq0Lp",
        "81f4c2e9a7d3", "4e3b1f9a-07c2-4d5e-9b8a-6f1e2d3c4b5a", "S3nsit1ve#Pa55",
    ])
    func randomLookingValuesAreKept(_ value: String) {
        #expect(!PlaceholderFilter.isPlaceholder(value))
    }

    /// Generated secrets of every kind the corpus plants are never taken for placeholders.
    @Test(arguments: FakeSecrets.kinds)
    func fakeSecretsAreKept(_ kind: String) throws {
        for seed in 0..<50 {
            let secret = try FakeSecrets.make(kind, seed: "placeholder-\(kind)-\(seed)")
            let kept = !PlaceholderFilter.isPlaceholder(secret)
            #expect(kept, "a generated \(kind) (seed \(seed)) was taken for a placeholder")
        }
    }

    @Test func aPlaceholderInAnAssignmentIsNotReported() throws {
        let scanner = try DetectionEngine(ruleSet: BuiltinRules.load()).makeScanner()
        for value in ["ABCDEFGHIJKL1", "1234567890ab", "a1b2c3d4-e5f6-g7h8", "abcdefg12346"] {
            let found = scanner.scan(Array("DB_PASSWORD=\(value)\nAPI_TOKEN=\"\(value)\"\n".utf8)).matches
            #expect(found.isEmpty, "\(value): \(found.map(\.rule.id.rawValue))")
        }
    }
}
