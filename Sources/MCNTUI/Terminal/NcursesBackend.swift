@preconcurrency import CNcurses
import Foundation

/// The only code that talks to ncurses: copies ScreenBuffers to the terminal (changed cells only),
/// reads keys, and restores the terminal. Use from one thread.
public final class NcursesBackend {
    private var previous: ScreenBuffer?
    private var run = String.UnicodeScalarView()
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private let maxPairs: Int32
    public let colors: ColorMapper
    private(set) var isOpen = false
    private let attrBits: (bold: UInt32, dim: UInt32, reverse: UInt32, underline: UInt32)

    private struct PairKey: Hashable { var fg: Int32; var bg: Int32 }

    /// Opens the screen (sets the locale first). `timeoutMs` is the key-read tick.
    public init(timeoutMs: Int32 = 50) throws {
        mcn_set_locale_from_env()
        if let problem = Self.terminalProblem() { throw BackendError(description: problem) }
        guard mcn_screen_open(timeoutMs) == 0 else { throw BackendError(description: "cannot open the terminal (is TERM set?)") }
        isOpen = true
        mcn_install_signal_handlers()
        colors = ColorMapper(colors: Int(mcn_colors()), direct: mcn_direct_color() != 0)
        maxPairs = mcn_color_pairs()
        attrBits = (mcn_attr_bold(), mcn_attr_dim(), mcn_attr_reverse(), mcn_attr_underline())
    }

    deinit { close() }

    /// Why this terminal cannot show the screen (one line naming TERM), or nil when it can.
    public static func terminalProblem() -> String? {
        let term = ProcessInfo.processInfo.environment["TERM"] ?? ""
        switch mcn_terminal_check() {
        case 0: return nil
        case 1 where term.isEmpty: return "TERM is not set"
        case 1: return "TERM=\(term): this machine's terminfo has no such terminal (TERM=xterm-256color works in most)"
        default: return "TERM=\(term) cannot move the cursor"
        }
    }

    public static var localeIsUTF8: Bool {
        mcn_set_locale_from_env()
        return mcn_locale_is_utf8() != 0
    }

    public func close() {
        if isOpen { isOpen = false; mcn_screen_close() }
    }

    public var size: (width: Int, height: Int) { (Int(mcn_screen_cols()), Int(mcn_screen_rows())) }

    /// The next key, or nil when none came within the tick.
    public func readKey() -> Key? {
        var code: UInt32 = 0
        let r = mcn_read_key(&code)
        guard r >= 0 else { return nil }
        return KeyDecoder.decode(code, isFunctionKey: r == 1)
    }

    /// A quit signal (SIGINT, SIGTERM, SIGHUP) arrived since the last call.
    public func takeQuitSignal() -> Int32 { mcn_take_quit_signal() }

    /// Forgets the last frame so the next `present` repaints everything (after a resize).
    public func invalidate() {
        previous = nil
        mcn_clear_ok()
    }

    /// Copies the cells that changed since the last frame and refreshes.
    public func present(_ frame: ScreenBuffer) {
        let full = previous.map { $0.width != frame.width || $0.height != frame.height } ?? true
        if full { mcn_erase() }
        for y in 0..<frame.height {
            var x = 0
            while x < frame.width {
                let cell = frame[x, y]
                if !full, let p = previous, p[x, y] == cell { x += 1; continue }
                // A run of changed cells with one style.
                let start = x
                run.removeAll(keepingCapacity: true)
                while x < frame.width {
                    let c = frame[x, y]
                    if c.style != cell.style { break }
                    if !full, let p = previous, p[x, y] == c { break }
                    run.append(c.scalar); x += 1
                }
                let (attrs, pair) = resolve(cell.style)
                mcn_draw(Int32(y), Int32(start), String(run), attrs, pair)
            }
        }
        previous = frame
        mcn_refresh()
    }

    private func resolve(_ s: Style) -> (UInt32, Int32) {
        var a: UInt32 = 0
        if s.attrs.contains(.bold) { a |= attrBits.bold }
        if s.attrs.contains(.dim) { a |= attrBits.dim }
        if s.attrs.contains(.reverse) { a |= attrBits.reverse }
        if s.attrs.contains(.underline) { a |= attrBits.underline }
        let key = PairKey(fg: Int32(colors.number(s.fg)), bg: Int32(colors.number(s.bg)))
        if key.fg == -1 && key.bg == -1 { return (a, 0) }
        if let p = pairs[key] { return (a, p) }
        guard nextPair < maxPairs, mcn_init_pair(nextPair, key.fg, key.bg) == 0 else { return (a, 0) }
        pairs[key] = nextPair
        nextPair += 1
        return (a, nextPair - 1)
    }
}

public struct BackendError: Error, CustomStringConvertible {
    public var description: String
}
