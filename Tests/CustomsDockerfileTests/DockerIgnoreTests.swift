import CustomsDockerfile
import Testing

/// `.dockerignore` matching as BuildKit (moby/patternmatcher) does it.
@Suite struct DockerIgnoreTests {
    @Test(arguments: [
        ("*.md", "README.md", true), ("*.md", "docs/a.md", false), ("**/*.md", "docs/a.md", true),
        ("**/*.md", "README.md", true), ("/node_modules", "node_modules/x/y.js", true),
        ("./build", "build/out", true), ("temp?", "temp1", true), ("temp?", "temp12", false),
        ("[a-c].txt", "b.txt", true), ("[a-c].txt", "d.txt", false), ("docs/**", "docs/a/b/c", true),
        ("**", "anything/at/all", true), (".env*", ".env.production", true), (".env*", "app/.env", false),
        ("**/.env*", "app/.env", true), ("a/**/b", "a/b", true), ("a/**/b", "a/x/y/b", true),
        ("# comment", "# comment", false), ("../outside", "outside", true),
    ])
    func patterns(_ pattern: String, _ path: String, _ excluded: Bool) {
        #expect(DockerIgnore(parsing: pattern).excludes(path) == excluded)
    }

    @Test func theLastMatchingPatternDecidesAndExceptionsReinclude() {
        let ignore = DockerIgnore(parsing: "*.md\n!README.md\n# notes\nREADME.md.bak\n")
        #expect(ignore.excludes("CHANGES.md"))
        #expect(!ignore.excludes("README.md"))
        #expect(ignore.excludes("README.md.bak"))
        #expect(ignore.decidingPattern(for: "README.md")?.line == 2)
        let reincluded = DockerIgnore(parsing: "secrets\n!secrets/public.txt\n")
        #expect(reincluded.excludes("secrets/key.pem"))
        #expect(!reincluded.excludes("secrets/public.txt"))
    }
}
