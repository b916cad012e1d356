/*
 * observation_model.c — settings, and the figures: every module's
 * indicators over a period and the one before it, categories merged, small
 * counts hidden (and a total that would reveal one by subtraction). No
 * HTML here.
 */
#include "modules/observation/observation_internal.h"
#include <stdio.h>
#include <string.h>
#include "core/text.h"
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

int obs_gather(db_conn *c, arena *a, const obs_period *p, int threshold, obs_figure **out)
{
	obs_figure *v = NULL;
	int n = 0, cap = 0;
	for (int i = 0; i < module_count(); i++) {
		const module *m = module_at(i);
		for (int k = 0; k < m->nindicators; k++) {
			obs_figure *f = ARENA_PUSH(a, v, n, cap);
			if (!f)
				break;
			*f = (obs_figure){.ind = &m->indicators[k], .module_label = module_label_of(m)};
			module_figure *cur = NULL, *prev = NULL;
			int nc = 0, np = 0;
			if (m->indicators[k].count(c, a, p->from, p->to, &cur, &nc) != E_OK ||
			    m->indicators[k].count(c, a, p->prev_from, p->prev_to, &prev, &np) != E_OK) {
				f->failed = true;
				continue;
			}
			int rc = 0;
			for (int j = 0; j < nc; j++) {
				obs_row *r = ARENA_PUSH(a, f->rows, f->nrows, rc);
				if (r)
					*r = (obs_row){cur[j].category, cur[j].n, 0, false, false};
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
