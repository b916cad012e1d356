/*
 * aid_lists.c — the aid requests' work lists (named lists and filters,
 * each on a fixed statement its index serves), committee sessions, and
 * the module's part of the data-subject export and of anonymisation. No
 * HTML.
 */
#include <stdio.h>
#include <string.h>
#include "core/text.h"
#include "modules/aid/aid_internal.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

/* Lists: a statement made of the filters asked (store.h: db_filtered), so each is planned with the index that
 * serves it — by household, by session, by status, by decision date. */
static const char *const LIST_WHERE[] = {
	" AND status = ?", " AND aid_key = ?", " AND docs_missing <> ''", " AND docs_missing = ''", " AND route = ?",
	" AND route IN ('delegation', 'urgence')", " AND decided_on >= ?", " AND (instructor_id = ? OR created_by = ?)",
	" AND session_id = ?", " AND household_id = ?", " AND decision = ?",
};
enum { W_STATUS, W_AID, W_DOCS_MISSING, W_DOCS_COMPLETE, W_ROUTE, W_HORS_COMMISSION, W_SINCE, W_MINE, W_SESSION,
       W_HOUSEHOLD, W_DECISION };
#define LIST_HEAD "SELECT " REQ_COLS " FROM aid_requests WHERE structure_id = $1"
static db_filtered F_NEWEST = DB_FILTERED(DB_SCOPED, LIST_HEAD, 1, LIST_WHERE, " ORDER BY id DESC LIMIT ? OFFSET ?");
static db_filtered F_OLDEST = DB_FILTERED(DB_SCOPED, /* work lists: the oldest first, in the status index's order */
	LIST_HEAD, 1, LIST_WHERE, " ORDER BY requested_on, id LIMIT ? OFFSET ?");



/* ---- lists ----------------------------------------------------------------------------------- */


/* The page's names (French) or the API's (English). */
static const char *arg2(const kv_list *q, const char *fr, const char *en)
{
	const char *v = kv_get(q, fr);
	return v ? v : kv_get(q, en);
}

void aid_list_filter_from(const kv_list *query, aid_list_filter *f)
{
	memset(f, 0, sizeof *f);
	const char *l = arg2(query, "liste", "list"), *s = arg2(query, "statut", "status"), *a = arg2(query, "aide", "aid"),
	           *p = kv_get(query, "page"), *h = arg2(query, "foyer", "household_id");
	f->list = "";
	int li = code_index(AID_LISTS, COUNTOF(AID_LISTS), l);
	if (li >= 0)
		f->list = AID_LISTS[li].v;
	f->status = "";
	for (int i = 0; s && i < AID_NSTATUS; i++)
		if (!strcmp(s, AID_STATUS[i].v))
			f->status = AID_STATUS[i].v;
	f->aid = a && strlen(a) < 64 ? a : "";
	int64_t v = 1;
	f->page = p && text_to_int64(p, 1, 100000, &v) ? (int)v : 1;
	if (h && text_to_int64(h, 1, INT64_MAX, &v))
		f->household_id = v;
	const char *se = arg2(query, "seance", "session_id");
	if (se && text_to_int64(se, 1, INT64_MAX, &v))
		f->session_id = v;
}

int aid_list_run(const aid_ctx *x, const aid_list_filter *f, int limit, int offset, aid_req *rows)
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
		civil_date t = x->today;
		t.d = 1;
		since = civil_iso(x->a, t), asc = 0;
	} else if (!strcmp(l, "mes"))
		mine = x->user, asc = 0;
	else
		asc = 0;
	db_pick p = DB_PICK;
	if (*status)
		DB_PICK_ON(&p, W_STATUS, A_TEXT(status));
	if (*f->aid)
		DB_PICK_ON(&p, W_AID, A_TEXT(f->aid));
	if (docs)
		DB_PICK_ON0(&p, docs == 1 ? W_DOCS_MISSING : W_DOCS_COMPLETE);
	if (!strcmp(route, "hors_commission"))
		DB_PICK_ON0(&p, W_HORS_COMMISSION);
	else if (*route)
		DB_PICK_ON(&p, W_ROUTE, A_TEXT(route));
	if (*since)
		DB_PICK_ON(&p, W_SINCE, A_TEXT(since));
	if (mine)
		DB_PICK_ON(&p, W_MINE, A_INT(mine), A_INT(mine));
	if (f->session_id)
		DB_PICK_ON(&p, W_SESSION, A_INT(f->session_id));
	if (f->household_id)
		DB_PICK_ON(&p, W_HOUSEHOLD, A_INT(f->household_id));
	if (*decision)
		DB_PICK_ON(&p, W_DECISION, A_TEXT(decision));
	db_res q = {0};
	int n = 0;
	/* a work list of one status the oldest first; of a household or a session, the newest first */
	bool oldest = *status && asc && !f->household_id && !f->session_id;
	if (DBQF(x->c, oldest ? &F_OLDEST : &F_NEWEST, &p, &q, A_INT(limit), A_INT(offset)) == E_OK)
		while (n < limit && db_next(&q))
			aid_req_fill(&q, x->a, &rows[n++]);
	db_close(&q);
	return n;
}


/* ---- committee sessions ---------------------------------------------------------------------- */

static db_sql Q_SESSION_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_sessions (structure_id, held_on, place, created_by) VALUES ($1, $2, $3, $4) RETURNING id");
static db_sql Q_SESSION_CLOSE = DB_SQL(DB_SCOPED,
	"UPDATE aid_sessions SET status = 'close', members = $3, closed_at = $4 WHERE structure_id = $1 AND id = $2 AND status = 'prevue'");
static db_sql Q_SESSION_MEMBERS = DB_SQL(DB_SCOPED,
	"UPDATE aid_sessions SET members = $3 WHERE structure_id = $1 AND id = $2 AND status = 'prevue'");
static db_sql Q_PENDING = DB_SQL(DB_SCOPED,
	"SELECT agenda_no, aid_label FROM aid_requests WHERE structure_id = $1 AND session_id = $2 AND status = 'inscrite' "
	"ORDER BY agenda_no, id");

err aid_session_create(const aid_ctx *x, const char *held_on, const char *place, form_errors *fe, int64_t *id)
{
	civil_date d;
	if (!held_on || !civil_parse(held_on, &d))
		form_error(fe, "held_on", "Indiquez la date de la séance (AAAA-MM-JJ).");
	if (place && strlen(place) > 200)
		form_error(fe, "place", "Le lieu est trop long (200 caractères au plus).");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_SESSION_ADD, id, A_TEXT(held_on), A_TEXT(place ? place : ""), A_INT(x->user));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "aid_session", *id, NULL);
	return db_finish(x->c, e);
}

const char *aid_session_pending(const aid_ctx *x, int64_t id, int *n)
{
	db_res q = {0};
	buf t;
	buf_init(&t, x->a, 128);
	*n = 0;
	if (DBQ(x->c, &Q_PENDING, &q, A_INT(id)) == E_OK)
		while (db_next(&q))
			buf_printf(&t, "%sn° %lld (%s)", (*n)++ ? ", " : "", (long long)db_int(&q, 0), db_text(&q, 1));
	db_close(&q);
	return buf_cstr(&t);
}

err aid_session_close(const aid_ctx *x, int64_t id, const char *members, bool finish, const char **why)
{
	*why = NULL;
	if (members && strlen(members) > 4000) {
		*why = "La liste des présents est trop longue (4 000 caractères au plus).";
		return E_INPUT;
	}
	int pending = 0;
	const char *list = finish ? aid_session_pending(x, id, &pending) : "";
	int64_t n = 0;
	err e = db_begin(x->c, true);
	/* Undecided requests keep the session open, but the attendance just
	 * typed is recorded all the same. */
	if (e == E_OK)
		e = finish && !pending ? DBX(x->c, &Q_SESSION_CLOSE, &n, A_INT(id), A_TEXT(members ? members : ""), A_INT(civil_now()))
		                       : DBX(x->c, &Q_SESSION_MEMBERS, &n, A_INT(id), A_TEXT(members ? members : ""));
	if (e == E_OK && n != 1) {
		*why = "La séance est déjà close : quelqu’un d’autre l’a clôturée entre-temps. Rechargez la page pour voir son procès-verbal.";
		e = E_CONFLICT;
	}
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "aid_session", id, finish && !pending ? "closed" : "members");
	e = db_finish(x->c, e);
	if (e == E_OK && pending) {
		*why = arena_printf(x->a, "La séance ne peut pas être close : %d demande%s de l’ordre du jour reste%s à décider ou à "
		                          "ajourner — %s. Les présents sont enregistrés.",
		                    pending, pending > 1 ? "s" : "", pending > 1 ? "nt" : "", list);
		return E_INPUT;
	}
	return e;
}

/* ---- the data subject and retention ------------------------------------------------------------ */

static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT id, aid_label, status, requested_on, purpose, bill, proposed, CASE WHEN explain_plain <> '' THEN explain_plain ELSE explain END, "
	"opinion, opinion_amount, opinion_reason, "
	"decision, granted, decision_motive, decided_on, notified_on, payment_mode, paid, paid_on, end_reason FROM aid_requests "
	"WHERE structure_id = $1 AND household_id = $2 ORDER BY id");
void aid_subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
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
err aid_anonymise(db_conn *c, int64_t hid)
{
	err e = DBX(c, &Q_ANON_E, NULL, A_INT(hid));
	return e == E_OK ? DBX(c, &Q_ANON_R, NULL, A_INT(hid)) : e;
}

