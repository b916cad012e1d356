/*
 * sheet_xlsx.c — XLSX read row by row (see sheet.h). The zip's central
 * directory is read to find the parts; each part is inflated by zlib in
 * chunks into a small window that an XML scanner walks once, tag by tag
 * (no tree, no search to the end of the document: a tag is looked at when
 * its '>' is in the window, text is appended as it comes). The workbook
 * says which sheet is first and whether dates count from 1904, the styles
 * which cell formats are dates, the shared strings table is kept (the
 * format needs it); the sheet itself streams.
 */
#include "core/sheet_internal.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "core/banned.h"

/* Caps on what a workbook may unzip to (a 12 MB upload must not become
 * gigabytes of work). */
#define MAX_SHEET_XML (512u << 20)
#define MAX_STRINGS_XML (128u << 20)
#define MAX_SMALL_XML (16u << 20)
#define MAX_SHARED_STRINGS 4000000
#define MAX_TAG (64 * 1024)
#define WINDOW (256 * 1024)

/* ---- zip ---------------------------------------------------------------------------- */

static uint32_t u32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

typedef struct zpart {
	const unsigned char *data;   /* compressed bytes */
	size_t csize, usize;
	int method;
} zpart;

/* Finds a member by name in the central directory. */
static bool zip_find(const unsigned char *d, size_t len, const char *name, zpart *out)
{
	if (len < 22)
		return false;
	size_t eocd = (size_t)-1;
	for (size_t i = len - 22 + 1; i-- > 0 && len - i <= 65557;)
		if (u32(d + i) == 0x06054b50) {
			eocd = i;
			break;
		}
	if (eocd == (size_t)-1)
		return false;
	uint16_t entries = u16(d + eocd + 10);
	size_t p = u32(d + eocd + 16), nlen0 = strlen(name);
	for (int e = 0; e < entries; e++) {
		if (p > len || len - p < 46 || u32(d + p) != 0x02014b50)
			return false;
		uint16_t method = u16(d + p + 10), nlen = u16(d + p + 28), xlen = u16(d + p + 30), clen = u16(d + p + 32);
		uint32_t csize = u32(d + p + 20), usize = u32(d + p + 24), off = u32(d + p + 42);
		if (len - p - 46 < nlen)
			return false;
		if (nlen == nlen0 && !memcmp(d + p + 46, name, nlen)) {
			if ((size_t)off > len || len - off < 30 || u32(d + off) != 0x04034b50)
				return false;
			size_t data = (size_t)off + 30 + u16(d + off + 26) + u16(d + off + 28);
			if (data > len || csize > len - data || (method != 0 && method != 8))
				return false;
			*out = (zpart){d + data, csize, usize, method};
			return true;
		}
		p += 46 + (size_t)nlen + xlen + clen;
	}
	return false;
}

/* ---- an XML part read as a stream of tags and text ----------------------------------- */

typedef struct xml {
	zpart part;
	z_stream z;
	bool zinit, zdone;
	size_t fed;                   /* compressed bytes given to zlib */
	unsigned char *buf;
	size_t start, end;
	size_t total, limit;          /* bytes inflated, cap */
	bool eof, bad, too_large;
	/* the current token */
	bool is_tag;
	const char *tok;
	size_t toklen;
} xml;

static bool xml_open(xml *x, const zpart *p, size_t limit)
{
	memset(x, 0, sizeof *x);
	x->part = *p;
	x->limit = limit;
	x->buf = malloc(WINDOW + 1);
	if (!x->buf)
		return false;
	if (p->method == 8) {
		if (inflateInit2(&x->z, -MAX_WBITS) != Z_OK) {
			free(x->buf);
			x->buf = NULL;
			return false;
		}
		x->zinit = true;
	}
	return true;
}

static void xml_close(xml *x)
{
	if (x->zinit)
		inflateEnd(&x->z);
	free(x->buf);
	x->buf = NULL;
}

/* Moves what is left to the front and fills the window. */
static void xml_fill(xml *x)
{
	if (x->eof)
		return;
	if (x->start) {
		memmove(x->buf, x->buf + x->start, x->end - x->start);
		x->end -= x->start;
		x->start = 0;
	}
	size_t room = WINDOW - x->end;
	if (!room)
		return;
	size_t got = 0;
	if (x->part.method == 0) {
		size_t left = x->part.csize - x->fed;
		got = left < room ? left : room;
		memcpy(x->buf + x->end, x->part.data + x->fed, got);
		x->fed += got;
		if (x->fed == x->part.csize)
			x->eof = true;
	} else {
		x->z.next_out = x->buf + x->end;
		x->z.avail_out = (uInt)room;
		while (x->z.avail_out && !x->zdone) {
			if (!x->z.avail_in && x->fed < x->part.csize) {
				size_t chunk = x->part.csize - x->fed;
				if (chunk > (1u << 30))
					chunk = 1u << 30;
				x->z.next_in = (Bytef *)(x->part.data + x->fed);
				x->z.avail_in = (uInt)chunk;
				x->fed += chunk;
			}
			int rc = inflate(&x->z, Z_NO_FLUSH);
			if (rc == Z_STREAM_END)
				x->zdone = true;
			else if (rc != Z_OK && rc != Z_BUF_ERROR) {
				x->bad = true;
				break;
			} else if (rc == Z_BUF_ERROR && !x->z.avail_in && x->fed >= x->part.csize) {
				x->bad = true; /* truncated */
				break;
			}
		}
		got = room - x->z.avail_out;
		if (x->zdone)
			x->eof = true;
	}
	x->end += got;
	x->total += got;
	if (x->total > x->limit) {
		x->too_large = true;
		x->eof = true;
	}
}

/* The next tag (text between < and >) or run of text. false at the end.
 * A run of text may be cut in pieces; a tag never is. */
static bool xml_next(xml *x)
{
	for (;;) {
		if (x->bad || x->too_large)
			return false;
		if (x->start == x->end) {
			if (x->eof)
				return false;
			xml_fill(x);
			continue;
		}
		unsigned char *s = x->buf + x->start;
		size_t avail = x->end - x->start;
		if (*s == '<') {
			unsigned char *gt = memchr(s, '>', avail);
			if (!gt) {
				if (x->eof || avail >= MAX_TAG) {
					x->bad = true;
					return false;
				}
				size_t before = x->end - x->start;
				xml_fill(x);
				if (x->end - x->start == before && x->eof) {
					x->bad = true;
					return false;
				}
				continue;
			}
			x->is_tag = true;
			x->tok = (const char *)s + 1;
			x->toklen = (size_t)(gt - s) - 1;
			x->start += (size_t)(gt - s) + 1;
			return true;
		}
		unsigned char *lt = memchr(s, '<', avail);
		size_t k = lt ? (size_t)(lt - s) : avail;
		/* Text that may continue past the window is given as it is, except
		 * an entity cut in two: keep a possible partial "&…;" for later. */
		if (!lt && !x->eof) {
			unsigned char *amp = NULL;
			for (size_t j = k > 12 ? k - 12 : 0; j < k; j++)
				if (s[j] == '&')
					amp = s + j;
			if (amp && !memchr(amp, ';', (size_t)(s + k - amp))) {
				k = (size_t)(amp - s);
				if (!k) {
					xml_fill(x);
					continue;
				}
			}
		}
		x->is_tag = false;
		x->tok = (const char *)s;
		x->toklen = k;
		x->start += k;
		return true;
	}
}

/* The tag's name without a namespace prefix; closing tags keep their '/'. */
static bool tag_is(const xml *x, const char *name)
{
	const char *t = x->tok, *e = t + x->toklen;
	bool closing = t < e && *t == '/';
	if (closing)
		t++;
	const char *n = t;
	while (n < e && *n != ' ' && *n != '/' && *n != '\t' && *n != '\n' && *n != '\r')
		n++;
	const char *colon = memchr(t, ':', (size_t)(n - t));
	if (colon)
		t = colon + 1;
	size_t k = strlen(name);
	bool want_close = *name == '/';
	if (want_close != closing)
		return false;
	if (want_close) {
		name++;
		k--;
	}
	return (size_t)(n - t) == k && !memcmp(t, name, k);
}

static bool tag_selfclosing(const xml *x) { return x->toklen && x->tok[x->toklen - 1] == '/'; }

/* The value of attribute name (without prefix match: "r" is not "xr:r"),
 * copied into out (bounded); false when absent. */
static bool attr(const xml *x, const char *name, char *out, size_t outn)
{
	const char *p = x->tok, *e = x->tok + x->toklen;
	size_t k = strlen(name);
	while (p < e && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
		p++;
	while (p < e) {
		while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
			p++;
		const char *n0 = p;
		while (p < e && *p != '=' && *p != ' ')
			p++;
		const char *n1 = p;
		while (p < e && *p != '"' && *p != '\'')
			p++;
		if (p >= e)
			return false;
		char qc = *p++;
		const char *v0 = p;
		while (p < e && *p != qc)
			p++;
		if (p >= e)
			return false;
		if ((size_t)(n1 - n0) == k && !memcmp(n0, name, k)) {
			size_t vn = (size_t)(p - v0);
			if (vn >= outn)
				vn = outn - 1;
			memcpy(out, v0, vn);
			out[vn] = 0;
			return true;
		}
		p++;
	}
	return false;
}

/* Appends XML text with its entities (and Excel's _xHHHH_ escapes)
 * decoded. */
static bool put_xml_text(bytes *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '&') {
			const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
			if (semi) {
				size_t k = (size_t)(semi - (s + i));
				static const struct { const char *e; char c; } ents[] = {{"&amp", '&'}, {"&lt", '<'}, {"&gt", '>'}, {"&quot", '"'}, {"&apos", '\''}};
				bool done = false;
				for (size_t e = 0; e < 5 && !done; e++)
					if (strlen(ents[e].e) == k && !memcmp(s + i, ents[e].e, k)) {
						sheet_putc1(b, ents[e].c);
						done = true;
					}
				if (!done && k > 2 && s[i + 1] == '#') {
					uint32_t cp = 0;
					bool hex = s[i + 2] == 'x' || s[i + 2] == 'X', ok = true;
					for (size_t j = i + (hex ? 3 : 2); j < i + k && ok; j++) {
						char c = s[j];
						int v = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
						ok = v >= 0 && cp <= 0x10FFFF;
						cp = cp * (hex ? 16 : 10) + (uint32_t)(v < 0 ? 0 : v);
					}
					if (ok && cp && cp <= 0x10FFFF) {
						sheet_put_cp(b, cp);
						done = true;
					}
				}
				if (done) {
					i += k;
					continue;
				}
			}
		} else if (s[i] == '_' && n - i >= 7 && s[i + 1] == 'x' && s[i + 6] == '_') {
			uint32_t cp = 0;
			bool ok = true;
			for (size_t j = i + 2; j < i + 6 && ok; j++) {
				char c = s[j];
				int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
				ok = v >= 0;
				cp = cp * 16 + (uint32_t)(v < 0 ? 0 : v);
			}
			if (ok) {
				sheet_put_cp(b, cp);
				i += 6;
				continue;
			}
		}
		sheet_putc1(b, s[i]);
	}
	return !b->failed;
}

/* ---- the workbook's small parts ---------------------------------------------------------- */

typedef struct book {
	char sheet_path[256];
	bool date1904;
	unsigned char *xf_date;   /* by cell format index: 1 = a date */
	size_t nxf;
	/* shared strings */
	bytes strs;
	size_t *str_off;
	size_t nstr, strcap;
} book;

static bool builtin_date(long id) { return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58); }

/* A custom number format is a date when, outside quotes, brackets and
 * escaped characters, it has a day or a year in it. */
static bool code_is_date(const char *code)
{
	bool q = false;
	for (const char *p = code; *p; p++) {
		if (*p == '"')
			q = !q;
		else if (q)
			continue;
		else if (*p == '\\' && p[1])
			p++;
		else if (*p == '[') {
			const char *c = strchr(p, ']');
			if (!c)
				return false;
			p = c;
		} else if (*p == 'd' || *p == 'D' || *p == 'y' || *p == 'Y')
			return true;
	}
	return false;
}

static bool read_styles(const unsigned char *d, size_t len, book *bk)
{
	zpart p;
	if (!zip_find(d, len, "xl/styles.xml", &p))
		return true; /* no styles: nothing is a date */
	xml x;
	if (!xml_open(&x, &p, MAX_SMALL_XML))
		return false;
	struct { long id; bool date; } *custom = NULL;
	size_t ncustom = 0;
	bool in_xfs = false, ok = true;
	size_t cap = 0;
	char v[1024];
	while (ok && xml_next(&x)) {
		if (!x.is_tag)
			continue;
		if (tag_is(&x, "numFmt")) {
			char id[16];
			if (attr(&x, "numFmtId", id, sizeof id) && attr(&x, "formatCode", v, sizeof v)) {
				void *g = realloc(custom, sizeof *custom * (ncustom + 1));
				if (!g) {
					ok = false;
					break;
				}
				custom = g;
				bytes dec = {0};
				put_xml_text(&dec, v, strlen(v));
				custom[ncustom].id = strtol(id, NULL, 10);
				custom[ncustom++].date = dec.d && code_is_date(dec.d);
				free(dec.d);
			}
		} else if (tag_is(&x, "cellXfs")) {
			in_xfs = !tag_selfclosing(&x);
		} else if (tag_is(&x, "/cellXfs")) {
			in_xfs = false;
		} else if (in_xfs && tag_is(&x, "xf")) {
			if (bk->nxf == cap) {
				cap = cap ? cap * 2 : 64;
				if (cap > 1000000) {
					ok = false;
					break;
				}
				unsigned char *g = realloc(bk->xf_date, cap);
				if (!g) {
					ok = false;
					break;
				}
				bk->xf_date = g;
			}
			char id[16] = "0";
			attr(&x, "numFmtId", id, sizeof id);
			long fid = strtol(id, NULL, 10);
			bool date = builtin_date(fid);
			for (size_t i = 0; i < ncustom; i++)
				if (custom[i].id == fid)
					date = custom[i].date;
			bk->xf_date[bk->nxf++] = date;
		}
	}
	ok = ok && !x.bad && !x.too_large;
	xml_close(&x);
	free(custom);
	return ok;
}

/* The first sheet's part, from the workbook and its relations; whether
 * dates count from 1904. */
static bool read_workbook(const unsigned char *d, size_t len, book *bk)
{
	snprintf(bk->sheet_path, sizeof bk->sheet_path, "xl/worksheets/sheet1.xml");
	zpart p;
	char rid[128] = "";
	if (zip_find(d, len, "xl/workbook.xml", &p)) {
		xml x;
		if (!xml_open(&x, &p, MAX_SMALL_XML))
			return false;
		while (xml_next(&x)) {
			char v[16];
			if (!x.is_tag)
				continue;
			if (tag_is(&x, "workbookPr") && attr(&x, "date1904", v, sizeof v))
				bk->date1904 = !strcmp(v, "1") || !strcmp(v, "true");
			if (!*rid && tag_is(&x, "sheet"))
				attr(&x, "r:id", rid, sizeof rid);
		}
		xml_close(&x);
	}
	if (*rid && zip_find(d, len, "xl/_rels/workbook.xml.rels", &p)) {
		xml x;
		if (!xml_open(&x, &p, MAX_SMALL_XML))
			return false;
		while (xml_next(&x)) {
			char id[128], target[200];
			if (x.is_tag && tag_is(&x, "Relationship") && attr(&x, "Id", id, sizeof id) && !strcmp(id, rid) &&
			    attr(&x, "Target", target, sizeof target)) {
				if (target[0] == '/')
					snprintf(bk->sheet_path, sizeof bk->sheet_path, "%s", target + 1);
				else
					snprintf(bk->sheet_path, sizeof bk->sheet_path, "xl/%s", target);
			}
		}
		xml_close(&x);
	}
	return true;
}

static sheet_status read_strings(const unsigned char *d, size_t len, book *bk, const char **why)
{
	zpart p;
	if (!zip_find(d, len, "xl/sharedStrings.xml", &p))
		return SHEET_OK;
	xml x;
	if (!xml_open(&x, &p, MAX_STRINGS_XML))
		return SHEET_NOMEM;
	bool in_si = false, in_t = false, in_rph = false;
	sheet_status st = SHEET_OK;
	while (xml_next(&x)) {
		if (x.is_tag) {
			if (tag_is(&x, "si")) { /* a new string; <si/> is an empty one */
				if (bk->nstr == bk->strcap) {
					size_t nc = bk->strcap ? bk->strcap * 2 : 1024;
					if (nc > MAX_SHARED_STRINGS) {
						*why = "Le classeur contient trop de textes différents (plus de 4 millions).";
						st = SHEET_TOO_LARGE;
						break;
					}
					size_t *g = realloc(bk->str_off, sizeof *g * nc);
					if (!g) {
						st = SHEET_NOMEM;
						break;
					}
					bk->str_off = g;
					bk->strcap = nc;
				}
				bk->str_off[bk->nstr++] = bk->strs.n;
				in_si = !tag_selfclosing(&x);
				if (!in_si)
					sheet_putc1(&bk->strs, 0);
			} else if (tag_is(&x, "/si")) {
				in_si = false;
				sheet_putc1(&bk->strs, 0);
			} else if (tag_is(&x, "rPh")) {
				in_rph = !tag_selfclosing(&x);
			} else if (tag_is(&x, "/rPh")) {
				in_rph = false;
			} else if (tag_is(&x, "t")) {
				in_t = in_si && !in_rph && !tag_selfclosing(&x);
			} else if (tag_is(&x, "/t")) {
				in_t = false;
			}
		} else if (in_t) {
			put_xml_text(&bk->strs, x.tok, x.toklen);
		}
		if (bk->strs.failed) {
			st = SHEET_NOMEM;
			break;
		}
	}
	if (st == SHEET_OK && x.too_large) {
		*why = "Le classeur est trop volumineux une fois décompressé (textes de plus de 128 Mo).";
		st = SHEET_TOO_LARGE;
	} else if (st == SHEET_OK && x.bad) {
		*why = "Le classeur est abîmé (table des textes illisible).";
		st = SHEET_BAD;
	}
	xml_close(&x);
	return st;
}

/* Spreadsheet day number → ISO date; false when it is no date. */
static bool serial_date(const char *v, bool date1904, char out[11])
{
	long serial = 0;
	const char *p = v;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		serial = serial * 10 + (*p - '0');
		if (serial > 2958465)
			return false;
	}
	if (*p && *p != '.')
		return false;
	long days;
	if (date1904)
		days = serial - 24107;
	else if (serial >= 61)
		days = serial - 25569;
	else if (serial >= 1 && serial <= 59)
		days = serial - 25568;
	else
		return false; /* 0, and Excel's 29 February 1900 that never was */
	/* civil_from_days, inlined to keep core files independent. */
	long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long dd = doy - (153 * mp + 2) / 5 + 1, mm = mp < 10 ? mp + 3 : mp - 9;
	y += mm <= 2;
	if (y < 1800 || y > 9999)
		return false;
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%04ld-%02ld-%02ld", y, mm, dd);
	memcpy(out, tmp, 10);
	out[10] = 0;
	return true;
}

/* A number as text: "692123456" rather than "692123456.0". */
static size_t tidy_number(char *v, size_t n)
{
	if (n > 2 && v[n - 2] == '.' && v[n - 1] == '0') {
		n -= 2;
		v[n] = 0;
	}
	return n;
}

sheet_status sheet_read_xlsx(const unsigned char *d, size_t len, int max_cols, sheet_row_fn fn, void *ctx, sheet_info *info,
                              const char **why)
{
	info->format = "XLSX";
	info->encoding = "UTF-8";
	book bk;
	memset(&bk, 0, sizeof bk);
	sheet_status st = SHEET_OK;
	if (!read_workbook(d, len, &bk) || !read_styles(d, len, &bk)) {
		*why = "Le classeur est abîmé (classeur ou styles illisibles).";
		st = SHEET_BAD;
	}
	if (st == SHEET_OK)
		st = read_strings(d, len, &bk, why);
	zpart sp;
	if (st == SHEET_OK && !zip_find(d, len, bk.sheet_path, &sp)) {
		*why = "Le classeur n’a pas de première feuille lisible.";
		st = SHEET_BAD;
	}
	xml x;
	memset(&x, 0, sizeof x);
	if (st == SHEET_OK && !xml_open(&x, &sp, MAX_SHEET_XML))
		st = SHEET_NOMEM;
	rowb r = {.max_cols = max_cols};
	bytes val = {0};
	bool in_row = false, in_c = false, in_v = false, in_is = false, in_t = false, in_rph = false, stopped = false;
	char ctype[16] = "", cs[16] = "";
	int col = -1;
	long rowno = 0;
	while (st == SHEET_OK && xml_next(&x)) {
		if (!x.is_tag) {
			if ((in_v || (in_is && in_t && !in_rph)) && in_c) {
				put_xml_text(&val, x.tok, x.toklen);
				if (val.n > SHEET_MAX_CELL) {
					*why = SAY("Une cellule dépasse 32 000 caractères (ligne %ld du classeur).", rowno);
					st = SHEET_TOO_LARGE;
				}
			}
			continue;
		}
		if (tag_is(&x, "row")) {
			char rv[24];
			/* The row's number as written, else the next; bounded (a
			 * hostile « r » must not overflow the count). */
			long next = rowno < SHEET_MAX_ROWNO ? rowno + 1 : SHEET_MAX_ROWNO, n = 0;
			rowno = attr(&x, "r", rv, sizeof rv) && (n = strtol(rv, NULL, 10)) >= 1 && n <= SHEET_MAX_ROWNO ? n : next;
			sheet_row_clear(&r);
			r.number = rowno;
			col = -1;
			in_row = !tag_selfclosing(&x);
		} else if (tag_is(&x, "/row")) {
			in_row = false;
			if (!sheet_row_emit(&r, fn, ctx, info, &stopped))
				break;
		} else if (in_row && tag_is(&x, "c")) {
			char ref[24];
			if (attr(&x, "r", ref, sizeof ref)) {
				int c2 = 0;
				for (const char *q = ref; *q >= 'A' && *q <= 'Z' && c2 < 100000; q++)
					c2 = c2 * 26 + (*q - 'A' + 1);
				col = c2 - 1;
			} else {
				col++;
			}
			if (!attr(&x, "t", ctype, sizeof ctype))
				ctype[0] = 0;
			if (!attr(&x, "s", cs, sizeof cs))
				cs[0] = 0;
			val.n = 0;
			if (val.d)
				val.d[0] = 0;
			in_c = !tag_selfclosing(&x); /* <c …/>: formatted, nothing in it */
		} else if (in_c && tag_is(&x, "/c")) {
			in_c = in_v = in_is = in_t = in_rph = false;
			const char *text = val.d ? val.d : "";
			size_t n = val.n;
			sheet_kind kind = SHEET_TEXT;
			char iso[11];
			if (!strcmp(ctype, "s")) {
				long k = strtol(text, NULL, 10);
				if (n && k >= 0 && (size_t)k < bk.nstr && bk.strs.d) {
					text = bk.strs.d + bk.str_off[k];
					n = strlen(text);
				} else {
					text = "";
					n = 0;
				}
			} else if (!strcmp(ctype, "d")) {
				if (n >= 10) {
					memcpy(iso, text, 10);
					iso[10] = 0;
					text = iso;
					n = 10;
					kind = SHEET_DATE;
				}
			} else if (!ctype[0] || !strcmp(ctype, "n")) {
				long xf = cs[0] ? strtol(cs, NULL, 10) : 0;
				if (n && xf >= 0 && (size_t)xf < bk.nxf && bk.xf_date[xf] && serial_date(text, bk.date1904, iso)) {
					text = iso;
					n = 10;
					kind = SHEET_DATE;
				} else if (n) {
					n = tidy_number(val.d, n);
					kind = SHEET_NUMBER;
				}
			}
			if (col >= max_cols) {
				if (n)
					info->ignored_cells++;
			} else if (!sheet_row_set(&r, col, text, n, kind)) {
				st = SHEET_NOMEM;
			}
		} else if (in_c && tag_is(&x, "v")) {
			in_v = !tag_selfclosing(&x);
		} else if (tag_is(&x, "/v")) {
			in_v = false;
		} else if (in_c && tag_is(&x, "is")) {
			in_is = !tag_selfclosing(&x);
		} else if (tag_is(&x, "/is")) {
			in_is = false;
		} else if (in_is && tag_is(&x, "rPh")) {
			in_rph = !tag_selfclosing(&x); /* phonetic runs are not the text */
		} else if (tag_is(&x, "/rPh")) {
			in_rph = false;
		} else if (in_c && tag_is(&x, "t")) {
			in_t = !tag_selfclosing(&x);
		} else if (tag_is(&x, "/t")) {
			in_t = false;
		}
		if (val.failed || r.text.failed)
			st = SHEET_NOMEM;
	}
	if (stopped)
		st = SHEET_STOPPED;
	else if (st == SHEET_OK && x.too_large) {
		*why = "Le classeur est trop volumineux une fois décompressé (feuille de plus de 512 Mo).";
		st = SHEET_TOO_LARGE;
	} else if (st == SHEET_OK && x.bad) {
		*why = "Le classeur est abîmé (feuille illisible).";
		st = SHEET_BAD;
	}
	if (x.buf)
		xml_close(&x);
	free(val.d);
	sheet_row_free(&r);
	free(bk.xf_date);
	free(bk.strs.d);
	free(bk.str_off);
	return st;
}
