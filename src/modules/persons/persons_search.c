/*
 * persons_search.c — the search: by name (keys made of the folded names, in
 * memory), birth date, telephone, file number; the ranked search with one typing
 * error forgiven, duplicates, and persons_find for other modules.
 */
#include "modules/persons/persons_internal.h"
#include "core/countof.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

/* ---- search keys ---------------------------------------------------------- */

char *persons_search_name(arena *a, const char *last, const char *birth, const char *first)
{
	char *s = arena_printf(a, "%s %s %s", last ? last : "", birth ? birth : "", first ? first : "");
	return s ? text_fold(a, s) : NULL;
}

char *phone_digits(arena *a, const char *phone)
{
	if (!phone)
		return arena_strdup(a, "");
	char d[32];
	size_t n = 0;
	for (const char *c = phone; *c && n < sizeof d - 1; c++)
		if (isdigit((unsigned char)*c))
			d[n++] = *c;
	d[n] = 0;
	/* Keep the last 9 digits: 06 12… and +33 6 12… are the same number. */
	return arena_strdup(a, n > 9 ? d + n - 9 : d);
}

/* Keys of a folded name: every word (searched by prefix) and, for words of
 * 4 letters or more, the word and each of its one-letter deletions marked
 * with '!' (searched exactly): two words within one edit share a key. This
 * is the "symmetric delete" scheme: ~8 keys a word, one typo (letter
 * missing, extra, or replaced) found by exact look-ups. No key is stored:
 * the index in memory makes them from the names (persons_index.c). */
void persons_keys_each(const char *sn, void (*fn)(const char *key, size_t len, void *ctx), void *ctx)
{
	char b[1 + 24];
	for (const char *p = sn; *p;) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		size_t len = (size_t)(p - s);
		if (!len)
			continue;
		fn(s, len, ctx);
		if (len >= 4 && len <= 24) {
			b[0] = '!';
			memcpy(b + 1, s, len);
			fn(b, 1 + len, ctx);
			for (size_t i = 0; i < len; i++) {
				if (i > 0 && s[i] == s[i - 1])
					continue; /* deleting either of a double letter gives the same key */
				memcpy(b + 1, s, i);
				memcpy(b + 1 + i, s + i + 1, len - i - 1);
				fn(b, len, ctx);
			}
		}
	}
}

typedef struct keys_acc { arena *a; const char **k; int n, cap; } keys_acc;

static void key_count(const char *key, size_t len, void *ctx)
{
	(void)key;
	(void)len;
	((keys_acc *)ctx)->cap++;
}

static void key_keep(const char *key, size_t len, void *ctx)
{
	keys_acc *x = ctx;
	const char *d = x->n < x->cap ? arena_strndup(x->a, key, len) : NULL;
	if (d) /* no memory: fewer keys (the arena says it failed), never a NULL one */
		x->k[x->n++] = d;
}

int persons_keys(arena *a, const char *sn, const char ***keys)
{
	/* Counted first: a name of many long words has all its keys. */
	keys_acc x = {a, NULL, 0, 0};
	persons_keys_each(sn, key_count, &x);
	*keys = x.k = arena_array(a, (size_t)x.cap + 1, sizeof *x.k);
	if (!x.k)
		return 0;
	persons_keys_each(sn, key_keep, &x);
	return x.n;
}

/* ---- search -------------------------------------------------------------- */

const char PERSONS_MANY[] = "Beaucoup de personnes correspondent : une partie seulement a été examinée. "
                            "Ajoutez le prénom, la date de naissance ou le numéro de dossier.";

static db_sql Q_S_BIRTH = DB_SQL(DB_SCOPED,
	"SELECT id FROM persons WHERE structure_id = $1 AND birth_date = $2 LIMIT 201");
static db_sql Q_S_PHONE = DB_SQL(DB_SCOPED,
	"SELECT id FROM persons WHERE structure_id = $1 AND (phone_digits = $2 OR caf_number = $3) LIMIT 51");
static db_sql Q_S_FILE = DB_SQL(DB_SCOPED,
	"SELECT p.id FROM persons p JOIN households h ON h.id = p.household_id WHERE h.structure_id = $1 "
	"AND h.file_no = $2 AND p.structure_id = $1 LIMIT 21");
/* Candidates' details, fifty at a time. The unary + keeps the planner on
 * the primary key: without statistics, SQLite would rather scan the
 * structure's index. */
static db_sql Q_S_DETAILS = DB_SQL(DB_SCOPED,
	"SELECT p.id, p.household_id, p.last_name, p.birth_name, p.first_names, p.birth_date, p.search_name, h.file_no, "
	"h.last_seen_at, trim(h.street_no || ' ' || h.street), p.relation, p.active, h.archived_at, p.sex FROM persons p "
	"JOIN households h ON h.id = p.household_id AND h.structure_id = $1 AND h.merged_into IS NULL "
	"WHERE +p.structure_id = $1 AND p.id IN ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50, $51)");

/* Candidates in the order found, each once: a hash of what is in (open
 * addressing, grown at half full) — a common name gives hundreds. */
typedef struct idset { int64_t *v; int n, cap; int64_t *h; int hcap; bool capped; } idset;

static bool idset_seen(arena *a, idset *s, int64_t id)
{
	if (s->n * 2 >= s->hcap) {
		int hc = s->hcap ? s->hcap * 2 : 256;
		int64_t *nh = arena_array(a, (size_t)hc, sizeof *nh);
		if (!nh)
			return true; /* no memory: the id is left out, the arena says it failed */
		memset(nh, 0, sizeof *nh * (size_t)hc);
		for (int i = 0; i < s->n; i++) {
			uint64_t k = (uint64_t)s->v[i] * 0x9E3779B97F4A7C15u;
			int j = (int)(k >> 40) & (hc - 1);
			while (nh[j])
				j = (j + 1) & (hc - 1);
			nh[j] = s->v[i];
		}
		s->h = nh;
		s->hcap = hc;
	}
	uint64_t k = (uint64_t)id * 0x9E3779B97F4A7C15u;
	int j = (int)(k >> 40) & (s->hcap - 1);
	while (s->h[j]) {
		if (s->h[j] == id)
			return true;
		j = (j + 1) & (s->hcap - 1);
	}
	s->h[j] = id;
	return false;
}

static void idset_add(arena *a, idset *s, int64_t id)
{
	if (id <= 0 || idset_seen(a, s, id))
		return;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 64;
		int64_t *nv = arena_array(a, (size_t)cap, sizeof *nv);
		if (!nv)
			return;
		if (s->n)
			memcpy(nv, s->v, sizeof *nv * (size_t)s->n);
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = id;
}

/* A key's persons, from the index in memory: at most KEY_MAX (a prefix PREFIX_MAX) of them; one more is asked for,
 * and when it is there the search says it looked at part of a common name (capped), never silently. False when
 * the index cannot answer. */
enum { KEY_MAX = 200, PREFIX_MAX = 300, BIRTH_MAX = 200, PHONE_MAX = 50, FILE_MAX = 20 }; /* the LIMITs: one more */
static bool lookup(db_conn *c, arena *a, idset *s, const char *key, bool prefix)
{
	int64_t got[PREFIX_MAX + 1];
	int max = prefix ? PREFIX_MAX : KEY_MAX, n = persons_index_find(c, key, prefix, got, max + 1);
	if (n < 0)
		return false;
	if (n > max) {
		s->capped = true;
		n = max;
	}
	for (int i = 0; i < n; i++)
		idset_add(a, s, got[i]);
	return true;
}

/* The rows of r, at most max: the statement asks one more, whose presence says more were left (capped). */
static void collect(db_res *r, idset *s, arena *a, int max)
{
	int n = 0;
	while (db_next(r)) {
		if (n++ == max) {
			s->capped = true;
			break;
		}
		idset_add(a, s, db_int(r, 0));
	}
	db_close(r);
}

/* One typo between a and b (lengths la, lb): Levenshtein distance ≤ 1, or
 * two adjacent letters swapped ("heleen" / "helene"), which is what the
 * symmetric-delete keys find too. */
static bool within_one(const char *a, size_t la, const char *b, size_t lb)
{
	if (la == lb) {
		size_t i = 0;
		while (i < la && a[i] == b[i])
			i++;
		if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && !memcmp(a + i + 2, b + i + 2, la - i - 2))
			return true;
	}
	if (la > lb + 1 || lb > la + 1)
		return false;
	size_t i = 0, j = 0;
	int edits = 0;
	while (i < la && j < lb) {
		if (a[i] == b[j]) {
			i++;
			j++;
			continue;
		}
		if (++edits > 1)
			return false;
		if (la > lb)
			i++;
		else if (lb > la)
			j++;
		else {
			i++;
			j++;
		}
	}
	return edits + (int)(la - i) + (int)(lb - j) <= 1;
}

/* How well query word w matches name sn: 3 exact word, 2 prefix, 1 typo. */
static int word_score(const char *w, const char *sn)
{
	size_t wl = strlen(w);
	int best = 0;
	const char *p = sn;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		size_t len = (size_t)(p - s);
		if (!len)
			continue;
		if (len == wl && !memcmp(s, w, wl))
			return 3;
		if (len > wl && !memcmp(s, w, wl))
			best = best > 2 ? best : 2;
		else if (wl >= 4 && (within_one(w, wl, s, len) || (len > wl && within_one(w, wl, s, wl))))
			best = best > 1 ? best : 1;
	}
	return best;
}

/* The order of the results: the best score, then the household seen last, then the folded names, then the
 * person's number — the same whether the index in memory or the database ranks. */
static int rank_cmp(int sa, int sb, int64_t la, int64_t lb, const char *na, const char *nb, int64_t pa, int64_t pb)
{
	if (sa != sb)
		return sb - sa;
	if (la != lb)
		return la < lb ? 1 : -1;
	int c = strcmp(na ? na : "", nb ? nb : "");
	return c ? c : (pa > pb) - (pa < pb);
}

int persons_rank_cmp(const person_best *a, const person_best *b)
{
	return rank_cmp(a->score, b->score, a->last_seen, b->last_seen, a->search_name, b->search_name, a->id, b->id);
}

static int hit_cmp(const void *x, const void *y)
{
	const search_hit *a = x, *b = y;
	return rank_cmp(a->score, b->score, a->last_seen, b->last_seen, a->search_name, b->search_name, a->person_id,
	                b->person_id);
}

/* A person's score for the query's words: base, plus ten times each word's (all must match: else -1), five less
 * when she left the household. */
static int score_of(const char *sn, bool active, char **words, int nwords, int base_score)
{
	int score = base_score;
	for (int w = 0; w < nwords; w++) {
		int s = word_score(words[w], sn ? sn : "");
		if (!s)
			return -1;
		score += s * 10;
	}
	return active ? score : score - 5; /* left the household: after current members */
}

/* The details of persons ids[0..n) as the database has them now, those matching every word, into hits. */
static int read_hits(db_conn *c, arena *a, const int64_t *ids, int n, char **words, int nwords, int base_score,
                     search_hit *hits)
{
	int nh = 0;
	for (int off = 0; hits && off < n; off += 50) {
		db_arg args[50];
		for (int i = 0; i < 50; i++)
			args[i] = A_INT(off + i < n ? ids[off + i] : 0);
		db_res q = {0};
		if (db_query(c, &Q_S_DETAILS, &q, 50, args) != E_OK) {
			db_close(&q);
			break;
		}
		while (db_next(&q)) {
			const char *sn = db_text(&q, 6);
			int score = score_of(sn, db_int(&q, 11) != 0, words, nwords, base_score);
			if (score < 0)
				continue;
			search_hit *h = &hits[nh++];
			h->person_id = db_int(&q, 0);
			h->household_id = db_int(&q, 1);
			h->last_name = db_dup(&q, 2, a);
			h->birth_name = db_dup(&q, 3, a);
			h->first_names = db_dup(&q, 4, a);
			h->birth_date = db_dup(&q, 5, a);
			h->search_name = db_dup(&q, 6, a);
			if (!h->search_name)
				h->search_name = "";
			h->file_no = db_dup(&q, 7, a);
			h->last_seen = db_int(&q, 8);
			h->address = db_dup(&q, 9, a);
			h->relation = db_dup(&q, 10, a);
			h->archived = !db_isnull(&q, 12);
			h->sex = db_dup(&q, 13, a);
			if (!h->sex)
				h->sex = "";
			h->score = score;
		}
		db_close(&q);
	}
	return nh;
}

/* Ranked in memory: the index knows every candidate's name, membership and household's last visit, so only the
 * first max are read — and checked: each as the index said (score, visit, name), else -1 and the database ranks
 * them all (a change not yet in memory). What the index cannot see is a visit on another server in the last
 * second or so (read_tail): that household may not move up until then. */
static int best_cmp(const void *x, const void *y) { return persons_rank_cmp(x, y); }

/* The details of r[0..n), ranked by the index, read and checked against it. */
static int read_checked(db_conn *c, arena *a, const person_best *r, int n, char **words, int nwords, int base_score,
                        search_hit **out)
{
	int64_t *want = arena_array(a, (size_t)(n ? n : 1), sizeof *want);
	search_hit *hits = arena_array(a, (size_t)(n ? n : 1), sizeof *hits);
	if (!want || !hits)
		return -1;
	for (int i = 0; i < n; i++)
		want[i] = r[i].id;
	int nh = read_hits(c, a, want, n, words, nwords, base_score, hits);
	if (nh != n)
		return -1;
	if (nh > 1)
		qsort(hits, (size_t)nh, sizeof *hits, hit_cmp);
	for (int i = 0; i < nh; i++)
		if (hits[i].person_id != r[i].id || hits[i].score != r[i].score || hits[i].last_seen != r[i].last_seen ||
		    strcmp(hits[i].search_name, r[i].search_name))
			return -1;
	*out = hits;
	return nh;
}

static int ranked(db_conn *c, arena *a, idset *ids, char **words, int nwords, search_hit **out, int max, int base_score)
{
	person_rank *pr = arena_array(a, (size_t)ids->n, sizeof *pr);
	person_best *r = arena_array(a, (size_t)ids->n, sizeof *r);
	if (!pr || !r || !persons_index_rank(c, a, ids->v, ids->n, pr))
		return -1;
	int nr = 0;
	for (int i = 0; i < ids->n; i++) {
		int score = pr[i].gone ? -1 : score_of(pr[i].search_name, pr[i].active, words, nwords, base_score);
		if (score >= 0)
			r[nr++] = (person_best){ids->v[i], pr[i].last_seen, pr[i].search_name, score};
	}
	if (nr > 1)
		qsort(r, (size_t)nr, sizeof *r, best_cmp);
	return read_checked(c, a, r, nr < max ? nr : max, words, nwords, base_score, out);
}

/* Names looked up and ranked in memory: the look-ups the database makes, with the same bounds, and — when the
 * query has several words — every person having each word whole, however common they are: the lists of the
 * index intersected (« martin marie » finds Marie Martin among ten thousand Martin, where the first two hundred
 * examined would not hold her). */
typedef struct words_ctx { char **words; int nwords; } words_ctx;

static int words_score(const char *sn, bool active, void *ctx)
{
	const words_ctx *w = ctx;
	return score_of(sn, active, w->words, w->nwords, 0);
}

/* The name search in memory, in the database's two stages (below) made in one pass of the index: the word
 * whole (and, for several words, every person having them all), then — when fewer than max answer — by prefix
 * and with one typo; -1 when the index cannot answer. */
static int names_in_memory(db_conn *c, arena *a, char **words, int nw, const char *w, search_hit **out, int max,
                           bool *capped)
{
	index_lookup first = {w, false, KEY_MAX}, more[1 + 25];
	int nmore = 0;
	more[nmore++] = (index_lookup){w, true, PREFIX_MAX};
	size_t wl = strlen(w);
	if (wl >= 4 && wl <= 24) {
		const char **keys;
		int nk = persons_keys(a, w, &keys);
		for (int i = 0; i < nk && nmore < COUNTOF(more); i++)
			if (keys[i][0] == '!')
				more[nmore++] = (index_lookup){keys[i], false, KEY_MAX};
	}
	person_best *r = arena_array(a, (size_t)(max > 0 ? max : 1), sizeof *r);
	words_ctx x = {words, nw};
	int n = r ? persons_index_best(c, a, &first, 1, more, nmore, (const char *const *)words, nw > 1 ? nw : 0,
	                               30 * nw, /* score_of: each word whole, 3 × 10 */
	                               words_score, &x, max, r, capped)
	          : -1;
	return n < 0 ? -1 : read_checked(c, a, r, n, words, nw, 0, out);
}

static int fetch_details(db_conn *c, arena *a, idset *ids, char **words, int nwords, search_hit **out, int max,
                         int base_score, bool mem)
{
	if (mem && ids->n) {
		int n = ranked(c, a, ids, words, nwords, out, max, base_score);
		if (n >= 0)
			return n;
	}
	search_hit *hits = arena_array(a, (size_t)(ids->n ? ids->n : 1), sizeof *hits);
	int nh = read_hits(c, a, ids->v, ids->n, words, nwords, base_score, hits);
	if (nh > 1)
		qsort(hits, (size_t)nh, sizeof *hits, hit_cmp);
	*out = hits;
	return nh < max ? nh : max;
}

/* The index's candidates, in the two stages: the driver as a whole word, which is what agents type most (enough
 * results there and the prefix and typo look-ups are skipped), then by prefix and with one typo; the database
 * reads and ranks them all. -1 when the index cannot answer. */
static int names_ranked_by_database(db_conn *c, arena *a, char **words, int nw, const char *w, search_hit **out, int max,
                                    idset *ids)
{
	if (!lookup(c, a, ids, w, false))
		return -1;
	if (ids->n) {
		int n = fetch_details(c, a, ids, words, nw, out, max, 0, false);
		if (n >= max)
			return n;
	}
	if (!lookup(c, a, ids, w, true))
		return -1;
	size_t wl = strlen(w);
	if (wl >= 4 && wl <= 24) {
		const char **keys;
		int nk = persons_keys(a, w, &keys);
		for (int i = 0; i < nk; i++)
			if (keys[i][0] == '!' && !lookup(c, a, ids, keys[i], false))
				return -1;
	}
	return fetch_details(c, a, ids, words, nw, out, max, 0, false);
}

/* Without the index in memory (still being built at start-up or after an import, or turned off): every person of
 * the structure read, a page at a time, and scored by name; the database ranks the first SCAN_MAX that match.
 * Linear in the structure's persons — a few milliseconds for a town, a third of a second for 1.1 million persons
 * — which is why it is only the fallback. */
static db_sql Q_S_SCAN = DB_SQL(DB_SCOPED,
	"SELECT id, search_name, active FROM persons WHERE structure_id = $1 AND id > $2 ORDER BY id LIMIT $3"); /* persons/10 */
enum { SCAN_PAGE = 5000, SCAN_MAX = 2000 };
static int names_by_scan(db_conn *c, arena *a, char **words, int nw, search_hit **out, int max, idset *ids)
{
	int64_t last = 0;
	for (bool more = true; more;) {
		db_res q = {0};
		int rows = 0;
		if (DBQ(c, &Q_S_SCAN, &q, A_INT(last), A_INT(SCAN_PAGE)) == E_OK)
			while (db_next(&q)) {
				rows++;
				last = db_int(&q, 0);
				if (score_of(db_text(&q, 1), db_int(&q, 2) != 0, words, nw, 0) < 0)
					continue;
				if (ids->n >= SCAN_MAX) {
					ids->capped = true; /* said, never silent */
					more = false;
					break;
				}
				idset_add(a, ids, last);
			}
		db_close(&q);
		more = more && rows == SCAN_PAGE;
	}
	return fetch_details(c, a, ids, words, nw, out, max, 0, false);
}

static int search(db_conn *c, arena *a, const char *q, search_hit **out, int max, idset *ids_out, int64_t feed_head)
{
	*out = NULL;
	if (!q)
		return 0;
	char *t = text_trim(a, q);
	if (!t || !*t || strlen(t) > 200)
		return 0;
	db_res r = {0};
	bool mem = persons_index_catch_up(c, feed_head); /* the index in memory answers (candidates and their ranking) */
	/* A birth date: 27/03/1984, 27-03-1984, 27.03.1984 or 1984-03-27. */
	civil_date cd;
	char iso[11];
	if (civil_parse_fr(t, &cd)) {
		civil_format(cd, iso);
		t = iso;
	}
	if (civil_parse(t, &cd)) {
		if (DBQ(c, &Q_S_BIRTH, &r, A_TEXT(t)) == E_OK)
			collect(&r, ids_out, a, BIRTH_MAX);
		return fetch_details(c, a, ids_out, NULL, 0, out, max, 0, mem);
	}
	/* A file number "26-0042" or digits (phone, CAF number). */
	size_t digits = 0, other = 0;
	for (const char *p = t; *p; p++)
		isdigit((unsigned char)*p) ? digits++ : strchr(" .-+/", *p) ? 0 : other++;
	if (!other && digits >= 3) {
		if (DBQ(c, &Q_S_FILE, &r, A_TEXT(t)) == E_OK)
			collect(&r, ids_out, a, FILE_MAX);
		if (digits >= 6 && DBQ(c, &Q_S_PHONE, &r, A_TEXT(phone_digits(a, t)), A_TEXT(t)) == E_OK)
			collect(&r, ids_out, a, PHONE_MAX);
		return fetch_details(c, a, ids_out, NULL, 0, out, max, 0, mem);
	}
	/* Names: fold, split, look up the longest word (the most selective)
	 * by prefix and by one-typo keys; check every word on the candidates. */
	char *f = text_fold(a, t);
	if (!f || !*f)
		return 0;
	char *words[SEARCH_WORDS_MAX];
	int nw = 0;
	for (char *p = f; *p && nw < SEARCH_WORDS_MAX;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		words[nw++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = 0;
	}
	if (!nw)
		return 0;
	int drv = 0;
	for (int i = 1; i < nw; i++)
		if (strlen(words[i]) > strlen(words[drv]))
			drv = i;
	char *w = words[drv];
	if (mem) {
		int n = names_in_memory(c, a, words, nw, w, out, max, &ids_out->capped);
		if (n >= 0)
			return n;
		/* A change not yet in memory: the index's candidates, ranked by the database. */
		ids_out->capped = false;
		n = names_ranked_by_database(c, a, words, nw, w, out, max, ids_out);
		if (n >= 0)
			return n;
		*ids_out = (idset){0};
	}
	return names_by_scan(c, a, words, nw, out, max, ids_out);
}

int persons_search_fed(db_conn *c, arena *a, const char *q, bool with_archived, search_hit **out, int max, bool *capped,
                       int64_t feed_head)
{
	idset ids = {0};
	int n = search(c, a, q, out, max, &ids, feed_head), k = 0;
	if (capped)
		*capped = ids.capped;
	if (with_archived)
		return n;
	for (int i = 0; i < n; i++)
		if (!(*out)[i].archived)
			(*out)[k++] = (*out)[i];
	return k;
}

int persons_search(db_conn *c, arena *a, const char *q, bool with_archived, search_hit **out, int max, bool *capped)
{
	return persons_search_fed(c, a, q, with_archived, out, max, capped, -1);
}

int64_t persons_feed_head(web_req *r) { return module_user_fact(r, &persons_module); }

int persons_duplicates(db_conn *c, arena *a, const char *last, const char *first, const char *birth,
                       search_hit **out, int max, bool *incomplete)
{
	/* Same birth date and a close name, or the same name whatever the
	 * birth date (homonyms are shown too: the agent decides). */
	*out = NULL;
	char *q = arena_printf(a, "%s %s", last ? last : "", first ? first : "");
	search_hit *byname = NULL;
	bool capped = false;
	int n = persons_search(c, a, q, true, &byname, 50, &capped);
	*incomplete = capped; /* more persons carry the name than the search looked at: said, never a silent « none » */
	search_hit *res = arena_array(a, (size_t)(max > 0 ? max : 1), sizeof *res);
	int k = 0;
	for (int i = 0; res && i < n && k < max; i++) {
		bool same_birth = birth && *birth && byname[i].birth_date && !strcmp(birth, byname[i].birth_date);
		if (same_birth || byname[i].score >= 60 || (!birth || !*birth))
			res[k++] = byname[i];
	}
	if (birth && *birth && k < max) {
		/* Same birth date, last name within one typo but first name typed differently. */
		search_hit *bydate = NULL;
		int nd = persons_search(c, a, birth, true, &bydate, 200, &capped);
		*incomplete = *incomplete && capped; /* the birth date looked at whole finds the same person anyway */
		char *fl = text_fold(a, last ? last : "");
		for (int i = 0; fl && i < nd && k < max; i++) {
			bool seen = false;
			for (int j = 0; j < k && !seen; j++)
				seen = res[j].person_id == bydate[i].person_id;
			char *sn = persons_search_name(a, bydate[i].last_name, bydate[i].birth_name, "");
			if (!seen && sn && word_score(fl, sn) > 0)
				res[k++] = bydate[i];
		}
	}
	/* The same person first: same names and birth date, then the same
	 * birth date, then the closest names. */
	char *fl = text_fold(a, last ? last : ""), *ff = text_fold(a, first ? first : "");
	int *rank = arena_array(a, (size_t)(k ? k : 1), sizeof *rank);
	for (int i = 0; rank && i < k; i++) {
		char *hl = text_fold(a, res[i].last_name), *hf = text_fold(a, res[i].first_names);
		bool sb = birth && *birth && res[i].birth_date && !strcmp(birth, res[i].birth_date);
		bool sn = fl && ff && hl && hf && !strcmp(fl, hl) && !strcmp(ff, hf);
		rank[i] = (sb && sn ? 3000 : sb ? 2000 : sn ? 1000 : 0) + res[i].score;
	}
	for (int i = 1; rank && i < k; i++) /* insertion sort: a handful, stable */
		for (int j = i; j > 0 && rank[j] > rank[j - 1]; j--) {
			search_hit t = res[j];
			res[j] = res[j - 1];
			res[j - 1] = t;
			int r = rank[j];
			rank[j] = rank[j - 1];
			rank[j - 1] = r;
		}
	*out = res;
	return k;
}

int persons_find(db_conn *c, arena *a, const char *q, int64_t *pids, int64_t *hids, int max, bool *capped)
{
	search_hit *h;
	int n = persons_search(c, a, q, true, &h, max, capped);
	for (int i = 0; i < n; i++) {
		pids[i] = h[i].person_id;
		hids[i] = h[i].household_id;
	}
	return n;
}
