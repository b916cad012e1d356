/*
 * journal.h — the access journal: append-only, hash-chained, one chain per
 * structure. Who did what to which record, when. Ids only, never names.
 *
 * Chain: entry n of a structure stores prev = link of entry n-1 (64 zeros
 * for the first) and hash = keyed BLAKE2b of the whole entry (prev,
 * number, structure, time, user, action, kind, object, detail). The key is
 * a file outside the database (journal_key_open): someone who can write
 * the database but not read the key cannot rewrite an entry and the chain
 * after it. The head and the retention anchor carry a keyed hash too, and
 * the head is sealed outside the database at intervals (journal_seal), so
 * that cutting the tail or restoring an older copy shows against the
 * seals. Triggers refuse UPDATE and DELETE on the table in both engines.
 *
 * journal_record must run inside the caller's write transaction when the
 * caller writes (so the entry commits or rolls back with the change); for a
 * plain read it may be called outside one: the entry is then queued for the
 * writer thread when the server runs one (journal_async_start: group
 * commits; a crash loses at most the last groups of read entries, never a
 * write's), else appended in a transaction of its own.
 */
#ifndef MODULES_JOURNAL_H
#define MODULES_JOURNAL_H
#include <stdint.h>
#include <time.h>
#include <jansson.h>
#include "modules/module.h"
#include "store/store.h"
#include "web/web.h"

extern const module journal_module;
extern const db_module_schema journal_schema;
extern int PERM_JOURNAL_READ;

/* action: short verb ("read", "create", "update", "login", "export"…);
 * kind: the record type ("household", "user"…); detail: ids or codes
 * only (may be NULL). Uses the connection's structure scope. */
err journal_record(db_conn *c, int64_t user_id, const char *action, const char *kind,
                   int64_t object_id, const char *detail);
/* Same, for a structure other than the connection's scope (CLI, login). */
err journal_record_in(db_conn *c, int64_t structure_id, int64_t user_id, const char *action,
                      const char *kind, int64_t object_id, const char *detail);

/* The server's writer of read entries (see above): started before serving,
 * stopped (the queue written) after. */
err journal_async_start(db *d);
void journal_async_stop(void);
/* Waits until every entry queued before the call is committed: whoever
 * reads the journal calls it first, and sees every access that happened
 * (c's reads leave the snapshot they shared: db_snapshot_end). */
void journal_flush(db_conn *c);

/* A mark a module keeps when one of its records is read: fn runs after
 * each read entry of this kind recorded outside a transaction (action
 * "read"), on a connection scoped to the entry's structure, in a
 * transaction of its own (a failure is logged, the entry stays). The
 * hook is the caller's (static), registered once at start-up. */
typedef struct journal_read_hook {
	const char *kind;
	err (*fn)(db_conn *c, int64_t object_id, int64_t at);
	/* Optional: the marks of n reads of one structure at once (objects[i] read at ats[i], an object perhaps
	 * more than once), in place of n calls of fn — one statement where fn makes one each. */
	err (*many)(db_conn *c, int n, const int64_t *objects, const int64_t *ats);
	struct journal_read_hook *next;
} journal_read_hook;
void journal_on_read(journal_read_hook *h);

typedef struct journal_check {
	int64_t structure_id;
	int64_t entries;
	int64_t broken_seq;   /* 0 when the chain is intact */
	const char *reason;   /* static French text when broken */
	int64_t anchor_seq;   /* last entry removed by retention (0: none) */
	int64_t head_seq;     /* last entry */
} journal_check;
/* Verifies one structure's chain: every link with the key, the anchor
 * (keyed, at least a year old) and the head (keyed, on the last entry). */
err journal_verify(db_conn *c, int64_t structure_id, journal_check *out);
/* Verifies every structure, printing one line each; returns the number of
 * broken chains in *broken. */
err journal_verify_all(db_conn *c, const int64_t *structure_ids, int n, int *broken);

/* The key. The default path for a database URL: beside a SQLite file
 * ("<file>.journal-key"), "journal-key" in the working directory for
 * PostgreSQL (every node of a cluster must use the same key). */
void journal_key_default_path(const char *db_url, char *out, size_t n);
/* Loads the key from path (64 hex characters, file mode 0600), or creates
 * it when the file does not exist and may_create (init, demo, serve,
 * migrate: not verify). A database whose chains were written before keys
 * existed is re-chained with the new key once, after its old chains were
 * verified intact. E_OK, or an error with a French reason in *why. */
err journal_key_open(db *d, const char *path, bool may_create, const char **why);
/* Tests: use this key. */
void journal_key_use(const unsigned char key[32]);

/* The seals: one line per structure whose head moved since the last seal
 * this process wrote ("seal 1 structure=… seq=… hash=… at=… mac=…", the
 * mac keyed), appended to path and synced. *written (may be NULL) gets
 * the number of lines. */
err journal_seal(db_conn *c, const char *path, int *written);
/* Compares the database with the seals in path: each seal's mac must be
 * right, its entry must be in the database with the same link (or under
 * the retention anchor), and the head must not be before it. Prints one
 * line per problem; *problems gets their number. */
err journal_seals_verify(db_conn *c, const char *path, int *problems);
/* The default seal file for a database URL (beside the key). */
void journal_seals_default_path(const char *db_url, char *out, size_t n);

/* Retention of the journal itself: removes the entries of a structure
 * older than `before` (epoch seconds); an anchor keeps the number and hash
 * of the last one removed, so journal_verify still proves the rest. */
err journal_purge_before(db_conn *c, int64_t structure_id, int64_t before, int64_t *removed);

/* Signals for the DPO: agents whose readings stand out (volume against
 * their own habit, night or weekend). */
typedef struct journal_signal {
	int64_t user_id;
	const char *user, *what;     /* French */
} journal_signal;
/* Every signal, in the request's arena. */
int journal_signals(web_req *r, journal_signal **out);
/* Before 7 h, from 20 h, Saturday and Sunday (local time). */
bool journal_outside_hours(const struct tm *t);

/* Every entry about one object (kind, id), oldest first, appended to arr
 * as {object, at, user, action, detail} (for the data-subject export). */
err journal_about(db_conn *c, const char *kind, int64_t object_id, json_t *arr);
/* The French of what the journal stores: an action (« consultation »), a
 * detail (« lettre de décision », « 3 courrier(s) », « effectué le … »,
 * a « household=12 » written through name_of when given). tz for dates. */
const char *journal_action_fr(const char *action);
typedef const char *(*journal_namer)(void *ctx, const char *kind, int64_t id);
const char *journal_detail_fr(arena *a, const char *tz, const char *detail, journal_namer name_of, void *ctx);
#endif
