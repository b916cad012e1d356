/*
 * journal.h — the access journal: append-only, hash-chained, one chain per
 * structure. Who did what to which record, when. Ids only, never names.
 *
 * Chain: entry n of a structure stores prev = hash of entry n-1 (64 zeros
 * for the first) and hash = BLAKE2b(prev | seq | structure | at | user |
 * action | kind | object | detail). journal_verify() recomputes every link.
 * Triggers refuse UPDATE and DELETE on the table in both engines.
 *
 * journal_record must run inside the caller's write transaction when the
 * caller writes (so the entry commits or rolls back with the change); for a
 * plain read it may be called outside one: it then opens its own.
 */
#ifndef MODULES_JOURNAL_H
#define MODULES_JOURNAL_H
#include <stdint.h>
#include "store/store.h"

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

typedef struct journal_check {
	int64_t structure_id;
	int64_t entries;
	int64_t broken_seq;   /* 0 when the chain is intact */
	const char *reason;   /* static French text when broken */
} journal_check;
/* Verifies one structure's chain. */
err journal_verify(db_conn *c, int64_t structure_id, journal_check *out);
/* Verifies every structure, printing one line each; returns the number of
 * broken chains in *broken. */
err journal_verify_all(db_conn *c, int *broken);

void journal_init(void);
/* Retention of the journal itself: removes the entries of a structure
 * older than `before` (epoch seconds); an anchor keeps the number and hash
 * of the last one removed, so journal_verify still proves the rest. */
err journal_purge_before(db_conn *c, int64_t structure_id, int64_t before, int64_t *removed);

/* Signals for the DPO: agents whose readings stand out (volume against
 * their own habit, night or weekend). */
#include <time.h>
#include "web/web.h"
typedef struct journal_signal {
	int64_t user_id;
	const char *user, *what;     /* French */
} journal_signal;
int journal_signals(web_req *r, journal_signal *out, int max);
/* Before 7 h, from 20 h, Saturday and Sunday (local time). */
bool journal_outside_hours(const struct tm *t);

/* Entries about one object (kind, id), oldest first, appended to arr as
 * {at, user, action, detail} (for the data-subject export). */
#include <jansson.h>
err journal_about(db_conn *c, const char *kind, int64_t object_id, int max, json_t *arr);
#endif
