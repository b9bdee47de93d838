import MCNTrain

/// Draws an RGB thumbnail with upper-half blocks: each cell shows two pixels, the top one as the
/// foreground and the bottom one as the background. ASCII terminals get a shade ramp instead.
public enum ThumbnailRenderer {
    static let shades: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]

    /// Scales (nearest) `thumb` to fit `cols`×`rows` cells (2 pixels per cell vertically).
    public static func draw(_ thumb: Thumbnail, into b: inout ScreenBuffer, rect: Rect, glyphs: GlyphSet, colour: Bool) {
        guard rect.width > 0, rect.height > 0, thumb.width > 0, thumb.height > 0,
              thumb.rgb.count >= thumb.width * thumb.height * 3 else { return }
        let cols = rect.width, rows = rect.height
        func pixel(_ px: Int, _ py: Int) -> (UInt8, UInt8, UInt8) {
            let sx = min(thumb.width - 1, px * thumb.width / cols)
            let sy = min(thumb.height - 1, py * thumb.height / (rows * 2))
            let i = (sy * thumb.width + sx) * 3
            return (thumb.rgb[i], thumb.rgb[i + 1], thumb.rgb[i + 2])
        }
        for r in 0..<rows {
            for c in 0..<cols {
                let top = pixel(c, 2 * r), bottom = pixel(c, 2 * r + 1)
                if let half = glyphs.upperHalf, colour {
                    b.set(rect.x + c, rect.y + r, half, Style(fg: .rgb(top.0, top.1, top.2), bg: .rgb(bottom.0, bottom.1, bottom.2)))
                } else {
                    let l = (luma(top) + luma(bottom)) / 2
                    b.set(rect.x + c, rect.y + r, shades[min(shades.count - 1, Int(l * Double(shades.count)))], .plain)
                }
            }
        }
    }

    static func luma(_ p: (UInt8, UInt8, UInt8)) -> Double {
        (0.299 * Double(p.0) + 0.587 * Double(p.1) + 0.114 * Double(p.2)) / 255
    }
}
