/* html.c — the escaping writer (see html.h). */
#include "html.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/banned.h"

void html_textn(buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_add(b, s + start, i - start);
		buf_adds(b, rep);
		start = i + 1;
	}
	buf_add(b, s + start, n - start);
}

void html_text(buf *b, const char *s)
{
	if (s)
		html_textn(b, s, strlen(s));
}

void html_trusted(buf *b, const char *markup)
{
	if (markup)
		buf_adds(b, markup);
}

char *html_escape(arena *a, const char *s)
{
	buf b;
	buf_init(&b, a, s ? strlen(s) + 16 : 16);
	html_text(&b, s);
	return (char *)buf_cstr(&b);
}

void html_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_vprintf(b, fmt, ap);
	va_end(ap);
}

void html_vprintf(buf *b, const char *fmt, va_list ap)
{
	const char *p = fmt;
	while (*p) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			buf_adds(b, p);
			break;
		}
		buf_add(b, p, (size_t)(pct - p));
		p = pct + 1;
		char num[32];
		if (*p == 's') {
			html_text(b, va_arg(ap, const char *));
			p++;
		} else if (!strncmp(p, ".*s", 3)) {
			int n = va_arg(ap, int);
			const char *s = va_arg(ap, const char *);
			if (s)
				html_textn(b, s, n < 0 ? strlen(s) : strnlen(s, (size_t)n));
			p += 3;
		} else if (*p == 'd') {
			snprintf(num, sizeof num, "%d", va_arg(ap, int));
			buf_adds(b, num);
			p++;
		} else if (*p == 'u') {
			snprintf(num, sizeof num, "%u", va_arg(ap, unsigned));
			buf_adds(b, num);
			p++;
		} else if (!strncmp(p, "ld", 2)) {
			snprintf(num, sizeof num, "%ld", va_arg(ap, long));
			buf_adds(b, num);
			p += 2;
		} else if (!strncmp(p, "lld", 3)) {
			snprintf(num, sizeof num, "%lld", va_arg(ap, long long));
			buf_adds(b, num);
			p += 3;
		} else if (!strncmp(p, "zu", 2)) {
			snprintf(num, sizeof num, "%zu", va_arg(ap, size_t));
			buf_adds(b, num);
			p += 2;
		} else if (*p == '%') {
			buf_addc(b, '%');
			p++;
		} else {
			/* Unknown specifier: a programming error; emit nothing for it. */
			b->failed = true;
			break;
		}
	}
}

void html_table_close(buf *b) { html_lit(b, "</tbody></table></div>"); }

void html_table_open(buf *b, const char *caption, unsigned flags, const char *const *heads)
{
	/* Markup chosen among literals: html_printf escapes every %s. A narrow
	 * screen scrolls the table in its own region, which the keyboard
	 * reaches (WCAG 1.4.10 lets a data table scroll). */
	html_printf(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">", caption);
	if (flags & TABLE_DIFF)
		html_lit(b, "<table class=\"data diff\">");
	else
		html_lit(b, "<table class=\"data\">");
	if (flags & TABLE_CAPTION_SHOWN)
		html_printf(b, "<caption>%s</caption><thead><tr>", caption);
	else
		html_printf(b, "<caption class=\"sr-only\">%s</caption><thead><tr>", caption);
	for (const char *const *h = heads; *h; h++) {
		const char *t = *h;
		if (*t == '#')
			html_printf(b, "<th scope=\"col\" class=\"num\">%s</th>", t + 1);
		else if (*t == '~')
			html_printf(b, "<th scope=\"col\"><span class=\"sr-only\">%s</span></th>", t + 1);
		else
			html_printf(b, "<th scope=\"col\">%s</th>", t);
	}
	html_lit(b, "</tr></thead><tbody>");
}

void html_tel(buf *b, const char *phone)
{
	char dial[48];
	size_t n = 0;
	for (const char *p = phone ? phone : ""; *p && n < sizeof dial - 1; p++)
		if ((*p >= '0' && *p <= '9') || *p == '+')
			dial[n++] = *p;
	dial[n] = 0;
	if (n)
		html_printf(b, "<a href=\"tel:%s\"><strong>%s</strong></a>", dial, phone);
	else
		html_lit(b, "non renseigné");
}
