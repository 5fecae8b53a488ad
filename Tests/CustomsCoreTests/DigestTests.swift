import CustomsCore
import Foundation
import Testing

/// Digests are parsed at the edge: nothing that is not exactly `sha256:<64 lowercase hex>` gets in.
@Suite struct DigestTests {
    static let hex = String(repeating: "ab", count: 32)

    @Test func parsesOnlyLowercaseSHA256() {
        #expect(Digest(parsing: "sha256:\(Self.hex)")?.hex == Self.hex)
        #expect(Digest(parsing: "sha256:\(Self.hex.uppercased())") == nil)
        #expect(Digest(parsing: "sha512:\(Self.hex)") == nil)
        #expect(Digest(parsing: "sha256:\(Self.hex.dropLast())") == nil)
        #expect(Digest(parsing: "sha256:../../\(Self.hex.dropFirst(6))") == nil)
        #expect(Digest(parsing: Self.hex) == nil)
    }

    @Test func blobPathNamesADigestOnlyUnderBlobsSHA256() {
        #expect(Digest(blobPath: "blobs/sha256/\(Self.hex)")?.description == "sha256:\(Self.hex)")
        #expect(Digest(blobPath: "blobs/sha512/\(Self.hex)") == nil)
        #expect(Digest(blobPath: "x/blobs/sha256/\(Self.hex)") == nil)
        #expect(Digest(blobPath: "blobs/sha256/\(Self.hex)/layer.tar") == nil)
    }

    @Test func hashesDataAndRoundTripsThroughJSON() throws {
        let digest = Digest.of(Data("abc".utf8))
        #expect(digest.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let encoded = try JSONEncoder().encode([digest])
        #expect(try JSONDecoder().decode([Digest].self, from: encoded) == [digest])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Digest].self, from: Data(#"["md5:00"]"#.utf8)) }
    }
}

/// Entry names become normalised in-image paths; they are data, never host paths.
@Suite struct ImagePathTests {
    @Test(arguments: [
        ("./app/.env", "app/.env"), ("/etc//passwd", "etc/passwd"), ("a/./b/", "a/b"), ("app/.env", "app/.env"),
        ("./", ""), ("a/../b", "a/../b"),
    ])
    func normalises(_ raw: String, _ expected: String) {
        #expect(ImagePath(raw).value == expected)
    }

    @Test func namesParentsAndAncestors() {
        let path = ImagePath("usr/local/bin/tool")
        #expect(path.name == "tool")
        #expect(ImagePath("top").name == "top" && ImagePath("").name == "")
        #expect(ImagePath("usr/share/dépôt/fiché.txt").name == "fiché.txt")
        #expect(path.parent?.value == "usr/local/bin")
        #expect(path.ancestors.map(\.value) == ["usr/local/bin", "usr/local", "usr", ""])
        #expect(ImagePath("top").parent?.value == "")
        #expect(ImagePath("").parent == nil)
        #expect(ImagePath("").appending("x").value == "x")
    }

    @Test func longNamesAreCutAndControlCharactersEscapedForDisplay() {
        let long = ImagePath(String(repeating: "a/", count: 4000))
        #expect(long.value.hasSuffix("…[truncated]"))
        #expect(!ImagePath("evil\u{1b}[2Jname").display.contains("\u{1b}"))
    }
}

/// A secret restored from a layer store has no clear value; its fingerprint and redaction stay.
/// Fingerprints are keyed, and short secrets show no character.
@Suite struct SecretTests {
    static let key = FingerprintKey.default

    @Test func restoredSecretHasNoClearValue() {
        let clear = Secret("ghp_" + String(repeating: "x", count: 36))
        let fingerprint = clear.fingerprint(rule: RuleID("r"), key: Self.key)
        let restored = Secret.restored(fingerprint: fingerprint, redacted: clear.redacted)
        #expect(clear.clearValue != nil)
        #expect(restored.clearValue == nil && restored.legacyFingerprint(rule: RuleID("r")) == nil)
        #expect(restored.fingerprint(rule: RuleID("other"), key: FingerprintKey("other")) == fingerprint)
        #expect(restored.redacted == clear.redacted)
    }

    @Test func fingerprintDependsOnRuleSecretAndKey() {
        let secret = Secret("value-1234567890")
        let fingerprint = secret.fingerprint(rule: RuleID("a"), key: Self.key)
        #expect(fingerprint != secret.fingerprint(rule: RuleID("b"), key: Self.key))
        #expect(fingerprint != Secret("value-1234567891").fingerprint(rule: RuleID("a"), key: Self.key))
        #expect(fingerprint != secret.fingerprint(rule: RuleID("a"), key: FingerprintKey("team secret")))
        #expect(fingerprint == secret.fingerprint(rule: RuleID("a"), key: FingerprintKey("customs-fingerprint-v2")))
        #expect(fingerprint.count == 64)
        // Keyed: not the unkeyed SHA-256 of rule and secret that anyone could brute-force offline.
        #expect(fingerprint != secret.legacyFingerprint(rule: RuleID("a")))
        #expect(secret.legacyFingerprint(rule: RuleID("a")) == Digest.of(Data("a\u{0}value-1234567890".utf8)).hex)
    }

    @Test func keyIDsNameKeysWithoutShowingThem() {
        let key = FingerprintKey("team secret")
        #expect(key.id.count == 16 && !key.id.contains("team"))
        #expect(key.id != FingerprintKey.default.id)
        #expect(FingerprintKey.fromEnvironment([FingerprintKey.environmentVariable: "team secret"]).id == key.id)
        #expect(
            FingerprintKey.fromEnvironment([FingerprintKey.environmentVariable: ""]).id == FingerprintKey.default.id)
    }

    @Test(arguments: ["summer24", "hunter2!", "correct-horse-battery", String(repeating: "k", count: 23)])
    func shortSecretsShowNoCharacter(_ value: String) {
        #expect(Secret(value).redacted == "[redacted]")
    }

    @Test func longSecretsShowSixCharacters() {
        let token = "ghp_" + String(repeating: "Ab3", count: 12)
        #expect(Secret(token).redacted == "ghp_…b3")
    }
}

/// Printing a secret by accident (a log line, `dump`, a failed expectation) shows its redaction only.
@Suite struct SecretPrintingTests {
    @Test func everyWayOfPrintingShowsTheRedactionOnly() {
        let value = "sk_live_" + String(repeating: "Zq", count: 12)
        let secret = Secret(value)
        var dumped = ""
        dump([secret], to: &dumped)
        for text in [
            String(describing: secret), String(reflecting: secret), "\(secret)", dumped,
            String(describing: [secret]), String(describing: (rule: "r", secret: secret)),
        ] {
            #expect(!text.contains(String(value.dropFirst(8))), "printed in clear: \(text.count) characters")
            #expect(text.contains(secret.redacted))
        }
    }
}

/// A platform comes from the image's own config: it may only hold what the OCI grammar allows,
/// so an image cannot print escape codes or forge a report line through it.
@Suite struct PlatformTests {
    @Test func partsOutsideTheGrammarAreRefused() {
        #expect(Platform(validating: "linux", architecture: "arm64", variant: "v8")?.description == "linux/arm64/v8")
        #expect(Platform(validating: "linux\u{1b}[2J", architecture: "amd64", variant: nil) == nil)
        #expect(Platform(validating: "linux", architecture: "amd64\nimage evil", variant: nil) == nil)
        #expect(Platform(validating: "linux", architecture: "amd64", variant: "") == nil)
        #expect(Platform(validating: "", architecture: "amd64", variant: nil) == nil)
        #expect(Platform(parsing: "linux/amd64/\u{7}") == nil)
    }

    @Test func evenAnUncheckedPlatformPrintsEscaped() {
        let platform = Platform(os: "linux\u{1b}[31m", architecture: "amd64")
        #expect(!platform.description.contains("\u{1b}"))
    }
}
