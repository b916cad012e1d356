/*
 * parse.c — bounded parsers (see parse.h). Written for the fuzzer: no
 * recursion, every index compared with its end before use.
 */
#include "parse.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "core/text.h"
#include "core/banned.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Decodes %XX and '+' of s[0..n) into a fresh arena string. */
static char *decode(arena *a, const char *s, size_t n, bool plus, parse_status *st)
{
	char *out = arena_alloc(a, n + 1);
	if (!out) {
		*st = PARSE_TOO_LARGE;
		return NULL;
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+' && plus) {
			out[o++] = ' ';
		} else if (c == '%') {
			if (i + 2 >= n) {
				*st = PARSE_BAD;
				return NULL;
			}
			int h = hexval((unsigned char)s[i + 1]), l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0) {
				*st = PARSE_BAD;
				return NULL;
			}
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else {
			out[o++] = c;
		}
	}
	out[o] = 0;
	if (!text_utf8_valid(out, o)) {
		*st = PARSE_BAD;
		return NULL;
	}
	return out;
}

static parse_status add(arena *a, kv_list *out, const char *name, const char *value)
{
	if (out->n >= PARSE_MAX_FIELDS)
		return PARSE_TOO_LARGE;
	if (!out->items) {
		out->items = arena_array(a, PARSE_MAX_FIELDS, sizeof(kv));
		if (!out->items)
			return PARSE_TOO_LARGE;
	}
	out->items[out->n].name = name;
	out->items[out->n].value = value;
	out->n++;
	return PARSE_OK;
}

parse_status parse_urlencoded(arena *a, const char *s, size_t n, kv_list *out)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		while (i < n && s[i] != '&')
			i++;
		size_t end = i;
		if (i < n)
			i++; /* skip '&' */
		if (end == start)
			continue;
		const char *eq = memchr(s + start, '=', end - start);
		size_t nlen = eq ? (size_t)(eq - (s + start)) : end - start;
		size_t vlen = eq ? end - start - nlen - 1 : 0;
		if (nlen == 0)
			return PARSE_BAD;
		if (nlen > PARSE_MAX_NAME * 3 || vlen > PARSE_MAX_VALUE * 3)
			return PARSE_TOO_LARGE;
		parse_status st = PARSE_OK;
		char *name = decode(a, s + start, nlen, true, &st);
		if (!name)
			return st;
		char *value = decode(a, eq ? eq + 1 : "", vlen, true, &st);
		if (!value)
			return st;
		if (strlen(name) > PARSE_MAX_NAME || strlen(value) > PARSE_MAX_VALUE)
			return PARSE_TOO_LARGE;
		st = add(a, out, name, value);
		if (st != PARSE_OK)
			return st;
	}
	return PARSE_OK;
}

parse_status parse_cookies(arena *a, const char *s, size_t n, kv_list *out)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	int count = 0;
	while (i < n) {
		while (i < n && (s[i] == ' ' || s[i] == ';'))
			i++;
		size_t start = i;
		while (i < n && s[i] != ';')
			i++;
		size_t end = i;
		if (end == start)
			continue;
		const char *eq = memchr(s + start, '=', end - start);
		if (!eq)
			continue; /* a cookie without '=' is ignored, as browsers do */
		if (++count > PARSE_MAX_COOKIES)
			return PARSE_TOO_LARGE;
		size_t nlen = (size_t)(eq - (s + start));
		while (nlen && s[start + nlen - 1] == ' ')
			nlen--;
		size_t vstart = (size_t)(eq - s) + 1, vend = end;
		while (vend > vstart && s[vend - 1] == ' ')
			vend--;
		if (vend - vstart >= 2 && s[vstart] == '"' && s[vend - 1] == '"') {
			vstart++;
			vend--;
		}
		if (nlen == 0 || nlen > PARSE_MAX_NAME || vend - vstart > 4096)
			return PARSE_BAD;
		char *name = arena_strndup(a, s + start, nlen);
		char *value = arena_strndup(a, s + vstart, vend - vstart);
		if (!name || !value)
			return PARSE_TOO_LARGE;
		if (!text_utf8_valid(name, nlen) || !text_utf8_valid(value, vend - vstart))
			return PARSE_BAD;
		parse_status st = add(a, out, name, value);
		if (st != PARSE_OK)
			return st;
	}
	return PARSE_OK;
}

static const unsigned char *find(const unsigned char *h, size_t hn, const char *needle, size_t nn)
{
	if (nn == 0 || hn < nn)
		return NULL;
	const unsigned char *end = h + hn - nn;
	for (const unsigned char *p = h; p <= end; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (!memcmp(p, needle, nn))
			return p;
	}
	return NULL;
}

/* Value of a parameter (name="…" or name=token) inside a header line. */
static char *header_param(arena *a, const char *h, size_t n, const char *param)
{
	size_t pl = strlen(param);
	for (size_t i = 0; i + pl + 1 < n; i++) {
		if ((i == 0 || h[i - 1] == ' ' || h[i - 1] == ';') && !strncasecmp(h + i, param, pl) &&
		    h[i + pl] == '=') {
			size_t v = i + pl + 1, e;
			if (v < n && h[v] == '"') {
				v++;
				e = v;
				while (e < n && h[e] != '"')
					e++;
				if (e >= n)
					return NULL;
			} else {
				e = v;
				while (e < n && h[e] != ';' && h[e] != ' ')
					e++;
			}
			return arena_strndup(a, h + v, e - v);
		}
	}
	return NULL;
}

parse_status parse_multipart(arena *a, const char *content_type, const unsigned char *body,
                             size_t n, kv_list *out)
{
	memset(out, 0, sizeof *out);
	if (!content_type)
		return PARSE_BAD;
	char *boundary = header_param(a, content_type, strlen(content_type), "boundary");
	if (!boundary || !*boundary || strlen(boundary) > 70)
		return PARSE_BAD;
	char delim[80];
	size_t dl = (size_t)snprintf(delim, sizeof delim, "--%s", boundary);
	const unsigned char *p = find(body, n, delim, dl);
	if (!p)
		return PARSE_BAD;
	const unsigned char *end = body + n;
	p += dl;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return PARSE_OK; /* closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return PARSE_BAD;
		p += 2;
		const unsigned char *hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend || hend - p > 4096)
			return PARSE_BAD;
		char *name = NULL, *filename = NULL, *ctype = NULL;
		bool has_filename = false;
		for (const unsigned char *line = p; line < hend;) {
			const unsigned char *le = find(line, (size_t)(hend + 2 - line), "\r\n", 2);
			if (!le)
				le = hend;
			size_t ll = (size_t)(le - line);
			if (ll > 20 && !strncasecmp((const char *)line, "Content-Disposition:", 20)) {
				name = header_param(a, (const char *)line, ll, "name");
				filename = header_param(a, (const char *)line, ll, "filename");
				has_filename = filename != NULL;
			} else if (ll > 13 && !strncasecmp((const char *)line, "Content-Type:", 13)) {
				size_t s = 13;
				while (s < ll && line[s] == ' ')
					s++;
				ctype = arena_strndup(a, (const char *)line + s, ll - s);
			}
			line = le + 2;
		}
		if (!name || !*name || strlen(name) > PARSE_MAX_NAME || !text_utf8_valid(name, strlen(name)))
			return PARSE_BAD;
		const unsigned char *data = hend + 4;
		char d2[84];
		size_t d2l = (size_t)snprintf(d2, sizeof d2, "\r\n%s", delim);
		const unsigned char *next = find(data, (size_t)(end - data), d2, d2l);
		if (!next)
			return PARSE_BAD;
		size_t len = (size_t)(next - data);
		if (has_filename) {
			if (out->nfiles >= PARSE_MAX_FILES)
				return PARSE_TOO_LARGE;
			if (!out->files) {
				out->files = arena_array(a, PARSE_MAX_FILES, sizeof(web_file));
				if (!out->files)
					return PARSE_TOO_LARGE;
			}
			if (!text_utf8_valid(filename, strlen(filename)))
				return PARSE_BAD;
			web_file *f = &out->files[out->nfiles++];
			f->field = name;
			f->filename = filename;
			f->content_type = ctype ? ctype : "application/octet-stream";
			f->data = data;
			f->len = len;
		} else {
			if (len > PARSE_MAX_VALUE)
				return PARSE_TOO_LARGE;
			char *v = arena_strndup(a, (const char *)data, len);
			if (!v)
				return PARSE_TOO_LARGE;
			if (!text_utf8_valid(v, len))
				return PARSE_BAD;
			parse_status st = add(a, out, name, v);
			if (st != PARSE_OK)
				return st;
		}
		p = next + d2l;
	}
}

const char *kv_get(const kv_list *l, const char *name)
{
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->items[i].name, name))
			return l->items[i].value;
	return NULL;
}
