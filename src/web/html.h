/*
 * html.h — the escaping writer. Every byte of page text that comes from data
 * goes through here.
 *
 *   html_printf(b, "<td>%s</td><td>%d</td>", name, count);
 *
 * The format string is trusted markup and must be a literal (gcc checks the
 * arguments as for printf). Every %s argument is ESCAPED (& < > " ' ), so it
 * is safe in text and in quoted attributes. Supported: %s %d %u %ld %lld
 * %zu %%, and %.*s (escaped too). There is no specifier for raw markup.
 *
 * The one way to emit trusted markup that is not a literal is
 * html_trusted(b, s), named so that it stands out in review; use it only
 * for markup this program built itself (another writer's output).
 */
#ifndef WEB_HTML_H
#define WEB_HTML_H
#include <stdarg.h>
#include "core/buf.h"

void html_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_vprintf(buf *b, const char *fmt, va_list ap);
void html_text(buf *b, const char *s);          /* escaped */
void html_textn(buf *b, const char *s, size_t n);
/* Literal markup only: the "" s "" trick refuses anything but a literal. */
#define html_lit(b, s) buf_add((b), "" s "", sizeof(s) - 1)
void html_trusted(buf *b, const char *markup);
/* Escapes into an arena string (for attributes built elsewhere). */
char *html_escape(arena *a, const char *s);

/* The opening of a data table, up to <tbody>: its caption (for screen
 * readers only unless TABLE_CAPTION_SHOWN) and its column headers, a
 * NULL-terminated list; a header "#Montant" is a number column (right
 * aligned), "~Actions" is read by screen readers only. Close with
 * html_table_close(b).
 *
 *   html_table(b, "Demandes du foyer", 0, "N°", "Aide", "#Montant");
 */
#define TABLE_CAPTION_SHOWN 1u
#define TABLE_DIFF 2u
void html_table_open(buf *b, const char *caption, unsigned flags, const char *const *heads);
void html_table_close(buf *b);
/* A phone number as a link that dials it (tel:, digits and + only in the
 * address), bold; « non renseigné » when there is none. */
void html_tel(buf *b, const char *phone);
#define html_table(b, caption, flags, ...) html_table_open((b), (caption), (flags), (const char *const[]){__VA_ARGS__, NULL})
#endif
