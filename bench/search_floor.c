/*
 * search_floor.c — the storage floor of the search: persons_search() timed
 * without HTTP, over the same queries the load test sends, with the index in
 * memory the server has (built first, its time printed) and the persons'
 * rows read from the database. As in the server, the change feed's head is
 * known (the server reads it with the session; here once, nothing being
 * written meanwhile). Prints p50/p99/max in microseconds.
 * Usage: bench/search_floor DB_URL STRUCTURE_ID QUERIES_FILE [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/crypto.h"
#include "modules/modules.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons_internal.h"

static db_sql Q_HEAD = DB_SQL(DB_SCOPED, "SELECT coalesce(max(seq), 0) FROM search_feed_head WHERE structure_id = $1");

static int cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: %s DB_URL STRUCTURE_ID QUERIES_FILE [ROUNDS]\n", argv[0]);
		return 2;
	}
	crypto_init();
	modules_init();
	const char *why;
	db *d = db_open(argv[1], 2, &why); /* one for the searches, one for the index's builder */
	if (!d) {
		fprintf(stderr, "%s\n", why);
		return 3;
	}
	int nmods = 0;
	const db_module_schema *mods = modules_schema_array(&nmods);
	static const unsigned char test_key[32] = "openccas-test-key-0123456789abc";
	journal_key_use(test_key); /* the journal's key (a file in production) */
	db_migrate(d, mods, nmods, NULL);
	db_conn *c = db_conn_get(d);
	db_conn_scope(c, atoll(argv[2]));
	/* The index in memory, as the server builds it at start-up: waited for (each search until then reads every
	 * person of the structure). */
	struct timespec b0, b1;
	clock_gettime(CLOCK_MONOTONIC, &b0);
	if (persons_index_start(d) != E_OK) {
		fprintf(stderr, "search index not started\n");
		return 3;
	}
	for (int waited = 0; !persons_index_catch_up(c, -1); waited++) {
		if (waited == 120000) { /* ten minutes: the server's log says why (« not built ») */
			fprintf(stderr, "search index not built after ten minutes\n");
			return 3;
		}
		nanosleep(&(struct timespec){0, 5000000}, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &b1);
	fprintf(stderr, "search index built in %ld ms\n",
	        (long)((b1.tv_sec - b0.tv_sec) * 1000 + (b1.tv_nsec - b0.tv_nsec) / 1000000));
	char *qs[4096];
	int nq = 0;
	FILE *f = fopen(argv[3], "r");
	char line[256];
	while (f && nq < 4096 && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (*line)
			qs[nq++] = strdup(line);
	}
	if (f)
		fclose(f);
	int rounds = argc > 4 ? atoi(argv[4]) : 3;
	int64_t head = -1;
	if (DBID0(c, &Q_HEAD, &head) != E_OK)
		head = -1;
	long *us = malloc(sizeof *us * (size_t)(nq * rounds + 1));
	int n = 0, hits = 0;
	for (int r = 0; r < rounds; r++)
		for (int i = 0; i < nq; i++) {
			arena a;
			arena_init(&a, 0);
			struct timespec t0, t1;
			clock_gettime(CLOCK_MONOTONIC, &t0);
			search_hit *h;
			bool capped;
			hits += persons_search_fed(c, &a, qs[i], false, &h, 25, &capped, head) > 0;
			clock_gettime(CLOCK_MONOTONIC, &t1);
			us[n++] = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
			arena_release(&a);
		}
	qsort(us, (size_t)n, sizeof *us, cmp);
	printf("search floor: %d queries, %d with results, p50 %ld µs, p99 %ld µs, max %ld µs\n", n, hits, us[n / 2],
	       us[(n * 99) / 100], us[n - 1]);
	db_conn_put(c);
	persons_index_stop();
	db_close_all(d);
	return 0;
}
