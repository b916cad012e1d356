/*
 * persons_budget.c — a household's budget for a month: members and CAF parts, consumption
 * units, resources and charges, the quotient familial and the reste à
 * vivre under the dated rules of the structure, explained in French.
 */
#include "modules/persons/persons_internal.h"
#include "core/countof.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

/* ---- budget: QF and reste à vivre ----------------------------------------- */

static db_sql Q_RULE_DEFAULT = DB_SQL(DB_SCOPED,
	"INSERT INTO qf_rules (structure_id, effective_from, parts_couple, parts_single_parent, parts_single, child1, "
	"child2, child3, child_more, disabled_child, rav_divisor) VALUES ($1, '2000-01-01', 200, 200, 100, 50, 50, 100, "
	"50, 50, 'personnes') ON CONFLICT (structure_id, effective_from) DO NOTHING");
/* The budget in one read, its parts told by the first column: 0 the rule in force on the month's first day $3
 * (columns 2–12), 1 the household's taxable income and housing with its members of today, by id (13–17; a
 * household without an active member gives one row, its members' columns NULL), 2 the month's ($4) resources and
 * charges by kind and category (18–20). A column the first two parts leave empty holds a typed value there:
 * PostgreSQL types a union's column from its first parts (two NULLs make a text, which a sum cannot join). */
static db_sql Q_BUDGET = DB_SQL(DB_SCOPED,
	"SELECT 0, 0, id, parts_couple, parts_single_parent, parts_single, child1, child2, child3, child_more, disabled_child, "
	"rav_divisor, effective_from, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 FROM (SELECT id, parts_couple, "
	"parts_single_parent, parts_single, child1, child2, child3, child_more, disabled_child, rav_divisor, effective_from "
	"FROM qf_rules WHERE structure_id = $1 AND effective_from <= $3 ORDER BY effective_from DESC LIMIT 1) r "
	"UNION ALL SELECT 1, p.id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, p.relation, p.birth_date, "
	"p.disability, h.annual_taxable, h.housing, NULL, NULL, 0 FROM households h "
	"LEFT JOIN persons p ON p.structure_id = h.structure_id AND p.household_id = h.id AND p.active = 1 "
	"WHERE h.structure_id = $1 AND h.id = $2 "
	"UNION ALL SELECT 2, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
	"kind, category, sum(amount) FROM budget_lines WHERE structure_id = $1 AND household_id = $2 AND month = $4 "
	"AND counted = 1 GROUP BY kind, category "
	"ORDER BY 1, 2");
enum { B_RULE = 2, B_MEMBER = 13, B_SUM = 18 };

static const char *fmt_parts(arena *a, int64_t x100)
{
	if (x100 % 100 == 0)
		return arena_printf(a, "%lld", (long long)(x100 / 100));
	if (x100 % 10 == 0)
		return arena_printf(a, "%lld,%lld", (long long)(x100 / 100), (long long)(x100 % 100 / 10));
	return arena_printf(a, "%lld,%02lld", (long long)(x100 / 100), (long long)(x100 % 100));
}

err persons_budget(db_conn *c, arena *a, int64_t hid, civil_date month, household_budget *o)
{
	memset(o, 0, sizeof *o);
	char mday[11], mkey[8];
	civil_date first = {month.y, month.m, 1};
	civil_format(first, mday);
	snprintf(mkey, sizeof mkey, "%04u-%02u", (unsigned)month.y % 10000u, (unsigned)month.m % 100u);
	db_res q = {0};
	int64_t rule[9] = {0};
	char *divisor = NULL, *from = NULL;
	/* The rule comes first; a structure without one gets the default rule, once. */
	err e = DBQ(c, &Q_BUDGET, &q, A_INT(hid), A_TEXT(mday), A_TEXT(mkey));
	bool row = e == E_OK && db_next(&q);
	if (e == E_OK && (!row || db_int(&q, 0) != 0)) {
		db_close(&q);
		e = DBX0(c, &Q_RULE_DEFAULT, NULL);
		if (e == E_OK)
			e = DBQ(c, &Q_BUDGET, &q, A_INT(hid), A_TEXT(mday), A_TEXT(mkey));
		row = e == E_OK && db_next(&q);
		if (e == E_OK && (!row || db_int(&q, 0) != 0))
			e = E_DB;
	}
	if (e == E_OK) {
		for (int i = 0; i < 9; i++)
			rule[i] = db_int(&q, B_RULE + i);
		divisor = db_dup(&q, B_RULE + 9, a);
		from = db_dup(&q, B_RULE + 10, a);
		if (!divisor || !from)
			e = E_DB;
	}
	if (e != E_OK) {
		db_close(&q);
		return e;
	}
	o->rule_id = rule[0];
	/* Members and their weights. */
	bool couple = false;
	int children = 0, disabled_children = 0;
	int64_t children_half = 0; /* shared-custody children count half */
	int64_t uc = 0;
	int adults = 0;
	civil_date ref = {month.y, month.m, 1};
	int rank = 0, ncap = 0;
	int64_t child_parts = 0;
	int64_t taxable = 0;
	bool has_taxable = false, first_row = true;
	o->housing = "";
	buf cats;
	buf_init(&cats, a, 64);
	buf_addc(&cats, ',');
	while (db_next(&q)) {
		if (db_int(&q, 0) == 2) { /* resources and charges of the month */
			int64_t v = db_int(&q, B_SUM + 2);
			if (!strcmp(db_text(&q, B_SUM), "R")) {
				o->resources_known = true;
				o->resources += v;
				if (v > 0)
					buf_printf(&cats, "%s,", db_text(&q, B_SUM + 1));
				if (!strcmp(db_text(&q, B_SUM + 1), "prestations_familiales"))
					o->family_benefits += v;
			} else {
				o->charges += v;
			}
			continue;
		}
		if (first_row) {
			first_row = false;
			if (!db_isnull(&q, B_MEMBER + 3)) {
				taxable = db_int(&q, B_MEMBER + 3);
				has_taxable = true;
			}
			o->housing = db_isnull(&q, B_MEMBER + 4) ? "" : db_dup(&q, B_MEMBER + 4, a);
		}
		if (db_isnull(&q, B_MEMBER))
			continue; /* no member today */
		const char *rel = db_text(&q, B_MEMBER);
		civil_date b;
		int age = civil_parse(db_text(&q, B_MEMBER + 1), &b) ? civil_age(b, ref) : 30;
		o->members++;
		if (!strcmp(rel, "conjoint"))
			couple = true;
		bool child = !strcmp(rel, "enfant") || !strcmp(rel, "enfant_alterne");
		bool shared = !strcmp(rel, "enfant_alterne");
		if (child) {
			int *slot = ARENA_PUSH(a, o->child_ages, children, ncap);
			if (slot)
				*slot = age;
			else
				children++; /* counted all the same; a->failed tells */
			rank++;
			int64_t inc = rank == 1 ? rule[4] : rank == 2 ? rule[5] : rank == 3 ? rule[6] : rule[7];
			if (db_int(&q, B_MEMBER + 2)) {
				inc += rule[8];
				disabled_children++;
			}
			child_parts += shared ? inc / 2 : inc;
			if (shared)
				children_half++;
		}
		/* Consumption units (OECD modified): first adult 1, others 14+ 0.5, under 14 0.3; shared custody halves.
		 * The first adult whatever the rows' order (a child's row may come first). */
		int64_t w = !child && adults++ == 0 ? 100 : (age >= 14 ? 50 : 30);
		uc += shared ? w / 2 : w;
	}
	e = q.status;
	db_close(&q);
	if (e != E_OK)
		return e;
	if (first_row)
		return E_NOT_FOUND; /* no such household */
	o->children = children;
	o->adults = adults;
	o->couple = couple;
	int64_t base = couple ? rule[1] : children ? rule[2] : rule[3];
	o->parts_x100 = base + child_parts;
	o->uc_x100 = uc ? uc : 100;
	o->resource_cats = buf_cstr(&cats);
	buf ex;
	buf_init(&ex, a, 512);
	char from_fr[11];
	civil_iso_to_fr(from, from_fr);
	buf_printf(&ex, "Règles en vigueur depuis le %s. Parts : %s (%s", from_fr, fmt_parts(a, o->parts_x100),
	           couple ? "couple" : children ? "parent isolé" : "personne seule");
	buf_printf(&ex, " %s", fmt_parts(a, base));
	if (children)
		buf_printf(&ex, " + %d enfant%s %s", children, children > 1 ? "s" : "", fmt_parts(a, child_parts));
	if (children_half)
		buf_printf(&ex, ", dont %lld en garde alternée compté%s pour moitié", (long long)children_half,
		           children_half > 1 ? "s" : "");
	if (disabled_children)
		buf_printf(&ex, ", dont %d en situation de handicap", disabled_children);
	buf_adds(&ex, "). ");
	/* QF = (annual taxable income / 12 + monthly family benefits) / parts.
	 * Without a tax notice, the month's resources other than family
	 * benefits stand in for the taxable income (said in the explanation).
	 * Rounding: to the cent, half away from zero, once, at the end. */
	o->qf_known = has_taxable || o->resources_known;
	if (!o->qf_known) {
		buf_adds(&ex, "Ressources du mois non renseignées : le quotient familial et le reste à vivre ne peuvent pas être "
		              "calculés (saisissez les ressources du mois, ou le revenu imposable de l’avis d’imposition).");
		o->explain = buf_cstr(&ex);
		return E_OK;
	}
	int64_t monthly_income = has_taxable ? money_div_round(taxable, 12) : o->resources - o->family_benefits;
	o->qf = money_div_round((monthly_income + o->family_benefits) * 100, o->parts_x100);
	if (has_taxable)
		buf_printf(&ex, "QF = (revenu imposable %s / 12 + prestations familiales %s) / %s part%s = %s. ",
		           money_format(a, taxable), money_format(a, o->family_benefits), fmt_parts(a, o->parts_x100),
		           o->parts_x100 > 100 ? "s" : "", money_format(a, o->qf));
	else
		buf_printf(&ex, "QF = (ressources du mois hors prestations familiales %s + prestations familiales %s) / %s part%s = %s "
		                "(pas d’avis d’imposition saisi). ",
		           money_format(a, monthly_income), money_format(a, o->family_benefits), fmt_parts(a, o->parts_x100),
		           o->parts_x100 > 100 ? "s" : "", money_format(a, o->qf));
	if (!o->resources_known) {
		buf_adds(&ex, "Ressources du mois non renseignées : le reste à vivre ne peut pas être calculé.");
		o->explain = buf_cstr(&ex);
		return E_OK;
	}
	o->rav_month = o->resources - o->charges;
	int64_t div_x100 = !strcmp(divisor, "parts") ? o->parts_x100 : !strcmp(divisor, "uc") ? o->uc_x100
	                                                                                      : (int64_t)o->members * 100;
	if (div_x100 <= 0)
		div_x100 = 100;
	o->rav_day_person = money_div_round(o->rav_month * 100, div_x100 * 30);
	buf_printf(&ex, "Reste à vivre = ressources %s − charges %s = %s par mois, soit %s par %s et par jour (÷ %s ÷ 30).",
	           money_format(a, o->resources), money_format(a, o->charges), money_format(a, o->rav_month),
	           money_format(a, o->rav_day_person),
	           !strcmp(divisor, "parts") ? "part" : !strcmp(divisor, "uc") ? "unité de consommation" : "personne",
	           fmt_parts(a, div_x100));
	o->explain = buf_cstr(&ex);
	return E_OK;
}
