/*
 * journal_pages.c — the DPO's page and API over the access journal:
 * search, verification, and the signals to look at (agents whose readings
 * stand out).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/codes.h"
#include "modules/journal/journal.h"
#include "modules/journal/journal_internal.h"
#include "core/civil.h"
#include "core/text.h"
#include "modules/module.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"



static const char *fr(const char *c)
{
	const char *a = journal_action_fr(c);
	return a != c ? a : module_code_label(c);
}

#define PAGE 100
/* The newest first, along an index that serves the filter — a file's entries (kind and number), an agent's (her
 * entries by date, walked from the last), else the structure's by date, walked from the last: a page reads about
 * its rows, not the whole journal (filters joined by OR made it read and sort every entry of the period, the whole
 * journal by default: two seconds for two million entries). */
#define J_SELECT                                                                                                    \
	"SELECT j.seq, j.at, j.user_id, u.display_name, j.action, j.kind, j.object_id, j.detail FROM journal j "        \
	"LEFT JOIN agent_names u ON u.id = j.user_id WHERE j.structure_id = $1 "
/* The filters asked, and only they, in the statement (store.h: db_filtered). They apply to the rows the head's index
 * gives (the unary + and coalesce keep the planner on it): a kind's index would give every entry of the kind, to
 * sort by date for a page. */
static const char *const J_WHERE[] = {" AND +j.user_id = ?", " AND coalesce(j.kind, '') = ?", " AND +j.object_id = ?",
                                      " AND j.action = ?"};
enum { JW_USER, JW_KIND, JW_OBJECT, JW_ACTION };
#define J_ORDER " ORDER BY j.at DESC, j.seq DESC LIMIT ? OFFSET ?"
/* A file's entries are few: the unary + keeps the planner off the dates' index, which sampled statistics can make
 * look more selective (a page then read the whole journal). */
static db_filtered F_OF_OBJECT = DB_FILTERED(DB_SCOPED,
	J_SELECT "AND j.kind = $2 AND j.object_id = $3 AND +j.at >= $4 AND +j.at < $5", 5, J_WHERE, J_ORDER);
static db_filtered F_OF_USER = DB_FILTERED(DB_SCOPED, J_SELECT "AND j.user_id = $2 AND j.at >= $3 AND j.at < $4", 4, J_WHERE, J_ORDER);
static db_filtered F_ALL = DB_FILTERED(DB_SCOPED, J_SELECT "AND j.at >= $2 AND j.at < $3", 3, J_WHERE, J_ORDER);

typedef struct jfilter {
	int64_t user, object, from, to, page;
	const char *kind, *action, *from_s, *to_s;
	const char *looked_up;  /* the kind a typed file number named */
} jfilter;

static bool read_filter(web_req *r, jfilter *f, const char **why)
{
	memset(f, 0, sizeof *f);
	f->page = 1;
	f->to = INT64_MAX / 2;
	const char *s;
	*why = NULL;
	if ((s = web_arg(r, "user")) && *s && !text_to_int64(s, 1, INT64_MAX, &f->user))
		*why = "L’utilisateur doit être un numéro.";
	/* « 00-3001 » (a file number a module knows) or the record's number. */
	if ((s = web_arg(r, "object")) && *s && !text_to_int64(s, 1, INT64_MAX, &f->object)) {
		const char *k = NULL;
		if (module_lookup(r->db, r->a, s, &k, &f->object))
			f->looked_up = k;
		else
			*why = "Fiche inconnue : indiquez un n° de dossier (par exemple 00-3001) ou le numéro de la fiche.";
	}
	if ((s = web_arg(r, "page")) && *s && !text_to_int64(s, 1, 1000000, &f->page))
		*why = "Numéro de page incorrect.";
	f->kind = (s = web_arg(r, "kind")) ? s : "";
	if (f->looked_up && !*f->kind)
		f->kind = f->looked_up;
	f->action = (s = web_arg(r, "action")) ? s : "";
	civil_date d;
	if ((f->from_s = web_arg(r, "from")) && *f->from_s) {
		if (!civil_parse(f->from_s, &d))
			*why = "La date de début doit être au format AAAA-MM-JJ.";
		else
			f->from = civil_to_days(d) * 86400 - 14 * 3600; /* generous: zones east/west of UTC */
	}
	if ((f->to_s = web_arg(r, "to")) && *f->to_s) {
		if (!civil_parse(f->to_s, &d))
			*why = "La date de fin doit être au format AAAA-MM-JJ.";
		else
			f->to = (civil_to_days(d) + 1) * 86400 + 14 * 3600;
	}
	return *why == NULL;
}

static err search(web_req *r, const jfilter *f, db_res *q, int limit)
{
	db_pick p = DB_PICK;
	db_filtered *which = &F_ALL;
	if (f->object && *f->kind) {
		which = &F_OF_OBJECT;
		db_pick_arg(&p, A_TEXT(f->kind));
		db_pick_arg(&p, A_INT(f->object));
	} else if (f->user) {
		which = &F_OF_USER;
		db_pick_arg(&p, A_INT(f->user));
	}
	db_pick_arg(&p, A_INT(f->from));
	db_pick_arg(&p, A_INT(f->to));
	if (f->user && which == &F_OF_OBJECT)
		DB_PICK_ON(&p, JW_USER, A_INT(f->user));
	if (*f->kind && which != &F_OF_OBJECT)
		DB_PICK_ON(&p, JW_KIND, A_TEXT(f->kind));
	if (f->object && which != &F_OF_OBJECT)
		DB_PICK_ON(&p, JW_OBJECT, A_INT(f->object));
	if (*f->action)
		DB_PICK_ON(&p, JW_ACTION, A_TEXT(f->action));
	return DBQF(r->db, which, &p, q, A_INT(limit), A_INT((f->page - 1) * PAGE));
}

/* ---- signals for the DPO ---------------------------------------------------------------- */

bool journal_outside_hours(const struct tm *t)
{
	return t->tm_wday == 0 || t->tm_wday == 6 || t->tm_hour < 7 || t->tm_hour >= 20;
}

/* Readings of files (households, persons, aid requests, domiciliations)
 * over the last 35 days, the newest 300,000 entries at most. */
static db_sql Q_READS = DB_SQL(DB_SCOPED,
	"SELECT j.user_id, u.display_name, j.at FROM journal j LEFT JOIN agent_names u ON u.id = j.user_id "
	"WHERE j.structure_id = $1 AND j.seq > (SELECT coalesce(max(seq), 0) FROM journal WHERE structure_id = $1) - 300000 "
	"AND j.at >= $2 AND j.action = 'read' AND j.kind IN ('household', 'person', 'aid_request', 'domiciliation')");

typedef struct reader {
	int64_t user;
	const char *name;
	int week, before, night;     /* reads in the last 7 days, the 28 before, outside hours */
} reader;

/* Users whose week stands out: at least 30 files read in 7 days and more
 * than three times their weekly average of the four weeks before; users
 * who read files at night or at the weekend. Every one of them (arena). */
int journal_signals(web_req *r, journal_signal **out)
{
	journal_flush(r->db); /* every access that happened, the reads queued included */
	int64_t now = civil_now();
	reader *rd = NULL;
	int nr = 0, cap = 0;
	db_res q = {0};
	DBQ(r->db, &Q_READS, &q, A_INT(now - 35 * 86400));
	while (db_next(&q)) {
		int64_t u = db_int(&q, 0), at = db_int(&q, 2);
		int k = 0;
		while (k < nr && rd[k].user != u)
			k++;
		if (k == nr) {
			if (nr == cap) {
				int nc = cap ? cap * 2 : 64;
				reader *g = arena_array(r->a, (size_t)nc, sizeof *g);
				if (!g)
					break;
				if (nr)
					memcpy(g, rd, sizeof *rd * (size_t)nr);
				rd = g;
				cap = nc;
			}
			rd[nr++] = (reader){u, db_dup(&q, 1, r->a), 0, 0, 0};
		}
		if (at >= now - 7 * 86400)
			rd[k].week++;
		else
			rd[k].before++;
		struct tm tm;
		if (civil_local_time(r->user->tz, (time_t)at, &tm) && journal_outside_hours(&tm))
			rd[k].night++;
	}
	db_close(&q);
	journal_signal *sig = arena_array(r->a, (size_t)(2 * nr + 1), sizeof *sig);
	int n = 0;
	for (int k = 0; sig && k < nr; k++) {
		if (rd[k].week >= 30 && rd[k].week * 4 > 3 * rd[k].before)
			sig[n++] = (journal_signal){rd[k].user, rd[k].name ? rd[k].name : "?",
			                            arena_printf(r->a, "%d dossiers lus ces 7 derniers jours, pour %d les 4 semaines d’avant",
			                                         rd[k].week, rd[k].before)};
		if (rd[k].night >= 5)
			sig[n++] = (journal_signal){rd[k].user, rd[k].name ? rd[k].name : "?",
			                            arena_printf(r->a, "%d dossiers lus la nuit (avant 7 h, après 20 h) ou le week-end en 35 jours",
			                                         rd[k].night)};
	}
	*out = sig;
	return n;
}

static void signals_api(web_req *r)
{
	journal_signal *sig;
	int n = journal_signals(r, &sig);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s}", "user_id", (json_int_t)sig[i].user_id, "user", sig[i].user, "what",
		                                     sig[i].what));
	web_json(r, 200, json_pack("{s:o}", "signals", arr));
}

/* « household=12 » in a detail: the file as people name it. */
static const char *name_household(void *ctx, const char *kind, int64_t id)
{
	web_req *r = ctx;
	const char *href;
	return module_ref(r->db, r->a, kind, id, &href);
}

/* The agents of the structure, by service (the published view). */
static db_sql Q_AGENTS = DB_SQL(DB_SCOPED,
	"SELECT user_id, display_name, service FROM structure_agents WHERE structure_id = $1 ORDER BY service, display_name, user_id");

static void agents_select(web_req *r, int64_t chosen)
{
	buf *b = &r->out;
	html_lit(b, "<div class=\"field\"><label for=\"user\">Agent</label><select id=\"user\" name=\"user\"><option value=\"\">Tous</option>");
	db_res q = {0};
	const char *group = NULL;
	if (DBQ0(r->db, &Q_AGENTS, &q) == E_OK)
		while (db_next(&q)) {
			const char *g = *db_text(&q, 2) ? db_text(&q, 2) : "Sans service";
			if (!group || strcmp(group, g)) {
				if (group)
					html_lit(b, "</optgroup>");
				html_printf(b, "<optgroup label=\"%s\">", g);
				group = arena_strdup(r->a, g);
			}
			html_printf(b, "<option value=\"%lld\"%s>%s</option>", (long long)db_int(&q, 0), db_int(&q, 0) == chosen ? " selected" : "",
			            db_text(&q, 1));
		}
	db_close(&q);
	if (group)
		html_lit(b, "</optgroup>");
	html_lit(b, "</select></div>");
}

/* The kinds of record, as the modules name them. */
static void kinds_select(web_req *r, const char *chosen)
{
	buf *b = &r->out;
	html_lit(b, "<div class=\"field\"><label for=\"kind\">Type de fiche</label><select id=\"kind\" name=\"kind\"><option value=\"\">Tous</option>");
	for (int i = 0; i < module_count(); i++) {
		const module *m = module_at(i);
		for (int k = 0; k < m->nlabels; k++)
			html_printf(b, "<option value=\"%s\"%s>%s</option>", m->labels[k].code, !strcmp(chosen, m->labels[k].code) ? " selected" : "",
			            m->labels[k].label);
	}
	html_lit(b, "</select></div>");
}

static void journal_page(web_req *r)
{
	journal_flush(r->db); /* every access that happened, the reads queued included */
	jfilter f;
	const char *why;
	bool ok = read_filter(r, &f, &why);
	page_begin(r, "Journal des accès");
	buf *b = &r->out;
	if (!ok) {
		r->status = 400;
		page_notice(r, "error", why);
	}
	journal_record(r->db, r->user->id, "read", "journal", 0, NULL);
	journal_check jc;
	if (web_arg(r, "verifier") && journal_verify(r->db, r->user->structure_id, &jc) == E_OK) {
		if (jc.broken_seq)
			page_notice(r, "error", arena_printf(r->a, "Chaîne rompue à l’entrée n° %lld : %s.",
			                                     (long long)jc.broken_seq, jc.reason));
		else
			page_notice(r, "ok", arena_printf(r->a, "Chaîne intègre : %lld entrées vérifiées.", (long long)jc.entries));
	}
	journal_signal *sig;
	int ns = journal_signals(r, &sig);
	html_lit(b, "<section aria-labelledby=\"t-sig\"><h2 id=\"t-sig\">Signaux à examiner</h2>");
	if (!ns)
		html_lit(b, "<p>Rien d’inhabituel : aucun agent n’a lu beaucoup plus de dossiers que d’habitude, ni la nuit ou le week-end.</p>");
	else {
		html_lit(b, "<ul>");
		for (int i = 0; i < ns; i++)
			html_printf(b, "<li><a href=\"/journal?user=%lld\">%s</a> : %s</li>", (long long)sig[i].user_id, sig[i].user, sig[i].what);
		html_lit(b, "</ul>");
	}
	html_lit(b, "</section>");
	html_lit(b, "<form method=\"get\" action=\"/journal\" class=\"filters\" role=\"search\">");
	agents_select(r, f.user);
	kinds_select(r, f.kind);
	html_printf(b, "<div class=\"field\"><label for=\"object\">N° de dossier ou de fiche</label><input id=\"object\" name=\"object\" "
	               "value=\"%s\"></div>", web_arg(r, "object") ? web_arg(r, "object") : "");
	html_printf(b, "<div class=\"field\"><label for=\"action\">Action</label><select id=\"action\" name=\"action\">"
	               "<option value=\"\">Toutes</option>");
	static const char *const acts[] = {"read", "create", "update", "delete", "export", "download", "login", "logout", "switch",
	                                   "merge", "search", "import", "archive", "anonymise", "purge"};
	for (int i = 0; i < COUNTOF(acts); i++)
		html_printf(b, "<option value=\"%s\"%s>%s</option>", acts[i], !strcmp(f.action, acts[i]) ? " selected" : "", journal_action_fr(acts[i]));
	html_lit(b, "</select></div>");
	html_printf(b, "<div class=\"field\"><label for=\"from\">Du</label><input id=\"from\" name=\"from\" type=\"date\" value=\"%s\"></div>", f.from_s ? f.from_s : "");
	html_printf(b, "<div class=\"field\"><label for=\"to\">Au</label><input id=\"to\" name=\"to\" type=\"date\" value=\"%s\"></div>", f.to_s ? f.to_s : "");
	html_lit(b, "<button type=\"submit\">Filtrer</button> <button type=\"submit\" name=\"verifier\" value=\"1\">Vérifier la chaîne</button></form>");
	html_table(b, "Entrées du journal, les plus récentes d’abord", 0, "Date", "Agent", "Action", "Fiche", "Détail");
	db_res q = {0};
	int rows = 0;
	bool failed = false;
	if (ok) {
		typedef struct jrow { int64_t at, user, object; const char *who, *action, *kind, *detail; } jrow;
		jrow *v = arena_array(r->a, PAGE + 1, sizeof *v);
		if (search(r, &f, &q, PAGE + 1) != E_OK)
			failed = true;
		/* Read first: naming the records runs the modules' statements. */
		while (v && db_next(&q) && rows < PAGE) {
			v[rows] = (jrow){db_int(&q, 1), db_int(&q, 2), db_int(&q, 6), db_isnull(&q, 3) ? "système" : db_dup(&q, 3, r->a),
			                 db_dup(&q, 4, r->a), db_dup(&q, 5, r->a), db_dup(&q, 7, r->a)};
			rows++;
		}
		db_close(&q);
		/* The records named all at once, each module its own (a statement a row for a hundred rows before). */
		const char **kinds = arena_array(r->a, PAGE, sizeof *kinds), **refs = arena_array(r->a, PAGE, sizeof *refs),
		           **hrefs = arena_array(r->a, PAGE, sizeof *hrefs);
		int64_t *ids = arena_array(r->a, PAGE, sizeof *ids);
		for (int i = 0; kinds && ids && i < rows; i++)
			kinds[i] = v[i].kind, ids[i] = v[i].object;
		bool named = kinds && ids && refs && hrefs; /* else (no memory) one by one below */
		if (named)
			module_refs(r->db, r->a, kinds, ids, rows, refs, hrefs);
		for (int i = 0; i < rows; i++) {
			struct tm tm;
			char when[32] = "";
			if (civil_local_time(r->user->tz, (time_t)v[i].at, &tm))
				strftime(when, sizeof when, "%d/%m/%Y %H:%M:%S", &tm);
			const char *href = NULL, *ref = NULL;
			if (named)
				ref = refs[i], href = hrefs[i];
			else if (v[i].object)
				ref = module_ref(r->db, r->a, v[i].kind, v[i].object, &href);
			html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>", when, v[i].who, fr(v[i].action));
			if (ref && href && web_may(r, M_GET, href))
				html_printf(b, "%s : <a href=\"%s\">%s</a>", fr(v[i].kind), href, ref);
			else if (ref)
				html_printf(b, "%s : %s", fr(v[i].kind), ref);
			else if (v[i].object)
				html_printf(b, "%s n° %lld", fr(v[i].kind), (long long)v[i].object);
			else
				html_printf(b, "%s", fr(v[i].kind));
			html_printf(b, "</td><td>%s</td></tr>", journal_detail_fr(r->a, r->user->tz, v[i].detail, name_household, r));
		}
	}
	html_table_close(b);
	if (failed)
		page_notice(r, "error", "Le journal n’a pas pu être lu : réessayez ; si cela dure, prévenez l’administrateur.");
	else if (!rows)
		html_lit(b, "<p>Aucune entrée ne correspond à ces critères.</p>");
	if (f.page > 1 || rows == PAGE) {
		html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\"><ul>");
		if (f.page > 1)
			html_printf(b, "<li><a href=\"/journal?user=%lld&amp;kind=%s&amp;object=%lld&amp;action=%s&amp;from=%s&amp;to=%s&amp;page=%lld\">"
			               "Plus récentes</a></li>",
			            (long long)f.user, f.kind, (long long)f.object, f.action, f.from_s ? f.from_s : "", f.to_s ? f.to_s : "",
			            (long long)(f.page - 1));
		if (rows == PAGE)
			html_printf(b, "<li><a href=\"/journal?user=%lld&amp;kind=%s&amp;object=%lld&amp;action=%s&amp;from=%s&amp;to=%s&amp;page=%lld\">"
			               "Plus anciennes</a></li>",
			            (long long)f.user, f.kind, (long long)f.object, f.action, f.from_s ? f.from_s : "", f.to_s ? f.to_s : "",
			            (long long)(f.page + 1));
		html_lit(b, "</ul></nav>");
	}
	page_end(r);
}

static void journal_api(web_req *r)
{
	journal_flush(r->db); /* every access that happened, the reads queued included */
	jfilter f;
	const char *why;
	if (!read_filter(r, &f, &why)) {
		web_error(r, E_INPUT, why);
		return;
	}
	journal_record(r->db, r->user->id, "read", "journal", 0, "api");
	json_t *arr = json_array();
	db_res q = {0};
	if (search(r, &f, &q, PAGE) != E_OK) {
		db_close(&q);
		json_decref(arr);
		web_error(r, E_DB, NULL);
		return;
	}
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:I,s:I,s:s,s:s,s:I,s:s}", "seq", (json_int_t)db_int(&q, 0),
		                                     "at", (json_int_t)db_int(&q, 1), "user_id", (json_int_t)db_int(&q, 2),
		                                     "action", db_text(&q, 4), "kind", db_text(&q, 5), "object_id",
		                                     (json_int_t)db_int(&q, 6), "detail", db_text(&q, 7)));
	db_close(&q);
	web_json(r, 200, json_pack("{s:o}", "entries", arr));
}

static void journal_verify_api(web_req *r)
{
	journal_flush(r->db); /* every access that happened, the reads queued included */
	journal_check jc;
	err e = journal_verify(r->db, r->user->structure_id, &jc);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_json(r, 200, json_pack("{s:b,s:I,s:I,s:s?}", "intact", jc.broken_seq == 0, "entries", (json_int_t)jc.entries,
	                           "broken_seq", (json_int_t)jc.broken_seq, "reason", jc.reason));
}

void journal_routes(void)
{
	web_route(M_GET, "/journal", journal_page, PERM_JOURNAL_READ, 0, "Journal des accès");
	web_route(M_GET, "/api/v1/journal", journal_api, PERM_JOURNAL_READ, 0, "Rechercher dans le journal");
	web_route(M_GET, "/api/v1/journal/signals", signals_api, PERM_JOURNAL_READ, 0, "Signaux à examiner");
	web_route(M_GET, "/api/v1/journal/verify", journal_verify_api, PERM_JOURNAL_READ, 0, "Vérifier la chaîne");
}
