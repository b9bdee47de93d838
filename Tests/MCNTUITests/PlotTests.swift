import XCTest
@testable import MCNTUI

final class PlotTests: XCTestCase {
    func testDebiasedEMA() {
        // β = 0.5 on 1, 3: s1 = 0.5 → 0.5/(1−0.5) = 1; s2 = 0.25 + 1.5 = 1.75 → 1.75/(1−0.25) = 2.333…
        let out = Smoothing.debiasedEMA([1, 3], beta: 0.5)
        XCTAssertEqual(out[0], 1, accuracy: 1e-12)
        XCTAssertEqual(out[1], 7.0 / 3.0, accuracy: 1e-12)
        // A constant stays itself from the first value on (the point of debiasing).
        for v in Smoothing.debiasedEMA([Double](repeating: 4, count: 50), beta: 0.99) { XCTAssertEqual(v, 4, accuracy: 1e-9) }
        XCTAssertEqual(Smoothing.debiasedEMA([1, 2, 3], beta: 0), [1, 2, 3])
        // NaN passes through and does not poison the average.
        let withNaN = Smoothing.debiasedEMA([2, .nan, 2], beta: 0.9)
        XCTAssertTrue(withNaN[1].isNaN); XCTAssertEqual(withNaN[2], 2, accuracy: 1e-12)
    }

    func testBrailleDots() {
        var c = DotCanvas(cols: 2, rows: 1, resolution: .braille)
        XCTAssertEqual(c.dotsX, 4); XCTAssertEqual(c.dotsY, 4)
        c.set(0, 0, style: .plain)          // dot 1
        XCTAssertEqual(c.character(col: 0, row: 0), "⠁")
        c.set(1, 3, style: .plain)          // dot 8
        XCTAssertEqual(c.character(col: 0, row: 0), "⢁")
        XCTAssertNil(c.character(col: 1, row: 0))
        // A full column of the second cell: dots 1,2,3,7.
        c.line(2, 0, 2, 3, style: .plain)
        XCTAssertEqual(c.character(col: 1, row: 0), "⡇")
        var all = DotCanvas(cols: 1, rows: 1, resolution: .braille)
        for x in 0..<2 { for y in 0..<4 { all.set(x, y, style: .plain) } }
        XCTAssertEqual(all.character(col: 0, row: 0), "⣿")
    }

    func testBlockAndASCIIDots() {
        var b = DotCanvas(cols: 1, rows: 1, resolution: .block)
        b.set(0, 0, style: .plain); XCTAssertEqual(b.character(col: 0, row: 0), "▘")
        b.set(1, 1, style: .plain); XCTAssertEqual(b.character(col: 0, row: 0), "▚")
        var a = DotCanvas(cols: 2, rows: 1, resolution: .ascii)
        a.set(1, 0, style: .plain, mark: "."); XCTAssertEqual(a.character(col: 1, row: 0), ".")
    }

    func testHigherPriorityLayerKeepsTheCellStyle() {
        var c = DotCanvas(cols: 1, rows: 1, resolution: .braille)
        let raw = Style(fg: .ansi(1), attrs: .dim), smooth = Style(fg: .ansi(2))
        c.set(0, 0, style: smooth, priority: 2)
        c.set(1, 1, style: raw, priority: 0)
        var buf = ScreenBuffer(width: 1, height: 1)
        c.draw(into: &buf, x: 0, y: 0)
        XCTAssertEqual(buf[0, 0].style, smooth)
        XCTAssertEqual(buf[0, 0].ch, "⠑")
    }

    func testKnownPointsGiveKnownDots() {
        // Two points, 0 at step 0 and 1 at step 3, on a 2×1-cell braille chart (4×4 dots): a diagonal.
        var c = DotCanvas(cols: 2, rows: 1, resolution: .braille)
        let scale = AxisScale(lo: 0, hi: 1, log: false)
        CurvesPanel.plot(steps: [0, 1, 2, 3][...], values: [0, 1.0 / 3, 2.0 / 3, 1][...], x0: 0, x1: 3, scale: scale,
                         on: &c, style: .plain, priority: 0, mark: "*")
        // Dots (0,3) (1,2) in cell 0 → 0x40|0x20 = ⡠; (2,1) (3,0) in cell 1 → 0x02|0x08 = ⠊.
        XCTAssertEqual(c.character(col: 0, row: 0), "⡠")
        XCTAssertEqual(c.character(col: 1, row: 0), "⠊")
    }

    func testAxisScaleNeverHidesSilently() {
        var values = (0..<500).map { 1 + 0.01 * Double($0 % 7) }
        values[3] = 1000  // a spike
        values[4] = .nan
        let s = AxisScale.fit(values, log: false)
        XCTAssertLessThan(s.hi, 10)
        XCTAssertEqual(s.clippedAbove, 1)
        XCTAssertEqual(s.unplottable, 1)
        let plain = AxisScale.fit([1, 2, 3], log: false)
        XCTAssertEqual(plain.lo, 1); XCTAssertEqual(plain.hi, 3); XCTAssertEqual(plain.clippedAbove + plain.clippedBelow, 0)
        let log = AxisScale.fit([0.1, 1, 10, 0, -1], log: true)
        XCTAssertEqual(log.unplottable, 2); XCTAssertEqual(log.lo, -1, accuracy: 1e-12); XCTAssertEqual(log.hi, 1, accuracy: 1e-12)
        XCTAssertEqual(log.dotRow(1, dots: 5), 2)
        XCTAssertEqual(log.dotRow(10, dots: 5), 0)
    }

    func testClippedPointsAreNamedOnTheChart() {
        var b = SnapshotBuilder()
        b.apply(.step(.init(step: 1, epoch: 0, values: ["loss_total": 500], clipsPerSecond: 1, dataWaitSeconds: 0, stepSeconds: 1)))
        for s in 2...300 { b.apply(.step(.init(step: s, epoch: 0, values: ["loss_total": 2 + 0.01 * Double(s % 5)], clipsPerSecond: 1, dataWaitSeconds: 0, stepSeconds: 1))) }
        var ui = UIState(); ui.smoothingIndex = 0
        let buf = ScreenRenderer.render(b.snapshot(), ui, width: 120, height: 40, Fixtures.dark)
        XCTAssertTrue(buf.textDump().contains("▲1 above axis"))
    }

    func testSparkline() {
        XCTAssertEqual(Sparkline.render([0, 1, 2, 3, 4, 5, 6, 7][...], width: 8, glyphs: .unicode), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Sparkline.render([0, 0, 7, 7][...], width: 2, glyphs: .unicode), "▁█")
        XCTAssertEqual(Sparkline.render([][...], width: 5, glyphs: .unicode), "")
    }
}
