/* module.c — the module list as the program runs (see module.h). */
#include "modules/module.h"
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

static err figures(db_conn *c, arena *a, db_sql *q, db_arg from, db_arg to, module_figure **out, int *n)
{
	db_res r = {0};
	int cap = 0;
	*out = NULL;
	*n = 0;
	err e = DBQ(c, q, &r, from, to);
	while (e == E_OK && db_next(&r)) {
		module_figure *x = ARENA_PUSH(a, *out, *n, cap);
		if (!x)
			break;
		const char *cat = db_dup(&r, 0, a);
		*x = (module_figure){cat && *cat ? cat : "non renseigné", db_int(&r, 1)};
	}
	db_close(&r);
	return e == E_OK && a->failed ? E_NOMEM : e;
}

err module_figures_query(db_conn *c, arena *a, db_sql *q, const char *from, const char *to, module_figure **out, int *n)
{
	return figures(c, a, q, A_TEXT(from), A_TEXT(to), out, n);
}

err module_figures_query_at(db_conn *c, arena *a, db_sql *q, int64_t start, int64_t end, module_figure **out, int *n)
{
	return figures(c, a, q, A_INT(start), A_INT(end), out, n);
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
