/*
 * observation_pages.c — the figures as a director reads them: a period
 * and the one before, each indicator as a chart drawn here (SVG, with its
 * title, a sentence that says what it shows, and its data table), grouped
 * by mission; the open-data CSV; the JSON API; the board's yearly activity
 * report (PDF with the logo and the director's text, XLSX with the same
 * tables); the settings. Small counts read « < 5 » everywhere.
 */
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/observation/observation_internal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "web/xlsx.h"
#include "core/banned.h"

static const char *typed(web_req *r, const char *name, const char *dflt)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : dflt;
}

/* The period asked (du, au), by default the year so far. */
static bool period_of(web_req *r, const char *from, const char *to, obs_period *p)
{
	civil_date t = civil_today(r->user->tz);
	if (!from || !*from)
		from = civil_iso(r->a, (civil_date){t.y, 1, 1});
	if (!to || !*to)
		to = civil_iso(r->a, t);
	if (!obs_period_of(r->a, from, to, p)) {
		web_error(r, E_INPUT, "La période : du AAAA-MM-JJ au AAAA-MM-JJ, dans l’ordre, dix ans au plus.");
		return false;
	}
	return true;
}

/* The period of the query string (du, au). */
static bool period_arg(web_req *r, obs_period *p)
{
	return period_of(r, web_arg(r, "du"), web_arg(r, "au"), p);
}

/* The figures asked: the period, the household filters (quartier, age, composition, ressources: persons.h's
 * lists), and source=direct to count now. The scope is filled here; false after an error page. */
static bool ask_arg(web_req *r, obs_ask *q)
{
	*q = (obs_ask){0};
	if (!period_arg(r, &q->p))
		return false;
	q->f = (persons_filter){web_arg(r, "quartier"), web_arg(r, "age"), web_arg(r, "composition"), web_arg(r, "ressources"), q->p.to};
	const char *bad = NULL;
	q->filtered = persons_filter_active(&q->f, &bad);
	if (bad) {
		web_error(r, E_INPUT, "Un filtre n’est pas dans sa liste (quartier, âge, composition, ressources) : choisissez-le dans la page.");
		return false;
	}
	const char *src = web_arg(r, "source");
	q->direct = src && !strcmp(src, "direct");
	err e = obs_ask_scope(r->db, r->a, q);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return false;
	}
	return true;
}

/* The query string that asks the same again (values encoded, not escaped for HTML). */
static const char *ask_qs(web_req *r, const obs_ask *q)
{
	const char *s = arena_printf(r->a, "du=%s&au=%s", q->p.from, q->p.to);
	const char *names[] = {"quartier", "age", "composition", "ressources"}, *vals[] = {q->f.neighbourhood, q->f.age, q->f.type, q->f.resources};
	for (int i = 0; i < 4; i++)
		if (vals[i] && *vals[i])
			s = arena_printf(r->a, "%s&%s=%s", s, names[i], text_url_encode(r->a, vals[i]));
	return s;
}

/* « 1 234 foyers retenus : quartier Rivière, 60 à 74 ans » for people. */
static const char *filters_fr(web_req *r, const obs_ask *q)
{
	const char *s = "";
	if (q->f.neighbourhood && *q->f.neighbourhood)
		s = arena_printf(r->a, "quartier %s", strcmp(q->f.neighbourhood, "nr") ? q->f.neighbourhood : "non renseigné");
	const char *v[] = {q->f.age, q->f.type, q->f.resources};
	const code *lists[] = {PERSONS_AGE_BANDS, PERSONS_HOUSEHOLD_TYPES, PERSONS_RESOURCE_BANDS};
	const int ns[] = {NPERSONS_AGE_BANDS, NPERSONS_HOUSEHOLD_TYPES, NPERSONS_RESOURCE_BANDS};
	for (int i = 0; i < 3; i++)
		if (v[i] && *v[i])
			s = arena_printf(r->a, "%s%s%s", s, *s ? ", " : "", code_label(lists[i], ns[i], v[i]));
	return s;
}

static const char *change(web_req *r, const obs_row *x)
{
	if (x->n_hidden || x->prev_hidden)
		return "—";
	if (!x->prev)
		return x->n ? "nouveau" : "—";
	int64_t pct = (x->n - x->prev) * 100 / x->prev;
	return arena_printf(r->a, "%+lld %%", (long long)pct);
}

/* The sentence that says what the chart shows (its text alternative). */
static const char *summary(web_req *r, const obs_figure *f, int th)
{
	if (!f->nrows)
		return "Rien à compter sur la période ni sur la précédente.";
	const obs_row *top = NULL;
	for (int i = 0; i < f->nrows; i++)
		if (!f->rows[i].n_hidden && (!top || f->rows[i].n > top->n))
			top = &f->rows[i];
	const char *total = f->total_hidden ? "masqué (secret statistique)" : arena_printf(r->a, "%lld", (long long)f->total);
	const char *prev = f->prev_total_hidden ? "masqué" : arena_printf(r->a, "%lld", (long long)f->prev_total);
	return arena_printf(r->a, "Total %s sur la période (période précédente : %s).%s%s", total, prev,
	                    top && top->n ? arena_printf(r->a, " La catégorie la plus nombreuse : %s (%lld).", top->category, (long long)top->n) : "",
	                    th ? arena_printf(r->a, " Les nombres de 1 à %d sont masqués (« < %d »).", th - 1, th) : "");
}

/* A horizontal bar chart: the period (dark) and the one compared (light) per category; narrow enough that its
 * text stays legible on a phone (the table under it says the same in full). */
static void chart(web_req *r, const obs_figure *f, int idx, int th)
{
	buf *b = &r->out;
	int64_t max = 1;
	for (int i = 0; i < f->nrows; i++) {
		if (!f->rows[i].n_hidden && f->rows[i].n > max)
			max = f->rows[i].n;
		if (!f->rows[i].prev_hidden && f->rows[i].prev > max)
			max = f->rows[i].prev;
	}
	int h = 24 * f->nrows + 8;
	html_printf(b, "<svg class=\"chart\" viewBox=\"0 0 420 %d\" role=\"img\" aria-labelledby=\"ct%d cd%d\"><title id=\"ct%d\">%s</title>"
	               "<desc id=\"cd%d\">%s</desc>", h, idx, idx, idx, f->ind->label, idx, summary(r, f, th));
	for (int i = 0; i < f->nrows; i++) {
		const obs_row *x = &f->rows[i];
		int y = 4 + 24 * i;
		const char *cat = x->category;
		if (strlen(cat) > 26) { /* cut at a character, never inside one */
			size_t k = text_utf8_cut(cat, 24);
			cat = arena_printf(r->a, "%.*s…", (int)k, cat);
		}
		int w = x->n_hidden ? 0 : (int)(x->n * 190 / max), wp = x->prev_hidden ? 0 : (int)(x->prev * 190 / max);
		html_printf(b, "<text x=\"0\" y=\"%d\" class=\"cl\">%s</text><rect x=\"165\" y=\"%d\" width=\"%d\" height=\"11\" class=\"bn\"/>"
		               "<rect x=\"165\" y=\"%d\" width=\"%d\" height=\"5\" class=\"bp\"/><text x=\"%d\" y=\"%d\" class=\"cv\">%s</text>",
		            y + 13, cat, y, w, y + 13, wp, 170 + (w > wp ? w : wp), y + 12, obs_show(r->a, x->n, x->n_hidden, th));
	}
	html_lit(b, "</svg>");
}

/* The table under a chart; with the list of households behind each figure for the roles that see the files. */
static void figure_table(web_req *r, const obs_figure *f, int th, const obs_ask *q)
{
	buf *b = &r->out;
	const obs_period *p = &q->p;
	bool drill = web_can(r, PERM_PERSONS_READ) && !f->unfiltered;
	html_table(b, f->ind->label, 0, "Catégorie", arena_printf(r->a, "#Du %s au %s", civil_fr(r->a, p->from), civil_fr(r->a, p->to)),
	           arena_printf(r->a, "#Du %s au %s", civil_fr(r->a, p->prev_from), civil_fr(r->a, p->prev_to)), "#Évolution");
	for (int i = 0; i < f->nrows; i++) {
		const obs_row *x = &f->rows[i];
		const char *n = obs_show(r->a, x->n, x->n_hidden, th), *pv = obs_show(r->a, x->prev, x->prev_hidden, th);
		if (!drill) {
			html_printf(b, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>", x->category, n, pv,
			            change(r, x));
			continue;
		}
		const char *href = arena_printf(r->a, "/observation/liste?indicateur=%s&categorie=%s&%s", f->ind->key, text_url_encode(r->a, x->category),
		                                ask_qs(r, q));
		html_printf(b, "<tr><td>%s</td><td class=\"num\">", x->category);
		if (x->n)
			html_printf(b, "<a href=\"%s\" aria-label=\"Les foyers : %s, période\">%s</a>", href, x->category, n);
		else
			html_printf(b, "%s", n);
		html_lit(b, "</td><td class=\"num\">");
		if (x->prev)
			html_printf(b, "<a href=\"%s&precedente=1\" aria-label=\"Les foyers : %s, période précédente\">%s</a>", href, x->category, pv);
		else
			html_printf(b, "%s", pv);
		html_printf(b, "</td><td class=\"num\">%s</td></tr>", change(r, x));
	}
	html_printf(b, "<tr><th scope=\"row\">Total</th><td class=\"num\">%s</td><td class=\"num\">%s</td><td></td></tr>",
	            f->total_hidden ? "masqué" : arena_printf(r->a, "%lld", (long long)f->total),
	            f->prev_total_hidden ? "masqué" : arena_printf(r->a, "%lld", (long long)f->prev_total));
	html_table_close(b);
}

/* The filters' form: the period and the households. */
static void filter_form(web_req *r, const obs_ask *q)
{
	buf *b = &r->out;
	html_printf(b, "<form method=\"get\" action=\"/observation\" class=\"filters\"><div class=\"field\"><label for=\"du\">Du</label>"
	               "<input id=\"du\" name=\"du\" type=\"date\" value=\"%s\"></div><div class=\"field\"><label for=\"au\">Au</label>"
	               "<input id=\"au\" name=\"au\" type=\"date\" value=\"%s\"></div>", q->p.from, q->p.to);
	const char **areas = NULL;
	int na = persons_neighbourhoods(r->db, r->a, &areas);
	const char **vals = arena_alloc(r->a, (size_t)(na > 0 ? na + 2 : 2) * sizeof *vals), **labels = arena_alloc(r->a, (size_t)(na > 0 ? na + 2 : 2) * sizeof *labels);
	if (vals && labels) {
		int k = 0;
		vals[k] = "", labels[k++] = "Tous quartiers";
		for (int i = 0; i < na; i++)
			vals[k] = areas[i], labels[k++] = areas[i];
		vals[k] = "nr", labels[k++] = "Quartier non renseigné";
		form_select(b, "quartier", "Quartier", vals, labels, k, q->f.neighbourhood ? q->f.neighbourhood : "", NULL);
	}
	form_select_code(b, "age", "Âge du demandeur", PERSONS_AGE_BANDS, NPERSONS_AGE_BANDS, q->f.age ? q->f.age : "", NULL);
	form_select_code(b, "composition", "Composition du foyer", PERSONS_HOUSEHOLD_TYPES, NPERSONS_HOUSEHOLD_TYPES, q->f.type ? q->f.type : "", NULL);
	form_select_code(b, "ressources", "Ressources du foyer", PERSONS_RESOURCE_BANDS, NPERSONS_RESOURCE_BANDS, q->f.resources ? q->f.resources : "", NULL);
	html_lit(b, "<button type=\"submit\">Afficher</button></form>");
}

static void obs_page(web_req *r)
{
	obs_ask q;
	if (!ask_arg(r, &q))
		return;
	const obs_period p = q.p;
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	obs_figure *v;
	int n = obs_gather(r->db, r->a, &q, st.threshold, &v);
	journal_record(r->db, r->user->id, "read", "observation", 0, arena_printf(r->a, "%s..%s%s", p.from, p.to, q.filtered ? " filtres" : ""));
	page_begin(r, "Observation sociale");
	buf *b = &r->out;
	civil_date t = civil_today(r->user->tz);
	if (web_arg(r, "calcule"))
		page_notice(r, "ok", "Les chiffres de la période sont recalculés.");
	filter_form(r, &q);
	if (q.filtered)
		html_printf(b, "<p class=\"notice info\"><strong>%lld foyer%s retenu%s</strong> : %s. Les foyers tels qu’ils sont aujourd’hui, l’âge du "
		               "demandeur au %s ; ce qui n’a pas de dossier (un contact anonyme) n’est pas compté. <a href=\"/observation?du=%s&amp;au=%s\">"
		               "Sans filtre</a></p>", (long long)q.households, q.households > 1 ? "s" : "", q.households > 1 ? "s" : "", filters_fr(r, &q),
		            civil_fr(r->a, p.to), p.from, p.to);
	if (q.computed_at) {
		form_begin(r, "<form method=\"post\" action=\"/observation/calcul\" class=\"inline\">");
		html_printf(b, "<input type=\"hidden\" name=\"du\" value=\"%s\"><input type=\"hidden\" name=\"au\" value=\"%s\"><p class=\"muted\">Chiffres "
		               "calculés le %s (chaque nuit, ou à la demande) : ce qui a été saisi depuis n’y est pas encore. "
		               "<button type=\"submit\">Recalculer maintenant</button></p></form>", p.from, p.to, page_instant(r, q.computed_at, true));
	}
	html_printf(b, "<p>Comparé à la période du %s au %s (barres claires). Les nombres de 1 à %d sont masqués (« < %d ») : "
	               "secret statistique. <a href=\"/observation.csv?%s\">Données ouvertes (CSV)</a> · "
	               "<a href=\"/observation/rapport.pdf?annee=%d\">Rapport d’activité %d (PDF)</a> · "
	               "<a href=\"/observation/rapport.xlsx?annee=%d\">(XLSX)</a>",
	            civil_fr(r->a, p.prev_from), civil_fr(r->a, p.prev_to), st.threshold - 1, st.threshold, ask_qs(r, &q), t.y - 1, t.y - 1, t.y - 1);
	html_lit(b, " · <a href=\"/observation/abs\">Analyse des besoins sociaux (par quartier)</a>");
	if (web_can(r, PERM_OBS_SETTINGS))
		html_lit(b, " · <a href=\"/observation/reglage\">Réglages</a>");
	html_lit(b, "</p>");
	/* A table of contents: one entry per mission. */
	html_lit(b, "<nav aria-label=\"Missions\" class=\"pager\"><ul>");
	for (int i = 0; i < n; i++)
		if (!i || strcmp(v[i].module_label, v[i - 1].module_label))
			html_printf(b, "<li><a href=\"#m-%d\">%s</a></li>", i, v[i].module_label);
	html_lit(b, "</ul></nav>");
	for (int i = 0; i < n; i++) {
		if (!i || strcmp(v[i].module_label, v[i - 1].module_label))
			html_printf(b, "<h2 id=\"m-%d\">%s</h2>", i, v[i].module_label);
		html_printf(b, "<section class=\"figure\" aria-labelledby=\"f-%d\"><h3 id=\"f-%d\">%s</h3><p class=\"muted\">%s</p>", i, i, v[i].ind->label,
		            v[i].ind->definition);
		if (v[i].failed) {
			html_lit(b, "<p>Ce chiffre n’a pas pu être calculé.</p></section>");
			continue;
		}
		if (v[i].unfiltered) {
			html_lit(b, "<p>Ce chiffre ne se rapporte pas à des foyers : il ne se filtre pas.</p></section>");
			continue;
		}
		if (!v[i].nrows) {
			html_lit(b, "<p>Rien à compter sur la période ni sur la précédente.</p></section>");
			continue;
		}
		chart(r, &v[i], i, st.threshold);
		html_printf(b, "<p>%s</p>", summary(r, &v[i], st.threshold));
		html_printf(b, "<details><summary>Le tableau des données</summary>");
		figure_table(r, &v[i], st.threshold, &q);
		html_lit(b, "</details></section>");
	}
	page_end(r);
}

/* Open data: one row per indicator and category, no name, no file number. */
static void obs_csv(web_req *r)
{
	obs_ask q;
	if (!ask_arg(r, &q))
		return;
	const obs_period p = q.p;
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	obs_figure *v;
	int n = obs_gather(r->db, r->a, &q, st.threshold, &v);
	buf *b = &r->out;
	buf_adds(b, "\xEF\xBB\xBF");
	static const char *const head[] = {"indicateur", "libelle", "mission", "categorie", "du", "au", "valeur", "du_precedent", "au_precedent",
	                                   "valeur_precedente"};
	for (int k = 0; k < COUNTOF(head); k++)
		csv_write_cell(b, head[k], k == COUNTOF(head) - 1);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < v[i].nrows; j++) {
			const obs_row *x = &v[i].rows[j];
			const char *c[] = {v[i].ind->key, v[i].ind->label, v[i].module_label, x->category, p.from, p.to, obs_show(r->a, x->n, x->n_hidden, st.threshold),
			                   p.prev_from, p.prev_to, obs_show(r->a, x->prev, x->prev_hidden, st.threshold)};
			for (int k = 0; k < COUNTOF(c); k++)
				csv_write_cell(b, c[k], k == COUNTOF(c) - 1);
		}
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"observation-%s-%s.csv\"", p.from, p.to));
	journal_record(r->db, r->user->id, "export", "observation", 0, arena_printf(r->a, "%s..%s csv", p.from, p.to));
}

static json_t *count_json(int64_t n, bool hidden) { return hidden ? json_null() : json_integer(n); }

static void obs_api(web_req *r)
{
	obs_ask q;
	if (!ask_arg(r, &q))
		return;
	const obs_period p = q.p;
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	obs_figure *v;
	int n = obs_gather(r->db, r->a, &q, st.threshold, &v);
	json_t *arr = json_array();
	for (int i = 0; i < n; i++) {
		json_t *rows = json_array();
		for (int j = 0; j < v[i].nrows; j++) {
			const obs_row *x = &v[i].rows[j];
			json_t *o = json_pack("{s:s,s:s,s:s}", "category", x->category, "shown", obs_show(r->a, x->n, x->n_hidden, st.threshold), "previous_shown",
			                      obs_show(r->a, x->prev, x->prev_hidden, st.threshold));
			json_object_set_new(o, "n", count_json(x->n, x->n_hidden));
			json_object_set_new(o, "previous", count_json(x->prev, x->prev_hidden));
			json_array_append_new(rows, o);
		}
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:o}", "key", v[i].ind->key, "label", v[i].ind->label, "definition", v[i].ind->definition,
		                      "mission", v[i].module_label, "failed", v[i].failed, "unfiltered", v[i].unfiltered, "rows", rows);
		json_object_set_new(o, "total", count_json(v[i].total, v[i].total_hidden));
		json_object_set_new(o, "previous_total", count_json(v[i].prev_total, v[i].prev_total_hidden));
		json_array_append_new(arr, o);
	}
	journal_record(r->db, r->user->id, "read", "observation", 0, arena_printf(r->a, "%s..%s api", p.from, p.to));
	json_t *out = json_pack("{s:s,s:s,s:s,s:s,s:i,s:o}", "from", p.from, "to", p.to, "previous_from", p.prev_from, "previous_to", p.prev_to,
	                        "threshold", st.threshold, "indicators", arr);
	json_object_set_new(out, "computed_at", q.computed_at ? json_integer(q.computed_at) : json_null());
	json_object_set_new(out, "households", q.filtered ? json_integer(q.households) : json_null());
	web_json(r, 200, out);
}

/* ---- the households behind a figure (roles that see the files) ----------------------------------------- */

enum { LIST_PAGE = 50 };

/* The indicator, the category and the households behind it; false after an error page. */
static bool list_arg(web_req *r, obs_ask *q, const module_indicator **ind, const char **mission, const char **cat, bool *prev, int64_t **ids,
                     int *n)
{
	if (!web_can(r, PERM_PERSONS_READ)) {
		web_error(r, E_FORBIDDEN, "La liste des foyers derrière un chiffre est réservée aux rôles qui voient les dossiers.");
		return false;
	}
	*ind = obs_indicator(web_arg(r, "indicateur"), mission);
	*cat = web_arg(r, "categorie");
	if (!*ind || !*cat || !**cat) {
		web_error(r, E_NOT_FOUND, "Cet indicateur ou cette catégorie n’existe pas : repartez de la page des chiffres.");
		return false;
	}
	if (!ask_arg(r, q))
		return false;
	const char *pv = web_arg(r, "precedente");
	*prev = pv && !strcmp(pv, "1");
	*n = obs_drill(r->db, r->a, q, *ind, *cat, *prev, ids);
	if (*n < 0) {
		web_error(r, E_INPUT, "Ce chiffre ne se rapporte pas à des foyers : il n’a pas de liste.");
		return false;
	}
	journal_record(r->db, r->user->id, "read", "observation_list", 0, arena_printf(r->a, "%s %s..%s n=%d", (*ind)->key,
	               *prev ? q->p.prev_from : q->p.from, *prev ? q->p.prev_to : q->p.to, *n));
	return true;
}

static int64_t page_of(web_req *r, int n)
{
	int64_t pg = 1;
	const char *ps = web_arg(r, "page");
	if (ps && *ps && !text_to_int64(ps, 1, 1000000, &pg))
		pg = 1;
	int64_t last = n ? (n + LIST_PAGE - 1) / LIST_PAGE : 1;
	return pg > last ? last : pg;
}

static void obs_list(web_req *r)
{
	obs_ask q;
	const module_indicator *ind;
	const char *mission = "", *cat;
	bool prev;
	int64_t *ids;
	int n;
	if (!list_arg(r, &q, &ind, &mission, &cat, &prev, &ids, &n))
		return;
	page_begin(r, arena_printf(r->a, "%s : %s", ind->label, cat));
	buf *b = &r->out;
	html_printf(b, "<p>%s — %s Du %s au %s%s. <strong>%d foyer%s</strong>.</p>", mission, ind->definition,
	            civil_fr(r->a, prev ? q.p.prev_from : q.p.from), civil_fr(r->a, prev ? q.p.prev_to : q.p.to),
	            q.filtered ? arena_printf(r->a, " ; filtres : %s", filters_fr(r, &q)) : "", n, n > 1 ? "s" : "");
	html_printf(b, "<p class=\"muted\">Le chiffre compte des contacts, des demandes, des colis… ; la liste, les foyers concernés, chacun une fois "
	               "(ce qui n’a pas de dossier n’y est pas). <a href=\"/observation?%s\">Retour aux chiffres</a></p>", ask_qs(r, &q));
	if (!n) {
		html_lit(b, "<p>Aucun foyer : les chiffres ont changé depuis, ou ils étaient calculés d’avance.</p>");
		page_end(r);
		return;
	}
	int64_t pg = page_of(r, n);
	html_table(b, "Les foyers derrière ce chiffre", 0, "Dossier", "Demandeur", "Adresse");
	for (int64_t i = (pg - 1) * LIST_PAGE; i < n && i < pg * LIST_PAGE; i++) {
		person_brief *m = NULL;
		int nm = persons_household_members(r->db, r->a, ids[i], &m);
		const char *no = persons_file_no(r->db, r->a, ids[i]);
		html_printf(b, "<tr><td><a href=\"/foyers/%lld\">%s</a></td><td>%s</td><td>%s</td></tr>", (long long)ids[i], no ? no : "non renseigné",
		            nm > 0 ? arena_printf(r->a, "%s %s", m[0].last_name, m[0].first_names) : "non renseigné",
		            nm > 0 && *m[0].address1 ? arena_printf(r->a, "%s, %s", m[0].address1, m[0].address2) : "non renseignée");
	}
	html_table_close(b);
	page_pager(r, arena_printf(r->a, "/observation/liste?indicateur=%s&categorie=%s&%s%s&", ind->key, text_url_encode(r->a, cat), ask_qs(r, &q),
	                           prev ? "&precedente=1" : ""), pg, n, LIST_PAGE);
	page_end(r);
}

static void obs_list_api(web_req *r)
{
	obs_ask q;
	const module_indicator *ind;
	const char *mission = "", *cat;
	bool prev;
	int64_t *ids;
	int n;
	if (!list_arg(r, &q, &ind, &mission, &cat, &prev, &ids, &n))
		return;
	int64_t pg = page_of(r, n);
	json_t *arr = json_array();
	for (int64_t i = (pg - 1) * LIST_PAGE; i < n && i < pg * LIST_PAGE; i++) {
		const char *no = persons_file_no(r->db, r->a, ids[i]);
		json_array_append_new(arr, json_pack("{s:I,s:s?}", "id", (json_int_t)ids[i], "file_no", no));
	}
	web_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:i,s:I,s:i,s:o}", "indicator", ind->key, "category", cat, "from",
	                           prev ? q.p.prev_from : q.p.from, "to", prev ? q.p.prev_to : q.p.to, "count", n, "page", (json_int_t)pg,
	                           "per_page", LIST_PAGE, "households", arr));
}

/* « Recalculer maintenant »: the figures of a period and of the one it is compared with, counted now and kept. */
static void obs_recompute(web_req *r)
{
	obs_period p;
	const char *from = web_field(r, "du"), *to = web_field(r, "au");
	if (!period_of(r, from ? from : web_arg(r, "du"), to ? to : web_arg(r, "au"), &p))
		return;
	int64_t ms = 0, ms2 = 0;
	err e = obs_precompute(r->db, r->a, p.from, p.to, &ms);
	if (e == E_OK)
		e = obs_precompute(r->db, r->a, p.prev_from, p.prev_to, &ms2);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "update", "obs_figures", 0, arena_printf(r->a, "%s..%s %lld ms", p.from, p.to, (long long)(ms + ms2)));
	if (r->api) {
		web_json(r, 200, json_pack("{s:s,s:s,s:I}", "from", p.from, "to", p.to, "ms", (json_int_t)(ms + ms2)));
		return;
	}
	web_redirect(r, arena_printf(r->a, "/observation?du=%s&au=%s&calcule=1", p.from, p.to));
}

/* ---- the board's yearly activity report ------------------------------------------------------------ */

static void obs_report(web_req *r, const char *fmt)
{
	civil_date t = civil_today(r->user->tz);
	int64_t year = t.y - 1;
	const char *ys = web_arg(r, "annee");
	if (ys && *ys && !text_to_int64(ys, 2000, t.y, &year)) {
		web_error(r, E_INPUT, arena_printf(r->a, "L’année : de 2000 à %d.", t.y));
		return;
	}
	obs_period p;
	obs_period_of(r->a, arena_printf(r->a, "%04lld-01-01", (long long)year), arena_printf(r->a, "%04lld-12-31", (long long)year), &p);
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	obs_figure *v;
	obs_ask q = {.p = p};
	int n = obs_gather(r->db, r->a, &q, st.threshold, &v);
	int th = st.threshold;
	if (!strcmp(fmt, "xlsx")) {
		xlsx_doc *x = xlsx_new("Rapport");
		const char *hd[] = {"Mission", "Indicateur", "Catégorie", arena_printf(r->a, "%lld", (long long)year), arena_printf(r->a, "%lld", (long long)year - 1)};
		xlsx_header(x, hd, 5);
		for (int i = 0; i < n; i++)
			for (int j = 0; j < v[i].nrows; j++) {
				const obs_row *w = &v[i].rows[j];
				xlsx_text(x, 0, v[i].module_label), xlsx_text(x, 1, v[i].ind->label), xlsx_text(x, 2, w->category);
				if (w->n_hidden)
					xlsx_text(x, 3, obs_show(r->a, w->n, true, th));
				else
					xlsx_number(x, 3, w->n);
				if (w->prev_hidden)
					xlsx_text(x, 4, obs_show(r->a, w->prev, true, th));
				else
					xlsx_number(x, 4, w->prev);
				xlsx_next_row(x);
			}
		size_t len = 0;
		void *bytes = xlsx_finish(x, r->a, &len);
		if (!bytes) {
			web_error(r, E_INTERNAL, NULL);
			return;
		}
		buf_add(&r->out, bytes, len);
		r->out_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"rapport-activite-%lld.xlsx\"", (long long)year));
		journal_record(r->db, r->user->id, "export", "observation", 0, arena_printf(r->a, "report %lld xlsx", (long long)year));
		return;
	}
	const char *why = NULL, *title = arena_printf(r->a, "Rapport d’activité %lld", (long long)year);
	pdf_doc *pd = pdf_new(title, &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	const void *logo;
	size_t llen;
	const char *ltype;
	double top = pdf_cursor_mm(pd);
	if (accounts_structure_logo(r->db, r->a, r->user->structure_id, &logo, &llen, &ltype))
		pdf_image(pd, logo, llen, ltype, 160, top, 18);
	pdf_small(pd, r->user->structure_name);
	pdf_heading(pd, title);
	pdf_small(pd, arena_printf(r->a, "Chiffres de l’année %lld comparés à %lld. Les nombres de 1 à %d sont masqués (« < %d ») : secret statistique.",
	                           (long long)year, (long long)year - 1, th - 1, th));
	if (pdf_cursor_mm(pd) < top + 22)
		pdf_cursor_set_mm(pd, top + 22);
	if (*st.report_text)
		pdf_para(pd, st.report_text);
	for (int i = 0; i < n; i++) {
		if (!i || strcmp(v[i].module_label, v[i - 1].module_label))
			pdf_section(pd, v[i].module_label);
		pdf_heading(pd, v[i].ind->label);
		pdf_small(pd, v[i].ind->definition);
		if (v[i].failed || !v[i].nrows) {
			pdf_para(pd, v[i].failed ? "Ce chiffre n’a pas pu être calculé." : "Rien à compter sur l’année ni sur la précédente.");
			continue;
		}
		int64_t max = 1;
		for (int j = 0; j < v[i].nrows; j++)
			if (!v[i].rows[j].n_hidden && v[i].rows[j].n > max)
				max = v[i].rows[j].n;
		for (int j = 0; j < v[i].nrows; j++) {
			const obs_row *w = &v[i].rows[j];
			pdf_bar_row(pd, w->category, w->n_hidden ? 0 : (double)w->n / (double)max,
			            arena_printf(r->a, "%s (%lld : %s)", obs_show(r->a, w->n, w->n_hidden, th), (long long)year - 1, obs_show(r->a, w->prev, w->prev_hidden, th)));
		}
		pdf_small(pd, summary(r, &v[i], 0));
	}
	journal_record(r->db, r->user->id, "export", "observation", 0, arena_printf(r->a, "report %lld pdf", (long long)year));
	pdf_send(r, pd, arena_printf(r->a, "rapport-activite-%lld.pdf", (long long)year));
}

static void obs_report_pdf(web_req *r) { obs_report(r, "pdf"); }
static void obs_report_xlsx(web_req *r) { obs_report(r, "xlsx"); }

/* ---- settings ------------------------------------------------------------------------------------------ */

static void settings_form(web_req *r, const form_errors *fe)
{
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	page_begin(r, "Observation — réglages");
	buf *b = &r->out;
	if (web_arg(r, "ok") && !fe)
		page_notice(r, "ok", "C’est enregistré.");
	form_error_summary(b, fe);
	form_begin(r, "<form method=\"post\" action=\"/observation/reglage\" novalidate>");
	form_input(b, &(form_field){.name = "threshold", .label = "Seuil du secret statistique", .type = "number",
	                            .value = typed(r, "threshold", arena_printf(r->a, "%d", st.threshold)),
	                            .hint = "Un nombre de 1 jusqu’à ce seuil (exclu) s’affiche « < seuil » partout hors des listes de dossiers, exports compris."},
	           fe);
	form_input(b, &(form_field){.name = "report_text", .label = "Texte du rapport d’activité", .type = "textarea",
	                            .value = typed(r, "report_text", st.report_text),
	                            .hint = "Le mot de la direction, en tête du rapport annuel au conseil d’administration."}, fe);
	html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button></form>");
	page_end(r);
}

static void settings_page(web_req *r) { settings_form(r, NULL); }

static void settings_post(web_req *r)
{
	form_errors fe = {0};
	page_after_post(r, obs_settings_set(r->db, r->a, r->user->id, &r->form, &fe), &fe, settings_form, "/observation/reglage?ok=1");
}

void obs_pages_init(void)
{
	web_route(M_GET, "/observation", obs_page, PERM_OBS_READ, 0, "Observation sociale : les chiffres d’une période");
	web_route(M_GET, "/observation.csv", obs_csv, PERM_OBS_READ, 0, "Observation sociale : données ouvertes (CSV)");
	web_route(M_GET, "/observation/rapport.pdf", obs_report_pdf, PERM_OBS_READ, 0, "Observation sociale : rapport d’activité annuel (PDF)");
	web_route(M_GET, "/observation/rapport.xlsx", obs_report_xlsx, PERM_OBS_READ, 0, "Observation sociale : rapport d’activité annuel (tableur)");
	web_route(M_GET, "/observation/reglage", settings_page, PERM_OBS_SETTINGS, 0, "Observation sociale : réglages");
	web_route(M_POST, "/observation/reglage", settings_post, PERM_OBS_SETTINGS, 0, "Observation sociale : réglages");
	web_route(M_GET, "/api/v1/observation", obs_api, PERM_OBS_READ, 0, "Observation sociale : les chiffres d’une période");
	web_route(M_GET, "/observation/liste", obs_list, PERM_OBS_READ, 0, "Observation sociale : les foyers derrière un chiffre");
	web_route(M_GET, "/api/v1/observation/households", obs_list_api, PERM_OBS_READ, 0, "Observation sociale : les foyers derrière un chiffre");
	web_route(M_POST, "/observation/calcul", obs_recompute, PERM_OBS_READ, 0, "Observation sociale : recalculer les chiffres d’une période");
	web_route(M_POST, "/api/v1/observation/compute", obs_recompute, PERM_OBS_READ, 0, "Observation sociale : recalculer les chiffres d’une période");
}
