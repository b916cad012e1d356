/*
 * fresh.h — a fresh, empty database for one test program: a temporary
 * SQLite file, or (when OPENCCAS_TEST_PG holds a server URL) a new
 * PostgreSQL database on the throwaway cluster of scripts/pg.sh.
 */
#ifndef TESTS_FRESH_H
#define TESTS_FRESH_H
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fresh_url[512];

static const char *fresh_db(const char *tag)
{
	const char *pg = getenv("OPENCCAS_TEST_PG");
	if (pg && *pg) {
		PGconn *c = PQconnectdb(pg);
		if (PQstatus(c) != CONNECTION_OK) {
			fprintf(stderr, "fresh_db: %s", PQerrorMessage(c));
			exit(3);
		}
		char sql[256], name[64];
		snprintf(name, sizeof name, "t_%s_%d", tag, (int)getpid());
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", name);
		PQclear(PQexec(c, sql));
		snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "fresh_db: %s", PQerrorMessage(c));
			exit(3);
		}
		PQclear(r);
		PQfinish(c);
		/* Replace the database name: the path of the URL, before any
		 * "?host=…" (the cluster is reached through a Unix socket). */
		const char *auth = strstr(pg, "://");
		const char *path = auth ? strchr(auth + 3, '/') : NULL;
		const char *query = strchr(pg, '?');
		if (!path || (query && path > query)) {
			fprintf(stderr, "fresh_db: cannot read the database name in %s\n", pg);
			exit(3);
		}
		snprintf(fresh_url, sizeof fresh_url, "%.*s/%s%s", (int)(path - pg), pg, name, query ? query : "");
		return fresh_url;
	}
	snprintf(fresh_url, sizeof fresh_url, "/tmp/openccas-test-%s-%d.db", tag, (int)getpid());
	unlink(fresh_url);
	char side[600];
	snprintf(side, sizeof side, "%s-wal", fresh_url);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", fresh_url);
	unlink(side);
	snprintf(side, sizeof side, "%s.journal-key", fresh_url);
	unlink(side);
	snprintf(side, sizeof side, "%s.journal-seals", fresh_url);
	unlink(side);
	char *u = strdup(fresh_url);
	snprintf(fresh_url, sizeof fresh_url, "sqlite:%s", u);
	free(u);
	return fresh_url;
}

__attribute__((unused)) static int fresh_is_pg(void) { return !strncmp(fresh_url, "postgresql:", 11); }
#endif
