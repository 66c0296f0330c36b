/// Bounds text that came from outside (request values echoed in backend errors) before it
/// is logged, so one request cannot write an arbitrarily long log line.
enum LogText {
    /// Most characters of one logged value.
    static let maxCharacters = 512

    /// `text`, cut to ``maxCharacters`` with a note of how much was left out.
    static func capped(_ text: String) -> String {
        guard text.count > maxCharacters else { return text }
        return String(text.prefix(maxCharacters)) + "… (\(text.count - maxCharacters) more characters)"
    }
}
