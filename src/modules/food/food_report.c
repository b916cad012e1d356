/*
 * food_report.c — the yearly report a food bank asks its partner
 * structures for (households and persons helped, by age band and by
 * composition; kilograms distributed by category), with the year's months
 * (parcels, visits, households, kilograms, value); as a page, CSV, XLSX
 * and PDF.
 */
#include "modules/food/food_internal.h"
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "web/xlsx.h"
#include "core/banned.h"

static void tally_add(arena *a, food_tally *t, const char *label, int64_t n)
{
	for (int i = 0; i < t->count; i++)
		if (!strcmp(t->label[i], label)) {
			t->n[i] += n;
			return;
		}
	if (t->count == t->cap) {
		int cap = t->cap ? 2 * t->cap : 8;
		const char **l = arena_array(a, (size_t)cap, sizeof *l);
		int64_t *v = arena_array(a, (size_t)cap, sizeof *v);
		if (!l || !v)
			return;
		if (t->count) {
			memcpy(l, t->label, (size_t)t->count * sizeof *l);
			memcpy(v, t->n, (size_t)t->count * sizeof *v);
		}
		t->label = l, t->n = v, t->cap = cap;
	}
	t->label[t->count] = label;
	t->n[t->count++] = n;
}

/* Every household helped in the year: a parcel taken or delivered, or a visit to the grocery. */
static db_sql Q_R_HOUSEHOLDS = DB_SQL(DB_SCOPED,
	"SELECT l.household_id FROM food_lines l JOIN food_dists t ON t.structure_id = l.structure_id AND t.id = l.dist_id "
	"WHERE l.structure_id = $1 AND t.day >= $2 AND t.day <= $3 AND l.state IN ('retire', 'procuration', 'livre') "
	"UNION SELECT household_id FROM food_visits WHERE structure_id = $1 AND day >= $2 AND day <= $3");
static db_sql Q_R_PARCELS = DB_SQL(DB_SCOPED,
	"SELECT substr(t.day, 6, 2), l.size, count(*), count(DISTINCT l.household_id) FROM food_lines l JOIN food_dists t "
	"ON t.structure_id = l.structure_id AND t.id = l.dist_id WHERE l.structure_id = $1 AND t.day >= $2 AND t.day <= $3 "
	"AND l.state IN ('retire', 'procuration', 'livre') GROUP BY 1, 2");
static db_sql Q_R_VISITS = DB_SQL(DB_SCOPED,
	"SELECT substr(day, 6, 2), count(*), count(DISTINCT household_id), sum(value), sum(paid) FROM food_visits "
	"WHERE structure_id = $1 AND day >= $2 AND day <= $3 GROUP BY 1");
static db_sql Q_R_KG = DB_SQL(DB_SCOPED,
	"SELECT p.category, substr(v.day, 6, 2), sum(l.grams) FROM food_visit_lines l JOIN food_visits v ON v.structure_id = l.structure_id "
	"AND v.id = l.visit_id JOIN food_products p ON p.structure_id = l.structure_id AND p.id = l.product_id "
	"WHERE l.structure_id = $1 AND v.day >= $2 AND v.day <= $3 GROUP BY 1, 2");
/* Households helped each month (a household counted once a month, whichever the help). */
static db_sql Q_R_MONTH_H = DB_SQL(DB_SCOPED,
	"SELECT m, count(DISTINCT h) FROM (SELECT substr(t.day, 6, 2) AS m, l.household_id AS h FROM food_lines l JOIN food_dists t "
	"ON t.structure_id = l.structure_id AND t.id = l.dist_id WHERE l.structure_id = $1 AND t.day >= $2 AND t.day <= $3 "
	"AND l.state IN ('retire', 'procuration', 'livre') UNION SELECT substr(day, 6, 2), household_id FROM food_visits "
	"WHERE structure_id = $1 AND day >= $2 AND day <= $3) x GROUP BY m");

static int month_of(const char *mm)
{
	int64_t m = 0;
	return mm && text_to_int64(mm, 1, 12, &m) ? (int)m - 1 : -1;
}

static const char *age_band(int age)
{
	return age < 0 ? "Âge non renseigné" : age <= 3 ? "0 à 3 ans" : age <= 14 ? "4 à 14 ans" : age <= 25 ? "15 à 25 ans" : age <= 64 ? "26 à 64 ans"
	                                                                                                                  : "65 ans et plus";
}

err food_report_make(const food_ctx *x, int year, food_report *out)
{
	*out = (food_report){.year = year};
	char from[11], to[11];
	snprintf(from, sizeof from, "%04d-01-01", year);
	snprintf(to, sizeof to, "%04d-12-31", year);
	food_settings st;
	food_settings_get(x->c, &st);
	/* The bands and compositions in a fixed order, each shown even at zero. */
	static const char *const bands[] = {"0 à 3 ans", "4 à 14 ans", "15 à 25 ans", "26 à 64 ans", "65 ans et plus"};
	static const char *const comps[] = {"Personne seule", "Couple sans enfant", "Couple avec enfants", "Famille monoparentale", "Autre"};
	for (int i = 0; i < COUNTOF(bands); i++)
		tally_add(x->a, &out->ages, bands[i], 0);
	for (int i = 0; i < COUNTOF(comps); i++)
		tally_add(x->a, &out->compositions, comps[i], 0);
	db_res q = {0};
	int64_t *hids = NULL;
	int nh = 0, cap = 0;
	err e = DBQ(x->c, &Q_R_HOUSEHOLDS, &q, A_TEXT(from), A_TEXT(to));
	if (e != E_OK)
		return e;
	while (db_next(&q)) {
		int64_t *p = ARENA_PUSH(x->a, hids, nh, cap);
		if (p)
			*p = db_int(&q, 0);
	}
	db_close(&q);
	civil_date end = {year, 12, 31};
	if (civil_to_days(end) > civil_to_days(x->today))
		end = x->today;
	for (int i = 0; i < nh; i++) {
		person_brief *m;
		int n = persons_household_members(x->c, x->a, hids[i], &m);
		int adults = 0, children = 0;
		bool couple = false;
		for (int k = 0; k < n; k++) {
			civil_date b;
			int age = *m[k].birth_date && civil_parse(m[k].birth_date, &b) ? civil_age(b, end) : -1;
			tally_add(x->a, &out->ages, age_band(age), 1);
			bool child = m[k].relation && !strncmp(m[k].relation, "enfant", 6) && strcmp(m[k].relation, "enfant_majeur") && (age < 0 || age < 25);
			children += child, adults += !child;
			couple = couple || (m[k].relation && !strcmp(m[k].relation, "conjoint"));
		}
		out->persons += n;
		const char *c = n == 1 ? comps[0] : couple && adults == 2 && !children ? comps[1] : couple && children ? comps[2]
		              : !couple && adults == 1 && children ? comps[3] : comps[4];
		tally_add(x->a, &out->compositions, c, 1);
	}
	out->households = nh;
	static const char *const PARCEL_KG = "Colis (contenu non détaillé, au poids moyen)";
	if ((e = DBQ(x->c, &Q_R_PARCELS, &q, A_TEXT(from), A_TEXT(to))) != E_OK)
		return e;
	while (db_next(&q)) {
		int m = month_of(db_text(&q, 0));
		const char *size = db_text(&q, 1);
		int64_t n = db_int(&q, 2), g = n * st.grams[!strcmp(size, "petit") ? 0 : !strcmp(size, "moyen") ? 1 : 2];
		out->parcels += n, out->grams += g;
		if (m >= 0)
			out->m_parcels[m] += n, out->m_grams[m] += g;
		tally_add(x->a, &out->kg_by_category, PARCEL_KG, g);
	}
	db_close(&q);
	if ((e = DBQ(x->c, &Q_R_VISITS, &q, A_TEXT(from), A_TEXT(to))) != E_OK)
		return e;
	while (db_next(&q)) {
		int m = month_of(db_text(&q, 0));
		out->visits += db_int(&q, 1), out->value += db_int(&q, 3), out->paid += db_int(&q, 4);
		if (m >= 0)
			out->m_visits[m] += db_int(&q, 1), out->m_value[m] += db_int(&q, 3);
	}
	db_close(&q);
	if ((e = DBQ(x->c, &Q_R_KG, &q, A_TEXT(from), A_TEXT(to))) != E_OK)
		return e;
	while (db_next(&q)) {
		int m = month_of(db_text(&q, 1));
		int64_t g = db_int(&q, 2);
		out->grams += g;
		if (m >= 0)
			out->m_grams[m] += g;
		tally_add(x->a, &out->kg_by_category, CODE_LABEL(FOOD_CATEGORIES, db_text(&q, 0)), g);
	}
	db_close(&q);
	if ((e = DBQ(x->c, &Q_R_MONTH_H, &q, A_TEXT(from), A_TEXT(to))) != E_OK)
		return e;
	while (db_next(&q)) {
		int m = month_of(db_text(&q, 0));
		if (m >= 0)
			out->m_households[m] = db_int(&q, 1);
	}
	db_close(&q);
	return E_OK;
}

/* ---- the page and its files ------------------------------------------------------------------------------ */

static const char *kg(arena *a, int64_t grams) { return arena_printf(a, "%lld,%01lld", (long long)(grams / 1000), (long long)(grams % 1000 / 100)); }

typedef struct row3 { const char *section, *label, *value; } row3;

/* The report as rows (section, label, value), the same in every format. */
static int rows_of(arena *a, const food_report *f, row3 **out)
{
	row3 *v = NULL;
	int n = 0, cap = 0;
#define ROW(s, l, val) do { row3 *p_ = ARENA_PUSH(a, v, n, cap); if (p_) *p_ = (row3){(s), (l), (val)}; } while (0)
	const char *S0 = "Ensemble de l’année";
	ROW(S0, "Foyers aidés", arena_printf(a, "%lld", (long long)f->households));
	ROW(S0, "Personnes aidées (membres de ces foyers)", arena_printf(a, "%lld", (long long)f->persons));
	ROW(S0, "Colis remis ou livrés", arena_printf(a, "%lld", (long long)f->parcels));
	ROW(S0, "Passages à l’épicerie", arena_printf(a, "%lld", (long long)f->visits));
	ROW(S0, "Kilogrammes distribués", kg(a, f->grams));
	ROW(S0, "Valeur des achats au prix en magasin (€)", money_format(a, f->value));
	ROW(S0, "Participation payée par les foyers (€)", money_format(a, f->paid));
	for (int i = 0; i < f->ages.count; i++)
		ROW("Personnes par tranche d’âge", f->ages.label[i], arena_printf(a, "%lld", (long long)f->ages.n[i]));
	for (int i = 0; i < f->compositions.count; i++)
		ROW("Foyers par composition", f->compositions.label[i], arena_printf(a, "%lld", (long long)f->compositions.n[i]));
	for (int i = 0; i < f->kg_by_category.count; i++)
		ROW("Kilogrammes par catégorie", f->kg_by_category.label[i], kg(a, f->kg_by_category.n[i]));
	for (int m = 0; m < 12; m++)
		ROW("Mois", civil_month_name(m + 1),
		    arena_printf(a, "%lld foyers · %lld colis · %lld passages · %s kg · %s €", (long long)f->m_households[m], (long long)f->m_parcels[m],
		                 (long long)f->m_visits[m], kg(a, f->m_grams[m]), money_format(a, f->m_value[m])));
#undef ROW
	*out = v;
	return n;
}

static void report_page(web_req *r)
{
	food_ctx x = FOOD_CTX(r);
	int64_t year = x.today.y;
	const char *ys = web_arg(r, "annee"), *fmt = web_arg(r, "format");
	if ((ys && *ys && !text_to_int64(ys, 2000, x.today.y, &year)) ||
	    (fmt && *fmt && strcmp(fmt, "csv") && strcmp(fmt, "xlsx") && strcmp(fmt, "pdf"))) {
		web_error(r, E_INPUT, arena_printf(r->a, "L’année : de 2000 à %d ; le format : csv, xlsx ou pdf.", x.today.y));
		return;
	}
	food_report f;
	if (food_report_make(&x, (int)year, &f) != E_OK) {
		web_error(r, E_DB, NULL);
		return;
	}
	row3 *rows;
	int n = rows_of(r->a, &f, &rows);
	const char *title = arena_printf(r->a, "Aide alimentaire — rapport de l’année %lld", (long long)year);
	if (fmt && !strcmp(fmt, "csv")) {
		buf *b = &r->out;
		buf_adds(b, "\xEF\xBB\xBF");
		csv_write_cell(b, "Rubrique", false), csv_write_cell(b, "Libellé", false), csv_write_cell(b, "Valeur", true);
		for (int i = 0; i < n; i++)
			csv_write_cell(b, rows[i].section, false), csv_write_cell(b, rows[i].label, false), csv_write_cell(b, rows[i].value, true);
		r->out_type = "text/csv; charset=utf-8";
		web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"aide-alimentaire-%lld.csv\"", (long long)year));
	} else if (fmt && !strcmp(fmt, "xlsx")) {
		xlsx_doc *xd = xlsx_new("Rapport");
		static const char *const hd[] = {"Rubrique", "Libellé", "Valeur"};
		xlsx_header(xd, hd, 3);
		for (int i = 0; i < n; i++) {
			xlsx_text(xd, 0, rows[i].section), xlsx_text(xd, 1, rows[i].label), xlsx_text(xd, 2, rows[i].value);
			xlsx_next_row(xd);
		}
		size_t len = 0;
		void *bytes = xlsx_finish(xd, r->a, &len);
		if (!bytes) {
			web_error(r, E_INTERNAL, NULL);
			return;
		}
		buf_add(&r->out, bytes, len);
		r->out_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"aide-alimentaire-%lld.xlsx\"", (long long)year));
	} else if (fmt && !strcmp(fmt, "pdf")) {
		const char *why = NULL;
		pdf_doc *pd = pdf_new(title, &why);
		if (!pd) {
			web_error(r, E_INTERNAL, why);
			return;
		}
		pdf_small(pd, r->user->structure_name);
		pdf_heading(pd, title);
		pdf_para(pd, arena_printf(r->a, "Du 1er janvier au 31 décembre %lld%s. Un foyer est compté une fois dans l’année, quelle que soit l’aide "
		                                "reçue ; les personnes sont les membres de ces foyers.", (long long)year,
		                          year == x.today.y ? arena_printf(r->a, " (arrêté au %s)", civil_fr(r->a, civil_iso(r->a, x.today))) : ""));
		const char *sec = "";
		for (int i = 0; i < n; i++) {
			if (strcmp(sec, rows[i].section))
				pdf_section(pd, sec = rows[i].section);
			pdf_field(pd, rows[i].label, rows[i].value);
		}
		journal_record(r->db, r->user->id, "export", "food_report", 0, arena_printf(r->a, "year=%lld pdf", (long long)year));
		pdf_send(r, pd, arena_printf(r->a, "aide-alimentaire-%lld.pdf", (long long)year));
		return;
	}
	if (fmt) {
		journal_record(r->db, r->user->id, "export", "food_report", 0, arena_printf(r->a, "year=%lld %s", (long long)year, fmt));
		return;
	}
	page_begin(r, title);
	buf *b = &r->out;
	food_subnav(r, "/alimentaire/rapport");
	html_printf(b, "<form method=\"get\" action=\"/alimentaire/rapport\" class=\"inline\"><label for=\"annee\">Année</label> "
	               "<input id=\"annee\" name=\"annee\" type=\"number\" min=\"2000\" max=\"%d\" value=\"%lld\"> <button type=\"submit\">Afficher</button> "
	               "<a href=\"/alimentaire/rapport?annee=%lld&amp;format=pdf\">PDF</a> · <a href=\"/alimentaire/rapport?annee=%lld&amp;format=xlsx\">"
	               "Tableur (XLSX)</a> · <a href=\"/alimentaire/rapport?annee=%lld&amp;format=csv\">CSV</a></form>",
	            x.today.y, (long long)year, (long long)year, (long long)year, (long long)year);
	html_lit(b, "<p class=\"muted\">Ce que la banque alimentaire demande à ses structures partenaires. Un foyer est compté une fois dans "
	            "l’année, quelle que soit l’aide reçue ; les kilogrammes des colis sont comptés au poids moyen réglé par taille.</p>");
	const char *sec = "";
	for (int i = 0; i <= n; i++) {
		if (i == n || strcmp(sec, rows[i].section)) {
			if (*sec)
				html_table_close(b);
			if (i == n)
				break;
			sec = rows[i].section;
			html_table(b, sec, 0, "Libellé", "Valeur");
		}
		html_printf(b, "<tr><td>%s</td><td>%s</td></tr>", rows[i].label, rows[i].value);
	}
	page_end(r);
}

void food_report_init(void)
{
	web_route(M_GET, "/alimentaire/rapport", report_page, PERM_FOOD_READ, 0, "Aide alimentaire : rapport annuel (page, CSV, XLSX, PDF)");
}
