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
/// initscr plus the usual modes: cbreak, noecho, keypad, a getch timeout (ms), hidden cursor.
/// Returns 0 on success.
int mcn_screen_open(int timeout_ms);
void mcn_screen_close(void);
/// Draws a UTF-8 string at (y, x) with attributes and colour pair.
void mcn_draw(int y, int x, const char *utf8, unsigned int attrs, int pair);
int mcn_getch(void);
void mcn_refresh(void);
void mcn_erase(void);
#endif
