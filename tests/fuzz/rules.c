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
		static const int ages[] = {4, 15};
		aid_facts f = {.rav_day_person = 412, .qf = 50000, .members = 3, .children = 2, .child_ages = ages, .applicant_age = 40,
		               .residence_months = 12, .bill = 12345, .granted_year = 1000, .resources = 150000, .parts_x100 = 250,
		               .uc_x100 = 180, .housing = "locataire_social", .resource_cats = ",rsa,", .shared_year = 5000};
		aid_result r;
		for (int i = 0; i < rb.naids; i++) {
			aid_line *lines;
			aid_rule_describe(&a, &rb.aids[i], &lines);
			f.need = "";
			aid_evaluate(&a, &rb.aids[i], &f, &r);
			for (int k = 0; k < rb.aids[i].nneeds; k++) {
				f.need = rb.aids[i].need_keys[k];
				aid_evaluate(&a, &rb.aids[i], &f, &r);
			}
		}
	}
	arena_release(&a);
	return 0;
}
