/* libFuzzer target: CSV files as spreadsheets save them (core/sheet). */
#include <stddef.h>
#include <stdint.h>
#include "core/sheet.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static bool count(void *ctx, const sheet_row *r)
{
	(*(long *)ctx) += r->ncells;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	long cells = 0;
	const char *why;
	if (n >= 2 && data[0] == 'P' && data[1] == 'K')
		return 0; /* the xlsx target's */
	(void)sheet_read(data, n, 40, count, &cells, NULL, &why);
	return 0;
}
