/*
 * layout.h — the page shell: head, header with structure and user, the
 * main navigation (entries declared by modules), main, footer.
 *
 * page_begin writes everything up to the opening of <main>; page_end closes
 * it. For htmx partial requests handlers usually write a fragment instead.
 */
#ifndef WEB_LAYOUT_H
#define WEB_LAYOUT_H
#include "web/web.h"

/* A navigation entry; shown when the user has perm (or WEB_LOGGED_IN). */
void layout_nav_add(int order, const char *label, const char *href, int perm);
void page_begin(web_req *r, const char *title);
void page_end(web_req *r);
/* The hidden CSRF input for forms of the logged-in user. */
void page_csrf(web_req *r);
/* A notice box: kind is "ok", "error" or "info". Text escaped. */
void page_notice(web_req *r, const char *kind, const char *text);
/* Error page body (used by web_error for HTML requests). */
void page_error(web_req *r, err e, const char *detail);
#endif
