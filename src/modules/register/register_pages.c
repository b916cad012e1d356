/*
 * register_pages.c — the register's pages, for the agents the structure
 * names only: the lists (registered, acknowledgements to send or late,
 * files not confirmed for a year, removed) with a name search, an entry
 * with its steps, the new entry (eligibility checked, a third party's
 * request only in writing), the letter of acknowledgement (PDF), the
 * named agents and the proofs of a disability, the household section and
 * the home widget.
 */
#include <stdio.h>
#include <string.h>
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

static const char *name_of(web_req *r, const reg_entry *e)
{
	const char *no = persons_file_no(r->db, r->a, e->household_id);
	return arena_printf(r->a, "%s %s (%s)", e->last_name, e->first_names, no ? no : "?");
}

static const char *not_said(const char *s, const char *what) { return s && *s ? s : what; }

/* ---- the lists ------------------------------------------------------------------------------------- */

static void list_page(web_req *r)
{
	if (!reg_gate(r))
		return;
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "inscrits", *ps = web_arg(r, "page"), *q = web_arg(r, "q");
	int64_t page = 1;
	if (!CODE_OK(REG_LISTS, list) || (ps && *ps && !text_to_int64(ps, 1, 100000, &page)) || (q && strlen(q) > 100)) {
		web_error(r, E_INPUT, "Liste, page ou recherche inconnues.");
		return;
	}
	reg_ctx x = REG_CTX(r);
	reg_entry *v;
	int64_t total = 0;
	bool partial = false;
	int n = reg_list(&x, list, q, PAGE, (int)((page - 1) * PAGE), &v, &total, &partial);
	page_begin(r, "Registre des personnes vulnérables");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes de travail\"><ul>");
	for (int i = 0; i < COUNTOF(REG_LISTS); i++)
		html_printf(b, "<li><a href=\"/registre?liste=%s\"%s>%s</a></li>", REG_LISTS[i].v, is(list, REG_LISTS[i].v) && !(q && *q) ? " aria-current=page" : "",
		            REG_LISTS[i].fr);
	html_lit(b, "<li><a href=\"/registre/campagnes\">Campagnes d’alerte</a></li>");
	if (web_can(r, PERM_REG_ADMIN))
		html_lit(b, "<li><a href=\"/registre/agents\">Agents désignés et justificatifs</a></li>");
	html_lit(b, "</ul></nav><p class=\"muted\">Inscription volontaire (CASF L121-6-1). Le registre est confidentiel : seuls les agents "
	            "désignés le lisent, chaque lecture est journalisée, et il n’est communiqué au préfet que lorsqu’un plan d’alerte est "
	            "déclenché. Une inscription se fait depuis la fiche du foyer.</p>");
	html_printf(b, "<form method=\"get\" action=\"/registre\" class=\"filters\" role=\"search\"><div class=\"field\"><label for=\"rq\">Nom</label>"
	               "<input id=\"rq\" name=\"q\" type=\"search\" value=\"%s\"></div><button type=\"submit\">Chercher</button></form>", q ? q : "");
	if (n < 0) {
		page_notice(r, "error", "La liste n’a pas pu être lue.");
		page_end(r);
		return;
	}
	if (q && *q)
		html_printf(b, "<p>%s parmi les personnes trouvées par ce nom.</p>",
		            total ? arena_printf(r->a, "%lld inscription%s", (long long)total, total > 1 ? "s" : "") : "Aucune inscription");
	else
		html_printf(b, "<p>%lld personne%s</p>", (long long)total, total > 1 ? "s" : "");
	if (q && *q && partial)
		page_notice(r, "info", "Beaucoup de personnes portent ce nom : la recherche n’en a examiné qu’une partie, une inscription "
		                       "peut manquer ici. Ajoutez le prénom ou cherchez la personne par sa date de naissance.");
	if (n > 0) {
		html_table(b, q && *q ? "Résultats de la recherche" : CODE_LABEL(REG_LISTS, list), 0, "Personne", "Titre", "Demandé le",
		           "Accusé de réception", "Vit seul", "Confirmé le", "État");
		for (int i = 0; i < n; i++) {
			civil_date due;
			bool late = !*v[i].ack_on && civil_parse(v[i].ack_due_on, &due) && civil_to_days(due) < civil_to_days(x.today);
			html_printf(b, "<tr><td><a href=\"/registre/%lld\">%s</a></td><td>%s</td><td>%s</td><td class=\"%s\">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			            (long long)v[i].id, name_of(r, &v[i]), CODE_LABEL(REG_BASES, v[i].basis), civil_fr(r->a, v[i].requested_on),
			            late ? "warn" : "", *v[i].ack_on ? arena_printf(r->a, "envoyé le %s", civil_fr(r->a, v[i].ack_on))
			                                               : arena_printf(r->a, "à envoyer avant le %s", civil_fr(r->a, v[i].ack_due_on)),
			            v[i].living_alone < 0 ? "non renseigné" : v[i].living_alone ? "oui" : "non",
			            *v[i].confirmed_on ? civil_fr(r->a, v[i].confirmed_on) : "jamais", is(v[i].status, "inscrit") ? "Inscrit" : "Radié");
		}
		html_table_close(b);
	} else if (!(q && *q)) {
		html_lit(b, "<p>Personne dans cette liste.</p>");
	}
	if (!(q && *q))
		page_pager(r, arena_printf(r->a, "/registre?liste=%s&", list), page, total, PAGE);
	page_end(r);
}

/* ---- a new entry --------------------------------------------------------------------------------------- */

static void checkbox(web_req *r, const char *name, const char *label, bool on, const form_errors *fe)
{
	const char *bad = form_error_for(fe, name);
	html_printf(&r->out, "<div class=\"radio%s\">", bad ? " has-error" : "");
	if (bad)
		html_printf(&r->out, "<p class=\"error\" id=\"e-%s\">%s</p>", name, bad);
	html_printf(&r->out, "<input type=\"checkbox\" id=\"f-%s\" name=\"%s\" value=\"1\"", name, name);
	if (on)
		html_lit(&r->out, " checked");
	if (bad)
		html_printf(&r->out, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", name);
	html_printf(&r->out, "><label for=\"f-%s\">%s</label></div>", name, label);
}

static void new_form(web_req *r, const form_errors *fe)
{
	const char *hs = web_field(r, "household") ? web_field(r, "household") : web_arg(r, "foyer");
	int64_t hid = 0;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(r->db, hid)) {
		web_error(r, E_NOT_FOUND, "Ouvrez une inscription au registre depuis la fiche du foyer.");
		return;
	}
	page_begin(r, "Inscrire au registre des personnes vulnérables");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<p>Foyer <a href=\"/foyers/%lld\">%s</a>. Peuvent être inscrites, à leur demande, les personnes de 65 ans et plus, "
	               "de 60 ans et plus reconnues inaptes au travail, et les adultes handicapés, qui vivent à domicile. Un tiers (proche, "
	               "médecin, service à domicile) ne peut le demander que par écrit.</p>",
	            (long long)hid, persons_file_no(r->db, r->a, hid));
	form_begin(r, "<form method=\"post\" action=\"/registre\" novalidate><input type=\"hidden\" name=\"household\" value=\"%lld\">"
	              "<div class=\"grid\">", (long long)hid);
	persons_member_select(r, hid, "person", "Personne à inscrire", web_field(r, "person"), fe);
	FORM_SELECT_CODE(b, "basis", "À quel titre", REG_BASES, typed(r, "basis", "age65"), fe);
	const char **proofs;
	int np = reg_proofs(r->db, r->a, &proofs);
	const char **pv = arena_array(r->a, (size_t)(np > 0 ? np : 0) + 1, sizeof *pv);
	if (pv) {
		pv[0] = "";
		for (int i = 0; i < np; i++)
			pv[i + 1] = proofs[i];
	}
	const char **pl = arena_array(r->a, (size_t)(np > 0 ? np : 0) + 1, sizeof *pl);
	if (pl) {
		pl[0] = "— pour un adulte handicapé —";
		for (int i = 0; i < np; i++)
			pl[i + 1] = proofs[i];
	}
	form_select(b, "proof", "Justificatif du handicap", pv, pl, pv && pl ? np + 1 : 0, typed(r, "proof", ""), fe);
	form_input(b, &(form_field){.name = "requested_on", .label = "Demande reçue le", .type = "date",
	                            .value = typed(r, "requested_on", civil_iso(r->a, civil_today(r->user->tz)))}, fe);
	FORM_SELECT_CODE(b, "requested_by", "Demandée par", REG_BY, typed(r, "requested_by", "personne"), fe);
	html_lit(b, "</div>");
	checkbox(r, "at_home", "La personne vit à domicile", typed(r, "at_home", NULL) != NULL || !r->form.n, fe);
	checkbox(r, "unfit", "Inaptitude au travail reconnue (au titre de 60 ans)", typed(r, "unfit", NULL) != NULL, fe);
	html_lit(b, "<fieldset><legend>Si un tiers demande l’inscription</legend><div class=\"grid\">");
	FORM_SELECT_CODE(b, "third_kind", "Le tiers", REG_THIRD, typed(r, "third_kind", "proche"), fe);
	form_input(b, &(form_field){.name = "third_name", .label = "Son nom", .value = typed(r, "third_name", NULL)}, fe);
	form_input(b, &(form_field){.name = "written_ref", .label = "Référence de la demande écrite", .value = typed(r, "written_ref", NULL),
	                            .hint = "Courrier du …, formulaire déposé, n° de la pièce."}, fe);
	html_lit(b, "</div>");
	checkbox(r, "written", "La demande est écrite (une demande orale d’un tiers est refusée)", typed(r, "written", NULL) != NULL, fe);
	html_lit(b, "</fieldset>");
	form_input(b, &(form_field){.name = "consent_on", .label = "Consentement de la personne recueilli le", .type = "date",
	                            .value = typed(r, "consent_on", NULL), .hint = "Vide : la date de sa demande si elle demande elle-même."}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Inscrire</button></form>");
	page_end(r);
}

static void new_get(web_req *r)
{
	if (reg_gate(r))
		new_form(r, NULL);
}

static void create_post(web_req *r)
{
	if (!reg_gate(r))
		return;
	form_errors fe = {0};
	int64_t id = 0;
	reg_ctx x = REG_CTX(r);
	err e = reg_create(&x, &r->form, &fe, &id);
	page_after_post(r, e, &fe, new_form, arena_printf(r->a, "/registre/%lld?ok=1", (long long)id));
}

/* ---- an entry ----------------------------------------------------------------------------------------- */

static void step_open(web_req *r, const reg_entry *e, const char *action, const char *title)
{
	form_step_open(r, arena_printf(r->a, "/registre/%lld/action", (long long)e->id), action, e->version, title);
}

static void entry_render(web_req *r, reg_entry *e, const form_errors *fe, const char *notice, const char *kind)
{
	page_begin(r, arena_printf(r->a, "Registre — %s", name_of(r, e)));
	buf *b = &r->out;
	if (notice)
		page_notice(r, kind ? kind : "ok", notice);
	const char *act = typed(r, "action", "");
	form_scope(fe && fe->n ? act : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
	reg_ctx x = REG_CTX(r);
	civil_date due;
	bool late = !*e->ack_on && civil_parse(e->ack_due_on, &due) && civil_to_days(due) < civil_to_days(x.today);
	html_printf(b, "<dl class=\"facts\"><dt>Foyer</dt><dd><a href=\"/foyers/%lld\">%s</a></dd><dt>Née ou né le</dt><dd>%s</dd>"
	               "<dt>Adresse</dt><dd>%s %s</dd><dt>Téléphone</dt><dd>%s</dd><dt>État</dt><dd><strong>%s</strong></dd>"
	               "<dt>Titre</dt><dd>%s%s%s</dd><dt>Demandée le</dt><dd>%s, %s%s</dd>"
	               "<dt>Accusé de réception</dt><dd class=\"%s\">%s</dd><dt>Consentement</dt><dd>%s</dd>",
	            (long long)e->household_id, name_of(r, e), *e->birth_date ? civil_fr(r->a, e->birth_date) : "non renseigné",
	            not_said(e->address1, "non renseignée"), e->address2, not_said(e->phone, "non renseigné"),
	            is(e->status, "inscrit") ? "Inscrit" : arena_printf(r->a, "Radié le %s (%s)", civil_fr(r->a, e->removed_on),
	                                                              CODE_LABEL(REG_REMOVE_REASONS, e->remove_reason)),
	            CODE_LABEL(REG_BASES, e->basis), *e->proof ? " — " : "", e->proof, civil_fr(r->a, e->requested_on),
	            CODE_LABEL(REG_BY, e->requested_by),
	            is(e->requested_by, "tiers") ? arena_printf(r->a, " (%s : %s, demande écrite %s)", CODE_LABEL(REG_THIRD, e->third_kind),
	                                                         e->third_name, e->written_ref) : "",
	            late ? "warn" : "", *e->ack_on ? arena_printf(r->a, "envoyé le %s", civil_fr(r->a, e->ack_on))
	                                           : arena_printf(r->a, "à envoyer avant le %s%s", civil_fr(r->a, e->ack_due_on), late ? " — en retard" : ""),
	            *e->consent_on ? arena_printf(r->a, "recueilli le %s", civil_fr(r->a, e->consent_on)) : "non recueilli");
	if (is(e->status, "inscrit"))
		html_printf(b, "<dt>Vit seul</dt><dd>%s</dd><dt>GIR</dt><dd>%s</dd><dt>Comment entrer</dt><dd>%s</dd><dt>Autres téléphones</dt><dd>%s</dd>"
		               "<dt>Médecin</dt><dd>%s</dd><dt>Services qui viennent</dt><dd>%s</dd><dt>Santé, mobilité (avec son accord)</dt><dd>%s</dd>"
		               "<dt>Dernière vérification</dt><dd>%s</dd>",
		            e->living_alone < 0 ? "non renseigné" : e->living_alone ? "oui" : "non",
		            e->gir ? arena_printf(r->a, "%lld", (long long)e->gir) : "non évalué", not_said(e->access_notes, "non renseigné"),
		            not_said(e->phones, "non renseignés"), not_said(e->doctor, "non renseigné"), not_said(e->services, "aucun noté"),
		            not_said(e->health_notes, "rien de noté"), *e->confirmed_on ? civil_fr(r->a, e->confirmed_on) : "jamais");
	html_lit(b, "</dl>");
	reg_contact *ct;
	int nc = reg_contacts(r->db, r->a, e->id, &ct);
	if (is(e->status, "inscrit")) {
		html_lit(b, "<section aria-labelledby=\"t-warn\"><h2 id=\"t-warn\">Personnes à prévenir</h2>");
		if (nc > 0) {
			html_lit(b, "<ul>");
			for (int i = 0; i < nc; i++)
				html_printf(b, "<li>%s%s%s%s — %s</li>", ct[i].name, *ct[i].relation ? " (" : "", ct[i].relation, *ct[i].relation ? ")" : "",
				            ct[i].phone);
			html_lit(b, "</ul>");
		} else {
			html_lit(b, "<p class=\"muted\">Aucune personne à prévenir notée.</p>");
		}
		html_lit(b, "</section>");
		html_printf(b, "<p><a href=\"/registre/%lld/accuse.pdf\">Lettre d’accusé de réception (PDF)</a></p>", (long long)e->id);
		html_lit(b, "<section aria-labelledby=\"t-steps\"><h2 id=\"t-steps\">Suite à donner</h2>");
		const form_errors *mine;
#define MINE(a) (mine = is(act, a) ? fe : NULL)
		if (!*e->ack_on) {
			step_open(r, e, "accuse", "Accusé de réception envoyé");
			MINE("accuse");
			form_input(b, &(form_field){.name = "on", .label = "Envoyé le", .type = "date",
			                            .value = mine ? typed(r, "on", NULL) : civil_iso(r->a, x.today)}, mine);
			form_step_close(r, "Enregistrer l’envoi", false);
		}
		html_printf(b, "<details%s><summary>Compléter la fiche (accès, téléphones, médecin, services, santé)</summary>", MINE("fiche") ? " open" : "");
		step_open(r, e, "fiche", "La fiche");
		html_lit(b, "<div class=\"grid\">");
		static const char *const lv[] = {"", "oui", "non"}, *const ll[] = {"non renseigné", "oui", "non"};
		form_select(b, "living_alone", "Vit seul", lv, ll, 3, mine ? typed(r, "living_alone", "") : e->living_alone < 0 ? "" : e->living_alone ? "oui" : "non",
		            mine);
		form_input(b, &(form_field){.name = "gir", .label = "GIR (1 à 6)", .type = "number",
		                            .value = mine ? typed(r, "gir", NULL) : e->gir ? arena_printf(r->a, "%lld", (long long)e->gir) : NULL}, mine);
		form_input(b, &(form_field){.name = "consent_on", .label = "Consentement recueilli le", .type = "date",
		                            .value = mine ? typed(r, "consent_on", NULL) : e->consent_on}, mine);
		html_lit(b, "</div>");
		static const char *const fn[] = {"access_notes", "phones", "doctor", "services", "health_notes"};
		static const char *const fl[] = {"Comment entrer (code, clé, gardien)", "Autres téléphones", "Médecin traitant",
		                                 "Services qui viennent (aide à domicile, soins, portage de repas, téléassistance)",
		                                 "Santé, mobilité : ce que la personne accepte de dire"};
		const char *fv[] = {e->access_notes, e->phones, e->doctor, e->services, e->health_notes};
		for (int i = 0; i < 5; i++)
			form_input(b, &(form_field){.name = fn[i], .label = fl[i], .type = i == 4 || i == 3 ? "textarea" : "text",
			                            .value = mine ? typed(r, fn[i], NULL) : fv[i]}, mine);
		form_step_close(r, "Enregistrer la fiche", false);
		html_lit(b, "</details>");
		step_open(r, e, "contact", "Une personne à prévenir");
		MINE("contact");
		html_lit(b, "<div class=\"grid\">");
		form_input(b, &(form_field){.name = "name", .label = "Nom", .required = true, .value = mine ? typed(r, "name", NULL) : NULL}, mine);
		form_input(b, &(form_field){.name = "relation", .label = "Lien", .value = mine ? typed(r, "relation", NULL) : NULL}, mine);
		form_input(b, &(form_field){.name = "phone", .label = "Téléphone", .type = "tel", .required = true,
		                            .value = mine ? typed(r, "phone", NULL) : NULL}, mine);
		html_lit(b, "</div>");
		form_step_close(r, "Ajouter", false);
		step_open(r, e, "confirmer", "Vérification annuelle : la fiche est toujours exacte");
		MINE("confirmer");
		form_input(b, &(form_field){.name = "on", .label = "Vérifiée le", .type = "date",
		                            .value = mine ? typed(r, "on", NULL) : civil_iso(r->a, x.today)}, mine);
		form_step_close(r, "Confirmer l’inscription", false);
		step_open(r, e, "radier", "Radier du registre (immédiat : la fiche est effacée)");
		MINE("radier");
		FORM_SELECT_CODE(b, "reason", "Motif", REG_REMOVE_REASONS, mine ? typed(r, "reason", "") : "", mine);
		form_step_close(r, "Radier", true);
#undef MINE
		html_lit(b, "</section>");
	}
	page_end(r);
}

static void entry_page(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_entry e;
	if (!reg_load(r->db, r->a, r->param[0], &e)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "reg_entry", e.id, NULL);
	entry_render(r, &e, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL, NULL);
}

static void action_post(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_entry e;
	if (!reg_load(r->db, r->a, r->param[0], &e)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL, *action = kv_get(&r->form, "action");
	reg_ctx x = REG_CTX(r);
	err er = reg_act(&x, &e, action ? action : "", &r->form, &fe, &why);
	if (er == E_INPUT || er == E_CONFLICT) {
		r->status = er == E_INPUT ? 400 : 409;
		if (er == E_CONFLICT)
			reg_load(r->db, r->a, e.id, &e);
		entry_render(r, &e, er == E_INPUT ? &fe : NULL, why, "error");
		return;
	}
	if (er != E_OK) {
		web_error(r, er, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/registre/%lld?ok=1", (long long)e.id));
}

/* The letter of acknowledgement (within 8 days of the request). */
static void ack_pdf(web_req *r)
{
	if (!reg_gate(r))
		return;
	reg_entry e;
	structure_info s;
	if (!reg_load(r->db, r->a, r->param[0], &e)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	pdf_doc *pd = accounts_pdf_letter(r, "Accusé de réception — registre des personnes vulnérables", &s);
	if (!pd)
		return;
	const char *lines[] = {arena_printf(r->a, "%s %s", e.first_names, e.last_name), e.address1, e.address2};
	pdf_address_block(pd, lines, 3);
	pdf_space(pd, 8);
	pdf_heading(pd, "Votre inscription au registre des personnes vulnérables");
	pdf_space(pd, 4);
	pdf_para(pd, arena_printf(r->a, "Nous avons reçu le %s %s votre inscription au registre nominatif des personnes âgées et des "
	                                "personnes handicapées vivant à domicile que tient la commune (article L121-6-1 du code de l’action "
	                                "sociale et des familles). Vous y êtes inscrit(e).",
	                          civil_fr(r->a, e.requested_on),
	                          is(e.requested_by, "personne") ? "la demande de" : is(e.requested_by, "representant") ? "la demande de votre représentant légal pour"
	                                                                                                             : "la demande écrite d’un tiers pour"));
	pdf_para(pd, "Ce registre sert à vous contacter et, si besoin, à vous porter assistance lorsque le préfet déclenche un plan d’alerte "
	             "(canicule, grand froid, épidémie). Les informations qu’il contient sont confidentielles : seuls les agents que le CCAS "
	             "désigne les consultent, et elles ne sont communiquées qu’au préfet, à sa demande, pendant un plan d’alerte.");
	pdf_para(pd, "Votre inscription est volontaire : vous pouvez à tout moment demander à en être radié, ou faire corriger les "
	             "informations qui vous concernent, auprès du CCAS. Nous vous demanderons chaque année si elles sont toujours exactes.");
	if (*s.phone)
		pdf_para(pd, arena_printf(r->a, "Pour toute question : %s.", s.phone));
	pdf_space(pd, 8);
	pdf_small(pd, arena_printf(r->a, "Fait le %s", civil_fr(r->a, civil_iso(r->a, civil_today(r->user->tz)))));
	if (pdf_send(r, pd, "accuse-registre.pdf"))
		journal_record(r->db, r->user->id, "export", "reg_entry", e.id, "ack letter");
}

/* ---- the named agents, the proofs -------------------------------------------------------------------- */

static void agents_render(web_req *r, const form_errors *fe)
{
	page_begin(r, "Registre — agents désignés et justificatifs");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	form_error_summary(b, fe);
	int64_t *ids;
	const char **names;
	int n = reg_agents(r->db, r->a, &ids, &names);
	html_lit(b, "<p>Seuls les agents désignés ici lisent le registre et reçoivent des appels à passer pendant une campagne "
	            "(le rôle doit aussi le permettre). Chaque désignation est journalisée.</p><h2>Agents désignés</h2>");
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++) {
			html_printf(b, "<li>%s ", not_said(names[i], "compte désactivé"));
			form_begin(r, "<form method=\"post\" action=\"/registre/agents\" class=\"inline\"><input type=\"hidden\" name=\"user\" value=\"%lld\">"
			              "<input type=\"hidden\" name=\"named\" value=\"0\">", (long long)ids[i]);
			html_printf(b, "<button type=\"submit\" data-confirm=\"Retirer l’accès au registre ?\" aria-label=\"Retirer %s\">Retirer</button></form></li>",
			            not_said(names[i], "ce compte"));
		}
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"warn\">Aucun agent désigné : personne ne peut lire le registre.</p>");
	}
	db_res q = {0};
	static db_sql Q_STAFF = DB_SQL(DB_SCOPED,
		"SELECT user_id, display_name FROM structure_agents WHERE structure_id = $1 ORDER BY display_name, user_id");
	const char **sv = NULL, **sl = NULL;
	int ns = 0, c1 = 0, c2 = 0, n2 = 0;
	if (DBQ0(r->db, &Q_STAFF, &q) == E_OK)
		while (db_next(&q)) {
			const char **v = ARENA_PUSH(r->a, sv, ns, c1), **l = ARENA_PUSH(r->a, sl, n2, c2);
			if (!v || !l)
				break;
			*v = arena_printf(r->a, "%lld", (long long)db_int(&q, 0)), *l = db_dup(&q, 1, r->a);
		}
	db_close(&q);
	form_begin(r, "<form method=\"post\" action=\"/registre/agents\" class=\"compact\" novalidate><input type=\"hidden\" name=\"named\" value=\"1\">");
	form_select(b, "user", "Désigner un agent", sv, sl, ns, NULL, fe);
	html_lit(b, "<button type=\"submit\">Désigner</button></form>");
	const char **proofs;
	int np = reg_proofs(r->db, r->a, &proofs);
	html_lit(b, "<h2>Justificatifs d’un handicap</h2><ul>");
	for (int i = 0; i < np; i++)
		html_printf(b, "<li>%s</li>", proofs[i]);
	html_lit(b, "</ul>");
	form_begin(r, "<form method=\"post\" action=\"/registre/justificatifs\" class=\"compact\" novalidate>");
	form_input(b, &(form_field){.name = "label", .label = "Ajouter un justificatif", .value = typed(r, "label", NULL)}, fe);
	html_lit(b, "<button type=\"submit\">Ajouter</button></form>");
	page_end(r);
}

static void agents_page(web_req *r) { agents_render(r, NULL); }

static void agents_post(web_req *r)
{
	const char *us = kv_get(&r->form, "user"), *named = kv_get(&r->form, "named");
	int64_t uid = 0;
	form_errors fe = {0};
	if (!us || !text_to_int64(us, 1, INT64_MAX, &uid)) {
		form_error(&fe, "user", "Choisissez l’agent.");
		r->status = 400;
		agents_render(r, &fe);
		return;
	}
	err e = reg_agent_set(r->db, r->user->id, uid, named && !strcmp(named, "1"));
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/registre/agents?ok=1");
}

static void proof_post(web_req *r)
{
	form_errors fe = {0};
	err e = reg_proof_add(r->db, r->user->id, kv_get(&r->form, "label"), &fe);
	if (e == E_INPUT) {
		r->status = 400;
		agents_render(r, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/registre/agents?ok=1");
}

/* ---- what other pages show ----------------------------------------------------------------------------- */

void reg_section(web_req *r, int64_t hid)
{
	if (!reg_named(r))
		return; /* to the others, not even whether someone is registered */
	buf *b = &r->out;
	reg_entry *v;
	int n = 0;
	if (module_section_has_rows(r))
		reg_of_person_household(r->db, hid, &v, r->a, &n);
	html_lit(b, "<section aria-labelledby=\"t-reg\"><h2 id=\"t-reg\">Registre des personnes vulnérables</h2>");
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++)
			html_printf(b, "<li><a href=\"/registre/%lld\">%s %s</a> — %s depuis le %s</li>", (long long)v[i].id, v[i].first_names,
			            v[i].last_name, is(v[i].status, "inscrit") ? "inscrit" : "radié", civil_fr(r->a, v[i].requested_on));
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"muted\">Personne du foyer n’est inscrit.</p>");
	}
	html_printf(b, "<p><a href=\"/registre/nouveau?foyer=%lld\">Inscrire une personne au registre</a></p></section>", (long long)hid);
}

void reg_widget(web_req *r)
{
	if (!reg_named(r))
		return;
	reg_ctx x = REG_CTX(r);
	reg_counts c;
	if (reg_counts_of(&x, &c) != E_OK)
		return;
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-hreg\"><h2 id=\"t-hreg\">Registre des personnes vulnérables</h2><ul>");
	reg_campaign k;
	if (reg_campaign_open(r->db, r->a, &k)) {
		reg_board bd;
		if (reg_board_of(&x, k.id, &bd) == E_OK)
			html_printf(b, "<li><a class=\"warn\" href=\"/registre/campagnes/%lld\"><strong>Campagne %s en cours</strong> : %lld à appeler, "
			               "%lld à rappeler, %lld visites%s</a></li>",
			            (long long)k.id, code_label(REG_CAMPAIGN_KINDS, COUNTOF(REG_CAMPAIGN_KINDS), k.kind), (long long)bd.to_call,
			            (long long)bd.to_recall, (long long)bd.to_visit,
			            bd.overdue ? arena_printf(r->a, ", %lld en retard", (long long)bd.overdue) : "");
	}
	html_printf(b, "<li><a href=\"/registre\">%lld personne%s inscrite%s</a></li>", (long long)c.registered, c.registered > 1 ? "s" : "",
	            c.registered > 1 ? "s" : "");
	if (c.ack_late)
		html_printf(b, "<li><a class=\"warn\" href=\"/registre?liste=accuse_retard\">%lld accusé%s de réception en retard</a></li>",
		            (long long)c.ack_late, c.ack_late > 1 ? "s" : "");
	if (c.unconfirmed)
		html_printf(b, "<li><a href=\"/registre?liste=a_confirmer\">%lld à confirmer (plus d’un an)</a></li>", (long long)c.unconfirmed);
	html_lit(b, "</ul></section>");
}

void reg_pages_init(void)
{
	web_route(M_GET, "/registre", list_page, PERM_REG_READ, 0, "Registre des personnes vulnérables : listes");
	web_route(M_GET, "/registre/nouveau", new_get, PERM_REG_READ, 0, "Registre : inscrire une personne");
	web_route(M_POST, "/registre", create_post, PERM_REG_READ, 0, "Registre : inscrire une personne");
	web_route(M_GET, "/registre/agents", agents_page, PERM_REG_ADMIN, 0, "Registre : agents désignés et justificatifs");
	web_route(M_POST, "/registre/agents", agents_post, PERM_REG_ADMIN, 0, "Registre : désigner ou retirer un agent");
	web_route(M_POST, "/registre/justificatifs", proof_post, PERM_REG_ADMIN, 0, "Registre : ajouter un justificatif de handicap");
	web_route(M_GET, "/registre/{id}", entry_page, PERM_REG_READ, 0, "Registre : une inscription");
	web_route(M_GET, "/registre/{id}/accuse.pdf", ack_pdf, PERM_REG_READ, 0, "Registre : lettre d’accusé de réception (PDF)");
	web_route(M_POST, "/registre/{id}/action", action_post, PERM_REG_READ, 0, "Registre : étape d’une inscription");
}
