/*
 * aid_model.c — the optional aid's tables, its rulebook versions (stored,
 * read in force on a date), and the budget envelopes. No HTML.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "modules/aid/aid_internal.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "store/counts.h"
#include "core/banned.h"

int PERM_AID_RULES, PERM_AID_RULES_READ, PERM_AID_SIMULATE, PERM_AID_READ, PERM_AID_INSTRUCT, PERM_AID_DECIDE, PERM_AID_COMMITTEE, PERM_AID_PAY,
	PERM_AID_ACT;

/* The home page's work counts (aid_home.c), each under its name, without a day. */
#define AID_COUNTED "structure_id, status, docs_missing, route, decision, ratified_on"
#define AID_IF(c) "CASE WHEN " c " THEN '' END"
#define AID_KEYS(X, r)                                                                                                       \
	X("deposee", AID_IF(r ".status = 'deposee' AND " r ".docs_missing = ''"))                                                \
	X("pieces", AID_IF(r ".status = 'deposee' AND " r ".docs_missing <> ''"))                                                \
	X("delegation", AID_IF(r ".status = 'instruite' AND " r ".route IN ('delegation', 'urgence')"))                          \
	X("commission", AID_IF(r ".status = 'instruite' AND " r ".route = 'commission'"))                                        \
	X("decidee", AID_IF(r ".status = 'decidee'"))                                                                            \
	X("a_payer", AID_IF(r ".status = 'notifiee' AND " r ".decision = 'accorde'"))                                             \
	X("a_ratifier", AID_IF(r ".route = 'urgence' AND " r ".decision IN ('accorde', 'refuse') AND " r ".ratified_on IS NULL " \
	                       "AND " r ".status <> 'annulee'"))

static const db_migration migrations[] = {
	{1, "rulebook versions",
	 "CREATE TABLE aid_rulebooks (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " version TEXT NOT NULL, adopted_on TEXT, effective_on TEXT NOT NULL, text TEXT NOT NULL, created_by INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX aid_rulebooks_s ON aid_rulebooks(structure_id, effective_on);",
	 NULL},
	{2, "requests, their steps, committee sessions, budget envelopes",
	 "CREATE TABLE aid_sessions (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " held_on TEXT NOT NULL, place TEXT NOT NULL DEFAULT '', members TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'prevue', "
	 " closed_at INTEGER, created_by INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX aid_sessions_s ON aid_sessions(structure_id, status, held_on);"
	 "CREATE TABLE aid_requests (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER, aid_key TEXT NOT NULL, aid_label TEXT NOT NULL, status TEXT NOT NULL, "
	 " requested_on TEXT NOT NULL, purpose TEXT NOT NULL DEFAULT '', bill INTEGER NOT NULL DEFAULT 0, "
	 " residence_months INTEGER NOT NULL DEFAULT 0, creditor TEXT NOT NULL DEFAULT '', docs_missing TEXT NOT NULL DEFAULT '', "
	 " rulebook_id INTEGER REFERENCES aid_rulebooks(id), eligible INTEGER, proposed INTEGER NOT NULL DEFAULT 0, "
	 " explain TEXT NOT NULL DEFAULT '', qf INTEGER NOT NULL DEFAULT 0, rav INTEGER NOT NULL DEFAULT 0, "
	 " opinion TEXT NOT NULL DEFAULT '', opinion_amount INTEGER NOT NULL DEFAULT 0, opinion_reason TEXT NOT NULL DEFAULT '', "
	 " route TEXT NOT NULL DEFAULT '', session_id INTEGER REFERENCES aid_sessions(id), agenda_no INTEGER, "
	 " decision TEXT NOT NULL DEFAULT '', granted INTEGER NOT NULL DEFAULT 0, decision_motive TEXT NOT NULL DEFAULT '', "
	 " decided_on TEXT, decided_by INTEGER, ratified_on TEXT, notified_on TEXT, payment_mode TEXT NOT NULL DEFAULT '', "
	 " paid INTEGER NOT NULL DEFAULT 0, paid_on TEXT, vouchers TEXT NOT NULL DEFAULT '', pay_reference TEXT NOT NULL DEFAULT '', "
	 " closed_on TEXT, end_reason TEXT NOT NULL DEFAULT '', instructor_id INTEGER, created_by INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX aid_requests_status ON aid_requests(structure_id, status, requested_on);"
	 "CREATE INDEX aid_requests_household ON aid_requests(structure_id, household_id, aid_key);"
	 "CREATE INDEX aid_requests_session ON aid_requests(structure_id, session_id);"
	 "CREATE INDEX aid_requests_decided ON aid_requests(structure_id, decided_on);"
	 "CREATE TABLE aid_events (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, "
	 " request_id INTEGER NOT NULL REFERENCES aid_requests(id), session_id INTEGER, on_date TEXT NOT NULL, kind TEXT NOT NULL, "
	 " detail TEXT NOT NULL DEFAULT '', user_id INTEGER NOT NULL, at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX aid_events_r ON aid_events(structure_id, request_id);"
	 "CREATE INDEX aid_events_s ON aid_events(structure_id, session_id);"
	 "CREATE TABLE aid_budgets (structure_id INTEGER NOT NULL REFERENCES structures(id), year INTEGER NOT NULL, "
	 " aid_key TEXT NOT NULL, amount INTEGER NOT NULL, PRIMARY KEY (structure_id, year, aid_key)) STRICT;",
	 NULL},
	/* A figure not recorded when the request was instructed is « non
	 * renseigné », never 0: the QF and the reste à vivre say whether they
	 * were known. */
	{3, "whether the QF and the reste à vivre were known at instruction",
	 "ALTER TABLE aid_requests ADD COLUMN qf_known INTEGER NOT NULL DEFAULT 1;"
	 "ALTER TABLE aid_requests ADD COLUMN rav_known INTEGER NOT NULL DEFAULT 1;", NULL},
	/* The engine's steps told in plain sentences, for the letters. */
	{4, "the rule's outcome in plain French",
	 "ALTER TABLE aid_requests ADD COLUMN explain_plain TEXT NOT NULL DEFAULT '';", NULL},
	{5, "the kind of need, for scales by need",
	 "ALTER TABLE aid_requests ADD COLUMN need TEXT NOT NULL DEFAULT '';", NULL},
	{6, "the home page's counts from indexes alone (work by status, emergency aid to ratify)",
	 "CREATE INDEX aid_requests_work ON aid_requests(structure_id, status, route, decision, docs_missing);"
	 "CREATE INDEX aid_requests_ratify ON aid_requests(structure_id, route, ratified_on, decision, status);", NULL},
	/* The home page's seven figures kept by triggers (store/counts.h; read in aid_home.c): they were counted over
	 * the indexes above, 5 900 steps a manager's home page at 400 000 households. */
	{7, "the home page's figures kept by triggers",
	 KC_SQLITE("aid_counts", "aid_requests", AID_COUNTED, AID_KEYS), KC_PG("aid_counts", "aid_requests", AID_COUNTED, AID_KEYS)},
	/* The rulebooks are a reference list of the structure (kept in memory under its version: accounts.h). */
	{8, "rulebooks raise the structure's reference version",
	 ACCOUNTS_REFS_TRIGGERS_SQ("aid_rulebooks"), ACCOUNTS_REFS_TRIGGER_PG("aid_rulebooks")},
	/* The household page reads which of a household's parts have rows (persons.h): its section's. */
	{9, "aid_requests counted in the household's parts, by triggers",
	 AID_PARTS(PERSONS_PART_SQLITE),
	 AID_PARTS(PERSONS_PART_PG)},
};
const db_module_schema aid_schema = {"aid", migrations, COUNTOF(migrations)};


static db_sql Q_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_rulebooks (structure_id, version, adopted_on, effective_on, text, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
/* The rulebook in force at a date, and a rulebook by number: kept in memory (DB_KEPT) while the structure's
 * reference version holds — every write of aid_rulebooks raises it (migration 8). */
static db_sql Q_IN_FORCE = DB_SQL(DB_SCOPED | DB_KEPT,
	"SELECT id, text FROM aid_rulebooks WHERE structure_id = $1 AND effective_on <= $2 ORDER BY effective_on DESC, id DESC LIMIT 1");
static db_sql Q_ONE = DB_SQL(DB_SCOPED | DB_KEPT, "SELECT version, effective_on, text, adopted_on FROM aid_rulebooks WHERE structure_id = $1 AND id = $2");

bool aid_rulebook_parse(arena *a, const char *text, aid_rulebook *rb)
{
	aid_error errs[4];
	int ne;
	return text && aid_rules_parse(a, text, rb, errs, 4, &ne);
}

/* Rulebooks parsed once for the process: a rulebook's row never changes (a new version is a new row), and every
 * aid list, request page and step parsed the one in force again (a sixth of an aid list's processor). Kept by row
 * number and text — the text read each time is compared with the one parsed (two databases in one process may give
 * one number to two texts). At most KEPT_MAX, never dropped (a request may be reading one): past that, parsed for
 * the request, as before. */
enum { KEPT_MAX = 64 };
typedef struct kept_rulebook {
	int64_t id;
	char *text;
	arena a;             /* the parse's strings, for the process */
	aid_rulebook rb;
} kept_rulebook;
static kept_rulebook *kept[KEPT_MAX];
static _Atomic int nkept;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static const kept_rulebook *kept_find(int64_t id, const char *text)
{
	int n = atomic_load_explicit(&nkept, memory_order_acquire);
	for (int i = 0; i < n; i++)
		if (kept[i]->id == id && !strcmp(kept[i]->text, text))
			return kept[i];
	return NULL;
}

static bool rulebook_of(arena *a, int64_t id, const char *text, aid_rulebook *rb)
{
	if (!text)
		return false;
	const kept_rulebook *k = kept_find(id, text);
	if (k) {
		*rb = k->rb;
		return true;
	}
	pthread_mutex_lock(&kept_lock);
	int n = atomic_load_explicit(&nkept, memory_order_relaxed);
	kept_rulebook *fresh = !kept_find(id, text) && n < KEPT_MAX ? calloc(1, sizeof *fresh) : NULL;
	if (fresh) {
		arena_init(&fresh->a, 0);
		fresh->id = id;
		fresh->text = arena_strdup(&fresh->a, text);
		if (fresh->text && aid_rulebook_parse(&fresh->a, fresh->text, &fresh->rb) && !fresh->a.failed) {
			kept[n] = fresh;
			atomic_store_explicit(&nkept, n + 1, memory_order_release);
		} else {
			arena_release(&fresh->a);
			free(fresh);
		}
	}
	pthread_mutex_unlock(&kept_lock);
	if ((k = kept_find(id, text))) {
		*rb = k->rb;
		return true;
	}
	return aid_rulebook_parse(a, text, rb); /* an invalid text, or more rulebooks than kept */
}

bool aid_rulebook_on(db_conn *c, arena *a, civil_date on, aid_rulebook *rb, int64_t *id)
{
	db_res q = {0};
	char *text = NULL;
	if (DBQ(c, &Q_IN_FORCE, &q, A_TEXT(civil_iso(a, on))) == E_OK && db_next(&q)) {
		*id = db_int(&q, 0);
		text = db_dup(&q, 1, a);
	}
	db_close(&q);
	return rulebook_of(a, text ? *id : 0, text, rb);
}

bool aid_rulebook_by_id(db_conn *c, arena *a, int64_t id, aid_rulebook *rb)
{
	db_res q = {0};
	char *text = NULL;
	if (DBQ(c, &Q_ONE, &q, A_INT(id)) == E_OK && db_next(&q))
		text = db_dup(&q, 2, a);
	db_close(&q);
	return rulebook_of(a, id, text, rb);
}

err aid_rulebook_insert(db_conn *c, const aid_rulebook *rb, const char *text, int64_t user, int64_t at, int64_t *id)
{
	return DBID(c, &Q_ADD, id, A_TEXT(rb->version ? rb->version : "sans numéro"), A_TEXT(rb->adopted), A_TEXT(rb->effective),
	            A_TEXT(text), A_INT(user), A_INT(at));
}

/* Stores a new version; E_INPUT with the errors when the text is invalid. */
err aid_rules_store(const aid_ctx *x, const char *text, aid_error *errs, int max, int *ne, int64_t *id)
{
	aid_rulebook rb;
	*ne = 0;
	if (!text || !*text || strlen(text) > 200000) {
		errs[0] = (aid_error){0, "le texte est vide ou trop long (200 000 caractères au plus)"};
		*ne = 1;
		return E_INPUT;
	}
	if (!aid_rules_parse(x->a, text, &rb, errs, max, ne))
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_ADD, id, A_TEXT(rb.version ? rb.version : "sans numéro"), A_TEXT(rb.adopted), A_TEXT(rb.effective),
		         A_TEXT(text), A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "aid_rulebook", *id, rb.version);
	return db_finish(x->c, e);
}


/* ---- budget envelopes ------------------------------------------------------------------------ */

static db_sql Q_ENVELOPE = DB_SQL(DB_SCOPED,
	"SELECT (SELECT amount FROM aid_budgets WHERE structure_id = $1 AND year = $2 AND aid_key = $3), "
	"coalesce(sum(CASE WHEN decision = 'accorde' AND status <> 'annulee' THEN granted ELSE 0 END), 0), coalesce(sum(paid), 0) "
	"FROM aid_requests WHERE structure_id = $1 AND aid_key = $3 AND decided_on >= $4 AND decided_on <= $5");
static db_sql Q_BUDGET_SET = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_budgets (structure_id, year, aid_key, amount) VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (structure_id, year, aid_key) DO UPDATE SET amount = excluded.amount");
static db_sql Q_BUDGET_DEL = DB_SQL(DB_SCOPED, "DELETE FROM aid_budgets WHERE structure_id = $1 AND year = $2 AND aid_key = $3");

err aid_envelope_of(db_conn *c, const char *key, int year, aid_envelope *out)
{
	char from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	db_res q = {0};
	err e = DBQ(c, &Q_ENVELOPE, &q, A_INT(year), A_TEXT(key), A_TEXT(from), A_TEXT(to));
	*out = (aid_envelope){-1, 0, 0};
	if (e == E_OK && db_next(&q)) {
		out->voted = db_isnull(&q, 0) ? -1 : db_int(&q, 0);
		out->committed = db_int(&q, 1);
		out->paid = db_int(&q, 2);
	}
	db_close(&q);
	return e;
}


err aid_budget_set(const aid_ctx *x, int year, const aid_rulebook *rb, const int64_t *amounts)
{
	err e = db_begin(x->c, true);
	for (int i = 0; e == E_OK && i < rb->naids; i++)
		e = amounts[i] >= 0 ? DBX(x->c, &Q_BUDGET_SET, NULL, A_INT(year), A_TEXT(rb->aids[i].key), A_INT(amounts[i]))
		                    : DBX(x->c, &Q_BUDGET_DEL, NULL, A_INT(year), A_TEXT(rb->aids[i].key));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "aid_budget", year, NULL);
	return db_finish(x->c, e);
}

/* ---- the engine's facts about a household, and tariffs -------------------------------------- */

static db_sql Q_PAST = DB_SQL(DB_SCOPED,
	"SELECT coalesce(sum(CASE WHEN substr(decided_on, 1, 4) = $4 THEN granted ELSE 0 END), 0), "
	"coalesce(sum(CASE WHEN decided_on > $5 THEN granted ELSE 0 END), 0), "
	"coalesce(sum(CASE WHEN substr(decided_on, 1, 4) = $4 THEN 1 ELSE 0 END), 0) FROM aid_requests "
	"WHERE structure_id = $1 AND household_id = $2 AND aid_key = $3 AND decision = 'accorde' AND status <> 'annulee' "
	"AND id <> $6 AND decided_on <= $7");

err aid_facts_for(db_conn *c, arena *a, int64_t hid, const char *key, civil_date on, int64_t exclude_id, int residence_months,
                  int64_t bill, aid_facts *f, household_budget *hb)
{
	err e = persons_budget(c, a, hid, on, hb);
	if (e != E_OK)
		return e;
	memset(f, 0, sizeof *f);
	f->on = on;
	f->rav_day_person = hb->rav_day_person;
	f->qf = hb->qf;
	f->rav_unknown = !hb->rav_known;
	f->uc_unknown = !hb->uc_known;
	f->resources_unknown = !hb->resources_known;
	f->rav_unit = hb->rav_unit;
	f->qf_unknown = !hb->qf_known;
	f->age_unknown = true;
	f->members = hb->members;
	f->children = hb->children;
	f->child_ages = hb->child_ages;
	f->couple = hb->couple;
	f->resources = hb->resources;
	f->parts_x100 = hb->parts_x100;
	f->uc_x100 = hb->uc_x100;
	f->housing = hb->housing;
	f->resource_cats = hb->resource_cats;
	f->need = "";
	f->residence_months = residence_months;
	f->bill = bill;
	person_brief *m;
	int nm = persons_household_members(c, a, hid, &m);
	for (int i = 0; i < nm; i++) {
		civil_date bd;
		if (!strcmp(m[i].relation, "demandeur") && civil_parse(m[i].birth_date, &bd)) {
			f->applicant_age = civil_age(bd, on);
			f->age_unknown = false;
		}
	}
	char year[8];
	snprintf(year, sizeof year, "%04d", on.y);
	db_res q = {0};
	e = DBQ(c, &Q_PAST, &q, A_INT(hid), A_TEXT(key), A_TEXT(year), A_TEXT(civil_iso(a, civil_add_months(on, -12))),
	        A_INT(exclude_id), A_TEXT(civil_iso(a, on)));
	if (e == E_OK && db_next(&q)) {
		f->granted_year = db_int(&q, 0);
		f->granted_12m = db_int(&q, 1);
		f->count_year = (int)db_int(&q, 2);
	}
	db_close(&q);
	/* A shared ceiling counts what was granted under every aid sharing it. */
	aid_rulebook rb;
	int64_t rbid;
	const aid_rule *rule;
	if (e == E_OK && *key && aid_rulebook_on(c, a, on, &rb, &rbid) && (rule = aid_rules_find(&rb, key)) && rule->shared)
		for (int i = 0; e == E_OK && i < rb.naids; i++) {
			if (!rb.aids[i].shared || strcmp(rb.aids[i].shared, rule->shared))
				continue;
			e = DBQ(c, &Q_PAST, &q, A_INT(hid), A_TEXT(rb.aids[i].key), A_TEXT(year), A_TEXT(civil_iso(a, civil_add_months(on, -12))),
			        A_INT(exclude_id), A_TEXT(civil_iso(a, on)));
			if (e == E_OK && db_next(&q)) {
				f->shared_year += db_int(&q, 0);
				f->shared_12m += db_int(&q, 1);
			}
			db_close(&q);
		}
	return e;
}

err aid_tariff(db_conn *c, arena *a, int64_t hid, const char *key, civil_date on, int64_t *price, const char **explain)
{
	aid_rulebook rb;
	int64_t rbid;
	const aid_rule *rule;
	*price = 0;
	*explain = "";
	if (!aid_rulebook_on(c, a, on, &rb, &rbid) || !(rule = aid_rules_find(&rb, key)) || !rule->tariff)
		return E_NOT_FOUND;
	aid_facts f;
	household_budget hb;
	int months = persons_residence_months(c, hid, on);
	err e = aid_facts_for(c, a, hid, key, on, 0, months, 0, &f, &hb);
	if (e != E_OK)
		return e;
	f.residence_unknown = months < 0;
	aid_result res;
	aid_evaluate(a, rule, &f, &res);
	*explain = res.explain;
	if (res.incomplete || !res.eligible)
		return E_INPUT;
	*price = res.amount;
	return E_OK;
}
