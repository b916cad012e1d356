/*
 * aid_workflow.c — a request's life from draft to closing, without HTML:
 * the statements, the typed row (aid_req) and its loader, the inputs'
 * checks, the household's facts for the rulebook, creation, the workflow
 * (aid_act, driven by a table of transitions). The work lists, committee
 * sessions, the data-subject export and anonymisation are in aid_lists.c.
 * The pages (aid_requests.c, aid_committee.c) and the API (aid_api.c)
 * call both.
 */
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/aid/aid_internal.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

const code AID_STATUS[AID_NSTATUS] = {
	{"brouillon", "Brouillon"}, {"deposee", "Déposée"}, {"instruite", "Instruite"}, {"inscrite", "Inscrite en commission"},
	{"decidee", "Décidée"}, {"notifiee", "Notifiée"}, {"payee", "Payée"}, {"close", "Close"}, {"retiree", "Retirée"},
	{"annulee", "Annulée"},
};
static const code DECISIONS[] = {{"accorde", "Accordée"}, {"refuse", "Refusée"}, {"ajourne", "Ajournée"}};
static const code ROUTES[] = {
	{"delegation", "Délégation du directeur"}, {"commission", "Commission permanente"}, {"urgence", "Urgence (ratification ensuite)"},
};
const code AID_EVENTS[14] = {
	{"creation", "Création"}, {"deposer", "Dépôt"}, {"pieces", "Pièces reçues"}, {"instruction", "Instruction"},
	{"inscription", "Inscription en commission"}, {"accorde", "Accordée"}, {"refuse", "Refusée"}, {"ajourne", "Ajournée"},
	{"ratification", "Ratification"}, {"notification", "Notification"}, {"paiement", "Paiement"}, {"cloture", "Clôture"},
	{"retrait", "Retrait"}, {"annulation", "Annulation"},
};
const code AID_LISTS[10] = {
	{"", "Toutes"}, {"a_instruire", "À instruire"}, {"pieces", "Pièces manquantes"}, {"delegation", "À décider (délégation, urgence)"},
	{"a_inscrire", "À inscrire en commission"}, {"commission", "En commission"}, {"a_notifier", "À notifier"},
	{"a_payer", "À payer"}, {"decidees_mois", "Décidées ce mois"}, {"mes", "Mes demandes"},
};

const char *aid_status_label(const char *s) { return CODE_LABEL(AID_STATUS, s); }
const char *aid_decision_label(const char *d) { return d && *d ? CODE_LABEL(DECISIONS, d) : "—"; }
const char *aid_route_label(const char *d) { return d && *d ? CODE_LABEL(ROUTES, d) : "—"; }


/* ---- statements ------------------------------------------------------------------------------ */

static db_sql Q_GET = DB_SQL(DB_SCOPED, "SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1 AND id = $2");
static db_sql Q_CREATE = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_requests (structure_id, household_id, person_id, aid_key, aid_label, status, requested_on, purpose, bill, "
	"residence_months, creditor, created_by, created_at, need) VALUES ($1, $2, $3, $4, $5, 'brouillon', $6, $7, $8, $9, $10, $11, $12, $13) "
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
	"residence_months = $16, qf_known = $17, rav_known = $18, explain_plain = $19, version = version + 1" WHERE_V "status IN ('deposee', 'instruite')");
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
	"SELECT id, held_on, place FROM aid_sessions WHERE structure_id = $1 AND status = 'prevue' ORDER BY held_on");
void aid_req_fill(db_res *q, arena *a, aid_req *o)
{
	int64_t *ints[] = {&o->id, &o->household_id, &o->person_id, &o->rulebook_id, &o->session_id, &o->version, &o->instructor_id,
	                   &o->decided_by, &o->bill, &o->proposed, &o->opinion_amount, &o->granted, &o->paid, &o->qf, &o->rav};
	for (int i = 0; i < 15; i++)
		*ints[i] = db_int(q, i);
	o->residence_months = (int)db_int(q, 15);
	o->eligible = db_isnull(q, 16) ? -1 : (int)db_int(q, 16);
	o->agenda_no = (int)db_int(q, 17);
	o->qf_known = db_int(q, 40) != 0;
	o->rav_known = db_int(q, 41) != 0;
	char *plain = db_dup(q, 42, a), *need = db_dup(q, 43, a);
	o->explain_plain = plain ? plain : "";
	o->need = need ? need : "";
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
		aid_req_fill(&q, a, out);
	db_close(&q);
	return ok;
}

int aid_events_of(db_conn *c, arena *a, int64_t id, aid_step_row **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_EVENTS, &q, A_INT(id));
	while (e == E_OK && db_next(&q)) {
		aid_step_row *v = ARENA_PUSH(a, *out, n, cap);
		if (!v)
			break;
		v->on = arena_strdup(a, db_text(&q, 0));
		v->kind = arena_strdup(a, db_text(&q, 1));
		v->detail = arena_strdup(a, db_text(&q, 2));
		v->user = arena_strdup(a, db_isnull(&q, 3) ? "" : db_text(&q, 3));
		v->session_id = db_isnull(&q, 4) ? 0 : db_int(&q, 4);
	}
	db_close(&q);
	return e == E_OK && !a->failed ? n : -1;
}

int aid_open_sessions(db_conn *c, arena *a, aid_session_brief **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ0(c, &Q_NEXT_SESSIONS, &q);
	while (e == E_OK && db_next(&q)) {
		aid_session_brief *v = ARENA_PUSH(a, *out, n, cap);
		if (!v)
			break;
		v->id = db_int(&q, 0);
		v->held_on = arena_strdup(a, db_text(&q, 1));
		v->place = arena_strdup(a, db_text(&q, 2));
	}
	db_close(&q);
	return e == E_OK && !a->failed ? n : -1;
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
int aid_items(arena *a, const char *list, char ***out)
{
	int n = 0, cap = 0;
	*out = NULL;
	char *all = arena_strdup(a, list ? list : "");
	for (char *tok = all, *next; tok && *tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		char *t = text_trim(a, tok);
		char **slot = t && *t ? ARENA_PUSH(a, *out, n, cap) : NULL;
		if (slot)
			*slot = t;
	}
	return n;
}

/* Was document `doc` ticked? Checkboxes "piece" (repeated) or a list "pieces". */
static bool has_doc(arena *a, const kv_list *in, const char *doc)
{
	char *want = text_fold(a, doc), **items = NULL;
	for (int i = 0; want && i < in->n; i++) {
		bool list = !strcmp(in->items[i].name, "pieces");
		if (!list && strcmp(in->items[i].name, "piece"))
			continue;
		int n = list ? aid_items(a, in->items[i].value, &items) : 1;
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
	char **docs;
	int n = aid_items(a, rule ? rule->documents : NULL, &docs);
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
	char **modes;
	int n = aid_items(a, rule->payment, &modes);
	for (int i = 0; i < n; i++)
		if (!strcmp(modes[i], mode))
			return true;
	return false;
}

/* ---- the rulebook and the household's figures ------------------------------------------------ */

/* ---- creation -------------------------------------------------------------------------------- */

err aid_create(const aid_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, pid = 0, bill = 0, months = 0;
	civil_date on = x->today, today = on;
	const char *hs = in_get(in, "household"), *ps = in_get(in, "person"), *key = in_get(in, "aid"),
	           *ds = in_get(in, "requested_on"), *bs = in_get(in, "bill"), *ms = in_get(in, "residence"),
	           *purpose = in_get(in, "purpose"), *creditor = in_get(in, "creditor");
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(x->c, hid)) {
		form_error(fe, "household", "Choisissez le foyer qui demande l’aide.");
		hid = 0;
	}
	if (ds && (!civil_parse(ds, &on) || civil_to_days(on) > civil_to_days(today)))
		form_error(fe, "requested_on", "La date de la demande doit être au format AAAA-MM-JJ et ne pas être dans le futur.");
	aid_rulebook rb;
	int64_t rbid;
	const aid_rule *rule = NULL;
	if (!aid_rulebook_on(x->c, x->a, on, &rb, &rbid))
		form_error(fe, "aid", "Aucun règlement des aides n’est en vigueur à cette date.");
	else if (!key || !(rule = aid_rules_find(&rb, key)))
		form_error(fe, "aid", "Choisissez une aide du règlement en vigueur.");
	else if (rule->tariff) {
		form_error(fe, "aid", arena_printf(x->a, "« %s » est une grille de tarifs (repas, cantine…) : elle fixe le prix d’un service, elle "
		                                         "ne se demande pas.", rule->label));
		rule = NULL;
	}
	if (bs && !money_parse(bs, &bill))
		form_error(fe, "bill", "Le montant de la facture doit être un montant en euros (par exemple 120,50).");
	/* A scale by need: the need is chosen among those the rule declares. */
	const char *need = "", *ns = in_get(in, "need");
	if (rule && rule->nneeds) {
		const char *f = ns ? text_fold(x->a, ns) : NULL;
		for (int i = 0; f && i < rule->nneeds; i++)
			if (!strcmp(f, rule->need_keys[i]))
				need = rule->need_keys[i];
		if (!*need) {
			buf nb;
			buf_init(&nb, x->a, 64);
			for (int i = 0; i < rule->nneeds; i++)
				buf_printf(&nb, "%s%s", i ? ", " : "", rule->needs[i]);
			form_error(fe, "need", arena_printf(x->a, "Choisissez le besoin (%s) : le barème de cette aide en dépend.", buf_cstr(&nb)));
		}
	}
	/* The months of residence come from the address history; typed, they
	 * must say why they differ from it. */
	int known = hid ? persons_residence_months(x->c, hid, on) : -1;
	const char *why_res = in_get(in, "residence_reason");
	if (ms && !text_to_int64(ms, 0, 1200, &months))
		form_error(fe, "residence", "La durée de résidence est un nombre de mois (0 à 1200).");
	else if (!ms && known < 0 && hid)
		form_error(fe, "residence", "L’adresse du foyer n’a pas de date d’arrivée : indiquez depuis combien de mois il réside "
		                            "dans la commune (0 à 1200), ou complétez l’adresse.");
	else if (!ms)
		months = known;
	else if (known >= 0 && months != known && (!why_res || strlen(why_res) > 500))
		form_error(fe, "residence_reason", arena_printf(x->a, "L’historique des adresses donne %d mois de résidence : indiquez "
		                                                      "pourquoi la durée saisie (%lld mois) est différente.", known,
		                                                (long long)months));
	if (purpose && strlen(purpose) > 2000)
		form_error(fe, "purpose", "L’objet de la demande est trop long (2 000 caractères au plus).");
	if (creditor && strlen(creditor) > 200)
		form_error(fe, "creditor", "Le créancier est trop long (200 caractères au plus).");
	bool not_member = false;
	pid = persons_member_or_applicant(x->c, x->a, hid, ps, &not_member);
	if (not_member)
		form_error(fe, "person", "Le demandeur doit être un membre du foyer.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_CREATE, id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(rule->key), A_TEXT(rule->label),
		         A_TEXT(civil_iso(x->a, on)), A_TEXT(purpose ? purpose : ""), A_INT(bill), A_INT(months),
		         A_TEXT(creditor ? creditor : ""), A_INT(x->user), A_INT(civil_now()), A_TEXT(need));
	if (e == E_OK)
		e = aid_event(x->c, *id, 0, x->user, civil_iso(x->a, today), "creation",
		              ms && known >= 0 && months != known
		                  ? arena_printf(x->a, "%s — résidence %lld mois au lieu de %d (historique des adresses) : %s", rule->label,
		                                 (long long)months, known, why_res)
		                  : rule->label);
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, x->user, "aid_request", *id, arena_printf(x->a, "Demande d’aide : %s", rule->label));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "aid_request", *id, rule->key);
	return db_finish(x->c, e);
}

/* ---- the workflow ---------------------------------------------------------------------------- */

static const char *CONFLICT_STATE = "Cette action n’est pas possible dans l’état actuel de la demande.";
static const char *CONFLICT_OTHER = "Quelqu’un d’autre a modifié cette demande entre-temps : voici son état actuel, "
                                    "vérifiez avant de recommencer.";

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* The rule that applies to the request: the version it was instructed
 * with, else the one in force on the request date. */
const aid_rule *aid_rule_of(db_conn *c, arena *a, const aid_req *q, aid_rulebook *rb, int64_t *rbid)
{
	civil_date on;
	*rbid = 0;
	if (q->rulebook_id && aid_rulebook_by_id(c, a, q->rulebook_id, rb))
		*rbid = q->rulebook_id;
	else if (!civil_parse(q->requested_on, &on) || !aid_rulebook_on(c, a, on, rb, rbid))
		return NULL;
	return aid_rules_find(rb, q->aid_key);
}

static err instruct(const aid_ctx *x, aid_req *q, const kv_list *in, form_errors *fe, int64_t *n)
{
	aid_rulebook rb;
	int64_t rbid = 0;
	civil_date on;
	const aid_rule *rule = NULL;
	/* Instruction always applies the version in force on the request date. */
	if (civil_parse(q->requested_on, &on) && aid_rulebook_on(x->c, x->a, on, &rb, &rbid))
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
	err e = aid_facts_for(x->c, x->a, q->household_id, q->aid_key, on, q->id, (int)months, bill, &f, &hb);
	if (e != E_OK)
		return e;
	f.need = q->need;
	aid_result res;
	aid_evaluate(x->a, rule, &f, &res);
	if (res.incomplete) {
		form_error(fe, "opinion", arena_printf(x->a, "%s : complétez le budget du foyer (ressources du mois) avant d’instruire.",
		                                       res.explain));
		return E_INPUT;
	}
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
		form_error(fe, "reason", arena_printf(x->a, "L’avis s’écarte de la proposition du règlement (%s, %s) : écrivez pourquoi.",
		                                      res.eligible ? "éligible" : "non éligible", money_format(x->a, res.amount)));
		return E_INPUT;
	}
	const char *route = rule->emergency ? "urgence" : rule->delegation >= 0 && amount <= rule->delegation ? "delegation" : "commission";
	e = DBX(x->c, &Q_INSTRUCT, n, A_INT(q->id), A_INT(q->version), A_INT(rbid), A_INT(res.eligible ? 1 : 0), A_INT(res.amount),
	        A_TEXT(res.explain), A_INT(hb.qf), A_INT(hb.rav_day_person), A_TEXT(opinion), A_INT(amount), A_TEXT(reason ? reason : ""),
	        A_TEXT(route), A_INT(x->user), A_INT(bill), A_INT(months), A_INT(hb.qf_known), A_INT(hb.rav_known),
	        A_TEXT(res.plain ? res.plain : ""));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, 0, x->user, civil_iso(x->a, x->today), "instruction",
		              arena_printf(x->a, "avis %s, %s ; proposition du règlement %s", is(opinion, "favorable") ? "favorable" : "défavorable", money_format(x->a, amount),
		                           money_format(x->a, res.amount)));
	return e;
}

static err decide(const aid_ctx *x, aid_req *q, const kv_list *in, form_errors *fe, int64_t *n, const char **why)
{
	bool in_session = is(q->status, "inscrite");
	if (in_session ? !aid_can(x, PERM_AID_COMMITTEE) : !aid_can(x, PERM_AID_DECIDE))
		return E_FORBIDDEN;
	if (is(q->status, "instruite") && is(q->route, "commission")) {
		*why = "Ce montant dépasse la délégation : la demande doit être inscrite à l’ordre du jour d’une commission.";
		return E_CONFLICT;
	}
	if (in_session) {
		db_res s = {0};
		int64_t open = 0;
		if (DBQ(x->c, &Q_SESSION_OPEN, &s, A_INT(q->session_id)) == E_OK && db_next(&s))
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
			form_error(fe, "motive", arena_printf(x->a, "Le montant accordé diffère de la proposition du règlement (%s) : "
			                                            "motivez la décision.", money_format(x->a, q->proposed)));
	} else if (!motive) {
		form_error(fe, "motive", is(dec, "refuse") ? "Un refus est motivé : écrivez le motif, il figurera dans la lettre."
		                                           : "Indiquez pourquoi la demande est ajournée.");
	}
	if (motive && strlen(motive) > 2000)
		form_error(fe, "motive", "Le motif est trop long (2 000 caractères au plus).");
	if (fe->n)
		return E_INPUT;
	civil_date today = x->today;
	const char *t = civil_iso(x->a, today);
	if (is(dec, "accorde")) {
		aid_envelope env;
		err e = aid_envelope_of(x->c, q->aid_key, today.y, &env);
		if (e != E_OK)
			return e;
		if (env.voted >= 0 && env.committed + amount > env.voted) {
			const char *left = money_format(x->a, env.voted - env.committed);
			if (!aid_can(x, PERM_AID_DECIDE)) {
				form_error(fe, "amount", arena_printf(x->a, "Ce montant dépasse ce qui reste de l’enveloppe %d (%s) : seul un "
				                                            "responsable peut engager au-delà.", today.y, left));
				return E_INPUT;
			}
			if (!in_get(in, "overcommit")) {
				form_error(fe, "overcommit", arena_printf(x->a, "Ce montant dépasse ce qui reste de l’enveloppe %d (%s) : cochez "
				                                                "« Engager au-delà de l’enveloppe » pour confirmer.", today.y, left));
				return E_INPUT;
			}
		}
	}
	err e;
	if (is(dec, "ajourne"))
		e = DBX(x->c, &Q_ADJOURN, n, A_INT(q->id), A_INT(q->version));
	else
		e = DBX(x->c, &Q_DECIDE, n, A_INT(q->id), A_INT(q->version), A_TEXT(dec), A_INT(is(dec, "accorde") ? amount : 0),
		        A_TEXT(motive ? motive : ""), A_TEXT(t), A_INT(x->user));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, in_session ? q->session_id : 0, x->user, t, dec,
		              is(dec, "accorde") ? arena_printf(x->a, "%s%s%s", money_format(x->a, amount), motive ? " — " : "", motive ? motive : "")
		                                 : motive);
	if (e == E_OK && *n == 1 && !is(dec, "ajourne"))
		e = persons_timeline_add(x->c, q->household_id, x->user, "aid_request", q->id,
		                         is(dec, "accorde") ? arena_printf(x->a, "%s : accordée (%s)", q->aid_label, money_format(x->a, amount))
		                                            : arena_printf(x->a, "%s : refusée", q->aid_label));
	return e;
}

static err pay(const aid_ctx *x, aid_req *q, const kv_list *in, form_errors *fe, int64_t *n)
{
	aid_rulebook rb;
	int64_t rbid;
	const aid_rule *rule = aid_rule_of(x->c, x->a, q, &rb, &rbid);
	const char *mode = in_get(in, "mode"), *as = in_get(in, "amount"), *vouchers = in_get(in, "vouchers"),
	           *ref = in_get(in, "reference"), *creditor = in_get(in, "creditor");
	static const char *const modes[] = {"bon", "virement créancier", "virement personne", "colis", "nature"};
	bool known = false;
	for (int i = 0; i < 5; i++)
		known |= is(mode, modes[i]);
	if (!known)
		form_error(fe, "mode", "Choisissez le mode de paiement.");
	else if (!payment_allowed(x->a, rule, mode))
		form_error(fe, "mode", arena_printf(x->a, "Le règlement ne prévoit pas ce mode pour cette aide (modes prévus : %s).",
		                                    rule && rule->payment ? rule->payment : "—"));
	int64_t amount = q->granted;
	if (as && !money_parse(as, &amount))
		form_error(fe, "amount", "Le montant payé doit être un montant en euros.");
	else if (amount <= 0 || amount > q->granted)
		form_error(fe, "amount", arena_printf(x->a, "Le montant payé est compris entre 0,01 € et le montant accordé (%s).",
		                                      money_format(x->a, q->granted)));
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
	const char *t = civil_iso(x->a, x->today);
	err e = DBX(x->c, &Q_PAY, n, A_INT(q->id), A_INT(q->version), A_INT(amount), A_TEXT(t), A_TEXT(mode),
	            A_TEXT(vouchers ? vouchers : ""), A_TEXT(ref ? ref : ""), A_TEXT(creditor ? creditor : ""));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, 0, x->user, t, "paiement", arena_printf(x->a, "%s, %s", mode, money_format(x->a, amount)));
	if (e == E_OK && *n == 1)
		e = persons_timeline_add(x->c, q->household_id, x->user, "aid_request", q->id,
		                         arena_printf(x->a, "%s : payée (%s)", q->aid_label, money_format(x->a, amount)));
	return e;
}

/* The other steps, each in the caller's transaction: *n is the number of
 * requests the UPDATE changed (0: the state forbade it, or someone was
 * first). */
static err step_docs(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n, const char **why,
                     const char *action)
{
	(void)fe, (void)why;
	aid_rulebook rb;
	int64_t rbid;
	const aid_rule *rule = aid_rule_of(x->c, x->a, q, &rb, &rbid);
	const char *missing = missing_docs(x->a, rule, in);
	err e = DBX(x->c, is(action, "deposer") ? &Q_SUBMIT : &Q_DOCS, n, A_INT(q->id), A_INT(q->version), A_TEXT(missing));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, 0, x->user, t, action, *missing ? arena_printf(x->a, "pièces manquantes : %s", missing) : "dossier complet");
	return e;
}

static err step_instruct(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n,
                         const char **why, const char *action)
{
	(void)t, (void)why, (void)action;
	return instruct(x, q, in, fe, n);
}

static err step_agenda(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n, const char **why,
                       const char *action)
{
	(void)why, (void)action;
	int64_t sid = 0, open = 0;
	const char *ss = in_get(in, "session");
	if (!ss || !text_to_int64(ss, 1, INT64_MAX, &sid)) {
		form_error(fe, "session", "Choisissez la séance de la commission.");
		return E_INPUT;
	}
	db_res s = {0};
	if (DBQ(x->c, &Q_SESSION_OPEN, &s, A_INT(sid)) == E_OK && db_next(&s))
		open = db_int(&s, 0);
	db_close(&s);
	if (!open) {
		form_error(fe, "session", "Cette séance n’existe pas ou elle est close.");
		return E_INPUT;
	}
	err e = DBX(x->c, &Q_AGENDA, n, A_INT(q->id), A_INT(q->version), A_INT(sid));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, sid, x->user, t, "inscription", NULL);
	return e;
}

static err step_decide(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n, const char **why,
                       const char *action)
{
	(void)t, (void)action;
	return decide(x, q, in, fe, n, why);
}

static err step_ratify(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n, const char **why,
                       const char *action)
{
	(void)fe, (void)why, (void)action;
	int64_t sid = 0;
	const char *ss = in_get(in, "session");
	if (ss)
		text_to_int64(ss, 1, INT64_MAX, &sid);
	err e = DBX(x->c, &Q_RATIFY, n, A_INT(q->id), A_INT(q->version), A_TEXT(t));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, sid, x->user, t, "ratification", NULL);
	return e;
}

static err step_notify(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n, const char **why,
                       const char *action)
{
	(void)in, (void)fe, (void)why, (void)action;
	err e = DBX(x->c, &Q_NOTIFY, n, A_INT(q->id), A_INT(q->version), A_TEXT(t));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, 0, x->user, t, "notification", NULL);
	return e;
}

static err step_pay(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n, const char **why,
                    const char *action)
{
	(void)t, (void)why, (void)action;
	return pay(x, q, in, fe, n);
}

static err step_close(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n, const char **why,
                      const char *action)
{
	(void)in, (void)fe, (void)why, (void)action;
	err e = DBX(x->c, &Q_CLOSE, n, A_INT(q->id), A_INT(q->version), A_TEXT(t));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, 0, x->user, t, "cloture", NULL);
	return e;
}

static err step_end(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n, const char **why,
                    const char *action)
{
	(void)why;
	bool cancel = is(action, "annuler");
	const char *reason = in_get(in, "reason");
	if (!reason || strlen(reason) > 1000) {
		form_error(fe, "reason", cancel ? "Indiquez pourquoi la demande est annulée." : "Indiquez pourquoi la demande est retirée.");
		return E_INPUT;
	}
	err e = DBX(x->c, cancel ? &Q_CANCEL : &Q_WITHDRAW, n, A_INT(q->id), A_INT(q->version), A_TEXT(reason), A_TEXT(t));
	if (e == E_OK && *n == 1)
		e = aid_event(x->c, q->id, 0, x->user, t, cancel ? "annulation" : "retrait", reason);
	return e;
}

/* The workflow, one line per action: who may (either permission; none
 * here: the step decides, as a decision needs the committee's right in
 * session and the manager's otherwise), the states it leaves (checked
 * before anything, and again by the UPDATE), the state it reaches, the
 * step recorded in the request's history. */
typedef err (*aid_step)(const aid_ctx *x, aid_req *q, const kv_list *in, const char *t, form_errors *fe, int64_t *n,
                        const char **why, const char *action);
static const struct aid_transition {
	const char *action;
	const int *perm, *perm_or;
	const char *from, *to, *event;
	aid_step step;
} TRANSITIONS[] = {
	{"deposer", &PERM_AID_INSTRUCT, NULL, "brouillon", "deposee", "deposer", step_docs},
	{"pieces", &PERM_AID_INSTRUCT, NULL, "deposee", "deposee", "pieces", step_docs},
	{"instruire", &PERM_AID_INSTRUCT, NULL, "deposee instruite", "instruite", "instruction", step_instruct},
	{"inscrire", &PERM_AID_DECIDE, NULL, "instruite", "inscrite", "inscription", step_agenda},
	{"decider", NULL, NULL, "instruite inscrite", "decidee", "accorde refuse ajourne", step_decide},
	{"ratifier", &PERM_AID_COMMITTEE, NULL, "decidee notifiee payee close", "", "ratification", step_ratify},
	{"notifier", &PERM_AID_INSTRUCT, NULL, "decidee", "notifiee", "notification", step_notify},
	{"payer", &PERM_AID_PAY, NULL, "notifiee", "payee", "paiement", step_pay},
	{"clore", &PERM_AID_PAY, &PERM_AID_INSTRUCT, "payee notifiee", "close", "cloture", step_close},
	{"retirer", &PERM_AID_INSTRUCT, NULL, "brouillon deposee instruite inscrite", "retiree", "retrait", step_end},
	{"annuler", &PERM_AID_DECIDE, NULL, "brouillon deposee instruite inscrite decidee notifiee", "annulee", "annulation", step_end},
};

/* Whether the word w is one of the space-separated words of list. */
static bool among(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ' ');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		if (k == n && !strncmp(p, w, n))
			return true;
		p += k + (e ? 1 : 0);
	}
	return false;
}

err aid_act(const aid_ctx *x, aid_req *q, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	const struct aid_transition *tr = NULL;
	for (int i = 0; action && i < COUNTOF(TRANSITIONS); i++)
		if (!strcmp(action, TRANSITIONS[i].action))
			tr = &TRANSITIONS[i];
	if (!tr) {
		form_error(fe, "action", "Action inconnue : deposer, pieces, instruire, inscrire, decider, ratifier, notifier, payer, "
		                         "clore, retirer ou annuler.");
		return E_INPUT;
	}
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
	if (tr->perm && !aid_can(x, *tr->perm) && !(tr->perm_or && aid_can(x, *tr->perm_or)))
		return E_FORBIDDEN;
	if (!among(tr->from, q->status)) {
		*why = CONFLICT_STATE;
		return E_CONFLICT;
	}
	const char *t = civil_iso(x->a, x->today);
	err e = db_begin(x->c, true);
	if (e != E_OK)
		return e;
	e = tr->step(x, q, in, t, fe, &n, why, action);
	if (e == E_OK && n != 1) {
		/* The UPDATE matched nothing: the state forbids it or someone was first. */
		aid_req now;
		*why = aid_req_load(x->c, x->a, q->id, &now) && now.version != q->version ? CONFLICT_OTHER : CONFLICT_STATE;
		e = E_CONFLICT;
	}
	const char *detail = is(action, "decider") && in_get(in, "decision") ? in_get(in, "decision") : action;
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "aid_request", q->id, detail);
	return db_finish(x->c, e);
}
