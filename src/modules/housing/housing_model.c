/*
 * housing_model.c — social housing requests: schema, the structure's
 * « délai anormalement long », requests and their yearly renewal (CCH
 * R441-2-8: a request not renewed by its anniversary is struck off),
 * proposals and their outcome, allocation, lists, counts, reminders.
 * No HTML here.
 */
#include "modules/housing/housing_internal.h"
#include <ctype.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "store/counts.h"
#include "modules/accounts/accounts.h"
#include "core/banned.h"

int PERM_HOUSING_READ, PERM_HOUSING_WRITE, PERM_HOUSING_SETTINGS;

/* What the home page counts (housing_counts_of), for store/counts.h: the active requests by expiry and by filing. */
#define HOUSING_COUNTED "structure_id, status, expires_on, filed_on"
#define HOUSING_ACTIVE(r, col) "CASE WHEN " r ".status = 'active' THEN " r "." col " END"
#define HOUSING_KEYS(X, r)                                                                                                   \
	X("expires", HOUSING_ACTIVE(r, "expires_on")) X("expires/m", "substr(" HOUSING_ACTIVE(r, "expires_on") ", 1, 7)")     \
	X("filed", HOUSING_ACTIVE(r, "filed_on")) X("filed/m", "substr(" HOUSING_ACTIVE(r, "filed_on") ", 1, 7)")

#define ENDED_REASON "Demande close avant l’issue de cette proposition"
static const db_migration migrations[] = {
	{1, "social housing requests, the proposals made to them, the structure's setting",
	 "CREATE TABLE housing_requests (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER, number TEXT NOT NULL, filed_on TEXT NOT NULL, renewed_on TEXT NOT NULL, "
	 " expires_on TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('active', 'attribuee', 'radiee')), "
	 " size TEXT NOT NULL DEFAULT '', persons INTEGER, communes TEXT NOT NULL DEFAULT '', priorities TEXT NOT NULL DEFAULT '', "
	 " contingent TEXT NOT NULL DEFAULT '', help TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '', ended_on TEXT, "
	 " end_reason TEXT NOT NULL DEFAULT '', allocated_address TEXT NOT NULL DEFAULT '', allocated_landlord TEXT NOT NULL DEFAULT '', "
	 " renewal_reminded_for TEXT, created_by INTEGER NOT NULL, created_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1, "
	 " UNIQUE (structure_id, number)) STRICT;"
	 "CREATE INDEX housing_requests_h ON housing_requests(structure_id, household_id);"
	 "CREATE INDEX housing_requests_exp ON housing_requests(structure_id, status, expires_on);"
	 "CREATE INDEX housing_requests_filed ON housing_requests(structure_id, status, filed_on);"
	 "CREATE TABLE housing_proposals (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " request_id INTEGER NOT NULL, landlord TEXT NOT NULL, address TEXT NOT NULL, size TEXT NOT NULL DEFAULT '', rent INTEGER, "
	 " commission_on TEXT, received_on TEXT NOT NULL, "
	 " outcome TEXT NOT NULL CHECK (outcome IN ('attente', 'attribuee', 'refusee_menage', 'non_retenue', 'annulee')), "
	 " refusal_reason TEXT NOT NULL DEFAULT '', created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX housing_proposals_r ON housing_proposals(structure_id, request_id);"
	 "CREATE INDEX housing_proposals_o ON housing_proposals(structure_id, outcome, request_id);"
	 "CREATE TABLE housing_settings (structure_id INTEGER PRIMARY KEY REFERENCES structures(id), abnormal_months INTEGER) STRICT;",
	 NULL},
	/* The home page's « délai anormalement long » figure counted every active request filed before a date, over the
	 * index (7 750 of them at 400 000 households). The active requests are counted by day of filing as they change,
	 * by triggers (whoever writes): the figure sums the days before the date. A day that falls to zero is removed. */
	{2, "the active requests counted by day of filing, kept by triggers",
	 "CREATE TABLE housing_day_counts (structure_id INTEGER NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL, "
	 " PRIMARY KEY (structure_id, day)) WITHOUT ROWID, STRICT;"
	 "INSERT INTO housing_day_counts (structure_id, day, n) SELECT structure_id, filed_on, count(*) FROM housing_requests "
	 " WHERE status = 'active' GROUP BY structure_id, filed_on;"
	 "CREATE TRIGGER housing_day_counts_ins AFTER INSERT ON housing_requests WHEN new.status = 'active' BEGIN"
	 " INSERT INTO housing_day_counts (structure_id, day, n) VALUES (new.structure_id, new.filed_on, 1)"
	 "  ON CONFLICT (structure_id, day) DO UPDATE SET n = n + 1;"
	 " END;"
	 "CREATE TRIGGER housing_day_counts_del AFTER DELETE ON housing_requests WHEN old.status = 'active' BEGIN"
	 " UPDATE housing_day_counts SET n = n - 1 WHERE structure_id = old.structure_id AND day = old.filed_on;"
	 " DELETE FROM housing_day_counts WHERE structure_id = old.structure_id AND day = old.filed_on AND n = 0;"
	 " END;"
	 "CREATE TRIGGER housing_day_counts_upd AFTER UPDATE OF status, filed_on, structure_id ON housing_requests "
	 " WHEN old.status = 'active' OR new.status = 'active' BEGIN"
	 " UPDATE housing_day_counts SET n = n - 1 WHERE old.status = 'active' AND structure_id = old.structure_id AND day = old.filed_on;"
	 " DELETE FROM housing_day_counts WHERE structure_id = old.structure_id AND day = old.filed_on AND n = 0;"
	 " INSERT INTO housing_day_counts (structure_id, day, n) SELECT new.structure_id, new.filed_on, 1 WHERE new.status = 'active'"
	 "  ON CONFLICT (structure_id, day) DO UPDATE SET n = n + 1;"
	 " END;",
	 "CREATE TABLE housing_day_counts (structure_id BIGINT NOT NULL, day TEXT COLLATE \"C\" NOT NULL, n BIGINT NOT NULL, "
	 " PRIMARY KEY (structure_id, day));"
	 "INSERT INTO housing_day_counts (structure_id, day, n) SELECT structure_id, filed_on, count(*) FROM housing_requests "
	 " WHERE status = 'active' GROUP BY structure_id, filed_on;"
	 "CREATE FUNCTION housing_day_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'active' THEN"
	 "  UPDATE housing_day_counts SET n = n - 1 WHERE structure_id = OLD.structure_id AND day = OLD.filed_on;"
	 "  DELETE FROM housing_day_counts WHERE structure_id = OLD.structure_id AND day = OLD.filed_on AND n = 0;"
	 " END IF;"
	 " IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'active' THEN"
	 "  INSERT INTO housing_day_counts (structure_id, day, n) VALUES (NEW.structure_id, NEW.filed_on, 1)"
	 "   ON CONFLICT (structure_id, day) DO UPDATE SET n = housing_day_counts.n + 1;"
	 " END IF;"
	 " RETURN NULL; END $$;"
	 "CREATE TRIGGER housing_day_counts_keep AFTER INSERT OR DELETE OR UPDATE OF status, filed_on, structure_id "
	 " ON housing_requests FOR EACH ROW EXECUTE FUNCTION housing_day_counts_keep();"},
	/* The home page's « N propositions en attente » counted the distinct requests of every pending proposal
	 * (3 157 of them at 400 000 households: 19 000 steps, a third of the home page's database work). Kept by
	 * triggers, whoever writes: each request's pending proposals (housing_pending, +1 and -1 a proposal, in any
	 * order), and each structure's requests with at least one (housing_pending_counts, when a request's count
	 * leaves or reaches 0). */
	{3, "the requests with a pending proposal counted as they change, by triggers",
	 "CREATE TABLE housing_pending (structure_id INTEGER NOT NULL, request_id INTEGER NOT NULL, n INTEGER NOT NULL, "
	 " PRIMARY KEY (structure_id, request_id)) WITHOUT ROWID, STRICT;"
	 "CREATE TABLE housing_pending_counts (structure_id INTEGER PRIMARY KEY, n INTEGER NOT NULL) STRICT;"
	 "INSERT INTO housing_pending (structure_id, request_id, n) SELECT structure_id, request_id, count(*) FROM housing_proposals "
	 " WHERE outcome = 'attente' GROUP BY structure_id, request_id;"
	 "INSERT INTO housing_pending_counts (structure_id, n) SELECT structure_id, count(*) FROM housing_pending GROUP BY structure_id;"
	 "CREATE TRIGGER housing_pending_ins AFTER INSERT ON housing_proposals WHEN new.outcome = 'attente' BEGIN"
	 " INSERT INTO housing_pending (structure_id, request_id, n) VALUES (new.structure_id, new.request_id, 1)"
	 "  ON CONFLICT (structure_id, request_id) DO UPDATE SET n = n + 1;"
	 " END;"
	 "CREATE TRIGGER housing_pending_del AFTER DELETE ON housing_proposals WHEN old.outcome = 'attente' BEGIN"
	 " UPDATE housing_pending SET n = n - 1 WHERE structure_id = old.structure_id AND request_id = old.request_id;"
	 " END;"
	 "CREATE TRIGGER housing_pending_upd AFTER UPDATE OF outcome, request_id, structure_id ON housing_proposals "
	 " WHEN old.outcome = 'attente' OR new.outcome = 'attente' BEGIN"
	 " UPDATE housing_pending SET n = n - 1 WHERE old.outcome = 'attente' AND structure_id = old.structure_id "
	 "  AND request_id = old.request_id;"
	 " INSERT INTO housing_pending (structure_id, request_id, n) SELECT new.structure_id, new.request_id, 1 "
	 "  WHERE new.outcome = 'attente' ON CONFLICT (structure_id, request_id) DO UPDATE SET n = n + 1;"
	 " END;"
	 "CREATE TRIGGER housing_pending_counts_ins AFTER INSERT ON housing_pending WHEN new.n > 0 BEGIN"
	 " INSERT INTO housing_pending_counts (structure_id, n) VALUES (new.structure_id, 1)"
	 "  ON CONFLICT (structure_id) DO UPDATE SET n = n + 1;"
	 " END;"
	 "CREATE TRIGGER housing_pending_counts_upd AFTER UPDATE OF n ON housing_pending WHEN (old.n > 0) <> (new.n > 0) BEGIN"
	 " INSERT INTO housing_pending_counts (structure_id, n) SELECT new.structure_id, CASE WHEN new.n > 0 THEN 1 ELSE -1 END "
	 "  WHERE true ON CONFLICT (structure_id) DO UPDATE SET n = n + excluded.n;"
	 " END;"
	 "CREATE TRIGGER housing_pending_counts_del AFTER DELETE ON housing_pending WHEN old.n > 0 BEGIN"
	 " UPDATE housing_pending_counts SET n = n - 1 WHERE structure_id = old.structure_id;"
	 " END;",
	 "CREATE TABLE housing_pending (structure_id BIGINT NOT NULL, request_id BIGINT NOT NULL, n BIGINT NOT NULL, "
	 " PRIMARY KEY (structure_id, request_id));"
	 "CREATE TABLE housing_pending_counts (structure_id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
	 "INSERT INTO housing_pending (structure_id, request_id, n) SELECT structure_id, request_id, count(*) FROM housing_proposals "
	 " WHERE outcome = 'attente' GROUP BY structure_id, request_id;"
	 "INSERT INTO housing_pending_counts (structure_id, n) SELECT structure_id, count(*) FROM housing_pending GROUP BY structure_id;"
	 /* Each statement below runs alone in the function, one proposal at a time: the ±1 hold whatever the order
	  * of the rows of a statement that changes many. */
	 "CREATE FUNCTION housing_pending_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.outcome = 'attente' THEN"
	 "  UPDATE housing_pending SET n = n - 1 WHERE structure_id = OLD.structure_id AND request_id = OLD.request_id;"
	 " END IF;"
	 " IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.outcome = 'attente' THEN"
	 "  INSERT INTO housing_pending (structure_id, request_id, n) VALUES (NEW.structure_id, NEW.request_id, 1)"
	 "   ON CONFLICT (structure_id, request_id) DO UPDATE SET n = housing_pending.n + 1;"
	 " END IF;"
	 " RETURN NULL; END $$;"
	 "CREATE TRIGGER housing_pending_keep AFTER INSERT OR DELETE OR UPDATE OF outcome, request_id, structure_id "
	 " ON housing_proposals FOR EACH ROW EXECUTE FUNCTION housing_pending_keep();"
	 "CREATE FUNCTION housing_pending_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$ DECLARE d BIGINT := 0; BEGIN"
	 " IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.n > 0 THEN d := d - 1; END IF;"
	 " IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.n > 0 THEN d := d + 1; END IF;"
	 " IF d <> 0 THEN"
	 "  INSERT INTO housing_pending_counts (structure_id, n) VALUES (coalesce(NEW.structure_id, OLD.structure_id), d)"
	 "   ON CONFLICT (structure_id) DO UPDATE SET n = housing_pending_counts.n + excluded.n;"
	 " END IF;"
	 " RETURN NULL; END $$;"
	 "CREATE TRIGGER housing_pending_counts_keep AFTER INSERT OR DELETE OR UPDATE OF n ON housing_pending "
	 " FOR EACH ROW EXECUTE FUNCTION housing_pending_counts_keep();"},
	/* The home page's figures kept by triggers (store/counts.h): the active requests by day (and month) of expiry —
	 * to renew within the month, lapsed — and of filing, summed up to the date before which a wait is abnormally
	 * long. The expiries were counted over an index, and the days of filing (housing/2, replaced) summed a row per
	 * day since the oldest request: 5 300 steps a home page at 400 000 households. */
	{4, "the home page's figures kept by triggers, by month and day",
	 "DROP TRIGGER housing_day_counts_ins; DROP TRIGGER housing_day_counts_del; DROP TRIGGER housing_day_counts_upd;"
	 "DROP TABLE housing_day_counts;" KC_SQLITE("housing_counts", "housing_requests", HOUSING_COUNTED, HOUSING_KEYS),
	 "DROP TABLE housing_day_counts; DROP FUNCTION housing_day_counts_keep() CASCADE;"
	 KC_PG("housing_counts", "housing_requests", HOUSING_COUNTED, HOUSING_KEYS)},
	/* A request that ended (a dwelling given by one proposal, or struck off) left its other proposals awaiting an
	 * outcome that could no longer be recorded: counted on the home page for ever, absent from the list of pending
	 * proposals (active requests). They are closed with the request now (housing_step); those left before, here. */
	{5, "the proposals left pending by an ended request closed",
	 "UPDATE housing_proposals SET outcome = 'annulee', refusal_reason = '" ENDED_REASON "' WHERE outcome = 'attente' "
	 "AND request_id IN (SELECT id FROM housing_requests WHERE status <> 'active');",
	 "UPDATE housing_proposals SET outcome = 'annulee', refusal_reason = '" ENDED_REASON "' WHERE outcome = 'attente' "
	 "AND request_id IN (SELECT id FROM housing_requests WHERE status <> 'active');"},
	/* The household page reads which of a household's parts have rows (persons.h): its section's. */
	{6, "housing_requests counted in the household's parts, by triggers",
	 HOUSING_PARTS(PERSONS_PART_SQLITE),
	 HOUSING_PARTS(PERSONS_PART_PG)},
	/* The setting is read at every home page: a reference list of the structure (kept in memory: accounts.h). */
	{7, "the setting raises the structure's reference version",
	 ACCOUNTS_REFS_TRIGGERS_SQ("housing_settings"), ACCOUNTS_REFS_TRIGGER_PG("housing_settings")},
};
const db_module_schema housing_schema = {"housing", migrations, COUNTOF(migrations)};

const code HOUSING_STATES[3] = {{"active", "Active"}, {"attribuee", "Logement attribué"}, {"radiee", "Radiée"}};
const code HOUSING_SIZES[8] = {{"", "non renseignée"}, {"T1", "T1"}, {"T2", "T2"}, {"T3", "T3"}, {"T4", "T4"}, {"T5", "T5"},
                               {"T6", "T6 ou plus"}, {"chambre", "Chambre, foyer"}};
/* The priority criteria of CCH L441-1 the request states. */
const code HOUSING_PRIORITIES[9] = {
	{"dalo", "Reconnu prioritaire DALO"}, {"handicap", "Handicap (personne ou proche à charge)"},
	{"violences", "Violences au sein du couple ou de la famille"}, {"insalubrite", "Logement indigne, insalubre ou dangereux"},
	{"sans_logement", "Sans logement, hébergé chez un tiers"}, {"hebergement", "En structure d’hébergement ou logement temporaire"},
	{"sur_occupation", "Logement sur-occupé ou non décent avec enfant mineur ou handicap"}, {"expulsion", "Menacé d’expulsion sans relogement"},
	{"sortie_dispositif", "Sortie d’hospitalisation, de prison ou d’aide sociale à l’enfance"},
};
const code HOUSING_CONTINGENTS[6] = {{"", "non renseigné"}, {"prefecture", "Contingent préfectoral"}, {"commune", "Contingent de la commune"},
                                    {"action_logement", "Action Logement"}, {"departement", "Contingent du Département"},
                                    {"bailleur", "Bailleur (hors contingent)"}};
const code HOUSING_HELP[3] = {{"aide_depot", "Aide à la constitution et au dépôt"}, {"suivi", "Suivi de la demande"},
                              {"commission", "Représentation en commission d’attribution"}};
const code HOUSING_OUTCOMES[5] = {{"attente", "En attente de la commission"}, {"attribuee", "Attribuée au foyer"},
                                  {"refusee_menage", "Refusée par le foyer"}, {"non_retenue", "Non retenue par la commission"},
                                  {"annulee", "Retirée"}};
const code HOUSING_END_REASONS[5] = {{"", "— choisir —"}, {"non_renouvellement", "Non renouvelée dans le délai"},
                                     {"renonciation", "Renonciation du demandeur"}, {"irrecevabilite", "Irrecevable"},
                                     {"autre", "Autre motif"}};
const code HOUSING_LISTS[6] = {{"renouvellements", "Renouvellements sous un mois"}, {"propositions", "Propositions en attente"},
                               {"attente_longue", "Délai anormalement long dépassé"}, {"actives", "Demandes actives"},
                               {"attribuees", "Logements attribués"}, {"radiees", "Radiées"}};

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

/* ---- the numéro unique -------------------------------------------------------------------- */

bool housing_number_ok(arena *a, const char *typed, const char **out)
{
	char n[24];
	size_t len = 0;
	for (const char *p = typed ? typed : ""; *p; p++) {
		if (*p == ' ' || *p == '.' || *p == '-')
			continue;
		if (!isalnum((unsigned char)*p) || len >= sizeof n - 1)
			return false;
		n[len++] = (char)toupper((unsigned char)*p);
	}
	n[len] = 0;
	if (len < 13 || len > 20)
		return false;
	/* The département: 001–095 (not 020), 02A, 02B, 971–976. */
	bool dep = n[0] == '0' && ((isdigit((unsigned char)n[1]) && isdigit((unsigned char)n[2]) && strncmp(n, "000", 3) &&
	                            strncmp(n, "020", 3) && (n[1] < '9' || n[2] <= '5')) ||
	                           (n[1] == '2' && (n[2] == 'A' || n[2] == 'B')));
	dep = dep || (n[0] == '9' && n[1] == '7' && n[2] >= '1' && n[2] <= '6');
	for (int i = 3; dep && i < 7; i++)
		dep = isdigit((unsigned char)n[i]);
	int month = dep ? (n[3] - '0') * 10 + (n[4] - '0') : 0;
	if (!dep || month < 1 || month > 12)
		return false;
	*out = arena_strdup(a, n);
	return *out != NULL;
}

/* ---- the setting ---------------------------------------------------------------------------- */

/* Kept in memory while the structure's reference version holds (DB_KEPT; every write of housing_settings raises it,
 * migration housing/7): the home page reads it at every request. */
static db_sql Q_S_GET = DB_SQL(DB_SCOPED | DB_KEPT,
	"SELECT coalesce(abnormal_months, 0) FROM housing_settings WHERE structure_id = $1");
static db_sql Q_S_SET = DB_SQL(DB_SCOPED,
	"INSERT INTO housing_settings (structure_id, abnormal_months) VALUES ($1, $2) "
	"ON CONFLICT (structure_id) DO UPDATE SET abnormal_months = excluded.abnormal_months");

int housing_abnormal_months(db_conn *c)
{
	int64_t n = 0;
	return DBID0(c, &Q_S_GET, &n) == E_OK ? (int)n : 0;
}

err housing_settings_save(db_conn *c, int64_t user, const kv_list *in, form_errors *fe)
{
	const char *m = in_get(in, "abnormal_months");
	int64_t months = 0;
	if (m && !text_to_int64(m, 1, 240, &months))
		form_error(fe, "abnormal_months", "Le délai anormalement long est un nombre de mois (1 à 240), celui que l’arrêté du préfet "
		                                  "fixe pour le département ; vide s’il n’est pas connu.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBX(c, &Q_S_SET, NULL, months ? A_INT(months) : A_NULL);
	if (e == E_OK)
		e = journal_record(c, user, "update", "housing_settings", 0, NULL);
	return db_finish(c, e);
}

/* ---- requests --------------------------------------------------------------------------------- */

#define R_COLS                                                                                                                 \
	"r.id, r.household_id, coalesce(r.person_id, 0), coalesce(r.persons, 0), r.version, r.number, r.filed_on, r.renewed_on, "  \
	"r.expires_on, r.status, r.size, r.communes, r.priorities, r.contingent, r.help, r.notes, r.ended_on, r.end_reason, "       \
	"r.allocated_address, r.allocated_landlord"

static void fill(db_res *q, arena *a, housing_request *o)
{
	int64_t *ints[] = {&o->id, &o->household_id, &o->person_id, &o->persons, &o->version};
	for (int i = 0; i < 5; i++)
		*ints[i] = db_int(q, i);
	const char **txt[] = {&o->number, &o->filed_on, &o->renewed_on, &o->expires_on, &o->status, &o->size, &o->communes,
	                      &o->priorities, &o->contingent, &o->help, &o->notes, &o->ended_on, &o->end_reason,
	                      &o->allocated_address, &o->allocated_landlord};
	for (int i = 0; i < COUNTOF(txt); i++) {
		char *s = db_dup(q, 5 + i, a);
		*txt[i] = s ? s : "";
	}
}

/* Every request a query (R_COLS first) returns; total_col >= 0: that column into *total. */
static int requests_of(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, int total_col, housing_request **out,
                       int64_t *total)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		housing_request *h = ARENA_PUSH(a, *out, n, cap);
		if (!h)
			break;
		fill(&q, a, h);
		if (total_col >= 0 && total)
			*total = db_int(&q, total_col);
	}
	db_close(&q);
	return n;
}

static db_sql Q_GET = DB_SQL(DB_SCOPED, "SELECT " R_COLS " FROM housing_requests r WHERE r.structure_id = $1 AND r.id = $2");

bool housing_load(db_conn *c, arena *a, int64_t id, housing_request *out)
{
	housing_request *v;
	if (requests_of(c, a, &Q_GET, 1, (db_arg[]){A_INT(id)}, -1, &v, NULL) != 1)
		return false;
	*out = v[0];
	return true;
}

bool housing_lapsed(const housing_ctx *x, const housing_request *h)
{
	civil_date e;
	return !strcmp(h->status, "active") && civil_parse(h->expires_on, &e) && civil_to_days(e) < civil_to_days(x->today);
}

/* Several codes of a list, ticked (repeated fields): « a, b » in the list's order. */
static const char *codes_of(arena *a, const kv_list *in, const char *name, const code *list, int n, bool *bad)
{
	buf b;
	buf_init(&b, a, 64);
	for (int i = 0; i < in->n; i++)
		if (!strcmp(in->items[i].name, name) && in->items[i].value && *in->items[i].value && !code_ok(list, n, in->items[i].value))
			*bad = true;
	for (int k = 0; k < n; k++)
		for (int i = 0; i < in->n; i++)
			if (!strcmp(in->items[i].name, name) && in->items[i].value && !strcmp(in->items[i].value, list[k].v)) {
				buf_printf(&b, "%s%s", b.len ? "," : "", list[k].v);
				break;
			}
	return buf_cstr(&b);
}

/* The wishes and criteria, shared by the new request and its changes. */
typedef struct wishes { const char *size, *communes, *priorities, *contingent, *help, *notes; int64_t persons; } wishes;

static void wishes_read(arena *a, const kv_list *in, form_errors *fe, wishes *w)
{
	const char *ps = in_get(in, "persons");
	bool bad_p = false, bad_h = false;
	*w = (wishes){in_get(in, "size"), in_get(in, "communes"), codes_of(a, in, "priority", HOUSING_PRIORITIES,
	                                                                    COUNTOF(HOUSING_PRIORITIES), &bad_p),
	              in_get(in, "contingent"), codes_of(a, in, "help", HOUSING_HELP, COUNTOF(HOUSING_HELP), &bad_h), in_get(in, "notes"), 0};
	if (w->size && !CODE_OK(HOUSING_SIZES, w->size))
		form_error(fe, "size", "Choisissez la taille du logement souhaité (T1 à T6, chambre).");
	if (ps && !text_to_int64(ps, 1, 20, &w->persons))
		form_error(fe, "persons", "Le nombre de personnes à loger : de 1 à 20.");
	if (w->communes && strlen(w->communes) > 500)
		form_error(fe, "communes", "Les communes ou secteurs souhaités tiennent en 500 caractères.");
	if (bad_p)
		form_error(fe, "priority", "Un critère de priorité n’est pas dans la liste.");
	if (w->contingent && !CODE_OK(HOUSING_CONTINGENTS, w->contingent))
		form_error(fe, "contingent", "Choisissez le contingent de réservation dans la liste.");
	if (bad_h)
		form_error(fe, "help", "Le rôle du CCAS n’est pas dans la liste.");
	if (w->notes && strlen(w->notes) > 2000)
		form_error(fe, "notes", "Les observations tiennent en 2 000 caractères.");
}

/* A date typed for a step: ISO or « JJ/MM/AAAA », not after today, not before from. */
static bool step_date(const housing_ctx *x, const char *s, const char *from, civil_date *out)
{
	civil_date f;
	if (!s || !civil_parse(s, out) || civil_to_days(*out) > civil_to_days(x->today))
		return false;
	return !from || !*from || !civil_parse(from, &f) || civil_to_days(*out) >= civil_to_days(f);
}

static db_sql Q_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO housing_requests (structure_id, household_id, person_id, number, filed_on, renewed_on, expires_on, status, size, "
	"persons, communes, priorities, contingent, help, notes, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id");
static db_sql Q_NUMBER = DB_SQL(DB_SCOPED, "SELECT household_id FROM housing_requests WHERE structure_id = $1 AND number = $2");

err housing_create(const housing_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, pid = 0;
	const char *hs = in_get(in, "household"), *num = NULL, *fs = in_get(in, "filed_on"), *rs = in_get(in, "renewed_on");
	civil_date filed = x->today, renewed;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(x->c, hid)) {
		form_error(fe, "household", "Choisissez le foyer dont c’est la demande.");
		hid = 0;
	}
	if (!housing_number_ok(x->a, in_get(in, "number"), &num))
		form_error(fe, "number", "Le numéro unique est celui de l’attestation d’enregistrement : le département (075, 02A, 974), "
		                         "le mois et l’année du dépôt (MMAA), puis lettres et chiffres ; 13 à 20 caractères.");
	if (fs && (!civil_parse(fs, &filed) || civil_to_days(filed) > civil_to_days(x->today)))
		form_error(fe, "filed_on", "La date de la première demande est au format AAAA-MM-JJ et ne peut pas être dans le futur.");
	renewed = filed;
	if (rs && !step_date(x, rs, civil_iso(x->a, filed), &renewed))
		form_error(fe, "renewed_on", "Le dernier renouvellement : après la première demande, pas dans le futur (AAAA-MM-JJ).");
	civil_date expires = civil_add_months(renewed, 12);
	if (!fe->n && civil_to_days(civil_add_months(expires, 1)) < civil_to_days(x->today))
		form_error(fe, rs ? "renewed_on" : "filed_on", "Une demande non renouvelée depuis plus d’un an est radiée : indiquez la date "
		                                              "du dernier renouvellement, ou aidez le foyer à déposer une nouvelle demande.");
	wishes w;
	wishes_read(x->a, in, fe, &w);
	bool not_member = false;
	pid = persons_member_or_applicant(x->c, x->a, hid, in_get(in, "person"), &not_member);
	if (not_member)
		form_error(fe, "person", "Le demandeur doit être un membre du foyer.");
	int64_t other = 0;
	if (num && DBID(x->c, &Q_NUMBER, &other, A_TEXT(num)) == E_OK && other)
		form_error(fe, "number", arena_printf(x->a, "Ce numéro unique est déjà celui d’une demande (dossier %s).",
		                                      persons_file_no(x->c, x->a, other) ? persons_file_no(x->c, x->a, other) : "?"));
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_NEW, id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(num), A_TEXT(civil_iso(x->a, filed)),
		         A_TEXT(civil_iso(x->a, renewed)), A_TEXT(civil_iso(x->a, expires)), A_TEXT(w.size ? w.size : ""),
		         w.persons ? A_INT(w.persons) : A_NULL, A_TEXT(w.communes ? w.communes : ""), A_TEXT(w.priorities),
		         A_TEXT(w.contingent ? w.contingent : ""), A_TEXT(w.help), A_TEXT(w.notes ? w.notes : ""), A_INT(x->user),
		         A_INT(civil_now()));
	if (e == E_CONFLICT) /* the same number, by someone else in the meantime */
		form_error(fe, "number", "Ce numéro unique est déjà celui d’une demande.");
	if (e == E_CONFLICT)
		e = E_INPUT;
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, x->user, "housing_request", *id,
		                         arena_printf(x->a, "Demande de logement social enregistrée (n° %s)", num));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "housing_request", *id, NULL);
	return db_finish(x->c, e);
}

/* ---- proposals ------------------------------------------------------------------------------- */

static db_sql Q_P_LIST = DB_SQL(DB_SCOPED,
	"SELECT id, request_id, coalesce(rent, -1), landlord, address, size, coalesce(commission_on, ''), outcome, refusal_reason, "
	"received_on FROM housing_proposals WHERE structure_id = $1 AND request_id = $2 ORDER BY received_on DESC, id DESC");

int housing_proposals(db_conn *c, arena *a, int64_t request_id, housing_proposal **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ(c, &Q_P_LIST, &q, A_INT(request_id)) != E_OK)
		return -1;
	while (db_next(&q)) {
		housing_proposal *p = ARENA_PUSH(a, *out, n, cap);
		if (!p)
			break;
		*p = (housing_proposal){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), db_dup(&q, 3, a), db_dup(&q, 4, a), db_dup(&q, 5, a),
		                        db_dup(&q, 6, a), db_dup(&q, 7, a), db_dup(&q, 8, a), db_dup(&q, 9, a)};
	}
	db_close(&q);
	return n;
}

static db_sql Q_UPDATE = DB_SQL(DB_SCOPED,
	"UPDATE housing_requests SET size = $3, persons = $4, communes = $5, priorities = $6, contingent = $7, help = $8, notes = $9, "
	"version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $10 AND status = 'active'");
static db_sql Q_RENEW = DB_SQL(DB_SCOPED,
	"UPDATE housing_requests SET renewed_on = $3, expires_on = $4, version = version + 1 WHERE structure_id = $1 AND id = $2 "
	"AND version = $5 AND status = 'active'");
static db_sql Q_END = DB_SQL(DB_SCOPED,
	"UPDATE housing_requests SET status = $3, ended_on = $4, end_reason = $5, allocated_address = $6, allocated_landlord = $7, "
	"version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $8 AND status = 'active'");
static db_sql Q_BUMP = DB_SQL(DB_SCOPED,
	"UPDATE housing_requests SET version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $3 AND status = 'active'");
static db_sql Q_P_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO housing_proposals (structure_id, request_id, landlord, address, size, rent, commission_on, received_on, outcome, "
	"created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'attente', $9, $10) RETURNING id");
static db_sql Q_P_OUTCOME = DB_SQL(DB_SCOPED,
	"UPDATE housing_proposals SET outcome = $4, refusal_reason = $5 WHERE structure_id = $1 AND request_id = $2 AND id = $3 "
	"AND outcome = 'attente'");
/* A request that ends closes the proposals still awaiting (their outcome could not be recorded after). */
static db_sql Q_P_CLOSE_REST = DB_SQL(DB_SCOPED,
	"UPDATE housing_proposals SET outcome = 'annulee', refusal_reason = $3 WHERE structure_id = $1 AND request_id = $2 "
	"AND outcome = 'attente'");

static bool proposal_find(const housing_ctx *x, const housing_request *h, int64_t pid, housing_proposal *out)
{
	housing_proposal *v;
	int n = housing_proposals(x->c, x->a, h->id, &v);
	for (int i = 0; i < n; i++)
		if (v[i].id == pid) {
			*out = v[i];
			return true;
		}
	return false;
}

err housing_act(const housing_ctx *x, housing_request *h, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	int64_t ver = 0, n = 0, n2 = 1;
	const char *vs = in_get(in, "version");
	if (!vs || !text_to_int64(vs, 0, INT64_MAX, &ver))
		ver = h->version;
	err e = E_OK;
	const char *event = NULL;
	civil_date d;
	if (!strcmp(action, "modifier")) {
		wishes w;
		wishes_read(x->a, in, fe, &w);
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_UPDATE, &n, A_INT(h->id), A_TEXT(w.size ? w.size : ""), w.persons ? A_INT(w.persons) : A_NULL,
			        A_TEXT(w.communes ? w.communes : ""), A_TEXT(w.priorities), A_TEXT(w.contingent ? w.contingent : ""), A_TEXT(w.help),
			        A_TEXT(w.notes ? w.notes : ""), A_INT(ver));
		event = "Demande de logement mise à jour";
	} else if (!strcmp(action, "renouveler")) {
		const char *on = in_get(in, "renewed_on");
		civil_date exp;
		if (!on)
			on = civil_iso(x->a, x->today);
		if (!step_date(x, on, h->renewed_on, &d))
			form_error(fe, "renewed_on", "La date du renouvellement : après le précédent, pas dans le futur (AAAA-MM-JJ).");
		else if (civil_parse(h->expires_on, &exp) && civil_to_days(d) > civil_to_days(civil_add_months(exp, 1)))
			form_error(fe, "renewed_on", arena_printf(x->a, "La demande a expiré le %s, il y a plus d’un mois : elle est radiée. "
			                                                "Enregistrez la radiation, puis une nouvelle demande.", civil_fr(x->a, h->expires_on)));
		if (fe->n)
			return E_INPUT;
		const char *until = civil_iso(x->a, civil_add_months(d, 12));
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_RENEW, &n, A_INT(h->id), A_TEXT(civil_iso(x->a, d)), A_TEXT(until), A_INT(ver));
		event = arena_printf(x->a, "Demande de logement renouvelée jusqu’au %s", civil_fr(x->a, until));
	} else if (!strcmp(action, "proposition")) {
		const char *landlord = in_get(in, "landlord"), *address = in_get(in, "address"), *size = in_get(in, "size"),
		           *rent = in_get(in, "rent"), *com = in_get(in, "commission_on"), *rec = in_get(in, "received_on");
		int64_t cents = -1;
		civil_date cd;
		if (!landlord || strlen(landlord) > 120)
			form_error(fe, "landlord", "Le bailleur qui propose le logement (120 caractères au plus).");
		if (!address || strlen(address) > 300)
			form_error(fe, "address", "L’adresse du logement proposé (300 caractères au plus).");
		if (size && !CODE_OK(HOUSING_SIZES, size))
			form_error(fe, "size", "Choisissez la taille du logement proposé.");
		if (rent && (!money_parse(rent, &cents) || cents < 0 || cents > 10000000))
			form_error(fe, "rent", "Le loyer mensuel charges comprises, en euros : 412,50 (vide s’il n’est pas connu).");
		if (com && !civil_parse(com, &cd))
			form_error(fe, "commission_on", "La date de la commission d’attribution : AAAA-MM-JJ.");
		if (!rec)
			rec = civil_iso(x->a, x->today);
		if (!step_date(x, rec, h->filed_on, &d))
			form_error(fe, "received_on", "La date de la proposition : après la demande, pas dans le futur.");
		if (fe->n)
			return E_INPUT;
		int64_t pid = 0;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_BUMP, &n, A_INT(h->id), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBID(x->c, &Q_P_NEW, &pid, A_INT(h->id), A_TEXT(landlord), A_TEXT(address), A_TEXT(size ? size : ""),
			         cents >= 0 ? A_INT(cents) : A_NULL, A_TEXT(com ? civil_iso(x->a, cd) : NULL), A_TEXT(civil_iso(x->a, d)),
			         A_INT(x->user), A_INT(civil_now()));
		event = arena_printf(x->a, "Proposition de logement reçue (%s)", landlord);
	} else if (!strcmp(action, "issue")) {
		const char *ps = in_get(in, "proposal"), *out = in_get(in, "outcome"), *reason = in_get(in, "refusal_reason"),
		           *on = in_get(in, "on");
		int64_t pid = 0;
		housing_proposal p = {0};
		if (!ps || !text_to_int64(ps, 1, INT64_MAX, &pid) || !proposal_find(x, h, pid, &p))
			form_error(fe, "proposal", "Choisissez la proposition dont c’est l’issue.");
		else if (strcmp(p.outcome, "attente"))
			form_error(fe, "proposal", "L’issue de cette proposition est déjà enregistrée.");
		if (!out || !strcmp(out, "attente") || !CODE_OK(HOUSING_OUTCOMES, out))
			form_error(fe, "outcome", "Choisissez l’issue : attribuée, refusée par le foyer, non retenue, retirée.");
		if (out && !strcmp(out, "refusee_menage") && !reason)
			form_error(fe, "refusal_reason", "Le motif du refus est demandé : un refus sans motif légitime peut faire perdre la priorité.");
		if (reason && strlen(reason) > 1000)
			form_error(fe, "refusal_reason", "Le motif tient en 1 000 caractères.");
		if (!on)
			on = civil_iso(x->a, x->today);
		if (!step_date(x, on, h->filed_on, &d))
			form_error(fe, "on", "La date de l’issue : pas dans le futur (AAAA-MM-JJ).");
		if (fe->n)
			return E_INPUT;
		bool given = !strcmp(out, "attribuee");
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = given ? DBX(x->c, &Q_END, &n, A_INT(h->id), A_TEXT("attribuee"), A_TEXT(civil_iso(x->a, d)), A_TEXT(""),
			                A_TEXT(p.address), A_TEXT(p.landlord), A_INT(ver))
			          : DBX(x->c, &Q_BUMP, &n, A_INT(h->id), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_P_OUTCOME, &n2, A_INT(h->id), A_INT(pid), A_TEXT(out), A_TEXT(reason ? reason : ""));
		if (e == E_OK && n == 1 && n2 == 1 && given)
			e = DBX(x->c, &Q_P_CLOSE_REST, NULL, A_INT(h->id), A_TEXT("Logement attribué par une autre proposition"));
		event = given ? arena_printf(x->a, "Logement attribué : %s (%s)", p.address, p.landlord)
		              : arena_printf(x->a, "Proposition de %s : %s", p.landlord, CODE_LABEL(HOUSING_OUTCOMES, out));
	} else if (!strcmp(action, "radier")) {
		const char *reason = in_get(in, "end_reason"), *on = in_get(in, "ended_on");
		if (!reason || !CODE_OK(HOUSING_END_REASONS, reason))
			form_error(fe, "end_reason", "Choisissez le motif de la radiation.");
		if (!on)
			on = civil_iso(x->a, x->today);
		if (!step_date(x, on, h->filed_on, &d))
			form_error(fe, "ended_on", "La date de radiation : après la demande, pas dans le futur.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_END, &n, A_INT(h->id), A_TEXT("radiee"), A_TEXT(civil_iso(x->a, d)), A_TEXT(reason), A_TEXT(""), A_TEXT(""),
			        A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_P_CLOSE_REST, NULL, A_INT(h->id), A_TEXT("Demande radiée"));
		event = arena_printf(x->a, "Demande de logement radiée : %s", CODE_LABEL(HOUSING_END_REASONS, reason));
	} else {
		return E_NOT_FOUND;
	}
	if (e == E_OK && (n != 1 || n2 != 1)) {
		e = E_CONFLICT;
		*why = ver != h->version ? "Quelqu’un d’autre a modifié cette demande entre-temps : voici son état actuel, vérifiez avant de "
		                           "recommencer."
		                         : "Ce n’est pas possible dans l’état actuel de la demande.";
	}
	if (e == E_OK)
		e = persons_timeline_add(x->c, h->household_id, x->user, "housing_request", h->id, event);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "housing_request", h->id, action);
	return db_finish(x->c, e);
}

/* ---- lists ------------------------------------------------------------------------------------- */

/* Each list: its page (along the index of its order, stopping at the page's end) and its total (counted over the
 * same index) — a count of the whole list beside every row made the database read and sort every matching request
 * to show twenty-five. */
#define L_EXP "FROM housing_requests r WHERE r.structure_id = $1 AND r.status = 'active' AND r.expires_on <= $2"
#define L_FILED "FROM housing_requests r WHERE r.structure_id = $1 AND r.status = 'active' AND r.filed_on <= $2"
static db_sql Q_L_EXP = DB_SQL(DB_SCOPED, "SELECT " R_COLS " " L_EXP " ORDER BY r.expires_on, r.id LIMIT $3 OFFSET $4");
static db_sql Q_N_EXP = DB_SQL(DB_SCOPED, "SELECT count(*) " L_EXP);
/* The page walks the requests in their order and asks each whether a proposal awaits (a third of them do): with
 * `IN`, the database read every pending proposal's request and sorted them all to show twenty-five. The total
 * goes the other way, from the pending proposals (fewer than the active requests). */
static db_sql Q_L_PROP = DB_SQL(DB_SCOPED,
	"SELECT " R_COLS " FROM housing_requests r WHERE r.structure_id = $1 AND r.status = 'active' AND EXISTS (SELECT 1 "
	"FROM housing_proposals p WHERE p.structure_id = r.structure_id AND p.outcome = 'attente' AND p.request_id = r.id) "
	"AND r.filed_on <= $2 ORDER BY r.filed_on, r.id LIMIT $3 OFFSET $4");
/* Their number: the requests with a pending proposal, kept by triggers (housing_pending_counts, as the home page
 * says it) — counted here, it read every pending proposal's request (4 ms among 16 000 requests). An ended
 * request has no pending proposal: its end cancels them (migration 5 cancelled those left before). */
static db_sql Q_N_PROP = DB_SQL(DB_SCOPED, "SELECT coalesce((SELECT n FROM housing_pending_counts WHERE structure_id = $1), 0)");
static db_sql Q_L_FILED = DB_SQL(DB_SCOPED, "SELECT " R_COLS " " L_FILED " ORDER BY r.filed_on, r.id LIMIT $3 OFFSET $4");
static db_sql Q_N_FILED = DB_SQL(DB_SCOPED, "SELECT count(*) " L_FILED);
static db_sql Q_L_ENDED = DB_SQL(DB_SCOPED,
	"SELECT " R_COLS " FROM housing_requests r WHERE r.structure_id = $1 AND r.status = $5 "
	"AND r.ended_on <= $2 ORDER BY r.ended_on DESC, r.id DESC LIMIT $3 OFFSET $4");
static db_sql Q_N_ENDED = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM housing_requests r WHERE r.structure_id = $1 AND r.status = $3 AND r.ended_on <= $2");

int housing_list(const housing_ctx *x, const char *list, int limit, int offset, housing_request **out, int64_t *total)
{
	*out = NULL;
	*total = 0;
	const char *upto = "9999-12-31", *status = "";
	db_sql *q = &Q_L_FILED, *nq = &Q_N_FILED;
	if (!strcmp(list, "renouvellements"))
		q = &Q_L_EXP, nq = &Q_N_EXP, upto = civil_iso(x->a, civil_add_months(x->today, 1));
	else if (!strcmp(list, "propositions"))
		q = &Q_L_PROP, nq = &Q_N_PROP;
	else if (!strcmp(list, "attente_longue")) {
		int m = housing_abnormal_months(x->c);
		if (!m)
			return 0; /* not set: the page says so */
		upto = civil_iso(x->a, civil_add_months(x->today, -m));
	} else if (!strcmp(list, "attribuees") || !strcmp(list, "radiees"))
		q = &Q_L_ENDED, nq = &Q_N_ENDED, status = !strcmp(list, "attribuees") ? "attribuee" : "radiee";
	db_arg args[] = {A_TEXT(upto), A_INT(limit), A_INT(offset), A_TEXT(status)};
	int n = requests_of(x->c, x->a, q, q == &Q_L_ENDED ? 4 : 3, args, -1, out, NULL);
	db_arg nargs[] = {A_TEXT(upto), A_TEXT(status)};
	if (n >= 0 && db_exec_id(x->c, nq, nq == &Q_N_ENDED ? 2 : nq == &Q_N_PROP ? 0 : 1, nargs, total) != E_OK)
		return -1;
	return n;
}

static db_sql Q_OF_H = DB_SQL(DB_SCOPED,
	"SELECT " R_COLS " FROM housing_requests r WHERE r.structure_id = $1 AND r.household_id = $2 ORDER BY r.filed_on DESC, r.id DESC");

int housing_of_household(db_conn *c, arena *a, int64_t hid, housing_request **out)
{
	return requests_of(c, a, &Q_OF_H, 1, (db_arg[]){A_INT(hid)}, -1, out, NULL);
}

static db_sql Q_COUNTS = DB_SQL(DB_SCOPED,
	"SELECT " KC_SUM("housing_counts", "expires", " AND day >= $2 AND day <= $3") ", " /* housing/4 */
	KC_BEFORE("housing_counts", "expires", "$2") ", "
	"(SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM housing_pending_counts WHERE structure_id = $1), " /* housing/3 */
	KC_UPTO("housing_counts", "filed", "$4"));

err housing_counts_of(const housing_ctx *x, housing_counts *out)
{
	memset(out, 0, sizeof *out);
	out->abnormal_months = housing_abnormal_months(x->c);
	const char *lim = out->abnormal_months ? civil_iso(x->a, civil_add_months(x->today, -out->abnormal_months)) : "0000-00-00";
	db_res q = {0};
	err e = DBQ(x->c, &Q_COUNTS, &q, A_TEXT(civil_iso(x->a, x->today)), A_TEXT(civil_iso(x->a, civil_add_months(x->today, 1))),
	            A_TEXT(lim));
	if (e == E_OK && db_next(&q)) {
		out->renewals = db_int(&q, 0), out->lapsed = db_int(&q, 1), out->proposals = db_int(&q, 2), out->long_wait = db_int(&q, 3);
	}
	db_close(&q);
	return e;
}

/* ---- reminders: the renewal, a month before the anniversary ---------------------------------- */

static db_sql Q_R_DUE = DB_SQL(DB_GLOBAL,
	"SELECT structure_id, id FROM housing_requests WHERE status = 'active' AND person_id IS NOT NULL AND expires_on >= $1 "
	"AND expires_on <= $2 AND (renewal_reminded_for IS NULL OR renewal_reminded_for <> expires_on) ORDER BY structure_id, id");
static db_sql Q_R_MARK = DB_SQL(DB_SCOPED,
	"UPDATE housing_requests SET renewal_reminded_for = expires_on WHERE structure_id = $1 AND id = $2");

err housing_notify(db *d, civil_date today, bool send, int64_t *count)
{
	*count = 0;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	arena a;
	arena_init(&a, 0);
	db_res q = {0};
	int64_t(*due)[2] = NULL;
	int n = 0, cap = 0;
	err e = DBQ(c, &Q_R_DUE, &q, A_TEXT(civil_iso(&a, today)), A_TEXT(civil_iso(&a, civil_add_months(today, 1))));
	while (e == E_OK && db_next(&q)) {
		int64_t(*x)[2] = ARENA_PUSH(&a, due, n, cap);
		if (!x)
			break;
		(*x)[0] = db_int(&q, 0), (*x)[1] = db_int(&q, 1);
	}
	db_close(&q);
	if (e == E_OK && a.failed)
		e = E_NOMEM;
	for (int i = 0; e == E_OK && i < n; i++) {
		db_conn_scope(c, due[i][0]);
		housing_request h;
		if (!housing_load(c, &a, due[i][1], &h))
			continue;
		if (!send) {
			(*count)++;
			continue;
		}
		const char *text = arena_printf(&a, "Votre demande de logement social n° %s est à renouveler avant le %s, sinon elle sera "
		                                    "radiée et vous perdrez son ancienneté. Le CCAS peut vous aider à la renouveler.",
		                                h.number, civil_fr(&a, h.expires_on));
		bool queued = false;
		e = db_begin(c, true);
		if (e == E_OK)
			e = persons_notice_queue(c, h.person_id, "housing", "Renouvellement de la demande de logement", text, &queued);
		if (e == E_OK)
			e = DBX(c, &Q_R_MARK, NULL, A_INT(h.id));
		e = db_finish(c, e);
		*count += queued;
	}
	arena_release(&a);
	db_conn_put(c);
	return e;
}
