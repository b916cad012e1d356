/*
 * reception_model.c — the front desk's tables, statements, rows and rules:
 * contacts, the waiting queue, appointments, partners, motives. No HTML.
 * Households are reached only through persons.h.
 */
#include "modules/reception/reception_internal.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
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
	/* A contact dated when it happened (yesterday's calls typed today)
	 * keeps when it was typed; a queue entry ends with its contact. */
	{2, "contacts dated when done, entry time kept; the queue's contact",
	 "ALTER TABLE contacts ADD COLUMN entered_at INTEGER;"
	 "UPDATE contacts SET entered_at = at;"
	 "ALTER TABLE queue ADD COLUMN contact_id INTEGER;", NULL},
	/* Observation counts a year of contacts by channel, motive and orientation from the index alone (a
	 * tenth of the time at 400 000 households); it serves what (structure, at) served. */
	{3, "contacts: an index that covers the observation's figures",
	 "CREATE INDEX contacts_fig ON contacts(structure_id, at, channel, motive_id, orientation, household_id);"
	 "DROP INDEX contacts_at;", NULL},
	/* The contact form's lists kept in memory while the structure's reference version holds (accounts.h). */
	{4, "motives and partners raise the structure's reference version",
	 ACCOUNTS_REFS_TRIGGERS_SQ("contact_motives") ACCOUNTS_REFS_TRIGGERS_SQ("partners"),
	 ACCOUNTS_REFS_TRIGGER_PG("contact_motives") ACCOUNTS_REFS_TRIGGER_PG("partners")},
	/* The household page reads which of a household's parts have rows (persons.h): the appointments'. The contacts
	 * are not counted: nearly every file has some (nine in ten at the benchmark's scale), so the page reads them
	 * anyway, and a trigger on the counter's most frequent write cost it a quarter of its execution on PostgreSQL
	 * (bench/RESULTS.md). */
	{5, "appointments counted in the household's parts, by triggers",
	 RECEPTION_PARTS(PERSONS_PART_SQLITE),
	 RECEPTION_PARTS(PERSONS_PART_PG)},
};
const db_module_schema reception_schema = {"reception", migrations, COUNTOF(migrations)};

const code RC_CHANNELS[6] = {
	{"visite", "Visite à l’accueil"}, {"telephone", "Téléphone"}, {"courrier", "Courrier"}, {"email", "E-mail"},
	{"visite_domicile", "Visite à domicile"}, {"tiers", "Par un tiers"},
};
const code RC_ORIENTATIONS[4] = {
	{"", "Aucune (réponse donnée)"}, {"agent", "Vers un agent"}, {"service", "Vers un service du CCAS"},
	{"partenaire", "Vers un partenaire"},
};
const code RC_PARTNER_KINDS[8] = {
	{"association", "Association"}, {"caf", "CAF / MSA"}, {"departement", "Département"}, {"bailleur", "Bailleur"},
	{"cpam", "CPAM"}, {"france_travail", "France Travail"}, {"mairie", "Mairie"}, {"autre", "Autre"},
};
const code RC_APPT_STATES[4] = {
	{"prevu", "Prévu"}, {"honore", "Honoré"}, {"annule", "Annulé"}, {"absent", "Absent (non excusé)"},
};
const code RC_QUEUE_STATES[4] = {
	{"attente", "En attente"}, {"recu", "Reçu"}, {"termine", "Terminé"}, {"parti", "Parti sans être reçu"},
};

/* fmt is always a literal of this module (strftime cannot be checked). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
const char *rc_when(arena *a, const char *tz, int64_t t, const char *fmt)
{
	struct tm tm;
	char *out = arena_alloc(a, 32);
	if (!out || !civil_local_time(tz, (time_t)t, &tm))
		return "";
	strftime(out, 32, fmt, &tm);
	return out;
}
#pragma GCC diagnostic pop

/* The zone offset is found by asking the zone what time it is at the guess. */
/* ---- statements ------------------------------------------------------------- */

/* The reference lists (DB_KEPT: in memory while the structure's reference version holds; accounts.h). */
static db_sql Q_MOTIVES = DB_SQL(DB_SCOPED | DB_KEPT, "SELECT id, label FROM contact_motives WHERE structure_id = $1 AND active = 1 ORDER BY label");
/* The form's choices checked against the kept lists (DB_KEPT): no statement while the version holds. */
static db_sql Q_MOTIVE_OK = DB_SQL(DB_SCOPED | DB_KEPT, "SELECT count(*) FROM contact_motives WHERE structure_id = $1 AND id = $2");
static db_sql Q_MOTIVE_ADD = DB_SQL(DB_SCOPED, "INSERT INTO contact_motives (structure_id, label) VALUES ($1, $2) RETURNING id");
static db_sql Q_MOTIVE_OFF = DB_SQL(DB_SCOPED, "UPDATE contact_motives SET active = 0 WHERE structure_id = $1 AND id = $2");
/* The partners, all or those whose name or notes hold the words typed (store.h: db_filtered). */
static const char *const PARTNERS_WHERE[] = {" AND (lower(name) LIKE ? OR lower(notes) LIKE ?)"};
#define PARTNERS_OF "FROM partners WHERE structure_id = $1 AND active = 1"
static db_filtered F_PARTNERS = DB_FILTERED(DB_SCOPED, "SELECT id, name, kind, phone, email, address, notes " PARTNERS_OF, 1,
	PARTNERS_WHERE, " ORDER BY name LIMIT ? OFFSET ?");
static db_filtered F_PARTNERS_N = DB_FILTERED(DB_SCOPED, "SELECT count(*) " PARTNERS_OF, 1, PARTNERS_WHERE, "");
static db_sql Q_PARTNER_OK = DB_SQL(DB_SCOPED | DB_KEPT, "SELECT count(*) FROM partners WHERE structure_id = $1 AND id = $2");
static db_sql Q_PARTNER_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO partners (structure_id, name, kind, phone, email, address, notes) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
static db_sql Q_STAFF = DB_SQL(DB_SCOPED | DB_KEPT,
	"SELECT user_id, display_name FROM structure_agents WHERE structure_id = $1 AND role IN (1, 2, 3, 4) "
	"ORDER BY display_name");
static db_sql Q_STAFF_OK = DB_SQL(DB_SCOPED | DB_KEPT,
	"SELECT count(*) FROM structure_agents WHERE structure_id = $1 AND user_id = $2");
static db_sql Q_CONTACT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO contacts (structure_id, household_id, at, channel, motive_id, answer, orientation, orient_user, "
	"orient_service, orient_partner, minutes, user_id, entered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
	"RETURNING id");
static db_sql Q_QUEUE_ONE = DB_SQL(DB_SCOPED,
	"SELECT q.household_id, q.motive_id, q.status, q.received_at, q.label FROM queue q WHERE q.structure_id = $1 AND q.id = $2");
static db_sql Q_QUEUE_DONE = DB_SQL(DB_SCOPED,
	"UPDATE queue SET status = 'termine', done_at = $3, contact_id = $4 WHERE structure_id = $1 AND id = $2 AND status = 'recu'");
static db_sql Q_CONTACTS_H = DB_SQL(DB_SCOPED,
	"SELECT c.at, c.channel, m.label, c.answer, c.orientation, u.display_name, c.orient_service, p.name, a.display_name, c.minutes "
	"FROM contacts c LEFT JOIN contact_motives m ON m.id = c.motive_id LEFT JOIN agent_names u ON u.id = c.orient_user "
	"LEFT JOIN partners p ON p.id = c.orient_partner LEFT JOIN agent_names a ON a.id = c.user_id "
	"WHERE c.structure_id = $1 AND c.household_id = $2 ORDER BY c.at DESC, c.id DESC LIMIT $3");
static db_sql Q_CONTACTS_N = DB_SQL(DB_SCOPED, "SELECT count(*) FROM contacts WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_PARTNERS_ALL = DB_SQL(DB_SCOPED | DB_KEPT, "SELECT id, name FROM partners WHERE structure_id = $1 AND active = 1 ORDER BY name");
/* The contact form's two lists in one read. */
static db_sql Q_FORM_LISTS = DB_SQL(DB_SCOPED | DB_KEPT,
	"SELECT 0, id, label FROM contact_motives WHERE structure_id = $1 AND active = 1 UNION ALL "
	"SELECT 1, id, name FROM partners WHERE structure_id = $1 AND active = 1 ORDER BY 1, 3");

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

static db_sql Q_APPT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO appointments (structure_id, household_id, agent_id, starts_at, minutes, place, motive, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id");
static db_sql Q_APPT_CLASH = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM appointments WHERE structure_id = $1 AND agent_id = $2 AND status = 'prevu' "
	"AND starts_at < $3 AND starts_at + minutes * 60 > $4");
static db_sql Q_APPT_RANGE = DB_SQL(DB_SCOPED,
	"SELECT a.id, a.starts_at, a.minutes, a.place, a.motive, a.status, a.household_id, u.display_name, a.agent_id "
	"FROM appointments a JOIN agent_names u ON u.id = a.agent_id WHERE a.structure_id = $1 AND a.starts_at >= $2 "
	"AND a.starts_at < $3 ORDER BY a.starts_at, u.display_name");
static db_sql Q_APPT_RANGE_OF = DB_SQL(DB_SCOPED, /* one agent's */
	"SELECT a.id, a.starts_at, a.minutes, a.place, a.motive, a.status, a.household_id, u.display_name, a.agent_id "
	"FROM appointments a JOIN agent_names u ON u.id = a.agent_id WHERE a.structure_id = $1 AND a.agent_id = $4 "
	"AND a.starts_at >= $2 AND a.starts_at < $3 ORDER BY a.starts_at");
static db_sql Q_APPT_H = DB_SQL(DB_SCOPED,
	"SELECT a.id, a.starts_at, a.minutes, a.place, a.motive, a.status, u.display_name FROM appointments a "
	"JOIN agent_names u ON u.id = a.agent_id WHERE a.structure_id = $1 AND a.household_id = $2 ORDER BY a.starts_at DESC LIMIT $3");
static db_sql Q_APPT_N = DB_SQL(DB_SCOPED, "SELECT count(*) FROM appointments WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_APPT_STATUS = DB_SQL(DB_SCOPED,
	"UPDATE appointments SET status = $3 WHERE structure_id = $1 AND id = $2 RETURNING household_id");


/* ---- rows ------------------------------------------------------------------- */

static const char *s_(db_res *q, int col) { return db_isnull(q, col) ? "" : db_text(q, col); }
#define LIMIT_OF(n) ((n) > 0 ? (int64_t)(n) : INT64_MAX)

int rc_named_list(db_conn *c, arena *a, rc_list which, rc_named **out)
{
	db_sql *q = which == RC_MOTIVES ? &Q_MOTIVES : which == RC_STAFF ? &Q_STAFF : &Q_PARTNERS_ALL;
	db_res res = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ0(c, q, &res);
	while (e == E_OK && db_next(&res)) {
		rc_named *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->id = db_int(&res, 0);
		x->name = arena_strdup(a, db_text(&res, 1));
	}
	db_close(&res);
	return e == E_OK && !a->failed ? n : -1;
}

int rc_form_lists(db_conn *c, arena *a, rc_named **motives, int *nmotives, rc_named **partners, int *npartners)
{
	db_res res = {0};
	int cap[2] = {0, 0}, *n[2] = {nmotives, npartners};
	rc_named **out[2] = {motives, partners};
	*motives = *partners = NULL;
	*nmotives = *npartners = 0;
	err e = DBQ0(c, &Q_FORM_LISTS, &res);
	while (e == E_OK && db_next(&res)) {
		int k = db_int(&res, 0) ? 1 : 0;
		rc_named *x = ARENA_PUSH(a, *out[k], *n[k], cap[k]);
		if (!x)
			break;
		x->id = db_int(&res, 1);
		x->name = arena_strdup(a, db_text(&res, 2));
	}
	db_close(&res);
	return e == E_OK && !a->failed ? 0 : -1;
}

/* A contact from the row's columns o… (Q_CONTACTS_H's). */
static void contact_fill(db_res *q, arena *a, int o, rc_contact *x)
{
	x->at = db_int(q, o);
	x->channel = arena_strdup(a, s_(q, o + 1));
	x->motive = arena_strdup(a, s_(q, o + 2));
	x->answer = arena_strdup(a, s_(q, o + 3));
	x->orientation = arena_strdup(a, s_(q, o + 4));
	const char *w = x->orientation;
	x->orient_to = arena_strdup(a, !strcmp(w, "agent") ? s_(q, o + 5) : !strcmp(w, "service") ? s_(q, o + 6)
	                                : !strcmp(w, "partenaire") ? s_(q, o + 7) : "");
	x->agent = arena_strdup(a, s_(q, o + 8));
	x->minutes = db_int(q, o + 9);
}

int rc_contacts_of(db_conn *c, arena *a, int64_t hid, int limit, rc_contact **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_CONTACTS_H, &q, A_INT(hid), A_INT(LIMIT_OF(limit)));
	while (e == E_OK && db_next(&q)) {
		rc_contact *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		contact_fill(&q, a, 0, x);
	}
	db_close(&q);
	return e == E_OK && !a->failed ? n : -1;
}

int rc_section_of(db_conn *c, arena *a, int64_t hid, int limit, bool with_contacts, rc_contact **out, rc_named **motives,
                  int *nmotives, rc_named **partners, int *npartners)
{
	*out = NULL;
	if (rc_form_lists(c, a, motives, nmotives, partners, npartners) < 0)
		return -1;
	return with_contacts ? rc_contacts_of(c, a, hid, limit, out) : 0;
}

int64_t rc_contacts_count(db_conn *c, int64_t hid)
{
	int64_t n = 0;
	return DBID(c, &Q_CONTACTS_N, &n, A_INT(hid)) == E_OK ? n : -1;
}

static int appt_rows(db_conn *c, arena *a, db_res *q, err e, bool range, int64_t hid, rc_appt **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	while (e == E_OK && db_next(q)) {
		rc_appt *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->id = db_int(q, 0);
		x->starts_at = db_int(q, 1);
		x->minutes = db_int(q, 2);
		x->place = arena_strdup(a, s_(q, 3));
		x->motive = arena_strdup(a, s_(q, 4));
		x->status = arena_strdup(a, s_(q, 5));
		if (range) {
			x->household_id = db_isnull(q, 6) ? 0 : db_int(q, 6);
			x->agent = arena_strdup(a, s_(q, 7));
			x->agent_id = db_int(q, 8);
		} else {
			x->household_id = hid;
			x->agent = arena_strdup(a, s_(q, 6));
		}
	}
	db_close(q);
	(void)c;
	return e == E_OK && !a->failed ? n : -1;
}

int rc_appts_between(db_conn *c, arena *a, int64_t from, int64_t to, int64_t agent, rc_appt **out)
{
	db_res q = {0};
	db_arg args[] = {A_INT(from), A_INT(to), A_INT(agent)};
	err e = db_query(c, agent ? &Q_APPT_RANGE_OF : &Q_APPT_RANGE, &q, agent ? 3 : 2, args);
	return appt_rows(c, a, &q, e, true, 0, out);
}

int rc_appts_of(db_conn *c, arena *a, int64_t hid, int limit, rc_appt **out)
{
	db_res q = {0};
	err e = DBQ(c, &Q_APPT_H, &q, A_INT(hid), A_INT(LIMIT_OF(limit)));
	return appt_rows(c, a, &q, e, false, hid, out);
}

int64_t rc_appts_count(db_conn *c, int64_t hid)
{
	int64_t n = 0;
	return DBID(c, &Q_APPT_N, &n, A_INT(hid)) == E_OK ? n : -1;
}

int rc_queue_since(db_conn *c, arena *a, int64_t since, rc_waiting **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_QUEUE, &q, A_INT(since));
	while (e == E_OK && db_next(&q)) {
		rc_waiting *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->id = db_int(&q, 0);
		x->label = arena_strdup(a, s_(&q, 1));
		x->household_id = db_isnull(&q, 2) ? 0 : db_int(&q, 2);
		x->motive = arena_strdup(a, s_(&q, 3));
		x->for_user = db_isnull(&q, 4) ? NULL : arena_strdup(a, db_text(&q, 4));
		x->status = arena_strdup(a, s_(&q, 5));
		x->checked_in_at = db_int(&q, 6);
		x->received_at = db_isnull(&q, 7) ? 0 : db_int(&q, 7);
		x->received_by = arena_strdup(a, s_(&q, 8));
	}
	db_close(&q);
	return e == E_OK && !a->failed ? n : -1;
}

err rc_queue_stats(db_conn *c, int64_t since, rc_queue_day *out)
{
	db_res q = {0};
	*out = (rc_queue_day){0};
	err e = DBQ(c, &Q_QUEUE_DONE_TODAY, &q, A_INT(since));
	if (e == E_OK && db_next(&q)) {
		out->arrivals = db_int(&q, 0);
		out->waited_seconds = db_int(&q, 1);
		out->received = db_int(&q, 2);
	}
	db_close(&q);
	return e;
}

/* A LIKE pattern for "contains q", lower-case ASCII, its own wildcards
 * neutralised. */
static const char *contains(arena *a, const char *q)
{
	char *pat = arena_printf(a, "%%%s%%", q);
	if (!pat)
		return "%";
	for (char *p = pat + 1; *p; p++)
		if (*p == '_' || (*p == '%' && p[1]))
			*p = ' ';
	return text_ascii_lower(a, pat);
}

int rc_partners_find(db_conn *c, arena *a, const char *q, int limit, int64_t offset, rc_partner **out, int64_t *total)
{
	const char *pat = contains(a, q);
	db_res rs = {0};
	int n = 0, cap = 0;
	*out = NULL;
	db_pick p = DB_PICK;
	if (q && *q)
		DB_PICK_ON(&p, 0, A_TEXT(pat), A_TEXT(pat));
	err e = DBQF0(c, &F_PARTNERS_N, &p, &rs);
	*total = e == E_OK && db_next(&rs) ? db_int(&rs, 0) : 0;
	db_close(&rs);
	if (e == E_OK)
		e = DBQF(c, &F_PARTNERS, &p, &rs, A_INT(LIMIT_OF(limit)), A_INT(offset));
	while (e == E_OK && db_next(&rs)) {
		rc_partner *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->id = db_int(&rs, 0);
		x->name = arena_strdup(a, s_(&rs, 1));
		x->kind = arena_strdup(a, s_(&rs, 2));
		x->phone = arena_strdup(a, s_(&rs, 3));
		x->email = arena_strdup(a, s_(&rs, 4));
		x->address = arena_strdup(a, s_(&rs, 5));
		x->notes = arena_strdup(a, s_(&rs, 6));
	}
	db_close(&rs);
	return e == E_OK && !a->failed ? n : -1;
}

/* ---- actions ------------------------------------------------------------------ */

static bool id_in(db_conn *c, db_sql *check, const char *s, int64_t *id)
{
	int64_t n = 0;
	return s && text_to_int64(s, 1, INT64_MAX, id) && DBID(c, check, &n, A_INT(*id)) == E_OK && n;
}

rc_when_rule rc_when_of(db_conn *c, arena *a, const char *tz, int64_t structure_id, const contact_in *in)
{
	structure_info s;
	rc_when_rule w = {tz, 0};
	if (in && !(in->done_date && *in->done_date) && !(in->done_time && *in->done_time))
		return w; /* dated now: the limit is not asked */
	if (accounts_structure_info(c, a, structure_id, &s) == E_OK)
		w.days_back = s.backdate_days;
	return w;
}

err rc_queue_get(db_conn *c, arena *a, int64_t id, rc_queue_entry *out)
{
	db_res q = {0};
	*out = (rc_queue_entry){.id = id};
	err e = DBQ(c, &Q_QUEUE_ONE, &q, A_INT(id));
	if (e == E_OK && !db_next(&q))
		e = E_NOT_FOUND;
	if (e == E_OK) {
		out->household_id = db_isnull(&q, 0) ? 0 : db_int(&q, 0);
		out->motive_id = db_isnull(&q, 1) ? 0 : db_int(&q, 1);
		out->status = arena_strdup(a, s_(&q, 2));
		out->received_at = db_isnull(&q, 3) ? 0 : db_int(&q, 3);
		out->label = arena_strdup(a, s_(&q, 4));
	}
	db_close(&q);
	return e;
}

err rc_contact_add(db_conn *c, arena *a, int64_t user_id, int64_t hid, const contact_in *in, const rc_when_rule *when,
                   form_errors *fe, int64_t *id)
{
	int64_t motive = 0, ou = 0, op = 0, min = 0, now = civil_now(), at = now, qid = 0;
	rc_queue_entry qe = {0};
	/* Ending a visit from the queue: its household, its motive by default,
	 * its duration from when the person was received. */
	if (in->queue && *in->queue) {
		if (!text_to_int64(in->queue, 1, INT64_MAX, &qid) || rc_queue_get(c, a, qid, &qe) != E_OK)
			form_error(fe, "queue", "Ce passage dans la file d’attente n’existe pas.");
		else if (strcmp(qe.status, "recu"))
			form_error(fe, "queue", "Cette personne n’est plus en cours de réception : un collègue a terminé son passage.");
		else if (hid && qe.household_id && hid != qe.household_id)
			form_error(fe, "queue", "Ce passage concerne un autre foyer.");
		else if (!hid)
			hid = qe.household_id;
	}
	const char *bad_when = civil_done_at(when->tz, in->done_date, in->done_time, when->days_back, now, &at);
	if (bad_when)
		form_error(fe, "done_date", bad_when);
	if (!CODE_OK(RC_CHANNELS, in->channel))
		form_error(fe, "channel", "Choisissez le type de contact.");
	if (in->motive && *in->motive && !id_in(c, &Q_MOTIVE_OK, in->motive, &motive))
		form_error(fe, "motive", "Choisissez un motif dans la liste.");
	if (in->orientation && *in->orientation && !CODE_OK(RC_ORIENTATIONS, in->orientation))
		form_error(fe, "orientation", "Choisissez une orientation dans la liste.");
	const char *o = in->orientation ? in->orientation : "";
	if (!strcmp(o, "agent") && !id_in(c, &Q_STAFF_OK, in->orient_user, &ou))
		form_error(fe, "orient_user", "Choisissez l’agent vers qui la personne est orientée.");
	if (!strcmp(o, "partenaire") && !id_in(c, &Q_PARTNER_OK, in->orient_partner, &op))
		form_error(fe, "orient_partner", "Choisissez le partenaire dans l’annuaire.");
	if (!strcmp(o, "service") && (!in->orient_service || !*in->orient_service))
		form_error(fe, "orient_service", "Indiquez le service du CCAS.");
	if (in->minutes && *in->minutes && !text_to_int64(in->minutes, 0, 600, &min))
		form_error(fe, "minutes", "La durée est un nombre de minutes (0 à 600).");
	else if ((!in->minutes || !*in->minutes) && qid && qe.received_at) {
		min = (now - qe.received_at + 59) / 60; /* a minute begun counts */
		min = min < 1 ? 1 : min > 600 ? 600 : min;
	}
	if (in->answer && strlen(in->answer) > 4000)
		form_error(fe, "answer", "La réponse est trop longue (4 000 caractères au plus).");
	if (hid && !persons_household_exists(c, hid))
		form_error(fe, "household", "Ce foyer n’existe pas.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBID(c, &Q_CONTACT_ADD, id, A_INT_OR_NULL(hid), A_INT(at), A_TEXT(in->channel), A_INT_OR_NULL(motive),
		         A_TEXT(in->answer ? in->answer : ""), A_TEXT(o), A_INT_OR_NULL(ou),
		         A_TEXT(in->orient_service ? in->orient_service : ""), A_INT_OR_NULL(op), A_INT(min), A_INT(user_id), A_INT(now));
	if (e == E_OK && qid) {
		int64_t n = 0;
		e = DBX(c, &Q_QUEUE_DONE, &n, A_INT(qid), A_INT(now), A_INT(*id));
		if (e == E_OK && n != 1)
			e = E_CONFLICT; /* a colleague ended it meanwhile */
		if (e == E_OK)
			e = journal_record(c, user_id, "update", "queue", qid, "termine");
	}
	if (e == E_OK && hid)
		e = persons_timeline_add(c, hid, user_id, "contact", *id,
		                         arena_printf(a, "Contact : %s", CODE_LABEL(RC_CHANNELS, in->channel)));
	if (e == E_OK)
		e = journal_record(c, user_id, "create", "contact", *id,
		                   arena_printf(a, "%s%s", hid ? arena_printf(a, "household=%lld", (long long)hid) : "anonymous",
		                                at < now - 300 ? arena_printf(a, " done_at=%lld", (long long)at) : ""));
	return db_finish(c, e);
}

err rc_appt_add(db_conn *c, arena *a, int64_t user_id, const char *tz, const appt_in *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, agent = 0, start = 0, min = 30, n = 0;
	if (in->household && *in->household && (!text_to_int64(in->household, 1, INT64_MAX, &hid) || !persons_household_exists(c, hid)))
		form_error(fe, "household", "Ce foyer n’existe pas.");
	if (!id_in(c, &Q_STAFF_OK, in->agent, &agent))
		form_error(fe, "agent", "Choisissez l’agent qui reçoit.");
	if (!civil_local_instant(tz, in->date, in->time, &start))
		form_error(fe, "date", "Indiquez la date (AAAA-MM-JJ) et l’heure (HH:MM) du rendez-vous.");
	if (in->minutes && *in->minutes && !text_to_int64(in->minutes, 5, 480, &min))
		form_error(fe, "duration", "La durée est comprise entre 5 et 480 minutes.");
	if ((in->place && strlen(in->place) > 200) || (in->motive && strlen(in->motive) > 300))
		form_error(fe, "subject", "Le lieu ou l’objet est trop long.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBID(c, &Q_APPT_CLASH, &n, A_INT(agent), A_INT(start + min * 60), A_INT(start));
	if (e == E_OK && n) {
		db_rollback(c);
		form_error(fe, "date", "Cet agent a déjà un rendez-vous sur ce créneau.");
		return E_INPUT;
	}
	if (e == E_OK)
		e = DBID(c, &Q_APPT_ADD, id, A_INT_OR_NULL(hid), A_INT(agent), A_INT(start), A_INT(min),
		         A_TEXT(in->place ? in->place : ""), A_TEXT(in->motive ? in->motive : ""), A_INT(user_id), A_INT(civil_now()));
	if (e == E_OK && hid)
		e = persons_timeline_add(c, hid, user_id, "appointment", *id,
		                         arena_printf(a, "Rendez-vous pris pour le %s à %s", in->date, in->time));
	if (e == E_OK)
		e = journal_record(c, user_id, "create", "appointment", *id, NULL);
	return db_finish(c, e);
}

err rc_appt_set_status(db_conn *c, arena *a, int64_t user_id, int64_t id, const char *status)
{
	if (!CODE_OK(RC_APPT_STATES, status))
		return E_INPUT;
	int64_t hid = 0;
	db_res q = {0};
	bool found = false;
	err e = db_begin(c, true);
	if (e == E_OK && (e = DBQ(c, &Q_APPT_STATUS, &q, A_INT(id), A_TEXT(status))) == E_OK && db_next(&q)) {
		found = true;
		hid = db_isnull(&q, 0) ? 0 : db_int(&q, 0);
	}
	db_close(&q);
	if (e == E_OK && !found)
		e = E_NOT_FOUND;
	if (e == E_OK && hid)
		e = persons_timeline_add(c, hid, user_id, "appointment", id,
		                         arena_printf(a, "Rendez-vous : %s", CODE_LABEL(RC_APPT_STATES, status)));
	if (e == E_OK)
		e = journal_record(c, user_id, "update", "appointment", id, status);
	return db_finish(c, e);
}

err rc_queue_add(db_conn *c, int64_t user_id, const queue_in *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, mid = 0, uid = 0;
	if (!in->label || !*in->label || strlen(in->label) > 120)
		form_error(fe, "label", "Indiquez qui attend (120 caractères au plus).");
	if (in->household && *in->household &&
	    (!text_to_int64(in->household, 1, INT64_MAX, &hid) || !persons_household_exists(c, hid)))
		form_error(fe, "household", "Ce foyer n’existe pas.");
	if (in->motive && *in->motive && !id_in(c, &Q_MOTIVE_OK, in->motive, &mid))
		form_error(fe, "motive", "Choisissez un motif dans la liste.");
	if (in->for_user && *in->for_user && !id_in(c, &Q_STAFF_OK, in->for_user, &uid))
		form_error(fe, "for_user", "Choisissez un agent de la liste.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBID(c, &Q_QUEUE_ADD, id, A_INT_OR_NULL(hid), A_TEXT(in->label), A_INT_OR_NULL(mid), A_INT_OR_NULL(uid),
		         A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(c, user_id, "create", "queue", *id, NULL);
	return db_finish(c, e);
}

err rc_queue_move(db_conn *c, int64_t user_id, int64_t id, const char *from, const char *to)
{
	/* recu → termine is the contact's (rc_contact_add with the entry). */
	bool ok = CODE_OK(RC_QUEUE_STATES, from) && CODE_OK(RC_QUEUE_STATES, to) && !strcmp(from, "attente") &&
	          (!strcmp(to, "recu") || !strcmp(to, "parti"));
	if (!ok)
		return E_INPUT;
	int64_t n = 0;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBX(c, &Q_QUEUE_MOVE, &n, A_INT(id), A_TEXT(to), A_INT(civil_now()), A_INT(user_id), A_TEXT(from));
	if (e == E_OK && n == 0)
		e = E_CONFLICT; /* someone else received this person first */
	if (e == E_OK)
		e = journal_record(c, user_id, "update", "queue", id, to);
	return db_finish(c, e);
}

err rc_partner_add(db_conn *c, int64_t user_id, const partner_in *in, form_errors *fe, int64_t *id)
{
	if (!in->name || !*in->name || strlen(in->name) > 200)
		form_error(fe, "name", "Indiquez le nom du partenaire (200 caractères au plus).");
	if (!CODE_OK(RC_PARTNER_KINDS, in->kind))
		form_error(fe, "kind", "Choisissez un type dans la liste.");
	if (in->email && *in->email && !text_email_valid(in->email))
		form_error(fe, "email", "L’adresse e-mail n’est pas valide.");
	if ((in->phone && strlen(in->phone) > 40) || (in->address && strlen(in->address) > 300) ||
	    (in->notes && strlen(in->notes) > 2000))
		form_error(fe, "notes", "Le téléphone, l’adresse ou les notes sont trop longs.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBID(c, &Q_PARTNER_ADD, id, A_TEXT(in->name), A_TEXT(in->kind), A_TEXT(in->phone ? in->phone : ""),
		         A_TEXT(in->email ? in->email : ""), A_TEXT(in->address ? in->address : ""), A_TEXT(in->notes ? in->notes : ""));
	if (e == E_OK)
		e = journal_record(c, user_id, "create", "partner", *id, NULL);
	return db_finish(c, e);
}

err rc_motive_add(db_conn *c, int64_t user_id, const char *label, form_errors *fe, int64_t *id)
{
	if (!label || !*label || strlen(label) > 120) {
		form_error(fe, "label", "Le motif est obligatoire (120 caractères au plus).");
		return E_INPUT;
	}
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBID(c, &Q_MOTIVE_ADD, id, A_TEXT(label));
	if (e == E_OK)
		e = journal_record(c, user_id, "create", "motive", *id, NULL);
	return db_finish(c, e);
}

err rc_motive_retire(db_conn *c, int64_t user_id, int64_t id)
{
	int64_t n = 0;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBX(c, &Q_MOTIVE_OFF, &n, A_INT(id));
	if (e == E_OK && !n)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(c, user_id, "update", "motive", id, "retired");
	return db_finish(c, e);
}

/* ---- the data subject and retention ----------------------------------------------- */

/* The household's contacts, for the data-subject export. */
static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT c.at, c.channel, m.label, c.answer, c.orientation, c.minutes FROM contacts c "
	"LEFT JOIN contact_motives m ON m.id = c.motive_id WHERE c.structure_id = $1 AND c.household_id = $2 ORDER BY c.at");
void rc_subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
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
err rc_anonymise(db_conn *c, int64_t hid) { return DBX(c, &Q_ANON, NULL, A_INT(hid)); }


static db_sql Q_PARTNER_NAMES = DB_SQL(DB_SCOPED,
	"SELECT name FROM partners WHERE structure_id = $1 AND active = 1 AND kind = $2 ORDER BY name, id");

int reception_partner_names(db_conn *c, arena *a, const char *kind, const char ***out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ(c, &Q_PARTNER_NAMES, &q, A_TEXT(kind)) != E_OK)
		return -1;
	while (db_next(&q)) {
		const char **x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		*x = db_dup(&q, 0, a);
	}
	db_close(&q);
	return a->failed ? -1 : n;
}
