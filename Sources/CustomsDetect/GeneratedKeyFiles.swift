import CustomsCore

/// Private keys that packages generate while they are installed, at places every container of the
/// image then shares (the SSH server's host keys, ssl-cert's snakeoil key). They are real secrets
/// and stay findings; the note says what they are and how to fix the build, since nobody put them
/// there on purpose.
public enum GeneratedKeyFiles {
    /// The note for a key found in the file at `path`, or nil when the path is not such a place.
    public static func note(for path: ImagePath) -> String? {
        let value = path.value
        if value.hasPrefix("etc/ssh/ssh_host_"), value.hasSuffix("_key") {
            return "SSH host key generated when the SSH server was installed: every container of the image "
                + "shares it; generate host keys at container start (ssh-keygen -A) instead"
        }
        if value == "etc/ssl/private/ssl-cert-snakeoil.key" {
            return "snakeoil TLS key generated when ssl-cert was installed: every container of the image shares "
                + "it; generate it at container start (make-ssl-cert generate-default-snakeoil) or mount a real key"
        }
        return nil
    }
}
