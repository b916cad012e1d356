/* libFuzzer target: the XLSX reader of core/sheet. The input is split in
 * three at 0xFF bytes — worksheet XML, shared strings, styles — and put in
 * a stored (uncompressed) zip, so that the fuzzer works on the XML scanner
 * itself, not on deflate; raw inputs starting with "PK" also go through
 * whole (the zip directory). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/sheet.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static bool count(void *ctx, const sheet_row *r)
{
	(*(long *)ctx) += r->ncells;
	return true;
}

static void le16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void le32(uint8_t *p, uint32_t v) { le16(p, v & 0xFFFF); le16(p + 2, v >> 16); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	long cells = 0;
	const char *why;
	if (n >= 2 && data[0] == 'P' && data[1] == 'K') {
		(void)sheet_read(data, n, 99, count, &cells, NULL, &why);
		return 0;
	}
	const char *names[3] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"};
	const uint8_t *part[3] = {data, NULL, NULL};
	size_t plen[3] = {n, 0, 0};
	int np = 1;
	for (size_t i = 0; i < n && np < 3; i++)
		if (data[i] == 0xFF) {
			plen[np - 1] = (size_t)(data + i - part[np - 1]);
			part[np] = data + i + 1;
			plen[np] = n - i - 1;
			np++;
		}
	size_t total = 22;
	for (int k = 0; k < np; k++)
		total += 30 + 46 + 2 * strlen(names[k]) + plen[k];
	uint8_t *z = calloc(1, total), *p = z;
	uint32_t offs[3];
	for (int k = 0; k < np; k++) {
		size_t nl = strlen(names[k]);
		offs[k] = (uint32_t)(p - z);
		le32(p, 0x04034b50);
		le32(p + 18, (uint32_t)plen[k]);
		le32(p + 22, (uint32_t)plen[k]);
		le16(p + 26, (unsigned)nl);
		memcpy(p + 30, names[k], nl);
		memcpy(p + 30 + nl, part[k], plen[k]);
		p += 30 + nl + plen[k];
	}
	uint8_t *cd = p;
	for (int k = 0; k < np; k++) {
		size_t nl = strlen(names[k]);
		le32(p, 0x02014b50);
		le32(p + 20, (uint32_t)plen[k]);
		le32(p + 24, (uint32_t)plen[k]);
		le16(p + 28, (unsigned)nl);
		le32(p + 42, offs[k]);
		memcpy(p + 46, names[k], nl);
		p += 46 + nl;
	}
	le32(p, 0x06054b50);
	le16(p + 8, (unsigned)np);
	le16(p + 10, (unsigned)np);
	le32(p + 12, (uint32_t)(p - cd));
	le32(p + 16, (uint32_t)(cd - z));
	p += 22;
	(void)sheet_read(z, (size_t)(p - z), 99, count, &cells, NULL, &why);
	free(z);
	return 0;
}
