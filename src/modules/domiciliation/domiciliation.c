/*
 * domiciliation.c — schema, workflow, mail counter, pages and API of the
 * domiciliation module (see domiciliation.h). People are reached through
 * persons.h only.
 */
#include "modules/domiciliation/domiciliation.h"
#include "modules/domiciliation/domiciliation_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/form.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

static int PERM_DOMI_MAIL, PERM_DOMI_INSTRUCT, PERM_DOMI_DECIDE;

static const db_migration migrations[] = {
	{1, "domiciliations, events, mail, proxies, contacts",
	 "CREATE TABLE domiciliations (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " person_id INTEGER NOT NULL, household_id INTEGER NOT NULL, status TEXT NOT NULL, requested_on TEXT NOT NULL, "
	 " interview_on TEXT, interview_by INTEGER, interview_place TEXT NOT NULL DEFAULT '', link TEXT NOT NULL DEFAULT '', "
	 " household_type TEXT NOT NULL DEFAULT '', cause TEXT NOT NULL DEFAULT '', reason TEXT NOT NULL DEFAULT '', "
	 " non_eu_limited INTEGER NOT NULL DEFAULT 0, first_on TEXT, start_on TEXT, end_on TEXT, decided_on TEXT, "
	 " decided_by INTEGER, refusal_motive TEXT NOT NULL DEFAULT '', orientation TEXT NOT NULL DEFAULT '', "
	 " struck_on TEXT, strike_motive TEXT NOT NULL DEFAULT '', renewal_on TEXT, last_contact_on TEXT, "
	 " created_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX domiciliations_status ON domiciliations(structure_id, status, end_on);"
	 "CREATE INDEX domiciliations_person ON domiciliations(structure_id, person_id);"
	 "CREATE INDEX domiciliations_household ON domiciliations(structure_id, household_id);"
	 "CREATE TABLE domi_events (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, "
	 " domiciliation_id INTEGER NOT NULL REFERENCES domiciliations(id), on_date TEXT NOT NULL, kind TEXT NOT NULL, "
	 " detail TEXT NOT NULL DEFAULT '', user_id INTEGER NOT NULL, at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX domi_events_d ON domi_events(structure_id, domiciliation_id);"
	 "CREATE TABLE domi_proxies (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, "
	 " domiciliation_id INTEGER NOT NULL REFERENCES domiciliations(id), name TEXT NOT NULL, from_on TEXT NOT NULL, "
	 " to_on TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE TABLE domi_mail (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, "
	 " domiciliation_id INTEGER NOT NULL REFERENCES domiciliations(id), received_on TEXT NOT NULL, kind TEXT NOT NULL, "
	 " count INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'attente', done_on TEXT, proxy_id INTEGER, "
	 " forward_to TEXT NOT NULL DEFAULT '', user_id INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX domi_mail_d ON domi_mail(structure_id, domiciliation_id, status);"
	 "CREATE TABLE domi_contacts (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, "
	 " domiciliation_id INTEGER NOT NULL REFERENCES domiciliations(id), on_date TEXT NOT NULL, kind TEXT NOT NULL, "
	 " user_id INTEGER NOT NULL) STRICT;",
	 NULL},
	{2, "notifications of waiting mail, once a day",
	 "CREATE TABLE domi_notifications (structure_id INTEGER NOT NULL, domiciliation_id INTEGER NOT NULL, day TEXT NOT NULL, "
	 " channel TEXT NOT NULL, PRIMARY KEY (structure_id, domiciliation_id, day)) STRICT;", NULL},
	{3, "files waiting between import preview and confirmation",
	 "CREATE TABLE domi_imports (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, user_id INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL, data BLOB NOT NULL) STRICT;", NULL},
	{4, "forwarding of mail to an address over a period",
	 "CREATE TABLE domi_forwards (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, domiciliation_id INTEGER NOT NULL, "
	 " address TEXT NOT NULL, from_on TEXT NOT NULL, to_on TEXT NOT NULL) STRICT;", NULL},
	/* Moving in from DomiFa: its number for the person, the usage name or
	 * nickname, first request or renewal as recorded, and the interview's
	 * answers in DomiFa's own codes (kept as recorded, shown, exported
	 * back). The waiting file keeps its name for the journal. */
	{5, "imported files: former number, alias, request type, interview answers",
	 "ALTER TABLE domiciliations ADD COLUMN ref TEXT NOT NULL DEFAULT '';"
	 "ALTER TABLE domiciliations ADD COLUMN alias TEXT NOT NULL DEFAULT '';"
	 "ALTER TABLE domiciliations ADD COLUMN dom_type TEXT NOT NULL DEFAULT '';"
	 "CREATE TABLE domi_answers (structure_id INTEGER NOT NULL, domiciliation_id INTEGER NOT NULL REFERENCES domiciliations(id), "
	 " key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (structure_id, domiciliation_id, key)) STRICT;"
	 "ALTER TABLE domi_imports ADD COLUMN name TEXT NOT NULL DEFAULT '';", NULL},
};
const db_module_schema domiciliation_schema = {"domiciliation", migrations, sizeof migrations / sizeof *migrations};

/* ---- code lists ---------------------------------------------------------------- */

static const char *ST_V[] = {"instruction", "attente_decision", "active", "refusee", "radiee"};
static const char *ST_L[] = {"En cours d’instruction", "En attente de décision", "Active", "Refusée", "Radiée"};
static const char *LINK_V[] = {"", "sejour", "travail", "suivi", "famille", "autorite_parentale", "aucun"};
static const char *LINK_L[] = {"— à déterminer —", "Séjour sur le territoire de la commune à la date de la demande",
	"Activité professionnelle sur la commune", "Suivi social, médico-social ou d’insertion sur la commune",
	"Liens familiaux avec une personne qui y réside", "Autorité parentale sur un enfant scolarisé dans la commune",
	"Aucun lien établi avec la commune"};
static const char *HT_V[] = {"", "isole", "couple", "isole_enfants", "couple_enfants", "autre"};
static const char *HT_L[] = {"— non renseigné —", "Personne isolée", "Couple sans enfant", "Isolé avec enfant(s)",
	"Couple avec enfant(s)", "Autre"};
static const char *CAUSE_V[] = {"", "rupture_familiale", "expulsion", "sortie_institution", "errance", "migration",
	"hebergement_tiers", "itinerance", "violence", "sortie_hopital", "sortie_prison", "autre"};
static const char *CAUSE_L[] = {"— non renseignée —", "Rupture familiale ou conjugale", "Expulsion locative",
	"Sortie d’institution (hôpital, prison, ASE)", "Errance", "Arrivée en France", "Hébergement chez un tiers",
	"Itinérance", "Violences familiales ou conjugales", "Sortie d’hospitalisation", "Sortie d’incarcération", "Autre"};
static const char *STRIKE_V[] = {"demande", "logement_stable", "plus_de_lien", "fin_sans_renouvellement", "manquement",
	"sans_contact"};
static const char *STRIKE_L[] = {"À la demande de la personne", "Accès à un logement stable", "Perte du lien avec la commune",
	"Fin de validité sans demande de renouvellement", "Manquement au règlement",
	"Aucun contact depuis plus de trois mois consécutifs"};
static const char *MAIL_V[] = {"lettre", "recommande", "colis"};
static const char *MAIL_L[] = {"Lettre", "Avis de recommandé", "Colis"};
/* Motives as they may be recorded: a CCAS refuses only for lack of a link
 * (L264-4), but files taken over from an association keep theirs; a
 * striking-off "for another motive" is DomiFa's. Shown, never offered. */
static const char *REFUSAL_V[] = {"absence_lien", "hors_agrement", "saturation", "autre"};
static const char *REFUSAL_L[] = {"Absence de lien avec la commune", "En dehors des critères du public domicilié (repris de DomiFa)",
	"Nombre maximal de domiciliations atteint (repris de DomiFa)", "Autre motif (repris de DomiFa)"};
static const char *STRIKE_ALL_V[] = {"demande", "logement_stable", "plus_de_lien", "fin_sans_renouvellement", "manquement",
	"sans_contact", "autre"};
static const char *STRIKE_ALL_L[] = {"À la demande de la personne", "Accès à un logement stable", "Perte du lien avec la commune",
	"Fin de validité sans demande de renouvellement", "Manquement au règlement",
	"Aucun contact depuis plus de trois mois consécutifs", "Autre motif (repris de DomiFa)"};
#define N(x) (int)(sizeof x / sizeof *x)

static const char *fr_of(const char **v, const char **l, int n, const char *x)
{
	for (int i = 0; x && i < n; i++)
		if (!strcmp(v[i], x))
			return l[i];
	return x ? x : "";
}
static bool in_list(const char **v, int n, const char *x)
{
	for (int i = 0; x && i < n; i++)
		if (!strcmp(v[i], x))
			return true;
	return false;
}
static civil_date today_of(web_req *r) { return civil_today(r->user->tz); }

/* For the import and the export (domiciliation_internal.h). */
static const struct { const char *name; const char **v, **l; int n; } LISTS[] = {
	{"link", LINK_V, LINK_L, N(LINK_V)},          {"htype", HT_V, HT_L, N(HT_V)},
	{"cause", CAUSE_V, CAUSE_L, N(CAUSE_V)},      {"refusal", REFUSAL_V, REFUSAL_L, N(REFUSAL_V)},
	{"strike", STRIKE_ALL_V, STRIKE_ALL_L, N(STRIKE_ALL_V)}, {"status", ST_V, ST_L, N(ST_V)},
};

bool domi_code_ok(const char *list, const char *code)
{
	for (int i = 0; i < N(LISTS); i++)
		if (!strcmp(LISTS[i].name, list))
			return in_list(LISTS[i].v, LISTS[i].n, code);
	return false;
}

const char *domi_code_label(const char *list, const char *code)
{
	for (int i = 0; i < N(LISTS); i++)
		if (!strcmp(LISTS[i].name, list))
			return fr_of(LISTS[i].v, LISTS[i].l, LISTS[i].n, code);
	return code ? code : "";
}

/* ---- statements ------------------------------------------------------------------- */

static db_sql Q_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domiciliations (structure_id, person_id, household_id, status, requested_on, interview_on, interview_by, "
	"interview_place, link, household_type, cause, reason, non_eu_limited, created_at, last_contact_on) "
	"VALUES ($1, $2, $3, 'instruction', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $4) RETURNING id");
static db_sql Q_GET = DB_SQL(DB_SCOPED,
	"SELECT person_id, household_id, status, requested_on, interview_on, interview_place, link, household_type, cause, "
	"reason, non_eu_limited, first_on, start_on, end_on, decided_on, refusal_motive, orientation, struck_on, strike_motive, "
	"renewal_on, last_contact_on, version, ref, alias, dom_type FROM domiciliations WHERE structure_id = $1 AND id = $2");
static db_sql Q_EVENT = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_events (structure_id, domiciliation_id, on_date, kind, detail, user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
static db_sql Q_SUBMIT = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = 'attente_decision', interview_on = $3, interview_place = $4, link = $5, "
	"interview_by = $6, version = version + 1 WHERE structure_id = $1 AND id = $2 AND status = 'instruction' AND version = $7");
static db_sql Q_ACCEPT = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = 'active', start_on = $3, end_on = $4, first_on = coalesce(first_on, $3), "
	"decided_on = $5, decided_by = $6, renewal_on = NULL, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND version = $7 AND (status = 'attente_decision' OR (status = 'active' AND renewal_on IS NOT NULL))");
static db_sql Q_REFUSE = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = CASE WHEN status = 'active' THEN 'active' ELSE 'refusee' END, refusal_motive = $3, "
	"orientation = $4, decided_on = $5, decided_by = $6, renewal_on = NULL, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND version = $7 AND (status = 'attente_decision' OR (status = 'active' AND renewal_on IS NOT NULL))");
static db_sql Q_RENEW = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET renewal_on = $3, interview_on = $4, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND status = 'active' AND renewal_on IS NULL AND version = $5");
static db_sql Q_STRIKE = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = 'radiee', struck_on = $3, strike_motive = $4, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND status = 'active'");
static db_sql Q_UNSTRIKE = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = 'active', struck_on = NULL, strike_motive = '', version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND status = 'radiee'");
static db_sql Q_CONTACT = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_contacts (structure_id, domiciliation_id, on_date, kind, user_id) VALUES ($1, $2, $3, $4, $5)");
static db_sql Q_LAST_CONTACT = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET last_contact_on = $3 WHERE structure_id = $1 AND id = $2 "
	"AND (last_contact_on IS NULL OR last_contact_on < $3)");
static db_sql Q_MAIL_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_mail (structure_id, domiciliation_id, received_on, kind, count, user_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static db_sql Q_MAIL_WAITING = DB_SQL(DB_SCOPED,
	"SELECT kind, sum(count) FROM domi_mail WHERE structure_id = $1 AND domiciliation_id = $2 AND status = 'attente' GROUP BY kind");
static db_sql Q_MAIL_HAND = DB_SQL(DB_SCOPED,
	"UPDATE domi_mail SET status = $3, done_on = $4, proxy_id = $5, forward_to = $6 "
	"WHERE structure_id = $1 AND domiciliation_id = $2 AND status = 'attente'");
static db_sql Q_PROXIES = DB_SQL(DB_SCOPED,
	"SELECT id, name, from_on, to_on FROM domi_proxies WHERE structure_id = $1 AND domiciliation_id = $2 AND active = 1 ORDER BY id");
static db_sql Q_PROXY_OK = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM domi_proxies WHERE structure_id = $1 AND domiciliation_id = $2 AND id = $3 AND active = 1 "
	"AND from_on <= $4 AND to_on >= $4");
static db_sql Q_PROXY_COUNT = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM domi_proxies WHERE structure_id = $1 AND domiciliation_id = $2 AND active = 1 AND to_on >= $3");
static db_sql Q_PROXY_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_proxies (structure_id, domiciliation_id, name, from_on, to_on) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static db_sql Q_EVENTS = DB_SQL(DB_SCOPED,
	"SELECT e.on_date, e.kind, e.detail, u.display_name FROM domi_events e LEFT JOIN agent_names u ON u.id = e.user_id "
	"WHERE e.structure_id = $1 AND e.domiciliation_id = $2 ORDER BY e.at DESC, e.id DESC LIMIT 50");
static db_sql Q_BY_PERSON = DB_SQL(DB_SCOPED,
	"SELECT id FROM domiciliations WHERE structure_id = $1 AND person_id = $2 AND status IN ('instruction', 'attente_decision', 'active')");
static db_sql Q_BY_HOUSEHOLD = DB_SQL(DB_SCOPED,
	"SELECT id, person_id, status, end_on, renewal_on FROM domiciliations WHERE structure_id = $1 AND household_id = $2 ORDER BY id DESC");
/* Lists: one statement each, chosen by a fixed filter (never assembled). */
#define LIST_COLS "SELECT id, person_id, status, requested_on, end_on, last_contact_on, renewal_on FROM domiciliations "
static db_sql Q_LIST_ALL = DB_SQL(DB_SCOPED, LIST_COLS "WHERE structure_id = $1 AND ($2 = '' OR status = $2) ORDER BY id DESC LIMIT $3 OFFSET $4");
static db_sql Q_LIST_EXPIRING = DB_SQL(DB_SCOPED, LIST_COLS
	"WHERE structure_id = $1 AND status = 'active' AND end_on >= $5 AND end_on <= $6 AND ($2 = '' OR $2 = 'active') "
	"ORDER BY end_on LIMIT $3 OFFSET $4");
static db_sql Q_LIST_NOCONTACT = DB_SQL(DB_SCOPED, LIST_COLS
	"WHERE structure_id = $1 AND status = 'active' AND last_contact_on < $5 AND ($2 = '' OR $2 = 'active') "
	"ORDER BY last_contact_on LIMIT $3 OFFSET $4");
static db_sql Q_LIST_LATE = DB_SQL(DB_SCOPED, LIST_COLS
	"WHERE structure_id = $1 AND status IN ('instruction', 'attente_decision') AND requested_on < $5 AND ($2 = '' OR $2 = status) "
	"ORDER BY requested_on LIMIT $3 OFFSET $4");

static err event(web_req *r, int64_t id, const char *kind, const char *detail)
{
	return DBX(r->db, &Q_EVENT, NULL, A_INT(id), A_TEXT(civil_iso(r->a, today_of(r))), A_TEXT(kind), A_TEXT(detail ? detail : ""),
	           A_INT(r->user->id), A_INT(civil_now()));
}

typedef struct domi {
	int64_t id, person_id, household_id, version;
	char *f[24];
} domi;
enum { F_STATUS = 0, F_REQUESTED, F_INTERVIEW, F_PLACE, F_LINK, F_HTYPE, F_CAUSE, F_REASON, F_NONEU, F_FIRST, F_START,
       F_END, F_DECIDED, F_REFUSAL, F_ORIENT, F_STRUCK, F_SMOTIVE, F_RENEWAL, F_LASTC, F_REF, F_ALIAS, F_DOMTYPE };

static bool load(web_req *r, int64_t id, domi *d)
{
	db_res q = {0};
	bool ok = DBQ(r->db, &Q_GET, &q, A_INT(id)) == E_OK && db_next(&q);
	if (ok) {
		d->id = id;
		d->person_id = db_int(&q, 0);
		d->household_id = db_int(&q, 1);
		for (int i = 0; i < 19; i++)
			d->f[i] = db_dup(&q, 2 + i, r->a);
		d->version = db_int(&q, 21);
		for (int i = 0; i < 3; i++)
			d->f[F_REF + i] = db_dup(&q, 22 + i, r->a);
	}
	db_close(&q);
	return ok;
}

static const char *s_(const char *x) { return x ? x : ""; }

/* ---- workflow ---------------------------------------------------------------------------- */

typedef struct request_in {
	const char *person, *requested, *interview, *place, *link, *htype, *cause, *reason, *noneu;
} request_in;

static err request_add(web_req *r, const request_in *in, form_errors *fe, int64_t *id)
{
	int64_t pid = 0, existing = 0;
	person_brief p;
	civil_date d;
	if (!in->person || !text_to_int64(in->person, 1, INT64_MAX, &pid) || persons_person_brief(r->db, r->a, pid, &p) != E_OK)
		form_error(fe, "person", "Choisissez la personne qui demande la domiciliation.");
	else if (DBID(r->db, &Q_BY_PERSON, &existing, A_INT(pid)) == E_OK && existing)
		form_error(fe, "person", "Cette personne a déjà une domiciliation en cours ou active : ouvrez-la plutôt.");
	if (!in->requested || !civil_parse(in->requested, &d))
		form_error(fe, "requested", "Indiquez la date de la demande (AAAA-MM-JJ).");
	if (in->interview && *in->interview && !civil_parse(in->interview, &d))
		form_error(fe, "interview", "La date de l’entretien doit être au format AAAA-MM-JJ.");
	if (!in_list(LINK_V, N(LINK_V), in->link ? in->link : ""))
		form_error(fe, "link", "Choisissez le lien avec la commune dans la liste.");
	if (!in_list(HT_V, N(HT_V), in->htype ? in->htype : ""))
		form_error(fe, "htype", "Choisissez la composition dans la liste.");
	if (!in_list(CAUSE_V, N(CAUSE_V), in->cause ? in->cause : ""))
		form_error(fe, "cause", "Choisissez la cause de l’instabilité dans la liste.");
	if ((in->reason && strlen(in->reason) > 1000) || (in->place && strlen(in->place) > 200))
		form_error(fe, "reason", "Le motif ou le lieu est trop long.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	bool interviewed = in->interview && *in->interview;
	if (e == E_OK)
		e = DBID(r->db, &Q_ADD, id, A_INT(pid), A_INT(p.household_id), A_TEXT(in->requested),
		         A_TEXT(interviewed ? in->interview : NULL), interviewed ? A_INT(r->user->id) : A_NULL, A_TEXT(s_(in->place)),
		         A_TEXT(s_(in->link)), A_TEXT(s_(in->htype)), A_TEXT(s_(in->cause)), A_TEXT(s_(in->reason)),
		         A_INT(in->noneu && *in->noneu ? 1 : 0), A_INT(civil_now()));
	if (e == E_OK)
		e = event(r, *id, "demande", in->requested);
	if (e == E_OK)
		e = persons_timeline_add(r->db, p.household_id, r->user->id, "domiciliation", *id, "Demande de domiciliation");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "domiciliation", *id, NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

/* Instruction done: the interview (mandatory) and the link are recorded. */
static err submit(web_req *r, domi *d, const char *interview, const char *place, const char *link, form_errors *fe)
{
	civil_date x;
	if (strcmp(d->f[F_STATUS], "instruction"))
		return E_CONFLICT;
	if (!interview || !civil_parse(interview, &x))
		form_error(fe, "interview", "L’entretien est obligatoire : indiquez sa date.");
	if (!place || !*place)
		form_error(fe, "place", "Indiquez le lieu de l’entretien.");
	if (!link || !*link || !in_list(LINK_V, N(LINK_V), link))
		form_error(fe, "link", "Indiquez le critère de lien avec la commune (R264-4), ou « aucun lien établi ».");
	if (fe->n)
		return E_INPUT;
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_SUBMIT, &n, A_INT(d->id), A_TEXT(interview), A_TEXT(place), A_TEXT(link), A_INT(r->user->id),
		        A_INT(d->version));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = event(r, d->id, "entretien", interview);
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "domiciliation", d->id, "submitted");
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

/* A decision (first request or renewal) by a manager. Refusal only for lack
 * of a link with the commune (L264-4), and with an orientation. */
static err decide(web_req *r, domi *d, const char *outcome, const char *start_s, const char *end_s, const char *orientation,
                  form_errors *fe, const char **warning)
{
	bool renewal = !strcmp(d->f[F_STATUS], "active") && d->f[F_RENEWAL];
	if (strcmp(d->f[F_STATUS], "attente_decision") && !renewal)
		return E_CONFLICT;
	bool accept = outcome && !strcmp(outcome, "accepter");
	if (!outcome || (!accept && strcmp(outcome, "refuser"))) {
		form_error(fe, "outcome", "Choisissez d’accepter ou de refuser.");
		return E_INPUT;
	}
	civil_date today = today_of(r), start, end;
	int64_t n = 0;
	err e;
	if (accept) {
		/* A renewal starts the day after the current end (or today if it has passed). */
		civil_date dflt = today;
		civil_date cur_end;
		if (renewal && civil_parse(d->f[F_END], &cur_end) && civil_to_days(cur_end) >= civil_to_days(today))
			dflt = civil_from_days(civil_to_days(cur_end) + 1);
		if (start_s && *start_s) {
			if (!civil_parse(start_s, &start))
				form_error(fe, "start", "La date de début doit être au format AAAA-MM-JJ.");
		} else {
			start = dflt;
		}
		if (fe->n)
			return E_INPUT;
		end = domi_end_of(start);
		if (end_s && *end_s) {
			if (!civil_parse(end_s, &end)) {
				form_error(fe, "end", "La date de fin doit être au format AAAA-MM-JJ.");
				return E_INPUT;
			}
			domi_period p = domi_check_period(start, end);
			if (p == DOMI_PERIOD_LONG || p == DOMI_PERIOD_INVERTED) {
				form_error(fe, "end", p == DOMI_PERIOD_LONG ? "La domiciliation ne peut pas dépasser un an (début + 1 an − 1 jour)."
				                                            : "La fin précède le début.");
				return E_INPUT;
			}
			if (p == DOMI_PERIOD_SHORT)
				*warning = "Durée inférieure à un an : vérifiez que c’est voulu.";
		}
		e = db_begin(r->db, true);
		if (e == E_OK)
			e = DBX(r->db, &Q_ACCEPT, &n, A_INT(d->id), A_TEXT(civil_iso(r->a, start)), A_TEXT(civil_iso(r->a, end)), A_TEXT(civil_iso(r->a, today)),
			        A_INT(r->user->id), A_INT(d->version));
		if (e == E_OK && n != 1)
			e = E_CONFLICT;
		if (e == E_OK)
			e = event(r, d->id, renewal ? "renouvellement_accorde" : "accord", arena_printf(r->a, "%s → %s", civil_iso(r->a, start), civil_iso(r->a, end)));
	} else {
		if (strcmp(s_(d->f[F_LINK]), "") && strcmp(s_(d->f[F_LINK]), "aucun")) {
			form_error(fe, "outcome", "Un lien avec la commune a été établi : la loi ne permet pas de refuser (L264-4).");
			return E_INPUT;
		}
		if (!orientation || !*orientation || strlen(orientation) > 300) {
			form_error(fe, "orientation", "Un refus doit indiquer où la personne est orientée (autre CCAS, association agréée…).");
			return E_INPUT;
		}
		e = db_begin(r->db, true);
		if (e == E_OK)
			e = DBX(r->db, &Q_REFUSE, &n, A_INT(d->id), A_TEXT("absence_lien"), A_TEXT(orientation), A_TEXT(civil_iso(r->a, today)),
			        A_INT(r->user->id), A_INT(d->version));
		if (e == E_OK && n != 1)
			e = E_CONFLICT;
		if (e == E_OK)
			e = event(r, d->id, renewal ? "renouvellement_refuse" : "refus", orientation);
	}
	if (e == E_OK)
		e = persons_timeline_add(r->db, d->household_id, r->user->id, "domiciliation", d->id,
		                         accept ? "Domiciliation accordée" : "Domiciliation refusée");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "domiciliation", d->id, accept ? "granted" : "refused");
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static err contact(web_req *r, int64_t id, const char *kind, civil_date on)
{
	err e = DBX(r->db, &Q_CONTACT, NULL, A_INT(id), A_TEXT(civil_iso(r->a, on)), A_TEXT(kind), A_INT(r->user->id));
	if (e == E_OK && domi_contact_counts(kind))
		e = DBX(r->db, &Q_LAST_CONTACT, NULL, A_INT(id), A_TEXT(civil_iso(r->a, on)));
	return e;
}

/* ---- pages ------------------------------------------------------------------------------- */

static const char *person_name(web_req *r, int64_t pid, person_brief *p)
{
	if (persons_person_brief(r->db, r->a, pid, p) != E_OK)
		return "?";
	return arena_printf(r->a, "%s %s", p->last_name, p->first_names);
}

static void list_page(web_req *r)
{
	const char *filter = web_arg(r, "liste"), *status = web_arg(r, "statut"), *ps = web_arg(r, "page");
	filter = filter ? filter : "";
	status = status && in_list(ST_V, N(ST_V), status) ? status : "";
	int64_t page = 1;
	if (ps && !text_to_int64(ps, 1, 100000, &page))
		page = 1;
	civil_date t = today_of(r);
	db_sql *q = &Q_LIST_ALL;
	const char *p5 = "", *p6 = "";
	const char *title = "Domiciliations";
	if (!strcmp(filter, "expire15") || !strcmp(filter, "expire60")) {
		q = &Q_LIST_EXPIRING;
		p5 = civil_iso(r->a, t);
		p6 = civil_iso(r->a, civil_from_days(civil_to_days(t) + (filter[6] == '1' ? 15 : 60)));
		title = filter[6] == '1' ? "Domiciliations qui expirent sous 15 jours" : "Domiciliations qui expirent sous 60 jours";
	} else if (!strcmp(filter, "sans_contact")) {
		q = &Q_LIST_NOCONTACT;
		p5 = civil_iso(r->a, civil_add_months(t, -3)); /* last contact before this day: more than 3 months */
		title = "Sans contact depuis plus de trois mois";
	} else if (!strcmp(filter, "delai")) {
		q = &Q_LIST_LATE;
		p5 = civil_iso(r->a, civil_add_months(t, -2));
		title = "Demandes sans réponse depuis plus de deux mois";
	}
	page_begin(r, title);
	buf *b = &r->out;
	if (web_arg(r, "importees"))
		page_notice(r, "ok", arena_printf(r->a, "%s domiciliation(s) importée(s).", web_arg(r, "importees")));
	else if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré.");
	html_printf(b, "<nav class=\"pager\" aria-label=\"Listes\"><ul><li><a href=\"/domiciliation\">Toutes</a></li>"
	               "<li><a href=\"?liste=expire15\">Expirent sous 15 jours</a></li><li><a href=\"?liste=expire60\">Sous 60 jours</a></li>"
	               "<li><a href=\"?liste=sans_contact\">Sans contact depuis plus de 3 mois</a></li>"
	               "<li><a href=\"?liste=delai\">Délai de réponse dépassé</a></li><li><a href=\"/domiciliation/courrier\">Guichet courrier</a></li>"
	               "<li><a href=\"/domiciliation/rapport\">Rapport annuel</a></li><li><a href=\"/domiciliation/exporter\">Export (OpenCCAS, modèle DomiFa)</a></li>"
	               "<li><a href=\"/domiciliation/import\">Import</a></li></ul></nav>");
	html_printf(b, "<form method=\"get\" action=\"/domiciliation\" class=\"filters\"><input type=\"hidden\" name=\"liste\" value=\"%s\">", filter);
	const char *sv[6] = {""}, *sl[6] = {"Tous les statuts"};
	for (int i = 0; i < N(ST_V); i++) {
		sv[i + 1] = ST_V[i];
		sl[i + 1] = ST_L[i];
	}
	form_select(b, "statut", "Statut", sv, sl, 6, status, NULL);
	html_lit(b, "<button type=\"submit\">Filtrer</button></form>");
	bool strike_list = !strcmp(filter, "sans_contact") && web_can(r, PERM_DOMI_DECIDE);
	if (strike_list) {
		html_lit(b, "<form method=\"post\" action=\"/domiciliation/radiations\" data-confirm=\"Radier les personnes cochées ?\">");
		page_csrf(r);
	}
	html_lit(b, "<table class=\"data\"><caption class=\"sr-only\">Domiciliations</caption><thead><tr>");
	if (strike_list)
		html_lit(b, "<th scope=\"col\">Radier</th>");
	html_lit(b, "<th scope=\"col\">Personne</th><th scope=\"col\">Statut</th><th scope=\"col\">Demande</th>"
	            "<th scope=\"col\">Fin de validité</th><th scope=\"col\">Dernier contact</th></tr></thead><tbody>");
	db_res res = {0};
	/* PostgreSQL wants exactly the parameters a statement names. */
	int nargs = q == &Q_LIST_ALL ? 3 : q == &Q_LIST_EXPIRING ? 5 : 4;
	db_arg args[5] = {A_TEXT(status), A_INT(51), A_INT((page - 1) * 50), A_TEXT(p5), A_TEXT(p6)};
	if (db_query(r->db, q, &res, nargs, args) != E_OK) {
		db_close(&res);
		r->out.len = 0;
		web_error(r, E_DB, NULL);
		return;
	}
	int n = 0;
	while (db_next(&res) && n < 50) {
		n++;
		int64_t id = db_int(&res, 0);
		person_brief p;
		const char *name = person_name(r, db_int(&res, 1), &p);
		html_lit(b, "<tr>");
		if (strike_list)
			html_printf(b, "<td><input type=\"checkbox\" name=\"id\" value=\"%lld\" id=\"c%lld\" aria-label=\"Radier %s\"></td>",
			            (long long)id, (long long)id, name);
		html_printf(b, "<td><a href=\"/domiciliation/%lld\">%s</a></td><td>%s%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
		            (long long)id, name, fr_of(ST_V, ST_L, N(ST_V), db_text(&res, 2)), db_isnull(&res, 6) ? "" : " (renouvellement demandé)",
		            civil_fr(r->a, db_text(&res, 3)), civil_fr(r->a, db_text(&res, 4)), civil_fr(r->a, db_text(&res, 5)));
	}
	bool more = db_next(&res);
	db_close(&res);
	html_lit(b, "</tbody></table>");
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune domiciliation dans cette liste.</p>");
	if (strike_list) {
		if (n)
			html_lit(b, "<p>Motif : aucun contact depuis plus de trois mois consécutifs (le retrait du courrier par un mandataire ne compte pas).</p>"
			            "<button type=\"submit\" class=\"primary\">Radier les personnes cochées</button>");
		html_lit(b, "</form>");
	}
	if (page > 1)
		html_printf(b, "<p><a href=\"?liste=%s&amp;statut=%s&amp;page=%lld\">Page précédente</a></p>", filter, status, (long long)(page - 1));
	if (more)
		html_printf(b, "<p><a href=\"?liste=%s&amp;statut=%s&amp;page=%lld\">Page suivante</a></p>", filter, status, (long long)(page + 1));
	page_end(r);
}

static void request_form(web_req *r, int64_t hid, const request_in *in, const form_errors *fe)
{
	page_begin(r, "Demande de domiciliation");
	buf *b = &r->out;
	form_error_summary(b, fe);
	html_lit(b, "<form method=\"post\" action=\"/domiciliation\" novalidate><div class=\"grid\">");
	page_csrf(r);
	person_brief *m = NULL;
	int nm = hid ? persons_household_members(r->db, r->a, hid, &m) : 0;
	if (nm) {
		const char **v = arena_array(r->a, (size_t)nm, sizeof *v), **l = arena_array(r->a, (size_t)nm, sizeof *l);
		for (int i = 0; v && l && i < nm; i++) {
			v[i] = arena_printf(r->a, "%lld", (long long)m[i].id);
			l[i] = arena_printf(r->a, "%s %s", m[i].last_name, m[i].first_names);
		}
		form_select(b, "person", "Personne", v, l, v && l ? nm : 0, in ? in->person : NULL, fe);
	} else {
		form_input(b, &(form_field){.name = "person", .label = "N° de la personne", .required = true, .value = in ? in->person : NULL}, fe);
	}
	form_input(b, &(form_field){.name = "requested", .label = "Date de la demande", .type = "date", .required = true,
	                            .value = in && in->requested ? in->requested : civil_iso(r->a, today_of(r))}, fe);
	form_input(b, &(form_field){.name = "interview", .label = "Date de l’entretien", .type = "date", .value = in ? in->interview : NULL,
	                            .hint = "L’entretien est obligatoire avant la décision."}, fe);
	form_input(b, &(form_field){.name = "place", .label = "Lieu de l’entretien", .value = in ? in->place : NULL}, fe);
	form_select(b, "link", "Lien avec la commune (R264-4)", LINK_V, LINK_L, N(LINK_V), in ? in->link : "", fe);
	form_select(b, "htype", "Composition du ménage", HT_V, HT_L, N(HT_V), in ? in->htype : "", fe);
	form_select(b, "cause", "Cause de l’instabilité du logement", CAUSE_V, CAUSE_L, N(CAUSE_V), in ? in->cause : "", fe);
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

static request_in request_from_form(web_req *r)
{
	return (request_in){web_field(r, "person"), web_field(r, "requested"), web_field(r, "interview"), web_field(r, "place"),
	                    web_field(r, "link"), web_field(r, "htype"), web_field(r, "cause"), web_field(r, "reason"),
	                    web_field(r, "noneu")};
}

static void request_post(web_req *r)
{
	request_in in = request_from_form(r);
	form_errors fe = {0};
	int64_t id;
	err e = request_add(r, &in, &fe, &id);
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

static void file_page_render(web_req *r, domi *d, const form_errors *fe, const char *notice)
{
	person_brief p;
	const char *name = person_name(r, d->person_id, &p);
	journal_record(r->db, r->user->id, "read", "domiciliation", d->id, NULL);
	page_begin(r, arena_printf(r->a, "Domiciliation de %s", name));
	buf *b = &r->out;
	civil_date t = today_of(r), x;
	if (notice)
		page_notice(r, "ok", notice);
	form_error_summary(b, fe);
	const char *st = d->f[F_STATUS];
	html_printf(b, "<p class=\"lead\">%s · <a href=\"/foyers/%lld\">dossier %s</a></p>", fr_of(ST_V, ST_L, N(ST_V), st),
	            (long long)d->household_id, p.file_no);
	if ((!strcmp(st, "instruction") || !strcmp(st, "attente_decision")) && civil_parse(d->f[F_REQUESTED], &x)) {
		civil_date dl = domi_answer_deadline(x);
		bool late = civil_to_days(dl) < civil_to_days(t);
		html_printf(b, "<p class=\"%s\">Réponse due au plus tard le %s (deux mois après la demande)%s.</p>", late ? "warn" : "muted",
		            civil_fr(r->a, civil_iso(r->a, dl)), late ? " : délai dépassé" : "");
	}
	if (!strcmp(st, "active") && civil_parse(d->f[F_LASTC], &x) && domi_contact_lapsed(x, t))
		page_notice(r, "error", "Aucun contact depuis plus de trois mois consécutifs : la radiation est possible.");
	if (d->f[F_NONEU] && d->f[F_NONEU][0] == '1')
		page_notice(r, "info", "Domiciliation limitée à l’aide médicale de l’État, à l’aide juridictionnelle et à l’exercice des droits civils (L264-2).");
	html_printf(b, "<dl class=\"facts\"><dt>Demande</dt><dd>%s</dd><dt>Entretien</dt><dd>%s %s</dd><dt>Lien avec la commune</dt><dd>%s</dd>"
	               "<dt>Première domiciliation</dt><dd>%s</dd><dt>Validité</dt><dd>du %s au %s</dd><dt>Dernier contact</dt><dd>%s</dd>",
	            civil_fr(r->a, d->f[F_REQUESTED]), civil_fr(r->a, d->f[F_INTERVIEW]), s_(d->f[F_PLACE]),
	            *s_(d->f[F_LINK]) ? fr_of(LINK_V, LINK_L, N(LINK_V), d->f[F_LINK]) : "à déterminer",
	            civil_fr(r->a, d->f[F_FIRST]), civil_fr(r->a, d->f[F_START]), civil_fr(r->a, d->f[F_END]), civil_fr(r->a, d->f[F_LASTC]));
	if (d->f[F_RENEWAL])
		html_printf(b, "<dt>Renouvellement demandé le</dt><dd>%s (la validité actuelle court jusqu’à la décision)</dd>", civil_fr(r->a, d->f[F_RENEWAL]));
	if (!strcmp(st, "refusee"))
		html_printf(b, "<dt>Refus</dt><dd>%s%s%s</dd>", domi_code_label("refusal", *s_(d->f[F_REFUSAL]) ? d->f[F_REFUSAL] : "absence_lien"),
		            *s_(d->f[F_ORIENT]) ? " ; orientation : " : "", s_(d->f[F_ORIENT]));
	if (*s_(d->f[F_ALIAS]))
		html_printf(b, "<dt>Nom d’usage ou surnom</dt><dd>%s</dd>", d->f[F_ALIAS]);
	if (*s_(d->f[F_REF]))
		html_printf(b, "<dt>Ancien numéro (reprise)</dt><dd>%s</dd>", d->f[F_REF]);
	if (!strcmp(st, "radiee"))
		html_printf(b, "<dt>Radiation</dt><dd>le %s : %s</dd>", civil_fr(r->a, d->f[F_STRUCK]), fr_of(STRIKE_ALL_V, STRIKE_ALL_L, N(STRIKE_ALL_V), d->f[F_SMOTIVE]));
	html_lit(b, "</dl>");
	domi_answers_section(r, d->id);
	html_printf(b, "<p><a href=\"/domiciliation/%lld/demande.pdf\">Demande (cerfa 16029, PDF)</a></p>", (long long)d->id);
	if (!strcmp(st, "active"))
		html_printf(b, "<p><a class=\"button\" href=\"/domiciliation/%lld/attestation.pdf\">Attestation (PDF)</a></p>", (long long)d->id);
	else if (!strcmp(st, "refusee"))
		html_printf(b, "<p><a class=\"button\" href=\"/domiciliation/%lld/refus.pdf\">Lettre de refus (PDF)</a></p>", (long long)d->id);
	else if (!strcmp(st, "instruction") || !strcmp(st, "attente_decision"))
		html_printf(b, "<p><a class=\"button\" href=\"/domiciliation/%lld/provisoire.pdf\">Attestation provisoire (PDF)</a></p>", (long long)d->id);
	else if (!strcmp(st, "radiee"))
		html_printf(b, "<p><a class=\"button\" href=\"/domiciliation/%lld/radiation.pdf\">Lettre de radiation (PDF)</a></p>", (long long)d->id);
	html_lit(b, "<div class=\"file\"><div class=\"col-main\">");
	/* Actions, by status and role. */
	char *action = arena_printf(r->a, "/domiciliation/%lld", (long long)d->id);
	if (!strcmp(st, "instruction") && web_can(r, PERM_DOMI_INSTRUCT)) {
		html_printf(b, "<h2>Entretien et transmission pour décision</h2><form method=\"post\" action=\"%s/transmettre\" class=\"compact\" novalidate><div class=\"grid\">", action);
		page_csrf(r);
		html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)d->version);
		form_input(b, &(form_field){.name = "interview", .label = "Date de l’entretien", .type = "date", .required = true, .value = d->f[F_INTERVIEW]}, fe);
		form_input(b, &(form_field){.name = "place", .label = "Lieu de l’entretien", .required = true, .value = d->f[F_PLACE]}, fe);
		form_select(b, "link", "Lien avec la commune", LINK_V, LINK_L, N(LINK_V), d->f[F_LINK], fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Transmettre pour décision</button></form>");
	}
	if ((!strcmp(st, "attente_decision") || (!strcmp(st, "active") && d->f[F_RENEWAL])) && web_can(r, PERM_DOMI_DECIDE)) {
		html_printf(b, "<h2>%s</h2><form method=\"post\" action=\"%s/decision\" class=\"compact\" novalidate>",
		            d->f[F_RENEWAL] ? "Décision sur le renouvellement" : "Décision", action);
		page_csrf(r);
		html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\"><div class=\"grid\">", (long long)d->version);
		static const char *ov[] = {"accepter", "refuser"}, *ol[] = {"Accepter", "Refuser (absence de lien avec la commune)"};
		form_select(b, "outcome", "Décision", ov, ol, 2, "accepter", fe);
		form_input(b, &(form_field){.name = "start", .label = "Début de validité", .type = "date",
		                            .hint = "Par défaut : aujourd’hui, ou le lendemain de la fin actuelle pour un renouvellement."}, fe);
		form_input(b, &(form_field){.name = "end", .label = "Fin de validité", .type = "date", .hint = "Par défaut : début + 1 an − 1 jour."}, fe);
		form_input(b, &(form_field){.name = "orientation", .label = "Orientation (en cas de refus)"}, fe);
		html_lit(b, "</div><button type=\"submit\" class=\"primary\">Enregistrer la décision</button></form>");
	}
	if (!strcmp(st, "active")) {
		/* The mail counter for this person. */
		html_lit(b, "<h2>Courrier en attente</h2>");
		db_res q = {0};
		DBQ(r->db, &Q_MAIL_WAITING, &q, A_INT(d->id));
		int64_t waiting = 0;
		html_lit(b, "<ul>");
		while (db_next(&q)) {
			waiting += db_int(&q, 1);
			html_printf(b, "<li>%s : %lld</li>", fr_of(MAIL_V, MAIL_L, N(MAIL_V), db_text(&q, 0)), (long long)db_int(&q, 1));
		}
		db_close(&q);
		html_lit(b, "</ul>");
		if (!waiting)
			html_lit(b, "<p class=\"muted\">Aucun courrier en attente.</p>");
		html_printf(b, "<form method=\"post\" action=\"%s/courrier\" class=\"compact\" novalidate><div class=\"grid\">", action);
		page_csrf(r);
		form_select(b, "kind", "Type", MAIL_V, MAIL_L, N(MAIL_V), "lettre", fe);
		form_input(b, &(form_field){.name = "count", .label = "Nombre", .type = "number", .value = "1"}, fe);
		html_lit(b, "</div><button type=\"submit\">Enregistrer l’arrivée</button></form>");
		if (waiting) {
			html_printf(b, "<form method=\"post\" action=\"%s/remise\" class=\"compact\" novalidate><div class=\"grid\">", action);
			page_csrf(r);
			html_lit(b, "<div class=\"field\"><label for=\"f-to\">Remis à</label><select id=\"f-to\" name=\"to\"><option value=\"personne\">La personne</option>");
			DBQ(r->db, &Q_PROXIES, &q, A_INT(d->id));
			while (db_next(&q))
				html_printf(b, "<option value=\"%lld\">Mandataire : %s (du %s au %s)</option>", (long long)db_int(&q, 0), db_text(&q, 1),
				            civil_fr(r->a, db_text(&q, 2)), civil_fr(r->a, db_text(&q, 3)));
			db_close(&q);
			html_lit(b, "<option value=\"reexpedie\">Réexpédié</option><option value=\"retourne\">Retourné à l’expéditeur</option></select></div>");
			form_input(b, &(form_field){.name = "forward", .label = "Adresse de réexpédition (si réexpédié)"}, fe);
			html_lit(b, "</div><button type=\"submit\" class=\"primary\">Remettre tout le courrier en attente</button></form>");
		}
		html_printf(b, "<h2>Contact</h2><form method=\"post\" action=\"%s/contact\" class=\"compact\">", action);
		page_csrf(r);
		static const char *cv[] = {"visite", "appel"}, *cl[] = {"Visite", "Appel téléphonique"};
		form_select(b, "contact_kind", "Type de contact", cv, cl, 2, "visite", NULL);
		html_lit(b, "<button type=\"submit\">Enregistrer le contact</button></form>");
		if (!d->f[F_RENEWAL] && web_can(r, PERM_DOMI_INSTRUCT)) {
			html_printf(b, "<h2>Renouvellement</h2><form method=\"post\" action=\"%s/renouvellement\" class=\"compact\" novalidate>", action);
			page_csrf(r);
			html_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%lld\">", (long long)d->version);
			form_input(b, &(form_field){.name = "interview", .label = "Date de l’entretien de renouvellement", .type = "date",
			                            .required = true, .value = civil_iso(r->a, t)}, fe);
			html_lit(b, "<button type=\"submit\">Demander le renouvellement</button></form>");
		}
		if (web_can(r, PERM_DOMI_DECIDE)) {
			html_printf(b, "<h2>Radiation</h2><form method=\"post\" action=\"%s/radiation\" class=\"compact\" "
			               "data-confirm=\"Radier cette domiciliation ?\">", action);
			page_csrf(r);
			form_select(b, "motive", "Motif", STRIKE_V, STRIKE_L, N(STRIKE_V), "demande", fe);
			html_lit(b, "<button type=\"submit\">Radier</button></form>");
		}
	}
	if (!strcmp(st, "radiee") && web_can(r, PERM_DOMI_DECIDE)) {
		html_printf(b, "<form method=\"post\" action=\"%s/annuler-radiation\" class=\"compact\" data-confirm=\"Annuler la radiation ?\">", action);
		page_csrf(r);
		html_lit(b, "<button type=\"submit\">Annuler une radiation faite par erreur</button></form>");
	}
	html_lit(b, "</div><div class=\"col-side\">");
	if (!strcmp(st, "active")) {
		html_lit(b, "<h2>Mandataires</h2><ul>");
		db_res q = {0};
		DBQ(r->db, &Q_PROXIES, &q, A_INT(d->id));
		while (db_next(&q))
			html_printf(b, "<li>%s, du %s au %s</li>", db_text(&q, 1), civil_fr(r->a, db_text(&q, 2)), civil_fr(r->a, db_text(&q, 3)));
		db_close(&q);
		html_printf(b, "</ul><form method=\"post\" action=\"%s/mandataires\" class=\"compact\" novalidate>", action);
		page_csrf(r);
		form_input(b, &(form_field){.name = "name", .label = "Nom du mandataire", .required = true}, fe);
		form_input(b, &(form_field){.name = "from", .label = "Du", .type = "date", .required = true, .value = civil_iso(r->a, t)}, fe);
		form_input(b, &(form_field){.name = "to", .label = "Au", .type = "date", .required = true, .value = d->f[F_END]}, fe);
		html_lit(b, "<button type=\"submit\">Ajouter (5 au plus)</button></form>");
		html_printf(b, "<h2>Réexpédition</h2><form method=\"post\" action=\"%s/reexpedition\" class=\"compact\" novalidate>", action);
		page_csrf(r);
		form_input(b, &(form_field){.name = "address", .label = "Adresse de réexpédition", .type = "textarea", .required = true}, fe);
		form_input(b, &(form_field){.name = "fwd_from", .label = "Du", .type = "date", .required = true, .value = civil_iso(r->a, t)}, fe);
		form_input(b, &(form_field){.name = "fwd_to", .label = "Au", .type = "date", .required = true}, fe);
		html_lit(b, "<button type=\"submit\">Réexpédier sur cette période</button></form>");
	}
	html_lit(b, "<h2>Historique</h2><ol class=\"timeline\">");
	db_res q = {0};
	DBQ(r->db, &Q_EVENTS, &q, A_INT(d->id));
	while (db_next(&q))
		html_printf(b, "<li><span class=\"when\">%s</span> %s %s <small>— %s</small></li>", civil_fr(r->a, db_text(&q, 0)),
		            db_text(&q, 1), db_text(&q, 2), db_text(&q, 3));
	db_close(&q);
	html_lit(b, "</ol></div></div>");
	page_end(r);
}

static bool load_or_404(web_req *r, domi *d)
{
	if (load(r, r->param[0], d))
		return true;
	web_error(r, E_NOT_FOUND, NULL);
	return false;
}

static void file_page(web_req *r)
{
	domi d;
	if (load_or_404(r, &d))
		file_page_render(r, &d, NULL, web_arg(r, "ok") ? "C’est enregistré." : NULL);
}

static bool version_ok(web_req *r, domi *d)
{
	int64_t v = 0;
	const char *s = web_field(r, "version");
	return s && text_to_int64(s, 1, INT64_MAX, &v) && v == d->version;
}

/* After an action: back to the file, or the file with the errors. */
static void after(web_req *r, domi *d, err e, form_errors *fe, const char *warning)
{
	if (e == E_INPUT) {
		r->status = 400;
		file_page_render(r, d, fe, NULL);
		return;
	}
	if (e == E_CONFLICT) {
		web_error(r, E_CONFLICT, "Ce dossier a changé entre-temps (décision déjà prise, ou état différent) : rechargez-le.");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domiciliation/%lld?ok=1%s", (long long)d->id, warning ? "&court=1" : ""));
}

static void submit_post(web_req *r)
{
	domi d;
	form_errors fe = {0};
	if (!load_or_404(r, &d))
		return;
	err e = version_ok(r, &d) ? submit(r, &d, web_field(r, "interview"), web_field(r, "place"), web_field(r, "link"), &fe) : E_CONFLICT;
	after(r, &d, e, &fe, NULL);
}

static void decision_post(web_req *r)
{
	domi d;
	form_errors fe = {0};
	const char *warning = NULL;
	if (!load_or_404(r, &d))
		return;
	err e = version_ok(r, &d) ? decide(r, &d, web_field(r, "outcome"), web_field(r, "start"), web_field(r, "end"),
	                                   web_field(r, "orientation"), &fe, &warning)
	                          : E_CONFLICT;
	after(r, &d, e, &fe, warning);
}

static void renew_post(web_req *r)
{
	domi d;
	form_errors fe = {0};
	civil_date x;
	if (!load_or_404(r, &d))
		return;
	const char *iv = web_field(r, "interview");
	err e = E_OK;
	if (!iv || !civil_parse(iv, &x)) {
		form_error(&fe, "interview", "L’entretien de renouvellement est obligatoire : indiquez sa date.");
		e = E_INPUT;
	}
	int64_t n = 0;
	if (e == E_OK && !version_ok(r, &d))
		e = E_CONFLICT;
	if (e == E_OK)
		e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_RENEW, &n, A_INT(d.id), A_TEXT(civil_iso(r->a, today_of(r))), A_TEXT(iv), A_INT(d.version));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = event(r, d.id, "demande_renouvellement", iv);
	if (e == E_OK)
		e = contact(r, d.id, "visite", today_of(r));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "domiciliation", d.id, "renewal");
	if (db_in_tx(r->db))
		e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	after(r, &d, e, &fe, NULL);
}

static err strike(web_req *r, int64_t id, const char *motive)
{
	int64_t n = 0;
	domi d;
	if (!in_list(STRIKE_V, N(STRIKE_V), motive))
		return E_INPUT;
	if (!load(r, id, &d))
		return E_NOT_FOUND;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_STRIKE, &n, A_INT(id), A_TEXT(civil_iso(r->a, today_of(r))), A_TEXT(motive));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = event(r, id, "radiation", fr_of(STRIKE_V, STRIKE_L, N(STRIKE_V), motive));
	if (e == E_OK)
		e = persons_timeline_add(r->db, d.household_id, r->user->id, "domiciliation", id, "Radiation de la domiciliation");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "domiciliation", id, arena_printf(r->a, "struck %s", motive));
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void strike_post(web_req *r)
{
	domi d;
	form_errors fe = {0};
	if (!load_or_404(r, &d))
		return;
	err e = strike(r, d.id, web_field(r, "motive"));
	if (e == E_INPUT)
		form_error(&fe, "motive", "Choisissez un motif de radiation prévu par la loi.");
	after(r, &d, e, &fe, NULL);
}

static void strike_many(web_req *r)
{
	int done = 0, refused = 0;
	civil_date t = today_of(r), last;
	for (int i = 0; i < r->form.n; i++) {
		int64_t id;
		domi d;
		if (strcmp(r->form.items[i].name, "id") || !text_to_int64(r->form.items[i].value, 1, INT64_MAX, &id))
			continue;
		/* Each one is checked again: only lapsed files are struck off this way. */
		if (!load(r, id, &d) || !civil_parse(d.f[F_LASTC], &last) || !domi_contact_lapsed(last, t) ||
		    strike(r, id, "sans_contact") != E_OK)
			refused++;
		else
			done++;
	}
	page_begin(r, "Radiations");
	html_printf(&r->out, "<p role=\"status\">%d domiciliation%s radiée%s.", done, done > 1 ? "s" : "", done > 1 ? "s" : "");
	if (refused)
		html_printf(&r->out, " %d n’ont pas été radiées (contact récent ou état changé).", refused);
	html_lit(&r->out, "</p><p><a href=\"/domiciliation?liste=sans_contact\">Revenir à la liste</a></p>");
	page_end(r);
}

static void unstrike_post(web_req *r)
{
	domi d;
	if (!load_or_404(r, &d))
		return;
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_UNSTRIKE, &n, A_INT(d.id));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = event(r, d.id, "annulation_radiation", "");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "domiciliation", d.id, "unstruck");
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	after(r, &d, e, NULL, NULL);
}

static db_sql Q_FWD_NOW = DB_SQL(DB_SCOPED,
	"SELECT address FROM domi_forwards WHERE structure_id = $1 AND domiciliation_id = $2 AND from_on <= $3 AND to_on >= $3 "
	"ORDER BY id DESC LIMIT 1");
static db_sql Q_FWD_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_forwards (structure_id, domiciliation_id, address, from_on, to_on) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static db_sql Q_MAIL_FWD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_mail (structure_id, domiciliation_id, received_on, kind, count, status, done_on, forward_to, user_id) "
	"VALUES ($1, $2, $3, $4, $5, 'reexpedie', $3, $6, $7) RETURNING id");

/* Records mail received; during a forwarding period it is forwarded at once. */
static err mail_insert(web_req *r, int64_t did, const char *kind, int64_t count, bool *forwarded)
{
	db_res q = {0};
	char *fwd = NULL;
	int64_t id;
	if (DBQ(r->db, &Q_FWD_NOW, &q, A_INT(did), A_TEXT(civil_iso(r->a, today_of(r)))) == E_OK && db_next(&q))
		fwd = db_dup(&q, 0, r->a);
	db_close(&q);
	*forwarded = fwd != NULL;
	if (fwd)
		return DBID(r->db, &Q_MAIL_FWD, &id, A_INT(did), A_TEXT(civil_iso(r->a, today_of(r))), A_TEXT(kind), A_INT(count), A_TEXT(fwd),
		            A_INT(r->user->id));
	return DBID(r->db, &Q_MAIL_ADD, &id, A_INT(did), A_TEXT(civil_iso(r->a, today_of(r))), A_TEXT(kind), A_INT(count), A_INT(r->user->id));
}

static err mail_add(web_req *r, domi *d, const char *kind, const char *count_s, form_errors *fe)
{
	int64_t count = 1;
	if (strcmp(d->f[F_STATUS], "active"))
		return E_CONFLICT;
	if (!in_list(MAIL_V, N(MAIL_V), kind))
		form_error(fe, "kind", "Choisissez le type de courrier.");
	if (count_s && *count_s && !text_to_int64(count_s, 1, 500, &count))
		form_error(fe, "count", "Le nombre est compris entre 1 et 500.");
	if (fe->n)
		return E_INPUT;
	bool fwd = false;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = mail_insert(r, d->id, kind, count, &fwd);
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "domi_mail", d->id, fwd ? "forwarded" : NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void mail_post(web_req *r)
{
	domi d;
	form_errors fe = {0};
	if (!load_or_404(r, &d))
		return;
	after(r, &d, mail_add(r, &d, web_field(r, "kind"), web_field(r, "count"), &fe), &fe, NULL);
}

static err handover(web_req *r, domi *d, const char *to, const char *forward, form_errors *fe)
{
	civil_date t = today_of(r);
	int64_t proxy = 0, n = 0;
	const char *status = "remis", *ckind = "courrier_en_personne";
	if (!to || !strcmp(to, "personne")) {
	} else if (!strcmp(to, "reexpedie")) {
		status = "reexpedie";
		ckind = NULL;
		if (!forward || !*forward)
			form_error(fe, "forward", "Indiquez l’adresse de réexpédition.");
	} else if (!strcmp(to, "retourne")) {
		status = "retourne";
		ckind = NULL;
	} else if (text_to_int64(to, 1, INT64_MAX, &proxy) &&
	           DBID(r->db, &Q_PROXY_OK, &n, A_INT(d->id), A_INT(proxy), A_TEXT(civil_iso(r->a, t))) == E_OK && n == 1) {
		ckind = "courrier_procuration"; /* does not count as the person's contact */
	} else {
		form_error(fe, "to", "Ce mandataire n’est pas valable aujourd’hui.");
	}
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_MAIL_HAND, &n, A_INT(d->id), A_TEXT(status), A_TEXT(civil_iso(r->a, t)), A_INT_OR_NULL(proxy),
		        A_TEXT(forward && !strcmp(status, "reexpedie") ? forward : ""));
	if (e == E_OK && n == 0)
		e = E_CONFLICT; /* nothing was waiting any more */
	if (e == E_OK && ckind)
		e = contact(r, d->id, ckind, t);
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "domi_mail", d->id, status);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

static void handover_post(web_req *r)
{
	domi d;
	form_errors fe = {0};
	if (!load_or_404(r, &d))
		return;
	after(r, &d, handover(r, &d, web_field(r, "to"), web_field(r, "forward"), &fe), &fe, NULL);
}

static void contact_post(web_req *r)
{
	domi d;
	if (!load_or_404(r, &d))
		return;
	const char *k = web_field(r, "contact_kind");
	err e = k && (!strcmp(k, "visite") || !strcmp(k, "appel")) ? E_OK : E_INPUT;
	if (e == E_OK)
		e = db_begin(r->db, true);
	if (e == E_OK)
		e = contact(r, d.id, k, today_of(r));
	if (db_in_tx(r->db))
		e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	form_errors fe = {0};
	if (e == E_INPUT)
		form_error(&fe, "contact_kind", "Type de contact inconnu.");
	after(r, &d, e, &fe, NULL);
}

static void forward_post(web_req *r)
{
	domi d;
	form_errors fe = {0};
	if (!load_or_404(r, &d))
		return;
	const char *addr = web_field(r, "address"), *from = web_field(r, "fwd_from"), *to = web_field(r, "fwd_to");
	civil_date f, t;
	int64_t id;
	if (!addr || !*addr || strlen(addr) > 500)
		form_error(&fe, "address", "Indiquez l’adresse de réexpédition.");
	if (!from || !to || !civil_parse(from, &f) || !civil_parse(to, &t) || civil_to_days(t) < civil_to_days(f))
		form_error(&fe, "fwd_from", "Indiquez une période de réexpédition valable (du … au …).");
	err e = strcmp(d.f[F_STATUS], "active") ? E_CONFLICT : fe.n ? E_INPUT : db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_FWD_ADD, &id, A_INT(d.id), A_TEXT(addr), A_TEXT(from), A_TEXT(to));
	if (e == E_OK)
		e = event(r, d.id, "reexpedition", arena_printf(r->a, "du %s au %s", from, to));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "domi_forward", id, NULL);
	if (db_in_tx(r->db))
		e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	after(r, &d, e, &fe, NULL);
}

static void proxy_post(web_req *r)
{
	domi d;
	form_errors fe = {0};
	if (!load_or_404(r, &d))
		return;
	const char *name = web_field(r, "name"), *from = web_field(r, "from"), *to = web_field(r, "to");
	civil_date f, t;
	int64_t n = 0, id;
	if (!name || !*name || strlen(name) > 200)
		form_error(&fe, "name", "Indiquez le nom du mandataire.");
	if (!from || !to || !civil_parse(from, &f) || !civil_parse(to, &t) || civil_to_days(t) < civil_to_days(f))
		form_error(&fe, "from", "Indiquez une période valable (du … au …).");
	if (!fe.n && DBID(r->db, &Q_PROXY_COUNT, &n, A_INT(d.id), A_TEXT(civil_iso(r->a, today_of(r)))) == E_OK && n >= 5)
		form_error(&fe, "name", "Cinq mandataires au plus peuvent être désignés.");
	err e = fe.n ? E_INPUT : db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_PROXY_ADD, &id, A_INT(d.id), A_TEXT(name), A_TEXT(from), A_TEXT(to));
	if (e == E_OK)
		e = event(r, d.id, "mandataire", name);
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "domi_proxy", id, NULL);
	if (db_in_tx(r->db))
		e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	after(r, &d, e, &fe, NULL);
}

/* ---- the mail counter ---------------------------------------------------------------------- */

static db_sql Q_ACTIVE_BY_PERSON = DB_SQL(DB_SCOPED,
	"SELECT id FROM domiciliations WHERE structure_id = $1 AND person_id = $2 AND status = 'active'");
static db_sql Q_ACTIVE_BY_FILE = DB_SQL(DB_SCOPED,
	"SELECT id FROM domiciliations WHERE structure_id = $1 AND id = $2 AND status = 'active'");

/* The fastest path is the main path: type (or scan) a domiciliation number,
 * or a name; one line per letter received, several at once. */
static void counter_page(web_req *r)
{
	page_begin(r, "Guichet courrier");
	buf *b = &r->out;
	const char *done = web_arg(r, "enregistre");
	if (done)
		page_notice(r, "ok", arena_printf(r->a, "%s courrier(s) enregistré(s).", done));
	html_lit(b, "<p>Saisissez ou scannez le numéro de domiciliation (un par ligne pour plusieurs arrivées), "
	            "ou cherchez la personne par son nom.</p><form method=\"post\" action=\"/domiciliation/courrier\" class=\"compact\" novalidate>");
	page_csrf(r);
	form_input(b, &(form_field){.name = "numbers", .label = "Numéros de domiciliation", .type = "textarea", .required = true,
	                            .hint = "Par exemple : 12, 12, 57 (un même numéro répété = plusieurs lettres)."}, NULL);
	form_select(b, "kind", "Type", MAIL_V, MAIL_L, N(MAIL_V), "lettre", NULL);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer les arrivées</button></form>");
	html_lit(b, "<h2>Trouver une personne domiciliée</h2><form method=\"get\" action=\"/domiciliation/courrier\" role=\"search\" class=\"filters\">"
	            "<div class=\"field\"><label for=\"dq\">Nom</label>");
	const char *q = web_arg(r, "q");
	html_printf(b, "<input id=\"dq\" name=\"q\" type=\"search\" value=\"%s\"></div><button type=\"submit\">Chercher</button></form>", q ? q : "");
	if (q && *q) {
		int64_t pids[25], hids[25];
		int n = persons_find(r->db, r->a, q, pids, hids, 25);
		int shown = 0;
		html_lit(b, "<ul>");
		for (int i = 0; i < n; i++) {
			int64_t id = 0;
			if (DBID(r->db, &Q_ACTIVE_BY_PERSON, &id, A_INT(pids[i])) != E_OK || !id)
				continue;
			person_brief p;
			shown++;
			html_printf(b, "<li><a href=\"/domiciliation/%lld\">%s</a> — domiciliation n° %lld</li>", (long long)id,
			            person_name(r, pids[i], &p), (long long)id);
		}
		html_lit(b, "</ul>");
		if (!shown)
			html_lit(b, "<p>Aucune personne domiciliée ne correspond.</p>");
	}
	page_end(r);
}

static void counter_post(web_req *r)
{
	const char *nums = web_field(r, "numbers"), *kind = web_field(r, "kind");
	if (!nums || !*nums || !in_list(MAIL_V, N(MAIL_V), kind)) {
		web_error(r, E_INPUT, "Indiquez au moins un numéro de domiciliation et le type de courrier.");
		return;
	}
	/* Check every number first: nothing is written if one is wrong. */
	int64_t ids[500];
	int n = 0;
	const char *p = nums;
	while (*p) {
		while (*p && !(*p >= '0' && *p <= '9'))
			p++;
		if (!*p)
			break;
		char num[24];
		size_t k = 0;
		while (*p >= '0' && *p <= '9' && k < sizeof num - 1)
			num[k++] = *p++;
		num[k] = 0;
		int64_t id = 0, found = 0;
		if (n >= 500 || !text_to_int64(num, 1, INT64_MAX, &id) || DBID(r->db, &Q_ACTIVE_BY_FILE, &found, A_INT(id)) != E_OK || !found) {
			web_error(r, E_INPUT, arena_printf(r->a, "Le numéro %s ne correspond à aucune domiciliation active : rien n’a été enregistré.", num));
			return;
		}
		ids[n++] = id;
	}
	err e = db_begin(r->db, true);
	for (int i = 0; e == E_OK && i < n; i++) {
		bool fwd;
		e = mail_insert(r, ids[i], kind, 1, &fwd);
	}
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "domi_mail", 0, arena_printf(r->a, "count=%d", n));
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domiciliation/courrier?enregistre=%d", n));
}

/* ---- household section ----------------------------------------------------------------------- */

static void section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-domi\"><h2 id=\"t-domi\">Domiciliation</h2>");
	db_res q = {0};
	DBQ(r->db, &Q_BY_HOUSEHOLD, &q, A_INT(hid));
	int n = 0;
	html_lit(b, "<ul>");
	while (db_next(&q)) {
		n++;
		person_brief p;
		html_printf(b, "<li><a href=\"/domiciliation/%lld\">%s</a> : %s", (long long)db_int(&q, 0), person_name(r, db_int(&q, 1), &p),
		            fr_of(ST_V, ST_L, N(ST_V), db_text(&q, 2)));
		if (!db_isnull(&q, 3))
			html_printf(b, ", valable jusqu’au %s", civil_fr(r->a, db_text(&q, 3)));
		html_lit(b, "</li>");
	}
	db_close(&q);
	html_lit(b, "</ul>");
	if (!n)
		html_lit(b, "<p class=\"muted\">Aucune domiciliation.</p>");
	if (web_can(r, PERM_DOMI_INSTRUCT))
		html_printf(b, "<p><a href=\"/domiciliation/nouvelle?foyer=%lld\">Enregistrer une demande de domiciliation</a></p>", (long long)hid);
	html_lit(b, "</section>");
}

/* ---- API ------------------------------------------------------------------------------------------- */

/* Form field names → the API's names, in error reports. */
static const char *const DOMI_API_NAMES[][2] = {
	{"place", "interview_place"}, {"interview", "interview_on"}, {"start", "start_on"}, {"end", "end_on"},
	{"requested", "requested_on"}, {"htype", "household_type"}, {"person", "person_id"}, {"contact_kind", "kind"}};

static json_t *domi_json(domi *d)
{
	static const char *names[] = {"status", "requested_on", "interview_on", "interview_place", "link", "household_type", "cause",
	                              "reason", "non_eu_limited", "first_on", "start_on", "end_on", "decided_on", "refusal_motive",
	                              "orientation", "struck_on", "strike_motive", "renewal_requested_on", "last_contact_on"};
	json_t *o = json_pack("{s:I,s:I,s:I,s:I}", "id", (json_int_t)d->id, "person_id", (json_int_t)d->person_id, "household_id",
	                      (json_int_t)d->household_id, "version", (json_int_t)d->version);
	for (int i = 0; i < 19; i++)
		json_object_set_new(o, names[i], d->f[i] ? json_string(d->f[i]) : json_null());
	return o;
}

static void api_get(web_req *r)
{
	domi d;
	if (!load_or_404(r, &d))
		return;
	journal_record(r->db, r->user->id, "read", "domiciliation", d.id, "api");
	json_t *o = domi_json(&d);
	db_res q = {0};
	json_t *mail = json_object();
	DBQ(r->db, &Q_MAIL_WAITING, &q, A_INT(d.id));
	while (db_next(&q))
		json_object_set_new(mail, db_text(&q, 0), json_integer(db_int(&q, 1)));
	db_close(&q);
	json_object_set_new(o, "mail_waiting", mail);
	web_json(r, 200, o);
}

static void api_create(web_req *r)
{
	json_t *j = web_json_body(r);
	if (!j)
		return;
	arena *a = r->a;
	json_t *pid = json_object_get(j, "person_id");
	request_in in = {json_is_integer(pid) ? arena_printf(a, "%lld", (long long)json_integer_value(pid)) : NULL,
	                 arena_strdup(a, web_jstr(j, "requested_on")), arena_strdup(a, web_jstr(j, "interview_on")),
	                 arena_strdup(a, web_jstr(j, "interview_place")), arena_strdup(a, web_jstr(j, "link") ? web_jstr(j, "link") : ""),
	                 arena_strdup(a, web_jstr(j, "household_type") ? web_jstr(j, "household_type") : ""),
	                 arena_strdup(a, web_jstr(j, "cause") ? web_jstr(j, "cause") : ""), arena_strdup(a, web_jstr(j, "reason")),
	                 json_is_true(json_object_get(j, "non_eu_limited")) ? "1" : NULL};
	json_decref(j);
	form_errors fe = {0};
	int64_t id;
	err e = request_add(r, &in, &fe, &id);
	if (fe.n) {
		web_error_form(r, &fe, DOMI_API_NAMES, (int)(sizeof DOMI_API_NAMES / sizeof *DOMI_API_NAMES));
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

/* One route for the workflow: {"action": "submit" | "decide" | "renew" |
 * "strike" | "mail" | "handover" | "contact", …}. */
static void api_action(web_req *r)
{
	domi d;
	if (!load_or_404(r, &d))
		return;
	json_t *j = web_json_body(r);
	if (!j)
		return;
	arena *a = r->a;
	char *action = arena_strdup(a, web_jstr(j, "action"));
	char *s1 = arena_strdup(a, web_jstr(j, "interview_on")), *s2 = arena_strdup(a, web_jstr(j, "interview_place")),
	     *s3 = arena_strdup(a, web_jstr(j, "link")), *outcome = arena_strdup(a, web_jstr(j, "outcome")),
	     *start = arena_strdup(a, web_jstr(j, "start_on")), *end = arena_strdup(a, web_jstr(j, "end_on")),
	     *orient = arena_strdup(a, web_jstr(j, "orientation")), *motive = arena_strdup(a, web_jstr(j, "motive")),
	     *kind = arena_strdup(a, web_jstr(j, "kind")), *to = arena_strdup(a, web_jstr(j, "to")), *fwd = arena_strdup(a, web_jstr(j, "forward_to"));
	json_t *cnt = json_object_get(j, "count"), *ver = json_object_get(j, "version"), *px = json_object_get(j, "proxy_id");
	char *count = json_is_integer(cnt) ? arena_printf(a, "%lld", (long long)json_integer_value(cnt)) : NULL;
	if (json_is_integer(px))
		to = arena_printf(a, "%lld", (long long)json_integer_value(px));
	int64_t version = json_is_integer(ver) ? json_integer_value(ver) : 0;
	json_decref(j);
	form_errors fe = {0};
	const char *warning = NULL;
	err e;
	bool needs_version = action && (!strcmp(action, "submit") || !strcmp(action, "decide") || !strcmp(action, "renew"));
	if (!action)
		e = E_INPUT;
	else if (needs_version && version != d.version)
		e = E_CONFLICT;
	else if (!strcmp(action, "submit"))
		e = web_can(r, PERM_DOMI_INSTRUCT) ? submit(r, &d, s1, s2, s3, &fe) : E_FORBIDDEN;
	else if (!strcmp(action, "decide"))
		e = web_can(r, PERM_DOMI_DECIDE) ? decide(r, &d, outcome, start, end, orient, &fe, &warning) : E_FORBIDDEN;
	else if (!strcmp(action, "strike"))
		e = web_can(r, PERM_DOMI_DECIDE) ? strike(r, d.id, motive) : E_FORBIDDEN;
	else if (!strcmp(action, "mail"))
		e = mail_add(r, &d, kind ? kind : "lettre", count, &fe);
	else if (!strcmp(action, "handover"))
		e = handover(r, &d, to, fwd, &fe);
	else if (!strcmp(action, "contact")) {
		e = kind && (!strcmp(kind, "visite") || !strcmp(kind, "appel")) ? db_begin(r->db, true) : E_INPUT;
		if (e == E_OK)
			e = contact(r, d.id, kind, today_of(r));
		if (db_in_tx(r->db))
			e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	} else if (!strcmp(action, "renew")) {
		civil_date x;
		int64_t n = 0;
		e = s1 && civil_parse(s1, &x) ? db_begin(r->db, true) : E_INPUT;
		if (e == E_INPUT)
			form_error(&fe, "interview_on", "L’entretien de renouvellement est obligatoire.");
		if (e == E_OK)
			e = DBX(r->db, &Q_RENEW, &n, A_INT(d.id), A_TEXT(civil_iso(r->a, today_of(r))), A_TEXT(s1), A_INT(d.version));
		if (e == E_OK && n != 1)
			e = E_CONFLICT;
		if (e == E_OK)
			e = event(r, d.id, "demande_renouvellement", s1);
		if (db_in_tx(r->db))
			e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	} else
		e = E_INPUT;
	if (fe.n) {
		web_error_form(r, &fe, DOMI_API_NAMES, (int)(sizeof DOMI_API_NAMES / sizeof *DOMI_API_NAMES));
		return;
	}
	if (e != E_OK) {
		web_error(r, e, e == E_INPUT ? "action : submit, decide, renew, strike, mail, handover ou contact, avec ses champs." : NULL);
		return;
	}
	load(r, d.id, &d);
	json_t *o = domi_json(&d);
	if (warning)
		json_object_set_new(o, "warning", json_string(warning));
	web_json(r, 200, o);
}

static void api_list(web_req *r)
{
	const char *status = web_arg(r, "status");
	status = status && in_list(ST_V, N(ST_V), status) ? status : "";
	json_t *arr = json_array();
	db_res q = {0};
	DBQ(r->db, &Q_LIST_ALL, &q, A_TEXT(status), A_INT(500), A_INT(0));
	while (db_next(&q))
		json_array_append_new(arr, json_pack("{s:I,s:I,s:s,s:s?,s:s?}", "id", (json_int_t)db_int(&q, 0), "person_id",
		                                     (json_int_t)db_int(&q, 1), "status", db_text(&q, 2), "end_on",
		                                     db_isnull(&q, 4) ? NULL : db_text(&q, 4), "last_contact_on",
		                                     db_isnull(&q, 5) ? NULL : db_text(&q, 5)));
	db_close(&q);
	web_json(r, 200, json_pack("{s:o}", "domiciliations", arr));
}

/* ---- init --------------------------------------------------------------------------------------- */

#include "modules/home/home.h"

/* The home page's figures are counts, never a list counted by hand. */
static db_sql Q_COUNT_EXPIRING = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM domiciliations WHERE structure_id = $1 AND status = 'active' AND end_on >= $2 AND end_on <= $3");
static db_sql Q_COUNT_NOCONTACT = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM domiciliations WHERE structure_id = $1 AND status = 'active' AND last_contact_on < $2");

static void domi_home_widget(web_req *r)
{
	civil_date t = today_of(r);
	int64_t n15 = 0, lapsed = 0;
	DBID(r->db, &Q_COUNT_EXPIRING, &n15, A_TEXT(civil_iso(r->a, t)), A_TEXT(civil_iso(r->a, civil_from_days(civil_to_days(t) + 15))));
	DBID(r->db, &Q_COUNT_NOCONTACT, &lapsed, A_TEXT(civil_iso(r->a, civil_add_months(t, -3))));
	html_printf(&r->out, "<section aria-labelledby=\"t-hd\"><h2 id=\"t-hd\">Domiciliation</h2><ul>"
	                     "<li><a href=\"/domiciliation?liste=expire15\">%lld qui expirent sous 15 jours</a></li>"
	                     "<li><a href=\"/domiciliation?liste=sans_contact\">%lld sans contact depuis plus de 3 mois</a></li>"
	                     "<li><a href=\"/domiciliation/courrier\">Guichet courrier</a></li></ul></section>",
	            (long long)n15, (long long)lapsed);
}

void domiciliation_report_routes(int perm);
void domiciliation_docs_routes(int perm);
void domiciliation_export_routes(int perm_read);
void domiciliation_import_routes(int perm_write);

/* The person's domiciliations and their mail, for the data-subject export. */
static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT d.id, d.status, d.requested_on, d.interview_on, d.interview_place, d.link, d.household_type, d.cause, d.reason, "
	"d.first_on, d.start_on, d.end_on, d.decided_on, d.refusal_motive, d.orientation, d.struck_on, d.strike_motive, "
	"d.last_contact_on, (SELECT count(*) FROM domi_mail m WHERE m.structure_id = d.structure_id AND m.domiciliation_id = d.id), "
	"(SELECT count(*) FROM domi_proxies x WHERE x.structure_id = d.structure_id AND x.domiciliation_id = d.id), "
	"d.ref, d.alias, d.dom_type FROM domiciliations d WHERE d.structure_id = $1 AND d.person_id = $2 ORDER BY d.id");
static db_sql Q_SUBJECT_ANSWERS = DB_SQL(DB_SCOPED,
	"SELECT a.domiciliation_id, a.key, a.value FROM domi_answers a JOIN domiciliations d ON d.id = a.domiciliation_id "
	"AND d.structure_id = $1 WHERE a.structure_id = $1 AND d.person_id = $2 ORDER BY a.domiciliation_id, a.key");
static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a, (void)hid;
	static const char *const cols[] = {"id", "status", "requested_on", "interview_on", "interview_place", "link", "household_type",
		"cause", "reason", "first_on", "start_on", "end_on", "decided_on", "refusal_motive", "orientation", "struck_on",
		"strike_motive", "last_contact_on", "mail_items", "proxies_count", "former_number", "usage_name_or_nickname",
		"request_type"};
	db_res q = {0};
	DBQ(c, &Q_SUBJECT, &q, A_INT(pid));
	json_t *rows = persons_rows_json(&q, cols, 23);
	json_array_extend(out, rows);
	json_decref(rows);
	static const char *const acols[] = {"domiciliation_id", "interview_answer", "value"};
	DBQ(c, &Q_SUBJECT_ANSWERS, &q, A_INT(pid));
	rows = persons_rows_json(&q, acols, 3);
	json_array_extend(out, rows);
	json_decref(rows);
}

/* Retention: the free texts and third parties' names of an anonymised household's domiciliations. */
static db_sql Q_ANON_D = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET interview_place = '', reason = '', orientation = '', alias = '', ref = '' "
	"WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_ANSWERS = DB_SQL(DB_SCOPED,
	"DELETE FROM domi_answers WHERE structure_id = $1 AND domiciliation_id IN "
	"(SELECT id FROM domiciliations WHERE structure_id = $1 AND household_id = $2)");
static db_sql Q_ANON_PX = DB_SQL(DB_SCOPED,
	"UPDATE domi_proxies SET name = '' WHERE structure_id = $1 AND domiciliation_id IN "
	"(SELECT id FROM domiciliations WHERE structure_id = $1 AND household_id = $2)");
static db_sql Q_ANON_FW = DB_SQL(DB_SCOPED,
	"UPDATE domi_forwards SET address = '' WHERE structure_id = $1 AND domiciliation_id IN "
	"(SELECT id FROM domiciliations WHERE structure_id = $1 AND household_id = $2)");
static err anonymise(db_conn *c, int64_t hid)
{
	err e = DBX(c, &Q_ANON_D, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON_PX, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON_FW, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON_ANSWERS, NULL, A_INT(hid));
	return e;
}

void domiciliation_init(void)
{
	persons_subject_add("domiciliation", subject);
	persons_anonymise_add(anonymise);
	persons_retention_hold_add("SELECT 1 FROM domiciliations x WHERE x.structure_id = h.structure_id AND x.household_id = h.id "
	                           "AND x.status IN ('instruction', 'attente_decision', 'active')");
	unsigned desk = ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER);
	PERM_DOMI_MAIL = perm_declare("domiciliation.mail", "Domiciliation : consulter, guichet courrier, contacts", desk);
	PERM_DOMI_INSTRUCT = perm_declare("domiciliation.instruct", "Domiciliation : instruire les demandes et renouvellements",
	                                  ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER));
	PERM_DOMI_DECIDE = perm_declare("domiciliation.decide", "Domiciliation : accepter, refuser, radier", ROLE_BIT(ROLE_MANAGER));
	web_route(M_GET, "/domiciliation", list_page, PERM_DOMI_MAIL, 0, "Domiciliations (listes de travail)");
	web_route(M_POST, "/domiciliation", request_post, PERM_DOMI_INSTRUCT, 0, "Enregistrer une demande");
	web_route(M_GET, "/domiciliation/nouvelle", request_get, PERM_DOMI_INSTRUCT, 0, "Formulaire de demande");
	web_route(M_GET, "/domiciliation/courrier", counter_page, PERM_DOMI_MAIL, 0, "Guichet courrier");
	web_route(M_POST, "/domiciliation/courrier", counter_post, PERM_DOMI_MAIL, 0, "Enregistrer des arrivées de courrier");
	web_route(M_POST, "/domiciliation/radiations", strike_many, PERM_DOMI_DECIDE, 0, "Radier plusieurs domiciliations");
	domiciliation_report_routes(PERM_DOMI_INSTRUCT);
	domiciliation_docs_routes(PERM_DOMI_MAIL);
	domiciliation_export_routes(PERM_DOMI_INSTRUCT);
	domiciliation_import_routes(PERM_DOMI_DECIDE);
	web_route(M_GET, "/domiciliation/{id}", file_page, PERM_DOMI_MAIL, 0, "Dossier de domiciliation");
	web_route(M_POST, "/domiciliation/{id}/transmettre", submit_post, PERM_DOMI_INSTRUCT, 0, "Transmettre pour décision");
	web_route(M_POST, "/domiciliation/{id}/decision", decision_post, PERM_DOMI_DECIDE, 0, "Décider");
	web_route(M_POST, "/domiciliation/{id}/renouvellement", renew_post, PERM_DOMI_INSTRUCT, 0, "Demander le renouvellement");
	web_route(M_POST, "/domiciliation/{id}/radiation", strike_post, PERM_DOMI_DECIDE, 0, "Radier");
	web_route(M_POST, "/domiciliation/{id}/annuler-radiation", unstrike_post, PERM_DOMI_DECIDE, 0, "Annuler une radiation");
	web_route(M_POST, "/domiciliation/{id}/courrier", mail_post, PERM_DOMI_MAIL, 0, "Arrivée de courrier");
	web_route(M_POST, "/domiciliation/{id}/remise", handover_post, PERM_DOMI_MAIL, 0, "Remise du courrier");
	web_route(M_POST, "/domiciliation/{id}/contact", contact_post, PERM_DOMI_MAIL, 0, "Contact");
	web_route(M_POST, "/domiciliation/{id}/mandataires", proxy_post, PERM_DOMI_MAIL, 0, "Ajouter un mandataire");
	web_route(M_POST, "/domiciliation/{id}/reexpedition", forward_post, PERM_DOMI_MAIL, 0, "Réexpédier sur une période");
	web_route(M_GET, "/api/v1/domiciliations", api_list, PERM_DOMI_MAIL, 0, "Domiciliations");
	web_route(M_POST, "/api/v1/domiciliations", api_create, PERM_DOMI_INSTRUCT, 0, "Enregistrer une demande");
	web_route(M_GET, "/api/v1/domiciliations/{id}", api_get, PERM_DOMI_MAIL, 0, "Lire une domiciliation");
	web_route(M_POST, "/api/v1/domiciliations/{id}", api_action, PERM_DOMI_MAIL, 0, "Faire avancer une domiciliation");
	layout_nav_add(30, "Domiciliation", "/domiciliation", PERM_DOMI_MAIL);
	persons_section_add(30, "Domiciliation", section, PERM_DOMI_MAIL);
	home_widget_add(30, domi_home_widget, PERM_DOMI_MAIL);
}

/* ---- demo ---------------------------------------------------------------------------------------- */

static db_sql Q_D_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domiciliations (structure_id, person_id, household_id, status, requested_on, interview_on, interview_place, "
	"link, household_type, cause, first_on, start_on, end_on, decided_on, decided_by, struck_on, strike_motive, "
	"last_contact_on, created_at) VALUES ($1, $2, $3, $4, $5, $5, 'Accueil du CCAS', $6, $7, $8, $9, $10, $11, $10, $12, $13, $14, $15, $16) "
	"RETURNING id");
static db_sql Q_D_MAIL = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_mail (structure_id, domiciliation_id, received_on, kind, count, status, done_on, user_id) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");

/* About 3 % of households: the applicant is domiciled, most are active,
 * some struck off; mail arrives every few weeks, most of it collected. */
err domiciliation_demo(db *d, int64_t sid, uint64_t seed, const int64_t *users, int nusers, int64_t manager)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, sid);
	int64_t *hids;
	int64_t nh = persons_household_ids(c, &hids);
	civil_date today = civil_today("Indian/Reunion");
	uint64_t s = seed * 0x2545F4914F6CDD1DULL + 11;
	err e = db_begin(c, true);
	arena a;
	arena_init(&a, 0);
	int batch = 0;
	for (int64_t i = 0; e == E_OK && i < nh; i += 33) {
		person_brief *p;
		if (persons_household_members(c, &a, hids[i], &p) < 1)
			continue;
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		int years = (int)(s % 4);
		civil_date first = civil_from_days(civil_to_days(today) - years * 365 - (int64_t)(s % 300));
		civil_date start = civil_from_days(civil_to_days(today) - (int64_t)((s >> 9) % 330));
		civil_date end = domi_end_of(start), last = civil_from_days(civil_to_days(today) - (int64_t)((s >> 17) % 140));
		bool struck = (s >> 23) % 10 == 0;
		char f[11], st[11], en[11], la[11], sk[11];
		civil_format(first, f);
		civil_format(start, st);
		civil_format(end, en);
		civil_format(last, la);
		civil_format(civil_from_days(civil_to_days(last) + 95), sk);
		static const char *links[] = {"sejour", "sejour", "suivi", "famille", "travail"};
		static const char *causes[] = {"rupture_familiale", "expulsion", "errance", "hebergement_tiers", "sortie_institution"};
		static const char *ht[] = {"isole", "isole", "isole_enfants", "couple"};
		int64_t id;
		e = DBID(c, &Q_D_ADD, &id, A_INT(p[0].id), A_INT(hids[i]), A_TEXT(struck ? "radiee" : "active"), A_TEXT(f),
		         A_TEXT(links[(s >> 5) % 5]), A_TEXT(ht[(s >> 3) % 4]), A_TEXT(causes[(s >> 7) % 5]), A_TEXT(f), A_TEXT(st),
		         A_TEXT(en), A_INT(manager), A_TEXT(struck ? sk : NULL), A_TEXT(struck ? "sans_contact" : ""), A_TEXT(la),
		         A_INT(civil_now()));
		/* Mail every two to six weeks since the first domiciliation. */
		for (int64_t day = civil_to_days(first); e == E_OK && day < civil_to_days(today); day += 14 + (int64_t)((s >> (day % 40)) % 28)) {
			char on[11], done[11];
			civil_format(civil_from_days(day), on);
			bool waiting = day > civil_to_days(today) - 20;
			civil_format(civil_from_days(day + 3), done);
			static const char *kinds[] = {"lettre", "lettre", "lettre", "recommande", "colis"};
			e = DBX(c, &Q_D_MAIL, NULL, A_INT(id), A_TEXT(on), A_TEXT(kinds[day % 5]), A_INT(1 + day % 3),
			        A_TEXT(waiting ? "attente" : "remis"), A_TEXT(waiting ? NULL : done), A_INT(users[day % nusers]));
		}
		if (++batch % 500 == 0 && e == E_OK) {
			e = db_commit(c);
			arena_release(&a);
			arena_init(&a, 0);
			if (e == E_OK)
				e = db_begin(c, true);
		}
	}
	e = e == E_OK ? db_commit(c) : (db_rollback(c), e);
	arena_release(&a);
	free(hids);
	db_conn_put(c);
	return e;
}

/* ---- notifications of waiting mail ------------------------------------------------------------------------ */

#include "core/notify.h"

static db_sql Q_N_WAITING = DB_SQL(DB_GLOBAL,
	"SELECT d.structure_id, d.id, d.person_id, sum(m.count) FROM domiciliations d JOIN domi_mail m "
	"ON m.domiciliation_id = d.id AND m.structure_id = d.structure_id AND m.status = 'attente' "
	"WHERE d.status = 'active' GROUP BY d.structure_id, d.id, d.person_id ORDER BY d.structure_id, d.id");
static db_sql Q_N_MARK = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_notifications (structure_id, domiciliation_id, day, channel) VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (structure_id, domiciliation_id, day) DO NOTHING");

err domiciliation_notify(db *d, civil_date today, bool send, int64_t *count)
{
	*count = 0;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	arena a;
	arena_init(&a, 0);
	/* Collect first: the look-ups below run statements on the same connection. */
	db_res q = {0};
	err e = DBQ0(c, &Q_N_WAITING, &q);
	int64_t (*rows)[4] = NULL;
	int n = 0, cap = 0;
	while (e == E_OK && db_next(&q)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			void *nr = realloc(rows, sizeof *rows * (size_t)cap);
			if (!nr)
				break;
			rows = nr;
		}
		for (int k = 0; k < 4; k++)
			rows[n][k] = db_int(&q, k);
		n++;
	}
	db_close(&q);
	char day[11];
	civil_format(today, day);
	for (int i = 0; e == E_OK && i < n; i++) {
		db_conn_scope(c, rows[i][0]);
		person_brief p;
		structure_info si;
		if (persons_person_brief(c, &a, rows[i][2], &p) != E_OK || accounts_structure_info(c, &a, rows[i][0], &si) != E_OK)
			continue;
		/* Only with consent, and only on a channel the person gave. */
		notify_channel ch;
		const char *to;
		if (p.consent_sms && *p.phone) {
			ch = NOTIFY_SMS;
			to = p.phone;
		} else if (p.consent_email && *p.email) {
			ch = NOTIFY_EMAIL;
			to = p.email;
		} else {
			continue;
		}
		if (!send) {
			(*count)++;
			continue;
		}
		int64_t fresh = 0;
		e = DBX(c, &Q_N_MARK, &fresh, A_INT(rows[i][1]), A_TEXT(day), A_TEXT(ch == NOTIFY_SMS ? "sms" : "email"));
		if (e != E_OK || fresh != 1)
			continue; /* already told today */
		char *text = arena_printf(&a, "%s : vous avez %lld courrier(s) en attente. Présentez-vous à l’accueil avec une pièce d’identité.",
		                          si.name, (long long)rows[i][3]);
		if (notify_send(ch, p.id, to, "Courrier en attente", text) == E_OK)
			(*count)++;
	}
	free(rows);
	/* Reminders one month before the end of validity, once per period. */
	static db_sql Q_N_EXPIRING = DB_SQL(DB_GLOBAL,
		"SELECT structure_id, id, person_id, end_on FROM domiciliations WHERE status = 'active' AND renewal_on IS NULL "
		"AND end_on >= $1 AND end_on <= $2 ORDER BY structure_id, id");
	char soon[11];
	civil_format(civil_add_months(today, 1), soon);
	typedef struct { int64_t sid, id, pid; char end[11]; } exp_row;
	exp_row *ex = NULL;
	int nx = 0, xcap = 0;
	if (e == E_OK && (e = DBQ(c, &Q_N_EXPIRING, &q, A_TEXT(day), A_TEXT(soon))) == E_OK)
		while (db_next(&q)) {
			if (nx == xcap) {
				xcap = xcap ? xcap * 2 : 64;
				void *nr = realloc(ex, sizeof *ex * (size_t)xcap);
				if (!nr)
					break;
				ex = nr;
			}
			ex[nx] = (exp_row){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), ""};
			snprintf(ex[nx].end, sizeof ex[nx].end, "%s", db_text(&q, 3));
			nx++;
		}
	db_close(&q);
	for (int i = 0; e == E_OK && i < nx; i++) {
		db_conn_scope(c, ex[i].sid);
		person_brief p;
		structure_info si;
		if (persons_person_brief(c, &a, ex[i].pid, &p) != E_OK || accounts_structure_info(c, &a, ex[i].sid, &si) != E_OK)
			continue;
		bool sms = p.consent_sms && *p.phone, mail = p.consent_email && *p.email;
		if (!sms && !mail)
			continue;
		if (!send) {
			(*count)++;
			continue;
		}
		int64_t fresh = 0;
		/* The key "expiry:<end>" makes it once per validity period. */
		e = DBX(c, &Q_N_MARK, &fresh, A_INT(ex[i].id), A_TEXT(arena_printf(&a, "expiry:%s", ex[i].end)), A_TEXT(sms ? "sms" : "email"));
		if (e != E_OK || fresh != 1)
			continue;
		char fr[11];
		civil_iso_to_fr(ex[i].end, fr);
		char *text = arena_printf(&a, "%s : votre domiciliation prend fin le %s. Pour la renouveler, venez à l’accueil avant cette date.",
		                          si.name, fr);
		if (notify_send(sms ? NOTIFY_SMS : NOTIFY_EMAIL, p.id, sms ? p.phone : p.email, "Fin de domiciliation", text) == E_OK)
			(*count)++;
	}
	free(ex);
	arena_release(&a);
	db_conn_put(c);
	return e;
}
