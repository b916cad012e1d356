/* example.c — the example module (see example.h). */
#include "example.h"
#include <stdlib.h>
#include <string.h>
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"

int PERM_EXAMPLE;

/* The tables it counts in a household's parts (persons.h): the migration creates their triggers, the descriptor
 * names them (module_part: `openccas check` recounts them). */
#define EXAMPLE_PARTS(X) X("example_tags", "example", "structure_id, household_id", PERSONS_PART_ANY)

static const db_migration migrations[] = {
	{1, "household tags",
	 "CREATE TABLE example_tags (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, tag TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX example_tags_h ON example_tags(structure_id, household_id);",
	 NULL},
	/* Its section's part of a household (persons.h): the household page reads its tags only when there are. */
	{2, "tags counted in the household's parts",
	 EXAMPLE_PARTS(PERSONS_PART_SQLITE), EXAMPLE_PARTS(PERSONS_PART_PG)},
};
static const db_module_schema schema = {"example", migrations, COUNTOF(migrations)};

static db_sql Q_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO example_tags (structure_id, household_id, tag, created_at) VALUES ($1, $2, $3, $4) RETURNING id");
static db_sql Q_OF = DB_SQL(DB_SCOPED,
	"SELECT tag FROM example_tags WHERE structure_id = $1 AND household_id = $2 ORDER BY id");
static db_sql Q_ALL = DB_SQL(DB_SCOPED, "SELECT tag, count(*) FROM example_tags WHERE structure_id = $1 GROUP BY tag ORDER BY tag");
static db_sql Q_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM example_tags WHERE structure_id = $1");
static db_sql Q_ANON = DB_SQL(DB_SCOPED, "DELETE FROM example_tags WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_PERIOD = DB_SQL(DB_SCOPED,
	"SELECT tag, count(*) FROM example_tags WHERE structure_id = $1 AND created_at >= $2 AND created_at < $3" MODULE_HOUSEHOLD("household_id")
	"GROUP BY 1 ORDER BY 1");

/* The model: one action, validated, in one transaction with the timeline
 * and the journal. */
static err tag_add(db_conn *c, int64_t user, int64_t hid, const char *tag, int64_t *id)
{
	if (!tag || !*tag || strlen(tag) > 40 || !persons_household_exists(c, hid))
		return E_INPUT;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBID(c, &Q_ADD, id, A_INT(hid), A_TEXT(tag), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(c, hid, user, "example_tag", *id, "Étiquette ajoutée");
	if (e == E_OK)
		e = journal_record(c, user, "create", "example_tag", *id, NULL);
	return db_finish(c, e);
}

/* The page and the API. */
static void page(web_req *r)
{
	page_begin(r, "Exemple : étiquettes");
	html_table(&r->out, "Étiquettes de la structure", 0, "Étiquette", "#Foyers");
	db_res q = {0};
	DBQ0(r->db, &Q_ALL, &q);
	while (db_next(&q))
		html_printf(&r->out, "<tr><td>%s</td><td class=\"num\">%lld</td></tr>", db_text(&q, 0), (long long)db_int(&q, 1));
	db_close(&q);
	html_table_close(&r->out);
	page_end(r);
}

static void api_add(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	json_t *h = json_object_get(in, "household_id");
	const char *tag = arena_strdup(r->a, web_jstr(in, "tag"));
	int64_t hid = json_is_integer(h) ? json_integer_value(h) : 0, id = 0;
	json_decref(in);
	err e = tag_add(r->db, r->user->id, hid, tag, &id);
	if (web_api_failed(r, e, NULL, e == E_INPUT ? "household_id (un foyer) et tag (40 caractères au plus) sont requis." : NULL))
		return;
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

static void init(void)
{
	web_route(M_GET, "/exemple", page, PERM_EXAMPLE, 0, "Exemple : étiquettes");
	web_route(M_POST, "/api/v1/example/tags", api_add, PERM_EXAMPLE, 0, "Exemple : étiqueter un foyer");
}

/* What other parts of the program gather from it. */
static void section(web_req *r, int64_t hid)
{
	html_lit(&r->out, "<section aria-labelledby=\"t-ex\"><h2 id=\"t-ex\">Étiquettes</h2><ul>");
	db_res q = {0};
	if (module_section_has_rows(r) && DBQ(r->db, &Q_OF, &q, A_INT(hid)) == E_OK)
		while (db_next(&q))
			html_printf(&r->out, "<li>%s</li>", db_text(&q, 0));
	db_close(&q);
	html_lit(&r->out, "</ul></section>");
}

static void widget(web_req *r)
{
	int64_t n = 0;
	DBID0(r->db, &Q_COUNT, &n);
	html_printf(&r->out, "<section aria-labelledby=\"t-exw\"><h2 id=\"t-exw\">Étiquettes</h2><p>%lld étiquette(s) posée(s).</p></section>",
	            (long long)n);
}

static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a, (void)pid;
	static const char *const cols[] = {"tag"};
	db_res q = {0};
	DBQ(c, &Q_OF, &q, A_INT(hid));
	json_t *rows = persons_rows_json(&q, cols, 1);
	json_array_extend(out, rows);
	json_decref(rows);
}

static err anonymise(db_conn *c, int64_t hid) { return DBX(c, &Q_ANON, NULL, A_INT(hid)); }

static err demo(db *d, const module_demo *x)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	int64_t *ids = NULL, id;
	int64_t n = persons_household_ids(c, &ids);
	err e = E_OK;
	for (int64_t i = 0; e == E_OK && i < n; i += 10)
		e = tag_add(c, x->manager, ids[i], i % 20 ? "interprète" : "mobilité réduite", &id);
	free(ids);
	db_conn_put(c);
	return e;
}

/* An indicator for the observation module: the statement names the household of each row (MODULE_HOUSEHOLD), so
 * the figure follows the page's filters and lists the households behind it. */
static err count_by_tag(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	civil_date f, t;
	if (!civil_parse(p->from, &f) || !civil_parse(p->to, &t))
		return E_INPUT;
	return module_figures_query_at(c, a, &Q_PERIOD, p, civil_to_days(f) * 86400, (civil_to_days(t) + 1) * 86400, out, n);
}

static const module_perm perms[] = {
	{&PERM_EXAMPLE, "example.use", "Exemple : étiqueter les foyers", ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_MANAGER)},
};
static const module_nav nav[] = {{70, "Exemple", "/exemple", &PERM_EXAMPLE, NULL}};
static const module_section sections[] = {{35, "Étiquettes", section, &PERM_EXAMPLE, NULL, NULL, "example"}};
static const module_widget widgets[] = {{60, widget, &PERM_EXAMPLE}};
static const module_label labels[] = {{"example_tag", "étiquette"}};
static const code timeline[] = {{"example_tag", "Étiquettes"}};
static const module_indicator indicators[] = {
	{"example.tags", "Étiquettes posées", "Étiquettes posées sur la période, par étiquette.", count_by_tag},
};

static const module_part parts[] = {EXAMPLE_PARTS(MODULE_PART)};

const module example_module = {
	.name = "example",
	.schema = &schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.sections = sections,
	.nsections = COUNTOF(sections),
	.parts = parts,
	.nparts = COUNTOF(parts),
	.widgets = widgets,
	.nwidgets = COUNTOF(widgets),
	.subject_key = "example_tags",
	.subject = subject,
	.anonymise = anonymise,
	.retention_hold = NULL,
	.demo = demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
};
