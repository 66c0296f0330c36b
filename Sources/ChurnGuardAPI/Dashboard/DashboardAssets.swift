import Crypto
import Foundation
public import NIOCore

/// The built-in dashboard's files (HTML, CSS, JavaScript modules, SVG), read once from the API
/// target's `Resources/dashboard` folder into memory, each with its content type and a strong
/// validator (`ETag`).
///
/// Only the files found at start-up can be served: a request names a file by its relative
/// path and is looked up in this table, never on the file system, so no path (`..`, encoded
/// slashes, absolute paths) can reach anything else.
public struct DashboardAssets: Sendable {
    /// One servable file.
    public struct Asset: Sendable {
        /// The file's bytes.
        public let body: ByteBuffer
        /// `Content-Type`, with charset for text.
        public let contentType: String
        /// A strong validator: the first 16 bytes of the SHA-256 of the body, quoted.
        public let etag: String
    }

    /// Files by relative path (`index.html`, `views/alerts.js`).
    public let files: [String: Asset]

    /// Builds the table from `(relative path, bytes)` pairs; files of an unknown type are left out.
    public init(contents: [(path: String, bytes: [UInt8])]) {
        var files: [String: Asset] = [:]
        for (path, bytes) in contents {
            guard let type = Self.contentType(ofPath: path) else { continue }
            let digest = SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined()
            files[path] = Asset(body: ByteBuffer(bytes: bytes), contentType: type, etag: "\"\(digest)\"")
        }
        self.files = files
    }

    /// The dashboard bundled with this module (empty when the resource folder is missing, as
    /// when the binary was copied without its `churnguard_ChurnGuardAPI.resources`: `/` then answers 404).
    public static let bundled: DashboardAssets = {
        guard let root = Bundle.module.url(forResource: "dashboard", withExtension: nil) else {
            return DashboardAssets(contents: [])
        }
        return DashboardAssets(contents: read(folder: root))
    }()

    /// Every regular file under `root`, with its path relative to `root`.
    static func read(folder root: URL) -> [(path: String, bytes: [UInt8])] {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        let base = root.standardizedFileURL.path + "/"
        var result: [(path: String, bytes: [UInt8])] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                  let data = manager.contents(atPath: url.path) else { continue }
            let full = url.standardizedFileURL.path
            guard full.hasPrefix(base) else { continue }
            result.append((path: String(full.dropFirst(base.count)), bytes: [UInt8](data)))
        }
        return result
    }

    /// The content type served for a file name, or nil for a type the dashboard does not use.
    static func contentType(ofPath path: String) -> String? {
        guard let dot = path.lastIndex(of: ".") else { return nil }
        switch path[path.index(after: dot)...] {
        case "html": return "text/html; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "json": return "application/json"
        default: return nil
        }
    }
}
