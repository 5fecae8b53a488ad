import Foundation

/// A `WWW-Authenticate` challenge (RFC 7235): the scheme a registry asks for and its parameters
/// (`realm`, `service`, `scope` for the Bearer token flow).
public struct AuthChallenge: Equatable, Sendable {
    /// Lower-cased scheme: `basic` or `bearer` (others are reported, not answered).
    public var scheme: String
    public var parameters: [String: String]

    /// Parses the first challenge of a header value; nil when the value is not a challenge.
    public init?(header: String) {
        var scanner = Substring(header.trimmingCharacters(in: .whitespaces))
        let space = scanner.firstIndex(of: " ") ?? scanner.endIndex
        guard space != scanner.startIndex else { return nil }
        scheme = scanner[..<space].lowercased()
        scanner = scanner[space...]
        parameters = [:]
        while true {
            scanner = scanner.drop { $0 == " " || $0 == "," }
            guard let equals = scanner.firstIndex(of: "=") else { break }
            let key = scanner[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            scanner = scanner[scanner.index(after: equals)...]
            var value = ""
            if scanner.first == "\"" {
                scanner = scanner.dropFirst()
                var escaped = false
                while let character = scanner.first {
                    scanner = scanner.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                        continue
                    }
                    if character == "\\" {
                        escaped = true
                        continue
                    }
                    if character == "\"" { break }
                    value.append(character)
                }
            } else {
                let end = scanner.firstIndex(of: ",") ?? scanner.endIndex
                value = scanner[..<end].trimmingCharacters(in: .whitespaces)
                scanner = scanner[end...]
            }
            guard !key.isEmpty, !key.contains(" ") else { break }
            parameters[key] = value
        }
    }
}
