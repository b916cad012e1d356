/*
 * microcredit_pages.c — the pages of the micro-credits the CCAS
 * accompanies: the lists (with their CSV), a credit with its budget, its
 * schedule, its contacts and incidents and its steps, the new-credit form,
 * the household section and the home widget.
 */
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/microcredit/microcredit_internal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define PAGE 50

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static const char *typed(web_req *r, const char *name, const char *dflt)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : dflt;
}

static const char *who(web_req *r, const mc_credit *m) { return PERSONS_WHO(r->db, r->a, m, mc_credit); }

/* « 3,50 % ». */
static const char *rate(web_req *r, int64_t bp) { return arena_printf(r->a, "%lld,%02lld %%", (long long)(bp / 100), (long long)(bp % 100)); }

/* ---- the lists ---------------------------------------------------------------------------------- */

static void list_page(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "instruction", *ps = web_arg(r, "page");
	int64_t page = 1;
	if (!CODE_OK(MC_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "Liste ou page inconnues.");
		return;
	}
	mc_ctx x = MC_CTX(r);
	mc_credit *v;
	int64_t total = 0;
	int n = mc_list(&x, list, PAGE, (int)((page - 1) * PAGE), &v, &total);
	page_begin(r, "Microcrédits accompagnés");
	buf *b = &r->out;
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes de travail\"><ul>");
	for (int i = 0; i < COUNTOF(MC_LISTS); i++)
		html_printf(b, "<li><a href=\"/microcredit?liste=%s\"%s>%s</a></li>", MC_LISTS[i].v, is(list, MC_LISTS[i].v) ? " aria-current=page" : "",
		            MC_LISTS[i].fr);
	html_lit(b, "</ul></nav><p class=\"muted\">Le CCAS accompagne le projet et le budget ; la banque partenaire prête et décide. "
	            "Un microcrédit s’ouvre depuis la fiche du foyer.</p>");
	if (n < 0) {
		page_notice(r, "error", "La liste n’a pas pu être lue.");
		page_end(r);
		return;
	}
	html_printf(b, "<p>%lld microcrédit%s · <a href=\"/microcredit/export.csv?liste=%s\">Exporter la liste (CSV)</a></p>", (long long)total,
	            total > 1 ? "s" : "", list);
	if (n > 0) {
		html_table(b, arena_printf(r->a, "Microcrédits : %s", CODE_LABEL(MC_LISTS, list)), 0, "Emprunteur", "Projet", "#Montant", "#Durée",
		           "Banque", "Ouvert le", "État");
		const char **names = PERSONS_WHOS(r->db, r->a, v, n, mc_credit); /* a few statements, not two a row */
		for (int i = 0; i < n; i++)
			html_printf(b, "<tr><td><a href=\"/microcredit/%lld\">%s</a></td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%lld mois</td>"
			               "<td>%s</td><td>%s</td><td>%s</td></tr>",
			            (long long)v[i].id, names ? names[i] : "?", CODE_LABEL(MC_PROJECTS, v[i].project_kind), money_format(r->a, v[i].amount),
			            (long long)v[i].months, v[i].bank, civil_fr(r->a, v[i].opened_on), CODE_LABEL(MC_STATES, v[i].status));
		html_table_close(b);
	}
	if (!n)
		html_lit(b, "<p>Aucun microcrédit dans cette liste.</p>");
	page_pager(r, arena_printf(r->a, "/microcredit?liste=%s&", list), page, total, PAGE);
	page_end(r);
}

static void export_csv(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "instruction";
	if (!CODE_OK(MC_LISTS, list)) {
		web_error(r, E_INPUT, "Liste inconnue.");
		return;
	}
	static const char *const head[] = {"Dossier du foyer", "Projet", "Type de projet", "Montant", "Durée (mois)", "Taux annuel",
	                                   "Mensualité", "Banque", "Ouvert le", "État", "Décision le", "Signé le", "Fin le"};
	buf *b = &r->out;
	buf_adds(b, "\xEF\xBB\xBF");
	for (int k = 0; k < COUNTOF(head); k++)
		csv_write_cell(b, head[k], k == COUNTOF(head) - 1);
	mc_ctx x = MC_CTX(r);
	int64_t total = 0, rows = 0;
	for (int off = 0;; off += 500) {
		mc_credit *v;
		int n = mc_list(&x, list, 500, off, &v, &total);
		for (int i = 0; i < n; i++) {
			const char *no = persons_file_no(r->db, r->a, v[i].household_id);
			const char *c[] = {no ? no : "", v[i].project, CODE_LABEL(MC_PROJECTS, v[i].project_kind), money_format(r->a, v[i].amount),
			                   arena_printf(r->a, "%lld", (long long)v[i].months), rate(r, v[i].rate_bp),
			                   money_format(r->a, mc_schedule(r->a, v[i].amount, v[i].months, v[i].rate_bp, NULL, NULL)), v[i].bank,
			                   v[i].opened_on, CODE_LABEL(MC_STATES, v[i].status), v[i].decision_on, v[i].signed_on, v[i].ended_on};
			for (int k = 0; k < COUNTOF(c); k++)
				csv_write_cell(b, c[k], k == COUNTOF(c) - 1);
		}
		rows += n > 0 ? n : 0;
		if (n < 500)
			break;
	}
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"microcredits.csv\"");
	journal_record(r->db, r->user->id, "export", "mc_credit", 0, arena_printf(r->a, "rows=%lld csv", (long long)rows));
}

/* ---- the terms (new credit, changes before the decision) ------------------------------------------- */

static void terms_fields(web_req *r, const mc_credit *m, const form_errors *fe)
{
	buf *b = &r->out;
	form_input(b, &(form_field){.name = "project", .label = "Projet financé", .required = true, .type = "textarea",
	                            .value = typed(r, "project", m ? m->project : NULL),
	                            .hint = "Par exemple : achat d’un véhicule d’occasion pour un emploi à Saint-Paul."}, fe);
	html_lit(b, "<div class=\"grid\">");
	FORM_SELECT_CODE(b, "project_kind", "Type de projet", MC_PROJECTS, typed(r, "project_kind", m ? m->project_kind : "mobilite"), fe);
	form_input(b, &(form_field){.name = "amount", .label = "Montant emprunté (€)", .required = true,
	                            .value = typed(r, "amount", m ? money_format(r->a, m->amount) : NULL)}, fe);
	form_input(b, &(form_field){.name = "months", .label = "Durée (mois)", .type = "number", .required = true,
	                            .value = typed(r, "months", m ? arena_printf(r->a, "%lld", (long long)m->months) : NULL)}, fe);
	form_input(b, &(form_field){.name = "rate", .label = "Taux annuel (%)", .required = true,
	                            .value = typed(r, "rate", m ? arena_printf(r->a, "%lld,%02lld", (long long)(m->rate_bp / 100),
	                                                                       (long long)(m->rate_bp % 100)) : NULL)}, fe);
	form_input(b, &(form_field){.name = "bank", .label = "Banque partenaire", .required = true, .value = typed(r, "bank", m ? m->bank : NULL)}, fe);
	form_input(b, &(form_field){.name = "budget_before", .label = "Reste à vivre mensuel avant le prêt (€)",
	                            .value = typed(r, "budget_before", m && m->budget_known ? money_format(r->a, m->budget_before) : NULL),
	                            .hint = "Vide : celui du budget du foyer, s’il est connu."}, fe);
	html_lit(b, "</div>");
}

static void new_form(web_req *r, const form_errors *fe)
{
	const char *hs = web_field(r, "household") ? web_field(r, "household") : web_arg(r, "foyer");
	int64_t hid = 0;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(r->db, hid)) {
		web_error(r, E_NOT_FOUND, "Ouvrez un microcrédit depuis la fiche du foyer.");
		return;
	}
	page_begin(r, "Accompagner un microcrédit");
	buf *b = &r->out;
	form_error_summary(b, fe);
	household_budget hb;
	bool known = persons_budget(r->db, r->a, hid, civil_today(r->user->tz), &hb) == E_OK && hb.resources_known;
	html_printf(b, "<p>Foyer <a href=\"/foyers/%lld\">%s</a>. Reste à vivre mensuel du budget du foyer : %s.</p>", (long long)hid,
	            persons_file_no(r->db, r->a, hid), money_format_known(r->a, known, hb.rav_month));
	form_begin(r, "<form method=\"post\" action=\"/microcredit\" novalidate><input type=\"hidden\" name=\"household\" value=\"%lld\">",
	           (long long)hid);
	persons_member_select(r, hid, "person", "Emprunteur", web_field(r, "person"), fe);
	form_input(b, &(form_field){.name = "opened_on", .label = "Premier entretien le", .type = "date",
	                            .value = web_field(r, "opened_on") ? web_field(r, "opened_on") : civil_iso(r->a, civil_today(r->user->tz))}, fe);
	html_lit(b, "</div>");
	terms_fields(r, NULL, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Ouvrir l’accompagnement</button></form>");
	page_end(r);
}

static void new_get(web_req *r) { new_form(r, NULL); }

static void create_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0;
	mc_ctx x = MC_CTX(r);
	err e = mc_create(&x, &r->form, &fe, &id);
	page_after_post(r, e, &fe, new_form, arena_printf(r->a, "/microcredit/%lld?ok=1", (long long)id));
}

/* ---- a credit --------------------------------------------------------------------------------------- */

static void step_open(web_req *r, const mc_credit *m, const char *action, const char *title)
{
	form_step_open(r, arena_printf(r->a, "/microcredit/%lld/action", (long long)m->id), action, m->version, title);
}

static void date_field(web_req *r, const char *label, const form_errors *fe)
{
	form_input(&r->out, &(form_field){.name = "on", .label = label, .type = "date",
	                                  .value = fe ? typed(r, "on", NULL) : civil_iso(r->a, civil_today(r->user->tz))}, fe);
}

static void note_field(web_req *r, const char *label, const form_errors *fe)
{
	form_input(&r->out, &(form_field){.name = "note", .label = label, .type = "textarea", .value = fe ? typed(r, "note", NULL) : NULL}, fe);
}

static void credit_render(web_req *r, mc_credit *m, const form_errors *fe, const char *notice, const char *kind)
{
	page_begin(r, arena_printf(r->a, "Microcrédit — %s", who(r, m)));
	buf *b = &r->out;
	if (notice)
		page_notice(r, kind ? kind : "ok", notice);
	const char *act = typed(r, "action", "");
	form_scope(fe && fe->n ? act : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
	mc_due *sch = NULL;
	int64_t pay = mc_schedule(r->a, m->amount, m->months, m->rate_bp, m->first_due_on, &sch);
	int64_t cost = 0;
	for (int64_t i = 0; sch && i < m->months; i++)
		cost += sch[i].interest;
	bool known = m->budget_known;
	html_printf(b, "<dl class=\"facts\"><dt>Foyer</dt><dd><a href=\"/foyers/%lld\">%s</a></dd><dt>État</dt><dd><strong>%s</strong></dd>"
	               "<dt>Projet</dt><dd>%s — %s</dd><dt>Prêt</dt><dd>%s sur %lld mois à %s, banque : %s</dd>"
	               "<dt>Mensualité</dt><dd>%s (coût total du crédit : %s)</dd><dt>Reste à vivre mensuel avant</dt><dd>%s</dd>"
	               "<dt>Après la mensualité</dt><dd class=\"%s\">%s</dd><dt>Ouvert le</dt><dd>%s</dd>",
	            (long long)m->household_id, who(r, m), CODE_LABEL(MC_STATES, m->status), CODE_LABEL(MC_PROJECTS, m->project_kind), m->project,
	            money_format(r->a, m->amount), (long long)m->months, rate(r, m->rate_bp), m->bank, money_format(r->a, pay),
	            money_format(r->a, cost), money_format_known(r->a, known, m->budget_before),
	            known && m->budget_before - pay < 0 ? "warn" : "", money_format_known(r->a, known, m->budget_before - pay),
	            civil_fr(r->a, m->opened_on));
	if (*m->decision_on)
		html_printf(b, "<dt>Décision de la banque</dt><dd>%s le %s%s%s</dd>", is(m->status, "refuse") ? "refusé" : "accordé",
		            civil_fr(r->a, m->decision_on), *m->decision_reason ? " : " : "", m->decision_reason);
	if (*m->signed_on)
		html_printf(b, "<dt>Signé le</dt><dd>%s, première échéance le %s</dd>", civil_fr(r->a, m->signed_on), civil_fr(r->a, m->first_due_on));
	if (*m->ended_on)
		html_printf(b, "<dt>Fin</dt><dd>%s le %s%s%s</dd>", CODE_LABEL(MC_STATES, m->status), civil_fr(r->a, m->ended_on),
		            *m->end_note ? " : " : "", m->end_note);
	html_lit(b, "</dl>");
	mc_event *ev;
	int ne = mc_events(r->db, r->a, m->id, &ev);
	html_lit(b, "<section aria-labelledby=\"t-mcev\"><h2 id=\"t-mcev\">Suivi et incidents</h2>");
	if (ne > 0) {
		html_table(b, "Suivi et incidents", 0, "Le", "Quoi", "Note", "Régularisé le");
		for (int i = 0; i < ne; i++)
			html_printf(b, "<tr><td>%s</td><td class=\"%s\">%s</td><td>%s</td><td>%s</td></tr>", civil_fr(r->a, ev[i].on),
			            is(ev[i].kind, "incident") && !*ev[i].resolved_on ? "warn" : "", CODE_LABEL(MC_EVENTS, ev[i].kind), ev[i].note,
			            is(ev[i].kind, "incident") ? (*ev[i].resolved_on ? civil_fr(r->a, ev[i].resolved_on) : "non régularisé") : "—");
		html_table_close(b);
	} else {
		html_lit(b, "<p class=\"muted\">Aucun contact de suivi ni incident noté.</p>");
	}
	html_lit(b, "</section>");
	bool write = web_can(r, PERM_MC_WRITE), over = is(m->status, "refuse") || is(m->status, "abandon") || is(m->status, "solde");
	if (write && !over) {
		html_lit(b, "<section aria-labelledby=\"t-steps\"><h2 id=\"t-steps\">Suite à donner</h2>");
		const form_errors *mine = NULL;
#define MINE(a) (mine = is(act, a) ? fe : NULL)
		if (is(m->status, "instruction")) {
			step_open(r, m, "decision", "Décision de la banque");
			MINE("decision");
			html_lit(b, "<div class=\"grid\">");
			FORM_SELECT_CODE(b, "decision", "Décision", MC_DECISIONS, mine ? typed(r, "decision", "") : "", mine);
			date_field(r, "Le", mine);
			html_lit(b, "</div>");
			note_field(r, "Motif (demandé si refusé)", mine);
			form_step_close(r, "Enregistrer la décision", false);
			html_printf(b, "<details%s><summary>Modifier le projet ou le prêt</summary>", MINE("modifier") ? " open" : "");
			step_open(r, m, "modifier", "Le projet et le prêt");
			terms_fields(r, m, mine);
			form_step_close(r, "Enregistrer les changements", false);
			html_lit(b, "</details>");
		}
		if (is(m->status, "accorde")) {
			step_open(r, m, "signature", "Signature du prêt");
			MINE("signature");
			html_lit(b, "<div class=\"grid\">");
			date_field(r, "Signé le", mine);
			form_input(b, &(form_field){.name = "first_due_on", .label = "Première échéance le", .type = "date",
			                            .value = mine ? typed(r, "first_due_on", NULL) : NULL, .hint = "Vide : un mois après la signature."}, mine);
			html_lit(b, "</div>");
			form_step_close(r, "Enregistrer la signature", false);
		}
		for (int i = 0; i < ne; i++) {
			if (!is(ev[i].kind, "incident") || *ev[i].resolved_on)
				continue;
			const form_errors *me = is(act, "regularise") && is(typed(r, "event", ""), arena_printf(r->a, "%lld", (long long)ev[i].id)) ? fe : NULL;
			form_scope(arena_printf(r->a, "reg%lld", (long long)ev[i].id));
			form_begin(r, "<form method=\"post\" action=\"/microcredit/%lld/action\" class=\"compact\" novalidate><fieldset>"
			              "<legend>Régulariser l’incident du %s</legend><input type=\"hidden\" name=\"action\" value=\"regularise\">"
			              "<input type=\"hidden\" name=\"event\" value=\"%lld\"><input type=\"hidden\" name=\"version\" value=\"%lld\">",
			           (long long)m->id, civil_fr(r->a, ev[i].on), (long long)ev[i].id, (long long)m->version);
			date_field(r, "Régularisé le", me);
			form_step_close(r, "Enregistrer la régularisation", false);
		}
		step_open(r, m, "suivi", "Un contact de suivi");
		MINE("suivi");
		date_field(r, "Le", mine);
		note_field(r, "Ce qui a été dit", mine);
		form_step_close(r, "Enregistrer le contact", false);
		if (is(m->status, "en_cours") || is(m->status, "contentieux")) {
			step_open(r, m, "incident", "Un incident de remboursement");
			MINE("incident");
			date_field(r, "Le", mine);
			note_field(r, "Quoi (échéance impayée, rejet de prélèvement…)", mine);
			form_step_close(r, "Enregistrer l’incident", false);
		}
		step_open(r, m, "cloture", "Terminer l’accompagnement");
		MINE("cloture");
		html_lit(b, "<div class=\"grid\">");
		FORM_SELECT_CODE(b, "end", "Issue", MC_ENDS, mine ? typed(r, "end", "") : "", mine);
		date_field(r, "Le", mine);
		html_lit(b, "</div>");
		note_field(r, "Note", mine);
		form_step_close(r, "Terminer l’accompagnement", true);
#undef MINE
		html_lit(b, "</section>");
	}
	html_printf(b, "<section aria-labelledby=\"t-sch\"><h2 id=\"t-sch\">Échéancier</h2><details><summary>%lld mensualités de %s</summary>",
	            (long long)m->months, money_format(r->a, pay));
	if (!*m->first_due_on)
		html_lit(b, "<p class=\"muted\">Les dates des échéances seront connues à la signature.</p>");
	html_table(b, "Échéancier", 0, "#N°", "Échéance", "#Mensualité", "#Intérêts", "#Capital", "#Restant dû");
	for (int64_t i = 0; sch && i < m->months; i++)
		html_printf(b, "<tr><td class=\"num\">%d</td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
		               "<td class=\"num\">%s</td></tr>",
		            sch[i].n, *sch[i].on ? civil_fr(r->a, sch[i].on) : "à la signature", money_format(r->a, sch[i].payment),
		            money_format(r->a, sch[i].interest), money_format(r->a, sch[i].principal), money_format(r->a, sch[i].remaining));
	html_table_close(b);
	html_lit(b, "</details></section>");
	page_end(r);
}

static void credit_page(web_req *r)
{
	mc_credit m;
	if (!mc_load(r->db, r->a, r->param[0], &m)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "mc_credit", m.id, NULL);
	credit_render(r, &m, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL, NULL);
}

static void action_post(web_req *r)
{
	mc_credit m;
	if (!mc_load(r->db, r->a, r->param[0], &m)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&r->form, "action");
	mc_ctx x = MC_CTX(r);
	err e = mc_act(&x, &m, action ? action : "", &r->form, &fe, &why);
	if (e == E_INPUT || e == E_CONFLICT) {
		r->status = e == E_INPUT ? 400 : 409;
		if (e == E_CONFLICT)
			mc_load(r->db, r->a, m.id, &m);
		credit_render(r, &m, e == E_INPUT ? &fe : NULL, why, "error");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/microcredit/%lld?ok=1", (long long)m.id));
}

/* ---- what other pages show ---------------------------------------------------------------------------- */

void mc_section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	mc_credit *v;
	int n = module_section_has_rows(r) ? mc_of_household(r->db, r->a, hid, &v) : 0;
	html_lit(b, "<section aria-labelledby=\"t-mc\"><h2 id=\"t-mc\">Microcrédit</h2>");
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++)
			html_printf(b, "<li><a href=\"/microcredit/%lld\">%s, %s sur %lld mois</a> — %s — ouvert le %s</li>", (long long)v[i].id,
			            CODE_LABEL(MC_PROJECTS, v[i].project_kind), money_format(r->a, v[i].amount), (long long)v[i].months,
			            CODE_LABEL(MC_STATES, v[i].status), civil_fr(r->a, v[i].opened_on));
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucun microcrédit accompagné.</p>");
	}
	if (web_can(r, PERM_MC_WRITE))
		html_printf(b, "<p><a href=\"/microcredit/nouveau?foyer=%lld\">Accompagner un microcrédit</a></p>", (long long)hid);
	html_lit(b, "</section>");
}

void mc_widget(web_req *r)
{
	mc_ctx x = MC_CTX(r);
	mc_counts c;
	buf *b = &r->out;
	if (mc_counts_of(&x, &c) != E_OK) { /* never silence for a count not made */
		html_lit(b, "<section aria-labelledby=\"t-hmc\"><h2 id=\"t-hmc\">Microcrédit</h2><ul>"
		            "<li>Les accompagnements n’ont pas pu être comptés : rechargez la page.</li></ul></section>");
		return;
	}
	if (!c.instruction && !c.running && !c.incidents)
		return; /* a structure that does not accompany micro-credits sees nothing */
	html_lit(b, "<section aria-labelledby=\"t-hmc\"><h2 id=\"t-hmc\">Microcrédit</h2><ul>");
	if (c.incidents)
		html_printf(b, "<li><a class=\"warn\" href=\"/microcredit?liste=incidents\"><strong>%lld incident%s non régularisé%s</strong></a></li>",
		            (long long)c.incidents, c.incidents > 1 ? "s" : "", c.incidents > 1 ? "s" : "");
	if (c.instruction)
		html_printf(b, "<li><a href=\"/microcredit?liste=instruction\">%lld en instruction ou à signer</a></li>", (long long)c.instruction);
	html_printf(b, "<li><a href=\"/microcredit?liste=en_cours\">%lld en remboursement</a></li>", (long long)c.running);
	html_lit(b, "</ul></section>");
}

void mc_pages_init(void)
{
	web_route(M_GET, "/microcredit", list_page, PERM_MC_READ, 0, "Microcrédit : listes de travail");
	web_route(M_GET, "/microcredit/export.csv", export_csv, PERM_MC_READ, 0, "Microcrédit : exporter une liste (CSV)");
	web_route(M_GET, "/microcredit/nouveau", new_get, PERM_MC_WRITE, 0, "Microcrédit : ouvrir un accompagnement");
	web_route(M_POST, "/microcredit", create_post, PERM_MC_WRITE, 0, "Microcrédit : ouvrir un accompagnement");
	web_route(M_GET, "/microcredit/{id}", credit_page, PERM_MC_READ, 0, "Microcrédit : un accompagnement");
	web_route(M_POST, "/microcredit/{id}/action", action_post, PERM_MC_WRITE, 0, "Microcrédit : étape d’un accompagnement");
}
