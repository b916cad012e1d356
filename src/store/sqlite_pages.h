/*
 * sqlite_pages.h — one copy of the database file's pages for all the
 * process's SQLite connections (a VFS over SQLite's own "unix").
 *
 * In WAL mode, every commit makes each other connection drop its whole page
 * cache at its next transaction: the server's connections then read their
 * pages again from the kernel, 70 `pread`s a request in the mixed day. The
 * pages read from the database file are kept here, once, and stay valid
 * until the file itself changes — which happens only at a checkpoint. This
 * process's checkpoints write through this cache; another process's are seen
 * in the WAL index (its backfill count and salts), read each time one of
 * our connections takes a WAL lock, and empty it.
 *
 * The same VFS writes a transaction's WAL frames in one system call where
 * SQLite makes two a frame (sqlite_pages.c says when they are written: at
 * the commit's frame at the latest, always before other connections can
 * know of them). Internal to src/store.
 */
#ifndef OPENCCAS_STORE_SQLITE_PAGES_H
#define OPENCCAS_STORE_SQLITE_PAGES_H
#include <stdbool.h>
#include <stdint.h>

/* Registers the VFS as SQLite's default, with room for `mb` MiB of pages.
 * 0: not registered (SQLite's own "unix", as before). `lend`: the pages are
 * read in place by SQLite (its xFetch, asked for when a connection's
 * mmap_size is set — sqlite_pages_lending() says whether to set it), not
 * copied into each connection's own cache. */
int sqlite_pages_register(long mb, bool lend);
bool sqlite_pages_lending(void);

typedef struct sqlite_pages_info {
	uint64_t hits, misses, writes, drops;
	uint64_t lent;    /* pages read in place (xFetch), among hits and misses */
	uint64_t refused; /* pages SQLite read into its own buffer: every slot of their stripe was lent */
	uint64_t past_end; /* fetches answered without a read: the page past the file's end (a transaction's new one) */
	uint64_t pages, capacity;
	uint64_t lent_now; /* pages being read in place now */
} sqlite_pages_info;
void sqlite_pages_stats(sqlite_pages_info *out);

#endif
