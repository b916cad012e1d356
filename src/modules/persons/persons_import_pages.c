/*
 * persons_import_pages.c — moving a structure's households in from a
 * spreadsheet, by a page and by the API (the command `openccas import
 * personnes` does the same from a file on the server; persons_import.c
 * reads and writes for all three).
 *
 * The upload is checked whole and writes nothing: the page says what each
 * column was read as, how many persons and households the file has, the
 * lines refused (the file is then refused whole: one error and nothing is
 * written) and the persons the structure already has (same names and birth
 * date), and those twice in the file — importing them would make them
 * twice, so the agent says so before anything is written. The file waits in the database between the
 * check and the confirmation (app nodes keep no state), for a day at most;
 * the confirmation checks it again, writes every household in one
 * transaction only if the figures are still those the agent saw, and drops
 * it; « Abandonner » drops it at once, `openccas purge` those left a day
 * (the module's purge hook).
 */
#include <stdio.h>
#include <string.h>
#include "core/civil.h"
#include "core/log.h"
#include "core/text.h"
#include "modules/persons/persons_internal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

static db_sql Q_STORE = DB_SQL(DB_SCOPED,
	"INSERT INTO person_imports (structure_id, user_id, created_at, name, data) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static db_sql Q_LOAD = DB_SQL(DB_SCOPED,
	"SELECT data, name FROM person_imports WHERE structure_id = $1 AND id = $2 AND user_id = $3");
static db_sql Q_DROP = DB_SQL(DB_SCOPED, "DELETE FROM person_imports WHERE structure_id = $1 AND id = $2 AND user_id = $3");
static db_sql Q_OLD = DB_SQL(DB_SCOPED, "DELETE FROM person_imports WHERE structure_id = $1 AND created_at < $2");
/* The purge's, across structures: the files are nobody's record, only waiting. */
static db_sql Q_PURGE = DB_SQL(DB_GLOBAL, "DELETE FROM person_imports WHERE created_at < $1");
static db_sql Q_PURGE_COUNT = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM person_imports WHERE created_at < $1");

static const char *GONE = "Ce fichier a déjà été importé, abandonné, ou n’est plus disponible : déposez-le à nouveau.";

/* The figures the agent saw, sent back with the confirmation. */
typedef struct seen_figures {
	long rows, households, known;
	long twice; /* -1: not sent (the API's callers before it was said) */
	bool accept_known;
} seen_figures;

static const char *file_name_of(arena *a, const char *name)
{
	const char *n = text_file_name(a, name, 120);
	return n && *n ? n : "fichier";
}

/* ---- the pages ------------------------------------------------------------------------------------ */

static void upload_form(web_req *r)
{
	buf *b = &r->out;
	form_begin(r, "<form method=\"post\" action=\"/personnes/import\" enctype=\"multipart/form-data\" class=\"compact\" "
	              "data-busy=\"Vérification en cours…\">");
	html_lit(b, "<div class=\"field\"><label for=\"f-file\">Tableur des foyers : XLSX (première feuille) ou CSV</label>"
	            "<input id=\"f-file\" name=\"file\" type=\"file\" accept=\".xlsx,.csv,text/csv\" required aria-describedby=\"f-file-h\">"
	            "<p class=\"hint\" id=\"f-file-h\">64 Mo au plus (pour un fichier plus gros, la commande <code>openccas import "
	            "personnes</code> sur le serveur). Rien n’est enregistré avant votre confirmation. La vérification d’un gros fichier "
	            "prend quelques secondes (100 000 lignes : 4 s environ).</p></div>"
	            "<button type=\"submit\" class=\"primary\">Vérifier le fichier</button><p class=\"muted\" role=\"status\" "
	            "data-busy-status></p></form>"
	            "<h2>Ce qui est lu</h2><p>Une ligne par personne ; les lignes d’un même foyer se suivent et portent la même "
	            "valeur dans la colonne « foyer » ; la première est le demandeur. Sans colonne « foyer », chaque ligne est "
	            "un foyer dont la personne est le demandeur. La première ligne porte les titres des "
	            "colonnes, dans n’importe quel ordre (jusqu’à cinq lignes de titre d’une ou deux cellules au-dessus sont "
	            "ignorées).</p><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Colonnes reconnues\">"
	            "<table class=\"data\"><caption>Colonnes reconnues</caption><thead><tr><th scope=\"col\">Colonne</th>"
	            "<th scope=\"col\">Aussi appelée</th><th scope=\"col\">Valeurs</th></tr></thead><tbody>"
	            "<tr><th scope=\"row\">foyer</th><td>N° foyer, Famille, Ménage</td><td>ce qui distingue les foyers ; sans elle, une "
	            "ligne par foyer</td></tr>"
	            "<tr><th scope=\"row\">nom (obligatoire)</th><td>Nom d’usage, Nom de famille</td><td>100 caractères au plus</td></tr>"
	            "<tr><th scope=\"row\">prenoms (obligatoire)</th><td>Prénom</td><td>150 caractères au plus</td></tr>"
	            "<tr><th scope=\"row\">nom_naissance</th><td>Nom de naissance</td><td></td></tr>"
	            "<tr><th scope=\"row\">lien</th><td>Lien de parenté</td><td>demandeur, conjoint, enfant, hébergé, parent, autre "
	            "(ou conjointe, époux, fils, fille, père, mère…)</td></tr>"
	            "<tr><th scope=\"row\">sexe</th><td>Genre</td><td>F ou M (ou femme, homme)</td></tr>"
	            "<tr><th scope=\"row\">date_naissance</th><td>Date de naissance, Né(e) le</td><td>JJ/MM/AAAA (ou JJ-MM-AAAA, JJ.MM.AAAA, "
	            "AAAA-MM-JJ), de 1900 à aujourd’hui</td></tr>"
	            "<tr><th scope=\"row\">lieu_naissance</th><td>Lieu de naissance, Né(e) à</td><td></td></tr>"
	            "<tr><th scope=\"row\">telephone</th><td>Tél, Portable, Mobile</td><td>6 à 15 chiffres ; le 0 perdu par le tableur "
	            "est remis</td></tr>"
	            "<tr><th scope=\"row\">email</th><td>Courriel, Mail, E-mail</td><td></td></tr>"
	            "<tr><th scope=\"row\">numero, voie, code_postal, commune</th><td>N°, Rue, Adresse, CP, Ville</td>"
	            "<td>l’adresse du foyer, lue sur la ligne du demandeur ; code postal de 5 chiffres</td></tr></tbody></table></div>"
	            "<p>Les espaces autour des valeurs ne comptent pas. Une colonne au titre inconnu, ou une valeur sous une colonne "
	            "sans titre, refuse le fichier en la nommant : "
	            "rien de ce qui est saisi dans le tableur n’est laissé de côté sans le dire.</p>");
}

static void form_page(web_req *r, int status, const char *notice_kind, const char *notice)
{
	r->status = status;
	page_begin(r, "Importer des foyers (tableur)");
	if (notice)
		page_notice(r, notice_kind, notice);
	upload_form(r);
	page_end(r);
}

static void import_get(web_req *r)
{
	int64_t rows = 0, households = 0;
	const char *rs = web_arg(r, "importees"), *hs = web_arg(r, "foyers");
	if (rs && hs && text_to_int64(rs, 0, INT32_MAX, &rows) && text_to_int64(hs, 0, INT32_MAX, &households))
		form_page(r, 200, "ok",
		          arena_printf(r->a, "%lld personne%s importée%s, en %lld foyer%s.", (long long)rows, rows > 1 ? "s" : "",
		                       rows > 1 ? "s" : "", (long long)households, households > 1 ? "s" : ""));
	else if (web_arg(r, "abandon"))
		form_page(r, 200, "info", "Import abandonné : le fichier déposé est effacé, rien n’a été enregistré.");
	else
		form_page(r, 200, NULL, NULL);
}

/* The lines refused, as a list; the figures when the file could be read. */
static void refusal(web_req *r, const char *file, const persons_import_report *rep)
{
	buf *b = &r->out;
	r->status = 422;
	page_begin(r, "Importer des foyers (tableur)");
	page_notice(r, "error",
	            rep->refused > 1
	                ? arena_printf(r->a, "Le fichier « %s » est refusé : %ld lignes ont un problème. Rien n’a été enregistré.",
	                               file, rep->refused)
	                : arena_printf(r->a, "Le fichier « %s » est refusé. Rien n’a été enregistré.", file));
	if (rep->columns[0])
		html_printf(b, "<p>Colonnes lues : %s.</p>", rep->columns);
	html_lit(b, "<h2>À corriger</h2><ul>");
	for (int i = 0; i < rep->nerr; i++)
		if (rep->err_line[i] > 0)
			html_printf(b, "<li>Ligne %ld : %s</li>", rep->err_line[i], rep->err_msg[i]);
		else
			html_printf(b, "<li>%s</li>", rep->err_msg[i]);
	html_lit(b, "</ul>");
	if (rep->refused > rep->nerr)
		html_printf(b, "<p>Les %d premières sont listées ; %ld autre%s : corrigez celles-ci et déposez le fichier à nouveau.</p>",
		            rep->nerr, rep->refused - rep->nerr, rep->refused - rep->nerr > 1 ? "s" : "");
	html_lit(b, "<h2>Déposer le fichier corrigé</h2>");
	upload_form(r);
	page_end(r);
}

static void lines(buf *b, long all, int n, const long *line)
{
	html_printf(b, "ligne%s ", all > 1 ? "s" : "");
	for (int i = 0; i < n; i++)
		html_printf(b, "%s%ld", i ? ", " : "", line[i]);
	if (all > n)
		html_printf(b, " et %ld autre%s", all - n, all - n > 1 ? "s" : "");
}

/* The check's figures and the confirmation's form; notice (may be NULL): why the confirmation came back here. */
static void preview(web_req *r, int64_t id, const char *file, const persons_import_report *rep, const char *notice)
{
	buf *b = &r->out;
	page_begin(r, "Vérification avant import");
	if (notice)
		page_notice(r, "error", notice);
	html_printf(b, "<p>Fichier « %s ». Rien n’est encore enregistré.</p>", file);
	html_printf(b, "<div role=\"status\"><ul class=\"figures\"><li><strong>%ld</strong> personne%s</li>"
	               "<li><strong>%ld</strong> foyer%s</li><li><strong>%ld</strong> déjà enregistrée%s</li>",
	            rep->rows, rep->rows > 1 ? "s" : "", rep->households, rep->households > 1 ? "s" : "", rep->known,
	            rep->known > 1 ? "s" : "");
	if (rep->twice)
		html_printf(b, "<li><strong>%ld</strong> en double dans le fichier</li>", rep->twice);
	html_lit(b, "</ul></div>");
	html_printf(b, "<p>Colonnes lues : %s.</p>", rep->columns);
	form_begin(r, "<form method=\"post\" action=\"/personnes/import/%lld\" data-busy=\"Import en cours (une minute au plus pour un "
	              "gros fichier)…\">",
	           (long long)id);
	html_printf(b, "<input type=\"hidden\" name=\"rows\" value=\"%ld\"><input type=\"hidden\" name=\"households\" value=\"%ld\">"
	               "<input type=\"hidden\" name=\"known\" value=\"%ld\"><input type=\"hidden\" name=\"twice\" value=\"%ld\">",
	            rep->rows, rep->households, rep->known, rep->twice);
	if (rep->known || rep->twice) {
		html_lit(b, "<div class=\"notice notice-error\" role=\"alert\">");
		if (rep->known) {
			html_printf(b, "<p>%ld personne%s du fichier %s déjà dans OpenCCAS (même nom, prénom et date de naissance) — ",
			            rep->known, rep->known > 1 ? "s" : "", rep->known > 1 ? "sont" : "est");
			lines(b, rep->known, rep->nknown, rep->known_line);
			html_lit(b, ". L’import en ferait de nouveaux dossiers, en double : le fichier a peut-être déjà été importé.</p>");
		}
		if (rep->twice) {
			html_printf(b, "<p>%ld ligne%s du fichier %s une personne déjà sur une ligne au-dessus (même nom, prénom et date de "
			               "naissance) — ",
			            rep->twice, rep->twice > 1 ? "s" : "", rep->twice > 1 ? "portent" : "porte");
			lines(b, rep->twice, rep->ntwice, rep->twice_line);
			html_lit(b, ". L’import en ferait autant de dossiers.</p>");
		}
		html_lit(b, "<p>Retirez ces lignes, ou confirmez ci-dessous.</p></div>"
		            "<div class=\"radio\"><input type=\"checkbox\" id=\"f-accept\" name=\"accept_known\" value=\"1\" required>"
		            "<label for=\"f-accept\">Importer quand même ces personnes, en double</label></div>");
	}
	html_printf(b, "<button type=\"submit\" class=\"primary\">Importer %ld personne%s en %ld foyer%s</button> ", rep->rows,
	            rep->rows > 1 ? "s" : "", rep->households, rep->households > 1 ? "s" : "");
	html_lit(b, "<p class=\"muted\" role=\"status\" data-busy-status></p></form><div>");
	form_begin(r, "<form method=\"post\" action=\"/personnes/import/%lld/abandon\" class=\"inline\">", (long long)id);
	html_lit(b, "<button type=\"submit\">Abandonner (le fichier déposé est effacé)</button></form></div>");
	page_end(r);
}

/* Checks an upload and keeps it: E_OK with *id, E_INPUT with the report (the file refused), else a failure. */
static err check_upload(web_req *r, const web_file *f, const char *file, persons_import_report *rep, int64_t *id)
{
	*id = 0;
	err e = persons_import_data(r->db, r->user->id, (const unsigned char *)f->data, f->len,
	                            PERSONS_IMPORT_CHECK | PERSONS_IMPORT_KNOWN, rep);
	if (e != E_OK)
		return e;
	/* Files left waiting more than a day go with the next one. */
	e = DBX(r->db, &Q_OLD, NULL, A_INT(civil_now() - 86400));
	if (e == E_OK)
		e = DBID(r->db, &Q_STORE, id, A_INT(r->user->id), A_INT(civil_now()), A_TEXT(file), A_BLOB(f->data, f->len));
	return e;
}

static void import_post(web_req *r)
{
	const web_file *f = web_file_field(r, "file");
	if (!f || !f->len) {
		form_page(r, 400, "error", "Choisissez un fichier XLSX ou CSV.");
		return;
	}
	const char *file = file_name_of(r->a, f->filename);
	persons_import_report rep = {0};
	int64_t id;
	err e = check_upload(r, f, file, &rep, &id);
	if (e == E_INPUT)
		refusal(r, file, &rep);
	else if (e != E_OK)
		web_error(r, e, NULL);
	else
		preview(r, id, file, &rep, NULL);
}

/* The upload taken in the import's own transaction, before it writes: a second confirmation of it (a double click,
 * two tabs) finds it gone and writes nothing — on PostgreSQL it waits for the first to end. */
typedef struct claim_of {
	web_req *r;
	int64_t id;
} claim_of;

static err claim(db_conn *c, void *ctx)
{
	claim_of *cl = ctx;
	int64_t gone = 0;
	err e = DBX(c, &Q_DROP, &gone, A_INT(cl->id), A_INT(cl->r->user->id));
	return e == E_OK && gone != 1 ? E_NOT_FOUND : e;
}

/* The confirmation, page and API: the stored file checked again, then written if the figures are those seen. */
/* *name: the upload's, for the page to show its check again (409: new figures; 400: the box not ticked). */
static err confirm(web_req *r, int64_t id, const seen_figures *seen, persons_import_report *rep, const char **why,
                   const char **name)
{
	db_res q = {0};
	size_t len = 0;
	unsigned char *data = NULL;
	err e = DBQ(r->db, &Q_LOAD, &q, A_INT(id), A_INT(r->user->id));
	if (e == E_OK && db_next(&q)) {
		data = db_blob(&q, 0, r->a, &len);
		*name = db_dup(&q, 1, r->a);
	}
	db_close(&q);
	if (e != E_OK)
		return e;
	if (!data) {
		*why = GONE;
		return E_NOT_FOUND;
	}
	e = persons_import_data(r->db, r->user->id, data, len, PERSONS_IMPORT_CHECK | PERSONS_IMPORT_KNOWN, rep);
	if (e == E_INPUT) {
		*why = "Le fichier est refusé à la nouvelle vérification : déposez-le à nouveau pour voir pourquoi.";
		return E_INPUT;
	}
	if (e != E_OK)
		return e;
	if (rep->rows != seen->rows || rep->households != seen->households || rep->known != seen->known ||
	    (seen->twice >= 0 && rep->twice != seen->twice)) {
		*why = arena_printf(r->a,
		                    "Depuis la vérification, les chiffres ont changé (%ld personnes, %ld foyers, %ld déjà enregistrées) : "
		                    "rien n’a été enregistré : vérifiez les nouveaux chiffres.",
		                    rep->rows, rep->households, rep->known);
		return E_CONFLICT;
	}
	if ((rep->known || rep->twice) && !seen->accept_known) {
		*why = arena_printf(r->a,
		                    "%ld personne%s du fichier déjà enregistrée%s, %ld ligne%s portant une personne déjà plus haut : cochez "
		                    "« Importer quand même ces personnes, en double », ou retirez ces lignes du fichier.",
		                    rep->known, rep->known > 1 ? "s" : "", rep->known > 1 ? "s" : "", rep->twice, rep->twice > 1 ? "s" : "");
		return E_INPUT;
	}
	claim_of cl = {r, id};
	rep->claim = claim;
	rep->claim_ctx = &cl;
	e = persons_import_data(r->db, r->user->id, data, len, 0, rep);
	if (e == E_NOT_FOUND)
		*why = GONE; /* another confirmation of it took it first */
	int analyzed = 0;
	if (e == E_OK && db_conn_refresh_stats(r->db, &analyzed) != E_OK) /* the planner's figures of the grown tables */
		log_warn("persons: the statistics were not refreshed after import %lld", (long long)id);
	if (e != E_OK && !*why)
		*why = "L’import a échoué : rien n’a été enregistré.";
	return e;
}

static bool field_long(const char *s, long *v)
{
	int64_t x = 0;
	if (!s || !text_to_int64(s, 0, INT32_MAX, &x))
		return false;
	*v = (long)x;
	return true;
}

static void import_confirm(web_req *r)
{
	seen_figures seen = {.accept_known = web_field(r, "accept_known") != NULL};
	if (!field_long(web_field(r, "rows"), &seen.rows) || !field_long(web_field(r, "households"), &seen.households) ||
	    !field_long(web_field(r, "known"), &seen.known) || !field_long(web_field(r, "twice"), &seen.twice)) {
		web_error(r, E_INPUT, "Le formulaire de confirmation est incomplet : vérifiez le fichier à nouveau.");
		return;
	}
	persons_import_report rep = {0};
	const char *why = NULL, *name = NULL;
	err e = confirm(r, r->param[0], &seen, &rep, &why, &name);
	if ((e == E_CONFLICT || e == E_INPUT) && name && rep.rows && !rep.refused) { /* the check again, as it is now */
		r->status = e == E_CONFLICT ? 409 : 400;
		preview(r, r->param[0], name, &rep, why);
		return;
	}
	if (e == E_INPUT || e == E_CONFLICT || e == E_NOT_FOUND) {
		form_page(r, e == E_NOT_FOUND ? 404 : e == E_CONFLICT ? 409 : 400, "error", why);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, why);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/personnes/import?importees=%ld&foyers=%ld", rep.rows, rep.households));
}

/* The upload erased: E_NOT_FOUND when there was none of this user's in the structure. */
static err drop(web_req *r, int64_t id)
{
	int64_t gone = 0;
	err e = DBX(r->db, &Q_DROP, &gone, A_INT(id), A_INT(r->user->id));
	return e == E_OK && !gone ? E_NOT_FOUND : e;
}

static void import_abandon(web_req *r)
{
	err e = drop(r, r->param[0]);
	if (e != E_OK) {
		web_error(r, e, e == E_NOT_FOUND ? GONE : NULL);
		return;
	}
	web_redirect(r, "/personnes/import?abandon=1");
}

/* ---- the API -------------------------------------------------------------------------------------- */

static json_t *report_json(const persons_import_report *rep)
{
	json_t *errors = json_array(), *known = json_array(), *twice = json_array();
	for (int i = 0; i < rep->nerr; i++)
		json_array_append_new(errors, json_pack("{s:I,s:s}", "line", (json_int_t)rep->err_line[i], "message", rep->err_msg[i]));
	for (int i = 0; i < rep->nknown; i++)
		json_array_append_new(known, json_integer(rep->known_line[i]));
	for (int i = 0; i < rep->ntwice; i++)
		json_array_append_new(twice, json_integer(rep->twice_line[i]));
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:s}", "rows", (json_int_t)rep->rows, "households",
	                 (json_int_t)rep->households, "refused", (json_int_t)rep->refused, "known", (json_int_t)rep->known, "twice",
	                 (json_int_t)rep->twice, "errors", errors, "known_lines", known, "twice_lines", twice, "columns", rep->columns);
}

static void api_import(web_req *r)
{
	const web_file *f = web_file_field(r, "file");
	if (!f || !f->len) {
		web_error_fields(r, json_pack("{s:s}", "file", "Joignez un fichier XLSX ou CSV (champ « file »)."));
		return;
	}
	const char *file = file_name_of(r->a, f->filename);
	persons_import_report rep = {0};
	int64_t id;
	err e = check_upload(r, f, file, &rep, &id);
	if (e == E_INPUT) {
		json_t *j = report_json(&rep);
		json_object_set_new(j, "error", json_pack("{s:s,s:s}", "code", "refused", "message",
		                                          "Le fichier est refusé : rien n’a été enregistré (voir « errors »)."));
		web_json(r, 422, j);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	json_t *j = report_json(&rep);
	json_object_set_new(j, "id", json_integer(id));
	json_object_set_new(j, "file", json_string(file));
	web_json(r, 201, j);
}

static bool json_long(json_t *in, const char *key, long *v)
{
	json_t *x = json_object_get(in, key);
	if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > INT32_MAX)
		return false;
	*v = (long)json_integer_value(x);
	return true;
}

static void api_confirm(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	seen_figures seen = {.accept_known = json_is_true(json_object_get(in, "accept_known")), .twice = -1};
	bool ok = json_long(in, "rows", &seen.rows) && json_long(in, "households", &seen.households) &&
	          json_long(in, "known", &seen.known) &&
	          (!json_object_get(in, "twice") || json_long(in, "twice", &seen.twice));
	json_decref(in);
	if (!ok) {
		web_error_fields(r, json_pack("{s:s}", "rows",
		                              "Renvoyez les chiffres de la vérification : « rows », « households » et « known »."));
		return;
	}
	persons_import_report rep = {0};
	const char *why = NULL, *name = NULL;
	err e = confirm(r, r->param[0], &seen, &rep, &why, &name);
	if (e != E_OK) {
		web_error(r, e, why);
		return;
	}
	web_json(r, 200, json_pack("{s:I,s:I}", "rows", (json_int_t)rep.rows, "households", (json_int_t)rep.households));
}

static void api_abandon(web_req *r)
{
	err e = drop(r, r->param[0]);
	if (e != E_OK) {
		web_error(r, e, e == E_NOT_FOUND ? GONE : NULL);
		return;
	}
	web_json(r, 200, json_pack("{s:b}", "abandoned", 1));
}

err persons_import_purge(db *d, civil_date on, bool apply, int64_t *count)
{
	return module_purge_older(d, &Q_PURGE_COUNT, &Q_PURGE, on, apply, count);
}

void persons_import_routes(void)
{
	web_route(M_GET, "/personnes/import", import_get, PERM_PERSONS_IMPORT, 0, "Importer des foyers (tableur)");
	web_route(M_POST, "/personnes/import", import_post, PERM_PERSONS_IMPORT, WEB_F_LARGE, "Vérifier un tableur de foyers");
	web_route(M_POST, "/personnes/import/{id}", import_confirm, PERM_PERSONS_IMPORT, 0, "Importer les foyers vérifiés");
	web_route(M_POST, "/personnes/import/{id}/abandon", import_abandon, PERM_PERSONS_IMPORT, 0, "Abandonner un import");
	web_route(M_POST, "/api/v1/persons/imports", api_import, PERM_PERSONS_IMPORT, WEB_F_LARGE,
	          "Vérifier un tableur de foyers (multipart, champ file)");
	web_route(M_POST, "/api/v1/persons/imports/{id}/confirm", api_confirm, PERM_PERSONS_IMPORT, 0,
	          "Importer les foyers vérifiés (tout ou rien)");
	web_route(M_POST, "/api/v1/persons/imports/{id}/abandon", api_abandon, PERM_PERSONS_IMPORT, 0, "Abandonner un import");
}
