/*
 * observation_internal.h — what the files of the observation module share.
 *
 *   observation_model.c    settings (threshold, the report's text), the
 *                          figures of every module's indicators over a
 *                          period and the one before, small counts hidden
 *   observation_pages.c    the page (charts, tables, sentences), the
 *                          open-data CSV, the JSON API, the yearly report
 *                          (PDF, XLSX), the settings
 *   observation_abs.c      the needs analysis's dataset by neighbourhood and
 *                          year, with the INSEE's population by IRIS imported
 *   observation_module.c   the descriptor
 */
#ifndef MODULES_OBSERVATION_INTERNAL_H
#define MODULES_OBSERVATION_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "modules/observation/observation.h"
#include "modules/persons/persons.h"
#include "web/form.h"
#include "web/web.h"

extern int PERM_OBS_READ, PERM_OBS_SETTINGS;
extern const db_module_schema observation_schema;

typedef struct obs_settings {
	int threshold;         /* a count under it (and above 0) is shown « < threshold » */
	const char *report_text;
} obs_settings;
void obs_settings_get(db_conn *c, arena *a, obs_settings *out);
err obs_settings_set(db_conn *c, arena *a, int64_t user, const kv_list *in, form_errors *fe);

/* One category of an indicator: its count in the period and the one before; hidden when small. */
typedef struct obs_row {
	const char *category;
	int64_t n, prev;
	bool n_hidden, prev_hidden;
} obs_row;
typedef struct obs_figure {
	const module_indicator *ind;
	const char *module_label;  /* the mission's name (its navigation entry) */
	obs_row *rows;
	int nrows;
	int64_t total, prev_total;
	bool total_hidden, prev_total_hidden; /* one hidden cell alone would be found by subtraction */
	bool failed;
	bool unfiltered;    /* a filter is set but the indicator has no household: not counted */
} obs_figure;
typedef struct obs_period {
	const char *from, *to, *prev_from, *prev_to;
} obs_period;
/* The period [from, to] and the one it is compared with: the same dates a year before for a year or less, else the period of the
 * same length just before; false when the dates are not a period (at most ten years). */
bool obs_period_of(arena *a, const char *from, const char *to, obs_period *out);
/* What the figures are asked for: a period, the household filters (the
 * scope is filled by obs_ask_scope), and whether to count now rather than
 * read the figures computed before (obs_precompute). */
typedef struct obs_ask {
	obs_period p;
	persons_filter f;
	bool filtered;          /* a filter is set: only the households it keeps (counted in households) */
	int64_t households;
	bool direct;
	int64_t computed_at;    /* out: when the figures read were computed; 0 when counted now */
} obs_ask;
/* Fills the connection's scope when a filter is set. */
err obs_ask_scope(db_conn *c, arena *a, obs_ask *q);
/* Every module's indicators for q, hidden below threshold: *out, their number. Reads the figures computed for
 * q's two periods when there are some and q is neither filtered nor direct. */
int obs_gather(db_conn *c, arena *a, obs_ask *q, int threshold, obs_figure **out);
/* The households behind a category of an indicator (its label as shown) over q's period (previous: the
 * compared one), sorted: *out in the arena, their number; -1 when the indicator cannot say (no household in
 * its statement) or on a failure. */
int obs_drill(db_conn *c, arena *a, const obs_ask *q, const module_indicator *ind, const char *category, bool previous, int64_t **out);
const module_indicator *obs_indicator(const char *key, const char **module_label);
/* The needs analysis's households by neighbourhood and kind of event over [from, to] (persons_area_figures; the
 * events' counts are not kept): the figures computed ahead when there are some (*computed_at), else counted now. */
#define OBS_ABS_KEY "abs"
int obs_area_figures(db_conn *c, arena *a, const char *from, const char *to, persons_area_row **out, int64_t *computed_at);
/* Counts every indicator over [from, to] now and keeps the figures (the nightly job, and « Recalculer »). */
err obs_precompute(db_conn *c, arena *a, const char *from, const char *to, int64_t *ms);
/* The periods the nightly job computes for a structure on its day today: the year so far and the six years
 * before (each year's comparison is the one before it). */
int obs_nightly_periods(arena *a, civil_date today, const char ***from, const char ***to);
/* How a count is shown: "12", "< 5". */
const char *obs_show(arena *a, int64_t n, bool hidden, int threshold);

void obs_pages_init(void);
void obs_abs_init(void);
#endif
