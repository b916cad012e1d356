/*
 * domiciliation_model.c — the tables, code lists and the typed row of
 * élection de domicile with its loaders and working lists (see
 * domiciliation.h); its part of the data-subject export and anonymisation.
 * No HTML. The actions are in domiciliation_workflow.c.
 */
#include "modules/domiciliation/domiciliation_internal.h"
#include <stdio.h>
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

int PERM_DOMI_MAIL, PERM_DOMI_INSTRUCT, PERM_DOMI_DECIDE;

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
	/* Every period a domiciliation was valid (a renewal moves start_on and
	 * end_on forward: the yearly report needs the past ones), rebuilt from
	 * the decisions' history, then from the current period of each row. */
	{6, "the periods of validity, past ones included",
	 "CREATE TABLE domi_periods (structure_id INTEGER NOT NULL, domiciliation_id INTEGER NOT NULL REFERENCES domiciliations(id), "
	 " start_on TEXT NOT NULL, end_on TEXT NOT NULL, renewal INTEGER NOT NULL, "
	 " PRIMARY KEY (structure_id, domiciliation_id, start_on)) STRICT;"
	 "CREATE INDEX domi_periods_span ON domi_periods(structure_id, start_on, end_on);"
	 "INSERT INTO domi_periods (structure_id, domiciliation_id, start_on, end_on, renewal) "
	 " SELECT structure_id, domiciliation_id, substr(detail, 1, 10), substr(detail, 14, 10), "
	 " CASE WHEN kind = 'accord' THEN 0 ELSE 1 END FROM domi_events "
	 " WHERE kind IN ('accord', 'renouvellement_accorde') AND detail LIKE '____-__-__ _ ____-__-__' "
	 " ON CONFLICT DO NOTHING;"
	 "INSERT INTO domi_periods (structure_id, domiciliation_id, start_on, end_on, renewal) "
	 " SELECT structure_id, id, start_on, end_on, CASE WHEN first_on IS NULL OR first_on = start_on THEN 0 ELSE 1 END "
	 " FROM domiciliations WHERE start_on IS NOT NULL AND end_on IS NOT NULL ON CONFLICT DO NOTHING;", NULL},
	/* The number the counter works by: one sequence per structure, kept
	 * for life (an import keeps DomiFa's number when it is free). */
	{7, "the domiciliation number, per structure",
	 "ALTER TABLE domiciliations ADD COLUMN num INTEGER;"
	 "UPDATE domiciliations SET num = r.n FROM (SELECT id, row_number() OVER (PARTITION BY structure_id ORDER BY id) AS n "
	 " FROM domiciliations) AS r WHERE r.id = domiciliations.id;"
	 "CREATE UNIQUE INDEX domiciliations_num ON domiciliations(structure_id, num);", NULL},
	{8, "the home page's count of domiciliations without contact, and its list, over an index (status, last contact)",
	 "CREATE INDEX domiciliations_contact ON domiciliations(structure_id, status, last_contact_on);", NULL},
	/* The home page's two figures — active domiciliations without contact
	 * since a date, ending between two dates — were counted over an index,
	 * a row at a time (30 000 domiciliations: 10 000 visited for each
	 * home page). The active ones are counted by day as they change, by
	 * triggers (whoever writes, even SQL typed by hand): a figure sums a
	 * few hundred days. A day that falls to zero is removed. */
	{9, "the active domiciliations counted by day of last contact and of end, kept by triggers",
	 "CREATE TABLE domi_day_counts (structure_id INTEGER NOT NULL, what TEXT NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL, "
	 " PRIMARY KEY (structure_id, what, day)) WITHOUT ROWID, STRICT;"
	 "INSERT INTO domi_day_counts (structure_id, what, day, n) SELECT structure_id, 'contact', last_contact_on, count(*) "
	 " FROM domiciliations WHERE status = 'active' AND last_contact_on IS NOT NULL GROUP BY structure_id, last_contact_on;"
	 "INSERT INTO domi_day_counts (structure_id, what, day, n) SELECT structure_id, 'end', end_on, count(*) "
	 " FROM domiciliations WHERE status = 'active' AND end_on IS NOT NULL GROUP BY structure_id, end_on;"
	 "CREATE TRIGGER domi_day_counts_ins AFTER INSERT ON domiciliations WHEN new.status = 'active' BEGIN"
	 " INSERT INTO domi_day_counts (structure_id, what, day, n) SELECT new.structure_id, 'contact', new.last_contact_on, 1"
	 "  WHERE new.last_contact_on IS NOT NULL ON CONFLICT (structure_id, what, day) DO UPDATE SET n = n + 1;"
	 " INSERT INTO domi_day_counts (structure_id, what, day, n) SELECT new.structure_id, 'end', new.end_on, 1"
	 "  WHERE new.end_on IS NOT NULL ON CONFLICT (structure_id, what, day) DO UPDATE SET n = n + 1;"
	 " END;"
	 "CREATE TRIGGER domi_day_counts_del AFTER DELETE ON domiciliations WHEN old.status = 'active' BEGIN"
	 " UPDATE domi_day_counts SET n = n - 1 WHERE structure_id = old.structure_id AND what = 'contact' AND day = old.last_contact_on;"
	 " UPDATE domi_day_counts SET n = n - 1 WHERE structure_id = old.structure_id AND what = 'end' AND day = old.end_on;"
	 " DELETE FROM domi_day_counts WHERE structure_id = old.structure_id AND what IN ('contact', 'end') "
	 "  AND day IN (old.last_contact_on, old.end_on) AND n = 0;"
	 " END;"
	 "CREATE TRIGGER domi_day_counts_upd AFTER UPDATE OF status, last_contact_on, end_on, structure_id ON domiciliations "
	 " WHEN old.status = 'active' OR new.status = 'active' BEGIN"
	 " UPDATE domi_day_counts SET n = n - 1 WHERE old.status = 'active' AND structure_id = old.structure_id AND what = 'contact' "
	 "  AND day = old.last_contact_on;"
	 " UPDATE domi_day_counts SET n = n - 1 WHERE old.status = 'active' AND structure_id = old.structure_id AND what = 'end' "
	 "  AND day = old.end_on;"
	 " DELETE FROM domi_day_counts WHERE structure_id = old.structure_id AND what IN ('contact', 'end') "
	 "  AND day IN (old.last_contact_on, old.end_on) AND n = 0;"
	 " INSERT INTO domi_day_counts (structure_id, what, day, n) SELECT new.structure_id, 'contact', new.last_contact_on, 1"
	 "  WHERE new.status = 'active' AND new.last_contact_on IS NOT NULL ON CONFLICT (structure_id, what, day) DO UPDATE SET n = n + 1;"
	 " INSERT INTO domi_day_counts (structure_id, what, day, n) SELECT new.structure_id, 'end', new.end_on, 1"
	 "  WHERE new.status = 'active' AND new.end_on IS NOT NULL ON CONFLICT (structure_id, what, day) DO UPDATE SET n = n + 1;"
	 " END;",
	 "CREATE TABLE domi_day_counts (structure_id BIGINT NOT NULL, what TEXT COLLATE \"C\" NOT NULL, day TEXT COLLATE \"C\" NOT NULL, "
	 " n BIGINT NOT NULL, PRIMARY KEY (structure_id, what, day));"
	 "INSERT INTO domi_day_counts (structure_id, what, day, n) SELECT structure_id, 'contact', last_contact_on, count(*) "
	 " FROM domiciliations WHERE status = 'active' AND last_contact_on IS NOT NULL GROUP BY structure_id, last_contact_on;"
	 "INSERT INTO domi_day_counts (structure_id, what, day, n) SELECT structure_id, 'end', end_on, count(*) "
	 " FROM domiciliations WHERE status = 'active' AND end_on IS NOT NULL GROUP BY structure_id, end_on;"
	 "CREATE FUNCTION domi_day_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN"
	 "  UPDATE domi_day_counts SET n = n - 1 WHERE structure_id = OLD.structure_id AND what = 'contact' AND day = OLD.last_contact_on;"
	 "  UPDATE domi_day_counts SET n = n - 1 WHERE structure_id = OLD.structure_id AND what = 'end' AND day = OLD.end_on;"
	 "  DELETE FROM domi_day_counts WHERE structure_id = OLD.structure_id AND what IN ('contact', 'end') "
	 "   AND day IN (OLD.last_contact_on, OLD.end_on) AND n = 0;"
	 " END IF;"
	 " IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN"
	 "  IF NEW.last_contact_on IS NOT NULL THEN INSERT INTO domi_day_counts (structure_id, what, day, n) "
	 "   VALUES (NEW.structure_id, 'contact', NEW.last_contact_on, 1) "
	 "   ON CONFLICT (structure_id, what, day) DO UPDATE SET n = domi_day_counts.n + 1; END IF;"
	 "  IF NEW.end_on IS NOT NULL THEN INSERT INTO domi_day_counts (structure_id, what, day, n) "
	 "   VALUES (NEW.structure_id, 'end', NEW.end_on, 1) "
	 "   ON CONFLICT (structure_id, what, day) DO UPDATE SET n = domi_day_counts.n + 1; END IF;"
	 " END IF;"
	 " RETURN NULL; END $$;"
	 "CREATE TRIGGER domi_day_counts_keep AFTER INSERT OR DELETE OR UPDATE OF status, last_contact_on, end_on, structure_id "
	 " ON domiciliations FOR EACH ROW EXECUTE FUNCTION domi_day_counts_keep();"},
	/* The household page reads which of a household's parts have rows (persons.h): its section's. */
	{10, "domiciliations counted in the household's parts, by triggers",
	 DOMICILIATION_PARTS(PERSONS_PART_SQLITE),
	 DOMICILIATION_PARTS(PERSONS_PART_PG)},
};
const db_module_schema domiciliation_schema = {"domiciliation", migrations, COUNTOF(migrations)};


/* ---- code lists ---------------------------------------------------------------- */

const code DOMI_EVENTS[12] = {
	{"demande", "Demande"}, {"entretien", "Entretien"}, {"accord", "Domiciliation accordée"},
	{"refus", "Refus"}, {"demande_renouvellement", "Demande de renouvellement"},
	{"renouvellement_accorde", "Renouvellement accordé"}, {"renouvellement_refuse", "Renouvellement refusé"},
	{"radiation", "Radiation"}, {"annulation_radiation", "Radiation annulée"}, {"mandataire", "Mandataire ajouté"},
	{"reexpedition", "Réexpédition du courrier"}, {"import", "Reprise depuis un fichier"},
};

const code DOMI_STATUS[5] = {
	{"instruction", "En cours d’instruction"}, {"attente_decision", "En attente de décision"}, {"active", "Active"},
	{"refusee", "Refusée"}, {"radiee", "Radiée"},
};
const code DOMI_LINK[7] = {
	{"", "— à déterminer —"}, {"sejour", "Séjour sur le territoire de la commune à la date de la demande"},
	{"travail", "Activité professionnelle sur la commune"},
	{"suivi", "Suivi social, médico-social ou d’insertion sur la commune"},
	{"famille", "Liens familiaux avec une personne qui y réside"},
	{"autorite_parentale", "Autorité parentale sur un enfant scolarisé dans la commune"},
	{"aucun", "Aucun lien établi avec la commune"},
};
const code DOMI_HTYPE[6] = {
	{"", "— non renseigné —"}, {"isole", "Personne isolée"}, {"couple", "Couple sans enfant"},
	{"isole_enfants", "Isolé avec enfant(s)"}, {"couple_enfants", "Couple avec enfant(s)"}, {"autre", "Autre"},
};
const code DOMI_CAUSE[12] = {
	{"", "— non renseignée —"}, {"rupture_familiale", "Rupture familiale ou conjugale"}, {"expulsion", "Expulsion locative"},
	{"sortie_institution", "Sortie d’institution (hôpital, prison, ASE)"}, {"errance", "Errance"},
	{"migration", "Arrivée en France"}, {"hebergement_tiers", "Hébergement chez un tiers"}, {"itinerance", "Itinérance"},
	{"violence", "Violences familiales ou conjugales"}, {"sortie_hopital", "Sortie d’hospitalisation"},
	{"sortie_prison", "Sortie d’incarcération"}, {"autre", "Autre"},
};
/* The motives the law gives for striking off (offered in the forms). */
const code DOMI_STRIKE[6] = {
	{"demande", "À la demande de la personne"}, {"logement_stable", "Accès à un logement stable"},
	{"plus_de_lien", "Perte du lien avec la commune"},
	{"fin_sans_renouvellement", "Fin de validité sans demande de renouvellement"},
	{"manquement", "Manquement au règlement"}, {"sans_contact", "Aucun contact depuis plus de trois mois consécutifs"},
};
const code DOMI_MAIL[3] = {{"lettre", "Lettre"}, {"recommande", "Avis de recommandé"}, {"colis", "Colis"}};
/* Motives as they may be recorded: a CCAS refuses only for lack of a link
 * (L264-4), but files taken over from an association keep theirs; a
 * striking-off "for another motive" is DomiFa's. Shown, never offered. */
const code DOMI_REFUSAL[4] = {
	{"absence_lien", "Absence de lien avec la commune"},
	{"hors_agrement", "En dehors des critères du public domicilié (repris de DomiFa)"},
	{"saturation", "Nombre maximal de domiciliations atteint (repris de DomiFa)"},
	{"autre", "Autre motif (repris de DomiFa)"},
};
const code DOMI_STRIKE_ALL[7] = {
	{"demande", "À la demande de la personne"}, {"logement_stable", "Accès à un logement stable"},
	{"plus_de_lien", "Perte du lien avec la commune"},
	{"fin_sans_renouvellement", "Fin de validité sans demande de renouvellement"},
	{"manquement", "Manquement au règlement"}, {"sans_contact", "Aucun contact depuis plus de trois mois consécutifs"},
	{"autre", "Autre motif (repris de DomiFa)"},
};
const code DOMI_CONTACT_KINDS[2] = {{"visite", "Visite"}, {"appel", "Appel téléphonique"}};

/* For the import and the export, by name. */
static const struct {
	const char *name;
	const code *list;
	int n;
} LISTS[] = {
	{"link", DOMI_LINK, COUNTOF(DOMI_LINK)},          {"htype", DOMI_HTYPE, COUNTOF(DOMI_HTYPE)},
	{"cause", DOMI_CAUSE, COUNTOF(DOMI_CAUSE)},       {"refusal", DOMI_REFUSAL, COUNTOF(DOMI_REFUSAL)},
	{"strike", DOMI_STRIKE_ALL, COUNTOF(DOMI_STRIKE_ALL)}, {"status", DOMI_STATUS, COUNTOF(DOMI_STATUS)},
};

bool domi_code_ok(const char *list, const char *v)
{
	for (int i = 0; i < COUNTOF(LISTS); i++)
		if (!strcmp(LISTS[i].name, list))
			return code_ok(LISTS[i].list, LISTS[i].n, v);
	return false;
}

const char *domi_code_label(const char *list, const char *v)
{
	for (int i = 0; i < COUNTOF(LISTS); i++)
		if (!strcmp(LISTS[i].name, list))
			return code_label(LISTS[i].list, LISTS[i].n, v);
	return v ? v : "";
}

/* ---- statements ------------------------------------------------------------------- */

static db_sql Q_GET = DB_SQL(DB_SCOPED,
	"SELECT person_id, household_id, status, requested_on, interview_on, interview_place, link, household_type, cause, "
	"reason, non_eu_limited, first_on, start_on, end_on, decided_on, refusal_motive, orientation, struck_on, strike_motive, "
	"renewal_on, last_contact_on, version, ref, alias, dom_type, num FROM domiciliations WHERE structure_id = $1 AND id = $2");
static db_sql Q_MAIL_WAITING = DB_SQL(DB_SCOPED,
	"SELECT kind, sum(count) FROM domi_mail WHERE structure_id = $1 AND domiciliation_id = $2 AND status = 'attente' GROUP BY kind");
static db_sql Q_PROXIES = DB_SQL(DB_SCOPED,
	"SELECT id, name, from_on, to_on FROM domi_proxies WHERE structure_id = $1 AND domiciliation_id = $2 AND active = 1 ORDER BY id");
static db_sql Q_EVENTS = DB_SQL(DB_SCOPED,
	"SELECT e.on_date, e.kind, e.detail, u.display_name FROM domi_events e LEFT JOIN agent_names u ON u.id = e.user_id "
	"WHERE e.structure_id = $1 AND e.domiciliation_id = $2 ORDER BY e.at DESC, e.id DESC");
static db_sql Q_BY_HOUSEHOLD = DB_SQL(DB_SCOPED,
	"SELECT d.id, d.num, d.status, d.end_on, p.last_name || ' ' || p.first_names FROM domiciliations d "
	"LEFT JOIN person_names p ON p.id = d.person_id AND p.structure_id = d.structure_id "
	"WHERE d.structure_id = $1 AND d.household_id = $2 ORDER BY d.id DESC");
/* Lists: one statement each, chosen by a fixed filter (never assembled). */
#define LIST_COLS "SELECT id, person_id, status, requested_on, end_on, last_contact_on, renewal_on, num FROM domiciliations "
/* $2 and $3 the page (LIMIT, OFFSET), then the list's own. */
static db_sql Q_LIST_ALL = DB_SQL(DB_SCOPED, LIST_COLS "WHERE structure_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3");
static db_sql Q_LIST_STATUS = DB_SQL(DB_SCOPED, LIST_COLS "WHERE structure_id = $1 AND status = $4 ORDER BY id DESC LIMIT $2 OFFSET $3");
static db_sql Q_LIST_EXPIRING = DB_SQL(DB_SCOPED, LIST_COLS
	"WHERE structure_id = $1 AND status = 'active' AND end_on >= $4 AND end_on <= $5 ORDER BY end_on LIMIT $2 OFFSET $3");
static db_sql Q_LIST_NOCONTACT = DB_SQL(DB_SCOPED, LIST_COLS
	"WHERE structure_id = $1 AND status = 'active' AND last_contact_on < $4 ORDER BY last_contact_on LIMIT $2 OFFSET $3");
static db_sql Q_LIST_LATE = DB_SQL(DB_SCOPED, LIST_COLS
	"WHERE structure_id = $1 AND status IN ('instruction', 'attente_decision') AND requested_on < $4 "
	"ORDER BY requested_on LIMIT $2 OFFSET $3");
static db_sql Q_LIST_LATE_STATUS = DB_SQL(DB_SCOPED, LIST_COLS
	"WHERE structure_id = $1 AND status = $5 AND status IN ('instruction', 'attente_decision') AND requested_on < $4 "
	"ORDER BY requested_on LIMIT $2 OFFSET $3");



/* The home page's figures are sums of the active domiciliations counted by
 * day (migration 9), never a list counted by hand. */
static db_sql Q_COUNTS = DB_SQL(DB_SCOPED,
	"SELECT (SELECT coalesce(sum(n), 0) FROM domi_day_counts WHERE structure_id = $1 AND what = 'end' AND day >= $2 "
	"AND day <= $3), (SELECT coalesce(sum(n), 0) FROM domi_day_counts WHERE structure_id = $1 AND what = 'contact' "
	"AND day < $4)");


/* ---- the row and its lists ----------------------------------------------------------- */

static const char *t_(db_res *q, int col, arena *a) { return arena_strdup(a, db_isnull(q, col) ? "" : db_text(q, col)); }
static const char *d_(db_res *q, int col, arena *a) { return db_isnull(q, col) ? NULL : arena_strdup(a, db_text(q, col)); }

err domi_load(db_conn *c, arena *a, int64_t id, domi *d)
{
	db_res q = {0};
	err e = DBQ(c, &Q_GET, &q, A_INT(id));
	if (e == E_OK && !db_next(&q))
		e = E_NOT_FOUND;
	if (e == E_OK) {
		*d = (domi){.id = id, .person_id = db_int(&q, 0), .household_id = db_int(&q, 1)};
		d->status = t_(&q, 2, a);
		d->requested_on = d_(&q, 3, a);
		d->interview_on = d_(&q, 4, a);
		d->interview_place = t_(&q, 5, a);
		d->link = t_(&q, 6, a);
		d->household_type = t_(&q, 7, a);
		d->cause = t_(&q, 8, a);
		d->reason = t_(&q, 9, a);
		d->non_eu_limited = db_int(&q, 10) != 0;
		d->first_on = d_(&q, 11, a);
		d->start_on = d_(&q, 12, a);
		d->end_on = d_(&q, 13, a);
		d->decided_on = d_(&q, 14, a);
		d->refusal_motive = t_(&q, 15, a);
		d->orientation = t_(&q, 16, a);
		d->struck_on = d_(&q, 17, a);
		d->strike_motive = t_(&q, 18, a);
		d->renewal_on = d_(&q, 19, a);
		d->last_contact_on = d_(&q, 20, a);
		d->version = db_int(&q, 21);
		d->ref = t_(&q, 22, a);
		d->alias = t_(&q, 23, a);
		d->dom_type = t_(&q, 24, a);
		d->num = db_isnull(&q, 25) ? 0 : db_int(&q, 25);
	}
	db_close(&q);
	return e == E_OK && a->failed ? E_NOMEM : e;
}

bool domi_is(const domi *d, const char *status) { return !strcmp(d->status, status); }

int domi_mail_waiting(db_conn *c, arena *a, int64_t id, domi_mail_count **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_MAIL_WAITING, &q, A_INT(id));
	while (e == E_OK && db_next(&q)) {
		domi_mail_count *m = ARENA_PUSH(a, *out, n, cap);
		if (!m)
			break;
		m->kind = t_(&q, 0, a);
		m->count = db_int(&q, 1);
	}
	db_close(&q);
	return e == E_OK && !a->failed ? n : -1;
}

int domi_proxies(db_conn *c, arena *a, int64_t id, domi_proxy **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_PROXIES, &q, A_INT(id));
	while (e == E_OK && db_next(&q)) {
		domi_proxy *p = ARENA_PUSH(a, *out, n, cap);
		if (!p)
			break;
		p->id = db_int(&q, 0);
		p->name = t_(&q, 1, a);
		p->from_on = t_(&q, 2, a);
		p->to_on = t_(&q, 3, a);
	}
	db_close(&q);
	return e == E_OK && !a->failed ? n : -1;
}

int domi_events(db_conn *c, arena *a, int64_t id, domi_event **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_EVENTS, &q, A_INT(id));
	while (e == E_OK && db_next(&q)) {
		domi_event *v = ARENA_PUSH(a, *out, n, cap);
		if (!v)
			break;
		v->on = t_(&q, 0, a);
		v->kind = t_(&q, 1, a);
		v->detail = t_(&q, 2, a);
		v->user = t_(&q, 3, a);
	}
	db_close(&q);
	return e == E_OK && !a->failed ? n : -1;
}

int domi_of_household(db_conn *c, arena *a, int64_t hid, domi_of_hh **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_BY_HOUSEHOLD, &q, A_INT(hid));
	while (e == E_OK && db_next(&q)) {
		domi_of_hh *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		*x = (domi_of_hh){.id = db_int(&q, 0), .num = db_int(&q, 1), .status = t_(&q, 2, a), .end_on = d_(&q, 3, a),
		                 .name = db_isnull(&q, 4) ? "?" : t_(&q, 4, a)};
	}
	db_close(&q);
	return e == E_OK && !a->failed ? n : -1;
}

static db_sql Q_NUM_OF = DB_SQL(DB_SCOPED, "SELECT num FROM domiciliations WHERE structure_id = $1 AND id = $2");

static bool domi_kind(const char *kind)
{
	return !strcmp(kind, "domiciliation") || !strcmp(kind, "domi_mail") || !strcmp(kind, "domi_contact") ||
	       !strcmp(kind, "domi_proxy") || !strcmp(kind, "domi_forward");
}

const char *domi_ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	if (!domi_kind(kind))
		return NULL;
	int64_t num = 0;
	if (!id || DBID(c, &Q_NUM_OF, &num, A_INT(id)) != E_OK || !num)
		return !strcmp(kind, "domi_mail") && !id ? "guichet courrier" : NULL;
	*href = arena_printf(a, "/domiciliation/%lld", (long long)id);
	return arena_printf(a, "domiciliation n° %lld", (long long)num);
}

/* The journal's page: its domiciliations named fifty a statement. */
static db_sql Q_REFS = DB_SQL(DB_SCOPED, "SELECT id, num FROM domiciliations WHERE structure_id = $1 AND id IN " DB_IN50);
static const char *domi_named(db_res *q, arena *a, int64_t id, const char **href)
{
	if (!db_int(q, 1))
		return NULL;
	*href = arena_printf(a, "/domiciliation/%lld", (long long)id);
	return arena_printf(a, "domiciliation n° %lld", (long long)db_int(q, 1));
}

err domi_refs(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref, const char **href)
{
	return module_refs_of(c, a, kinds, ids, n, domi_kind, &Q_REFS, domi_named, ref, href);
}

static db_sql Q_ACTIVE_IN = DB_SQL(DB_SCOPED,
	"SELECT person_id, id, num FROM domiciliations WHERE structure_id = $1 AND status = 'active' AND person_id IN " DB_IN50);

typedef struct active_ctx {
	const int64_t *pids;
	int64_t *ids, *nums;
} active_ctx;

static void active_row(db_res *q, int from, int to, void *vctx)
{
	active_ctx *x = vctx;
	int64_t pid = db_int(q, 0);
	for (int i = from; i < to; i++)
		if (x->pids[i] == pid)
			x->ids[i] = db_int(q, 1), x->nums[i] = db_int(q, 2);
}

err domi_active_of_persons(db_conn *c, const int64_t *pids, int n, int64_t *ids, int64_t *nums)
{
	for (int i = 0; i < n; i++)
		ids[i] = nums[i] = 0;
	active_ctx x = {pids, ids, nums};
	return db_in50_each(c, &Q_ACTIVE_IN, pids, n, active_row, &x);
}

int domi_list(db_conn *c, arena *a, domi_list_kind kind, const char *status, civil_date t, int limit, int64_t offset,
              domi_line **out, bool *more)
{
	*out = NULL;
	*more = false;
	bool any = !status || !*status, active = !any && !strcmp(status, "active");
	db_sql *q = any ? &Q_LIST_ALL : &Q_LIST_STATUS;
	db_arg args[4] = {A_INT((int64_t)limit + 1), A_INT(offset), A_TEXT(status), A_NULL};
	int nargs = any ? 2 : 3;
	switch (kind) {
	case DOMI_LIST_EXPIRING15:
	case DOMI_LIST_EXPIRING60:
		if (!any && !active)
			return 0; /* the active ones only */
		q = &Q_LIST_EXPIRING;
		args[2] = A_TEXT(civil_iso(a, t));
		args[3] = A_TEXT(civil_iso(a, civil_from_days(civil_to_days(t) + (kind == DOMI_LIST_EXPIRING15 ? 15 : 60))));
		nargs = 4;
		break;
	case DOMI_LIST_NO_CONTACT:
		if (!any && !active)
			return 0;
		q = &Q_LIST_NOCONTACT;
		args[2] = A_TEXT(civil_iso(a, civil_add_months(t, -3))); /* last contact before this day: more than 3 months */
		nargs = 3;
		break;
	case DOMI_LIST_LATE: /* a filter is its own statement: the index serves it */
		q = any ? &Q_LIST_LATE : &Q_LIST_LATE_STATUS;
		args[2] = A_TEXT(civil_iso(a, civil_add_months(t, -2)));
		args[3] = A_TEXT(status);
		nargs = any ? 3 : 4;
		break;
	case DOMI_LIST_ALL:
		break;
	}
	db_res res = {0};
	int n = 0, cap = 0;
	err e = db_query(c, q, &res, nargs, args);
	while (e == E_OK && db_next(&res)) {
		if (n == limit) {
			*more = true;
			break;
		}
		domi_line *l = ARENA_PUSH(a, *out, n, cap);
		if (!l)
			break;
		l->id = db_int(&res, 0);
		l->person_id = db_int(&res, 1);
		l->status = t_(&res, 2, a);
		l->requested_on = d_(&res, 3, a);
		l->end_on = d_(&res, 4, a);
		l->last_contact_on = d_(&res, 5, a);
		l->renewal_asked = !db_isnull(&res, 6);
		l->num = db_isnull(&res, 7) ? 0 : db_int(&res, 7);
	}
	db_close(&res);
	return e == E_OK && !a->failed ? n : -1;
}

err domi_home_figures(db_conn *c, civil_date t, domi_figures *out)
{
	char today[11], in15[11], three[11];
	civil_format(t, today);
	civil_format(civil_from_days(civil_to_days(t) + 15), in15);
	civil_format(civil_add_months(t, -3), three);
	*out = (domi_figures){0};
	db_res q = {0};
	err e = DBQ(c, &Q_COUNTS, &q, A_TEXT(today), A_TEXT(in15), A_TEXT(three));
	if (e == E_OK && !db_next(&q))
		e = q.status != E_OK ? q.status : E_DB;
	if (e == E_OK)
		out->expiring15 = db_int(&q, 0), out->lapsed = db_int(&q, 1);
	db_close(&q);
	return e;
}

/* ---- the data subject and retention ------------------------------------------------------- */

static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT d.id, d.status, d.requested_on, d.interview_on, d.interview_place, d.link, d.household_type, d.cause, d.reason, "
	"d.first_on, d.start_on, d.end_on, d.decided_on, d.refusal_motive, d.orientation, d.struck_on, d.strike_motive, "
	"d.last_contact_on, (SELECT count(*) FROM domi_mail m WHERE m.structure_id = d.structure_id AND m.domiciliation_id = d.id), "
	"(SELECT count(*) FROM domi_proxies x WHERE x.structure_id = d.structure_id AND x.domiciliation_id = d.id), "
	"d.ref, d.alias, d.dom_type FROM domiciliations d WHERE d.structure_id = $1 AND d.person_id = $2 ORDER BY d.id");
static db_sql Q_SUBJECT_ANSWERS = DB_SQL(DB_SCOPED,
	"SELECT a.domiciliation_id, a.key, a.value FROM domi_answers a JOIN domiciliations d ON d.id = a.domiciliation_id "
	"AND d.structure_id = $1 WHERE a.structure_id = $1 AND d.person_id = $2 ORDER BY a.domiciliation_id, a.key");
void domi_subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
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
err domi_anonymise(db_conn *c, int64_t hid)
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

