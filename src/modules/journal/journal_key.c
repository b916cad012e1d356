/*
 * journal_key.c — the journal's key and seals (see journal.h).
 *
 * The key: 32 random bytes, written once as 64 hex characters to a file
 * of mode 0600 outside the database. A key file that others can read is
 * refused. When the key is created for a database that already holds
 * entries (chained, before keys existed, with an unkeyed hash), those
 * chains are verified and then re-chained with the key, once: only the
 * creation of the key can do that, so nobody can later make the program
 * bless a history rewritten without it.
 *
 * The seals: the head of each chain (number, link, time), with a keyed
 * hash, appended to a file at intervals by the server and by
 * `openccas journal seal`; `openccas journal verify --seals F` compares.
 * Keep a copy of the seals where the database's writers cannot reach
 * (syslog, another machine): a restored older copy of the database, or a
 * cut tail, then shows.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "modules/journal/journal.h"
#include "modules/journal/journal_internal.h"
#include "core/civil.h"
#include "core/log.h"
#include "core/banned.h"

static unsigned char the_key[CRYPTO_KEY_LEN];
static bool key_loaded;

const unsigned char *journal_key_bytes(void) { return key_loaded ? the_key : NULL; }

void journal_key_use(const unsigned char key[32])
{
	memcpy(the_key, key, CRYPTO_KEY_LEN);
	key_loaded = true;
}

/* ---- the keyed link --------------------------------------------------------- */

/* The entry as netstrings, "len:bytes," — no field can spill into the
 * next. A stack buffer: the link never depends on an allocation. */
typedef struct link_text {
	char d[1024];
	size_t n;
	bool over;
} link_text;

static void put_field(link_text *l, const char *s)
{
	size_t k = strlen(s);
	int w = snprintf(l->d + l->n, sizeof l->d - l->n, "%zu:", k);
	if (w < 0 || l->over || l->n + (size_t)w + k + 1 >= sizeof l->d) {
		l->over = true;
		return;
	}
	l->n += (size_t)w;
	memcpy(l->d + l->n, s, k);
	l->n += k;
	l->d[l->n++] = ',';
}

static void put_int(link_text *l, int64_t v)
{
	char t[24];
	snprintf(t, sizeof t, "%lld", (long long)v);
	put_field(l, t);
}

bool journal_link(const char *prev, int64_t seq, int64_t sid, int64_t at, int64_t user, const char *action, const char *kind,
                  int64_t obj, const char *detail, char out[CRYPTO_HASH_HEX + 1])
{
	const unsigned char *key = journal_key_bytes();
	if (!key)
		return false;
	/* Every field is bounded at the append (detail 500 bytes, codes 40):
	 * an entry that does not fit was not written by the program. */
	if (strlen(prev) > 64 || strlen(action) > JOURNAL_MAX_CODE || strlen(kind) > JOURNAL_MAX_CODE ||
	    strlen(detail) > JOURNAL_MAX_DETAIL)
		return false;
	link_text l = {.n = 0};
	put_field(&l, "link2");
	put_field(&l, prev);
	put_int(&l, seq);
	put_int(&l, sid);
	put_int(&l, at);
	put_int(&l, user);
	put_field(&l, action);
	put_field(&l, kind);
	put_int(&l, obj);
	put_field(&l, detail);
	if (l.over)
		return false;
	crypto_mac_hex(key, l.d, l.n, out);
	return true;
}

/* The keyed hash of what a head or an anchor says. */
static bool state_mac(const char *what, int64_t sid, int64_t seq, const char *hash, int64_t at, char out[CRYPTO_HASH_HEX + 1])
{
	const unsigned char *key = journal_key_bytes();
	if (!key)
		return false;
	char line[256];
	int n = snprintf(line, sizeof line, "%s\x1f%lld\x1f%lld\x1f%s\x1f%lld", what, (long long)sid, (long long)seq, hash, (long long)at);
	if (n < 0 || (size_t)n >= sizeof line)
		return false;
	crypto_mac_hex(key, line, (size_t)n, out);
	return true;
}

bool journal_head_mac(int64_t sid, int64_t seq, const char *hash, char out[CRYPTO_HASH_HEX + 1])
{
	return state_mac("head", sid, seq, hash, 0, out);
}

bool journal_anchor_mac(int64_t sid, int64_t seq, const char *hash, int64_t at, char out[CRYPTO_HASH_HEX + 1])
{
	return state_mac("anchor", sid, seq, hash, at, out);
}

static void beside(const char *db_url, const char *suffix, const char *pg_name, char *out, size_t n)
{
	if (!strncmp(db_url, "sqlite:", 7))
		snprintf(out, n, "%s.%s", db_url + 7, suffix);
	else if (!strstr(db_url, "://"))
		snprintf(out, n, "%s.%s", db_url, suffix);
	else
		snprintf(out, n, "%s", pg_name);
}

void journal_key_default_path(const char *db_url, char *out, size_t n) { beside(db_url, "journal-key", "journal-key", out, n); }
void journal_seals_default_path(const char *db_url, char *out, size_t n) { beside(db_url, "journal-seals", "journal-seals", out, n); }

/* ---- the legacy chain: before keys (unkeyed BLAKE2b of at most 1 KiB) --- */

static void legacy_link(const char *prev, int64_t seq, int64_t sid, int64_t at, int64_t user, const char *action,
                        const char *kind, int64_t obj, const char *detail, char out[CRYPTO_HASH_HEX + 1])
{
	char line[1024];
	int n = snprintf(line, sizeof line, "%s\x1f%lld\x1f%lld\x1f%lld\x1f%lld\x1f%s\x1f%s\x1f%lld\x1f%s", prev, (long long)seq,
	                 (long long)sid, (long long)at, (long long)user, action, kind, (long long)obj, detail);
	if (n < 0)
		n = 0;
	crypto_hash_hex(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1, out);
}

static db_sql Q_META = DB_SQL(DB_GLOBAL, "SELECT keyed FROM journal_meta WHERE id = 1");
static db_sql Q_META_SET = DB_SQL(DB_GLOBAL,
	"INSERT INTO journal_meta (id, keyed) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET keyed = 1");
static db_sql Q_ANY = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM journal");
static db_sql Q_STRUCTS = DB_SQL(DB_GLOBAL, "SELECT structure_id, last_seq FROM journal_head ORDER BY structure_id");
static db_sql Q_ANCHOR = DB_SQL(DB_GLOBAL, "SELECT seq, hash FROM journal_anchor WHERE structure_id = $1");
static db_sql Q_ANCHOR_MAC = DB_SQL(DB_GLOBAL, "UPDATE journal_anchor SET at = 0, mac = $2 WHERE structure_id = $1");
static db_sql Q_ENTRIES = DB_SQL(DB_GLOBAL,
	"SELECT seq, at, user_id, action, kind, object_id, detail, prev, hash FROM journal WHERE structure_id = $1 ORDER BY seq");
static db_sql Q_RELINK = DB_SQL(DB_GLOBAL, "UPDATE journal SET prev = $3, hash = $4 WHERE structure_id = $1 AND seq = $2");
static db_sql Q_HEAD_SET = DB_SQL(DB_GLOBAL, "UPDATE journal_head SET last_hash = $2, mac = $3 WHERE structure_id = $1");

/* Re-chains one structure's legacy entries with the key, in the caller's
 * transaction, after checking the legacy chain. */
static err rechain(db_conn *c, int64_t sid, int64_t head_seq, const char **why)
{
	char lprev[CRYPTO_HASH_HEX + 1] = "0000000000000000000000000000000000000000000000000000000000000000";
	char kprev[CRYPTO_HASH_HEX + 1], h[CRYPTO_HASH_HEX + 1], k[CRYPTO_HASH_HEX + 1], m[CRYPTO_HASH_HEX + 1];
	int64_t expect = 1;
	db_res q = {0};
	err e = DBQ(c, &Q_ANCHOR, &q, A_INT(sid));
	bool anchored = false;
	if (e == E_OK && db_next(&q)) {
		expect = db_int(&q, 0) + 1;
		snprintf(lprev, sizeof lprev, "%s", db_text(&q, 1));
		anchored = true;
		/* The anchor keeps the legacy link of the entry it stands for (that
		 * entry is gone); its time is unknown: 0, "before keys". */
		if (!journal_anchor_mac(sid, expect - 1, lprev, 0, m))
			e = E_INTERNAL;
	}
	db_close(&q);
	if (e == E_OK && anchored)
		e = DBX(c, &Q_ANCHOR_MAC, NULL, A_INT(sid), A_TEXT(m));
	snprintf(kprev, sizeof kprev, "%s", lprev);
	/* Read everything first (the connection serves one statement at a time
	 * on PostgreSQL's side while a result is open): entries are rewritten
	 * in a second pass over a copy. */
	typedef struct ent { int64_t seq, at, user, obj; char *action, *kind, *detail; } ent;
	arena a;
	arena_init(&a, 0);
	ent *es = NULL;
	size_t n = 0, cap = 0;
	if (e == E_OK)
		e = DBQ(c, &Q_ENTRIES, &q, A_INT(sid));
	while (e == E_OK && db_next(&q)) {
		int64_t seq = db_int(&q, 0);
		if (seq != expect || strcmp(db_text(&q, 7), lprev)) {
			*why = "le journal était déjà rompu avant la création de la clé (voir openccas journal verify) : il n’est pas re-chaîné";
			e = E_CONFLICT;
			break;
		}
		legacy_link(lprev, seq, sid, db_int(&q, 1), db_int(&q, 2), db_text(&q, 3), db_text(&q, 4), db_int(&q, 5), db_text(&q, 6), h);
		if (strcmp(h, db_text(&q, 8))) {
			*why = "une entrée du journal avait été modifiée avant la création de la clé : il n’est pas re-chaîné";
			e = E_CONFLICT;
			break;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			ent *g = arena_array(&a, nc, sizeof *g);
			if (!g) {
				e = E_NOMEM;
				break;
			}
			if (n)
				memcpy(g, es, n * sizeof *es);
			es = g;
			cap = nc;
		}
		es[n++] = (ent){seq, db_int(&q, 1), db_int(&q, 2), db_int(&q, 5), db_dup(&q, 3, &a), db_dup(&q, 4, &a), db_dup(&q, 6, &a)};
		snprintf(lprev, sizeof lprev, "%s", h);
		expect++;
	}
	db_close(&q);
	if (e == E_OK && expect - 1 != head_seq) {
		*why = "la tête du journal ne correspondait pas à sa dernière entrée avant la création de la clé : il n’est pas re-chaîné";
		e = E_CONFLICT;
	}
	for (size_t i = 0; e == E_OK && i < n; i++) {
		if (!journal_link(kprev, es[i].seq, sid, es[i].at, es[i].user, es[i].action ? es[i].action : "", es[i].kind ? es[i].kind : "",
		                  es[i].obj, es[i].detail ? es[i].detail : "", k)) {
			e = E_INTERNAL;
			break;
		}
		e = DBX(c, &Q_RELINK, NULL, A_INT(sid), A_INT(es[i].seq), A_TEXT(kprev), A_TEXT(k));
		snprintf(kprev, sizeof kprev, "%s", k);
	}
	if (e == E_OK && !journal_head_mac(sid, head_seq, kprev, m))
		e = E_INTERNAL;
	if (e == E_OK)
		e = DBX(c, &Q_HEAD_SET, NULL, A_INT(sid), A_TEXT(kprev), A_TEXT(m));
	arena_release(&a);
	return e;
}

/* Once, when the key is created: every legacy chain re-chained with it,
 * with the append-only triggers lifted inside the transaction only. */
static err upgrade(db *d, const char **why)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_UNAVAILABLE;
	int64_t keyed = 0, any = 0;
	err e = DBID0(c, &Q_META, &keyed);
	if (e == E_OK)
		e = DBID0(c, &Q_ANY, &any);
	if (e == E_OK && (keyed || !any)) {
		e = db_begin(c, true);
		if (e == E_OK)
			e = DBX0(c, &Q_META_SET, NULL);
		e = db_finish(c, e);
		db_conn_put(c);
		return e;
	}
	if (e == E_OK)
		e = db_begin(c, true);
	if (e == E_OK)
		e = db_exec_ddl(c, "DROP TRIGGER IF EXISTS journal_no_update", "ALTER TABLE journal DISABLE TRIGGER journal_no_change");
	typedef struct head { int64_t sid, seq; } head;
	arena a;
	arena_init(&a, 0);
	head *hs = NULL;
	size_t n = 0, cap = 0;
	db_res q = {0};
	if (e == E_OK)
		e = DBQ0(c, &Q_STRUCTS, &q);
	while (e == E_OK && db_next(&q)) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			head *g = arena_array(&a, nc, sizeof *g);
			if (!g) {
				e = E_NOMEM;
				break;
			}
			if (n)
				memcpy(g, hs, n * sizeof *hs);
			hs = g;
			cap = nc;
		}
		hs[n++] = (head){db_int(&q, 0), db_int(&q, 1)};
	}
	db_close(&q);
	for (size_t i = 0; e == E_OK && i < n; i++)
		e = rechain(c, hs[i].sid, hs[i].seq, why);
	if (e == E_OK)
		e = db_exec_ddl(c, "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END",
		                "ALTER TABLE journal ENABLE TRIGGER journal_no_change");
	if (e == E_OK)
		e = DBX0(c, &Q_META_SET, NULL);
	e = db_finish(c, e);
	db_conn_put(c);
	arena_release(&a);
	if (e == E_OK)
		log_info("journal: %zu chain(s) written before keys verified and re-chained with the new key", n);
	return e;
}

static bool read_key(const char *path, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		*why = "la clé du journal ne peut pas être lue";
		return false;
	}
	struct stat st;
	char hex[80] = "";
	ssize_t k = fstat(fd, &st) == 0 ? read(fd, hex, sizeof hex - 1) : -1;
	close(fd);
	if (k > 0)
		hex[k] = 0;
	if (k < 0 || !S_ISREG(st.st_mode)) {
		*why = "la clé du journal ne peut pas être lue";
		return false;
	}
	if (st.st_mode & 077) {
		*why = "la clé du journal est lisible par d’autres comptes : rendez-la privée (chmod 600 sur le fichier)";
		return false;
	}
	hex[strcspn(hex, "\r\n")] = 0;
	unsigned char key[CRYPTO_KEY_LEN];
	if (!crypto_from_hex(hex, key, sizeof key)) {
		*why = "le fichier de clé du journal n’a pas le bon format (64 caractères hexadécimaux)";
		return false;
	}
	journal_key_use(key);
	return true;
}

err journal_key_open(db *d, const char *path, bool may_create, const char **why)
{
	*why = NULL;
	struct stat st;
	if (stat(path, &st) == 0) {
		if (!read_key(path, why))
			return E_FORBIDDEN;
		/* The key existed: a database whose chains are not keyed (or say
		 * they are not) is not re-chained — that would bless them; verify
		 * will say where the chains and the key disagree. A database whose
		 * schema is not yet migrated (check) has nothing to say here. */
		db_conn *c = db_conn_get(d);
		int64_t keyed = 0, any = 0;
		if (c && DBID0(c, &Q_META, &keyed) == E_OK && DBID0(c, &Q_ANY, &any) == E_OK) {
			if (!keyed && !any && may_create && db_begin(c, true) == E_OK) {
				if (DBX0(c, &Q_META_SET, NULL) == E_OK)
					db_commit(c);
				else
					db_rollback(c);
			}
			if (!keyed && any)
				log_warn("journal: the chains of this database were not written with this key; journal verify will say where");
		}
		if (c)
			db_conn_put(c);
		return E_OK;
	}
	if (errno != ENOENT) {
		*why = "la clé du journal ne peut pas être lue";
		return E_FORBIDDEN;
	}
	if (!may_create) {
		*why = "la clé du journal est introuvable (elle est créée par init, demo ou serve ; --journal-key FICHIER)";
		return E_NOT_FOUND;
	}
	unsigned char key[CRYPTO_KEY_LEN];
	char hex[2 * CRYPTO_KEY_LEN + 2];
	crypto_random(key, sizeof key);
	for (int i = 0; i < CRYPTO_KEY_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", key[i]);
	hex[2 * CRYPTO_KEY_LEN] = '\n';
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST) /* another process made it first */
		return journal_key_open(d, path, false, why);
	if (fd < 0) {
		*why = "la clé du journal ne peut pas être créée (dossier absent ou sans droit d’écriture)";
		return E_FORBIDDEN;
	}
	bool ok = write(fd, hex, 2 * CRYPTO_KEY_LEN + 1) == 2 * CRYPTO_KEY_LEN + 1 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok) {
		unlink(path);
		*why = "la clé du journal ne peut pas être écrite";
		return E_FORBIDDEN;
	}
	journal_key_use(key);
	log_info("journal: new key created");
	err e = upgrade(d, why);
	if (e != E_OK) {
		/* Without the re-chaining the key is useless for this base: remove
		 * it so that the next start tries again (after a repair). */
		unlink(path);
		key_loaded = false;
		if (!*why)
			*why = "le journal n’a pas pu être re-chaîné avec la nouvelle clé";
	}
	return e;
}

/* ---- seals --------------------------------------------------------------------- */

static db_sql Q_HEADS = DB_SQL(DB_GLOBAL, "SELECT structure_id, last_seq, last_hash FROM journal_head ORDER BY structure_id");
static db_sql Q_ENTRY = DB_SQL(DB_GLOBAL, "SELECT hash FROM journal WHERE structure_id = $1 AND seq = $2");
static db_sql Q_ANCHOR_SEQ = DB_SQL(DB_GLOBAL, "SELECT seq, hash FROM journal_anchor WHERE structure_id = $1");
static db_sql Q_HEAD_SEQ = DB_SQL(DB_GLOBAL, "SELECT last_seq FROM journal_head WHERE structure_id = $1");

static bool seal_mac(int64_t sid, int64_t seq, const char *hash, int64_t at, char out[CRYPTO_HASH_HEX + 1])
{
	const unsigned char *key = journal_key_bytes();
	char line[256];
	int n = snprintf(line, sizeof line, "seal1\x1f%lld\x1f%lld\x1f%s\x1f%lld", (long long)sid, (long long)seq, hash, (long long)at);
	if (!key || n < 0 || (size_t)n >= sizeof line)
		return false;
	crypto_mac_hex(key, line, (size_t)n, out);
	return true;
}

/* What this process sealed last, per structure (grows with structures). */
static struct sealed { int64_t sid, seq; } *sealed;
static size_t nsealed;

err journal_seal(db_conn *c, const char *path, int *written)
{
	if (written)
		*written = 0;
	if (!journal_key_bytes())
		return E_INTERNAL;
	FILE *f = NULL;
	db_res q = {0};
	int64_t now = civil_now();
	err e = DBQ0(c, &Q_HEADS, &q);
	while (e == E_OK && db_next(&q)) {
		int64_t sid = db_int(&q, 0), seq = db_int(&q, 1);
		size_t i = 0;
		while (i < nsealed && sealed[i].sid != sid)
			i++;
		if (i < nsealed && sealed[i].seq == seq)
			continue;
		char mac[CRYPTO_HASH_HEX + 1];
		if (!seal_mac(sid, seq, db_text(&q, 2), now, mac)) {
			e = E_INTERNAL;
			break;
		}
		if (!f) {
			int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
			f = fd >= 0 ? fdopen(fd, "a") : NULL;
			if (!f) {
				if (fd >= 0)
					close(fd);
				log_error("journal: cannot open the seal file");
				e = E_INTERNAL;
				break;
			}
		}
		fprintf(f, "seal 1 structure=%lld seq=%lld hash=%s at=%lld mac=%s\n", (long long)sid, (long long)seq, db_text(&q, 2),
		        (long long)now, mac);
		log_info("journal: seal structure=%lld seq=%lld hash=%.16s", (long long)sid, (long long)seq, db_text(&q, 2));
		if (i == nsealed) {
			struct sealed *g = realloc(sealed, sizeof *g * (nsealed + 1));
			if (!g) {
				e = E_NOMEM;
				break;
			}
			sealed = g;
			sealed[nsealed++] = (struct sealed){sid, seq};
		} else {
			sealed[i].seq = seq;
		}
		if (written)
			(*written)++;
	}
	db_close(&q);
	if (f) {
		bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
		ok = fclose(f) == 0 && ok;
		if (!ok && e == E_OK)
			e = E_INTERNAL;
	}
	return e;
}

err journal_seals_verify(db_conn *c, const char *path, int *problems)
{
	*problems = 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("sceaux : fichier %s illisible\n", path);
		(*problems)++;
		return E_NOT_FOUND;
	}
	char line[512];
	long no = 0, seals = 0;
	err e = E_OK;
	while (e == E_OK && fgets(line, sizeof line, f)) {
		no++;
		long long sid, seq, at;
		char hash[80], mac[80];
		if (sscanf(line, "seal 1 structure=%lld seq=%lld hash=%79s at=%lld mac=%79s", &sid, &seq, hash, &at, mac) != 5) {
			printf("sceaux, ligne %ld : illisible\n", no);
			(*problems)++;
			continue;
		}
		seals++;
		char m[CRYPTO_HASH_HEX + 1];
		if (!seal_mac(sid, seq, hash, at, m) || strcmp(m, mac)) {
			printf("sceaux, ligne %ld : sceau falsifié ou d’une autre clé (structure %lld, entrée %lld)\n", no, sid, seq);
			(*problems)++;
			continue;
		}
		int64_t head = 0, aseq = 0;
		char ahash[CRYPTO_HASH_HEX + 1] = "";
		db_res q = {0};
		if ((e = DBQ(c, &Q_ANCHOR_SEQ, &q, A_INT(sid))) == E_OK && db_next(&q)) {
			aseq = db_int(&q, 0);
			snprintf(ahash, sizeof ahash, "%s", db_text(&q, 1));
		}
		db_close(&q);
		if (e == E_OK)
			e = DBID(c, &Q_HEAD_SEQ, &head, A_INT(sid));
		if (e != E_OK)
			break;
		if (head < seq) {
			char iso[11], fr[11];
			civil_format(civil_from_days(at / 86400), iso);
			civil_iso_to_fr(iso, fr);
			printf("structure %lld : le journal s’arrête à l’entrée %lld, mais l’entrée %lld a été scellée le %s — "
			       "des entrées ont disparu (copie ancienne restaurée ou fin coupée)\n", sid, (long long)head, seq, fr);
			(*problems)++;
			continue;
		}
		if (seq == 0)
			continue;
		if (seq <= aseq) {
			if (seq == aseq && strcmp(ahash, hash)) {
				printf("structure %lld : l’ancre de conservation ne correspond pas au sceau de l’entrée %lld\n", sid, seq);
				(*problems)++;
			}
			continue; /* removed by retention, behind the anchor */
		}
		char *got = NULL;
		if ((e = DBQ(c, &Q_ENTRY, &q, A_INT(sid), A_INT(seq))) == E_OK && db_next(&q))
			got = strdup(db_text(&q, 0));
		db_close(&q);
		if (e == E_OK && (!got || strcmp(got, hash))) {
			printf("structure %lld : l’entrée %lld %s depuis son sceau\n", sid, seq, got ? "a changé" : "a disparu");
			(*problems)++;
		}
		free(got);
	}
	fclose(f);
	if (e == E_OK)
		printf("sceaux : %ld lu(s), %d problème(s)\n", seals, *problems);
	return e;
}
