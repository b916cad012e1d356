/* xlsx_read.c — minimal, bounded .xlsx reader (see xlsx_read.h). zlib
 * inflates the zip members; the XML is scanned, not parsed into a tree:
 * only <si>/<t> of the shared strings and <row>/<c>/<v>/<is><t> of the
 * sheet are read. */
#include "core/xlsx_read.h"
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include "core/buf.h"
#include "core/text.h"
#include "core/banned.h"

#define MAX_MEMBER (64u << 20)

static uint32_t u32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* The uncompressed bytes of one member, NUL-terminated, or NULL. */
static char *member(arena *a, const unsigned char *d, size_t len, const char *name, size_t *out_len)
{
	if (len < 22)
		return NULL;
	size_t eocd = 0;
	for (size_t i = len - 22 + 1; i-- > 0 && len - i <= 65557;)
		if (u32(d + i) == 0x06054b50) {
			eocd = i;
			break;
		}
	if (!eocd && u32(d) != 0x06054b50)
		return NULL;
	uint16_t entries = u16(d + eocd + 10);
	uint32_t cd = u32(d + eocd + 16);
	size_t p = cd;
	for (int e = 0; e < entries; e++) {
		if (p + 46 > len || u32(d + p) != 0x02014b50)
			return NULL;
		uint16_t method = u16(d + p + 10), nlen = u16(d + p + 28), xlen = u16(d + p + 30), clen = u16(d + p + 32);
		uint32_t csize = u32(d + p + 20), usize = u32(d + p + 24), off = u32(d + p + 42);
		if (p + 46 + nlen > len)
			return NULL;
		if (nlen == strlen(name) && !memcmp(d + p + 46, name, nlen)) {
			if ((size_t)off + 30 > len || u32(d + off) != 0x04034b50 || usize > MAX_MEMBER)
				return NULL;
			size_t data = (size_t)off + 30 + u16(d + off + 26) + u16(d + off + 28);
			if (data > len || csize > len - data)
				return NULL;
			char *out = arena_alloc(a, (size_t)usize + 1);
			if (!out)
				return NULL;
			if (method == 0) {
				if (csize != usize)
					return NULL;
				memcpy(out, d + data, usize);
			} else if (method == 8) {
				z_stream z;
				memset(&z, 0, sizeof z);
				if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
					return NULL;
				z.next_in = (Bytef *)(d + data);
				z.avail_in = csize;
				z.next_out = (Bytef *)out;
				z.avail_out = usize;
				int rc = inflate(&z, Z_FINISH);
				inflateEnd(&z);
				if (rc != Z_STREAM_END || z.total_out != usize)
					return NULL;
			} else {
				return NULL;
			}
			out[usize] = 0;
			*out_len = usize;
			return out;
		}
		p += 46 + (size_t)nlen + xlen + clen;
	}
	return NULL;
}

/* Appends the XML text s[0..n) to b with the five entities and numeric
 * references decoded. */
static void unescape(buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '&') {
			buf_addc(b, s[i]);
			continue;
		}
		const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
		if (!semi) {
			buf_addc(b, '&');
			continue;
		}
		size_t k = (size_t)(semi - (s + i));
		static const struct { const char *e; char c; } ents[] = {{"&amp", '&'}, {"&lt", '<'}, {"&gt", '>'}, {"&quot", '"'}, {"&apos", '\''}};
		bool done = false;
		for (size_t e = 0; e < 5 && !done; e++)
			if (strlen(ents[e].e) == k && !memcmp(s + i, ents[e].e, k)) {
				buf_addc(b, ents[e].c);
				done = true;
			}
		if (!done && k > 2 && s[i + 1] == '#') {
			uint32_t cp = 0;
			bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';
			for (size_t j = i + (hex ? 3 : 2); j < i + k; j++) {
				char c = s[j];
				int v = c >= '0' && c <= '9' ? c - '0' : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10 : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
				if (v < 0 || cp > 0x10FFFF)
					break;
				cp = cp * (hex ? 16 : 10) + (uint32_t)v;
			}
			char u[4];
			int m = 0;
			if (cp > 0 && cp < 0x80) u[m++] = (char)cp;
			else if (cp < 0x800) { u[m++] = (char)(0xC0 | cp >> 6); u[m++] = (char)(0x80 | (cp & 0x3F)); }
			else if (cp < 0x10000) { u[m++] = (char)(0xE0 | cp >> 12); u[m++] = (char)(0x80 | (cp >> 6 & 0x3F)); u[m++] = (char)(0x80 | (cp & 0x3F)); }
			else if (cp <= 0x10FFFF) { u[m++] = (char)(0xF0 | cp >> 18); u[m++] = (char)(0x80 | (cp >> 12 & 0x3F)); u[m++] = (char)(0x80 | (cp >> 6 & 0x3F)); u[m++] = (char)(0x80 | (cp & 0x3F)); }
			buf_add(b, u, (size_t)m);
			done = true;
		}
		if (!done)
			buf_add(b, s + i, k + 1);
		i += k;
	}
}

/* Text of every <t …>…</t> between p and end, concatenated. */
static char *texts(arena *a, const char *p, const char *end)
{
	buf b;
	buf_init(&b, a, 64);
	while (p < end) {
		const char *t = strstr(p, "<t");
		if (!t || t >= end)
			break;
		if (t[2] != '>' && t[2] != ' ') {
			p = t + 2;
			continue;
		}
		const char *gt = strchr(t, '>');
		if (!gt || gt >= end)
			break;
		if (gt[-1] == '/') { /* <t/> */
			p = gt + 1;
			continue;
		}
		const char *close = strstr(gt, "</t>");
		if (!close || close > end)
			break;
		unescape(&b, gt + 1, (size_t)(close - gt - 1));
		p = close + 4;
	}
	return (char *)buf_cstr(&b);
}

csv_status xlsx_read(arena *a, const unsigned char *data, size_t len, csv_table *out)
{
	memset(out, 0, sizeof *out);
	out->sep = ';';
	size_t sl = 0, wl = 0;
	char *ss = member(a, data, len, "xl/sharedStrings.xml", &sl);
	char *ws = member(a, data, len, "xl/worksheets/sheet1.xml", &wl);
	if (!ws)
		return CSV_BAD;
	/* Shared strings. */
	const char **strs = NULL;
	int nstr = 0, scap = 0;
	for (const char *p = ss; p && (p = strstr(p, "<si")) != NULL;) {
		const char *end = strstr(p, "</si>");
		if (!end)
			break;
		if (nstr == scap) {
			scap = scap ? scap * 2 : 256;
			if (scap > 1000000)
				return CSV_TOO_LARGE;
			const char **ns = arena_array(a, (size_t)scap, sizeof *ns);
			if (!ns)
				return CSV_TOO_LARGE;
			if (nstr)
				memcpy(ns, strs, sizeof *ns * (size_t)nstr);
			strs = ns;
		}
		strs[nstr++] = texts(a, p, end);
		p = end + 5;
	}
	/* Rows. */
	int cap = 64;
	out->rows = arena_array(a, (size_t)cap, sizeof(csv_row));
	if (!out->rows)
		return CSV_TOO_LARGE;
	for (const char *p = ws; (p = strstr(p, "<row")) != NULL;) {
		const char *rend = strstr(p, "</row>");
		const char *selfclose = strstr(p, "/>");
		const char *gt = strchr(p, '>');
		if (!gt)
			break;
		if (selfclose && selfclose + 1 == gt) { /* <row …/> : empty row */
			p = gt + 1;
			continue;
		}
		if (!rend)
			break;
		const char **cells = arena_array(a, CSV_MAX_COLS, sizeof *cells);
		if (!cells)
			return CSV_TOO_LARGE;
		for (int i = 0; i < CSV_MAX_COLS; i++)
			cells[i] = "";
		int ncol = 0;
		for (const char *c = gt + 1; c < rend && (c = strstr(c, "<c")) != NULL && c < rend;) {
			const char *cgt = strchr(c, '>');
			if (!cgt || cgt > rend)
				break;
			/* Column from r="BC12". */
			int col = ncol;
			const char *rr = strstr(c, " r=\"");
			if (rr && rr < cgt) {
				col = 0;
				for (const char *q = rr + 4; *q >= 'A' && *q <= 'Z'; q++)
					col = col * 26 + (*q - 'A' + 1);
				col--;
			}
			const char *tt = strstr(c, " t=\"");
			char type = tt && tt < cgt ? tt[4] : 'n';
			bool shared = tt && tt < cgt && !strncmp(tt + 4, "s\"", 2);
			const char *cend = cgt[-1] == '/' ? cgt : strstr(cgt, "</c>");
			if (!cend || cend > rend)
				break;
			const char *val = "";
			if (cend != cgt) {
				if (type == 'i') {
					val = texts(a, cgt, cend);
				} else {
					const char *v = strstr(cgt, "<v>"), *ve = v ? strstr(v, "</v>") : NULL;
					if (v && ve && ve <= cend) {
						buf b;
						buf_init(&b, a, 16);
						unescape(&b, v + 3, (size_t)(ve - v - 3));
						val = buf_cstr(&b);
						if (shared) {
							int64_t k;
							val = text_to_int64(val, 0, nstr - 1, &k) ? strs[k] : "";
						}
					}
				}
			}
			if (col < 0 || col >= CSV_MAX_COLS)
				return CSV_TOO_LARGE;
			if (!text_utf8_valid(val, strlen(val)))
				return CSV_BAD;
			cells[col] = val;
			if (col + 1 > ncol)
				ncol = col + 1;
			c = cend + (cend == cgt ? 1 : 4);
		}
		p = rend + 6;
		if (!ncol)
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
		out->rows[out->n] = (csv_row){cells, ncol, out->n + 1};
		out->n++;
	}
	return CSV_OK;
}
