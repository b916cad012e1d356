/* Unit tests of core/sheet: CSV (encodings, separators, quotes, line
 * numbers, blank rows, limits) and XLSX written by libxlsxwriter (shared
 * and inline strings, dates by format, numbers, formatted empty rows, a
 * formatted cell far to the right, Excel's row numbers). */
#define T_NAME "sheet"
#include "t.h"
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "core/sheet.h"

typedef struct got {
	long numbers[64];
	char cells[64][8][64];
	int kinds[64][8];
	int ncells[64];
	int n;
	int stop_after;
} got;

static bool keep(void *ctx, const sheet_row *r)
{
	got *g = ctx;
	if (g->n < 64) {
		g->numbers[g->n] = r->number;
		g->ncells[g->n] = r->ncells;
		for (int i = 0; i < r->ncells && i < 8; i++) {
			snprintf(g->cells[g->n][i], sizeof g->cells[0][0], "%s", r->cells[i].text);
			g->kinds[g->n][i] = r->cells[i].kind;
		}
	}
	g->n++;
	return !g->stop_after || g->n < g->stop_after;
}

static sheet_status read_str(const char *s, size_t n, int max_cols, got *g, sheet_info *info, const char **why)
{
	memset(g, 0, sizeof *g);
	return sheet_read((const unsigned char *)s, n, max_cols, keep, g, info, why);
}

static void test_csv(void)
{
	got g;
	sheet_info info;
	const char *why;
	T_GROUP("csv: UTF-8 with BOM, ';', quotes across lines, line numbers, blank rows");
	const char a[] = "\xef\xbb\xbfNom;Prénom;Note\r\n\"Dupont\";Zélie;\"deux\nlignes\"\r\n;;\r\n\r\nMartin;\"Dit \"\"Jo\"\"\";x\r\n";
	CHECK_INT(read_str(a, sizeof a - 1, 10, &g, &info, &why), SHEET_OK);
	CHECK_STR(info.encoding, "UTF-8");
	CHECK_INT(info.sep, ';');
	CHECK_INT(g.n, 3); /* the blank rows are skipped */
	CHECK_STR(g.cells[1][1], "Zélie");
	CHECK_STR(g.cells[1][2], "deux\nlignes");
	CHECK_INT(g.numbers[1], 2);
	CHECK_INT(g.numbers[2], 6); /* the line it starts on, after a two-line field and two blank lines */
	CHECK_STR(g.cells[2][1], "Dit \"Jo\"");

	T_GROUP("csv: Windows-1252 is detected and read");
	const char b[] = "Nom;Pr\xe9nom\nC\x9cur;Z\xe9lie \x80\n";
	CHECK_INT(read_str(b, sizeof b - 1, 10, &g, &info, &why), SHEET_OK);
	CHECK_STR(info.encoding, "Windows-1252");
	CHECK_STR(g.cells[0][1], "Prénom");
	CHECK_STR(g.cells[1][0], "Cœur");
	CHECK_STR(g.cells[1][1], "Zélie €");

	T_GROUP("csv: ',' and tab separators; columns beyond the limit are ignored, counted");
	const char c[] = "a,b,c,d\n1,2,3,4\n";
	CHECK_INT(read_str(c, sizeof c - 1, 2, &g, &info, &why), SHEET_OK);
	CHECK_INT(info.sep, ',');
	CHECK_INT(g.ncells[1], 2);
	CHECK_INT(info.ignored_cells, 4);
	const char t[] = "a\tb\tc;d\n1\t2;3\t4\n";
	CHECK_INT(read_str(t, sizeof t - 1, 9, &g, &info, &why), SHEET_OK);
	CHECK_INT(info.sep, '\t');
	CHECK_STR(g.cells[1][1], "2;3");

	T_GROUP("csv: an open quote is refused with its line; a stop is a stop");
	const char d[] = "a;b\n1;\"2\n3;4\n";
	CHECK_INT(read_str(d, sizeof d - 1, 9, &g, &info, &why), SHEET_BAD);
	CHECK_HAS(why, "ligne 2");
	const char e[] = "1\n2\n3\n4\n";
	memset(&g, 0, sizeof g);
	g.stop_after = 2;
	CHECK_INT(sheet_read((const unsigned char *)e, sizeof e - 1, 9, keep, &g, &info, &why), SHEET_STOPPED);
	CHECK_INT(g.n, 2);
	char *huge = malloc(40000);
	memset(huge, 'x', 39999);
	huge[39999] = 0;
	CHECK_INT(read_str(huge, 39999, 9, &g, &info, &why), SHEET_TOO_LARGE);
	free(huge);
}

/* Writes a workbook with libxlsxwriter and reads it back. */
static unsigned char *load(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *d = malloc((size_t)len);
	*n = fread(d, 1, (size_t)len, f);
	fclose(f);
	return d;
}

static void write_book(const char *path, bool constant_memory)
{
	lxw_workbook_options opt = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Usagers");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "dd/mm/yyyy");
	lxw_format *yellow = workbook_add_format(wb);
	format_set_bg_color(yellow, 0xFFFF00);
	worksheet_write_string(ws, 0, 0, "Nom", NULL);
	worksheet_write_string(ws, 0, 1, "Date naissance", NULL);
	worksheet_write_string(ws, 0, 2, "Téléphone", NULL);
	/* Row 8 in Excel (index 7): rows 2 to 7 are empty. */
	worksheet_write_string(ws, 7, 0, "N’Diaye & fils <x>", NULL);
	lxw_datetime dt = {1980, 6, 15, 0, 0, 0};
	worksheet_write_datetime(ws, 7, 1, &dt, date);
	worksheet_write_number(ws, 7, 2, 692123456, NULL);
	worksheet_write_number(ws, 8, 1, 2019, NULL);  /* a bare number is no date */
	worksheet_write_string(ws, 8, 0, "Dupont", NULL);
	/* 10,000 formatted, empty rows, then a formatted cell far to the right. */
	for (int i = 20; i < 10020; i++)
		worksheet_write_blank(ws, (lxw_row_t)i, 0, yellow);
	worksheet_write_string(ws, 10030, 149, "loin", yellow);
	worksheet_write_string(ws, 10031, 0, "Dernier", NULL);
	workbook_close(wb);
}

static void test_xlsx(void)
{
	const char *why;
	sheet_info info;
	for (int mode = 0; mode < 2; mode++) {
		T_GROUP(mode ? "xlsx (inline strings): values, dates by format, Excel row numbers, formatted rows skipped"
		             : "xlsx (shared strings): values, dates by format, Excel row numbers, formatted rows skipped");
		char path[64];
		snprintf(path, sizeof path, "/tmp/openccas-sheet-%d-%d.xlsx", (int)getpid(), mode);
		write_book(path, mode == 1);
		size_t n = 0;
		unsigned char *d = load(path, &n);
		unlink(path);
		CHECK(d != NULL, "workbook written");
		got g;
		memset(&g, 0, sizeof g);
		CHECK_INT(sheet_read(d, n, 99, keep, &g, &info, &why), SHEET_OK);
		CHECK_STR(info.format, "XLSX");
		CHECK_INT(g.n, 4); /* header, two rows, the last one: formatted rows skipped */
		CHECK_INT(g.numbers[1], 8);
		CHECK_STR(g.cells[1][0], "N’Diaye & fils <x>");
		CHECK_STR(g.cells[1][1], "1980-06-15");
		CHECK_INT(g.kinds[1][1], SHEET_DATE);
		CHECK_STR(g.cells[1][2], "692123456");
		CHECK_INT(g.kinds[1][2], SHEET_NUMBER);
		CHECK_STR(g.cells[2][1], "2019");
		CHECK_INT(g.kinds[2][1], SHEET_NUMBER);
		CHECK_INT(g.numbers[3], 10032);
		CHECK_STR(g.cells[3][0], "Dernier");
		CHECK_INT(info.ignored_cells, 1); /* column 150 is beyond the 99 read, and refuses nothing */
		/* Cut anywhere: refused, never read half. */
		memset(&g, 0, sizeof g);
		CHECK(sheet_read(d, n / 2, 99, keep, &g, &info, &why) == SHEET_BAD, "a truncated workbook is refused");
		free(d);
	}
}

int main(void)
{
	test_csv();
	test_xlsx();
	char col[8];
	sheet_column_name(0, col);
	CHECK_STR(col, "A");
	sheet_column_name(27, col);
	CHECK_STR(col, "AB");
	sheet_column_name(149, col);
	CHECK_STR(col, "ET");
	T_GROUP("files that are no workbook nor CSV, said so");
	static const struct {
		const char *data;
		size_t len;
		const char *said;
	} nots[] = {
		{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12, "ancien format (.xls)"},
		{"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x08\0\0\0mimetypeapplication/vnd.oasis.opendocument.spreadsheet", 85,
		 "OpenDocument (.ods)"},
		{"%PDF-1.7\n", 9, "un PDF"},
		{"\xFF\xFEn\0o\0m\0", 8, "UTF-16"},
		{"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "pas un tableur lisible"},
	};
	for (size_t i = 0; i < sizeof nots / sizeof *nots; i++) {
		got g;
		const char *why;
		CHECK_INT(read_str(nots[i].data, nots[i].len, 9, &g, NULL, &why), SHEET_BAD);
		CHECK_HAS(why, nots[i].said);
		CHECK_INT(g.n, 0);
	}
	T_GROUP("a number that lost its leading 0");
	CHECK(sheet_lost_zero("612345678", SHEET_NUMBER, 10), "a telephone number of nine digits");
	CHECK(sheet_lost_zero("1000", SHEET_NUMBER, 5), "a postcode of four");
	CHECK(!sheet_lost_zero("612345678", SHEET_TEXT, 10), "typed as text: as typed");
	CHECK(!sheet_lost_zero("0612345678", SHEET_NUMBER, 10), "ten digits: nothing lost");
	CHECK(!sheet_lost_zero("97400", SHEET_NUMBER, 5), "a postcode of five");
	CHECK(!sheet_lost_zero("12.5", SHEET_NUMBER, 5), "not digits alone");
	CHECK(!sheet_lost_zero("", SHEET_NUMBER, 1), "nothing");
	return T_DONE();
}
