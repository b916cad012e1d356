/*
 * sheet_row.c — what the CSV and XLSX readers share: the row being built
 * (cells appended as they are read, handed whole to the caller), the byte
 * buffer they grow, and the reason of a refusal (sheet_internal.h).
 */
#include "core/sheet_internal.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/banned.h"

_Thread_local char sheet_why_buf[256];

void sheet_column_name(int col, char out[8])
{
	char tmp[8];
	int n = 0;
	for (int c = col + 1; c > 0 && n < 7; c = (c - 1) / 26)
		tmp[n++] = (char)('A' + (c - 1) % 26);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
}

/* ---- a growable byte buffer (malloc: these outlive no call) --------------- */



bool sheet_put(bytes *b, const void *p, size_t k)
{
	if (b->failed)
		return false;
	if (b->n + k + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->n + k + 1)
			nc *= 2;
		char *g = realloc(b->d, nc);
		if (!g) {
			b->failed = true;
			return false;
		}
		b->d = g;
		b->cap = nc;
	}
	memcpy(b->d + b->n, p, k);
	b->n += k;
	b->d[b->n] = 0;
	return true;
}

bool sheet_putc1(bytes *b, char c) { return sheet_put(b, &c, 1); }

/* Appends code point cp as UTF-8. */
bool sheet_put_cp(bytes *b, uint32_t cp)
{
	char u[4];
	int m = 0;
	if (cp < 0x80) u[m++] = (char)cp;
	else if (cp < 0x800) { u[m++] = (char)(0xC0 | cp >> 6); u[m++] = (char)(0x80 | (cp & 0x3F)); }
	else if (cp < 0x10000) { u[m++] = (char)(0xE0 | cp >> 12); u[m++] = (char)(0x80 | (cp >> 6 & 0x3F)); u[m++] = (char)(0x80 | (cp & 0x3F)); }
	else if (cp <= 0x10FFFF) { u[m++] = (char)(0xF0 | cp >> 18); u[m++] = (char)(0x80 | (cp >> 12 & 0x3F)); u[m++] = (char)(0x80 | (cp >> 6 & 0x3F)); u[m++] = (char)(0x80 | (cp & 0x3F)); }
	else return true;
	return sheet_put(b, u, (size_t)m);
}

/* ---- the row being built ------------------------------------------------------ */

void sheet_row_clear(rowb *r)
{
	r->text.n = 0;
	r->ncols = 0;
	r->nonblank = false;
}

bool sheet_row_set(rowb *r, int col, const char *s, size_t n, sheet_kind k)
{
	if (col < 0 || col >= r->max_cols)
		return true;
	if (col >= r->cap) {
		int nc = r->cap ? r->cap : 64;
		while (nc <= col)
			nc *= 2;
		if (nc > r->max_cols)
			nc = r->max_cols;
		size_t *o = realloc(r->off, sizeof *o * (size_t)nc);
		if (o)
			r->off = o;
		sheet_kind *kk = realloc(r->kind, sizeof *kk * (size_t)nc);
		if (kk)
			r->kind = kk;
		sheet_cell *cc = realloc(r->cells, sizeof *cc * (size_t)nc);
		if (cc)
			r->cells = cc;
		if (!o || !kk || !cc)
			return false;
		r->cap = nc;
	}
	while (r->ncols <= col) {
		r->off[r->ncols] = (size_t)-1;
		r->kind[r->ncols++] = SHEET_EMPTY;
	}
	r->off[col] = r->text.n;
	r->kind[col] = n ? k : SHEET_EMPTY;
	for (size_t i = 0; i < n && !r->nonblank; i++)
		r->nonblank = s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n';
	return sheet_put(&r->text, s, n) && sheet_putc1(&r->text, 0);
}

/* Hands a finished row to the callback; false when it asked to stop. */
bool sheet_row_emit(rowb *r, sheet_row_fn fn, void *ctx, sheet_info *info, bool *stopped)
{
	if (!r->nonblank)
		return true;
	for (int i = 0; i < r->ncols; i++) {
		r->cells[i].text = r->off[i] == (size_t)-1 ? "" : r->text.d + r->off[i];
		r->cells[i].kind = r->kind[i];
	}
	sheet_row row = {r->number, r->ncols, r->cells};
	info->rows++;
	if (!fn(ctx, &row)) {
		*stopped = true;
		return false;
	}
	return true;
}

void sheet_row_free(rowb *r)
{
	free(r->text.d);
	free(r->off);
	free(r->kind);
	free(r->cells);
}

