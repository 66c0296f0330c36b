import ChurnGuardEngine

/// Adds a `# HELP` line before each `# TYPE` line of an exposition: swift-prometheus writes
/// none through swift-metrics, and Prometheus tooling (`promtool check metrics`) asks for one.
/// The text comes from ``MetricNames/help``; a series without an entry gets a generic line.
enum ExpositionHelp {
    static func annotate(_ exposition: [UInt8], help: [String: String] = MetricNames.help) -> [UInt8] {
        let typePrefix = Array("# TYPE ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(exposition.count + exposition.count / 4)
        var start = 0
        while start < exposition.count {
            let end = exposition[start...].firstIndex(of: UInt8(ascii: "\n")) ?? exposition.count
            let line = exposition[start..<end]
            if line.starts(with: typePrefix) {
                let rest = line.dropFirst(typePrefix.count)
                let name = String(decoding: rest.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                let text = help[name] ?? "ChurnGuard series \(name)."
                out.append(contentsOf: Array("# HELP \(name) \(escape(text))\n".utf8))
            }
            out.append(contentsOf: line)
            out.append(UInt8(ascii: "\n"))
            start = end + 1
        }
        return out
    }

    /// HELP text escaping of the text format: backslash and line feed.
    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }
}
