/*
 * domiciliation_pages.c — the pages of élection de domicile: the working
 * lists, the request form, a domiciliation's file (its actions by status
 * and role), the mail counter, the household page's section and the home
 * page's figures. The actions' answers are in domiciliation_actions.c.
 */
#include <stddef.h>
#include "modules/domiciliation/domiciliation_internal.h"
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define PAGE 50

const char *domi_person_name(web_req *r, int64_t pid, person_brief *p)
{
	if (persons_person_brief(r->db, r->a, pid, p) != E_OK)
		return "?";
	return arena_printf(r->a, "%s %s", p->last_name, p->first_names);
}

static const char *s_(const char *x) { return x ? x : ""; }

/* ---- the working lists ----------------------------------------------------------------- */

static void list_page(web_req *r)
{
	static const struct {
		const char *key, *title;
		domi_list_kind kind;
	} LISTS[] = {
		{"", "Domiciliations", DOMI_LIST_ALL},
		{"expire15", "Domiciliations qui expirent sous 15 jours", DOMI_LIST_EXPIRING15},
		{"expire60", "Domiciliations qui expirent sous 60 jours", DOMI_LIST_EXPIRING60},
		{"sans_contact", "Sans contact depuis plus de trois mois", DOMI_LIST_NO_CONTACT},
		{"delai", "Demandes sans réponse depuis plus de deux mois", DOMI_LIST_LATE},
	};
	const char *filter = web_arg(r, "liste"), *status = web_arg(r, "statut"), *ps = web_arg(r, "page");
	int li = 0;
	for (int i = 0; filter && i < COUNTOF(LISTS); i++)
		if (!strcmp(filter, LISTS[i].key))
			li = i;
	filter = LISTS[li].key;
	status = status && CODE_OK(DOMI_STATUS, status) ? status : "";
	int64_t page = 1;
	if (ps && !text_to_int64(ps, 1, 100000, &page))
		page = 1;
	/* « À la date du »: the lists as they stood (or will stand) that day. */
	civil_date on = civil_today(r->user->tz);
	const char *ds = web_arg(r, "date"), *bad_date = NULL;
	if (ds && *ds && !civil_parse(ds, &on)) {
		bad_date = "La date doit être au format AAAA-MM-JJ : les listes sont calculées à la date du jour.";
		on = civil_today(r->user->tz);
	}
	const char *on_iso = civil_iso(r->a, on);
	domi_line *v;
	bool more = false;
	int n = domi_list(r->db, r->a, LISTS[li].kind, status, on, PAGE, (page - 1) * PAGE, &v, &more);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	page_begin(r, LISTS[li].title);
	buf *b = &r->out;
	if (web_arg(r, "importees"))
		page_notice(r, "ok", arena_printf(r->a, "%s domiciliation(s) importée(s).", web_arg(r, "importees")));
	else if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_lit(b, "<nav class=\"pager\" aria-label=\"Listes\"><ul><li><a href=\"/domiciliation\">Toutes</a></li>"
	            "<li><a href=\"?liste=expire15\">Expirent sous 15 jours</a></li><li><a href=\"?liste=expire60\">Sous 60 jours</a></li>"
	            "<li><a href=\"?liste=sans_contact\">Sans contact depuis plus de 3 mois</a></li>"
	            "<li><a href=\"?liste=delai\">Délai de réponse dépassé</a></li>");
	/* Only what the reader's role opens. */
	static const struct { const char *href, *label; } tools[] = {
		{"/domiciliation/courrier", "Guichet courrier"}, {"/domiciliation/nouvelle", "Nouvelle demande"},
		{"/domiciliation/rapport", "Rapport annuel"}, {"/domiciliation/exporter", "Export (OpenCCAS, modèle DomiFa)"},
		{"/domiciliation/import", "Import"}};
	for (int i = 0; i < COUNTOF(tools); i++)
		if (web_may(r, M_GET, tools[i].href))
			html_printf(b, "<li><a href=\"%s\">%s</a></li>", tools[i].href, tools[i].label);
	html_lit(b, "</ul></nav>");
	if (bad_date)
		page_notice(r, "error", bad_date);
	html_printf(b, "<form method=\"get\" action=\"/domiciliation\" class=\"filters\"><input type=\"hidden\" name=\"liste\" value=\"%s\">", filter);
	html_printf(b, "<div class=\"field\"><label for=\"dl-date\">À la date du</label><input id=\"dl-date\" name=\"date\" type=\"date\" "
	               "value=\"%s\"></div>", ds && *ds ? ds : on_iso);
	code statuses[COUNTOF(DOMI_STATUS) + 1] = {{"", "Tous les statuts"}};
	for (int i = 0; i < COUNTOF(DOMI_STATUS); i++)
		statuses[i + 1] = DOMI_STATUS[i];
	FORM_SELECT_CODE(b, "statut", "Statut", statuses, status, NULL);
	html_lit(b, "<button type=\"submit\">Filtrer</button></form>");
	bool strike_list = LISTS[li].kind == DOMI_LIST_NO_CONTACT && web_can(r, PERM_DOMI_DECIDE);
	if (strike_list)
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/radiations\" data-confirm=\"Radier les personnes cochées ?\">");
	if (strike_list)
		html_table(b, "Domiciliations", 0, "Radier", "N°", "Personne", "Statut", "Demande", "Fin de validité", "Dernier contact");
	else
		html_table(b, "Domiciliations", 0, "N°", "Personne", "Statut", "Demande", "Fin de validité", "Dernier contact");
	/* The persons of the page: a statement for fifty rows, not one a row. */
	persons_row_who *w = persons_rows_who(r->db, r->a, v, sizeof *v, offsetof(domi_line, person_id), PERSONS_NO_HOUSEHOLD, n);
	for (int i = 0; w && i < n; i++) {
		const char *name = w[i].p.id ? arena_printf(r->a, "%s %s", w[i].p.last_name, w[i].p.first_names) : "?";
		html_lit(b, "<tr>");
		if (strike_list)
			html_printf(b, "<td><input type=\"checkbox\" name=\"id\" value=\"%lld\" id=\"c%lld\" aria-label=\"Radier %s\"></td>",
			            (long long)v[i].id, (long long)v[i].id, name);
		html_printf(b, "<td class=\"num\">%lld</td><td><a href=\"/domiciliation/%lld\">%s</a></td><td>%s%s</td><td>%s</td><td>%s</td>"
		               "<td>%s</td></tr>",
		            (long long)v[i].num, (long long)v[i].id, name, CODE_LABEL(DOMI_STATUS, v[i].status), v[i].renewal_asked ? " (renouvellement demandé)" : "",
		            civil_fr(r->a, v[i].requested_on), civil_fr(r->a, v[i].end_on), civil_fr(r->a, v[i].last_contact_on));
	}
	html_table_close(b);
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune domiciliation dans cette liste.</p>");
	if (strike_list) {
		if (n)
			html_lit(b, "<p>Motif : aucun contact depuis plus de trois mois consécutifs (le retrait du courrier par un mandataire ne compte pas).</p>"
			            "<button type=\"submit\" class=\"primary\">Radier les personnes cochées</button>");
		html_lit(b, "</form>");
	}
	if (page > 1)
		html_printf(b, "<p><a href=\"?liste=%s&amp;statut=%s&amp;date=%s&amp;page=%lld\">Page précédente</a></p>", filter, status, on_iso,
		            (long long)(page - 1));
	if (more)
		html_printf(b, "<p><a href=\"?liste=%s&amp;statut=%s&amp;date=%s&amp;page=%lld\">Page suivante</a></p>", filter, status, on_iso,
		            (long long)(page + 1));
	page_end(r);
}

/* ---- the request ------------------------------------------------------------------------- */

static void request_form(web_req *r, int64_t hid, const request_in *in, const form_errors *fe)
{
	page_begin(r, "Demande de domiciliation");
	buf *b = &r->out;
	form_error_summary(b, fe);
	form_begin(r, "<form method=\"post\" action=\"/domiciliation\" novalidate>");
	html_lit(b, "<div class=\"grid\">");
	person_brief *m = NULL;
	int nm = hid ? persons_household_members(r->db, r->a, hid, &m) : 0;
	code *people = nm > 0 ? arena_array(r->a, (size_t)nm, sizeof *people) : NULL;
	if (people) {
		for (int i = 0; i < nm; i++)
			people[i] = (code){arena_printf(r->a, "%lld", (long long)m[i].id), arena_printf(r->a, "%s %s", m[i].last_name, m[i].first_names)};
		form_select_code(b, "person", "Personne", people, nm, in ? in->person : NULL, fe);
	} else {
		form_input(b, &(form_field){.name = "person", .label = "N° de la personne", .required = true, .value = in ? in->person : NULL}, fe);
	}
	form_input(b, &(form_field){.name = "requested", .label = "Date de la demande", .type = "date", .required = true,
	                            .value = in && in->requested ? in->requested : civil_iso(r->a, civil_today(r->user->tz))}, fe);
	form_input(b, &(form_field){.name = "interview", .label = "Date de l’entretien", .type = "date", .value = in ? in->interview : NULL,
	                            .hint = "L’entretien est obligatoire avant la décision."}, fe);
	form_input(b, &(form_field){.name = "place", .label = "Lieu de l’entretien", .value = in ? in->place : NULL}, fe);
	FORM_SELECT_CODE(b, "link", "Lien avec la commune (R264-4)", DOMI_LINK, in ? in->link : "", fe);
	FORM_SELECT_CODE(b, "htype", "Composition du ménage", DOMI_HTYPE, in ? in->htype : "", fe);
	FORM_SELECT_CODE(b, "cause", "Cause de l’instabilité du logement", DOMI_CAUSE, in ? in->cause : "", fe);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "reason", .label = "Motif de la demande", .type = "textarea", .value = in ? in->reason : NULL}, fe);
	html_printf(b, "<div class=\"radio\"><input type=\"checkbox\" id=\"f-noneu\" name=\"noneu\" value=\"1\"%s><label for=\"f-noneu\">"
	               "Ressortissant hors UE sans titre de séjour : domiciliation limitée à l’AME, à l’aide juridictionnelle et à "
	               "l’exercice des droits civils (L264-2)</label></div>", in && in->noneu && *in->noneu ? " checked" : "");
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer la demande</button></form>");
	page_end(r);
}

static void request_get(web_req *r)
{
	int64_t hid = 0;
	const char *h = web_arg(r, "foyer");
	if (h && (!text_to_int64(h, 1, INT64_MAX, &hid) || !persons_household_exists(r->db, hid))) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	request_form(r, hid, NULL, NULL);
}

static void request_post(web_req *r)
{
	request_in in = {web_field(r, "person"), web_field(r, "requested"), web_field(r, "interview"), web_field(r, "place"),
	                 web_field(r, "link"), web_field(r, "htype"), web_field(r, "cause"), web_field(r, "reason"),
	                 web_field(r, "noneu")};
	form_errors fe = {0};
	int64_t id;
	domi_ctx x = DOMI_CTX(r);
	err e = domi_request_add(&x, &in, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		int64_t pid = 0;
		person_brief p;
		int64_t hid = in.person && text_to_int64(in.person, 1, INT64_MAX, &pid) &&
		              persons_person_brief(r->db, r->a, pid, &p) == E_OK ? p.household_id : 0;
		request_form(r, hid, &in, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domiciliation/%lld?ok=1", (long long)id));
}

/* ---- a domiciliation's file ----------------------------------------------------------------- */

/* What the user typed in the refused form, else the default. */
static const char *typed(web_req *r, const form_errors *fe, const char *name, const char *dflt)
{
	const char *v = fe && fe->n ? web_field(r, name) : NULL;
	return v ? v : dflt;
}

/* The errors of a refused form, for that form only (the page has several). */
static const form_errors *posted(web_req *r, const form_errors *fe, const char *suffix)
{
	size_t n = strlen(r->path), k = strlen(suffix);
	return fe && n >= k && !strcmp(r->path + n - k, suffix) ? fe : NULL;
}

/* « Effectué le », today by default, the day typed kept when refused. */
static void done_on(web_req *r, const form_errors *fe, civil_date t)
{
	form_input(&r->out, &(form_field){.name = "done_on", .label = "Effectué le", .type = "date",
	                                  .value = typed(r, fe, "done_on", civil_iso(r->a, t))}, fe);
}

static void actions_main(web_req *r, const domi *d, const form_errors *fe0, civil_date t)
{
	const form_errors *fe = fe0;
	buf *b = &r->out;
	const char *st = d->status;
	long long id = (long long)d->id;
	if (!strcmp(st, "instruction") && web_can(r, PERM_DOMI_INSTRUCT)) {
		html_lit(b, "<h2>Entretien et transmission pour décision</h2>");
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/transmettre\" class=\"compact\" novalidate>", id);
		html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\"><div class=\"grid\">", (long long)d->version);
		form_input(b, &(form_field){.name = "interview", .label = "Date de l’entretien", .type = "date", .required = true,
		                            .value = typed(r, fe, "interview", d->interview_on)}, fe);
		form_input(b, &(form_field){.name = "place", .label = "Lieu de l’entretien", .required = true,
		                            .value = typed(r, fe, "place", d->interview_place)}, fe);
		FORM_SELECT_CODE(b, "link", "Lien avec la commune", DOMI_LINK, typed(r, fe, "link", d->link), fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Transmettre pour décision</button></form>");
	}
	if ((!strcmp(st, "attente_decision") || (!strcmp(st, "active") && d->renewal_on)) && web_can(r, PERM_DOMI_DECIDE)) {
		static const code OUTCOMES[] = {{"accepter", "Accepter"}, {"refuser", "Refuser (absence de lien avec la commune)"}};
		html_printf(b, "<h2>%s</h2>", d->renewal_on ? "Décision sur le renouvellement" : "Décision");
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/decision\" class=\"compact\" novalidate>", id);
		html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\"><div class=\"grid\">", (long long)d->version);
		FORM_SELECT_CODE(b, "outcome", "Décision", OUTCOMES, typed(r, fe, "outcome", "accepter"), fe);
		form_input(b, &(form_field){.name = "start", .label = "Début de validité", .type = "date", .value = typed(r, fe, "start", NULL),
		                            .hint = "Par défaut : aujourd’hui, ou le lendemain de la fin actuelle pour un renouvellement."}, fe);
		form_input(b, &(form_field){.name = "end", .label = "Fin de validité", .type = "date", .value = typed(r, fe, "end", NULL),
		                            .hint = "Par défaut : début + 1 an − 1 jour."}, fe);
		form_input(b, &(form_field){.name = "orientation", .label = "Orientation (en cas de refus)",
		                            .value = typed(r, fe, "orientation", NULL)}, fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Enregistrer la décision</button></form>");
	}
	if (!strcmp(st, "active")) {
		/* The mail counter for this person. */
		html_lit(b, "<h2>Courrier en attente</h2>");
		domi_mail_count *mc;
		int nm = domi_mail_waiting(r->db, r->a, d->id, &mc);
		int64_t waiting = 0;
		if (nm > 0) {
			html_lit(b, "<ul>");
			for (int i = 0; i < nm; i++) {
				waiting += mc[i].count;
				html_printf(b, "<li>%s : %lld</li>", CODE_LABEL(DOMI_MAIL, mc[i].kind), (long long)mc[i].count);
			}
			html_lit(b, "</ul>");
		}
		if (!waiting)
			html_lit(b, "<p class=\"muted\">Aucun courrier en attente.</p>");
		fe = posted(r, fe0, "/courrier");
		form_scope("ma");
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/courrier\" class=\"compact\" novalidate>", id);
		html_lit(b, "<div class=\"grid\">");
		FORM_SELECT_CODE(b, "kind", "Type", DOMI_MAIL, typed(r, fe, "kind", "lettre"), fe);
		form_input(b, &(form_field){.name = "count", .label = "Nombre", .type = "number", .value = typed(r, fe, "count", "1")}, fe);
		done_on(r, fe, t);
		html_lit(b, "</div><button type=\"submit\">Enregistrer l’arrivée</button></form>");
		if (waiting) {
			domi_proxy *px;
			int np = domi_proxies(r->db, r->a, d->id, &px);
			code *to = arena_array(r->a, (size_t)(np > 0 ? np : 0) + 3, sizeof *to);
			if (to) {
				int k = 0;
				to[k++] = (code){"personne", "La personne"};
				for (int i = 0; i < np; i++)
					to[k++] = (code){arena_printf(r->a, "%lld", (long long)px[i].id),
					                 arena_printf(r->a, "Mandataire : %s (du %s au %s)", px[i].name, civil_fr(r->a, px[i].from_on),
					                              civil_fr(r->a, px[i].to_on))};
				to[k++] = (code){"reexpedie", "Réexpédié"};
				to[k++] = (code){"retourne", "Retourné à l’expéditeur"};
				fe = posted(r, fe0, "/remise");
				form_scope("re");
				form_begin(r, "<form id=\"remise\" method=\"post\" action=\"/domiciliation/%lld/remise\" class=\"compact\" novalidate>", id);
				html_lit(b, "<div class=\"grid\">");
				form_select_code(b, "to", "Remis à", to, k, typed(r, fe, "to", "personne"), fe);
				form_input(b, &(form_field){.name = "forward", .label = "Adresse de réexpédition (si réexpédié)",
				                            .value = typed(r, fe, "forward", NULL)}, fe);
				done_on(r, fe, t);
				html_lit(b, "</div><button type=\"submit\" class=\"primary\">Remettre tout le courrier en attente</button></form>");
			}
		}
		html_lit(b, "<h2>Contact</h2>");
		fe = posted(r, fe0, "/contact");
		form_scope("co");
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/contact\" class=\"compact\" novalidate>", id);
		html_lit(b, "<div class=\"grid\">");
		FORM_SELECT_CODE(b, "contact_kind", "Type de contact", DOMI_CONTACT_KINDS, typed(r, fe, "contact_kind", "visite"), fe);
		done_on(r, fe, t);
		html_lit(b, "</div><button type=\"submit\">Enregistrer le contact</button></form>");
		form_scope(NULL);
		fe = fe0;
		if (!d->renewal_on && web_can(r, PERM_DOMI_INSTRUCT)) {
			html_lit(b, "<h2>Renouvellement</h2>");
			form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/renouvellement\" class=\"compact\" novalidate>", id);
			html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)d->version);
			form_input(b, &(form_field){.name = "interview", .label = "Date de l’entretien de renouvellement", .type = "date",
			                            .required = true, .value = typed(r, fe, "interview", civil_iso(r->a, t))}, fe);
			html_lit(b, "<button type=\"submit\">Demander le renouvellement</button></form>");
		}
		if (web_can(r, PERM_DOMI_DECIDE)) {
			html_lit(b, "<h2>Radiation</h2>");
			form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/radiation\" class=\"compact\" "
			              "data-confirm=\"Radier cette domiciliation ?\">", id);
			FORM_SELECT_CODE(b, "motive", "Motif", DOMI_STRIKE, typed(r, fe, "motive", "demande"), fe);
			html_lit(b, "<button type=\"submit\">Radier</button></form>");
		}
	}
	if (!strcmp(st, "radiee") && web_can(r, PERM_DOMI_DECIDE)) {
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/annuler-radiation\" class=\"compact\" "
		              "data-confirm=\"Annuler la radiation ?\">", id);
		html_lit(b, "<button type=\"submit\">Annuler une radiation faite par erreur</button></form>");
	}
}

static void actions_side(web_req *r, const domi *d, const form_errors *fe, civil_date t)
{
	buf *b = &r->out;
	long long id = (long long)d->id;
	if (!strcmp(d->status, "active")) {
		html_lit(b, "<h2>Mandataires</h2>");
		domi_proxy *px;
		int np = domi_proxies(r->db, r->a, d->id, &px);
		if (np > 0) {
			html_lit(b, "<ul>");
			for (int i = 0; i < np; i++)
				html_printf(b, "<li>%s, du %s au %s</li>", px[i].name, civil_fr(r->a, px[i].from_on), civil_fr(r->a, px[i].to_on));
			html_lit(b, "</ul>");
		}
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/mandataires\" class=\"compact\" novalidate>", id);
		form_input(b, &(form_field){.name = "name", .label = "Nom du mandataire", .required = true, .value = typed(r, fe, "name", NULL)}, fe);
		form_input(b, &(form_field){.name = "from", .label = "Du", .type = "date", .required = true,
		                            .value = typed(r, fe, "from", civil_iso(r->a, t))}, fe);
		form_input(b, &(form_field){.name = "to", .label = "Au", .type = "date", .required = true, .value = typed(r, fe, "to", d->end_on)}, fe);
		html_lit(b, "<button type=\"submit\">Ajouter (5 au plus)</button></form>");
		html_lit(b, "<h2>Réexpédition</h2>");
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/%lld/reexpedition\" class=\"compact\" novalidate>", id);
		form_input(b, &(form_field){.name = "address", .label = "Adresse de réexpédition", .type = "textarea", .required = true,
		                            .value = typed(r, fe, "address", NULL)}, fe);
		form_input(b, &(form_field){.name = "fwd_from", .label = "Du", .type = "date", .required = true,
		                            .value = typed(r, fe, "fwd_from", civil_iso(r->a, t))}, fe);
		form_input(b, &(form_field){.name = "fwd_to", .label = "Au", .type = "date", .required = true, .value = typed(r, fe, "fwd_to", NULL)}, fe);
		html_lit(b, "<button type=\"submit\">Réexpédier sur cette période</button></form>");
	}
	html_lit(b, "<h2>Historique</h2><ol class=\"timeline\">");
	domi_event *ev;
	int ne = domi_events(r->db, r->a, d->id, &ev);
	for (int i = 0; i < ne; i++)
		html_printf(b, "<li><span class=\"when\">%s</span> %s%s%s <small>— %s</small></li>", civil_fr(r->a, ev[i].on),
		            CODE_LABEL(DOMI_EVENTS, ev[i].kind), *ev[i].detail ? " : " : "", civil_fr_dates_in(r->a, ev[i].detail),
		            *ev[i].user ? ev[i].user : "agent non renseigné");
	html_lit(b, "</ol>");
	if (ne == 0)
		html_lit(b, "<p class=\"muted\">Aucune étape enregistrée (dossier repris ou antérieur à l’historique).</p>");
}

void domi_file_render(web_req *r, const domi *d, const form_errors *fe, const char *notice)
{
	person_brief p;
	const char *name = domi_person_name(r, d->person_id, &p);
	journal_record(r->db, r->user->id, "read", "domiciliation", d->id, NULL);
	page_begin(r, arena_printf(r->a, "Domiciliation de %s", name));
	buf *b = &r->out;
	civil_date t = civil_today(r->user->tz), x;
	if (notice)
		page_notice(r, "ok", notice);
	/* The summary links to the refused form's fields (scoped ids). */
	form_scope(posted(r, fe, "/courrier") ? "ma" : posted(r, fe, "/remise") ? "re" : posted(r, fe, "/contact") ? "co" : NULL);
	form_error_summary(b, fe);
	form_scope(NULL);
	const char *st = d->status;
	html_printf(b, "<p class=\"lead\">Domiciliation n° <strong>%lld</strong> · %s · <a href=\"/foyers/%lld\">dossier %s</a></p>",
	            (long long)d->num, CODE_LABEL(DOMI_STATUS, st), (long long)d->household_id, p.file_no);
	if ((!strcmp(st, "instruction") || !strcmp(st, "attente_decision")) && d->requested_on && civil_parse(d->requested_on, &x)) {
		civil_date dl = domi_answer_deadline(x);
		bool late = civil_to_days(dl) < civil_to_days(t);
		html_printf(b, "<p class=\"%s\">Réponse due au plus tard le %s (deux mois après la demande)%s.</p>", late ? "warn" : "muted",
		            civil_fr(r->a, civil_iso(r->a, dl)), late ? " : délai dépassé" : "");
	}
	if (!strcmp(st, "active") && d->last_contact_on && civil_parse(d->last_contact_on, &x) && domi_contact_lapsed(x, t))
		page_notice(r, "error", "Aucun contact depuis plus de trois mois consécutifs : la radiation est possible.");
	if (d->non_eu_limited)
		page_notice(r, "info", "Domiciliation limitée à l’aide médicale de l’État, à l’aide juridictionnelle et à l’exercice des droits civils (L264-2).");
	html_printf(b, "<dl class=\"facts\"><dt>Demande</dt><dd>%s</dd><dt>Entretien</dt><dd>%s %s</dd><dt>Lien avec la commune</dt><dd>%s</dd>"
	               "<dt>Première domiciliation</dt><dd>%s</dd><dt>Validité</dt><dd>du %s au %s</dd><dt>Dernier contact</dt><dd>%s</dd>",
	            civil_fr(r->a, d->requested_on), civil_fr(r->a, d->interview_on), d->interview_place,
	            *d->link ? CODE_LABEL(DOMI_LINK, d->link) : "à déterminer", civil_fr(r->a, d->first_on), civil_fr(r->a, d->start_on),
	            civil_fr(r->a, d->end_on), civil_fr(r->a, d->last_contact_on));
	if (d->renewal_on)
		html_printf(b, "<dt>Renouvellement demandé le</dt><dd>%s (la validité actuelle court jusqu’à la décision)</dd>",
		            civil_fr(r->a, d->renewal_on));
	if (!strcmp(st, "refusee"))
		html_printf(b, "<dt>Refus</dt><dd>%s%s%s</dd>", domi_code_label("refusal", *d->refusal_motive ? d->refusal_motive : "absence_lien"),
		            *d->orientation ? " ; orientation : " : "", d->orientation);
	if (*d->alias)
		html_printf(b, "<dt>Nom d’usage ou surnom</dt><dd>%s</dd>", d->alias);
	if (*d->ref)
		html_printf(b, "<dt>Ancien numéro (reprise)</dt><dd>%s</dd>", d->ref);
	if (!strcmp(st, "radiee"))
		html_printf(b, "<dt>Radiation</dt><dd>le %s : %s</dd>", civil_fr(r->a, d->struck_on), CODE_LABEL(DOMI_STRIKE_ALL, d->strike_motive));
	html_lit(b, "</dl>");
	domi_answers_section(r, d->id);
	html_printf(b, "<p><a href=\"/domiciliation/%lld/demande.pdf\">Demande (cerfa 16029, PDF)</a></p>", (long long)d->id);
	static const struct { const char *status, *doc, *label; } DOCS[] = {
		{"active", "attestation", "Attestation (PDF)"}, {"active", "carte", "Carte avec le code-barres (PDF)"},
		{"refusee", "refus", "Lettre de refus (PDF)"},
		{"instruction", "provisoire", "Attestation provisoire (PDF)"}, {"attente_decision", "provisoire", "Attestation provisoire (PDF)"},
		{"radiee", "radiation", "Lettre de radiation (PDF)"},
	};
	for (int i = 0; i < COUNTOF(DOCS); i++)
		if (!strcmp(st, DOCS[i].status))
			html_printf(b, "<p><a class=\"button\" href=\"/domiciliation/%lld/%s.pdf\">%s</a></p>", (long long)d->id, DOCS[i].doc,
			            DOCS[i].label);
	html_lit(b, "<div class=\"file\"><div class=\"col-main\">");
	actions_main(r, d, fe, t);
	html_lit(b, "</div><div class=\"col-side\">");
	actions_side(r, d, fe, t);
	html_lit(b, "</div></div>");
	page_end(r);
}

static void file_page(web_req *r)
{
	domi d;
	err e = domi_load(r->db, r->a, r->param[0], &d);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	domi_file_render(r, &d, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL);
}

/* ---- the mail counter ---------------------------------------------------------------------- */

/* The fastest path is the main path: type (or scan) a domiciliation number,
 * or a name; one line per letter received, several at once. A refused
 * number stays in the field with its reason; the others are recorded. */
static void counter(web_req *r, const char *numbers, const char *kind, const domi_batch *res)
{
	page_begin(r, "Guichet courrier");
	buf *b = &r->out;
	const char *done = web_arg(r, "enregistre");
	if (res && res->written)
		page_notice(r, "ok", arena_printf(r->a, "%d courrier(s) enregistré(s). Les numéros ci-dessous ne l’ont pas été.", res->written));
	else if (done && !res)
		page_notice(r, "ok", arena_printf(r->a, "%s courrier(s) enregistré(s).", done));
	form_errors fe = {0};
	if (res && (res->nrejected || res->why)) {
		buf m;
		buf_init(&m, r->a, 128);
		if (res->why)
			buf_adds(&m, res->why);
		for (int i = 0; i < res->nrejected; i++)
			buf_printf(&m, "%s« %s » : %s", m.len ? " — " : "", res->rejected[i].token, res->rejected[i].why);
		form_error(&fe, "numbers", buf_cstr(&m));
	}
	form_error_summary(b, &fe);
	html_lit(b, "<p>Saisissez ou scannez le numéro de domiciliation (un par ligne pour plusieurs arrivées), "
	            "ou cherchez la personne par son nom.</p>");
	form_begin(r, "<form method=\"post\" action=\"/domiciliation/courrier\" class=\"compact\" novalidate>");
	form_input(b, &(form_field){.name = "numbers", .label = "Numéros de domiciliation", .type = "textarea", .required = true,
	                            .value = numbers, .hint = "Par exemple : 12, 12, 57 (un même numéro répété = plusieurs lettres)."}, &fe);
	FORM_SELECT_CODE(b, "kind", "Type", DOMI_MAIL, kind ? kind : "lettre", NULL);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer les arrivées</button></form>");
	html_lit(b, "<h2>Remettre le courrier</h2><form method=\"get\" action=\"/domiciliation/courrier\" role=\"search\" class=\"filters\">"
	            "<div class=\"field\"><label for=\"dq\">Numéro (ou scannez la carte), ou nom</label>");
	const char *q = web_arg(r, "q");
	html_printf(b, "<input id=\"dq\" name=\"q\" type=\"search\" value=\"%s\"></div><button type=\"submit\">Chercher</button></form>", s_(q));
	if (q && *q) {
		int64_t pids[25], hids[25];
		int n = persons_find(r->db, r->a, q, pids, hids, 25, NULL);
		int shown = 0;
		html_lit(b, "<ul>");
		/* Their active domiciliations and names: two statements, not three a person. */
		int64_t ids[25], nums[25];
		person_brief p[25];
		if (domi_active_of_persons(r->db, pids, n, ids, nums) != E_OK || persons_briefs(r->db, r->a, pids, n, p) != E_OK)
			n = 0; /* the failure count turns the page into an error */
		for (int i = 0; i < n; i++) {
			if (!ids[i])
				continue;
			shown++;
			html_printf(b, "<li><a href=\"/domiciliation/%lld\">%s</a> — domiciliation n° %lld</li>", (long long)ids[i],
			            p[i].id ? arena_printf(r->a, "%s %s", p[i].last_name, p[i].first_names) : "?", (long long)nums[i]);
		}
		html_lit(b, "</ul>");
		if (!shown)
			html_lit(b, "<p>Aucune personne domiciliée ne correspond.</p>");
		else if (n == 25)
			html_lit(b, "<p class=\"muted\">Les 25 meilleures correspondances sont cherchées : précisez le nom si la personne n’y est pas.</p>");
	}
	page_end(r);
}

/* A number typed or scanned leads straight to the hand-over form. */
static void counter_page(web_req *r)
{
	const char *q = web_arg(r, "q");
	int64_t num = 0, id = 0;
	if (q && text_to_int64(q, 1, INT64_MAX, &num) && (id = domi_active_by_num(r->db, num))) {
		web_redirect(r, arena_printf(r->a, "/domiciliation/%lld#remise", (long long)id));
		return;
	}
	counter(r, NULL, NULL, NULL);
}

static void counter_post(web_req *r)
{
	const char *nums = web_field(r, "numbers"), *kind = web_field(r, "kind");
	domi_ctx x = DOMI_CTX(r);
	domi_batch res;
	err e = domi_mail_batch(&x, nums, kind, &res);
	if (e == E_INPUT) {
		r->status = 400;
		counter(r, res.nrejected ? domi_batch_left(r->a, &res) : nums, kind, &res);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	if (res.nrejected) { /* recorded the rest: the refused ones stay in the field */
		counter(r, domi_batch_left(r->a, &res), kind, &res);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domiciliation/courrier?enregistre=%d", res.written));
}

/* ---- household section and home figures ------------------------------------------------------ */

void domi_section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-domi\"><h2 id=\"t-domi\">Domiciliation</h2>");
	domi_of_hh *v;
	int n = module_section_has_rows(r) ? domi_of_household(r->db, r->a, hid, &v) : 0;
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++) {
			html_printf(b, "<li><a href=\"/domiciliation/%lld\">n° %lld, %s</a> : %s", (long long)v[i].id, (long long)v[i].num,
			            v[i].name, CODE_LABEL(DOMI_STATUS, v[i].status));
			if (v[i].end_on)
				html_printf(b, ", valable jusqu’au %s", civil_fr(r->a, v[i].end_on));
			html_lit(b, "</li>");
		}
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucune domiciliation.</p>");
	}
	if (web_can(r, PERM_DOMI_INSTRUCT))
		html_printf(b, "<p><a href=\"/domiciliation/nouvelle?foyer=%lld\">Enregistrer une demande de domiciliation</a></p>", (long long)hid);
	html_lit(b, "</section>");
}

/* The home page's figures are counts, never a list counted by hand. */
void domi_home_widget(web_req *r)
{
	domi_figures f;
	if (domi_home_figures(r->db, civil_today(r->user->tz), &f) != E_OK) { /* never a 0 for a count not made */
		html_lit(&r->out, "<section aria-labelledby=\"t-hd\"><h2 id=\"t-hd\">Domiciliation</h2><ul>"
		                  "<li>Les domiciliations n’ont pas pu être comptées : rechargez la page.</li>"
		                  "<li><a href=\"/domiciliation/courrier\">Guichet courrier</a></li></ul></section>");
		return;
	}
	html_printf(&r->out, "<section aria-labelledby=\"t-hd\"><h2 id=\"t-hd\">Domiciliation</h2><ul>"
	                     "<li><a href=\"/domiciliation?liste=expire15\">%lld qui expirent sous 15 jours</a></li>"
	                     "<li><a href=\"/domiciliation?liste=sans_contact\">%lld sans contact depuis plus de 3 mois</a></li>"
	                     "<li><a href=\"/domiciliation/courrier\">Guichet courrier</a></li></ul></section>",
	            (long long)f.expiring15, (long long)f.lapsed);
}

void domiciliation_pages_routes(void)
{
	web_route(M_GET, "/domiciliation", list_page, PERM_DOMI_MAIL, 0, "Domiciliations (listes de travail)");
	web_route(M_POST, "/domiciliation", request_post, PERM_DOMI_INSTRUCT, 0, "Enregistrer une demande");
	web_route(M_GET, "/domiciliation/nouvelle", request_get, PERM_DOMI_INSTRUCT, 0, "Formulaire de demande");
	web_route(M_GET, "/domiciliation/courrier", counter_page, PERM_DOMI_MAIL, 0, "Guichet courrier");
	web_route(M_POST, "/domiciliation/courrier", counter_post, PERM_DOMI_MAIL, 0, "Enregistrer des arrivées de courrier");
	web_route(M_GET, "/domiciliation/{id}", file_page, PERM_DOMI_MAIL, 0, "Dossier de domiciliation");
}
