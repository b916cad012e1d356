/*
 * domiciliation_io.c — moving in and out: import of existing files from a
 * spreadsheet saved as CSV in DomiFa's layout (columns found by their
 * header, so the 33- and 36-column versions both work; then blocks of four
 * columns per dependant), with a preview that lists every rejected line
 * and why before anything is written; and the export in the same layout.
 * The uploaded file waits in the database between preview and
 * confirmation (app nodes keep no state).
 */
#include <stdio.h>
#include <string.h>
#include "core/csv.h"
#include "core/xlsx_read.h"
#include "core/text.h"
#include "modules/domiciliation/domiciliation.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/xlsx.h"
#include "core/banned.h"

static db_sql Q_STORE = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_imports (structure_id, user_id, created_at, data) VALUES ($1, $2, $3, $4) RETURNING id");
static db_sql Q_LOAD = DB_SQL(DB_SCOPED, "SELECT data FROM domi_imports WHERE structure_id = $1 AND id = $2 AND user_id = $3");
static db_sql Q_DROP = DB_SQL(DB_SCOPED, "DELETE FROM domi_imports WHERE structure_id = $1 AND id = $2");
static db_sql Q_INSERT = DB_SQL(DB_SCOPED,
	"INSERT INTO domiciliations (structure_id, person_id, household_id, status, requested_on, link, household_type, cause, "
	"reason, first_on, start_on, end_on, decided_on, refusal_motive, orientation, struck_on, strike_motive, last_contact_on, "
	"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id");
static db_sql Q_EVENT = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_events (structure_id, domiciliation_id, on_date, kind, detail, user_id, at) VALUES ($1, $2, $3, 'import', '', $4, $5)");

/* The columns we read, by the (folded) text of their header. */
enum { C_ID, C_CIV, C_NOM, C_PRENOM, C_USAGE, C_NAISS, C_LIEU, C_TEL, C_EMAIL, C_STATUT, C_REFUS, C_RADIATION, C_TYPE,
       C_DEBUT, C_FIN, C_PREMIERE, C_PASSAGE, C_LIEN, C_MENAGE, C_CAUSE, C_MOTIF, C__N };
static const char *HEADERS[C__N] = {
	"Numéro d'identification", "Civilité", "Nom", "Prénom", "Nom d'usage / Surnom", "Date naissance", "Lieu naissance",
	"Téléphone", "Email", "Statut demande", "Motif de refus", "Motif de radiation", "Type de domiciliation",
	"Date de Début de la domiciliation", "Date de fin de la domiciliation", "Date 1ere domiciliation",
	"Date de dernier passage", "Lien avec la commune", "Composition du ménage", "Cause instabilité logement",
	"Motif principal de la demande"};

typedef struct layout {
	int col[C__N];
	int dep_first, ndeps;  /* first "Ayant-droit" column, number of 4-column blocks */
} layout;

static void find_layout(arena *a, const csv_row *h, layout *l)
{
	for (int k = 0; k < C__N; k++)
		l->col[k] = -1;
	l->dep_first = -1;
	l->ndeps = 0;
	for (int i = 0; i < h->n; i++) {
		char *f = text_fold(a, h->cells[i]);
		if (!f)
			continue;
		for (int k = 0; k < C__N; k++) {
			char *g = text_fold(a, HEADERS[k]);
			if (g && !strcmp(f, g) && l->col[k] < 0)
				l->col[k] = i;
		}
		if (!strncmp(f, "ayant droit", 11)) {
			if (l->dep_first < 0)
				l->dep_first = i;
		}
	}
	if (l->dep_first >= 0)
		l->ndeps = (h->n - l->dep_first) / 4;
}

static const char *cell(const csv_row *r, int col) { return col >= 0 && col < r->n ? r->cells[col] : ""; }

/* "27/03/1984", "1984-03-27" → ISO, or NULL (empty gives ""). */
static const char *date_of(arena *a, const char *s)
{
	civil_date d;
	int dd, mm, yy;
	if (!s || !*s)
		return "";
	if (civil_parse(s, &d))
		return s;
	/* A spreadsheet day number (days since 1899-12-30), as XLSX stores dates. */
	int64_t serial;
	char whole[16];
	snprintf(whole, sizeof whole, "%.*s", (int)strcspn(s, "."), s);
	if (text_to_int64(whole, 1, 200000, &serial)) {
		char *o = arena_alloc(a, 11);
		if (o)
			civil_format(civil_from_days(serial - 25569), o);
		return o;
	}
	if (sscanf(s, "%2d/%2d/%4d", &dd, &mm, &yy) == 3) {
		char *o = arena_printf(a, "%04u-%02u-%02u", (unsigned)yy % 10000u, (unsigned)mm % 100u, (unsigned)dd % 100u);
		return o && civil_parse(o, &d) ? o : NULL;
	}
	return NULL;
}

typedef struct parsed {
	person_new p;
	person_new deps[10];
	int ndeps;
	const char *status, *start, *end, *first, *last, *link, *htype, *cause, *reason, *refusal, *strike;
	char errors[512];
} parsed;

static const char *map_status(arena *a, const char *s)
{
	char *f = text_fold(a, s ? s : "");
	if (!f)
		return NULL;
	if (!strcmp(f, "valide") || !strcmp(f, "actif") || !strcmp(f, "active")) return "active";
	if (!strncmp(f, "refus", 5)) return "refusee";
	if (!strncmp(f, "radi", 4)) return "radiee";
	if (!strcmp(f, "instruction") || !strcmp(f, "en cours")) return "instruction";
	if (!strncmp(f, "attente", 7)) return "attente_decision";
	return NULL;
}

static const char *map_sex(arena *a, const char *s)
{
	char *f = text_fold(a, s ? s : "");
	if (!f || !*f) return "";
	if (!strcmp(f, "h") || !strcmp(f, "m") || !strcmp(f, "homme") || !strcmp(f, "monsieur") || !strcmp(f, "m.")) return "M";
	if (!strcmp(f, "f") || !strcmp(f, "femme") || !strcmp(f, "madame") || !strcmp(f, "mme")) return "F";
	return "";
}

static const char *map_link(arena *a, const char *s)
{
	char *f = text_fold(a, s ? s : "");
	if (!f || !*f) return "";
	if (strstr(f, "travail") || strstr(f, "professionnel")) return "travail";
	if (strstr(f, "famil")) return "famille";
	if (strstr(f, "parental") || strstr(f, "enfant")) return "autorite_parentale";
	if (strstr(f, "accompagnement") || strstr(f, "suivi") || strstr(f, "social")) return "suivi";
	if (strstr(f, "residen") || strstr(f, "sejour") || strstr(f, "habit")) return "sejour";
	return "";
}

static void err_add(parsed *p, const char *msg)
{
	size_t n = strlen(p->errors);
	snprintf(p->errors + n, sizeof p->errors - n, "%s%s", n ? " ; " : "", msg);
}

static void parse_row(arena *a, const layout *l, const csv_row *r, parsed *o)
{
	memset(o, 0, sizeof *o);
	const char *nom = cell(r, l->col[C_NOM]), *usage = cell(r, l->col[C_USAGE]);
	o->p.last_name = *usage ? usage : nom;
	o->p.birth_name = *usage ? nom : "";
	o->p.first_names = cell(r, l->col[C_PRENOM]);
	o->p.sex = map_sex(a, cell(r, l->col[C_CIV]));
	o->p.birth_place = cell(r, l->col[C_LIEU]);
	o->p.phone = cell(r, l->col[C_TEL]);
	o->p.email = cell(r, l->col[C_EMAIL]);
	if (!*o->p.last_name || !*o->p.first_names)
		err_add(o, "nom ou prénom manquant");
	if (!(o->p.birth_date = date_of(a, cell(r, l->col[C_NAISS]))))
		err_add(o, "date de naissance illisible (JJ/MM/AAAA)");
	if (o->p.email && *o->p.email && !text_email_valid(o->p.email))
		err_add(o, "e-mail invalide");
	o->status = map_status(a, cell(r, l->col[C_STATUT]));
	if (!o->status)
		err_add(o, "statut inconnu (VALIDE, REFUS, RADIE, INSTRUCTION, ATTENTE_DECISION)");
	o->start = date_of(a, cell(r, l->col[C_DEBUT]));
	o->end = date_of(a, cell(r, l->col[C_FIN]));
	o->first = date_of(a, cell(r, l->col[C_PREMIERE]));
	o->last = date_of(a, cell(r, l->col[C_PASSAGE]));
	if (!o->start || !o->end || !o->first || !o->last)
		err_add(o, "une date de domiciliation est illisible");
	civil_date s, e;
	if (o->status && !strcmp(o->status, "active")) {
		if (!o->start || !*o->start || !civil_parse(o->start, &s))
			err_add(o, "domiciliation valide sans date de début");
		else {
			if (!o->end || !*o->end)
				o->end = arena_strdup(a, "");
			if (o->end && *o->end && civil_parse(o->end, &e) &&
			    (domi_check_period(s, e) == DOMI_PERIOD_LONG || domi_check_period(s, e) == DOMI_PERIOD_INVERTED))
				err_add(o, "période de validité supérieure à un an ou inversée");
		}
	}
	o->link = map_link(a, cell(r, l->col[C_LIEN]));
	o->htype = "";
	o->cause = "";
	o->reason = cell(r, l->col[C_MOTIF]);
	o->refusal = cell(r, l->col[C_REFUS]);
	o->strike = cell(r, l->col[C_RADIATION]);
	for (int k = 0; k < l->ndeps && k < 10; k++) {
		int c0 = l->dep_first + 4 * k;
		const char *dn = cell(r, c0), *dp = cell(r, c0 + 1);
		if (!*dn && !*dp)
			continue;
		person_new *d = &o->deps[o->ndeps++];
		d->last_name = dn;
		d->first_names = dp;
		d->birth_date = date_of(a, cell(r, c0 + 2));
		char *rel = text_fold(a, cell(r, c0 + 3));
		d->relation = rel && strstr(rel, "enfant") ? "enfant" : rel && (strstr(rel, "conjoint") || strstr(rel, "epou")) ? "conjoint" : "autre";
		if (!*dn || !*dp || !d->birth_date)
			err_add(o, "ayant droit incomplet (nom, prénom, date de naissance)");
	}
}

static void upload_form(web_req *r)
{
	buf *b = &r->out;
	html_lit(b, "<form method=\"post\" action=\"/domiciliation/import\" enctype=\"multipart/form-data\" class=\"compact\">");
	page_csrf(r);
	html_lit(b, "<div class=\"field\"><label for=\"f-file\">Classeur XLSX (première feuille) ou fichier CSV (séparateur « ; » ou « , »)</label>"
	            "<input id=\"f-file\" name=\"file\" type=\"file\" accept=\".xlsx,.csv,text/csv\" required></div>"
	            "<button type=\"submit\" class=\"primary\">Vérifier le fichier</button></form>"
	            "<h2>Colonnes lues</h2><p>Les colonnes sont reconnues par leur titre (disposition de DomiFa), dans n’importe quel ordre ; "
	            "les autres sont ignorées :</p><ul>");
	for (int k = 0; k < C__N; k++)
		html_printf(b, "<li>%s</li>", HEADERS[k]);
	html_lit(b, "<li>puis, par ayant droit : « Ayant-droit N: nom », « prénom », « date naissance », « lien parenté »</li></ul>"
	            "<p>Dates au format JJ/MM/AAAA. Statuts : VALIDE, REFUS, RADIE, INSTRUCTION, ATTENTE_DECISION.</p>");
}

static void import_get(web_req *r)
{
	page_begin(r, "Reprendre des domiciliations (import)");
	upload_form(r);
	page_end(r);
}

static bool parse_file(web_req *r, const char *data, size_t len, csv_table *t, layout *l, const char **why)
{
	int bad = 0;
	/* An .xlsx is a zip: recognised by its content, not its name. */
	bool xlsx = len >= 4 && !memcmp(data, "PK\x03\x04", 4);
	csv_status st = xlsx ? xlsx_read(r->a, (const unsigned char *)data, len, t) : csv_parse(r->a, data, len, t, &bad);
	if (xlsx && st == CSV_BAD) {
		*why = "Le classeur XLSX n’a pas pu être lu (première feuille).";
		return false;
	}
	if (st == CSV_TOO_LARGE) {
		*why = "Le fichier dépasse les limites (20 000 lignes, 128 colonnes, 4 096 caractères par cellule).";
		return false;
	}
	if (st == CSV_BAD) {
		*why = arena_printf(r->a, "Le fichier n’est pas un CSV lisible en UTF-8 (ligne %d).", bad);
		return false;
	}
	if (t->n < 1) {
		*why = "Le fichier est vide.";
		return false;
	}
	find_layout(r->a, &t->rows[0], l);
	if (l->col[C_NOM] < 0 || l->col[C_PRENOM] < 0 || l->col[C_STATUT] < 0) {
		*why = "Colonnes « Nom », « Prénom » et « Statut demande » introuvables dans la première ligne.";
		return false;
	}
	return true;
}

static void import_post(web_req *r)
{
	const web_file *f = web_file_field(r, "file");
	if (!f || !f->len) {
		web_error(r, E_INPUT, "Choisissez un fichier XLSX ou CSV.");
		return;
	}
	csv_table t;
	layout l;
	const char *why;
	if (!parse_file(r, (const char *)f->data, f->len, &t, &l, &why)) {
		r->status = 400;
		page_begin(r, "Reprendre des domiciliations (import)");
		page_notice(r, "error", why);
		upload_form(r);
		page_end(r);
		return;
	}
	int64_t id;
	if (DBID(r->db, &Q_STORE, &id, A_INT(r->user->id), A_INT(civil_now()), A_BLOB(f->data, f->len)) != E_OK) {
		web_error(r, E_DB, NULL);
		return;
	}
	page_begin(r, "Vérification avant import");
	buf *b = &r->out;
	int ok = 0, ko = 0;
	html_lit(b, "<table class=\"data\"><caption>Lignes du fichier (rien n’est encore enregistré)</caption><thead><tr>"
	            "<th scope=\"col\">Ligne</th><th scope=\"col\">Personne</th><th scope=\"col\">Statut</th><th scope=\"col\">Résultat</th>"
	            "</tr></thead><tbody>");
	for (int i = 1; i < t.n; i++) {
		parsed p;
		parse_row(r->a, &l, &t.rows[i], &p);
		bool good = !p.errors[0];
		good ? ok++ : ko++;
		html_printf(b, "<tr><td>%d</td><td>%s %s</td><td>%s</td><td>%s</td></tr>", t.rows[i].line, p.p.last_name, p.p.first_names,
		            p.status ? p.status : "?", good ? "prête" : arena_printf(r->a, "refusée : %s", p.errors));
	}
	html_lit(b, "</tbody></table>");
	html_printf(b, "<p role=\"status\"><strong>%d</strong> ligne%s prête%s, <strong>%d</strong> refusée%s.</p>", ok, ok > 1 ? "s" : "",
	            ok > 1 ? "s" : "", ko, ko > 1 ? "s" : "");
	if (ok) {
		html_printf(b, "<form method=\"post\" action=\"/domiciliation/import/%lld\">", (long long)id);
		page_csrf(r);
		html_printf(b, "<button type=\"submit\" class=\"primary\">Importer les %d lignes prêtes</button> "
		               "<a href=\"/domiciliation/import\">Corriger le fichier et recommencer</a></form>", ok);
	}
	page_end(r);
}

static void import_confirm(web_req *r)
{
	db_res q = {0};
	size_t len = 0;
	char *data = NULL;
	if (DBQ(r->db, &Q_LOAD, &q, A_INT(r->param[0]), A_INT(r->user->id)) == E_OK && db_next(&q))
		data = db_blob(&q, 0, r->a, &len);
	db_close(&q);
	if (!data) {
		web_error(r, E_NOT_FOUND, "Ce fichier a déjà été importé ou n’est plus disponible : déposez-le à nouveau.");
		return;
	}
	csv_table t;
	layout l;
	const char *why;
	if (!parse_file(r, data, len, &t, &l, &why)) {
		web_error(r, E_INPUT, why);
		return;
	}
	char today[11];
	civil_format(civil_today(r->user->tz), today);
	int done = 0;
	err e = db_begin(r->db, true);
	for (int i = 1; e == E_OK && i < t.n; i++) {
		parsed p;
		parse_row(r->a, &l, &t.rows[i], &p);
		if (p.errors[0])
			continue;
		int64_t hid, pid, id;
		e = persons_import_household(r->db, r->a, r->user->id, NULL, &p.p, p.deps, p.ndeps, today, &hid, &pid, &why);
		if (e == E_INPUT) {
			e = E_OK; /* validated twice: skip what the persons module refuses */
			continue;
		}
		const char *end = p.end;
		civil_date s;
		if (!strcmp(p.status, "active") && (!end || !*end) && civil_parse(p.start, &s)) {
			char *x = arena_alloc(r->a, 11);
			if (x)
				civil_format(domi_end_of(s), x);
			end = x;
		}
		const char *req = *p.first ? p.first : *p.start ? p.start : today;
		if (e == E_OK)
			e = DBID(r->db, &Q_INSERT, &id, A_INT(pid), A_INT(hid), A_TEXT(p.status), A_TEXT(req), A_TEXT(p.link),
			         A_TEXT(p.htype), A_TEXT(p.cause), A_TEXT(p.reason), A_TEXT(*p.first ? p.first : (*p.start ? p.start : NULL)),
			         A_TEXT(*p.start ? p.start : NULL), A_TEXT(end && *end ? end : NULL), A_TEXT(*p.start ? p.start : NULL),
			         A_TEXT(!strcmp(p.status, "refusee") ? "absence_lien" : ""), A_TEXT(p.refusal),
			         A_TEXT(!strcmp(p.status, "radiee") ? today : NULL), A_TEXT(!strcmp(p.status, "radiee") ? "demande" : ""),
			         A_TEXT(*p.last ? p.last : req), A_INT(civil_now()));
		if (e == E_OK)
			e = DBX(r->db, &Q_EVENT, NULL, A_INT(id), A_TEXT(today), A_INT(r->user->id), A_INT(civil_now()));
		if (e == E_OK)
			done++;
	}
	if (e == E_OK)
		e = DBX(r->db, &Q_DROP, NULL, A_INT(r->param[0]));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "import", "domiciliation", r->param[0], arena_printf(r->a, "rows=%d", done));
	e = e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
	if (e != E_OK) {
		web_error(r, e, "L’import a échoué : rien n’a été enregistré.");
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domiciliation?ok=1&importees=%d", done));
}

/* ---- export in the same layout ----------------------------------------------------------- */

static db_sql Q_ALL = DB_SQL(DB_SCOPED,
	"SELECT id, person_id, status, refusal_motive, strike_motive, start_on, end_on, first_on, last_contact_on, orientation, "
	"link, reason FROM domiciliations WHERE structure_id = $1 ORDER BY id");

static const char *fr_date(arena *a, const char *iso)
{
	char *o = arena_alloc(a, 11);
	if (o)
		civil_iso_to_fr(iso, o);
	return o ? o : "";
}

#define NCOLS (C__N + 40)

/* Every domiciliation as a row of NCOLS cells, header first (arena). */
static int export_grid(web_req *r, const char ****grid_out)
{
	const char ***grid = NULL;
	int n = 0, cap = 0;
	const char **h = arena_array(r->a, NCOLS, sizeof *h);
	if (!h)
		return 0;
	for (int k = 0; k < C__N; k++)
		h[k] = HEADERS[k];
	static const char *parts[] = {"nom", "prénom", "date naissance", "lien parenté"};
	for (int k = 0; k < 10; k++)
		for (int j = 0; j < 4; j++)
			h[C__N + 4 * k + j] = arena_printf(r->a, "Ayant-droit %d: %s", k, parts[j]);
	/* Collect first: person look-ups need the connection. */
	db_res q = {0};
	DBQ0(r->db, &Q_ALL, &q);
	typedef struct { int64_t id, pid; char *f[10]; } row;
	row *rows = NULL;
	int nr = 0, rcap = 0;
	while (db_next(&q)) {
		if (nr == rcap) {
			rcap = rcap ? rcap * 2 : 128;
			row *x = arena_array(r->a, (size_t)rcap, sizeof *x);
			if (!x)
				break;
			if (nr)
				memcpy(x, rows, sizeof *x * (size_t)nr);
			rows = x;
		}
		rows[nr].id = db_int(&q, 0);
		rows[nr].pid = db_int(&q, 1);
		for (int k = 0; k < 10; k++)
			rows[nr].f[k] = db_dup(&q, 2 + k, r->a);
		nr++;
	}
	db_close(&q);
	cap = nr + 1;
	grid = arena_array(r->a, (size_t)cap, sizeof *grid);
	if (!grid)
		return 0;
	grid[n++] = h;
	static const char *st_v[] = {"active", "refusee", "radiee", "instruction", "attente_decision"};
	static const char *st_d[] = {"VALIDE", "REFUS", "RADIE", "INSTRUCTION", "ATTENTE_DECISION"};
	for (int i = 0; i < nr; i++) {
		person_brief p;
		if (persons_person_brief(r->db, r->a, rows[i].pid, &p) != E_OK)
			continue;
		const char **c = arena_array(r->a, NCOLS, sizeof *c);
		if (!c)
			break;
		const char *st = rows[i].f[0];
		for (int k = 0; k < 5; k++)
			if (st && !strcmp(st, st_v[k]))
				st = st_d[k];
		const char *vals[C__N] = {
			arena_printf(r->a, "%lld", (long long)rows[i].id), !strcmp(p.sex, "F") ? "Madame" : !strcmp(p.sex, "M") ? "Monsieur" : "",
			*p.birth_name ? p.birth_name : p.last_name, p.first_names, *p.birth_name ? p.last_name : "", fr_date(r->a, p.birth_date),
			p.birth_place, p.phone, p.email, st, rows[i].f[7] && *rows[i].f[7] ? rows[i].f[7] : rows[i].f[1], rows[i].f[2],
			"", fr_date(r->a, rows[i].f[3]), fr_date(r->a, rows[i].f[4]), fr_date(r->a, rows[i].f[5]), fr_date(r->a, rows[i].f[6]),
			rows[i].f[8], "", "", rows[i].f[9]};
		for (int k = 0; k < C__N; k++)
			c[k] = vals[k] ? vals[k] : "";
		for (int k = C__N; k < NCOLS; k++)
			c[k] = "";
		person_brief *m;
		int nm = persons_household_members(r->db, r->a, p.household_id, &m), w = 0;
		for (int k = 0; k < nm && w < 10; k++) {
			if (m[k].id == p.id)
				continue;
			c[C__N + 4 * w] = m[k].last_name;
			c[C__N + 4 * w + 1] = m[k].first_names;
			c[C__N + 4 * w + 2] = fr_date(r->a, m[k].birth_date);
			c[C__N + 4 * w + 3] = !strcmp(m[k].relation, "conjoint") ? "Conjoint" : !strncmp(m[k].relation, "enfant", 6) ? "Enfant" : "Autre";
			w++;
		}
		grid[n++] = c;
	}
	*grid_out = grid;
	return n;
}

static void export_csv(web_req *r)
{
	const char ***grid;
	int n = export_grid(r, &grid);
	buf *b = &r->out;
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"domiciliations.csv\"");
	buf_adds(b, "\xef\xbb\xbf");
	for (int i = 0; i < n; i++)
		for (int k = 0; k < NCOLS; k++)
			csv_write_cell(b, grid[i][k], k == NCOLS - 1);
	journal_record(r->db, r->user->id, "export", "domiciliation", 0, arena_printf(r->a, "rows=%d", n - 1));
}

static void export_xlsx(web_req *r)
{
	const char ***grid;
	int n = export_grid(r, &grid);
	xlsx_doc *x = xlsx_new("Domiciliations");
	if (!x || !n) {
		web_error(r, E_INTERNAL, "Le classeur n’a pas pu être produit.");
		return;
	}
	xlsx_header(x, grid[0], NCOLS);
	for (int i = 1; i < n; i++) {
		for (int k = 0; k < NCOLS; k++)
			xlsx_text(x, k, grid[i][k]);
		xlsx_next_row(x);
	}
	size_t len;
	void *bytes = xlsx_finish(x, r->a, &len);
	if (!bytes) {
		web_error(r, E_INTERNAL, "Le classeur n’a pas pu être produit.");
		return;
	}
	r->out_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	web_header(r, "Content-Disposition: attachment; filename=\"domiciliations.xlsx\"");
	buf_add(&r->out, bytes, len);
	journal_record(r->db, r->user->id, "export", "domiciliation", 0, arena_printf(r->a, "rows=%d xlsx", n - 1));
}

void domiciliation_io_routes(int perm_read, int perm_write);
void domiciliation_io_routes(int perm_read, int perm_write)
{
	web_route(M_GET, "/domiciliation/import", import_get, perm_write, 0, "Import (CSV, disposition DomiFa)");
	web_route(M_POST, "/domiciliation/import", import_post, perm_write, 0, "Vérifier un fichier à importer");
	web_route(M_POST, "/domiciliation/import/{id}", import_confirm, perm_write, 0, "Importer les lignes vérifiées");
	web_route(M_GET, "/domiciliation/export.csv", export_csv, perm_read, 0, "Export (CSV, disposition DomiFa)");
	web_route(M_GET, "/domiciliation/export.xlsx", export_xlsx, perm_read, 0, "Export (XLSX, disposition DomiFa)");
}
