/*
 * legal_pages.c — the pages of statutory aid files: the work lists (with
 * their CSV), a file and its steps, the new-file form, the catalogue of
 * kinds, the household page's section and the home widget.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/legal/legal_internal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "core/banned.h"

#define PAGE 50

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* « dans 12 jours », « aujourd’hui », « en retard de 3 jours ». */
static const char *days_left(web_req *r, const char *due, bool *late)
{
	civil_date d;
	*late = false;
	if (!civil_parse(due, &d))
		return "";
	int64_t n = civil_to_days(d) - civil_to_days(civil_today(r->user->tz));
	*late = n < 0;
	return n > 1 ? arena_printf(r->a, "dans %lld jours", (long long)n) : n == 1 ? "demain" : n == 0 ? "aujourd’hui"
	               : arena_printf(r->a, "en retard de %lld jour%s", (long long)-n, n < -1 ? "s" : "");
}

static const char *who(web_req *r, const legal_file *f) { return PERSONS_WHO(r->db, r->a, f, legal_file); }

/* ---- the work lists ----------------------------------------------------------------------- */

static void list_page(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "a_transmettre";
	const char *ks = web_arg(r, "type"), *ps = web_arg(r, "page");
	int64_t kind = 0, page = 1;
	if (!CODE_OK(LEGAL_LISTS, list) || (ks && *ks && !text_to_int64(ks, 1, INT64_MAX, &kind)) ||
	    (ps && *ps && !text_to_int64(ps, 1, 100000, &page))) {
		web_error(r, E_INPUT, "Liste, type ou page inconnus.");
		return;
	}
	legal_ctx x = LEGAL_CTX(r);
	legal_file *v;
	int64_t total = 0;
	int n = legal_list(&x, list, kind, PAGE, (int)((page - 1) * PAGE), &v, &total);
	page_begin(r, "Aide sociale légale — dossiers");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes de travail\"><ul>");
	for (int i = 0; i < COUNTOF(LEGAL_LISTS); i++)
		html_printf(b, "<li><a href=\"/aide-legale?liste=%s\"%s>%s</a></li>", LEGAL_LISTS[i].v,
		            is(list, LEGAL_LISTS[i].v) ? " aria-current=page" : "", LEGAL_LISTS[i].fr);
	html_lit(b, "</ul></nav>");
	if (web_may(r, M_GET, "/aide-legale/types"))
		html_lit(b, "<p><a href=\"/aide-legale/types\">Types de dossiers et pièces demandées</a></p>");
	html_lit(b, "<p class=\"muted\">Un dossier se transmet à l’organisme qui décide dans le mois qui suit son dépôt, "
	            "complet ou non, quel que soit l’avis du CCAS (CASF L131-1, L123-5) : les pièces manquantes partent listées.</p>");
	legal_kind *kinds;
	int nk = legal_kinds(r->db, r->a, false, &kinds);
	html_printf(b, "<form method=\"get\" action=\"/aide-legale\" class=\"filters\"><input type=\"hidden\" name=\"liste\" value=\"%s\">"
	               "<div class=\"field\"><label for=\"lf-type\">Type de dossier</label><select id=\"lf-type\" name=\"type\">"
	               "<option value=\"\">Tous</option>", list);
	for (int i = 0; i < nk; i++)
		html_printf(b, "<option value=\"%lld\"%s>%s</option>", (long long)kinds[i].id, kinds[i].id == kind ? " selected" : "",
		            kinds[i].label);
	html_lit(b, "</select></div><button type=\"submit\">Filtrer</button></form>");
	html_printf(b, "<p>%lld dossier%s · <a href=\"/aide-legale/export.csv?liste=%s&amp;type=%lld\">Exporter la liste (CSV)</a></p>",
	            (long long)total, total > 1 ? "s" : "", list, (long long)kind);
	/* To forward: several files to one body at once, with one slip. */
	bool batch = (is(list, "a_transmettre") || is(list, "en_retard")) && n > 0 && web_can(r, PERM_LEGAL_WRITE);
	if (batch)
		form_begin(r, "<form method=\"post\" action=\"/aide-legale/bordereau\" novalidate>");
	if (batch)
		html_table(b, arena_printf(r->a, "Dossiers : %s", CODE_LABEL(LEGAL_LISTS, list)), 0, "~Choisir", "Personne", "Type", "Organisme",
		           "Déposé le", "À transmettre avant", "État");
	else
		html_table(b, arena_printf(r->a, "Dossiers : %s", CODE_LABEL(LEGAL_LISTS, list)), 0, "Personne", "Type", "Organisme",
		           "Déposé le", "À transmettre avant", "État");
	const char **names = PERSONS_WHOS(r->db, r->a, v, n, legal_file); /* a few statements, not two a row */
	for (int i = 0; names && i < n; i++) {
		bool late = false;
		const char *left = is(v[i].status, "ouvert") ? days_left(r, v[i].due_on, &late) : "";
		if (batch)
			html_printf(b, "<tr><td><input type=\"checkbox\" id=\"bt%lld\" name=\"id\" value=\"%lld\" aria-label=\"Choisir : %s, %s\"></td>",
			            (long long)v[i].id, (long long)v[i].id, names[i], v[i].kind_label);
		else
			html_lit(b, "<tr>");
		html_printf(b, "<td><a href=\"/aide-legale/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td class=\"%s\">%s %s</td><td>%s</td></tr>",
		            (long long)v[i].id, names[i], v[i].kind_label, *v[i].body ? v[i].body : "non renseigné",
		            civil_fr(r->a, v[i].lodged_on), late ? "warn" : "", civil_fr(r->a, v[i].due_on), left,
		            CODE_LABEL(LEGAL_STATES, v[i].status));
	}
	html_table_close(b);
	if (batch) {
		html_lit(b, "<fieldset><legend>Transmettre les dossiers cochés (un même organisme) avec un bordereau</legend><div class=\"grid\">");
		form_input(b, &(form_field){.name = "forwarded_on", .label = "Transmis le", .type = "date",
		                            .value = civil_iso(r->a, civil_today(r->user->tz))}, NULL);
		FORM_SELECT_CODE(b, "means", "Moyen", LEGAL_MEANS, "courrier", NULL);
		form_input(b, &(form_field){.name = "reference", .label = "Référence du bordereau",
		                            .hint = "Laissée vide : BT-date-numéro."}, NULL);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Transmettre et imprimer le bordereau</button></fieldset></form>");
	}
	if (!n)
		html_lit(b, "<p>Aucun dossier dans cette liste.</p>");
	page_pager(r, arena_printf(r->a, "/aide-legale?liste=%s&type=%lld&", list, (long long)kind), page, total, PAGE);
	page_end(r);
}

static void export_csv(web_req *r)
{
	const char *list = web_arg(r, "liste") ? web_arg(r, "liste") : "a_transmettre", *ks = web_arg(r, "type");
	int64_t kind = 0;
	if (!CODE_OK(LEGAL_LISTS, list) || (ks && *ks && !text_to_int64(ks, 0, INT64_MAX, &kind))) {
		web_error(r, E_INPUT, "Liste ou type inconnus.");
		return;
	}
	static const char *const head[] = {"Dossier du foyer", "Type", "Organisme", "Déposé le", "À transmettre avant", "État",
	                                   "Transmis le", "Pièces manquantes", "Réponse", "Réponse reçue le", "Renouvellement"};
	buf *b = &r->out;
	buf_adds(b, "\xEF\xBB\xBF");
	for (int k = 0; k < COUNTOF(head); k++)
		csv_write_cell(b, head[k], k == COUNTOF(head) - 1);
	legal_ctx x = LEGAL_CTX(r);
	int64_t total = 0, rows = 0;
	/* Every row, by pages of the list's statement. */
	for (int off = 0;; off += 500) {
		legal_file *v;
		int n = legal_list(&x, list, kind, 500, off, &v, &total);
		for (int i = 0; i < n; i++) {
			const char *no = persons_file_no(r->db, r->a, v[i].household_id);
			const char *c[] = {no ? no : "", v[i].kind_label, v[i].body, v[i].lodged_on, v[i].due_on, CODE_LABEL(LEGAL_STATES, v[i].status),
			                   v[i].forwarded_on, is(v[i].status, "ouvert") ? legal_missing(r->a, &v[i]) : v[i].forwarded_missing,
			                   *v[i].answer ? CODE_LABEL(LEGAL_ANSWERS, v[i].answer) : "", v[i].answer_on, v[i].renewal_on};
			for (int k = 0; k < COUNTOF(c); k++)
				csv_write_cell(b, c[k], k == COUNTOF(c) - 1);
		}
		rows += n > 0 ? n : 0;
		if (n < 500)
			break;
	}
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"aide-legale.csv\"");
	journal_record(r->db, r->user->id, "export", "legal_file", 0, arena_printf(r->a, "rows=%lld csv", (long long)rows));
}

/* ---- a new file ------------------------------------------------------------------------------ */

static void new_form(web_req *r, const form_errors *fe)
{
	const char *hs = web_field(r, "household") ? web_field(r, "household") : web_arg(r, "foyer");
	int64_t hid = 0;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(r->db, hid)) {
		web_error(r, E_NOT_FOUND, "Ouvrez le dépôt d’un dossier depuis la fiche du foyer.");
		return;
	}
	page_begin(r, "Déposer un dossier d’aide sociale légale");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_printf(b, "<p>Foyer <a href=\"/foyers/%lld\">%s</a>. Le dépôt fait courir le délai d’un mois pour transmettre le dossier.</p>",
	            (long long)hid, persons_file_no(r->db, r->a, hid));
	form_begin(r, "<form method=\"post\" action=\"/aide-legale\" novalidate><input type=\"hidden\" name=\"household\" value=\"%lld\">"
	              "<div class=\"grid\">", (long long)hid);
	persons_member_select(r, hid, "person", "Personne concernée", web_field(r, "person"), fe);
	legal_kind *k;
	int nk = legal_kinds(r->db, r->a, true, &k);
	const char **kvals = arena_array(r->a, (size_t)(nk > 0 ? nk : 0) + 1, sizeof *kvals), **kl = arena_array(r->a, (size_t)(nk > 0 ? nk : 0) + 1, sizeof *kl);
	int n = 0;
	if (kvals && kl) {
		kvals[n] = "", kl[n++] = "— choisir —";
		for (int i = 0; i < nk; i++, n++)
			kvals[n] = arena_printf(r->a, "%lld", (long long)k[i].id), kl[n] = k[i].body && *k[i].body ? arena_printf(r->a, "%s (%s)", k[i].label, k[i].body) : k[i].label;
	}
	form_select(b, "kind", "Type de dossier", kvals, kl, n, web_field(r, "kind") ? web_field(r, "kind") : web_arg(r, "type"), fe);
	form_input(b, &(form_field){.name = "lodged_on", .label = "Déposé le", .type = "date", .required = true,
	                            .value = web_field(r, "lodged_on") ? web_field(r, "lodged_on") : civil_iso(r->a, civil_today(r->user->tz)),
	                            .hint = "Le jour où la personne ou un tiers l’a remis."}, fe);
	static const char *const byv[] = {"personne", "tiers"}, *const byl[] = {"La personne", "Un tiers pour elle"};
	form_select(b, "lodged_by", "Déposé par", byv, byl, 2, web_field(r, "lodged_by"), fe);
	html_lit(b, "</div><button type=\"submit\" class=\"primary\">Enregistrer le dépôt</button></form>");
	page_end(r);
}

static void new_get(web_req *r) { new_form(r, NULL); }

static void create_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id = 0;
	legal_ctx x = LEGAL_CTX(r);
	err e = legal_create(&x, &r->form, &fe, &id);
	page_after_post(r, e, &fe, new_form, arena_printf(r->a, "/aide-legale/%lld?ok=1", (long long)id));
}

/* ---- a file ----------------------------------------------------------------------------------- */

static const char *typed(web_req *r, const char *name, const char *dflt)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : dflt;
}

static void step_open(web_req *r, const legal_file *f, const char *action, const char *title)
{
	form_step_open(r, arena_printf(r->a, "/aide-legale/%lld/action", (long long)f->id), action, f->version, title);
}

static void step_close(web_req *r, const char *button, bool confirm) { form_step_close(r, button, confirm); }

static void file_render(web_req *r, legal_file *f, const form_errors *fe, const char *notice, const char *kind)
{
	page_begin(r, arena_printf(r->a, "%s — %s", f->kind_label, who(r, f)));
	buf *b = &r->out;
	if (notice)
		page_notice(r, kind ? kind : "ok", notice);
	const char *act = typed(r, "action", "");
	form_scope(fe && fe->n ? act : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
	bool late = false;
	const char *left = is(f->status, "ouvert") ? days_left(r, f->due_on, &late) : "";
	const char *missing = legal_missing(r->a, f);
	html_printf(b, "<dl class=\"facts\"><dt>Foyer</dt><dd><a href=\"/foyers/%lld\">%s</a></dd><dt>Type</dt><dd>%s</dd>"
	               "<dt>Organisme qui décide</dt><dd>%s</dd><dt>État</dt><dd><strong>%s</strong></dd>"
	               "<dt>Déposé le</dt><dd>%s (%s)</dd><dt>À transmettre avant le</dt><dd class=\"%s\">%s %s</dd>"
	               "<dt>Pièces reçues</dt><dd>%s</dd><dt>Pièces manquantes</dt><dd>%s</dd>",
	            (long long)f->household_id, who(r, f), f->kind_label, *f->body ? f->body : "non renseigné",
	            CODE_LABEL(LEGAL_STATES, f->status), civil_fr(r->a, f->lodged_on),
	            is(f->lodged_by, "tiers") ? "par un tiers" : "par la personne", late ? "warn" : "",
	            civil_fr(r->a, f->due_on), left, *f->pieces_received ? f->pieces_received : "aucune",
	            *missing ? missing : "aucune");
	if (*f->opinion)
		html_printf(b, "<dt>Avis du CCAS</dt><dd>%s : %s</dd>", CODE_LABEL(LEGAL_OPINIONS, f->opinion), f->opinion_reason);
	if (*f->forwarded_on)
		html_printf(b, "<dt>Transmis le</dt><dd>%s, %s%s%s%s</dd><dt>Réponse attendue vers le</dt><dd>%s</dd>",
		            civil_fr(r->a, f->forwarded_on), CODE_LABEL(LEGAL_MEANS, f->forward_means), *f->forward_ref ? ", référence " : "",
		            f->forward_ref, *f->forwarded_missing ? arena_printf(r->a, " — transmis sans : %s", f->forwarded_missing) : "",
		            civil_fr(r->a, f->expected_on));
	if (*f->answer)
		html_printf(b, "<dt>Réponse</dt><dd>%s, reçue le %s%s%s%s</dd>", CODE_LABEL(LEGAL_ANSWERS, f->answer), civil_fr(r->a, f->answer_on),
		            f->answer_amount >= 0 ? arena_printf(r->a, ", %s", money_format(r->a, f->answer_amount)) : "",
		            *f->answer_from ? arena_printf(r->a, ", du %s", civil_fr(r->a, f->answer_from)) : "",
		            *f->answer_to ? arena_printf(r->a, " au %s", civil_fr(r->a, f->answer_to)) : "");
	if (*f->renewal_on)
		html_printf(b, "<dt>Renouvellement</dt><dd>avant le %s</dd>", civil_fr(r->a, f->renewal_on));
	html_lit(b, "</dl>");
	html_printf(b, "<p><a href=\"/aide-legale/%lld/recepisse.pdf\">Récépissé de dépôt (PDF) à remettre à la personne</a></p>",
	            (long long)f->id);
	if (legal_has_obliges(f)) {
		/* The obligés alimentaires: who they are, how to reach them, what they answered. */
		legal_oblige *o;
		int no = legal_obliges(r->db, r->a, f->id, &o);
		html_lit(b, "<section aria-labelledby=\"t-obl\"><h2 id=\"t-obl\">Obligés alimentaires</h2>");
		if (no > 0) {
			html_table(b, "Obligés alimentaires", 0, "Nom", "Lien", "Coordonnées", "Réponse", "#Participation mensuelle");
			for (int i = 0; i < no; i++)
				html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s%s</td><td class=\"num\">%s</td></tr>", o[i].name,
				            *o[i].relation ? o[i].relation : "non renseigné", *o[i].contact ? o[i].contact : "non renseignées",
				            CODE_LABEL(LEGAL_OBLIGE_ANSWERS, o[i].answer),
				            *o[i].answered_on ? arena_printf(r->a, " (le %s)", civil_fr(r->a, o[i].answered_on)) : "",
				            o[i].amount >= 0 ? money_format(r->a, o[i].amount) : "—");
			html_table_close(b);
		} else {
			html_lit(b, "<p class=\"muted\">Aucun obligé alimentaire recensé.</p>");
		}
		if (web_can(r, PERM_LEGAL_WRITE)) {
			for (int i = 0; i < no; i++) {
				const char *sc = arena_printf(r->a, "ob%lld", (long long)o[i].id);
				const form_errors *mine = is(act, sc) ? fe : NULL; /* a refused answer comes back open, as typed */
				form_scope(sc);
				html_printf(b, "<details%s><summary>Réponse de %s</summary>", mine ? " open" : "", o[i].name);
				form_begin(r, "<form method=\"post\" action=\"/aide-legale/%lld/obliges/%lld\" class=\"compact\" novalidate>"
				              "<input type=\"hidden\" name=\"action\" value=\"%s\"><div class=\"grid\">", (long long)f->id, (long long)o[i].id, sc);
				FORM_SELECT_CODE(b, "answer", "Réponse", LEGAL_OBLIGE_ANSWERS, mine ? typed(r, "answer", "") : o[i].answer, mine);
				form_input(b, &(form_field){.name = "amount", .label = "Participation mensuelle (€)",
				                            .value = mine ? typed(r, "amount", NULL) : o[i].amount >= 0 ? money_format(r->a, o[i].amount) : NULL},
				           mine);
				form_input(b, &(form_field){.name = "answered_on", .label = "Réponse du", .type = "date",
				                            .value = mine ? typed(r, "answered_on", NULL)
				                                   : *o[i].answered_on ? o[i].answered_on : civil_iso(r->a, civil_today(r->user->tz))}, mine);
				html_lit(b, "</div><button type=\"submit\">Enregistrer la réponse</button></form></details>");
				form_scope(NULL);
			}
			const form_errors *add = is(act, "obl") ? fe : NULL;
			form_scope("obl");
			form_begin(r, "<form method=\"post\" action=\"/aide-legale/%lld/obliges\" class=\"compact\" novalidate>"
			              "<input type=\"hidden\" name=\"action\" value=\"obl\"><div class=\"grid\">", (long long)f->id);
			form_input(b, &(form_field){.name = "name", .label = "Nom et prénom", .required = true, .value = add ? typed(r, "name", NULL) : NULL}, add);
			form_input(b, &(form_field){.name = "relation", .label = "Lien (fils, fille, gendre…)", .value = add ? typed(r, "relation", NULL) : NULL},
			           add);
			form_input(b, &(form_field){.name = "contact", .label = "Adresse, téléphone", .value = add ? typed(r, "contact", NULL) : NULL}, add);
			html_lit(b, "</div><button type=\"submit\">Ajouter l’obligé alimentaire</button></form>");
			form_scope(NULL);
		}
		html_lit(b, "</section>");
	}
	if (!web_can(r, PERM_LEGAL_WRITE) || is(f->status, "clos")) {
		page_end(r);
		return;
	}
	html_lit(b, "<section aria-labelledby=\"t-steps\"><h2 id=\"t-steps\">Suite à donner</h2>");
	if (is(f->status, "ouvert")) {
		step_open(r, f, "pieces", "Pièces reçues");
		int n = 0;
		for (const char *p = f->kind_pieces; *p; n++) {
			size_t len = strcspn(p, ",");
			char *w = text_trim(r->a, arena_strndup(r->a, p, len));
			p += len + (p[len] == ',');
			if (!w || !*w)
				continue;
			bool have = strstr(f->pieces_received, w) != NULL;
			html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"pc%d\" name=\"piece\" value=\"%s\"%s><label for=\"pc%d\">%s</label></div>",
			            n, w, have ? " checked" : "", n, w);
		}
		form_input(b, &(form_field){.name = "other", .label = "Autres pièces reçues", .value = typed(r, "other", NULL),
		                            .hint = "Séparées par des virgules."}, fe);
		step_close(r, "Enregistrer les pièces", false);
		step_open(r, f, "avis", f->kind_opinion ? "Avis du CCAS (demandé pour ce type)" : "Avis du CCAS (facultatif)");
		FORM_SELECT_CODE(b, "opinion", "Avis", LEGAL_OPINIONS, typed(r, "opinion", f->opinion), fe);
		form_input(b, &(form_field){.name = "opinion_reason", .label = "Motivation", .type = "textarea",
		                            .value = typed(r, "opinion_reason", f->opinion_reason)}, fe);
		step_close(r, "Enregistrer l’avis", false);
		step_open(r, f, "transmettre", "Transmettre à l’organisme");
		if (*missing)
			html_printf(b, "<p class=\"warn\">Le dossier partira incomplet : la liste des pièces manquantes (%s) l’accompagnera.</p>", missing);
		html_lit(b, "<div class=\"grid\">");
		form_input(b, &(form_field){.name = "forwarded_on", .label = "Transmis le", .type = "date",
		                            .value = typed(r, "forwarded_on", civil_iso(r->a, civil_today(r->user->tz)))}, fe);
		FORM_SELECT_CODE(b, "means", "Moyen", LEGAL_MEANS, typed(r, "means", "courrier"), fe);
		form_input(b, &(form_field){.name = "reference", .label = "Référence (bordereau, n° de dépôt)", .value = typed(r, "reference", NULL)},
		           fe);
		html_lit(b, "</div>");
		step_close(r, "Enregistrer la transmission", false);
	}
	if (is(f->status, "transmis")) {
		step_open(r, f, "reponse", "Réponse de l’organisme");
		html_lit(b, "<div class=\"grid\">");
		FORM_SELECT_CODE(b, "answer", "Réponse", LEGAL_ANSWERS, typed(r, "answer", ""), fe);
		form_input(b, &(form_field){.name = "answer_on", .label = "Reçue le", .type = "date",
		                            .value = typed(r, "answer_on", civil_iso(r->a, civil_today(r->user->tz)))}, fe);
		form_input(b, &(form_field){.name = "amount", .label = "Montant (€, s’il y en a un)", .value = typed(r, "amount", NULL)}, fe);
		form_input(b, &(form_field){.name = "from", .label = "Droits à partir du", .type = "date", .value = typed(r, "from", NULL)}, fe);
		form_input(b, &(form_field){.name = "to", .label = "Jusqu’au", .type = "date", .value = typed(r, "to", NULL)}, fe);
		html_lit(b, "</div>");
		step_close(r, "Enregistrer la réponse", false);
	}
	step_open(r, f, "clore", "Clore le dossier");
	step_close(r, "Clore le dossier", true);
	html_lit(b, "</section>");
	page_end(r);
}

static void file_page(web_req *r)
{
	legal_file f;
	if (!legal_file_load(r->db, r->a, r->param[0], &f)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "legal_file", f.id, NULL);
	file_render(r, &f, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL, NULL);
}

static void action_post(web_req *r)
{
	legal_file f;
	if (!legal_file_load(r->db, r->a, r->param[0], &f)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL, *action = web_field(r, "action");
	legal_ctx x = LEGAL_CTX(r);
	err e = legal_act(&x, &f, action ? action : "", &r->form, &fe, &why);
	if (e == E_INPUT || e == E_CONFLICT) {
		r->status = e == E_INPUT ? 400 : 409;
		legal_file now;
		if (e == E_CONFLICT && legal_file_load(r->db, r->a, f.id, &now))
			f = now;
		file_render(r, &f, &fe, why, "error");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, e == E_NOT_FOUND ? "Étape inconnue." : NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/aide-legale/%lld?ok=1", (long long)f.id));
}

/* The receipt handed to the person at lodging: what was given, what is
 * missing, the body it goes to and the day it leaves at the latest. */
static void receipt_pdf(web_req *r)
{
	legal_file f;
	structure_info s;
	person_brief p;
	if (!legal_file_load(r->db, r->a, r->param[0], &f)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	pdf_doc *pd = accounts_pdf_letter(r, "Récépissé de dépôt", &s);
	if (!pd)
		return;
	pdf_space(pd, 2);
	pdf_heading(pd, arena_printf(r->a, "Récépissé de dépôt — %s", f.kind_label));
	pdf_space(pd, 6);
	if (f.person_id && persons_person_brief(r->db, r->a, f.person_id, &p) == E_OK)
		pdf_field(pd, "Personne", arena_printf(r->a, "%s %s", p.first_names, p.last_name));
	pdf_field(pd, "N° de dossier du foyer", persons_file_no(r->db, r->a, f.household_id));
	pdf_field(pd, "Déposé le", arena_printf(r->a, "%s, %s", civil_fr(r->a, f.lodged_on), strcmp(f.lodged_by, "tiers") ? "par la personne"
	                                                                                                            : "par un tiers pour elle"));
	pdf_field(pd, "Organisme qui décide", *f.body ? f.body : "non renseigné");
	pdf_field(pd, "Pièces remises", *f.pieces_received ? f.pieces_received : "aucune à ce jour");
	const char *missing = legal_missing(r->a, &f);
	pdf_field(pd, "Pièces à fournir", *missing ? missing : "aucune");
	pdf_space(pd, 6);
	pdf_para(pd, arena_printf(r->a, "Le CCAS transmettra votre dossier à l’organisme qui décide%s au plus tard le %s, complet ou "
	                                "non : les pièces qui manqueraient lui seront signalées. C’est cet organisme qui décide et vous répond.",
	                          *f.body ? arena_printf(r->a, " (%s)", f.body) : "", civil_fr(r->a, f.due_on)));
	if (*s.phone)
		pdf_para(pd, arena_printf(r->a, "Pour toute question : %s.", s.phone));
	pdf_space(pd, 8);
	pdf_small(pd, arena_printf(r->a, "Délivré le %s", civil_fr(r->a, civil_iso(r->a, civil_today(r->user->tz)))));
	if (pdf_send(r, pd, "recepisse.pdf"))
		journal_record(r->db, r->user->id, "export", "legal_file", f.id, "receipt");
}

static void oblige_post(web_req *r)
{
	legal_file f;
	if (!legal_file_load(r->db, r->a, r->param[0], &f)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	int64_t id = 0;
	legal_ctx x = LEGAL_CTX(r);
	err e = r->nparams > 1 ? legal_oblige_answer(&x, &f, r->param[1], &r->form, &fe) : legal_oblige_add(&x, &f, &r->form, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		/* The add form's fields are scoped « obl »; an answer's errors are summarised. */
		file_render(r, &f, &fe, NULL, NULL);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/aide-legale/%lld?ok=1#t-obl", (long long)f.id));
}

/* ---- forwarding slips ------------------------------------------------------------------------- */

static void slip_post(web_req *r)
{
	int64_t *ids = NULL;
	int n = 0, cap = 0;
	bool bad = false;
	for (int i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.items[i].name, "id"))
			continue;
		int64_t *slot = ARENA_PUSH(r->a, ids, n, cap);
		if (!slot || !text_to_int64(r->form.items[i].value, 1, INT64_MAX, slot))
			bad = true;
	}
	form_errors fe = {0};
	const char *ref = NULL, *typed_ref = web_field(r, "reference");
	legal_ctx x = LEGAL_CTX(r);
	if (bad)
		form_error(&fe, "id", "Un dossier coché n’est pas reconnu : rechargez la liste.");
	err e = bad ? E_INPUT : legal_forward_batch(&x, ids, n, web_field(r, "forwarded_on"), web_field(r, "means"),
	                                             typed_ref && *typed_ref ? typed_ref : NULL, &fe, &ref);
	if (e == E_INPUT || e == E_CONFLICT) {
		r->status = e == E_INPUT ? 400 : 409;
		page_begin(r, "Bordereau de transmission");
		if (e == E_CONFLICT)
			form_error(&fe, "id", "Un dossier coché a changé entre-temps : rechargez la liste.");
		form_error_summary(&r->out, &fe);
		html_lit(&r->out, "<p><a href=\"/aide-legale?liste=a_transmettre\">Revenir à la liste des dossiers à transmettre</a> "
		                  "(aucun n’a été transmis).</p>");
		page_end(r);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/aide-legale/bordereau?ref=%s", text_url_encode(r->a, ref)));
}

static void slip_page(web_req *r)
{
	const char *ref = web_arg(r, "ref");
	legal_file *v;
	int n = legal_slip(r->db, r->a, ref, &v);
	if (n <= 0) {
		web_error(r, E_NOT_FOUND, "Aucun dossier n’a été transmis avec ce bordereau.");
		return;
	}
	page_begin(r, arena_printf(r->a, "Bordereau %s", ref));
	page_notice(r, "ok", arena_printf(r->a, "%d dossier%s transmis à %s.", n, n > 1 ? "s" : "", *v[0].body ? v[0].body : "l’organisme"));
	html_printf(&r->out, "<p><a href=\"/aide-legale/bordereau.pdf?ref=%s\">Imprimer le bordereau (PDF)</a></p><ul>",
	            text_url_encode(r->a, ref));
	for (int i = 0; i < n; i++)
		html_printf(&r->out, "<li><a href=\"/aide-legale/%lld\">%s — %s</a></li>", (long long)v[i].id, who(r, &v[i]), v[i].kind_label);
	html_lit(&r->out, "</ul>");
	page_end(r);
}

static void slip_pdf(web_req *r)
{
	const char *ref = web_arg(r, "ref");
	legal_file *v;
	structure_info s;
	int n = legal_slip(r->db, r->a, ref, &v);
	if (n <= 0) {
		web_error(r, E_NOT_FOUND, "Aucun dossier n’a été transmis avec ce bordereau.");
		return;
	}
	pdf_doc *pd = accounts_pdf_letter(r, "Bordereau de transmission", &s);
	if (!pd)
		return;
	pdf_heading(pd, arena_printf(r->a, "Bordereau de transmission n° %s", ref));
	pdf_field(pd, "Destinataire", *v[0].body ? v[0].body : "non renseigné");
	pdf_field(pd, "Transmis le", arena_printf(r->a, "%s (%s)", civil_fr(r->a, v[0].forwarded_on), CODE_LABEL(LEGAL_MEANS, v[0].forward_means)));
	pdf_field(pd, "Nombre de dossiers", arena_printf(r->a, "%d", n));
	pdf_space(pd, 6);
	for (int i = 0; i < n; i++) {
		person_brief p;
		const char *person = v[i].person_id && persons_person_brief(r->db, r->a, v[i].person_id, &p) == E_OK
		                         ? arena_printf(r->a, "%s %s, né(e) le %s", p.last_name, p.first_names, *p.birth_date ? civil_fr(r->a, p.birth_date) : "non renseigné")
		                         : "personne non renseignée";
		pdf_section(pd, arena_printf(r->a, "%d. %s — %s", i + 1, v[i].kind_label, person));
		pdf_field(pd, "Déposé au CCAS le", civil_fr(r->a, v[i].lodged_on));
		pdf_field(pd, "Pièces jointes", *v[i].pieces_received ? v[i].pieces_received : "aucune");
		pdf_field(pd, "Pièces manquantes", *v[i].forwarded_missing ? v[i].forwarded_missing : "aucune");
		if (*v[i].opinion)
			pdf_field(pd, "Avis du CCAS", arena_printf(r->a, "%s : %s", CODE_LABEL(LEGAL_OPINIONS, v[i].opinion), v[i].opinion_reason));
	}
	pdf_space(pd, 8);
	pdf_para(pd, "Les dossiers sont transmis dans le mois qui suit leur dépôt, complets ou non (CASF L131-1) ; les pièces manquantes "
	             "sont listées pour chacun.");
	if (pdf_send(r, pd, "bordereau.pdf"))
		journal_record(r->db, r->user->id, "export", "legal_file", v[0].id, "slip");
}

/* ---- the catalogue --------------------------------------------------------------------------- */

static void kind_fields(web_req *r, const legal_kind *k, const form_errors *fe, bool fresh)
{
	buf *b = &r->out;
	html_lit(b, "<div class=\"grid\">");
	if (fresh)
		form_input(b, &(form_field){.name = "code", .label = "Code", .required = true, .value = typed(r, "code", NULL),
		                            .hint = "Lettres minuscules, chiffres et _ : « aide_menagere »."}, fe);
	form_input(b, &(form_field){.name = "label", .label = "Nom", .required = true, .value = typed(r, "label", k ? k->label : NULL)}, fe);
	form_input(b, &(form_field){.name = "body", .label = "Organisme qui décide", .value = typed(r, "body", k ? k->body : NULL)}, fe);
	form_input(b, &(form_field){.name = "answer_days", .label = "Délai habituel de réponse (jours)",
	                            .value = typed(r, "answer_days", k ? arena_printf(r->a, "%d", k->answer_days) : "60")}, fe);
	form_input(b, &(form_field){.name = "renewal_months", .label = "Renouvellement (mois, 0 si aucun)",
	                            .value = typed(r, "renewal_months", k ? arena_printf(r->a, "%d", k->renewal_months) : "0")}, fe);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "pieces", .label = "Pièces demandées", .type = "textarea",
	                            .value = typed(r, "pieces", k ? k->pieces : NULL), .hint = "Séparées par des virgules."}, fe);
	const char *sc = form_scope_get();
	html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"op-%s\" name=\"opinion\" value=\"1\"%s><label for=\"op-%s\">"
	               "L’avis motivé du CCAS accompagne le dossier</label></div>", sc, k && k->opinion ? " checked" : "", sc);
	if (!fresh)
		html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"ac-%s\" name=\"active\" value=\"1\"%s><label for=\"ac-%s\">"
		               "Proposé au dépôt</label></div>", sc, k->active ? " checked" : "", sc);
}

static void kinds_render(web_req *r, const form_errors *fe, int64_t failed)
{
	page_begin(r, "Aide sociale légale — types de dossiers");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	legal_kind *k;
	int n = legal_kinds(r->db, r->a, false, &k);
	html_table(b, "Types de dossiers", 0, "Type", "Organisme", "Pièces demandées", "Avis du CCAS", "#Réponse sous (jours)",
	           "#Renouvellement (mois)", "Proposé");
	for (int i = 0; i < n; i++)
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%s</td><td>%s</td></tr>",
		            k[i].label, *k[i].body ? k[i].body : "non renseigné", *k[i].pieces ? k[i].pieces : "aucune",
		            k[i].opinion ? "oui" : "non", k[i].answer_days,
		            k[i].renewal_months ? arena_printf(r->a, "%d", k[i].renewal_months) : "—", k[i].active ? "oui" : "non");
	html_table_close(b);
	if (web_can(r, PERM_LEGAL_KINDS)) {
		for (int i = 0; i < n; i++) {
			bool open = failed == k[i].id;
			html_printf(b, "<details%s><summary>Modifier : %s</summary>", open ? " open" : "", k[i].label);
			form_scope(arena_printf(r->a, "k%lld", (long long)k[i].id));
			form_begin(r, "<form method=\"post\" action=\"/aide-legale/types/%lld\" class=\"compact\" novalidate>", (long long)k[i].id);
			kind_fields(r, &k[i], open ? fe : NULL, false);
			html_lit(b, "<button type=\"submit\">Enregistrer</button></form></details>");
			form_scope(NULL);
		}
		html_lit(b, "<h2>Ajouter un type de dossier</h2>");
		form_scope("nk");
		form_begin(r, "<form method=\"post\" action=\"/aide-legale/types\" class=\"compact\" novalidate>");
		form_error_summary(b, failed == 0 ? fe : NULL);
		kind_fields(r, NULL, failed == 0 ? fe : NULL, true);
		html_lit(b, "<button type=\"submit\" class=\"primary\">Ajouter</button></form>");
		form_scope(NULL);
	}
	page_end(r);
}

static void kinds_page(web_req *r) { kinds_render(r, NULL, -1); }

static void kind_post(web_req *r)
{
	form_errors fe = {0};
	int64_t id = r->nparams ? r->param[0] : 0, out = 0;
	err e = legal_kind_save(r->db, r->user->id, id, &r->form, &fe, &out);
	if (e == E_INPUT) {
		r->status = 400;
		kinds_render(r, &fe, id);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/aide-legale/types?ok=1");
}

/* ---- what other pages show -------------------------------------------------------------------- */

void legal_section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	legal_file *v;
	int n = module_section_has_rows(r) ? legal_of_household(r->db, r->a, hid, &v) : 0;
	html_lit(b, "<section aria-labelledby=\"t-legal\"><h2 id=\"t-legal\">Aide sociale légale</h2>");
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++) {
			bool late = false;
			const char *left = is(v[i].status, "ouvert") ? days_left(r, v[i].due_on, &late) : "";
			html_printf(b, "<li><a href=\"/aide-legale/%lld\">%s</a> — déposé le %s — %s%s%s</li>", (long long)v[i].id, v[i].kind_label,
			            civil_fr(r->a, v[i].lodged_on), CODE_LABEL(LEGAL_STATES, v[i].status), *left ? ", à transmettre " : "", left);
		}
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucun dossier.</p>");
	}
	if (web_can(r, PERM_LEGAL_WRITE))
		html_printf(b, "<p><a href=\"/aide-legale/nouveau?foyer=%lld\">Déposer un dossier (APA, ASH, MDPH, CSS…)</a></p>", (long long)hid);
	html_lit(b, "</section>");
}

void legal_widget(web_req *r)
{
	legal_ctx x = LEGAL_CTX(r);
	legal_counts c;
	bool counted = legal_counts_of(&x, &c) == E_OK;
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-hl\"><h2 id=\"t-hl\">Aide sociale légale</h2><ul>");
	if (!counted) { /* never « rien en attente » for a count not made */
		html_lit(b, "<li>Les dossiers n’ont pas pu être comptés : rechargez la page.</li></ul></section>");
		return;
	}
	if (c.late)
		html_printf(b, "<li><a class=\"warn\" href=\"/aide-legale?liste=en_retard\"><strong>%lld dossier%s en retard</strong> (déposé%s il y a "
		               "plus d’un mois, non transmis)</a></li>", (long long)c.late, c.late > 1 ? "s" : "", c.late > 1 ? "s" : "");
	if (c.soon)
		html_printf(b, "<li><a href=\"/aide-legale?liste=a_transmettre\">%lld à transmettre dans les 7 jours</a></li>", (long long)c.soon);
	if (c.waiting_long)
		html_printf(b, "<li><a href=\"/aide-legale?liste=attente_longue\">%lld réponse%s attendue%s depuis plus que d’habitude</a></li>",
		            (long long)c.waiting_long, c.waiting_long > 1 ? "s" : "", c.waiting_long > 1 ? "s" : "");
	if (c.renewals)
		html_printf(b, "<li><a href=\"/aide-legale?liste=renouvellements\">%lld renouvellement%s sous 60 jours</a></li>", (long long)c.renewals,
		            c.renewals > 1 ? "s" : "");
	if (!c.late && !c.soon && !c.waiting_long && !c.renewals)
		html_lit(b, "<li>Rien en attente.</li>");
	html_lit(b, "</ul></section>");
}

void legal_pages_init(void)
{
	web_route(M_GET, "/aide-legale", list_page, PERM_LEGAL_READ, 0, "Aide sociale légale : listes de travail");
	web_route(M_GET, "/aide-legale/export.csv", export_csv, PERM_LEGAL_READ, 0, "Aide sociale légale : exporter une liste (CSV)");
	web_route(M_GET, "/aide-legale/nouveau", new_get, PERM_LEGAL_WRITE, 0, "Aide sociale légale : déposer un dossier");
	web_route(M_POST, "/aide-legale", create_post, PERM_LEGAL_WRITE, 0, "Aide sociale légale : enregistrer un dépôt");
	web_route(M_POST, "/aide-legale/bordereau", slip_post, PERM_LEGAL_WRITE, 0, "Aide sociale légale : transmettre avec un bordereau");
	web_route(M_GET, "/aide-legale/bordereau", slip_page, PERM_LEGAL_READ, 0, "Aide sociale légale : un bordereau");
	web_route(M_GET, "/aide-legale/bordereau.pdf", slip_pdf, PERM_LEGAL_READ, 0, "Aide sociale légale : bordereau (PDF)");
	web_route(M_GET, "/aide-legale/types", kinds_page, PERM_LEGAL_READ, 0, "Aide sociale légale : types de dossiers");
	web_route(M_POST, "/aide-legale/types", kind_post, PERM_LEGAL_KINDS, 0, "Aide sociale légale : ajouter un type");
	web_route(M_POST, "/aide-legale/types/{id}", kind_post, PERM_LEGAL_KINDS, 0, "Aide sociale légale : modifier un type");
	web_route(M_GET, "/aide-legale/{id}", file_page, PERM_LEGAL_READ, 0, "Aide sociale légale : un dossier");
	web_route(M_GET, "/aide-legale/{id}/recepisse.pdf", receipt_pdf, PERM_LEGAL_READ, 0, "Aide sociale légale : récépissé de dépôt (PDF)");
	web_route(M_POST, "/aide-legale/{id}/obliges", oblige_post, PERM_LEGAL_WRITE, 0, "Aide sociale légale : ajouter un obligé alimentaire");
	web_route(M_POST, "/aide-legale/{id}/obliges/{id}", oblige_post, PERM_LEGAL_WRITE, 0,
	          "Aide sociale légale : réponse d’un obligé alimentaire");
	web_route(M_POST, "/aide-legale/{id}/action", action_post, PERM_LEGAL_WRITE, 0, "Aide sociale légale : étape d’un dossier");
}
