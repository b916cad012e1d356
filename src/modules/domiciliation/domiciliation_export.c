/*
 * domiciliation_export.c — going back out, in two layouts, CSV or XLSX:
 *
 *  - DomiFa's import template, exactly: its 52 titled columns (36, then
 *    four dependants' blocks of name, first name, birth date, relation,
 *    numbered from 1), its codes (H/F, VALIDE/REFUS/RADIE, its motives and
 *    interview codes), dates JJ/MM/AAAA — so that a CCAS can move to DomiFa
 *    or send its files to a partner that uses it. Dependants past the
 *    fourth go on at DomiFa's positions (it reads nine); requests still in
 *    instruction are not in it (DomiFa does not take them), the page says
 *    how many.
 *  - OpenCCAS's own, complete: the same columns plus what DomiFa has no
 *    place for (statuses in progress, dates of request, interview,
 *    decision and striking-off, orientation, our own codes) and each
 *    dependant's sex; it re-imports into OpenCCAS field by field.
 *
 * Written as it is read: the rows go to a private temporary file, sent as
 * the answer's body; memory holds a page of 500 domiciliations at most.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/civil.h"
#include "core/csv.h"
#include "modules/domiciliation/domiciliation.h"
#include "modules/domiciliation/domiciliation_domifa.h"
#include "modules/domiciliation/domiciliation_internal.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/xlsx.h"
#include "core/banned.h"

#define PAGE_ROWS 500

static db_sql Q_PAGE = DB_SQL(DB_SCOPED,
	"SELECT id, person_id, status, requested_on, interview_on, interview_place, link, household_type, cause, reason, first_on, "
	"start_on, end_on, decided_on, refusal_motive, orientation, struck_on, strike_motive, last_contact_on, ref, alias, dom_type, num "
	"FROM domiciliations WHERE structure_id = $1 AND id > $2 ORDER BY id LIMIT $3");
enum { X_ID, X_PERSON, X_STATUS, X_REQUESTED, X_INTERVIEW_ON, X_INTERVIEW_PLACE, X_LINK, X_HTYPE, X_CAUSE, X_REASON, X_FIRST,
       X_START, X_END, X_DECIDED, X_REFUSAL, X_ORIENTATION, X_STRUCK, X_STRIKE, X_LAST, X_REF, X_ALIAS, X_TYPE, X_NUM, X__N };
/* The interview's answers of a page's domiciliations, fifty a statement. */
static db_sql Q_ANSWERS = DB_SQL(DB_SCOPED,
	"SELECT domiciliation_id, key, value FROM domi_answers WHERE structure_id = $1 AND domiciliation_id IN " DB_IN50);
enum { ANSWERS_MAX = 32 };

/* What a row needs besides its own columns, read for the whole page at once. */
typedef struct row_extra {
	person_brief p;        /* p.id 0: the person is not found (the row is left out) */
	char (*keys)[40];
	const char **vals;
	int na;
	person_brief *members; /* the household's active members */
	int nm;
} row_extra;

typedef struct answers_ctx {
	arena *a;
	const int64_t *ids;
	row_extra *x;
} answers_ctx;

static void answer_row(db_res *q, int from, int to, void *vctx)
{
	answers_ctx *ctx = vctx;
	int64_t id = db_int(q, 0);
	for (int i = from; i < to; i++) {
		row_extra *x = &ctx->x[i];
		if (ctx->ids[i] != id || x->na >= ANSWERS_MAX)
			continue;
		if (!x->keys) {
			x->keys = arena_array(ctx->a, ANSWERS_MAX, sizeof *x->keys);
			x->vals = arena_array(ctx->a, ANSWERS_MAX, sizeof *x->vals);
			if (!x->keys || !x->vals)
				return;
		}
		snprintf(x->keys[x->na], sizeof x->keys[0], "%s", db_text(q, 1));
		x->vals[x->na++] = db_dup(q, 2, ctx->a);
	}
}

/* A page's persons, answers and households' members: a few statements for the page, not three a row. */
static row_extra *page_extra(web_req *r, arena *a, char *const (*raw)[X__N], int got)
{
	size_t m = (size_t)(got > 0 ? got : 1);
	row_extra *x = arena_array(a, m, sizeof *x);
	int64_t *ids = arena_array(a, m, sizeof *ids), *pids = arena_array(a, m, sizeof *pids), *hids = arena_array(a, m, sizeof *hids);
	person_brief *p = arena_array(a, m, sizeof *p), **mem = arena_array(a, m, sizeof *mem);
	int *nm = arena_array(a, m, sizeof *nm);
	if (!x || !ids || !pids || !hids || !p || !mem || !nm)
		return NULL;
	for (int i = 0; i < got; i++) {
		ids[i] = strtoll(raw[i][X_ID] ? raw[i][X_ID] : "0", NULL, 10);
		pids[i] = strtoll(raw[i][X_PERSON] ? raw[i][X_PERSON] : "0", NULL, 10);
	}
	answers_ctx ac = {a, ids, x};
	if (persons_briefs(r->db, a, pids, got, p) != E_OK || db_in50_each(r->db, &Q_ANSWERS, ids, got, answer_row, &ac) != E_OK)
		return NULL;
	for (int i = 0; i < got; i++)
		hids[i] = p[i].household_id;
	if (persons_households_members(r->db, a, hids, got, mem, nm) != E_OK)
		return NULL;
	for (int i = 0; i < got; i++)
		x[i].p = p[i], x[i].members = mem[i], x[i].nm = nm[i];
	return a->failed ? NULL : x;
}
static db_sql Q_PENDING = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM domiciliations WHERE structure_id = $1 AND status IN ('instruction', 'attente_decision')");

enum { DEP_PARTS_DOMIFA = 4, DEP_PARTS_OURS = 5 };

typedef struct sink {
	bool xlsx;
	FILE *f;                 /* CSV */
	xlsx_doc *x;             /* XLSX */
	char path[64];
	int ncols;
	arena *a;                /* the current row's */
} sink;

static void emit_row(sink *s, const char *const *cells, int n)
{
	if (s->xlsx) {
		for (int i = 0; i < n; i++)
			xlsx_text(s->x, i, cells[i]);
		xlsx_next_row(s->x);
		return;
	}
	buf b;
	buf_init(&b, s->a, 1024);
	for (int i = 0; i < n; i++)
		csv_write_cell(&b, cells[i] ? cells[i] : "", i == n - 1);
	if (b.data && !b.failed)
		fwrite(b.data, 1, b.len, s->f); /* else: the row's arena failed, and the export with it (its caller) */
}

static const char *fr(arena *a, const char *iso)
{
	if (!iso || !*iso)
		return "";
	char *o = arena_alloc(a, 11);
	if (o)
		civil_iso_to_fr(iso, o);
	return o ? o : "";
}

static const char *answer(const char (*keys)[40], const char *const *vals, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return vals[i];
	return NULL;
}

static const char *dep_relation_domifa(const char *rel)
{
	const df_code *c = df_from_ours(DFC_PARENTE, DFC_NPARENTE, rel);
	if (c)
		return c->code;
	return rel && !strncmp(rel, "enfant", 6) ? "ENFANT" : "AUTRE";
}

/* One domiciliation (its columns as read, X_…) as a row of cells in the
 * arena; the number of cells, 0 when the person is not found. */
static int build_row(arena *a, char *const *raw, const row_extra *x, bool domifa, int blocks, const char ***out)
{
	const char *v[X__N];
	for (int i = 0; i < X__N; i++)
		v[i] = raw[i] ? raw[i] : "";
	int parts = domifa ? DEP_PARTS_DOMIFA : DEP_PARTS_OURS;
	int base = domifa ? DF__DOMIFA : DF__N;
	int n = base + parts * blocks;
	const char **c = arena_array(a, (size_t)n, sizeof *c);
	if (!c)
		return 0;
	for (int i = 0; i < n; i++)
		c[i] = "";
	if (!x->p.id)
		return 0;
	person_brief p = x->p;
	/* The interview's answers as recorded (DomiFa's codes). */
	char(*keys)[40] = x->keys;
	const char *const *vals = x->vals;
	int na = x->na;
	const char *st = v[X_STATUS];
	bool valid = !strcmp(st, "active"), refused = !strcmp(st, "refusee"), struck = !strcmp(st, "radiee");
	c[DF_REF] = *v[X_REF] ? v[X_REF] : v[X_NUM];
	c[DF_CIVILITE] = !strcmp(p.sex, "F") ? "F" : !strcmp(p.sex, "M") ? "H" : "";
	c[DF_NOM] = p.last_name;
	c[DF_PRENOM] = p.first_names;
	c[DF_SURNOM] = v[X_ALIAS];
	c[DF_NAISSANCE] = fr(a, p.birth_date);
	c[DF_LIEU] = p.birth_place;
	c[DF_TELEPHONE] = p.phone;
	c[DF_EMAIL] = p.email ? p.email : "";
	c[DF_STATUT] = valid ? "VALIDE" : refused ? "REFUS" : struck ? "RADIE" : "";
	const df_code *dc;
	if (refused && (dc = df_from_ours(DFC_REFUS, DFC_NREFUS, v[X_REFUSAL])))
		c[DF_MOTIF_REFUS] = dc->code;
	if (struck && (dc = df_from_ours(DFC_RADIATION, DFC_NRADIATION, v[X_STRIKE])))
		c[DF_MOTIF_RADIATION] = dc->code;
	c[DF_TYPE] = !strcmp(v[X_TYPE], "renouvellement") ? "RENOUVELLEMENT"
	           : !strcmp(v[X_TYPE], "premiere") ? "PREMIERE"
	           : *v[X_FIRST] && *v[X_START] && strcmp(v[X_FIRST], v[X_START]) ? "RENOUVELLEMENT" : "PREMIERE";
	c[DF_DEBUT] = fr(a, v[X_START]);
	/* DomiFa's end date of a refusal or a striking-off is its date. */
	c[DF_FIN] = fr(a, refused ? (*v[X_DECIDED] ? v[X_DECIDED] : v[X_END]) : struck ? (*v[X_STRUCK] ? v[X_STRUCK] : v[X_END]) : v[X_END]);
	c[DF_PREMIERE] = fr(a, v[X_FIRST]);
	c[DF_PASSAGE] = fr(a, v[X_LAST]);
	for (int k = DF_ORIENTATION; k <= DF_COMMENTAIRES; k++) {
		const char *rec = keys && vals ? answer(keys, vals, na, DF_COLUMNS[k].key) : NULL;
		if (rec)
			c[k] = rec;
	}
	/* What the interview did not record in DomiFa's codes, from ours. */
	if (!*c[DF_LIEN] && (dc = df_from_ours(DFC_LIEN, DFC_NLIEN, v[X_LINK])))
		c[DF_LIEN] = dc->code;
	if (!*c[DF_CAUSE] && (dc = df_from_ours(DFC_CAUSE, DFC_NCAUSE, v[X_CAUSE])))
		c[DF_CAUSE] = dc->code;
	if (!*c[DF_MENAGE] && *v[X_HTYPE]) {
		bool woman = !strcmp(p.sex, "F");
		const char *h = v[X_HTYPE];
		c[DF_MENAGE] = !strcmp(h, "couple_enfants") ? "COUPLE_AVEC_ENFANT" : !strcmp(h, "couple") ? "COUPLE_SANS_ENFANT"
		             : !strcmp(h, "isole_enfants") ? (woman ? "FEMME_ISOLE_AVEC_ENFANT" : "HOMME_ISOLE_AVEC_ENFANT")
		             : !strcmp(h, "isole") ? (woman ? "FEMME_ISOLE_SANS_ENFANT" : "HOMME_ISOLE_SANS_ENFANT") : "";
	}
	if (!domifa) {
		c[DF_STATUS_OC] = st;
		c[DF_REQUESTED] = fr(a, v[X_REQUESTED]);
		c[DF_INTERVIEW_ON] = fr(a, v[X_INTERVIEW_ON]);
		c[DF_INTERVIEW_PLACE] = v[X_INTERVIEW_PLACE];
		c[DF_DECIDED_ON] = fr(a, v[X_DECIDED]);
		c[DF_STRUCK_ON] = fr(a, v[X_STRUCK]);
		c[DF_ORIENTATION_REFUS] = v[X_ORIENTATION];
		c[DF_NUMBER] = v[X_NUM];
		c[DF_LINK_OC] = v[X_LINK];
		c[DF_HTYPE_OC] = v[X_HTYPE];
		c[DF_CAUSE_OC] = v[X_CAUSE];
		c[DF_REASON_OC] = v[X_REASON];
	}
	/* Dependants: the household's other members, at their positions. */
	const person_brief *m = x->members;
	int nm = x->nm, w = 0;
	for (int k = 0; k < nm && w < blocks; k++) {
		if (m[k].id == p.id)
			continue;
		int at = base + parts * w++;
		c[at] = m[k].last_name;
		c[at + 1] = m[k].first_names;
		c[at + 2] = fr(a, m[k].birth_date);
		/* The household's applicant, when the domiciled person is another member: « autre » (a dependant is never
		 * « demandeur », and the import refuses it). */
		c[at + 3] = domifa ? dep_relation_domifa(m[k].relation) : strcmp(m[k].relation, "demandeur") ? m[k].relation : "autre";
		if (!domifa)
			c[at + 4] = !strcmp(m[k].sex, "F") ? "F" : !strcmp(m[k].sex, "M") ? "M" : "";
	}
	*out = c;
	return n;
}

/* The largest number of active members of a domiciled person's household: the export's dependants' columns. Over
 * the domiciliations' households only (the persons module's view person_names), not every household of the
 * structure (a scan of all its persons, for each export and each view of the export's page). -1 on a failure. */
static db_sql Q_MAX_MEMBERS = DB_SQL(DB_SCOPED,
	"SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM person_names m WHERE m.structure_id = $1 AND m.active = 1 "
	"AND m.household_id IN (SELECT p.household_id FROM domiciliations d JOIN person_names p ON p.id = d.person_id "
	"AND p.structure_id = $1 WHERE d.structure_id = $1) GROUP BY m.household_id) t");

static int max_members(db_conn *c)
{
	int64_t n = 0;
	return DBID0(c, &Q_MAX_MEMBERS, &n) == E_OK ? (int)n : -1;
}

static void export_layout(web_req *r, bool domifa, bool xlsx)
{
	int maxm = max_members(r->db);
	if (maxm < 0) {
		web_error(r, E_DB, NULL);
		return;
	}
	int deps = maxm > 1 ? maxm - 1 : 0;
	/* DomiFa's template has four titled blocks and reads nine. */
	int blocks = domifa ? (deps > 4 ? (deps > DF_DEP_BLOCKS ? DF_DEP_BLOCKS : deps) : 4) : deps;
	int titled = domifa ? 4 : blocks, parts = domifa ? DEP_PARTS_DOMIFA : DEP_PARTS_OURS;
	int base = domifa ? DF__DOMIFA : DF__N, nhead = base + parts * titled;
	const char **head = arena_array(r->a, (size_t)nhead, sizeof *head);
	if (!head) {
		web_error(r, E_NOMEM, NULL);
		return;
	}
	for (int k = 0; k < base; k++)
		head[k] = DF_COLUMNS[k].label;
	for (int b = 0; b < titled; b++)
		if (domifa) {
			head[base + 4 * b] = arena_printf(r->a, "Nom Ayant-Droit %d", b + 1);
			head[base + 4 * b + 1] = arena_printf(r->a, "Prénom Ayant-Droit %d", b + 1);
			head[base + 4 * b + 2] = arena_printf(r->a, "Date de naissance Ayant-Droit %d", b + 1);
			head[base + 4 * b + 3] = arena_printf(r->a, "Lien de Parenté Ayant-Droit %d", b + 1);
		} else {
			static const char *const part[] = {"nom", "prénom", "date de naissance", "lien de parenté", "sexe"};
			for (int k = 0; k < 5; k++)
				head[base + 5 * b + k] = arena_printf(r->a, "Ayant droit %d : %s", b + 1, part[k]);
		}
	sink s = {.xlsx = xlsx};
	bool head_failed = false;
	snprintf(s.path, sizeof s.path, "/tmp/openccas-export-XXXXXX");
	if (xlsx) {
		s.x = xlsx_new_streaming("Domiciliations");
		if (!s.x) {
			web_error(r, E_INTERNAL, "Le classeur n’a pas pu être produit.");
			return;
		}
		xlsx_header(s.x, head, nhead);
	} else {
		int fd = mkstemp(s.path); /* 0600: it holds people's data for an instant */
		s.f = fd >= 0 ? fdopen(fd, "w+") : NULL;
		if (!s.f) {
			if (fd >= 0)
				close(fd);
			web_error(r, E_INTERNAL, "Le fichier n’a pas pu être produit.");
			return;
		}
		unlink(s.path);
		fputs("\xef\xbb\xbf", s.f);
		arena ha;
		arena_init(&ha, 0);
		s.a = &ha;
		emit_row(&s, head, nhead);
		head_failed = ha.failed;
		arena_release(&ha);
	}
	long rows = 0;
	int64_t after = 0;
	err e = head_failed ? E_NOMEM : E_OK;
	while (e == E_OK) {
		/* A page of rows, read then closed: the person look-ups need the
		 * connection. */
		arena pa;
		arena_init(&pa, 0);
		db_res q = {0};
		int got = 0;
		char *(*raw)[X__N] = arena_array(&pa, PAGE_ROWS, sizeof *raw);
		if (!raw || (e = DBQ(r->db, &Q_PAGE, &q, A_INT(after), A_INT(PAGE_ROWS))) != E_OK) {
			db_close(&q);
			arena_release(&pa);
			e = e == E_OK ? E_NOMEM : e;
			break;
		}
		while (db_next(&q) && got < PAGE_ROWS) {
			for (int i = 0; i < X__N; i++)
				raw[got][i] = db_dup(&q, i, &pa);
			got++;
		}
		db_close(&q);
		row_extra *extra = page_extra(r, &pa, raw, got);
		if (!extra) {
			arena_release(&pa);
			e = E_DB;
			break;
		}
		for (int i = 0; i < got; i++) {
			after = strtoll(raw[i][X_ID] ? raw[i][X_ID] : "0", NULL, 10);
			const char *st = raw[i][X_STATUS] ? raw[i][X_STATUS] : "";
			if (domifa && strcmp(st, "active") && strcmp(st, "refusee") && strcmp(st, "radiee"))
				continue;
			arena ra;
			arena_init(&ra, 0);
			s.a = &ra;
			const char **cells = NULL;
			int n = build_row(&ra, raw[i], &extra[i], domifa, blocks, &cells);
			if (n) {
				emit_row(&s, cells, n);
				rows++;
			}
			if (ra.failed)
				e = E_NOMEM; /* a row short of memory: the export is an error, never a row missing */
			arena_release(&ra);
			if (e != E_OK)
				break;
		}
		arena_release(&pa);
		if (got < PAGE_ROWS || e != E_OK)
			break;
	}
	if (db_conn_failures(r->db) || e != E_OK) {
		if (s.f)
			fclose(s.f);
		if (s.x)
			close(xlsx_finish_fd(s.x, &(size_t){0}));
		web_error(r, e != E_OK ? e : E_DB, NULL);
		return;
	}
	size_t len = 0;
	int fd = -1;
	if (xlsx) {
		fd = xlsx_finish_fd(s.x, &len);
	} else if (fflush(s.f) == 0) {
		long end = ftell(s.f);
		fd = dup(fileno(s.f));
		len = end > 0 ? (size_t)end : 0;
		fclose(s.f);
		if (fd >= 0)
			lseek(fd, 0, SEEK_SET);
	} else {
		fclose(s.f);
	}
	if (fd < 0) {
		web_error(r, E_INTERNAL, "Le fichier n’a pas pu être produit.");
		return;
	}
	journal_record(r->db, r->user->id, "export", "domiciliation", 0,
	               arena_printf(r->a, "rows=%ld layout=%s format=%s", rows, domifa ? "domifa" : "openccas", xlsx ? "xlsx" : "csv"));
	r->out_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8";
	web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"%s.%s\"",
	                           domifa ? "domiciliations-modele-domifa" : "domiciliations", xlsx ? "xlsx" : "csv"));
	web_send_fd(r, fd, len);
}

static bool layout_arg(web_req *r, bool *domifa, bool *xlsx)
{
	const char *l = web_arg(r, "disposition"), *f = web_arg(r, "format");
	if (!l)
		l = web_arg(r, "layout");
	*domifa = l && !strcmp(l, "domifa");
	*xlsx = f && !strcmp(f, "xlsx");
	if ((l && strcmp(l, "domifa") && strcmp(l, "openccas")) || (f && strcmp(f, "xlsx") && strcmp(f, "csv"))) {
		web_error(r, E_INPUT, "disposition : domifa ou openccas ; format : csv ou xlsx.");
		return false;
	}
	return true;
}

static void export_get(web_req *r)
{
	bool domifa, xlsx;
	if (layout_arg(r, &domifa, &xlsx))
		export_layout(r, domifa, xlsx);
}

static void export_csv(web_req *r) { export_layout(r, false, false); }
static void export_xlsx(web_req *r) { export_layout(r, false, true); }

static void export_page(web_req *r)
{
	int64_t pending = 0;
	DBID0(r->db, &Q_PENDING, &pending);
	int maxm = max_members(r->db);
	page_begin(r, "Exporter les domiciliations");
	buf *b = &r->out;
	html_lit(b, "<h2>Export complet d’OpenCCAS</h2><p>Toutes les domiciliations, tous statuts, avec ce que DomiFa ne garde pas "
	            "(dates de demande, d’entretien, de décision, de radiation, orientation, sexe des ayants droit). Il se réimporte "
	            "dans OpenCCAS à l’identique.</p><p><a class=\"button\" href=\"/domiciliation/export?disposition=openccas&amp;format=xlsx\">"
	            "Classeur XLSX</a> <a class=\"button\" href=\"/domiciliation/export?disposition=openccas&amp;format=csv\">CSV</a></p>"
	            "<h2>Modèle d’import de DomiFa</h2><p>Exactement le modèle de DomiFa (52 colonnes, ses codes) : pour passer à DomiFa "
	            "ou transmettre un fichier à un partenaire qui l’utilise.</p>");
	if (pending)
		html_printf(b, "<p class=\"notice info\">%lld demande%s en cours d’instruction ne %s pas dans ce modèle : DomiFa ne reprend "
		               "que les domiciliations valides, refusées ou radiées.</p>",
		            (long long)pending, pending > 1 ? "s" : "", pending > 1 ? "sont" : "est");
	if (maxm - 1 > DF_DEP_BLOCKS)
		html_printf(b, "<p class=\"notice info\">Certains foyers comptent %d ayants droit : DomiFa n’en lit que %d.</p>", maxm - 1,
		            DF_DEP_BLOCKS);
	html_lit(b, "<p><a class=\"button\" href=\"/domiciliation/export?disposition=domifa&amp;format=xlsx\">Classeur XLSX</a> "
	            "<a class=\"button\" href=\"/domiciliation/export?disposition=domifa&amp;format=csv\">CSV</a></p>");
	page_end(r);
}

void domiciliation_export_routes(void)
{
	web_route(M_GET, "/domiciliation/exporter", export_page, PERM_DOMI_INSTRUCT, 0, "Exporter les domiciliations (choix)");
	web_route(M_GET, "/domiciliation/export", export_get, PERM_DOMI_INSTRUCT, 0, "Export (disposition=openccas|domifa, format=csv|xlsx)");
	web_route(M_GET, "/domiciliation/export.csv", export_csv, PERM_DOMI_INSTRUCT, 0, "Export complet (CSV)");
	web_route(M_GET, "/domiciliation/export.xlsx", export_xlsx, PERM_DOMI_INSTRUCT, 0, "Export complet (XLSX)");
	web_route(M_GET, "/api/v1/domiciliations/export", export_get, PERM_DOMI_INSTRUCT, 0,
	          "Export (layout=openccas|domifa, format=csv|xlsx)");
}
