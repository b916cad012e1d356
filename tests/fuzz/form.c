/* libFuzzer target: urlencoded form bodies. */
#include <stddef.h>
#include <stdint.h>
#include "web/parse.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	arena a;
	arena_init(&a, 8u << 20);
	kv_list l;
	if (parse_urlencoded(&a, (const char *)data, n, &l) == PARSE_OK)
		for (int i = 0; i < l.n; i++)
			(void)kv_get(&l, l.items[i].name);
	arena_release(&a);
	return 0;
}
