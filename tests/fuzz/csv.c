/* libFuzzer target: CSV files from spreadsheets (domiciliation import). */
#include <stddef.h>
#include <stdint.h>
#include "core/csv.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	arena a;
	arena_init(&a, 32u << 20);
	csv_table t;
	int bad;
	(void)csv_parse(&a, (const char *)data, n, &t, &bad);
	arena_release(&a);
	return 0;
}
