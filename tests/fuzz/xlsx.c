/* libFuzzer target: .xlsx workbooks (zip + XML) for the domiciliation import. */
#include <stddef.h>
#include <stdint.h>
#include "core/xlsx_read.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	arena a;
	arena_init(&a, 256u << 20);
	csv_table t;
	(void)xlsx_read(&a, data, n, &t);
	arena_release(&a);
	return 0;
}
