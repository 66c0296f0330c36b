import ChurnGuardAPI
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The dashboard's static files over HTTP: content types, validators, the security headers,
/// and nothing but the bundled files (the browser test, scripts/test-dashboard, covers the views).
@Suite("Dashboard routes")
struct DashboardRoutesTests {
    @Test("/ and /dashboard serve the page, /static/ its files, each with its type, ETag and no-cache")
    func servesFiles() async throws {
        try await APITestHarness.run(backend: .memory) { _, client in
            for path in ["/", "/dashboard"] {
                let page = try await client.send(.get, path, key: nil)
                #expect(page.status == .ok)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: page.body).contains(#"<script type="module" src="/static/app.js">"#))
                #expect(page.headers[.cacheControl] == "no-cache")
                #expect(page.headers[.eTag]?.hasPrefix("\"") == true)
            }
            let expected = ["/static/app.js": "text/javascript; charset=utf-8", "/static/app.css": "text/css; charset=utf-8",
                            "/static/icon.svg": "image/svg+xml", "/static/chart/chart.js": "text/javascript; charset=utf-8",
                            "/static/views/metric.js": "text/javascript; charset=utf-8", "/static/lib/api.js": "text/javascript; charset=utf-8"]
            for (path, type) in expected {
                let answer = try await client.send(.get, path, key: nil)
                #expect(answer.status == .ok, "\(path)")
                #expect(answer.headers[.contentType] == type, "\(path)")
                #expect(answer.body.readableBytes > 100, "\(path)")
            }
        }
    }

    @Test("every file the page imports is served (no module 404s at run time)")
    func importsResolve() async throws {
        try await APITestHarness.run(backend: .memory) { _, client in
            var pending = ["/static/app.js"]
            var seen: Set<String> = []
            while let path = pending.popLast() {
                guard seen.insert(path).inserted else { continue }
                let answer = try await client.send(.get, path, key: nil)
                #expect(answer.status == .ok, "\(path) is imported but not served")
                let text = String(buffer: answer.body)
                let folder = path.split(separator: "/").dropLast().joined(separator: "/")
                // Static imports and the router's view modules: every relative '….js' literal.
                for match in text.matches(of: /'(\.{1,2}\/[^']+\.js)'/) {
                    pending.append(Self.resolve(String(match.1), in: "/" + folder))
                }
            }
            #expect(seen.count >= 15, "\(seen.sorted())")
        }
    }

    static func resolve(_ relative: String, in folder: String) -> String {
        var parts = folder.split(separator: "/").map(String.init)
        for part in relative.split(separator: "/") {
            if part == ".." { parts.removeLast() } else if part != "." { parts.append(String(part)) }
        }
        return "/" + parts.joined(separator: "/")
    }

    @Test("a matching If-None-Match is 304 without a body; another validator gets the file")
    func revalidation() async throws {
        try await APITestHarness.run(backend: .memory) { _, client in
            let first = try await client.send(.get, "/static/app.js", key: nil)
            let etag = try #require(first.headers[.eTag])
            for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
                let again = try await client.execute(uri: "/static/app.js", method: .get, headers: [.ifNoneMatch: header])
                #expect(again.status == .notModified, "\(header)")
                #expect(again.body.readableBytes == 0)
                #expect(again.headers[.eTag] == etag)
            }
            let changed = try await client.execute(uri: "/static/app.js", method: .get, headers: [.ifNoneMatch: "\"stale\""])
            #expect(changed.status == .ok)
            #expect(changed.body.readableBytes == first.body.readableBytes)
        }
    }

    @Test("only bundled files: unknown names, traversal and encoded slashes are 404 with the error shape")
    func onlyBundledFiles() async throws {
        try await APITestHarness.run(backend: .memory) { _, client in
            for path in ["/static/nope.js", "/static/../Package.swift", "/static/..%2F..%2FPackage.swift", "/static/views/..%2F..%2Fopenapi.yaml",
                         "/static/chart/%2e%2e", "/static/a/b/c.js", "/static/openapi.yaml", "/dashboard/x"] {
                let answer = try await client.send(.get, path, key: nil)
                #expect(answer.status == .notFound, "\(path)")
                #expect(!String(buffer: answer.body).contains("swift-tools-version"), "\(path)")
            }
            let wrong = try await client.send(.get, "/static/missing.css", key: nil)
            #expect(wrong.errorCode == "not_found")
        }
    }

    @Test("the page carries the security headers and a policy allowing only this origin")
    func securityHeaders() async throws {
        try await APITestHarness.run(backend: .memory) { _, client in
            let page = try await client.send(.get, "/", key: nil)
            let policy = try #require(page.headers[HTTPField.Name("Content-Security-Policy")!])
            for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
                #expect(policy.contains(directive), "\(directive)")
            }
            #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval") && !policy.contains("http"))
            #expect(page.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            // No inline script or style the policy would block: the page only links its files.
            let html = String(buffer: page.body)
            #expect(!html.contains("<style") && !html.contains("style=") && !html.contains("<script>"))
        }
    }

    @Test("no file refers to another host (fonts, scripts, styles, images)")
    func noExternalReferences() async throws {
        let assets = DashboardAssets.bundled
        #expect(assets.files.count >= 15)
        for (path, asset) in assets.files {
            let text = String(buffer: asset.body)
            for match in text.matches(of: /(?:https?:)?\/\/[a-zA-Z0-9.-]+\.[a-z]{2,}/) {
                #expect(String(match.0) == "http://www.w3.org", "\(path) refers to \(match.0)")
            }
            #expect(!text.contains("@import") && !text.contains("@font-face"), "\(path)")
        }
    }
}
