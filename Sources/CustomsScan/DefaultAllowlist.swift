import CustomsCore

/// Known noise of real images, suppressed by default (and counted in the coverage section under
/// each entry's name, never dropped without a trace). Each entry was found scanning a clean
/// Debian + Python image (`scripts/bench-image`) and is as narrow as that noise: test suites
/// and documentation data shipped inside installed packages, and the self-test keys compiled
/// into TLS libraries. An entry for any rule suppresses medium and low confidence findings only
/// (generic key-name matches, unvalidated tokens): a high-confidence provider key (a live Stripe
/// key in a package's `tests/`) is never allowed by default. `--no-default-allowlist` (or
/// `default_allowlist: false`) turns it off.
public enum DefaultAllowlist {
    struct Entry {
        var name: String
        var rule: String?
        var paths: [String]
    }

    static let entries: [Entry] = [
        Entry(
            name: "default: test suites of installed Python packages", rule: nil,
            paths: [
                "**/site-packages/**/tests/**", "**/site-packages/**/test/**", "**/site-packages/**/test_*.py",
                "**/site-packages/**/*_test.py",
                "**/dist-packages/**/tests/**", "**/dist-packages/**/test/**", "**/dist-packages/**/test_*.py",
                "**/dist-packages/**/*_test.py",
            ]),
        Entry(
            name: "default: AWS SDK documentation examples", rule: nil,
            paths: [
                "**/site-packages/botocore/data/**/examples-1.json",
                "**/dist-packages/botocore/data/**/examples-1.json",
            ]),
        Entry(
            name: "default: C headers and package metadata inside Python packages (generic rule)",
            rule: "generic.secret-assignment",
            paths: [
                "**/site-packages/**/include/**", "**/site-packages/*.dist-info/METADATA",
                "**/dist-packages/**/include/**", "**/dist-packages/*.dist-info/METADATA",
            ]),
        Entry(
            name: "default: tests and test data of the Go toolchain", rule: nil, paths: goToolchainTests),
        Entry(
            name: "default: example keys in the Go toolchain's tests", rule: "pem.private-key",
            paths: goToolchainTests),
        Entry(
            name: "default: documentation and package indexes shipped by the distribution", rule: nil,
            paths: [
                "usr/share/doc/**", "usr/share/man/**", "usr/share/info/**", "usr/lib/ruby/**/man/**",
                "usr/lib/ruby/gems/*/gems/rbs-*/stdlib/**",
                "var/lib/apt/lists/**",
            ]),
        Entry(
            name: "default: self-test keys compiled into TLS libraries", rule: "pem.private-key",
            paths: [
                "usr/lib/**/libgnutls.so*", "usr/lib/**/libcrypto.so*", "usr/lib/**/libssl.so*",
            ]),
    ]

    /// Test files and test data under the Go toolchain's source tree (Debian's and golang images').
    static let goToolchainTests = ["usr/lib/go*", "usr/share/go*", "usr/local/go"].flatMap { root in
        ["\(root)/src/**/*_test.go", "\(root)/src/**/testdata/**"]
    }

    /// The allow rules, in the order they are tried.
    public static let rules: [AllowRule] = entries.flatMap { entry in
        entry.paths.map { path in
            // The globs above are constants checked by the tests; they always compile.
            var rule = try! AllowRule(
                name: entry.name, rule: entry.rule.map { RuleID($0) }, path: path, secretPattern: nil, fingerprint: nil)
            if entry.rule == nil { rule.maxConfidence = .medium }
            return rule
        }
    }
}
