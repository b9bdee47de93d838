#include "CNcurses.h"
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

int mcn_color_pair(int n) { return COLOR_PAIR(n); }
unsigned int mcn_attr_bold(void) { return A_BOLD; }
unsigned int mcn_attr_dim(void) { return A_DIM; }
unsigned int mcn_attr_reverse(void) { return A_REVERSE; }
unsigned int mcn_attr_underline(void) { return A_UNDERLINE; }
unsigned int mcn_attr_normal(void) { return A_NORMAL; }
int mcn_screen_rows(void) { int y, x; getmaxyx(stdscr, y, x); (void)x; return y; }
int mcn_screen_cols(void) { int y, x; getmaxyx(stdscr, y, x); (void)y; return x; }
void mcn_set_locale_from_env(void) { setlocale(LC_ALL, ""); }
int mcn_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static volatile sig_atomic_t screen_open = 0;
static volatile sig_atomic_t quit_signal = 0;

void mcn_screen_close(void) {
    if (screen_open) { screen_open = 0; endwin(); }
}

int mcn_terminal_check(void) {
    int err = 0;
    if (setupterm(NULL, STDOUT_FILENO, &err) != OK) return err == 1 ? 2 : 1;
    const char *cup = tigetstr("cup");
    const int addressable = cup != NULL && cup != (const char *)-1;
    del_curterm(cur_term);
    return addressable ? 0 : 2;
}

int mcn_screen_open(int timeout_ms) {
    if (initscr() == NULL) return -1;
    screen_open = 1;
    static int registered = 0;
    if (!registered) { registered = 1; atexit(mcn_screen_close); }
    cbreak(); noecho(); keypad(stdscr, TRUE); timeout(timeout_ms); curs_set(0);
    set_escdelay(25);
    if (has_colors()) { start_color(); use_default_colors(); }
    return 0;
}
void mcn_draw(int y, int x, const char *utf8, unsigned int attrs, int pair) {
    attr_set((attr_t)attrs, (short)(pair > 32767 ? 0 : pair), (void *)&pair);
    mvaddstr(y, x, utf8);
    attr_set(A_NORMAL, 0, NULL);
}
int mcn_getch(void) { return getch(); }
void mcn_refresh(void) { refresh(); }
void mcn_erase(void) { erase(); }

int mcn_colors(void) { return has_colors() ? COLORS : 0; }
int mcn_color_pairs(void) { return has_colors() ? COLOR_PAIRS : 0; }
int mcn_direct_color(void) {
    int rgb = tigetflag("RGB");
    return rgb > 0 || (has_colors() && COLORS >= 0x1000000);
}
int mcn_init_pair(int pair, int fg, int bg) {
#if NCURSES_EXT_COLORS
    return init_extended_pair(pair, fg, bg) == OK ? 0 : -1;
#else
    return init_pair((short)pair, (short)fg, (short)bg) == OK ? 0 : -1;
#endif
}

int mcn_read_key(unsigned int *out) {
    wint_t ch = 0;
    int r = get_wch(&ch);
    if (r == ERR) return -1;
    *out = (unsigned int)ch;
    return r == KEY_CODE_YES ? 1 : 0;
}
void mcn_clear_ok(void) { clearok(stdscr, TRUE); }

static void on_quit_signal(int sig) {
    // A hangup only asks: it may come twice at once (to the session's leader and to its foreground
    // group), and leaving on the second would cost the run its checkpoint.
    if (sig == SIGHUP) { if (!quit_signal) quit_signal = sig; return; }
    if (quit_signal && quit_signal != SIGHUP) {  // a second Ctrl-C: the loop did not answer, restore and leave
        mcn_screen_close();
        _exit(128 + sig);
    }
    quit_signal = sig;
}
static void on_crash_signal(int sig) {
    mcn_screen_close();
    signal(sig, SIG_DFL);
    raise(sig);
}
void mcn_install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_quit_signal;
    sigaction(SIGINT, &sa, NULL); sigaction(SIGTERM, &sa, NULL);
    // Under nohup a hangup is ignored on purpose: leave it so.
    struct sigaction hup;
    if (sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler != SIG_IGN) sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = on_crash_signal;
    sa.sa_flags = SA_RESETHAND;
    int crash[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (unsigned i = 0; i < sizeof crash / sizeof crash[0]; i++) sigaction(crash[i], &sa, NULL);
}
int mcn_take_quit_signal(void) { int s = quit_signal; quit_signal = 0; return s; }
