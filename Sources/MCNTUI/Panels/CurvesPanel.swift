/// The loss-curve chart: the selected series over steps, smoothed (debiased EMA) over their dim raw
/// values, with y labels, the x range, and a note whenever points cannot be shown. The legend ends
/// in `+N` when N series do not fit in it.
public enum CurvesPanel {
    static let axisWidth = 8

    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let set = CurveSeriesSet.presets[ui.seriesSet % CurveSeriesSet.presets.count]
        let inner = ctx.frame(&b, rect, title: "\(PanelID.curves.title): \(set.name)", focused: ui.focus == .curves, key: 1)
        let t = ctx.theme
        guard inner.height >= 4, inner.width >= axisWidth + 10 else { return }
        let metrics = set.metrics(in: s)
        let beta = ui.smoothing
        // Settings at the right of the title row.
        var settings = " EMA \(beta == 0 ? "off" : String(beta))"
        if ui.logY { settings += " · log-y" }
        settings += ui.zoomSteps.map { " · last \($0) steps " } ?? " · all steps "
        b.text(settings, x: rect.maxX - 1 - settings.count, y: rect.y, style: t[.title], clip: rect.inset(dx: 1, dy: 0))
        guard !metrics.isEmpty else {
            b.text("no \(set.name) series yet", x: inner.x + 1, y: inner.y + inner.height / 2, style: t[.dim], clip: inner)
            return
        }
        // The x window.
        let lastStep = metrics.compactMap { s.series[$0]?.lastStep }.max() ?? 0
        let firstStep = metrics.compactMap { s.series[$0]?.steps.first }.min() ?? 0
        let x0 = ui.zoomSteps.map { max(firstStep, lastStep - $0) } ?? firstStep
        let x1 = max(lastStep, x0 + 1)
        // Visible raw and smoothed values per series, reduced to the chart's dot columns.
        let chartCols = inner.width - axisWidth
        let dotCols = chartCols * ctx.glyphs.plot.dotsPerCell.x
        struct Line {
            var name: String; var steps: [Int]; var raw: ChartTrack; var legendValue: Double?
            var rawCols: ColumnAggregate; var smoothCols: ColumnAggregate?
        }
        var lines: [Line] = []
        var mins: [Double] = [], maxs: [Double] = [], means: [Double] = []
        var unplottable = 0
        for m in metrics {
            guard let h = s.series[m] else { continue }
            // The history keeps its smoothed values (over the whole run, so the window's first values
            // are not a cold start) and range summaries: reducing to columns reads those.
            let smooth = beta > 0 ? h.smoothed(beta: beta) : nil
            let inWindow = (h.lastStep ?? Int.min) >= x0
            let rawCols = h.raw.columns(steps: h.steps, x0: x0, x1: x1, columns: dotCols, log: ui.logY)
            let smoothCols = smooth?.columns(steps: h.steps, x0: x0, x1: x1, columns: dotCols, log: ui.logY)
            unplottable += rawCols.unplottable
            for agg in [rawCols] + (smoothCols.map { [$0] } ?? []) {
                for c in 0..<dotCols where agg.count[c] > 0 {
                    mins.append(agg.min[c]); maxs.append(agg.max[c]); means.append(agg.sum[c] / Double(agg.count[c]))
                }
            }
            let legend = inWindow ? (smooth ?? h.raw).last : nil
            lines.append(Line(name: m, steps: h.steps, raw: h.raw, legendValue: legend, rawCols: rawCols, smoothCols: smoothCols))
        }
        var scale = AxisScale.fit(mins: mins, maxs: maxs, typical: means, log: ui.logY, unplottable: unplottable)
        if (maxs.max() ?? 0) > scale.hi || (mins.min() ?? 0) < scale.lo {
            for l in lines {
                let o = l.raw.countOutside(steps: l.steps, x0: x0, x1: x1, scale: scale)
                scale.clippedAbove += o.above; scale.clippedBelow += o.below
            }
        }
        // Row 0 legend; chart; last row x range and notes.
        let legend = legendOrder(lines.map(\.name))
        let entries = legend.map { i in
            "\(ctx.glyphs.plot == .ascii ? "*" : "━")\(CurveSeriesSet.label(lines[i].name)) \(lines[i].legendValue.map(Format.short) ?? "--")"
        }
        let shown = legendCount(entries.map(\.count), width: inner.width)
        var lx = inner.x
        for (k, i) in legend.prefix(shown).enumerated() {
            lx = b.text(entries[k] + "  ", x: lx, y: inner.y, style: ctx.theme.seriesStyle(colourIndex(lines[i].name, i)), clip: inner)
        }
        if shown < lines.count { b.text("+\(lines.count - shown)", x: lx, y: inner.y, style: t[.note], clip: inner) }
        let chart = Rect(x: inner.x + axisWidth, y: inner.y + 1, width: inner.width - axisWidth, height: inner.height - 2)
        guard chart.height >= 2 else { return }
        drawYAxis(scale, chart: chart, into: &b, ctx)
        var canvas = DotCanvas(cols: chart.width, rows: chart.height, resolution: ctx.glyphs.plot)
        for (i, l) in lines.enumerated() {
            let style = ctx.theme.seriesStyle(colourIndex(l.name, i))
            if let sc = l.smoothCols {
                plot(l.rawCols, scale: scale, on: &canvas, style: style.adding(.dim), priority: 0, mark: ".")
                plot(sc, scale: scale, on: &canvas, style: style, priority: Int8(1 + i), mark: "*")
            } else {
                plot(l.rawCols, scale: scale, on: &canvas, style: style, priority: Int8(1 + i), mark: "*")
            }
        }
        canvas.draw(into: &b, x: chart.x, y: chart.y)
        // X range and notes.
        let y = inner.maxY - 1
        b.text("step \(x0)", x: chart.x, y: y, style: t[.axis], clip: inner)
        let end = "\(x1)"
        b.text(end, x: chart.maxX - end.count, y: y, style: t[.axis], clip: inner)
        var notes: [String] = []
        if scale.clippedAbove > 0 { notes.append("\(ctx.glyphs.upArrow)\(scale.clippedAbove) above axis") }
        if scale.clippedBelow > 0 { notes.append("\(ctx.glyphs.downArrow)\(scale.clippedBelow) below axis") }
        if scale.unplottable > 0 { notes.append(ui.logY ? "\(scale.unplottable) ≤0/NaN not shown" : "\(scale.unplottable) NaN/inf not shown") }
        if let coarse = lines.compactMap({ s.series[$0.name]?.coarsePrefix }).max(), coarse > 0, ui.zoomSteps == nil {
            notes.append("older steps averaged")
        }
        if !notes.isEmpty {
            let n = notes.joined(separator: " · ")
            b.text(n, x: chart.x + max(0, (chart.width - n.count) / 2), y: y, style: t[.note], clip: inner)
        }
    }

    /// The order of the series in the legend: `loss_total` first, so a narrow panel hides the parts
    /// of the loss behind `+N` rather than the loss itself; the others in the set's order. (The
    /// chart still draws the total last, on top.)
    static func legendOrder(_ names: [String]) -> [Int] {
        let first = names.indices.filter { names[$0] == "loss_total" }
        return first + names.indices.filter { names[$0] != "loss_total" }
    }

    /// How many legend entries of these widths fit in `width`, two spaces apart, with room for a
    /// `+N` after them when some do not: a series is never left out without a sign.
    static func legendCount(_ widths: [Int], width: Int) -> Int {
        var used = 0
        for (k, w) in widths.enumerated() {
            used += (k > 0 ? 2 : 0) + w
            let hidden = widths.count - k - 1
            if used + (hidden > 0 ? 2 + "+\(hidden)".count : 0) > width { return k }
        }
        return widths.count
    }

    /// Stable colours: a metric keeps its colour whichever set shows it.
    static func colourIndex(_ metric: String, _ fallback: Int) -> Int {
        let order = ["loss_con_support", "loss_con_query", "loss_meta_support", "loss_meta_query", "loss_total", "acc_meta_support", "acc_meta_query"]
        return order.firstIndex(of: metric) ?? fallback
    }

    static func drawYAxis(_ scale: AxisScale, chart: Rect, into b: inout ScreenBuffer, _ ctx: RenderContext) {
        let rows = chart.height
        let tickRows = rows >= 8 ? [0, rows / 2, rows - 1] : [0, rows - 1]
        for r in tickRows {
            let f = 1 - Double(r) / Double(max(1, rows - 1))
            let label = Format.number(scale.value(atFraction: f)).leftPadded(to: axisWidth - 1)
            b.text(String(label.suffix(axisWidth - 1)), x: chart.x - axisWidth, y: chart.y + r, style: ctx.theme[.axis])
            b.set(chart.x - 1, chart.y + r, ctx.glyphs.plot == .ascii ? "+" : "┤", ctx.theme[.axis])
        }
        for r in 0..<rows where !tickRows.contains(r) {
            b.set(chart.x - 1, chart.y + r, ctx.glyphs.vertical, ctx.theme[.axis])
        }
    }

    /// Plots points in [x0, x1]: per dot column the span of its values, joined to the previous column.
    static func plot(steps: ArraySlice<Int>, values: ArraySlice<Double>, x0: Int, x1: Int, scale: AxisScale,
                     on canvas: inout DotCanvas, style: Style, priority: Int8, mark: Character) {
        let agg = ColumnAggregate(steps: steps, values: values, x0: x0, x1: x1, columns: canvas.dotsX, log: scale.log)
        plot(agg, scale: scale, on: &canvas, style: style, priority: priority, mark: mark)
    }

    static func plot(_ agg: ColumnAggregate, scale: AxisScale, on canvas: inout DotCanvas, style: Style, priority: Int8, mark: Character) {
        let h = canvas.dotsY
        guard canvas.dotsX > 0, h > 0 else { return }
        let pen = canvas.pen(style, mark: mark)
        var prev: (Int, Int)? = nil
        for c in 0..<min(canvas.dotsX, agg.count.count) where agg.count[c] > 0 {
            let first = scale.dotRow(coordinate: agg.first[c], dots: h)
            let top = scale.dotRow(coordinate: agg.max[c], dots: h), bottom = scale.dotRow(coordinate: agg.min[c], dots: h)
            if let (pc, pr) = prev { canvas.line(pc, pr, c, first, pen: pen, priority: priority) }
            for r in top...bottom { canvas.set(c, r, pen: pen, priority: priority) }
            prev = (c, scale.dotRow(coordinate: agg.last[c], dots: h))
        }
    }
}
