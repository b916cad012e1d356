/* libFuzzer target: the Cookie header. */
#include <stddef.h>
#include <stdint.h>
#include "web/parse.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	arena a;
	arena_init(&a, 8u << 20);
	kv_list l;
	(void)parse_cookies(&a, (const char *)data, n, &l);
	arena_release(&a);
	return 0;
}
