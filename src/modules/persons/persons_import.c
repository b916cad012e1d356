/* persons_import.c — `openccas import personnes`: a persons CSV of any size
 * (see persons.h). The file is read whole (bounded), parsed by chunks of
 * at most CHUNK lines with the bounded CSV reader (the header repeated
 * before each chunk), checked entirely before anything is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/csv.h"
#include "core/log.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons_internal.h"
#include "core/banned.h"

#define CHUNK 10000
#define IMPORT_MAX_BYTES (2LL << 30)
#define MAX_MEMBERS 16

enum { C_FOYER, C_LIEN, C_NOM, C_NOM_NAISSANCE, C_PRENOMS, C_SEXE, C_DATE, C_LIEU, C_TEL, C_EMAIL, C_NUMERO, C_VOIE, C_CP, C_COMMUNE, NCOL };
static const char *const COLS[NCOL] = {"foyer", "lien", "nom", "nom_naissance", "prenoms", "sexe", "date_naissance",
                                       "lieu_naissance", "telephone", "email", "numero", "voie", "code_postal", "commune"};

typedef struct layout {
	int col[NCOL];
} layout;

static bool find_layout(arena *a, const csv_row *h, layout *l)
{
	for (int k = 0; k < NCOL; k++)
		l->col[k] = -1;
	for (int i = 0; i < h->n; i++) {
		char *f = text_fold(a, h->cells[i]);
		for (char *p = f; p && *p; p++)
			if (*p == ' ' || *p == '-')
				*p = '_';
		for (int k = 0; f && k < NCOL; k++)
			if (!strcmp(f, COLS[k]) || (k == C_PRENOMS && !strcmp(f, "prenom")))
				l->col[k] = i;
	}
	return l->col[C_FOYER] >= 0 && l->col[C_NOM] >= 0 && l->col[C_PRENOMS] >= 0;
}

static const char *cell(const layout *l, const csv_row *r, int k)
{
	int c = l->col[k];
	return c >= 0 && c < r->n ? r->cells[c] : "";
}

static void person_of(const layout *l, const csv_row *r, person_new *p)
{
	*p = (person_new){cell(l, r, C_NOM), cell(l, r, C_NOM_NAISSANCE), cell(l, r, C_PRENOMS), cell(l, r, C_SEXE),
	                  cell(l, r, C_DATE), cell(l, r, C_LIEU), cell(l, r, C_TEL), cell(l, r, C_EMAIL), cell(l, r, C_LIEN)};
}

static void refuse(persons_import_report *rep, long line, const char *msg)
{
	if (rep->nerr < 20) {
		rep->err_line[rep->nerr] = line;
		rep->err_msg[rep->nerr++] = msg;
	}
	rep->refused++;
}

static const char *row_problem(const layout *l, const csv_row *r)
{
	civil_date d;
	const char *s;
	if (!*cell(l, r, C_FOYER))
		return "la colonne « foyer » est vide";
	if (!*cell(l, r, C_NOM) || strlen(cell(l, r, C_NOM)) > 100)
		return "le nom est obligatoire (100 caractères au plus)";
	if (!*cell(l, r, C_PRENOMS) || strlen(cell(l, r, C_PRENOMS)) > 150)
		return "le prénom est obligatoire (150 caractères au plus)";
	if (*(s = cell(l, r, C_DATE)) && !civil_parse(s, &d))
		return "date de naissance invalide (AAAA-MM-JJ)";
	if (*(s = cell(l, r, C_SEXE)) && !code_valid(SEXES, NSEXES, s))
		return "sexe : F, M ou vide";
	if (*(s = cell(l, r, C_LIEN)) && !code_valid(RELATIONS, NRELATIONS, s))
		return "lien : demandeur, conjoint, enfant, enfant_alterne, enfant_majeur, heberge ou autre";
	if (*(s = cell(l, r, C_EMAIL)) && !text_email_valid(s))
		return "adresse e-mail invalide";
	return NULL;
}

/* Walks the file by chunks; calls fn for each complete household (rows
 * sharing the "foyer" value, consecutive). A household is never split: a
 * chunk ends before the first row of its last household, which starts the
 * next chunk. */
typedef err (*household_fn)(void *ctx, const layout *l, const csv_row *rows, int n, long first_line);

static err walk(const char *data, size_t len, persons_import_report *rep, household_fn fn, void *ctx)
{
	const char *nl = memchr(data, '\n', len);
	if (!nl) {
		refuse(rep, 1, "le fichier n’a pas de ligne d’en-tête suivie de données");
		return E_INPUT;
	}
	size_t hlen = (size_t)(nl - data) + 1, pos = hlen;
	long pos_line = 2; /* file line number of the line at pos */
	err e = E_OK;
	while (e == E_OK && pos < len) {
		/* Up to CHUNK lines, ending at a line break outside quotes. */
		size_t end = pos;
		int lines = 0;
		bool quoted = false;
		while (end < len && lines < CHUNK) {
			if (data[end] == '"')
				quoted = !quoted;
			else if (data[end] == '\n' && !quoted)
				lines++;
			end++;
		}
		bool last = end >= len;
		arena a;
		arena_init(&a, 0);
		char *text = arena_alloc(&a, hlen + (end - pos) + 1);
		if (!text) {
			arena_release(&a);
			return E_NOMEM;
		}
		memcpy(text, data, hlen);
		memcpy(text + hlen, data + pos, end - pos);
		text[hlen + end - pos] = 0;
		csv_table t;
		int bad = 0;
		csv_status st = csv_parse(&a, text, hlen + end - pos, &t, &bad);
		layout l;
		if (st != CSV_OK || t.n < 1 || !find_layout(&a, &t.rows[0], &l)) {
			refuse(rep, st == CSV_BAD ? pos_line + bad - 2 : 1,
			       st == CSV_BAD ? "guillemets mal fermés" : "en-tête : colonnes « foyer », « nom » et « prenoms » obligatoires");
			arena_release(&a);
			return E_INPUT;
		}
		/* The last household of a chunk that is not the file's end waits for the next one. */
		int stop = t.n;
		if (!last) {
			stop = t.n - 1;
			while (stop > 1 && !strcmp(cell(&l, &t.rows[stop], C_FOYER), cell(&l, &t.rows[stop - 1], C_FOYER)))
				stop--;
			if (stop <= 1)
				stop = t.n; /* one household longer than a chunk: taken whole */
		}
		for (int i = 1; e == E_OK && i < stop;) {
			int j = i + 1;
			while (j < stop && !strcmp(cell(&l, &t.rows[j], C_FOYER), cell(&l, &t.rows[i], C_FOYER)))
				j++;
			e = fn(ctx, &l, &t.rows[i], j - i, pos_line + t.rows[i].line - 2);
			i = j;
		}
		if (stop < t.n) {
			/* Restart at the first row of the held-back household. */
			const char *p = text;
			for (int k = 1; k < t.rows[stop].line; k++)
				p = strchr(p, '\n') + 1;
			size_t consumed = (size_t)(p - text) - hlen;
			pos_line += t.rows[stop].line - 2;
			pos += consumed;
		} else {
			for (size_t k = pos; k < end; k++)
				pos_line += data[k] == '\n';
			pos = end;
		}
		arena_release(&a);
	}
	return e;
}

static err check_household(void *ctx, const layout *l, const csv_row *rows, int n, long first_line)
{
	persons_import_report *rep = ctx;
	for (int i = 0; i < n; i++) {
		rep->rows++;
		const char *why = row_problem(l, &rows[i]);
		if (why)
			refuse(rep, first_line + rows[i].line - rows[0].line, why);
	}
	if (n > MAX_MEMBERS)
		refuse(rep, first_line, "plus de 16 personnes dans un même foyer");
	rep->households++;
	return E_OK;
}

typedef struct writer {
	db_conn *c;
	arena a;
	int64_t user_id;
	char today[11];
	long in_batch;
	persons_import_report *rep;
} writer;

static err write_household(void *ctx, const layout *l, const csv_row *rows, int n, long first_line)
{
	writer *w = ctx;
	person_new ap, deps[MAX_MEMBERS];
	person_of(l, &rows[0], &ap);
	for (int i = 1; i < n && i <= MAX_MEMBERS; i++)
		person_of(l, &rows[i], &deps[i - 1]);
	household_new h = {cell(l, &rows[0], C_NUMERO), cell(l, &rows[0], C_VOIE), cell(l, &rows[0], C_CP), cell(l, &rows[0], C_COMMUNE),
	                   *cell(l, &rows[0], C_VOIE) ? "autre" : NULL};
	int64_t hid, pid;
	const char *why;
	err e = persons_import_household(w->c, &w->a, w->user_id, &h, &ap, deps, n - 1, w->today, &hid, &pid, &why);
	if (e == E_INPUT)
		refuse(w->rep, first_line, why ? why : "ligne refusée");
	if (e != E_OK)
		return e;
	w->rep->households++;
	w->rep->rows += n;
	if (++w->in_batch >= 2000) {
		e = db_commit(w->c);
		arena_release(&w->a);
		arena_init(&w->a, 0);
		w->in_batch = 0;
		if (e == E_OK)
			e = db_begin(w->c, true);
	}
	return e;
}

err persons_import_csv(db *d, int64_t sid, int64_t uid, const char *path, bool check_only, persons_import_report *rep)
{
	memset(rep, 0, sizeof *rep);
	FILE *f = fopen(path, "rb");
	if (!f)
		return E_NOT_FOUND;
	fseek(f, 0, SEEK_END);
	long long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (size <= 0 || size > IMPORT_MAX_BYTES) {
		fclose(f);
		refuse(rep, 0, size <= 0 ? "fichier vide" : "fichier trop gros (2 Go au plus)");
		return E_INPUT;
	}
	char *data = malloc((size_t)size + 1);
	size_t n = data ? fread(data, 1, (size_t)size, f) : 0;
	fclose(f);
	if (!data || n != (size_t)size) {
		free(data);
		return E_NOMEM;
	}
	data[n] = 0;
	size_t skip = n >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0;
	if (!text_utf8_valid(data + skip, n - skip)) {
		free(data);
		refuse(rep, 0, "le fichier n’est pas en UTF-8");
		return E_INPUT;
	}
	err e = walk(data + skip, n - skip, rep, check_household, rep);
	if (e == E_OK && rep->refused)
		e = E_INPUT;
	if (e != E_OK)
		rep->households = 0; /* nothing written */
	if (e != E_OK || check_only) {
		free(data);
		return e;
	}
	long rows = rep->rows;
	rep->rows = rep->households = 0;
	writer w = {.user_id = uid, .rep = rep};
	w.c = db_conn_get(d);
	if (!w.c) {
		free(data);
		return E_DB;
	}
	db_conn_scope(w.c, sid);
	arena_init(&w.a, 0);
	civil_format(civil_today("Europe/Paris"), w.today);
	e = db_begin(w.c, true);
	if (e == E_OK)
		e = walk(data + skip, n - skip, rep, write_household, &w);
	if (e == E_OK)
		e = journal_record(w.c, uid, "import", "persons", 0, arena_printf(&w.a, "rows=%ld households=%ld", rows, rep->households));
	e = e == E_OK ? db_commit(w.c) : (db_rollback(w.c), e);
	arena_release(&w.a);
	db_conn_put(w.c);
	free(data);
	return e;
}
