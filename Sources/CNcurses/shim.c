#include "CNcurses.h"
#include <langinfo.h>
#include <string.h>

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
int mcn_screen_open(int timeout_ms) {
    if (initscr() == NULL) return -1;
    cbreak(); noecho(); keypad(stdscr, TRUE); timeout(timeout_ms); curs_set(0);
    if (has_colors()) { start_color(); use_default_colors(); }
    return 0;
}
void mcn_screen_close(void) { endwin(); }
void mcn_draw(int y, int x, const char *utf8, unsigned int attrs, int pair) {
    attr_t a = (attr_t)attrs;
    attrset(a | COLOR_PAIR(pair));
    mvaddstr(y, x, utf8);
    attrset(A_NORMAL);
}
int mcn_getch(void) { return getch(); }
void mcn_refresh(void) { refresh(); }
void mcn_erase(void) { erase(); }
