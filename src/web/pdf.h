/*
 * pdf.h — documents people leave with (attestations, letters), generated
 * in-process with libharu. A4, one embedded Unicode font (DejaVu Sans),
 * a cursor that flows down the page and starts a new page when needed.
 *
 * Usage: pdf_doc *d = pdf_new(&why); pdf_heading(d, …); pdf_para(d, …);
 * then pdf_finish(d, arena, &len) returns the bytes (arena-owned) and frees
 * the document; pdf_free(d) abandons it. Text is UTF-8 and written as is
 * (there is no markup to escape in a PDF text operator; libharu quotes it).
 */
#ifndef WEB_PDF_H
#define WEB_PDF_H
#include <stdbool.h>
#include <stddef.h>
#include "core/arena.h"

typedef struct pdf_doc pdf_doc;
/* NULL on failure (font missing: OPENCCAS_FONT or DejaVu Sans), why set. */
pdf_doc *pdf_new(const char *title, const char **why);
void pdf_heading(pdf_doc *d, const char *text);     /* bold, larger */
void pdf_small(pdf_doc *d, const char *text);       /* small grey line */
void pdf_para(pdf_doc *d, const char *text);        /* wrapped paragraph */
void pdf_field(pdf_doc *d, const char *label, const char *value); /* "label : value" */
void pdf_space(pdf_doc *d, double points);
/* The recipient's address where the window of a DL envelope (window on
 * the right, AFNOR) shows it once the A4 is folded in three: from 110 mm
 * of the left edge and 50 mm of the top; the text goes on below it. */
void pdf_address_block(pdf_doc *d, const char *const *lines, int n);
/* Forms (cerfa layouts). Positions in millimetres from the page's top
 * left corner; these draw without moving the cursor unless said. */
void pdf_text_at(pdf_doc *d, double x_mm, double y_mm, double size, bool bold, const char *text);
void pdf_frame(pdf_doc *d, double x_mm, double y_mm, double w_mm, double h_mm, bool dashed);
/* A chart's line in the flow: label, a bar of fraction (0–1) of the
 * chart's width, the value written after it. */
void pdf_bar_row(pdf_doc *d, const char *label, double fraction, const char *value);
/* A PNG or JPEG image (type "image/png" or "image/jpeg") h tall, its top
 * left corner at (x, y); false when the bytes are not such an image. */
bool pdf_image(pdf_doc *d, const void *bytes, size_t len, const char *type, double x_mm, double y_mm, double h_mm);
/* « RÉPUBLIQUE FRANÇAISE », the cerfa number in its frame, the title and
 * the legal references centred; the cursor goes below. */
void pdf_form_head(pdf_doc *d, const char *cerfa, const char *title, const char *subtitle);
/* A grey title bar across the page; the cursor goes below. */
void pdf_section(pdf_doc *d, const char *title);
/* « label : ☒ A   ☐ B » with choice `checked` ticked (-1: none). */
void pdf_check(pdf_doc *d, const char *label, const char *const *choices, int n, int checked);
/* A Code 128 barcode of data (what a handheld scanner types back) with
 * its text under it, its top left corner at (x, y), h tall. */
bool pdf_barcode(pdf_doc *d, const char *data, double x_mm, double y_mm, double h_mm);
double pdf_cursor_mm(const pdf_doc *d);
void pdf_cursor_set_mm(pdf_doc *d, double y_mm);
/* The PDF bytes in the arena; frees d. NULL on failure. */
void *pdf_finish(pdf_doc *d, arena *a, size_t *len);
void pdf_free(pdf_doc *d);

/* Finishes d and sends it as the response (inline, filename given);
 * false (and a French error page) if it could not be produced. */
struct web_req;
bool pdf_send(struct web_req *r, pdf_doc *d, const char *filename);
#endif
