/*
 * register_campaign_pages.c — an alert campaign's pages: the campaigns and
 * the form that opens one, the live board (counts refreshed every 30 s,
 * the calls due first), a call with what the caller needs and the
 * outcome, the call sheets to print (PDF, per agent), the préfet's export
 * (CSV, PDF — only while the plan runs, each one recorded), the end and
 * the report (PDF).
 */
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "modules/register/register_internal.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "core/banned.h"

#define PAGE 50

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static const char *typed(web_req *r, const char *name, const char *dflt)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : dflt;
}

static const char *kind_fr(const char *k) { return code_label(REG_CAMPAIGN_KINDS, COUNTOF(REG_CAMPAIGN_KINDS), k); }
static const char *state_fr(const char *s) { return code_label(REG_CALL_STATES, COUNTOF(REG_CALL_STATES), s); }
static const char *said(const char *s, const char *what) { return s && *s ? s : what; }

static const char *hhmm(web_req *r, int64_t t) { return t ? page_instant(r, t, true) : "—"; }


/* ---- the campaigns ----------------------------------------------------------------------------------- */

static void campaigns_render(web_req *r, const form_errors *fe)
{
	page_begin(r, "Registre — campagnes d’alerte");
	buf *b = &r->out;
	form_error_summary(b, fe);
	reg_campaign *v;
	int n = reg_campaigns(r->db, r->a, &v);
	html_lit(b, "<p><a href=\"/registre\">Le registre</a></p>");
	if (n > 0) {
		html_table(b, "Campagnes", 0, "Événement", "Niveau", "Début", "Fin", "État");
		for (int i = 0; i < n; i++)
			html_printf(b, "<tr><td><a href=\"/registre/campagnes/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			            (long long)v[i].id, kind_fr(v[i].kind), said(v[i].level, "non renseigné"), civil_fr(r->a, v[i].started_on),
			            *v[i].closed_on ? civil_fr(r->a, v[i].closed_on) : *v[i].ends_on ? arena_printf(r->a, "prévue le %s", civil_fr(r->a, v[i].ends_on)) : "non fixée",
			            *v[i].closed_on ? "Terminée" : "En cours");
		html_table_close(b);
	} else {
		html_lit(b, "<p class=\"muted\">Aucune campagne.</p>");
	}
	if (web_can(r, PERM_REG_ADMIN)) {
		html_lit(b, "<h2>Ouvrir une campagne</h2><p>Quand le préfet déclenche un plan : la liste d’appels est construite depuis le "
		            "registre (les personnes seules, sans service à domicile, les plus dépendantes, et celles qu’une campagne "
		            "passée a dû visiter d’abord) et partagée entre les agents désignés.</p>");
		form_begin(r, "<form method=\"post\" action=\"/registre/campagnes\" class=\"compact\" novalidate><div class=\"grid\">");
		FORM_SELECT_CODE(b, "kind", "Événement", REG_CAMPAIGN_KINDS, typed(r, "kind", "canicule"), fe);
		form_input(b, &(form_field){.name = "level", .label = "Niveau", .value = typed(r, "level", NULL), .hint = "« vigilance orange », « niveau 3 »…"}, fe);
		form_input(b, &(form_field){.name = "started_on", .label = "Déclenché le", .type = "date",
		                            .value = typed(r, "started_on", civil_iso(r->a, civil_today(r->user->tz)))}, fe);
		form_input(b, &(form_field){.name = "ends_on", .label = "Fin prévue le", .type = "date", .value = typed(r, "ends_on", NULL)}, fe);
		form_input(b, &(form_field){.name = "recall_minutes", .label = "Rappeler sans réponse après (minutes)", .type = "number",
		                            .value = typed(r, "recall_minutes", "60")}, fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Ouvrir la campagne et construire la liste d’appels</button></form>");
	}
	page_end(r);
}

static void campaigns_page(web_req *r)
{
	if (reg_gate(r))
		campaigns_render(r, NULL);
}

static void campaign_post(web_req *r)
{
	if (!reg_gate(r))
		return;
	form_errors fe = {0};
	int64_t id = 0;
	reg_ctx x = REG_CTX(r);
	err e = reg_campaign_create(&x, &r->form, &fe, &id);
	page_after_post(r, e, &fe, campaigns_render, arena_printf(r->a, "/registre/campagnes/%lld", (long long)id));
}

/* ---- the board --------------------------------------------------------------------------------------- */

static const code FILTERS[9] = {{"mine", "Mes appels"}, {"en_retard", "En retard"}, {"a_appeler", "À appeler"}, {"a_rappeler", "À rappeler"},
                                {"visite", "Visites"}, {"urgence", "Secours appelés"}, {"besoin", "Besoins"}, {"ok", "Joints"},
                                {"tous", "Tous"}};

static void board_counts(web_req *r, const reg_campaign *k)
{
	reg_ctx x = REG_CTX(r);
	reg_board bd;
	reg_board_of(&x, k->id, &bd);
	buf *b = &r->out;
	html_printf(b, "<section id=\"tableau\" aria-labelledby=\"t-board\" hx-get=\"/registre/campagnes/%lld?fragment=1\" hx-trigger=\"every 30s\" "
	               "hx-swap=\"outerHTML\"><h2 id=\"t-board\">Tableau de bord</h2><ul class=\"figures\">"
	               "<li><strong>%lld</strong> personnes</li><li><strong>%lld</strong> à appeler</li><li><strong>%lld</strong> joints, tout va bien</li>"
	               "<li><strong>%lld</strong> joints avec un besoin</li><li><strong>%lld</strong> à rappeler</li><li><strong>%lld</strong> visites à faire</li>"
	               "<li><strong>%lld</strong> secours appelés</li><li class=\"%s\"><strong>%lld</strong> en retard</li></ul>",
	            (long long)k->id, (long long)bd.total, (long long)bd.to_call, (long long)bd.reached_ok, (long long)bd.needs,
	            (long long)bd.to_recall, (long long)bd.to_visit, (long long)bd.escalated, bd.overdue ? "warn" : "", (long long)bd.overdue);
	html_printf(b, "<p class=\"muted\">Mis à jour à %s.</p></section>", page_instant(r, civil_now(), true));
}

static void board_page(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_campaign k;
	if (!reg_campaign_load(r->db, r->a, r->param[0], &k)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (r->htmx && web_arg(r, "fragment")) {
		board_counts(r, &k);
		return;
	}
	const char *filter = web_arg(r, "liste") ? web_arg(r, "liste") : *k.closed_on ? "tous" : "mine", *ps = web_arg(r, "page");
	int64_t page = 1;
	if (!CODE_OK(FILTERS, filter) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "Liste ou page inconnues.");
		return;
	}
	reg_ctx x = REG_CTX(r);
	reg_call *v;
	int64_t total = 0;
	int n = reg_calls(&x, k.id, filter, PAGE, (int)((page - 1) * PAGE), &v, &total);
	page_begin(r, arena_printf(r->a, "Campagne %s du %s", kind_fr(k.kind), civil_fr(r->a, k.started_on)));
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_printf(b, "<p>%s%s%s · rappel sans réponse après %lld minutes · %s</p>", said(k.level, "niveau non renseigné"),
	            *k.ends_on ? " · fin prévue le " : "", *k.ends_on ? civil_fr(r->a, k.ends_on) : "", (long long)k.recall_minutes,
	            *k.closed_on ? arena_printf(r->a, "terminée le %s", civil_fr(r->a, k.closed_on)) : "en cours");
	board_counts(r, &k);
	html_printf(b, "<p><a href=\"/registre/campagnes/%lld/appels.pdf\">Fiches d’appel à imprimer (PDF)</a> · "
	               "<a href=\"/registre/campagnes/%lld/appels.pdf?agent=%lld\">mes fiches</a> · "
	               "<a href=\"/registre/campagnes/%lld/rapport.pdf\">Rapport (PDF)</a></p>",
	            (long long)k.id, (long long)k.id, (long long)r->user->id, (long long)k.id);
	html_lit(b, "<nav class=\"pager\" aria-label=\"Appels\"><ul>");
	for (int i = 0; i < COUNTOF(FILTERS); i++)
		html_printf(b, "<li><a href=\"/registre/campagnes/%lld?liste=%s\"%s>%s</a></li>", (long long)k.id, FILTERS[i].v,
		            is(filter, FILTERS[i].v) ? " aria-current=page" : "", FILTERS[i].fr);
	html_lit(b, "</ul></nav>");
	if (n > 0) {
		html_table(b, arena_printf(r->a, "Appels : %s", CODE_LABEL(FILTERS, filter)), 0, "Personne", "Téléphone", "Adresse", "État",
		           "Prochaine action avant", "Essais", "Agent");
		int64_t now = civil_now();
		for (int i = 0; i < n; i++) {
			bool late = v[i].due_at && v[i].due_at < now;
			html_printf(b, "<tr><td><a href=\"/registre/campagnes/%lld/appels/%lld\">%s %s</a></td><td>%s</td><td>%s %s</td><td>%s</td>"
			               "<td class=\"%s\">%s</td><td class=\"num\">%lld</td><td>%s</td></tr>",
			            (long long)k.id, (long long)v[i].id, v[i].e.last_name, v[i].e.first_names, said(v[i].e.phone, "non renseigné"),
			            said(v[i].e.address1, "non renseignée"), v[i].e.address2, state_fr(v[i].state), late ? "warn" : "", hhmm(r, v[i].due_at),
			            (long long)v[i].attempts, said(v[i].assigned_name, "non attribué"));
		}
		html_table_close(b);
	} else {
		html_lit(b, "<p>Aucun appel dans cette liste.</p>");
	}
	page_pager(r, arena_printf(r->a, "/registre/campagnes/%lld?liste=%s&", (long long)k.id, filter), page, total, PAGE);
	if (web_can(r, PERM_REG_ADMIN)) {
		reg_export *ex;
		int ne = reg_exports(r->db, r->a, k.id, &ex);
		html_lit(b, "<section aria-labelledby=\"t-prefet\"><h2 id=\"t-prefet\">Communication au préfet</h2>");
		if (!*k.closed_on)
			html_printf(b, "<p>Le registre n’est communiqué au préfet qu’à sa demande, pendant le plan. Chaque export est daté et noté : "
			               "<a href=\"/registre/campagnes/%lld/prefet.csv\">exporter (CSV)</a> · "
			               "<a href=\"/registre/campagnes/%lld/prefet.pdf\">exporter (PDF)</a>.</p>", (long long)k.id, (long long)k.id);
		if (ne > 0) {
			html_lit(b, "<ul>");
			for (int i = 0; i < ne; i++) {
				int64_t at = 0;
				text_to_int64(ex[i].at, 0, INT64_MAX, &at);
				html_printf(b, "<li>%s, %s, %lld personnes, par %s</li>", page_instant(r, at, true), ex[i].format, (long long)ex[i].rows,
				            said(ex[i].by_name, "compte désactivé"));
			}
			html_lit(b, "</ul>");
		} else {
			html_lit(b, "<p class=\"muted\">Aucun export.</p>");
		}
		html_lit(b, "</section>");
		if (!*k.closed_on) {
			form_begin(r, "<form method=\"post\" action=\"/registre/campagnes/%lld/cloture\" class=\"compact\" novalidate><fieldset>"
			              "<legend>Terminer la campagne</legend><input type=\"hidden\" name=\"version\" value=\"%lld\">",
			           (long long)k.id, (long long)k.version);
			form_input(b, &(form_field){.name = "closed_on", .label = "Terminée le", .type = "date", .value = civil_iso(r->a, x.today)}, NULL);
			form_input(b, &(form_field){.name = "report_text", .label = "Ce que le rapport dira (faits marquants)", .type = "textarea"}, NULL);
			html_lit(b, "<button type=\"submit\" data-confirm=\"Terminer la campagne ?\">Terminer la campagne</button></fieldset></form>");
		}
	}
	page_end(r);
}

/* ---- a call -------------------------------------------------------------------------------------------- */

static void call_render(web_req *r, const reg_campaign *k, reg_call *c, const form_errors *fe, const char *notice)
{
	page_begin(r, arena_printf(r->a, "Appel — %s %s", c->e.last_name, c->e.first_names));
	buf *b = &r->out;
	if (notice)
		page_notice(r, "error", notice);
	form_error_summary(b, fe);
	html_printf(b, "<p><a href=\"/registre/campagnes/%lld\">Retour au tableau de bord</a></p>", (long long)k->id);
	html_lit(b, "<dl class=\"facts\"><dt>Téléphone</dt><dd>");
	html_tel(b, c->e.phone);
	html_printf(b, "</dd><dt>Autres téléphones</dt><dd>%s</dd>"
	               "<dt>Adresse</dt><dd>%s %s</dd><dt>Comment entrer</dt><dd>%s</dd><dt>Vit seul</dt><dd>%s</dd><dt>Services</dt><dd>%s</dd>"
	               "<dt>Médecin</dt><dd>%s</dd><dt>Santé, mobilité</dt><dd>%s</dd><dt>État</dt><dd><strong>%s</strong>%s</dd>"
	               "<dt>Essais</dt><dd>%lld (dernier : %s)</dd>",
	            said(c->e.phones, "non renseignés"), said(c->e.address1, "non renseignée"), c->e.address2,
	            said(c->e.access_notes, "non renseigné"), c->e.living_alone < 0 ? "non renseigné" : c->e.living_alone ? "oui" : "non",
	            said(c->e.services, "aucun noté"), said(c->e.doctor, "non renseigné"), said(c->e.health_notes, "rien de noté"), state_fr(c->state),
	            c->due_at ? arena_printf(r->a, " — avant %s", hhmm(r, c->due_at)) : "", (long long)c->attempts, hhmm(r, c->last_at));
	if (*c->arranged)
		html_printf(b, "<dt>Organisé</dt><dd>%s</dd>", c->arranged);
	html_lit(b, "</dl>");
	reg_contact *ct;
	int nc = reg_contacts(r->db, r->a, c->entry_id, &ct);
	html_lit(b, "<h2>Personnes à prévenir</h2>");
	if (nc > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < nc; i++) {
			html_printf(b, "<li>%s%s%s%s — ", ct[i].name, *ct[i].relation ? " (" : "", ct[i].relation, *ct[i].relation ? ")" : "");
			html_tel(b, ct[i].phone);
			html_lit(b, "</li>");
		}
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucune.</p>");
	}
	if (*k->closed_on || is(c->state, "clos") || is(c->state, "urgence")) {
		page_end(r);
		return;
	}
	static const char *const next[] = {"a_appeler", "À la première absence de réponse, un rappel sera dû", "a_rappeler",
	                                   "Sans réponse au rappel, une visite à domicile sera due", "visite",
	                                   "Personne à la visite : les secours seront à appeler"};
	const char *hint = "";
	for (int i = 0; i < 6; i += 2)
		if (is(c->state, next[i]))
			hint = next[i + 1];
	form_begin(r, "<form method=\"post\" action=\"/registre/campagnes/%lld/appels/%lld\" novalidate><fieldset><legend>%s</legend>"
	              "<input type=\"hidden\" name=\"attempts\" value=\"%lld\">",
	           (long long)k->id, (long long)c->id, is(c->state, "visite") ? "Résultat de la visite" : "Résultat de l’appel", (long long)c->attempts);
	const char *bad = form_error_for(fe, "outcome");
	if (bad)
		html_printf(b, "<p class=\"error\" id=\"e-outcome\">%s</p>", bad);
	for (int i = 0; i < COUNTOF(REG_OUTCOMES); i++)
		html_printf(b, "<div class=\"radio\"><input type=\"radio\" id=\"o-%s\" name=\"outcome\" value=\"%s\"%s><label for=\"o-%s\">%s</label></div>",
		            REG_OUTCOMES[i].v, REG_OUTCOMES[i].v, is(typed(r, "outcome", ""), REG_OUTCOMES[i].v) ? " checked" : "", REG_OUTCOMES[i].v,
		            REG_OUTCOMES[i].fr);
	html_printf(b, "<p class=\"hint\">%s (dans les %lld minutes).</p>", hint, (long long)k->recall_minutes);
	form_input(b, &(form_field){.name = "arranged", .label = "Ce qui a été organisé", .type = "textarea", .value = typed(r, "arranged", NULL)}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer et passer à l’appel suivant</button></fieldset></form>");
	page_end(r);
}

static bool call_args(web_req *r, reg_campaign *k, reg_call *c)
{
	if (!reg_gate(r))
		return false;
	reg_ctx x = REG_CTX(r);
	if (!reg_campaign_load(r->db, r->a, r->param[0], k) || !reg_call_load(&x, k->id, r->param[1], c)) {
		web_error(r, E_NOT_FOUND, NULL);
		return false;
	}
	return true;
}

static void call_page(web_req *r)
{
	reg_campaign k;
	reg_call c;
	if (!call_args(r, &k, &c))
		return;
	journal_record(r->db, r->user->id, "read", "reg_entry", c.entry_id, "call");
	call_render(r, &k, &c, NULL, NULL);
}

static void call_post(web_req *r)
{
	reg_campaign k;
	reg_call c;
	if (!call_args(r, &k, &c))
		return;
	form_errors fe = {0};
	const char *why = NULL;
	reg_ctx x = REG_CTX(r);
	err e = reg_call_record(&x, &k, &c, &r->form, &fe, &why);
	if (e == E_INPUT || e == E_CONFLICT) {
		r->status = e == E_INPUT ? 400 : 409;
		if (e == E_CONFLICT)
			reg_call_load(&x, k.id, c.id, &c);
		call_render(r, &k, &c, e == E_INPUT ? &fe : NULL, why);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	/* The next call of the agent's list, else the board. */
	reg_call *v;
	int64_t total = 0;
	int n = reg_calls(&x, k.id, "mine", 1, 0, &v, &total);
	web_redirect(r, n > 0 ? arena_printf(r->a, "/registre/campagnes/%lld/appels/%lld", (long long)k.id, (long long)v[0].id)
	                      : arena_printf(r->a, "/registre/campagnes/%lld?ok=1", (long long)k.id));
}

static void close_post(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_campaign k;
	if (!reg_campaign_load(r->db, r->a, r->param[0], &k)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL;
	reg_ctx x = REG_CTX(r);
	err e = reg_campaign_close(&x, &k, &r->form, &fe, &why);
	if (e == E_INPUT)
		web_error(r, E_INPUT, fe.n ? fe.msg[0] : NULL);
	else if (e != E_OK)
		web_error(r, e, why);
	else
		web_redirect(r, arena_printf(r->a, "/registre/campagnes/%lld?ok=1", (long long)k.id));
}

/* ---- documents ------------------------------------------------------------------------------------------ */

/* Every call of the campaign (by pages of the list's statement), for the documents. */
static int all_calls(const reg_ctx *x, int64_t campaign, reg_call **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	for (int off = 0;; off += 500) {
		reg_call *v;
		int64_t total = 0;
		int k = reg_calls(x, campaign, "tous", 500, off, &v, &total);
		for (int i = 0; i < k; i++) {
			reg_call *c = ARENA_PUSH(x->a, *out, n, cap);
			if (!c)
				return -1;
			*c = v[i];
		}
		if (k < 500)
			return k < 0 ? -1 : n;
	}
}

static pdf_doc *doc_open(web_req *r, const char *title, structure_info *s)
{
	const char *why = NULL;
	if (accounts_structure_info(r->db, r->a, r->user->structure_id, s) != E_OK) {
		web_error(r, E_NOT_FOUND, NULL);
		return NULL;
	}
	pdf_doc *pd = pdf_new(title, &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return NULL;
	}
	pdf_small(pd, s->name);
	pdf_space(pd, 6);
	return pd;
}

static void sheets_pdf(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_campaign k;
	const char *as = web_arg(r, "agent");
	int64_t agent = 0;
	if (!reg_campaign_load(r->db, r->a, r->param[0], &k) || (as && *as && !text_to_int64(as, 1, INT64_MAX, &agent))) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	reg_ctx x = REG_CTX(r);
	reg_call *v;
	int n = all_calls(&x, k.id, &v);
	structure_info s;
	pdf_doc *pd = doc_open(r, "Fiches d’appel", &s);
	if (!pd)
		return;
	pdf_heading(pd, arena_printf(r->a, "Campagne %s du %s — fiches d’appel", kind_fr(k.kind), civil_fr(r->a, k.started_on)));
	pdf_small(pd, arena_printf(r->a, "Imprimé le %s. Document confidentiel : à détruire à la fin de la campagne.",
	                           page_instant(r, civil_now(), true)));
	int shown = 0;
	for (int i = 0; i < n; i++) {
		if ((agent && v[i].assigned_to != agent) || is(v[i].state, "clos") || is(v[i].state, "ok"))
			continue;
		shown++;
		pdf_section(pd, arena_printf(r->a, "%d. %s %s — %s", shown, v[i].e.last_name, v[i].e.first_names, state_fr(v[i].state)));
		pdf_field(pd, "Téléphone", arena_printf(r->a, "%s%s%s", said(v[i].e.phone, "non renseigné"), *v[i].e.phones ? " ; " : "", v[i].e.phones));
		pdf_field(pd, "Adresse", arena_printf(r->a, "%s %s", said(v[i].e.address1, "non renseignée"), v[i].e.address2));
		pdf_field(pd, "Comment entrer", said(v[i].e.access_notes, "non renseigné"));
		pdf_field(pd, "Services", said(v[i].e.services, "aucun noté"));
		reg_contact *ct;
		int nc = reg_contacts(r->db, r->a, v[i].entry_id, &ct);
		for (int j = 0; j < nc; j++)
			pdf_field(pd, "À prévenir", arena_printf(r->a, "%s (%s) %s", ct[j].name, said(ct[j].relation, "lien non renseigné"), ct[j].phone));
		pdf_field(pd, "Agent", said(v[i].assigned_name, "non attribué"));
		pdf_field(pd, "Résultat", "□ joint, tout va bien   □ besoin : ____________   □ pas de réponse à ___h___   □ secours appelés");
	}
	if (!shown)
		pdf_para(pd, "Aucun appel à passer.");
	if (pdf_send(r, pd, "fiches-appel.pdf"))
		journal_record(r->db, r->user->id, "export", "reg_campaign", k.id, arena_printf(r->a, "call sheets rows=%d", shown));
}

/* The préfet's export: every registered person, as the register holds them, while the plan runs. */
static void prefet_export(web_req *r, bool pdf)
{
	if (!reg_gate(r))
		return;
	reg_campaign k;
	if (!reg_campaign_load(r->db, r->a, r->param[0], &k)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (*k.closed_on) {
		web_error(r, E_CONFLICT, "Le registre n’est communiqué au préfet que pendant un plan d’alerte déclenché : cette campagne est terminée.");
		return;
	}
	reg_ctx x = REG_CTX(r);
	reg_call *v;
	int n = all_calls(&x, k.id, &v);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	int rows = 0;
	if (!pdf) {
		static const char *const head[] = {"Nom", "Prénoms", "Date de naissance", "Adresse", "Téléphone", "Autres téléphones", "Titre",
		                                   "Vit seul", "Services", "Personnes à prévenir", "État de l’appel"};
		buf *b = &r->out;
		buf_adds(b, "\xEF\xBB\xBF");
		for (int i = 0; i < COUNTOF(head); i++)
			csv_write_cell(b, head[i], i == COUNTOF(head) - 1);
		for (int i = 0; i < n; i++) {
			if (is(v[i].state, "clos"))
				continue;
			reg_contact *ct;
			int nc = reg_contacts(r->db, r->a, v[i].entry_id, &ct);
			buf w;
			buf_init(&w, r->a, 64);
			for (int j = 0; j < nc; j++)
				buf_printf(&w, "%s%s %s", j ? " ; " : "", ct[j].name, ct[j].phone);
			const reg_entry *e = &v[i].e;
			const char *c[] = {e->last_name, e->first_names, e->birth_date, arena_printf(r->a, "%s %s", e->address1, e->address2), e->phone,
			                   e->phones, CODE_LABEL(REG_BASES, e->basis), e->living_alone < 0 ? "" : e->living_alone ? "oui" : "non",
			                   e->services, buf_cstr(&w), state_fr(v[i].state)};
			for (int j = 0; j < COUNTOF(c); j++)
				csv_write_cell(b, c[j], j == COUNTOF(c) - 1);
			rows++;
		}
		r->out_type = "text/csv; charset=utf-8";
		web_header(r, "Content-Disposition: attachment; filename=\"registre-prefet.csv\"");
	} else {
		structure_info s;
		pdf_doc *pd = doc_open(r, "Registre des personnes vulnérables — communication au préfet", &s);
		if (!pd)
			return;
		pdf_heading(pd, arena_printf(r->a, "Registre des personnes vulnérables — plan %s du %s", kind_fr(k.kind), civil_fr(r->a, k.started_on)));
		pdf_small(pd, arena_printf(r->a, "Communiqué au préfet le %s par %s (CASF L121-6-1). Document confidentiel.",
		                           page_instant(r, civil_now(), true), r->user->display_name));
		for (int i = 0; i < n; i++) {
			if (is(v[i].state, "clos"))
				continue;
			const reg_entry *e = &v[i].e;
			pdf_section(pd, arena_printf(r->a, "%s %s, né(e) le %s", e->last_name, e->first_names, *e->birth_date ? civil_fr(r->a, e->birth_date) : "non renseigné"));
			pdf_field(pd, "Adresse", arena_printf(r->a, "%s %s", said(e->address1, "non renseignée"), e->address2));
			pdf_field(pd, "Téléphone", said(e->phone, "non renseigné"));
			pdf_field(pd, "Situation", arena_printf(r->a, "%s ; vit seul : %s ; services : %s", CODE_LABEL(REG_BASES, e->basis),
			                                        e->living_alone < 0 ? "non renseigné" : e->living_alone ? "oui" : "non", said(e->services, "aucun noté")));
			rows++;
		}
		if (!pdf_send(r, pd, "registre-prefet.pdf"))
			return;
	}
	reg_export_record(&x, k.id, pdf ? "PDF" : "CSV", rows);
}

static void prefet_csv(web_req *r) { prefet_export(r, false); }
static void prefet_pdf(web_req *r) { prefet_export(r, true); }

static void report_pdf(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_campaign k;
	if (!reg_campaign_load(r->db, r->a, r->param[0], &k)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	reg_ctx x = REG_CTX(r);
	reg_board bd;
	reg_board_of(&x, k.id, &bd);
	structure_info s;
	pdf_doc *pd = doc_open(r, "Rapport de campagne", &s);
	if (!pd)
		return;
	pdf_heading(pd, arena_printf(r->a, "Campagne %s — rapport", kind_fr(k.kind)));
	pdf_field(pd, "Niveau", said(k.level, "non renseigné"));
	pdf_field(pd, "Période", arena_printf(r->a, "du %s %s", civil_fr(r->a, k.started_on),
	                                      *k.closed_on ? arena_printf(r->a, "au %s", civil_fr(r->a, k.closed_on)) : "(en cours)"));
	pdf_section(pd, "Chiffres");
	pdf_field(pd, "Personnes à appeler", arena_printf(r->a, "%lld", (long long)bd.total));
	pdf_field(pd, "Jointes, tout va bien", arena_printf(r->a, "%lld", (long long)bd.reached_ok));
	pdf_field(pd, "Jointes avec un besoin", arena_printf(r->a, "%lld", (long long)bd.needs));
	pdf_field(pd, "Jamais appelées", arena_printf(r->a, "%lld", (long long)bd.to_call));
	pdf_field(pd, "À rappeler", arena_printf(r->a, "%lld", (long long)bd.to_recall));
	pdf_field(pd, "Visites à domicile dues", arena_printf(r->a, "%lld", (long long)bd.to_visit));
	pdf_field(pd, "Secours appelés", arena_printf(r->a, "%lld", (long long)bd.escalated));
	if (*k.report_text) {
		pdf_section(pd, "Faits marquants");
		pdf_para(pd, k.report_text);
	}
	pdf_section(pd, "Incidents et besoins");
	reg_call *v;
	int n = all_calls(&x, k.id, &v), shown = 0;
	for (int i = 0; i < n; i++)
		if (is(v[i].state, "urgence") || is(v[i].state, "besoin") || is(v[i].state, "visite") || is(v[i].state, "a_rappeler")) {
			pdf_field(pd, arena_printf(r->a, "%s %s", v[i].e.last_name, v[i].e.first_names),
			          arena_printf(r->a, "%s%s%s", state_fr(v[i].state), *v[i].arranged ? " — " : "", v[i].arranged));
			shown++;
		}
	if (!shown)
		pdf_para(pd, "Aucun.");
	pdf_section(pd, "Communications au préfet");
	reg_export *ex;
	int ne = reg_exports(r->db, r->a, k.id, &ex);
	for (int i = 0; i < ne; i++) {
		int64_t at = 0;
		text_to_int64(ex[i].at, 0, INT64_MAX, &at);
		pdf_field(pd, page_instant(r, at, true), arena_printf(r->a, "%s, %lld personnes, par %s", ex[i].format, (long long)ex[i].rows,
		                                                     said(ex[i].by_name, "compte désactivé")));
	}
	if (ne <= 0)
		pdf_para(pd, "Aucune.");
	if (pdf_send(r, pd, "rapport-campagne.pdf"))
		journal_record(r->db, r->user->id, "export", "reg_campaign", k.id, "report");
}

void reg_campaign_pages_init(void)
{
	web_route(M_GET, "/registre/campagnes", campaigns_page, PERM_REG_READ, 0, "Registre : campagnes d’alerte");
	web_route(M_POST, "/registre/campagnes", campaign_post, PERM_REG_ADMIN, 0, "Registre : ouvrir une campagne d’alerte");
	web_route(M_GET, "/registre/campagnes/{id}", board_page, PERM_REG_READ, 0, "Registre : tableau de bord d’une campagne");
	web_route(M_POST, "/registre/campagnes/{id}/cloture", close_post, PERM_REG_ADMIN, 0, "Registre : terminer une campagne");
	web_route(M_GET, "/registre/campagnes/{id}/appels.pdf", sheets_pdf, PERM_REG_READ, 0, "Registre : fiches d’appel (PDF)");
	web_route(M_GET, "/registre/campagnes/{id}/prefet.csv", prefet_csv, PERM_REG_ADMIN, 0, "Registre : communication au préfet (CSV)");
	web_route(M_GET, "/registre/campagnes/{id}/prefet.pdf", prefet_pdf, PERM_REG_ADMIN, 0, "Registre : communication au préfet (PDF)");
	web_route(M_GET, "/registre/campagnes/{id}/rapport.pdf", report_pdf, PERM_REG_READ, 0, "Registre : rapport de campagne (PDF)");
	web_route(M_GET, "/registre/campagnes/{id}/appels/{id}", call_page, PERM_REG_READ, 0, "Registre : un appel");
	web_route(M_POST, "/registre/campagnes/{id}/appels/{id}", call_post, PERM_REG_READ, 0, "Registre : résultat d’un appel");
}
