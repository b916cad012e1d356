/*
 * reception_pages.c — the front desk's pages: the waiting queue and quick
 * contact (/accueil), contacts, appointments (day, week, print,
 * iCalendar), partners, motives; the household page's sections and the
 * home page's blocks. A refused form comes back with what was typed.
 */
#include <stddef.h>
#include "modules/reception/reception_internal.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define PARTNERS_PAGE 50
/* The agents who receive the public (the queue, orientations, appointments). */
#define FRONT (ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER))

/* The motives and the partners read once a request, together (the contact form shows both). */
typedef struct form_lists {
	rc_named *v[2];
	int n[2];
} form_lists;
static const char FORM_LISTS_KEY;

static int named_of(web_req *r, rc_list which, rc_named **v)
{
	if (which == RC_STAFF)
		return rc_named_list(r->db, r->a, which, v);
	form_lists *fl = web_memo_get(r, &FORM_LISTS_KEY);
	if (!fl) {
		fl = arena_array(r->a, 1, sizeof *fl);
		if (!fl || rc_form_lists(r->db, r->a, &fl->v[0], &fl->n[0], &fl->v[1], &fl->n[1]) != 0)
			return -1;
		web_memo_put(r, &FORM_LISTS_KEY, fl);
	}
	int k = which == RC_MOTIVES ? 0 : 1;
	*v = fl->v[k];
	return fl->n[k];
}

/* A select of one of the lists (motives, staff, partners). */
static void select_named(web_req *r, rc_list which, const char *name, const char *label, const char *empty, const char *sel,
                         const form_errors *fe)
{
	rc_named *v;
	int n = named_of(r, which, &v);
	code *list = arena_array(r->a, (size_t)(n > 0 ? n : 0) + 1, sizeof *list);
	if (!list)
		return;
	list[0] = (code){"", empty};
	for (int i = 0; i < n; i++)
		list[i + 1] = (code){arena_printf(r->a, "%lld", (long long)v[i].id), v[i].name};
	form_select_code(&r->out, name, label, list, n > 0 ? n + 1 : 1, sel, fe);
}

static const char *hhmm(web_req *r, int64_t t, const char *fmt) { return rc_when(r->a, r->user->tz, t, fmt); }

/* ---- contacts ------------------------------------------------------------------- */

/* The contact form; queue: the entry it ends (its motive preselected),
 * scope: the ids' prefix when the page has another form. */
static void contact_form(web_req *r, int64_t hid, const contact_in *c, const form_errors *fe, const rc_queue_entry *queue)
{
	buf *b = &r->out;
	form_error_summary(b, fe);
	form_begin(r, "<form method=\"post\" action=\"/contacts\" class=\"compact\" novalidate>");
	if (hid)
		html_printf(b, "<input type=\"hidden\" name=\"household\" value=\"%lld\">", (long long)hid);
	if (queue)
		html_printf(b, "<input type=\"hidden\" name=\"queue\" value=\"%lld\">", (long long)queue->id);
	else if (c && c->queue && *c->queue)
		html_printf(b, "<input type=\"hidden\" name=\"queue\" value=\"%s\">", c->queue);
	html_lit(b, "<div class=\"grid\">");
	FORM_SELECT_CODE(b, "channel", "Type de contact", RC_CHANNELS, c && c->channel ? c->channel : "visite", fe);
	const char *motive = c ? c->motive : queue && queue->motive_id ? arena_printf(r->a, "%lld", (long long)queue->motive_id) : NULL;
	select_named(r, RC_MOTIVES, "motive", "Motif", "— choisir —", motive, fe);
	FORM_SELECT_CODE(b, "orientation", "Orientation", RC_ORIENTATIONS, c ? c->orientation : "", fe);
	accounts_agent_select(r, "orient_user", "Agent (si orientation vers un agent)", "—", c ? c->orient_user : NULL, FRONT, fe);
	select_named(r, RC_PARTNER_NAMES, "orient_partner", "Partenaire (si orientation)", "—", c ? c->orient_partner : NULL, fe);
	form_input(b, &(form_field){.name = "orient_service", .label = "Service (si orientation interne)", .value = c ? c->orient_service : NULL}, fe);
	form_input(b, &(form_field){.name = "minutes", .label = "Durée (minutes)", .type = "number", .value = c ? c->minutes : NULL,
	                            .hint = queue ? "Vide : depuis que la personne a été reçue." : NULL}, fe);
	/* « Effectué le »: now by default; yesterday's call typed today. */
	struct tm tm;
	char d[16] = "", t[8] = "";
	if (civil_local_time(r->user->tz, time(NULL), &tm)) {
		snprintf(d, sizeof d, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100);
		snprintf(t, sizeof t, "%02d:%02d", tm.tm_hour % 100, tm.tm_min % 100);
	}
	form_input(b, &(form_field){.name = "done_date", .label = "Effectué le", .type = "date",
	                            .value = c && c->done_date ? c->done_date : d}, fe);
	form_input(b, &(form_field){.name = "done_time", .label = "À (heure)", .type = "time",
	                            .value = c && c->done_time ? c->done_time : t}, fe);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "answer", .label = "Réponse apportée", .type = "textarea", .value = c ? c->answer : NULL}, fe);
	html_printf(b, "<button type=\"submit\" class=\"primary\">%s</button></form>",
	            queue || (c && c->queue && *c->queue) ? "Enregistrer le contact et terminer le passage" : "Enregistrer le contact");
}

static void contact_post(web_req *r)
{
	contact_in c = {web_field(r, "channel"), web_field(r, "motive"), web_field(r, "answer"), web_field(r, "orientation"),
	                web_field(r, "orient_user"), web_field(r, "orient_service"), web_field(r, "orient_partner"),
	                web_field(r, "minutes"), web_field(r, "done_date"), web_field(r, "done_time"), web_field(r, "queue")};
	int64_t hid = 0, id;
	const char *h = web_field(r, "household");
	form_errors fe = {0};
	if (h && *h && !text_to_int64(h, 1, INT64_MAX, &hid))
		form_error(&fe, "household", "Foyer incorrect.");
	rc_when_rule when = rc_when_of(r->db, r->a, r->user->tz, r->user->structure_id, &c);
	err e = fe.n ? E_INPUT : rc_contact_add(r->db, r->a, r->user->id, hid, &c, &when, &fe, &id);
	if (e == E_INPUT || e == E_CONFLICT) {
		r->status = e == E_INPUT ? 400 : 409;
		if (e == E_CONFLICT)
			form_error(&fe, "queue", "Un collègue a terminé ce passage entre-temps : le contact n’a pas été enregistré.");
		page_begin(r, "Enregistrer un contact");
		contact_form(r, hid, &c, &fe, NULL);
		page_end(r);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	bool from_queue = c.queue && *c.queue;
	web_redirect(r, from_queue ? "/accueil?ok=termine"
	                : hid ? arena_printf(r->a, "/foyers/%lld?ok=1#t-contacts", (long long)hid) : "/accueil?ok=contact");
}

#define SECTION_ROWS 10

void rc_section_contacts(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	/* Received from the queue (?file=N): the form open, the motive of the
	 * check-in chosen, the passage ended with it. */
	rc_queue_entry qe, *queue = NULL;
	int64_t qid = 0;
	const char *qs = web_arg(r, "file");
	if (qs && text_to_int64(qs, 1, INT64_MAX, &qid) && rc_queue_get(r->db, r->a, qid, &qe) == E_OK && qe.household_id == hid &&
	    !strcmp(qe.status, "recu"))
		queue = &qe;
	/* The contacts (read always: they are not counted in the household's parts, reception_model.c) and the form's
	 * lists (from memory, while the structure's reference version holds): the form takes its lists from the
	 * request's memo. */
	rc_contact *v;
	form_lists *fl = arena_array(r->a, 1, sizeof *fl);
	int n = fl ? rc_section_of(r->db, r->a, hid, SECTION_ROWS, module_section_has_rows(r), &v, &fl->v[0], &fl->n[0], &fl->v[1],
	                           &fl->n[1]) : -1;
	if (n >= 0 && !web_memo_get(r, &FORM_LISTS_KEY))
		web_memo_put(r, &FORM_LISTS_KEY, fl);
	html_printf(b, "<section aria-labelledby=\"t-contacts\"><h2 id=\"t-contacts\">Contacts</h2>"
	               "<details id=\"contact\"%s><summary>Enregistrer un contact</summary>", queue ? " open" : "");
	form_scope("ct");
	contact_form(r, hid, NULL, NULL, queue);
	form_scope(NULL);
	html_lit(b, "</details>");
	if (web_may(r, M_POST, "/accueil/file"))
		form_begin(r, "<form method=\"post\" action=\"/accueil/file\" class=\"inline\"><input type=\"hidden\" name=\"household\" "
		              "value=\"%lld\"><button type=\"submit\">Arrivé à l’accueil : mettre dans la file d’attente</button></form>",
		           (long long)hid);
	if (n > 0) {
		html_table(b, "Derniers contacts", 0, "Date", "Type", "Motif", "Réponse et orientation", "Agent");
		for (int i = 0; i < n; i++) {
			html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s", hhmm(r, v[i].at, "%d/%m/%Y %H:%M"),
			            CODE_LABEL(RC_CHANNELS, v[i].channel), v[i].motive, v[i].answer);
			if (*v[i].orient_to)
				html_printf(b, " <em>→ %s</em>", v[i].orient_to);
			html_printf(b, "</td><td>%s</td></tr>", v[i].agent);
		}
		html_table_close(b);
		int64_t total = n == SECTION_ROWS ? rc_contacts_count(r->db, hid) : n; /* counted only when there may be more */
		if (total > n)
			html_printf(b, "<p><a href=\"/foyers/%lld/parcours?type=contact\">Voir les %lld contacts</a></p>", (long long)hid,
			            (long long)total);
	} else if (n < 0) {
		html_lit(b, "<p class=\"error\">Les contacts du foyer n’ont pas pu être lus.</p>");
	} else {
		html_lit(b, "<p class=\"muted\">Aucun contact enregistré.</p>");
	}
	html_lit(b, "</section>");
}

/* ---- the waiting queue -------------------------------------------------------------- */

static void queue_section(web_req *r, int64_t t0)
{
	buf *b = &r->out;
	int64_t now = civil_now();
	html_lit(b, "<section id=\"file-attente\" aria-labelledby=\"t-q\" hx-get=\"/accueil?fragment=1\" hx-trigger=\"every 20s\" "
	            "hx-swap=\"outerHTML\"><h2 id=\"t-q\">File d’attente</h2>");
	rc_waiting *v;
	int n = rc_queue_since(r->db, r->a, t0, &v);
	if (n > 0) {
		html_table(b, "Personnes présentes", 0, "Arrivée", "Attente", "Personne", "Motif", "Pour", "État", "~Actions");
		for (int i = 0; i < n; i++) {
			bool waiting = !strcmp(v[i].status, "attente");
			int64_t wait = ((waiting ? now : v[i].received_at) - v[i].checked_in_at) / 60;
			html_printf(b, "<tr><td>%s</td><td>%lld min</td><td>", hhmm(r, v[i].checked_in_at, "%H:%M"), (long long)wait);
			if (v[i].household_id)
				html_printf(b, "<a href=\"/foyers/%lld\">%s</a>", (long long)v[i].household_id, v[i].label);
			else
				html_printf(b, "%s", v[i].label);
			html_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td><td class=\"actions\">", *v[i].motive ? v[i].motive : "non renseigné",
			            v[i].for_user ? v[i].for_user : "tout agent",
			            waiting ? "En attente" : arena_printf(r->a, "Reçu par %s", v[i].received_by));
			/* Receive: opens the file with the contact form ready; end:
			 * records the contact with its duration. */
			static const char *const next_w[] = {"recu", "parti"}, *const lab_w[] = {"Recevoir", "Parti sans être reçu"};
			static const char *const next_r[] = {"termine"}, *const lab_r[] = {"Terminer"};
			const char *const *nx = waiting ? next_w : next_r, *const *lb = waiting ? lab_w : lab_r;
			for (int k = 0; k < (waiting ? 2 : 1); k++) {
				form_begin(r, "<form method=\"post\" action=\"/accueil/file/%lld\" class=\"inline\">", (long long)v[i].id);
				html_printf(b, "<input type=\"hidden\" name=\"from\" value=\"%s\"><input type=\"hidden\" name=\"to\" value=\"%s\">"
				               "<button type=\"submit\"%s aria-label=\"%s : %s\">%s</button></form> ",
				            v[i].status, nx[k], k ? "" : " class=\"primary\"", lb[k], v[i].label, lb[k]);
			}
			if (!waiting)
				html_printf(b, "<a href=\"%s\">Ouvrir le contact</a>",
				            v[i].household_id ? arena_printf(r->a, "/foyers/%lld?file=%lld#contact", (long long)v[i].household_id, (long long)v[i].id)
				                              : arena_printf(r->a, "/accueil?recu=%lld#t-qc", (long long)v[i].id));
			html_lit(b, "</td></tr>");
		}
		html_table_close(b);
	} else {
		html_lit(b, "<p class=\"muted\">Personne n’attend.</p>");
	}
	rc_queue_day st;
	rc_queue_stats(r->db, t0, &st);
	html_printf(b, "<p class=\"muted\">Aujourd’hui : %lld arrivée%s", (long long)st.arrivals, st.arrivals > 1 ? "s" : "");
	if (st.received)
		html_printf(b, ", attente moyenne %lld min", (long long)(st.waited_seconds / st.received / 60));
	html_lit(b, ".</p></section>");
}

/* Who arrives: the same search as everywhere; a household found, or a
 * person without a file (a label to call them), or a new file. */
#define ARRIVAL_MATCHES 10
static void arrival_form(web_req *r, const queue_in *in, const form_errors *fe)
{
	buf *b = &r->out;
	const char *q = web_arg(r, "q");
	q = q ? text_trim(r->a, q) : "";
	html_lit(b, "<section aria-labelledby=\"t-arrivee\"><h2 id=\"t-arrivee\">Nouvelle arrivée</h2>");
	html_printf(b, "<form method=\"get\" action=\"/accueil\" role=\"search\" class=\"filters\"><div class=\"field\">"
	               "<label for=\"aq\">Qui arrive ? (nom, prénom, n° de dossier)</label><input id=\"aq\" name=\"q\" type=\"search\" "
	               "value=\"%s\" autocomplete=\"off\"></div><button type=\"submit\">Chercher</button></form>", q);
	form_error_summary(b, fe);
	form_scope("ar");
	form_begin(r, "<form method=\"post\" action=\"/accueil/file\" class=\"compact\" novalidate>");
	const char *chosen = in && in->household ? in->household : "";
	html_lit(b, "<fieldset><legend>Personne</legend>");
	if (*q) {
		int64_t pids[ARRIVAL_MATCHES + 1], hids[ARRIVAL_MATCHES + 1];
		int n = persons_find(r->db, r->a, q, pids, hids, ARRIVAL_MATCHES + 1, NULL);
		person_brief found[ARRIVAL_MATCHES + 1]; /* one statement for them all */
		if (persons_briefs(r->db, r->a, pids, n, found) != E_OK)
			n = 0; /* the failure count turns the page into an error */
		for (int i = 0; i < n && i < ARRIVAL_MATCHES; i++) {
			const person_brief p = found[i];
			if (!p.id)
				continue;
			const char *v = arena_printf(r->a, "%lld", (long long)hids[i]);
			html_printf(b, "<div class=\"radio\"><input type=\"radio\" id=\"ah%d\" name=\"household\" value=\"%s\"%s>"
			               "<label for=\"ah%d\">%s %s — dossier %s%s%s</label></div>",
			            i, v, !strcmp(chosen, v) || (!*chosen && i == 0) ? " checked" : "", i, p.last_name, p.first_names, p.file_no,
			            *p.birth_date ? ", né" : "", *p.birth_date ? arena_printf(r->a, "%s le %s", !strcmp(p.sex, "F") ? "e" : !strcmp(p.sex, "M") ? "" : "(e)", civil_fr(r->a, p.birth_date)) : "");
		}
		if (!n)
			html_printf(b, "<p>Aucun dossier ne correspond à « %s ».</p>", q);
		else if (n > ARRIVAL_MATCHES)
			html_printf(b, "<p class=\"muted\">Les %d premiers dossiers sont proposés : précisez la recherche si la personne n’y est pas.</p>",
			            ARRIVAL_MATCHES);
	}
	html_printf(b, "<div class=\"radio\"><input type=\"radio\" id=\"ah-none\" name=\"household\" value=\"\"%s>"
	               "<label for=\"ah-none\">Sans dossier (ou pas encore trouvé)</label></div>", *q && !(in && in->household && !*in->household) ? "" : " checked");
	form_input(b, &(form_field){.name = "label", .label = "Comment l’appeler (sans dossier)", .value = in ? in->label : NULL,
	                            .hint = "Par exemple « Mme Payet » ou « monsieur au pull bleu »."}, fe);
	html_lit(b, "</fieldset><div class=\"grid\">");
	select_named(r, RC_MOTIVES, "motive", "Motif", "— choisir —", in ? in->motive : NULL, fe);
	accounts_agent_select(r, "for_user", "Attend", "Tout agent", in ? in->for_user : NULL, FRONT, fe);
	html_lit(b, "</div><button type=\"submit\" class=\"primary\">Ajouter à la file</button></form>");
	form_scope(NULL);
	if (web_may(r, M_GET, "/foyers/nouveau"))
		html_lit(b, "<p><a href=\"/foyers/nouveau\">Créer un dossier</a> (puis « mettre dans la file d’attente » depuis le dossier)</p>");
	html_lit(b, "</section>");
}

static void desk(web_req *r, const queue_in *in, const form_errors *fe)
{
	civil_date today = civil_today(r->user->tz);
	int64_t t0 = civil_day_start(r->user->tz, today);
	if (r->htmx && web_arg(r, "fragment")) {
		queue_section(r, t0);
		return;
	}
	page_begin(r, "Accueil du public");
	const char *ok = web_arg(r, "ok");
	if (ok && !fe)
		page_notice(r, "ok", !strcmp(ok, "contact") ? "Le contact a été enregistré."
		                     : !strcmp(ok, "termine") ? "Le passage est terminé : le contact a été enregistré avec sa durée."
		                                              : "C’est enregistré.");
	buf *b = &r->out;
	/* Received without a file (?recu=N): the quick contact ends the passage. */
	rc_queue_entry qe, *queue = NULL;
	int64_t qid = 0;
	const char *qs = web_arg(r, "recu");
	if (qs && text_to_int64(qs, 1, INT64_MAX, &qid) && rc_queue_get(r->db, r->a, qid, &qe) == E_OK && !strcmp(qe.status, "recu"))
		queue = &qe;
	html_lit(b, "<div class=\"file\"><div class=\"col-main\">");
	queue_section(r, t0);
	arrival_form(r, in, fe);
	html_lit(b, "</div><div class=\"col-side\"><section aria-labelledby=\"t-qc\"><h2 id=\"t-qc\">Contact rapide</h2>");
	if (queue)
		html_printf(b, "<p>Contact de « %s », reçu%s depuis la file d’attente.</p>", qe.label, "");
	else
		html_lit(b, "<p class=\"hint\">Pour un renseignement sans dossier : compté dans les statistiques, sans donnée personnelle.</p>");
	form_scope("qc");
	contact_form(r, 0, NULL, NULL, queue);
	form_scope(NULL);
	html_lit(b, "</section></div></div>");
	page_end(r);
}

static void desk_page(web_req *r) { desk(r, NULL, NULL); }

static void queue_add(web_req *r)
{
	queue_in in = {web_field(r, "label"), web_field(r, "household"), web_field(r, "motive"), web_field(r, "for_user")};
	/* A household chosen: it is called by its applicant's name. */
	int64_t hid = 0;
	if (in.household && *in.household && text_to_int64(in.household, 1, INT64_MAX, &hid) && (!in.label || !*in.label)) {
		person_brief *m;
		if (persons_household_members(r->db, r->a, hid, &m) > 0)
			in.label = arena_printf(r->a, "%s %s", m[0].first_names, m[0].last_name);
	}
	form_errors fe = {0};
	int64_t id;
	err e = rc_queue_add(r->db, r->user->id, &in, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		desk(r, &in, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/accueil?ok=file");
}

static void queue_move(web_req *r)
{
	const char *from = web_field(r, "from"), *to = web_field(r, "to");
	rc_queue_entry qe;
	if (rc_queue_get(r->db, r->a, r->param[0], &qe) != E_OK) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	/* Ending a passage is recording its contact: with the motive of the
	 * check-in, at once; without one, the contact form asks for it. */
	if (to && !strcmp(to, "termine") && from && !strcmp(from, "recu")) {
		if (!qe.motive_id) {
			web_redirect(r, qe.household_id ? arena_printf(r->a, "/foyers/%lld?file=%lld#contact", (long long)qe.household_id, (long long)qe.id)
			                                : arena_printf(r->a, "/accueil?recu=%lld#t-qc", (long long)qe.id));
			return;
		}
		contact_in c = {"visite", arena_printf(r->a, "%lld", (long long)qe.motive_id), "", "", NULL, NULL, NULL, NULL, NULL, NULL,
		                arena_printf(r->a, "%lld", (long long)qe.id)};
		rc_when_rule when = rc_when_of(r->db, r->a, r->user->tz, r->user->structure_id, &c);
		form_errors fe = {0};
		int64_t cid;
		err e = rc_contact_add(r->db, r->a, r->user->id, qe.household_id, &c, &when, &fe, &cid);
		if (e != E_OK) {
			web_error(r, e == E_INPUT ? E_CONFLICT : e, fe.n ? fe.msg[0] : "Un collègue a déjà terminé ce passage.");
			return;
		}
		web_redirect(r, "/accueil?ok=termine");
		return;
	}
	err e = rc_queue_move(r->db, r->user->id, r->param[0], from, to);
	if (e != E_OK) {
		web_error(r, e, e == E_CONFLICT ? "Un collègue a déjà pris en charge cette personne."
		                : e == E_INPUT  ? "Ce passage d’état n’est pas possible." : NULL);
		return;
	}
	/* Received: straight to the file, the contact form ready. */
	if (!strcmp(to, "recu"))
		web_redirect(r, qe.household_id ? arena_printf(r->a, "/foyers/%lld?file=%lld#contact", (long long)qe.household_id, (long long)qe.id)
		                                : arena_printf(r->a, "/accueil?recu=%lld#t-qc", (long long)qe.id));
	else
		web_redirect(r, "/accueil");
}

/* ---- appointments ------------------------------------------------------------------ */

static void appt_form(web_req *r, int64_t hid, const appt_in *a, const form_errors *fe)
{
	buf *b = &r->out;
	form_error_summary(b, fe);
	form_begin(r, "<form method=\"post\" action=\"/rendez-vous\" class=\"compact\" novalidate>");
	html_lit(b, "<div class=\"grid\">");
	if (hid)
		html_printf(b, "<input type=\"hidden\" name=\"household\" value=\"%lld\">", (long long)hid);
	else
		form_input(b, &(form_field){.name = "household", .label = "N° de foyer (facultatif)", .value = a ? a->household : NULL}, fe);
	char me[24];
	snprintf(me, sizeof me, "%lld", (long long)r->user->id);
	accounts_agent_select(r, "agent", "Agent", "— choisir —", a && a->agent ? a->agent : me, FRONT, fe);
	char today[11];
	civil_format(civil_today(r->user->tz), today);
	form_input(b, &(form_field){.name = "date", .label = "Date", .type = "date", .required = true, .value = a && a->date ? a->date : today}, fe);
	form_input(b, &(form_field){.name = "time", .label = "Heure", .type = "time", .required = true, .value = a ? a->time : "09:00"}, fe);
	form_input(b, &(form_field){.name = "duration", .label = "Durée du rendez-vous (minutes)", .type = "number",
	                            .value = a && a->minutes ? a->minutes : "30"}, fe);
	form_input(b, &(form_field){.name = "place", .label = "Lieu", .value = a ? a->place : NULL}, fe);
	form_input(b, &(form_field){.name = "subject", .label = "Objet", .value = a ? a->motive : NULL}, fe);
	html_lit(b, "</div><button type=\"submit\" class=\"primary\">Prendre le rendez-vous</button></form>");
}

static void appt_post(web_req *r)
{
	appt_in a = {web_field(r, "household"), web_field(r, "agent"), web_field(r, "date"), web_field(r, "time"),
	             web_field(r, "duration"), web_field(r, "place"), web_field(r, "subject")};
	form_errors fe = {0};
	int64_t id, hid = 0;
	err e = rc_appt_add(r->db, r->a, r->user->id, r->user->tz, &a, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		page_begin(r, "Prendre un rendez-vous");
		appt_form(r, 0, &a, &fe);
		page_end(r);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	if (a.household && *a.household)
		text_to_int64(a.household, 1, INT64_MAX, &hid);
	web_redirect(r, hid ? arena_printf(r->a, "/foyers/%lld?ok=1#t-rdv", (long long)hid)
	                    : arena_printf(r->a, "/rendez-vous?jour=%s", a.date));
}

static void appt_status(web_req *r)
{
	err e = rc_appt_set_status(r->db, r->a, r->user->id, r->param[0], web_field(r, "status"));
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "État inconnu." : NULL);
		return;
	}
	const char *back = web_field(r, "back");
	web_redirect(r, back && back[0] == '/' && back[1] != '/' ? back : "/rendez-vous");
}

static void appt_table(web_req *r, const rc_appt *v, int n, bool actions, bool day_col)
{
	buf *b = &r->out;
	if (n <= 0) {
		html_lit(b, "<p class=\"muted\">Aucun rendez-vous.</p>");
		return;
	}
	const char *heads[11];
	int k = 0;
	if (day_col)
		heads[k++] = "Jour";
	const char *rest[] = {"Heure", "Durée", "Agent", "Foyer", "Objet", "Lieu", "État"};
	for (int i = 0; i < COUNTOF(rest); i++)
		heads[k++] = rest[i];
	if (actions)
		heads[k++] = "~Actions";
	heads[k] = NULL;
	html_table_open(b, "Rendez-vous", 0, heads);
	/* The households' file numbers: a statement for fifty appointments, not one each. */
	const char **nos = persons_file_nos_of(r->db, r->a, v, sizeof *v, offsetof(rc_appt, household_id), n);
	if (!nos)
		n = 0; /* the failure count or the arena's flag turns the page into an error */
	for (int i = 0; i < n; i++) {
		html_lit(b, "<tr>");
		if (day_col)
			html_printf(b, "<td>%s</td>", hhmm(r, v[i].starts_at, "%a %d/%m"));
		html_printf(b, "<td>%s</td><td>%lld min</td><td>%s</td><td>", hhmm(r, v[i].starts_at, "%H:%M"), (long long)v[i].minutes,
		            v[i].agent);
		if (v[i].household_id)
			html_printf(b, "<a href=\"/foyers/%lld\">dossier %s</a>", (long long)v[i].household_id, nos[i] ? nos[i] : "?");
		html_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td>", v[i].motive, v[i].place, CODE_LABEL(RC_APPT_STATES, v[i].status));
		if (actions) {
			html_lit(b, "<td>");
			if (!strcmp(v[i].status, "prevu"))
				for (int s = 1; s < COUNTOF(RC_APPT_STATES); s++) {
					form_begin(r, "<form method=\"post\" action=\"/rendez-vous/%lld/statut\" class=\"inline\" data-confirm=\"%s\">", (long long)v[i].id,
					           s == 2 ? "Annuler ce rendez-vous ?" : "");
					html_printf(b, "<input type=\"hidden\" name=\"status\" value=\"%s\"><input type=\"hidden\" name=\"back\" value=\"%s\">"
					               "<button type=\"submit\" class=\"link\">%s</button></form> ",
					            RC_APPT_STATES[s].v, r->path, RC_APPT_STATES[s].fr);
				}
			html_lit(b, "</td>");
		}
		html_lit(b, "</tr>");
	}
	html_table_close(b);
}

static void calendar_page(web_req *r)
{
	const char *day = web_arg(r, "jour"), *view = web_arg(r, "vue"), *ag = web_arg(r, "agent");
	civil_date d = civil_today(r->user->tz);
	if (day && *day && !civil_parse(day, &d)) {
		web_error(r, E_INPUT, "Le jour doit être au format AAAA-MM-JJ.");
		return;
	}
	int64_t agent = 0;
	if (ag && *ag && !text_to_int64(ag, 1, INT64_MAX, &agent))
		agent = 0;
	bool week = view && !strcmp(view, "semaine");
	bool print = web_arg(r, "imprimer") != NULL;
	civil_date start = d;
	if (week) {
		start = civil_from_days(civil_to_days(d) - civil_weekday(d));
	}
	int64_t from = civil_day_start(r->user->tz, start),
	        to = civil_day_start(r->user->tz, civil_from_days(civil_to_days(start) + (week ? 7 : 1)));
	char iso[11], prev[11], next[11];
	civil_format(d, iso);
	civil_format(civil_from_days(civil_to_days(d) - (week ? 7 : 1)), prev);
	civil_format(civil_from_days(civil_to_days(d) + (week ? 7 : 1)), next);
	char fr[11];
	civil_iso_to_fr(iso, fr);
	page_begin(r, week ? arena_printf(r->a, "Rendez-vous de la semaine du %s", fr) : arena_printf(r->a, "Rendez-vous du %s", fr));
	buf *b = &r->out;
	const char *vue = week ? "semaine" : "jour";
	if (!print) {
		static const code VIEWS[] = {{"jour", "Jour"}, {"semaine", "Semaine"}};
		html_lit(b, "<form method=\"get\" action=\"/rendez-vous\" class=\"filters\">");
		html_printf(b, "<div class=\"field\"><label for=\"f-jour\">Jour</label><input id=\"f-jour\" name=\"jour\" type=\"date\" value=\"%s\"></div>", iso);
		form_scope("vue");
		FORM_SELECT_CODE(b, "vue", "Vue", VIEWS, vue, NULL);
		accounts_agent_select(r, "agent", "Agent", "Tous les agents", ag, FRONT, NULL);
		form_scope(NULL);
		html_lit(b, "<button type=\"submit\">Afficher</button></form>");
		html_printf(b, "<nav class=\"pager\" aria-label=\"Période\"><ul><li><a href=\"?jour=%s&amp;vue=%s&amp;agent=%lld\">Précédent</a></li>"
		               "<li><a href=\"?jour=%s&amp;vue=%s&amp;agent=%lld\">Suivant</a></li>"
		               "<li><a href=\"?jour=%s&amp;vue=%s&amp;agent=%lld&amp;imprimer=1\">Version imprimable</a></li>"
		               "<li><a href=\"/rendez-vous/export.ics?jour=%s&amp;agent=%lld\">Exporter (iCalendar)</a></li></ul></nav>",
		            prev, vue, (long long)agent, next, vue, (long long)agent, iso, vue, (long long)agent, iso, (long long)agent);
	}
	rc_appt *v;
	int n = rc_appts_between(r->db, r->a, from, to, agent, &v);
	appt_table(r, v, n, !print, week);
	if (!print) {
		html_lit(b, "<h2>Nouveau rendez-vous</h2>");
		appt_form(r, 0, NULL, NULL);
	}
	page_end(r);
}

static void ics_text(buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == ',' || *s == ';' || *s == '\\')
			buf_addc(b, '\\');
		if (*s == '\n') {
			buf_adds(b, "\\n");
			continue;
		}
		if (*s != '\r')
			buf_addc(b, *s);
	}
}

static void ics_export(web_req *r)
{
	const char *day = web_arg(r, "jour"), *ag = web_arg(r, "agent");
	civil_date d = civil_today(r->user->tz);
	int64_t agent = 0;
	if ((day && *day && !civil_parse(day, &d)) || (ag && *ag && !text_to_int64(ag, 0, INT64_MAX, &agent))) {
		web_error(r, E_INPUT, "Paramètres incorrects.");
		return;
	}
	/* Thirty days from the chosen day. No names: the file leaves the system. */
	int64_t from = civil_day_start(r->user->tz, d), to = from + 30 * 86400;
	rc_appt *v;
	int n = rc_appts_between(r->db, r->a, from, to, agent, &v);
	buf *b = &r->out;
	r->out_type = "text/calendar; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"rendez-vous.ics\"");
	buf_adds(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//OpenCCAS//FR\r\nCALSCALE:GREGORIAN\r\n");
	for (int i = 0; i < n; i++) {
		if (!strcmp(v[i].status, "annule"))
			continue;
		struct tm s, e;
		time_t t0 = (time_t)v[i].starts_at, t1 = t0 + (time_t)v[i].minutes * 60;
		gmtime_r(&t0, &s);
		gmtime_r(&t1, &e);
		char a[20], z[20];
		strftime(a, sizeof a, "%Y%m%dT%H%M%SZ", &s);
		strftime(z, sizeof z, "%Y%m%dT%H%M%SZ", &e);
		buf_printf(b, "BEGIN:VEVENT\r\nUID:rdv-%lld-%lld@openccas\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:",
		           (long long)v[i].id, (long long)r->user->structure_id, a, a, z);
		ics_text(b, *v[i].motive ? v[i].motive : "Rendez-vous");
		buf_adds(b, "\r\nLOCATION:");
		ics_text(b, v[i].place);
		buf_adds(b, "\r\nEND:VEVENT\r\n");
	}
	buf_adds(b, "END:VCALENDAR\r\n");
	journal_record(r->db, r->user->id, "export", "appointments", agent, NULL);
}

void rc_section_appointments(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-rdv\"><h2 id=\"t-rdv\">Rendez-vous</h2>");
	rc_appt *v;
	int n = module_section_has_rows(r) ? rc_appts_of(r->db, r->a, hid, SECTION_ROWS, &v) : 0;
	if (n > 0) {
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++)
			html_printf(b, "<li>%s, %lld min avec %s — %s <span class=\"tag\">%s</span></li>",
			            hhmm(r, v[i].starts_at, "%d/%m/%Y %H:%M"), (long long)v[i].minutes, v[i].agent, v[i].motive,
			            CODE_LABEL(RC_APPT_STATES, v[i].status));
		html_lit(b, "</ul>");
		int64_t total = rc_appts_count(r->db, hid);
		if (total > n)
			html_printf(b, "<p><a href=\"/foyers/%lld/parcours?type=appointment\">Voir les %lld rendez-vous</a></p>", (long long)hid,
			            (long long)total);
	} else {
		html_lit(b, "<p class=\"muted\">Aucun rendez-vous.</p>");
	}
	html_lit(b, "<details><summary>Prendre un rendez-vous</summary>");
	appt_form(r, hid, NULL, NULL);
	html_lit(b, "</details></section>");
}

/* Home: a contact in a few seconds, even for someone without a file. */
void rc_home_quick_contact(web_req *r)
{
	html_lit(&r->out, "<section aria-labelledby=\"t-hq\"><h2 id=\"t-hq\">Contact rapide</h2>"
	                  "<p class=\"hint\">Renseignement sans dossier (compté dans les statistiques, sans donnée personnelle).</p>");
	form_scope("qc");
	contact_form(r, 0, NULL, NULL, NULL);
	form_scope(NULL);
	html_lit(&r->out, "</section>");
}

void rc_home_appointments(web_req *r)
{
	civil_date t = civil_today(r->user->tz);
	int64_t from = civil_day_start(r->user->tz, t), to = civil_day_start(r->user->tz, civil_from_days(civil_to_days(t) + 1));
	html_lit(&r->out, "<section aria-labelledby=\"t-hr\"><h2 id=\"t-hr\">Mes rendez-vous du jour</h2>");
	rc_appt *v;
	int n = rc_appts_between(r->db, r->a, from, to, r->user->id, &v);
	appt_table(r, v, n, false, false);
	html_lit(&r->out, "<p><a href=\"/rendez-vous\">Agenda</a> · <a href=\"/accueil\">File d’attente</a></p></section>");
}

/* ---- partners and motives ------------------------------------------------------------ */

static void partners(web_req *r, const partner_in *in, const form_errors *fe)
{
	const char *q = web_arg(r, "q");
	q = q ? text_trim(r->a, q) : "";
	int64_t page = 1, total = 0;
	const char *ps = web_arg(r, "page");
	if (ps && !text_to_int64(ps, 1, 1000000, &page))
		page = 1;
	page_begin(r, "Annuaire des partenaires");
	buf *b = &r->out;
	if (web_arg(r, "ok") && !fe)
		page_notice(r, "ok", "Le partenaire a été ajouté.");
	html_printf(b, "<form method=\"get\" action=\"/partenaires\" role=\"search\" class=\"filters\"><div class=\"field\">"
	               "<label for=\"pq\">Rechercher</label><input id=\"pq\" name=\"q\" type=\"search\" value=\"%s\"></div>"
	               "<button type=\"submit\">Rechercher</button></form>", q);
	rc_partner *v;
	int n = rc_partners_find(r->db, r->a, q, PARTNERS_PAGE, (page - 1) * PARTNERS_PAGE, &v, &total);
	if (n > 0) {
		html_printf(b, "<p class=\"muted\">%lld partenaire%s.</p>", (long long)total, total > 1 ? "s" : "");
		html_table(b, "Partenaires", 0, "Nom", "Type", "Téléphone", "E-mail", "Adresse", "Notes");
		for (int i = 0; i < n; i++)
			html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", v[i].name,
			            CODE_LABEL(RC_PARTNER_KINDS, v[i].kind), v[i].phone, v[i].email, v[i].address, v[i].notes);
		html_table_close(b);
		if (page > 1 || page * PARTNERS_PAGE < total) {
			html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\"><ul>");
			if (page > 1)
				html_printf(b, "<li><a href=\"?q=%s&amp;page=%lld\">Page précédente</a></li>", q, (long long)(page - 1));
			if (page * PARTNERS_PAGE < total)
				html_printf(b, "<li><a href=\"?q=%s&amp;page=%lld\">Page suivante</a></li>", q, (long long)(page + 1));
			html_lit(b, "</ul></nav>");
		}
	} else {
		html_lit(b, "<p class=\"muted\">Aucun partenaire.</p>");
	}
	if (web_can(r, PERM_RECEPTION_ADMIN)) {
		html_lit(b, "<h2 id=\"t-padd\">Ajouter un partenaire</h2>");
		form_error_summary(b, fe);
		form_begin(r, "<form method=\"post\" action=\"/partenaires\" class=\"compact\" novalidate>");
		html_lit(b, "<div class=\"grid\">");
		form_input(b, &(form_field){.name = "name", .label = "Nom", .required = true, .value = in ? in->name : NULL}, fe);
		FORM_SELECT_CODE(b, "kind", "Type", RC_PARTNER_KINDS, in && in->kind ? in->kind : "association", fe);
		form_input(b, &(form_field){.name = "phone", .label = "Téléphone", .type = "tel", .value = in ? in->phone : NULL}, fe);
		form_input(b, &(form_field){.name = "email", .label = "E-mail", .type = "email", .value = in ? in->email : NULL}, fe);
		form_input(b, &(form_field){.name = "address", .label = "Adresse", .value = in ? in->address : NULL}, fe);
		form_input(b, &(form_field){.name = "notes", .label = "Notes (horaires, interlocuteur)", .value = in ? in->notes : NULL}, fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Ajouter</button></form>");
	}
	page_end(r);
}

static void partners_page(web_req *r) { partners(r, NULL, NULL); }

static void partner_post(web_req *r)
{
	partner_in in = {web_field(r, "name"), web_field(r, "kind"), web_field(r, "phone"), web_field(r, "email"),
	                 web_field(r, "address"), web_field(r, "notes")};
	form_errors fe = {0};
	int64_t id;
	err e = rc_partner_add(r->db, r->user->id, &in, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		partners(r, &in, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/partenaires?ok=1");
}

static void motives(web_req *r, const char *typed, const form_errors *fe)
{
	page_begin(r, "Motifs de contact");
	buf *b = &r->out;
	html_lit(b, "<p>Le catalogue des motifs proposés à l’accueil. Un motif retiré reste dans l’historique.</p><ul>");
	rc_named *v;
	int n = rc_named_list(r->db, r->a, RC_MOTIVES, &v);
	for (int i = 0; i < n; i++) {
		html_printf(b, "<li>%s ", v[i].name);
		form_begin(r, "<form method=\"post\" action=\"/admin/motifs/%lld/retirer\" class=\"inline\" "
		              "data-confirm=\"Retirer ce motif de la liste ?\">", (long long)v[i].id);
		html_lit(b, "<button type=\"submit\" class=\"link\">Retirer</button></form></li>");
	}
	html_lit(b, "</ul>");
	form_error_summary(b, fe);
	form_begin(r, "<form method=\"post\" action=\"/admin/motifs\" class=\"compact\" novalidate>");
	form_input(b, &(form_field){.name = "label", .label = "Nouveau motif", .required = true, .value = typed}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Ajouter</button></form>");
	page_end(r);
}

static void motives_page(web_req *r) { motives(r, NULL, NULL); }

static void motive_post(web_req *r)
{
	const char *l = web_field(r, "label");
	form_errors fe = {0};
	int64_t id;
	err e = rc_motive_add(r->db, r->user->id, l, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		motives(r, l, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/motifs");
}

static void motive_off(web_req *r)
{
	err e = rc_motive_retire(r->db, r->user->id, r->param[0]);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/motifs");
}

void reception_pages_routes(void)
{
	web_route(M_GET, "/accueil", desk_page, PERM_RECEPTION, 0, "Accueil du public : file d’attente");
	web_route(M_POST, "/accueil/file", queue_add, PERM_RECEPTION, 0, "Ajouter à la file d’attente");
	web_route(M_POST, "/accueil/file/{id}", queue_move, PERM_RECEPTION, 0, "Faire avancer la file");
	web_route(M_POST, "/contacts", contact_post, PERM_RECEPTION, 0, "Enregistrer un contact");
	web_route(M_GET, "/rendez-vous", calendar_page, PERM_RECEPTION, 0, "Agenda (jour, semaine, impression)");
	web_route(M_POST, "/rendez-vous", appt_post, PERM_RECEPTION, 0, "Prendre un rendez-vous");
	web_route(M_POST, "/rendez-vous/{id}/statut", appt_status, PERM_RECEPTION, 0, "Annuler, absent, honoré");
	web_route(M_GET, "/rendez-vous/export.ics", ics_export, PERM_RECEPTION, 0, "Export iCalendar");
	web_route(M_GET, "/partenaires", partners_page, PERM_RECEPTION, 0, "Annuaire des partenaires");
	web_route(M_POST, "/partenaires", partner_post, PERM_RECEPTION_ADMIN, 0, "Ajouter un partenaire");
	web_route(M_GET, "/admin/motifs", motives_page, PERM_RECEPTION_ADMIN, 0, "Motifs de contact");
	web_route(M_POST, "/admin/motifs", motive_post, PERM_RECEPTION_ADMIN, 0, "Ajouter un motif");
	web_route(M_POST, "/admin/motifs/{id}/retirer", motive_off, PERM_RECEPTION_ADMIN, 0, "Retirer un motif");
}
