/*
 * text.h — bounded parsing of numbers and UTF-8 checks.
 */
#ifndef CORE_TEXT_H
#define CORE_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "arena.h"

/* strtonum-style: the whole of s must be a base-10 integer within [min,max].
 * Leading/trailing spaces are refused. Returns false on any error. */
bool text_to_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* True when s[0..n) is well-formed UTF-8 without NUL or C0 controls other
 * than tab, CR and LF. */
bool text_utf8_valid(const char *s, size_t n);
/* The length of s's longest start of at most max bytes that ends between two characters (never inside one). */
size_t text_utf8_cut(const char *s, size_t max);
/* The first character of s that a text field must not hold, or 0 when
 * there is none: C0 controls (but TAB, LF and CR when multiline), DEL, C1
 * controls (U+0080–U+009F), bidirectional embeddings, overrides and
 * isolates (U+202A–U+202E, U+2066–U+2069: they make « fdp.exe » look like
 * « exe.pdf »), and the line and paragraph separators U+2028/U+2029 when
 * single-line. s must be valid UTF-8 (else 0xFFFD is returned). */
uint32_t text_forbidden_char(const char *s, bool multiline);
/* Copy of s without the characters text_forbidden_char refuses (single
 * line): for names that arrive from files (an uploaded file's name). */
char *text_strip_forbidden(arena *a, const char *s);
/* The name of an uploaded file as people may see it: its base name only
 * (after the last '/' or '\\' — never a path), without what
 * text_strip_forbidden strips, at most max bytes cut between two
 * characters. "" when nothing is left, NULL without memory. */
char *text_file_name(arena *a, const char *name, size_t max);
/* Copy of s with leading and trailing ASCII spaces removed (arena-owned). */
char *text_trim(arena *a, const char *s);
/* Lower-case ASCII copy (for e-mail addresses). */
char *text_ascii_lower(arena *a, const char *s);
/* Loose e-mail check: one @, something on both sides, a dot after it. */
bool text_email_valid(const char *s);
/* Accent-, case- and punctuation-insensitive key (utf8proc): "Hélène
 * N'Diaye" -> "helene ndiaye". Letters and digits kept, runs of anything
 * else become one space. Arena-owned; NULL if s is not valid UTF-8. */
char *text_fold(arena *a, const char *s);
/* s percent-encoded for a URL's query (RFC 3986 unreserved kept), in the arena. */
char *text_url_encode(arena *a, const char *s);
#endif
