/*
 * reception.c — contacts, waiting queue, appointments, partners, motives
 * (see reception.h). Households are reached only through persons.h.
 */
#include "modules/reception/reception.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/civil.h"
#include "core/log.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/home/home.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

int PERM_RECEPTION, PERM_RECEPTION_ADMIN;

static const db_migration migrations[] = {
	{1, "motives, partners, contacts, queue, appointments",
	 "CREATE TABLE contact_motives (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " label TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE TABLE partners (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " name TEXT NOT NULL, kind TEXT NOT NULL, phone TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', "
	 " address TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '', active INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE TABLE contacts (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER, at INTEGER NOT NULL, channel TEXT NOT NULL, motive_id INTEGER, answer TEXT NOT NULL DEFAULT '', "
	 " orientation TEXT NOT NULL DEFAULT '', orient_user INTEGER, orient_service TEXT NOT NULL DEFAULT '', "
	 " orient_partner INTEGER, minutes INTEGER NOT NULL DEFAULT 0, user_id INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX contacts_h ON contacts(structure_id, household_id, at);"
	 "CREATE INDEX contacts_at ON contacts(structure_id, at);"
	 "CREATE TABLE queue (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER, label TEXT NOT NULL, motive_id INTEGER, for_user INTEGER, status TEXT NOT NULL, "
	 " checked_in_at INTEGER NOT NULL, received_at INTEGER, done_at INTEGER, received_by INTEGER) STRICT;"
	 "CREATE INDEX queue_status ON queue(structure_id, status, checked_in_at);"
	 "CREATE TABLE appointments (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER, agent_id INTEGER NOT NULL, starts_at INTEGER NOT NULL, minutes INTEGER NOT NULL, "
	 " place TEXT NOT NULL DEFAULT '', motive TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'prevu', "
	 " created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX appointments_agent ON appointments(structure_id, agent_id, starts_at);"
	 "CREATE INDEX appointments_h ON appointments(structure_id, household_id, starts_at);",
	 NULL},
};
const db_module_schema reception_schema = {"reception", migrations, sizeof migrations / sizeof *migrations};

static const char *CH_V[] = {"visite", "telephone", "courrier", "email", "visite_domicile", "tiers"};
static const char *CH_L[] = {"Visite à l’accueil", "Téléphone", "Courrier", "E-mail", "Visite à domicile", "Par un tiers"};
#define NCH 6
static const char *OR_V[] = {"", "agent", "service", "partenaire"};
static const char *OR_L[] = {"Aucune (réponse donnée)", "Vers un agent", "Vers un service du CCAS", "Vers un partenaire"};
static const char *PK_V[] = {"association", "caf", "departement", "bailleur", "cpam", "france_travail", "mairie", "autre"};
static const char *PK_L[] = {"Association", "CAF / MSA", "Département", "Bailleur", "CPAM", "France Travail", "Mairie", "Autre"};
static const char *AS_V[] = {"prevu", "honore", "annule", "absent"};
static const char *AS_L[] = {"Prévu", "Honoré", "Annulé", "Absent (non excusé)"};

static const char *lookup(const char **v, const char **l, int n, const char *x)
{
	for (int i = 0; x && i < n; i++)
		if (!strcmp(v[i], x))
			return l[i];
	return x ? x : "";
}
static bool valid(const char **v, int n, const char *x)
{
	for (int i = 0; x && i < n; i++)
		if (!strcmp(v[i], x))
			return true;
	return false;
}

/* fmt is always a literal of this file (strftime cannot be checked). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static const char *when(web_req *r, int64_t t, const char *fmt)
{
	struct tm tm;
	char *out = arena_alloc(r->a, 32);
	if (!out || !civil_local_time(r->user->tz, (time_t)t, &tm))
		return "";
	strftime(out, 32, fmt, &tm);
	return out;
}
#pragma GCC diagnostic pop

/* Local wall time (date + HH:MM) in the structure's zone → instant. The
 * zone offset is found by asking the zone what time it is at the guess. */
static bool local_to_instant(const char *tz, const char *date, const char *hhmm, int64_t *out)
{
	civil_date d;
	int h, m;
	if (!date || !hhmm || !civil_parse(date, &d) || strlen(hhmm) != 5 || sscanf(hhmm, "%2d:%2d", &h, &m) != 2 ||
	    h < 0 || h > 23 || m < 0 || m > 59)
		return false;
	int64_t guess = civil_to_days(d) * 86400 + h * 3600 + m * 60;
	for (int i = 0; i < 2; i++) {
		struct tm tm;
		if (!civil_local_time(tz, (time_t)guess, &tm))
			return false;
		civil_date ld = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
		int64_t shown = civil_to_days(ld) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60;
		guess += (civil_to_days(d) * 86400 + h * 3600 + m * 60) - shown;
	}
	*out = guess;
	return true;
}

/* Start of the local day (00:00) as an instant. */
static int64_t day_start(const char *tz, civil_date d)
{
	char iso[11];
	civil_format(d, iso);
	int64_t t = 0;
	local_to_instant(tz, iso, "00:00", &t);
	return t;
}

/* ---- statements ------------------------------------------------------------- */

static db_sql Q_MOTIVES = DB_SQL(DB_SCOPED, "SELECT id, label FROM contact_motives WHERE structure_id = $1 AND active = 1 ORDER BY label");
static db_sql Q_MOTIVE_OK = DB_SQL(DB_SCOPED, "SELECT count(*) FROM contact_motives WHERE structure_id = $1 AND id = $2");
static db_sql Q_MOTIVE_ADD = DB_SQL(DB_SCOPED, "INSERT INTO contact_motives (structure_id, label) VALUES ($1, $2) RETURNING id");
static db_sql Q_MOTIVE_OFF = DB_SQL(DB_SCOPED, "UPDATE contact_motives SET active = 0 WHERE structure_id = $1 AND id = $2");
static db_sql Q_PARTNERS = DB_SQL(DB_SCOPED,
	"SELECT id, name, kind, phone, email, address, notes FROM partners WHERE structure_id = $1 AND active = 1 "
	"AND ($2 = '' OR lower(name) LIKE $3 OR lower(notes) LIKE $3) ORDER BY name LIMIT 200");
static db_sql Q_PARTNER_OK = DB_SQL(DB_SCOPED, "SELECT count(*) FROM partners WHERE structure_id = $1 AND id = $2");
static db_sql Q_PARTNER_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO partners (structure_id, name, kind, phone, email, address, notes) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
static db_sql Q_STAFF = DB_SQL(DB_SCOPED,
	"SELECT user_id, display_name FROM structure_agents WHERE structure_id = $1 AND role IN (1, 2, 3, 4) "
	"ORDER BY display_name");
static db_sql Q_STAFF_OK = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM structure_agents WHERE structure_id = $1 AND user_id = $2");
static db_sql Q_CONTACT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO contacts (structure_id, household_id, at, channel, motive_id, answer, orientation, orient_user, "
	"orient_service, orient_partner, minutes, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id");
static db_sql Q_CONTACTS_H = DB_SQL(DB_SCOPED,
	"SELECT c.at, c.channel, m.label, c.answer, c.orientation, u.display_name, c.orient_service, p.name, a.display_name, c.minutes "
	"FROM contacts c LEFT JOIN contact_motives m ON m.id = c.motive_id LEFT JOIN agent_names u ON u.id = c.orient_user "
	"LEFT JOIN partners p ON p.id = c.orient_partner LEFT JOIN agent_names a ON a.id = c.user_id "
	"WHERE c.structure_id = $1 AND c.household_id = $2 ORDER BY c.at DESC, c.id DESC LIMIT $3");

/* ---- contacts --------------------------------------------------------------- */

typedef struct contact_in {
	const char *channel, *motive, *answer, *orientation, *orient_user, *orient_service, *orient_partner, *minutes;
} contact_in;

static err contact_add(web_req *r, int64_t hid, const contact_in *c, form_errors *fe, int64_t *id)
{
	int64_t motive = 0, ou = 0, op = 0, min = 0, n = 0;
	if (!valid(CH_V, NCH, c->channel))
		form_error(fe, "channel", "Choisissez le type de contact.");
	if (c->motive && *c->motive && (!text_to_int64(c->motive, 1, INT64_MAX, &motive) ||
	                                 DBID(r->db, &Q_MOTIVE_OK, &n, A_INT(motive)) != E_OK || !n))
		form_error(fe, "motive", "Choisissez un motif dans la liste.");
	if (c->orientation && *c->orientation && !valid(OR_V, 4, c->orientation))
		form_error(fe, "orientation", "Choisissez une orientation dans la liste.");
	const char *o = c->orientation ? c->orientation : "";
	if (!strcmp(o, "agent") && (!c->orient_user || !text_to_int64(c->orient_user, 1, INT64_MAX, &ou) ||
	                            DBID(r->db, &Q_STAFF_OK, &n, A_INT(ou)) != E_OK || !n))
		form_error(fe, "orient_user", "Choisissez l’agent vers qui la personne est orientée.");
	if (!strcmp(o, "partenaire") && (!c->orient_partner || !text_to_int64(c->orient_partner, 1, INT64_MAX, &op) ||
	                                 DBID(r->db, &Q_PARTNER_OK, &n, A_INT(op)) != E_OK || !n))
		form_error(fe, "orient_partner", "Choisissez le partenaire dans l’annuaire.");
	if (!strcmp(o, "service") && (!c->orient_service || !*c->orient_service))
		form_error(fe, "orient_service", "Indiquez le service du CCAS.");
	if (c->minutes && *c->minutes && !text_to_int64(c->minutes, 0, 600, &min))
		form_error(fe, "minutes", "La durée est un nombre de minutes (0 à 600).");
	if (c->answer && strlen(c->answer) > 4000)
		form_error(fe, "answer", "La réponse est trop longue (4 000 caractères au plus).");
	if (hid && !persons_household_exists(r->db, hid))
		form_error(fe, "household", "Ce foyer n’existe pas.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_CONTACT_ADD, id, A_INT_OR_NULL(hid), A_INT(civil_now()), A_TEXT(c->channel), A_INT_OR_NULL(motive),
		         A_TEXT(c->answer ? c->answer : ""), A_TEXT(o), A_INT_OR_NULL(ou),
		         A_TEXT(c->orient_service ? c->orient_service : ""), A_INT_OR_NULL(op), A_INT(min), A_INT(r->user->id));
	if (e == E_OK && hid)
		e = persons_timeline_add(r->db, hid, r->user->id, "contact", *id,
		                         arena_printf(r->a, "Contact : %s", lookup(CH_V, CH_L, NCH, c->channel)));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "contact", *id, hid ? arena_printf(r->a, "household=%lld", (long long)hid) : "anonymous");
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void select_rows(web_req *r, db_sql *q, const char *name, const char *label, const char *empty, const char *sel)
{
	buf *b = &r->out;
	html_printf(b, "<div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\"><option value=\"\">%s</option>",
	            name, label, name, name, empty);
	db_res q2 = {0};
	DBQ0(r->db, q, &q2);
	while (db_next(&q2)) {
		const char *id = db_text(&q2, 0);
		html_printf(b, "<option value=\"%s\"%s>%s</option>", id, sel && !strcmp(sel, id) ? " selected" : "", db_text(&q2, 1));
	}
	db_close(&q2);
	html_lit(b, "</select></div>");
}

static db_sql Q_PARTNERS_ALL = DB_SQL(DB_SCOPED, "SELECT id, name FROM partners WHERE structure_id = $1 AND active = 1 ORDER BY name");

static void contact_form(web_req *r, int64_t hid, const contact_in *c, const form_errors *fe)
{
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_lit(b, "<form method=\"post\" action=\"/contacts\" class=\"compact\" novalidate>");
	page_csrf(r);
	if (hid)
		html_printf(b, "<input type=\"hidden\" name=\"household\" value=\"%lld\">", (long long)hid);
	html_lit(b, "<div class=\"grid\">");
	form_select(b, "channel", "Type de contact", CH_V, CH_L, NCH, c && c->channel ? c->channel : "visite", fe);
	select_rows(r, &Q_MOTIVES, "motive", "Motif", "— choisir —", c ? c->motive : NULL);
	form_select(b, "orientation", "Orientation", OR_V, OR_L, 4, c ? c->orientation : "", fe);
	select_rows(r, &Q_STAFF, "orient_user", "Agent (si orientation vers un agent)", "—", c ? c->orient_user : NULL);
	select_rows(r, &Q_PARTNERS_ALL, "orient_partner", "Partenaire (si orientation)", "—", c ? c->orient_partner : NULL);
	form_input(b, &(form_field){.name = "orient_service", .label = "Service (si orientation interne)", .value = c ? c->orient_service : NULL}, fe);
	form_input(b, &(form_field){.name = "minutes", .label = "Durée (minutes)", .type = "number", .value = c ? c->minutes : NULL}, fe);
	html_lit(b, "</div>");
	form_input(b, &(form_field){.name = "answer", .label = "Réponse apportée", .type = "textarea", .value = c ? c->answer : NULL}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer le contact</button></form>");
}

static contact_in contact_from_form(web_req *r)
{
	return (contact_in){web_field(r, "channel"), web_field(r, "motive"), web_field(r, "answer"), web_field(r, "orientation"),
	                    web_field(r, "orient_user"), web_field(r, "orient_service"), web_field(r, "orient_partner"),
	                    web_field(r, "minutes")};
}

static void contact_post(web_req *r)
{
	contact_in c = contact_from_form(r);
	int64_t hid = 0, id;
	const char *h = web_field(r, "household");
	form_errors fe = {0};
	if (h && *h && !text_to_int64(h, 1, INT64_MAX, &hid))
		form_error(&fe, "household", "Foyer incorrect.");
	err e = fe.n ? E_INPUT : contact_add(r, hid, &c, &fe, &id);
	if (e == E_INPUT) {
		r->status = 400;
		page_begin(r, "Enregistrer un contact");
		contact_form(r, hid, &c, &fe);
		page_end(r);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, hid ? arena_printf(r->a, "/foyers/%lld?ok=1#t-contacts", (long long)hid) : "/accueil?ok=contact");
}

static void section_contacts(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-contacts\"><h2 id=\"t-contacts\">Contacts</h2>"
	            "<details><summary>Enregistrer un contact</summary>");
	contact_form(r, hid, NULL, NULL);
	html_lit(b, "</details>");
	db_res q = {0};
	DBQ(r->db, &Q_CONTACTS_H, &q, A_INT(hid), A_INT(10));
	int n = 0;
	while (db_next(&q)) {
		if (!n++)
			html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Derniers contacts</caption><thead><tr>"
			            "<th scope=\"col\">Date</th><th scope=\"col\">Type</th><th scope=\"col\">Motif</th>"
			            "<th scope=\"col\">Réponse et orientation</th><th scope=\"col\">Agent</th></tr></thead><tbody>");
		const char *orient = db_text(&q, 4);
		const char *to = !strcmp(orient, "agent") ? db_text(&q, 5) : !strcmp(orient, "service") ? db_text(&q, 6)
		               : !strcmp(orient, "partenaire") ? db_text(&q, 7) : "";
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s", when(r, db_int(&q, 0), "%d/%m/%Y %H:%M"),
		            lookup(CH_V, CH_L, NCH, db_text(&q, 1)), db_text(&q, 2), db_text(&q, 3));
		if (*to)
			html_printf(b, " <em>→ %s</em>", to);
		html_printf(b, "</td><td>%s</td></tr>", db_text(&q, 8));
	}
	db_close(&q);
	if (n)
		html_lit(b, "</tbody></table>");
	else
		html_lit(b, "<p class=\"muted\">Aucun contact enregistré.</p>");
	html_lit(b, "</section>");
}

/* ---- queue ------------------------------------------------------------------ */

static db_sql Q_QUEUE = DB_SQL(DB_SCOPED,
	"SELECT q.id, q.label, q.household_id, m.label, u.display_name, q.status, q.checked_in_at, q.received_at, r.display_name "
	"FROM queue q LEFT JOIN contact_motives m ON m.id = q.motive_id LEFT JOIN agent_names u ON u.id = q.for_user "
	"LEFT JOIN agent_names r ON r.id = q.received_by WHERE q.structure_id = $1 AND q.checked_in_at >= $2 "
	"AND q.status IN ('attente', 'recu') ORDER BY q.checked_in_at");
static db_sql Q_QUEUE_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO queue (structure_id, household_id, label, motive_id, for_user, status, checked_in_at) "
	"VALUES ($1, $2, $3, $4, $5, 'attente', $6) RETURNING id");
static db_sql Q_QUEUE_MOVE = DB_SQL(DB_SCOPED,
	"UPDATE queue SET status = $3, received_at = CASE WHEN $3 = 'recu' THEN $4 ELSE received_at END, "
	"received_by = CASE WHEN $3 = 'recu' THEN $5 ELSE received_by END, "
	"done_at = CASE WHEN $3 IN ('termine', 'parti') THEN $4 ELSE done_at END "
	"WHERE structure_id = $1 AND id = $2 AND status = $6");
static db_sql Q_QUEUE_DONE_TODAY = DB_SQL(DB_SCOPED,
	"SELECT count(*), coalesce(sum(received_at - checked_in_at), 0), count(received_at) FROM queue "
	"WHERE structure_id = $1 AND checked_in_at >= $2");

static void desk_page(web_req *r)
{
	civil_date today = civil_today(r->user->tz);
	int64_t t0 = day_start(r->user->tz, today), now = civil_now();
	const char *ok = web_arg(r, "ok");
	if (r->htmx && web_arg(r, "fragment"))
		goto queue_only;
	page_begin(r, "Accueil du public");
	if (ok)
		page_notice(r, "ok", !strcmp(ok, "contact") ? "Le contact a été enregistré." : "C’est enregistré.");
	html_lit(&r->out, "<div class=\"file\"><div class=\"col-main\">");
queue_only:;
	buf *b = &r->out;
	html_lit(b, "<section id=\"file-attente\" aria-labelledby=\"t-q\" hx-get=\"/accueil?fragment=1\" hx-trigger=\"every 20s\" hx-swap=\"outerHTML\">"
	            "<h2 id=\"t-q\">File d’attente</h2>");
	db_res q = {0};
	DBQ(r->db, &Q_QUEUE, &q, A_INT(t0));
	int n = 0;
	while (db_next(&q)) {
		if (!n++)
			html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Personnes présentes</caption><thead><tr>"
			            "<th scope=\"col\">Arrivée</th><th scope=\"col\">Attente</th><th scope=\"col\">Personne</th>"
			            "<th scope=\"col\">Motif</th><th scope=\"col\">Pour</th><th scope=\"col\">État</th>"
			            "<th scope=\"col\"><span class=\"sr-only\">Actions</span></th></tr></thead><tbody>");
		int64_t id = db_int(&q, 0), in = db_int(&q, 6);
		bool waiting = !strcmp(db_text(&q, 5), "attente");
		int64_t wait = ((waiting ? now : db_int(&q, 7)) - in) / 60;
		html_printf(b, "<tr><td>%s</td><td>%lld min</td><td>", when(r, in, "%H:%M"), (long long)wait);
		if (!db_isnull(&q, 2))
			html_printf(b, "<a href=\"/foyers/%lld\">%s</a>", (long long)db_int(&q, 2), db_text(&q, 1));
		else
			html_printf(b, "%s", db_text(&q, 1));
		html_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td><td>", db_text(&q, 3), db_isnull(&q, 4) ? "tout agent" : db_text(&q, 4),
		            waiting ? "En attente" : arena_printf(r->a, "Reçu par %s", db_text(&q, 8)));
		static const char *next_w[] = {"recu", "parti"}, *lab_w[] = {"Recevoir", "Parti sans être reçu"};
		static const char *next_r[] = {"termine"}, *lab_r[] = {"Terminé"};
		const char **nx = waiting ? next_w : next_r, **lb = waiting ? lab_w : lab_r;
		for (int k = 0; k < (waiting ? 2 : 1); k++) {
			html_printf(b, "<form method=\"post\" action=\"/accueil/file/%lld\" class=\"inline\">", (long long)id);
			page_csrf(r);
			html_printf(b, "<input type=\"hidden\" name=\"from\" value=\"%s\"><input type=\"hidden\" name=\"to\" value=\"%s\">"
			               "<button type=\"submit\" class=\"link\">%s</button></form> ", db_text(&q, 5), nx[k], lb[k]);
		}
		html_lit(b, "</td></tr>");
	}
	db_close(&q);
	if (n)
		html_lit(b, "</tbody></table>");
	else
		html_lit(b, "<p class=\"muted\">Personne n’attend.</p>");
	int64_t total = 0, waited = 0, received = 0;
	if (DBQ(r->db, &Q_QUEUE_DONE_TODAY, &q, A_INT(t0)) == E_OK && db_next(&q)) {
		total = db_int(&q, 0);
		waited = db_int(&q, 1);
		received = db_int(&q, 2);
	}
	db_close(&q);
	html_printf(b, "<p class=\"muted\">Aujourd’hui : %lld arrivée%s, attente moyenne %lld min.</p></section>", (long long)total,
	            total > 1 ? "s" : "", (long long)(received ? waited / received / 60 : 0));
	if (r->htmx && web_arg(r, "fragment"))
		return;
	html_lit(b, "<h2>Nouvelle arrivée</h2><form method=\"post\" action=\"/accueil/file\" class=\"compact\" novalidate><div class=\"grid\">");
	page_csrf(r);
	form_input(b, &(form_field){.name = "label", .label = "Personne (nom ou description)", .required = true,
	                            .hint = "Ce qui permet de l’appeler, par exemple « Mme Payet » ou « monsieur au pull bleu »."}, NULL);
	form_input(b, &(form_field){.name = "household", .label = "N° de foyer (si connu)", .type = "number"}, NULL);
	select_rows(r, &Q_MOTIVES, "motive", "Motif", "— choisir —", NULL);
	select_rows(r, &Q_STAFF, "for_user", "Attend", "Tout agent", NULL);
	html_lit(b, "</div><button type=\"submit\" class=\"primary\">Ajouter à la file</button></form>");
	html_lit(b, "</div><div class=\"col-side\"><section aria-labelledby=\"t-qc\"><h2 id=\"t-qc\">Contact rapide (personne non identifiée)</h2>"
	            "<p class=\"hint\">Pour un renseignement sans dossier : compté dans les statistiques, sans donnée personnelle.</p>");
	contact_form(r, 0, NULL, NULL);
	html_lit(b, "</section></div></div>");
	page_end(r);
}

static void queue_add(web_req *r)
{
	const char *label = web_field(r, "label"), *h = web_field(r, "household"), *m = web_field(r, "motive"),
	           *u = web_field(r, "for_user");
	int64_t hid = 0, mid = 0, uid = 0, n = 0, id;
	if (!label || !*label || strlen(label) > 120) {
		web_error(r, E_INPUT, "Indiquez qui attend (120 caractères au plus).");
		return;
	}
	if ((h && *h && (!text_to_int64(h, 1, INT64_MAX, &hid) || !persons_household_exists(r->db, hid))) ||
	    (m && *m && (!text_to_int64(m, 1, INT64_MAX, &mid) || DBID(r->db, &Q_MOTIVE_OK, &n, A_INT(mid)) != E_OK || !n)) ||
	    (u && *u && (!text_to_int64(u, 1, INT64_MAX, &uid) || DBID(r->db, &Q_STAFF_OK, &n, A_INT(uid)) != E_OK || !n))) {
		web_error(r, E_INPUT, "Le foyer, le motif ou l’agent indiqué n’existe pas.");
		return;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_QUEUE_ADD, &id, A_INT_OR_NULL(hid), A_TEXT(label), A_INT_OR_NULL(mid), A_INT_OR_NULL(uid), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "queue", id, NULL);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/accueil");
}

static void queue_move(web_req *r)
{
	const char *from = web_field(r, "from"), *to = web_field(r, "to");
	static const char *st[] = {"attente", "recu", "termine", "parti"};
	bool ok = valid(st, 4, from) && valid(st, 4, to) &&
	          ((!strcmp(from, "attente") && (!strcmp(to, "recu") || !strcmp(to, "parti"))) ||
	           (!strcmp(from, "recu") && !strcmp(to, "termine")));
	if (!ok) {
		web_error(r, E_INPUT, "Ce passage d’état n’est pas possible.");
		return;
	}
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_QUEUE_MOVE, &n, A_INT(r->param[0]), A_TEXT(to), A_INT(civil_now()), A_INT(r->user->id), A_TEXT(from));
	if (e == E_OK && n == 0)
		e = E_CONFLICT; /* someone else received this person first */
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "queue", r->param[0], to);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, e == E_CONFLICT ? "Un collègue a déjà pris en charge cette personne." : NULL);
		return;
	}
	web_redirect(r, "/accueil");
}

/* ---- appointments -------------------------------------------------------------- */

static db_sql Q_APPT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO appointments (structure_id, household_id, agent_id, starts_at, minutes, place, motive, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id");
static db_sql Q_APPT_CLASH = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM appointments WHERE structure_id = $1 AND agent_id = $2 AND status = 'prevu' "
	"AND starts_at < $3 AND starts_at + minutes * 60 > $4");
static db_sql Q_APPT_RANGE = DB_SQL(DB_SCOPED,
	"SELECT a.id, a.starts_at, a.minutes, a.place, a.motive, a.status, a.household_id, u.display_name, a.agent_id "
	"FROM appointments a JOIN agent_names u ON u.id = a.agent_id WHERE a.structure_id = $1 AND a.starts_at >= $2 "
	"AND a.starts_at < $3 AND ($4 = 0 OR a.agent_id = $4) ORDER BY a.starts_at, u.display_name");
static db_sql Q_APPT_H = DB_SQL(DB_SCOPED,
	"SELECT a.id, a.starts_at, a.minutes, a.place, a.motive, a.status, u.display_name FROM appointments a "
	"JOIN agent_names u ON u.id = a.agent_id WHERE a.structure_id = $1 AND a.household_id = $2 ORDER BY a.starts_at DESC LIMIT 10");
static db_sql Q_APPT_STATUS = DB_SQL(DB_SCOPED,
	"UPDATE appointments SET status = $3 WHERE structure_id = $1 AND id = $2 RETURNING household_id");

typedef struct appt_in { const char *household, *agent, *date, *time, *minutes, *place, *motive; } appt_in;

static err appt_add(web_req *r, const appt_in *a, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, agent = 0, start = 0, min = 30, n = 0;
	if (a->household && *a->household && (!text_to_int64(a->household, 1, INT64_MAX, &hid) || !persons_household_exists(r->db, hid)))
		form_error(fe, "household", "Ce foyer n’existe pas.");
	if (!a->agent || !text_to_int64(a->agent, 1, INT64_MAX, &agent) || DBID(r->db, &Q_STAFF_OK, &n, A_INT(agent)) != E_OK || !n)
		form_error(fe, "agent", "Choisissez l’agent qui reçoit.");
	if (!local_to_instant(r->user->tz, a->date, a->time, &start))
		form_error(fe, "date", "Indiquez la date (AAAA-MM-JJ) et l’heure (HH:MM) du rendez-vous.");
	if (a->minutes && *a->minutes && !text_to_int64(a->minutes, 5, 480, &min))
		form_error(fe, "duration", "La durée est comprise entre 5 et 480 minutes.");
	if ((a->place && strlen(a->place) > 200) || (a->motive && strlen(a->motive) > 300))
		form_error(fe, "subject", "Le lieu ou l’objet est trop long.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_APPT_CLASH, &n, A_INT(agent), A_INT(start + min * 60), A_INT(start));
	if (e == E_OK && n) {
		db_rollback(r->db);
		form_error(fe, "date", "Cet agent a déjà un rendez-vous sur ce créneau.");
		return E_INPUT;
	}
	if (e == E_OK)
		e = DBID(r->db, &Q_APPT_ADD, id, A_INT_OR_NULL(hid), A_INT(agent), A_INT(start), A_INT(min),
		         A_TEXT(a->place ? a->place : ""), A_TEXT(a->motive ? a->motive : ""), A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK && hid)
		e = persons_timeline_add(r->db, hid, r->user->id, "appointment", *id,
		                         arena_printf(r->a, "Rendez-vous pris pour le %s à %s", a->date, a->time));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "appointment", *id, NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void appt_form(web_req *r, int64_t hid, const appt_in *a, const form_errors *fe)
{
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_lit(b, "<form method=\"post\" action=\"/rendez-vous\" class=\"compact\" novalidate><div class=\"grid\">");
	page_csrf(r);
	if (hid)
		html_printf(b, "<input type=\"hidden\" name=\"household\" value=\"%lld\">", (long long)hid);
	else
		form_input(b, &(form_field){.name = "household", .label = "N° de foyer (facultatif)", .value = a ? a->household : NULL}, fe);
	char me[24];
	snprintf(me, sizeof me, "%lld", (long long)r->user->id);
	select_rows(r, &Q_STAFF, "agent", "Agent", "— choisir —", a && a->agent ? a->agent : me);
	char today[11];
	civil_format(civil_today(r->user->tz), today);
	form_input(b, &(form_field){.name = "date", .label = "Date", .type = "date", .required = true, .value = a && a->date ? a->date : today}, fe);
	form_input(b, &(form_field){.name = "time", .label = "Heure", .type = "time", .required = true, .value = a ? a->time : "09:00"}, fe);
	form_input(b, &(form_field){.name = "duration", .label = "Durée du rendez-vous (minutes)", .type = "number", .value = a && a->minutes ? a->minutes : "30"}, fe);
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
	err e = appt_add(r, &a, &fe, &id);
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
	const char *s = web_field(r, "status");
	if (!valid(AS_V, 4, s)) {
		web_error(r, E_INPUT, "État inconnu.");
		return;
	}
	int64_t hid = 0;
	db_res q = {0};
	err e = db_begin(r->db, true);
	bool found = false;
	if (e == E_OK && (e = DBQ(r->db, &Q_APPT_STATUS, &q, A_INT(r->param[0]), A_TEXT(s))) == E_OK && db_next(&q)) {
		found = true;
		hid = db_int(&q, 0);
	}
	db_close(&q);
	if (e == E_OK && !found)
		e = E_NOT_FOUND;
	if (e == E_OK && hid)
		e = persons_timeline_add(r->db, hid, r->user->id, "appointment", r->param[0],
		                         arena_printf(r->a, "Rendez-vous : %s", lookup(AS_V, AS_L, 4, s)));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "appointment", r->param[0], s);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	const char *back = web_field(r, "back");
	web_redirect(r, back && back[0] == '/' && back[1] != '/' ? back : "/rendez-vous");
}

static void appt_rows(web_req *r, int64_t from, int64_t to, int64_t agent, bool actions, bool day_col)
{
	buf *b = &r->out;
	db_res q = {0};
	DBQ(r->db, &Q_APPT_RANGE, &q, A_INT(from), A_INT(to), A_INT(agent));
	int n = 0;
	while (db_next(&q)) {
		if (!n++) {
			html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Rendez-vous</caption><thead><tr>");
			if (day_col)
				html_lit(b, "<th scope=\"col\">Jour</th>");
			html_lit(b, "<th scope=\"col\">Heure</th><th scope=\"col\">Durée</th><th scope=\"col\">Agent</th>"
			            "<th scope=\"col\">Foyer</th><th scope=\"col\">Objet</th><th scope=\"col\">Lieu</th><th scope=\"col\">État</th>");
			if (actions)
				html_lit(b, "<th scope=\"col\"><span class=\"sr-only\">Actions</span></th>");
			html_lit(b, "</tr></thead><tbody>");
		}
		int64_t id = db_int(&q, 0), hid = db_int(&q, 6);
		html_lit(b, "<tr>");
		if (day_col)
			html_printf(b, "<td>%s</td>", when(r, db_int(&q, 1), "%a %d/%m"));
		html_printf(b, "<td>%s</td><td>%lld min</td><td>%s</td><td>", when(r, db_int(&q, 1), "%H:%M"), (long long)db_int(&q, 2),
		            db_text(&q, 7));
		if (hid)
			html_printf(b, "<a href=\"/foyers/%lld\">dossier %s</a>", (long long)hid, persons_file_no(r->db, r->a, hid));
		html_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td>", db_text(&q, 4), db_text(&q, 3), lookup(AS_V, AS_L, 4, db_text(&q, 5)));
		if (actions) {
			html_lit(b, "<td>");
			if (!strcmp(db_text(&q, 5), "prevu"))
				for (int k = 1; k < 4; k++) {
					html_printf(b, "<form method=\"post\" action=\"/rendez-vous/%lld/statut\" class=\"inline\"%s>", (long long)id,
					            k == 2 ? " data-confirm=\"Annuler ce rendez-vous ?\"" : "");
					page_csrf(r);
					html_printf(b, "<input type=\"hidden\" name=\"status\" value=\"%s\"><input type=\"hidden\" name=\"back\" value=\"%s\">"
					               "<button type=\"submit\" class=\"link\">%s</button></form> ", AS_V[k], r->path, AS_L[k]);
				}
			html_lit(b, "</td>");
		}
		html_lit(b, "</tr>");
	}
	db_close(&q);
	if (n)
		html_lit(b, "</tbody></table>");
	else
		html_lit(b, "<p class=\"muted\">Aucun rendez-vous.</p>");
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
		int64_t days = civil_to_days(d);
		int wd = (int)((days + 3) % 7); /* 0 = Monday (1970-01-01 was a Thursday) */
		start = civil_from_days(days - wd);
	}
	int64_t from = day_start(r->user->tz, start), to = day_start(r->user->tz, civil_from_days(civil_to_days(start) + (week ? 7 : 1)));
	char iso[11], prev[11], next[11];
	civil_format(d, iso);
	civil_format(civil_from_days(civil_to_days(d) - (week ? 7 : 1)), prev);
	civil_format(civil_from_days(civil_to_days(d) + (week ? 7 : 1)), next);
	char fr[11];
	civil_iso_to_fr(iso, fr);
	page_begin(r, week ? arena_printf(r->a, "Rendez-vous de la semaine du %s", fr) : arena_printf(r->a, "Rendez-vous du %s", fr));
	buf *b = &r->out;
	if (!print) {
		html_lit(b, "<form method=\"get\" action=\"/rendez-vous\" class=\"filters\">");
		html_printf(b, "<div class=\"field\"><label for=\"f-jour\">Jour</label><input id=\"f-jour\" name=\"jour\" type=\"date\" value=\"%s\"></div>", iso);
		static const char *vv[] = {"jour", "semaine"}, *vl[] = {"Jour", "Semaine"};
		form_select(b, "vue", "Vue", vv, vl, 2, week ? "semaine" : "jour", NULL);
		select_rows(r, &Q_STAFF, "agent", "Agent", "Tous les agents", ag);
		html_lit(b, "<button type=\"submit\">Afficher</button></form>");
		html_printf(b, "<nav class=\"pager\" aria-label=\"Période\"><ul><li><a href=\"?jour=%s&amp;vue=%s&amp;agent=%lld\">Précédent</a></li>"
		               "<li><a href=\"?jour=%s&amp;vue=%s&amp;agent=%lld\">Suivant</a></li>"
		               "<li><a href=\"?jour=%s&amp;vue=%s&amp;agent=%lld&amp;imprimer=1\">Version imprimable</a></li>"
		               "<li><a href=\"/rendez-vous/export.ics?jour=%s&amp;agent=%lld\">Exporter (iCalendar)</a></li></ul></nav>",
		            prev, week ? "semaine" : "jour", (long long)agent, next, week ? "semaine" : "jour", (long long)agent,
		            iso, week ? "semaine" : "jour", (long long)agent, iso, (long long)agent);
	}
	appt_rows(r, from, to, agent, !print, week);
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
	int64_t from = day_start(r->user->tz, d), to = from + 30 * 86400;
	buf *b = &r->out;
	r->out_type = "text/calendar; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"rendez-vous.ics\"");
	buf_adds(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//OpenCCAS//FR\r\nCALSCALE:GREGORIAN\r\n");
	db_res q = {0};
	DBQ(r->db, &Q_APPT_RANGE, &q, A_INT(from), A_INT(to), A_INT(agent));
	while (db_next(&q)) {
		if (!strcmp(db_text(&q, 5), "annule"))
			continue;
		struct tm s, e;
		time_t t0 = (time_t)db_int(&q, 1), t1 = t0 + (time_t)db_int(&q, 2) * 60;
		gmtime_r(&t0, &s);
		gmtime_r(&t1, &e);
		char a[20], z[20];
		strftime(a, sizeof a, "%Y%m%dT%H%M%SZ", &s);
		strftime(z, sizeof z, "%Y%m%dT%H%M%SZ", &e);
		buf_printf(b, "BEGIN:VEVENT\r\nUID:rdv-%lld-%lld@openccas\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:",
		           (long long)db_int(&q, 0), (long long)r->user->structure_id, a, a, z);
		ics_text(b, *db_text(&q, 4) ? db_text(&q, 4) : "Rendez-vous");
		buf_adds(b, "\r\nLOCATION:");
		ics_text(b, db_text(&q, 3));
		buf_adds(b, "\r\nEND:VEVENT\r\n");
	}
	db_close(&q);
	buf_adds(b, "END:VCALENDAR\r\n");
	journal_record(r->db, r->user->id, "export", "appointments", agent, NULL);
}

static void section_appointments(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-rdv\"><h2 id=\"t-rdv\">Rendez-vous</h2>");
	db_res q = {0};
	DBQ(r->db, &Q_APPT_H, &q, A_INT(hid));
	int n = 0;
	html_lit(b, "<ul>");
	while (db_next(&q)) {
		n++;
		html_printf(b, "<li>%s, %lld min avec %s — %s <span class=\"tag\">%s</span></li>", when(r, db_int(&q, 1), "%d/%m/%Y %H:%M"),
		            (long long)db_int(&q, 2), db_text(&q, 6), db_text(&q, 4), lookup(AS_V, AS_L, 4, db_text(&q, 5)));
	}
	db_close(&q);
	html_lit(b, "</ul>");
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucun rendez-vous.</p>");
	html_lit(b, "<details><summary>Prendre un rendez-vous</summary>");
	appt_form(r, hid, NULL, NULL);
	html_lit(b, "</details></section>");
}

/* Home: a contact in a few seconds, even for someone without a file. */
static void home_quick_contact(web_req *r)
{
	html_lit(&r->out, "<section aria-labelledby=\"t-hq\"><h2 id=\"t-hq\">Contact rapide</h2>"
	                  "<p class=\"hint\">Renseignement sans dossier (compté dans les statistiques, sans donnée personnelle).</p>");
	contact_form(r, 0, NULL, NULL);
	html_lit(&r->out, "</section>");
}

static void home_appointments(web_req *r)
{
	civil_date t = civil_today(r->user->tz);
	int64_t from = day_start(r->user->tz, t), to = day_start(r->user->tz, civil_from_days(civil_to_days(t) + 1));
	html_lit(&r->out, "<section aria-labelledby=\"t-hr\"><h2 id=\"t-hr\">Mes rendez-vous du jour</h2>");
	appt_rows(r, from, to, r->user->id, false, false);
	html_lit(&r->out, "<p><a href=\"/rendez-vous\">Agenda</a> · <a href=\"/accueil\">File d’attente</a></p></section>");
}

/* ---- partners and motives ------------------------------------------------------- */

static void partners_page(web_req *r)
{
	const char *q = web_arg(r, "q");
	q = q ? text_trim(r->a, q) : "";
	page_begin(r, "Annuaire des partenaires");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "Le partenaire a été ajouté.");
	html_printf(b, "<form method=\"get\" action=\"/partenaires\" role=\"search\" class=\"filters\"><div class=\"field\">"
	               "<label for=\"pq\">Rechercher</label><input id=\"pq\" name=\"q\" type=\"search\" value=\"%s\"></div>"
	               "<button type=\"submit\">Rechercher</button></form>", q);
	char *pat = arena_printf(r->a, "%%%s%%", q);
	for (char *p = pat + 1; *p; p++)
		if (*p == '_' || (*p == '%' && p[1]))
			*p = ' ';
	db_res rs = {0};
	DBQ(r->db, &Q_PARTNERS, &rs, A_TEXT(q), A_TEXT(text_ascii_lower(r->a, pat)));
	int n = 0;
	while (db_next(&rs)) {
		if (!n++)
			html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Partenaires</caption><thead><tr><th scope=\"col\">Nom</th>"
			            "<th scope=\"col\">Type</th><th scope=\"col\">Téléphone</th><th scope=\"col\">E-mail</th>"
			            "<th scope=\"col\">Adresse</th><th scope=\"col\">Notes</th></tr></thead><tbody>");
		html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", db_text(&rs, 1),
		            lookup(PK_V, PK_L, 8, db_text(&rs, 2)), db_text(&rs, 3), db_text(&rs, 4), db_text(&rs, 5), db_text(&rs, 6));
	}
	db_close(&rs);
	if (n)
		html_lit(b, "</tbody></table>");
	else
		html_lit(b, "<p class=\"muted\">Aucun partenaire.</p>");
	if (web_can(r, PERM_RECEPTION_ADMIN)) {
		html_lit(b, "<h2>Ajouter un partenaire</h2><form method=\"post\" action=\"/partenaires\" class=\"compact\" novalidate><div class=\"grid\">");
		page_csrf(r);
		form_input(b, &(form_field){.name = "name", .label = "Nom", .required = true}, NULL);
		form_select(b, "kind", "Type", PK_V, PK_L, 8, "association", NULL);
		form_input(b, &(form_field){.name = "phone", .label = "Téléphone", .type = "tel"}, NULL);
		form_input(b, &(form_field){.name = "email", .label = "E-mail", .type = "email"}, NULL);
		form_input(b, &(form_field){.name = "address", .label = "Adresse"}, NULL);
		form_input(b, &(form_field){.name = "notes", .label = "Notes (horaires, interlocuteur)"}, NULL);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Ajouter</button></form>");
	}
	page_end(r);
}

static void partner_post(web_req *r)
{
	const char *name = web_field(r, "name"), *kind = web_field(r, "kind"), *email = web_field(r, "email");
	if (!name || !*name || strlen(name) > 200 || !valid(PK_V, 8, kind) || (email && *email && !text_email_valid(email))) {
		web_error(r, E_INPUT, "Indiquez le nom (200 caractères au plus), un type de la liste et, s’il y en a une, une adresse e-mail valide.");
		return;
	}
	int64_t id;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_PARTNER_ADD, &id, A_TEXT(name), A_TEXT(kind), A_TEXT(web_field(r, "phone") ? web_field(r, "phone") : ""),
		         A_TEXT(email ? email : ""), A_TEXT(web_field(r, "address") ? web_field(r, "address") : ""),
		         A_TEXT(web_field(r, "notes") ? web_field(r, "notes") : ""));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "partner", id, NULL);
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/partenaires?ok=1");
}

static void motives_page(web_req *r)
{
	page_begin(r, "Motifs de contact");
	buf *b = &r->out;
	html_lit(b, "<p>Le catalogue des motifs proposés à l’accueil. Un motif retiré reste dans l’historique.</p><ul>");
	db_res q = {0};
	DBQ0(r->db, &Q_MOTIVES, &q);
	while (db_next(&q)) {
		html_printf(b, "<li>%s <form method=\"post\" action=\"/admin/motifs/%lld/retirer\" class=\"inline\" "
		               "data-confirm=\"Retirer ce motif de la liste ?\">", db_text(&q, 1),
		            (long long)db_int(&q, 0));
		page_csrf(r);
		html_lit(b, "<button type=\"submit\" class=\"link\">Retirer</button></form></li>");
	}
	db_close(&q);
	html_lit(b, "</ul><form method=\"post\" action=\"/admin/motifs\" class=\"compact\" novalidate>");
	page_csrf(r);
	form_input(b, &(form_field){.name = "label", .label = "Nouveau motif", .required = true}, NULL);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Ajouter</button></form>");
	page_end(r);
}

static void motive_post(web_req *r)
{
	const char *l = web_field(r, "label");
	int64_t id;
	if (!l || !*l || strlen(l) > 120) {
		web_error(r, E_INPUT, "Le motif est obligatoire (120 caractères au plus).");
		return;
	}
	err e = DBID(r->db, &Q_MOTIVE_ADD, &id, A_TEXT(l));
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/motifs");
}

static void motive_off(web_req *r)
{
	int64_t n = 0;
	err e = DBX(r->db, &Q_MOTIVE_OFF, &n, A_INT(r->param[0]));
	if (e != E_OK || !n) {
		web_error(r, e != E_OK ? e : E_NOT_FOUND, NULL);
		return;
	}
	web_redirect(r, "/admin/motifs");
}

/* ---- API ------------------------------------------------------------------------ */

static char *jnum(web_req *r, json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? arena_printf(r->a, "%lld", (long long)json_integer_value(v)) : NULL;
}
static void api_contact_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	arena *a = r->a;
	contact_in c = {arena_strdup(a, web_jstr(in, "channel")), jnum(r, in, "motive_id"), arena_strdup(a, web_jstr(in, "answer")),
	                arena_strdup(a, web_jstr(in, "orientation")), jnum(r, in, "orient_user_id"), arena_strdup(a, web_jstr(in, "orient_service")),
	                jnum(r, in, "orient_partner_id"), jnum(r, in, "minutes")};
	json_t *h = json_object_get(in, "household_id");
	int64_t hid = json_is_integer(h) ? json_integer_value(h) : 0;
	json_decref(in);
	form_errors fe = {0};
	int64_t id;
	err e = contact_add(r, hid, &c, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_contacts(web_req *r)
{
	if (!persons_household_exists(r->db, r->param[0])) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	json_t *arr = json_array();
	db_res q = {0};
	DBQ(r->db, &Q_CONTACTS_H, &q, A_INT(r->param[0]), A_INT(200));
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I}", "at", (json_int_t)db_int(&q, 0), "channel", db_text(&q, 1),
		                                     "motive", db_text(&q, 2), "answer", db_text(&q, 3), "orientation", db_text(&q, 4),
		                                     "minutes", (json_int_t)db_int(&q, 9)));
	db_close(&q);
	journal_record(r->db, r->user->id, "read", "household", r->param[0], "contacts api");
	web_json(r, 200, json_pack("{s:o}", "contacts", arr));
}

static void api_appt_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	arena *a = r->a;
	appt_in ap = {jnum(r, in, "household_id"), jnum(r, in, "agent_id"), arena_strdup(a, web_jstr(in, "date")), arena_strdup(a, web_jstr(in, "time")),
	              jnum(r, in, "minutes"), arena_strdup(a, web_jstr(in, "place")), arena_strdup(a, web_jstr(in, "motive"))};
	json_decref(in);
	form_errors fe = {0};
	int64_t id;
	err e = appt_add(r, &ap, &fe, &id);
	if (web_api_failed(r, e, &fe, NULL))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void api_appts(web_req *r)
{
	const char *day = web_arg(r, "date"), *ag = web_arg(r, "agent_id");
	civil_date d = civil_today(r->user->tz);
	int64_t agent = 0;
	if ((day && !civil_parse(day, &d)) || (ag && !text_to_int64(ag, 1, INT64_MAX, &agent))) {
		web_error(r, E_INPUT, "date (AAAA-MM-JJ) et agent_id (entier) sont facultatifs mais doivent être valides.");
		return;
	}
	int64_t from = day_start(r->user->tz, d), to = day_start(r->user->tz, civil_from_days(civil_to_days(d) + 1));
	json_t *arr = json_array();
	db_res q = {0};
	DBQ(r->db, &Q_APPT_RANGE, &q, A_INT(from), A_INT(to), A_INT(agent));
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:I,s:I}", "id", (json_int_t)db_int(&q, 0), "starts_at",
		                                     (json_int_t)db_int(&q, 1), "minutes", (json_int_t)db_int(&q, 2), "place", db_text(&q, 3),
		                                     "motive", db_text(&q, 4), "status", db_text(&q, 5), "household_id",
		                                     (json_int_t)db_int(&q, 6), "agent_id", (json_int_t)db_int(&q, 8)));
	db_close(&q);
	web_json(r, 200, json_pack("{s:o}", "appointments", arr));
}

static void api_partners(web_req *r)
{
	json_t *arr = json_array();
	db_res q = {0};
	DBQ(r->db, &Q_PARTNERS, &q, A_TEXT(""), A_TEXT("%"));
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)db_int(&q, 0), "name", db_text(&q, 1),
		                                     "kind", db_text(&q, 2), "phone", db_text(&q, 3), "email", db_text(&q, 4)));
	db_close(&q);
	web_json(r, 200, json_pack("{s:o}", "partners", arr));
}

static void api_motives(web_req *r)
{
	json_t *arr = json_array();
	db_res q = {0};
	DBQ0(r->db, &Q_MOTIVES, &q);
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:s}", "id", (json_int_t)db_int(&q, 0), "label", db_text(&q, 1)));
	db_close(&q);
	web_json(r, 200, json_pack("{s:o}", "motives", arr));
}

/* The household's contacts, for the data-subject export. */
static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT c.at, c.channel, m.label, c.answer, c.orientation, c.minutes FROM contacts c "
	"LEFT JOIN contact_motives m ON m.id = c.motive_id WHERE c.structure_id = $1 AND c.household_id = $2 ORDER BY c.at");
static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a, (void)pid;
	static const char *const cols[] = {"at", "channel", "motive", "answer", "orientation", "minutes"};
	db_res q = {0};
	DBQ(c, &Q_SUBJECT, &q, A_INT(hid));
	json_t *rows = persons_rows_json(&q, cols, 6);
	json_array_extend(out, rows);
	json_decref(rows);
}

/* Retention: what was said at the counter goes with the names. */
static db_sql Q_ANON = DB_SQL(DB_SCOPED,
	"UPDATE contacts SET answer = '', orientation = '', orient_service = '' WHERE structure_id = $1 AND household_id = $2");
static err anonymise(db_conn *c, int64_t hid) { return DBX(c, &Q_ANON, NULL, A_INT(hid)); }

void reception_init(void)
{
	persons_subject_add("contacts", subject);
	persons_anonymise_add(anonymise);
	unsigned staff = ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER);
	PERM_RECEPTION = perm_declare("reception.desk", "Accueil : contacts, file d’attente, rendez-vous", staff);
	PERM_RECEPTION_ADMIN = perm_declare("reception.admin", "Gérer les motifs de contact et l’annuaire des partenaires",
	                                    ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN));
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
	web_route(M_POST, "/api/v1/contacts", api_contact_add, PERM_RECEPTION, 0, "Enregistrer un contact");
	web_route(M_GET, "/api/v1/households/{id}/contacts", api_contacts, PERM_RECEPTION, 0, "Contacts d’un foyer");
	web_route(M_GET, "/api/v1/appointments", api_appts, PERM_RECEPTION, 0, "Rendez-vous d’un jour");
	web_route(M_POST, "/api/v1/appointments", api_appt_add, PERM_RECEPTION, 0, "Prendre un rendez-vous");
	web_route(M_GET, "/api/v1/partners", api_partners, PERM_RECEPTION, 0, "Annuaire des partenaires");
	web_route(M_GET, "/api/v1/motives", api_motives, PERM_RECEPTION, 0, "Motifs de contact");
	layout_nav_add(5, "Accueil du public", "/accueil", PERM_RECEPTION);
	layout_nav_add(20, "Rendez-vous", "/rendez-vous", PERM_RECEPTION);
	layout_nav_add(80, "Partenaires", "/partenaires", PERM_RECEPTION);
	layout_nav_add(92, "Motifs", "/admin/motifs", PERM_RECEPTION_ADMIN);
	persons_section_add(10, "Contacts", section_contacts, PERM_RECEPTION);
	persons_section_add(20, "Rendez-vous", section_appointments, PERM_RECEPTION);
	home_widget_add(10, home_appointments, PERM_RECEPTION);
	home_widget_add(20, home_quick_contact, PERM_RECEPTION);
}

/* ---- demo ---------------------------------------------------------------------------- */

static db_sql Q_D_HH = DB_SQL(DB_SCOPED, "SELECT id FROM households WHERE structure_id = $1 ORDER BY id");
static db_sql Q_D_TL = DB_SQL(DB_SCOPED,
	"INSERT INTO timeline (structure_id, household_id, at, kind, ref_id, summary, user_id) VALUES ($1, $2, $3, 'contact', $4, $5, $6)");
static db_sql Q_D_C = DB_SQL(DB_SCOPED,
	"INSERT INTO contacts (structure_id, household_id, at, channel, motive_id, answer, orientation, minutes, user_id) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id");

err reception_demo(db *d, int64_t sid, uint64_t seed, const int64_t *users, int nusers)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, sid);
	static const char *motives[] = {"Demande d’aide alimentaire", "Facture d’énergie impayée", "Loyer, impayés",
	                                "Domiciliation, courrier", "Dossier APA / aide à domicile", "Logement social",
	                                "Renseignement administratif", "Aide à la cantine scolaire"};
	static const char *answers[] = {"Information donnée, documents à rapporter.", "Rendez-vous proposé avec un travailleur social.",
	                                "Orientation vers le partenaire compétent.", "Dossier remis, à compléter."};
	static const char *partners[][3] = {{"CAF de La Réunion", "caf", "0 969 32 50 00"}, {"Secours populaire, antenne du Port", "association", "02 62 00 00 01"},
	                                    {"SIDR, agence Ouest", "bailleur", "02 62 00 00 02"}, {"CPAM, accueil du Port", "cpam", "36 46"},
	                                    {"Département, espace solidarité", "departement", "02 62 00 00 03"}};
	int64_t mids[8], id;
	err e = db_begin(c, true);
	for (int i = 0; e == E_OK && i < 8; i++)
		e = DBID(c, &Q_MOTIVE_ADD, &mids[i], A_TEXT(motives[i]));
	for (int i = 0; e == E_OK && i < 5; i++)
		e = DBID(c, &Q_PARTNER_ADD, &id, A_TEXT(partners[i][0]), A_TEXT(partners[i][1]), A_TEXT(partners[i][2]), A_TEXT(""),
		         A_TEXT(""), A_TEXT(""));
	if (e == E_OK)
		e = db_commit(c);
	/* About five contacts per household over five years. */
	int64_t *hids = NULL;
	size_t nh = 0, cap = 0;
	db_res q = {0};
	if (e == E_OK && DBQ0(c, &Q_D_HH, &q) == E_OK) {
		while (db_next(&q)) {
			if (nh == cap) {
				cap = cap ? cap * 2 : 1024;
				int64_t *nv = realloc(hids, cap * sizeof *nv);
				if (!nv)
					break;
				hids = nv;
			}
			hids[nh++] = db_int(&q, 0);
		}
	}
	db_close(&q);
	uint64_t s = seed * 0x9e3779b97f4a7c15ULL + 3;
	int64_t now = civil_now();
	static const char *ch[] = {"visite", "visite", "telephone", "telephone", "courrier", "email", "visite_domicile", "tiers"};
	for (size_t i = 0; e == E_OK && i < nh; i++) {
		if (i % 2000 == 0) {
			if (i)
				e = db_commit(c);
			if (e == E_OK)
				e = db_begin(c, true);
		}
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		int k = (int)(s % 10);
		for (int j = 0; e == E_OK && j < k; j++) {
			uint64_t v = s >> (j * 5);
			int64_t at = now - (int64_t)((v ^ (uint64_t)j * 7919) % (5 * 365)) * 86400 - (int64_t)(v % 36000);
			int64_t uid = users[(v >> 3) % (uint64_t)nusers];
			const char *channel = ch[(v >> 7) % 8];
			e = DBID(c, &Q_D_C, &id, A_INT(hids[i]), A_INT(at), A_TEXT(channel), A_INT(mids[(v >> 11) % 8]),
			         A_TEXT(answers[(v >> 13) % 4]), A_TEXT((v >> 17) % 4 == 0 ? "partenaire" : ""), A_INT(5 + (int64_t)(v % 40)),
			         A_INT(uid));
			if (e == E_OK)
				e = DBX(c, &Q_D_TL, NULL, A_INT(hids[i]), A_INT(at), A_INT(id), A_TEXT("Contact"), A_INT(uid));
		}
	}
	if (e == E_OK && db_in_tx(c))
		e = db_commit(c);
	free(hids);
	db_conn_put(c);
	return e;
}
