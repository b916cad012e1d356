/*
 * accounts.c — the model: roles and permissions, structures, users,
 * sessions, tokens, throttling, and the authenticator the router calls.
 */
#include "core/countof.h"
#include "modules/accounts/accounts.h"
#include "modules/accounts/accounts_internal.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "core/civil.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/text.h"
#include "core/totp.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

/* ---- schema -------------------------------------------------------------- */

static const db_migration migrations[] = {
	{1, "structures, users, memberships, sessions, tokens, throttling",
	 "CREATE TABLE structures (id INTEGER PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL DEFAULT '', "
	 " insee TEXT NOT NULL DEFAULT '', tz TEXT NOT NULL DEFAULT 'Europe/Paris', phone TEXT NOT NULL DEFAULT '', "
	 " email TEXT NOT NULL DEFAULT '', dpo_contact TEXT NOT NULL DEFAULT '', logo BLOB, logo_type TEXT, "
	 " created_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL, "
	 " password_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, "
	 " password_changed_at INTEGER NOT NULL) STRICT;"
	 "CREATE TABLE memberships (structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " user_id INTEGER NOT NULL REFERENCES users(id), role INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1, "
	 " created_at INTEGER NOT NULL, PRIMARY KEY (structure_id, user_id)) STRICT;"
	 "CREATE INDEX memberships_user ON memberships(user_id);"
	 "CREATE TABLE sessions (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, "
	 " user_id INTEGER NOT NULL REFERENCES users(id), structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " csrf TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL, remote TEXT NOT NULL DEFAULT '') STRICT;"
	 "CREATE INDEX sessions_user ON sessions(user_id);"
	 "CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, "
	 " user_id INTEGER NOT NULL REFERENCES users(id), structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " label TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, last_used INTEGER NOT NULL DEFAULT 0, "
	 " revoked INTEGER NOT NULL DEFAULT 0) STRICT;"
	 "CREATE TABLE login_failures (key TEXT NOT NULL, at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX login_failures_key ON login_failures(key, at);",
	 NULL},
	{2, "structure option: record the NIR",
	 "ALTER TABLE structures ADD COLUMN nir_enabled INTEGER NOT NULL DEFAULT 0;", NULL},
	/* What other modules may read of this one's tables, as views: agents'
	 * names (for "by whom" columns) and the active agents of a structure
	 * (for choosing a referent or an orientation). Nothing else. */
	{3, "published views: agent_names, structure_agents",
	 "CREATE VIEW agent_names AS SELECT id, display_name FROM users;"
	 "CREATE VIEW structure_agents AS SELECT m.structure_id, u.id AS user_id, u.display_name, m.role FROM memberships m "
	 " JOIN users u ON u.id = m.user_id WHERE m.active = 1 AND u.active = 1;", NULL},
	{4, "two-factor authentication (TOTP), required per role by a structure",
	 "ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';"
	 "ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE users ADD COLUMN totp_step INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE structures ADD COLUMN totp_roles INTEGER NOT NULL DEFAULT 0;", NULL},
	/* Tokens expire (those made before: 90 days after their creation),
	 * and may be marked as a service account's. */
	{5, "API tokens: expiry, service accounts, revocation date",
	 "ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE api_tokens ADD COLUMN service INTEGER NOT NULL DEFAULT 0;"
	 "ALTER TABLE api_tokens ADD COLUMN revoked_at INTEGER NOT NULL DEFAULT 0;"
	 "UPDATE api_tokens SET expires_at = created_at + 7776000;"
	 "CREATE INDEX api_tokens_user ON api_tokens(user_id);"
	 "ALTER TABLE structures ADD COLUMN token_days INTEGER NOT NULL DEFAULT 90;", NULL},
	/* Login throttling as counters claimed atomically (see below). */
	{6, "login throttling: counters per address and per account and address",
	 "DROP TABLE login_failures;"
	 "CREATE TABLE login_throttle (key TEXT PRIMARY KEY, failures INTEGER NOT NULL DEFAULT 0, first_at INTEGER NOT NULL, "
	 " next_at INTEGER NOT NULL DEFAULT 0) STRICT;", NULL},
	/* Who signs the letters: a name and a title the structure chooses,
	 * « par délégation » or not — never whoever clicked. */
	{7, "the signatory of letters",
	 "ALTER TABLE structures ADD COLUMN signatory_name TEXT NOT NULL DEFAULT '';"
	 "ALTER TABLE structures ADD COLUMN signatory_title TEXT NOT NULL DEFAULT '';"
	 "ALTER TABLE structures ADD COLUMN signatory_delegation INTEGER NOT NULL DEFAULT 1;", NULL},
	/* How far back an agent may date what was done (yesterday's calls
	 * typed today): a number of days the structure chooses. */
	{8, "how many days back an action may be dated",
	 "ALTER TABLE structures ADD COLUMN backdate_days INTEGER NOT NULL DEFAULT 7;", NULL},
	/* An agent's service in the structure (« Accueil », « Pôle seniors »):
	 * the agent lists of a CCAS of 184 are grouped by it. */
	{9, "an agent's service",
	 "ALTER TABLE memberships ADD COLUMN service TEXT NOT NULL DEFAULT '';"
	 "DROP VIEW structure_agents;"
	 "CREATE VIEW structure_agents AS SELECT m.structure_id, u.id AS user_id, u.display_name, m.role, m.service "
	 " FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.active = 1 AND u.active = 1;", NULL},
	/* A structure's reference version (accounts.h): its lists of agents, motives and partners kept in memory while
	 * it holds. Its agents are the memberships and the names and states of their accounts. */
	{10, "a structure's reference version, raised when its agents change",
	 "ALTER TABLE structures ADD COLUMN refs_version INTEGER NOT NULL DEFAULT 0;"
	 ACCOUNTS_REFS_TRIGGERS_SQ("memberships")
	 "CREATE TRIGGER users_refs_upd AFTER UPDATE OF display_name, active ON users BEGIN "
	 " UPDATE structures SET refs_version = refs_version + 1 WHERE id IN (SELECT structure_id FROM memberships WHERE user_id = new.id);"
	 " END;",
	 "ALTER TABLE structures ADD COLUMN refs_version BIGINT NOT NULL DEFAULT 0;"
	 "CREATE FUNCTION refs_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " IF TG_OP IN ('UPDATE', 'DELETE') THEN " ACCOUNTS_REFS_BUMP("OLD.structure_id") " END IF;"
	 " IF TG_OP IN ('UPDATE', 'INSERT') THEN " ACCOUNTS_REFS_BUMP("NEW.structure_id") " END IF;"
	 " RETURN NULL; END $$;"
	 ACCOUNTS_REFS_TRIGGER_PG("memberships")
	 "CREATE FUNCTION users_refs_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " UPDATE structures SET refs_version = refs_version + 1 WHERE id IN (SELECT structure_id FROM memberships WHERE user_id = NEW.id);"
	 " RETURN NULL; END $$;"
	 "CREATE TRIGGER users_refs AFTER UPDATE OF display_name, active ON users FOR EACH ROW EXECUTE FUNCTION users_refs_bump();"},
};
int PERM_ADMIN_USERS, PERM_ADMIN_STRUCTURE;

const db_module_schema accounts_schema = {"accounts", migrations, COUNTOF(migrations)};

/* ---- roles and permissions ----------------------------------------------- */

static const struct { const char *key, *label; } roles[ROLE__MAX] = {
	[ROLE_NONE] = {"aucun", "Aucun rôle"},
	[ROLE_RECEPTION] = {"accueil", "Agent d’accueil"},
	[ROLE_SOCIAL_WORKER] = {"travailleur_social", "Travailleur social"},
	[ROLE_CASE_OFFICER] = {"instructeur", "Instructeur"},
	[ROLE_MANAGER] = {"responsable", "Responsable"},
	[ROLE_COMMITTEE] = {"commission", "Membre de commission"},
	[ROLE_DPO] = {"dpo", "DPO / auditeur"},
	[ROLE_ADMIN] = {"administrateur", "Administrateur"},
	[ROLE_VOLUNTEER] = {"benevole", "Bénévole"},
};

const char *role_label(role r) { return r > 0 && r < ROLE__MAX ? roles[r].label : roles[0].label; }
const char *role_key(role r) { return r > 0 && r < ROLE__MAX ? roles[r].key : roles[0].key; }

role role_from_key(const char *key)
{
	if (!key)
		return ROLE_NONE;
	for (int r = 1; r < ROLE__MAX; r++)
		if (!strcmp(roles[r].key, key))
			return (role)r;
	int64_t v;
	if (text_to_int64(key, 1, ROLE__MAX - 1, &v))
		return (role)v;
	return ROLE_NONE;
}

#define MAX_PERMS 64
typedef struct perm_def { const char *key, *label; unsigned roles; } perm_def;
static perm_def perms[MAX_PERMS];
static int nperms;
static uint64_t role_masks[ROLE__MAX];

int perm_declare(const char *key, const char *label, unsigned role_mask)
{
	for (int i = 0; i < nperms; i++)
		if (!strcmp(perms[i].key, key))
			return i;
	if (nperms >= MAX_PERMS)
		log_fatal("accounts: more than %d permissions (a 64-bit mask per role)", MAX_PERMS);
	perms[nperms] = (perm_def){key, label, role_mask};
	for (int r = 1; r < ROLE__MAX; r++)
		if (role_mask & ROLE_BIT(r))
			role_masks[r] |= (uint64_t)1 << nperms;
	return nperms++;
}

int perm_count(void) { return nperms; }
const char *perm_key(int p) { return p >= 0 && p < nperms ? perms[p].key : ""; }
const char *perm_label(int p) { return p >= 0 && p < nperms ? perms[p].label : ""; }
bool perm_granted(int p, role r) { return p >= 0 && p < nperms && r > 0 && r < ROLE__MAX && (perms[p].roles & ROLE_BIT(r)); }
uint64_t perm_mask_for(role r) { return r > 0 && r < ROLE__MAX ? role_masks[r] : 0; }

/* ---- statements ---------------------------------------------------------- */

static db_sql Q_STRUCT_ADD = DB_SQL(DB_GLOBAL,
	"INSERT INTO structures (name, created_at) VALUES ($1, $2) RETURNING id");
static db_sql Q_STRUCT_FIRST = DB_SQL(DB_GLOBAL, "SELECT id FROM structures ORDER BY id LIMIT 1");
static db_sql Q_USER_ADD = DB_SQL(DB_GLOBAL,
	"INSERT INTO users (email, display_name, password_hash, created_at, password_changed_at) "
	"VALUES ($1, $2, $3, $4, $4) RETURNING id");
static db_sql Q_MEMBER_ADD = DB_SQL(DB_GLOBAL,
	"INSERT INTO memberships (structure_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)");
static db_sql Q_USER_ACTIVE = DB_SQL(DB_GLOBAL, "UPDATE users SET active = $2 WHERE email = $1 RETURNING id");
static db_sql Q_USER_LIST = DB_SQL(DB_GLOBAL,
	"SELECT u.id, u.email, u.active, s.id, s.name, m.role, m.active FROM users u "
	"LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN structures s ON s.id = m.structure_id "
	"ORDER BY u.id, s.id");
static db_sql Q_USER_BY_EMAIL = DB_SQL(DB_GLOBAL,
	"SELECT id, password_hash, active FROM users WHERE email = $1");
static db_sql Q_FIRST_MEMBERSHIP = DB_SQL(DB_GLOBAL,
	"SELECT m.structure_id FROM memberships m WHERE m.user_id = $1 AND m.active = 1 "
	"ORDER BY m.structure_id LIMIT 1");
static db_sql Q_IS_MEMBER = DB_SQL(DB_GLOBAL,
	"SELECT role FROM memberships WHERE user_id = $1 AND structure_id = $2 AND active = 1");
static db_sql Q_SESSION_ADD = DB_SQL(DB_GLOBAL,
	"INSERT INTO sessions (token_hash, user_id, structure_id, csrf, created_at, last_seen, remote) "
	"VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id");
/* One query identifies a session: user, membership, structure, and what the modules know of the user (their
 * user_fact columns, after the SESSION_COLS first ones: the statement is completed at first use). */
#define SESSION_COLS 15
#define SESSION_SELECT                                                                                                   \
	"SELECT s.id, s.user_id, s.structure_id, s.csrf, s.last_seen, s.created_at, u.email, u.display_name, "           \
	" m.role, st.name, st.tz, (SELECT count(*) FROM memberships m2 WHERE m2.user_id = u.id AND m2.active = 1), "     \
	" u.totp_enabled, st.totp_roles, st.refs_version"
#define SESSION_FROM                                                                                                     \
	" FROM sessions s JOIN users u ON u.id = s.user_id AND u.active = 1 "                                            \
	"JOIN memberships m ON m.user_id = s.user_id AND m.structure_id = s.structure_id AND m.active = 1 "              \
	"JOIN structures st ON st.id = s.structure_id WHERE s.token_hash = $1"
static db_sql Q_SESSION_GET = DB_SQL(DB_GLOBAL, NULL);
static db_sql Q_SESSION_TOUCH = DB_SQL(DB_GLOBAL, "UPDATE sessions SET last_seen = $2 WHERE id = $1");
static db_sql Q_SESSION_DEL = DB_SQL(DB_GLOBAL, "DELETE FROM sessions WHERE id = $1");
static db_sql Q_SESSION_DEL_OLD = DB_SQL(DB_GLOBAL, "DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2");
/* A token is valid while not revoked, not expired, its owner active and
 * a member, and not older than the owner's last password change. */
#define TOKEN_COLS 12
#define TOKEN_SELECT                                                                                                     \
	"SELECT t.id, t.user_id, t.structure_id, t.last_used, u.email, u.display_name, m.role, st.name, st.tz, "         \
	" t.service, st.totp_roles, st.refs_version"
#define TOKEN_FROM                                                                                                       \
	" FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.active = 1 "                                          \
	"JOIN memberships m ON m.user_id = t.user_id AND m.structure_id = t.structure_id AND m.active = 1 "              \
	"JOIN structures st ON st.id = t.structure_id WHERE t.token_hash = $1 AND t.revoked = 0 AND t.expires_at > $2 "  \
	"AND t.created_at >= u.password_changed_at"
static db_sql Q_TOKEN_GET = DB_SQL(DB_GLOBAL, NULL);
static pthread_once_t auth_once = PTHREAD_ONCE_INIT;

/* The two statements with the modules' user facts, built once (literal SQL of the code, never input). */
static void auth_build(void)
{
	const char *facts = module_user_facts_sql();
	char *session = NULL, *token = NULL;
	if (asprintf(&session, "%s%s%s", SESSION_SELECT, facts, SESSION_FROM) < 0 ||
	    asprintf(&token, "%s%s%s", TOKEN_SELECT, facts, TOKEN_FROM) < 0)
		log_fatal("accounts: out of memory building the session's statements");
	Q_SESSION_GET.text = session;
	Q_TOKEN_GET.text = token;
}
static db_sql Q_TOKEN_TOUCH = DB_SQL(DB_GLOBAL, "UPDATE api_tokens SET last_used = $2 WHERE id = $1");

/* ---- commands ------------------------------------------------------------ */

static db_sql Q_NIR_ENABLED = DB_SQL(DB_GLOBAL, "SELECT nir_enabled FROM structures WHERE id = $1");

static db_sql Q_INFO = DB_SQL(DB_GLOBAL,
	"SELECT name, address, insee, tz, phone, email, dpo_contact, signatory_name, signatory_title, signatory_delegation, "
	"backdate_days FROM structures WHERE id = $1");
static db_sql Q_UNAME = DB_SQL(DB_GLOBAL, "SELECT display_name FROM users WHERE id = $1");

err accounts_structure_info(db_conn *c, arena *a, int64_t sid, structure_info *o)
{
	db_res q = {0};
	const char **f[] = {&o->name, &o->address, &o->insee, &o->tz, &o->phone, &o->email, &o->dpo, &o->signatory_name,
	                    &o->signatory_title};
	memset(o, 0, sizeof *o);
	for (int i = 0; i < 9; i++)
		*f[i] = ""; /* read or not, never a pointer to nothing (a caller that goes on after an error) */
	err e = DBQ(c, &Q_INFO, &q, A_INT(sid));
	if (e == E_OK && !db_next(&q))
		e = E_NOT_FOUND;
	if (e == E_OK) {
		for (int i = 0; i < 9; i++) {
			char *v = db_dup(&q, i, a);
			*f[i] = v ? v : "";
		}
		o->signatory_delegation = db_int(&q, 9) != 0;
		o->backdate_days = (int)db_int(&q, 10);
	}
	db_close(&q);
	return e;
}

bool accounts_period_instants(db_conn *c, arena *a, const char *from, const char *to, int64_t *start, int64_t *end)
{
	structure_info si;
	const char *tz = accounts_structure_info(c, a, db_conn_structure(c), &si) == E_OK && *si.tz ? si.tz : "Europe/Paris";
	civil_date f, t;
	if (!from || !to || !civil_parse(from, &f) || !civil_parse(to, &t))
		return false;
	*start = civil_day_start(tz, f);
	*end = civil_day_start(tz, civil_from_days(civil_to_days(t) + 1));
	return true;
}

static db_sql Q_LOGO = DB_SQL(DB_GLOBAL, "SELECT logo, logo_type FROM structures WHERE id = $1 AND logo IS NOT NULL");

bool accounts_structure_logo(db_conn *c, arena *a, int64_t sid, const void **bytes, size_t *len, const char **type)
{
	db_res q = {0};
	bool ok = false;
	if (DBQ(c, &Q_LOGO, &q, A_INT(sid)) == E_OK && db_next(&q)) {
		*bytes = db_blob(&q, 0, a, len);
		*type = db_dup(&q, 1, a);
		ok = *bytes && *len && *type;
	}
	db_close(&q);
	return ok;
}

const char *accounts_letter_gap(const structure_info *s, bool signed_document)
{
	if (!s->address || !*s->address)
		return "L’adresse de la structure n’est pas renseignée : un administrateur la saisit dans Administration › "
		       "Structure avant que le document puisse être imprimé.";
	if (signed_document && (!s->signatory_name || !*s->signatory_name || !s->signatory_title || !*s->signatory_title))
		return "Le signataire des lettres (nom et qualité) n’est pas renseigné : un administrateur le saisit dans "
		       "Administration › Structure avant que le document puisse être imprimé.";
	return NULL;
}

const char *accounts_structure_town(arena *a, const structure_info *s)
{
	const char *addr = s->address ? s->address : "", *last = addr;
	for (const char *p = addr; *p; p++)
		if (*p == '\n' && p[1])
			last = p + 1;
	while (*last == ' ' || (*last >= '0' && *last <= '9'))
		last++;
	size_t n = strcspn(last, "\r\n");
	char *t = arena_strndup(a, last, n);
	return t ? t : "";
}

const char *accounts_user_name(db_conn *c, arena *a, int64_t uid)
{
	db_res q = {0};
	char *s = NULL;
	if (DBQ(c, &Q_UNAME, &q, A_INT(uid)) == E_OK && db_next(&q))
		s = db_dup(&q, 0, a);
	db_close(&q);
	return s ? s : "";
}

bool accounts_nir_enabled(db_conn *c, int64_t structure_id)
{
	int64_t v = 0;
	return DBID(c, &Q_NIR_ENABLED, &v, A_INT(structure_id)) == E_OK && v == 1;
}

static db_sql Q_STRUCT_IDS = DB_SQL(DB_GLOBAL, "SELECT id FROM structures ORDER BY id");

int accounts_structure_ids(db_conn *c, arena *a, int64_t **ids)
{
	db_res q = {0};
	int n = 0, cap = 0, failed = db_conn_failures(c);
	int64_t *v = NULL;
	bool nomem = false;
	if (DBQ0(c, &Q_STRUCT_IDS, &q) == E_OK)
		while (!nomem && db_next(&q)) {
			if (n == cap) {
				int nc = cap ? cap * 2 : 64;
				int64_t *g = arena_array(a, (size_t)nc, sizeof *g);
				if (!g) {
					nomem = true;
					break;
				}
				if (n)
					memcpy(g, v, sizeof *v * (size_t)n);
				v = g;
				cap = nc;
			}
			v[n++] = db_int(&q, 0);
		}
	db_close(&q);
	*ids = v;
	return nomem || db_conn_failures(c) != failed ? -1 : n;
}

err accounts_structure_first(db_conn *c, int64_t *id)
{
	return DBID0(c, &Q_STRUCT_FIRST, id) == E_OK ? E_OK : E_DB;
}

err accounts_structure_create(db_conn *c, const char *name, int64_t *id)
{
	return DBID(c, &Q_STRUCT_ADD, id, A_TEXT(name), A_INT(civil_now()));
}

static db_sql Q_STRUCT_DESCRIBE = DB_SQL(DB_GLOBAL,
	"UPDATE structures SET address = $2, phone = $3, email = $4, dpo_contact = $5, signatory_name = $6, signatory_title = $7, "
	"signatory_delegation = $8, tz = CASE WHEN $9 = '' THEN tz ELSE $9 END, insee = CASE WHEN $10 = '' THEN insee ELSE $10 END, "
	"version = version + 1 WHERE id = $1");

static db_sql Q_SERVICE_SET = DB_SQL(DB_GLOBAL, "UPDATE memberships SET service = $3 WHERE structure_id = $1 AND user_id = $2");

err accounts_set_service(db_conn *c, int64_t structure_id, int64_t user_id, const char *service)
{
	if (!service)
		return E_OK;
	if (strlen(service) > 100)
		return E_INPUT;
	return DBX(c, &Q_SERVICE_SET, NULL, A_INT(structure_id), A_INT(user_id), A_TEXT(service));
}

err accounts_structure_describe(db_conn *c, int64_t id, const structure_info *s)
{
	int64_t n = 0;
	err e = DBX(c, &Q_STRUCT_DESCRIBE, &n, A_INT(id), A_TEXT(s->address), A_TEXT(s->phone), A_TEXT(s->email), A_TEXT(s->dpo),
	            A_TEXT(s->signatory_name), A_TEXT(s->signatory_title), A_INT(s->signatory_delegation ? 1 : 0),
	            A_TEXT(s->tz ? s->tz : ""), A_TEXT(s->insee ? s->insee : ""));
	return e == E_OK && n != 1 ? E_NOT_FOUND : e;
}

err accounts_user_create(db_conn *c, int64_t structure_id, const char *email, const char *name,
                         const char *password, role r, int64_t *user_id)
{
	char hash[256];
	if (!crypto_password_hash(password, hash, sizeof hash))
		return E_NOMEM;
	arena a;
	arena_init(&a, 0);
	char *em = text_ascii_lower(&a, email);
	bool own = !db_in_tx(c);
	err e = own ? db_begin(c, true) : E_OK;
	if (e == E_OK)
		e = DBID(c, &Q_USER_ADD, user_id, A_TEXT(em), A_TEXT(name), A_TEXT(hash), A_INT(civil_now()));
	if (e == E_OK)
		e = DBX(c, &Q_MEMBER_ADD, NULL, A_INT(structure_id), A_INT(*user_id), A_INT(r), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record_in(c, structure_id, 0, "create", "user", *user_id, role_key(r));
	if (own)
		e = db_finish(c, e);
	arena_release(&a);
	return e;
}

/* Disabling an account also revokes its API tokens, for good: enabling it
 * again does not bring them back. */
err accounts_user_set_active(db_conn *c, const char *email, bool active)
{
	arena a;
	arena_init(&a, 0);
	int64_t uid = 0;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBID(c, &Q_USER_ACTIVE, &uid, A_TEXT(text_ascii_lower(&a, email)), A_INT(active ? 1 : 0));
	if (e == E_OK && !uid)
		e = E_NOT_FOUND;
	if (e == E_OK && !active)
		e = accounts_tokens_revoke_user(c, uid, 0);
	e = db_finish(c, e);
	arena_release(&a);
	return e;
}

err accounts_user_list(db_conn *c)
{
	db_res r = {0};
	err e = DBQ0(c, &Q_USER_LIST, &r);
	printf("%-6s %-36s %-9s %s\n", "id", "e-mail", "état", "structures (rôle)");
	int64_t last = 0;
	while (db_next(&r)) {
		int64_t id = db_int(&r, 0);
		if (id != last) {
			printf("%s%-6lld %-36s %-9s", last ? "\n" : "", (long long)id, db_text(&r, 1),
			       db_int(&r, 2) ? "actif" : "désactivé");
			last = id;
		}
		if (!db_isnull(&r, 3))
			printf(" [%lld %s : %s%s]", (long long)db_int(&r, 3), db_text(&r, 4),
			       role_key((role)db_int(&r, 5)), db_int(&r, 6) ? "" : ", suspendu");
	}
	if (last)
		printf("\n");
	db_close(&r);
	return e;
}

err accounts_member_find(db_conn *c, const char *email, int64_t *structure_id, int64_t *user_id)
{
	arena a;
	arena_init(&a, 0);
	db_res r = {0};
	int64_t uid = 0;
	err e = DBQ(c, &Q_USER_BY_EMAIL, &r, A_TEXT(text_ascii_lower(&a, email)));
	if (e == E_OK && db_next(&r))
		uid = db_int(&r, 0);
	db_close(&r);
	arena_release(&a);
	if (e != E_OK)
		return e;
	if (!uid)
		return E_NOT_FOUND;
	if (!*structure_id && DBID(c, &Q_FIRST_MEMBERSHIP, structure_id, A_INT(uid)) != E_OK)
		return E_DB;
	int64_t role_v = 0;
	if (DBID(c, &Q_IS_MEMBER, &role_v, A_INT(uid), A_INT(*structure_id)) != E_OK || !role_v)
		return E_FORBIDDEN;
	*user_id = uid;
	return E_OK;
}

/* ---- throttling ---------------------------------------------------------- */

/* Two counters, kept in login_throttle and claimed before a password is
 * checked (see accounts_internal.h):
 *  - per (account, address) pair: 5 attempts, then a growing delay (30 s,
 *    1 min, 2, 4, 8, 16 min) before each next one — the attacker slows
 *    down, the real user (from another address) is never locked out;
 *  - per address: 20 failures in 15 minutes lock that address only.
 * Counters start again 15 minutes after their first failure. */
#define THROTTLE_WINDOW (15 * 60)
#define THROTTLE_PAIR_FREE 5
#define THROTTLE_ADDRESS 20

static db_sql Q_THR_ENSURE = DB_SQL(DB_GLOBAL,
	"INSERT INTO login_throttle (key, failures, first_at, next_at) VALUES ($1, 0, $2, 0) ON CONFLICT (key) DO NOTHING");
static db_sql Q_THR_WINDOW = DB_SQL(DB_GLOBAL,
	"UPDATE login_throttle SET failures = 0, first_at = $2, next_at = 0 WHERE key = $1 AND first_at < $3 AND next_at <= $2");
/* The claim is one conditional UPDATE: two parallel attempts cannot both
 * see the last free slot (the row is written by one, then re-read). */
static db_sql Q_THR_CLAIM_ADDRESS = DB_SQL(DB_GLOBAL,
	"UPDATE login_throttle SET failures = failures + 1 WHERE key = $1 AND failures < $2 RETURNING failures");
static db_sql Q_THR_CLAIM_PAIR = DB_SQL(DB_GLOBAL,
	"UPDATE login_throttle SET failures = failures + 1, next_at = CASE WHEN failures + 1 < $3 THEN 0 "
	" ELSE $2 + CASE failures + 1 - $3 WHEN 0 THEN 30 WHEN 1 THEN 60 WHEN 2 THEN 120 WHEN 3 THEN 240 WHEN 4 THEN 480 "
	" ELSE 960 END END "
	"WHERE key = $1 AND next_at <= $2 RETURNING failures");
static db_sql Q_THR_WAIT = DB_SQL(DB_GLOBAL, "SELECT next_at, failures, first_at FROM login_throttle WHERE key = $1");
static db_sql Q_THR_PAIR_OK = DB_SQL(DB_GLOBAL, "UPDATE login_throttle SET failures = 0, next_at = 0 WHERE key = $1");
static db_sql Q_THR_ADDRESS_OK = DB_SQL(DB_GLOBAL,
	"UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0");
static db_sql Q_THR_PURGE = DB_SQL(DB_GLOBAL, "DELETE FROM login_throttle WHERE first_at < $1 AND next_at < $1");

static void throttle_keys(arena *a, const char *email, const char *remote, char **k_pair, char **k_ip)
{
	char h[CRYPTO_HASH_HEX + 1];
	const char *ip = remote ? remote : "?";
	/* Hashed: the table must not list who tried, nor from where. */
	char *pair = arena_printf(a, "%s\x1f%s", email, ip);
	crypto_hash_hex(pair ? pair : "", pair ? strlen(pair) : 0, h);
	*k_pair = arena_printf(a, "p:%.40s", h);
	*k_ip = arena_printf(a, "ip:%s", ip);
}

err accounts_attempt_claim(db_conn *c, arena *a, const char *email, const char *remote, const char **why)
{
	char *kp, *ki;
	throttle_keys(a, email, remote, &kp, &ki);
	*why = NULL;
	if (!kp || !ki)
		return E_NOMEM;
	int64_t now = civil_now(), got_ip = 0, got_pair = 0;
	err e = db_begin(c, true);
	for (int i = 0; i < 2 && e == E_OK; i++) {
		const char *k = i ? ki : kp;
		e = DBX(c, &Q_THR_ENSURE, NULL, A_TEXT(k), A_INT(now));
		if (e == E_OK)
			e = DBX(c, &Q_THR_WINDOW, NULL, A_TEXT(k), A_INT(now), A_INT(now - THROTTLE_WINDOW));
	}
	if (e == E_OK)
		e = DBID(c, &Q_THR_CLAIM_ADDRESS, &got_ip, A_TEXT(ki), A_INT(THROTTLE_ADDRESS));
	if (e == E_OK && got_ip)
		e = DBID(c, &Q_THR_CLAIM_PAIR, &got_pair, A_TEXT(kp), A_INT(now), A_INT(THROTTLE_PAIR_FREE));
	if (e == E_OK && got_ip && got_pair) {
		if (now % 64 == 0)
			e = DBX(c, &Q_THR_PURGE, NULL, A_INT(now - 24 * 3600));
		return db_finish(c, e);
	}
	db_rollback(c);
	if (e != E_OK)
		return e;
	/* Refused: say how long to wait. */
	db_res q = {0};
	int64_t wait = 0;
	if (!got_ip) {
		if (DBQ(c, &Q_THR_WAIT, &q, A_TEXT(ki)) == E_OK && db_next(&q))
			wait = db_int(&q, 2) + THROTTLE_WINDOW - now;
		*why = arena_printf(a, "Trop de tentatives de connexion depuis cette adresse : elle est bloquée pendant %lld minute(s). "
		                       "Les autres postes ne sont pas concernés.", (long long)((wait + 59) / 60 > 0 ? (wait + 59) / 60 : 1));
	} else {
		if (DBQ(c, &Q_THR_WAIT, &q, A_TEXT(kp)) == E_OK && db_next(&q))
			wait = db_int(&q, 0) - now;
		if (wait < 1)
			wait = 1;
		*why = wait < 120 ? arena_printf(a, "Trop de tentatives pour ce compte depuis ce poste : réessayez dans %lld secondes.",
		                                 (long long)wait)
		                  : arena_printf(a, "Trop de tentatives pour ce compte depuis ce poste : réessayez dans %lld minutes.",
		                                 (long long)((wait + 59) / 60));
	}
	db_close(&q);
	log_info("accounts: attempt throttled (%s)", got_ip ? "account and address" : "address");
	return E_THROTTLED;
}

err accounts_attempt_succeeded(db_conn *c, arena *a, const char *email, const char *remote)
{
	char *kp, *ki;
	throttle_keys(a, email, remote, &kp, &ki);
	if (!kp || !ki)
		return E_NOMEM;
	err e = DBX(c, &Q_THR_PAIR_OK, NULL, A_TEXT(kp));
	if (e == E_OK)
		e = DBX(c, &Q_THR_ADDRESS_OK, NULL, A_TEXT(ki));
	return e;
}

/* ---- login and sessions -------------------------------------------------- */

#include <pthread.h>
static char dummy[256];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void dummy_make(void)
{
	char pw[CRYPTO_TOKEN_LEN + 1];
	crypto_token(pw);
	crypto_password_hash(pw, dummy, sizeof dummy);
}
/* A real hash of a random password: checking an unknown e-mail costs as
 * much as checking a known one. */
static const char *dummy_hash(void)
{
	pthread_once(&dummy_once, dummy_make);
	return dummy;
}

static db_sql Q_TOTP_GET = DB_SQL(DB_GLOBAL, "SELECT totp_secret, totp_enabled, totp_step FROM users WHERE id = $1");
static db_sql Q_TOTP_STEP = DB_SQL(DB_GLOBAL, "UPDATE users SET totp_step = $2 WHERE id = $1 AND totp_step < $2");

static err login_checked(db_conn *c, arena *a, const char *em, const char *password, const char *totp_code,
                         const char *remote, char token_out[CRYPTO_TOKEN_LEN + 1], int64_t *user_out);

/* An attempt the server could not judge (the database failing under it) given back: not the person's failure. */
static db_sql Q_THR_GIVE_BACK = DB_SQL(DB_GLOBAL,
	"UPDATE login_throttle SET failures = failures - 1, next_at = CASE WHEN failures - 1 < $2 THEN 0 ELSE next_at END "
	"WHERE key = $1 AND failures > 0");

err accounts_login(db_conn *c, arena *a, const char *email, const char *password, const char *totp_code, const char *remote,
                   char token_out[CRYPTO_TOKEN_LEN + 1], int64_t *user_out, const char **why)
{
	char *em = text_ascii_lower(a, email ? email : "");
	err te = accounts_attempt_claim(c, a, em, remote, why);
	if (te != E_OK)
		return te;
	err e = login_checked(c, a, em, password, totp_code, remote, token_out, user_out);
	if (e != E_OK && e != E_AUTH && e != E_AUTH_CODE && e != E_AUTH_CODE_NEEDED && !db_in_tx(c)) {
		char *kp, *ki;
		throttle_keys(a, em, remote, &kp, &ki);
		if (kp && ki && DBX(c, &Q_THR_GIVE_BACK, NULL, A_TEXT(kp), A_INT(THROTTLE_PAIR_FREE)) == E_OK)
			DBX(c, &Q_THR_GIVE_BACK, NULL, A_TEXT(ki), A_INT(THROTTLE_ADDRESS));
	}
	return e;
}

static err login_checked(db_conn *c, arena *a, const char *em, const char *password, const char *totp_code,
                         const char *remote, char token_out[CRYPTO_TOKEN_LEN + 1], int64_t *user_out)
{
	db_res r = {0};
	int64_t uid = 0;
	bool active = false;
	char *hash = NULL;
	err e = DBQ(c, &Q_USER_BY_EMAIL, &r, A_TEXT(em));
	if (e == E_OK && db_next(&r)) {
		uid = db_int(&r, 0);
		hash = db_dup(&r, 1, a);
		active = db_int(&r, 2) != 0;
	}
	db_close(&r);
	if (e != E_OK)
		return e;
	/* Verify even when the user is unknown, so timing does not tell. */
	bool ok = crypto_password_verify(hash ? hash : dummy_hash(), password ? password : "") && uid && active;
	int64_t sid = 0;
	if (ok && (e = DBID(c, &Q_FIRST_MEMBERSHIP, &sid, A_INT(uid))) != E_OK)
		return e;
	if (ok && sid == 0)
		ok = false; /* no active membership anywhere */
	if (!ok) {
		log_info("accounts: login refused user=%lld", (long long)uid);
		return E_AUTH; /* the claimed attempt stays counted as a failure */
	}
	/* Second factor, when the user set one up: a totp_code used once. */
	int64_t step = 0;
	db_res t = {0};
	bool totp = false;
	char *secret = NULL;
	int64_t last_step = 0;
	if ((e = DBQ(c, &Q_TOTP_GET, &t, A_INT(uid))) == E_OK && db_next(&t)) {
		totp = db_int(&t, 1) != 0;
		secret = db_dup(&t, 0, a);
		last_step = db_int(&t, 2);
	}
	db_close(&t);
	if (e != E_OK)
		return e; /* the second factor unknown: never taken for « none » */
	if (totp && !(step = totp_verify(secret, totp_code, civil_now(), last_step))) {
		log_info("accounts: second factor refused user=%lld", (long long)uid);
		return totp_code && *totp_code ? E_AUTH_CODE : E_AUTH_CODE_NEEDED;
	}
	char csrf[CRYPTO_TOKEN_LEN + 1], th[CRYPTO_HASH_HEX + 1];
	crypto_token(token_out);
	crypto_token(csrf);
	crypto_hash_hex(token_out, strlen(token_out), th);
	int64_t session_id = 0;
	int64_t now = civil_now();
	e = db_begin(c, true);
	if (e == E_OK)
		e = DBID(c, &Q_SESSION_ADD, &session_id, A_TEXT(th), A_INT(uid), A_INT(sid), A_TEXT(csrf), A_INT(now),
		         A_TEXT(remote ? remote : ""));
	if (e == E_OK)
		e = accounts_attempt_succeeded(c, a, em, remote);
	if (e == E_OK)
		e = DBX(c, &Q_SESSION_DEL_OLD, NULL, A_INT(now - ACCOUNTS_IDLE), A_INT(now - ACCOUNTS_MAX_AGE));
	if (e == E_OK && step)
		e = DBX(c, &Q_TOTP_STEP, NULL, A_INT(uid), A_INT(step));
	if (e == E_OK)
		e = journal_record_in(c, sid, uid, "login", "session", session_id, step ? "totp" : NULL);
	e = db_finish(c, e);
	*user_out = uid;
	return e;
}

err accounts_logout(db_conn *c, web_user *u)
{
	if (!u || !u->session_id)
		return E_OK;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBX(c, &Q_SESSION_DEL, NULL, A_INT(u->session_id));
	if (e == E_OK)
		e = journal_record_in(c, u->structure_id, u->id, "logout", "session", u->session_id, NULL);
	return db_finish(c, e);
}

/* The look-up's error, when it had one: a row not read because the database failed is not « no such session ». */
static err lookup_err(err qe, const db_res *q)
{
	return qe != E_OK ? qe : q->status;
}

static web_user *from_session(web_req *r, const char *token, err *why)
{
	char th[CRYPTO_HASH_HEX + 1];
	crypto_hash_hex(token, strlen(token), th);
	db_res q = {0};
	web_user *u = NULL;
	int64_t now = civil_now(), last = 0, refs = -1;
	pthread_once(&auth_once, auth_build);
	err qe = DBQ(r->db, &Q_SESSION_GET, &q, A_TEXT(th));
	if (qe == E_OK && db_next(&q)) {
		last = db_int(&q, 4);
		int64_t created = db_int(&q, 5);
		if (now - last <= ACCOUNTS_IDLE && now - created <= ACCOUNTS_MAX_AGE &&
		    !(u = arena_alloc(r->a, sizeof *u)))
			qe = E_NOMEM;
		else if (u) {
			u->session_id = db_int(&q, 0);
			u->id = db_int(&q, 1);
			u->structure_id = db_int(&q, 2);
			u->csrf = db_dup(&q, 3, r->a);
			u->email = db_dup(&q, 6, r->a);
			u->display_name = db_dup(&q, 7, r->a);
			u->role = (int)db_int(&q, 8);
			u->structure_name = db_dup(&q, 9, r->a);
			u->tz = db_dup(&q, 10, r->a);
			u->nstructures = (int)db_int(&q, 11);
			u->must_enroll_totp = !db_int(&q, 12) && (db_int(&q, 13) >> u->role & 1);
			refs = db_int(&q, 14);
			module_user_facts_read(u, r->a, &q, SESSION_COLS);
		}
	}
	*why = lookup_err(qe, &q);
	db_close(&q);
	if (*why != E_OK)
		return NULL;
	/* Touch at most once a minute: a write per request would cost more
	 * than the request. */
	if (u && now - last >= 60)
		DBX(r->db, &Q_SESSION_TOUCH, NULL, A_INT(u->session_id), A_INT(now));
	if (u)
		db_conn_kept_version(r->db, refs); /* after the touch, a write: the reference lists kept in memory */
	return u;
}

static web_user *from_token(web_req *r, const char *token, err *why)
{
	char th[CRYPTO_HASH_HEX + 1];
	crypto_hash_hex(token, strlen(token), th);
	db_res q = {0};
	web_user *u = NULL;
	int64_t tid = 0, last = 0, now = civil_now(), refs = -1;
	pthread_once(&auth_once, auth_build);
	err qe = DBQ(r->db, &Q_TOKEN_GET, &q, A_TEXT(th), A_INT(now));
	if (qe == E_OK && db_next(&q)) {
		tid = db_int(&q, 0);
		int role_v = (int)db_int(&q, 6);
		bool service = db_int(&q, 9) != 0, needs_totp = (db_int(&q, 10) >> role_v) & 1;
		if (needs_totp && !service)
			log_info("accounts: token %lld refused: the role requires two-factor authentication", (long long)tid);
		else if (!(u = arena_alloc(r->a, sizeof *u)))
			qe = E_NOMEM;
		else {
			u->id = db_int(&q, 1);
			u->structure_id = db_int(&q, 2);
			last = db_int(&q, 3);
			u->email = db_dup(&q, 4, r->a);
			u->display_name = db_dup(&q, 5, r->a);
			u->role = role_v;
			u->structure_name = db_dup(&q, 7, r->a);
			u->tz = db_dup(&q, 8, r->a);
			u->via_token = true;
			u->nstructures = 1;
			refs = db_int(&q, 11);
			module_user_facts_read(u, r->a, &q, TOKEN_COLS);
		}
	}
	*why = lookup_err(qe, &q);
	db_close(&q);
	if (*why != E_OK)
		return NULL;
	if (u && now - last >= 60)
		DBX(r->db, &Q_TOKEN_TOUCH, NULL, A_INT(tid), A_INT(now));
	if (u)
		db_conn_kept_version(r->db, refs);
	return u;
}

static web_user *authenticate(web_req *r, err *why)
{
	web_user *u = NULL;
	const char *auth = r->header_auth;
	if (auth && !strncmp(auth, "Bearer ", 7) && strlen(auth + 7) == CRYPTO_TOKEN_LEN)
		u = from_token(r, auth + 7, why);
	else {
		const char *sid = kv_get(&r->cookies, ACCOUNTS_COOKIE);
		if (sid && strlen(sid) == CRYPTO_TOKEN_LEN)
			u = from_session(r, sid, why);
	}
	if (!u)
		return NULL;
	u->perms = u->must_enroll_totp ? 0 : perm_mask_for((role)u->role);
	u->role_label = role_label((role)u->role);
	db_conn_scope(r->db, u->structure_id);
	return u;
}

const web_auth_hooks accounts_auth_hooks = {authenticate};

/* A user's tokens in one structure ($3), or in all (no structure). */
static db_sql Q_TOKENS_OF_USER_REVOKE = DB_SQL(DB_GLOBAL,
	"UPDATE api_tokens SET revoked = 1, revoked_at = $2 WHERE user_id = $1 AND revoked = 0");
static db_sql Q_TOKENS_OF_USER_REVOKE_IN = DB_SQL(DB_GLOBAL,
	"UPDATE api_tokens SET revoked = 1, revoked_at = $2 WHERE user_id = $1 AND structure_id = $3 AND revoked = 0");

err accounts_tokens_revoke_user(db_conn *c, int64_t user_id, int64_t structure_id)
{
	return db_exec(c, structure_id ? &Q_TOKENS_OF_USER_REVOKE_IN : &Q_TOKENS_OF_USER_REVOKE, structure_id ? 3 : 2,
	               (db_arg[]){A_INT(user_id), A_INT(civil_now()), A_INT(structure_id)}, NULL);
}
