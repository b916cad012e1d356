/* libFuzzer target: query strings as they arrive in the request line
 * (the same parser as forms, fed after the '?'), then the values the
 * handlers convert: integers and dates. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "core/civil.h"
#include "core/text.h"
#include "web/parse.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	arena a;
	arena_init(&a, 8u << 20);
	const char *s = (const char *)data;
	const char *q = memchr(s, '?', n);
	size_t off = q ? (size_t)(q - s) + 1 : 0;
	kv_list l;
	if (parse_urlencoded(&a, s + off, n - off, &l) == PARSE_OK)
		for (int i = 0; i < l.n; i++) {
			int64_t v;
			civil_date d;
			(void)text_to_int64(l.items[i].value, INT64_MIN, INT64_MAX, &v);
			(void)civil_parse(l.items[i].value, &d);
			(void)text_fold(&a, l.items[i].value);
		}
	arena_release(&a);
	return 0;
}
