// CNcurses: wide-character ncurses, plus the macros and attribute constants Swift can't import.
#ifndef MCN_CNCURSES_H
#define MCN_CNCURSES_H
// SwiftPM ignores the -D flags of ncursesw.pc, so define them here.
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>
#include <locale.h>

int mcn_color_pair(int n);
unsigned int mcn_attr_bold(void);
unsigned int mcn_attr_dim(void);
unsigned int mcn_attr_reverse(void);
unsigned int mcn_attr_underline(void);
unsigned int mcn_attr_normal(void);
/// The standard screen's size.
int mcn_screen_rows(void);
int mcn_screen_cols(void);
/// Sets the locale from the environment (call before initscr).
void mcn_set_locale_from_env(void);
/// 1 where the current locale's character set is UTF-8.
int mcn_locale_is_utf8(void);
/// Whether the terminal named by TERM can show the screen, asked of terminfo without opening it
/// (initscr exits the process on an unknown TERM): 0 yes, 1 terminfo has no such terminal (or
/// TERM is unset), 2 it cannot move the cursor (dumb, hardcopy).
int mcn_terminal_check(void);
/// initscr plus the usual modes: cbreak, noecho, keypad, a getch timeout (ms), hidden cursor, a
/// short Esc delay, colours where the terminal has them; registers an atexit restore.
/// Returns 0 on success.
int mcn_screen_open(int timeout_ms);
/// endwin, once (safe to call again and from the atexit hook).
void mcn_screen_close(void);
/// Draws a UTF-8 string at (y, x) with attributes and colour pair.
void mcn_draw(int y, int x, const char *utf8, unsigned int attrs, int pair);
int mcn_getch(void);
void mcn_refresh(void);
void mcn_erase(void);

// Colours.
/// Number of colours and colour pairs the terminal has (0 without colour support).
int mcn_colors(void);
int mcn_color_pairs(void);
/// 1 where colour numbers are direct 24-bit RGB values (terminfo RGB flag, e.g. xterm-direct).
int mcn_direct_color(void);
/// Defines a colour pair (extended pairs where ncurses has them); -1 is the default colour.
/// Returns 0 on success.
int mcn_init_pair(int pair, int fg, int bg);

// Input.
/// Reads one key: returns -1 when none came before the timeout, 0 for a character (its code point
/// in *out), 1 for a function key (the KEY_* code in *out).
int mcn_read_key(unsigned int *out);
/// Forces the next refresh to repaint everything (after a resize).
void mcn_clear_ok(void);

// Signals.
/// Installs handlers: SIGINT/SIGTERM/SIGHUP set a flag the screen loop polls (a second one
/// restores the terminal and exits); crash signals restore the terminal, then die as before.
void mcn_install_signal_handlers(void);
/// The pending quit signal number (0 when none), cleared by reading.
int mcn_take_quit_signal(void);
#endif
