/*
 * sheet.h — a spreadsheet read row by row, whatever a CCAS saved it as:
 * an .xlsx workbook (its first worksheet) or a CSV file (UTF-8, or
 * Windows-1252 as French spreadsheets save it; ';', ',' or tab).
 *
 * Streaming: the rows are handed to a callback one at a time; the memory
 * used is one row (plus, for XLSX, the workbook's table of shared strings,
 * which the format requires), never the whole file. Time is linear in the
 * file: every byte is looked at a bounded number of times.
 *
 * Every outside input is bounded before it costs anything: the unzipped
 * sizes of the workbook's parts, the number of shared strings, a cell's
 * length (32 KiB), the columns kept (max_cols: cells beyond are counted
 * and ignored, never refused). Blank rows — empty, or only formatted —
 * are skipped without a word.
 *
 * What a cell is: its text, and its kind. An XLSX cell shown as a date (a
 * number with a date format) comes as SHEET_DATE with its text in ISO
 * form "YYYY-MM-DD"; a number as SHEET_NUMBER with its digits ("692123456",
 * "12.5"); everything else as SHEET_TEXT. CSV cells are always text: a
 * date in a CSV is whatever was typed, and the caller decides (never
 * guesses) what it means.
 */
#ifndef CORE_SHEET_H
#define CORE_SHEET_H
#include <stdbool.h>
#include <stddef.h>

#define SHEET_MAX_CELL (32 * 1024)

typedef enum { SHEET_EMPTY, SHEET_TEXT, SHEET_NUMBER, SHEET_DATE } sheet_kind;

typedef struct sheet_cell {
	const char *text;   /* UTF-8, never NULL ("" when empty), as written (not trimmed) */
	sheet_kind kind;
} sheet_cell;

typedef struct sheet_row {
	long number;              /* the spreadsheet's own row number (Excel's, or the CSV line it starts on) */
	int ncells;               /* cells[0..ncells) — at most max_cols */
	const sheet_cell *cells;
} sheet_row;

typedef struct sheet_info {
	const char *format;       /* "XLSX" or "CSV" */
	const char *encoding;     /* "UTF-8" or "Windows-1252" (CSV) */
	char sep;                 /* CSV separator */
	long rows;                /* rows handed to the callback */
	long ignored_cells;       /* non-empty cells beyond max_cols */
} sheet_info;

typedef enum { SHEET_OK, SHEET_STOPPED, SHEET_BAD, SHEET_TOO_LARGE, SHEET_NOMEM } sheet_status;

/* Called for each non-blank row; the row and its strings live until the
 * callback returns. Return false to stop reading (SHEET_STOPPED). */
typedef bool (*sheet_row_fn)(void *ctx, const sheet_row *row);

/* Reads data (XLSX recognised by its content, CSV otherwise). On
 * SHEET_BAD or SHEET_TOO_LARGE, *why holds a French sentence (static or
 * in a thread-local buffer valid until the next call). info may be NULL. */
sheet_status sheet_read(const unsigned char *data, size_t len, int max_cols, sheet_row_fn fn, void *ctx, sheet_info *info,
                        const char **why);

/* Whether a cell a spreadsheet took for a number lost the leading 0 typed before its digits (a telephone number of
 * 10 digits read « 612345678 », a postcode of 5 read « 1000 »): a number cell of width - 1 digits, the first not a
 * 0. The caller puts the 0 back. */
bool sheet_lost_zero(const char *text, sheet_kind kind, size_t width);

/* "AB" → 27 (1-based column of a spreadsheet), for messages; writes the
 * letters of column col (0-based) into out (8 bytes). */
void sheet_column_name(int col, char out[8]);
#endif
