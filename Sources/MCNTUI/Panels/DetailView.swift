import MCNTrain

/// The retrieval detail view: the selected query's middle frame and its neighbours' as thumbnails,
/// with class, similarity and hit or miss under each.
public enum DetailView {
    public static func render(_ s: Snapshot, _ ui: UIState, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let t = ctx.theme, g = ctx.glyphs
        let queries = RetrievalBrowser.filteredQueries(s.retrieval, filter: ui.filter)
        guard !queries.isEmpty, let r = s.retrieval else {
            _ = ctx.frame(&b, rect, title: "Retrieval detail", focused: true)
            return
        }
        let sel = min(ui.selectedQuery, queries.count - 1)
        let q = queries[sel]
        let inner = ctx.frame(&b, rect, title: "Retrieval detail: query \(sel + 1)/\(queries.count)", focused: true)
        guard inner.width >= 20, inner.height >= 6 else { return }
        // Tiles: the query then its neighbours, in a grid.
        // Half blocks make a cell two square-ish pixels: keep the frames' aspect (4:3 when unknown).
        let aspect = r.thumbnails.values.first.map { Double($0.height) / Double(max(1, $0.width)) } ?? 0.75
        let tileW = min(24, max(12, inner.width / 5))
        let tileH = max(5, min(14, Int((Double(tileW) * aspect / 2).rounded()) + 2))
        let perRow = max(1, (inner.width + 1) / (tileW + 1))
        let tiles = [(q.video, q.className, nil as Neighbour?)] + q.neighbours.map { ($0.video, $0.className, $0 as Neighbour?) }
        for (i, tile) in tiles.enumerated() {
            let row = i / perRow, col = i % perRow
            let x = inner.x + col * (tileW + 1), y = inner.y + row * (tileH + 1)
            guard y + tileH <= inner.maxY else { break }
            let img = Rect(x: x, y: y, width: tileW, height: tileH - 2)
            if let th = r.thumbnails[tile.0] {
                ThumbnailRenderer.draw(th, into: &b, rect: img, glyphs: g, colour: ctx.colour)
            } else {
                b.fill(img, g.barTrack, style: t[.dim])
                b.text("no frame", x: img.x + max(0, (img.width - 8) / 2), y: img.y + img.height / 2, style: t[.dim], clip: img)
            }
            let cap = Rect(x: x, y: y + tileH - 2, width: tileW, height: 2)
            if let n = tile.2 {
                b.text("\(i). " + VideoName.fit(tile.0, width: tileW - "\(i). ".count, ellipsis: g.ellipsis), x: cap.x, y: cap.y, style: t[.normal], clip: cap)
                let line = "\(n.hit ? g.hit : g.miss) \(String(format: "%+.2f", n.similarity)) \(n.className)"
                b.text(ScreenBuffer.truncate(line, to: tileW, ellipsis: g.ellipsis), x: cap.x, y: cap.y + 1, style: t[n.hit ? .good : .bad], clip: cap)
            } else {
                b.text("query: " + VideoName.fit(tile.0, width: tileW - 7, ellipsis: g.ellipsis), x: cap.x, y: cap.y, style: t[.titleFocused], clip: cap)
                b.text(ScreenBuffer.truncate(tile.1, to: tileW, ellipsis: g.ellipsis), x: cap.x, y: cap.y + 1, style: t[.title], clip: cap)
            }
        }
    }
}
