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

/* The rule in force on a month's first day ($2), alone: kept in memory under the structure's reference version
 * (DB_KEPT; every write of qf_rules raises it, migration persons/13) — the household page reads it without a
 * statement. The same read not kept, after the default rule is written (the kept one was read, empty, under the
 * version of before). */
#define RULE_SELECT                                                                                                  \
	"SELECT id, parts_couple, parts_single_parent, parts_single, child1, child2, child3, child_more, disabled_child, "   \
	"rav_divisor, effective_from FROM qf_rules WHERE structure_id = $1 AND effective_from <= $2 "                     \
	"ORDER BY effective_from DESC LIMIT 1"
static db_sql Q_RULE = DB_SQL(DB_SCOPED | DB_KEPT, RULE_SELECT);
static db_sql Q_RULE_NOW = DB_SQL(DB_SCOPED, RULE_SELECT);

/* What a rule's divisor divides the reste à vivre a day by, as the pages say it. */
static const char *unit_of(const char *divisor)
{
	return !strcmp(divisor, "parts") ? "part" : !strcmp(divisor, "uc") ? "unité de consommation" : "personne";
}

/* The rule's numbers (its id first, then the parts and the children's weights), its divisor and its date. */
typedef struct budget_rule {
	int64_t v[9];
	const char *divisor, *from;
} budget_rule;
/* A member of today as the budget counts them. */
typedef struct budget_member {
	int64_t id;
	const char *relation, *birth_date;
	bool disability;
} budget_member;

void persons_budget_month(civil_date month, char key[8])
{
	snprintf(key, 8, "%04u-%02u", (unsigned)month.y % 10000u, (unsigned)month.m % 100u);
}

/* One field of PERSONS_BUDGET_SUMS, [s, end): empty (no line of the kind: *known false), or an integer. */
static bool sum_field(const char *s, const char *end, bool *known, int64_t *v)
{
	size_t len = (size_t)(end - s);
	char num[24];
	*known = len > 0;
	*v = 0;
	if (!len)
		return true;
	if (len >= sizeof num)
		return false;
	memcpy(num, s, len);
	num[len] = 0;
	return text_to_int64(num, INT64_MIN, INT64_MAX, v);
}

bool persons_budget_sums_parse(const char *text, budget_sums *s)
{
	*s = (budget_sums){0};
	if (!text)
		return true; /* no line counted this month */
	const char *c1 = strchr(text, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
	if (!c2 || strchr(c2 + 1, ','))
		return false;
	bool fb, ch;
	return sum_field(text, c1, &s->resources_known, &s->resources) && sum_field(c1 + 1, c2, &fb, &s->family_benefits) &&
	       sum_field(c2 + 1, c2 + 1 + strlen(c2 + 1), &ch, &s->charges);
}

static void month_keys(civil_date month, char mday[11], char mkey[8])
{
	civil_date first = {month.y, month.m, 1};
	civil_format(first, mday);
	persons_budget_month(month, mkey);
}

static int member_cmp(const void *x, const void *y)
{
	const budget_member *a = x, *b = y;
	return (a->id > b->id) - (a->id < b->id);
}

static err budget_compute(arena *a, civil_date month, const budget_rule *br, bool has_taxable, int64_t taxable,
                          budget_member *mem, int nmem, household_budget *o);

err persons_budget(db_conn *c, arena *a, int64_t hid, civil_date month, household_budget *o)
{
	memset(o, 0, sizeof *o);
	char mday[11], mkey[8];
	month_keys(month, mday, mkey);
	db_res q = {0};
	budget_rule br = {0};
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
			br.v[i] = db_int(&q, B_RULE + i);
		br.divisor = db_dup(&q, B_RULE + 9, a);
		br.from = db_dup(&q, B_RULE + 10, a);
		if (!br.divisor || !br.from)
			e = E_DB;
	}
	if (e != E_OK) {
		db_close(&q);
		return e;
	}
	/* Members (by number), then the month's sums. */
	int64_t taxable = 0;
	bool has_taxable = false, first_row = true;
	budget_member *mem = NULL;
	int nmem = 0, mcap = 0;
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
		budget_member *m = ARENA_PUSH(a, mem, nmem, mcap);
		if (!m)
			break;
		m->id = db_int(&q, 1);
		m->relation = db_dup(&q, B_MEMBER, a);
		m->birth_date = db_isnull(&q, B_MEMBER + 1) ? NULL : db_dup(&q, B_MEMBER + 1, a);
		m->disability = db_int(&q, B_MEMBER + 2) != 0;
	}
	e = q.status;
	db_close(&q);
	if (e == E_OK && a->failed)
		e = E_NOMEM;
	if (e != E_OK)
		return e;
	if (first_row)
		return E_NOT_FOUND; /* no such household */
	o->resource_cats = buf_cstr(&cats);
	return budget_compute(a, month, &br, has_taxable, taxable, mem, nmem, o);
}

err persons_budget_read(db_conn *c, arena *a, const household_row *h, const member_row *m, int nm, civil_date month,
                        const budget_sums *s, household_budget *o)
{
	memset(o, 0, sizeof *o);
	char mday[11];
	civil_format((civil_date){month.y, month.m, 1}, mday);
	budget_rule br = {0};
	db_res q = {0};
	err e = DBQ(c, &Q_RULE, &q, A_TEXT(mday));
	bool row = e == E_OK && db_next(&q);
	if (e == E_OK && !row) {
		db_close(&q);
		e = DBX0(c, &Q_RULE_DEFAULT, NULL);
		if (e == E_OK)
			e = DBQ(c, &Q_RULE_NOW, &q, A_TEXT(mday));
		row = e == E_OK && db_next(&q);
		if (e == E_OK && !row)
			e = E_DB;
	}
	if (e == E_OK) {
		for (int i = 0; i < 9; i++)
			br.v[i] = db_int(&q, i);
		br.divisor = db_dup(&q, 9, a);
		br.from = db_dup(&q, 10, a);
		if (!br.divisor || !br.from)
			e = E_DB;
	}
	db_close(&q);
	if (e != E_OK)
		return e;
	/* The members of today, by number, as persons_budget reads them. */
	budget_member *mem = nm > 0 ? arena_array(a, (size_t)nm, sizeof *mem) : NULL;
	if (nm > 0 && !mem)
		return E_NOMEM;
	int nmem = 0;
	for (int i = 0; i < nm; i++)
		if (m[i].active)
			mem[nmem++] = (budget_member){m[i].id, m[i].relation ? m[i].relation : "",
			                              m[i].birth_date && *m[i].birth_date ? m[i].birth_date : NULL,
			                              m[i].disability};
	if (nmem > 1)
		qsort(mem, (size_t)nmem, sizeof *mem, member_cmp);
	o->housing = h->housing ? h->housing : "";
	o->resources_known = s->resources_known;
	o->resources = s->resources;
	o->family_benefits = s->family_benefits;
	o->charges = s->charges;
	o->resource_cats = NULL; /* not summed by the page's read */
	return budget_compute(a, month, &br, h->annual_taxable >= 0, h->annual_taxable >= 0 ? h->annual_taxable : 0,
	                      mem, nmem, o);
}

/* The parts, units, QF and reste à vivre of the members (by number) under the rule, the month's sums in *o. */
static err budget_compute(arena *a, civil_date month, const budget_rule *br, bool has_taxable, int64_t taxable,
                          budget_member *mem, int nmem, household_budget *o)
{
	const int64_t *rule = br->v;
	const char *divisor = br->divisor, *from = br->from;
	o->rav_unit = unit_of(divisor);
	o->rule_id = rule[0];
	bool couple = false;
	int children = 0, disabled_children = 0;
	int64_t children_half = 0; /* shared-custody children count half */
	int64_t uc = 0;
	int adults = 0;
	civil_date ref = {month.y, month.m, 1};
	int rank = 0, ncap = 0;
	int64_t child_parts = 0;
	int ages_unknown = 0; /* members whose consumption unit depends on an age not recorded */
	for (int i = 0; i < nmem; i++) {
		const char *rel = mem[i].relation;
		civil_date b;
		int age = mem[i].birth_date && civil_parse(mem[i].birth_date, &b) ? civil_age(b, ref) : -1; /* not known */
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
			if (mem[i].disability) {
				inc += rule[8];
				disabled_children++;
			}
			child_parts += shared ? inc / 2 : inc;
			if (shared)
				children_half++;
		}
		/* Consumption units (OECD modified): first adult 1, others 14+ 0.5, under 14 0.3; shared custody halves.
		 * The first adult whatever the rows' order (a child's row may come first). */
		bool grown = !strcmp(rel, "conjoint") || !strcmp(rel, "parent") || !strcmp(rel, "enfant_majeur");
		int64_t w = !child && adults++ == 0 ? 100 : age >= 0 ? (age >= 14 ? 50 : 30) : grown ? 50 : 0;
		if (!w)
			ages_unknown++;
		uc += shared ? w / 2 : w;
	}
	o->children = children;
	o->adults = adults;
	o->couple = couple;
	int64_t base = couple ? rule[1] : children ? rule[2] : rule[3];
	o->parts_x100 = base + child_parts;
	o->uc_x100 = uc ? uc : 100;
	o->uc_known = !ages_unknown;
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
	if (!strcmp(divisor, "uc") && !o->uc_known) {
		buf_printf(&ex, "Reste à vivre = ressources %s − charges %s = %s par mois ; par unité de consommation et par jour : "
		                "non calculé (la date de naissance de %d membre%s du foyer n’est pas renseignée : elle fixe ses unités "
		                "de consommation).",
		           money_format(a, o->resources), money_format(a, o->charges), money_format(a, o->rav_month), ages_unknown,
		           ages_unknown > 1 ? "s" : "");
		o->explain = buf_cstr(&ex);
		return E_OK;
	}
	o->rav_known = true;
	int64_t div_x100 = !strcmp(divisor, "parts") ? o->parts_x100 : !strcmp(divisor, "uc") ? o->uc_x100
	                                                                                      : (int64_t)o->members * 100;
	if (div_x100 <= 0)
		div_x100 = 100;
	o->rav_day_person = money_div_round(o->rav_month * 100, div_x100 * 30);
	buf_printf(&ex, "Reste à vivre = ressources %s − charges %s = %s par mois, soit %s par %s et par jour (÷ %s ÷ 30).",
	           money_format(a, o->resources), money_format(a, o->charges), money_format(a, o->rav_month),
	           money_format(a, o->rav_day_person), o->rav_unit, fmt_parts(a, div_x100));
	o->explain = buf_cstr(&ex);
	return E_OK;
}
