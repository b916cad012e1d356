/* xlsx.c — libxlsxwriter wrapper (see xlsx.h). */
#include "web/xlsx.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <xlsxwriter.h>
#include "core/banned.h"

struct xlsx_doc {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold;
	char path[64];
	int row;
};

static xlsx_doc *open_doc(const char *sheet, bool streaming)
{
	xlsx_doc *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	snprintf(x->path, sizeof x->path, "/tmp/openccas-xlsx-XXXXXX");
	int fd = mkstemp(x->path); /* created 0600: it holds people's data for an instant */
	if (fd < 0) {
		free(x);
		return NULL;
	}
	close(fd);
	lxw_workbook_options o = {.constant_memory = streaming ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL,
	                          .use_zip64 = streaming ? LXW_TRUE : LXW_FALSE};
	x->wb = workbook_new_opt(x->path, &o);
	x->ws = x->wb ? workbook_add_worksheet(x->wb, sheet) : NULL;
	if (!x->ws) {
		if (x->wb)
			workbook_close(x->wb);
		unlink(x->path);
		free(x);
		return NULL;
	}
	x->bold = workbook_add_format(x->wb);
	format_set_bold(x->bold);
	return x;
}

xlsx_doc *xlsx_new(const char *sheet) { return open_doc(sheet, false); }
xlsx_doc *xlsx_new_streaming(const char *sheet) { return open_doc(sheet, true); }

void xlsx_header(xlsx_doc *x, const char *const *cells, int n)
{
	for (int i = 0; i < n; i++)
		worksheet_write_string(x->ws, (lxw_row_t)x->row, (lxw_col_t)i, cells[i], x->bold);
	worksheet_freeze_panes(x->ws, 1, 0);
	x->row++;
}

void xlsx_text(xlsx_doc *x, int col, const char *s)
{
	if (s && *s)
		worksheet_write_string(x->ws, (lxw_row_t)x->row, (lxw_col_t)col, s, NULL);
}

void xlsx_number(xlsx_doc *x, int col, int64_t v)
{
	worksheet_write_number(x->ws, (lxw_row_t)x->row, (lxw_col_t)col, (double)v, NULL);
}

void xlsx_next_row(xlsx_doc *x) { x->row++; }

void *xlsx_finish(xlsx_doc *x, arena *a, size_t *len)
{
	*len = 0;
	void *out = NULL;
	if (workbook_close(x->wb) == LXW_NO_ERROR) {
		FILE *f = fopen(x->path, "rb");
		if (f && fseek(f, 0, SEEK_END) == 0) {
			long n = ftell(f);
			if (n > 0 && fseek(f, 0, SEEK_SET) == 0 && (out = arena_alloc(a, (size_t)n)) &&
			    fread(out, 1, (size_t)n, f) == (size_t)n)
				*len = (size_t)n;
			else
				out = NULL;
		}
		if (f)
			fclose(f);
	}
	unlink(x->path);
	free(x);
	return out;
}

int xlsx_finish_fd(xlsx_doc *x, size_t *len)
{
	*len = 0;
	int fd = -1;
	if (workbook_close(x->wb) == LXW_NO_ERROR) {
		fd = open(x->path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0) {
			*len = (size_t)st.st_size;
		} else if (fd >= 0) {
			close(fd);
			fd = -1;
		}
	}
	unlink(x->path);
	free(x);
	return fd;
}
