import Foundation

/// A decoding failure (JSON or YAML) in one line a person can act on: the line, the field and
/// what is wrong with it, instead of `DecodingError`'s dump of coding keys.
public enum DecodingProblem {
    /// "line 4: field `findings[0].fingerprint` is missing"; `text` is the document, to find the line.
    public static func describe(_ error: any Error, in text: String) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return at(context.codingPath, in: text) + "field `\(path(context.codingPath + [key]))` is missing"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return at(context.codingPath, in: text) + "field `\(path(context.codingPath))` should be \(name(type))"
        case .dataCorrupted(let context):
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            let syntax = detail ?? context.debugDescription
            if context.codingPath.isEmpty { return "not valid: \(syntax.prefix(200))" }
            return at(context.codingPath, in: text) + "field `\(path(context.codingPath))`: \(syntax.prefix(200))"
        @unknown default:
            return "\(error)"
        }
    }

    /// `findings[0].fingerprint` for a coding path.
    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    /// "line N: " for the last named key of `keys` (its first occurrence as a key in `text`), or "".
    static func at(_ keys: [any CodingKey], in text: String) -> String {
        guard let name = keys.last(where: { $0.intValue == nil })?.stringValue else { return "line 1: " }
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains("\"\(name)\"") || line.trimmingCharacters(in: .whitespaces).hasPrefix("\(name):")
            || line.trimmingCharacters(in: .whitespaces).hasPrefix("- \(name):")
        {
            return "line \(number + 1): "
        }
        return ""
    }

    static func name(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "a whole number"
        case is Bool.Type: return "true or false"
        case is Double.Type: return "a number"
        default:
            let text = "\(type)"
            if text.hasPrefix("Array") { return "a list" }
            if text.hasPrefix("Dictionary") { return "a mapping" }
            return "a \(text)"
        }
    }
}
