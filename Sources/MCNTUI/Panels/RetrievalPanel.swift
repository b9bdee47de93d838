import MCNTrain

/// R@k of the latest evaluation, a query list (arrows, `/` filter) and the selected query's nearest
/// neighbours with similarity bars, class and hit or miss. Names are shortened and elided in the
/// middle (`VideoName`), so the end that tells them apart stays visible.
public enum RetrievalPanel {
    public static let ks = [1, 5, 10, 20, 50]

    /// The R@k row as (dim label, value) pieces: `R@1 22.9%  R@5 45.8%  …` where it fits in `width`,
    /// else with single spaces, else `R@ 1:22.9 5:45.8 … %`; the first wording that shows every k.
    static func recallRow(_ recall: [Int: Double], width: Int) -> [(String, String)] {
        let present = ks.compactMap { k in recall[k].map { (k, $0) } }
        let value = { (v: Double) in v.isFinite ? String(format: "%.1f", v * 100) : "--" }
        let wordings: [[(String, String)]] = [
            present.map { ("R@\($0.0) ", value($0.1) + "%  ") },
            present.map { ("R@\($0.0) ", value($0.1) + "% ") },
            present.enumerated().map { i, e in
                ((i == 0 ? "R@ " : " ") + "\(e.0):", value(e.1) + (i == present.count - 1 ? "%" : ""))
            },
        ]
        // Its length without the trailing spaces, which need not fit.
        let length = { (row: [(String, String)]) in
            row.map { $0.0 + $0.1 }.joined().reversed().drop { $0 == " " }.count
        }
        return wordings.first { length($0) <= width } ?? wordings[wordings.count - 1]
    }

    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let title = PanelID.retrieval.title + (s.retrieval.map { " @\($0.step)" } ?? "")
        let inner = ctx.frame(&b, rect, title: title, focused: ui.focus == .retrieval, key: 3)
        let t = ctx.theme, g = ctx.glyphs
        guard inner.height >= 3, inner.width >= 30 else { return }
        let saved = s.savedResults.map { SavedResultsRows.rows($0, run: s.run, width: inner.width) } ?? []
        guard let r = s.retrieval else {
            if !saved.isEmpty { _ = drawSaved(saved, into: &b, from: inner.y, inner, ctx); return }
            let what = s.state == .evaluating ? "evaluating …"
                : "no evaluation yet" + (KeyTable.canSteer(ui, state: s.state) ? ": press e" : "")
            b.text(what, x: inner.x + 1, y: inner.y + 1, style: t[.dim], clip: inner)
            return
        }
        // Row 0: R@k, in the widest wording that shows every k (an 80-column screen cut R@50 off).
        var x = inner.x
        for (label, value) in recallRow(r.recall, width: inner.width) {
            x = b.text(label, x: x, y: inner.y, style: t[.dim], clip: inner)
            x = b.text(value, x: x, y: inner.y, style: t[.good].adding(.bold), clip: inner)
        }
        // The run's files keep R@k, not the neighbour lists (MetricsLineParser): nothing to browse.
        guard !r.queries.isEmpty else {
            // `mcn-tui eval`'s figures first, then why there is nothing to browse.
            let y = drawSaved(saved, into: &b, from: inner.y + 2, inner, ctx) + (saved.isEmpty ? 0 : 1)
            // Live, such an evaluation is one from before a resume (RunHistory).
            let why = ui.readOnly ? "the neighbours are only shown live: the run's files keep R@k"
                                  : "read from the run's files, which keep R@k only: e evaluates now, with neighbours"
            for (i, row) in TextFit.wrap(why, width: max(1, inner.width - 1)).prefix(max(0, inner.maxY - y)).enumerated() {
                b.text(row, x: inner.x + 1, y: y + i, style: t[.dim], clip: inner)
            }
            return
        }
        // Row 1: filter line.
        let queries = RetrievalBrowser.filteredQueries(r, filter: ui.filter)
        let filterY = inner.y + 1
        let fl = ui.filterEditing || !ui.filter.isEmpty
            ? "/\(ui.filter)\(ui.filterEditing ? "_" : "")  \(queries.count)/\(r.queries.count)"
            : "\(r.queries.count) queries  (/ filter)"
        b.text(fl, x: inner.x, y: filterY, style: ui.filterEditing || !ui.filter.isEmpty ? t[.filter] : t[.dim], clip: inner)
        let body = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 2)
        guard body.height >= 1 else { return }
        guard !queries.isEmpty else {
            b.text("no query matches", x: body.x + 1, y: body.y, style: t[.dim], clip: body); return
        }
        let sel = min(ui.selectedQuery, queries.count - 1)
        // Left: query list; right: neighbours of the selected query.
        let listW = min(max(16, body.width * 2 / 5), 34)
        let (list, rest) = body.splitLeft(listW)
        let start = RetrievalBrowser.windowStart(selected: sel, count: queries.count, rows: list.height)
        for row in 0..<min(list.height, queries.count - start) {
            let q = queries[start + row], y = list.y + row
            let isSel = start + row == sel
            let style = isSel ? t[.selection] : t[.normal]
            if isSel { b.fill(Rect(x: list.x, y: y, width: list.width - 1, height: 1), style: style) }
            let hit1 = q.neighbours.first?.hit ?? false
            b.set(list.x, y, isSel ? g.selected : " ", style)
            b.text(VideoName.fit(q.video, width: list.width - 4, ellipsis: g.ellipsis), x: list.x + 1, y: y, style: style, clip: list.inset(dx: 0, dy: 0).splitLeft(list.width - 2).left)
            b.set(list.maxX - 2, y, hit1 ? g.hit : g.miss, isSel ? style : t[hit1 ? .good : .bad])
        }
        let q = queries[sel]
        let nb = Rect(x: rest.x + 1, y: rest.y, width: rest.width - 1, height: rest.height)
        guard nb.width >= 20 else { return }
        b.text(VideoName.fit(q.video, className: q.className, width: nb.width, ellipsis: g.ellipsis), x: nb.x, y: nb.y, style: t[.title], clip: nb)
        // Name, similarity bar (when there is room for names beside it), similarity, hit or miss.
        let simW = nb.width >= 36 ? max(4, min(12, nb.width / 5)) : 0
        let barPart = simW > 0 ? simW + 1 : 0
        let nameW = max(6, nb.width - barPart - 1 - 5 - 2 - 1)
        for (i, n) in q.neighbours.prefix(nb.height - 1).enumerated() {
            let y = nb.y + 1 + i
            let rank = "\(i + 1). "
            b.text(rank + VideoName.fit(n.video, className: n.className, width: nameW - rank.count, ellipsis: g.ellipsis), x: nb.x, y: y, style: t[.normal], clip: nb)
            let cx = nb.x + nameW + 1
            if simW > 0 {
                b.bar(x: cx, y: y, width: simW, fraction: (n.similarity + 1) / 2, style: t[.barSimilarity], track: t[.dim], glyphs: g, clip: nb)
            }
            b.text(String(format: "%+.2f", n.similarity), x: cx + barPart, y: y, style: t[.normal], clip: nb)
            b.set(nb.maxX - 1, y, n.hit ? g.hit : g.miss, t[n.hit ? .good : .bad])
        }
    }

    /// Draws the rows from row y down, as many as fit, with `+N more` under them when some do not;
    /// returns the row after the last drawn.
    private static func drawSaved(_ rows: [SavedResultsRows], into b: inout ScreenBuffer, from y: Int, _ inner: Rect,
                                  _ ctx: RenderContext) -> Int {
        let t = ctx.theme
        let lines = max(0, inner.maxY - y)
        let shown = 2 * rows.count <= lines ? rows.count : max(0, (lines - 1) / 2)
        var y = y
        for row in rows.prefix(shown) {
            b.text(TextFit.atBoundary(row.heading, width: inner.width, ellipsis: ctx.glyphs.ellipsis) ?? "",
                   x: inner.x, y: y, style: t[.dim], clip: inner)
            var x = inner.x
            for (label, value) in row.figures {
                x = b.text(label, x: x, y: y + 1, style: t[.dim], clip: inner)
                x = b.text(value, x: x, y: y + 1, style: t[.good].adding(.bold), clip: inner)
            }
            y += 2
        }
        if shown < rows.count, y < inner.maxY {
            b.text("+\(rows.count - shown) more", x: inner.x, y: y, style: t[.dim], clip: inner)
            y += 1
        }
        return y
    }
}
