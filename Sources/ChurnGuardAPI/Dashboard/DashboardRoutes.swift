import ChurnGuardCore
import Foundation
import HTTPTypes
import Hummingbird

/// Serves the built-in dashboard: its page at `GET /` and `GET /dashboard`, its files at
/// `GET /static/{item}` and `GET /static/{item}/{file}`. Public (the page signs in with an
/// API key it exchanges for a token, see docs/DASHBOARD.md) and static: no route here reads
/// any organization's data.
///
/// Caching: every answer carries a strong `ETag` and `Cache-Control: no-cache`, so a browser
/// keeps the files but asks each time whether they changed (a `304` without a body when not);
/// after an upgrade the new files are used at once, without versioned file names.
struct DashboardRoutes {
    let assets: DashboardAssets

    /// The page served for `/` and `/dashboard`.
    static let page = "index.html"

    func register(on router: Router<AppRequestContext>) {
        router.get("/") { request, _ in try answer(Self.page, request) }
        router.get("dashboard") { request, _ in try answer(Self.page, request) }
        // The router needs one name for a position: `item` is a file, or a folder of files.
        router.get("static/:item") { request, context in
            try answer(context.parameters.require("item"), request)
        }
        router.get("static/:item/:file") { request, context in
            try answer("\(context.parameters.require("item"))/\(context.parameters.require("file"))", request)
        }
    }

    /// The file at `path` (relative to the dashboard folder), `304` when the request's
    /// `If-None-Match` names its current validator, else 404 `not_found`.
    func answer(_ path: String, _ request: Request) throws -> Response {
        guard let asset = assets.files[path] else {
            throw ServiceError(.notFound, code: "not_found", message: "no such dashboard file")
        }
        var headers: HTTPFields = [:]
        headers[.eTag] = asset.etag
        headers[.cacheControl] = "no-cache"
        if let tags = request.headers[.ifNoneMatch], Self.matches(tags, asset.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: asset.body))
    }

    /// Whether an `If-None-Match` value (`*`, or a list of entity tags, weak ones included)
    /// names `etag` (weak comparison, as RFC 9110 prescribes for `If-None-Match`).
    static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { item in
            var tag = item.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") { tag.removeFirst(2) }
            return tag == etag
        }
    }
}
