/// The `?` screen: every binding of the key table for the key set in use, by scope, worded for the
/// screen's facts (without the engine keys and the quit confirmation when there is no engine to
/// steer). It uses the room it has: one column when that fits, else two; a description too long
/// for its column wraps onto more lines. When even two
/// columns do not fit, it is one column that ↑/↓/PgUp/PgDn scroll, and its border says there is more.
public enum HelpOverlay {
    public static func lines(vimKeys: Bool, facts: KeyFacts = KeyFacts()) -> [(keys: String, text: String, section: Bool)] {
        var out: [(String, String, Bool)] = []
        for (scope, rows) in KeyTable.helpSections(vimKeys: vimKeys, facts: facts) {
            if !out.isEmpty { out.append(("", "", false)) }
            out.append((scope.rawValue, "", true))
            for r in rows { out.append((r.label, r.help(facts), false)) }
        }
        return out
    }

    /// One screen row of the help.
    public enum Row: Equatable, Sendable {
        case section(String)
        /// A binding's keys (empty on the lines its description wraps onto) and a line of its text.
        case binding(keys: String, text: String)
        case note(String)
        case blank
    }

    /// Where everything goes for a screen: the box, the columns' rows, and how far it scrolls.
    public struct Layout: Equatable, Sendable {
        public var box: Rect
        public var columns: [[Row]]
        public var columnWidth: Int
        public var keyWidth: Int
        /// Rows of each column on screen at once.
        public var visibleRows: Int
        /// The largest scroll offset (0: everything is on screen).
        public var maxScroll: Int
        static let gap = 3
    }

    /// Says why the engine keys are missing.
    static func note(_ facts: KeyFacts) -> String {
        (facts.readOnly ? "Read-only view" : "The run has ended") + ": the keys that steer the engine are left out."
    }

    public static func layout(_ ui: UIState, facts: KeyFacts, rect: Rect) -> Layout {
        let all = lines(vimKeys: ui.vimKeys, facts: facts)
        let keyW = (all.filter { !$0.section }.map(\.keys.count).max() ?? 8) + 2
        let widest = max(all.filter { !$0.section }.map { keyW + $0.text.count }.max() ?? 40,
                         all.filter(\.section).map(\.keys.count).max() ?? 0)
        let innerW = max(keyW + 8, rect.width - 6)  // a margin of 1, the border and 2 of padding each side
        let maxRows = max(1, rect.height - 4)       // the border and a blank row above and below
        func rows(width: Int) -> [Row] {
            var out: [Row] = []
            if !facts.canSteer { out += TextFit.wrap(note(facts), width: max(1, width)).map(Row.note) + [.blank] }
            for l in all {
                if l.section { out.append(.section(l.keys)); continue }
                if l.keys.isEmpty && l.text.isEmpty { out.append(.blank); continue }
                for (i, text) in TextFit.wrap(l.text, width: max(1, width - keyW)).enumerated() {
                    out.append(.binding(keys: i == 0 ? l.keys : "", text: text))
                }
            }
            return out
        }
        func made(_ columns: [[Row]], width: Int, scroll: Int = 0) -> Layout {
            let visible = min(maxRows, columns.map(\.count).max() ?? 0)
            let boxW = columns.count * width + (columns.count - 1) * Layout.gap + 4
            return Layout(box: rect.centered(width: boxW, height: visible + 4), columns: columns, columnWidth: width,
                          keyWidth: keyW, visibleRows: visible, maxScroll: scroll)
        }
        let oneW = min(widest, innerW)
        let one = rows(width: oneW)
        if one.count <= maxRows { return made([one], width: oneW) }
        let twoW = min(widest, (innerW - Layout.gap) / 2)
        if twoW - keyW >= 16 {
            let two = split(rows(width: twoW), maxRows: maxRows)
            if two.map(\.count).max()! <= maxRows { return made(two, width: twoW) }
        }
        return made([one], width: oneW, scroll: one.count - maxRows)
    }

    /// Two columns of about equal height, the second starting at a section or a binding (not on a
    /// wrapped line, a blank, or just after its section's title); at a section when that costs at
    /// most two rows and still fits `maxRows`.
    static func split(_ rows: [Row], maxRows: Int) -> [[Row]] {
        func isSection(_ i: Int) -> Bool { if case .section = rows[i] { return true } else { return false } }
        func starts(_ i: Int) -> Bool {
            if isSection(i) { return true }
            if case .binding(let keys, _) = rows[i] { return !keys.isEmpty && !isSection(i - 1) }
            return false
        }
        func height(_ cut: Int) -> Int { max(cut, rows.count - cut) }
        let cuts = rows.indices.filter { $0 > 0 && starts($0) }
        guard let best = cuts.min(by: { height($0) < height($1) }) else { return [rows] }
        let atSection = cuts.filter { isSection($0) && height($0) <= min(maxRows, height(best) + 2) }.min { height($0) < height($1) }
        let cut = atSection ?? best
        var first = Array(rows[..<cut])
        if first.last == .blank { first.removeLast() }
        return [first, Array(rows[cut...])]
    }


    public static func render(_ ui: UIState, facts: KeyFacts, into b: inout ScreenBuffer, rect: Rect, _ ctx: RenderContext) {
        let t = ctx.theme, g = ctx.glyphs
        let l = layout(ui, facts: facts, rect: rect)
        let scroll = min(max(0, ui.helpScroll), l.maxScroll)
        b.fill(l.box, style: t[.helpText])
        b.box(l.box, title: "Keys (? or Esc closes)", style: t[.borderFocused], titleStyle: t[.titleFocused], glyphs: g)
        let inner = l.box.inset(dx: 2, dy: 1)
        for (c, column) in l.columns.enumerated() {
            let x = inner.x + c * (l.columnWidth + Layout.gap)
            let cell = Rect(x: x, y: inner.y, width: l.columnWidth, height: inner.height).intersection(inner)
            for (i, row) in column.dropFirst(scroll).prefix(l.visibleRows).enumerated() {
                let y = inner.y + 1 + i
                switch row {
                case .section(let s): b.text(s, x: x, y: y, style: t[.helpSection], clip: cell)
                case .note(let s): b.text(s, x: x, y: y, style: t[.helpText], clip: cell)
                case .binding(let keys, let text):
                    b.text(keys, x: x, y: y, style: t[.helpKey], clip: cell)
                    b.text(text, x: x + l.keyWidth, y: y, style: t[.helpText], clip: cell)
                case .blank: break
                }
            }
        }
        guard l.maxScroll > 0 else { return }
        // There is more: say which way, in the border.
        if scroll > 0 {
            let s = " ↑ more above "
            b.text(s, x: l.box.maxX - 2 - s.count, y: l.box.y, style: t[.titleFocused], clip: l.box)
        }
        let s = scroll < l.maxScroll ? " ↓ more below: ↓ PgDn " : " end: ↑ PgUp "
        b.text(s, x: l.box.maxX - 2 - s.count, y: l.box.maxY - 1, style: t[.titleFocused], clip: l.box)
    }
}
