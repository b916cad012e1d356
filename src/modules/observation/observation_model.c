/*
 * observation_model.c — settings, and the figures: every module's
 * indicators over a period and the one before it, categories merged, small
 * counts hidden (and a total that would reveal one by subtraction). No
 * HTML here.
 */
#include "modules/observation/observation_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

int PERM_OBS_READ, PERM_OBS_SETTINGS;

static const db_migration migrations[] = {
	{1, "observation: the structure's threshold of statistical secrecy and the text of its yearly report",
	 "CREATE TABLE obs_settings (structure_id INTEGER PRIMARY KEY REFERENCES structures(id), threshold INTEGER NOT NULL, "
	 " report_text TEXT NOT NULL DEFAULT '') STRICT;",
	 NULL},
	{2, "observation: the INSEE's population by IRIS the structure imports, and which IRIS each neighbourhood is",
	 "CREATE TABLE obs_population (structure_id INTEGER NOT NULL REFERENCES structures(id), year INTEGER NOT NULL, iris TEXT NOT NULL, "
	 " name TEXT NOT NULL, population INTEGER NOT NULL, p0014 INTEGER, p1529 INTEGER, p3044 INTEGER, p4559 INTEGER, p6074 INTEGER, "
	 " p75p INTEGER, PRIMARY KEY (structure_id, year, iris)) STRICT;"
	 "CREATE TABLE obs_area_map (structure_id INTEGER NOT NULL REFERENCES structures(id), neighbourhood TEXT NOT NULL, iris TEXT NOT NULL, "
	 " PRIMARY KEY (structure_id, neighbourhood)) STRICT;",
	 NULL},
	{3, "observation: the figures computed ahead (nightly, or on demand) for a period, and when",
	 "CREATE TABLE obs_runs (structure_id INTEGER NOT NULL REFERENCES structures(id), from_on TEXT NOT NULL, to_on TEXT NOT NULL, "
	 " computed_at INTEGER NOT NULL, ms INTEGER NOT NULL, PRIMARY KEY (structure_id, from_on, to_on)) STRICT;"
	 "CREATE TABLE obs_figures (structure_id INTEGER NOT NULL REFERENCES structures(id), from_on TEXT NOT NULL, to_on TEXT NOT NULL, "
	 " indicator TEXT NOT NULL, category TEXT NOT NULL, pos INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (structure_id, from_on, to_on, indicator, category)) STRICT;",
	 NULL},
};
const db_module_schema observation_schema = {"observation", migrations, COUNTOF(migrations)};

static db_sql Q_GET = DB_SQL(DB_SCOPED, "SELECT threshold, report_text FROM obs_settings WHERE structure_id = $1");
static db_sql Q_PUT = DB_SQL(DB_SCOPED,
	"INSERT INTO obs_settings (structure_id, threshold, report_text) VALUES ($1, $2, $3) ON CONFLICT (structure_id) "
	"DO UPDATE SET threshold = excluded.threshold, report_text = excluded.report_text");

void obs_settings_get(db_conn *c, arena *a, obs_settings *out)
{
	*out = (obs_settings){5, ""};
	db_res q = {0};
	if (DBQ0(c, &Q_GET, &q) == E_OK && db_next(&q)) {
		out->threshold = (int)db_int(&q, 0);
		char *t = db_dup(&q, 1, a);
		out->report_text = t ? t : "";
	}
	db_close(&q);
}

err obs_settings_set(db_conn *c, arena *a, int64_t user, const kv_list *in, form_errors *fe)
{
	(void)a;
	int64_t th = 0;
	const char *ts = kv_get(in, "threshold"), *text = kv_get(in, "report_text");
	if (!ts || !text_to_int64(ts, 2, 20, &th))
		form_error(fe, "threshold", "Le seuil du secret statistique : de 2 à 20 (5 par défaut).");
	if (text && strlen(text) > 20000)
		form_error(fe, "report_text", "Le texte du rapport tient en 20 000 caractères.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBX(c, &Q_PUT, NULL, A_INT(th), A_TEXT(text ? text : ""));
	if (e == E_OK)
		e = journal_record(c, user, "update", "obs_settings", 0, NULL);
	return db_finish(c, e);
}

bool obs_period_of(arena *a, const char *from, const char *to, obs_period *out)
{
	civil_date f, t;
	if (!from || !to || !civil_parse(from, &f) || !civil_parse(to, &t))
		return false;
	int64_t df = civil_to_days(f), dt = civil_to_days(t);
	if (dt < df || dt - df > 3660)
		return false;
	if (dt - df < 366) /* a year or less: the same dates a year before (the seasons compare) */
		*out = (obs_period){civil_iso(a, f), civil_iso(a, t), civil_iso(a, civil_add_months(f, -12)), civil_iso(a, civil_add_months(t, -12))};
	else               /* longer: the period of the same length just before */
		*out = (obs_period){civil_iso(a, f), civil_iso(a, t), civil_iso(a, civil_from_days(df - (dt - df + 1))), civil_iso(a, civil_from_days(df - 1))};
	return true;
}

const char *obs_show(arena *a, int64_t n, bool hidden, int threshold)
{
	return hidden ? arena_printf(a, "< %d", threshold) : arena_printf(a, "%lld", (long long)n);
}

static const char *module_label_of(const module *m)
{
	return m->nnav > 0 && m->nav[0].label ? m->nav[0].label : m->name;
}

/* Hides the small counts of a column; the total too when a single cell is hidden. */
static void hide(obs_figure *f, int threshold)
{
	int hidden = 0, hidden_prev = 0;
	for (int i = 0; i < f->nrows; i++) {
		obs_row *r = &f->rows[i];
		r->n_hidden = r->n > 0 && r->n < threshold;
		r->prev_hidden = r->prev > 0 && r->prev < threshold;
		hidden += r->n_hidden, hidden_prev += r->prev_hidden;
		f->total += r->n, f->prev_total += r->prev;
	}
	f->total_hidden = hidden == 1 || (f->total > 0 && f->total < threshold);
	f->prev_total_hidden = hidden_prev == 1 || (f->prev_total > 0 && f->prev_total < threshold);
}

err obs_ask_scope(db_conn *c, arena *a, obs_ask *q)
{
	q->households = 0;
	return q->filtered ? persons_scope_fill(c, a, &q->f, &q->households) : E_OK;
}

static db_sql Q_RUN = DB_SQL(DB_SCOPED, "SELECT computed_at FROM obs_runs WHERE structure_id = $1 AND from_on = $2 AND to_on = $3");
static db_sql Q_KEPT = DB_SQL(DB_SCOPED,
	"SELECT indicator, category, n FROM obs_figures WHERE structure_id = $1 AND from_on = $2 AND to_on = $3 ORDER BY indicator, pos");

/* The category kept for an indicator counted with nothing to count: its key is there, so the figures read
 * say « nothing » rather than « not computed » (an indicator added since the last computation is counted now). */
#define NOTHING "\x1e"

/* The figures computed for [from, to], one list per indicator key: *when, 0 when there are none. */
typedef struct kept { const char *key; module_figure *v; int n, cap; } kept;
static int kept_read(db_conn *c, arena *a, const char *from, const char *to, int64_t *when, kept **out)
{
	*when = 0;
	*out = NULL;
	int n = 0, cap = 0;
	db_res q = {0};
	if (DBQ(c, &Q_RUN, &q, A_TEXT(from), A_TEXT(to)) == E_OK && db_next(&q))
		*when = db_int(&q, 0);
	db_close(&q);
	if (!*when || DBQ(c, &Q_KEPT, &q, A_TEXT(from), A_TEXT(to)) != E_OK) {
		*when = 0;
		return 0;
	}
	while (db_next(&q)) {
		const char *key = db_text(&q, 0);
		if (!n || strcmp((*out)[n - 1].key, key)) {
			kept *k = ARENA_PUSH(a, *out, n, cap);
			if (!k)
				break;
			*k = (kept){arena_strdup(a, key), NULL, 0, 0};
		}
		kept *k = &(*out)[n - 1];
		const char *cat = db_text(&q, 1);
		if (cat && !strcmp(cat, NOTHING))
			continue; /* the indicator was counted and had nothing */
		module_figure *f = ARENA_PUSH(a, k->v, k->n, k->cap);
		if (f)
			*f = (module_figure){db_dup(&q, 1, a), db_int(&q, 2), 0};
	}
	db_close(&q);
	if (a->failed)
		*when = 0;
	return n;
}

static const kept *kept_of(const kept *v, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].key, key))
			return &v[i];
	return NULL;
}

int obs_gather(db_conn *c, arena *a, obs_ask *q, int threshold, obs_figure **out)
{
	obs_figure *v = NULL;
	int n = 0, cap = 0;
	const obs_period *p = &q->p;
	kept *kc = NULL, *kp = NULL;
	int nkc = 0, nkp = 0;
	int64_t wc = 0, wp = 0;
	q->computed_at = 0;
	if (!q->filtered && !q->direct) {
		nkc = kept_read(c, a, p->from, p->to, &wc, &kc);
		nkp = kept_read(c, a, p->prev_from, p->prev_to, &wp, &kp);
		if (wc && wp)
			q->computed_at = wc < wp ? wc : wp;
	}
	module_period cur_p = {p->from, p->to, q->filtered, false}, prev_p = {p->prev_from, p->prev_to, q->filtered, false};
	for (int i = 0; i < module_count(); i++) {
		const module *m = module_at(i);
		for (int k = 0; k < m->nindicators; k++) {
			obs_figure *f = ARENA_PUSH(a, v, n, cap);
			if (!f)
				break;
			const module_indicator *ind = &m->indicators[k];
			*f = (obs_figure){.ind = ind, .module_label = module_label_of(m)};
			module_figure *cur = NULL, *prev = NULL;
			int nc = 0, np = 0;
			const kept *kx = q->computed_at ? kept_of(kc, nkc, ind->key) : NULL, *ky = q->computed_at ? kept_of(kp, nkp, ind->key) : NULL;
			if (kx && ky) {
				cur = kx->v, nc = kx->n;
				prev = ky->v, np = ky->n;
			} else {
				err e1 = ind->count(c, a, &cur_p, &cur, &nc), e2 = e1 == E_OK ? ind->count(c, a, &prev_p, &prev, &np) : e1;
				if (e2 != E_OK) {
					f->failed = !(q->filtered && e2 == E_INPUT);
					f->unfiltered = !f->failed;
					continue;
				}
			}
			int rc = 0;
			for (int j = 0; j < nc; j++) {
				obs_row *r = NULL;
				for (int x = 0; x < f->nrows && !r; x++) /* two codes may read the same */
					if (!strcmp(f->rows[x].category, cur[j].category))
						r = &f->rows[x];
				if (!r && (r = ARENA_PUSH(a, f->rows, f->nrows, rc)))
					*r = (obs_row){cur[j].category, 0, 0, false, false};
				if (r)
					r->n += cur[j].n;
			}
			for (int j = 0; j < np; j++) {
				obs_row *r = NULL;
				for (int x = 0; x < f->nrows && !r; x++)
					if (!strcmp(f->rows[x].category, prev[j].category))
						r = &f->rows[x];
				if (!r && (r = ARENA_PUSH(a, f->rows, f->nrows, rc)))
					*r = (obs_row){prev[j].category, 0, 0, false, false};
				if (r)
					r->prev += prev[j].n;
			}
			hide(f, threshold);
		}
	}
	*out = v;
	return n;
}

const module_indicator *obs_indicator(const char *key, const char **mission)
{
	for (int i = 0; key && i < module_count(); i++) {
		const module *m = module_at(i);
		for (int k = 0; k < m->nindicators; k++)
			if (!strcmp(m->indicators[k].key, key)) {
				if (mission)
					*mission = module_label_of(m);
				return &m->indicators[k];
			}
	}
	return NULL;
}

static int by_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

int obs_drill(db_conn *c, arena *a, const obs_ask *q, const module_indicator *ind, const char *category, bool previous, int64_t **out)
{
	*out = NULL;
	module_period mp = {previous ? q->p.prev_from : q->p.from, previous ? q->p.prev_to : q->p.to, q->filtered, true};
	module_figure *v = NULL;
	int nv = 0, n = 0, cap = 0;
	if (ind->count(c, a, &mp, &v, &nv) != E_OK)
		return -1;
	for (int i = 0; i < nv; i++)
		if (!strcmp(v[i].category, category)) {
			int64_t *x = ARENA_PUSH(a, *out, n, cap);
			if (!x)
				return -1;
			*x = v[i].household;
		}
	if (n > 1)
		qsort(*out, (size_t)n, sizeof **out, by_id);
	int k = 0; /* two codes that read the same: a household once */
	for (int i = 0; i < n; i++)
		if (!k || (*out)[k - 1] != (*out)[i])
			(*out)[k++] = (*out)[i];
	return k;
}

static db_sql Q_DROP = DB_SQL(DB_SCOPED, "DELETE FROM obs_figures WHERE structure_id = $1 AND from_on = $2 AND to_on = $3");
static db_sql Q_FIG = DB_SQL(DB_SCOPED, "INSERT INTO obs_figures (structure_id, from_on, to_on, indicator, category, pos, n) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                                        "ON CONFLICT (structure_id, from_on, to_on, indicator, category) DO UPDATE SET n = obs_figures.n + excluded.n");
static db_sql Q_RUN_PUT = DB_SQL(DB_SCOPED,
	"INSERT INTO obs_runs (structure_id, from_on, to_on, computed_at, ms) VALUES ($1, $2, $3, $4, $5) "
	"ON CONFLICT (structure_id, from_on, to_on) DO UPDATE SET computed_at = excluded.computed_at, ms = excluded.ms");

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

err obs_precompute(db_conn *c, arena *a, const char *from, const char *to, int64_t *ms)
{
	int64_t t0 = now_ms();
	typedef struct one { const char *key; module_figure *v; int n; } one;
	one *all = NULL;
	int n = 0, cap = 0;
	module_period mp = {from, to, false, false};
	/* Counted first, outside the write: the write then takes a moment. */
	for (int i = 0; i < module_count(); i++) {
		const module *m = module_at(i);
		for (int k = 0; k < m->nindicators; k++) {
			one *o = ARENA_PUSH(a, all, n, cap);
			if (!o)
				return E_NOMEM;
			*o = (one){m->indicators[k].key, NULL, 0};
			err e = m->indicators[k].count(c, a, &mp, &o->v, &o->n);
			if (e != E_OK)
				return e;
		}
	}
	/* The needs analysis's rows (observation_abs.c): households by neighbourhood and kind of event. */
	{
		one *o = ARENA_PUSH(a, all, n, cap);
		persons_area_row *rows;
		int nr = -1;
		int64_t s, e;
		if (!o || !accounts_period_instants(c, a, from, to, &s, &e) || (nr = persons_area_figures(c, a, s, e, &rows)) < 0)
			return o ? E_DB : E_NOMEM;
		*o = (one){OBS_ABS_KEY, arena_alloc(a, (size_t)(nr ? nr : 1) * sizeof *o->v), nr};
		if (!o->v)
			return E_NOMEM;
		for (int i = 0; i < nr; i++)
			o->v[i] = (module_figure){arena_printf(a, "%s\x1f%s", rows[i].neighbourhood, rows[i].kind), rows[i].households, 0};
	}
	*ms = now_ms() - t0;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBX(c, &Q_DROP, NULL, A_TEXT(from), A_TEXT(to));
	for (int i = 0; e == E_OK && i < n; i++) {
		if (!all[i].n)
			e = DBX(c, &Q_FIG, NULL, A_TEXT(from), A_TEXT(to), A_TEXT(all[i].key), A_TEXT(NOTHING), A_INT(-1), A_INT(0));
		for (int j = 0; e == E_OK && j < all[i].n; j++)
			e = DBX(c, &Q_FIG, NULL, A_TEXT(from), A_TEXT(to), A_TEXT(all[i].key), A_TEXT(all[i].v[j].category), A_INT(j), A_INT(all[i].v[j].n));
	}
	if (e == E_OK)
		e = DBX(c, &Q_RUN_PUT, NULL, A_TEXT(from), A_TEXT(to), A_INT(civil_now()), A_INT(*ms));
	return db_finish(c, e);
}

int obs_nightly_periods(arena *a, civil_date today, const char ***from, const char ***to)
{
	enum { N = 8 };
	const char **f = arena_alloc(a, N * sizeof *f), **t = arena_alloc(a, N * sizeof *t);
	if (!f || !t)
		return 0;
	obs_period p;
	if (!obs_period_of(a, civil_iso(a, (civil_date){today.y, 1, 1}), civil_iso(a, today), &p))
		return 0;
	f[0] = p.from, t[0] = p.to, f[1] = p.prev_from, t[1] = p.prev_to;
	for (int k = 1; k <= 6; k++) {
		f[1 + k] = arena_printf(a, "%04d-01-01", today.y - k);
		t[1 + k] = arena_printf(a, "%04d-12-31", today.y - k);
	}
	*from = f, *to = t;
	return N;
}

static db_sql Q_OLD_FIG = DB_SQL(DB_SCOPED,
	"DELETE FROM obs_figures WHERE structure_id = $1 AND EXISTS (SELECT 1 FROM obs_runs r WHERE r.structure_id = obs_figures.structure_id "
	"AND r.from_on = obs_figures.from_on AND r.to_on = obs_figures.to_on AND r.computed_at < $2)");
static db_sql Q_OLD_RUN = DB_SQL(DB_SCOPED, "DELETE FROM obs_runs WHERE structure_id = $1 AND computed_at < $2");

err obs_nightly(db *d, const char *date, FILE *out)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	arena a;
	arena_init(&a, 0);
	int64_t *sids = NULL;
	int ns = accounts_structure_ids(c, &a, &sids);
	err e = ns < 0 ? E_DB : E_OK;
	for (int i = 0; e == E_OK && i < ns; i++) {
		db_conn_scope(c, sids[i]);
		structure_info si;
		civil_date today;
		if ((e = accounts_structure_info(c, &a, sids[i], &si)) != E_OK)
			break;
		if (date)
			civil_parse(date, &today);
		else
			today = civil_today(si.tz && *si.tz ? si.tz : "Europe/Paris");
		/* Figures computed on demand more than a month ago go; the night's are computed again. */
		int64_t old = civil_now() - 35 * 86400;
		if ((e = db_begin(c, true)) == E_OK && (e = DBX(c, &Q_OLD_FIG, NULL, A_INT(old))) == E_OK)
			e = DBX(c, &Q_OLD_RUN, NULL, A_INT(old));
		if ((e = db_finish(c, e)) != E_OK)
			break;
		const char **from, **to;
		int np = obs_nightly_periods(&a, today, &from, &to);
		for (int k = 0; e == E_OK && k < np; k++) {
			int64_t ms = 0;
			e = obs_precompute(c, &a, from[k], to[k], &ms);
			if (e == E_OK)
				fprintf(out, "structure %lld : chiffres du %s au %s calculés en %lld ms\n", (long long)sids[i], from[k], to[k], (long long)ms);
		}
	}
	arena_release(&a);
	db_conn_put(c);
	return e;
}

int obs_area_figures(db_conn *c, arena *a, const char *from, const char *to, persons_area_row **out, int64_t *computed_at)
{
	kept *k = NULL;
	int nk = kept_read(c, a, from, to, computed_at, &k);
	const kept *x = *computed_at ? kept_of(k, nk, OBS_ABS_KEY) : NULL;
	if (!x) {
		int64_t s, e;
		*computed_at = 0;
		if (!accounts_period_instants(c, a, from, to, &s, &e))
			return -1;
		return persons_area_figures(c, a, s, e, out);
	}
	persons_area_row *v = arena_alloc(a, (size_t)(x->n ? x->n : 1) * sizeof *v);
	if (!v)
		return -1;
	for (int i = 0; i < x->n; i++) {
		const char *cat = x->v[i].category, *sep = strchr(cat, '\x1f');
		v[i] = (persons_area_row){sep ? arena_strndup(a, cat, (size_t)(sep - cat)) : cat, sep ? sep + 1 : "", x->v[i].n, 0};
	}
	*out = v;
	return x->n;
}
