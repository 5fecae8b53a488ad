/// Splits shell text into words the way `sh` would for plain words: whitespace separates, single
/// and double quotes group and are removed, a backslash escapes the next character. Enough to read
/// `ARG`/`ENV` assignments and the file operands of `rm`, `curl -o` and redirections; no expansion.
public enum ShellWords {
    public static func split(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"):
                escaped = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case let (open?, close) where open == close:
                quote = nil
            case (nil, let space) where space.isWhitespace:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// The simple commands of a shell text: split at `&&`, `||`, `;`, `|` and newlines (outside quotes).
    public static func commands(_ text: String) -> [[String]] {
        var commands: [String] = []
        var current = ""
        var quote: Character?
        var previous: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                current.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character == ";" || character == "\n" || character == "|" || (character == "&" && previous == "&")
            {
                if character == "&" { current.removeLast() }
                commands.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        commands.append(current)
        return commands.map(split).filter { !$0.isEmpty }
    }
}
