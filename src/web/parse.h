/*
 * parse.h — bounded parsers for what arrives from outside: query strings,
 * urlencoded forms, cookies and multipart/form-data bodies.
 *
 * Pure functions over bytes (no libmicrohttpd): they are what the fuzz
 * targets exercise. Every count and size is checked against the caps below
 * before anything is allocated; a body over a cap gives PARSE_TOO_LARGE,
 * a malformed one PARSE_BAD. All output memory comes from the arena; values
 * are NUL-terminated and have been checked to be valid UTF-8 (text fields)
 * — file contents are bytes, kept as they came.
 */
#ifndef WEB_PARSE_H
#define WEB_PARSE_H
#include <stdbool.h>
#include <stddef.h>
#include "core/arena.h"

#define PARSE_MAX_FIELDS 256
#define PARSE_MAX_NAME 128
#define PARSE_MAX_VALUE (64 * 1024)
#define PARSE_MAX_COOKIES 32
#define PARSE_MAX_FILES 8

typedef enum { PARSE_OK, PARSE_BAD, PARSE_TOO_LARGE } parse_status;

typedef struct kv {
	const char *name, *value;
} kv;

typedef struct web_file {
	const char *field, *filename, *content_type;
	const unsigned char *data;
	size_t len;
} web_file;

typedef struct kv_list {
	kv *items;
	int n;
	web_file *files;
	int nfiles;
} kv_list;

/* "a=1&b=%C3%A9+x" → pairs, '+' is a space. */
parse_status parse_urlencoded(arena *a, const char *s, size_t n, kv_list *out);
/* "sid=abc; theme=x" (the Cookie header). */
parse_status parse_cookies(arena *a, const char *s, size_t n, kv_list *out);
/* multipart/form-data body; content_type carries the boundary. */
parse_status parse_multipart(arena *a, const char *content_type, const unsigned char *body,
                             size_t n, kv_list *out);
/* First value of name, or NULL. */
const char *kv_get(const kv_list *l, const char *name);
#endif
