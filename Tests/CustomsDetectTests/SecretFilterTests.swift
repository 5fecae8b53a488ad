import CustomsBuiltinRules
import CustomsDetect
import CustomsTestSupport
import Foundation
import Testing

/// The generic rule's gate: program text found in real images stays quiet; random secrets pass.
@Suite struct SecretFilterTests {
    static let engine = try! DetectionEngine(ruleSet: BuiltinRules.load())

    func generic(_ text: String) -> Int {
        Self.engine.makeScanner().scan(Array(text.utf8)).matches.filter {
            $0.rule.id.rawValue == "generic.secret-assignment"
        }.count
    }

    @Test(arguments: [
        "secret: V1SecretKeySelector", "private_key_type: PKCS7PrivateKeyTypes", "token = imdsv2_session_token2",
        "TOKEN_FILE = _IMDSV2_SESSION_TOKEN_TTL_SECONDS", "credentials = google.oauth2.credentials1",
        "token_url = https://sts.example.com/v1/token", "password_path: /var/run/secrets/db2/password",
        "PrivateKey::gDsaPrivateKey::q1", "token_expiry: 2016-09-08T21:47:36Z", "secret = TEST_DATA_BASE64",
    ])
    func programTextIsNotASecret(_ text: String) {
        #expect(generic(text) == 0)
    }

    @Test(arguments: 0..<40)
    func randomSecretsPass(_ seed: Int) throws {
        let value = try FakeSecrets.make("password", seed: "filter-\(seed)")
        #expect(generic("DB_PASSWORD=\(value)") == 1)
    }
}
