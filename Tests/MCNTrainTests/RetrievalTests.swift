import XCTest
@testable import MCNTrain

final class RetrievalTests: XCTestCase {
    func testKnownAnswersOnHandMadeFeatures() throws {
        // Gallery in 2-d: unit vectors at known angles; labels chosen so ranks are known.
        let gallery: [Float] = [
            1, 0,      // 0: class 0, angle 0°
            0, 1,      // 1: class 1, 90°
            -1, 0,     // 2: class 2, 180°
            0.8, 0.6,  // 3: class 1, ~37°
            0, -3,     // 4: class 3, 270° (not unit: normalised away)
        ]
        let gl = [0, 1, 2, 1, 3]
        let queries: [Float] = [
            2, 0.1,    // class 0: nearest is 0 → hit at 1
            1, 0.1,    // class 1: nearest 0 (class 0), then 3 (class 1) → hit from k=2
            -1, -1,    // class 3: order 2 (cos .707), 4 (.707): tie broken by index → 2 first, then 4 → hit from k=2
            0, 1,      // class 7 (absent) → always a miss
        ]
        let ql = [0, 1, 3, 7]
        let r = try Retrieval.evaluate(queries: queries, gallery: gallery, dim: 2, queryLabels: ql, galleryLabels: gl, ks: [1, 2, 5])
        XCTAssertEqual(r.hits, [1: 1, 2: 3, 5: 3])
        XCTAssertEqual(r.recall[1], 0.25)
        XCTAssertEqual(r.recall[2], 0.75)
        XCTAssertEqual(r.queriesWithAbsentClass, 1)
        XCTAssertEqual(r.perClassR1, [0: 1, 1: 0, 3: 0, 7: 0])
        XCTAssertEqual(r.firstHitRank, [0, 1, 1, nil])
        XCTAssertEqual(r.neighboursPerQuery, 5)
        XCTAssertEqual(r.neighbours(ofQuery: 2).map(\.index), [2, 4, 1, 0, 3].sorted { a, b in
            // Expected order by cosine with (-1,-1)/√2, ties by index.
            let cos: [Int: Float] = [0: -0.7071, 1: -0.7071, 2: 0.7071, 3: -0.9899, 4: 0.7071]
            return cos[a]! != cos[b]! ? cos[a]! > cos[b]! : a < b
        })
        XCTAssertEqual(r.neighbours(ofQuery: 2)[0].similarity, 0.70710677, accuracy: 1e-6)
        XCTAssertEqual(r.neighbours(ofQuery: 3).map(\.index), [1, 3, 0, 2, 4])
    }

    func testTiesAreBrokenByLowerGalleryIndex() throws {
        // Every gallery item is identical: the ranking must be 0, 1, 2, ...
        let g = [Float](repeating: 1, count: 40 * 3)
        let r = try Retrieval.evaluate(queries: [1, 2, 3], gallery: g, dim: 3, queryLabels: [5],
                                       galleryLabels: Array(0..<40), ks: [1, 10, 50])
        XCTAssertEqual(r.neighboursPerQuery, 40)
        XCTAssertEqual(r.neighbours(ofQuery: 0).map(\.index), Array(0..<40))
        XCTAssertEqual(r.firstHitRank, [5])
        XCTAssertEqual(r.hits, [1: 0, 10: 1, 50: 1])
    }

    func testCentringChangesTheAnswerAsExpected() throws {
        // Each set carries its own large offset; only centring each by its mean reveals the class
        // direction (the second feature).
        let g: [Float] = [10, 1, 10, -1]
        let q: [Float] = [20, 1.6, 20, 0.4]
        let labels = [0, 1]
        let plain = try Retrieval.evaluate(queries: q, gallery: g, dim: 2, queryLabels: labels, galleryLabels: labels, ks: [1, 2])
        let centred = try Retrieval.evaluate(queries: q, gallery: g, dim: 2, queryLabels: labels, galleryLabels: labels, ks: [1, 2], centre: true)
        XCTAssertEqual(plain.recall[1], 0.5)
        XCTAssertEqual(centred.recall[1], 1)
        XCTAssertEqual(centred.neighbours(ofQuery: 1)[0].similarity, 1, accuracy: 1e-6)
        XCTAssertEqual(centred.neighbours(ofQuery: 1)[1].similarity, -1, accuracy: 1e-6)
    }

    /// The partial selection agrees with a full sort on random data, through several query blocks
    /// and threads.
    func testTopKMatchesFullSort() throws {
        var rng = SplitMix(seed: 7)
        let q = 37, g = 301, d = 8
        let qf = (0..<(q * d)).map { _ in rng.nextFloat() }
        // Quantised gallery values make ties common.
        let gf = (0..<(g * d)).map { _ in (rng.nextFloat() * 4).rounded() }
        let r = try Retrieval.evaluate(queries: qf, gallery: gf, dim: d, queryLabels: Array(repeating: 0, count: q),
                                       galleryLabels: Array(repeating: 1, count: g), ks: [20], threads: 3)
        var qn = qf, gn = gf
        FeatureMath.l2Normalise(&qn, rows: q, dim: d)
        FeatureMath.l2Normalise(&gn, rows: g, dim: d)
        for i in 0..<q {
            var sims: [(Float, Int)] = []
            for j in 0..<g {
                var s: Float = 0
                for c in 0..<d { s += qn[i * d + c] * gn[j * d + c] }
                sims.append((s, j))
            }
            // Compare similarity values (computed two ways, so allow rounding) and that the
            // returned order is non-increasing with index tie-breaks.
            let top = r.neighbours(ofQuery: i)
            let expected = sims.sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }.prefix(20)
            for (a, b) in zip(top, expected) { XCTAssertEqual(a.similarity, b.0, accuracy: 1e-5) }
            for (a, b) in zip(top, top.dropFirst()) {
                XCTAssertTrue(a.similarity > b.similarity || (a.similarity == b.similarity && a.index < b.index))
            }
        }
        XCTAssertEqual(r.recall[20], 0)
        XCTAssertEqual(r.queriesWithAbsentClass, q)
    }

    /// The selector alone (SIMD pre-filter, chunks of 16 and a tail) gives exactly a full sort's
    /// first k, indices included, also with many ties and rows shorter than k or than a chunk.
    func testSelectorGivesTheFullSortExactly() {
        var rng = SplitMix(seed: 9)
        for (n, k) in [(1, 5), (15, 5), (16, 16), (17, 3), (100, 50), (333, 7), (1000, 50)] {
            for quantised in [false, true] {
                let row = (0..<n).map { _ in quantised ? (rng.nextFloat() * 6).rounded() : rng.nextFloat() }
                var selector = TopKSelector(k: k)
                let m = min(k, n)
                var scores = [Float](repeating: 0, count: m), indices = [Int32](repeating: 0, count: m)
                let expected = row.indices.sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }.prefix(m)
                for simd in [true, false] {
                    row.withUnsafeBufferPointer {
                        selector.select($0.baseAddress!, n: n, outScores: &scores, outIndices: &indices, chunkPrefilter: simd)
                    }
                    XCTAssertEqual(indices.map(Int.init), Array(expected), "n \(n) k \(k) simd \(simd)")
                    XCTAssertEqual(scores, expected.map { row[$0] })
                }
            }
        }
    }

    func testBadShapesThrow() {
        XCTAssertThrowsError(try Retrieval.evaluate(queries: [1, 2, 3], gallery: [1, 2], dim: 2, queryLabels: [0], galleryLabels: [0]))
    }

    func testMonitors() {
        // Collapsed: every row the same → std 0.
        let same = [Float](repeating: 0.5, count: 10 * 4)
        XCTAssertEqual(Monitors.collapse(features: same, rows: 10, dim: 4).std, 0, accuracy: 1e-9)
        XCTAssertEqual(Monitors.collapse(features: same, rows: 10, dim: 4).reference, 0.5)
        // ±e_i one-hots spread on the sphere: per-dim std = sqrt(2/(2d)) = 1/√d exactly for d=4.
        var spread: [Float] = []
        for i in 0..<4 { for s: Float in [1, -1] { var row = [Float](repeating: 0, count: 4); row[i] = s; spread += row } }
        let c = Monitors.collapse(features: spread, rows: 8, dim: 4)
        XCTAssertEqual(c.std, 0.5, accuracy: 1e-9)
        XCTAssertEqual(c.ratio, 1, accuracy: 1e-9)
        // kNN: two tight clusters plus one mislabelled point.
        let f: [Float] = [1, 0, 0.9, 0.1, 0.95, 0.05, 0, 1, 0.1, 0.9, 0.05, 0.95]
        XCTAssertEqual(Monitors.knnTop1(features: f, labels: [0, 0, 0, 1, 1, 1], dim: 2, k: 1), 1)
        // Relabel item 2 (at 3.0°): its nearest is item 0 (0°), and it is the nearest of items 0
        // and 1 (at 6.3°), so items 0, 1 and 2 all miss.
        XCTAssertEqual(Monitors.knnTop1(features: f, labels: [0, 0, 1, 1, 1, 1], dim: 2, k: 1), 0.5, accuracy: 1e-12)
        // k = 3 vote: the second cluster's three agree; the first cluster votes 0,0 / 0,1 / ...
        XCTAssertEqual(Monitors.knnTop1(features: f, labels: [0, 0, 0, 1, 1, 1], dim: 2, k: 3), 1)
    }
}

/// A tiny deterministic generator for test data.
struct SplitMix {
    var x: UInt64
    init(seed: UInt64) { x = seed }
    mutating func next() -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
}
