/* libFuzzer target: multipart/form-data bodies. The first line of the
 * input is the Content-Type header value (so the boundary is fuzzed too). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "web/parse.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	arena a;
	arena_init(&a, 16u << 20);
	const uint8_t *nl = memchr(data, '\n', n);
	size_t hl = nl ? (size_t)(nl - data) : n;
	char *ct = arena_strndup(&a, (const char *)data, hl);
	kv_list l;
	if (ct)
		(void)parse_multipart(&a, ct, nl ? nl + 1 : data + n, nl ? n - hl - 1 : 0, &l);
	arena_release(&a);
	return 0;
}
