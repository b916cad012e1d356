/* aid_requests.c — a request's life, from draft to closing, its page and
 * the work lists (see aid_internal.h). Every change goes through aid_act. */
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid_internal.h"
#include "modules/journal/journal.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/xlsx.h"
#include "core/banned.h"

const char *const AID_ST_V[AID_NSTATUS] = {"brouillon", "deposee", "instruite", "inscrite", "decidee",
                                           "notifiee", "payee", "close", "retiree", "annulee"};
const char *const AID_ST_L[AID_NSTATUS] = {"Brouillon", "Déposée", "Instruite", "Inscrite en commission", "Décidée",
                                           "Notifiée", "Payée", "Close", "Retirée", "Annulée"};

static const char *label_of(const char *const *v, const char *const *l, int n, const char *x)
{
	for (int i = 0; x && i < n; i++)
		if (!strcmp(v[i], x))
			return l[i];
	return x ? x : "";
}
const char *aid_status_label(const char *s) { return label_of(AID_ST_V, AID_ST_L, AID_NSTATUS, s); }
static const char *const DEC_V[] = {"accorde", "refuse", "ajourne"};
static const char *const DEC_L[] = {"Accordée", "Refusée", "Ajournée"};
const char *aid_decision_label(const char *d) { return d && *d ? label_of(DEC_V, DEC_L, 3, d) : "—"; }
static const char *const ROUTE_V[] = {"delegation", "commission", "urgence"};
static const char *const ROUTE_L[] = {"Délégation du directeur", "Commission permanente", "Urgence (ratification ensuite)"};
const char *aid_route_label(const char *d) { return d && *d ? label_of(ROUTE_V, ROUTE_L, 3, d) : "—"; }


/* ---- statements ------------------------------------------------------------------------------ */

#define REQ_COLS                                                                                                            \
	"id, household_id, person_id, rulebook_id, session_id, version, instructor_id, decided_by, bill, proposed, "            \
	"opinion_amount, granted, paid, qf, rav, residence_months, eligible, agenda_no, aid_key, aid_label, status, "           \
	"requested_on, purpose, creditor, docs_missing, explain, opinion, opinion_reason, route, decision, decision_motive, " \
	"decided_on, ratified_on, notified_on, payment_mode, paid_on, vouchers, pay_reference, closed_on, end_reason"
static db_sql Q_GET = DB_SQL(DB_SCOPED, "SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1 AND id = $2");
static db_sql Q_CREATE = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_requests (structure_id, household_id, person_id, aid_key, aid_label, status, requested_on, purpose, bill, "
	"residence_months, creditor, created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'brouillon', $6, $7, $8, $9, $10, $11, $12) "
	"RETURNING id");
static db_sql Q_EVENT = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_events (structure_id, request_id, session_id, on_date, kind, detail, user_id, at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
#define WHERE_V " WHERE structure_id = $1 AND id = $2 AND version = $3 AND "
static db_sql Q_SUBMIT = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'deposee', docs_missing = $4, version = version + 1" WHERE_V "status = 'brouillon'");
static db_sql Q_DOCS = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET docs_missing = $4, version = version + 1" WHERE_V "status = 'deposee'");
static db_sql Q_INSTRUCT = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'instruite', rulebook_id = $4, eligible = $5, proposed = $6, explain = $7, qf = $8, "
	"rav = $9, opinion = $10, opinion_amount = $11, opinion_reason = $12, route = $13, instructor_id = $14, bill = $15, "
	"residence_months = $16, version = version + 1" WHERE_V "status IN ('deposee', 'instruite')");
static db_sql Q_AGENDA = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'inscrite', session_id = $4, agenda_no = (SELECT coalesce(max(x.agenda_no), 0) + 1 "
	"FROM aid_requests x WHERE x.structure_id = $1 AND x.session_id = $4), version = version + 1" WHERE_V "status = 'instruite'");
static db_sql Q_DECIDE = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'decidee', decision = $4, granted = $5, decision_motive = $6, decided_on = $7, "
	"decided_by = $8, version = version + 1" WHERE_V "status IN ('instruite', 'inscrite')");
static db_sql Q_ADJOURN = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'instruite', session_id = NULL, agenda_no = NULL, version = version + 1" WHERE_V
	"status IN ('instruite', 'inscrite')");
static db_sql Q_RATIFY = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET ratified_on = $4, version = version + 1" WHERE_V
	"route = 'urgence' AND ratified_on IS NULL AND decision IN ('accorde', 'refuse') AND status <> 'annulee'");
static db_sql Q_NOTIFY = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'notifiee', notified_on = $4, version = version + 1" WHERE_V "status = 'decidee'");
static db_sql Q_PAY = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'payee', paid = $4, paid_on = $5, payment_mode = $6, vouchers = $7, pay_reference = $8, "
	"creditor = $9, version = version + 1" WHERE_V "status = 'notifiee' AND decision = 'accorde'");
static db_sql Q_CLOSE = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'close', closed_on = $4, version = version + 1" WHERE_V
	"(status = 'payee' OR (status = 'notifiee' AND decision = 'refuse'))");
static db_sql Q_WITHDRAW = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'retiree', end_reason = $4, closed_on = $5, version = version + 1" WHERE_V
	"status IN ('brouillon', 'deposee', 'instruite', 'inscrite')");
static db_sql Q_CANCEL = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET status = 'annulee', end_reason = $4, closed_on = $5, version = version + 1" WHERE_V
	"status IN ('brouillon', 'deposee', 'instruite', 'inscrite', 'decidee', 'notifiee')");
static db_sql Q_SESSION_OPEN = DB_SQL(DB_SCOPED, "SELECT count(*) FROM aid_sessions WHERE structure_id = $1 AND id = $2 AND status = 'prevue'");
static db_sql Q_EVENTS = DB_SQL(DB_SCOPED,
	"SELECT e.on_date, e.kind, e.detail, u.display_name, e.session_id FROM aid_events e LEFT JOIN agent_names u ON u.id = e.user_id "
	"WHERE e.structure_id = $1 AND e.request_id = $2 ORDER BY e.at, e.id");
static db_sql Q_NEXT_SESSIONS = DB_SQL(DB_SCOPED,
	"SELECT id, held_on, place FROM aid_sessions WHERE structure_id = $1 AND status = 'prevue' ORDER BY held_on LIMIT 10");
/* Lists: a few fixed statements, every filter a parameter (never
 * assembled), each one able to use its index: by household, by session,
 * by status, by decision date; the residual filters apply to what the
 * index gave. */
#define LIST_FILTERS                                                                                                  \
	" AND ($3 = '' OR aid_key = $3) AND ($4 = 0 OR ($4 = 1 AND docs_missing <> '') OR ($4 = 2 AND docs_missing = '')) " \
	"AND ($5 = '' OR route = $5 OR ($5 = 'hors_commission' AND route IN ('delegation', 'urgence'))) "                   \
	"AND ($6 = '' OR decided_on >= $6) AND ($7 = 0 OR instructor_id = $7 OR created_by = $7) "                          \
	"AND ($8 = 0 OR session_id = $8) AND ($9 = 0 OR household_id = $9) AND ($10 = '' OR decision = $10) "
#define NEWEST " ORDER BY id DESC LIMIT $11 OFFSET $12"
#define OLDEST " ORDER BY requested_on, id LIMIT $11 OFFSET $12"
static db_sql Q_LIST = DB_SQL(DB_SCOPED,
	"SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1 AND ($2 = '' OR status = $2)" LIST_FILTERS NEWEST);
static db_sql Q_LIST_STATUS = DB_SQL(DB_SCOPED,
	"SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1 AND status = $2" LIST_FILTERS NEWEST);
static db_sql Q_LIST_STATUS_OLDEST = DB_SQL(DB_SCOPED, /* work lists: the oldest first, in the index's order */
	"SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1 AND status = $2" LIST_FILTERS OLDEST);
static db_sql Q_LIST_HOUSEHOLD = DB_SQL(DB_SCOPED,
	"SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1 AND household_id = $9 AND ($2 = '' OR status = $2)" LIST_FILTERS NEWEST);
static db_sql Q_LIST_SESSION = DB_SQL(DB_SCOPED,
	"SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1 AND session_id = $8 AND ($2 = '' OR status = $2)" LIST_FILTERS NEWEST);
static db_sql Q_LIST_SINCE = DB_SQL(DB_SCOPED,
	"SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1 AND decided_on >= $6 AND ($2 = '' OR status = $2)" LIST_FILTERS NEWEST);

static const char *const EV_V[] = {"creation", "deposer", "pieces", "instruction", "inscription", "accorde", "refuse", "ajourne",
                                   "ratification", "notification", "paiement", "cloture", "retrait", "annulation"};
static const char *const EV_L[] = {"Création", "Dépôt", "Pièces reçues", "Instruction", "Inscription en commission", "Accordée",
                                   "Refusée", "Ajournée", "Ratification", "Notification", "Paiement", "Clôture", "Retrait",
                                   "Annulation"};

static void fill(db_res *q, arena *a, aid_req *o)
{
	int64_t *ints[] = {&o->id, &o->household_id, &o->person_id, &o->rulebook_id, &o->session_id, &o->version, &o->instructor_id,
	                   &o->decided_by, &o->bill, &o->proposed, &o->opinion_amount, &o->granted, &o->paid, &o->qf, &o->rav};
	for (int i = 0; i < 15; i++)
		*ints[i] = db_int(q, i);
	o->residence_months = (int)db_int(q, 15);
	o->eligible = db_isnull(q, 16) ? -1 : (int)db_int(q, 16);
	o->agenda_no = (int)db_int(q, 17);
	const char **txt[] = {&o->aid_key, &o->aid_label, &o->status, &o->requested_on, &o->purpose, &o->creditor,
	                      &o->docs_missing, &o->explain, &o->opinion, &o->opinion_reason, &o->route, &o->decision,
	                      &o->decision_motive, &o->decided_on, &o->ratified_on, &o->notified_on, &o->payment_mode,
	                      &o->paid_on, &o->vouchers, &o->pay_reference, &o->closed_on, &o->end_reason};
	for (int i = 0; i < 22; i++) {
		char *s = db_dup(q, 18 + i, a);
		*txt[i] = s ? s : "";
	}
}

bool aid_req_load(db_conn *c, arena *a, int64_t id, aid_req *out)
{
	db_res q = {0};
	bool ok = DBQ(c, &Q_GET, &q, A_INT(id)) == E_OK && db_next(&q);
	if (ok)
		fill(&q, a, out);
	db_close(&q);
	return ok;
}

err aid_event(db_conn *c, int64_t request_id, int64_t session_id, int64_t user_id, const char *on, const char *kind,
              const char *detail)
{
	return DBX(c, &Q_EVENT, NULL, A_INT(request_id), A_INT_OR_NULL(session_id), A_TEXT(on), A_TEXT(kind),
	           A_TEXT(detail ? detail : ""), A_INT(user_id), A_INT(civil_now()));
}

/* ---- inputs ---------------------------------------------------------------------------------- */

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

/* The items of a comma list ("identité, facture"), trimmed, empty ones
 * dropped: the rule's documents and payment modes, a ticked "pieces". */
#define MAX_ITEMS 32
static int items_of(arena *a, const char *list, char **out)
{
	int n = 0;
	char *all = arena_strdup(a, list ? list : "");
	for (char *tok = all, *next; tok && *tok && n < MAX_ITEMS; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		char *t = text_trim(a, tok);
		if (t && *t)
			out[n++] = t;
	}
	return n;
}

/* Was document `doc` ticked? Checkboxes "piece" (repeated) or a list "pieces". */
static bool has_doc(arena *a, const kv_list *in, const char *doc)
{
	char *want = text_fold(a, doc), *items[MAX_ITEMS];
	for (int i = 0; want && i < in->n; i++) {
		bool list = !strcmp(in->items[i].name, "pieces");
		if (!list && strcmp(in->items[i].name, "piece"))
			continue;
		int n = list ? items_of(a, in->items[i].value, items) : 1;
		for (int k = 0; k < n; k++) {
			char *f = text_fold(a, list ? items[k] : in->items[i].value);
			if (f && !strcmp(f, want))
				return true;
		}
	}
	return false;
}

/* The required documents of the rule not ticked, joined. */
static const char *missing_docs(arena *a, const aid_rule *rule, const kv_list *in)
{
	buf b;
	buf_init(&b, a, 64);
	char *docs[MAX_ITEMS];
	int n = items_of(a, rule ? rule->documents : NULL, docs);
	for (int i = 0; i < n; i++)
		if (!has_doc(a, in, docs[i])) {
			if (b.len)
				buf_adds(&b, ", ");
			buf_adds(&b, docs[i]);
		}
	return b.len ? buf_cstr(&b) : "";
}

static bool payment_allowed(arena *a, const aid_rule *rule, const char *mode)
{
	if (!rule || !rule->payment)
		return true;
	char *modes[MAX_ITEMS];
	int n = items_of(a, rule->payment, modes);
	for (int i = 0; i < n; i++)
		if (!strcmp(modes[i], mode))
			return true;
	return false;
}

/* ---- the rulebook and the household's figures ------------------------------------------------ */

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
	f->members = hb->members;
	f->children = hb->children;
	f->residence_months = residence_months;
	f->bill = bill;
	person_brief *m;
	int nm = persons_household_members(c, a, hid, &m);
	for (int i = 0; i < nm; i++) {
		civil_date bd;
		if (!strcmp(m[i].relation, "demandeur") && civil_parse(m[i].birth_date, &bd))
			f->applicant_age = civil_age(bd, on);
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
	return e;
}

/* ---- creation -------------------------------------------------------------------------------- */

err aid_create(web_req *r, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, pid = 0, bill = 0, months = 0;
	civil_date on = civil_today(r->user->tz), today = on;
	const char *hs = in_get(in, "household"), *ps = in_get(in, "person"), *key = in_get(in, "aid"),
	           *ds = in_get(in, "requested_on"), *bs = in_get(in, "bill"), *ms = in_get(in, "residence"),
	           *purpose = in_get(in, "purpose"), *creditor = in_get(in, "creditor");
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(r->db, hid)) {
		form_error(fe, "household", "Choisissez le foyer qui demande l’aide.");
		hid = 0;
	}
	if (ds && (!civil_parse(ds, &on) || civil_to_days(on) > civil_to_days(today)))
		form_error(fe, "requested_on", "La date de la demande doit être au format AAAA-MM-JJ et ne pas être dans le futur.");
	aid_rulebook rb;
	int64_t rbid;
	const aid_rule *rule = NULL;
	if (!aid_rulebook_on(r->db, r->a, on, &rb, &rbid))
		form_error(fe, "aid", "Aucun règlement des aides n’est en vigueur à cette date.");
	else if (!key || !(rule = aid_rules_find(&rb, key)))
		form_error(fe, "aid", "Choisissez une aide du règlement en vigueur.");
	if (bs && !money_parse(bs, &bill))
		form_error(fe, "bill", "Le montant de la facture doit être un montant en euros (par exemple 120,50).");
	if (!ms || !text_to_int64(ms, 0, 1200, &months))
		form_error(fe, "residence", "Indiquez depuis combien de mois le foyer réside dans la commune (0 à 1200).");
	if (purpose && strlen(purpose) > 2000)
		form_error(fe, "purpose", "L’objet de la demande est trop long (2 000 caractères au plus).");
	if (creditor && strlen(creditor) > 200)
		form_error(fe, "creditor", "Le créancier est trop long (200 caractères au plus).");
	person_brief *m = NULL;
	int nm = hid ? persons_household_members(r->db, r->a, hid, &m) : 0;
	if (ps) {
		bool found = false;
		if (text_to_int64(ps, 1, INT64_MAX, &pid))
			for (int i = 0; i < nm; i++)
				found |= m[i].id == pid;
		if (!found)
			form_error(fe, "person", "Le demandeur doit être un membre du foyer.");
	} else {
		for (int i = 0; i < nm && !pid; i++)
			if (!strcmp(m[i].relation, "demandeur"))
				pid = m[i].id;
		if (!pid && nm)
			pid = m[0].id;
	}
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_CREATE, id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(rule->key), A_TEXT(rule->label),
		         A_TEXT(civil_iso(r->a, on)), A_TEXT(purpose ? purpose : ""), A_INT(bill), A_INT(months),
		         A_TEXT(creditor ? creditor : ""), A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = aid_event(r->db, *id, 0, r->user->id, civil_iso(r->a, today), "creation", rule->label);
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "aid_request", *id, arena_printf(r->a, "Demande d’aide : %s", rule->label));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "aid_request", *id, rule->key);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

/* ---- the workflow ---------------------------------------------------------------------------- */

static const char *CONFLICT_STATE = "Cette action n’est pas possible dans l’état actuel de la demande.";
static const char *CONFLICT_OTHER = "Quelqu’un d’autre a modifié cette demande entre-temps : voici son état actuel, "
                                    "vérifiez avant de recommencer.";

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* The rule that applies to the request: the version it was instructed
 * with, else the one in force on the request date. */
static const aid_rule *rule_of(web_req *r, const aid_req *q, aid_rulebook *rb, int64_t *rbid)
{
	civil_date on;
	*rbid = 0;
	if (q->rulebook_id && aid_rulebook_by_id(r->db, r->a, q->rulebook_id, rb))
		*rbid = q->rulebook_id;
	else if (!civil_parse(q->requested_on, &on) || !aid_rulebook_on(r->db, r->a, on, rb, rbid))
		return NULL;
	return aid_rules_find(rb, q->aid_key);
}

static err instruct(web_req *r, aid_req *q, const kv_list *in, form_errors *fe, int64_t *n)
{
	aid_rulebook rb;
	int64_t rbid = 0;
	civil_date on;
	const aid_rule *rule = NULL;
	/* Instruction always applies the version in force on the request date. */
	if (civil_parse(q->requested_on, &on) && aid_rulebook_on(r->db, r->a, on, &rb, &rbid))
		rule = aid_rules_find(&rb, q->aid_key);
	if (!rule) {
		form_error(fe, "opinion", "Cette aide n’existe pas dans le règlement en vigueur à la date de la demande.");
		return E_INPUT;
	}
	if (*q->docs_missing && !rule->emergency) {
		form_error(fe, "opinion", "Des pièces manquent encore : enregistrez-les avant d’instruire (seule une aide d’urgence "
		                          "peut être instruite sans elles).");
		return E_INPUT;
	}
	int64_t bill = q->bill, months = q->residence_months, amount = -1;
	const char *bs = in_get(in, "bill"), *ms = in_get(in, "residence"), *opinion = in_get(in, "opinion"),
	           *as = in_get(in, "amount"), *reason = in_get(in, "reason");
	if (bs && !money_parse(bs, &bill))
		form_error(fe, "bill", "Le montant de la facture doit être un montant en euros.");
	if (ms && !text_to_int64(ms, 0, 1200, &months))
		form_error(fe, "residence", "La durée de résidence est un nombre de mois (0 à 1200).");
	if (!is(opinion, "favorable") && !is(opinion, "defavorable"))
		form_error(fe, "opinion", "Donnez l’avis de l’instructeur : favorable ou défavorable.");
	if (as && !money_parse(as, &amount))
		form_error(fe, "amount", "Le montant proposé doit être un montant en euros.");
	if (reason && strlen(reason) > 2000)
		form_error(fe, "reason", "La motivation est trop longue (2 000 caractères au plus).");
	if (fe->n)
		return E_INPUT;
	aid_facts f;
	household_budget hb;
	err e = aid_facts_for(r->db, r->a, q->household_id, q->aid_key, on, q->id, (int)months, bill, &f, &hb);
	if (e != E_OK)
		return e;
	aid_result res;
	aid_evaluate(r->a, rule, &f, &res);
	if (is(opinion, "defavorable"))
		amount = 0;
	else if (amount < 0)
		amount = res.amount;
	if (is(opinion, "favorable") && amount <= 0) {
		form_error(fe, "amount", "Un avis favorable propose un montant.");
		return E_INPUT;
	}
	bool differs = amount != res.amount || (is(opinion, "favorable") != res.eligible);
	if (differs && !reason) {
		form_error(fe, "reason", arena_printf(r->a, "L’avis s’écarte de la proposition du règlement (%s, %s) : écrivez pourquoi.",
		                                      res.eligible ? "éligible" : "non éligible", money_format(r->a, res.amount)));
		return E_INPUT;
	}
	const char *route = rule->emergency ? "urgence" : rule->delegation >= 0 && amount <= rule->delegation ? "delegation" : "commission";
	e = DBX(r->db, &Q_INSTRUCT, n, A_INT(q->id), A_INT(q->version), A_INT(rbid), A_INT(res.eligible ? 1 : 0), A_INT(res.amount),
	        A_TEXT(res.explain), A_INT(hb.qf), A_INT(hb.rav_day_person), A_TEXT(opinion), A_INT(amount), A_TEXT(reason ? reason : ""),
	        A_TEXT(route), A_INT(r->user->id), A_INT(bill), A_INT(months));
	if (e == E_OK && *n == 1)
		e = aid_event(r->db, q->id, 0, r->user->id, civil_iso(r->a, civil_today(r->user->tz)), "instruction",
		              arena_printf(r->a, "avis %s, %s ; proposition du règlement %s", is(opinion, "favorable") ? "favorable" : "défavorable", money_format(r->a, amount),
		                           money_format(r->a, res.amount)));
	return e;
}

static err decide(web_req *r, aid_req *q, const kv_list *in, form_errors *fe, int64_t *n, const char **why)
{
	bool in_session = is(q->status, "inscrite");
	if (in_session ? !web_can(r, PERM_AID_COMMITTEE) : !web_can(r, PERM_AID_DECIDE))
		return E_FORBIDDEN;
	if (is(q->status, "instruite") && is(q->route, "commission")) {
		*why = "Ce montant dépasse la délégation : la demande doit être inscrite à l’ordre du jour d’une commission.";
		return E_CONFLICT;
	}
	if (in_session) {
		db_res s = {0};
		int64_t open = 0;
		if (DBQ(r->db, &Q_SESSION_OPEN, &s, A_INT(q->session_id)) == E_OK && db_next(&s))
			open = db_int(&s, 0);
		db_close(&s);
		if (!open) {
			*why = "La séance de la commission est close : ses décisions ne changent plus.";
			return E_CONFLICT;
		}
	}
	const char *dec = in_get(in, "decision"), *as = in_get(in, "amount"), *motive = in_get(in, "motive");
	int64_t amount = 0;
	if (!is(dec, "accorde") && !is(dec, "refuse") && !is(dec, "ajourne")) {
		form_error(fe, "decision", "Choisissez la décision : accordée, refusée ou ajournée.");
		return E_INPUT;
	}
	if (is(dec, "accorde")) {
		if (!as)
			amount = q->opinion_amount;
		else if (!money_parse(as, &amount))
			form_error(fe, "amount", "Le montant accordé doit être un montant en euros.");
		if (!fe->n && amount <= 0)
			form_error(fe, "amount", "Une aide accordée a un montant.");
		if (!fe->n && amount != q->proposed && !motive)
			form_error(fe, "motive", arena_printf(r->a, "Le montant accordé diffère de la proposition du règlement (%s) : "
			                                            "motivez la décision.", money_format(r->a, q->proposed)));
	} else if (!motive) {
		form_error(fe, "motive", is(dec, "refuse") ? "Un refus est motivé : écrivez le motif, il figurera dans la lettre."
		                                           : "Indiquez pourquoi la demande est ajournée.");
	}
	if (motive && strlen(motive) > 2000)
		form_error(fe, "motive", "Le motif est trop long (2 000 caractères au plus).");
	if (fe->n)
		return E_INPUT;
	civil_date today = civil_today(r->user->tz);
	const char *t = civil_iso(r->a, today);
	if (is(dec, "accorde")) {
		aid_envelope env;
		err e = aid_envelope_of(r->db, q->aid_key, today.y, &env);
		if (e != E_OK)
			return e;
		if (env.voted >= 0 && env.committed + amount > env.voted) {
			const char *left = money_format(r->a, env.voted - env.committed);
			if (!web_can(r, PERM_AID_DECIDE)) {
				form_error(fe, "amount", arena_printf(r->a, "Ce montant dépasse ce qui reste de l’enveloppe %d (%s) : seul un "
				                                            "responsable peut engager au-delà.", today.y, left));
				return E_INPUT;
			}
			if (!in_get(in, "overcommit")) {
				form_error(fe, "overcommit", arena_printf(r->a, "Ce montant dépasse ce qui reste de l’enveloppe %d (%s) : cochez "
				                                                "« Engager au-delà de l’enveloppe » pour confirmer.", today.y, left));
				return E_INPUT;
			}
		}
	}
	err e;
	if (is(dec, "ajourne"))
		e = DBX(r->db, &Q_ADJOURN, n, A_INT(q->id), A_INT(q->version));
	else
		e = DBX(r->db, &Q_DECIDE, n, A_INT(q->id), A_INT(q->version), A_TEXT(dec), A_INT(is(dec, "accorde") ? amount : 0),
		        A_TEXT(motive ? motive : ""), A_TEXT(t), A_INT(r->user->id));
	if (e == E_OK && *n == 1)
		e = aid_event(r->db, q->id, in_session ? q->session_id : 0, r->user->id, t, dec,
		              is(dec, "accorde") ? arena_printf(r->a, "%s%s%s", money_format(r->a, amount), motive ? " — " : "", motive ? motive : "")
		                                 : motive);
	if (e == E_OK && *n == 1 && !is(dec, "ajourne"))
		e = persons_timeline_add(r->db, q->household_id, r->user->id, "aid_request", q->id,
		                         is(dec, "accorde") ? arena_printf(r->a, "%s : accordée (%s)", q->aid_label, money_format(r->a, amount))
		                                            : arena_printf(r->a, "%s : refusée", q->aid_label));
	return e;
}

static err pay(web_req *r, aid_req *q, const kv_list *in, form_errors *fe, int64_t *n)
{
	aid_rulebook rb;
	int64_t rbid;
	const aid_rule *rule = rule_of(r, q, &rb, &rbid);
	const char *mode = in_get(in, "mode"), *as = in_get(in, "amount"), *vouchers = in_get(in, "vouchers"),
	           *ref = in_get(in, "reference"), *creditor = in_get(in, "creditor");
	static const char *const modes[] = {"bon", "virement créancier", "virement personne", "colis", "nature"};
	bool known = false;
	for (int i = 0; i < 5; i++)
		known |= is(mode, modes[i]);
	if (!known)
		form_error(fe, "mode", "Choisissez le mode de paiement.");
	else if (!payment_allowed(r->a, rule, mode))
		form_error(fe, "mode", arena_printf(r->a, "Le règlement ne prévoit pas ce mode pour cette aide (modes prévus : %s).",
		                                    rule && rule->payment ? rule->payment : "—"));
	int64_t amount = q->granted;
	if (as && !money_parse(as, &amount))
		form_error(fe, "amount", "Le montant payé doit être un montant en euros.");
	else if (amount <= 0 || amount > q->granted)
		form_error(fe, "amount", arena_printf(r->a, "Le montant payé est compris entre 0,01 € et le montant accordé (%s).",
		                                      money_format(r->a, q->granted)));
	if (is(mode, "bon") && !vouchers)
		form_error(fe, "vouchers", "Indiquez les numéros des bons remis.");
	if (mode && !strncmp(mode, "virement", 8) && !ref)
		form_error(fe, "reference", "Indiquez la référence du mandat ou du virement.");
	if (!creditor)
		creditor = *q->creditor ? q->creditor : NULL;
	if (is(mode, "virement créancier") && !creditor)
		form_error(fe, "creditor", "Indiquez le créancier payé (fournisseur d’énergie, bailleur…).");
	if ((vouchers && strlen(vouchers) > 1000) || (ref && strlen(ref) > 200) || (creditor && strlen(creditor) > 200))
		form_error(fe, "vouchers", "Un des champs est trop long.");
	if (fe->n)
		return E_INPUT;
	const char *t = civil_iso(r->a, civil_today(r->user->tz));
	err e = DBX(r->db, &Q_PAY, n, A_INT(q->id), A_INT(q->version), A_INT(amount), A_TEXT(t), A_TEXT(mode),
	            A_TEXT(vouchers ? vouchers : ""), A_TEXT(ref ? ref : ""), A_TEXT(creditor ? creditor : ""));
	if (e == E_OK && *n == 1)
		e = aid_event(r->db, q->id, 0, r->user->id, t, "paiement", arena_printf(r->a, "%s, %s", mode, money_format(r->a, amount)));
	if (e == E_OK && *n == 1)
		e = persons_timeline_add(r->db, q->household_id, r->user->id, "aid_request", q->id,
		                         arena_printf(r->a, "%s : payée (%s)", q->aid_label, money_format(r->a, amount)));
	return e;
}

err aid_act(web_req *r, aid_req *q, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	int64_t version = -1, n = 0;
	const char *vs = in_get(in, "version");
	if (!vs || !text_to_int64(vs, 0, INT64_MAX, &version)) {
		form_error(fe, "version", "La version de la demande manque (champ « version »).");
		return E_INPUT;
	}
	if (version != q->version) {
		*why = CONFLICT_OTHER;
		return E_CONFLICT;
	}
	const char *t = civil_iso(r->a, civil_today(r->user->tz));
	const char *reason = in_get(in, "reason");
	err e = db_begin(r->db, true);
	if (e != E_OK)
		return e;
	const char *journal_detail = action;
	if (is(action, "deposer") || is(action, "pieces")) {
		if (!web_can(r, PERM_AID_INSTRUCT)) {
			e = E_FORBIDDEN;
		} else {
			aid_rulebook rb;
			int64_t rbid;
			const aid_rule *rule = rule_of(r, q, &rb, &rbid);
			const char *missing = missing_docs(r->a, rule, in);
			e = DBX(r->db, is(action, "deposer") ? &Q_SUBMIT : &Q_DOCS, &n, A_INT(q->id), A_INT(q->version), A_TEXT(missing));
			if (e == E_OK && n == 1)
				e = aid_event(r->db, q->id, 0, r->user->id, t, action,
				              *missing ? arena_printf(r->a, "pièces manquantes : %s", missing) : "dossier complet");
		}
	} else if (is(action, "instruire")) {
		e = web_can(r, PERM_AID_INSTRUCT) ? instruct(r, q, in, fe, &n) : E_FORBIDDEN;
	} else if (is(action, "inscrire")) {
		int64_t sid = 0, open = 0;
		const char *ss = in_get(in, "session");
		if (!web_can(r, PERM_AID_DECIDE))
			e = E_FORBIDDEN;
		else if (!ss || !text_to_int64(ss, 1, INT64_MAX, &sid)) {
			form_error(fe, "session", "Choisissez la séance de la commission.");
			e = E_INPUT;
		} else {
			db_res s = {0};
			if (DBQ(r->db, &Q_SESSION_OPEN, &s, A_INT(sid)) == E_OK && db_next(&s))
				open = db_int(&s, 0);
			db_close(&s);
			if (!open) {
				form_error(fe, "session", "Cette séance n’existe pas ou elle est close.");
				e = E_INPUT;
			} else {
				e = DBX(r->db, &Q_AGENDA, &n, A_INT(q->id), A_INT(q->version), A_INT(sid));
				if (e == E_OK && n == 1)
					e = aid_event(r->db, q->id, sid, r->user->id, t, "inscription", NULL);
			}
		}
	} else if (is(action, "decider")) {
		e = decide(r, q, in, fe, &n, why);
		journal_detail = in_get(in, "decision") ? in_get(in, "decision") : action;
	} else if (is(action, "ratifier")) {
		int64_t sid = 0;
		const char *ss = in_get(in, "session");
		if (!web_can(r, PERM_AID_COMMITTEE))
			e = E_FORBIDDEN;
		else {
			if (ss)
				text_to_int64(ss, 1, INT64_MAX, &sid);
			e = DBX(r->db, &Q_RATIFY, &n, A_INT(q->id), A_INT(q->version), A_TEXT(t));
			if (e == E_OK && n == 1)
				e = aid_event(r->db, q->id, sid, r->user->id, t, "ratification", NULL);
		}
	} else if (is(action, "notifier")) {
		if (!web_can(r, PERM_AID_INSTRUCT))
			e = E_FORBIDDEN;
		else {
			e = DBX(r->db, &Q_NOTIFY, &n, A_INT(q->id), A_INT(q->version), A_TEXT(t));
			if (e == E_OK && n == 1)
				e = aid_event(r->db, q->id, 0, r->user->id, t, "notification", NULL);
		}
	} else if (is(action, "payer")) {
		e = web_can(r, PERM_AID_PAY) ? pay(r, q, in, fe, &n) : E_FORBIDDEN;
	} else if (is(action, "clore")) {
		if (!web_can(r, PERM_AID_PAY) && !web_can(r, PERM_AID_INSTRUCT))
			e = E_FORBIDDEN;
		else {
			e = DBX(r->db, &Q_CLOSE, &n, A_INT(q->id), A_INT(q->version), A_TEXT(t));
			if (e == E_OK && n == 1)
				e = aid_event(r->db, q->id, 0, r->user->id, t, "cloture", NULL);
		}
	} else if (is(action, "retirer") || is(action, "annuler")) {
		bool cancel = is(action, "annuler");
		if (!web_can(r, cancel ? PERM_AID_DECIDE : PERM_AID_INSTRUCT))
			e = E_FORBIDDEN;
		else if (!reason || strlen(reason) > 1000) {
			form_error(fe, "reason", cancel ? "Indiquez pourquoi la demande est annulée." : "Indiquez pourquoi la demande est retirée.");
			e = E_INPUT;
		} else {
			e = DBX(r->db, cancel ? &Q_CANCEL : &Q_WITHDRAW, &n, A_INT(q->id), A_INT(q->version), A_TEXT(reason), A_TEXT(t));
			if (e == E_OK && n == 1)
				e = aid_event(r->db, q->id, 0, r->user->id, t, cancel ? "annulation" : "retrait", reason);
		}
	} else {
		form_error(fe, "action", "Action inconnue : deposer, pieces, instruire, inscrire, decider, ratifier, notifier, payer, "
		                         "clore, retirer ou annuler.");
		e = E_INPUT;
	}
	if (e == E_OK && n != 1) {
		/* The UPDATE matched nothing: the state forbids it or someone was first. */
		aid_req now;
		*why = aid_req_load(r->db, r->a, q->id, &now) && now.version != q->version ? CONFLICT_OTHER : CONFLICT_STATE;
		e = E_CONFLICT;
	}
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "aid_request", q->id, journal_detail);
	if (e == E_OK)
		return db_commit(r->db);
	db_rollback(r->db);
	return e;
}

/* ---- lists ----------------------------------------------------------------------------------- */

static const char *const LIST_V[] = {"", "a_instruire", "pieces", "delegation", "a_inscrire", "commission", "a_notifier",
                                     "a_payer", "decidees_mois", "mes"};
static const char *const LIST_L[] = {"Toutes", "À instruire", "Pièces manquantes", "À décider (délégation, urgence)",
                                     "À inscrire en commission", "En commission", "À notifier", "À payer",
                                     "Décidées ce mois", "Mes demandes"};
#define NLISTS (int)(sizeof LIST_V / sizeof *LIST_V)

void aid_list_filter_from(web_req *r, aid_list_filter *f)
{
	memset(f, 0, sizeof *f);
	const char *l = web_arg(r, "liste"), *s = web_arg(r, "statut"), *a = web_arg(r, "aide"), *p = web_arg(r, "page"),
	           *h = web_arg(r, "foyer");
	f->list = "";
	for (int i = 0; l && i < NLISTS; i++)
		if (!strcmp(l, LIST_V[i]))
			f->list = LIST_V[i];
	f->status = "";
	for (int i = 0; s && i < AID_NSTATUS; i++)
		if (!strcmp(s, AID_ST_V[i]))
			f->status = AID_ST_V[i];
	f->aid = a && strlen(a) < 64 ? a : "";
	int64_t v = 1;
	f->page = p && text_to_int64(p, 1, 100000, &v) ? (int)v : 1;
	if (h && text_to_int64(h, 1, INT64_MAX, &v))
		f->household_id = v;
	const char *se = web_arg(r, "seance");
	if (se && text_to_int64(se, 1, INT64_MAX, &v))
		f->session_id = v;
}

int aid_list_run(web_req *r, const aid_list_filter *f, int limit, int offset, aid_req *rows)
{
	const char *status = f->status, *route = "", *since = "", *decision = "";
	int64_t docs = 0, mine = 0, asc = 1;
	const char *l = f->list;
	if (!strcmp(l, "a_instruire"))
		status = "deposee", docs = 2;
	else if (!strcmp(l, "pieces"))
		status = "deposee", docs = 1;
	else if (!strcmp(l, "delegation"))
		status = "instruite", route = "hors_commission";
	else if (!strcmp(l, "a_inscrire"))
		status = "instruite", route = "commission";
	else if (!strcmp(l, "commission"))
		status = "inscrite";
	else if (!strcmp(l, "a_notifier"))
		status = "decidee";
	else if (!strcmp(l, "a_payer"))
		status = "notifiee", decision = "accorde";
	else if (!strcmp(l, "decidees_mois")) {
		civil_date t = civil_today(r->user->tz);
		t.d = 1;
		since = civil_iso(r->a, t), asc = 0;
	} else if (!strcmp(l, "mes"))
		mine = r->user->id, asc = 0;
	else
		asc = 0;
	db_res q = {0};
	int n = 0;
	db_sql *which = f->household_id ? &Q_LIST_HOUSEHOLD : f->session_id ? &Q_LIST_SESSION
	                : *status ? (asc ? &Q_LIST_STATUS_OLDEST : &Q_LIST_STATUS) : *since ? &Q_LIST_SINCE : &Q_LIST;
	if (DBQ(r->db, which, &q, A_TEXT(status), A_TEXT(f->aid), A_INT(docs), A_TEXT(route), A_TEXT(since), A_INT(mine),
	        A_INT(f->session_id), A_INT(f->household_id), A_TEXT(decision), A_INT(limit), A_INT(offset)) == E_OK)
		while (n < limit && db_next(&q))
			fill(&q, r->a, &rows[n++]);
	db_close(&q);
	return n;
}

static const char *applicant(web_req *r, const aid_req *q)
{
	person_brief p;
	if (!q->person_id || persons_person_brief(r->db, r->a, q->person_id, &p) != E_OK)
		return "—";
	return arena_printf(r->a, "%s %s", p.last_name, p.first_names);
}

static const char *amount_shown(web_req *r, const aid_req *q)
{
	if (is(q->decision, "accorde"))
		return money_format(r->a, q->granted);
	if (q->eligible >= 0 && !strcmp(q->opinion, "defavorable"))
		return "avis défavorable";
	if (q->eligible >= 0)
		return arena_printf(r->a, "%s (proposé)", money_format(r->a, q->opinion_amount));
	return "—";
}

static void list_query(web_req *r, const aid_list_filter *f, buf *b, const char *sep)
{
	buf_printf(b, "liste=%s%saide=%s%sstatut=%s", f->list, sep, f->aid, sep, f->status);
	if (f->household_id)
		buf_printf(b, "%sfoyer=%lld", sep, (long long)f->household_id);
	if (f->session_id)
		buf_printf(b, "%sseance=%lld", sep, (long long)f->session_id);
}

static void list_page(web_req *r)
{
	aid_list_filter f;
	aid_list_filter_from(r, &f);
	page_begin(r, "Aides facultatives — demandes");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes de travail\"><ul>");
	for (int i = 0; i < NLISTS; i++)
		html_printf(b, "<li><a href=\"/aides?liste=%s\"%s>%s</a></li>", LIST_V[i],
		            !strcmp(f.list, LIST_V[i]) ? " aria-current=\"page\"" : "", LIST_L[i]);
	html_lit(b, "</ul></nav><p><a href=\"/aides/commissions\">Commissions</a> · <a href=\"/aides/budget\">Budget</a>");
	if (web_can(r, PERM_AID_RULES))
		html_lit(b, " · <a href=\"/aides/reglement\">Règlement</a>");
	html_lit(b, "</p><form method=\"get\" action=\"/aides\" class=\"filters\">");
	html_printf(b, "<input type=\"hidden\" name=\"liste\" value=\"%s\">", f.list);
	aid_rulebook rb;
	int64_t rbid;
	const char *av[AID_MAX_AIDS + 1] = {""}, *al[AID_MAX_AIDS + 1] = {"Toutes les aides"};
	int na = 1;
	if (aid_rulebook_on(r->db, r->a, civil_today(r->user->tz), &rb, &rbid))
		for (int i = 0; i < rb.naids; i++, na++)
			av[na] = rb.aids[i].key, al[na] = rb.aids[i].label;
	form_select(b, "aide", "Aide", av, al, na, f.aid, NULL);
	const char *sv[AID_NSTATUS + 1] = {""}, *sl[AID_NSTATUS + 1] = {"Tous les statuts"};
	for (int i = 0; i < AID_NSTATUS; i++)
		sv[i + 1] = AID_ST_V[i], sl[i + 1] = AID_ST_L[i];
	if (!*f.list || !strcmp(f.list, "mes") || !strcmp(f.list, "decidees_mois"))
		form_select(b, "statut", "Statut", sv, sl, AID_NSTATUS + 1, f.status, NULL);
	if (f.household_id)
		html_printf(b, "<input type=\"hidden\" name=\"foyer\" value=\"%lld\">", (long long)f.household_id);
	html_lit(b, "<button type=\"submit\">Filtrer</button></form>");
	aid_req *rows = arena_alloc(r->a, sizeof *rows * 51);
	int n = rows ? aid_list_run(r, &f, 51, (f.page - 1) * 50, rows) : 0;
	buf qs;
	buf_init(&qs, r->a, 64);
	list_query(r, &f, &qs, "&");
	html_printf(b, "<p><a href=\"/aides/export.csv?%s\">Exporter cette liste (CSV)</a> · <a href=\"/aides/export.xlsx?%s\">XLSX</a></p>",
	            buf_cstr(&qs), buf_cstr(&qs));
	html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Demandes d’aide</caption><thead><tr><th scope=\"col\">N°</th>"
	            "<th scope=\"col\">Demandeur</th><th scope=\"col\">Aide</th><th scope=\"col\">Demandée le</th>"
	            "<th scope=\"col\">Statut</th><th scope=\"col\" class=\"num\">Montant</th><th scope=\"col\">Pièces manquantes</th>"
	            "</tr></thead><tbody>");
	for (int i = 0; i < n && i < 50; i++)
		html_printf(b, "<tr><td><a href=\"/aides/demandes/%lld\">%lld</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		               "<td class=\"num\">%s</td><td>%s</td></tr>",
		            (long long)rows[i].id, (long long)rows[i].id, applicant(r, &rows[i]), rows[i].aid_label,
		            civil_fr(r->a, rows[i].requested_on), aid_status_label(rows[i].status), amount_shown(r, &rows[i]),
		            rows[i].docs_missing);
	html_lit(b, "</tbody></table>");
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune demande dans cette liste.</p>");
	if (f.page > 1)
		html_printf(b, "<p><a href=\"/aides?%s&amp;page=%d\">Page précédente</a></p>", buf_cstr(&qs), f.page - 1);
	if (n > 50)
		html_printf(b, "<p><a href=\"/aides?%s&amp;page=%d\">Page suivante</a></p>", buf_cstr(&qs), f.page + 1);
	page_end(r);
}

/* ---- exports --------------------------------------------------------------------------------- */

#define EXPORT_MAX 20000
static const char *const EXPORT_HEAD[] = {"N°", "Dossier", "Aide", "Demandée le", "Statut", "Proposition du règlement",
                                          "Avis", "Montant proposé", "Décision", "Montant accordé", "Décidée le",
                                          "Payé", "Payée le", "Mode de paiement", "Pièces manquantes"};
#define NEXPORT (int)(sizeof EXPORT_HEAD / sizeof *EXPORT_HEAD)

static int export_rows(web_req *r, aid_req **rows)
{
	aid_list_filter f;
	aid_list_filter_from(r, &f);
	*rows = arena_alloc(r->a, sizeof **rows * EXPORT_MAX);
	return *rows ? aid_list_run(r, &f, EXPORT_MAX, 0, *rows) : 0;
}

static void export_cells(web_req *r, const aid_req *q, const char **c)
{
	c[0] = arena_printf(r->a, "%lld", (long long)q->id);
	c[1] = persons_file_no(r->db, r->a, q->household_id);
	c[2] = q->aid_label;
	c[3] = q->requested_on;
	c[4] = aid_status_label(q->status);
	c[5] = q->eligible >= 0 ? money_format(r->a, q->proposed) : "";
	c[6] = q->opinion;
	c[7] = q->eligible >= 0 ? money_format(r->a, q->opinion_amount) : "";
	c[8] = *q->decision ? aid_decision_label(q->decision) : "";
	c[9] = is(q->decision, "accorde") ? money_format(r->a, q->granted) : "";
	c[10] = q->decided_on;
	c[11] = q->paid ? money_format(r->a, q->paid) : "";
	c[12] = q->paid_on;
	c[13] = q->payment_mode;
	c[14] = q->docs_missing;
}

static void export_csv(web_req *r)
{
	aid_req *rows;
	int n = export_rows(r, &rows);
	buf *b = &r->out;
	buf_adds(b, "\xEF\xBB\xBF");
	for (int k = 0; k < NEXPORT; k++)
		csv_write_cell(b, EXPORT_HEAD[k], k == NEXPORT - 1);
	for (int i = 0; i < n; i++) {
		const char *c[NEXPORT];
		export_cells(r, &rows[i], c);
		for (int k = 0; k < NEXPORT; k++)
			csv_write_cell(b, c[k], k == NEXPORT - 1);
	}
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"aides.csv\"");
	journal_record(r->db, r->user->id, "export", "aid_request", 0, arena_printf(r->a, "rows=%d csv", n));
}

static void export_xlsx(web_req *r)
{
	aid_req *rows;
	int n = export_rows(r, &rows);
	xlsx_doc *x = xlsx_new("Demandes d’aide");
	if (!x) {
		web_error(r, E_INTERNAL, "Le tableur n’a pas pu être produit.");
		return;
	}
	xlsx_header(x, EXPORT_HEAD, NEXPORT);
	for (int i = 0; i < n; i++) {
		const char *c[NEXPORT];
		export_cells(r, &rows[i], c);
		for (int k = 0; k < NEXPORT; k++)
			xlsx_text(x, k, c[k]);
		xlsx_next_row(x);
	}
	size_t len;
	void *bytes = xlsx_finish(x, r->a, &len);
	if (!bytes) {
		web_error(r, E_INTERNAL, "Le tableur n’a pas pu être produit.");
		return;
	}
	r->out_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	web_header(r, "Content-Disposition: attachment; filename=\"aides.xlsx\"");
	buf_add(&r->out, bytes, len);
	journal_record(r->db, r->user->id, "export", "aid_request", 0, arena_printf(r->a, "rows=%d xlsx", n));
}

/* ---- the request page ------------------------------------------------------------------------ */

/* A value for a refused form: what was typed, else the default. */
static const char *typed(web_req *r, const char *name, const char *dflt)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : dflt;
}

static void action_open(web_req *r, const aid_req *q, const char *action, const char *title)
{
	buf *b = &r->out;
	html_printf(b, "<form method=\"post\" action=\"/aides/demandes/%lld/action\" class=\"action\" novalidate><fieldset><legend>%s</legend>"
	               "<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"version\" value=\"%lld\">",
	            (long long)q->id, title, action, (long long)q->version);
	page_csrf(r);
}
static void action_close(web_req *r, const char *button, bool confirm)
{
	if (confirm)
		html_printf(&r->out, "<button type=\"submit\" data-confirm=\"%s ?\">%s</button></fieldset></form>", button, button);
	else
		html_printf(&r->out, "<button type=\"submit\" class=\"primary\">%s</button></fieldset></form>", button);
}

static void doc_checkboxes(web_req *r, const aid_rule *rule)
{
	buf *b = &r->out;
	char *docs[MAX_ITEMS];
	int n = items_of(r->a, rule ? rule->documents : NULL, docs);
	html_lit(b, "<fieldset class=\"radio\"><legend>Pièces fournies</legend>");
	for (int i = 0; i < n; i++)
		html_printf(b, "<div><input type=\"checkbox\" id=\"piece%d\" name=\"piece\" value=\"%s\"><label for=\"piece%d\">%s</label></div>",
		            i, docs[i], i, docs[i]);
	if (!n)
		html_lit(b, "<p>Le règlement ne demande aucune pièce pour cette aide.</p>");
	html_lit(b, "</fieldset>");
}

static void actions(web_req *r, const aid_req *q, const form_errors *fe)
{
	buf *b = &r->out;
	aid_rulebook rb;
	int64_t rbid;
	const aid_rule *rule = rule_of(r, q, &rb, &rbid);
	html_lit(b, "<section aria-labelledby=\"t-act\"><h2 id=\"t-act\">Suite à donner</h2>");
	form_error_summary(b, fe);
	bool any = false;
	if (is(q->status, "brouillon") && web_can(r, PERM_AID_INSTRUCT)) {
		any = true;
		action_open(r, q, "deposer", "Déposer la demande");
		doc_checkboxes(r, rule);
		action_close(r, "Déposer", false);
	}
	if (is(q->status, "deposee") && *q->docs_missing && web_can(r, PERM_AID_INSTRUCT)) {
		any = true;
		action_open(r, q, "pieces", "Pièces reçues");
		doc_checkboxes(r, rule);
		action_close(r, "Enregistrer les pièces", false);
	}
	if ((is(q->status, "deposee") || is(q->status, "instruite")) && web_can(r, PERM_AID_INSTRUCT) &&
	    (!*q->docs_missing || (rule && rule->emergency))) {
		any = true;
		civil_date on;
		aid_facts f;
		household_budget hb;
		aid_result res = {0};
		if (rule && civil_parse(q->requested_on, &on) &&
		    aid_facts_for(r->db, r->a, q->household_id, q->aid_key, on, q->id, q->residence_months, q->bill, &f, &hb) == E_OK)
			aid_evaluate(r->a, rule, &f, &res);
		aid_envelope env;
		civil_date t = civil_today(r->user->tz);
		action_open(r, q, "instruire", is(q->status, "instruite") ? "Reprendre l’instruction" : "Instruire");
		html_printf(b, "<p><strong>Proposition du règlement</strong> : %s, %s.<br>%s</p>", res.eligible ? "éligible" : "non éligible",
		            money_format(r->a, res.amount), res.explain ? res.explain : "");
		if (aid_envelope_of(r->db, q->aid_key, t.y, &env) == E_OK)
			html_printf(b, "<p>Enveloppe %d de cette aide : %s</p>", t.y,
			            env.voted < 0 ? "aucune enveloppe votée."
			                          : arena_printf(r->a, "reste %s sur %s.", money_format(r->a, env.voted - env.committed),
			                                         money_format(r->a, env.voted)));
		html_lit(b, "<div class=\"grid\">");
		static const char *const ov[] = {"", "favorable", "defavorable"}, *const ol[] = {"— choisir —", "Favorable", "Défavorable"};
		form_select(b, "opinion", "Avis de l’instructeur", ov, ol, 3, typed(r, "opinion", *q->opinion ? q->opinion : res.eligible ? "favorable" : ""), fe);
		form_input(b, &(form_field){.name = "amount", .label = "Montant proposé (€)", .value = typed(r, "amount", money_format(r->a, res.amount)),
		                            .hint = "Par défaut, la proposition du règlement."}, fe);
		form_input(b, &(form_field){.name = "bill", .label = "Facture (€)", .value = typed(r, "bill", q->bill ? money_format(r->a, q->bill) : "")}, fe);
		form_input(b, &(form_field){.name = "residence", .label = "Mois de résidence dans la commune",
		                            .value = typed(r, "residence", arena_printf(r->a, "%d", q->residence_months))}, fe);
		html_lit(b, "</div>");
		form_input(b, &(form_field){.name = "reason", .label = "Motivation de l’avis", .type = "textarea", .value = typed(r, "reason", q->opinion_reason),
		                            .hint = "Obligatoire si l’avis s’écarte de la proposition du règlement."}, fe);
		action_close(r, "Enregistrer l’instruction", false);
	}
	if (is(q->status, "instruite") && web_can(r, PERM_AID_DECIDE)) {
		db_res s = {0};
		const char *v[10], *l[10];
		int ns = 0;
		DBQ0(r->db, &Q_NEXT_SESSIONS, &s);
		while (ns < 10 && db_next(&s)) {
			v[ns] = arena_printf(r->a, "%lld", (long long)db_int(&s, 0));
			l[ns] = arena_printf(r->a, "%s — %s", civil_fr(r->a, db_text(&s, 1)), db_text(&s, 2));
			ns++;
		}
		db_close(&s);
		any = true;
		action_open(r, q, "inscrire", "Inscrire à l’ordre du jour d’une commission");
		if (ns)
			form_select(b, "session", "Séance", v, l, ns, typed(r, "session", NULL), fe);
		else
			html_lit(b, "<p>Aucune séance prévue : <a href=\"/aides/commissions\">créez-en une</a>.</p>");
		action_close(r, "Inscrire", false);
	}
	bool can_decide = (is(q->status, "instruite") && !is(q->route, "commission") && web_can(r, PERM_AID_DECIDE)) ||
	                  (is(q->status, "inscrite") && web_can(r, PERM_AID_COMMITTEE));
	if (can_decide) {
		any = true;
		action_open(r, q, "decider", is(q->status, "inscrite") ? "Décision de la commission" : "Décision sous délégation");
		html_lit(b, "<div class=\"grid\">");
		static const char *const dv[] = {"", "accorde", "refuse", "ajourne"},
		                         *const dl[] = {"— choisir —", "Accordée", "Refusée", "Ajournée"};
		form_select(b, "decision", "Décision", dv, dl, 4, typed(r, "decision", ""), fe);
		form_input(b, &(form_field){.name = "amount", .label = "Montant accordé (€)", .value = typed(r, "amount", money_format(r->a, q->opinion_amount))}, fe);
		html_lit(b, "</div>");
		form_input(b, &(form_field){.name = "motive", .label = "Motif", .type = "textarea", .value = typed(r, "motive", NULL),
		                            .hint = "Obligatoire pour un refus, un ajournement ou un montant différent de la proposition."}, fe);
		const char *oe = form_error_for(fe, "overcommit");
		if (web_can(r, PERM_AID_DECIDE))
			html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"f-overcommit\" name=\"overcommit\" value=\"1\"%s%s>"
			               "<label for=\"f-overcommit\">Engager au-delà de l’enveloppe votée (responsable)</label></div>",
			            oe ? " aria-invalid=\"true\" aria-describedby=\"e-overcommit\"" : "", typed(r, "overcommit", NULL) ? " checked" : "");
		if (oe)
			html_printf(b, "<p class=\"error\" id=\"e-overcommit\">%s</p>", oe);
		action_close(r, "Enregistrer la décision", false);
	}
	if (is(q->route, "urgence") && *q->decision && !*q->ratified_on && !is(q->status, "annulee") && web_can(r, PERM_AID_COMMITTEE)) {
		any = true;
		action_open(r, q, "ratifier", "Ratification de l’aide d’urgence");
		action_close(r, "Ratifier", false);
	}
	if (is(q->status, "decidee") && web_can(r, PERM_AID_INSTRUCT)) {
		any = true;
		html_printf(b, "<p><a href=\"/aides/demandes/%lld/lettre.pdf\">Lettre de décision (PDF)</a></p>", (long long)q->id);
		action_open(r, q, "notifier", "Notification au foyer");
		html_lit(b, "<p>La lettre a été remise ou envoyée au foyer aujourd’hui.</p>");
		action_close(r, "Marquer comme notifiée", false);
	}
	if (is(q->status, "notifiee") && is(q->decision, "accorde") && web_can(r, PERM_AID_PAY)) {
		any = true;
		action_open(r, q, "payer", "Paiement");
		html_lit(b, "<div class=\"grid\">");
		static const char *const mv[] = {"", "bon", "virement créancier", "virement personne", "colis", "nature"},
		                         *const ml[] = {"— choisir —", "Bon (chèque d’accompagnement personnalisé)", "Virement au créancier",
		                                        "Virement à la personne", "Colis alimentaire", "En nature"};
		form_select(b, "mode", "Mode", mv, ml, 6, typed(r, "mode", NULL), fe);
		form_input(b, &(form_field){.name = "amount", .label = "Montant payé (€)", .value = typed(r, "amount", money_format(r->a, q->granted))}, fe);
		form_input(b, &(form_field){.name = "vouchers", .label = "Numéros des bons", .value = typed(r, "vouchers", NULL)}, fe);
		form_input(b, &(form_field){.name = "reference", .label = "Référence du mandat", .value = typed(r, "reference", NULL)}, fe);
		form_input(b, &(form_field){.name = "creditor", .label = "Créancier", .value = typed(r, "creditor", q->creditor)}, fe);
		html_lit(b, "</div>");
		action_close(r, "Enregistrer le paiement", false);
	}
	if ((is(q->status, "payee") || (is(q->status, "notifiee") && is(q->decision, "refuse"))) &&
	    (web_can(r, PERM_AID_PAY) || web_can(r, PERM_AID_INSTRUCT))) {
		any = true;
		action_open(r, q, "clore", "Clôture");
		action_close(r, "Clore la demande", false);
	}
	bool open = is(q->status, "brouillon") || is(q->status, "deposee") || is(q->status, "instruite") || is(q->status, "inscrite");
	if (open && web_can(r, PERM_AID_INSTRUCT)) {
		any = true;
		action_open(r, q, "retirer", "Retrait par le foyer");
		form_input(b, &(form_field){.name = "reason", .label = "Raison du retrait", .value = is(typed(r, "action", ""), "retirer") ? typed(r, "reason", NULL) : NULL}, fe);
		action_close(r, "Retirer la demande", true);
	}
	if ((open || is(q->status, "decidee") || is(q->status, "notifiee")) && web_can(r, PERM_AID_DECIDE)) {
		any = true;
		action_open(r, q, "annuler", "Annulation");
		form_input(b, &(form_field){.name = "reason", .label = "Raison de l’annulation", .value = is(typed(r, "action", ""), "annuler") ? typed(r, "reason", NULL) : NULL}, fe);
		action_close(r, "Annuler la demande", true);
	}
	if (!any)
		html_lit(b, "<p>Aucune action possible pour vous dans cet état.</p>");
	html_lit(b, "</section>");
}

static void request_page(web_req *r, aid_req *q, const form_errors *fe, const char *notice_kind, const char *notice)
{
	const char *file_no = persons_file_no(r->db, r->a, q->household_id);
	page_begin(r, arena_printf(r->a, "Demande d’aide n° %lld — %s", (long long)q->id, q->aid_label));
	buf *b = &r->out;
	if (notice)
		page_notice(r, notice_kind, notice);
	html_printf(b, "<dl class=\"facts\"><dt>Foyer</dt><dd><a href=\"/foyers/%lld\">%s</a> — %s</dd><dt>Statut</dt><dd><strong>%s</strong></dd>"
	               "<dt>Demandée le</dt><dd>%s</dd><dt>Objet</dt><dd>%s</dd><dt>Facture</dt><dd>%s</dd><dt>Créancier</dt><dd>%s</dd>"
	               "<dt>Résidence dans la commune</dt><dd>%d mois</dd><dt>Pièces manquantes</dt><dd>%s</dd></dl>",
	            (long long)q->household_id, file_no ? file_no : "?", applicant(r, q), aid_status_label(q->status),
	            civil_fr(r->a, q->requested_on), *q->purpose ? q->purpose : "—", q->bill ? money_format(r->a, q->bill) : "—",
	            *q->creditor ? q->creditor : "—", q->residence_months,
	            is(q->status, "brouillon") ? "(au dépôt)" : *q->docs_missing ? q->docs_missing : "aucune");
	html_lit(b, "<section aria-labelledby=\"t-why\"><h2 id=\"t-why\">Pourquoi ce montant ?</h2>");
	if (q->eligible < 0) {
		html_lit(b, "<p>La demande n’a pas encore été instruite : le règlement sera appliqué à l’instruction.</p>");
	} else {
		aid_rulebook rb;
		const char *ver = q->rulebook_id && aid_rulebook_by_id(r->db, r->a, q->rulebook_id, &rb) && rb.version ? rb.version : "?";
		html_printf(b, "<p>Règlement appliqué : <a href=\"/aides/reglement/%lld\">version %s</a>. Quotient familial %s, reste à vivre "
		               "%s par personne et par jour.</p><p><strong>Proposition du règlement</strong> : %s, %s. %s</p>"
		               "<p><strong>Avis de l’instructeur</strong> : %s, %s%s%s. Voie de décision : %s.</p>",
		            (long long)q->rulebook_id, ver, money_format(r->a, q->qf), money_format(r->a, q->rav),
		            q->eligible ? "éligible" : "non éligible", money_format(r->a, q->proposed), q->explain,
		            is(q->opinion, "favorable") ? "favorable" : "défavorable", money_format(r->a, q->opinion_amount),
		            *q->opinion_reason ? " — " : "", q->opinion_reason, aid_route_label(q->route));
	}
	if (*q->decision)
		html_printf(b, "<p><strong>Décision</strong> : %s%s%s le %s%s%s.%s</p>", aid_decision_label(q->decision),
		            is(q->decision, "accorde") ? ", " : "", is(q->decision, "accorde") ? money_format(r->a, q->granted) : "",
		            civil_fr(r->a, q->decided_on), *q->decision_motive ? " — " : "", q->decision_motive,
		            is(q->route, "urgence") ? (*q->ratified_on ? arena_printf(r->a, " Ratifiée le %s.", civil_fr(r->a, q->ratified_on))
		                                                       : " À ratifier par la prochaine commission.")
		                                    : "");
	if (*q->paid_on)
		html_printf(b, "<p><strong>Paiement</strong> : %s le %s (%s%s%s%s%s).</p>", money_format(r->a, q->paid),
		            civil_fr(r->a, q->paid_on), q->payment_mode, *q->vouchers ? ", bons " : "", q->vouchers,
		            *q->pay_reference ? ", mandat " : "", q->pay_reference);
	if (*q->end_reason)
		html_printf(b, "<p><strong>%s</strong> : %s</p>", aid_status_label(q->status), q->end_reason);
	if (*q->decision && !is(q->decision, "ajourne"))
		html_printf(b, "<p><a href=\"/aides/demandes/%lld/lettre.pdf\">Lettre de décision (PDF)</a>%s</p>", (long long)q->id,
		            *q->vouchers ? arena_printf(r->a, " · <a href=\"/aides/demandes/%lld/recu.pdf\">Reçu des bons (PDF)</a>", (long long)q->id) : "");
	html_lit(b, "</section>");
	actions(r, q, fe);
	html_lit(b, "<section aria-labelledby=\"t-hist\"><h2 id=\"t-hist\">Historique</h2><table class=\"data\"><caption class=\"sr-only\">"
	            "Étapes de la demande</caption><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Étape</th><th scope=\"col\">Détail</th>"
	            "<th scope=\"col\">Par</th></tr></thead><tbody>");
	db_res e = {0};
	DBQ(r->db, &Q_EVENTS, &e, A_INT(q->id));
	while (db_next(&e))
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", civil_fr(r->a, db_text(&e, 0)),
		            label_of(EV_V, EV_L, (int)(sizeof EV_V / sizeof *EV_V), db_text(&e, 1)),
		            db_text(&e, 2), db_text(&e, 3));
	db_close(&e);
	html_lit(b, "</tbody></table></section>");
	page_end(r);
}

static bool load_or_404(web_req *r, aid_req *q)
{
	if (aid_req_load(r->db, r->a, r->param[0], q))
		return true;
	web_error(r, E_NOT_FOUND, NULL);
	return false;
}

static void request_get(web_req *r)
{
	aid_req q;
	if (!load_or_404(r, &q))
		return;
	journal_record(r->db, r->user->id, "read", "aid_request", q.id, NULL);
	request_page(r, &q, NULL, "ok", web_arg(r, "ok") ? "C’est enregistré." : NULL);
}

/* A return address inside the committee pages (after a decision in session). */
static const char *back_to(web_req *r)
{
	const char *b = web_field(r, "retour");
	if (b && !strncmp(b, "/aides/commissions/", 19) && !strpbrk(b, "\r\n\\") && strlen(b) < 200)
		return b;
	return NULL;
}

static void action_post(web_req *r)
{
	aid_req q;
	if (!load_or_404(r, &q))
		return;
	form_errors fe = {0};
	const char *why;
	err e = aid_act(r, &q, web_field(r, "action"), &r->form, &fe, &why);
	const char *back = back_to(r);
	if (e == E_OK) {
		web_redirect(r, back ? back : arena_printf(r->a, "/aides/demandes/%lld?ok=1", (long long)q.id));
		return;
	}
	if (e == E_FORBIDDEN || e == E_DB || e == E_INTERNAL) {
		web_error(r, e, NULL);
		return;
	}
	aid_req_load(r->db, r->a, q.id, &q);
	r->status = e == E_CONFLICT ? 409 : 400;
	request_page(r, &q, &fe, "error", e == E_CONFLICT ? why : NULL);
}

static void new_form(web_req *r, const form_errors *fe)
{
	const char *hs = web_field(r, "household") ? web_field(r, "household") : web_arg(r, "foyer");
	int64_t hid = 0;
	if (hs)
		text_to_int64(hs, 1, INT64_MAX, &hid);
	page_begin(r, "Nouvelle demande d’aide");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_lit(b, "<form method=\"post\" action=\"/aides/demandes\" novalidate>");
	page_csrf(r);
	html_lit(b, "<div class=\"grid\">");
	person_brief *m = NULL;
	int nm = hid && persons_household_exists(r->db, hid) ? persons_household_members(r->db, r->a, hid, &m) : 0;
	if (nm) {
		html_printf(b, "<input type=\"hidden\" name=\"household\" value=\"%lld\">", (long long)hid);
		const char **v = arena_array(r->a, (size_t)nm, sizeof *v), **l = arena_array(r->a, (size_t)nm, sizeof *l);
		for (int i = 0; v && l && i < nm; i++) {
			v[i] = arena_printf(r->a, "%lld", (long long)m[i].id);
			l[i] = arena_printf(r->a, "%s %s (%s)", m[i].last_name, m[i].first_names, m[i].relation);
		}
		form_select(b, "person", "Demandeur", v, l, v && l ? nm : 0, web_field(r, "person"), fe);
	} else {
		form_input(b, &(form_field){.name = "household", .label = "N° interne du foyer", .required = true, .value = hs,
		                            .hint = "Ouvrez plutôt la demande depuis la fiche du foyer."}, fe);
	}
	aid_rulebook rb;
	int64_t rbid;
	const char *av[AID_MAX_AIDS + 1] = {""}, *al[AID_MAX_AIDS + 1] = {"— choisir —"};
	int na = 1;
	if (aid_rulebook_on(r->db, r->a, civil_today(r->user->tz), &rb, &rbid))
		for (int i = 0; i < rb.naids; i++, na++)
			av[na] = rb.aids[i].key, al[na] = rb.aids[i].label;
	const char *aid = web_field(r, "aid") ? web_field(r, "aid") : web_arg(r, "aide");
	form_select(b, "aid", "Aide demandée", av, al, na, aid, fe);
	form_input(b, &(form_field){.name = "requested_on", .label = "Date de la demande", .type = "date", .required = true,
	                            .value = web_field(r, "requested_on") ? web_field(r, "requested_on") : civil_iso(r->a, civil_today(r->user->tz))}, fe);
	form_input(b, &(form_field){.name = "residence", .label = "Mois de résidence dans la commune", .required = true,
	                            .value = web_field(r, "residence") ? web_field(r, "residence") : web_arg(r, "residence")}, fe);
	form_input(b, &(form_field){.name = "bill", .label = "Montant de la facture (€)", .value = web_field(r, "bill") ? web_field(r, "bill") : web_arg(r, "facture"),
	                            .hint = "Pour une aide calculée sur une facture."}, fe);
	form_input(b, &(form_field){.name = "creditor", .label = "Créancier", .value = web_field(r, "creditor"),
	                            .hint = "Fournisseur, bailleur… pour un paiement direct."}, fe);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "purpose", .label = "Objet de la demande", .type = "textarea", .value = web_field(r, "purpose")}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer le brouillon</button></form>");
	page_end(r);
}

static void new_get(web_req *r) { new_form(r, NULL); }

static void create_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id;
	err e = aid_create(r, &r->form, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		new_form(r, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/aides/demandes/%lld?ok=1", (long long)id));
}

void aid_household_section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_printf(b, "<section aria-labelledby=\"t-aid\"><h2 id=\"t-aid\">Aides facultatives</h2><p><a href=\"/foyers/%lld/simulation\">"
	               "Simuler les aides du règlement</a>", (long long)hid);
	if (web_can(r, PERM_AID_INSTRUCT))
		html_printf(b, " · <a href=\"/aides/demandes/nouvelle?foyer=%lld\">Nouvelle demande</a>", (long long)hid);
	html_lit(b, "</p>");
	if (web_can(r, PERM_AID_READ)) {
		aid_list_filter f = {.list = "", .status = "", .aid = "", .household_id = hid, .page = 1};
		aid_req rows[11];
		int n = aid_list_run(r, &f, 11, 0, rows);
		if (n) {
			html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Demandes d’aide du foyer</caption><thead><tr>"
			            "<th scope=\"col\">N°</th><th scope=\"col\">Aide</th><th scope=\"col\">Demandée le</th><th scope=\"col\">Statut</th>"
			            "<th scope=\"col\" class=\"num\">Montant</th></tr></thead><tbody>");
			for (int i = 0; i < n && i < 10; i++)
				html_printf(b, "<tr><td><a href=\"/aides/demandes/%lld\">%lld</a></td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%s</td></tr>",
				            (long long)rows[i].id, (long long)rows[i].id, rows[i].aid_label, civil_fr(r->a, rows[i].requested_on),
				            aid_status_label(rows[i].status), amount_shown(r, &rows[i]));
			html_lit(b, "</tbody></table>");
			if (n > 10)
				html_printf(b, "<p><a href=\"/aides?foyer=%lld\">Toutes les demandes du foyer</a></p>", (long long)hid);
		}
	}
	html_lit(b, "</section>");
}

/* The household's aid requests with their steps' outcome, for the
 * data-subject export. */
static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT id, aid_label, status, requested_on, purpose, bill, proposed, explain, opinion, opinion_amount, opinion_reason, "
	"decision, granted, decision_motive, decided_on, notified_on, payment_mode, paid, paid_on, end_reason FROM aid_requests "
	"WHERE structure_id = $1 AND household_id = $2 ORDER BY id");
static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a, (void)pid;
	static const char *const cols[] = {"id", "aid", "status", "requested_on", "purpose", "bill_cents", "proposed_cents",
		"explanation", "opinion", "opinion_cents", "opinion_reason", "decision", "granted_cents", "decision_motive", "decided_on",
		"notified_on", "payment_mode", "paid_cents", "paid_on", "end_reason"};
	db_res q = {0};
	DBQ(c, &Q_SUBJECT, &q, A_INT(hid));
	json_t *rows = persons_rows_json(&q, cols, 20);
	json_array_extend(out, rows);
	json_decref(rows);
}

/* Retention: amounts and decisions stay (statistics, accounts); the
 * words about the household and third parties go. */
static db_sql Q_ANON_R = DB_SQL(DB_SCOPED,
	"UPDATE aid_requests SET purpose = '', creditor = '', opinion_reason = '', decision_motive = '', vouchers = '', "
	"pay_reference = '', end_reason = '', person_id = NULL WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_E = DB_SQL(DB_SCOPED,
	"UPDATE aid_events SET detail = '' WHERE structure_id = $1 AND request_id IN "
	"(SELECT id FROM aid_requests WHERE structure_id = $1 AND household_id = $2)");
static err anonymise(db_conn *c, int64_t hid)
{
	err e = DBX(c, &Q_ANON_E, NULL, A_INT(hid));
	return e == E_OK ? DBX(c, &Q_ANON_R, NULL, A_INT(hid)) : e;
}

void aid_requests_init(void)
{
	persons_subject_add("optional_aid", subject);
	persons_anonymise_add(anonymise);
	persons_retention_hold_add("SELECT 1 FROM aid_requests x WHERE x.structure_id = h.structure_id AND x.household_id = h.id "
	                           "AND x.status IN ('brouillon', 'deposee', 'instruite', 'inscrite', 'decidee', 'notifiee')");
	web_route(M_GET, "/aides", list_page, PERM_AID_READ, 0, "Demandes d’aide : listes de travail");
	web_route(M_GET, "/aides/export.csv", export_csv, PERM_AID_READ, 0, "Exporter une liste de demandes (CSV)");
	web_route(M_GET, "/aides/export.xlsx", export_xlsx, PERM_AID_READ, 0, "Exporter une liste de demandes (XLSX)");
	web_route(M_GET, "/aides/demandes/nouvelle", new_get, PERM_AID_INSTRUCT, 0, "Formulaire de demande d’aide");
	web_route(M_POST, "/aides/demandes", create_post, PERM_AID_INSTRUCT, 0, "Créer une demande d’aide (brouillon)");
	web_route(M_GET, "/aides/demandes/{id}", request_get, PERM_AID_READ, 0, "Une demande d’aide");
	web_route(M_POST, "/aides/demandes/{id}/action", action_post, PERM_AID_ACT, 0, "Faire avancer une demande d’aide");
}
