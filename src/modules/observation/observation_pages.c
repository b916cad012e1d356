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
static bool period_arg(web_req *r, obs_period *p)
{
	civil_date t = civil_today(r->user->tz);
	const char *from = web_arg(r, "du"), *to = web_arg(r, "au");
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
			size_t k = 24;
			while (k > 0 && ((unsigned char)cat[k] & 0xC0) == 0x80)
				k--;
			cat = arena_printf(r->a, "%.*s…", (int)k, cat);
		}
		int w = x->n_hidden ? 0 : (int)(x->n * 190 / max), wp = x->prev_hidden ? 0 : (int)(x->prev * 190 / max);
		html_printf(b, "<text x=\"0\" y=\"%d\" class=\"cl\">%s</text><rect x=\"165\" y=\"%d\" width=\"%d\" height=\"11\" class=\"bn\"/>"
		               "<rect x=\"165\" y=\"%d\" width=\"%d\" height=\"5\" class=\"bp\"/><text x=\"%d\" y=\"%d\" class=\"cv\">%s</text>",
		            y + 13, cat, y, w, y + 13, wp, 170 + (w > wp ? w : wp), y + 12, obs_show(r->a, x->n, x->n_hidden, th));
	}
	html_lit(b, "</svg>");
}

static void figure_table(web_req *r, const obs_figure *f, int th, const obs_period *p)
{
	buf *b = &r->out;
	html_table(b, f->ind->label, 0, "Catégorie", arena_printf(r->a, "#Du %s au %s", civil_fr(r->a, p->from), civil_fr(r->a, p->to)),
	           arena_printf(r->a, "#Du %s au %s", civil_fr(r->a, p->prev_from), civil_fr(r->a, p->prev_to)), "#Évolution");
	for (int i = 0; i < f->nrows; i++)
		html_printf(b, "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>", f->rows[i].category,
		            obs_show(r->a, f->rows[i].n, f->rows[i].n_hidden, th), obs_show(r->a, f->rows[i].prev, f->rows[i].prev_hidden, th),
		            change(r, &f->rows[i]));
	html_printf(b, "<tr><th scope=\"row\">Total</th><td class=\"num\">%s</td><td class=\"num\">%s</td><td></td></tr>",
	            f->total_hidden ? "masqué" : arena_printf(r->a, "%lld", (long long)f->total),
	            f->prev_total_hidden ? "masqué" : arena_printf(r->a, "%lld", (long long)f->prev_total));
	html_table_close(b);
}

static void obs_page(web_req *r)
{
	obs_period p;
	if (!period_arg(r, &p))
		return;
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	obs_figure *v;
	int n = obs_gather(r->db, r->a, &p, st.threshold, &v);
	journal_record(r->db, r->user->id, "read", "observation", 0, arena_printf(r->a, "%s..%s", p.from, p.to));
	page_begin(r, "Observation sociale");
	buf *b = &r->out;
	civil_date t = civil_today(r->user->tz);
	html_printf(b, "<form method=\"get\" action=\"/observation\" class=\"filters\"><div class=\"field\"><label for=\"du\">Du</label>"
	               "<input id=\"du\" name=\"du\" type=\"date\" value=\"%s\"></div><div class=\"field\"><label for=\"au\">Au</label>"
	               "<input id=\"au\" name=\"au\" type=\"date\" value=\"%s\"></div><button type=\"submit\">Afficher</button></form>",
	            p.from, p.to);
	html_printf(b, "<p>Comparé à la période du %s au %s (barres claires). Les nombres de 1 à %d sont masqués (« < %d ») : "
	               "secret statistique. <a href=\"/observation.csv?du=%s&amp;au=%s\">Données ouvertes (CSV)</a> · "
	               "<a href=\"/observation/rapport.pdf?annee=%d\">Rapport d’activité %d (PDF)</a> · "
	               "<a href=\"/observation/rapport.xlsx?annee=%d\">(XLSX)</a>",
	            civil_fr(r->a, p.prev_from), civil_fr(r->a, p.prev_to), st.threshold - 1, st.threshold, p.from, p.to, t.y - 1, t.y - 1, t.y - 1);
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
		if (!v[i].nrows) {
			html_lit(b, "<p>Rien à compter sur la période ni sur la précédente.</p></section>");
			continue;
		}
		chart(r, &v[i], i, st.threshold);
		html_printf(b, "<p>%s</p>", summary(r, &v[i], st.threshold));
		html_printf(b, "<details><summary>Le tableau des données</summary>");
		figure_table(r, &v[i], st.threshold, &p);
		html_lit(b, "</details></section>");
	}
	page_end(r);
}

/* Open data: one row per indicator and category, no name, no file number. */
static void obs_csv(web_req *r)
{
	obs_period p;
	if (!period_arg(r, &p))
		return;
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	obs_figure *v;
	int n = obs_gather(r->db, r->a, &p, st.threshold, &v);
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
	obs_period p;
	if (!period_arg(r, &p))
		return;
	obs_settings st;
	obs_settings_get(r->db, r->a, &st);
	obs_figure *v;
	int n = obs_gather(r->db, r->a, &p, st.threshold, &v);
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
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b,s:o}", "key", v[i].ind->key, "label", v[i].ind->label, "definition", v[i].ind->definition, "mission",
		                      v[i].module_label, "failed", v[i].failed, "rows", rows);
		json_object_set_new(o, "total", count_json(v[i].total, v[i].total_hidden));
		json_object_set_new(o, "previous_total", count_json(v[i].prev_total, v[i].prev_total_hidden));
		json_array_append_new(arr, o);
	}
	journal_record(r->db, r->user->id, "read", "observation", 0, arena_printf(r->a, "%s..%s api", p.from, p.to));
	web_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:i,s:o}", "from", p.from, "to", p.to, "previous_from", p.prev_from, "previous_to", p.prev_to,
	                           "threshold", st.threshold, "indicators", arr));
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
	int n = obs_gather(r->db, r->a, &p, st.threshold, &v);
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
}
