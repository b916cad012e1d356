/*
 * accounts.h — structures (tenants), users, roles and permissions, sessions,
 * API tokens, login throttling.
 *
 * Roles are those of DOMAIN.md. Permissions are declared by each module at
 * start-up (perm_declare) with the roles that hold them by default; the
 * router checks them. A user belongs to one or more structures with one
 * role in each; the session carries the current structure.
 */
#ifndef MODULES_ACCOUNTS_H
#define MODULES_ACCOUNTS_H
#include <stdbool.h>
#include <stdint.h>
#include "modules/module.h"
#include "store/store.h"
#include "web/web.h"

/* The roles (enum role) are in module.h: every module names them. */

const char *role_label(role r);       /* French, e.g. "Agent d’accueil" */
const char *role_key(role r);         /* stable, e.g. "accueil" */
role role_from_key(const char *key);  /* ROLE_NONE if unknown */

/* Declares a permission; returns its number (0..63). Call before serving. */
int perm_declare(const char *key, const char *label, unsigned role_mask);
int perm_count(void);
const char *perm_key(int p);
const char *perm_label(int p);
bool perm_granted(int p, role r);
uint64_t perm_mask_for(role r);

/* Permissions of this module. */
extern int PERM_ADMIN_USERS, PERM_ADMIN_STRUCTURE;

/* Published read-only views (the only tables of this module others may
 * name in SQL): agent_names(id, display_name) and
 * structure_agents(structure_id, user_id, display_name, role) — active
 * members of active accounts. */

/* A structure's reference version: raised by every write of a table that a DB_KEPT statement reads (store.h), read
 * with the session (db_conn_kept_version). The structure's agents raise it here; a module whose reference list is
 * kept (the contact form's motives, its partners) adds these triggers on its table (a column structure_id) in a
 * migration: ACCOUNTS_REFS_TRIGGERS_SQ(table) for SQLite, ACCOUNTS_REFS_TRIGGER_PG(table) for PostgreSQL. */
#define ACCOUNTS_REFS_BUMP(id) "UPDATE structures SET refs_version = refs_version + 1 WHERE id = " id ";"
#define ACCOUNTS_REFS_TRIGGERS_SQ(table)                                                                             \
	"CREATE TRIGGER " table "_refs_ins AFTER INSERT ON " table " BEGIN " ACCOUNTS_REFS_BUMP("new.structure_id") " END;" \
	"CREATE TRIGGER " table "_refs_del AFTER DELETE ON " table " BEGIN " ACCOUNTS_REFS_BUMP("old.structure_id") " END;" \
	"CREATE TRIGGER " table "_refs_upd AFTER UPDATE ON " table " BEGIN " ACCOUNTS_REFS_BUMP("old.structure_id")         \
	ACCOUNTS_REFS_BUMP("new.structure_id") " END;"
#define ACCOUNTS_REFS_TRIGGER_PG(table)                                                                              \
	"CREATE TRIGGER " table "_refs AFTER INSERT OR DELETE OR UPDATE ON " table " FOR EACH ROW EXECUTE FUNCTION refs_bump();"


/* The module (modules.c) and its schema. */
extern const module accounts_module;
extern const db_module_schema accounts_schema;

/* Commands (CLI) — each in its own transaction. The password is never an
 * argument on the command line; callers read it from a prompt, a file or
 * the environment. Return E_CONFLICT when the e-mail already exists. */
err accounts_structure_create(db_conn *c, const char *name, int64_t *id);
err accounts_user_create(db_conn *c, int64_t structure_id, const char *email, const char *name,
                         const char *password, role r, int64_t *user_id);
err accounts_user_set_active(db_conn *c, const char *email, bool active);
/* Prints users (id, e-mail, state, structures and roles) to stdout. */
err accounts_user_list(db_conn *c);
/* Creates a bearer token for the user in the structure (first membership if
 * structure_id is 0). out receives the token, shown once. */
/* The user with this e-mail, active member of *structure_id (0 = their
 * first structure, then set): E_NOT_FOUND, E_FORBIDDEN if not a member. */
err accounts_member_find(db_conn *c, const char *email, int64_t *structure_id, int64_t *user_id);
/* days: 1 to 730, 0 = the structure's default (90 unless set); service:
 * for a program, allowed even where the role requires two-factor
 * authentication. by_user: who creates it (0 = the owner, CLI). id_out
 * may be NULL. E_INPUT for days out of range. */
err accounts_token_create(db_conn *c, const char *email, int64_t structure_id, const char *label, int days, bool service,
                          int64_t by_user, char out[64], int64_t *id_out);
/* Revokes a token of structure_id (0 = any, CLI); E_NOT_FOUND if there is
 * none; revoking a revoked one does nothing. Journaled. */
err accounts_token_revoke(db_conn *c, int64_t structure_id, int64_t token_id, int64_t by_user);
/* Prints every token (CLI): number, state, name, owner, structure, dates. */
err accounts_tokens_print(db_conn *c);
/* Minimum password length. */
#define ACCOUNTS_MIN_PASSWORD 12
/* Whether the structure has chosen to record people's NIR (social
 * security number); off by default (CNIL: only where a mission needs it). */
bool accounts_nir_enabled(db_conn *c, int64_t structure_id);
/* What documents print about the structure (arena-owned, "" if unset). */
typedef struct structure_info {
	const char *name, *address, *insee, *tz, *phone, *email, *dpo;
	/* Who signs the letters (name, title), « par délégation » or not. */
	const char *signatory_name, *signatory_title;
	bool signatory_delegation;
	int backdate_days;   /* how far back a contact, a visit or a hand-over may be dated */
} structure_info;
err accounts_structure_info(db_conn *c, arena *a, int64_t structure_id, structure_info *out);
/* A period of days [from, to] (ISO dates) as instants [*start, *end) in
 * the connection's structure's time zone: for figures over timestamped
 * rows. False when a date is malformed. */
bool accounts_period_instants(db_conn *c, arena *a, const char *from, const char *to, int64_t *start, int64_t *end);
/* The structure's logo (arena-owned bytes, *type "image/png" or
 * "image/jpeg"); false when it has none. */
bool accounts_structure_logo(db_conn *c, arena *a, int64_t structure_id, const void **bytes, size_t *len, const char **type);
/* What a structure must have told before a letter, an attestation or a
 * form leaves: its address and, for a signed document, its signatory.
 * NULL when complete, else the French sentence saying what to fill in. */
const char *accounts_letter_gap(const structure_info *s, bool signed_document);
/* A document the structure hands out (a receipt, a letter, a slip): a PDF
 * titled title with the structure's name and address at the top, *s
 * filled. NULL when the structure has not told what a letter needs or on
 * a failure: the error page is then written. */
struct pdf_doc;
struct pdf_doc *accounts_pdf_letter(web_req *r, const char *title, structure_info *s);
/* The commune of the structure's address (« Fait à … »): the last line
 * without its postcode; "" when the address has none. */
const char *accounts_structure_town(arena *a, const structure_info *s);
/* An agent's service in a structure (NULL: unchanged; 100 characters at
 * most, else E_INPUT). */
err accounts_set_service(db_conn *c, int64_t structure_id, int64_t user_id, const char *service);
/* An agent picker for a form: a select of the structure's agents grouped
 * by service (optgroups; the browser's type-ahead works without script),
 * and a search field that narrows it as one types (htmx, /agents/choix).
 * roles: a mask of ROLE_BIT()s, 0 for every role. */
void accounts_agent_select(web_req *r, const char *name, const char *label, const char *empty, const char *selected,
                           unsigned roles, const form_errors *fe);
/* Sets a structure's address, contacts and signatory (the demo; the
 * settings page and the API go through their own validated form). */
err accounts_structure_describe(db_conn *c, int64_t structure_id, const structure_info *s);
/* A user's display name (arena-owned), "" if unknown. */
const char *accounts_user_name(db_conn *c, arena *a, int64_t user_id);
/* Every structure's id, in order (nightly jobs that walk them all), as an
 * array in the arena (*ids); their number, or -1 on a failure. */
int accounts_structure_ids(db_conn *c, arena *a, int64_t **ids);
/* Count of structures (for `demo`: create one only if none). */
err accounts_structure_first(db_conn *c, int64_t *id);
#endif
