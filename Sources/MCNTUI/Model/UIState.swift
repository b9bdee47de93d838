/// What the person at the screen has chosen, apart from the run's data. A value; key handling maps
/// (UIState, key) to a new UIState.
public struct UIState: Sendable, Equatable {
    public static let smoothingLevels: [Double] = Smoothing.levels

    public var focus: PanelID = .curves
    public var visible: Set<PanelID> = Set(PanelID.allCases)
    /// Index into the filtered query list of the retrieval browser.
    public var selectedQuery = 0
    public var filter = ""
    public var filterEditing = false
    public var smoothingIndex = 1
    public var logY = false
    /// The last `zoomSteps` steps on the x axis; nil shows the whole run.
    public var zoomSteps: Int?
    /// Index into `CurveSeriesSet.presets`.
    public var seriesSet = 0
    public var frozen = false
    /// The base learning rate last asked of the engine from this screen (`[`/`]`).
    public var requestedLearningRate: Double?
    public var helpOpen = false
    /// Rows the help is scrolled down by, when it does not fit the screen.
    public var helpScroll = 0
    public var confirmQuit = false
    public var detailOpen = false
    /// Lines scrolled back from the newest in the log pane.
    public var logScroll = 0
    /// The first `g` of `gg` (vim keys).
    public var pendingG = false
    /// A one-line notice shown in the footer until the next key.
    public var message: String?
    /// View mode: nothing to steer.
    public var readOnly = false
    public var vimKeys = false

    public init(readOnly: Bool = false, vimKeys: Bool = false) {
        self.readOnly = readOnly; self.vimKeys = vimKeys
    }

    public var smoothing: Double { Self.smoothingLevels[smoothingIndex % Self.smoothingLevels.count] }

    /// Visible panels in focus order.
    public var focusOrder: [PanelID] { PanelID.allCases.filter { visible.contains($0) } }
}
