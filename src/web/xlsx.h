/*
 * xlsx.h — spreadsheets staff open in a tableur (libxlsxwriter). One sheet,
 * a bold header row, then rows of text or numbers. libxlsxwriter writes to
 * a file: a private temporary file is used and read back into the arena.
 */
#ifndef WEB_XLSX_H
#define WEB_XLSX_H
#include <stddef.h>
#include <stdint.h>
#include "core/arena.h"

typedef struct xlsx_doc xlsx_doc;
xlsx_doc *xlsx_new(const char *sheet);
/* The same, rows written to disk as they come (libxlsxwriter's constant
 * memory mode): for exports of any size; rows in order only. */
xlsx_doc *xlsx_new_streaming(const char *sheet);
void xlsx_header(xlsx_doc *x, const char *const *cells, int n);
void xlsx_text(xlsx_doc *x, int col, const char *s);
void xlsx_number(xlsx_doc *x, int col, int64_t v);
void xlsx_next_row(xlsx_doc *x);
/* The .xlsx bytes (arena-owned); frees x. NULL on failure. */
void *xlsx_finish(xlsx_doc *x, arena *a, size_t *len);
/* The .xlsx as an open file descriptor (the file is already unlinked) and
 * its size, for web_send_fd; frees x. -1 on failure. */
int xlsx_finish_fd(xlsx_doc *x, size_t *len);
#endif
