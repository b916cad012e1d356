/* libFuzzer target: the small parsers of typed values — amounts ("1 234,56 €"),
 * dates (AAAA-MM-JJ), integers, e-mail addresses — with round trips as
 * properties: what parses, once formatted, parses back to the same value. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/civil.h"
#include "core/money.h"
#include "core/text.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	if (n > 4096)
		return 0;
	char *s = malloc(n + 1);
	memcpy(s, data, n);
	s[n] = 0;
	arena a;
	arena_init(&a, 1u << 20);
	int64_t cents, back, i;
	if (money_parse(s, &cents)) {
		char *f = money_format(&a, cents);
		if (!f || !money_parse(f, &back) || back != cents)
			abort(); /* a formatted amount must parse back to itself */
	}
	civil_date d, d2;
	if (civil_parse(s, &d)) {
		char iso[11];
		civil_format(d, iso);
		if (!civil_parse(iso, &d2) || d2.y != d.y || d2.m != d.m || d2.d != d.d ||
		    civil_to_days(civil_from_days(civil_to_days(d))) != civil_to_days(d))
			abort();
		(void)civil_add_months(d, (int)(n % 240) - 120);
	}
	(void)text_to_int64(s, INT64_MIN, INT64_MAX, &i);
	(void)text_email_valid(s);
	if (text_utf8_valid(s, n))
		(void)text_fold(&a, s);
	arena_release(&a);
	free(s);
	return 0;
}
