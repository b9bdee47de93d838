import MCNTensor

/// Row-wise feature preparation for retrieval and monitors.
enum FeatureMath {
    /// Subtracts the mean row from every row, in place.
    // x: [rows, dim]
    static func centre(_ x: inout [Float], rows: Int, dim: Int) {
        guard rows > 0 else { return }
        var mean = [Double](repeating: 0, count: dim)
        x.withUnsafeBufferPointer { p in
            for r in 0..<rows { for c in 0..<dim { mean[c] += Double(p[r * dim + c]) } }
        }
        let m = mean.map { Float($0 / Double(rows)) }
        x.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows { for c in 0..<dim { p[r * dim + c] -= m[c] } }
        }
    }

    /// Scales every row to unit L2 norm, in place (an all-zero row stays zero).
    // x: [rows, dim]
    static func l2Normalise(_ x: inout [Float], rows: Int, dim: Int) {
        x.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows {
                let row = p.baseAddress! + r * dim
                var s: Float = 0
                for c in 0..<dim { s += row[c] * row[c] }
                guard s > 0 else { continue }
                let inv = 1 / s.squareRoot()
                for c in 0..<dim { row[c] *= inv }
            }
        }
    }
}
