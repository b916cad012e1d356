/* csv.c — bounded CSV reader (see csv.h). No recursion; every index is
 * compared with the end before use (a fuzz target drives it). */
#include "core/csv.h"
#include <string.h>
#include "core/text.h"
#include "core/banned.h"

csv_status csv_parse(arena *a, const char *d, size_t len, csv_table *out, int *bad_line)
{
	memset(out, 0, sizeof *out);
	*bad_line = 0;
	if (len >= 3 && !memcmp(d, "\xef\xbb\xbf", 3)) {
		d += 3;
		len -= 3;
	}
	/* Separator: whichever of ';' and ',' is more frequent on the first line. */
	int semi = 0, comma = 0;
	for (size_t i = 0; i < len && d[i] != '\n'; i++)
		semi += d[i] == ';', comma += d[i] == ',';
	out->sep = semi >= comma ? ';' : ',';
	out->rows = arena_array(a, 64, sizeof(csv_row));
	int cap = 64, line = 1;
	size_t i = 0;
	char *field = arena_alloc(a, CSV_MAX_FIELD + 1);
	const char **cells = arena_array(a, CSV_MAX_COLS, sizeof(char *));
	if (!out->rows || !field || !cells)
		return CSV_TOO_LARGE;
	while (i < len) {
		int ncell = 0, start_line = line;
		for (;;) { /* one field */
			size_t f = 0;
			if (i < len && d[i] == '"') {
				i++;
				for (;;) {
					if (i >= len) {
						*bad_line = start_line;
						return CSV_BAD; /* unterminated quote */
					}
					if (d[i] == '"') {
						if (i + 1 < len && d[i + 1] == '"') {
							if (f >= CSV_MAX_FIELD)
								return CSV_TOO_LARGE;
							field[f++] = '"';
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (d[i] == '\n')
						line++;
					if (f >= CSV_MAX_FIELD)
						return CSV_TOO_LARGE;
					field[f++] = d[i++];
				}
			} else {
				while (i < len && d[i] != out->sep && d[i] != '\n' && d[i] != '\r') {
					if (f >= CSV_MAX_FIELD)
						return CSV_TOO_LARGE;
					field[f++] = d[i++];
				}
			}
			field[f] = 0;
			if (!text_utf8_valid(field, f)) {
				*bad_line = start_line;
				return CSV_BAD;
			}
			if (ncell >= CSV_MAX_COLS)
				return CSV_TOO_LARGE;
			cells[ncell++] = arena_strndup(a, field, f);
			if (i < len && d[i] == out->sep) {
				i++;
				continue;
			}
			if (i < len && d[i] == '\r')
				i++;
			if (i < len && d[i] == '\n') {
				i++;
				line++;
			} else if (i < len) {
				*bad_line = start_line; /* text after a closing quote */
				return CSV_BAD;
			}
			break;
		}
		bool empty = ncell == 1 && !cells[0][0];
		if (empty)
			continue;
		if (out->n >= CSV_MAX_ROWS)
			return CSV_TOO_LARGE;
		if (out->n == cap) {
			csv_row *nr = arena_array(a, (size_t)cap * 2, sizeof *nr);
			if (!nr)
				return CSV_TOO_LARGE;
			memcpy(nr, out->rows, sizeof *nr * (size_t)cap);
			out->rows = nr;
			cap *= 2;
		}
		const char **copy = arena_array(a, (size_t)ncell, sizeof(char *));
		if (!copy)
			return CSV_TOO_LARGE;
		memcpy(copy, cells, sizeof(char *) * (size_t)ncell);
		out->rows[out->n++] = (csv_row){copy, ncell, start_line};
	}
	return CSV_OK;
}

/* A cell made only of a number ("-12", "-3,50", "+33 6 12") is left as it
 * is; any other whose first non-blank character is = + - @, or that starts
 * with a tabulation or a carriage return, could be read as a formula by a
 * spreadsheet (CSV injection, OWASP): it gets a leading apostrophe. */
bool csv_cell_dangerous(const char *s)
{
	if (!s || !*s)
		return false;
	if (*s == '\t' || *s == '\r')
		return true;
	const unsigned char *p = (const unsigned char *)s;
	for (;;) {
		if (*p == ' ' || *p == '\n' || *p == '\v' || *p == '\f')
			p++;
		else if (p[0] == 0xC2 && p[1] == 0xA0) /* no-break space */
			p += 2;
		else
			break;
	}
	bool fullwidth_equals = p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x9D;
	if (fullwidth_equals || *p == '=' || *p == '@')
		return true;
	if (*p != '+' && *p != '-')
		return false;
	if (p != (const unsigned char *)s)
		return true; /* blanks before a sign: nothing a number needs */
	int digits = 0;
	for (const unsigned char *q = p + 1; *q; q++) {
		if (*q >= '0' && *q <= '9')
			digits++;
		else if (*q != ',' && *q != '.' && *q != ' ')
			return true;
	}
	return digits == 0;
}

void csv_write_cell(buf *b, const char *s, bool last)
{
	const char *p = s ? s : "";
	buf_addc(b, '"');
	if (csv_cell_dangerous(p))
		buf_addc(b, '\'');
	for (; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_adds(b, last ? "\"\r\n" : "\";");
}
