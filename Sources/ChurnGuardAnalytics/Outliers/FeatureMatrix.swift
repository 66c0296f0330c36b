/// A dense, row-major matrix of `Double` features: one row per observation, one column per feature.
///
/// The multivariate detectors (Isolation Forest, LOF) take their input as a `FeatureMatrix` so
/// that the storage is one contiguous array: cheap to pass around, cache-friendly to scan, and
/// free of the per-row allocations of `[[Double]]`.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of observations (rows).
    public let rows: Int
    /// Number of features (columns).
    public let columns: Int
    /// All values, row after row: element (i, j) is at `i * columns + j`.
    public let values: [Double]

    /// Creates a matrix from row-major `values`.
    ///
    /// Negative sizes are treated as zero, and sizes whose product overflows as no rows. If
    /// `values.count` does not equal `rows * columns`, the values are truncated, or padded with
    /// NaN (which the detectors treat as a missing row), so construction never traps on
    /// malformed input.
    public init(rows: Int, columns: Int, values: [Double]) {
        let c = max(0, columns)
        let (product, overflow) = max(0, rows).multipliedReportingOverflow(by: c)
        let r = overflow ? 0 : max(0, rows)
        let count = overflow ? 0 : product
        self.rows = r
        self.columns = c
        if values.count == count {
            self.values = values
        } else if values.count > count {
            self.values = Array(values.prefix(count))
        } else {
            self.values = values + Array(repeating: .nan, count: count - values.count)
        }
    }

    /// Creates a matrix from an array of rows.
    ///
    /// The column count is the length of the first row; shorter rows are padded with NaN and longer
    /// rows are truncated, so a ragged input yields NaN (missing) rows rather than a crash.
    public init(_ rows: [[Double]]) {
        let c = rows.first?.count ?? 0
        var flat: [Double] = []
        flat.reserveCapacity(rows.count * c)
        for row in rows {
            if row.count == c {
                flat.append(contentsOf: row)
            } else {
                flat.append(contentsOf: row.prefix(c))
                if row.count < c {
                    flat.append(contentsOf: repeatElement(Double.nan, count: c - row.count))
                }
            }
        }
        self.rows = rows.count
        self.columns = c
        self.values = flat
    }

    /// Creates a one-column matrix from a series of values (d = 1).
    public init(column: [Double]) {
        self.init(rows: column.count, columns: 1, values: column)
    }

    /// The values of row `index`, as a slice of `values`. `index` must be in `0..<rows`.
    public func row(_ index: Int) -> ArraySlice<Double> {
        values[(index * columns)..<((index + 1) * columns)]
    }

    /// Element at row `row`, column `column`.
    public subscript(row: Int, column: Int) -> Double {
        values[row * columns + column]
    }

    /// Whether every value of row `index` is finite (no NaN, no ±∞).
    public func isFiniteRow(_ index: Int) -> Bool {
        let base = index * columns
        for j in 0..<columns where !values[base + j].isFinite {
            return false
        }
        return true
    }

    /// The matrix made of the given rows, in the given order.
    public func selecting(rows indices: [Int]) -> FeatureMatrix {
        var flat: [Double] = []
        flat.reserveCapacity(indices.count * columns)
        for i in indices {
            flat.append(contentsOf: row(i))
        }
        return FeatureMatrix(rows: indices.count, columns: columns, values: flat)
    }
}
