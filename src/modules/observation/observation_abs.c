/*
 * observation_abs.c — the needs analysis's dataset (analyse des besoins
 * sociaux, CASF R123-1): for each of the last five years and each
 * neighbourhood, the households the CCAS followed and what it did for them
 * (contacts, requests, files…), beside the population the INSEE counts
 * there. The population comes from the INSEE's file by IRIS the structure
 * downloads (« base infracommunale, population » : CSV or XLSX), read in its
 * published layout — notes above, then a header row with IRIS, COM, LIBIRIS
 * and Pyy_POP, the age columns Pyy_POP0014… when present — and kept for the
 * structure's commune only; each neighbourhood is matched to an IRIS by its
 * name, or as the manager sets it.
 */
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/sheet.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/observation/observation_internal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define ABS_YEARS 5
#define ABS_MAX_IRIS 5000   /* a commune has at most a thousand or so (Paris: 992) */
#define ABS_MAX_ROWS 200000 /* the whole of France is about 50 000 IRIS */

/* ---- the INSEE's file ------------------------------------------------------------------------------ */

enum { C_IRIS, C_COM, C_LIB, C_POP, C_0014, C_1529, C_3044, C_4559, C_6074, C_75P, NCOLS };
static const char *const SUFFIX[NCOLS] = {NULL, NULL, NULL, "", "0014", "1529", "3044", "4559", "6074", "75P"};

typedef struct pop_row {
	const char *iris, *name;
	int64_t v[NCOLS - C_POP]; /* population, then the six age bands (-1: not in the file) */
} pop_row;

typedef struct import_ctx {
	arena *a;
	const char *insee;
	int col[NCOLS];
	int year;
	bool header;
	long rows;
	pop_row *out;
	int n, cap;
	const char *fail;
} import_ctx;

/* "1523.48" or "1 523,48" → 1523 (rounded); false when not a number. */
static bool count_of(const char *s, int64_t *out)
{
	int64_t v = 0;
	int frac = -1, digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (frac < 0) {
				if (v > 100000000)
					return false;
				v = v * 10 + (*p - '0');
			} else if (frac++ == 0 && *p >= '5') {
				v++; /* the first decimal rounds */
			}
			digits++;
		} else if ((*p == '.' || *p == ',') && frac < 0) {
			frac = 0;
		} else if (*p != ' ') {
			return false;
		}
	}
	*out = v;
	return digits > 0;
}

static bool on_row(void *ctx, const sheet_row *row)
{
	import_ctx *x = ctx;
	if (++x->rows > ABS_MAX_ROWS) {
		x->fail = "Le fichier a plus de 200 000 lignes : ce n’est pas le fichier de population par IRIS de l’INSEE.";
		return false;
	}
	if (!x->header) {
		int found[NCOLS];
		for (int k = 0; k < NCOLS; k++)
			found[k] = -1;
		int year = 0;
		for (int i = 0; i < row->ncells; i++) {
			const char *t = row->cells[i].text;
			if (!strcmp(t, "IRIS"))
				found[C_IRIS] = i;
			else if (!strcmp(t, "COM"))
				found[C_COM] = i;
			else if (!strcmp(t, "LIBIRIS"))
				found[C_LIB] = i;
			else if (t[0] == 'P' && t[1] >= '0' && t[1] <= '9' && t[2] >= '0' && t[2] <= '9' && !strncmp(t + 3, "_POP", 4)) {
				for (int k = C_POP; k < NCOLS; k++)
					if (!strcmp(t + 7, SUFFIX[k])) {
						found[k] = i;
						year = 2000 + (t[1] - '0') * 10 + (t[2] - '0');
					}
			}
		}
		if (found[C_IRIS] < 0 || found[C_COM] < 0)
			return true; /* a line of notes above the header */
		if (found[C_LIB] < 0 || found[C_POP] < 0) {
			x->fail = arena_printf(x->a, "La ligne %ld porte IRIS et COM mais pas %s : il faut le fichier « population » de la base "
			                              "infracommunale de l’INSEE (colonnes IRIS, COM, LIBIRIS, Paa_POP).",
			                       row->number, found[C_LIB] < 0 ? "LIBIRIS (le nom de l’IRIS)" : "la population (P21_POP ou une autre année)");
			return false;
		}
		memcpy(x->col, found, sizeof found);
		x->year = year;
		x->header = true;
		return true;
	}
	const char *cells[NCOLS] = {0};
	for (int k = 0; k < NCOLS; k++)
		cells[k] = x->col[k] >= 0 && x->col[k] < row->ncells ? row->cells[x->col[k]].text : "";
	if (strcmp(cells[C_COM], x->insee))
		return true; /* another commune */
	if (x->n >= ABS_MAX_IRIS) {
		x->fail = "Plus de 5 000 IRIS pour la commune : le fichier n’est pas lisible.";
		return false;
	}
	pop_row *p = ARENA_PUSH(x->a, x->out, x->n, x->cap);
	if (!p)
		return false;
	*p = (pop_row){arena_strdup(x->a, cells[C_IRIS]), arena_strdup(x->a, cells[C_LIB]), {0}};
	for (int k = C_POP; k < NCOLS; k++) {
		p->v[k - C_POP] = -1;
		if (x->col[k] >= 0 && *cells[k] && !count_of(cells[k], &p->v[k - C_POP])) {
			x->fail = arena_printf(x->a, "Ligne %ld : « %s » n’est pas un nombre d’habitants.", row->number, cells[k]);
			return false;
		}
	}
	if (!*p->iris || strlen(p->iris) > 12 || !*p->name || strlen(p->name) > 200 || p->v[0] < 0) {
		x->fail = arena_printf(x->a, "Ligne %ld : le code IRIS, son nom et la population sont obligatoires.", row->number);
		return false;
	}
	return true;
}

static db_sql Q_POP_DEL = DB_SQL(DB_SCOPED, "DELETE FROM obs_population WHERE structure_id = $1 AND year = $2");
static db_sql Q_POP_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO obs_population (structure_id, year, iris, name, population, p0014, p1529, p3044, p4559, p6074, p75p) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");

/* Reads the file; E_INPUT with *why (French) when it is not the INSEE's file or has nothing for the commune. */
static err import_population(web_req *r, const void *data, size_t len, int *year, int *n, const char **why)
{
	structure_info si;
	if (accounts_structure_info(r->db, r->a, r->user->structure_id, &si) != E_OK || !*si.insee) {
		*why = "Le code INSEE de la commune n’est pas renseigné : un administrateur le saisit dans Administration › Structure.";
		return E_INPUT;
	}
	import_ctx x = {.a = r->a, .insee = si.insee};
	const char *sw = NULL;
	sheet_status st = sheet_read(data, len, 200, on_row, &x, NULL, &sw);
	if (x.fail) {
		*why = x.fail;
		return E_INPUT;
	}
	if (st != SHEET_OK) {
		*why = sw ? sw : "Le fichier n’a pas pu être lu (XLSX ou CSV).";
		return st == SHEET_NOMEM ? E_NOMEM : E_INPUT;
	}
	if (!x.header) {
		*why = "Aucune ligne de titres avec IRIS et COM : il faut le fichier « population » de la base infracommunale de l’INSEE.";
		return E_INPUT;
	}
	if (!x.n) {
		*why = arena_printf(r->a, "Aucun IRIS de la commune %s dans le fichier : est-ce le bon millésime, la bonne commune ?", si.insee);
		return E_INPUT;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_POP_DEL, NULL, A_INT(x.year));
	for (int i = 0; e == E_OK && i < x.n; i++) {
		db_arg v[NCOLS - C_POP];
		for (int k = 0; k < NCOLS - C_POP; k++)
			v[k] = x.out[i].v[k] >= 0 ? A_INT(x.out[i].v[k]) : A_NULL;
		e = DBX(r->db, &Q_POP_ADD, NULL, A_INT(x.year), A_TEXT(x.out[i].iris), A_TEXT(x.out[i].name), v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
	}
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "obs_population", x.year, arena_printf(r->a, "iris=%d", x.n));
	*year = x.year, *n = x.n;
	return db_finish(r->db, e);
}

/* ---- the dataset ------------------------------------------------------------------------------------ */

typedef struct iris_pop { const char *iris, *name; int year; int64_t population; } iris_pop;

static db_sql Q_POP_ALL = DB_SQL(DB_SCOPED, "SELECT iris, name, year, population FROM obs_population WHERE structure_id = $1 ORDER BY year DESC, name");
static db_sql Q_MAP = DB_SQL(DB_SCOPED, "SELECT neighbourhood, iris FROM obs_area_map WHERE structure_id = $1");
static db_sql Q_MAP_SET = DB_SQL(DB_SCOPED,
	"INSERT INTO obs_area_map (structure_id, neighbourhood, iris) VALUES ($1, $2, $3) ON CONFLICT (structure_id, neighbourhood) "
	"DO UPDATE SET iris = excluded.iris");
static db_sql Q_MAP_DEL = DB_SQL(DB_SCOPED, "DELETE FROM obs_area_map WHERE structure_id = $1 AND neighbourhood = $2");

static int populations(web_req *r, iris_pop **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ0(r->db, &Q_POP_ALL, &q) == E_OK)
		while (db_next(&q)) {
			iris_pop *p = ARENA_PUSH(r->a, *out, n, cap);
			if (!p)
				break;
			*p = (iris_pop){db_dup(&q, 0, r->a), db_dup(&q, 1, r->a), (int)db_int(&q, 2), db_int(&q, 3)};
		}
	db_close(&q);
	return n;
}

/* The IRIS a neighbourhood is: as set, else the one whose name is the same (accents and case aside). */
static const char *iris_of(web_req *r, const char *area, const kv *map, int nmap, const iris_pop *pop, int npop)
{
	for (int i = 0; i < nmap; i++)
		if (!strcmp(map[i].name, area))
			return map[i].value;
	const char *f = text_fold(r->a, area);
	for (int i = 0; f && i < npop; i++) {
		const char *g = text_fold(r->a, pop[i].name);
		if (g && !strcmp(g, f))
			return pop[i].iris;
	}
	return NULL; /* or memory short: the page is an error (its arena failed) */
}

/* The population of an IRIS for a year: the latest count not after it, else the earliest; *from its year. */
static int64_t population_of(const char *iris, int year, const iris_pop *pop, int npop, int *from)
{
	int64_t best = -1;
	*from = 0;
	for (int i = 0; i < npop; i++) { /* by year, latest first */
		if (!iris || strcmp(pop[i].iris, iris))
			continue;
		if (pop[i].year <= year)
			return *from = pop[i].year, pop[i].population;
		best = pop[i].population, *from = pop[i].year;
	}
	return best;
}

static int map_of(web_req *r, kv **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ0(r->db, &Q_MAP, &q) == E_OK)
		while (db_next(&q)) {
			kv *p = ARENA_PUSH(r->a, *out, n, cap);
			if (p)
				*p = (kv){db_dup(&q, 0, r->a), db_dup(&q, 1, r->a)};
		}
	db_close(&q);
	return n;
}

/* The kinds of event the dataset shows, in this order (a module's timeline code, and the column's title). */
static const code KINDS[] = {{"contact", "Contacts"}, {"aid_request", "Aides facultatives"}, {"legal_file", "Aide légale"},
                             {"domiciliation", "Domiciliation"}, {"housing_request", "Logement social"}, {"food_decision", "Aide alimentaire"}};

typedef struct abs_cell {
	int year;
	const char *area;
	int64_t followed, kinds[COUNTOF(KINDS)];
} abs_cell;

/* The cells of the years y0..y1; *oldest: when the oldest of the figures read was computed ahead, 0 when one year
 * was counted now. */
static int dataset(web_req *r, int y0, int y1, abs_cell **out, int64_t *oldest)
{
	*oldest = INT64_MAX;
	abs_cell *v = NULL;
	int n = 0, cap = 0;
	civil_date t = civil_today(r->user->tz);
	for (int y = y0; y <= y1; y++) {
		const char *to = y == t.y ? civil_iso(r->a, t) : arena_printf(r->a, "%04d-12-31", y);
		persons_area_row *rows;
		int64_t when = 0;
		int nr = obs_area_figures(r->db, r->a, arena_printf(r->a, "%04d-01-01", y), to, &rows, &when);
		if (nr < 0)
			return -1;
		if (when < *oldest)
			*oldest = when;
		for (int i = 0; i < nr; i++) {
			abs_cell *c = NULL;
			for (int k = n - 1; k >= 0 && v[k].year == y && !c; k--)
				if (!strcmp(v[k].area, rows[i].neighbourhood))
					c = &v[k];
			if (!c && (c = ARENA_PUSH(r->a, v, n, cap)))
				*c = (abs_cell){.year = y, .area = rows[i].neighbourhood};
			if (!c)
				break;
			if (!*rows[i].kind)
				c->followed = rows[i].households;
			for (int k = 0; k < COUNTOF(KINDS); k++)
				if (!strcmp(rows[i].kind, KINDS[k].v))
					c->kinds[k] = rows[i].households;
		}
	}
	*out = v;
	if (*oldest == INT64_MAX)
		*oldest = 0;
	return n;
}

static int year_arg(web_req *r, int *y0, int *y1)
{
	civil_date t = civil_today(r->user->tz);
	int64_t from = t.y - ABS_YEARS + 1;
	const char *ys = web_arg(r, "depuis");
	if (ys && *ys && !text_to_int64(ys, 2000, t.y, &from)) {
		web_error(r, E_INPUT, arena_printf(r->a, "depuis : une année de 2000 à %d.", t.y));
		return -1;
	}
	*y0 = (int)from, *y1 = t.y;
	return 0;
}

static void abs_csv(web_req *r)
{
	int y0, y1;
	if (year_arg(r, &y0, &y1) < 0)
		return;
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	iris_pop *pop;
	kv *map;
	int npop = populations(r, &pop), nmap = map_of(r, &map);
	abs_cell *v;
	int64_t when;
	int n = dataset(r, y0, y1, &v, &when);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	buf *b = &r->out;
	buf_adds(b, "\xEF\xBB\xBF");
	csv_write_cell(b, "annee", false), csv_write_cell(b, "quartier", false), csv_write_cell(b, "iris", false);
	csv_write_cell(b, "population", false), csv_write_cell(b, "annee_population", false), csv_write_cell(b, "foyers_suivis", false);
	for (int k = 0; k < COUNTOF(KINDS); k++)
		csv_write_cell(b, arena_printf(r->a, "foyers_%s", KINDS[k].v), k == COUNTOF(KINDS) - 1);
	for (int i = 0; i < n; i++) {
		int from;
		const char *iris = iris_of(r, v[i].area, map, nmap, pop, npop);
		int64_t p = population_of(iris, v[i].year, pop, npop, &from);
		csv_write_cell(b, arena_printf(r->a, "%d", v[i].year), false), csv_write_cell(b, *v[i].area ? v[i].area : "non renseigné", false);
		csv_write_cell(b, iris ? iris : "", false), csv_write_cell(b, p >= 0 ? arena_printf(r->a, "%lld", (long long)p) : "", false);
		csv_write_cell(b, from ? arena_printf(r->a, "%d", from) : "", false);
		csv_write_cell(b, obs_show(r->a, v[i].followed, v[i].followed > 0 && v[i].followed < st.threshold, st.threshold), false);
		for (int k = 0; k < COUNTOF(KINDS); k++)
			csv_write_cell(b, obs_show(r->a, v[i].kinds[k], v[i].kinds[k] > 0 && v[i].kinds[k] < st.threshold, st.threshold), k == COUNTOF(KINDS) - 1);
	}
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"abs-%d-%d.csv\"", y0, y1));
	journal_record(r->db, r->user->id, "export", "observation", 0, arena_printf(r->a, "abs %d..%d csv", y0, y1));
}

static void abs_render(web_req *r, const char *notice, bool error)
{
	int y0, y1;
	if (year_arg(r, &y0, &y1) < 0)
		return;
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	iris_pop *pop;
	kv *map;
	int npop = populations(r, &pop), nmap = map_of(r, &map);
	abs_cell *v;
	int64_t when;
	int n = dataset(r, y0, y1, &v, &when);
	if (n < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	int th = st.threshold;
	page_begin(r, "Analyse des besoins sociaux — les chiffres par quartier");
	buf *b = &r->out;
	if (notice)
		page_notice(r, error ? "error" : "ok", notice);
	html_printf(b, "<p><a href=\"/observation\">Observation</a> · <a href=\"/observation/abs.csv?depuis=%d\">Le jeu de données (CSV)</a></p>", y0);
	if (when)
		html_printf(b, "<p class=\"muted\">Chiffres calculés d’avance, les plus anciens le %s (chaque nuit).</p>",
		            page_instant(r, when, true));
	html_lit(b, "<p class=\"muted\">Pour chaque année et chaque quartier : les foyers dont le parcours a un événement dans l’année, et ceux qui ont eu "
	            "un contact, une demande ou un dossier de chaque mission ; la population de l’INSEE de l’IRIS du quartier et le nombre de foyers "
	            "suivis pour mille habitants. Les nombres sous le seuil du secret statistique sont masqués.</p>");
	/* The population imported. */
	html_lit(b, "<h2>La population de l’INSEE</h2>");
	if (npop) {
		int years[16], ny = 0, count[16] = {0};
		for (int i = 0; i < npop; i++) {
			int k = 0;
			while (k < ny && years[k] != pop[i].year)
				k++;
			if (k == ny && ny < 16)
				years[ny++] = pop[i].year;
			if (k < ny)
				count[k]++;
		}
		html_lit(b, "<ul>");
		for (int k = 0; k < ny; k++)
			html_printf(b, "<li>Recensement %d : %d IRIS de la commune</li>", years[k], count[k]);
		html_lit(b, "</ul>");
	} else {
		html_lit(b, "<p>Aucune population importée : les taux pour mille habitants attendent le fichier de l’INSEE.</p>");
	}
	if (web_can(r, PERM_OBS_SETTINGS)) {
		form_begin(r, "<form method=\"post\" action=\"/observation/abs/population\" enctype=\"multipart/form-data\" class=\"compact\">");
		html_lit(b, "<div class=\"field\"><label for=\"f-file\">Fichier « Population » de la base infracommunale (IRIS) de l’INSEE, XLSX ou CSV</label>"
		            "<input id=\"f-file\" name=\"file\" type=\"file\" accept=\".xlsx,.csv,text/csv\" required aria-describedby=\"f-file-h\">"
		            "<p class=\"hint\" id=\"f-file-h\">Tel que l’INSEE le publie (insee.fr, « Population en … — base infracommunale (IRIS) ») : "
		            "ses lignes de notes puis la ligne des codes (IRIS, COM, LIBIRIS, P21_POP…). Seuls les IRIS de la commune sont gardés ; "
		            "un nouvel import du même millésime remplace le précédent.</p></div>"
		            "<button type=\"submit\" class=\"primary\">Importer la population</button></form>");
	}
	/* The neighbourhoods and their IRIS. */
	const char **areas = NULL;
	int na = 0, ca = 0;
	for (int i = 0; i < n; i++) {
		bool seen = false;
		for (int k = 0; k < na && !seen; k++)
			seen = !strcmp(areas[k], v[i].area);
		const char **p = seen ? NULL : ARENA_PUSH(r->a, areas, na, ca);
		if (p)
			*p = v[i].area;
	}
	if (npop && na) {
		html_lit(b, "<h2>Les quartiers et leurs IRIS</h2>");
		bool can = web_can(r, PERM_OBS_SETTINGS);
		if (can)
			form_begin(r, "<form method=\"post\" action=\"/observation/abs/quartiers\">");
		html_table(b, "Chaque quartier des adresses et l’IRIS dont il prend la population", 0, "Quartier", "IRIS");
		int latest = pop[0].year;
		for (int k = 0; k < na; k++) {
			if (!*areas[k])
				continue;
			const char *cur = iris_of(r, areas[k], map, nmap, pop, npop);
			html_printf(b, "<tr><td>%s</td><td>", areas[k]);
			if (can) {
				html_printf(b, "<label class=\"sr-only\" for=\"q%d\">IRIS de %s</label><input type=\"hidden\" name=\"area_%d\" value=\"%s\">"
				               "<select id=\"q%d\" name=\"iris_%d\"><option value=\"\">— aucun —</option>", k, areas[k], k, areas[k], k, k);
				for (int i = 0; i < npop && pop[i].year == latest; i++)
					html_printf(b, "<option value=\"%s\"%s>%s (%s)</option>", pop[i].iris, cur && !strcmp(cur, pop[i].iris) ? " selected" : "", pop[i].name,
					            pop[i].iris);
				html_lit(b, "</select>");
			} else {
				html_printf(b, "%s", cur ? cur : "aucun");
			}
			html_lit(b, "</td></tr>");
		}
		html_table_close(b);
		if (can)
			html_lit(b, "<button type=\"submit\">Enregistrer les IRIS</button></form>");
	}
	/* The dataset. */
	html_lit(b, "<h2>Les chiffres par quartier</h2>");
	if (!n) {
		html_lit(b, "<p>Aucun foyer suivi sur ces années.</p>");
		page_end(r);
		return;
	}
	html_lit(b, "<div class=\"scroll\">");
	const char *heads[5 + COUNTOF(KINDS) + 1];
	heads[0] = "Année", heads[1] = "Quartier", heads[2] = "#Population (INSEE)", heads[3] = "#Foyers suivis", heads[4] = "#Pour mille habitants";
	for (int k = 0; k < COUNTOF(KINDS); k++)
		heads[5 + k] = arena_printf(r->a, "#%s", KINDS[k].fr);
	heads[5 + COUNTOF(KINDS)] = NULL;
	html_table_open(b, "Foyers suivis par année et par quartier", 0, heads);
	for (int i = 0; i < n; i++) {
		int from;
		const char *iris = iris_of(r, v[i].area, map, nmap, pop, npop);
		int64_t p = population_of(iris, v[i].year, pop, npop, &from);
		bool hidden = v[i].followed > 0 && v[i].followed < th;
		html_printf(b, "<tr><td>%d</td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>", v[i].year,
		            *v[i].area ? v[i].area : "non renseigné",
		            p >= 0 ? (from != v[i].year ? arena_printf(r->a, "%lld (%d)", (long long)p, from) : arena_printf(r->a, "%lld", (long long)p)) : "non renseignée",
		            obs_show(r->a, v[i].followed, hidden, th),
		            p > 0 && !hidden ? arena_printf(r->a, "%.1f", 1000.0 * (double)v[i].followed / (double)p) : "—");
		for (int k = 0; k < COUNTOF(KINDS); k++)
			html_printf(b, "<td class=\"num\">%s</td>", obs_show(r->a, v[i].kinds[k], v[i].kinds[k] > 0 && v[i].kinds[k] < th, th));
		html_lit(b, "</tr>");
	}
	html_table_close(b);
	html_lit(b, "</div>");
	page_end(r);
}

static void abs_page(web_req *r)
{
	journal_record(r->db, r->user->id, "read", "observation", 0, "abs");
	abs_render(r, web_arg(r, "ok") ? "C’est enregistré." : NULL, false);
}

static void abs_import(web_req *r)
{
	const web_file *f = web_file_field(r, "file");
	int year = 0, n = 0;
	const char *why = NULL;
	err e = f && f->len ? import_population(r, f->data, f->len, &year, &n, &why) : E_INPUT;
	if (!f || !f->len)
		why = "Choisissez le fichier de l’INSEE (XLSX ou CSV).";
	if (e == E_INPUT) {
		r->status = 400;
		abs_render(r, why, true);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	abs_render(r, arena_printf(r->a, "Population %d importée : %d IRIS de la commune.", year, n), false);
}

static void abs_areas(web_req *r)
{
	err e = db_begin(r->db, true);
	int k = 0;
	for (int i = 0; e == E_OK && i < r->form.n && k < 2000; i++) {
		const char *name = r->form.items[i].name;
		if (strncmp(name, "area_", 5))
			continue;
		k++;
		const char *area = r->form.items[i].value, *iris = kv_get(&r->form, arena_printf(r->a, "iris_%s", name + 5));
		if (!area || !*area || strlen(area) > 200 || (iris && strlen(iris) > 12))
			continue;
		e = iris && *iris ? DBX(r->db, &Q_MAP_SET, NULL, A_TEXT(area), A_TEXT(iris)) : DBX(r->db, &Q_MAP_DEL, NULL, A_TEXT(area));
	}
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "obs_settings", 0, "areas");
	e = db_finish(r->db, e);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/observation/abs?ok=1");
}

void obs_abs_init(void)
{
	web_route(M_GET, "/observation/abs", abs_page, PERM_OBS_READ, 0, "Analyse des besoins sociaux : les chiffres par quartier");
	web_route(M_GET, "/observation/abs.csv", abs_csv, PERM_OBS_READ, 0, "Analyse des besoins sociaux : le jeu de données (CSV)");
	web_route(M_POST, "/observation/abs/population", abs_import, PERM_OBS_SETTINGS, WEB_F_LARGE, "Analyse des besoins sociaux : importer la population de l’INSEE");
	web_route(M_POST, "/observation/abs/quartiers", abs_areas, PERM_OBS_SETTINGS, 0, "Analyse des besoins sociaux : l’IRIS de chaque quartier");
}
