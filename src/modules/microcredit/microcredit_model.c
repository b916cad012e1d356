/*
 * microcredit_model.c — personal micro-credits the CCAS accompanies:
 * schema, the steps (instruction → the bank's decision → signature →
 * repayments → outcome), the repayment schedule, follow-up contacts and
 * incidents, lists, counts. No HTML here.
 */
#include "modules/microcredit/microcredit_internal.h"
#include <math.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "store/counts.h"
#include "core/banned.h"

int PERM_MC_READ, PERM_MC_WRITE;

/* What the home page counts (mc_counts_of), for store/counts.h: credits by stage; open incidents under their
 * credit's number. */
#define MC_COUNTED "structure_id, status"
#define MC_KEYS(X, r)                                                                                                        \
	X("instruction", "CASE WHEN " r ".status IN ('instruction', 'accorde') THEN '' END")                                    \
	X("en_cours", "CASE WHEN " r ".status = 'en_cours' THEN '' END")
#define MC_E_COUNTED "structure_id, kind, resolved_on, credit_id"
#define MC_E_KEYS(X, r)                                                                                                      \
	X("incident", "CASE WHEN " r ".kind = 'incident' AND " r ".resolved_on IS NULL THEN CAST(" r ".credit_id AS TEXT) END")

static const db_migration migrations[] = {
	{1, "micro-credits accompanied, their follow-up contacts and incidents",
	 "CREATE TABLE mc_credits (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER, opened_on TEXT NOT NULL, project TEXT NOT NULL, "
	 " project_kind TEXT NOT NULL DEFAULT 'autre', amount INTEGER NOT NULL, months INTEGER NOT NULL, rate_bp INTEGER NOT NULL, "
	 " bank TEXT NOT NULL, budget_before INTEGER, "
	 " status TEXT NOT NULL CHECK (status IN ('instruction', 'accorde', 'refuse', 'en_cours', 'solde', 'contentieux', 'abandon')), "
	 " decision_on TEXT, decision_reason TEXT NOT NULL DEFAULT '', signed_on TEXT, first_due_on TEXT, ended_on TEXT, "
	 " end_note TEXT NOT NULL DEFAULT '', created_by INTEGER NOT NULL, created_at INTEGER NOT NULL, "
	 " version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX mc_credits_h ON mc_credits(structure_id, household_id);"
	 "CREATE INDEX mc_credits_s ON mc_credits(structure_id, status, opened_on);"
	 "CREATE TABLE mc_events (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " credit_id INTEGER NOT NULL, on_date TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('suivi', 'incident')), "
	 " note TEXT NOT NULL, resolved_on TEXT, created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX mc_events_c ON mc_events(structure_id, credit_id, on_date);"
	 "CREATE INDEX mc_events_open ON mc_events(structure_id, kind, resolved_on, credit_id);",
	 NULL},
	/* The home page's three figures kept by triggers (store/counts.h): the credits being prepared and being repaid,
	 * and the open incidents by credit — a credit is counted once, however many incidents it has open. They were
	 * counted over indexes, 4 300 steps a home page at 400 000 households. */
	{2, "the home page's figures kept by triggers",
	 KC_SQLITE("mc_counts", "mc_credits", MC_COUNTED, MC_KEYS) KC_SQLITE("mc_incident_counts", "mc_events", MC_E_COUNTED, MC_E_KEYS),
	 KC_PG("mc_counts", "mc_credits", MC_COUNTED, MC_KEYS) KC_PG("mc_incident_counts", "mc_events", MC_E_COUNTED, MC_E_KEYS)},
	/* The household page reads which of a household's parts have rows (persons.h): its section's. */
	{3, "mc_credits counted in the household's parts, by triggers",
	 MICROCREDIT_PARTS(PERSONS_PART_SQLITE),
	 MICROCREDIT_PARTS(PERSONS_PART_PG)},
};
const db_module_schema microcredit_schema = {"microcredit", migrations, COUNTOF(migrations)};

const code MC_STATES[7] = {{"instruction", "En instruction"}, {"accorde", "Accordé par la banque, à signer"}, {"refuse", "Refusé par la banque"},
                           {"en_cours", "En remboursement"}, {"solde", "Remboursé"}, {"contentieux", "Impayé, au contentieux"},
                           {"abandon", "Abandonné"}};
const code MC_PROJECTS[7] = {{"mobilite", "Mobilité (véhicule, permis de conduire)"}, {"emploi", "Emploi, formation"},
                             {"logement", "Logement (installation, dépôt de garantie, équipement)"}, {"sante", "Santé"},
                             {"famille", "Événement familial"}, {"dette", "Rachat d’une dette (à titre exceptionnel)"}, {"autre", "Autre projet"}};
const code MC_EVENTS[2] = {{"suivi", "Contact de suivi"}, {"incident", "Incident de remboursement"}};
const code MC_LISTS[5] = {{"instruction", "En instruction ou à signer"}, {"en_cours", "En remboursement"},
                          {"incidents", "Incidents non régularisés"}, {"termines", "Terminés"}, {"", "Tous"}};
const code MC_DECISIONS[3] = {{"", "— choisir —"}, {"accorde", "Accordé"}, {"refuse", "Refusé"}};
const code MC_ENDS[4] = {{"", "— choisir —"}, {"solde", "Remboursé"}, {"contentieux", "Impayé, au contentieux"}, {"abandon", "Abandonné"}};

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

/* ---- the schedule ------------------------------------------------------------------------------ */

int64_t mc_schedule(arena *a, int64_t amount, int64_t months, int64_t rate_bp, const char *first_due, mc_due **out)
{
	if (out)
		*out = NULL;
	if (amount <= 0 || months <= 0)
		return 0;
	double r = (double)rate_bp / 10000.0 / 12.0;
	int64_t pay = r > 0 ? (int64_t)llround((double)amount * r / (1.0 - pow(1.0 + r, -(double)months)))
	                    : (amount + months - 1) / months;
	if (!out)
		return pay;
	mc_due *v = arena_array(a, (size_t)months, sizeof *v);
	civil_date f;
	bool dated = first_due && civil_parse(first_due, &f);
	int64_t left = amount;
	for (int64_t i = 0; v && i < months; i++) {
		int64_t interest = (int64_t)llround((double)left * r), principal = pay - interest;
		if (i == months - 1 || principal > left)
			principal = left;
		left -= principal;
		v[i] = (mc_due){(int)i + 1, dated ? civil_iso(a, civil_add_months(f, (int)i)) : "", principal + interest, interest, principal, left};
	}
	*out = v;
	return pay;
}

/* ---- credits -------------------------------------------------------------------------------------- */

#define C_COLS                                                                                                               \
	"c.id, c.household_id, coalesce(c.person_id, 0), c.amount, c.months, c.rate_bp, coalesce(c.budget_before, 0), c.version, " \
	"c.project, c.project_kind, c.bank, c.status, c.decision_on, c.decision_reason, c.signed_on, c.first_due_on, c.ended_on, "   \
	"c.end_note, c.opened_on, c.budget_before IS NOT NULL"

static void fill(db_res *q, arena *a, mc_credit *o)
{
	int64_t *ints[] = {&o->id, &o->household_id, &o->person_id, &o->amount, &o->months, &o->rate_bp, &o->budget_before, &o->version};
	for (int i = 0; i < COUNTOF(ints); i++)
		*ints[i] = db_int(q, i);
	const char **txt[] = {&o->project, &o->project_kind, &o->bank, &o->status, &o->decision_on, &o->decision_reason, &o->signed_on,
	                      &o->first_due_on, &o->ended_on, &o->end_note, &o->opened_on};
	for (int i = 0; i < COUNTOF(txt); i++) {
		char *s = db_dup(q, 8 + i, a);
		*txt[i] = s ? s : "";
	}
	o->budget_known = db_int(q, 19) != 0;
}

static int credits_of(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, int total_col, mc_credit **out, int64_t *total)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		mc_credit *m = ARENA_PUSH(a, *out, n, cap);
		if (!m)
			break;
		fill(&q, a, m);
		if (total_col >= 0 && total)
			*total = db_int(&q, total_col);
	}
	db_close(&q);
	return n;
}

static db_sql Q_GET = DB_SQL(DB_SCOPED, "SELECT " C_COLS " FROM mc_credits c WHERE c.structure_id = $1 AND c.id = $2");

bool mc_load(db_conn *c, arena *a, int64_t id, mc_credit *out)
{
	mc_credit *v;
	if (credits_of(c, a, &Q_GET, 1, (db_arg[]){A_INT(id)}, -1, &v, NULL) != 1)
		return false;
	*out = v[0];
	return true;
}

static db_sql Q_EVENTS = DB_SQL(DB_SCOPED,
	"SELECT id, on_date, kind, note, coalesce(resolved_on, '') FROM mc_events WHERE structure_id = $1 AND credit_id = $2 "
	"ORDER BY on_date DESC, id DESC");

int mc_events(db_conn *c, arena *a, int64_t id, mc_event **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ(c, &Q_EVENTS, &q, A_INT(id)) != E_OK)
		return -1;
	while (db_next(&q)) {
		mc_event *e = ARENA_PUSH(a, *out, n, cap);
		if (!e)
			break;
		*e = (mc_event){db_int(&q, 0), db_dup(&q, 1, a), db_dup(&q, 2, a), db_dup(&q, 3, a), db_dup(&q, 4, a)};
	}
	db_close(&q);
	return n;
}

/* The terms of the loan as typed (new credit and changes before the decision). */
typedef struct terms { const char *project, *kind, *bank; int64_t amount, months, rate_bp, budget; bool budget_known; } terms;

static void terms_read(const mc_ctx *x, const kv_list *in, form_errors *fe, terms *t)
{
	const char *am = in_get(in, "amount"), *mo = in_get(in, "months"), *ra = in_get(in, "rate"), *bu = in_get(in, "budget_before");
	*t = (terms){in_get(in, "project"), in_get(in, "project_kind"), in_get(in, "bank"), 0, 0, 0, 0, bu != NULL};
	if (!t->project || strlen(t->project) > 1000)
		form_error(fe, "project", "Décrivez le projet financé (1 000 caractères au plus).");
	if (t->kind && !CODE_OK(MC_PROJECTS, t->kind))
		form_error(fe, "project_kind", "Choisissez le type de projet dans la liste.");
	if (!am || !money_parse(am, &t->amount) || t->amount < 10000 || t->amount > 1000000)
		form_error(fe, "amount", "Le montant emprunté, en euros, de 100 à 10 000 (par exemple 2 500).");
	if (!mo || !text_to_int64(mo, 6, 84, &t->months))
		form_error(fe, "months", "La durée du prêt, en mois : de 6 à 84.");
	/* The annual rate: « 3,5 », « 3.50 », « 3,5 % ». */
	int64_t hundredths = -1;
	if (ra) {
		char *r = text_trim(x->a, arena_strdup(x->a, ra));
		size_t n = r ? strlen(r) : 0;
		while (r && n && (r[n - 1] == '%' || r[n - 1] == ' '))
			r[--n] = 0;
		if (!r || !money_parse(r, &hundredths))
			hundredths = -1;
	}
	if (hundredths < 0 || hundredths > 2000)
		form_error(fe, "rate", "Le taux annuel du prêt, en pour cent, de 0 à 20 (par exemple 3,5).");
	t->rate_bp = hundredths;
	if (!t->bank || strlen(t->bank) > 120)
		form_error(fe, "bank", "La banque partenaire qui prête (120 caractères au plus).");
	if (bu && (!money_parse(bu, &t->budget) || t->budget < -10000000 || t->budget > 10000000))
		form_error(fe, "budget_before", "Le reste à vivre mensuel avant le prêt, en euros (il peut être négatif).");
}

static db_sql Q_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO mc_credits (structure_id, household_id, person_id, opened_on, project, project_kind, amount, months, rate_bp, bank, "
	"budget_before, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'instruction', $12, $13) "
	"RETURNING id");

err mc_create(const mc_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0;
	const char *hs = in_get(in, "household"), *os = in_get(in, "opened_on");
	civil_date on = x->today;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(x->c, hid)) {
		form_error(fe, "household", "Choisissez le foyer qui emprunte.");
		hid = 0;
	}
	if (os && (!civil_parse(os, &on) || civil_to_days(on) > civil_to_days(x->today)))
		form_error(fe, "opened_on", "La date du premier entretien est au format AAAA-MM-JJ et ne peut pas être dans le futur.");
	terms t;
	terms_read(x, in, fe, &t);
	bool not_member = false;
	int64_t pid = persons_member_or_applicant(x->c, x->a, hid, in_get(in, "person"), &not_member);
	if (not_member)
		form_error(fe, "person", "L’emprunteur doit être un membre du foyer.");
	if (fe->n)
		return E_INPUT;
	/* The budget before: as typed, else the household's reste à vivre when it is known. */
	household_budget hb;
	if (!t.budget_known && persons_budget(x->c, x->a, hid, x->today, &hb) == E_OK && hb.resources_known)
		t.budget = hb.rav_month, t.budget_known = true;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_NEW, id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(civil_iso(x->a, on)), A_TEXT(t.project),
		         A_TEXT(t.kind ? t.kind : "autre"), A_INT(t.amount), A_INT(t.months), A_INT(t.rate_bp), A_TEXT(t.bank),
		         t.budget_known ? A_INT(t.budget) : A_NULL, A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, x->user, "mc_credit", *id,
		                         arena_printf(x->a, "Microcrédit en instruction : %s sur %lld mois (%s)", money_format(x->a, t.amount),
		                                      (long long)t.months, t.bank));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "mc_credit", *id, NULL);
	return db_finish(x->c, e);
}

static db_sql Q_TERMS = DB_SQL(DB_SCOPED,
	"UPDATE mc_credits SET project = $3, project_kind = $4, amount = $5, months = $6, rate_bp = $7, bank = $8, budget_before = $9, "
	"version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $10 AND status = 'instruction'");
static db_sql Q_DECIDE = DB_SQL(DB_SCOPED,
	"UPDATE mc_credits SET status = $3, decision_on = $4, decision_reason = $5, version = version + 1 WHERE structure_id = $1 "
	"AND id = $2 AND version = $6 AND status = 'instruction'");
static db_sql Q_SIGN = DB_SQL(DB_SCOPED,
	"UPDATE mc_credits SET status = 'en_cours', signed_on = $3, first_due_on = $4, version = version + 1 WHERE structure_id = $1 "
	"AND id = $2 AND version = $5 AND status = 'accorde'");
static db_sql Q_CLOSE = DB_SQL(DB_SCOPED,
	"UPDATE mc_credits SET status = $3, ended_on = $4, end_note = $5, version = version + 1 WHERE structure_id = $1 AND id = $2 "
	"AND version = $6 AND status IN ($7, $8)");
static db_sql Q_BUMP = DB_SQL(DB_SCOPED,
	"UPDATE mc_credits SET version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $3 "
	"AND status NOT IN ('refuse', 'abandon')");
static db_sql Q_EV_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO mc_events (structure_id, credit_id, on_date, kind, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
static db_sql Q_EV_SETTLE = DB_SQL(DB_SCOPED,
	"UPDATE mc_events SET resolved_on = $4 WHERE structure_id = $1 AND credit_id = $2 AND id = $3 AND kind = 'incident' "
	"AND resolved_on IS NULL AND on_date <= $4");

static bool step_date(const mc_ctx *x, const char *s, const char *from, civil_date *out)
{
	civil_date f;
	if (!s || !civil_parse(s, out) || civil_to_days(*out) > civil_to_days(x->today))
		return false;
	return !from || !*from || !civil_parse(from, &f) || civil_to_days(*out) >= civil_to_days(f);
}

err mc_act(const mc_ctx *x, mc_credit *m, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	int64_t ver = 0, n = 0, n2 = 1;
	const char *vs = in_get(in, "version"), *event = NULL;
	if (!vs || !text_to_int64(vs, 0, INT64_MAX, &ver))
		ver = m->version;
	err e = E_OK;
	civil_date d;
	const char *on = in_get(in, "on"), *note = in_get(in, "note");
	if (!on)
		on = civil_iso(x->a, x->today);
	if (note && strlen(note) > 2000)
		form_error(fe, "note", "La note tient en 2 000 caractères.");
	if (!strcmp(action, "modifier")) {
		terms t;
		terms_read(x, in, fe, &t);
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_TERMS, &n, A_INT(m->id), A_TEXT(t.project), A_TEXT(t.kind ? t.kind : "autre"), A_INT(t.amount),
			        A_INT(t.months), A_INT(t.rate_bp), A_TEXT(t.bank), t.budget_known ? A_INT(t.budget) : A_NULL, A_INT(ver));
		event = arena_printf(x->a, "Microcrédit modifié : %s sur %lld mois", money_format(x->a, t.amount), (long long)t.months);
	} else if (!strcmp(action, "decision")) {
		const char *dec = in_get(in, "decision");
		if (!dec || !CODE_OK(MC_DECISIONS, dec))
			form_error(fe, "decision", "Choisissez la décision de la banque : accordé ou refusé.");
		if (dec && !strcmp(dec, "refuse") && !note)
			form_error(fe, "note", "Notez le motif du refus que la banque a donné.");
		if (!step_date(x, on, m->opened_on, &d))
			form_error(fe, "on", "La date de la décision : après l’ouverture, pas dans le futur (AAAA-MM-JJ).");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_DECIDE, &n, A_INT(m->id), A_TEXT(dec), A_TEXT(civil_iso(x->a, d)), A_TEXT(note ? note : ""), A_INT(ver));
		event = arena_printf(x->a, "Microcrédit %s par la banque", !strcmp(dec, "accorde") ? "accordé" : "refusé");
	} else if (!strcmp(action, "signature")) {
		const char *fs = in_get(in, "first_due_on");
		civil_date f = x->today;
		if (!step_date(x, on, m->decision_on, &d))
			form_error(fe, "on", "La date de signature : après la décision, pas dans le futur (AAAA-MM-JJ).");
		else if (!fs)
			f = civil_add_months(d, 1);
		if (fs && (!civil_parse(fs, &f) || civil_to_days(f) <= civil_to_days(d)))
			form_error(fe, "first_due_on", "La première échéance : une date après la signature (AAAA-MM-JJ).");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_SIGN, &n, A_INT(m->id), A_TEXT(civil_iso(x->a, d)), A_TEXT(civil_iso(x->a, f)), A_INT(ver));
		event = arena_printf(x->a, "Microcrédit signé, première échéance le %s", civil_fr(x->a, civil_iso(x->a, f)));
	} else if (!strcmp(action, "suivi") || !strcmp(action, "incident")) {
		bool incident = !strcmp(action, "incident");
		if (!note)
			form_error(fe, "note", incident ? "Décrivez l’incident : échéance impayée, rejet de prélèvement…"
			                                : "Notez ce qui a été dit au contact de suivi.");
		if (!step_date(x, on, m->opened_on, &d))
			form_error(fe, "on", "La date : après l’ouverture, pas dans le futur (AAAA-MM-JJ).");
		if (incident && strcmp(m->status, "en_cours") && strcmp(m->status, "contentieux"))
			form_error(fe, "action", "Un incident de remboursement se note sur un prêt en remboursement.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_BUMP, &n, A_INT(m->id), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_EV_NEW, NULL, A_INT(m->id), A_TEXT(civil_iso(x->a, d)), A_TEXT(action), A_TEXT(note), A_INT(x->user),
			        A_INT(civil_now()));
		event = incident ? "Microcrédit : incident de remboursement" : "Microcrédit : contact de suivi";
	} else if (!strcmp(action, "regularise")) {
		const char *es = in_get(in, "event");
		int64_t eid = 0;
		if (!es || !text_to_int64(es, 1, INT64_MAX, &eid))
			form_error(fe, "event", "Choisissez l’incident régularisé.");
		if (!step_date(x, on, NULL, &d))
			form_error(fe, "on", "La date de régularisation : pas dans le futur (AAAA-MM-JJ).");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_BUMP, &n, A_INT(m->id), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_EV_SETTLE, &n2, A_INT(m->id), A_INT(eid), A_TEXT(civil_iso(x->a, d)));
		if (e == E_OK && n == 1 && n2 != 1) {
			db_finish(x->c, E_CONFLICT);
			form_error(fe, "event", "Cet incident est déjà régularisé, ou daté après la régularisation.");
			return E_INPUT;
		}
		event = "Microcrédit : incident régularisé";
	} else if (!strcmp(action, "cloture")) {
		const char *end = in_get(in, "end");
		bool abandon = end && !strcmp(end, "abandon");
		if (!end || !CODE_OK(MC_ENDS, end))
			form_error(fe, "end", "Choisissez l’issue : remboursé, impayé au contentieux ou abandonné.");
		if (!step_date(x, on, m->opened_on, &d))
			form_error(fe, "on", "La date : après l’ouverture, pas dans le futur (AAAA-MM-JJ).");
		if (fe->n)
			return E_INPUT;
		/* Abandoned before signature; repaid or defaulted once signed (a defaulted loan may still be repaid). */
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_CLOSE, &n, A_INT(m->id), A_TEXT(end), A_TEXT(civil_iso(x->a, d)), A_TEXT(note ? note : ""), A_INT(ver),
			        A_TEXT(abandon ? "instruction" : "en_cours"), A_TEXT(abandon ? "accorde" : "contentieux"));
		event = arena_printf(x->a, "Microcrédit : %s", CODE_LABEL(MC_ENDS, end));
	} else {
		return E_NOT_FOUND;
	}
	if (e == E_OK && n != 1) {
		e = E_CONFLICT;
		*why = ver != m->version ? "Quelqu’un d’autre a modifié ce microcrédit entre-temps : voici son état actuel, vérifiez avant de "
		                           "recommencer."
		                         : "Ce n’est pas possible dans l’état actuel du microcrédit.";
	}
	if (e == E_OK)
		e = persons_timeline_add(x->c, m->household_id, x->user, "mc_credit", m->id, event);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "mc_credit", m->id, action);
	return db_finish(x->c, e);
}

/* ---- lists ------------------------------------------------------------------------------------------ */

/* Each list: its page and its total counted apart (a count beside every row said 0 on a page past the end). */
#define L_STATUS "FROM mc_credits c WHERE c.structure_id = $1 AND c.status IN ($2, $3, $4, $5)"
#define L_INCIDENTS                                                                                                    \
	"FROM mc_credits c WHERE c.structure_id = $1 AND c.id IN (SELECT e.credit_id FROM mc_events e "                     \
	"WHERE e.structure_id = $1 AND e.kind = 'incident' AND e.resolved_on IS NULL)"
static db_sql Q_L_STATUS = DB_SQL(DB_SCOPED, "SELECT " C_COLS " " L_STATUS " ORDER BY c.opened_on DESC, c.id DESC LIMIT $6 OFFSET $7");
static db_sql Q_N_STATUS = DB_SQL(DB_SCOPED, "SELECT count(*) " L_STATUS);
static db_sql Q_L_INCIDENTS = DB_SQL(DB_SCOPED, "SELECT " C_COLS " " L_INCIDENTS " ORDER BY c.opened_on, c.id LIMIT $2 OFFSET $3");
static db_sql Q_N_INCIDENTS = DB_SQL(DB_SCOPED, "SELECT count(*) " L_INCIDENTS);
static db_sql Q_L_ALL = DB_SQL(DB_SCOPED,
	"SELECT " C_COLS " FROM mc_credits c WHERE c.structure_id = $1 ORDER BY c.opened_on DESC, c.id DESC LIMIT $2 OFFSET $3");
static db_sql Q_N_ALL = DB_SQL(DB_SCOPED, "SELECT count(*) FROM mc_credits WHERE structure_id = $1");

int mc_list(const mc_ctx *x, const char *list, int limit, int offset, mc_credit **out, int64_t *total)
{
	*out = NULL;
	*total = 0;
	int n;
	if (!strcmp(list, "incidents") || !*list) {
		bool inc = *list != 0;
		n = credits_of(x->c, x->a, inc ? &Q_L_INCIDENTS : &Q_L_ALL, 2, (db_arg[]){A_INT(limit), A_INT(offset)}, -1, out, NULL);
		return n >= 0 && db_exec_id(x->c, inc ? &Q_N_INCIDENTS : &Q_N_ALL, 0, NULL, total) == E_OK ? n : -1;
	}
	static const char *const sets[][4] = {{"instruction", "accorde", "", ""}, {"en_cours", "", "", ""},
	                                      {"solde", "contentieux", "refuse", "abandon"}};
	int k = !strcmp(list, "instruction") ? 0 : !strcmp(list, "en_cours") ? 1 : 2;
	db_arg args[] = {A_TEXT(sets[k][0]), A_TEXT(sets[k][1]), A_TEXT(sets[k][2]), A_TEXT(sets[k][3]), A_INT(limit), A_INT(offset)};
	n = credits_of(x->c, x->a, &Q_L_STATUS, 6, args, -1, out, NULL);
	return n >= 0 && db_exec_id(x->c, &Q_N_STATUS, 4, args, total) == E_OK ? n : -1;
}

static db_sql Q_OF_H = DB_SQL(DB_SCOPED,
	"SELECT " C_COLS " FROM mc_credits c WHERE c.structure_id = $1 AND c.household_id = $2 ORDER BY c.opened_on DESC, c.id DESC");

int mc_of_household(db_conn *c, arena *a, int64_t hid, mc_credit **out)
{
	return credits_of(c, a, &Q_OF_H, 1, (db_arg[]){A_INT(hid)}, -1, out, NULL);
}

static db_sql Q_COUNTS = DB_SQL(DB_SCOPED,
	"SELECT " KC_SUM("mc_counts", "instruction", "") ", " KC_SUM("mc_counts", "en_cours", "") ", " /* microcredit/2 */
	"(SELECT count(*) FROM mc_incident_counts WHERE structure_id = $1 AND what = 'incident')");

err mc_counts_of(const mc_ctx *x, mc_counts *out)
{
	memset(out, 0, sizeof *out);
	db_res q = {0};
	err e = DBQ0(x->c, &Q_COUNTS, &q);
	if (e == E_OK && db_next(&q))
		*out = (mc_counts){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2)};
	db_close(&q);
	return e;
}
