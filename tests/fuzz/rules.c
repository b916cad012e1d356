/* libFuzzer target: rulebook files of optional aid, then an evaluation. */
#include <stddef.h>
#include <stdint.h>
#include "modules/aid/aid_rules.h"
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	arena a;
	arena_init(&a, 64u << 20);
	char *text = arena_strndup(&a, (const char *)data, n);
	aid_rulebook rb;
	aid_error errs[16];
	int ne;
	if (text && aid_rules_parse(&a, text, &rb, errs, 16, &ne)) {
		aid_facts f = {.rav_day_person = 412, .qf = 50000, .members = 3, .children = 1, .applicant_age = 40,
		               .residence_months = 12, .bill = 12345, .granted_year = 1000};
		aid_result r;
		for (int i = 0; i < rb.naids; i++)
			aid_evaluate(&a, &rb.aids[i], &f, &r);
	}
	arena_release(&a);
	return 0;
}
