/* aid_requests.c — the pages of the aid requests: the work lists and their
 * exports, a request's page with the actions its state and the user's
 * role allow, the new request form, the household page's section. Every
 * change goes through aid_act (aid_workflow.c). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "core/countof.h"
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

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

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
	aid_list_filter_from(&r->query, &f);
	page_begin(r, "Aides facultatives — demandes");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes de travail\"><ul>");
	for (int i = 0; i < COUNTOF(AID_LISTS); i++)
		html_printf(b, "<li><a href=\"/aides?liste=%s\"%s>%s</a></li>", AID_LISTS[i].v,
		            !strcmp(f.list, AID_LISTS[i].v) ? " aria-current=page" : "", AID_LISTS[i].fr);
	html_lit(b, "</ul></nav>");
	/* Only what the reader's role opens. */
	static const struct { const char *href, *label; } more[] = {
		{"/aides/commissions", "Commissions"}, {"/aides/budget", "Budget"}, {"/aides/reglement", "Règlement"}};
	int shown = 0;
	for (int i = 0; i < COUNTOF(more); i++)
		if (web_may(r, M_GET, more[i].href)) {
			if (shown++)
				html_lit(b, " · ");
			else
				html_lit(b, "<p>");
			html_printf(b, "<a href=\"%s\">%s</a>", more[i].href, more[i].label);
		}
	if (shown)
		html_lit(b, "</p>");
	html_lit(b, "<form method=\"get\" action=\"/aides\" class=\"filters\">");
	html_printf(b, "<input type=\"hidden\" name=\"liste\" value=\"%s\">", f.list);
	aid_rulebook rb;
	int64_t rbid;
	const char *av[AID_MAX_AIDS + 1] = {""}, *al[AID_MAX_AIDS + 1] = {"Toutes les aides"};
	int na = 1;
	if (aid_rulebook_on(r->db, r->a, civil_today(r->user->tz), &rb, &rbid))
		for (int i = 0; i < rb.naids; i++, na++)
			av[na] = rb.aids[i].key, al[na] = rb.aids[i].label;
	form_select(b, "aide", "Aide", av, al, na, f.aid, NULL);
	code statuses[AID_NSTATUS + 1] = {{"", "Tous les statuts"}};
	for (int i = 0; i < AID_NSTATUS; i++)
		statuses[i + 1] = AID_STATUS[i];
	if (!*f.list || !strcmp(f.list, "mes") || !strcmp(f.list, "decidees_mois"))
		FORM_SELECT_CODE(b, "statut", "Statut", statuses, f.status, NULL);
	if (f.household_id)
		html_printf(b, "<input type=\"hidden\" name=\"foyer\" value=\"%lld\">", (long long)f.household_id);
	html_lit(b, "<button type=\"submit\">Filtrer</button></form>");
	aid_req *rows = arena_alloc(r->a, sizeof *rows * 51);
	int n = rows ? aid_list_run(AID_X(r), &f, 51, (f.page - 1) * 50, rows) : 0;
	buf qs;
	buf_init(&qs, r->a, 64);
	list_query(r, &f, &qs, "&");
	html_printf(b, "<p><a href=\"/aides/export.csv?%s\">Exporter cette liste (CSV)</a> · <a href=\"/aides/export.xlsx?%s\">XLSX</a></p>",
	            buf_cstr(&qs), buf_cstr(&qs));
	html_table(b, "Demandes d’aide", 0, "N°", "Demandeur", "Aide", "Demandée le", "Statut", "#Montant", "Pièces manquantes");
	/* The applicants' names: a statement for the page's fifty, not one a row. */
	persons_row_who *w = persons_rows_who(r->db, r->a, rows, sizeof *rows, offsetof(aid_req, person_id), PERSONS_NO_HOUSEHOLD,
	                                      n < 50 ? n : 50);
	for (int i = 0; w && i < n && i < 50; i++)
		html_printf(b, "<tr><td><a href=\"/aides/demandes/%lld\">%lld</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
		               "<td class=\"num\">%s</td><td>%s</td></tr>",
		            (long long)rows[i].id, (long long)rows[i].id,
		            w[i].p.id ? arena_printf(r->a, "%s %s", w[i].p.last_name, w[i].p.first_names) : "—", rows[i].aid_label,
		            civil_fr(r->a, rows[i].requested_on), aid_status_label(rows[i].status), amount_shown(r, &rows[i]),
		            rows[i].docs_missing);
	html_table_close(b);
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune demande dans cette liste.</p>");
	if (f.page > 1)
		html_printf(b, "<p><a href=\"/aides?%s&amp;page=%d\">Page précédente</a></p>", buf_cstr(&qs), f.page - 1);
	if (n > 50)
		html_printf(b, "<p><a href=\"/aides?%s&amp;page=%d\">Page suivante</a></p>", buf_cstr(&qs), f.page + 1);
	page_end(r);
}

/* ---- exports --------------------------------------------------------------------------------- */

static const char *const EXPORT_HEAD[] = {"N°", "Dossier", "Aide", "Demandée le", "Statut", "Proposition du règlement",
                                          "Avis", "Montant proposé", "Décision", "Montant accordé", "Décidée le",
                                          "Payé", "Payée le", "Mode de paiement", "Pièces manquantes"};
#define NEXPORT COUNTOF(EXPORT_HEAD)
/* The whole list, read a chunk at a time (its file numbers in a few statements each): no row is left out. */
enum { EXPORT_CHUNK = 2000 };

static void export_cells(web_req *r, const aid_req *q, const char *file_no, const char **c)
{
	c[0] = arena_printf(r->a, "%lld", (long long)q->id);
	c[1] = file_no ? file_no : "";
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

/* Each row's cells to emit(cells, ctx); the number of rows, or -1 on a failure. */
static long export_each(web_req *r, void (*emit)(const char **c, void *ctx), void *ctx)
{
	aid_list_filter f;
	aid_list_filter_from(&r->query, &f);
	aid_req *rows = arena_alloc(r->a, sizeof *rows * EXPORT_CHUNK);
	if (!rows)
		return -1;
	long total = 0;
	for (int offset = 0;; offset += EXPORT_CHUNK) {
		int n = aid_list_run(AID_X(r), &f, EXPORT_CHUNK, offset, rows);
		if (n < 0)
			return -1;
		const char **nos = persons_file_nos_of(r->db, r->a, rows, sizeof *rows, offsetof(aid_req, household_id), n);
		if (!nos)
			return -1;
		for (int i = 0; i < n; i++) {
			const char *c[NEXPORT];
			export_cells(r, &rows[i], nos[i], c);
			emit(c, ctx);
		}
		total += n;
		if (n < EXPORT_CHUNK)
			return total;
	}
}

static void emit_csv(const char **c, void *ctx)
{
	for (int k = 0; k < NEXPORT; k++)
		csv_write_cell(ctx, c[k], k == NEXPORT - 1);
}

static void export_csv(web_req *r)
{
	buf *b = &r->out;
	buf_adds(b, "\xEF\xBB\xBF");
	for (int k = 0; k < NEXPORT; k++)
		csv_write_cell(b, EXPORT_HEAD[k], k == NEXPORT - 1);
	long n = export_each(r, emit_csv, b);
	if (n < 0) {
		web_error(r, E_DB, "La liste n’a pas pu être lue en entier : rien n’est exporté.");
		return;
	}
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"aides.csv\"");
	journal_record(r->db, r->user->id, "export", "aid_request", 0, arena_printf(r->a, "rows=%ld csv", n));
}

static void emit_xlsx(const char **c, void *ctx)
{
	for (int k = 0; k < NEXPORT; k++)
		xlsx_text(ctx, k, c[k]);
	xlsx_next_row(ctx);
}

static void export_xlsx(web_req *r)
{
	xlsx_doc *x = xlsx_new("Demandes d’aide");
	if (!x) {
		web_error(r, E_INTERNAL, "Le tableur n’a pas pu être produit.");
		return;
	}
	xlsx_header(x, EXPORT_HEAD, NEXPORT);
	long n = export_each(r, emit_xlsx, x);
	size_t len;
	void *bytes = xlsx_finish(x, r->a, &len);
	if (n < 0 || !bytes) {
		web_error(r, n < 0 ? E_DB : E_INTERNAL, n < 0 ? "La liste n’a pas pu être lue en entier : rien n’est exporté."
		                                             : "Le tableur n’a pas pu être produit.");
		return;
	}
	r->out_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	web_header(r, "Content-Disposition: attachment; filename=\"aides.xlsx\"");
	buf_add(&r->out, bytes, len);
	journal_record(r->db, r->user->id, "export", "aid_request", 0, arena_printf(r->a, "rows=%ld xlsx", n));
}

/* ---- the request page ------------------------------------------------------------------------ */

/* A value for a refused form: what was typed, else the default. */
static const char *typed(web_req *r, const char *name, const char *dflt)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : dflt;
}

/* Several actions of one page ask the same fields (a reason, an amount):
 * their fields' ids carry the action (« f-decider-amount »). */
static const char *scope_of(const char *action) { return action && *action ? action : NULL; }

static void action_open(web_req *r, const aid_req *q, const char *action, const char *title)
{
	form_scope(scope_of(action));
	form_begin(r, "<form method=\"post\" action=\"/aides/demandes/%lld/action\" class=\"action\" novalidate><fieldset><legend>%s</legend>"
	               "<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"version\" value=\"%lld\">",
	            (long long)q->id, title, action, (long long)q->version);
}
static void action_close(web_req *r, const char *button, bool confirm)
{
	form_scope(NULL);
	if (confirm)
		html_printf(&r->out, "<button type=\"submit\" data-confirm=\"%s ?\">%s</button></fieldset></form>", button, button);
	else
		html_printf(&r->out, "<button type=\"submit\" class=\"primary\">%s</button></fieldset></form>", button);
}

static void doc_checkboxes(web_req *r, const aid_rule *rule)
{
	buf *b = &r->out;
	char **docs;
	int n = aid_items(r->a, rule ? rule->documents : NULL, &docs);
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
	const aid_rule *rule = aid_rule_of(r->db, r->a, q, &rb, &rbid);
	html_lit(b, "<section aria-labelledby=\"t-act\"><h2 id=\"t-act\">Suite à donner</h2>");
	form_scope(fe && fe->n ? scope_of(typed(r, "action", "")) : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
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
		    aid_facts_for(r->db, r->a, q->household_id, q->aid_key, on, q->id, q->residence_months, q->bill, &f, &hb) == E_OK) {
			f.need = q->need;
			aid_evaluate(r->a, rule, &f, &res);
		}
		aid_envelope env;
		civil_date t = civil_today(r->user->tz);
		action_open(r, q, "instruire", is(q->status, "instruite") ? "Reprendre l’instruction" : "Instruire");
		if (res.incomplete)
			html_printf(b, "<p class=\"warn\"><strong>Proposition du règlement</strong> : impossible à calculer. %s. "
			               "<a href=\"/foyers/%lld/budget\">Compléter le budget du foyer</a>.</p>", res.explain, (long long)q->household_id);
		else
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
		aid_session_brief *ss;
		int ns = aid_open_sessions(r->db, r->a, &ss);
		code *v = ns > 0 ? arena_array(r->a, (size_t)ns, sizeof *v) : NULL;
		for (int i = 0; v && i < ns; i++)
			v[i] = (code){arena_printf(r->a, "%lld", (long long)ss[i].id), arena_printf(r->a, "%s — %s", civil_fr(r->a, ss[i].held_on), ss[i].place)};
		any = true;
		action_open(r, q, "inscrire", "Inscrire à l’ordre du jour d’une commission");
		if (v)
			form_select_code(b, "session", "Séance", v, ns, typed(r, "session", NULL), fe);
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
			            oe ? " aria-invalid=true aria-describedby=e-overcommit" : "", typed(r, "overcommit", NULL) ? " checked" : "");
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
	               "<dt>Résidence dans la commune</dt><dd>%d mois</dd><dt>Pièces manquantes</dt><dd>%s</dd>",
	            (long long)q->household_id, file_no ? file_no : "?", applicant(r, q), aid_status_label(q->status),
	            civil_fr(r->a, q->requested_on), *q->purpose ? q->purpose : "—", q->bill ? money_format(r->a, q->bill) : "—",
	            *q->creditor ? q->creditor : "—", q->residence_months,
	            is(q->status, "brouillon") ? "(au dépôt)" : *q->docs_missing ? q->docs_missing : "aucune");
	if (*q->need)
		html_printf(b, "<dt>Besoin</dt><dd>%s</dd>", q->need);
	html_lit(b, "</dl>");
	html_lit(b, "<section aria-labelledby=\"t-why\"><h2 id=\"t-why\">Pourquoi ce montant ?</h2>");
	if (q->eligible < 0) {
		html_lit(b, "<p>La demande n’a pas encore été instruite : le règlement sera appliqué à l’instruction.</p>");
	} else {
		aid_rulebook rb;
		const char *ver = q->rulebook_id && aid_rulebook_by_id(r->db, r->a, q->rulebook_id, &rb) && rb.version ? rb.version : "?";
		html_printf(b, "<p>Règlement appliqué : <a href=\"/aides/reglement/%lld\">version %s</a>. Quotient familial %s, reste à vivre "
		               "%s par jour.</p><p><strong>Proposition du règlement</strong> : %s, %s. %s</p>"
		               "<p><strong>Avis de l’instructeur</strong> : %s, %s%s%s. Voie de décision : %s.</p>",
		            (long long)q->rulebook_id, ver, money_format_known(r->a, q->qf_known, q->qf), money_format_known(r->a, q->rav_known, q->rav),
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
	if (*q->decision && !is(q->decision, "ajourne")) {
		html_printf(b, "<p><a href=\"/aides/demandes/%lld/lettre.pdf\">Lettre de décision (PDF)</a>", (long long)q->id);
		if (*q->vouchers)
			html_printf(b, " · <a href=\"/aides/demandes/%lld/recu.pdf\">Reçu des bons (PDF)</a>", (long long)q->id);
		html_lit(b, "</p>");
	}
	html_lit(b, "</section>");
	actions(r, q, fe);
	html_lit(b, "<section aria-labelledby=\"t-hist\"><h2 id=\"t-hist\">Historique</h2>");
	html_table(b, "Étapes de la demande", 0, "Date", "Étape", "Détail", "Par");
	aid_step_row *ev;
	int ne = aid_events_of(r->db, r->a, q->id, &ev);
	for (int i = 0; i < ne; i++)
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", civil_fr(r->a, ev[i].on),
		            CODE_LABEL(AID_EVENTS, ev[i].kind), ev[i].detail, ev[i].user);
	html_table_close(b);
	html_lit(b, "</section>");
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
	err e = aid_act(AID_X(r), &q, web_field(r, "action"), &r->form, &fe, &why);
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
	form_begin(r, "<form method=\"post\" action=\"/aides/demandes\" novalidate>");
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
		for (int i = 0; i < rb.naids; i++)
			if (!rb.aids[i].tariff) /* a tariff grid prices a service, it is not requested */
				av[na] = rb.aids[i].key, al[na++] = rb.aids[i].label;
	const char *aid = web_field(r, "aid") ? web_field(r, "aid") : web_arg(r, "aide");
	form_select(b, "aid", "Aide demandée", av, al, na, aid, fe);
	/* The kinds of need, when an aid's scale depends on them. */
	const char *nv[AID_MAX_AIDS * AID_MAX_NEEDS + 1] = {""}, *nl[AID_MAX_AIDS * AID_MAX_NEEDS + 1] = {"— sans objet —"};
	int nn = 1;
	buf which;
	buf_init(&which, r->a, 64);
	for (int i = 0; i < na - 1; i++)
		for (int k = 0; k < rb.aids[i].nneeds; k++) {
			bool dup = false;
			for (int j = 1; j < nn && !dup; j++)
				dup = !strcmp(nv[j], rb.aids[i].need_keys[k]);
			if (!dup)
				nv[nn] = rb.aids[i].need_keys[k], nl[nn++] = rb.aids[i].needs[k];
			if (!k)
				buf_printf(&which, "%s%s", which.len ? ", " : "", rb.aids[i].label);
		}
	if (nn > 1) {
		const char *need = web_field(r, "need") ? web_field(r, "need") : web_arg(r, "besoin");
		html_printf(b, "<p class=\"hint\">Le barème dépend du besoin pour : %s.</p>", buf_cstr(&which));
		form_select(b, "need", "Besoin", nv, nl, nn, need, fe);
	}
	form_input(b, &(form_field){.name = "requested_on", .label = "Date de la demande", .type = "date", .required = true,
	                            .value = web_field(r, "requested_on") ? web_field(r, "requested_on") : civil_iso(r->a, civil_today(r->user->tz))}, fe);
	/* From the address history; changed, it says why. */
	int known = nm ? persons_residence_months(r->db, hid, civil_today(r->user->tz)) : -1;
	const char *res = web_field(r, "residence") ? web_field(r, "residence") : web_arg(r, "residence");
	form_input(b, &(form_field){.name = "residence", .label = "Mois de résidence dans la commune", .required = true,
	                            .value = res ? res : known >= 0 ? arena_printf(r->a, "%d", known) : NULL,
	                            .hint = known >= 0 ? "D’après l’historique des adresses du foyer ; si vous la changez, dites pourquoi."
	                                               : "L’adresse du foyer n’a pas de date d’arrivée."}, fe);
	form_input(b, &(form_field){.name = "residence_reason", .label = "Pourquoi une autre durée (si vous l’avez changée)",
	                            .value = web_field(r, "residence_reason")}, fe);
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
	err e = aid_create(AID_X(r), &r->form, &fe, &id);
	page_after_post(r, e, &fe, new_form, arena_printf(r->a, "/aides/demandes/%lld?ok=1", (long long)id));
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
		int n = module_section_has_rows(r) ? aid_list_run(AID_X(r), &f, 11, 0, rows) : 0;
		if (n) {
			html_table(b, "Demandes d’aide du foyer", 0, "N°", "Aide", "Demandée le", "Statut", "#Montant");
			for (int i = 0; i < n && i < 10; i++)
				html_printf(b, "<tr><td><a href=\"/aides/demandes/%lld\">%lld</a></td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%s</td></tr>",
				            (long long)rows[i].id, (long long)rows[i].id, rows[i].aid_label, civil_fr(r->a, rows[i].requested_on),
				            aid_status_label(rows[i].status), amount_shown(r, &rows[i]));
			html_table_close(b);
			if (n > 10)
				html_printf(b, "<p><a href=\"/aides?foyer=%lld\">Toutes les demandes du foyer</a></p>", (long long)hid);
		}
	}
	html_lit(b, "</section>");
}

void aid_requests_routes(void)
{
	web_route(M_GET, "/aides", list_page, PERM_AID_READ, 0, "Demandes d’aide : listes de travail");
	web_route(M_GET, "/aides/export.csv", export_csv, PERM_AID_READ, 0, "Exporter une liste de demandes (CSV)");
	web_route(M_GET, "/aides/export.xlsx", export_xlsx, PERM_AID_READ, 0, "Exporter une liste de demandes (XLSX)");
	web_route(M_GET, "/aides/demandes/nouvelle", new_get, PERM_AID_INSTRUCT, 0, "Formulaire de demande d’aide");
	web_route(M_POST, "/aides/demandes", create_post, PERM_AID_INSTRUCT, 0, "Créer une demande d’aide (brouillon)");
	web_route(M_GET, "/aides/demandes/{id}", request_get, PERM_AID_READ, 0, "Une demande d’aide");
	web_route(M_POST, "/aides/demandes/{id}/action", action_post, PERM_AID_ACT, 0, "Faire avancer une demande d’aide");
}
