/* text.c — bounded parsing and UTF-8 helpers (see text.h). */
#include "text.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include "banned.h"

bool text_to_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s || isspace((unsigned char)*s) || strlen(s) > 20)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

size_t text_utf8_cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	while (n && n < strlen(s) && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

bool text_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	while (p < e) {
		unsigned c = *p;
		if (c < 0x80) {
			if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return false;
			p++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, e - p, &cp);
		if (k < 0)
			return false;
		p += k;
	}
	return true;
}

static bool forbidden_cp(int32_t cp, bool multiline)
{
	if (cp < 0x20)
		return !(multiline && (cp == '\t' || cp == '\n' || cp == '\r'));
	if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F))
		return true;
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return true;
	return !multiline && (cp == 0x2028 || cp == 0x2029);
}

uint32_t text_forbidden_char(const char *s, bool multiline)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	while (p && *p) {
		if (*p >= 0x20 && *p < 0x7F) { /* the common case, ASCII text */
			p++;
			continue;
		}
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		if (k <= 0)
			return 0xFFFD;
		if (forbidden_cp(cp, multiline))
			return (uint32_t)cp;
		p += k;
	}
	return 0;
}

char *text_strip_forbidden(arena *a, const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *out = arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t w = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
		if (k <= 0) {
			p++; /* an invalid byte is dropped too */
			continue;
		}
		if (!forbidden_cp(cp, false)) {
			memcpy(out + w, p, (size_t)k);
			w += (size_t)k;
		}
		p += k;
	}
	out[w] = 0;
	return out;
}

char *text_file_name(arena *a, const char *name, size_t max)
{
	const char *base = name ? name : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	char *clean = text_strip_forbidden(a, base);
	if (clean)
		clean[text_utf8_cut(clean, max)] = 0;
	return clean;
}

char *text_trim(arena *a, const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return arena_strndup(a, s, n);
}

char *text_ascii_lower(arena *a, const char *s)
{
	char *r = arena_strdup(a, s);
	if (r)
		for (char *p = r; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return r;
}

bool text_email_valid(const char *s)
{
	if (!s || strlen(s) > 254)
		return false;
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	const char *dot = strrchr(at, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',')
			return false;
	return true;
}

char *text_fold(arena *a, const char *s)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &folded,
	                                  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
	                                  UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
	if (n < 0)
		return NULL;
	char *out = arena_alloc(a, (size_t)n + 1);
	size_t o = 0;
	bool space = false;
	const utf8proc_uint8_t *p = folded, *e = folded + n;
	while (out && p < e) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p, e - p, &cp);
		if (k <= 0)
			break;
		utf8proc_category_t cat = utf8proc_category(cp);
		bool keep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		            cat == UTF8PROC_CATEGORY_ND;
		bool joiner = cp == '\'' || cp == 0x2019; /* N'Diaye, d’Arc: glue */
		if (keep) {
			if (space && o)
				out[o++] = ' ';
			space = false;
			if (cp == 0x153 || cp == 0xe6) { /* œ, æ: Unicode keeps them whole */
				out[o++] = cp == 0x153 ? 'o' : 'a';
				out[o++] = 'e';
			} else {
				memcpy(out + o, p, (size_t)k);
				o += (size_t)k;
			}
		} else if (!joiner) {
			space = true;
		}
		p += k;
	}
	free(folded);
	if (out)
		out[o] = 0;
	return out;
}

char *text_url_encode(arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = s ? strlen(s) : 0;
	char *o = arena_alloc(a, n * 3 + 1), *p = o;
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = 0;
	return o;
}
