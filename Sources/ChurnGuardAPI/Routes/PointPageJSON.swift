import ChurnGuardCore
import ChurnGuardStorage

/// Writes a page of points as JSON directly: pages hold up to thousands of points, and
/// metadata is stored as JSON text that is passed through without re-parsing.
enum PointPageJSON {
    static func encode(metricName: String, page: PointPage) -> String {
        var out = "{\"metric_name\":"
        JSONText.appendString(metricName, to: &out)
        out += ",\"points\":["
        for (offset, stored) in page.points.enumerated() {
            if offset > 0 { out += "," }
            out += "{\"timestamp\":\"\(stored.point.timestamp)\",\"value\":\(stored.point.value),\"tags\":"
            out += JSONText.encodeObject(stored.point.tags)
            if let metadata = stored.point.metadataJSON { out += ",\"metadata\":" + metadata }
            out += "}"
        }
        out += "],\"next_cursor\":"
        if let cursor = page.nextCursor {
            JSONText.appendString(cursor.token, to: &out)
        } else {
            out += "null"
        }
        return out + "}"
    }
}
