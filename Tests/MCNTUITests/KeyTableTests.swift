import XCTest
import MCNTrain
@testable import MCNTUI

final class KeyTableTests: XCTestCase {
    let ctx = KeyContext(state: .running, step: 50, lastCheckpointStep: 0, queryCount: 10, logCount: 30, quitConfirmSteps: 100, pageRows: 4)

    func press(_ ui: UIState, _ keys: Key..., ctx: KeyContext? = nil) -> KeyResult {
        var r = KeyResult(ui: ui, commands: [], quit: false)
        var cmds: [EngineCommand] = []
        for k in keys {
            r = KeyDispatch.handle(r.ui, k, ctx ?? self.ctx)
            cmds += r.commands
        }
        r.commands = cmds
        return r
    }

    func testEveryFooterHintAndHelpRowComesFromTheTable() {
        let labels = Set(KeyTable.bindings.map(\.label))
        var states: [UIState] = [UIState(), UIState(vimKeys: true)]
        var u = UIState(); u.focus = .retrieval; states.append(u)
        u = UIState(); u.focus = .log; states.append(u)
        u = UIState(); u.detailOpen = true; states.append(u)
        u = UIState(); u.helpOpen = true; states.append(u)
        u = UIState(); u.confirmQuit = true; states.append(u)
        u = UIState(); u.focus = .retrieval; u.filterEditing = true; states.append(u)
        for st in states {
            for h in KeyTable.footerHints(st) { XCTAssertTrue(labels.contains(h.keys), "footer \(h.keys) not in table") }
        }
        for vim in [false, true] {
            let rows = HelpOverlay.lines(vimKeys: vim).filter { !$0.section && !$0.keys.isEmpty }
            for r in rows { XCTAssertTrue(labels.contains(r.keys), "help \(r.keys) not in table") }
            // And every binding of the key set appears in the help.
            let expected = KeyTable.bindings.filter { $0.applies(vimKeys: vim) }.count
            XCTAssertEqual(rows.count, expected)
        }
    }

    func testFooterOnScreenShowsTableHints() {
        let b = ScreenRenderer.render(Fixtures.snapshot, UIState(), width: 200, height: 40, Fixtures.dark)
        let footer = b.rowText(39)
        for h in KeyTable.footerHints(UIState()) { XCTAssertTrue(footer.contains(" \(h.keys) \(h.hint)"), h.hint) }
    }

    func testNarrowFooterKeepsTheEssentialHints() {
        // At 80 columns not every hint fits: the low-ranked ones give way, not `s smooth` or `q quit`.
        let b = ScreenRenderer.render(Fixtures.snapshot, UIState(), width: 80, height: 24, Fixtures.dark)
        let footer = b.rowText(23)
        for hint in [" space/p pause", " ? help", " q quit", " s smooth", " c ckpt"] {
            XCTAssertTrue(footer.contains(hint), "\(hint) missing from \(footer)")
        }
        XCTAssertFalse(footer.contains(" f freeze"), "rank-2 hints go first")
        var focused = UIState(); focused.focus = .retrieval
        for width in [40, 60, 80, 120] {
            let hints = KeyTable.footerHints(focused, width: width)
            XCTAssertLessThanOrEqual(hints.reduce(0) { $0 + KeyTable.footerWidth($1.keys, $1.hint) }, width)
            if width >= 60 { XCTAssertEqual(hints.first?.hint, "query", "the focused panel's keys stay") }
        }
        XCTAssertEqual(KeyTable.footerHints(UIState(), width: 1000).count, KeyTable.footerHints(UIState()).count)
    }

    /// With no engine to steer (a read-only view, or a run that has ended), the footer and the help
    /// leave out pause, checkpoint, eval and the learning-rate keys, and nothing says "press e".
    func testEngineKeysLeaveTheFooterAndHelpWhenNothingCanBeSteered() {
        let engineKeys = Set(KeyTable.bindings.filter(\.steersEngine).map(\.label))
        XCTAssertEqual(engineKeys, ["space/p", "c", "e", "[/]"])
        XCTAssertTrue(KeyTable.canSteer(UIState(), state: .paused))
        XCTAssertFalse(KeyTable.canSteer(UIState(readOnly: true), state: .running))
        XCTAssertFalse(KeyTable.canSteer(UIState(), state: .finished))
        XCTAssertFalse(KeyTable.canSteer(UIState(), state: .error))
        for vim in [false, true] {
            let help = HelpOverlay.lines(vimKeys: vim, facts: KeyFacts(readOnly: true)).filter { !$0.section }.map(\.keys)
            XCTAssertTrue(engineKeys.isDisjoint(with: help), "\(help)")
            XCTAssertTrue(help.contains("?") && help.contains("q"))
        }
        var empty = Fixtures.snapshot
        empty.retrieval = nil
        for (ui, state) in [(UIState(readOnly: true), EngineState.running), (UIState(), .finished), (UIState(), .error)] {
            var s = empty; s.state = state
            for (w, h) in [(120, 40), (200, 40)] {
                let b = ScreenRenderer.render(s, ui, width: w, height: h, Fixtures.dark)
                let footer = b.rowText(h - 1)
                for hint in [" space/p pause", " c ckpt", " e eval", " [/] lr"] { XCTAssertFalse(footer.contains(hint), "\(hint) in \(footer)") }
                for hint in [" ? help", ui.readOnly ? " q close" : " q quit", " s smooth", " f freeze"] { XCTAssertTrue(footer.contains(hint), "\(hint) not in \(footer)") }
                XCTAssertTrue(b.textDump().contains("no evaluation yet"))
                XCTAssertFalse(b.textDump().contains("press e"))
            }
            var withHelp = ui; withHelp.helpOpen = true
            let help = ScreenRenderer.render(s, withHelp, width: 120, height: 40, Fixtures.dark).textDump()
            XCTAssertFalse(help.contains("pause or resume training"), help)
            XCTAssertFalse(help.contains("halve / double"), help)
            var focused = ui; focused.focus = .retrieval
            XCTAssertEqual(KeyDispatch.handle(focused, .enter, KeyContext(state: state)).ui.message, "no retrieval results yet")
        }
        // A live run keeps them all.
        let live = ScreenRenderer.render(empty, UIState(), width: 200, height: 40, Fixtures.dark)
        XCTAssertTrue(live.rowText(39).contains(" space/p pause") && live.rowText(39).contains(" e eval"))
        XCTAssertTrue(live.textDump().contains("no evaluation yet: press e"))
    }

    /// Where nothing is trained (a read-only view) or nothing trains any more (the run has ended),
    /// the help and footer say what q does there, and the quit confirmation, which never comes
    /// there, is left out of the help.
    func testQuitIsWordedForWhatItDoes() {
        func screen(_ ui: UIState, _ state: EngineState) -> (help: String, footer: String) {
            var s = Fixtures.snapshot; s.state = state
            var open = ui; open.helpOpen = true
            return (ScreenRenderer.render(s, open, width: 120, height: 40, Fixtures.dark).textDump(),
                    ScreenRenderer.render(s, ui, width: 120, height: 40, Fixtures.dark).rowText(39))
        }
        let view = screen(UIState(readOnly: true), .running)
        XCTAssertTrue(view.help.contains("q              close the viewer (the run"), view.help)
        XCTAssertTrue(view.footer.contains(" q close "), view.footer)
        let ended = screen(UIState(), .finished)
        XCTAssertTrue(ended.help.contains("q              quit (the run has ended"), ended.help)
        XCTAssertTrue(ended.footer.contains(" q quit "), ended.footer)
        for (name, shown) in [("view", view), ("ended", ended)] {
            XCTAssertFalse(shown.help.contains("training stops"), name)
            XCTAssertFalse(shown.help.contains("Quit confirmation"), name)
            XCTAssertFalse(shown.help.contains("write a checkpoint and quit"), name)
        }
        let live = screen(UIState(), .running)
        XCTAssertTrue(live.help.contains("q              quit: training stops"), live.help)
        XCTAssertTrue(live.help.contains("Quit confirmation"), live.help)
        XCTAssertTrue(live.footer.contains(" q quit "), live.footer)
        // In the view q closes at once, whatever --quit-confirm-steps says.
        let c = KeyContext(state: .running, step: 5_000, lastCheckpointStep: 0, quitConfirmSteps: 0)
        let r = KeyDispatch.handle(UIState(readOnly: true), .char("q"), c)
        XCTAssertTrue(r.quit); XCTAssertFalse(r.ui.confirmQuit); XCTAssertEqual(r.commands, [])
    }

    /// The footer offers what the key does now: resume while paused (also while a checkpoint or
    /// evaluation asked for in the pause runs), unfreeze while frozen.
    func testFooterOffersResumeWhilePausedAndUnfreezeWhileFrozen() {
        func footer(_ s: Snapshot, _ ui: UIState = UIState()) -> String {
            ScreenRenderer.render(s, ui, width: 200, height: 40, Fixtures.dark).rowText(39)
        }
        var s = Fixtures.snapshot; s.state = .running
        XCTAssertTrue(footer(s).contains(" space/p pause ") && footer(s).contains(" f freeze "), footer(s))
        var b = SnapshotBuilder()
        b.apply([.started(Fixtures.generator.runInfo), .state(.paused), .state(.checkpointing)])
        XCTAssertTrue(footer(b.snapshot()).contains(" space/p resume "), footer(b.snapshot()))
        var frozen = UIState(); frozen.frozen = true
        XCTAssertTrue(footer(s, frozen).contains(" f unfreeze "), footer(s, frozen))
        XCTAssertFalse(footer(s, frozen).contains(" f freeze "))
        var help = frozen; help.helpOpen = true
        XCTAssertTrue(ScreenRenderer.render(s, help, width: 120, height: 40, Fixtures.dark).textDump().contains("unfreeze the display"))
    }

    func testNoKeyIsBoundTwiceInOneScope() {
        for vim in [false, true] {
            for scope in KeyScope.allCases {
                let keys = KeyTable.bindings.filter { $0.scope == scope && $0.applies(vimKeys: vim) }.flatMap(\.keys)
                XCTAssertEqual(keys.count, Set(keys).count, "\(scope) vim=\(vim)")
            }
        }
    }

    func testPauseResumeCheckpointEvaluate() {
        XCTAssertEqual(press(UIState(), .char("p")).commands, [.pause])
        XCTAssertEqual(press(UIState(), .char(" ")).commands, [.pause])
        var paused = ctx; paused.state = .paused
        XCTAssertEqual(press(UIState(), .char("p"), ctx: paused).commands, [.resume])
        XCTAssertEqual(press(UIState(), .char("c"), .char("e")).commands, [.checkpointNow, .evaluateNow])
        // View mode steers nothing and says so.
        let r = press(UIState(readOnly: true), .char("p"))
        XCTAssertEqual(r.commands, []); XCTAssertNotNil(r.ui.message)
    }

    func testLearningRateKeysHalveAndDoubleTheBaseRate() {
        var known = ctx; known.baseLearningRate = 0.1
        let down = press(UIState(), .char("["), ctx: known)
        XCTAssertEqual(down.commands, [.setLearningRate(0.05)])
        XCTAssertEqual(down.ui.requestedLearningRate, 0.05)
        XCTAssertEqual(down.ui.message, "base learning rate 0.1 → 0.05 from the next step")
        // Presses build on the rate asked last, not on the run's starting rate.
        XCTAssertEqual(press(UIState(), .char("["), .char("["), .char("]"), ctx: known).commands,
                       [.setLearningRate(0.05), .setLearningRate(0.025), .setLearningRate(0.05)])
        // Unknown rate, a finished run or a read-only view: nothing is sent and the footer says why.
        let unknown = press(UIState(), .char("]"))
        XCTAssertEqual(unknown.commands, []); XCTAssertNotNil(unknown.ui.message)
        var ended = known; ended.state = .finished
        XCTAssertEqual(press(UIState(), .char("]"), ctx: ended).commands, [])
        XCTAssertEqual(press(UIState(readOnly: true), .char("]"), ctx: known).commands, [])
        XCTAssertNil(press(UIState(readOnly: true), .char("]"), ctx: known).ui.requestedLearningRate)
        // The context reads the rate from the run's start event.
        var b = SnapshotBuilder()
        b.apply(.started(RunInfo(name: "r", runDirectory: "r", method: "mcn", mode: "first-order", backbone: "r3d-tiny",
                                 totalSteps: 10, stepsPerEpoch: 5, startStep: 0, batchVideos: 8, clipShape: [8, 64, 64],
                                 datasetSummary: "", baseLearningRate: 0.2)))
        XCTAssertEqual(KeyContext(snapshot: b.snapshot(), ui: UIState(), quitConfirmSteps: 100).baseLearningRate, 0.2)
    }

    func testQuitConfirmsOnlyWhenTheCheckpointIsOld() {
        let fresh = press(UIState(), .char("q"))
        XCTAssertTrue(fresh.quit); XCTAssertEqual(fresh.commands, [.stop])
        var old = ctx; old.step = 500
        let asked = press(UIState(), .char("q"), ctx: old)
        XCTAssertFalse(asked.quit); XCTAssertTrue(asked.ui.confirmQuit)
        XCTAssertFalse(press(asked.ui, .char("n"), ctx: old).ui.confirmQuit)
        XCTAssertFalse(press(asked.ui, .char("p"), ctx: old).quit, "other keys do nothing in the dialog")
        XCTAssertEqual(press(asked.ui, .char("p"), ctx: old).commands, [])
        let yes = press(asked.ui, .char("y"), ctx: old)
        XCTAssertTrue(yes.quit); XCTAssertEqual(yes.commands, [.stop])
        XCTAssertTrue(press(UIState(readOnly: true), .char("q"), ctx: old).quit)
        XCTAssertEqual(press(UIState(readOnly: true), .char("q"), ctx: old).commands, [])
    }

    func testFocusPanelsAndHelp() {
        XCTAssertEqual(press(UIState(), .tab).ui.focus, .tasks)
        XCTAssertEqual(press(UIState(), .backTab).ui.focus, .log)
        let hidden = press(UIState(), .char("2"), .tab)
        XCTAssertFalse(hidden.ui.visible.contains(.tasks)); XCTAssertEqual(hidden.ui.focus, .retrieval)
        XCTAssertTrue(press(UIState(), .char("2"), .char("2")).ui.visible.contains(.tasks))
        var only = UIState(); only.visible = [.log]; only.focus = .log
        XCTAssertEqual(press(only, .char("5")).ui.visible, [.log], "the last panel stays")
        let help = press(UIState(), .char("?"))
        XCTAssertTrue(help.ui.helpOpen)
        XCTAssertFalse(press(help.ui, .escape).ui.helpOpen)
        XCTAssertFalse(press(help.ui, .char("q")).quit, "q closes the help first")
    }

    /// The help wraps long descriptions instead of cutting them, and scrolls where it does not fit.
    func testHelpWrapsAndScrolls() {
        // 120×40: every description whole (wrapped onto a second line where needed), nothing to scroll.
        var open = UIState(); open.helpOpen = true
        let body = ScreenLayout(width: 120, height: 40, visible: open.visible).body
        let big = HelpOverlay.layout(open, facts: KeyFacts(), rect: body)
        XCTAssertEqual(big.maxScroll, 0); XCTAssertEqual(big.columns.count, 2)
        let frame = ScreenRenderer.render(Fixtures.snapshot, open, width: 120, height: 40, Fixtures.dark)
        let text = frame.textDump()
        for y in big.box.y..<big.box.maxY {
            XCTAssertFalse(frame.rowText(y).dropFirst(big.box.x).prefix(big.box.width).contains("…"), "cut: \(frame.rowText(y))")
        }
        XCTAssertTrue(text.contains("pause or resume training (at the next") && text.contains("step boundary)"), text)
        XCTAssertEqual(TextFit.wrap("pause or resume training (at the next step boundary)", width: 20),
                       ["pause or resume", "training (at the", "next step boundary)"])
        XCTAssertEqual(TextFit.wrap("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
        // 80×24: one column that scrolls; every binding can be reached.
        let small = ScreenRenderer.helpLayout(Fixtures.snapshot, open, width: 80, height: 24)
        XCTAssertGreaterThan(small.maxScroll, 0); XCTAssertEqual(small.columns.count, 1)
        let shownKeys = small.columns[0].compactMap { row -> String? in
            if case .binding(let keys, _) = row, !keys.isEmpty { return keys } else { return nil }
        }
        XCTAssertEqual(shownKeys, HelpOverlay.lines(vimKeys: false).filter { !$0.section && !$0.keys.isEmpty }.map(\.keys))
        // Keys scroll it within its range; closing and reopening starts at the top.
        let c = KeyContext(pageRows: small.visibleRows, helpScrollLimit: small.maxScroll)
        XCTAssertEqual(press(open, .down, .down, .up, ctx: c).ui.helpScroll, 1)
        XCTAssertEqual(press(open, .up, ctx: c).ui.helpScroll, 0)
        XCTAssertEqual(press(open, .pageDown, ctx: c).ui.helpScroll, min(small.visibleRows, small.maxScroll))
        XCTAssertEqual(press(open, .pageDown, .pageDown, .pageDown, .pageDown, .down, ctx: c).ui.helpScroll, small.maxScroll)
        XCTAssertEqual(press(open, .end, ctx: c).ui.helpScroll, small.maxScroll)
        XCTAssertEqual(press(open, .end, .home, ctx: c).ui.helpScroll, 0)
        XCTAssertEqual(press(open, .end, .escape, .char("?"), ctx: c).ui.helpScroll, 0)
        XCTAssertEqual(press(UIState(vimKeys: true), .char("?"), .char("j"), .char("j"), .char("k"), ctx: c).ui.helpScroll, 1)
        // The screen loop gives the keys the layout's limits.
        var loop = ScreenLoop(options: WorkbenchOptions())
        _ = loop.tick(events: [.started(Fixtures.generator.runInfo)], key: nil, width: 80, height: 24)
        for k in [Key.char("?"), .pageDown, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown] {
            _ = loop.tick(events: [], key: k, width: 80, height: 24)
        }
        let limit = ScreenRenderer.helpLayout(loop.builder.snapshot(), loop.ui, width: 80, height: 24).maxScroll
        XCTAssertEqual(loop.ui.helpScroll, limit)
        let end = loop.tick(events: [], key: .up, width: 80, height: 24).frame!.textDump()
        XCTAssertTrue(end.contains("↑ more above") && end.contains("↓ more below"), end)
    }

    func testCurveKeys() {
        let r = press(UIState(), .char("s"), .char("s"), .char("l"), .char("v"))
        // The default is 0.6; s cycles 0.6 → 0.9 → 0.99 → 0 → 0.6.
        XCTAssertEqual(r.ui.smoothing, 0.99); XCTAssertTrue(r.ui.logY); XCTAssertEqual(r.ui.seriesSet, 1)
        XCTAssertEqual(press(UIState(), .char("s")).ui.smoothing, 0.9)
        XCTAssertEqual(press(UIState(), .char("s"), .char("s"), .char("s")).ui.smoothing, 0)
        var big = ctx; big.step = 1000
        XCTAssertEqual(press(UIState(), .char("+"), ctx: big).ui.zoomSteps, 500)
        XCTAssertEqual(press(UIState(), .char("+"), .char("+"), ctx: big).ui.zoomSteps, 250)
        XCTAssertEqual(press(UIState(), .char("+"), .char("+"), .char("-"), ctx: big).ui.zoomSteps, 500)
        XCTAssertNil(press(UIState(), .char("+"), .char("+"), .char("="), ctx: big).ui.zoomSteps)
        XCTAssertFalse(press(UIState(vimKeys: true), .char("l")).ui.logY, "vim keys move log-y to L")
        XCTAssertTrue(press(UIState(vimKeys: true), .char("L")).ui.logY)
    }

    func testRetrievalBrowserKeys() {
        var ui = UIState(); ui.focus = .retrieval
        XCTAssertEqual(press(ui, .down, .down, .up).ui.selectedQuery, 1)
        XCTAssertEqual(press(ui, .up).ui.selectedQuery, 0)
        XCTAssertEqual(press(ui, .end).ui.selectedQuery, 9)
        XCTAssertEqual(press(ui, .pageDown).ui.selectedQuery, 4)
        XCTAssertEqual(press(ui, .right, .right, .right).ui.selectedQuery, 9)
        XCTAssertEqual(press(UIState(), .down).ui.selectedQuery, 0, "arrows need the browser focused")
        let filtered = press(ui, .char("/"), .char("a"), .char("b"), .backspace, .enter)
        XCTAssertEqual(filtered.ui.filter, "a"); XCTAssertFalse(filtered.ui.filterEditing)
        XCTAssertEqual(press(filtered.ui, .char("/"), .char("x"), .escape).ui.filter, "")
        let typing = press(ui, .char("/"), .char("q"), .char("p"))
        XCTAssertFalse(typing.quit); XCTAssertEqual(typing.commands, []); XCTAssertEqual(typing.ui.filter, "qp")
        let detail = press(ui, .enter)
        XCTAssertTrue(detail.ui.detailOpen)
        XCTAssertEqual(press(detail.ui, .down).ui.selectedQuery, 1)
        XCTAssertFalse(press(detail.ui, .escape).ui.detailOpen)
        var none = ctx; none.queryCount = 0
        XCTAssertFalse(press(ui, .enter, ctx: none).ui.detailOpen)
    }

    func testVimKeys() {
        var ui = UIState(vimKeys: true); ui.focus = .retrieval
        XCTAssertEqual(press(ui, .char("j"), .char("j"), .char("k")).ui.selectedQuery, 1)
        XCTAssertEqual(press(ui, .char("G")).ui.selectedQuery, 9)
        XCTAssertEqual(press(ui, .char("G"), .char("g"), .char("g")).ui.selectedQuery, 0)
        XCTAssertEqual(press(ui, .char("G"), .char("g"), .char("j"), .char("g")).ui.selectedQuery, 9)
        XCTAssertEqual(press(UIState(), .char("j")).ui.selectedQuery, 0, "no vim keys without --vim-keys")
    }

    func testLogScroll() {
        var ui = UIState(); ui.focus = .log
        XCTAssertEqual(press(ui, .up, .up).ui.logScroll, 2)
        // A page in the log is half the page's rows in entries (entries wrap onto several rows).
        XCTAssertEqual(press(ui, .pageUp, .down).ui.logScroll, 1)
        XCTAssertEqual(press(ui, .pageUp, .end).ui.logScroll, 0)
    }
}
