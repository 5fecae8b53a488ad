import CustomsCore
import CustomsDetect
import Testing

/// Credential files: recognised by path, read by structure, placeholders left out.
@Suite struct CredentialFilesTests {
    func values(_ kind: CredentialFiles.Kind, _ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return CredentialFiles.parse(kind, bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func pathsAreRecognised() {
        #expect(CredentialFiles.kind(of: ImagePath("/root/.netrc")) == .netrc)
        #expect(CredentialFiles.kind(of: ImagePath("/var/lib/postgresql/.pgpass")) == .pgpass)
        #expect(CredentialFiles.kind(of: ImagePath("/home/ci/.kube/config")) == .kubeconfig)
        #expect(CredentialFiles.kind(of: ImagePath("/etc/kubernetes/admin.conf")) == .kubeconfig)
        #expect(CredentialFiles.kind(of: ImagePath("/infra/prod.tfstate.backup")) == .terraformState)
        #expect(CredentialFiles.kind(of: ImagePath("/app/config")) == nil)
        #expect(CredentialFiles.kind(of: ImagePath("/app/netrc.py")) == nil)
    }

    @Test func netrcTokensOnOneLineOrMany() {
        #expect(
            values(.netrc, "machine a login u password hunter22 machine b login v passwd s3cret99\n") == [
                "hunter22", "s3cret99",
            ])
        #expect(values(.netrc, "machine a\n\tlogin u\n\tpassword ${NETRC_PASSWORD}\n") == [])
    }

    @Test func pgpassFifthFieldWithEscapedColons() {
        #expect(values(.pgpass, "# comment: a:b:c:d:e\nhost:5432:*:app:pa\\:ss99\nbad:line\n") == ["pa\\:ss99"])
    }

    @Test func iniAndYamlAssignments() {
        #expect(values(.pypirc, "[pypi]\nusername = __token__\npassword = 'quoted99'\n") == ["quoted99"])
        #expect(
            values(.kubeconfig, "users:\n- name: a\n  user:\n    token: k8Jd92mXq0Lp\n    password: changeme\n") == [
                "k8Jd92mXq0Lp"
            ])
    }

    @Test func terraformStateSecretAttributes() {
        let state = """
              "attributes": {
                "master_password": "Zq9\\"x8y7w6",
                "password_wo_version": "1",
                "secret_arn": "arn:aws:secretsmanager:eu-west-1:1:secret:x",
                "private_key_pem": "-----BEGIN RSA PRIVATE KEY-----\\nMIIE",
                "token": ""
              }
            """
        #expect(values(.terraformState, state) == ["Zq9\\\"x8y7w6", "-----BEGIN RSA PRIVATE KEY-----\\nMIIE"])
    }
}
