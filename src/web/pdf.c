/* pdf.c — libharu wrapper (see pdf.h). */
#include "web/pdf.h"
#include <hpdf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "web/web.h"
#include "core/banned.h"

#define MARGIN 56.0
#define WIDTH 595.0
#define HEIGHT 842.0

struct pdf_doc {
	HPDF_Doc pdf;
	HPDF_Page page;
	HPDF_Font font, bold;
	double y;
	int failed;
};

static void on_error(HPDF_STATUS e, HPDF_STATUS detail, void *data)
{
	(void)e;
	(void)detail;
	((pdf_doc *)data)->failed = 1;
}

static const char *font_path(const char *bold)
{
	const char *env = getenv(bold ? "OPENCCAS_FONT_BOLD" : "OPENCCAS_FONT");
	if (env && *env)
		return env;
	return bold ? "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf" : "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
}

static void new_page(pdf_doc *d)
{
	d->page = HPDF_AddPage(d->pdf);
	HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	d->y = HEIGHT - MARGIN;
}

pdf_doc *pdf_new(const char *title, const char **why)
{
	*why = NULL;
	if (access(font_path(NULL), R_OK) || access(font_path("b"), R_OK)) {
		*why = "police DejaVu Sans introuvable (paquet fonts-dejavu-core, ou OPENCCAS_FONT)";
		return NULL;
	}
	pdf_doc *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->pdf = HPDF_New(on_error, d);
	if (!d->pdf) {
		free(d);
		return NULL;
	}
	HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(d->pdf);
	HPDF_SetCurrentEncoder(d->pdf, "UTF-8");
	const char *n = HPDF_LoadTTFontFromFile(d->pdf, font_path(NULL), HPDF_TRUE);
	const char *nb = HPDF_LoadTTFontFromFile(d->pdf, font_path("b"), HPDF_TRUE);
	d->font = n ? HPDF_GetFont(d->pdf, n, "UTF-8") : NULL;
	d->bold = nb ? HPDF_GetFont(d->pdf, nb, "UTF-8") : NULL;
	if (!d->font || !d->bold || d->failed) {
		*why = "la police n’a pas pu être chargée";
		pdf_free(d);
		return NULL;
	}
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_TITLE, title);
	HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "OpenCCAS");
	new_page(d);
	return d;
}

void pdf_free(pdf_doc *d)
{
	if (!d)
		return;
	HPDF_Free(d->pdf);
	free(d);
}

/* Writes text from the cursor, wrapped to the page width. */
static void flow(pdf_doc *d, HPDF_Font f, double size, double gray, const char *text)
{
	double lead = size * 1.35, w = WIDTH - 2 * MARGIN;
	const char *p = text ? text : "";
	do {
		size_t len = strlen(p);
		HPDF_REAL real_w;
		HPDF_UINT fit = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)p, (HPDF_UINT)len, (HPDF_REAL)w, (HPDF_REAL)size, 0, 0,
		                                      HPDF_TRUE, &real_w);
		if (fit == 0 && len) /* a word longer than the line: cut it */
			fit = HPDF_Font_MeasureText(f, (const HPDF_BYTE *)p, (HPDF_UINT)len, (HPDF_REAL)w, (HPDF_REAL)size, 0, 0,
			                            HPDF_FALSE, &real_w);
		if (fit == 0)
			fit = (HPDF_UINT)len;
		const char *nl = memchr(p, '\n', fit);
		if (nl)
			fit = (HPDF_UINT)(nl - p + 1);
		if (d->y - lead < MARGIN)
			new_page(d);
		char *line = malloc(fit + 1);
		if (!line) {
			d->failed = 1;
			return;
		}
		memcpy(line, p, fit);
		line[fit] = 0;
		if (fit && line[fit - 1] == '\n')
			line[fit - 1] = 0;
		HPDF_Page_SetGrayFill(d->page, (HPDF_REAL)gray);
		HPDF_Page_BeginText(d->page);
		HPDF_Page_SetFontAndSize(d->page, f, (HPDF_REAL)size);
		HPDF_Page_TextOut(d->page, (HPDF_REAL)MARGIN, (HPDF_REAL)(d->y - size), line);
		HPDF_Page_EndText(d->page);
		free(line);
		d->y -= lead;
		p += fit;
		while (*p == ' ')
			p++;
	} while (*p);
}

void pdf_heading(pdf_doc *d, const char *t)
{
	pdf_space(d, 6);
	flow(d, d->bold, 13, 0, t);
	pdf_space(d, 4);
}
void pdf_small(pdf_doc *d, const char *t) { flow(d, d->font, 8.5, 0.35, t); }
void pdf_para(pdf_doc *d, const char *t)
{
	flow(d, d->font, 10.5, 0, t);
	pdf_space(d, 4);
}
void pdf_space(pdf_doc *d, double pt) { d->y -= pt; }

void pdf_address_block(pdf_doc *d, const char *const *lines, int n)
{
	const double mm = 72.0 / 25.4, size = 10.5, lead = size * 1.35;
	double y = HEIGHT - 50 * mm;
	if (d->y < y + lead) /* already past the window: a new page keeps it in place */
		new_page(d);
	for (int i = 0; i < n; i++) {
		if (!lines[i] || !*lines[i])
			continue;
		HPDF_Page_SetGrayFill(d->page, 0);
		HPDF_Page_BeginText(d->page);
		HPDF_Page_SetFontAndSize(d->page, d->font, (HPDF_REAL)size);
		HPDF_Page_TextOut(d->page, (HPDF_REAL)(110 * mm), (HPDF_REAL)(y - size), lines[i]);
		HPDF_Page_EndText(d->page);
		y -= lead;
	}
	if (y - 12 < d->y)
		d->y = y - 12;
}

void pdf_field(pdf_doc *d, const char *label, const char *value)
{
	size_t n = strlen(label) + strlen(value ? value : "") + 4;
	char *s = malloc(n);
	if (!s) {
		d->failed = 1;
		return;
	}
	memcpy(s, label, strlen(label));
	memcpy(s + strlen(label), " : ", 3);
	memcpy(s + strlen(label) + 3, value ? value : "", strlen(value ? value : "") + 1);
	flow(d, d->font, 10.5, 0, s);
	free(s);
}

void *pdf_finish(pdf_doc *d, arena *a, size_t *len)
{
	*len = 0;
	void *out = NULL;
	if (!d->failed && HPDF_SaveToStream(d->pdf) == HPDF_OK) {
		HPDF_UINT32 size = HPDF_GetStreamSize(d->pdf);
		out = arena_alloc(a, size ? size : 1);
		HPDF_UINT32 got = size;
		HPDF_STATUS st = out ? HPDF_ReadFromStream(d->pdf, out, &got) : HPDF_FAILD_TO_ALLOC_MEM;
		if (out && (st == HPDF_OK || st == HPDF_STREAM_EOF) && got == size)
			*len = size;
		else
			out = NULL;
	}
	pdf_free(d);
	return out;
}

bool pdf_send(web_req *r, pdf_doc *d, const char *filename)
{
	size_t n;
	void *bytes = pdf_finish(d, r->a, &n);
	if (!bytes) {
		web_error(r, E_INTERNAL, "Le document n’a pas pu être produit.");
		return false;
	}
	r->out_type = "application/pdf";
	web_header(r, arena_printf(r->a, "Content-Disposition: inline; filename=\"%s\"", filename));
	buf_add(&r->out, bytes, n);
	return true;
}
