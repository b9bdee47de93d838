// Copies of themes/*.toml, so the binary has its themes wherever it runs from.
// A test checks they equal the files; edit the files and paste them here.
enum BuiltinThemes {
    static let sources: [String: String] = [
        "dark": #"""
        # mcn-tui dark theme (the default). Colours: default, black..white, bright-red..., colorN (0-255),
        # #rrggbb. Attributes: bold, dim, reverse, underline. Roles left out take the dark theme's style.
        name = "dark"
        series = ["#5fafff", "#ff875f", "#87d787", "#d787d7", "#ffd75f", "#5fd7d7"]

        [styles]
        normal = {}
        dim = { fg = "color245" }
        border = { fg = "color240" }
        border_focused = { fg = "cyan", bold = true }
        title = { fg = "color250", bold = true }
        title_focused = { fg = "bright-cyan", bold = true }
        header_bar = { fg = "color252", bg = "color236" }
        header_name = { fg = "bright-white", bg = "color236", bold = true }
        header_label = { fg = "color245", bg = "color236" }
        state_running = { fg = "black", bg = "green", bold = true }
        state_paused = { fg = "black", bg = "yellow", bold = true }
        state_busy = { fg = "black", bg = "cyan", bold = true }
        state_finished = { fg = "black", bg = "blue", bold = true }
        state_error = { fg = "bright-white", bg = "red", bold = true }
        progress_done = { fg = "green", bg = "color236" }
        progress_todo = { fg = "color240", bg = "color236" }
        axis = { fg = "color244" }
        note = { fg = "yellow" }
        good = { fg = "green" }
        bad = { fg = "red" }
        warn = { fg = "yellow" }
        bar_loss = { fg = "color203" }
        bar_accuracy = { fg = "color114" }
        bar_similarity = { fg = "color75" }
        selection = { fg = "black", bg = "color75" }
        filter = { fg = "yellow", underline = true }
        footer_key = { fg = "black", bg = "color250", bold = true }
        footer_text = { fg = "color250" }
        help_key = { fg = "bright-cyan", bold = true }
        help_text = {}
        help_section = { fg = "yellow", bold = true }
        dialog = { fg = "bright-white", bg = "color52", bold = true }
        log_info = {}
        log_warning = { fg = "yellow" }
        log_error = { fg = "bright-red", bold = true }
        """#,
        "light": #"""
        # mcn-tui light theme, for terminals with a light background.
        name = "light"
        series = ["#005fd7", "#d75f00", "#008700", "#8700af", "#af8700", "#008787"]

        [styles]
        normal = {}
        dim = { fg = "color244" }
        border = { fg = "color248" }
        border_focused = { fg = "blue", bold = true }
        title = { fg = "color238", bold = true }
        title_focused = { fg = "blue", bold = true }
        header_bar = { fg = "color236", bg = "color254" }
        header_name = { fg = "black", bg = "color254", bold = true }
        header_label = { fg = "color242", bg = "color254" }
        state_running = { fg = "bright-white", bg = "color28", bold = true }
        state_paused = { fg = "black", bg = "color220", bold = true }
        state_busy = { fg = "bright-white", bg = "color31", bold = true }
        state_finished = { fg = "bright-white", bg = "blue", bold = true }
        state_error = { fg = "bright-white", bg = "red", bold = true }
        progress_done = { fg = "color28", bg = "color254" }
        progress_todo = { fg = "color248", bg = "color254" }
        axis = { fg = "color242" }
        note = { fg = "color130" }
        good = { fg = "color28" }
        bad = { fg = "color160" }
        warn = { fg = "color130" }
        bar_loss = { fg = "color160" }
        bar_accuracy = { fg = "color28" }
        bar_similarity = { fg = "color25" }
        selection = { fg = "bright-white", bg = "color25" }
        filter = { fg = "color130", underline = true }
        footer_key = { fg = "bright-white", bg = "color240", bold = true }
        footer_text = { fg = "color238" }
        help_key = { fg = "blue", bold = true }
        help_text = {}
        help_section = { fg = "color130", bold = true }
        dialog = { fg = "bright-white", bg = "color124", bold = true }
        log_info = {}
        log_warning = { fg = "color130" }
        log_error = { fg = "color160", bold = true }
        """#,
        "mono": #"""
        # mcn-tui monochrome theme: attributes only, no colours.
        name = "mono"
        series = ["default"]

        [styles]
        normal = {}
        dim = { dim = true }
        border = {}
        border_focused = { bold = true }
        title = {}
        title_focused = { bold = true, underline = true }
        header_bar = { reverse = true }
        header_name = { reverse = true, bold = true }
        header_label = { reverse = true }
        state_running = { bold = true }
        state_paused = { bold = true, underline = true }
        state_busy = { bold = true }
        state_finished = { bold = true }
        state_error = { bold = true, underline = true }
        progress_done = { reverse = true }
        progress_todo = { reverse = true }
        axis = { dim = true }
        note = { bold = true }
        good = {}
        bad = { bold = true }
        warn = { bold = true }
        bar_loss = {}
        bar_accuracy = {}
        bar_similarity = {}
        selection = { reverse = true }
        filter = { underline = true }
        footer_key = { reverse = true }
        footer_text = {}
        help_key = { bold = true }
        help_text = {}
        help_section = { underline = true }
        dialog = { reverse = true, bold = true }
        log_info = {}
        log_warning = { bold = true }
        log_error = { bold = true, underline = true }
        """#,
    ]
}
