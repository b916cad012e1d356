/* pdf.c — libharu wrapper (see pdf.h). */
#include "web/pdf.h"
#include <hpdf.h>
#include <stdint.h>
#include <stdlib.h>
#include <zint.h>
#include <string.h>
#include <unistd.h>
#include "web/web.h"
#include "core/text.h"
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

/* ---- forms: a head, boxed sections, check boxes, a barcode ------------------ */

static const double MM = 72.0 / 25.4;

void pdf_text_at(pdf_doc *d, double x_mm, double y_mm, double size, bool bold, const char *text)
{
	HPDF_Page_SetGrayFill(d->page, 0);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, bold ? d->bold : d->font, (HPDF_REAL)size);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)(x_mm * MM), (HPDF_REAL)(HEIGHT - y_mm * MM - size), text ? text : "");
	HPDF_Page_EndText(d->page);
}

void pdf_frame(pdf_doc *d, double x_mm, double y_mm, double w_mm, double h_mm, bool dashed)
{
	static const HPDF_UINT16 dash[] = {3, 2};
	HPDF_Page_SetLineWidth(d->page, 0.6f);
	HPDF_Page_SetGrayStroke(d->page, 0.2f);
	if (dashed)
		HPDF_Page_SetDash(d->page, dash, 2, 0);
	HPDF_Page_Rectangle(d->page, (HPDF_REAL)(x_mm * MM), (HPDF_REAL)(HEIGHT - (y_mm + h_mm) * MM), (HPDF_REAL)(w_mm * MM),
	                    (HPDF_REAL)(h_mm * MM));
	HPDF_Page_Stroke(d->page);
	if (dashed)
		HPDF_Page_SetDash(d->page, NULL, 0, 0);
}

bool pdf_image(pdf_doc *d, const void *bytes, size_t len, const char *type, double x_mm, double y_mm, double h_mm)
{
	if (!bytes || !len || len > UINT32_MAX || !type)
		return false;
	int was = d->failed;
	HPDF_Image img = !strcmp(type, "image/png") ? HPDF_LoadPngImageFromMem(d->pdf, bytes, (HPDF_UINT)len)
	               : !strcmp(type, "image/jpeg") ? HPDF_LoadJpegImageFromMem(d->pdf, bytes, (HPDF_UINT)len) : NULL;
	if (!img) {
		HPDF_ResetError(d->pdf);
		d->failed = was; /* a logo that does not load is left out, the document goes on */
		return false;
	}
	double w = HPDF_Image_GetWidth(img), h = HPDF_Image_GetHeight(img);
	if (w <= 0 || h <= 0)
		return false;
	double hm = h_mm, wm = h_mm * w / h;
	HPDF_Page_DrawImage(d->page, img, (HPDF_REAL)(x_mm * MM), (HPDF_REAL)(HEIGHT - (y_mm + hm) * MM), (HPDF_REAL)(wm * MM), (HPDF_REAL)(hm * MM));
	return true;
}

static double width_of(pdf_doc *d, HPDF_Font f, double size, const char *t)
{
	HPDF_Page_SetFontAndSize(d->page, f, (HPDF_REAL)size);
	return HPDF_Page_TextWidth(d->page, t);
}

static void centered(pdf_doc *d, HPDF_Font f, double size, const char *t)
{
	double w = width_of(d, f, size, t), x = (WIDTH - w) / 2;
	if (w > WIDTH - 2 * MARGIN) {
		flow(d, f, size, 0, t);
		return;
	}
	if (d->y - size * 1.35 < MARGIN)
		new_page(d);
	HPDF_Page_SetGrayFill(d->page, 0);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, f, (HPDF_REAL)size);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)x, (HPDF_REAL)(d->y - size), t);
	HPDF_Page_EndText(d->page);
	d->y -= size * 1.35;
}

void pdf_form_head(pdf_doc *d, const char *cerfa, const char *title, const char *subtitle)
{
	double top = HEIGHT - 36;
	HPDF_Page_SetGrayFill(d->page, 0);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, 9);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)MARGIN, (HPDF_REAL)(top - 9), "RÉPUBLIQUE FRANÇAISE");
	HPDF_Page_EndText(d->page);
	/* The form's number in its frame, top right, as on the official form. */
	double bw = 96, bx = WIDTH - MARGIN - bw;
	HPDF_Page_SetLineWidth(d->page, 0.8f);
	HPDF_Page_SetGrayStroke(d->page, 0);
	HPDF_Page_Rectangle(d->page, (HPDF_REAL)bx, (HPDF_REAL)(top - 30), (HPDF_REAL)bw, 30);
	HPDF_Page_Stroke(d->page);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, 11);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)(bx + 6), (HPDF_REAL)(top - 13), "cerfa");
	HPDF_Page_SetFontAndSize(d->page, d->font, 9);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)(bx + 6), (HPDF_REAL)(top - 25), cerfa);
	HPDF_Page_EndText(d->page);
	d->y = top - 44;
	centered(d, d->bold, 14, title);
	if (subtitle && *subtitle)
		centered(d, d->font, 8, subtitle);
	d->y -= 6;
}

void pdf_section(pdf_doc *d, const char *title)
{
	double h = 15;
	if (d->y - h - 40 < MARGIN)
		new_page(d);
	d->y -= 4;
	HPDF_Page_SetGrayFill(d->page, 0.86f);
	HPDF_Page_Rectangle(d->page, (HPDF_REAL)MARGIN, (HPDF_REAL)(d->y - h), (HPDF_REAL)(WIDTH - 2 * MARGIN), (HPDF_REAL)h);
	HPDF_Page_Fill(d->page);
	HPDF_Page_SetGrayFill(d->page, 0);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->bold, 10);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)(MARGIN + 4), (HPDF_REAL)(d->y - 11), title);
	HPDF_Page_EndText(d->page);
	d->y -= h + 5;
}

void pdf_check(pdf_doc *d, const char *label, const char *const *choices, int n, int checked)
{
	size_t len = strlen(label ? label : "") + 8;
	for (int i = 0; i < n; i++)
		len += strlen(choices[i]) + 12;
	char *s = malloc(len), *p = s;
	if (!s) {
		d->failed = 1;
		return;
	}
	*p = 0;
	if (label && *label)
		p += snprintf(p, len, "%s : ", label);
	for (int i = 0; i < n; i++)
		p += snprintf(p, len - (size_t)(p - s), "%s%s %s", i ? "     " : "", i == checked ? "☒" : "☐", choices[i]);
	flow(d, d->font, 10.5, 0, s);
	free(s);
}

bool pdf_barcode(pdf_doc *d, const char *data, double x_mm, double y_mm, double h_mm)
{
	struct zint_symbol *z = ZBarcode_Create();
	if (!z)
		return false;
	z->symbology = BARCODE_CODE128;
	z->show_hrt = 0;
	int rc = ZBarcode_Encode_and_Buffer_Vector(z, (const unsigned char *)data, (int)strlen(data), 0);
	bool ok = rc < ZINT_ERROR && z->vector && z->vector->rectangles;
	if (ok) {
		/* The narrowest bar is one module: 0.33 mm, what handheld scanners read
		 * at arm's length; the height is ours. */
		float minw = 0;
		for (struct zint_vector_rect *r = z->vector->rectangles; r; r = r->next)
			if (r->width > 0 && (minw == 0 || r->width < minw))
				minw = r->width;
		double k = 0.33 * MM / minw, top = HEIGHT - y_mm * MM, h = h_mm * MM;
		HPDF_Page_SetGrayFill(d->page, 0);
		for (struct zint_vector_rect *r = z->vector->rectangles; r; r = r->next)
			HPDF_Page_Rectangle(d->page, (HPDF_REAL)(x_mm * MM + r->x * k), (HPDF_REAL)(top - h), (HPDF_REAL)(r->width * k), (HPDF_REAL)h);
		HPDF_Page_Fill(d->page);
		/* The digits under the bars, for the eye. */
		double w = width_of(d, d->font, 8, data), bw = z->vector->width * k;
		HPDF_Page_BeginText(d->page);
		HPDF_Page_SetFontAndSize(d->page, d->font, 8);
		HPDF_Page_TextOut(d->page, (HPDF_REAL)(x_mm * MM + (bw - w) / 2), (HPDF_REAL)(top - h - 9), data);
		HPDF_Page_EndText(d->page);
	}
	ZBarcode_Delete(z);
	return ok;
}

double pdf_cursor_mm(const pdf_doc *d) { return (HEIGHT - d->y) / MM; }
void pdf_cursor_set_mm(pdf_doc *d, double y_mm) { d->y = HEIGHT - y_mm * MM; }

void pdf_bar_row(pdf_doc *d, const char *label, double fraction, const char *value)
{
	const double size = 9, lead = 14, label_w = 62 * MM, bar_x = MARGIN + label_w + 4, bar_w = 80 * MM;
	if (d->y - lead < MARGIN)
		new_page(d);
	/* The label, cut to its column (at a character, never inside one). */
	const char *t = label ? label : "";
	HPDF_REAL real_w;
	HPDF_UINT fit = HPDF_Font_MeasureText(d->font, (const HPDF_BYTE *)t, (HPDF_UINT)strlen(t), (HPDF_REAL)label_w, (HPDF_REAL)size, 0, 0,
	                                      HPDF_FALSE, &real_w);
	fit = (HPDF_UINT)text_utf8_cut(t, fit);
	char *cut = malloc(fit + 1);
	if (!cut) {
		d->failed = 1;
		return;
	}
	memcpy(cut, t, fit);
	cut[fit] = 0;
	double base = d->y - size;
	HPDF_Page_SetGrayFill(d->page, 0);
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->font, (HPDF_REAL)size);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)MARGIN, (HPDF_REAL)base, cut);
	free(cut);
	double w = fraction > 0 ? (fraction > 1 ? 1 : fraction) * bar_w : 0;
	HPDF_Page_EndText(d->page);
	if (w > 0) {
		HPDF_Page_SetGrayFill(d->page, 0.35f);
		HPDF_Page_Rectangle(d->page, (HPDF_REAL)bar_x, (HPDF_REAL)(base - 1), (HPDF_REAL)w, (HPDF_REAL)(size));
		HPDF_Page_Fill(d->page);
		HPDF_Page_SetGrayFill(d->page, 0);
	}
	HPDF_Page_BeginText(d->page);
	HPDF_Page_SetFontAndSize(d->page, d->font, (HPDF_REAL)size);
	HPDF_Page_TextOut(d->page, (HPDF_REAL)(bar_x + w + 4), (HPDF_REAL)base, value ? value : "");
	HPDF_Page_EndText(d->page);
	d->y -= lead;
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
