import ChurnGuardCore
import ChurnGuardStorage
import Logging
import PostgresNIO

extension PostgresStore {
    /// The per-connection staging table COPY writes into: temporary (no row-level security,
    /// no WAL), emptied at every commit or rollback. `b` is the batch's index in the append,
    /// `i` the point's position, so rows are inserted in the order they were sent.
    static let stagingTable = "churnguard_staged_points"

    /// Inserts every batch through COPY: all points of the append are streamed with one
    /// `COPY … FROM STDIN` (text format) into the staging table, then, per batch, the
    /// organization setting is switched and one `INSERT … SELECT` moves that batch's rows into
    /// `time_series_data` (where row-level security checks them) and one upsert updates its
    /// catalog rows. COPY cannot write `time_series_data` directly: PostgreSQL refuses COPY FROM
    /// on a table with forced row-level security for a role the policy binds.
    static func insertByCopy(_ batches: [PointBatch], connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: """
            CREATE TEMP TABLE IF NOT EXISTS \(stagingTable) (
                b INT4 NOT NULL, i INT4 NOT NULL, t INT8 NOT NULL, n TEXT NOT NULL, v FLOAT8 NOT NULL, g TEXT NOT NULL, m TEXT
            ) ON COMMIT DELETE ROWS
            """), logger: logger)
        try await connection.copyFrom(table: stagingTable, columns: ["b", "i", "t", "n", "v", "g", "m"], logger: logger) { writer in
            let flushBytes = 256 * 1024
            var buffer = ByteBufferAllocator().buffer(capacity: flushBytes + 4096)
            for (batchIndex, batch) in batches.enumerated() {
                for (position, point) in batch.points.enumerated() {
                    CopyTextRow.append(batch: batchIndex, position: position, point: point, to: &buffer)
                    if buffer.readableBytes >= flushBytes {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
        for (batchIndex, batch) in batches.enumerated() {
            let organization = batch.organization.uuid
            try await connection.query(
                "SELECT set_config('churnguard.organization_id', \(batch.organization.description), true)", logger: logger)
            var insert = PostgresQuery(unsafeSQL: """
                INSERT INTO time_series_data (timestamp, metric_name, organization_id, value, tags, metadata)
                SELECT \(Self.microsToTime) t, n, $1, v, g::jsonb, m::json FROM \(stagingTable) WHERE b = $2 ORDER BY i
                """)
            insert.binds.append(organization)
            insert.binds.append(Int32(batchIndex))
            try await connection.query(insert, logger: logger)
            var catalog = PostgresQuery(unsafeSQL: """
                INSERT INTO metric_catalog AS c (organization_id, metric_name, points, first_timestamp, last_timestamp)
                SELECT $1, n, count(*), min(t), max(t) FROM \(stagingTable) WHERE b = $2 GROUP BY n
                ON CONFLICT (organization_id, metric_name) DO UPDATE SET
                    points = c.points + excluded.points,
                    first_timestamp = LEAST(c.first_timestamp, excluded.first_timestamp),
                    last_timestamp = GREATEST(c.last_timestamp, excluded.last_timestamp)
                """)
            catalog.binds.append(organization)
            catalog.binds.append(Int32(batchIndex))
            try await connection.query(catalog, logger: logger)
        }
    }
}

/// Encodes staged points as rows of PostgreSQL's COPY text format: fields separated by a
/// tab, rows ended by a newline, `\N` for NULL, and backslash, tab, newline and carriage
/// return inside a field written as `\\`, `\t`, `\n` and `\r`.
enum CopyTextRow {
    /// Appends one row `b, i, t, n, v, g, m`: the batch index, the position in the batch, the
    /// time in microseconds, the metric name, the value, the tags as JSON text and the metadata
    /// text (NULL when absent or empty, as in the unnest path).
    static func append(batch: Int, position: Int, point: MetricPoint, to buffer: inout ByteBuffer) {
        buffer.writeString(String(batch))
        buffer.writeInteger(UInt8(ascii: "\t"))
        buffer.writeString(String(position))
        buffer.writeInteger(UInt8(ascii: "\t"))
        buffer.writeString(String(point.timestamp.microseconds))
        buffer.writeInteger(UInt8(ascii: "\t"))
        appendField(point.metricName, to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        // Swift's description is the shortest text that reads back as the same Double, and
        // PostgreSQL's float8 input reads it exactly.
        buffer.writeString(point.value.description)
        buffer.writeInteger(UInt8(ascii: "\t"))
        appendField(JSONText.encodeObject(point.tags), to: &buffer)
        buffer.writeInteger(UInt8(ascii: "\t"))
        if let metadata = point.metadataJSON, !metadata.isEmpty {
            appendField(metadata, to: &buffer)
        } else {
            buffer.writeString("\\N")
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// Appends `text` as one field, escaping the four bytes the text format treats specially.
    static func appendField(_ text: String, to buffer: inout ByteBuffer) {
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let escape: UInt8
                switch bytes[index] {
                case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
                default: continue
                }
                buffer.writeBytes(bytes[start..<index])
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(escape)
                start = index + 1
            }
            buffer.writeBytes(bytes[start..<bytes.count])
        }
    }
}
