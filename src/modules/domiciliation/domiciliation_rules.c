/* domiciliation_rules.c — the date rules of domiciliation (see the header). */
#include "modules/domiciliation/domiciliation.h"
#include <string.h>
#include "core/banned.h"

civil_date domi_end_of(civil_date start)
{
	civil_date anniversary = {start.y + 1, start.m, start.d};
	if (start.m == 2 && start.d == 29 && !civil_is_leap(start.y + 1))
		anniversary = (civil_date){start.y + 1, 3, 1};
	return civil_from_days(civil_to_days(anniversary) - 1);
}

domi_period domi_check_period(civil_date start, civil_date end)
{
	int64_t s = civil_to_days(start), e = civil_to_days(end), full = civil_to_days(domi_end_of(start));
	if (e < s)
		return DOMI_PERIOD_INVERTED;
	if (e > full)
		return DOMI_PERIOD_LONG;
	return e == full ? DOMI_PERIOD_OK : DOMI_PERIOD_SHORT;
}

civil_date domi_answer_deadline(civil_date requested) { return civil_add_months(requested, 2); }

bool domi_contact_lapsed(civil_date last, civil_date today)
{
	return civil_to_days(civil_add_months(last, 3)) < civil_to_days(today);
}

bool domi_contact_counts(const char *kind)
{
	return kind && (!strcmp(kind, "visite") || !strcmp(kind, "appel") || !strcmp(kind, "courrier_en_personne"));
}
