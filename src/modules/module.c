/* module.c — the module list as the program runs (see module.h). */
#include "modules/module.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/banned.h"

static const module *const *mods;
static int nmods;
static const module_section **sections;
static int nsections;
static const module_widget **widgets;
static int nwidgets;
static const code **kinds;
static int nkinds;

void module_list_set(const module *const *list, int n)
{
	mods = list;
	nmods = n;
	int ns = 0, nw = 0, nk = 0;
	for (int i = 0; i < n; i++) {
		ns += list[i]->nsections;
		nw += list[i]->nwidgets;
		nk += list[i]->ntimeline;
	}
	free(sections);
	free(widgets);
	free(kinds);
	sections = calloc((size_t)ns + 1, sizeof *sections);
	widgets = calloc((size_t)nw + 1, sizeof *widgets);
	kinds = calloc((size_t)nk + 1, sizeof *kinds);
	if (!sections || !widgets || !kinds)
		log_fatal("modules: out of memory");
	nsections = nwidgets = nkinds = 0;
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < list[i]->nsections; k++)
			sections[nsections++] = &list[i]->sections[k];
		for (int k = 0; k < list[i]->nwidgets; k++)
			widgets[nwidgets++] = &list[i]->widgets[k];
		for (int k = 0; k < list[i]->ntimeline; k++)
			kinds[nkinds++] = &list[i]->timeline[k];
	}
	/* Insertion sorts: stable (equal orders keep the list's order), and
	 * the lists are short. */
	for (int i = 1; i < nsections; i++)
		for (int j = i; j > 0 && sections[j - 1]->order > sections[j]->order; j--) {
			const module_section *t = sections[j];
			sections[j] = sections[j - 1];
			sections[j - 1] = t;
		}
	for (int i = 1; i < nwidgets; i++)
		for (int j = i; j > 0 && widgets[j - 1]->order > widgets[j]->order; j--) {
			const module_widget *t = widgets[j];
			widgets[j] = widgets[j - 1];
			widgets[j - 1] = t;
		}
}

int module_count(void) { return nmods; }
const module *module_at(int i) { return i >= 0 && i < nmods ? mods[i] : NULL; }

int module_sections(const module_section *const **out)
{
	*out = sections;
	return nsections;
}

/* The user facts: the modules that have one, in the list's order when first asked, and their columns. */
static const module **fact_mods;
static int nfacts;
static char *facts_sql;
static pthread_once_t facts_once = PTHREAD_ONCE_INIT;

static void facts_build(void)
{
	size_t len = 1;
	for (int i = 0; i < nmods; i++)
		if (mods[i]->user_fact)
			len += strlen(mods[i]->user_fact) + 4;
	fact_mods = calloc((size_t)nmods + 1, sizeof *fact_mods);
	facts_sql = calloc(1, len);
	if (!fact_mods || !facts_sql)
		log_fatal("modules: out of memory");
	size_t n = 0;
	for (int i = 0; i < nmods; i++)
		if (mods[i]->user_fact) {
			fact_mods[nfacts++] = mods[i];
			n += (size_t)snprintf(facts_sql + n, len - n, ", (%s)", mods[i]->user_fact);
		}
}

const char *module_user_facts_sql(void)
{
	pthread_once(&facts_once, facts_build);
	return facts_sql;
}

void module_user_facts_read(web_user *u, arena *a, db_res *q, int col)
{
	int64_t *f = nfacts ? arena_array(a, (size_t)nfacts, sizeof *f) : NULL;
	for (int i = 0; f && i < nfacts; i++)
		f[i] = db_isnull(q, col + i) ? 0 : db_int(q, col + i);
	u->facts = f;
}

int64_t module_user_fact(web_req *r, const module *m)
{
	if (!r->user || !r->user->facts)
		return -1;
	for (int i = 0; i < nfacts; i++)
		if (fact_mods[i] == m)
			return r->user->facts[i];
	return -1;
}

/* The request's memo holds a flag: false while an empty section is written. A memo that could not be kept
 * (no memory) leaves the sections reading, never one shown empty by mistake. */
static const char section_key;

void module_section_write(web_req *r, const module_section *s, int64_t household_id, bool has_rows)
{
	bool *f = web_memo_get(r, &section_key);
	if (!f && !has_rows && (f = arena_alloc(r->a, sizeof *f)) != NULL)
		web_memo_put(r, &section_key, f);
	if (f)
		*f = has_rows;
	s->write(r, household_id);
	if (f)
		*f = true;
}

bool module_section_has_rows(web_req *r)
{
	const bool *f = web_memo_get(r, &section_key);
	return !f || *f;
}

int module_widgets(const module_widget *const **out)
{
	*out = widgets;
	return nwidgets;
}

int module_timeline_kinds(const code *const **out)
{
	*out = kinds;
	return nkinds;
}

const char *module_ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	*href = NULL;
	for (int i = 0; kind && i < nmods; i++)
		if (mods[i]->ref) {
			const char *s = mods[i]->ref(c, a, kind, id, href);
			if (s)
				return s;
		}
	return NULL;
}

void module_refs(db_conn *c, arena *a, const char *const *kind_of, const int64_t *ids, int n, const char **ref, const char **href)
{
	for (int i = 0; i < n; i++)
		ref[i] = href[i] = NULL;
	for (int m = 0; m < nmods; m++)
		if (mods[m]->refs && mods[m]->refs(c, a, kind_of, ids, n, ref, href) != E_OK)
			for (int i = 0; i < n; i++) /* asked again one by one below */
				ref[i] = href[i] = NULL;
	for (int i = 0; i < n; i++)
		if (!ref[i] && ids[i] && !href[i])
			ref[i] = module_ref(c, a, kind_of[i], ids[i], &href[i]);
	for (int i = 0; i < n; i++)
		if (!ref[i])
			href[i] = NULL; /* a record gone, as module_ref says it */
}

typedef struct refs_ctx {
	const char *const *kinds;
	const int64_t *ids;
	int n;
	bool (*mine)(const char *kind);
	const char *(*name)(db_res *row, arena *a, int64_t id, const char **href);
	arena *a;
	const char **ref, **href;
} refs_ctx;

static void refs_row(db_res *row, int from, int to, void *vctx)
{
	(void)from, (void)to;
	refs_ctx *x = vctx;
	int64_t id = db_int(row, 0);
	const char *href = NULL, *s = x->name(row, x->a, id, &href);
	for (int i = 0; s && i < x->n; i++)
		if (x->ids[i] == id && x->kinds[i] && x->mine(x->kinds[i]))
			x->ref[i] = s, x->href[i] = href;
}

err module_refs_of(db_conn *c, arena *a, const char *const *kind_of, const int64_t *ids, int n, bool (*mine)(const char *kind),
                   db_sql *q, const char *(*name)(db_res *row, arena *a, int64_t id, const char **href), const char **ref,
                   const char **href)
{
	int64_t *want = arena_array(a, (size_t)(n > 0 ? n : 1), sizeof *want);
	if (!want)
		return E_NOMEM;
	int nw = 0;
	for (int i = 0; i < n; i++)
		if (kind_of[i] && ids[i] > 0 && mine(kind_of[i])) {
			want[nw++] = ids[i];
			href[i] = ""; /* gone, unless found below */
		}
	refs_ctx x = {kind_of, ids, n, mine, name, a, ref, href};
	err e = nw ? db_in50_each(c, q, want, nw, refs_row, &x) : E_OK;
	if (e != E_OK)
		for (int i = 0; i < n; i++)
			if (kind_of[i] && ids[i] > 0 && mine(kind_of[i]))
				ref[i] = href[i] = NULL; /* asked again, one by one */
	return e;
}

bool module_lookup(db_conn *c, arena *a, const char *text, const char **kind, int64_t *id)
{
	for (int i = 0; text && *text && i < nmods; i++)
		if (mods[i]->lookup && mods[i]->lookup(c, a, text, kind, id))
			return true;
	return false;
}

const char *module_code_label(const char *c)
{
	for (int i = 0; c && i < nmods; i++)
		for (int k = 0; k < mods[i]->nlabels; k++)
			if (!strcmp(mods[i]->labels[k].code, c))
				return mods[i]->labels[k].label;
	return c;
}

/* The statements derived from an indicator's (see MODULE_HOUSEHOLD): built
 * once per statement and kept for the process's life (their ids are
 * prepared per connection like any other); a list under a lock, as long as
 * the program has indicator statements. */
typedef struct derived {
	const db_sql *from;
	db_sql v[3];          /* [0] scoped, [1] drill-down, [2] drill-down scoped; text NULL: no household marker */
	struct derived *next;
} derived;
static derived *derived_list;
static pthread_mutex_t derived_lock = PTHREAD_MUTEX_INITIALIZER;

/* s with its first occurrence of what replaced by with (malloc'ed), or NULL. */
static char *replace_once(const char *s, const char *what, const char *with)
{
	const char *at = strstr(s, what);
	if (!at)
		return NULL;
	size_t a = (size_t)(at - s), w = strlen(what), n = strlen(with), rest = strlen(at + w);
	char *o = malloc(a + n + rest + 1);
	if (!o)
		return NULL;
	memcpy(o, s, a);
	memcpy(o + a, with, n);
	memcpy(o + a + n, at + w, rest + 1);
	return o;
}

static char *derive(const char *text, bool scoped, bool drill)
{
	const char *m = strstr(text, "/*household:"), *e = m ? strstr(m, "*/") : NULL;
	if (!m || !e || strncmp(text, "SELECT ", 7) || !strstr(text, " GROUP BY 1"))
		return NULL;
	char expr[128], marker[160], cond[256];
	size_t n = (size_t)(e - (m + 12));
	if (n == 0 || n >= sizeof expr)
		return NULL;
	memcpy(expr, m + 12, n);
	expr[n] = 0;
	snprintf(marker, sizeof marker, "/*household:%s*/", expr);
	cond[0] = 0;
	if (scoped)
		snprintf(cond, sizeof cond, "AND %s IN (SELECT household_id FROM obs_scope)", expr);
	char *t = replace_once(text, marker, cond);
	if (t && drill) {
		char head[160];
		snprintf(head, sizeof head, "SELECT %s, ", expr);
		char *u = replace_once(t, "SELECT ", head);
		free(t);
		t = u ? replace_once(u, " GROUP BY 1", " GROUP BY 1, 2") : NULL;
		free(u);
	}
	return t;
}

static db_sql *derived_of(db_sql *q, bool scoped, bool drill)
{
	pthread_mutex_lock(&derived_lock);
	derived *d = derived_list;
	while (d && d->from != q)
		d = d->next;
	if (!d && (d = calloc(1, sizeof *d))) {
		d->from = q;
		for (int k = 0; k < 3; k++)
			d->v[k] = (db_sql)DB_SQL(q->flags, derive(q->text, k != 1, k != 0));
		d->next = derived_list;
		derived_list = d;
	}
	pthread_mutex_unlock(&derived_lock);
	db_sql *v = d ? &d->v[drill ? (scoped ? 2 : 1) : 0] : NULL;
	if (!v || !v->text) {
		log_warn("module_figures: no household marker in the indicator statement (%.60s…)", q->text);
		return NULL;
	}
	return v;
}

err module_figures_query_args(db_conn *c, arena *a, db_sql *q, const module_period *p, int nargs, const db_arg *args, module_figure **out,
                              int *n)
{
	*out = NULL;
	*n = 0;
	if (p->scoped || p->drill) {
		q = derived_of(q, p->scoped, p->drill);
		if (!q)
			return E_INPUT;
	}
	db_res r = {0};
	int cap = 0, k = p->drill ? 1 : 0;
	err e = db_query(c, q, &r, nargs, args);
	while (e == E_OK && db_next(&r)) {
		module_figure *x = ARENA_PUSH(a, *out, *n, cap);
		if (!x)
			break;
		const char *cat = db_dup(&r, k, a);
		*x = (module_figure){cat && *cat ? cat : "non renseigné", db_int(&r, k + 1), p->drill ? db_int(&r, 0) : 0};
	}
	db_close(&r);
	return e == E_OK && a->failed ? E_NOMEM : e;
}

err module_figures_query(db_conn *c, arena *a, db_sql *q, const module_period *p, module_figure **out, int *n)
{
	db_arg v[] = {A_TEXT(p->from), A_TEXT(p->to)};
	return module_figures_query_args(c, a, q, p, 2, v, out, n);
}

err module_figures_query_at(db_conn *c, arena *a, db_sql *q, const module_period *p, int64_t start, int64_t end, module_figure **out, int *n)
{
	db_arg v[] = {A_INT(start), A_INT(end)};
	return module_figures_query_args(c, a, q, p, 2, v, out, n);
}

void module_figures_relabel(module_figure *v, int n, const code *list, int nlist)
{
	for (int i = 0; i < n; i++)
		for (int k = 0; k < nlist; k++)
			if (!strcmp(v[i].category, list[k].v)) {
				v[i].category = list[k].fr;
				break;
			}
}

err module_purge_older(db *d, db_sql *count_q, db_sql *delete_q, civil_date on, bool apply, int64_t *count)
{
	*count = 0;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	int64_t before = (civil_to_days(on) - 1) * 86400;
	err e = apply ? DBX(c, delete_q, count, A_INT(before)) : DBID(c, count_q, count, A_INT(before));
	db_conn_put(c);
	return e;
}
