/*
 * sheet_internal.h — shared by core/sheet.c (the row being built, CSV,
 * the entry point) and core/sheet_xlsx.c (the zip, the XML scanner, the
 * workbook) only.
 */
#ifndef CORE_SHEET_INTERNAL_H
#define CORE_SHEET_INTERNAL_H
#include <stdint.h>
#include <stdio.h>
#include "core/sheet.h"

/* A French message with a number in it, in the thread's buffer. */
extern _Thread_local char sheet_why_buf[256];
/* Row numbers a workbook may claim (Excel stops at 1,048,576). */
#define SHEET_MAX_ROWNO 100000000L
#define SAY(...) (snprintf(sheet_why_buf, sizeof sheet_why_buf, __VA_ARGS__), (const char *)sheet_why_buf)

/* A growable byte buffer (malloc: these outlive no call). */
typedef struct bytes {
	char *d;
	size_t n, cap;
	bool failed;
} bytes;
bool sheet_put(bytes *b, const void *p, size_t k);
bool sheet_putc1(bytes *b, char c);
/* A code point as UTF-8. */
bool sheet_put_cp(bytes *b, uint32_t cp);

/* The row being built. */
typedef struct rowb {
	bytes text;                 /* every cell's text, NUL-separated */
	size_t *off;                /* by column: offset in text, or (size_t)-1 */
	sheet_kind *kind;
	sheet_cell *cells;
	int ncols, cap, max_cols;
	long number;
	bool nonblank;
} rowb;
void sheet_row_clear(rowb *r);
bool sheet_row_set(rowb *r, int col, const char *s, size_t n, sheet_kind k);
/* Hands a finished row to the callback; false when it asked to stop. */
bool sheet_row_emit(rowb *r, sheet_row_fn fn, void *ctx, sheet_info *info, bool *stopped);
void sheet_row_free(rowb *r);

sheet_status sheet_read_xlsx(const unsigned char *d, size_t len, int max_cols, sheet_row_fn fn, void *ctx, sheet_info *info,
                             const char **why);
#endif
