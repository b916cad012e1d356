/*
 * sheet.c — spreadsheets read row by row (see sheet.h): CSV, and the
 * entry point (XLSX is core/sheet_xlsx.c; the row being built, shared by
 * both, core/sheet_row.c).
 *
 * CSV: the bytes are checked to be UTF-8, or read as Windows-1252; the
 * separator is the most frequent of ';', ',' and tab on the first line;
 * quotes per RFC 4180, fields spanning lines counted in line numbers.
 */
#include "core/sheet_internal.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/banned.h"



/* ---- CSV ------------------------------------------------------------------------- */

static bool utf8_ok(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		int k = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 && c < 0xF0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : -1;
		if (k < 0 || i + (size_t)k >= n)
			return false;
		for (int j = 1; j <= k; j++)
			if ((p[i + (size_t)j] & 0xC0) != 0x80)
				return false;
		/* overlongs and surrogates */
		if ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] > 0x9F) || (c == 0xF0 && p[i + 1] < 0x90) ||
		    (c == 0xF4 && p[i + 1] > 0x8F))
			return false;
		i += (size_t)k + 1;
	}
	return true;
}

/* Windows-1252's 0x80–0x9F; the rest of 0xA0–0xFF is Latin-1. */
static const uint16_t cp1252[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

typedef struct field {
	bytes v;
	bool latin;
} field;

static bool field_byte(field *f, unsigned char c)
{
	if (!f->latin || c < 0x80)
		return sheet_putc1(&f->v, (char)c);
	return sheet_put_cp(&f->v, c < 0xA0 ? cp1252[c - 0x80] : c);
}

static sheet_status read_csv(const unsigned char *d, size_t n, int max_cols, sheet_row_fn fn, void *ctx, sheet_info *info,
                             const char **why)
{
	if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
		d += 3;
		n -= 3;
	}
	bool latin = !utf8_ok(d, n);
	info->format = "CSV";
	info->encoding = latin ? "Windows-1252" : "UTF-8";
	/* The separator: the most frequent on the first line, outside quotes. */
	size_t semi = 0, comma = 0, tab = 0;
	bool q = false;
	for (size_t i = 0; i < n; i++) {
		if (d[i] == '"')
			q = !q;
		else if (!q && (d[i] == '\n' || d[i] == '\r'))
			break;
		else if (!q)
			semi += d[i] == ';', comma += d[i] == ',', tab += d[i] == '\t';
	}
	char sep = tab > semi && tab > comma ? '\t' : comma > semi ? ',' : ';';
	info->sep = sep;
	rowb r = {.max_cols = max_cols};
	field f = {.latin = latin};
	long line = 1;
	size_t i = 0;
	sheet_status st = SHEET_OK;
	bool stopped = false;
	while (i < n && st == SHEET_OK) {
		sheet_row_clear(&r);
		r.number = line;
		int col = 0;
		for (;;) { /* one field */
			f.v.n = 0;
			if (f.v.d)
				f.v.d[0] = 0;
			bool quoted = i < n && d[i] == '"';
			if (quoted) {
				long start = line;
				i++;
				for (;;) {
					if (i >= n) {
						*why = SAY("Guillemet ouvert jamais fermé (ligne %ld du fichier).", start);
						st = SHEET_BAD;
						break;
					}
					if (d[i] == '"') {
						if (i + 1 < n && d[i + 1] == '"') {
							field_byte(&f, '"');
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (d[i] == '\n')
						line++;
					field_byte(&f, d[i++]);
					if (f.v.n > SHEET_MAX_CELL) {
						*why = SAY("Une cellule dépasse 32 000 caractères (ligne %ld du fichier).", line);
						st = SHEET_TOO_LARGE;
						break;
					}
				}
				if (st != SHEET_OK)
					break;
				/* What follows a closing quote up to the separator is kept. */
			}
			while (i < n && d[i] != sep && d[i] != '\n' && d[i] != '\r') {
				field_byte(&f, d[i++]);
				if (f.v.n > SHEET_MAX_CELL) {
					*why = SAY("Une cellule dépasse 32 000 caractères (ligne %ld du fichier).", line);
					st = SHEET_TOO_LARGE;
					break;
				}
			}
			if (st != SHEET_OK)
				break;
			if (f.v.failed || !sheet_row_set(&r, col, f.v.d ? f.v.d : "", f.v.n, SHEET_TEXT)) {
				st = SHEET_NOMEM;
				break;
			}
			if (col >= max_cols && f.v.n)
				info->ignored_cells++;
			col++;
			if (i < n && d[i] == sep) {
				i++;
				continue;
			}
			break;
		}
		if (st != SHEET_OK)
			break;
		if (i < n && d[i] == '\r')
			i++;
		if (i < n && d[i] == '\n')
			i++;
		line++;
		if (!sheet_row_emit(&r, fn, ctx, info, &stopped))
			break;
	}
	if (stopped)
		st = SHEET_STOPPED;
	if (r.text.failed && st == SHEET_OK)
		st = SHEET_NOMEM;
	sheet_row_free(&r);
	free(f.v.d);
	return st;
}

/* What a file that is no workbook nor text is, said so that the agent can save it as one (NULL: read it). The
 * usual ones by their first bytes — Excel's old .xls, LibreOffice's .ods, a PDF, Excel's « Texte Unicode »
 * (UTF-16) —, and any other with a NUL byte in its first 8 KiB (no CSV has one). */
static const char *not_a_sheet(const unsigned char *d, size_t len)
{
	static const unsigned char ole[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	if (len >= sizeof ole && !memcmp(d, ole, sizeof ole))
		return "Ce fichier est un classeur Excel à l’ancien format (.xls), qui n’est pas lu : ouvrez-le dans votre "
		       "tableur et enregistrez-le au format « Classeur Excel (.xlsx) » ou « CSV UTF-8 ».";
	if (len >= 4 && !memcmp(d, "PK\x03\x04", 4)) {
		static const char ods[] = "application/vnd.oasis.opendocument";
		for (size_t i = 30; i + sizeof ods - 1 <= len && i < 30 + 64; i++)
			if (!memcmp(d + i, ods, sizeof ods - 1))
				return "Ce fichier est un classeur OpenDocument (.ods), qui n’est pas lu : enregistrez-le au format "
				       "« Classeur Excel (.xlsx) » ou « CSV UTF-8 ».";
		return NULL;
	}
	if (len >= 5 && !memcmp(d, "%PDF-", 5))
		return "Ce fichier est un PDF, pas un tableur : joignez le classeur (XLSX) ou le CSV.";
	if (len >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF)))
		return "Ce fichier texte est en UTF-16 (« Texte Unicode » d’Excel), qui n’est pas lu : enregistrez-le au format "
		       "« CSV UTF-8 » ou « Classeur Excel (.xlsx) ».";
	if (memchr(d, 0, len < 8192 ? len : 8192))
		return "Ce fichier n’est pas un tableur lisible : joignez un classeur Excel (.xlsx) ou un fichier CSV.";
	return NULL;
}

sheet_status sheet_read(const unsigned char *data, size_t len, int max_cols, sheet_row_fn fn, void *ctx, sheet_info *info,
                        const char **why)
{
	sheet_info local;
	if (!info)
		info = &local;
	memset(info, 0, sizeof *info);
	static const char *none = "";
	*why = none;
	if (max_cols < 1)
		max_cols = 1;
	const char *not = not_a_sheet(data, len);
	if (not) {
		*why = not;
		return SHEET_BAD;
	}
	if (len >= 4 && !memcmp(data, "PK\x03\x04", 4))
		return sheet_read_xlsx(data, len, max_cols, fn, ctx, info, why);
	return read_csv(data, len, max_cols, fn, ctx, info, why);
}

bool sheet_lost_zero(const char *text, sheet_kind kind, size_t width)
{
	return kind == SHEET_NUMBER && width > 1 && strlen(text) == width - 1 && strspn(text, "0123456789") == width - 1 &&
	       *text != '0';
}
