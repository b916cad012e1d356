/*
 * register_campaign.c — alert campaigns (plan canicule, grand froid,
 * epidemic): opened when the préfet triggers the plan, the call list built
 * from the register (the most exposed first) and shared among the named
 * agents, each call and its escalation (no answer → a recall within the
 * campaign's minutes → a home visit → the emergency services), the
 * board's counts, the préfet's exports. No HTML here.
 */
#include "modules/register/register_internal.h"
#include <stddef.h>
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

const code REG_CAMPAIGN_KINDS[4] = {{"canicule", "Canicule"}, {"grand_froid", "Grand froid"}, {"epidemie", "Épidémie"},
                                    {"autre", "Autre événement"}};
/* What an agent records of an attempt. */
const code REG_OUTCOMES[4] = {{"ok", "Joint, tout va bien"}, {"besoin", "Joint, a besoin de quelque chose"},
                              {"sans_reponse", "Pas de réponse"}, {"urgence", "Secours appelés"}};
const code REG_CALL_STATES[7] = {{"a_appeler", "À appeler"}, {"ok", "Joint, tout va bien"}, {"besoin", "Joint, besoin pris en charge"},
                                 {"a_rappeler", "À rappeler"}, {"visite", "Visite à domicile à faire"}, {"urgence", "Secours appelés"},
                                 {"clos", "Sorti de la liste"}};

#define K_COLS "id, coalesce(recall_minutes, 60), version, kind, level, started_on, ends_on, closed_on, report_text"

static void kfill(db_res *q, arena *a, reg_campaign *k)
{
	*k = (reg_campaign){.id = db_int(q, 0), .recall_minutes = db_int(q, 1), .version = db_int(q, 2)};
	const char **t[] = {&k->kind, &k->level, &k->started_on, &k->ends_on, &k->closed_on, &k->report_text};
	for (int i = 0; i < COUNTOF(t); i++) {
		char *s = db_dup(q, 3 + i, a);
		*t[i] = s ? s : "";
	}
}

static db_sql Q_K_GET = DB_SQL(DB_SCOPED, "SELECT " K_COLS " FROM reg_campaigns WHERE structure_id = $1 AND id = $2");
static db_sql Q_K_LIST = DB_SQL(DB_SCOPED, "SELECT " K_COLS " FROM reg_campaigns WHERE structure_id = $1 ORDER BY started_on DESC, id DESC");
static db_sql Q_K_OPEN = DB_SQL(DB_SCOPED,
	"SELECT " K_COLS " FROM reg_campaigns WHERE structure_id = $1 AND closed_on IS NULL ORDER BY id DESC LIMIT 1");

bool reg_campaign_load(db_conn *c, arena *a, int64_t id, reg_campaign *out)
{
	db_res q = {0};
	bool ok = DBQ(c, &Q_K_GET, &q, A_INT(id)) == E_OK && db_next(&q);
	if (ok)
		kfill(&q, a, out);
	db_close(&q);
	return ok;
}

bool reg_campaign_open(db_conn *c, arena *a, reg_campaign *out)
{
	db_res q = {0};
	bool ok = DBQ0(c, &Q_K_OPEN, &q) == E_OK && db_next(&q);
	if (ok)
		kfill(&q, a, out);
	db_close(&q);
	return ok;
}

int reg_campaigns(db_conn *c, arena *a, reg_campaign **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ0(c, &Q_K_LIST, &q) != E_OK)
		return -1;
	while (db_next(&q)) {
		reg_campaign *k = ARENA_PUSH(a, *out, n, cap);
		if (!k)
			break;
		kfill(&q, a, k);
	}
	db_close(&q);
	return n;
}

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

/* The call list: every registered person, the most exposed first — alone,
 * no service coming, a high dependency, someone a past campaign had to
 * visit or send help to. */
static db_sql Q_K_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_campaigns (structure_id, kind, level, started_on, ends_on, recall_minutes, opened_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id");
static db_sql Q_K_PRIORITY = DB_SQL(DB_SCOPED,
	"SELECT e.id, CASE WHEN e.living_alone = 1 THEN 4 ELSE 0 END + CASE WHEN e.services = '' THEN 2 ELSE 0 END "
	"+ CASE WHEN e.gir BETWEEN 1 AND 2 THEN 3 WHEN e.gir BETWEEN 3 AND 4 THEN 1 ELSE 0 END "
	"+ 2 * (SELECT count(*) FROM reg_calls p WHERE p.structure_id = e.structure_id AND p.entry_id = e.id "
	"       AND p.state IN ('visite', 'urgence', 'besoin')) AS prio "
	"FROM reg_entries e WHERE e.structure_id = $1 AND e.status = 'inscrit' ORDER BY prio DESC, e.id");
static db_sql Q_CALL_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_calls (structure_id, campaign_id, entry_id, assigned_to, priority, state) VALUES ($1, $2, $3, $4, $5, 'a_appeler')");

err reg_campaign_create(const reg_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	const char *kind = in_get(in, "kind"), *level = in_get(in, "level"), *st = in_get(in, "started_on"), *en = in_get(in, "ends_on"),
	           *rm = in_get(in, "recall_minutes");
	civil_date s = x->today, e2;
	int64_t recall = 60;
	reg_campaign open;
	if (reg_campaign_open(x->c, x->a, &open))
		form_error(fe, "kind", arena_printf(x->a, "Une campagne est déjà en cours (%s depuis le %s) : terminez-la d’abord.",
		                                    code_label(REG_CAMPAIGN_KINDS, COUNTOF(REG_CAMPAIGN_KINDS), open.kind), civil_fr(x->a, open.started_on)));
	if (!kind || !CODE_OK(REG_CAMPAIGN_KINDS, kind))
		form_error(fe, "kind", "Choisissez l’événement : canicule, grand froid, épidémie, autre.");
	if (level && strlen(level) > 80)
		form_error(fe, "level", "Le niveau tient en 80 caractères (« vigilance orange », « niveau 3 »…).");
	if (st && (!civil_parse(st, &s) || civil_to_days(s) > civil_to_days(x->today)))
		form_error(fe, "started_on", "Le début : la date où le préfet a déclenché le plan, pas dans le futur (AAAA-MM-JJ).");
	if (en && (!civil_parse(en, &e2) || civil_to_days(e2) < civil_to_days(s)))
		form_error(fe, "ends_on", "La fin prévue : AAAA-MM-JJ, après le début (vide si elle n’est pas connue).");
	if (rm && !text_to_int64(rm, 10, 480, &recall))
		form_error(fe, "recall_minutes", "Le délai de rappel après une absence de réponse : de 10 à 480 minutes.");
	if (fe->n)
		return E_INPUT;
	int64_t *agents = NULL;
	const char **names = NULL;
	int na = reg_agents(x->c, x->a, &agents, &names);
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_K_NEW, id, A_TEXT(kind), A_TEXT(level ? level : ""), A_TEXT(civil_iso(x->a, s)),
		         A_TEXT(en ? civil_iso(x->a, e2) : NULL), A_INT(recall), A_INT(x->user), A_INT(civil_now()));
	/* Read whole, then written: one statement at a time on the connection. */
	int64_t(*rows)[2] = NULL;
	int n = 0, cap = 0;
	db_res q = {0};
	if (e == E_OK)
		e = DBQ0(x->c, &Q_K_PRIORITY, &q);
	while (e == E_OK && db_next(&q)) {
		int64_t(*r)[2] = ARENA_PUSH(x->a, rows, n, cap);
		if (!r)
			break;
		(*r)[0] = db_int(&q, 0), (*r)[1] = db_int(&q, 1);
	}
	db_close(&q);
	if (e == E_OK && x->a->failed)
		e = E_NOMEM;
	for (int i = 0; e == E_OK && i < n; i++)
		e = DBX(x->c, &Q_CALL_NEW, NULL, A_INT(*id), A_INT(rows[i][0]), na > 0 ? A_INT(agents[i % na]) : A_NULL, A_INT(rows[i][1]));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "reg_campaign", *id, arena_printf(x->a, "calls=%d", n));
	return db_finish(x->c, e);
}

static db_sql Q_K_CLOSE = DB_SQL(DB_SCOPED,
	"UPDATE reg_campaigns SET closed_on = $3, report_text = $4, version = version + 1 WHERE structure_id = $1 AND id = $2 "
	"AND version = $5 AND closed_on IS NULL");

err reg_campaign_close(const reg_ctx *x, reg_campaign *k, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	const char *on = in_get(in, "closed_on"), *text = in_get(in, "report_text"), *vs = in_get(in, "version");
	civil_date d = x->today, s;
	int64_t ver = k->version, n = 0;
	if (vs && !text_to_int64(vs, 0, INT64_MAX, &ver))
		ver = k->version;
	if (on && (!civil_parse(on, &d) || civil_to_days(d) > civil_to_days(x->today) ||
	           (civil_parse(k->started_on, &s) && civil_to_days(d) < civil_to_days(s))))
		form_error(fe, "closed_on", "La fin : après le début, pas dans le futur (AAAA-MM-JJ).");
	if (text && strlen(text) > 8000)
		form_error(fe, "report_text", "Le texte du rapport tient en 8 000 caractères.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_K_CLOSE, &n, A_INT(k->id), A_TEXT(civil_iso(x->a, d)), A_TEXT(text ? text : ""), A_INT(ver));
	if (e == E_OK && n != 1) {
		e = E_CONFLICT;
		*why = "La campagne est déjà terminée, ou quelqu’un l’a modifiée entre-temps.";
	}
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "reg_campaign", k->id, "close");
	return db_finish(x->c, e);
}

/* ---- calls ----------------------------------------------------------------------------------------- */

#define C_COLS                                                                                                              \
	"c.id, c.entry_id, coalesce(c.assigned_to, 0), c.priority, c.attempts, coalesce(c.last_at, 0), coalesce(c.due_at, 0), "     \
	"c.state, c.outcome, c.arranged, coalesce(a.display_name, '')"
#define C_FROM " FROM reg_calls c LEFT JOIN structure_agents a ON a.structure_id = c.structure_id AND a.user_id = c.assigned_to "

/* The calls of q (run, closed here), their entries loaded. */
static int calls_read(const reg_ctx *x, db_res *q, reg_call **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	while (db_next(q)) {
		reg_call *k = ARENA_PUSH(x->a, *out, n, cap);
		if (!k)
			break;
		*k = (reg_call){.id = db_int(q, 0), .entry_id = db_int(q, 1), .assigned_to = db_int(q, 2), .priority = db_int(q, 3),
		                .attempts = db_int(q, 4), .last_at = db_int(q, 5), .due_at = db_int(q, 6), .state = db_dup(q, 7, x->a),
		                .outcome = db_dup(q, 8, x->a), .arranged = db_dup(q, 9, x->a), .assigned_name = db_dup(q, 10, x->a)};
	}
	bool ok = q->status == E_OK;
	db_close(q);
	if (!ok)
		return -1;
	/* Their entries: a few statements for the board, not one a call. */
	int64_t *ids = arena_array(x->a, (size_t)(n > 0 ? n : 1), sizeof *ids);
	reg_entry *e = arena_array(x->a, (size_t)(n > 0 ? n : 1), sizeof *e);
	if (!ids || !e)
		return -1;
	for (int i = 0; i < n; i++)
		ids[i] = (*out)[i].entry_id;
	if (!reg_load_many(x->c, x->a, ids, n, e))
		return -1;
	for (int i = 0; i < n; i++)
		(*out)[i].e = e[i];
	return n;
}

static int calls_of(const reg_ctx *x, db_sql *sql, int nargs, const db_arg *args, reg_call **out)
{
	db_res q = {0};
	*out = NULL;
	if (db_query(x->c, sql, &q, nargs, args) != E_OK)
		return -1;
	return calls_read(x, &q, out);
}

/* The board's order: what is due first (recalls and visits by their time), then the list by priority; the index
 * reg_calls_order (register/4) has the same expressions: change both together. */
#define CALLS_ORDER "ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.priority DESC, c.id "
/* The lists of the board, each its own statement (db_filtered): a state, mine, my calls, overdue; « tous »: none. */
static const char *const CALLS_BY[] = {
	" AND c.state = ?",
	" AND c.assigned_to = ? AND c.state IN ('a_appeler', 'a_rappeler', 'visite')",
	" AND c.assigned_to = ? AND c.state IN ('a_appeler', 'a_rappeler')",
	" AND c.state IN ('a_rappeler', 'visite') AND c.due_at < ?",
};
/* The page first, then its agents' names: the agents are a view over two tables, which SQLite joins by reading
 * it whole for each row — for each of a campaign's thousands of calls when the join came before the page. */
static db_filtered F_CALLS = DB_FILTERED(DB_SCOPED,
	"SELECT " C_COLS " FROM (SELECT * FROM reg_calls c WHERE c.structure_id = $1 AND c.campaign_id = $2", 2, CALLS_BY,
	" " CALLS_ORDER "LIMIT ? OFFSET ?) c LEFT JOIN structure_agents a ON a.structure_id = c.structure_id "
	"AND a.user_id = c.assigned_to " CALLS_ORDER);
/* The total counted apart (a count beside every row said 0 on a page past the end). */
static db_filtered F_CALLS_N = DB_FILTERED(DB_SCOPED, "SELECT count(*) FROM reg_calls c WHERE c.structure_id = $1 AND c.campaign_id = $2",
                                           2, CALLS_BY, "");

int reg_calls(const reg_ctx *x, int64_t campaign, const char *filter, int limit, int offset, reg_call **out, int64_t *total)
{
	*total = 0;
	*out = NULL;
	const char *f = filter && *filter ? filter : "tous";
	db_pick p = DB_PICK;
	db_pick_arg(&p, A_INT(campaign));
	if (!strcmp(f, "mine"))
		DB_PICK_ON(&p, 1, A_INT(x->user));
	else if (!strcmp(f, "mes_appels"))
		DB_PICK_ON(&p, 2, A_INT(x->user));
	else if (!strcmp(f, "en_retard"))
		DB_PICK_ON(&p, 3, A_INT(civil_now()));
	else if (strcmp(f, "tous"))
		DB_PICK_ON(&p, 0, A_TEXT(f));
	db_res q = {0};
	if (DBQF(x->c, &F_CALLS, &p, &q, A_INT(limit), A_INT(offset)) != E_OK) {
		db_close(&q);
		return -1;
	}
	int n = calls_read(x, &q, out);
	if (n < 0 || DBQF0(x->c, &F_CALLS_N, &p, &q) != E_OK) {
		db_close(&q);
		return -1;
	}
	if (db_next(&q))
		*total = db_int(&q, 0);
	db_close(&q);
	return n;
}

static db_sql Q_CALL_GET = DB_SQL(DB_SCOPED, "SELECT " C_COLS C_FROM "WHERE c.structure_id = $1 AND c.campaign_id = $2 AND c.id = $3");

bool reg_call_load(const reg_ctx *x, int64_t campaign, int64_t call, reg_call *out)
{
	reg_call *v;
	if (calls_of(x, &Q_CALL_GET, 2, (db_arg[]){A_INT(campaign), A_INT(call)}, &v) != 1)
		return false;
	*out = v[0];
	return true;
}

static db_sql Q_CALL_SET = DB_SQL(DB_SCOPED,
	"UPDATE reg_calls SET state = $4, attempts = attempts + 1, last_at = $5, due_at = $6, outcome = $7, arranged = $8 "
	"WHERE structure_id = $1 AND campaign_id = $2 AND id = $3 AND state = $9 AND attempts = $10");
static db_sql Q_CALL_LOG = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_call_log (structure_id, call_id, at, outcome, note, by_user) VALUES ($1, $2, $3, $4, $5, $6)");

err reg_call_record(const reg_ctx *x, const reg_campaign *k, reg_call *call, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	const char *out = in_get(in, "outcome"), *arr = in_get(in, "arranged"), *as = in_get(in, "attempts");
	int64_t seen = call->attempts;
	if (as && !text_to_int64(as, 0, INT64_MAX, &seen))
		seen = call->attempts;
	if (*k->closed_on)
		form_error(fe, "outcome", "La campagne est terminée.");
	if (!out || !CODE_OK(REG_OUTCOMES, out))
		form_error(fe, "outcome", "Choisissez ce qui s’est passé : joint et tout va bien, joint avec un besoin, pas de réponse, secours appelés.");
	if (out && !strcmp(out, "besoin") && !arr)
		form_error(fe, "arranged", "Notez ce qui a été organisé (portage de repas, visite, médecin prévenu…).");
	if (arr && strlen(arr) > 2000)
		form_error(fe, "arranged", "2 000 caractères au plus.");
	if (!strcmp(call->state, "clos") || !strcmp(call->state, "urgence"))
		form_error(fe, "outcome", "Cet appel est terminé.");
	if (fe->n)
		return E_INPUT;
	/* The escalation: no answer at the first call → a recall; at the recall
	 * → a home visit; at the visit → the emergency services. */
	int64_t now = civil_now(), due = 0;
	const char *state = out;
	if (!strcmp(out, "sans_reponse")) {
		state = !strcmp(call->state, "a_appeler") ? "a_rappeler" : !strcmp(call->state, "a_rappeler") ? "visite" : "urgence";
		due = strcmp(state, "urgence") ? now + k->recall_minutes * 60 : 0;
	}
	int64_t n = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_CALL_SET, &n, A_INT(k->id), A_INT(call->id), A_TEXT(state), A_INT(now), due ? A_INT(due) : A_NULL, A_TEXT(out),
		        A_TEXT(arr ? arr : (call->arranged ? call->arranged : "")), A_TEXT(call->state), A_INT(seen));
	if (e == E_OK && n != 1) {
		e = E_CONFLICT;
		*why = "Quelqu’un d’autre a enregistré cet appel entre-temps : voici son état actuel.";
	}
	if (e == E_OK)
		e = DBX(x->c, &Q_CALL_LOG, NULL, A_INT(call->id), A_INT(now), A_TEXT(out), A_TEXT(arr ? arr : ""), A_INT(x->user));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "reg_entry", call->entry_id, arena_printf(x->a, "call %s", out));
	return db_finish(x->c, e);
}

/* The calls by state, counted along the index of their states (one CASE a call for each figure, and a read of
 * each call's row for its due time, cost thirty-odd steps a call); the overdue among the few to recall or visit. */
static db_sql Q_BOARD = DB_SQL(DB_SCOPED,
	"SELECT state, count(*) FROM reg_calls WHERE structure_id = $1 AND campaign_id = $2 AND state <> 'clos' GROUP BY state "
	"UNION ALL SELECT '', count(*) FROM reg_calls WHERE structure_id = $1 AND campaign_id = $2 "
	"AND state IN ('a_rappeler', 'visite') AND due_at < $3");

err reg_board_of(const reg_ctx *x, int64_t campaign, reg_board *out)
{
	memset(out, 0, sizeof *out);
	db_res q = {0};
	err e = DBQ(x->c, &Q_BOARD, &q, A_INT(campaign), A_INT(civil_now()));
	static const struct { const char *state; size_t at; } figures[] = {
		{"a_appeler", offsetof(reg_board, to_call)}, {"ok", offsetof(reg_board, reached_ok)},
		{"besoin", offsetof(reg_board, needs)},      {"a_rappeler", offsetof(reg_board, to_recall)},
		{"visite", offsetof(reg_board, to_visit)},   {"urgence", offsetof(reg_board, escalated)},
		{"", offsetof(reg_board, overdue)},
	};
	while (e == E_OK && db_next(&q)) {
		const char *state = db_text(&q, 0);
		int64_t n = db_int(&q, 1);
		if (*state)
			out->total += n;
		for (size_t i = 0; i < sizeof figures / sizeof *figures; i++)
			if (!strcmp(state, figures[i].state))
				*(int64_t *)((char *)out + figures[i].at) = n;
	}
	if (e == E_OK && q.status != E_OK)
		e = q.status; /* a step failed: figures counted in part are not shown */
	db_close(&q);
	return e;
}

/* ---- the préfet's exports ------------------------------------------------------------------------------ */

static db_sql Q_EXPORTS = DB_SQL(DB_SCOPED,
	"SELECT x.id, x.by_user, x.rows, x.at, x.format, coalesce(a.display_name, '') FROM reg_exports x LEFT JOIN structure_agents a "
	"ON a.structure_id = x.structure_id AND a.user_id = x.by_user WHERE x.structure_id = $1 AND x.campaign_id = $2 ORDER BY x.at, x.id");
static db_sql Q_EXPORT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_exports (structure_id, campaign_id, at, by_user, format, rows) VALUES ($1, $2, $3, $4, $5, $6)");

int reg_exports(db_conn *c, arena *a, int64_t campaign, reg_export **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ(c, &Q_EXPORTS, &q, A_INT(campaign)) != E_OK)
		return -1;
	while (db_next(&q)) {
		reg_export *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		*x = (reg_export){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), NULL, db_dup(&q, 4, a), db_dup(&q, 5, a)};
		x->at = arena_printf(a, "%lld", (long long)db_int(&q, 3));
	}
	db_close(&q);
	return n;
}

err reg_export_record(const reg_ctx *x, int64_t campaign, const char *format, int64_t rows)
{
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_EXPORT_ADD, NULL, A_INT(campaign), A_INT(civil_now()), A_INT(x->user), A_TEXT(format), A_INT(rows));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "export", "reg_campaign", campaign, arena_printf(x->a, "prefet %s rows=%lld", format, (long long)rows));
	return db_finish(x->c, e);
}
