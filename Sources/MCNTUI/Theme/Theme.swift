/// Styles by role plus the colours of chart series. A value: panels take it as an argument.
public struct Theme: Sendable {
    public var name: String
    public var styles: [ThemeRole: Style]
    public var series: [TermColor]

    public init(name: String, styles: [ThemeRole: Style], series: [TermColor]) {
        self.name = name; self.styles = styles; self.series = series.isEmpty ? [.none] : series
    }

    public subscript(role: ThemeRole) -> Style { styles[role] ?? .plain }

    /// The style of the i-th chart series.
    public func seriesStyle(_ i: Int) -> Style {
        Style(fg: series[((i % series.count) + series.count) % series.count])
    }

    /// The same theme with every colour removed (NO_COLOR); attributes stay.
    public func withoutColour() -> Theme {
        var t = self
        t.styles = styles.mapValues { Style(attrs: $0.attrs) }
        t.series = [.none]
        return t
    }
}
