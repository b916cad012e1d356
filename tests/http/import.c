/*
 * Moving in from DomiFa and from spreadsheets (issue 12), through the real
 * server: DomiFa's template written as DomiFa reads it (XLSX made here
 * with libxlsxwriter: dates as date cells, a telephone as a number,
 * formatted empty rows, a cell far to the right), its rules and its words,
 * the Excel row named; a Windows-1252 CSV; columns in another order; the
 * preview's figures exactly what the confirmation writes, all or nothing;
 * a person already known attached, not duplicated; the journal's detail;
 * DomiFa's exact template on the way out; and a round trip of the whole
 * demo through OpenCCAS's complete export into another structure, equal
 * field by field. With OPENCCAS_IMPORT_ROWS (default 100,000 on SQLite),
 * a file of that many rows imports and exports.
 */
#define T_NAME "http-import"
#include "http/h.h"
#include <jansson.h>
#include <stdbool.h>
#include <xlsxwriter.h>

static json_t *J(resp *r) { return json_loads(r->body, 0, NULL); }

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *d = malloc((size_t)len + 1);
	*n = fread(d, 1, (size_t)len, f);
	d[*n] = 0;
	fclose(f);
	return d;
}

/* DomiFa's 36 titles, then four dependants' blocks. */
static const char *const TITLES[52] = {
	"Numéro d'identification", "Civilité", "Nom", "Prénom", "Nom d'usage / Surnom", "Date naissance", "Lieu naissance", "Téléphone",
	"Email", "Statut domiciliation", "Motif de refus", "Motif de radiation", "Type de domiciliation",
	"Date de Début de la domiciliation", "Date de fin de la domiciliation", "Date 1ere domiciliation", "Date de dernier passage",
	"Orientation", "Détails de l'orientation", "La personne a t-elle déjà une domiciliation ?",
	"Quelle est la situation professionnelle ?", "Quelle est la situation professionnelle ?", "Le domicilié possède t-il des revenus ?",
	"Seulement si revenus, de quelle nature ?", "Lien avec la commune", "Détail du lien avec la commune", "Composition du ménage",
	"Situation résidentielle", "Si autre situation résidentielle, précisez", "Cause instabilité logement", "Si autre cause, précisez",
	"Motif principal de la demande", "Si autre motif, précisez", "Accompagnement social",
	"Par quelle structure est fait l'accompagnement ?", "Commentaires", "Nom Ayant-Droit 1", "Prénom Ayant-Droit 1",
	"Date de naissance Ayant-Droit 1", "Lien de Parenté Ayant-Droit 1", "Nom Ayant-Droit 2", "Prénom Ayant-Droit 2",
	"Date de naissance Ayant-Droit 2", "Lien de Parenté Ayant-Droit 2", "Nom Ayant-Droit 3", "Prénom Ayant-Droit 3",
	"Date de naissance Ayant-Droit 3", "Lien de Parenté Ayant-Droit 3", "Nom Ayant-Droit 4", "Prénom Ayant-Droit 4",
	"Date de naissance Ayant-Droit 4", "Lien de Parenté Ayant-Droit 4"};

typedef struct book {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *date, *yellow;
	char path[64];
} book;

static void book_open(book *b, bool titles)
{
	snprintf(b->path, sizeof b->path, "/tmp/openccas-domifa-%d.xlsx", (int)getpid());
	b->wb = workbook_new(b->path);
	b->ws = workbook_add_worksheet(b->wb, "Usagers");
	b->date = workbook_add_format(b->wb);
	format_set_num_format(b->date, "dd/mm/yyyy");
	b->yellow = workbook_add_format(b->wb);
	format_set_bg_color(b->yellow, 0xFFFF00);
	for (int i = 0; i < 52; i++)
		worksheet_write_string(b->ws, 0, (lxw_col_t)i, titles ? TITLES[i] : "colonne", NULL);
}

/* A row from ';'-separated cells; "D:dd/mm/yyyy" writes a date cell,
 * "N:123" a number, anything else text. Excel row = row (1-based). */
static void book_row(book *b, int row, const char *cells)
{
	char *dup = strdup(cells), *save = NULL;
	int col = 0;
	for (char *p = dup;; col++) {
		char *semi = strchr(p, ';');
		if (semi)
			*semi = 0;
		if (!strncmp(p, "D:", 2)) {
			int d, m, y;
			sscanf(p + 2, "%d/%d/%d", &d, &m, &y);
			lxw_datetime dt = {y, m, d, 0, 0, 0};
			worksheet_write_datetime(b->ws, (lxw_row_t)(row - 1), (lxw_col_t)col, &dt, b->date);
		} else if (!strncmp(p, "N:", 2)) {
			worksheet_write_number(b->ws, (lxw_row_t)(row - 1), (lxw_col_t)col, strtod(p + 2, NULL), NULL);
		} else if (*p) {
			worksheet_write_string(b->ws, (lxw_row_t)(row - 1), (lxw_col_t)col, p, NULL);
		}
		if (!semi)
			break;
		p = semi + 1;
	}
	(void)save;
	free(dup);
}

static char *book_close(book *b, size_t *n)
{
	workbook_close(b->wb);
	char *d = slurp(b->path, n);
	unlink(b->path);
	return d;
}

static long long jint(json_t *j, const char *k) { return (long long)json_integer_value(json_object_get(j, k)); }

/* The persons API's first hit for q: person and household ids. */
static long long find_person(cli *k, const char *q, long long *hid)
{
	char path[200];
	char *e = curl_easy_escape(k->c, q, 0);
	snprintf(path, sizeof path, "/api/v1/persons?q=%s", e);
	curl_free(e);
	json_t *j = J(get(k, path));
	json_t *hit = json_array_get(json_object_get(j, "results"), 0);
	long long pid = jint(hit, "person_id");
	if (hid)
		*hid = jint(hit, "household_id");
	json_decref(j);
	return pid;
}

/* The domiciliation of a person (its page's path). */
static long long domi_of(cli *k, long long pid)
{
	json_t *j = J(get(k, "/api/v1/domiciliations?limit=1000"));
	long long id = 0;
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(j, "domiciliations"), i, d)
		if (jint(d, "person_id") == pid)
			id = jint(d, "id");
	json_decref(j);
	return id;
}

static void test_domifa_template(srv *s, cli *mgr)
{
	T_GROUP("DomiFa's template as DomiFa writes it: read, its rules, its words, the Excel row");
	/* Someone already known: the file's row 16 is her. */
	CHECK_INT(post_json(mgr, "/api/v1/households", "{\"last_name\":\"Déjà-Connue\",\"first_names\":\"Odile\",\"birth_date\":"
	                                               "\"1975-04-04\",\"confirm_duplicate\":true}")->status, 201);
	book b;
	book_open(&b, true);
	book_row(&b, 2, "D-101;F;Importée;Zélie;Polo;D:15/06/1980;Saint-Denis;N:612345678;zelie@exemple.fr;VALIDE;;;PREMIERE;"
	                "D:15/06/2020;D:14/06/2021;;D:01/10/2020;OUI;CAF;NON;SALARIE;;OUI;Salaire;RESIDENTIEL;;FEMME_ISOLE_AVEC_ENFANT;"
	                "HEBERGEMENT_TIERS;;RUPTURE;;PRESTATIONS_SOCIALES;CAF et CPAM;NON;;Arrivée en juin;"
	                "Importée;Noé;D:05/06/2015;ENFANT;Marin;Paul;D:02/02/1978;CONJOINT");
	worksheet_write_string(b.ws, 1, 149, "cellule lointaine", b.yellow); /* column 150: ignored, counted */
	for (int r = 3; r <= 7; r++)
		worksheet_write_blank(b.ws, (lxw_row_t)(r - 1), 2, b.yellow); /* formatted, empty: skipped */
	book_row(&b, 8, "D-102;H;Mauvaise;Date;;15.06.1980;Lyon;;;VALIDE;;;PREMIERE;D:01/01/2021;D:31/12/2021");
	book_row(&b, 9, "D-103;H;Nombre;Seul;;N:2019;Lyon;;;VALIDE;;;PREMIERE;D:01/01/2021;D:31/12/2021");
	book_row(&b, 10, "D-104;F;Refusée;Histoire;;D:01/02/1990;Brest;;;REFUS;SATURATION;;PREMIERE;;D:03/02/2021");
	book_row(&b, 11, "D-105;H;Radié;Logé;;D:01/03/1970;Nantes;;;RADIE;;ENTREE_LOGEMENT;RENOUVELLEMENT;D:01/03/2021;D:01/03/2022;"
	                 "D:01/03/2019");
	book_row(&b, 12, "D-106;H;Anniversaire;Jour;;D:10/10/1960;Paris;0692 11 22 33;;VALIDE;;;PREMIERE;01/01/2022;01/01/2023;;"
	                 "D:02/01/2022");
	book_row(&b, 13, "D-107;F;Tropl;Ongue;;D:10/10/1960;Paris;;;VALIDE;;;PREMIERE;D:01/01/2022;D:01/06/2023");
	book_row(&b, 14, "D-108;X;Civile;Inconnue;;D:10/10/1960;Paris;;;VALIDE;;;PREMIERE;D:01/01/2022;D:31/12/2022");
	book_row(&b, 15, "D-109;F;Ayant;Incomplet;;D:10/10/1960;Paris;;;VALIDE;;;PREMIERE;D:01/01/2022;D:31/12/2022;;;;;;;;;;;;;;;;;;;;;;"
	                 "Seul-Nom");
	book_row(&b, 16, "D-110;F;Déjà-Connue;Odile;;D:04/04/1975;Oran;;;VALIDE;;;PREMIERE;D:01/09/2022;D:31/08/2023;;D:01/09/2022");
	book_row(&b, 17, "D-111;H;-2+3+cmd|' /C calc'!A0;Formule;;D:01/01/1980;Paris;;;VALIDE;;;PREMIERE;D:01/01/2024;D:31/12/2024;;"
	                 "D:02/01/2024");
	size_t n = 0;
	char *data = book_close(&b, &n);
	resp *r = post_file(mgr, "/domiciliation/import", "file", "modele_import_domifa.xlsx", data, n);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Disposition du modèle d’import de DomiFa");
	CHECK_HAS(r->body, "<strong>11</strong> lignes lues");
	CHECK_HAS(r->body, "<strong>6</strong> prêtes à importer, dont <strong>1</strong> rattachée");
	CHECK_HAS(r->body, "<strong>5</strong> refusées");
	CHECK_HAS(r->body, "ligne 8, colonne F (Date naissance) : « 15.06.1980 » — n’est pas une date au format JJ/MM/AAAA");
	CHECK_HAS(r->body, "ligne 9, colonne F (Date naissance) : « 2019 » — un nombre n’est pas une date");
	CHECK_HAS(r->body, "ligne 13, colonne O (Date de fin de la domiciliation)");
	CHECK_HAS(r->body, "ligne 14, colonne B (Civilité) : « X » — attendu H (homme) ou F (femme)");
	CHECK_HAS(r->body, "Prénom ayant droit 1");
	CHECK_HAS(r->body, "même jour un an après : enregistrée au 31/12/2022");
	CHECK_HAS(r->body, "au-delà de la 99<sup>e</sup> colonne");
	CHECK_LACKS(r->body, "ligne 3"); /* formatted empty rows: nothing said */
	char imp[16] = "";
	extract(r->body, "action=\"/domiciliation/import/", imp, sizeof imp);
	CHECK(*imp, "an import waiting for confirmation");
	char path[128], body[256];
	snprintf(path, sizeof path, "/domiciliation/import/%s/rapport.csv", imp);
	r = get(mgr, path);
	CHECK_HAS(r->body, "\"8\";\"Mauvaise\";\"Date\";\"refusée\"");
	CHECK_HAS(r->body, "\"16\";\"Déjà-Connue\";\"Odile\";\"rattachée à une personne déjà connue\"");
	/* Nothing written by the preview; no confirmation without choosing. */
	CHECK_INT(find_person(mgr, "zelie importee", NULL), 0);
	snprintf(path, sizeof path, "/api/v1/domiciliations/imports/%s/confirm", imp);
	r = post_json(mgr, path, "{}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "lignes refusées");
	r = post_json(mgr, path, "{\"accept_refused\": true, \"ready\": 5}");
	CHECK_INT(r->status, 409); /* not the figures of the preview */
	CHECK_INT(find_person(mgr, "zelie importee", NULL), 0);
	snprintf(path, sizeof path, "/domiciliation/import/%s", imp);
	snprintf(body, sizeof body, "_csrf=%s&ready=6&accept_refused=1", mgr->csrf);
	r = post(mgr, path, body);
	CHECK_INT(r->status, 303);
	CHECK_HAS(r->headers, "importees=6");
	CHECK_INT(post(mgr, path, body)->status, 404); /* once */

	T_GROUP("what was written, field by field");
	long long hid = 0, pid = find_person(mgr, "zelie importee", &hid);
	CHECK(pid > 0, "the applicant");
	snprintf(path, sizeof path, "/api/v1/households/%lld", hid);
	r = get(mgr, path);
	CHECK_HAS(r->body, "\"last_name\":\"Importée\""); /* the nickname is no surname */
	CHECK_LACKS(r->body, "\"last_name\":\"Polo\"");
	CHECK_HAS(r->body, "0612345678");                 /* the telephone's 0 */
	snprintf(path, sizeof path, "/foyers/%lld", hid);
	r = get(mgr, path);
	CHECK_HAS(r->body, "Noé");
	CHECK_HAS(r->body, "Paul");
	long long d = domi_of(mgr, pid);
	snprintf(path, sizeof path, "/domiciliation/%lld", d);
	r = get(mgr, path);
	CHECK_HAS(r->body, "du 15/06/2020 au 14/06/2021");
	CHECK_HAS(r->body, "Polo");                         /* usage name or nickname, kept as such */
	CHECK_HAS(r->body, "D-101");                        /* DomiFa's number */
	CHECK_HAS(r->body, "Entretien (repris de DomiFa)");
	CHECK_HAS(r->body, "Femme isolée avec enfant(s)");
	CHECK_HAS(r->body, "Rupture familiale et/ou conjugale");
	CHECK_HAS(r->body, "Accès aux prestations sociales");
	pid = find_person(mgr, "histoire refusee", NULL);
	snprintf(path, sizeof path, "/domiciliation/%lld", domi_of(mgr, pid));
	r = get(mgr, path);
	CHECK_HAS(r->body, "Nombre maximal de domiciliations atteint"); /* as recorded, not rewritten */
	pid = find_person(mgr, "loge radie", NULL);
	snprintf(path, sizeof path, "/domiciliation/%lld", domi_of(mgr, pid));
	r = get(mgr, path);
	CHECK_HAS(r->body, "le 01/03/2022");
	CHECK_HAS(r->body, "Accès à un logement stable");
	pid = find_person(mgr, "jour anniversaire", NULL);
	snprintf(path, sizeof path, "/domiciliation/%lld", domi_of(mgr, pid));
	CHECK_HAS(get(mgr, path)->body, "au 31/12/2022");
	/* The person already known: one person, her domiciliation attached. */
	r = get(mgr, "/api/v1/persons?q=odile+deja+connue");
	json_t *j = J(r);
	CHECK_INT(json_array_size(json_object_get(j, "results")), 1);
	json_decref(j);
	cli dpo;
	cli_init(&dpo, s);
	CHECK_INT(login(&dpo, DEMO("dpo"), DEMO_PW), 303);
	r = get(&dpo, "/api/v1/journal?kind=domiciliation&action=import");
	CHECK_HAS(r->body, "file=modele_import_domifa.xlsx rows=11 written=6 refused=5 matched=1");
	cli_free(&dpo);
	free(data);

	T_GROUP("DomiFa's exact template on the way out");
	r = get(mgr, "/domiciliation/export?disposition=domifa&format=csv");
	CHECK_INT(r->status, 200);
	const char *nl = strstr(r->body, "\r\n");
	int seps = 0;
	for (const char *p = r->body; nl && p < nl; p++)
		seps += *p == ';';
	CHECK_INT(seps, 51); /* 52 titled columns */
	CHECK_HAS(r->body, "\"Nom Ayant-Droit 1\";\"Prénom Ayant-Droit 1\";\"Date de naissance Ayant-Droit 1\"");
	CHECK_HAS(r->body, "\"D-101\";\"F\";\"Importée\";\"Zélie\";\"Polo\";\"15/06/1980\"");
	CHECK_HAS(r->body, "\"REFUS\";\"SATURATION\"");
	CHECK_HAS(r->body, "\"RADIE\";\"\";\"ENTREE_LOGEMENT\";\"RENOUVELLEMENT\";\"01/03/2021\";\"01/03/2022\"");
	CHECK_HAS(r->body, "\"ENFANT\"");
	CHECK_HAS(r->body, "\"'-2+3+cmd|' /C calc'!A0\""); /* no formula reaches a spreadsheet */
	r = get(mgr, "/domiciliation/export?disposition=domifa&format=xlsx");
	CHECK(r->status == 200 && r->len > 1000 && !memcmp(r->body, "PK", 2), "the template as a workbook");
	/* Read back by the import: DomiFa's template is DomiFa's template. */
	char *x = malloc(r->len);
	memcpy(x, r->body, r->len);
	size_t xl = r->len;
	r = post_file(mgr, "/domiciliation/import", "file", "export-domifa.xlsx", x, xl);
	free(x);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Disposition du modèle d’import de DomiFa");
}

/* A small CSV previewed (its page must say `preview`), then confirmed through the API with its ready rows:
 * the confirmation's status. */
static int preview_confirm(cli *mgr, const char *name, const char *csv, size_t n, const char *preview, int ready)
{
	resp *r = post_file(mgr, "/domiciliation/import", "file", name, csv, n);
	CHECK_HAS(r->body, preview);
	char imp[16] = "", path[96], body[32];
	extract(r->body, "action=\"/domiciliation/import/", imp, sizeof imp);
	snprintf(path, sizeof path, "/api/v1/domiciliations/imports/%s/confirm", imp);
	snprintf(body, sizeof body, "{\"ready\": %d}", ready);
	return post_json(mgr, path, body)->status;
}

static void test_confirm_once(srv *s, cli *mgr)
{
	T_GROUP("four confirmations of one preview at once (a double click, two tabs): one import");
	/* Berthe Deuxfois is known (test_other_files): each confirmation would find her, the figures unchanged. */
	const char csv[] = "Nom;Prénom;Civilité;Date naissance;Lieu naissance;Statut domiciliation;Type de domiciliation;"
	                   "Date de Début de la domiciliation;Date de fin de la domiciliation\r\n"
	                   "Deuxfois;Berthe;F;04/04/1975;Oran;VALIDE;RENOUVELLEMENT;01/09/2023;31/08/2024\r\n";
	resp *r = post_file(mgr, "/domiciliation/import", "file", "une-fois.csv", csv, sizeof csv - 1);
	char imp[16] = "";
	extract(r->body, "action=\"/domiciliation/import/", imp, sizeof imp);
	enum { NC = 4 };
	char cpath[96];
	snprintf(cpath, sizeof cpath, "/api/v1/domiciliations/imports/%s/confirm", imp);
	int refused = 0, imported = posts_at_once(s, DEMO("responsable"), NC, cpath, "{\"ready\": 1}", true, 200, &refused);
	CHECK(imported == 1 && refused == NC - 1, "one confirmation imported, the others refused (%d imported, %d refused)", imported,
	      refused);
	CHECK(db_zero("SELECT abs(count(*) - 3) FROM domiciliations d JOIN persons p ON p.id = d.person_id "
	              "WHERE p.last_name = 'Deuxfois'") == 0, "one domiciliation more than her two");
}

/* `openccas purge` erases the DomiFa files left waiting for a confirmation more than a day (counted by --dry-run). */
static void test_purge_leftovers(cli *mgr)
{
	T_GROUP("a file left waiting for its confirmation: erased by openccas purge a day later");
	const char csv[] = "Nom;Prénom;Civilité;Date naissance;Lieu naissance;Statut domiciliation;Type de domiciliation;"
	                   "Date de Début de la domiciliation;Date de fin de la domiciliation\r\n"
	                   "Oubliee;Rose;F;06/06/1966;Oran;VALIDE;PREMIERE;01/09/2023;31/08/2024\r\n";
	resp *r = post_file(mgr, "/domiciliation/import", "file", "oublie.csv", csv, sizeof csv - 1);
	char imp[16] = "", path[96];
	extract(r->body, "action=\"/domiciliation/import/", imp, sizeof imp);
	snprintf(path, sizeof path, "/api/v1/domiciliations/imports/%s/confirm", imp);
	char day[16];
	time_t later = time(NULL) + 2 * 86400;
	strftime(day, sizeof day, "%Y-%m-%d", gmtime(&later));
	const char *dry[] = {bin_path(), "purge", "--dry-run", "--db", fresh_url, "--date", day, NULL};
	const char *apply[] = {bin_path(), "purge", "--apply", "--db", fresh_url, "--date", day, NULL};
	CHECK(db_zero("SELECT abs(count(*) - 1) FROM domi_imports WHERE name = 'oublie.csv'") == 0, "the file waits");
	CHECK_INT(run_cmd(dry, 1), 0);
	CHECK(db_zero("SELECT abs(count(*) - 1) FROM domi_imports WHERE name = 'oublie.csv'") == 0, "a dry run erases nothing");
	CHECK_INT(run_cmd(apply, 1), 0);
	CHECK(db_zero("SELECT count(*) FROM domi_imports") == 0, "erased, and the others left waiting too");
	CHECK_INT(post_json(mgr, path, "{\"ready\": 1}")->status, 404);
}

static void test_other_files(cli *mgr)
{
	T_GROUP("a CSV saved by a French spreadsheet (Windows-1252), columns in another order");
	const char csv[] = "Pr\xe9nom;Nom;Civilit\xe9;Date naissance;Lieu naissance;Statut domiciliation;Type de domiciliation;"
	                   "Date de D\xe9" "but de la domiciliation;Date de fin de la domiciliation\r\n"
	                   "Ga\xebl;L\x9c" "uvre;H;1/2/1985;Qu\xe9" "bec;VALIDE;PREMIERE;01/02/2024;31/01/2025\r\n;;;;;;;;\r\n";
	resp *r = post_file(mgr, "/domiciliation/import", "file", "tableur.csv", csv, sizeof csv - 1);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Windows-1252");
	CHECK_HAS(r->body, "dans un ordre différent");
	CHECK_HAS(r->body, "<strong>1</strong> ligne lue");
	CHECK_HAS(r->body, "Importer la ligne");
	CHECK_HAS(r->body, "L\xc5\x93uvre"); /* Lœuvre: the Windows-1252 œ read right */
	T_GROUP("the same person twice in a file: one person, two domiciliations");
	/* The confirmation sends its rows a thousand at a time (on PostgreSQL by COPY): the second row must find the
	 * person of the first, written a moment before in the same import. */
	const char twice[] = "Nom;Prénom;Civilité;Date naissance;Lieu naissance;Statut domiciliation;Type de domiciliation;"
	                     "Date de Début de la domiciliation;Date de fin de la domiciliation;Motif de radiation\r\n"
	                     "Deuxfois;Berthe;F;04/04/1975;Oran;RADIE;PREMIERE;01/09/2021;31/08/2022;FIN_DE_DOMICILIATION\r\n"
	                     "Deuxfois;Berthe;F;04/04/1975;Oran;VALIDE;PREMIERE;01/09/2022;31/08/2023;\r\n";
	CHECK_INT(preview_confirm(mgr, "deux-fois.csv", twice, sizeof twice - 1,
	                          "<strong>2</strong> prêtes à importer, dont <strong>1</strong> rattachée", 2), 200);
	CHECK(db_zero("SELECT abs(count(*) - 1) FROM persons WHERE last_name = 'Deuxfois'") == 0, "one person");
	CHECK(db_zero("SELECT abs(count(*) - 2) FROM domiciliations d JOIN persons p ON p.id = d.person_id "
	              "WHERE p.last_name = 'Deuxfois'") == 0, "her two domiciliations");

	T_GROUP("a dependant of one row domiciled on a later row: attached to her, in the preview as in the confirmation");
	const char dep[] = "Nom;Prénom;Civilité;Date naissance;Lieu naissance;Statut domiciliation;Type de domiciliation;"
	                   "Date de Début de la domiciliation;Date de fin de la domiciliation;Nom Ayant-Droit 1;Prénom Ayant-Droit 1;"
	                   "Date de naissance Ayant-Droit 1;Lien de Parenté Ayant-Droit 1\r\n"
	                   "Premierfoyer;Paul;H;01/01/1970;Oran;VALIDE;PREMIERE;01/09/2022;31/08/2023;Secondfoyer;Anne;02/02/1972;CONJOINT\r\n"
	                   "Secondfoyer;Anne;F;02/02/1972;Oran;VALIDE;PREMIERE;01/09/2022;31/08/2023;;;;\r\n";
	CHECK_INT(preview_confirm(mgr, "ayant-droit.csv", dep, sizeof dep - 1,
	                          "<strong>2</strong> prêtes à importer, dont <strong>1</strong> rattachée", 2), 200);
	CHECK(db_zero("SELECT abs(count(*) - 1) FROM persons WHERE last_name = 'Secondfoyer'") == 0, "one Anne");
	CHECK(db_zero("SELECT abs(count(*) - 1) FROM domiciliations d JOIN persons p ON p.id = d.person_id JOIN persons q "
	              "ON q.household_id = d.household_id AND q.last_name = 'Premierfoyer' WHERE p.last_name = 'Secondfoyer'") == 0,
	      "her domiciliation in Paul's household");

	T_GROUP("DomiFa's numbers kept when free, else the next after the largest");
	const char nums[] = "Numéro d'identification;Nom;Prénom;Civilité;Date naissance;Lieu naissance;Statut domiciliation;"
	                    "Type de domiciliation;Date de Début de la domiciliation;Date de fin de la domiciliation\r\n"
	                    "987654;Numerote;Un;F;01/01/1971;Oran;VALIDE;PREMIERE;01/09/2022;31/08/2023\r\n"
	                    "987654;Numerote;Deux;F;02/02/1972;Oran;VALIDE;PREMIERE;01/09/2022;31/08/2023\r\n"
	                    "D-9;Numerote;Trois;F;03/03/1973;Oran;VALIDE;PREMIERE;01/09/2022;31/08/2023\r\n";
	CHECK_INT(preview_confirm(mgr, "numeros.csv", nums, sizeof nums - 1, "<strong>3</strong> prêtes à importer", 3), 200);
	CHECK(db_zero("SELECT count(*) FROM domiciliations d JOIN persons p ON p.id = d.person_id WHERE p.last_name = 'Numerote' "
	              "AND NOT ((p.first_names = 'Un' AND d.num = 987654) OR (p.first_names = 'Deux' AND d.num = 987655) "
	              "OR (p.first_names = 'Trois' AND d.num = 987656))") == 0 &&
	      db_zero("SELECT abs(count(*) - 3) FROM domiciliations d JOIN persons p ON p.id = d.person_id "
	              "WHERE p.last_name = 'Numerote'") == 0,
	      "987654 kept, then 987655 and 987656");

	T_GROUP("a file that is none of these is refused, with why");
	r = post_file(mgr, "/domiciliation/import", "file", "x.csv", "a;b\n1;2\n", 8);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Ni les titres");
	r = post_file(mgr, "/domiciliation/import", "file", "x.csv", "Nom;Prénom;Statut domiciliation;Civilité;Lieu naissance\n\"ouvert", 62);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Guillemet ouvert");
}

/* The whole demo out through the complete export, into a new structure,
 * and out again: the same, field by field (OpenCCAS's own numbers aside). */
static void test_round_trip(srv *s, cli *mgr)
{
	T_GROUP("round trip of the whole demo through OpenCCAS's complete export");
	resp *r = get(mgr, "/domiciliation/export?disposition=openccas&format=csv");
	CHECK_INT(r->status, 200);
	char *a = strdup(r->body);
	size_t alen = r->len;
	r = get(mgr, "/domiciliation/export?disposition=openccas&format=xlsx");
	char *ax = malloc(r->len);
	memcpy(ax, r->body, r->len);
	size_t axl = r->len;
	/* A new structure, its administrator, then its manager. */
	char pwf[] = "/tmp/openccas-pw-XXXXXX";
	int fd = mkstemp(pwf);
	if (fd >= 0) {
		CHECK(write(fd, "mot-de-passe-tout-neuf\n", 23) == 23, "password file");
		close(fd);
	}
	const char *init[] = {bin_path(), "init", "--db", fresh_url, "--structure", "CCAS de Retour", "--admin", "admin@retour.fr",
	                      "--password-file", pwf, NULL};
	CHECK_INT(run_cmd(init, 1), 0);
	unlink(pwf);
	cli adm, mg2;
	cli_init(&adm, s);
	cli_init(&mg2, s);
	CHECK_INT(login(&adm, "admin@retour.fr", "mot-de-passe-tout-neuf"), 303);
	CHECK_INT(post_json(&adm, "/api/v1/users", "{\"display_name\":\"Resp Retour\",\"email\":\"resp@retour.fr\",\"role\":\"responsable\","
	                                           "\"password\":\"mot-de-passe-tout-neuf\"}")->status, 201);
	CHECK_INT(login(&mg2, "resp@retour.fr", "mot-de-passe-tout-neuf"), 303);
	r = post_form_file(&mg2, "/api/v1/domiciliations/imports", NULL, "file", "domiciliations.xlsx", ax, axl);
	CHECK_INT(r->status, 201);
	json_t *j = J(r);
	long long id = (long long)json_integer_value(json_object_get(j, "id")), ready = (long long)json_integer_value(json_object_get(j, "ready")),
	          refused = (long long)json_integer_value(json_object_get(j, "refused"));
	CHECK(refused == 0, "every row of OpenCCAS's export is accepted (%lld refused: %.400s)", refused, r->body);
	json_decref(j);
	char path[96], body[64];
	snprintf(path, sizeof path, "/api/v1/domiciliations/imports/%lld/confirm", id);
	snprintf(body, sizeof body, "{\"ready\": %lld}", ready);
	r = post_json(&mg2, path, body);
	CHECK_INT(r->status, 200);
	r = get(&mg2, "/domiciliation/export?disposition=openccas&format=csv");
	CHECK_INT(r->status, 200);
	/* Compare line by line, without the column "N° de domiciliation
	 * OpenCCAS" (each structure numbers its own). */
	int skip = 0;
	{
		const char *h = a;
		for (int col = 0; *h && *h != '\r'; h++)
			if (*h == ';')
				col++;
			else if (!strncmp(h, "\"N° de domiciliation OpenCCAS\"", 31))
				skip = col;
	}
	CHECK(skip > 0, "the numbering column");
	char *b = strdup(r->body), *sa = NULL, *sb = NULL;
	int lines = 0, diff = 0;
	for (char *la = strtok_r(a, "\n", &sa), *lb = strtok_r(b, "\n", &sb); la || lb;
	     la = strtok_r(NULL, "\n", &sa), lb = strtok_r(NULL, "\n", &sb)) {
		lines++;
		if (!la || !lb) {
			diff++;
			break;
		}
		/* Drop the skipped column's content in both. */
		char *cells[2] = {la, lb};
		for (int w = 0; w < 2; w++) {
			int col = 0;
			bool q = false;
			char *o = cells[w];
			for (char *p = cells[w]; *p; p++) {
				if (*p == '"')
					q = !q;
				else if (*p == ';' && !q)
					col++;
				else if (col == skip)
					continue;
				*o++ = *p;
			}
			*o = 0;
		}
		if (strcmp(la, lb)) {
			if (!diff)
				fprintf(stderr, "round trip differs at line %d:\n  %s\n  %s\n", lines, la, lb);
			diff++;
		}
	}
	CHECK(lines > 5, "the demo's domiciliations and those imported above (%d lines, %zu bytes)", lines, alen);
	CHECK_INT(diff, 0);

	/* The dependants' columns follow the largest household of a domiciled person, not the structure's largest: a
	 * household of twelve with no domiciliation changes nothing in the export. */
	T_GROUP("the export's dependants' columns: the domiciled households' largest");
	char csv[96];
	snprintf(csv, sizeof csv, "/tmp/openccas-big-%d.csv", (int)getpid());
	FILE *f = fopen(csv, "w");
	fputs("foyer;lien;nom;prenoms;date_naissance\n", f);
	for (int i = 0; i < 12; i++)
		fprintf(f, "G;%s;Grandefamille;Enfant%02d;20%02d-01-01\n", i ? "enfant" : "demandeur", i, i);
	fclose(f);
	const char *imp[] = {bin_path(), "import", "personnes", "--db", fresh_url, "--user", "admin@retour.fr", csv, NULL};
	CHECK_INT(run_cmd(imp, 1), 0);
	unlink(csv);
	char *before = strdup(r->body);
	r = get(&mg2, "/domiciliation/export?disposition=openccas&format=csv");
	CHECK_INT(r->status, 200);
	CHECK_LACKS(r->body, "Ayant droit 11");
	CHECK(before && r->len == strlen(before) && !memcmp(r->body, before, r->len), "the same export as before the household of twelve");
	r = get(&mg2, "/domiciliation/exporter");
	CHECK_LACKS(r->body, "ayants droit : DomiFa n’en lit");
	free(before);
	free(a);
	free(b);
	free(ax);
	cli_free(&adm);
	cli_free(&mg2);
}

/* Many rows: DomiFa's layout as CSV, preview, confirmation, export. */
static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long peak_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

static void test_many(srv *s, cli *mgr, long rows)
{
	T_GROUP("a large DomiFa file imports whole, and exports");
	curl_easy_setopt(mgr->c, CURLOPT_TIMEOUT, 1800L); /* a figure, not a limit: the durations are printed */
	double t0 = now_s();
	size_t cap = (size_t)rows * 320 + 8192, n = 0;
	char *csv = malloc(cap);
	for (int i = 0; i < 52; i++)
		n += (size_t)snprintf(csv + n, cap - n, "%s%s", TITLES[i], i < 51 ? ";" : "\r\n");
	for (long i = 0; i < rows; i++)
		n += (size_t)snprintf(csv + n, cap - n,
		                      "G-%ld;%s;Grand%ld;Import%ld;;%02ld/%02ld/%ld;Lille;;;VALIDE;;;PREMIERE;01/03/2024;28/02/2025;;"
		                      "01/03/2024;;;;;;;;SOCIAL;;;;;;;;;;;;Petit%ld;Enfant;01/01/2015;ENFANT\r\n",
		                      i, i % 2 ? "H" : "F", i, i, 1 + i % 28, 1 + i % 12, 1930 + i % 70, i);
	resp *r = post_file(mgr, "/api/v1/domiciliations/imports", "file", "grand.csv", csv, n);
	free(csv);
	double t1 = now_s();
	CHECK_INT(r->status, 201);
	json_t *j = J(r);
	long long id = (long long)json_integer_value(json_object_get(j, "id")), ready = (long long)json_integer_value(json_object_get(j, "ready"));
	json_decref(j);
	CHECK_INT(ready, rows);
	char path[96], body[64];
	snprintf(path, sizeof path, "/api/v1/domiciliations/imports/%lld/confirm", id);
	snprintf(body, sizeof body, "{\"ready\": %lld}", ready);
	r = post_json(mgr, path, body);
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK_INT(json_integer_value(json_object_get(j, "written")), rows);
	json_decref(j);
	/* The planner's figures follow the import (SQLite: analysed when a table has more than doubled): with those of
	 * the few hundred persons before, a list's persons were read by scanning the structure's index for each fifty
	 * — the export below took 33 s instead of 3. */
	if (!fresh_is_pg()) {
		char stat[160];
		snprintf(stat, sizeof stat, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'persons' AND CAST(stat AS INTEGER) < %ld", rows);
		CHECK(db_zero(stat) == 0, "the persons' statistics count the %ld imported persons", rows);
	}
	double t2 = now_s();
	r = get(mgr, "/domiciliation/export?disposition=openccas&format=csv");
	double t3 = now_s();
	CHECK_INT(r->status, 200);
	long lines = 0;
	for (const char *p = r->body; *p; p++)
		lines += *p == '\n';
	CHECK(lines > rows, "the export has every row (%ld lines for %ld imported)", lines, rows);
	r = get(mgr, "/domiciliation/export?disposition=domifa&format=xlsx");
	CHECK(r->status == 200 && r->len > (size_t)rows * 20, "the workbook too (%zu bytes)", r->len);
	double t4 = now_s();
	r = get(mgr, "/domiciliation/export?disposition=openccas&format=csv");
	long kb = peak_kb(s->pid);
	printf("import of %ld rows (%zu bytes of CSV): preview %.1f s, confirmation %.1f s, CSV export %.1f s, XLSX export %.1f s, "
	       "CSV again %.1f s; server's peak memory %ld MB\n", rows, n, t1 - t0, t2 - t1, t3 - t2, t4 - t3, now_s() - t4, kb / 1024);
	/* The file is held once (as uploaded, then as stored), the work is a
	 * row at a time: far below the file times the rows. */
	if (!strstr(bin_path(), "asan")) /* AddressSanitizer's shadow and quarantine are not the program's */
		CHECK(kb < 0 || kb < 128 * 1024 + (long)(4 * n / 1024), "peak memory %ld kB for a %zu-byte file", kb, n);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	srv s;
	if (!srv_start(&s, "import")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli mgr;
	cli_init(&mgr, &s);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	test_domifa_template(&s, &mgr);
	test_other_files(&mgr);
	test_confirm_once(&s, &mgr);
	test_purge_leftovers(&mgr);
	test_round_trip(&s, &mgr);
	const char *nr = getenv("OPENCCAS_IMPORT_ROWS");
	long rows = nr ? atol(nr) : 100000;
	if (rows > 0)
		test_many(&s, &mgr, rows);
	cli_free(&mgr);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	curl_global_cleanup();
	return T_DONE();
}
