/*
 * cli.h — what the openccas command's files share: the exit codes, the
 * options every verb reads (the database, the journal's key and seals),
 * the parsing of argv, the opening of the database, the password prompt.
 * cli.c holds them; commands.c the verbs; main.c dispatches and serves.
 */
#ifndef CLI_H
#define CLI_H
#include <stdbool.h>
#include <stddef.h>
#include "store/store.h"

#define EX_FAIL 1
#define EX_USAGE 2
#define EX_DB 3
#define EX_NOTFOUND 4
#define EX_VERIFY 5

/* --db (or OPENCCAS_DB, or the default). */
extern const char *opt_db;
/* The journal's key and seal files (journal.h): --journal-key and
 * --journal-seals, or OPENCCAS_JOURNAL_KEY / OPENCCAS_JOURNAL_SEALS, or
 * beside a SQLite database. */
extern char key_path[4096], seals_path[4096];
/* Verbs that only read (check, journal verify) never create the key. */
extern bool key_may_create;

/* Prints text (to stderr when status is not 0) and returns status. */
int usage(const char *text, int status);
/* The value after --name, or NULL. */
const char *opt(int argc, char **argv, const char *name);
bool flag(int argc, char **argv, const char *name);
/* The database, migrated if asked, with the journal's key loaded; NULL
 * (a French message on stderr) when it cannot be opened. */
db *open_db(int threads, bool migrate);
/* The password from --password-file, OPENCCAS_PASSWORD or a prompt. */
char *read_password(int argc, char **argv, char *pwbuf, size_t len);

/* The verbs (commands.c). */
int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_journal(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_purge(int argc, char **argv);
int cmd_notify(int argc, char **argv);
int cmd_observation(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_routes(void);
#endif
