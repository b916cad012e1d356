/*
 * cli.c — the command line's shared parts (see cli.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>
#include "cli.h"
#include "core/log.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/modules.h"
#include "core/banned.h"

const char *opt_db = "sqlite:data/ccas.db";
char key_path[4096], seals_path[4096];
bool key_may_create = true;

int usage(const char *text, int status)
{
	fputs(text, status ? stderr : stdout);
	return status;
}

/* Finds "--name value" or "--name=value" in argv; NULL if absent. */
const char *opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
		if (!strcmp(argv[i], name) && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

bool flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

db *open_db(int threads, bool migrate)
{
	const char *why;
	db *d = db_open(opt_db, threads, &why);
	if (!d) {
		fprintf(stderr, "openccas : %s (%s)\n", why, opt_db);
		return NULL;
	}
	if (migrate) {
		int nmods = 0;
		const db_module_schema *mods = modules_schema_array(&nmods);
		int applied = 0;
		if (db_migrate(d, mods, nmods, &applied) != E_OK) {
			fprintf(stderr, "openccas : la migration du schéma a échoué (voir le journal ci-dessus)\n");
			db_close_all(d);
			return NULL;
		}
		if (applied)
			log_info("%d migration(s) appliquée(s)", applied);
	}
	const char *kwhy = NULL;
	if (journal_key_open(d, key_path, key_may_create && migrate, &kwhy) != E_OK) {
		fprintf(stderr, "openccas : %s (%s)\n", kwhy ? kwhy : "clé du journal inutilisable", key_path);
		db_close_all(d);
		return NULL;
	}
	return d;
}

/* Password from --password-file, OPENCCAS_PASSWORD, or a prompt; never argv. */
char *read_password(int argc, char **argv, char *pwbuf, size_t len)
{
	const char *file = opt(argc, argv, "--password-file");
	if (file) {
		FILE *f = fopen(file, "r");
		if (!f || !fgets(pwbuf, (int)len, f)) {
			fprintf(stderr, "openccas : impossible de lire %s\n", file);
			if (f)
				fclose(f);
			return NULL;
		}
		fclose(f);
	} else if (getenv("OPENCCAS_PASSWORD")) {
		snprintf(pwbuf, len, "%s", getenv("OPENCCAS_PASSWORD"));
	} else {
		if (!isatty(0)) {
			fprintf(stderr, "openccas : mot de passe attendu (--password-file, OPENCCAS_PASSWORD ou saisie au terminal)\n");
			return NULL;
		}
		struct termios old, quiet;
		fprintf(stderr, "Mot de passe (12 caractères au moins) : ");
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &quiet);
		char *ok = fgets(pwbuf, (int)len, stdin);
		tcsetattr(0, TCSANOW, &old);
		fprintf(stderr, "\n");
		if (!ok)
			return NULL;
	}
	pwbuf[strcspn(pwbuf, "\r\n")] = 0;
	if (strlen(pwbuf) < ACCOUNTS_MIN_PASSWORD) {
		fprintf(stderr, "openccas : le mot de passe doit compter au moins 12 caractères\n");
		return NULL;
	}
	return pwbuf;
}

