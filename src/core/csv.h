/*
 * csv.h — CSV as the program writes it (';' separated, quoted, CRLF),
 * with the guard against formulas. Reading spreadsheets is core/sheet.h.
 */
#ifndef CORE_CSV_H
#define CORE_CSV_H
#include <stddef.h>
#include <stdbool.h>
#include "core/arena.h"
#include "core/buf.h"

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
