/*
 * csv.h — a bounded CSV reader for spreadsheet exports (RFC 4180 quoting,
 * ';' or ',' separator detected on the first line, CRLF or LF). Every
 * count and size is capped before allocation; output lives in the arena.
 */
#ifndef CORE_CSV_H
#define CORE_CSV_H
#include <stddef.h>
#include <stdbool.h>
#include "core/arena.h"
#include "core/buf.h"

#define CSV_MAX_ROWS 20000
#define CSV_MAX_COLS 128
#define CSV_MAX_FIELD 4096

typedef struct csv_row {
	const char **cells;
	int n;
	int line;          /* 1-based line number in the file */
} csv_row;

typedef struct csv_table {
	csv_row *rows;
	int n;
	char sep;
} csv_table;

typedef enum { CSV_OK, CSV_BAD, CSV_TOO_LARGE } csv_status;
/* Parses data (a UTF-8 BOM is skipped). On CSV_BAD, *bad_line is set. */
csv_status csv_parse(arena *a, const char *data, size_t len, csv_table *out, int *bad_line);
/* Writes one quoted cell (';' separated, CRLF after the last). A cell
 * that a spreadsheet could read as a formula is prefixed with an
 * apostrophe (CSV injection): see csv_cell_dangerous. Every CSV the
 * program writes goes through this function. */
void csv_write_cell(buf *b, const char *s, bool last);
/* True when s would be taken for a formula: its first non-blank character
 * is = + - @ (or the full-width ＝), or it starts with TAB or CR — unless
 * it is only a number with a sign ("-12,50", "+33 6"). */
bool csv_cell_dangerous(const char *s);
#endif
