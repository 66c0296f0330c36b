import Foundation
import HummingbirdTesting
import Testing

@Suite("The OpenAPI document covers the router")
struct OpenAPICoverageTests {
    /// `path → methods` from the document's `paths:` section (two-space path keys, four-space
    /// operation keys), read as text so the test needs no YAML parser.
    static func operations(in document: String) -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        var inPaths = false
        var current: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if !line.isEmpty, !line.hasPrefix(" ") { break }
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                current = String(line.dropFirst(2).dropLast())
                result[current!, default: []] = []
            } else if let path = current, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                result[path, default: []].insert(line.trimmingCharacters(in: .whitespaces).dropLast().uppercased())
            }
        }
        return result
    }

    @Test("every route the application serves is documented with its method")
    func everyRouteDocumented() async throws {
        try await APITestHarness.run(backend: .memory) { harness, client in
            let document = String(buffer: try await client.send(.get, "/openapi.yaml", key: nil).body)
            let documented = Self.operations(in: document)
            #expect(documented.count >= 6)
            for route in harness.routes {
                let parts = route.split(separator: " ", maxSplits: 1).map(String.init)
                #expect(documented[parts[1]]?.contains(parts[0]) == true, "\(route) is not in openapi.yaml")
            }
        }
    }
}
