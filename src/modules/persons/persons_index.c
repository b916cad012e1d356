/*
 * persons_index.c — the search keys in memory (none is stored).
 *
 * Each structure's persons are read once and their keys (persons_keys_each:
 * the words of their folded names and their one-letter deletions) made into
 * a compact index: the distinct keys side by side in one block, each with
 * its persons (their numbers as the gaps between them, a byte or two each:
 * core/postings.h). The
 * search then finds its candidates without a statement; their details
 * still come from the database, which decides (a person renamed or gone
 * since is dropped there: the index may hold more than the truth, never
 * less).
 *
 * Kept current by a change feed in the database (search_feed): every
 * write of a person's name, household or membership appends her number in the same
 * transaction, numbered by a head row per structure (its lock orders the
 * writers, so numbers appear in commit order on both engines). Before
 * each search, the feed past the index's number is read and its persons
 * read again, their keys made from their names as they are now — no
 * statement when the head, read with the request's session (the module's
 * user_fact), is where the index is. So a person written by
 * another process — a second server on the same PostgreSQL, an import
 * from the command line — is found by the next search here. An import
 * appends one mark instead of a row per person (person 0: read the
 * structure again), as does a gap in the numbers (the feed's old rows
 * are removed after a day).
 *
 * The ranking too: beside the keys, each person's folded name, household
 * and membership, and each household's last visit (one array, reached from
 * the person in one step). The search scores and orders every candidate in
 * memory and reads only the persons it shows — checked against the
 * database, which still decides: a person shown whose row says otherwise
 * (a change not yet in memory) makes the search rank them all from the
 * database, as before. A fed person is read again whole; a visit here is
 * put in memory as its mark is written (persons_index_seen), another
 * server's is read at most a second later (read_tail). Merges, departures
 * and erasures feed their persons.
 *
 * Until a structure's index is built (in the background at start-up, or
 * again after a mark), its searches read the structure's names
 * (persons_search.c: names_by_scan).
 */
#include "modules/persons/persons_internal.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <malloc.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include "core/civil.h"
#include "core/log.h"
#include "core/postings.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "core/banned.h"

/* ---- the feed, written with the keys ------------------------------------------------------------ */

static db_sql Q_FEED_HEAD_INIT = DB_SQL(DB_SCOPED,
	"INSERT INTO search_feed_head (structure_id, seq) VALUES ($1, 0) ON CONFLICT (structure_id) DO NOTHING");
static db_sql Q_FEED_NEXT = DB_SQL(DB_SCOPED,
	"UPDATE search_feed_head SET seq = seq + 1 WHERE structure_id = $1 RETURNING seq");
static db_sql Q_FEED_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO search_feed (structure_id, seq, person_id, at) VALUES ($1, $2, $3, $4)");
static db_sql Q_FEED_HEAD = DB_SQL(DB_SCOPED, "SELECT seq FROM search_feed_head WHERE structure_id = $1");
static db_sql Q_FEED_READ = DB_SQL(DB_SCOPED,
	"SELECT seq, person_id FROM search_feed WHERE structure_id = $1 AND seq > $2 ORDER BY seq LIMIT 500");
/* The last row stays, whatever its age: a server further behind sees the gap before it. */
static db_sql Q_FEED_PRUNE = DB_SQL(DB_SCOPED,
	"DELETE FROM search_feed WHERE structure_id = $1 AND at < $2 AND seq < (SELECT seq FROM search_feed_head WHERE structure_id = $1)");
enum { ROWS_PAGE = 50000 }; /* rows a statement: PostgreSQL's client holds a whole result in memory */
/* What the keys are made from and the ranking needs: each person's search name, household and membership, and
 * each household's last visit, along the index of their structure and numbers (persons/10). */
static db_sql Q_RANK_FIRST = DB_SQL(DB_SCOPED,
	"SELECT id, household_id, active, search_name FROM persons WHERE structure_id = $1 ORDER BY id LIMIT $2");
static db_sql Q_RANK_NEXT = DB_SQL(DB_SCOPED,
	"SELECT id, household_id, active, search_name FROM persons WHERE structure_id = $1 AND id > $2 ORDER BY id LIMIT $3");
static db_sql Q_SEEN_FIRST = DB_SQL(DB_SCOPED,
	"SELECT id, last_seen_at FROM households WHERE structure_id = $1 AND merged_into IS NULL ORDER BY id LIMIT $2");
static db_sql Q_SEEN_NEXT = DB_SQL(DB_SCOPED,
	"SELECT id, last_seen_at FROM households WHERE structure_id = $1 AND merged_into IS NULL AND id > $2 ORDER BY id LIMIT $3");
/* A person fed: as she is now, with her household's last visit. */
static db_sql Q_PERSON_REC = DB_SQL(DB_SCOPED,
	"SELECT p.household_id, p.active, p.search_name, h.last_seen_at FROM persons p JOIN households h ON h.id = p.household_id "
	"AND h.structure_id = $1 AND h.merged_into IS NULL WHERE p.structure_id = $1 AND p.id = $2");
/* The visits of the last seconds (another server's, over the index households_seen). */
static db_sql Q_SEEN_TAIL = DB_SQL(DB_SCOPED,
	"SELECT id, last_seen_at FROM households WHERE structure_id = $1 AND last_seen_at >= $2 AND merged_into IS NULL");

static int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static bool grow(void **v, size_t *cap, size_t need, size_t size);
static _Thread_local bool bulk; /* an import: one mark at the end instead of a row per person */

err persons_feed_add(db_conn *c, int64_t pid)
{
	if (bulk && pid)
		return E_OK;
	int64_t seq = 0;
	err e = DBX(c, &Q_FEED_HEAD_INIT, NULL);
	if (e == E_OK)
		e = DBID(c, &Q_FEED_NEXT, &seq);
	if (e == E_OK && seq <= 0)
		e = E_DB;
	if (e == E_OK)
		e = DBX(c, &Q_FEED_ADD, NULL, A_INT(seq), A_INT(pid), A_INT(civil_now()));
	return e;
}

void persons_feed_bulk(bool on) { bulk = on; }

err persons_feed_prune(db_conn *c) { return DBX(c, &Q_FEED_PRUNE, NULL, A_INT(civil_now() - 86400)); }

static db_sql Q_HOUSEHOLD_PERSONS = DB_SQL(DB_SCOPED, "SELECT id FROM persons WHERE structure_id = $1 AND household_id = $2");

err persons_feed_household(db_conn *c, int64_t hid)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	db_res q = {0};
	err e = DBQ(c, &Q_HOUSEHOLD_PERSONS, &q, A_INT(hid));
	while (e == E_OK && db_next(&q)) {
		if (!grow((void **)&ids, &cap, n + 1, sizeof *ids))
			e = E_NOMEM;
		else
			ids[n++] = db_int(&q, 0);
	}
	if (e == E_OK)
		e = q.status;
	db_close(&q);
	for (size_t i = 0; e == E_OK && i < n; i++)
		e = persons_feed_add(c, ids[i]);
	free(ids);
	return e;
}

err persons_feed_rebuild(db_conn *c)
{
	bool was = bulk;
	bulk = false;
	err e = persons_feed_add(c, 0);
	bulk = was;
	return e;
}

/* ---- the index ------------------------------------------------------------------------------------ */

typedef struct drow {
	char *key;
	uint32_t pid;
} drow;

/* A person fed since the base: name NULL when she is gone from the search (no row, or her household merged). */
typedef struct prow {
	uint32_t pid, hix; /* hix: her household's place in the part's households */
	bool active;
	char *name;
} prow;

/* A person of the base: her household's place, her search name's offset in names (top bit: no longer a member). */
typedef struct prec {
	uint32_t hix, name;
} prec;

enum { INACTIVE = 1u << 31, NO_HOUSEHOLD = UINT32_MAX };
static const prec HOLE = {NO_HOUSEHOLD, UINT32_MAX}; /* a name's offset is below INACTIVE - 1: never this */

typedef struct part {
	int64_t sid;
	int64_t seq;             /* the feed's number the index includes */
	/* the base: distinct keys in byte order, each with its persons */
	uint32_t nkeys;
	uint32_t *koff;          /* nkeys + 1 offsets in pool */
	char *pool;
	uint32_t *pstart;        /* nkeys + 1: the entries before each key's (its persons: the difference) */
	uint32_t *poff;          /* nkeys + 1 offsets in post */
	uint8_t *post;           /* each key's persons, ascending, as the gaps between them (core/postings.h) */
	size_t bytes;
	/* added since, in key order */
	drow *delta;
	size_t nd, capd;
	bool stale;              /* a mark or a gap: read again (the base and delta still answer meanwhile) */
	bool building;
	/* for the ranking: the base's persons (their records in the order of their numbers, rpid; or, when the numbers
	 * are dense enough, the records themselves a direct table from pmin over prange, a number not in the base a
	 * HOLE), the persons fed since (by number), the households (their
	 * numbers and last visits side by side: the base's first, in the order of their numbers, found by a direct
	 * table when dense enough, else by halving; those met since, by a hash from number to place) */
	uint32_t np, pmin, prange;
	uint32_t *rpid;
	bool rdirect;
	prec *rec;
	char *names;
	prow *pdelta;
	size_t npd, cappd;
	uint32_t *hid;
	int64_t *hseen;
	size_t nh, caph;
	uint32_t nhbase, hmin, hrange, *hdir; /* hdir[number - hmin]: the base household's place + 1, 0 none */
	uint32_t *hkey, *hval;
	size_t hcap;
	_Atomic int64_t tail_at; /* the time the last visits were read up to (seconds) */
} part;

static struct {
	pthread_rwlock_t lock;   /* the parts and their contents */
	pthread_mutex_t work;    /* the builder's queue */
	pthread_cond_t wake;
	part **parts;
	int nparts, cap;
	db *d;
	bool on, stop;
	int pending;             /* builds asked since the builder last looked (under work) */
	_Atomic bool halt;       /* stopping: no new build */
	pthread_t thread;
	_Atomic int64_t builds;
} ix = {.lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP, /* writers are not starved by searches */ .work = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

enum { DELTA_MAX = 1 << 18, PDELTA_MAX = 1 << 16 };

static part *part_of(int64_t sid)
{
	for (int i = 0; i < ix.nparts; i++)
		if (ix.parts[i]->sid == sid)
			return ix.parts[i];
	return NULL;
}

static void base_free(part *p)
{
	free(p->koff);
	free(p->pool);
	free(p->pstart);
	free(p->poff);
	free(p->post);
	p->koff = p->pstart = p->poff = NULL;
	p->pool = NULL;
	p->post = NULL;
	p->nkeys = 0;
	p->bytes = 0;
	free(p->rpid);
	free(p->rec);
	free(p->names);
	free(p->hid);
	free(p->hseen);
	free(p->hkey);
	free(p->hval);
	free(p->hdir);
	p->rpid = p->hid = p->hkey = p->hval = p->hdir = NULL;
	p->rdirect = false;
	p->nhbase = p->hmin = p->hrange = 0;
	p->rec = NULL;
	p->names = NULL;
	p->hseen = NULL;
	p->np = p->pmin = p->prange = 0;
	p->nh = p->caph = p->hcap = 0;
}

static void delta_free(part *p)
{
	for (size_t i = 0; i < p->nd; i++)
		free(p->delta[i].key);
	free(p->delta);
	p->delta = NULL;
	p->nd = p->capd = 0;
	for (size_t i = 0; i < p->npd; i++)
		free(p->pdelta[i].name);
	free(p->pdelta);
	p->pdelta = NULL;
	p->npd = p->cappd = 0;
}

/* A growing array: false when memory is short. */
static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t nc = *cap ? *cap : 1024;
	while (nc < need)
		nc *= 2;
	void *nv = realloc(*v, nc * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = nc;
	return true;
}

/* ---- the households' last visits: open addressing on the household's number (0: a free slot) ---- */

static size_t slot_of(uint32_t hid, size_t cap) { return (size_t)(((uint64_t)hid * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1); }

/* Number x's place plus one among n numbers: dir[x - min] when there is a direct table (range long), else by
 * halving in sorted[0, n); 0 when it is not there. */
static uint32_t place_of(const uint32_t *dir, uint32_t min, uint32_t range, const uint32_t *sorted, uint32_t n, uint32_t x)
{
	if (dir)
		return x - min < range ? dir[x - min] : 0;
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (sorted[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && sorted[lo] == x ? lo + 1 : 0;
}

/* For n numbers sorted, dense enough (one structure's, or most of them): the table of their places plus one from
 * *min over *range, for place_of; NULL when they are not (or memory is short: place_of halves). */
static uint32_t *direct_table(const uint32_t *sorted, uint32_t n, uint32_t *min, uint32_t *range)
{
	uint64_t r = n ? (uint64_t)sorted[n - 1] - sorted[0] + 1 : 0;
	uint32_t *dir = r && r <= 2 * (uint64_t)n + 1024 ? calloc((size_t)r, sizeof *dir) : NULL;
	if (!dir)
		return NULL;
	*min = sorted[0];
	*range = (uint32_t)r;
	for (uint32_t i = 0; i < n; i++)
		dir[sorted[i] - *min] = i + 1;
	return dir;
}

/* Household hid's place in the part's households, or NO_HOUSEHOLD. */
static uint32_t household_at(const part *p, uint32_t hid)
{
	uint32_t at = place_of(p->hdir, p->hmin, p->hrange, p->hid, p->nhbase, hid);
	if (at)
		return at - 1;
	if (!p->hcap)
		return NO_HOUSEHOLD;
	for (size_t j = slot_of(hid, p->hcap); p->hkey[j]; j = (j + 1) & (p->hcap - 1))
		if (p->hkey[j] == hid)
			return p->hval[j];
	return NO_HOUSEHOLD;
}

/* Household hid was last seen at `at` or later (a visit never moves back); its place in *hix. False when memory
 * is short. */
static bool seen_put(part *p, uint32_t hid, int64_t at, uint32_t *hix)
{
	uint32_t x = household_at(p, hid);
	if (x == NO_HOUSEHOLD) {
		size_t c1 = p->caph, c2 = p->caph; /* the two arrays grow alike */
		if (p->nh >= UINT32_MAX - 1 || !grow((void **)&p->hid, &c1, p->nh + 1, sizeof *p->hid) ||
		    !grow((void **)&p->hseen, &c2, p->nh + 1, sizeof *p->hseen))
			return false;
		p->caph = c1 < c2 ? c1 : c2;
		if ((p->nh - p->nhbase + 1) * 2 > p->hcap) { /* the hash: the households met since the base */
			size_t nc = p->hcap ? p->hcap * 2 : 1024;
			uint32_t *nk = calloc(nc, sizeof *nk), *nv = malloc(nc * sizeof *nv);
			if (!nk || !nv) {
				free(nk);
				free(nv);
				return false;
			}
			for (size_t i = 0; i < p->hcap; i++)
				if (p->hkey[i]) {
					size_t j = slot_of(p->hkey[i], nc);
					while (nk[j])
						j = (j + 1) & (nc - 1);
					nk[j] = p->hkey[i];
					nv[j] = p->hval[i];
				}
			free(p->hkey);
			free(p->hval);
			p->hkey = nk;
			p->hval = nv;
			p->hcap = nc;
		}
		size_t j = slot_of(hid, p->hcap);
		while (p->hkey[j])
			j = (j + 1) & (p->hcap - 1);
		x = (uint32_t)p->nh++;
		p->hkey[j] = hid;
		p->hval[j] = x;
		p->hid[x] = hid;
		p->hseen[x] = at;
	} else if (p->hseen[x] < at) {
		p->hseen[x] = at;
	}
	if (hix)
		*hix = x;
	return true;
}

/* The persons fed since the base, by number: the slot of pid (found, or where it goes). */
static size_t pdelta_at(const part *p, uint32_t pid)
{
	size_t lo = 0, hi = p->npd;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->pdelta[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Person pid as she is now (name NULL: gone from the search); takes name. Under the write lock. */
static bool pdelta_put(part *p, uint32_t pid, uint32_t hid, bool active, char *name)
{
	size_t i = pdelta_at(p, pid);
	if (i < p->npd && p->pdelta[i].pid == pid) {
		free(p->pdelta[i].name);
		p->pdelta[i] = (prow){pid, hid, active, name};
		return true;
	}
	if (!grow((void **)&p->pdelta, &p->cappd, p->npd + 1, sizeof *p->pdelta)) {
		free(name);
		return false;
	}
	memmove(p->pdelta + i + 1, p->pdelta + i, (p->npd - i) * sizeof *p->pdelta);
	p->pdelta[i] = (prow){pid, hid, active, name};
	p->npd++;
	return true;
}

/* ---- the keys, made from the names ------------------------------------------------------------- */

/* The distinct keys met while building: open addressing on a hash (each slot: the key's number plus one in its low
 * half, 0 free, and the hash's high bits in its high half — most probes end there, without reading the key), and
 * for each key, side by side: its place in the pool, its length, its persons (in the second pass, those placed), the
 * last person that gave it (a name's keys count once: « jean jean »), the bytes of its list's gaps (in the second
 * pass, where its list's data starts in post) and, in the second pass, where its next gap is written. */
typedef struct kmeta { uint32_t off, len, cnt, last, bytes, at; } kmeta;

typedef struct kset {
	uint64_t *slot;
	size_t cap;
	kmeta *k;
	size_t n, capn;
	char *pool;
	size_t npool, cpool;
	uint8_t *post;
	uint32_t pid;
	uint64_t entries;
	bool second, failed, large; /* large: beyond the index's 32-bit counts and offsets */
} kset;

static uint64_t key_hash(const char *k, size_t len)
{
	uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)k[i]) * 0x100000001b3u;
	return h ^ (h >> 29);
}

static bool kset_rehash(kset *s, size_t nc)
{
	uint64_t *ns = calloc(nc, sizeof *ns);
	if (!ns)
		return false;
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->slot[i])
			continue;
		uint32_t id = (uint32_t)s->slot[i] - 1;
		size_t j = key_hash(s->pool + s->k[id].off, s->k[id].len) & (nc - 1);
		while (ns[j])
			j = (j + 1) & (nc - 1);
		ns[j] = s->slot[i];
	}
	free(s->slot);
	s->slot = ns;
	s->cap = nc;
	return true;
}

static void key_met(const char *k, size_t len, void *ctx)
{
	kset *s = ctx;
	if (s->failed)
		return;
	uint64_t h = key_hash(k, len), tag = h >> 32 << 32;
	size_t j = h & (s->cap - 1);
	uint32_t id = UINT32_MAX;
	for (uint64_t v; (v = s->slot[j]); j = (j + 1) & (s->cap - 1))
		if ((v & ~(uint64_t)UINT32_MAX) == tag) {
			const kmeta *m = &s->k[(uint32_t)v - 1];
			if (m->len == len && !memcmp(s->pool + m->off, k, len)) {
				id = (uint32_t)v - 1;
				break;
			}
		}
	if (id == UINT32_MAX) {
		if (s->second || s->n >= UINT32_MAX - 2 || s->npool + len + 1 >= UINT32_MAX ||
		    !grow((void **)&s->k, &s->capn, s->n + 1, sizeof *s->k) || !grow((void **)&s->pool, &s->cpool, s->npool + len + 1, 1)) {
			s->failed = true; /* the second pass meets only keys of the first */
			return;
		}
		id = (uint32_t)s->n++;
		s->k[id] = (kmeta){(uint32_t)s->npool, (uint32_t)len, 0, 0, 0, 0};
		memcpy(s->pool + s->npool, k, len);
		s->pool[s->npool + len] = 0;
		s->npool += len + 1;
		s->slot[j] = tag | (id + 1);
		if (s->n * 2 > s->cap && !kset_rehash(s, s->cap * 2)) {
			s->failed = true;
			return;
		}
	}
	kmeta *m = &s->k[id];
	if (m->last == s->pid)
		return;
	if (s->second) {
		uint8_t *at = s->post + m->at;
		postings_put(s->post + m->bytes, &at, m->cnt++, m->last, s->pid);
		m->at = (uint32_t)(at - s->post);
	} else {
		m->bytes += (uint32_t)postings_size(m->cnt++, m->last, s->pid);
		if (++s->entries >= UINT32_MAX - 1 || m->bytes >= UINT32_MAX - 8)
			s->failed = s->large = true;
	}
	m->last = s->pid;
}

static void kset_free(kset *s)
{
	free(s->slot);
	free(s->k);
	free(s->pool);
}

/* The keys in byte order: by their first eight bytes (most comparisons end there, without reading the pool),
 * then by the rest. */
typedef struct kord { uint64_t head; uint32_t id; } kord;

static _Thread_local const kset *sorting; /* qsort's comparison has no context */

static int by_key(const void *x, const void *y)
{
	const kord *a = x, *b = y;
	if (a->head != b->head)
		return a->head < b->head ? -1 : 1;
	const kmeta *ma = &sorting->k[a->id], *mb = &sorting->k[b->id];
	if (ma->len <= 8 || mb->len <= 8) /* the whole of the shorter one is in its head */
		return (ma->len > mb->len) - (ma->len < mb->len);
	return strcmp(sorting->pool + ma->off + 8, sorting->pool + mb->off + 8);
}

/* The base's keys, made from its persons' names (read in the order of their numbers, so each key's list is sorted):
 * a first pass counts each distinct key's persons, the keys are sorted, a second pass places the persons. */
static err build_keys(part *out)
{
	kset s = {.cap = 1024};
	err e = (s.slot = calloc(s.cap, sizeof *s.slot)) ? E_OK : E_NOMEM;
	for (int pass = 0; e == E_OK && pass < 2; pass++) {
		s.second = pass == 1;
		for (uint32_t i = 0; i < out->np && !s.failed; i++) {
			s.pid = out->rpid[i];
			persons_keys_each(out->names + (out->rec[i].name & ~(uint32_t)INACTIVE), key_met, &s);
		}
		if (s.failed) {
			e = s.large || s.n >= UINT32_MAX - 2 ? E_INTERNAL : E_NOMEM;
			break;
		}
		if (pass)
			break;
		/* The distinct keys in byte order, each list's place. */
		kord *order = malloc((s.n ? s.n : 1) * sizeof *order);
		out->koff = malloc((s.n + 1) * sizeof *out->koff);
		out->pstart = malloc((s.n + 1) * sizeof *out->pstart);
		out->poff = malloc((s.n + 1) * sizeof *out->poff);
		out->pool = malloc(s.npool ? s.npool : 1);
		if (!order || !out->koff || !out->pstart || !out->poff || !out->pool) {
			free(order);
			e = E_NOMEM;
			break;
		}
		for (uint32_t i = 0; i < s.n; i++) {
			const unsigned char *kp = (const unsigned char *)s.pool + s.k[i].off;
			uint64_t head = 0;
			for (uint32_t b = 0; b < 8; b++)
				head = head << 8 | (b < s.k[i].len ? kp[b] : 0);
			order[i] = (kord){head, i};
		}
		sorting = &s;
		qsort(order, s.n, sizeof *order, by_key);
		sorting = NULL;
		uint32_t at = 0, np = 0;
		uint64_t bytes = 0; /* the lists' bytes: each one's skip records, then its data (core/postings.h) */
		for (uint32_t r = 0; r < s.n; r++) {
			kmeta *m = &s.k[order[r].id];
			out->koff[r] = np;
			out->pstart[r] = at;
			out->poff[r] = (uint32_t)bytes;
			memcpy(out->pool + np, s.pool + m->off, m->len + 1);
			np += m->len + 1;
			at += m->cnt;
			bytes += postings_skips(m->cnt);
			uint32_t gaps = m->bytes;
			m->at = m->bytes = (uint32_t)bytes; /* the second pass: where its data starts and its next gap goes */
			m->cnt = 0;                         /* and none placed */
			m->last = 0;
			bytes += gaps;
			if (bytes >= UINT32_MAX) {
				e = E_INTERNAL; /* beyond this index's offsets: the database answers */
				break;
			}
		}
		free(order);
		if (e != E_OK)
			break;
		out->koff[s.n] = np;
		out->pstart[s.n] = at;
		out->poff[s.n] = (uint32_t)bytes;
		out->nkeys = (uint32_t)s.n;
		if (!(s.post = out->post = malloc(bytes ? (size_t)bytes : 1))) {
			e = E_NOMEM;
			break;
		}
	}
	size_t keys = s.n;
	kset_free(&s);
	if (e != E_OK)
		return e;
	out->bytes += (keys + 1) * (sizeof *out->koff + sizeof *out->pstart + sizeof *out->poff) + out->koff[keys] + out->poff[keys];
	return E_OK;
}

/* The households' last visits and the base's persons (by number), in the build's transaction. */
static err build_rank(db_conn *c, part *out, int64_t page)
{
	size_t cpid = 0, crec = 0, cpool = 0, npool = 0;
	int64_t last = 0;
	err e = E_OK;
	for (bool more = true; e == E_OK && more;) {
		db_res q = {0};
		e = last ? DBQ(c, &Q_SEEN_NEXT, &q, A_INT(last), A_INT(page)) : DBQ(c, &Q_SEEN_FIRST, &q, A_INT(page));
		int64_t rows = 0;
		while (e == E_OK && db_next(&q)) {
			rows++;
			last = db_int(&q, 0);
			size_t c1 = out->caph, c2 = out->caph; /* the two arrays grow alike */
			if (last <= 0 || last > UINT32_MAX || (out->nh && (uint32_t)last <= out->hid[out->nh - 1]) || out->nh >= UINT32_MAX - 1)
				e = E_INTERNAL; /* in the order of their numbers, within this index's */
			else if (!grow((void **)&out->hid, &c1, out->nh + 1, sizeof *out->hid) ||
			         !grow((void **)&out->hseen, &c2, out->nh + 1, sizeof *out->hseen))
				e = E_NOMEM;
			else {
				out->caph = c1 < c2 ? c1 : c2;
				out->hid[out->nh] = (uint32_t)last;
				out->hseen[out->nh++] = db_int(&q, 1);
			}
		}
		if (e == E_OK && q.status != E_OK)
			e = q.status;
		db_close(&q);
		more = rows == page;
	}
	out->nhbase = (uint32_t)out->nh;
	if (e == E_OK && out->nh) { /* to the size used; numbers dense enough: a direct table */
		void *v;
		if ((v = realloc(out->hid, out->nh * sizeof *out->hid)))
			out->hid = v;
		if ((v = realloc(out->hseen, out->nh * sizeof *out->hseen)))
			out->hseen = v;
		out->caph = out->nh; /* (each holds that many, shrunk or not) */
		out->hdir = direct_table(out->hid, out->nhbase, &out->hmin, &out->hrange);
	}
	last = 0;
	for (bool more = true; e == E_OK && more;) {
		db_res q = {0};
		e = last ? DBQ(c, &Q_RANK_NEXT, &q, A_INT(last), A_INT(page)) : DBQ(c, &Q_RANK_FIRST, &q, A_INT(page));
		int64_t rows = 0;
		while (e == E_OK && db_next(&q)) {
			rows++;
			int64_t pid = db_int(&q, 0), hid = db_isnull(&q, 1) ? 0 : db_int(&q, 1);
			const char *sn = db_isnull(&q, 3) ? "" : db_text(&q, 3);
			size_t l = strlen(sn);
			last = pid;
			if (pid <= 0 || pid > UINT32_MAX || out->np >= UINT32_MAX - 1 || npool + l + 1 >= INACTIVE) {
				e = E_INTERNAL; /* beyond this index's numbers: the database answers */
				break;
			}
			if (!grow((void **)&out->rpid, &cpid, out->np + 1, sizeof *out->rpid) ||
			    !grow((void **)&out->rec, &crec, out->np + 1, sizeof *out->rec) ||
			    !grow((void **)&out->names, &cpool, npool + l + 1, 1)) {
				e = E_NOMEM;
				break;
			}
			out->rpid[out->np] = (uint32_t)pid;
			/* a household merged or not read: she is not found (the database joins the same households) */
			out->rec[out->np].hix = hid > 0 && hid <= UINT32_MAX ? household_at(out, (uint32_t)hid) : NO_HOUSEHOLD;
			out->rec[out->np].name = (uint32_t)npool | (db_int(&q, 2) ? 0 : INACTIVE);
			memcpy(out->names + npool, sn, l + 1);
			npool += l + 1;
			out->np++;
		}
		if (e == E_OK && q.status != E_OK)
			e = q.status;
		db_close(&q);
		more = rows == page;
	}
	if (e == E_OK)
		e = build_keys(out); /* while the persons are in number order, before their table replaces that order */
	if (e != E_OK)
		return e;
	if (out->np) { /* to the size used */
		void *v;
		if ((v = realloc(out->rpid, out->np * sizeof *out->rpid)))
			out->rpid = v;
		if ((v = realloc(out->rec, out->np * sizeof *out->rec)))
			out->rec = v;
		if ((v = realloc(out->names, npool)))
			out->names = v;
		/* Numbers dense enough (one structure's, or most of them): the records by number, one read instead of a
		 * search (smaller than records and a table of their places as long as fewer than half are holes). */
		uint64_t range = (uint64_t)out->rpid[out->np - 1] - out->rpid[0] + 1;
		prec *direct = range <= 2 * (uint64_t)out->np + 1024 ? realloc(out->rec, (size_t)range * sizeof *direct) : NULL;
		if (direct) {
			/* Spread in place, from the last: each record moves to a place at or after its own, past those still
			 * to move; the places between two numbers are holes. */
			out->pmin = out->rpid[0];
			out->prange = (uint32_t)range;
			for (uint32_t i = out->np, next = out->prange; i-- > 0;) {
				uint32_t at = out->rpid[i] - out->pmin;
				direct[at] = direct[i];
				while (++at < next)
					direct[at] = HOLE;
				next = out->rpid[i] - out->pmin;
			}
			free(out->rpid); /* the table says it all */
			out->rec = direct;
			out->rpid = NULL;
			out->rdirect = true;
		}
	}
	out->bytes += (out->rpid ? out->np * sizeof *out->rpid : 0) + (out->rdirect ? out->prange : out->np) * sizeof *out->rec + npool +
	              out->caph * (sizeof *out->hid + sizeof *out->hseen) + out->hcap * (sizeof *out->hkey + sizeof *out->hval) +
	              out->hrange * sizeof *out->hdir;
	return E_OK;
}

/* Reads a structure's persons and households into a new base, its keys made from the names (no lock held: the
 * old one answers meanwhile). The feed's number is read first, in the same transaction: what is written after it
 * comes through the feed. */
static err build(db_conn *c, int64_t sid, part *out)
{
	memset(out, 0, sizeof *out);
	out->sid = sid;
	db_conn_scope(c, sid);
	err e = db_begin(c, false);
	if (e != E_OK)
		return e;
	int64_t seq = 0, t0 = civil_now() - 2; /* visits from then on are read again after the build (the tail) */
	int64_t page = ROWS_PAGE, want;
	const char *pg = getenv("OPENCCAS_INDEX_PAGE"); /* tests: small pages, to read many */
	if (pg && text_to_int64(pg, 1, ROWS_PAGE, &want))
		page = want;
	e = DBID0(c, &Q_FEED_HEAD, &seq);
	if (e == E_NOT_FOUND)
		e = E_OK; /* no person written yet */
	if (e == E_OK)
		e = build_rank(c, out, page);
	db_rollback(c);
	if (e != E_OK) {
		base_free(out);
		return e;
	}
	out->seq = seq;
	atomic_store(&out->tail_at, t0);
	return E_OK;
}

static void build_one(int64_t sid);

/* Builds (again) every structure asked for, one at a time. */
static void *builder(void *arg)
{
	(void)arg;
	for (;;) {
		/* Lock order: ix.lock, then ix.work (ask_build runs under the first); never the other way. */
		pthread_mutex_lock(&ix.work);
		while (!ix.stop && !ix.pending)
			pthread_cond_wait(&ix.wake, &ix.work);
		bool stop = ix.stop;
		ix.pending = 0;
		pthread_mutex_unlock(&ix.work);
		if (stop)
			break;
		for (;;) {
			int64_t sid = 0;
			pthread_rwlock_rdlock(&ix.lock);
			for (int i = 0; i < ix.nparts && !sid; i++)
				if (ix.parts[i]->building)
					sid = ix.parts[i]->sid;
			pthread_rwlock_unlock(&ix.lock);
			if (!sid || atomic_load(&ix.halt))
				break;
			build_one(sid);
		}
	}
	return NULL;
}

/* Reads structure sid's keys and puts them in place of its index. */
static void build_one(int64_t sid)
{
	{
		db_conn *c = db_conn_get(ix.d);
		part fresh;
		int64_t t0 = now_ms();
		err e = c ? build(c, sid, &fresh) : E_DB;
		if (c && e == E_OK && db_begin(c, true) == E_OK) {
			/* The feed's rows of more than a day: a server away longer reads the structure again. */
			persons_feed_prune(c);
			db_commit(c);
		}
		db_conn_put(c);
		uint32_t nk = e == E_OK ? fresh.nkeys : 0, ne = e == E_OK ? fresh.pstart[fresh.nkeys] : 0;
		size_t kb = e == E_OK ? fresh.bytes / 1024 : 0;
		pthread_rwlock_wrlock(&ix.lock);
		part *p = part_of(sid);
		if (!p && e == E_OK)
			base_free(&fresh);
		if (p) {
			p->building = false;
			if (e == E_OK) {
				base_free(p);
				delta_free(p);
				p->nkeys = fresh.nkeys;
				p->koff = fresh.koff;
				p->pool = fresh.pool;
				p->pstart = fresh.pstart;
				p->poff = fresh.poff;
				p->post = fresh.post;
				p->bytes = fresh.bytes;
				p->np = fresh.np;
				p->pmin = fresh.pmin;
				p->prange = fresh.prange;
				p->rpid = fresh.rpid;
				p->rdirect = fresh.rdirect;
				p->rec = fresh.rec;
				p->names = fresh.names;
				p->hid = fresh.hid;
				p->hseen = fresh.hseen;
				p->nh = fresh.nh;
				p->caph = fresh.caph;
				p->hkey = fresh.hkey;
				p->hval = fresh.hval;
				p->hcap = fresh.hcap;
				p->nhbase = fresh.nhbase;
				p->hmin = fresh.hmin;
				p->hrange = fresh.hrange;
				p->hdir = fresh.hdir;
				atomic_store(&p->tail_at, atomic_load(&fresh.tail_at));
				p->seq = fresh.seq;
				p->stale = false;
			}
		}
		pthread_rwlock_unlock(&ix.lock);
		/* The build's temporaries (the keys of every person, sorted: more than the index itself) given back to
		 * the system: freed, glibc keeps them in the process, and they counted in its peak for the day. */
		malloc_trim(0);
		if (e == E_OK) {
			atomic_fetch_add(&ix.builds, 1);
			log_info("persons: search index of structure %lld: %u keys, %u entries, %zu kB, %lld ms", (long long)sid, nk, ne, kb,
			         (long long)(now_ms() - t0));
		} else {
			log_warn("persons: search index of structure %lld not built (%s): the database answers", (long long)sid, err_code(e));
		}
	}
}

/* Asks the builder for structure sid (new, or read again). Under the write lock. */
static void ask_build(part *p)
{
	if (p->building)
		return;
	p->building = true;
	pthread_mutex_lock(&ix.work);
	ix.pending++;
	pthread_cond_signal(&ix.wake);
	pthread_mutex_unlock(&ix.work);
}

/* A new structure's part, asked of the builder. Under the write lock. */
static void add_part(int64_t sid)
{
	size_t cap = (size_t)ix.cap;
	part *n = calloc(1, sizeof *n);
	if (!n || !grow((void **)&ix.parts, &cap, (size_t)ix.nparts + 1, sizeof *ix.parts)) {
		free(n);
		return;
	}
	ix.cap = (int)cap;
	n->sid = sid;
	ix.parts[ix.nparts++] = n;
	ask_build(n);
}

err persons_index_start(db *d)
{
	const char *off = getenv("OPENCCAS_SEARCH_INDEX");
	if (off && !strcmp(off, "0"))
		return E_OK;
	ix.d = d;
	ix.stop = false;
	atomic_store(&ix.halt, false);
	if (pthread_create(&ix.thread, NULL, builder, NULL))
		return E_INTERNAL;
	ix.on = true;
	/* Every structure now, so the first searches of the day find it built. */
	arena a;
	arena_init(&a, 0);
	int64_t *sids = NULL;
	int n = 0;
	db_conn *c = db_conn_get(d);
	if (c) {
		n = accounts_structure_ids(c, &a, &sids);
		db_conn_put(c);
	}
	pthread_rwlock_wrlock(&ix.lock);
	for (int i = 0; i < n; i++)
		if (!part_of(sids[i]))
			add_part(sids[i]);
	pthread_rwlock_unlock(&ix.lock);
	arena_release(&a);
	return E_OK;
}

void persons_index_stop(void)
{
	if (!ix.on)
		return;
	atomic_store(&ix.halt, true);
	pthread_mutex_lock(&ix.work);
	ix.stop = true;
	pthread_cond_broadcast(&ix.wake);
	pthread_mutex_unlock(&ix.work);
	pthread_join(ix.thread, NULL);
	ix.on = false;
	pthread_rwlock_wrlock(&ix.lock);
	for (int i = 0; i < ix.nparts; i++) {
		base_free(ix.parts[i]);
		delta_free(ix.parts[i]);
		free(ix.parts[i]);
	}
	free(ix.parts);
	ix.parts = NULL;
	ix.nparts = ix.cap = 0;
	pthread_rwlock_unlock(&ix.lock);
}

int64_t persons_index_builds(void) { return atomic_load(&ix.builds); }

/* Adds a (key, person) to the delta, in key order. Under the write lock. */
static bool delta_add(part *p, const char *key, uint32_t pid)
{
	size_t lo = 0, hi = p->nd;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(p->delta[mid].key, key);
		if (c < 0 || (c == 0 && p->delta[mid].pid < pid))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->nd && p->delta[lo].pid == pid && !strcmp(p->delta[lo].key, key))
		return true; /* already there */
	if (!grow((void **)&p->delta, &p->capd, p->nd + 1, sizeof *p->delta))
		return false;
	char *k = strdup(key);
	if (!k)
		return false;
	memmove(p->delta + lo + 1, p->delta + lo, (p->nd - lo) * sizeof *p->delta);
	p->delta[lo] = (drow){k, pid};
	p->nd++;
	return true;
}

/* A fed person's keys, each its own string. */
typedef struct fed_keys { char **v; size_t n, cap; bool failed; } fed_keys;

static void key_fed(const char *k, size_t len, void *ctx)
{
	fed_keys *f = ctx;
	char *d = f->failed ? NULL : strndup(k, len);
	if (!d || !grow((void **)&f->v, &f->cap, f->n + 1, sizeof *f->v)) {
		free(d);
		f->failed = true;
		return;
	}
	f->v[f->n++] = d;
}

/* Reads the feed past the index's number and adds its persons' keys. One
 * statement when nothing changed. False when the structure's index cannot
 * answer (not built, being read again after a mark). */
static bool catch_up(db_conn *c, int64_t sid, int64_t head)
{
	pthread_rwlock_rdlock(&ix.lock);
	part *p = part_of(sid);
	bool ready = p && p->koff && !p->stale;
	int64_t from = p ? p->seq : 0;
	pthread_rwlock_unlock(&ix.lock);
	if (!p) {
		/* A structure created since the start: built now in the background. */
		pthread_rwlock_wrlock(&ix.lock);
		if (!part_of(sid))
			add_part(sid);
		pthread_rwlock_unlock(&ix.lock);
		return false;
	}
	if (!ready)
		return false;
	if (head >= 0 && head <= from)
		return true; /* nothing written since the index read its feed: the session's statement said so */
	for (int round = 0; round < 100; round++) {
		db_res q = {0};
		int64_t seqs[500], pids[500];
		int n = 0;
		if (DBQ(c, &Q_FEED_READ, &q, A_INT(from)) != E_OK) {
			db_close(&q);
			return false;
		}
		while (n < 500 && db_next(&q)) {
			seqs[n] = db_int(&q, 0);
			pids[n++] = db_int(&q, 1);
		}
		db_close(&q);
		if (!n)
			return true;
		for (int i = 0; i < n; i++) {
			if (seqs[i] != from + 1 || pids[i] <= 0 || pids[i] > UINT32_MAX) {
				/* A mark (an import), or rows removed before this server read them: read the structure again. */
				pthread_rwlock_wrlock(&ix.lock);
				p->stale = true;
				ask_build(p);
				pthread_rwlock_unlock(&ix.lock);
				return false;
			}
			/* What the ranking needs of her (none when she is gone from the search), and her keys, all of them (a
			 * long name has hundreds), made from her name as it is now. */
			int64_t hid = 0, seen = 0;
			bool active = false, found = false;
			char *name = NULL;
			db_res kq = {0};
			if (DBQ(c, &Q_PERSON_REC, &kq, A_INT(pids[i])) == E_OK && db_next(&kq)) {
				hid = db_int(&kq, 0);
				active = db_int(&kq, 1) != 0;
				name = strdup(db_isnull(&kq, 2) ? "" : db_text(&kq, 2));
				seen = db_int(&kq, 3);
				found = true;
			}
			bool read = kq.status == E_OK && (!found || (name && hid > 0 && hid <= UINT32_MAX));
			db_close(&kq);
			fed_keys keys = {0};
			if (read && name)
				persons_keys_each(name, key_fed, &keys);
			read = read && !keys.failed; /* else a person the search would miss: not applied */
			char **fkeys = keys.v;
			size_t nk = keys.n;
			pthread_rwlock_wrlock(&ix.lock);
			bool ok = read;
			if (ok && p->seq == from) { /* nobody applied it meanwhile */
				for (size_t k = 0; k < nk && ok; k++)
					ok = delta_add(p, fkeys[k], (uint32_t)pids[i]);
				uint32_t hix = NO_HOUSEHOLD;
				if (ok && found)
					ok = seen_put(p, (uint32_t)hid, seen, &hix);
				if (ok)
					ok = pdelta_put(p, (uint32_t)pids[i], hix, active, name);
				else
					free(name);
				name = NULL;
				if (ok)
					p->seq = seqs[i];
				if (!ok || p->nd > DELTA_MAX || p->npd > PDELTA_MAX) {
					p->stale = !ok;
					ask_build(p); /* the delta folded into a new base */
				}
			}
			from = p->seq;
			pthread_rwlock_unlock(&ix.lock);
			free(name);
			for (size_t k = 0; k < nk; k++)
				free(fkeys[k]);
			free(fkeys);
			if (!ok)
				return false;
		}
	}
	return true;
}

/* The base's first key ≥ k. */
static uint32_t lower(const part *p, const char *k)
{
	uint32_t lo = 0, hi = p->nkeys;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(p->pool + p->koff[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static size_t dlower(const part *p, const char *k)
{
	size_t lo = 0, hi = p->nd;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(p->delta[mid].key, k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The visits of the last seconds, read at most once a second: another server's visits (this server's are put
 * in memory as they are written, persons_index_seen) move a household up here within a second or so — the
 * servers' clocks agreeing within two seconds. */
static void read_tail(db_conn *c, part *p)
{
	int64_t now = civil_now(), t = atomic_load(&p->tail_at);
	if ((now - t < 1 && now >= t) || !atomic_compare_exchange_strong(&p->tail_at, &t, now))
		return;
	db_res q = {0};
	if (DBQ(c, &Q_SEEN_TAIL, &q, A_INT((t < now ? t : now) - 2)) != E_OK) {
		db_close(&q);
		atomic_store(&p->tail_at, t); /* read again at the next search */
		return;
	}
	bool more = true;
	while (more) {
		enum { BATCH = 512 };
		int64_t hid[BATCH], at[BATCH];
		int n = 0;
		while (n < BATCH && (more = db_next(&q))) {
			hid[n] = db_int(&q, 0);
			at[n++] = db_int(&q, 1);
		}
		pthread_rwlock_wrlock(&ix.lock);
		for (int i = 0; i < n; i++)
			if (hid[i] > 0 && hid[i] <= UINT32_MAX && p->koff && !seen_put(p, (uint32_t)hid[i], at[i], NULL))
				p->stale = true; /* no memory: searches read the names until the index is built again */
		pthread_rwlock_unlock(&ix.lock);
	}
	if (q.status != E_OK)
		atomic_store(&p->tail_at, t);
	db_close(&q);
}

bool persons_index_catch_up(db_conn *c, int64_t feed_head)
{
	if (!ix.on)
		return false;
	int64_t sid = db_conn_structure(c);
	if (!catch_up(c, sid, feed_head))
		return false;
	pthread_rwlock_rdlock(&ix.lock);
	part *p = part_of(sid);
	pthread_rwlock_unlock(&ix.lock);
	if (p)
		read_tail(c, p);
	return p != NULL;
}

void persons_index_seen(int64_t sid, int64_t hid, int64_t at)
{
	if (!ix.on || hid <= 0 || hid > UINT32_MAX)
		return;
	pthread_rwlock_wrlock(&ix.lock);
	part *p = part_of(sid);
	if (p && p->koff && !seen_put(p, (uint32_t)hid, at, NULL))
		p->stale = true;
	pthread_rwlock_unlock(&ix.lock);
}

/* Person pid's record in the base, or NULL. */
static const prec *base_record(const part *p, uint32_t pid)
{
	if (p->rdirect)
		return pid - p->pmin < p->prange && p->rec[pid - p->pmin].name != HOLE.name ? &p->rec[pid - p->pmin] : NULL;
	uint32_t at = place_of(NULL, 0, 0, p->rpid, p->np, pid); /* her place, plus one */
	return at ? &p->rec[at - 1] : NULL;
}

/* Person pid as the index knows her: her search name (NULL: gone from the search), household's place and
 * membership; false when the index does not know her. Under the lock. */
static bool person_at(const part *p, uint32_t pid, const char **name, uint32_t *hix, bool *active, bool *fed)
{
	size_t d = p->npd ? pdelta_at(p, pid) : 0;
	*fed = d < p->npd && p->pdelta[d].pid == pid;
	if (*fed) {
		*hix = p->pdelta[d].hix;
		*name = p->pdelta[d].name;
		*active = p->pdelta[d].active;
		return true;
	}
	const prec *r = base_record(p, pid);
	if (!r)
		return false;
	*hix = r->hix;
	*name = p->names + (r->name & ~(uint32_t)INACTIVE);
	*active = !(r->name & INACTIVE);
	return true;
}

bool persons_index_rank(db_conn *c, arena *a, const int64_t *pids, int n, person_rank *out)
{
	if (!ix.on)
		return false;
	int64_t sid = db_conn_structure(c);
	bool ok = true;
	pthread_rwlock_rdlock(&ix.lock);
	part *p = part_of(sid);
	if (!p || !p->koff || p->stale)
		ok = false;
	for (int i = 0; ok && i < n; i++) {
		out[i] = (person_rank){0};
		uint32_t hix = NO_HOUSEHOLD;
		const char *name = NULL;
		bool fed;
		if (pids[i] <= 0 || pids[i] > UINT32_MAX || !person_at(p, (uint32_t)pids[i], &name, &hix, &out[i].active, &fed)) {
			ok = false; /* not known here: the database ranks */
			break;
		}
		if (!name || hix == NO_HOUSEHOLD || hix >= p->nh) {
			out[i].gone = true;
			continue;
		}
		out[i].household_id = p->hid[hix];
		out[i].last_seen = p->hseen[hix];
		ok = (out[i].search_name = arena_strdup(a, name)) != NULL;
	}
	pthread_rwlock_unlock(&ix.lock);
	return ok;
}

/* The best so far, best first. */
typedef struct best_set {
	person_best *v;
	int n, max;
	long examined, bound; /* entries offered, and how many the current look-up may offer */
	bool known;           /* every person met is known to the index */
	bool capped;          /* an entry was left at a bound */
	int (*score)(const char *sn, bool active, void *ctx);
	void *ctx;
} best_set;

/* Offers person pid: in her place if she is better than the last (and not there already). base_score: her score
 * when the base's name is hers (a list of every word whole: the best of each), else below 0 — scored by name. False
 * when the search must stop: the bound reached (capped: an entry was left), or a person the index does not know
 * (the database answers). */
static bool best_offer(const part *p, best_set *b, uint32_t pid, int base_score)
{
	if (b->examined == b->bound) {
		b->capped = true;
		return false;
	}
	b->examined++;
	const char *name = NULL;
	uint32_t hix = NO_HOUSEHOLD;
	bool active = false, fed = false;
	if (!person_at(p, pid, &name, &hix, &active, &fed)) {
		b->known = false;
		return false;
	}
	if (!name || hix == NO_HOUSEHOLD || hix >= p->nh)
		return true; /* gone from the search */
	int score = base_score >= 0 && !fed ? (active ? base_score : base_score - 5) : b->score(name, active, b->ctx);
	if (score < 0)
		return true;
	person_best cand = {pid, p->hseen[hix], name, score};
	if (b->n == b->max && persons_rank_cmp(&cand, &b->v[b->n - 1]) >= 0)
		return true;
	int at = b->n;
	while (at > 0 && persons_rank_cmp(&cand, &b->v[at - 1]) < 0)
		at--;
	if (at > 0 && b->v[at - 1].id == cand.id)
		return true; /* met by another key: the same entry, already in */
	if (b->n < b->max)
		b->n++;
	memmove(b->v + at + 1, b->v + at, (size_t)(b->n - 1 - at) * sizeof *b->v);
	b->v[at] = cand;
	return true;
}

/* Offers pids[0..n) in order, as best_offer does one by one. Each offer reads places picked by the person (her
 * record, her household's last visit, her name), each a miss of the processor's cache for a common name's
 * thousands: they are asked for the whole batch first (prefetched, in two rounds, the second's addresses read from
 * the first's), so the misses overlap instead of following one another. With records by place (numbers too
 * sparse for a direct table), each offer searches its own. */
enum { OFFER_BATCH = 16 };
static bool best_offer_batch(const part *p, best_set *b, const uint32_t *pids, int n, int base_score)
{
	const prec *r[OFFER_BATCH];
	for (int i = 0; i < n; i++) {
		r[i] = p->rdirect && pids[i] - p->pmin < p->prange ? &p->rec[pids[i] - p->pmin] : NULL;
		if (r[i])
			__builtin_prefetch(r[i]);
	}
	for (int i = 0; i < n; i++)
		if (r[i] && r[i]->name != HOLE.name && r[i]->hix < p->nh) {
			__builtin_prefetch(&p->hseen[r[i]->hix]);
			if (base_score < 0)
				__builtin_prefetch(p->names + (r[i]->name & ~(uint32_t)INACTIVE));
		}
	for (int i = 0; i < n; i++)
		if (!best_offer(p, b, pids[i], base_score))
			return false;
	return true;
}

/* A reader of key i's persons in the base. */
static void list_open(const part *p, uint32_t i, postings_cur *c)
{
	postings_open(c, p->post + p->poff[i], p->pstart[i + 1] - p->pstart[i]);
}

static bool key_matches(const char *k, const index_lookup *lk, size_t kl)
{
	return lk->prefix ? strncmp(k, lk->key, kl) == 0 : strcmp(k, lk->key) == 0;
}

/* Offers the persons of one look-up, base then delta, at most lk->max of them; false when the search must stop. */
static bool best_lookup(const part *p, best_set *b, const index_lookup *lk)
{
	size_t kl = strlen(lk->key);
	b->bound = b->examined + lk->max;
	for (uint32_t i = lower(p, lk->key); i < p->nkeys && key_matches(p->pool + p->koff[i], lk, kl); i++) {
		postings_cur cur;
		uint32_t batch[OFFER_BATCH], x;
		int nb = 0;
		list_open(p, i, &cur);
		for (bool more = postings_next(&cur, &x); more || nb; nb = 0) {
			for (; more && nb < OFFER_BATCH; more = postings_next(&cur, &x))
				batch[nb++] = x;
			if (!best_offer_batch(p, b, batch, nb, -1))
				return b->known;
		}
	}
	for (size_t i = dlower(p, lk->key); i < p->nd && key_matches(p->delta[i].key, lk, kl); i++)
		if (!best_offer(p, b, p->delta[i].pid, -1))
			return b->known;
	return true;
}

/* Offers every person having all these keys exactly: the base's lists intersected (the shortest read along, the
 * others sought in), and the delta's persons of each key (those fed since the base have all their keys
 * there). At most ALL_MAX offered; false when the search must stop. */
enum { ALL_MAX = 2000 };
static bool best_all(const part *p, best_set *b, const char *const *all, int nall, int all_score)
{
	enum { WORDS = SEARCH_WORDS_MAX }; /* as many as the search passes: every one intersected */
	postings_cur cur[WORDS];
	int n = 0;
	/* More words than it holds (the search takes eight at most): no intersection — a person of it would be given
	 * the score of every word without having them all — the look-ups and the delta still answer. */
	bool everywhere = nall <= WORDS;
	for (int w = 0; everywhere && w < nall; w++) {
		uint32_t i = lower(p, all[w]);
		if (i >= p->nkeys || strcmp(p->pool + p->koff[i], all[w])) {
			everywhere = false; /* no person of the base has it */
			break;
		}
		list_open(p, i, &cur[n++]);
	}
	b->bound = b->examined + ALL_MAX;
	if (everywhere && n) {
		int s = 0;
		for (int w = 1; w < n; w++)
			if (cur[w].n < cur[s].n)
				s = w;
		/* The shortest list read along, the others sought in (read along within a block, whole blocks skipped
		 * when the number sought is past them). */
		uint32_t batch[OFFER_BATCH], x, y;
		int nb = 0;
		for (bool more = postings_next(&cur[s], &x); more;) {
			bool in = true;
			for (int w = 0; w < n && in; w++) {
				if (w == s)
					continue;
				if (postings_seek(&cur[w], x, &y))
					in = y == x;
				else
					in = more = false; /* a list ended: no person further has every key */
			}
			if (in)
				batch[nb++] = x;
			if (more)
				more = postings_next(&cur[s], &x);
			if (nb == OFFER_BATCH || (nb && !more)) { /* full, or a list's end: offered, then emptied */
				if (!best_offer_batch(p, b, batch, nb, all_score))
					return b->known;
				nb = 0;
			}
		}
	}
	for (int w = 0; w < nall; w++) {
		index_lookup lk = {all[w], false, 0};
		size_t kl = strlen(all[w]);
		for (size_t i = dlower(p, all[w]); i < p->nd && key_matches(p->delta[i].key, &lk, kl); i++)
			if (!best_offer(p, b, p->delta[i].pid, -1))
				return b->known;
	}
	return true;
}

int persons_index_best(db_conn *c, arena *a, const index_lookup *lk, int nlk, const index_lookup *more, int nmore,
                       const char *const *all, int nall, int all_score, int (*score)(const char *sn, bool active, void *ctx),
                       void *ctx, int max, person_best *out, bool *capped)
{
	*capped = false;
	if (!ix.on || max <= 0)
		return -1;
	int64_t sid = db_conn_structure(c);
	best_set b = {.v = out, .max = max, .known = true, .score = score, .ctx = ctx};
	pthread_rwlock_rdlock(&ix.lock);
	part *p = part_of(sid);
	if (!p || !p->koff || p->stale) {
		pthread_rwlock_unlock(&ix.lock);
		return -1;
	}
	bool go = nall <= 0 || best_all(p, &b, all, nall, all_score), all_capped = b.capped;
	/* The best max all have every word whole, the best score there is: anyone the look-ups would find with it is
	 * among them, so they are skipped. */
	if (nall > 0 && b.n == max && b.v[max - 1].score >= all_score)
		nlk = nmore = 0;
	for (int l = 0; go && l < nlk; l++)
		go = best_lookup(p, &b, &lk[l]);
	/* Fewer than max: the second stage's look-ups, wider; the first's persons stay in (the intersection is not
	 * walked again), and a bound the first met is its own (the wider look-ups pass it). */
	if (go && b.known && b.n < max && nmore > 0) {
		b.capped = all_capped;
		for (int l = 0; go && l < nmore; l++)
			go = best_lookup(p, &b, &more[l]);
	}
	for (int i = 0; b.known && i < b.n; i++) /* the names, while the lock keeps them */
		if (!(out[i].search_name = arena_strdup(a, out[i].search_name)))
			b.known = false;
	pthread_rwlock_unlock(&ix.lock);
	if (!b.known)
		return -1;
	*capped = b.capped;
	return b.n;
}

int persons_index_find(db_conn *c, const char *key, bool prefix, int64_t *out, int max)
{
	if (!ix.on)
		return -1;
	int64_t sid = db_conn_structure(c);
	size_t kl = strlen(key);
	int n = 0;
	pthread_rwlock_rdlock(&ix.lock);
	part *p = part_of(sid);
	if (!p || !p->koff || p->stale) {
		pthread_rwlock_unlock(&ix.lock);
		return -1;
	}
	for (uint32_t i = lower(p, key); i < p->nkeys && n < max; i++) {
		const char *k = p->pool + p->koff[i];
		if (prefix ? strncmp(k, key, kl) != 0 : strcmp(k, key) != 0)
			break;
		postings_cur cur;
		uint32_t x;
		list_open(p, i, &cur);
		while (n < max && postings_next(&cur, &x))
			out[n++] = x;
	}
	for (size_t i = dlower(p, key); i < p->nd && n < max; i++) {
		const char *k = p->delta[i].key;
		if (prefix ? strncmp(k, key, kl) != 0 : strcmp(k, key) != 0)
			break;
		out[n++] = p->delta[i].pid;
	}
	pthread_rwlock_unlock(&ix.lock);
	return n;
}

void persons_index_stats(size_t *bytes, int64_t *keys, int64_t *entries)
{
	*bytes = 0;
	*keys = *entries = 0;
	pthread_rwlock_rdlock(&ix.lock);
	for (int i = 0; i < ix.nparts; i++) {
		part *p = ix.parts[i];
		*bytes += p->bytes + p->capd * sizeof *p->delta;
		*keys += p->nkeys;
		*entries += (p->koff ? p->pstart[p->nkeys] : 0) + (int64_t)p->nd;
	}
	pthread_rwlock_unlock(&ix.lock);
}
