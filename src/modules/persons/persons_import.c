/* persons_import.c — `openccas import personnes`: a file of persons of any
 * size (see persons.h), XLSX or CSV in UTF-8 or Windows-1252, read row by
 * row (core/sheet: memory for one household, never the file). A first pass
 * checks every row; one refused row and nothing is written. The second
 * writes every household in one transaction — all of them, or none — by
 * the thousand (persons_bulk.c), and journals the import once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/keyset.h"
#include "core/log.h"
#include "core/sheet.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons_internal.h"
#include "core/banned.h"

#define IMPORT_MAX_BYTES (2LL << 30)
enum { IMPORT_CACHE_MB = 256, IMPORT_MAX_COLS = 64 };

enum { C_FOYER, C_LIEN, C_NOM, C_NOM_NAISSANCE, C_PRENOMS, C_SEXE, C_DATE, C_LIEU, C_TEL, C_EMAIL, C_NUMERO, C_VOIE, C_CP, C_COMMUNE, NCOL };
static const char *const COLS[NCOL] = {"foyer", "lien", "nom", "nom_naissance", "prenoms", "sexe", "date_naissance",
                                       "lieu_naissance", "telephone", "email", "numero", "voie", "code_postal", "commune"};
/* The names a spreadsheet of the field gives them, folded (no accents, no case, '_' for what is not a letter or a
 * digit): « Date de naissance », « N° foyer », « Ville », « Courriel »… */
static const struct {
	const char *name;
	int col;
} ALIASES[] = {
	{"n_foyer", C_FOYER}, {"no_foyer", C_FOYER}, {"num_foyer", C_FOYER}, {"numero_foyer", C_FOYER},
	{"numero_de_foyer", C_FOYER}, {"code_foyer", C_FOYER}, {"id_foyer", C_FOYER}, {"famille", C_FOYER},
	{"menage", C_FOYER}, {"lien_de_parente", C_LIEN}, {"lien_parente", C_LIEN}, {"lien_avec_le_demandeur", C_LIEN},
	{"nom_dusage", C_NOM}, {"nom_usage", C_NOM}, {"nom_de_famille", C_NOM}, {"nom_de_naissance", C_NOM_NAISSANCE},
	{"nom_de_jeune_fille", C_NOM_NAISSANCE}, {"prenom", C_PRENOMS}, {"genre", C_SEXE},
	{"date_de_naissance", C_DATE}, {"ne_le", C_DATE}, {"nee_le", C_DATE}, {"ne_e_le", C_DATE}, {"naissance", C_DATE},
	{"lieu_de_naissance", C_LIEU}, {"ne_a", C_LIEU}, {"nee_a", C_LIEU}, {"tel", C_TEL}, {"portable", C_TEL},
	{"mobile", C_TEL}, {"telephone_portable", C_TEL}, {"numero_de_telephone", C_TEL}, {"e_mail", C_EMAIL},
	{"mail", C_EMAIL}, {"courriel", C_EMAIL}, {"adresse_mail", C_EMAIL}, {"adresse_e_mail", C_EMAIL},
	{"adresse_electronique", C_EMAIL}, {"n", C_NUMERO}, {"no", C_NUMERO}, {"num", C_NUMERO},
	{"numero_de_voie", C_NUMERO}, {"n_voie", C_NUMERO}, {"numero_voie", C_NUMERO}, {"rue", C_VOIE},
	{"adresse", C_VOIE}, {"libelle_voie", C_VOIE}, {"nom_de_voie", C_VOIE}, {"cp", C_CP}, {"ville", C_COMMUNE},
	{"localite", C_COMMUNE},
};

typedef struct member {
	person_new p;
	long row;
} member;

/* The "foyer" values of the households already read (the check): a value seen again after another household's
 * rows would be a second household of the same name — the file's rows not in the order of their households. */
typedef struct seen_set {
	uint64_t *hash;
	char **key;
	size_t cap, n;
	arena a;
} seen_set;

/* The structure's persons, by a hash of their birth date and folded names: the check of a big file looks each of its
 * persons up here instead of asking the database a row (a quarter to half a millisecond a row among a million
 * persons: 50 s for 100 000 rows). Only the hashes (core/keyset: 8 bytes a slot), of every person
 * of the structure: a hit is confirmed by persons_match (a hash is no proof, and a merged household's person is not
 * one it finds). Reading them all costs seconds among a million persons, a few rows' lookups in a small structure:
 * the rows are asked one by one until their lookups have taken KNOWN_ALONE_MS, then the set is made (a file never
 * pays more than twice the better of the two ways). */
typedef struct known_set {
	keyset set;
	double spent_ms, alone_ms; /* the lookups one by one, and how long before the set is made */
	bool loaded, failed;
} known_set;
enum { KNOWN_ALONE_MS = 1500 }; /* OPENCCAS_IMPORT_KNOWN_MS says otherwise (0: the set at once) */

typedef struct pctx {
	int col[NCOL];
	bool have_layout;
	int titles;     /* rows above the header taken for titles (five at most) */
	int nhead;      /* the header's cells */
	bool *named;    /* [nhead]: the cell names a column (an empty one does not) */
	persons_import_report *rep;
	/* writing */
	bool write;
	bool look_known; /* checking: each person looked for in the structure (same names and birth date) */
	long total;      /* writing: the rows checked */
	db_conn *c;
	persons_bulk *bulk;
	int64_t user_id;
	char today[11];
	/* the household being gathered (its rows share the "foyer" value) */
	arena ha;
	member *m;
	int n, cap;
	char *foyer;
	household_new h;
	err e;
	seen_set seen; /* checking: the households read */
	known_set known;
	keyset in_file; /* checking, look_known: the file's persons read, by the same hash as the structure's */
	const char *cur[IMPORT_MAX_COLS]; /* the row's cells, trimmed */
	char own[32];                     /* without a column « foyer »: the row's own household, « ligne N » */
} pctx;

static uint64_t seen_hash(const char *k)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h;
}

static bool seen_has(const seen_set *s, const char *k, uint64_t h)
{
	for (size_t i = s->cap ? h & (s->cap - 1) : 0; s->cap && s->key[i]; i = (i + 1) & (s->cap - 1))
		if (s->hash[i] == h && !strcmp(s->key[i], k))
			return true;
	return false;
}

static void seen_put(seen_set *s, char *k, uint64_t h)
{
	size_t i = h & (s->cap - 1);
	while (s->key[i])
		i = (i + 1) & (s->cap - 1);
	s->hash[i] = h;
	s->key[i] = k;
	s->n++;
}

static bool seen_add(seen_set *s, const char *k)
{
	uint64_t h = seen_hash(k);
	if (seen_has(s, k, h))
		return true;
	if ((s->n + 1) * 2 > s->cap) {
		seen_set g = {.cap = s->cap ? s->cap * 2 : 1024, .a = s->a};
		g.hash = calloc(g.cap, sizeof *g.hash);
		g.key = calloc(g.cap, sizeof *g.key);
		if (!g.hash || !g.key) {
			free(g.hash);
			free(g.key);
			return false;
		}
		for (size_t i = 0; i < s->cap; i++)
			if (s->key[i])
				seen_put(&g, s->key[i], s->hash[i]);
		free(s->hash);
		free(s->key);
		*s = g;
	}
	char *copy = arena_strdup(&s->a, k);
	if (!copy)
		return false;
	seen_put(s, copy, h);
	return true;
}

static void seen_free(seen_set *s)
{
	free(s->hash);
	free(s->key);
	arena_release(&s->a);
}

static db_sql Q_KNOWN = DB_SQL(DB_SCOPED,
	"SELECT id, birth_date, last_name, first_names FROM persons WHERE structure_id = $1 AND id > $2 ORDER BY id LIMIT $3");
enum { KNOWN_PAGE = 20000 }; /* persons read at a time: PostgreSQL hands a query's rows over all at once */

/* The hash persons_match's comparison would find equal: the birth date, the names folded. Never 0 (an empty place). */
static uint64_t known_key(arena *a, const char *birth, const char *last, const char *first)
{
	char *l = text_fold(a, last ? last : ""), *f = text_fold(a, first ? first : "");
	uint64_t h = seen_hash(birth);
	h = (h ^ 0x1f) * 1099511628211ULL;
	for (const char *k = l ? l : ""; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	h = (h ^ 0x1f) * 1099511628211ULL;
	for (const char *k = f ? f : ""; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h ? h : 1;
}

/* The structure's persons, read along their numbers a page at a time. E_NOMEM when they could not be kept (the rows
 * are then asked one by one); another error when the database could not read them. */
static err known_load(db_conn *c, known_set *k)
{
	int64_t after = 0;
	err e = E_OK;
	for (long got = KNOWN_PAGE; e == E_OK && got == KNOWN_PAGE;) {
		db_res q = {0};
		arena a;
		arena_init(&a, 0);
		got = 0;
		e = DBQ(c, &Q_KNOWN, &q, A_INT(after), A_INT(KNOWN_PAGE));
		for (; e == E_OK && db_next(&q); got++) {
			after = db_int(&q, 0);
			if (!db_isnull(&q, 1) && keyset_put(&k->set, known_key(&a, db_text(&q, 1), db_text(&q, 2), db_text(&q, 3))) < 0)
				e = E_NOMEM;
		}
		if (e == E_OK)
			e = q.status;
		db_close(&q);
		arena_release(&a);
	}
	return e;
}

/* Whether the structure has this person (same names and birth date, as persons_match says); false with x->e set
 * when the database could not say. */
static bool is_known(pctx *x, const char *last, const char *first, const char *birth)
{
	int64_t pid, hid;
	known_set *k = &x->known;
	if (!birth || !*birth)
		return false;
	if (k->spent_ms >= k->alone_ms && !k->loaded && !k->failed) {
		err e = known_load(x->c, k);
		k->loaded = e == E_OK;
		k->failed = !k->loaded;
		if (e != E_OK && e != E_NOMEM) {
			x->e = e;
			return false;
		}
	}
	if (k->loaded && !keyset_has(&k->set, known_key(&x->ha, birth, last, first)))
		return false;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err e = persons_match(x->c, &x->ha, last, first, birth, &pid, &hid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!k->loaded)
		k->spent_ms += (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (e != E_OK)
		x->e = e;
	return e == E_OK && pid != 0;
}

static void refuse(persons_import_report *rep, long line, const char *msg)
{
	if (rep->nerr < PERSONS_IMPORT_SHOWN) {
		rep->err_line[rep->nerr] = line;
		rep->err_msg[rep->nerr++] = msg;
	}
	rep->refused++;
}

/* s without the spaces a spreadsheet leaves around a value (spaces, tabs, line ends, no-break spaces): s itself
 * when there are none — most cells —, else a copy in a. */
static const char *trimmed(arena *a, const char *s)
{
	const char *b = s, *e = s + strlen(s);
	for (;;) {
		if (*b == ' ' || *b == '\t' || *b == '\r' || *b == '\n')
			b++;
		else if ((unsigned char)b[0] == 0xC2 && (unsigned char)b[1] == 0xA0)
			b += 2;
		else if ((unsigned char)b[0] == 0xE2 && (unsigned char)b[1] == 0x80 && (unsigned char)b[2] == 0xAF)
			b += 3;
		else
			break;
	}
	for (;;) {
		if (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
			e--;
		else if (e - b >= 2 && (unsigned char)e[-2] == 0xC2 && (unsigned char)e[-1] == 0xA0)
			e -= 2;
		else if (e - b >= 3 && (unsigned char)e[-3] == 0xE2 && (unsigned char)e[-2] == 0x80 && (unsigned char)e[-1] == 0xAF)
			e -= 3;
		else
			break;
	}
	if (b == s && !*e)
		return s;
	const char *t = arena_strndup(a, b, (size_t)(e - b));
	return t ? t : "";
}

static int column_of(const char *f)
{
	for (int k = 0; k < NCOL; k++)
		if (!strcmp(f, COLS[k]))
			return k;
	for (size_t k = 0; k < sizeof ALIASES / sizeof ALIASES[0]; k++)
		if (!strcmp(f, ALIASES[k].name))
			return ALIASES[k].col;
	return -1;
}

/* The header row: which cell is which column. NULL, or why not (a header unknown — said in the report's
 * header_msg —, two naming the same column, a required one missing). *title: the row names no column and has at
 * most two cells filled — a title above the header (« Liste des usagers au 1er décembre »). */
static const char *find_layout(pctx *x, const sheet_row *h, bool *title)
{
	persons_import_report *rep = x->rep;
	int known = 0, filled = 0;
	rep->header_msg[0] = 0;
	arena a;
	arena_init(&a, 0);
	for (int k = 0; k < NCOL; k++)
		x->col[k] = -1;
	free(x->named);
	x->nhead = h->ncells;
	x->named = calloc((size_t)(h->ncells > 0 ? h->ncells : 1), sizeof *x->named);
	buf unknown, twice;
	buf_init(&unknown, &a, 0);
	buf_init(&twice, &a, 0);
	for (int i = 0; x->named && i < h->ncells; i++) {
		char *f = text_fold(&a, trimmed(&a, h->cells[i].text));
		for (char *p = f; p && *p; p++)
			if (*p == ' ' || *p == '-')
				*p = '_';
		if (!f || !*f)
			continue; /* no name: the column must then stay empty (row_problem) */
		filled++;
		int k = column_of(f);
		known += k >= 0;
		buf *to = k < 0 ? &unknown : x->col[k] >= 0 ? &twice : NULL;
		if (to) {
			const char *t = h->cells[i].text;
			size_t n = text_utf8_cut(t, 60);
			if (to->len < 300)
				buf_printf(to, "%s« %.*s%s »", to->len ? ", " : "", (int)n, t, t[n] ? "…" : "");
			continue;
		}
		x->col[k] = i;
		x->named[i] = true;
	}
	/* What each column was read as, in the columns' order. */
	size_t at = 0;
	rep->columns[0] = 0;
	for (int k = 0; k < NCOL && at < sizeof rep->columns; k++)
		if (x->col[k] >= 0) {
			const char *t = h->cells[x->col[k]].text;
			size_t n = text_utf8_cut(t, 40);
			int w = snprintf(rep->columns + at, sizeof rep->columns - at, "%s%s ← « %.*s%s »", at ? ", " : "", COLS[k],
			                 (int)n, t, t[n] ? "…" : "");
			at += w > 0 ? (size_t)w : 0;
		}
	if (x->col[C_FOYER] < 0 && at < sizeof rep->columns)
		snprintf(rep->columns + at, sizeof rep->columns - at, "%sfoyer : aucune colonne, chaque ligne est un foyer",
		         at ? " ; " : "");
	const char *why = NULL;
	if (!x->named || unknown.failed || twice.failed)
		why = "en-tête illisible (mémoire)";
	else if (unknown.len)
		snprintf(rep->header_msg, sizeof rep->header_msg,
		         "en-tête : colonne(s) inconnue(s) %s — renommez-les ou retirez-les ; colonnes lues : foyer, lien, nom, "
		         "nom_naissance, prenoms, sexe, date_naissance, lieu_naissance, telephone, email, numero, voie, "
		         "code_postal, commune (ou « Date de naissance », « Ville », « CP », « Courriel »…)",
		         unknown.data);
	else if (twice.len)
		snprintf(rep->header_msg, sizeof rep->header_msg,
		         "en-tête : %s nomme(nt) une colonne déjà lue plus à gauche — gardez-en une", twice.data);
	else if (x->col[C_NOM] < 0 || x->col[C_PRENOMS] < 0)
		why = "en-tête : colonnes « nom » et « prenoms » obligatoires";
	else if (x->col[C_FOYER] < 0 && x->col[C_LIEN] >= 0)
		why = "en-tête : la colonne « lien » dit la place de chacun dans son foyer, mais aucune colonne ne dit les foyers — "
		      "ajoutez la colonne « foyer » (la même valeur sur les lignes d’un même foyer), ou retirez « lien » (chaque "
		      "ligne est alors un foyer)";
	if (!why && rep->header_msg[0])
		why = rep->header_msg;
	arena_release(&a);
	*title = x->named && !known && filled <= 2;
	return why;
}

/* The row's cells, trimmed, once a row (cell() reads them; copies in the household's arena). */
static void trim_row(pctx *x, const sheet_row *r)
{
	for (int i = 0; i < r->ncells && i < IMPORT_MAX_COLS; i++)
		x->cur[i] = trimmed(&x->ha, r->cells[i].text);
	if (x->col[C_FOYER] < 0)
		snprintf(x->own, sizeof x->own, "ligne %ld", r->number);
}

/* A row's cell of a column; without a column « foyer », each row is a household of its own. */
static const char *cell(const pctx *x, const sheet_row *r, int k)
{
	int c = x->col[k];
	if (k == C_FOYER && c < 0)
		return x->own;
	return c >= 0 && c < r->ncells ? x->cur[c] : "";
}

/* A telephone number or a postcode a spreadsheet took for a number, its first 0 dropped (« 612345678 », « 1000 »):
 * the 0 put back. Anything else as it was typed. */
static char *kept_digits(arena *a, const pctx *x, const sheet_row *r, int k, size_t width)
{
	int c = x->col[k];
	const char *s = cell(x, r, k);
	if (c >= 0 && c < r->ncells && sheet_lost_zero(s, r->cells[c].kind, width))
		return arena_printf(a, "0%s", s);
	return arena_strdup(a, s);
}

/* The postcode: 5 digits, its spaces taken out (« 97 400 ») and its 0 given back when the spreadsheet made it a
 * number; NULL when it is not one (a NULL arena: the answer only, not the copy — "" then stands for yes). */
static const char *postcode_of(arena *a, const pctx *x, const sheet_row *r)
{
	char d[8];
	size_t n = 0;
	for (const char *s = cell(x, r, C_CP); *s; s++)
		if (*s >= '0' && *s <= '9' && n < sizeof d - 1)
			d[n++] = *s;
		else if (*s != ' ' || n >= sizeof d - 1)
			return NULL;
	d[n] = 0;
	int c = x->col[C_CP];
	if (n == 4 && c >= 0 && c < r->ncells && sheet_lost_zero(d, r->cells[c].kind, 5)) {
		memmove(d + 1, d, 5);
		d[0] = '0';
		n = 5;
	}
	if (n != 5 && n != 0)
		return NULL;
	return a ? arena_strdup(a, d) : "";
}

/* « 00:00 », « 00:00:00 »: the time a spreadsheet writes after a date that has none. */
static bool midnight(const char *t)
{
	return !strcmp(t, "00:00") || !strcmp(t, "00:00:00") || !strcmp(t, "0:00") || !strcmp(t, "0:00:00");
}

/* A birth date: ISO (AAAA-MM-JJ), day first (JJ/MM/AAAA, JJ-MM-AAAA, JJ.MM.AAAA), either followed by midnight, or a
 * date cell — from 1900 to today (persons_birth_ok); NULL when it is none of them (never guessed), "" when empty. */
static const char *date_of(arena *a, const pctx *x, const sheet_row *r)
{
	int c = x->col[C_DATE];
	const char *s = cell(x, r, C_DATE);
	sheet_kind k = c >= 0 && c < r->ncells ? r->cells[c].kind : SHEET_EMPTY;
	if (!*s)
		return "";
	if (k == SHEET_NUMBER)
		return NULL;
	/* A date-time cell saved as text by a spreadsheet: « 03/04/1975 00:00:00 », « 1975-04-03T00:00:00 ». */
	size_t len = strcspn(s, " T");
	if (s[len] && !midnight(s + len + 1))
		return NULL;
	char *day = arena_strndup(a, s, len);
	if (day && strlen(day) == 10 && day[4] == '-')
		return persons_birth_ok(day) ? day : NULL;
	/* Day first, as in France, the year in four digits: 03/04/1975, 3-4-1975, 03.04.1975. */
	civil_date d;
	char *iso = day && civil_parse_fr(day, &d) ? arena_alloc(a, 11) : NULL;
	if (iso)
		civil_format(d, iso);
	return iso && persons_birth_ok(iso) ? iso : NULL;
}

/* A value of a column of codes, as the field writes it (« Femme », « Conjointe », « Fils »): folded (no accents,
 * case or punctuation), looked up among the words for each code. "" when empty; NULL when none is known. */
typedef struct {
	const char *word, *code;
} word_code;
static const word_code SEX_WORDS[] = {
	{"f", "F"}, {"femme", "F"}, {"feminin", "F"}, {"mme", "F"}, {"madame", "F"}, {"mlle", "F"},
	{"m", "M"}, {"h", "M"}, {"homme", "M"}, {"masculin", "M"}, {"mr", "M"}, {"monsieur", "M"},
};
static const word_code RELATION_WORDS[] = {
	{"demandeur", "demandeur"}, {"demandeuse", "demandeur"}, {"demandeur euse", "demandeur"},
	{"conjoint", "conjoint"}, {"conjointe", "conjoint"}, {"conjoint e", "conjoint"}, {"epoux", "conjoint"},
	{"epouse", "conjoint"}, {"mari", "conjoint"}, {"concubin", "conjoint"}, {"concubine", "conjoint"},
	{"concubin e", "conjoint"}, {"partenaire", "conjoint"}, {"pacse", "conjoint"}, {"pacsee", "conjoint"},
	{"pacse e", "conjoint"}, {"compagnon", "conjoint"}, {"compagne", "conjoint"}, {"conjoint ou partenaire", "conjoint"},
	{"enfant", "enfant"}, {"fils", "enfant"}, {"fille", "enfant"}, {"enfant a charge", "enfant"},
	{"enfant alterne", "enfant_alterne"}, {"garde alternee", "enfant_alterne"}, {"enfant en garde alternee", "enfant_alterne"},
	{"enfant majeur", "enfant_majeur"}, {"enfant non a charge", "enfant_majeur"},
	{"heberge", "heberge"}, {"hebergee", "heberge"}, {"heberge e", "heberge"}, {"personne hebergee", "heberge"},
	{"parent", "parent"}, {"pere", "parent"}, {"mere", "parent"}, {"ascendant", "parent"}, {"parent ascendant", "parent"},
	{"grand pere", "parent"}, {"grand mere", "parent"}, {"autre", "autre"},
};

static const char *code_of_word(arena *a, const char *s, const word_code *w, size_t n)
{
	if (!*s)
		return "";
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, w[i].code))
			return w[i].code; /* the code itself: no folding */
	const char *f = text_fold(a, s);
	for (size_t i = 0; f && i < n; i++)
		if (!strcmp(f, w[i].word))
			return w[i].code;
	return NULL;
}

static const char *row_problem(const pctx *x, const sheet_row *r, const char *birth, const char *sex, const char *rel)
{
	const char *s;
	if (!*cell(x, r, C_FOYER))
		return "la colonne « foyer » est vide";
	if (!*cell(x, r, C_NOM) || strlen(cell(x, r, C_NOM)) > 100)
		return "le nom est obligatoire (100 caractères au plus)";
	if (!*cell(x, r, C_PRENOMS) || strlen(cell(x, r, C_PRENOMS)) > 150)
		return "le prénom est obligatoire (150 caractères au plus)";
	if (!birth)
		return "date de naissance invalide : une date réelle entre 1900 et aujourd’hui, JJ/MM/AAAA (ou AAAA-MM-JJ)";
	if (!sex)
		return "sexe : F (ou femme), M (ou homme) ou vide";
	if (!rel)
		return "lien : demandeur, conjoint, enfant, enfant_alterne, enfant_majeur, heberge, parent ou autre (ou leurs "
		       "mots : conjointe, époux, fils, fille, hébergé, père, mère…)";
	if (*(s = cell(x, r, C_EMAIL)) && !text_email_valid(s))
		return "adresse e-mail invalide";
	if (*(s = cell(x, r, C_TEL)) && !persons_phone_ok(s))
		return "téléphone : de 6 à 15 chiffres, par exemple 06 12 34 56 78";
	if (*(s = cell(x, r, C_CP)) && !postcode_of(NULL, x, r))
		return "code postal : 5 chiffres (quatre : le tableur a perdu son 0, écrivez par exemple 01000)";
	for (int i = 0; i < r->ncells; i++) {
		if (text_forbidden_char(x->cur[i], false))
			return "une cellule contient un caractère de contrôle";
		if ((i >= x->nhead || !x->named[i]) && *x->cur[i])
			return "une cellule est remplie sous une colonne sans en-tête : nommez la colonne ou videz-la";
	}
	return NULL;
}

/* The gathered household: counted (check) or written (write). */
static void flush(pctx *x)
{
	if (!x->n)
		return;
	x->rep->households++;
	if (!x->write && !seen_add(&x->seen, x->foyer))
		x->e = E_NOMEM;
	if (x->write && x->e == E_OK) {
		/* The household's first row is its applicant; the others follow. */
		const char *why = NULL;
		person_new *deps = x->n > 1 ? arena_array(&x->ha, (size_t)(x->n - 1), sizeof *deps) : NULL;
		if (x->n > 1 && !deps) {
			x->e = E_NOMEM;
		} else {
			for (int i = 1; i < x->n; i++)
				deps[i - 1] = x->m[i].p;
			int64_t hid, pid;
			x->e = persons_bulk_household(x->bulk, &x->ha, &x->h, &x->m[0].p, deps, x->n - 1, &hid, &pid, &why);
			if (x->e == E_INPUT)
				refuse(x->rep, x->m[0].row, why ? why : "ligne refusée");
		}
	}
	arena_release(&x->ha);
	arena_init(&x->ha, 0);
	x->m = NULL;
	x->n = x->cap = 0;
	x->foyer = NULL;
}

static bool on_row(void *vx, const sheet_row *r)
{
	pctx *x = vx;
	if (!x->have_layout) {
		bool title = false;
		const char *why = find_layout(x, r, &title);
		if (why && title && x->titles < 5) {
			x->titles++; /* a title above the header: not a person */
			return true;
		}
		x->have_layout = true;
		if (why) {
			refuse(x->rep, r->number, why);
			x->e = E_INPUT;
			return false;
		}
		return true;
	}
	trim_row(x, r);
	if (x->n && strcmp(cell(x, r, C_FOYER), x->foyer)) {
		flush(x);
		trim_row(x, r); /* the copies went with the household's arena */
	}
	const char *foyer = cell(x, r, C_FOYER);
	if (x->e != E_OK)
		return false;
	if (++x->rep->rows % PERSONS_IMPORT_STEP == 0 && x->rep->progress)
		x->rep->progress(x->rep->progress_ctx, x->write, x->rep->rows, x->total);
	const char *birth = date_of(&x->ha, x, r);
	const char *sex = code_of_word(&x->ha, cell(x, r, C_SEXE), SEX_WORDS, sizeof SEX_WORDS / sizeof SEX_WORDS[0]);
	const char *rel = code_of_word(&x->ha, cell(x, r, C_LIEN), RELATION_WORDS, sizeof RELATION_WORDS / sizeof RELATION_WORDS[0]);
	const char *why = row_problem(x, r, birth, sex, rel);
	if (!why && !x->write && !x->n && seen_has(&x->seen, foyer, seen_hash(foyer)))
		why = "ce foyer a déjà des lignes plus haut, séparées de celle-ci : les lignes d’un même foyer doivent se "
		      "suivre (triez le fichier par la colonne « foyer »)";
	if (why) {
		refuse(x->rep, r->number, why);
		return true; /* check every row, report the first 20 */
	}
	if (x->look_known && !x->write && is_known(x, cell(x, r, C_NOM), cell(x, r, C_PRENOMS), birth)) {
		if (x->rep->nknown < PERSONS_IMPORT_SHOWN)
			x->rep->known_line[x->rep->nknown++] = r->number;
		x->rep->known++;
	}
	if (x->e != E_OK)
		return false; /* the known persons could not be looked for */
	/* The same person on a row above (a hash: two persons alike by chance once in billions of files — said, never
	 * refused). Without a birth date, none, as for the structure's. */
	int seen = x->look_known && !x->write && *birth
	               ? keyset_put(&x->in_file, known_key(&x->ha, birth, cell(x, r, C_NOM), cell(x, r, C_PRENOMS)))
	               : 0;
	if (seen < 0) {
		x->e = E_NOMEM;
		return false;
	}
	if (seen) {
		if (x->rep->ntwice < PERSONS_IMPORT_SHOWN)
			x->rep->twice_line[x->rep->ntwice++] = r->number;
		x->rep->twice++;
	}
	if (x->n == x->cap) {
		int nc = x->cap ? x->cap * 2 : 8;
		member *g = arena_array(&x->ha, (size_t)nc, sizeof *g);
		if (!g) {
			x->e = E_NOMEM;
			return false;
		}
		if (x->n)
			memcpy(g, x->m, sizeof *g * (size_t)x->n);
		x->m = g;
		x->cap = nc;
	}
	arena *a = &x->ha;
#define KEEP(k) arena_strdup(a, cell(x, r, k))
	x->m[x->n++] = (member){{KEEP(C_NOM), KEEP(C_NOM_NAISSANCE), KEEP(C_PRENOMS), sex, birth, KEEP(C_LIEU),
	                         kept_digits(a, x, r, C_TEL, 10), KEEP(C_EMAIL), rel}, r->number};
	if (x->n == 1) {
		x->foyer = KEEP(C_FOYER);
		x->h = (household_new){KEEP(C_NUMERO), KEEP(C_VOIE), postcode_of(a, x, r), KEEP(C_COMMUNE),
		                       *cell(x, r, C_VOIE) ? "autre" : NULL};
	}
#undef KEEP
	return true;
}

static err walk(pctx *x, const unsigned char *data, size_t len)
{
	const char *why;
	sheet_info info;
	arena_init(&x->ha, 0);
	sheet_status st = sheet_read(data, len, IMPORT_MAX_COLS, on_row, x, &info, &why);
	if (x->e == E_OK && (st == SHEET_OK || st == SHEET_STOPPED))
		flush(x);
	arena_release(&x->ha);
	free(x->named);
	x->named = NULL;
	if (st == SHEET_BAD || st == SHEET_TOO_LARGE) {
		refuse(x->rep, 0, why);
		return E_INPUT;
	}
	if (st == SHEET_NOMEM)
		return E_NOMEM;
	if (info.ignored_cells && x->e == E_OK) {
		refuse(x->rep, 0, "des cellules sont remplies au-delà de la 64e colonne, que l’import ne lit pas : retirez ces "
		                  "colonnes");
		return E_INPUT;
	}
	if (!x->have_layout) {
		refuse(x->rep, 0, "le fichier n’a pas de ligne d’en-tête suivie de données");
		return E_INPUT;
	}
	if (x->e == E_OK && !x->write && !x->rep->rows && !x->rep->refused) {
		refuse(x->rep, 0, "le fichier n’a aucune personne sous sa ligne d’en-tête");
		return E_INPUT;
	}
	return x->e;
}

/* The file's check, then (unless PERSONS_IMPORT_CHECK) its writing in one transaction on c, scoped to the
 * structure. */
err persons_import_data(db_conn *c, int64_t uid, const unsigned char *data, size_t n, unsigned flags,
                        persons_import_report *rep)
{
	persons_import_report given = *rep; /* what the caller gave */
	memset(rep, 0, sizeof *rep);
	rep->progress = given.progress;
	rep->progress_ctx = given.progress_ctx;
	rep->claim = given.claim;
	rep->claim_ctx = given.claim_ctx;
	if (!n) {
		refuse(rep, 0, "fichier vide");
		return E_INPUT;
	}
	pctx x = {.rep = rep, .c = c, .look_known = (flags & PERSONS_IMPORT_KNOWN) != 0};
	const char *ms = getenv("OPENCCAS_IMPORT_KNOWN_MS");
	int64_t alone = KNOWN_ALONE_MS;
	if (ms && *ms && !text_to_int64(ms, 0, 3600000, &alone))
		alone = KNOWN_ALONE_MS;
	x.known.alone_ms = (double)alone;
	arena_init(&x.seen.a, 0);
	err e = walk(&x, data, n);
	seen_free(&x.seen);
	keyset_free(&x.known.set);
	keyset_free(&x.in_file);
	if (e == E_OK && rep->refused)
		e = E_INPUT;
	if (e != E_OK)
		rep->households = 0; /* nothing written */
	if (e != E_OK || (flags & PERSONS_IMPORT_CHECK))
		return e;
	long rows = rep->rows, households = rep->households;
	rep->rows = rep->households = 0;
	pctx w = {.rep = rep, .write = true, .total = rows, .user_id = uid, .c = c};
	/* The rows go to random places of the persons' indexes (birth date, telephone): a bigger cache for this
	 * connection, given back at the end (SQLite; it grows only as far as the database's pages it holds). */
	db_bulk_cache(w.c, IMPORT_CACHE_MB);
	civil_format(civil_today("Europe/Paris"), w.today);
	/* One transaction: every household, or none. */
	e = db_begin(w.c, true);
	if (e == E_OK && rep->claim)
		e = rep->claim(w.c, rep->claim_ctx);
	if (e == E_OK) {
		persons_feed_bulk(true); /* one mark for the servers' indexes, not a row per person */
		/* No db_bulk: the rows go by thousands (persons_bulk), so PostgreSQL plans its key checks once the
		 * first thousands are in the tables, and planning them again for each row cost 40 % of the import. */
		e = persons_file_nos_reserve(w.c, households); /* one statement for all their file numbers */
		if (e == E_OK && !(w.bulk = persons_bulk_open(w.c, uid, w.today)))
			e = E_NOMEM;
		if (w.bulk)
			persons_bulk_sole(w.bulk); /* its rows alone: the ids follow the largest, looked up once */
		if (e == E_OK)
			e = walk(&w, data, n);
		if (w.bulk)
			e = persons_bulk_close(w.bulk, e); /* what is kept goes to the database */
		err e2 = persons_file_nos_release(w.c);
		if (e == E_OK)
			e = e2;
		persons_feed_bulk(false);
	}
	if (e == E_OK)
		e = persons_feed_rebuild(w.c);
	if (e == E_OK) {
		char detail[96];
		snprintf(detail, sizeof detail, "rows=%ld households=%ld", rows, rep->households);
		e = journal_record(w.c, uid, "import", "persons", 0, detail);
	}
	e = db_finish(w.c, e);
	if (e != E_OK)
		rep->households = 0;
	rep->steps = db_conn_steps(w.c);
	db_bulk_cache(w.c, 0);
	return e;
}

err persons_import_csv(db *d, int64_t sid, int64_t uid, const char *path, bool check_only, persons_import_report *rep)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return E_NOT_FOUND;
	fseek(f, 0, SEEK_END);
	long long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (size <= 0 || size > IMPORT_MAX_BYTES) {
		fclose(f);
		rep->rows = rep->households = rep->refused = 0;
		rep->nerr = 0;
		refuse(rep, 0, size <= 0 ? "fichier vide" : "fichier trop gros (2 Go au plus)");
		return E_INPUT;
	}
	unsigned char *data = malloc((size_t)size + 1);
	size_t n = data ? fread(data, 1, (size_t)size, f) : 0;
	fclose(f);
	if (!data || n != (size_t)size) {
		free(data);
		return E_NOMEM;
	}
	db_conn *c = db_conn_get(d);
	if (!c) {
		free(data);
		return E_DB;
	}
	db_conn_scope(c, sid);
	/* The check alone says the persons already known too (the agent decides); the import does not look for them. */
	err e = persons_import_data(c, uid, data, n, check_only ? PERSONS_IMPORT_CHECK | PERSONS_IMPORT_KNOWN : 0, rep);
	db_conn_put(c);
	free(data);
	return e;
}
