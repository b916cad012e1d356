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

/* The main navigation, in the order shown: an entry is shown to those
 * who hold perm (WEB_LOGGED_IN: every user). Set once at start-up by the
 * module list (modules.c); the array must outlive the server. */
typedef struct layout_nav {
	const char *label, *href;
	int perm;
	bool (*visible)(web_req *r); /* NULL, or a further condition (the register's named agents) */
} layout_nav;
void layout_set_nav(const layout_nav *entries, int n);
/* A skip link to a part of the page (« Enregistrer un contact » → #contact),
 * after « Aller au contenu »; called before page_begin. A closed <details>
 * it leads to opens, its first field focused (app.js). */
void page_skip(web_req *r, const char *href, const char *label);
void page_begin(web_req *r, const char *title);
void page_end(web_req *r);
/* Opens a form that posts: fmt (a literal, %s escaped as in html_printf)
 * is the markup that opens it — its <form …> tag, possibly after a
 * heading and before its first fields — then the hidden CSRF field of
 * the logged-in user follows, which every such form must carry. */
void form_begin(web_req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A step of a record's page: a compact form posting to action_url with
 * the hidden fields action and version, inside a fieldset with legend;
 * the form scope is the action's (form_scope), so a refused step comes
 * back with its own errors. form_step_close ends it with its button (a
 * confirmation asked first when confirm: the step loses or ends
 * something). */
void form_step_open(web_req *r, const char *action_url, const char *action, int64_t version, const char *legend);
void form_step_close(web_req *r, const char *button, bool confirm);
/* After a form's POST: E_INPUT → the form again, as typed, with its
 * errors (400); another failure → the error page; else → 303 to done. */
struct form_errors;
void page_after_post(web_req *r, err e, const struct form_errors *fe, void (*again)(web_req *r, const struct form_errors *fe),
                     const char *done);
/* A date for people: "AAAA-MM-JJ" → "JJ/MM/AAAA" ("" when there is none),
 * and an instant in the user's time zone, with or without the time. */
const char *page_date(web_req *r, const char *iso);
const char *page_instant(web_req *r, int64_t t, bool with_time);
/* A notice box: kind is "ok", "error" or "info". Text escaped. */
void page_notice(web_req *r, const char *kind, const char *text);
/* « Précédente · Page 2 sur 7 · Suivante » under a list of total rows,
 * per_page a page; href the list's address with its query up to the page
 * number (« /logement?liste=actives& »), not escaped. Nothing when one
 * page holds them all. */
void page_pager(web_req *r, const char *href, int64_t page, int64_t total, int per_page);
/* Error page body (used by web_error for HTML requests). */
void page_error(web_req *r, err e, const char *detail);
/* On an error page, what a refused form (a page's POST) carried: to send again when the server failed and knows
 * its sender, to copy otherwise; nothing for a form with a password (WEB_F_SECRET) or sent by another site. */
void page_kept_input(web_req *r, err e);
#endif
