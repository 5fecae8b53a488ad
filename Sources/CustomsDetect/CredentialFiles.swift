import CustomsCore
import Foundation

/// Credential stores recognised by their path and read by their structure, so a password is
/// found because of where it sits (`.netrc`'s `password` token, `.pgpass`'s fifth field), not
/// because it looks random: `hunter2` in `.pgpass` is a leak too. These add to the regex rules,
/// which scan the same files as any other: a specific rule on the same bytes wins, and a
/// structural finding replaces a generic one.
public enum CredentialFiles {
    /// The kinds of credential files read by structure. Closed set.
    public enum Kind: String, Sendable, CaseIterable {
        case netrc, pgpass, pypirc, kubeconfig, terraformState
    }

    /// Bytes of a credential file read for its structure (the regex rules scan the whole file).
    public static let maxBytes = 4 << 20

    /// The detectors, as rules for reports and `customs rules list`.
    public static let rules: [Kind: RuleSummary] = [
        .netrc: RuleSummary(
            id: RuleID("netrc.password"), name: "Password in a .netrc file", severity: .high, confidence: .high),
        .pgpass: RuleSummary(
            id: RuleID("pgpass.password"), name: "Password in a PostgreSQL .pgpass file", severity: .high,
            confidence: .high),
        .pypirc: RuleSummary(
            id: RuleID("pypirc.password"), name: "Password in a .pypirc file", severity: .high, confidence: .high),
        .kubeconfig: RuleSummary(
            id: RuleID("kubeconfig.credential"), name: "Token or password of a kubeconfig user", severity: .critical,
            confidence: .high),
        .terraformState: RuleSummary(
            id: RuleID("terraform.state-secret"), name: "Secret attribute in a Terraform state file", severity: .high,
            confidence: .medium),
    ]

    /// The kind of credential file at `path`, if it is one.
    public static func kind(of path: ImagePath) -> Kind? {
        let value = path.value
        let name = path.name
        switch name {
        case ".netrc", "_netrc": return .netrc
        case ".pgpass", "pgpass.conf": return .pgpass
        case ".pypirc": return .pypirc
        case "kubeconfig", "admin.conf", "kubelet.conf": return .kubeconfig
        default: break
        }
        // By bytes: String's `hasSuffix` compares characters, and every file of a layer passes here.
        func ends(_ text: some StringProtocol, with suffix: String) -> Bool {
            text.utf8.count >= suffix.utf8.count && text.utf8.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
        }
        if ends(value, with: "/.kube/config") || ends(name, with: ".kubeconfig") { return .kubeconfig }
        if ends(name, with: ".tfstate") || ends(name, with: ".tfstate.backup") { return .terraformState }
        return nil
    }

    /// The byte range of every secret value `bytes` holds as a file of `kind`, in file order.
    /// Placeholders are left out.
    public static func parse(_ kind: Kind, _ bytes: [UInt8]) -> [Range<Int>] {
        let hits: [Range<Int>]
        switch kind {
        case .netrc: hits = netrc(bytes)
        case .pgpass: hits = pgpass(bytes)
        case .pypirc: hits = assignments(bytes, keys: ["password"], separators: [UInt8(ascii: "="), UInt8(ascii: ":")])
        case .kubeconfig:
            hits = assignments(
                bytes, keys: ["token", "password", "id-token", "refresh-token", "client-secret", "access-token"],
                separators: [UInt8(ascii: ":")])
        case .terraformState: hits = terraformState(bytes)
        }
        return hits.filter { hit in
            let value = String(decoding: bytes[hit], as: UTF8.self)
            return value.count >= 4 && !PlaceholderFilter.isPlaceholder(value)
        }
    }

    /// `machine HOST login USER password SECRET` tokens, on one line or many.
    static func netrc(_ bytes: [UInt8]) -> [Range<Int>] {
        let tokens = Self.tokens(bytes)
        var hits: [Range<Int>] = []
        for (index, token) in tokens.enumerated() where index + 1 < tokens.count {
            let word = String(decoding: bytes[token], as: UTF8.self)
            if word == "password" || word == "passwd" { hits.append(tokens[index + 1]) }
        }
        return hits
    }

    /// `hostname:port:database:username:password` lines; `\:` escapes a colon.
    static func pgpass(_ bytes: [UInt8]) -> [Range<Int>] {
        lines(bytes).compactMap { line in
            guard let first = line.first, bytes[first] != UInt8(ascii: "#") else { return nil }
            var colons = 0
            var index = line.lowerBound
            while index < line.upperBound {
                if bytes[index] == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if bytes[index] == UInt8(ascii: ":") {
                    colons += 1
                    if colons == 4 { return (index + 1)..<trimmedEnd(bytes, line) }
                }
                index += 1
            }
            return nil
        }
    }

    /// `key = value` / `key: value` lines (INI, flat YAML) whose key is one of `keys`, the value
    /// optionally quoted.
    static func assignments(_ bytes: [UInt8], keys: Set<String>, separators: Set<UInt8>) -> [Range<Int>] {
        lines(bytes).compactMap { line in
            var index = line.lowerBound
            while index < line.upperBound,
                bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == UInt8(ascii: "-")
            { index += 1 }
            let keyStart = index
            while index < line.upperBound, !separators.contains(bytes[index]), bytes[index] != 0x20,
                bytes[index] != 0x09
            { index += 1 }
            let key = String(decoding: bytes[keyStart..<index], as: UTF8.self).lowercased()
            guard keys.contains(key) else { return nil }
            while index < line.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            guard index < line.upperBound, separators.contains(bytes[index]) else { return nil }
            index += 1
            while index < line.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            var end = trimmedEnd(bytes, line)
            if index < end, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                let quote = bytes[index]
                index += 1
                guard let close = bytes[index..<end].firstIndex(of: quote) else { return nil }
                end = close
            }
            guard index < end else { return nil }
            return index..<end
        }
    }

    /// `"name": "value"` pairs of the state's JSON (Terraform writes one per line) whose name
    /// says secret: passwords, secrets, private keys, tokens, access keys.
    static func terraformState(_ bytes: [UInt8]) -> [Range<Int>] {
        let secretNames = [
            "password", "secret", "private_key", "token", "access_key", "api_key", "connection_string", "sas",
        ]
        let harmless = [
            "_arn", "_id", "_name", "_version", "_length", "_expiration", "_type", "_enabled", "_ttl", "_count", "_wo",
        ]
        return lines(bytes).compactMap { line in
            var index = line.lowerBound
            while index < line.upperBound, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            guard index < line.upperBound, bytes[index] == UInt8(ascii: "\"") else { return nil }
            guard let keyEnd = bytes[(index + 1)..<line.upperBound].firstIndex(of: UInt8(ascii: "\"")) else {
                return nil
            }
            let key = String(decoding: bytes[(index + 1)..<keyEnd], as: UTF8.self).lowercased()
            guard secretNames.contains(where: key.contains), !harmless.contains(where: key.hasSuffix) else {
                return nil
            }
            var cursor = keyEnd + 1
            while cursor < line.upperBound, bytes[cursor] == 0x20 || bytes[cursor] == UInt8(ascii: ":") { cursor += 1 }
            guard cursor < line.upperBound, bytes[cursor] == UInt8(ascii: "\"") else { return nil }
            var end = cursor + 1
            while end < line.upperBound, bytes[end] != UInt8(ascii: "\"") {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            end = min(end, line.upperBound)
            guard end > cursor + 1 else { return nil }
            return (cursor + 1)..<end
        }
    }

    /// Line ranges, without their newline.
    static func lines(_ bytes: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            result.append(start..<index)
            start = index + 1
        }
        if start < bytes.count { result.append(start..<bytes.count) }
        return result
    }

    /// Whitespace-separated token ranges.
    static func tokens(_ bytes: [UInt8]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int?
        for (index, byte) in bytes.enumerated() {
            let space = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if space, let begin = start {
                result.append(begin..<index)
                start = nil
            } else if !space, start == nil {
                start = index
            }
        }
        if let begin = start { result.append(begin..<bytes.count) }
        return result
    }

    /// The end of `line` without trailing spaces, tabs and carriage return.
    static func trimmedEnd(_ bytes: [UInt8], _ line: Range<Int>) -> Int {
        var end = line.upperBound
        while end > line.lowerBound, [0x20, 0x09, 0x0D].contains(bytes[end - 1]) { end -= 1 }
        return end
    }
}
