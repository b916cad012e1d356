/*
 * persons_rules.c — the dated rules of the quotient familial and the reste
 * à vivre: the part table and the divisor. A new version takes effect on
 * a date; computations for earlier months keep using the version then in
 * force (persons_budget picks by date), so a decision can be explained
 * later with the rules that produced it.
 */
#include <stdio.h>
#include <string.h>
#include "modules/persons/persons_internal.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

static db_sql Q_RULES = DB_SQL(DB_SCOPED,
	"SELECT id, effective_from, parts_couple, parts_single_parent, parts_single, child1, child2, child3, child_more, "
	"disabled_child, rav_divisor FROM qf_rules WHERE structure_id = $1 ORDER BY effective_from DESC");
static db_sql Q_RULE_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO qf_rules (structure_id, effective_from, parts_couple, parts_single_parent, parts_single, child1, child2, "
	"child3, child_more, disabled_child, rav_divisor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id");

static const char *DIV_V[] = {"personnes", "parts", "uc"};
static const char *DIV_L[] = {"Nombre de personnes", "Nombre de parts", "Unités de consommation"};

typedef struct rule_in {
	const char *from, *f[8], *divisor;
} rule_in;
static const char *FIELD[8] = {"parts_couple", "parts_single_parent", "parts_single", "child1", "child2", "child3",
                               "child_more", "disabled_child"};
static const char *LABEL[8] = {"Couple", "Parent isolé", "Personne seule", "1er enfant", "2e enfant", "3e enfant",
                               "Chaque enfant suivant", "Enfant handicapé (en plus)"};

/* "1,5" or "1.5" parts → 150 (hundredths). */
static bool parts_parse(const char *s, int64_t *out)
{
	if (!s || !*s || strlen(s) > 6)
		return false;
	int64_t u = 0, f = 0;
	int fd = 0;
	bool frac = false;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (frac) {
				if (++fd > 2)
					return false;
				f = f * 10 + (*p - '0');
			} else {
				u = u * 10 + (*p - '0');
			}
		} else if ((*p == ',' || *p == '.') && !frac) {
			frac = true;
		} else {
			return false;
		}
	}
	if (fd == 1)
		f *= 10;
	*out = u * 100 + f;
	return *out <= 1000;
}

static const char *parts_fmt(arena *a, int64_t x)
{
	return x % 100 ? arena_printf(a, "%lld,%02lld", (long long)(x / 100), (long long)(x % 100))
	               : arena_printf(a, "%lld", (long long)(x / 100));
}


static err persons_rule_add(web_req *r, const rule_in *in, form_errors *fe, int64_t *id)
{
	civil_date d;
	int64_t v[8];
	if (!in->from || !civil_parse(in->from, &d))
		form_error(fe, "from", "Indiquez la date d’effet (AAAA-MM-JJ).");
	for (int i = 0; i < 8; i++)
		if (!parts_parse(in->f[i], &v[i]))
			form_error(fe, FIELD[i], arena_printf(r->a, "%s : un nombre de parts entre 0 et 10, par exemple 0,5.", LABEL[i]));
	bool ok = false;
	for (int i = 0; i < 3; i++)
		ok |= in->divisor && !strcmp(in->divisor, DIV_V[i]);
	if (!ok)
		form_error(fe, "divisor", "Choisissez le diviseur du reste à vivre dans la liste.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_RULE_ADD, id, A_TEXT(in->from), A_INT(v[0]), A_INT(v[1]), A_INT(v[2]), A_INT(v[3]), A_INT(v[4]),
		         A_INT(v[5]), A_INT(v[6]), A_INT(v[7]), A_TEXT(in->divisor));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "qf_rules", *id, in->from);
	e = db_finish(r->db, e);
	if (e == E_CONFLICT)
		form_error(fe, "from", "Une version prend déjà effet à cette date.");
	return e;
}

static void rules_page(web_req *r, const rule_in *in, const form_errors *fe)
{
	page_begin(r, "Quotient familial et reste à vivre : règles");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "La nouvelle version a été enregistrée.");
	html_lit(b, "<p>Chaque version prend effet à sa date ; les calculs d’un mois utilisent la version alors en vigueur. "
	            "Une version enregistrée ne se modifie pas : pour changer une règle, ajoutez une version.</p>"
	            "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Versions des règles\"><table class=\"data\"><caption>Versions (la plus récente d’abord)</caption><thead><tr>"
	            "<th scope=\"col\">En vigueur depuis</th>");
	for (int i = 0; i < 8; i++)
		html_printf(b, "<th scope=\"col\">%s</th>", LABEL[i]);
	html_lit(b, "<th scope=\"col\">Reste à vivre divisé par</th></tr></thead><tbody>");
	db_res q = {0};
	DBQ0(r->db, &Q_RULES, &q);
	int n = 0;
	while (db_next(&q)) {
		n++;
		char fr[11];
		civil_iso_to_fr(db_text(&q, 1), fr);
		html_printf(b, "<tr><td>%s</td>", fr);
		for (int i = 0; i < 8; i++)
			html_printf(b, "<td class=\"num\">%s</td>", parts_fmt(r->a, db_int(&q, 2 + i)));
		const char *dv = db_text(&q, 10);
		html_printf(b, "<td>%s</td></tr>", !strcmp(dv, "parts") ? DIV_L[1] : !strcmp(dv, "uc") ? DIV_L[2] : DIV_L[0]);
	}
	db_close(&q);
	html_lit(b, "</tbody></table></div>");
	if (!n)
		html_lit(b, "<p>Aucune version enregistrée : les valeurs de la CAF s’appliquent (couple ou parent isolé 2 parts, "
		            "personne seule 1, enfants 0,5 / 0,5 / 1 puis 0,5, enfant handicapé + 0,5, reste à vivre par personne).</p>");
	html_lit(b, "<h2>Nouvelle version</h2>");
	form_error_summary(b, fe);
	form_begin(r, "<form method=\"post\" action=\"/admin/quotient\" novalidate><div class=\"grid\">");
	form_input(b, &(form_field){.name = "from", .label = "Prend effet le", .type = "date", .required = true,
	                            .value = in ? in->from : NULL}, fe);
	static const char *defaults[8] = {"2", "2", "1", "0,5", "0,5", "1", "0,5", "0,5"};
	for (int i = 0; i < 8; i++)
		form_input(b, &(form_field){.name = FIELD[i], .label = LABEL[i], .required = true,
		                            .value = in ? in->f[i] : defaults[i], .hint = "en parts"}, fe);
	form_select(b, "divisor", "Reste à vivre divisé par", DIV_V, DIV_L, 3, in ? in->divisor : "personnes", fe);
	html_lit(b, "</div><button type=\"submit\" class=\"primary\">Enregistrer la version</button></form>");
	page_end(r);
}

static void rules_get(web_req *r) { rules_page(r, NULL, NULL); }

static void rules_post(web_req *r)
{
	rule_in in = {web_field(r, "from"), {0}, web_field(r, "divisor")};
	for (int i = 0; i < 8; i++)
		in.f[i] = web_field(r, FIELD[i]);
	form_errors fe = {0};
	int64_t id;
	err e = persons_rule_add(r, &in, &fe, &id);
	if (fe.n) {
		r->status = 400;
		rules_page(r, &in, &fe);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/admin/quotient?ok=1");
}

static void api_rules(web_req *r)
{
	json_t *arr = json_array();
	db_res q = {0};
	DBQ0(r->db, &Q_RULES, &q);
	while (db_next(&q)) {
		json_t *o = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)db_int(&q, 0), "effective_from", db_text(&q, 1),
		                      "rav_divisor", db_text(&q, 10));
		for (int i = 0; i < 8; i++)
			json_object_set_new(o, arena_printf(r->a, "%s_x100", FIELD[i]), json_integer(db_int(&q, 2 + i)));
		json_array_append_new(arr, o);
	}
	db_close(&q);
	web_json(r, 200, json_pack("{s:o}", "versions", arr));
}

static void api_rules_add(web_req *r)
{
	json_t *j = web_json_body(r);
	if (!j)
		return;
	rule_in in = {0};
	json_t *v = json_object_get(j, "effective_from");
	in.from = json_is_string(v) ? arena_strdup(r->a, json_string_value(v)) : NULL;
	v = json_object_get(j, "rav_divisor");
	in.divisor = json_is_string(v) ? arena_strdup(r->a, json_string_value(v)) : NULL;
	for (int i = 0; i < 8; i++) {
		v = json_object_get(j, arena_printf(r->a, "%s_x100", FIELD[i]));
		in.f[i] = json_is_integer(v) && json_integer_value(v) >= 0
		              ? arena_printf(r->a, "%lld,%02lld", (long long)(json_integer_value(v) / 100), (long long)(json_integer_value(v) % 100))
		              : NULL;
	}
	json_decref(j);
	form_errors fe = {0};
	int64_t id;
	err e = persons_rule_add(r, &in, &fe, &id);
	if (fe.n) {
		json_t *f = json_object();
		/* The API's field names, not the form's. */
		for (int i = 0; i < fe.n; i++) {
			const char *n = !strcmp(fe.name[i], "from") ? "effective_from" : !strcmp(fe.name[i], "divisor") ? "rav_divisor"
			              : arena_printf(r->a, "%s_x100", fe.name[i]);
			json_object_set_new(f, n, json_string(fe.msg[i]));
		}
		web_error_fields(r, f);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
}

void persons_rules_routes(void)
{
	web_route(M_GET, "/admin/quotient", rules_get, PERM_PERSONS_RULES, 0, "Règles du quotient familial");
	web_route(M_POST, "/admin/quotient", rules_post, PERM_PERSONS_RULES, 0, "Nouvelle version des règles");
	web_route(M_GET, "/api/v1/qf-rules", api_rules, PERM_PERSONS_SITUATION, 0, "Versions des règles QF et reste à vivre");
	web_route(M_POST, "/api/v1/qf-rules", api_rules_add, PERM_PERSONS_RULES, 0, "Ajouter une version des règles");
}
