/*
 * buf.h — growable byte buffer whose memory comes from an arena.
 *
 * Invariants: b->data is NUL-terminated whenever b->len > 0 or after
 * buf_cstr(); b->len never exceeds b->cap. Growth doubles; the old storage
 * stays in the arena until it is released (cheap: pages are small).
 * If an allocation fails, b->failed is set and later writes are ignored, so
 * a writer can test once at the end.
 */
#ifndef CORE_BUF_H
#define CORE_BUF_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"

typedef struct buf {
	arena *a;
	char *data;
	size_t len, cap;
	bool failed;
} buf;

void buf_init(buf *b, arena *a, size_t hint);
bool buf_reserve(buf *b, size_t more);
void buf_add(buf *b, const void *p, size_t n);
void buf_adds(buf *b, const char *s);
void buf_addc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* The content as a NUL-terminated string ("" when empty); owned by the arena. */
const char *buf_cstr(buf *b);
#endif
