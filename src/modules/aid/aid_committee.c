/* aid_committee.c — the commission permanente: sessions, their agenda built
 * from instructed requests, an anonymised presentation for members,
 * decisions recorded in sequence (through aid_act), ratification of
 * emergency aid, closing and the minutes (procès-verbal) as PDF. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid_internal.h"
#include "modules/journal/journal.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "core/banned.h"

static db_sql Q_SESSIONS = DB_SQL(DB_SCOPED,
	"SELECT s.id, s.held_on, s.place, s.status, (SELECT count(*) FROM aid_requests q WHERE q.structure_id = s.structure_id "
	"AND q.session_id = s.id) FROM aid_sessions s WHERE s.structure_id = $1 ORDER BY s.held_on DESC, s.id DESC LIMIT $2 OFFSET $3");
static db_sql Q_SESSION = DB_SQL(DB_SCOPED,
	"SELECT held_on, place, members, status FROM aid_sessions WHERE structure_id = $1 AND id = $2");
static db_sql Q_TO_RATIFY = DB_SQL(DB_SCOPED,
	"SELECT id FROM aid_requests WHERE structure_id = $1 AND route = 'urgence' AND decision IN ('accorde', 'refuse') "
	"AND ratified_on IS NULL AND status <> 'annulee' ORDER BY decided_on, id");
static db_sql Q_MINUTES = DB_SQL(DB_SCOPED,
	"SELECT e.request_id, e.kind, e.detail, q.aid_label, q.household_id, q.proposed, q.opinion, q.opinion_amount "
	"FROM aid_events e JOIN aid_requests q ON q.structure_id = e.structure_id AND q.id = e.request_id "
	"WHERE e.structure_id = $1 AND e.session_id = $2 AND e.kind IN ('accorde', 'refuse', 'ajourne', 'ratification') "
	"ORDER BY e.at, e.id");

typedef struct session {
	int64_t id;
	const char *held_on, *place, *members, *status;
} session;

static bool session_load(web_req *r, int64_t id, session *s)
{
	db_res q = {0};
	bool ok = DBQ(r->db, &Q_SESSION, &q, A_INT(id)) == E_OK && db_next(&q);
	if (ok) {
		s->id = id;
		s->held_on = db_dup(&q, 0, r->a);
		s->place = db_dup(&q, 1, r->a);
		s->members = db_dup(&q, 2, r->a);
		s->status = db_dup(&q, 3, r->a);
	}
	db_close(&q);
	return ok;
}

static bool session_or_404(web_req *r, session *s)
{
	if (session_load(r, r->param[0], s))
		return true;
	web_error(r, E_NOT_FOUND, NULL);
	return false;
}

/* ---- list and creation ----------------------------------------------------------------------- */

static void sessions_page(web_req *r, const form_errors *fe)
{
	const char *ps = web_arg(r, "page");
	int64_t page = 1;
	if (ps && !text_to_int64(ps, 1, 10000, &page))
		page = 1;
	page_begin(r, "Commission permanente — séances");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	if (web_can(r, PERM_AID_DECIDE)) {
		form_error_summary(b, fe);
		form_begin(r, "<form method=\"post\" action=\"/aides/commissions\" class=\"filters\" novalidate>");
		form_input(b, &(form_field){.name = "held_on", .label = "Date de la séance", .type = "date", .required = true,
		                            .value = kv_get(&r->form, "held_on")}, fe);
		form_input(b, &(form_field){.name = "place", .label = "Lieu", .value = kv_get(&r->form, "place")}, fe);
		html_lit(b, "<button type=\"submit\" class=\"primary\">Prévoir une séance</button></form>");
	}
	html_table(b, "Séances", 0, "Date", "Lieu", "État", "#Demandes");
	db_res q = {0};
	int n = 0;
	DBQ(r->db, &Q_SESSIONS, &q, A_INT(31), A_INT((page - 1) * 30));
	while (db_next(&q) && n < 30) {
		n++;
		html_printf(b, "<tr><td><a href=\"/aides/commissions/%lld\">%s</a></td><td>%s</td><td>%s</td><td class=\"num\">%lld</td></tr>",
		            (long long)db_int(&q, 0), civil_fr(r->a, db_text(&q, 1)), db_text(&q, 2),
		            strcmp(db_text(&q, 3), "close") ? "prévue" : "close", (long long)db_int(&q, 4));
	}
	bool more = db_next(&q);
	db_close(&q);
	html_table_close(b);
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune séance.</p>");
	if (page > 1)
		html_printf(b, "<p><a href=\"/aides/commissions?page=%lld\">Page précédente</a></p>", (long long)(page - 1));
	if (more)
		html_printf(b, "<p><a href=\"/aides/commissions?page=%lld\">Page suivante</a></p>", (long long)(page + 1));
	page_end(r);
}

static void sessions_get(web_req *r) { sessions_page(r, NULL); }


static void sessions_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id;
	err e = aid_session_create(AID_X(r), web_field(r, "held_on"), web_field(r, "place"), &fe, &id);
	page_after_post(r, e, &fe, sessions_page, arena_printf(r->a, "/aides/commissions/%lld", (long long)id));
}

/* ---- the session page ------------------------------------------------------------------------ */

/* Names only for those who may read households; members see file numbers. For n requests at once: a few
 * statements, not two a request. */
static const char **whos(web_req *r, const aid_req *v, int n)
{
	const char **out = arena_array(r->a, (size_t)(n > 0 ? n : 1), sizeof *out);
	if (!out)
		return NULL;
	if (!web_can(r, PERM_PERSONS_READ)) {
		const char **nos = persons_file_nos_of(r->db, r->a, v, sizeof *v, offsetof(aid_req, household_id), n);
		if (!nos)
			return NULL;
		for (int i = 0; i < n; i++)
			out[i] = arena_printf(r->a, "dossier %s", nos[i] ? nos[i] : "?");
		return out;
	}
	persons_row_who *w = persons_rows_who(r->db, r->a, v, sizeof *v, offsetof(aid_req, person_id), offsetof(aid_req, household_id), n);
	if (!w)
		return NULL;
	for (int i = 0; i < n; i++) {
		const char *no = w[i].file_no ? w[i].file_no : "?";
		out[i] = !v[i].person_id ? arena_printf(r->a, "dossier %s", no)
		       : !w[i].p.id     ? no
		                        : arena_printf(r->a, "%s %s (%s)", w[i].p.last_name, w[i].p.first_names, no);
	}
	return out;
}

static const char *who(web_req *r, const aid_req *q)
{
	const char **w = whos(r, q, 1);
	return w ? w[0] : "?";
}

static void decision_form(web_req *r, const aid_req *q, const char *back, const char *idp)
{
	buf *b = &r->out;
	form_begin(r, "<form method=\"post\" action=\"/aides/demandes/%lld/action\" class=\"decide\" novalidate>"
	               "<input type=\"hidden\" name=\"action\" value=\"decider\"><input type=\"hidden\" name=\"version\" value=\"%lld\">"
	               "<input type=\"hidden\" name=\"retour\" value=\"%s\">",
	            (long long)q->id, (long long)q->version, back);
	html_printf(b, "<label for=\"%s-d\">Décision</label><select id=\"%s-d\" name=\"decision\"><option value=\"accorde\">Accorder</option>"
	               "<option value=\"refuse\">Refuser</option><option value=\"ajourne\">Ajourner</option></select>"
	               "<label for=\"%s-a\">Montant (€)</label><input id=\"%s-a\" name=\"amount\" size=\"8\" value=\"%s\">"
	               "<label for=\"%s-m\">Motif</label><input id=\"%s-m\" name=\"motive\" size=\"30\">"
	               "<button type=\"submit\" class=\"primary\">Enregistrer</button></form>",
	            idp, idp, idp, idp, money_format(r->a, q->opinion_amount), idp, idp);
}

/* Every request of a session's agenda, in agenda order (read in pages of
 * 200: an agenda has no size limit). */
static int session_rows(web_req *r, int64_t session_id, aid_req **out)
{
	enum { PAGE = 200 };
	aid_list_filter f = {.list = "", .status = "", .aid = "", .session_id = session_id, .page = 1};
	aid_req *rows = NULL;
	int n = 0;
	for (;;) {
		aid_req *grown = arena_array(r->a, (size_t)(n + PAGE), sizeof *grown);
		if (!grown)
			break;
		if (n)
			memcpy(grown, rows, sizeof *rows * (size_t)n);
		rows = grown;
		int got = aid_list_run(AID_X(r), &f, PAGE, n, rows + n);
		n += got;
		if (got < PAGE)
			break;
	}
	for (int i = 1; i < n; i++) /* the list runs newest first; the agenda reads by number */
		for (int j = i; j > 0 && rows[j - 1].agenda_no > rows[j].agenda_no; j--) {
			aid_req t = rows[j];
			rows[j] = rows[j - 1];
			rows[j - 1] = t;
		}
	*out = rows;
	return n;
}

/* The session's page; members and close_error when a close was refused
 * (what was typed stays, the reason beside it). */
static void session_render(web_req *r, session s, const char *members, const char *close_error)
{
	bool open = !strcmp(s.status, "prevue");
	journal_record(r->db, r->user->id, "read", "aid_session", s.id, NULL);
	page_begin(r, arena_printf(r->a, "Commission du %s", civil_fr(r->a, s.held_on)));
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	if (web_arg(r, "erreur"))
		page_notice(r, "error", web_arg(r, "erreur"));
	html_printf(b, "<p>%s — séance %s. <a href=\"/aides/commissions/%lld/presentation\">Présentation anonymisée</a> · "
	               "<a href=\"/aides/commissions/%lld/pv.pdf\">Procès-verbal (PDF)</a> · <a href=\"/aides/export.csv?seance=%lld\">"
	               "Ordre du jour (CSV)</a> · <a href=\"/aides/commissions\">Toutes les séances</a></p>",
	            *s.place ? s.place : "Lieu non précisé", open ? "prévue" : "close", (long long)s.id, (long long)s.id, (long long)s.id);
	aid_req *rows;
	int n = session_rows(r, s.id, &rows);
	html_lit(b, "<h2>Ordre du jour</h2>");
	html_table(b, "Ordre du jour", 0, "N°", "Foyer", "Aide", "#QF", "#Reste à vivre", "#Proposition", "Avis", "Décision");
	bool can_decide = open && web_can(r, PERM_AID_COMMITTEE);
	const char **names = whos(r, rows, n);
	for (int i = 0; names && i < n; i++) {
		aid_req *q = &rows[i];
		html_printf(b, "<tr id=\"d%lld\"><td>%d</td><td>%s</td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
		               "<td class=\"num\">%s</td><td>%s %s</td><td>",
		            (long long)q->id, q->agenda_no, names[i], q->aid_label, money_format_known(r->a, q->qf_known, q->qf), money_format_known(r->a, q->rav_known, q->rav),
		            money_format(r->a, q->proposed), strcmp(q->opinion, "favorable") ? "défavorable" : "favorable",
		            money_format(r->a, q->opinion_amount));
		if (!strcmp(q->status, "inscrite") && can_decide)
			decision_form(r, q, arena_printf(r->a, "/aides/commissions/%lld?ok=1#d%lld", (long long)s.id, (long long)q->id),
			              arena_printf(r->a, "r%lld", (long long)q->id));
		else if (*q->decision)
			html_printf(b, "%s%s%s", aid_decision_label(q->decision), !strcmp(q->decision, "accorde") ? " " : "",
			            !strcmp(q->decision, "accorde") ? money_format(r->a, q->granted) : "");
		else
			html_lit(b, "à décider");
		html_lit(b, "</td></tr>");
	}
	html_table_close(b);
	if (!n)
		html_lit(b, "<p class=\"muted\">L’ordre du jour est vide.</p>");
	/* Emergency aid decided since: the committee ratifies it. */
	db_res q = {0};
	int64_t *ids = NULL;
	int nr = 0, cap = 0;
	DBQ0(r->db, &Q_TO_RATIFY, &q);
	while (db_next(&q)) {
		int64_t *slot = ARENA_PUSH(r->a, ids, nr, cap);
		if (!slot)
			break;
		*slot = db_int(&q, 0);
	}
	db_close(&q);
	if (nr) {
		html_lit(b, "<h2>Aides d’urgence à ratifier</h2>");
		html_table(b, "Aides d’urgence à ratifier", 0, "Demande", "Aide", "Décision", "Ratification");
		for (int i = 0; i < nr; i++) {
			aid_req x;
			if (!aid_req_load(r->db, r->a, ids[i], &x))
				continue;
			html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s %s le %s</td><td>", who(r, &x), x.aid_label, aid_decision_label(x.decision),
			            !strcmp(x.decision, "accorde") ? money_format(r->a, x.granted) : "", civil_fr(r->a, x.decided_on));
			if (can_decide) {
				form_begin(r, "<form method=\"post\" action=\"/aides/demandes/%lld/action\" class=\"inline\">"
				               "<input type=\"hidden\" name=\"action\" value=\"ratifier\"><input type=\"hidden\" name=\"version\" value=\"%lld\">"
				               "<input type=\"hidden\" name=\"session\" value=\"%lld\"><input type=\"hidden\" name=\"retour\" value=\"/aides/commissions/%lld?ok=1\">",
				            (long long)x.id, (long long)x.version, (long long)s.id, (long long)s.id);
				html_printf(b, "<button type=\"submit\" aria-label=\"Ratifier la demande %lld\">Ratifier</button></form>", (long long)x.id);
			}
			html_lit(b, "</td></tr>");
		}
		html_table_close(b);
	}
	/* Building the agenda: instructed requests above the delegation. */
	if (open && web_can(r, PERM_AID_DECIDE)) {
		aid_list_filter g = {.list = "a_inscrire", .status = "", .aid = "", .page = 1};
		/* All of them, by pages of the list's statement. */
		aid_req *cand = NULL, *pg = arena_array(r->a, 200, sizeof *pg);
		int nc = 0, ccap = 0;
		for (int got = 200, off = 0; pg && got == 200; off += got) {
			got = aid_list_run(AID_X(r), &g, 200, off, pg);
			for (int i = 0; i < got; i++) {
				aid_req *c = ARENA_PUSH(r->a, cand, nc, ccap);
				if (!c)
					break;
				*c = pg[i];
			}
		}
		form_begin(r, "<h2>Ajouter à l’ordre du jour</h2><form method=\"post\" action=\"/aides/commissions/%lld/ordre-du-jour\">", (long long)s.id);
		const char **cnames = nc ? whos(r, cand, nc) : NULL;
		if (nc) {
			html_lit(b, "<fieldset><legend>Demandes instruites à présenter en commission</legend>");
			for (int i = 0; cnames && i < nc; i++)
				html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"c%lld\" name=\"id\" value=\"%lld\" checked>"
				               "<label for=\"c%lld\">%s — %s, proposé %s</label></div>",
				            (long long)cand[i].id, (long long)cand[i].id, (long long)cand[i].id, cnames[i], cand[i].aid_label,
				            money_format(r->a, cand[i].opinion_amount));
			html_lit(b, "</fieldset><button type=\"submit\">Inscrire les demandes cochées</button>");
		} else {
			html_lit(b, "<p class=\"muted\">Aucune demande instruite n’attend la commission.</p>");
		}
		html_lit(b, "</form>");
		form_errors fe = {0};
		if (close_error)
			form_error(&fe, "members", close_error);
		int np = 0;
		const char *undecided = aid_session_pending(AID_X(r), s.id, &np);
		html_lit(b, "<h2 id=\"cloture\">Clôture de la séance</h2>");
		form_error_summary(b, &fe);
		if (np)
			html_printf(b, "<p>Restent à décider ou à ajourner avant la clôture : %s.</p>", undecided);
		form_begin(r, "<form method=\"post\" action=\"/aides/commissions/%lld/cloture\" novalidate>", (long long)s.id);
		form_input(b, &(form_field){.name = "members", .label = "Membres présents", .type = "textarea",
		                            .value = members ? members : s.members, .hint = "Noms et qualités, pour le procès-verbal."}, &fe);
		html_lit(b, "<button type=\"submit\" name=\"fin\" value=\"0\">Enregistrer les présents</button> "
		            "<button type=\"submit\" name=\"fin\" value=\"1\" data-confirm=\"Clore la séance ? Ses décisions ne pourront plus changer.\">"
		            "Clore la séance</button></form>");
	}
	page_end(r);
}

static void session_get(web_req *r)
{
	session s;
	if (session_or_404(r, &s))
		session_render(r, s, NULL, NULL);
}

static void agenda_post(web_req *r)
{
	session s;
	if (!session_or_404(r, &s))
		return;
	int added = 0, refused = 0;
	for (int i = 0; i < r->form.n; i++) {
		int64_t id;
		if (strcmp(r->form.items[i].name, "id") || !text_to_int64(r->form.items[i].value, 1, INT64_MAX, &id))
			continue;
		aid_req q;
		if (!aid_req_load(r->db, r->a, id, &q)) {
			refused++;
			continue;
		}
		kv items[2] = {{"version", arena_printf(r->a, "%lld", (long long)q.version)}, {"session", arena_printf(r->a, "%lld", (long long)s.id)}};
		kv_list in = {items, 2, NULL, 0};
		form_errors fe = {0};
		const char *why;
		if (aid_act(AID_X(r), &q, "inscrire", &in, &fe, &why) == E_OK)
			added++;
		else
			refused++;
	}
	if (refused)
		web_redirect(r, arena_printf(r->a, "/aides/commissions/%lld?erreur=%d%%20demande(s)%%20n%%E2%%80%%99ont%%20pas%%20pu%%20%%C3%%AAtre%%20inscrite(s)",
		                             (long long)s.id, refused));
	else
		web_redirect(r, arena_printf(r->a, "/aides/commissions/%lld?ok=%d", (long long)s.id, added));
}


static void close_post(web_req *r)
{
	session s;
	if (!session_or_404(r, &s))
		return;
	const char *why;
	const char *fin = web_field(r, "fin");
	const char *members = web_field(r, "members");
	err e = aid_session_close(AID_X(r), s.id, members, fin && !strcmp(fin, "1"), &why);
	if (e == E_INPUT || e == E_CONFLICT) {
		/* The page again, with what was typed and why; a 409 only when
		 * someone else closed it meanwhile. */
		r->status = e == E_INPUT ? 400 : 409;
		session_or_404(r, &s);
		session_render(r, s, members, why);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, why);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/aides/commissions/%lld?ok=1", (long long)s.id));
}

/* ---- anonymised presentation ----------------------------------------------------------------- */

static void presentation(web_req *r)
{
	session s;
	if (!session_or_404(r, &s))
		return;
	aid_req *rows;
	int n = session_rows(r, s.id, &rows);
	/* Without ?n=, the first request still to decide: after each decision the
	 * presentation comes back here, so an adjourned request (which leaves the
	 * agenda) never makes it skip the next one. */
	int64_t k = 0;
	const char *ks = web_arg(r, "n");
	if (ks && !text_to_int64(ks, 1, 1000, &k))
		k = 0;
	if (!k) {
		for (int i = 0; i < n && !k; i++)
			if (!strcmp(rows[i].status, "inscrite"))
				k = i + 1;
		if (!k && n) {
			page_begin(r, arena_printf(r->a, "Commission du %s — présentation", civil_fr(r->a, s.held_on)));
			html_printf(&r->out, "<p role=\"status\">Toutes les demandes de l’ordre du jour sont décidées.</p>"
			                     "<p><a href=\"/aides/commissions/%lld\">Retour à la séance</a> · <a href=\"?n=1\">Revoir depuis "
			                     "la première</a></p>", (long long)s.id);
			page_end(r);
			return;
		}
		if (!k)
			k = 1;
	}
	page_begin(r, arena_printf(r->a, "Commission du %s — présentation", civil_fr(r->a, s.held_on)));
	buf *b = &r->out;
	if (!n || k > n) {
		html_printf(b, "<p>%s</p><p><a href=\"/aides/commissions/%lld\">Retour à la séance</a></p>",
		            n ? "Toutes les demandes de l’ordre du jour ont été présentées." : "L’ordre du jour est vide.", (long long)s.id);
		page_end(r);
		return;
	}
	aid_req *q = &rows[k - 1];
	journal_record(r->db, r->user->id, "read", "aid_request", q->id, "committee presentation");
	civil_date on;
	household_budget hb = {0};
	aid_facts facts = {0};
	if (civil_parse(q->requested_on, &on))
		aid_facts_for(r->db, r->a, q->household_id, q->aid_key, on, q->id, q->residence_months, q->bill, &facts, &hb);
	facts.need = q->need;
	html_printf(b, "<p class=\"muted\">Demande %lld sur %d. Présentation sans nom ni adresse : seuls les éléments utiles à la décision.</p>",
	            (long long)k, n);
	html_printf(b, "<dl class=\"facts\"><dt>Aide</dt><dd>%s</dd><dt>Composition du foyer</dt><dd>%d personne%s dont %d enfant%s</dd>"
	               "<dt>Quotient familial</dt><dd>%s</dd><dt>Reste à vivre</dt><dd>%s par jour</dd>"
	               "<dt>Facture</dt><dd>%s</dd><dt>Déjà accordé pour cette aide sur 12 mois</dt><dd>%s</dd>"
	               "<dt>Proposition du règlement</dt><dd>%s — %s</dd><dt>Avis de l’instructeur</dt><dd>%s, %s%s%s</dd>",
	            q->aid_label, hb.members, hb.members > 1 ? "s" : "", hb.children, hb.children > 1 ? "s" : "",
	            money_format_known(r->a, q->qf_known, q->qf), money_format_known(r->a, q->rav_known, q->rav), q->bill ? money_format(r->a, q->bill) : "—",
	            money_format(r->a, facts.granted_12m), money_format(r->a, q->proposed), q->explain,
	            strcmp(q->opinion, "favorable") ? "défavorable" : "favorable", money_format(r->a, q->opinion_amount),
	            *q->opinion_reason ? " — " : "", q->opinion_reason);
	if (*q->decision)
		html_printf(b, "<dt>Décision</dt><dd>%s %s</dd>", aid_decision_label(q->decision),
		            !strcmp(q->decision, "accorde") ? money_format(r->a, q->granted) : "");
	html_lit(b, "</dl>");
	if (!strcmp(q->status, "inscrite") && !strcmp(s.status, "prevue") && web_can(r, PERM_AID_COMMITTEE))
		decision_form(r, q, arena_printf(r->a, "/aides/commissions/%lld/presentation", (long long)s.id), "p");
	html_printf(b, "<nav class=\"pager\" aria-label=\"Demandes\"><ul>");
	if (k > 1)
		html_printf(b, "<li><a href=\"?n=%lld\">Demande précédente</a></li>", (long long)(k - 1));
	if (k < n)
		html_printf(b, "<li><a href=\"?n=%lld\">Demande suivante</a></li>", (long long)(k + 1));
	html_printf(b, "<li><a href=\"/aides/commissions/%lld\">Retour à la séance</a></li></ul></nav>", (long long)s.id);
	page_end(r);
}

/* ---- minutes --------------------------------------------------------------------------------- */

static void minutes(web_req *r)
{
	session s;
	structure_info si;
	if (!session_or_404(r, &s))
		return;
	if (accounts_structure_info(r->db, r->a, r->user->structure_id, &si) != E_OK) {
		web_error(r, E_DB, NULL);
		return;
	}
	const char *why;
	pdf_doc *pd = pdf_new("Procès-verbal de la commission permanente", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	pdf_small(pd, si.name);
	if (*si.address)
		pdf_small(pd, si.address);
	pdf_space(pd, 12);
	pdf_heading(pd, arena_printf(r->a, "Procès-verbal de la commission permanente du %s", civil_fr(r->a, s.held_on)));
	pdf_field(pd, "Lieu", *s.place ? s.place : "—");
	pdf_field(pd, "Membres présents", *s.members ? s.members : "—");
	pdf_field(pd, "État de la séance", strcmp(s.status, "close") ? "prévue (procès-verbal provisoire)" : "close");
	pdf_space(pd, 8);
	pdf_para(pd, "Les demandes sont désignées par leur numéro et le numéro de dossier du foyer, sans nom.");
	pdf_space(pd, 6);
	db_res q = {0};
	int64_t total = 0;
	int granted = 0, refused = 0, adjourned = 0, ratified = 0;
	/* The rows first, then their file numbers fifty at a time (not a statement a row). */
	typedef struct minute { int64_t id, hid, proposed; const char *kind, *why, *aid, *opinion; } minute;
	minute *mv = NULL;
	int nmv = 0, mcap = 0;
	DBQ(r->db, &Q_MINUTES, &q, A_INT(s.id));
	while (db_next(&q)) {
		minute *x = ARENA_PUSH(r->a, mv, nmv, mcap);
		if (!x)
			break;
		*x = (minute){db_int(&q, 0), db_int(&q, 4), db_int(&q, 5), db_dup(&q, 1, r->a), db_dup(&q, 2, r->a), db_dup(&q, 3, r->a),
		              db_dup(&q, 6, r->a)};
	}
	db_close(&q);
	const char **mno = persons_file_nos_of(r->db, r->a, mv, sizeof *mv, offsetof(minute, hid), nmv);
	if (!mno)
		nmv = 0; /* the failure count or the arena's flag turns the page into an error */
	for (int i = 0; i < nmv; i++) {
		const char *kind = mv[i].kind ? mv[i].kind : "";
		const char *no = mno[i];
		const char *what = !strcmp(kind, "accorde") ? "accordée" : !strcmp(kind, "refuse") ? "refusée"
		                   : !strcmp(kind, "ajourne") ? "ajournée" : "aide d’urgence ratifiée";
		granted += !strcmp(kind, "accorde");
		refused += !strcmp(kind, "refuse");
		adjourned += !strcmp(kind, "ajourne");
		ratified += !strcmp(kind, "ratification");
		const char *detail = mv[i].why ? mv[i].why : "";
		pdf_para(pd, arena_printf(r->a, "Demande n° %lld — dossier %s — %s : %s%s%s (proposition du règlement %s, avis %s).",
		                          (long long)mv[i].id, no ? no : "?", mv[i].aid ? mv[i].aid : "", what, *detail ? " — " : "", detail,
		                          money_format(r->a, mv[i].proposed), mv[i].opinion ? mv[i].opinion : ""));
	}
	db_res t = {0};
	static db_sql Q_TOTAL = DB_SQL(DB_SCOPED,
		"SELECT coalesce(sum(granted), 0) FROM aid_requests WHERE structure_id = $1 AND session_id = $2 AND decision = 'accorde' "
		"AND status <> 'annulee'");
	if (DBQ(r->db, &Q_TOTAL, &t, A_INT(s.id)) == E_OK && db_next(&t))
		total = db_int(&t, 0);
	db_close(&t);
	pdf_space(pd, 8);
	pdf_heading(pd, "Récapitulatif");
	pdf_field(pd, "Aides accordées", arena_printf(r->a, "%d, pour un total de %s", granted, money_format(r->a, total)));
	pdf_field(pd, "Refus", arena_printf(r->a, "%d", refused));
	pdf_field(pd, "Ajournements", arena_printf(r->a, "%d", adjourned));
	pdf_field(pd, "Aides d’urgence ratifiées", arena_printf(r->a, "%d", ratified));
	pdf_space(pd, 24);
	pdf_para(pd, "Le président de la commission                                        Le secrétaire de séance");
	if (pdf_send(r, pd, arena_printf(r->a, "pv-commission-%s.pdf", s.held_on)))
		journal_record(r->db, r->user->id, "export", "aid_session", s.id, "minutes");
}

void aid_committee_routes(void)
{
	web_route(M_GET, "/aides/commissions", sessions_get, PERM_AID_COMMITTEE, 0, "Séances de la commission permanente");
	web_route(M_POST, "/aides/commissions", sessions_post, PERM_AID_DECIDE, 0, "Prévoir une séance");
	web_route(M_GET, "/aides/commissions/{id}", session_get, PERM_AID_COMMITTEE, 0, "Une séance : ordre du jour et décisions");
	web_route(M_POST, "/aides/commissions/{id}/ordre-du-jour", agenda_post, PERM_AID_DECIDE, 0, "Inscrire des demandes à l’ordre du jour");
	web_route(M_POST, "/aides/commissions/{id}/cloture", close_post, PERM_AID_DECIDE, 0, "Présents et clôture de la séance");
	web_route(M_GET, "/aides/commissions/{id}/presentation", presentation, PERM_AID_COMMITTEE, 0, "Présentation anonymisée");
	web_route(M_GET, "/aides/commissions/{id}/pv.pdf", minutes, PERM_AID_COMMITTEE, 0, "Procès-verbal (PDF)");
}
