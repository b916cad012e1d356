/* The module list, proven with the example module of tests/example (the
 * « how to add a module » of docs/ARCHITECTURE.md): added to the list, it
 * gets its tables, its permission, its routes, its place in the
 * navigation, on the household page, on the home page, in the timeline's
 * filter, in the journal's words, in the data-subject export, in
 * anonymisation and in the demo data, without a line elsewhere. Requests
 * go through the router as the server runs them. Runs on the engine the
 * environment chooses. */
#define T_NAME "modules"
#include "t.h"
#include "dispatch.h"
#include "fresh.h"
#include <stdlib.h>
#include <string.h>
#include "core/arena.h"
#include "core/crypto.h"
#include "core/log.h"
#include "example/example.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid.h"
#include "modules/demo/demo.h"
#include "modules/legal/legal.h"
#include "modules/journal/journal.h"
#include "modules/modules.h"
#include "modules/persons/persons.h"
#include "store/store.h"
#include "web/parse.h"
#include "web/web.h"

static db *d;
static char bearer[96];
static char body[1 << 20];

/* A household's part as the triggers keep it (persons.h), and every part recounted from the rows of the tables
 * the modules count (persons.c and each module's migration): the rows that differ, and the parts left at zero, over
 * every structure. */
static db_sql Q_PART_N = DB_SQL(DB_SCOPED,
	"SELECT coalesce(sum(n), 0) FROM household_parts WHERE structure_id = $1 AND household_id = $2 AND part = $3");
#define RECOUNT(t, part, cond) "SELECT structure_id, household_id, '" part "' AS part, 1 AS n FROM " t " WHERE household_id IS NOT NULL" cond " UNION ALL "
static db_sql Q_PARTS_WRONG = DB_SQL(DB_GLOBAL,
	"SELECT count(*) FROM (SELECT structure_id, household_id, part FROM ("
	RECOUNT("alerts", "alerts", " AND ended_at IS NULL") RECOUNT("notes", "notes", "") RECOUNT("referents", "referents", "")
	RECOUNT("notices", "notices", "") RECOUNT("household_addresses", "addresses", "") RECOUNT("documents", "documents", "")
	RECOUNT("appointments", "appointments", "") RECOUNT("domiciliations", "domiciliation", "")
	RECOUNT("aid_requests", "aid", "") RECOUNT("legal_files", "legal", "") RECOUNT("housing_requests", "housing", "")
	RECOUNT("mc_credits", "microcredit", "") RECOUNT("reg_entries", "register", "") RECOUNT("hc_alarms", "homecare", "")
	RECOUNT("hc_subs", "homecare", "") RECOUNT("food_decisions", "food", "") RECOUNT("food_visits", "food", "")
	RECOUNT("example_tags", "example", "")
	"SELECT structure_id, household_id, part, -n FROM household_parts) x GROUP BY structure_id, household_id, part "
	"HAVING sum(n) <> 0 UNION ALL SELECT structure_id, household_id, part FROM household_parts WHERE n <= 0) y");

/* Three parts put wrong by hand, as a restore without its triggers could: one lost, one miscounted, one at zero. */
static db_sql Q_BREAK_LOST = DB_SQL(DB_GLOBAL,
	"DELETE FROM household_parts WHERE part = 'aid' AND household_id = (SELECT min(household_id) FROM household_parts "
	"WHERE part = 'aid')");
static db_sql Q_BREAK_MORE = DB_SQL(DB_GLOBAL,
	"UPDATE household_parts SET n = n + 2 WHERE part = 'notes' AND household_id = (SELECT min(household_id) "
	"FROM household_parts WHERE part = 'notes')");
static db_sql Q_BREAK_ZERO = DB_SQL(DB_GLOBAL,
	"INSERT INTO household_parts (structure_id, household_id, part, n) SELECT structure_id, id, 'gone', 0 "
	"FROM households WHERE id = (SELECT max(id) FROM households)");

static int64_t part_n(long long hid, const char *part)
{
	int64_t n = -1;
	db_conn *c = db_conn_get(d);
	db_conn_scope(c, 1);
	if (DBID(c, &Q_PART_N, &n, A_INT(hid), A_TEXT(part)) != E_OK)
		n = -1;
	db_conn_put(c);
	return n;
}

static int64_t parts_wrong(void)
{
	int64_t n = -1;
	db_conn *c = db_conn_get(d);
	if (DBID0(c, &Q_PARTS_WRONG, &n) != E_OK)
		n = -1;
	db_conn_put(c);
	return n;
}

/* One request through the router; its status, its body in `body`. */
static int dispatch(int method, const char *path, const char *json)
{
	return t_dispatch(d, bearer, method, path, json, 0, 0, body, sizeof body);
}

int main(void)
{
	crypto_init();
	log_set_level(LOG_ERROR);
	/* The program's list and one line more. */
	int n = 0;
	const module *const *std = modules_standard(&n);
	const module **list = calloc((size_t)n + 1, sizeof *list);
	for (int i = 0; i < n; i++)
		list[i] = std[i];
	list[n] = &example_module;
	modules_init_list(list, n + 1);
	web_assets_init();
	CHECK(module_count() == n + 1 && module_at(n) == &example_module, "the example is in the list");

	T_GROUP("its tables and its permission");
	const char *why;
	d = db_open(fresh_db("modules"), 4, &why);
	CHECK(d != NULL, "open");
	if (!d)
		return T_DONE();
	int nmods = 0;
	const db_module_schema *mods = modules_schema_array(&nmods);
	CHECK(nmods > 1 && !strcmp(mods[nmods - 1].module, "example"), "its migrations come last in the list (%d)", nmods);
	static const unsigned char key[32] = "openccas-test-key-0123456789abc";
	journal_key_use(key);
	CHECK(db_migrate(d, mods, nmods, NULL) == E_OK, "migrations, the example's with the others");
	CHECK(perm_key(PERM_EXAMPLE) && !strcmp(perm_key(PERM_EXAMPLE), "example.use"), "its permission is numbered");
	CHECK(perm_granted(PERM_EXAMPLE, ROLE_MANAGER) && !perm_granted(PERM_EXAMPLE, ROLE_RECEPTION), "held by the roles it names");

	T_GROUP("its demo data, its page and its API");
	CHECK(demo_build(d, 40, 7) == E_OK, "demo data, the example's included");
	db_conn *c = db_conn_get(d);
	char tok[64];
	CHECK(accounts_token_create(c, "responsable@" DEMO_DOMAIN, 1, "modules", 0, false, 0, tok, NULL) == E_OK, "token");
	db_conn_put(c);
	snprintf(bearer, sizeof bearer, "Bearer %s", tok);
	CHECK_INT(dispatch(M_GET, "/exemple", NULL), 200);
	CHECK_HAS(body, "interprète");                               /* its demo rows */
	CHECK_HAS(body, "href=\"/exemple\" aria-current=\"page\">Exemple"); /* its navigation entry */
	/* A household of its own (no other module holds it from erasure). */
	CHECK_INT(dispatch(M_POST, "/api/v1/households", "{\"applicant\": {\"last_name\": \"Exemple\", \"first_names\": \"Alix\", "
	                                                 "\"sex\": \"F\", \"birth_date\": \"1990-04-02\", \"relation\": \"demandeur\"}}"), 201);
	json_t *created = json_loads(body, 0, NULL);
	long long hid = (long long)json_integer_value(json_object_get(created, "household_id")),
	          pid = (long long)json_integer_value(json_object_get(created, "person_id"));
	json_decref(created);
	CHECK(hid > 0 && pid > 0, "household %lld, person %lld", hid, pid);
	char json[160], path[96];
	snprintf(json, sizeof json, "{\"household_id\": %lld, \"tag\": \"rendez-vous tardifs\"}", hid);
	CHECK_INT(dispatch(M_POST, "/api/v1/example/tags", json), 201);
	snprintf(json, sizeof json, "{\"household_id\": %lld}", hid);
	CHECK_INT(dispatch(M_POST, "/api/v1/example/tags", json), 400);

	T_GROUP("what the other modules gather from it");
	snprintf(path, sizeof path, "/foyers/%lld", hid);
	CHECK_INT(dispatch(M_GET, path, NULL), 200);
	CHECK_HAS(body, "<h2 id=\"t-ex\">Étiquettes</h2>");
	CHECK_HAS(body, "rendez-vous tardifs"); /* read: its part counted by its trigger */
	CHECK_INT(part_n(hid, "example"), 1);
	const char *sec_ex = strstr(body, "id=\"t-ex\""), *sec_domi = strstr(body, "id=\"t-domi\"");
	CHECK(sec_ex && sec_domi && sec_ex > sec_domi, "its section after domiciliation's (order 35 after 30)");
	CHECK_INT(dispatch(M_GET, "/", NULL), 200);
	CHECK_HAS(body, "étiquette(s) posée(s)");
	snprintf(path, sizeof path, "/foyers/%lld/parcours?type=example_tag", hid);
	CHECK_INT(dispatch(M_GET, path, NULL), 200);
	CHECK_HAS(body, "<option value=\"example_tag\" selected>Étiquettes</option>");
	CHECK_HAS(body, "Étiquette ajoutée");
	CHECK(!strcmp(module_code_label("example_tag"), "étiquette"), "its word for the journal");
	snprintf(path, sizeof path, "/api/v1/persons/%lld/subject-access", pid);
	CHECK_INT(dispatch(M_GET, path, NULL), 200);
	CHECK_HAS(body, "\"example_tags\":[{\"tag\":\"rendez-vous tardifs\"}]");
	arena a;
	arena_init(&a, 0);
	const module_indicator *ind = &example_module.indicators[0];
	module_figure *fig = NULL;
	int nf = 0;
	c = db_conn_get(d);
	db_conn_scope(c, 1);
	const module_period all = {"2000-01-01", "2100-12-31", false, false};
	CHECK(ind->count(c, &a, &all, &fig, &nf) == E_OK && nf >= 2, "its indicator counts by tag (%d)", nf);
	/* Statutory aid's figures over the demo: by kind, by delay, by answer — each file counted once in each. */
	int64_t sums[3] = {0, 0, 0};
	for (int k = 0; k < legal_module.nindicators && k < 3; k++) {
		CHECK(legal_module.indicators[k].count(c, &a, &all, &fig, &nf) == E_OK, "%s", legal_module.indicators[k].key);
		for (int i = 0; i < nf; i++)
			sums[k] += fig[i].n;
	}
	CHECK(legal_module.nindicators == 3 && sums[0] > 0 && sums[0] == sums[1] && sums[1] == sums[2],
	      "the same files by kind, delay and answer (%lld, %lld, %lld)", (long long)sums[0], (long long)sums[1], (long long)sums[2]);
	db_conn_put(c);
	/* Another module prices a service by the rulebook's tariff grid (a version in force today). */
	{
		civil_date t0 = civil_today("Europe/Paris");
		char rules[400];
		snprintf(rules, sizeof rules, "{\"text\": \"version : tarifs\\nen vigueur le : %04d-%02d-%02d\\naide : cantine\\n"
		                              "libellé : Repas de cantine\\ntarif : oui\\nmontant : tranches quotient\\n"
		                              "tranche : 400,00 → 0,50\\ntranche : de 400,01 à 99999,00 → 2,40\\nfin\\n\"}", t0.y, t0.m, t0.d);
		CHECK_INT(dispatch(M_POST, "/api/v1/aid/rulebook", rules), 201);
	}
	{
		int64_t price = -1;
		const char *told = NULL;
		civil_date today = civil_today("Europe/Paris");
		c = db_conn_get(d);
		db_conn_scope(c, 1);
		CHECK_INT(aid_tariff(c, &a, hid, "cantine", today, &price, &told), E_INPUT); /* no resources recorded: no price */
		CHECK(told && strstr(told, "non renseignées"), "says why: %s", told ? told : "");
		CHECK_INT(aid_tariff(c, &a, hid, "nulle_part", today, &price, &told), E_NOT_FOUND);
		db_conn_put(c);
		char month[8], line[200];
		snprintf(month, sizeof month, "%04d-%02d", today.y, today.m);
		snprintf(line, sizeof line, "{\"month\": \"%s\", \"kind\": \"resource\", \"category\": \"salaire\", \"amount_cents\": 35000}", month);
		snprintf(path, sizeof path, "/api/v1/households/%lld/budget", hid);
		CHECK_INT(dispatch(M_POST, path, line), 201);
		c = db_conn_get(d);
		db_conn_scope(c, 1);
		CHECK_INT(aid_tariff(c, &a, hid, "cantine", today, &price, &told), E_OK); /* QF 350 € (one part) → 0,50 € */
		CHECK_INT(price, 50);
		db_conn_put(c);
	}
	/* A household's parts, kept by the triggers whoever writes: the demo's rows of every module, a merge moving a
	 * household's own rows into another, an erasure deleting them. */
	T_GROUP("a household's parts, kept by triggers");
	{
		CHECK_INT(parts_wrong(), 0); /* the demo's rows of every module, and the tag */
		/* Another household with two tags and what the demo gave it, merged into this one. */
		CHECK_INT(dispatch(M_POST, "/api/v1/households", "{\"applicant\": {\"last_name\": \"Doublon\", \"first_names\": \"Camille\", "
		                                                 "\"sex\": \"M\", \"birth_date\": \"1985-11-20\", \"relation\": \"demandeur\"}}"), 201);
		created = json_loads(body, 0, NULL);
		long long twin = (long long)json_integer_value(json_object_get(created, "household_id"));
		json_decref(created);
		for (int i = 0; i < 2; i++) {
			snprintf(json, sizeof json, "{\"household_id\": %lld, \"tag\": \"double %d\"}", twin, i);
			CHECK_INT(dispatch(M_POST, "/api/v1/example/tags", json), 201);
		}
		snprintf(path, sizeof path, "/api/v1/households/%lld/notes", twin);
		CHECK_INT(dispatch(M_POST, path, "{\"body\": \"Note du doublon\", \"visibility\": \"equipe\"}"), 201);
		CHECK_INT(part_n(twin, "example"), 2);
		CHECK_INT(part_n(twin, "notes"), 1);
		CHECK_INT(part_n(hid, "notes"), 0);
		snprintf(path, sizeof path, "/api/v1/households/%lld/merge", hid);
		snprintf(json, sizeof json, "{\"merge_household_id\": %lld}", twin);
		CHECK_INT(dispatch(M_POST, path, json), 200);
		CHECK_INT(part_n(hid, "notes"), 1); /* the note moved with the household's own rows */
		CHECK_INT(part_n(twin, "notes"), 0); /* a part at zero is removed */
		CHECK_INT(part_n(hid, "example"), 1); /* another module's rows stay with the merged file (persons_merge.c) */
		CHECK_INT(part_n(twin, "example"), 2);
		snprintf(path, sizeof path, "/foyers/%lld", hid);
		CHECK_INT(dispatch(M_GET, path, NULL), 200);
		CHECK_HAS(body, "Note du doublon");
		CHECK_LACKS(body, "double 1");
		/* An alert counts until it is lifted: its update leaves the part. */
		snprintf(path, sizeof path, "/api/v1/households/%lld/alerts", hid);
		CHECK_INT(dispatch(M_POST, path, "{\"text\": \"Interprète nécessaire\"}"), 201);
		created = json_loads(body, 0, NULL);
		long long alert = (long long)json_integer_value(json_object_get(created, "id"));
		json_decref(created);
		CHECK_INT(part_n(hid, "alerts"), 1);
		snprintf(path, sizeof path, "/api/v1/households/%lld/alerts/%lld/end", hid, alert);
		CHECK_INT(dispatch(M_POST, path, NULL), 200);
		CHECK_INT(part_n(hid, "alerts"), 0);
		CHECK_INT(parts_wrong(), 0);
	}
	/* Erasure reaches its table through the descriptor. */
	snprintf(path, sizeof path, "/api/v1/persons/%lld/erase", pid);
	CHECK_INT(dispatch(M_POST, path, NULL), 200);
	CHECK_INT(dispatch(M_GET, "/exemple", NULL), 200);
	CHECK_LACKS(body, "rendez-vous tardifs");
	CHECK_INT(part_n(hid, "example"), 0);
	CHECK_INT(parts_wrong(), 0);
	{
		/* `openccas check` recounts the parts from the modules' descriptors (module_part) — the list above is the
		 * test's own: both see the parts put wrong, and the recount written puts them right. */
		int64_t w = -1;
		CHECK(persons_parts_check(d, false, &w) == E_OK && w == 0, "the check's recount: none differs (%lld)", (long long)w);
		db_conn *bc = db_conn_get(d);
		int64_t changed[3] = {0};
		CHECK(DBX0(bc, &Q_BREAK_LOST, &changed[0]) == E_OK && DBX0(bc, &Q_BREAK_MORE, &changed[1]) == E_OK &&
		      DBX0(bc, &Q_BREAK_ZERO, &changed[2]) == E_OK && changed[0] == 1 && changed[1] == 1 && changed[2] == 1,
		      "three parts put wrong by hand");
		db_conn_put(bc);
		CHECK_INT(parts_wrong(), 3);
		CHECK(persons_parts_check(d, false, &w) == E_OK && w == 3, "the check sees them (%lld)", (long long)w);
		CHECK_INT(parts_wrong(), 3); /* only seen */
		CHECK(persons_parts_check(d, true, &w) == E_OK && w == 3, "rewritten (%lld)", (long long)w);
		CHECK_INT(parts_wrong(), 0);
		CHECK(persons_parts_check(d, false, &w) == E_OK && w == 0, "none differs after (%lld)", (long long)w);
	}
	arena_release(&a);

	T_GROUP("an unknown path");
	CHECK_INT(dispatch(M_GET, "/nulle-part", NULL), 404);
	db_close_all(d);
	free(list);
	return T_DONE();
}
