/* The quotient familial and the reste à vivre on worked examples, with the
 * arithmetic written out (persons_budget on a real database). */
#define T_NAME "budget"
#include "t.h"
#include "fresh.h"
#include "core/crypto.h"
#include "core/money.h"
#include "modules/accounts/accounts.h"
#include "modules/modules.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "modules/persons/persons_internal.h"
#include "store/store.h"

static db_sql Q_H = DB_SQL(DB_SCOPED,
	"INSERT INTO households (structure_id, file_no, created_at, annual_taxable) VALUES ($1, $2, 0, $3) RETURNING id");
static db_sql Q_P = DB_SQL(DB_SCOPED,
	"INSERT INTO persons (structure_id, household_id, relation, last_name, first_names, birth_date, disability, search_name, "
	"created_at, updated_at) VALUES ($1, $2, $3, 'Test', 'X', $4, $5, 'test x', 0, 0)");
static db_sql Q_GONE = DB_SQL(DB_SCOPED,
	"INSERT INTO persons (structure_id, household_id, relation, last_name, first_names, birth_date, active, search_name, "
	"created_at, updated_at) VALUES ($1, $2, $3, 'Test', 'X', $4, 0, 'test x', 0, 0)");
static db_sql Q_B = DB_SQL(DB_SCOPED,
	"INSERT INTO budget_lines (structure_id, household_id, month, kind, category, amount, counted, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0)");
static db_sql Q_RULE = DB_SQL(DB_SCOPED,
	"INSERT INTO qf_rules (structure_id, effective_from, parts_couple, parts_single_parent, parts_single, child1, child2, "
	"child3, child_more, disabled_child, rav_divisor) VALUES ($1, $2, 200, 200, 100, 50, 50, 100, 50, 50, $3)");

static int64_t household(db_conn *c, const char *no, int64_t taxable)
{
	int64_t id = 0;
	CHECK(DBID(c, &Q_H, &id, A_TEXT(no), taxable >= 0 ? A_INT(taxable) : A_NULL) == E_OK, "household");
	return id;
}
static void person(db_conn *c, int64_t h, const char *rel, const char *birth, int disabled)
{
	CHECK(DBX(c, &Q_P, NULL, A_INT(h), A_TEXT(rel), A_TEXT(birth), A_INT(disabled)) == E_OK, "person");
}
static void line(db_conn *c, int64_t h, const char *month, const char *kind, const char *cat, int64_t cents, int counted)
{
	CHECK(DBX(c, &Q_B, NULL, A_INT(h), A_TEXT(month), A_TEXT(kind), A_TEXT(cat), A_INT(cents), A_INT(counted)) == E_OK, "line");
}

/* The household page's budget (persons_budget_read: the household and its members as the page reads them, the
 * month's sums as columns of that read, PERSONS_BUDGET_SUMS) against persons_budget's one statement: every figure
 * and the explanation the same. */
static db_sql Q_PAGE_READ = DB_SQL(DB_SCOPED, NULL);
static void same_on_page(db_conn *c, arena *a, int64_t h, civil_date month, const char *what)
{
	char mk[8];
	persons_budget_month(month, mk);
	household_row hr;
	member_row *m;
	int nm = 0;
	int64_t parts;
	const char *text = NULL;
	household_budget x, y;
	budget_sums sums;
	CHECK(persons_household_read(c, a, &Q_PAGE_READ, h, mk, &hr, &m, &nm, &parts, &text) == E_OK, "%s", what);
	CHECK(persons_budget_sums_parse(text, &sums), "%s", what);
	CHECK(persons_budget(c, a, h, month, &x) == E_OK, "%s", what);
	CHECK(persons_budget_read(c, a, &hr, m, nm, month, &sums, &y) == E_OK, "%s", what);
	CHECK(x.members == y.members && x.children == y.children && x.adults == y.adults && x.couple == y.couple, "%s", what);
	CHECK(x.parts_x100 == y.parts_x100 && x.uc_x100 == y.uc_x100 && x.rule_id == y.rule_id, "%s", what);
	CHECK(x.resources == y.resources && x.charges == y.charges && x.family_benefits == y.family_benefits, "%s", what);
	CHECK(x.resources_known == y.resources_known && x.qf_known == y.qf_known && x.qf == y.qf, "%s", what);
	CHECK(x.rav_month == y.rav_month && x.rav_day_person == y.rav_day_person, "%s", what);
	CHECK(x.uc_known == y.uc_known && x.rav_known == y.rav_known && x.rav_unit && y.rav_unit &&
	      !strcmp(x.rav_unit, y.rav_unit), "%s", what);
	CHECK(!strcmp(x.explain, y.explain) && !strcmp(x.housing, y.housing), "%s", what);
}

int main(void)
{
	crypto_init();
	modules_init();
	const char *why;
	db *d = db_open(fresh_db("budget"), 2, &why);
	int nmods = 0;
	const db_module_schema *mods = modules_schema_array(&nmods);
	static const unsigned char test_key[32] = "openccas-test-key-0123456789abc";
	journal_key_use(test_key); /* the journal's key (a file in production) */
	CHECK(d && db_migrate(d, mods, nmods, NULL) == E_OK, "migrate");
	db_conn *c = db_conn_get(d);
	int64_t sid;
	accounts_structure_create(c, "Test", &sid);
	db_conn_scope(c, sid);
	arena a;
	arena_init(&a, 0);
	household_budget b;
	civil_date nov = {2026, 11, 1};

	T_GROUP("A: couple, three children, one disabled, tax notice");
	/* Parts = 2 (couple) + 0.5 (1st) + 0.5 (2nd) + 1 (3rd) + 0.5 (disabled) = 4.5
	 * QF = (24 000 € / 12 + 450 € family benefits) / 4.5 = 2 450 / 4.5 = 544.444… → 544,44 €
	 * Resources 2 000 + 450 = 2 450 ; charges 700 + 150 = 850 ; RAV = 1 600 € / month
	 * RAV per person per day = 1 600 / 5 / 30 = 10.666… → 10,67 € */
	int64_t h = household(c, "A", 2400000);
	person(c, h, "demandeur", "1985-01-01", 0);
	person(c, h, "conjoint", "1986-01-01", 0);
	person(c, h, "enfant", "2012-01-01", 0);
	person(c, h, "enfant", "2015-01-01", 1);
	person(c, h, "enfant", "2018-01-01", 0);
	line(c, h, "2026-11", "R", "salaire", 200000, 1);
	line(c, h, "2026-11", "R", "prestations_familiales", 45000, 1);
	line(c, h, "2026-11", "C", "loyer", 70000, 1);
	line(c, h, "2026-11", "C", "energie", 15000, 1);
	CHECK(persons_budget(c, &a, h, nov, &b) == E_OK, "computed");
	CHECK_INT(b.parts_x100, 450);
	CHECK_INT(b.qf, 54444);
	CHECK_INT(b.rav_month, 160000);
	CHECK_INT(b.rav_day_person, 1067);
	CHECK_HAS(b.explain, "4,5 parts");
	CHECK_HAS(b.explain, "revenu imposable");

	T_GROUP("B: single parent, one child in shared custody, no tax notice");
	/* Parts = 2 (single parent) + 0.5 / 2 (shared custody) = 2.25
	 * QF = (1 200 € resources other than benefits + 100 € benefits) / 2.25 = 577.777… → 577,78 €
	 * RAV = 1 300 − (500 + 80) = 720 € ; per person per day = 720 / 2 / 30 = 12,00 € */
	h = household(c, "B", -1);
	person(c, h, "demandeur", "1990-05-05", 0);
	person(c, h, "enfant_alterne", "2016-05-05", 0);
	line(c, h, "2026-11", "R", "salaire", 120000, 1);
	line(c, h, "2026-11", "R", "prestations_familiales", 10000, 1);
	line(c, h, "2026-11", "C", "loyer", 50000, 1);
	line(c, h, "2026-11", "C", "energie", 8000, 1);
	line(c, h, "2026-10", "C", "loyer", 99999, 1); /* another month: ignored */
	CHECK(persons_budget(c, &a, h, nov, &b) == E_OK, "computed");
	CHECK_INT(b.parts_x100, 225);
	CHECK_INT(b.qf, 57778);
	CHECK_INT(b.rav_month, 72000);
	CHECK_INT(b.rav_day_person, 1200);
	CHECK_HAS(b.explain, "pas d’avis d’imposition");
	CHECK_HAS(b.explain, "garde alternée");

	T_GROUP("C: single person, a charge the board does not count, rounding half up");
	/* Parts = 1 ; QF = 607,65 € ; RAV = 607.65 − 300 = 307.65 (the 50 € line is not counted)
	 * per day = 307.65 / 1 / 30 = 10.255 → 10,26 € (half away from zero) */
	h = household(c, "C", -1);
	person(c, h, "demandeur", "1970-02-02", 0);
	line(c, h, "2026-11", "R", "rsa", 60765, 1);
	line(c, h, "2026-11", "C", "loyer", 30000, 1);
	line(c, h, "2026-11", "C", "autre_charge", 5000, 0);
	CHECK(persons_budget(c, &a, h, nov, &b) == E_OK, "computed");
	CHECK_INT(b.parts_x100, 100);
	CHECK_INT(b.qf, 60765);
	CHECK_INT(b.rav_day_person, 1026);
	int64_t old_rule = b.rule_id;

	T_GROUP("D: the rules change on a date; earlier months keep the old ones");
	/* From 2026-12-01 the board divides the reste à vivre by consumption
	 * units. Household C: 1 UC → December 307.65 / 1 / 30 = 10,26 € as well,
	 * but the rule id differs; household A (5 persons: 1 + 0.5 + 0.3×3 = 2.4
	 * UC... children born 2012 (14 in 2026) count 0.5): 1 + 0.5 + 0.5 + 0.3 + 0.3 = 2.6 UC
	 * → 1 600 / 2.6 / 30 = 20.512… → 20,51 € */
	CHECK(DBX(c, &Q_RULE, NULL, A_TEXT("2026-12-01"), A_TEXT("uc")) == E_OK, "new rule");
	civil_date dec = {2026, 12, 1};
	line(c, h, "2026-12", "R", "rsa", 60765, 1);
	line(c, h, "2026-12", "C", "loyer", 30000, 1);
	CHECK(persons_budget(c, &a, h, dec, &b) == E_OK && b.rule_id != old_rule, "December uses the new rule");
	CHECK(persons_budget(c, &a, h, nov, &b) == E_OK && b.rule_id == old_rule, "November keeps the old rule");
	int64_t ha = 1; /* household A is the first */
	line(c, ha, "2026-12", "R", "salaire", 200000, 1);
	line(c, ha, "2026-12", "R", "prestations_familiales", 45000, 1);
	line(c, ha, "2026-12", "C", "loyer", 70000, 1);
	line(c, ha, "2026-12", "C", "energie", 15000, 1);
	CHECK(persons_budget(c, &a, ha, dec, &b) == E_OK, "A in December");
	CHECK_INT(b.uc_x100, 260);
	CHECK_INT(b.rav_day_person, 2051);
	CHECK_HAS(b.explain, "unité de consommation");

	T_GROUP("the household page's budget, from its own read, the same");
	Q_PAGE_READ.text = persons_household_read_sql(", 0" PERSONS_BUDGET_SUMS);
	for (int64_t i = 1; i <= 3; i++) {
		same_on_page(c, &a, i, nov, "A, B, C in November");
		same_on_page(c, &a, i, dec, "A, B, C in December");
	}
	/* The page lists the members by birth; the parts count the children in their numbers' order: the shared
	 * custody child first (50 / 2), then 50, then the third, disabled (100 + 50) — 2 + 2,25 = 4,25 (by birth it
	 * would be 2 + 0,5 + 1 + 0,5 = 4). */
	h = household(c, "E", 3000000);
	person(c, h, "demandeur", "1980-03-03", 0);
	person(c, h, "enfant_alterne", "2016-03-03", 0);
	person(c, h, "enfant", "2010-03-03", 0);
	person(c, h, "enfant", "2012-03-03", 1);
	CHECK(DBX(c, &Q_GONE, NULL, A_INT(h), A_TEXT("conjoint"), A_TEXT("1981-01-01")) == E_OK, "a member who left");
	line(c, h, "2026-11", "R", "salaire", 150000, 1);
	line(c, h, "2026-11", "R", "prestations_familiales", 30000, 0); /* not counted */
	line(c, h, "2026-11", "C", "loyer", 40000, 1);
	CHECK(persons_budget(c, &a, h, nov, &b) == E_OK && b.parts_x100 == 425 && b.members == 4 && !b.couple,
	      "E: 4,25 parts, the one who left not counted");
	same_on_page(c, &a, h, nov, "E in November");
	same_on_page(c, &a, h, dec, "E in December (no line: not known)");
	h = household(c, "F", -1); /* no member, no line */
	same_on_page(c, &a, h, nov, "F, empty");
	h = household(c, "G", -1);
	person(c, h, "demandeur", "1960-06-06", 0);
	line(c, h, "2026-11", "R", "salaire", 90000, 0); /* only a line not counted: resources not known */
	line(c, h, "2026-11", "C", "loyer", 20000, 1);
	CHECK(persons_budget(c, &a, h, nov, &b) == E_OK && !b.resources_known && !b.qf_known, "G: not known");
	same_on_page(c, &a, h, nov, "G in November");
	/* A member whose age fixes the consumption units and was not recorded: the units, and the reste à vivre a day
	 * divided by them, not known (the month's reste à vivre is) — not an age of 30 made up for them. A spouse
	 * without a birth date is 14 or more by the link. */
	h = household(c, "H", -1);
	person(c, h, "demandeur", "1980-01-01", 0);
	person(c, h, "conjoint", NULL, 0);
	line(c, h, "2026-12", "R", "salaire", 150000, 1);
	line(c, h, "2026-12", "C", "loyer", 60000, 1);
	CHECK(persons_budget(c, &a, h, dec, &b) == E_OK && b.uc_known && b.uc_x100 == 150 && b.rav_known &&
	      b.rav_day_person == 2000, "H: the spouse counts 0,5 (%lld, %lld)", (long long)b.uc_x100, (long long)b.rav_day_person);
	person(c, h, "enfant", NULL, 0);
	CHECK(persons_budget(c, &a, h, dec, &b) == E_OK && !b.uc_known && !b.rav_known && b.resources_known &&
	      b.rav_month == 90000 && b.children == 1 && b.child_ages && b.child_ages[0] == -1 && b.parts_x100 == 250,
	      "H with a child without a birth date: units and reste à vivre a day not known, the rest is");
	CHECK_HAS(b.explain, "non calculé (la date de naissance de 1 membre du foyer n’est pas renseignée");
	CHECK_STR(b.rav_unit ? b.rav_unit : "", "unité de consommation");
	same_on_page(c, &a, h, dec, "H in December");
	CHECK(persons_budget(c, &a, h, nov, &b) == E_OK && !b.uc_known && !b.resources_known && !b.rav_known,
	      "H in November: no line, nothing known");
	CHECK_STR(b.rav_unit ? b.rav_unit : "", "personne"); /* November's rule divides by persons */
	free((char *)Q_PAGE_READ.text);
	budget_sums bs;
	CHECK(persons_budget_sums_parse(NULL, &bs) && !bs.resources_known && !bs.resources && !bs.charges, "no line");
	CHECK(persons_budget_sums_parse("120000,10000,58000", &bs) && bs.resources_known && bs.resources == 120000 &&
	      bs.family_benefits == 10000 && bs.charges == 58000, "three sums");
	CHECK(persons_budget_sums_parse(",,30000", &bs) && !bs.resources_known && !bs.resources && bs.charges == 30000,
	      "charges only: resources not known");
	CHECK(persons_budget_sums_parse("5,,", &bs) && bs.resources_known && bs.resources == 5 && !bs.charges, "resources only");
	CHECK(!persons_budget_sums_parse("1,2", &bs) && !persons_budget_sums_parse("1,2,3,4", &bs) &&
	      !persons_budget_sums_parse("a,1,2", &bs) && !persons_budget_sums_parse("1,2,99999999999999999999999", &bs),
	      "anything else refused");

	T_GROUP("money");
	int64_t v;
	CHECK(money_parse("1 234,56", &v) && v == 123456, "1 234,56");
	CHECK(money_parse("12.5", &v) && v == 1250, "12.5");
	CHECK(money_parse("12 €", &v) && v == 1200, "12 €");
	CHECK(!money_parse("12,345", &v) && !money_parse("abc", &v) && !money_parse("", &v), "refused");
	CHECK_STR(money_format(&a, 123456), "1\xe2\x80\xaf" "234,56\xc2\xa0€");
	CHECK_STR(money_format(&a, -5), "-0,05\xc2\xa0€");
	CHECK_INT(money_div_round(-1025, 100), -10);
	CHECK_INT(money_div_round(1050, 100), 11);
	arena_release(&a);
	db_conn_put(c);
	db_close_all(d);
	return T_DONE();
}
