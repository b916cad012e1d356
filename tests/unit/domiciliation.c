/* The date rules of domiciliation, each written out. */
#define T_NAME "domiciliation-rules"
#include "t.h"
#include "modules/domiciliation/domiciliation.h"

static civil_date D(const char *s)
{
	civil_date d = {0, 0, 0};
	civil_parse(s, &d);
	return d;
}
static const char *S(civil_date d)
{
	static char out[4][11];
	static int k;
	k = (k + 1) % 4;
	civil_format(d, out[k]);
	return out[k];
}

int main(void)
{
	T_GROUP("validity: start + 1 year − 1 day");
	CHECK_STR(S(domi_end_of(D("2026-01-15"))), "2027-01-14");
	CHECK_STR(S(domi_end_of(D("2026-01-01"))), "2026-12-31");
	CHECK_STR(S(domi_end_of(D("2026-03-01"))), "2027-02-28"); /* crosses a common February */
	CHECK_STR(S(domi_end_of(D("2027-03-01"))), "2028-02-29"); /* crosses a leap February */
	CHECK_STR(S(domi_end_of(D("2024-02-29"))), "2025-02-28"); /* anniversary of 29 Feb = 1 March */
	CHECK_STR(S(domi_end_of(D("2027-02-28"))), "2028-02-27");
	CHECK_STR(S(domi_end_of(D("2026-12-31"))), "2027-12-30");

	T_GROUP("period checks");
	CHECK(domi_check_period(D("2026-01-15"), D("2027-01-14")) == DOMI_PERIOD_OK, "a year");
	CHECK(domi_check_period(D("2026-01-15"), D("2026-07-14")) == DOMI_PERIOD_SHORT, "shorter: warning");
	CHECK(domi_check_period(D("2026-01-15"), D("2027-01-15")) == DOMI_PERIOD_LONG, "one day too long: refused");
	CHECK(domi_check_period(D("2026-01-15"), D("2026-01-14")) == DOMI_PERIOD_INVERTED, "inverted");
	CHECK(domi_check_period(D("2024-02-29"), D("2025-02-28")) == DOMI_PERIOD_OK, "leap start");

	T_GROUP("answer within two months");
	CHECK_STR(S(domi_answer_deadline(D("2026-03-10"))), "2026-05-10");
	CHECK_STR(S(domi_answer_deadline(D("2025-12-31"))), "2026-02-28"); /* end of month clamped */
	CHECK_STR(S(domi_answer_deadline(D("2023-12-31"))), "2024-02-29");

	T_GROUP("more than three consecutive months without contact");
	CHECK(!domi_contact_lapsed(D("2026-01-15"), D("2026-04-15")), "exactly three months: not yet");
	CHECK(domi_contact_lapsed(D("2026-01-15"), D("2026-04-16")), "three months and a day: lapsed");
	CHECK(!domi_contact_lapsed(D("2025-11-30"), D("2026-02-28")), "30 Nov + 3 months = 28 Feb: not yet");
	CHECK(domi_contact_lapsed(D("2025-11-30"), D("2026-03-01")), "1 March: lapsed");
	CHECK(!domi_contact_lapsed(D("2026-10-01"), D("2026-11-22")), "recent contact");

	T_GROUP("what counts as a contact");
	CHECK(domi_contact_counts("visite") && domi_contact_counts("appel") && domi_contact_counts("courrier_en_personne"),
	      "visit, call, mail collected in person");
	CHECK(!domi_contact_counts("courrier_procuration"), "mail collected by a proxy does not count");
	CHECK(!domi_contact_counts(NULL) && !domi_contact_counts("courrier_recu"), "mail received does not count");
	return T_DONE();
}
