/*
 * domiciliation_import.c — moving in from DomiFa or from a spreadsheet:
 * every row, or none, and nothing lost.
 *
 * What is read: DomiFa's own files as DomiFa writes and reads them (its
 * template, by position: 36 columns then dependants by blocks of four),
 * files whose columns were reordered when the titles say which is which,
 * and OpenCCAS's own export (its extra columns, by title). Row 1 holds the
 * titles; blank and merely formatted rows are skipped; columns past the
 * 99th are ignored. XLSX or CSV (UTF-8 or Windows-1252), read row by row
 * (core/sheet): memory for a row, never for the file.
 *
 * DomiFa's checks, in DomiFa's words: civilité H/F; surname, first name,
 * birth date and place required; dates JJ/MM/AAAA and real, never guessed
 * (« 15.06.1980 » and a bare « 2019 » are refused); born between 1900 and
 * today; statut VALIDE / REFUS / RADIE with an end date (for REFUS and
 * RADIE, the date of the decision, as DomiFa records it); VALIDE ends
 * between its start and a year later — DomiFa's « same day next year » is
 * accepted, recorded as the CASF says (a year less a day), with a warning;
 * refusal and striking-off motives from DomiFa's lists, kept as recorded;
 * dependants complete (name, first name, birth date, relationship); the
 * telephone's leading 0 restored when a spreadsheet made it a number.
 *
 * The preview writes nothing and says, row by row, what will happen:
 * written, refused (with the Excel row, the column and the value), or
 * attached to a person already in OpenCCAS (same name and birth date).
 * The confirmation writes every correct row in one transaction, or none;
 * when the file has refused rows, only if the user chose to import the
 * correct ones; and only if the figures are still those of the preview.
 * The file waits in the database between the two (app nodes keep no
 * state) and leaves with the import; the journal says file, rows, counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/countof.h"
#include "core/civil.h"
#include "core/crypto.h"
#include "core/csv.h"
#include "core/log.h"
#include "core/sheet.h"
#include "core/text.h"
#include "modules/domiciliation/domiciliation_import.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define SHOW_REFUSED 300          /* refused rows listed on the page (all in the report) */
#define SHOW_WARNINGS 100

static db_sql Q_STORE = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_imports (structure_id, user_id, created_at, data, name) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static db_sql Q_LOAD = DB_SQL(DB_SCOPED,
	"SELECT data, name FROM domi_imports WHERE structure_id = $1 AND id = $2 AND user_id = $3");
static db_sql Q_DROP = DB_SQL(DB_SCOPED, "DELETE FROM domi_imports WHERE structure_id = $1 AND id = $2");
static db_sql Q_OLD = DB_SQL(DB_SCOPED, "DELETE FROM domi_imports WHERE structure_id = $1 AND created_at < $2");
/* The purge's, across structures: the files are nobody's record, only waiting. */
static db_sql Q_PURGE = DB_SQL(DB_GLOBAL, "DELETE FROM domi_imports WHERE created_at < $1");
static db_sql Q_PURGE_COUNT = DB_SQL(DB_GLOBAL, "SELECT count(*) FROM domi_imports WHERE created_at < $1");
/* The confirmation writes through db_copy (store.h): on PostgreSQL a COPY a table every thousand rows, not a dozen
 * statements a row (20 000 rows took 92 s). The domiciliations' ids are taken ahead for their periods, answers and
 * events; their numbers are given here (below). */
static db_copy_sql C_DOMI = DB_COPY("domiciliations",
	"structure_id, id, person_id, household_id, status, requested_on, interview_on, interview_place, link, household_type, "
	"cause, reason, first_on, start_on, end_on, decided_on, refusal_motive, orientation, struck_on, strike_motive, "
	"last_contact_on, ref, alias, dom_type, created_at, num",
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26");
static db_copy_sql C_PERIOD = DB_COPY("domi_periods", "structure_id, domiciliation_id, start_on, end_on, renewal",
	"$1, $2, $3, $4, $5");
static db_copy_sql C_ANSWER = DB_COPY("domi_answers", "structure_id, domiciliation_id, key, value", "$1, $2, $3, $4");
static db_copy_sql C_EVENT = DB_COPY("domi_events", "structure_id, domiciliation_id, on_date, kind, detail, user_id, at",
	"$1, $2, $3, $4, $5, $6, $7");
static db_ids_sql I_DOMI = DB_IDS("domiciliations");
static db_sql Q_NUMS = DB_SQL(DB_SCOPED, "SELECT num FROM domiciliations WHERE structure_id = $1 AND num IS NOT NULL");

enum { SEND_ROWS = 1000 };

/* The domiciliation numbers taken in the structure, and the largest. */
typedef struct numset {
	keyset taken;
	int64_t max;
} numset;

static bool num_add(numset *s, int64_t k)
{
	if (k <= 0)
		return true; /* 0 marks an empty place */
	if (keyset_put(&s->taken, (uint64_t)k) < 0)
		return false;
	if (k > s->max)
		s->max = k;
	return true;
}

typedef struct dimp_out {
	persons_bulk *pb;
	db_copy d, per, ans, ev;
	db_ids ids;
	numset nums;
	long kept;  /* rows not yet sent */
} dimp_out;

/* Everything kept, in the order of the foreign keys: the persons, then the domiciliations and what names them. */
static err out_send(ctx *x)
{
	dimp_out *o = x->out;
	x->out->kept = 0;
	err e = persons_bulk_flush(o->pb);
	if (e == E_OK)
		e = db_copy_flush(&o->d);
	if (e == E_OK)
		e = db_copy_flush(&o->per);
	if (e == E_OK)
		e = db_copy_flush(&o->ans);
	if (e == E_OK)
		e = db_copy_flush(&o->ev);
	return e;
}

static err out_open(ctx *x)
{
	dimp_out *o = calloc(1, sizeof *o);
	if (!o)
		return E_NOMEM;
	x->out = o;
	o->pb = persons_bulk_open(x->c, x->user_id, x->today_iso);
	db_copy_init(&o->d, x->c, &C_DOMI);
	db_copy_init(&o->per, x->c, &C_PERIOD);
	db_copy_init(&o->ans, x->c, &C_ANSWER);
	db_copy_init(&o->ev, x->c, &C_EVENT);
	db_copy *mine[] = {&o->d, &o->per, &o->ans, &o->ev};
	for (int i = 0; i < COUNTOF(mine); i++)
		db_copy_keys_later(mine[i]); /* checked as a set by out_close (store.h) */
	db_ids_init(&o->ids, &I_DOMI);
	if (!o->pb)
		return E_NOMEM;
	db_res q = {0};
	err e = DBQ0(x->c, &Q_NUMS, &q);
	while (e == E_OK && db_next(&q))
		if (!num_add(&o->nums, db_int(&q, 0)))
			e = E_NOMEM;
	db_close(&q);
	return e;
}

/* Sends what is kept when e is E_OK; frees the writer. */
static err out_close(ctx *x, err e)
{
	dimp_out *o = x->out;
	if (!o)
		return e;
	if (e == E_OK)
		e = out_send(x);
	db_copy *mine[] = {&o->d, &o->per, &o->ans, &o->ev};
	if (e == E_OK)
		e = db_copy_check(mine, COUNTOF(mine));
	e = persons_bulk_close(o->pb, e);
	db_copy_free(&o->d);
	db_copy_free(&o->per);
	db_copy_free(&o->ans);
	db_copy_free(&o->ev);
	keyset_free(&o->nums.taken);
	free(o);
	x->out = NULL;
	return e;
}

/* DomiFa's number kept when it is a free number of the structure, else the next one after the largest. */
static int64_t domi_number(dimp_out *o, int64_t kept)
{
	int64_t n = kept > 0 && !keyset_has(&o->nums.taken, (uint64_t)kept) ? kept : o->nums.max + 1;
	return num_add(&o->nums, n) ? n : 0;
}

/* DomiFa's number, when it is one (digits, at most 9): the person keeps
 * it at the counter. 0 otherwise. */
static int64_t keep_number(const char *ref)
{
	int64_t v = 0;
	size_t n = ref ? strlen(ref) : 0;
	if (!n || n > 9 || strspn(ref, "0123456789") != n || !text_to_int64(ref, 1, 999999999, &v))
		return 0;
	return v;
}

/* ---- the people already known, and those seen in the file ------------------------------ */

static uint64_t person_key(arena *a, const person_new *p)
{
	char *k = arena_printf(a, "%s\x1f%s\x1f%s", text_fold(a, p->last_name) ? text_fold(a, p->last_name) : "",
	                       text_fold(a, p->first_names) ? text_fold(a, p->first_names) : "", p->birth_date ? p->birth_date : "");
	char h[CRYPTO_HASH_HEX + 1];
	crypto_hash_hex(k ? k : "", k ? strlen(k) : 0, h);
	uint64_t v = 0;
	for (int i = 0; i < 16; i++)
		v = v * 16 + (uint64_t)(h[i] <= '9' ? h[i] - '0' : h[i] - 'a' + 10);
	return v ? v : 1;
}

/* True when the key was already there (false without memory: the row is counted as new). */
static bool seen_before(ctx *x, uint64_t key) { return keyset_put(&x->seen, key) == 1; }

/* ---- writing one row ---------------------------------------------------------------------- */

static err write_row(ctx *x, arena *a, imported *m)
{
	dimp_out *o = x->out;
	int64_t hid = m->match_hid, pid = m->match_pid, id = 0, num = 0;
	const char *why = NULL;
	err e = E_OK;
	if (!pid) {
		e = persons_bulk_household(o->pb, a, NULL, &m->ap, m->deps, m->ndeps, &hid, &pid, &why);
	} else {
		/* Attached to the person already known: their dependants that are
		 * not yet in the household join it. */
		for (int i = 0; e == E_OK && i < m->ndeps; i++) {
			int64_t dp, dh;
			e = persons_match(x->c, a, m->deps[i].last_name, m->deps[i].first_names, m->deps[i].birth_date, &dp, &dh);
			if (e != E_OK || (dp && dh == hid))
				continue;
			e = persons_import_member(x->c, a, hid, &m->deps[i], x->today_iso, &dp, &why);
		}
	}
	if (e == E_INPUT) {
		x->fail = arena_printf(x->keep, "ligne %ld : %s", m->row, why ? why : "personne refusée");
		return E_INPUT;
	}
	if (e == E_OK)
		e = db_next_id(x->c, &o->ids, &id);
	if (e == E_OK && !(num = domi_number(o, keep_number(m->ref))))
		e = E_NOMEM;
#define OPT(s) A_TEXT((s) && *(s) ? (s) : NULL)
	if (e == E_OK)
		e = DBCOPY(&o->d, A_INT(id), A_INT(pid), A_INT(hid), A_TEXT(m->status), A_TEXT(m->requested), OPT(m->interview_on),
		           A_TEXT(m->interview_place), A_TEXT(m->link), A_TEXT(m->htype), A_TEXT(m->cause), A_TEXT(m->reason),
		           OPT(m->first), OPT(m->start), OPT(m->end), OPT(m->decided), A_TEXT(m->refusal), A_TEXT(m->orientation),
		           OPT(m->struck), A_TEXT(m->strike), OPT(m->last_contact), A_TEXT(m->ref), A_TEXT(m->alias),
		           A_TEXT(m->dom_type), A_INT(civil_now()), A_INT(num));
#undef OPT
	if (e == E_OK && m->start && *m->start && m->end && *m->end)
		e = DBCOPY(&o->per, A_INT(id), A_TEXT(m->start), A_TEXT(m->end),
		           A_INT(!strcmp(m->dom_type, "renouvellement") || (m->first && *m->first && strcmp(m->first, m->start)) ? 1 : 0));
	for (int i = 0; e == E_OK && i < m->nanswers; i++)
		e = DBCOPY(&o->ans, A_INT(id), A_TEXT(m->answers[i].key), A_TEXT(m->answers[i].value));
	if (e == E_OK)
		e = DBCOPY(&o->ev, A_INT(id), A_TEXT(x->today_iso), A_TEXT("import"),
		           A_TEXT(arena_printf(a, "ligne %ld du fichier %s", m->row, x->file_name ? x->file_name : "")), A_INT(x->user_id),
		           A_INT(civil_now()));
	if (e == E_OK && ++o->kept >= SEND_ROWS)
		e = out_send(x);
	return e;
}

/* ---- the walk over the rows, for the preview and the confirmation ---------------------------- */

static void problem_text(arena *a, const ctx *x, const problem *p, long row, buf *b)
{
	char col[8] = "";
	if (p->col >= 0)
		sheet_column_name(p->col, col);
	buf_printf(b, "ligne %ld", row);
	if (*col)
		buf_printf(b, ", colonne %s", col);
	buf_printf(b, " (%s)", p->label);
	if (p->value && *p->value)
		buf_printf(b, " : « %s »", p->value);
	buf_printf(b, " — %s", p->message);
	(void)a;
	(void)x;
}

static void list_item(ctx *x, arena *a, buf *page, const imported *m, const problem *p)
{
	buf t;
	buf_init(&t, a, 128);
	problem_text(a, x, p, m->row, &t);
	html_printf(page, "<li>%s %s — %s</li>", m->ap.last_name ? m->ap.last_name : "", m->ap.first_names ? m->ap.first_names : "",
	            buf_cstr(&t));
}

static bool on_row(void *vx, const sheet_row *r)
{
	ctx *x = vx;
	if (!x->l.seen_header) {
		x->l.seen_header = true;
		dimp_layout_from_header(x->keep, r, &x->l);
		return !x->l.bad;
	}
	if (++x->rows > IMPORT_MAX_ROWS) {
		x->fail = arena_printf(x->keep, "Le fichier dépasse %d lignes : découpez-le en plusieurs fichiers.", IMPORT_MAX_ROWS);
		x->e = E_TOO_LARGE;
		return false;
	}
	/* One arena per row: what a row needs goes when it is done. */
	arena a;
	arena_init(&a, 16u << 20);
	imported m;
	dimp_parse_row(x, &a, r, &m);
	bool ok = m.nerrors == 0;
	if (ok) {
		bool twice = seen_before(x, person_key(&a, &m.ap));
		/* A person a second time in the file: the first row's person is sent first, to be found. */
		if (x->write && twice && x->out && (x->e = out_send(x)) != E_OK) {
			x->fail = arena_printf(x->keep, "ligne %ld : l’écriture a échoué", m.row);
			arena_release(&a);
			return false;
		}
		/* A person the database could not look for is never taken for a new one: the row, and the import, fail. */
		err me = persons_match(x->c, &a, m.ap.last_name, m.ap.first_names, m.ap.birth_date, &m.match_pid, &m.match_hid);
		if (me != E_OK) {
			x->e = me;
			x->fail = arena_printf(x->keep, "ligne %ld : la recherche des personnes déjà enregistrées a échoué", m.row);
			arena_release(&a);
			return false;
		}
		if (!x->write && !m.match_pid && twice)
			m.in_file_twice = true;
		x->ready++;
		if (m.match_pid || m.in_file_twice)
			x->matched++;
		x->dependants += m.ndeps;
		/* Its dependants are persons of the file too: one of them domiciled on a later row is attached to the
		 * person this row creates, in the preview as in the confirmation (the confirmation found her in the
		 * database, the preview did not: the figures differed and the import was refused). */
		for (int i = 0; i < m.ndeps; i++)
			keyset_put(&x->seen, person_key(&a, &m.deps[i]));
		if (m.nwarnings)
			x->warned++;
		if (x->write) {
			err e = write_row(x, &a, &m);
			if (e != E_OK) {
				x->e = e;
				if (!x->fail)
					x->fail = arena_printf(x->keep, "ligne %ld : l’écriture a échoué", m.row);
				arena_release(&a);
				return false;
			}
			x->written++;
		}
	} else {
		x->refused++;
	}
	for (int i = 0; i < m.nerrors && x->nshown_err < SHOW_REFUSED; i++, x->nshown_err++)
		list_item(x, &a, &x->page_err, &m, &m.errors[i]);
	for (int i = 0; i < m.nwarnings && ok && x->nshown_warn < SHOW_WARNINGS; i++, x->nshown_warn++)
		list_item(x, &a, &x->page_warn, &m, &m.warnings[i]);
	if (x->report) {
		buf t;
		buf_init(&t, &a, 256);
		for (int i = 0; i < m.nerrors; i++) {
			if (i)
				buf_adds(&t, " ; ");
			problem_text(&a, x, &m.errors[i], m.row, &t);
		}
		for (int i = 0; i < m.nwarnings; i++) {
			if (t.len)
				buf_adds(&t, " ; ");
			problem_text(&a, x, &m.warnings[i], m.row, &t);
		}
		csv_write_cell(x->report, arena_printf(&a, "%ld", m.row), false);
		csv_write_cell(x->report, m.ap.last_name, false);
		csv_write_cell(x->report, m.ap.first_names, false);
		csv_write_cell(x->report, !ok ? "refusée" : m.match_pid || m.in_file_twice ? "rattachée à une personne déjà connue" : "prête", false);
		csv_write_cell(x->report, buf_cstr(&t), true);
	}
	if (x->api && (m.nerrors || m.nwarnings)) {
		for (int i = 0; i < m.nerrors + m.nwarnings; i++) {
			const problem *p = i < m.nerrors ? &m.errors[i] : &m.warnings[i - m.nerrors];
			char col[8] = "";
			if (p->col >= 0)
				sheet_column_name(p->col, col);
			json_array_append_new(x->api, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "row", (json_int_t)m.row, "column", col, "title",
			                                        p->label, "value", p->value ? p->value : "", "message", p->message, "level",
			                                        i < m.nerrors ? "erreur" : "avertissement"));
		}
	}
	arena_release(&a);
	return true;
}

/* Reads data through the rows; false with x->fail when the file is not
 * readable. */
static bool walk(ctx *x, const unsigned char *data, size_t len, sheet_info *info)
{
	const char *why;
	sheet_status st = sheet_read(data, len, IMPORT_MAX_COLS, on_row, x, info, &why);
	if (x->l.bad) {
		x->fail = x->l.why;
		x->e = E_INPUT;
		return false;
	}
	if (st == SHEET_BAD || st == SHEET_TOO_LARGE) {
		x->fail = arena_strdup(x->keep, why);
		x->e = st == SHEET_BAD ? E_INPUT : E_TOO_LARGE;
		return false;
	}
	if (st == SHEET_NOMEM) {
		x->e = E_NOMEM;
		x->fail = "Mémoire insuffisante pour lire ce fichier.";
		return false;
	}
	if (st == SHEET_STOPPED && x->e != E_OK)
		return false;
	if (!x->l.seen_header) {
		x->e = E_INPUT;
		x->fail = "Le fichier est vide.";
		return false;
	}
	return true;
}

static void ctx_init(ctx *x, web_req *r, db_conn *c, arena *keep, int64_t user_id, const char *tz)
{
	memset(x, 0, sizeof *x);
	x->r = r;
	x->c = c;
	x->keep = keep;
	x->user_id = user_id;
	x->today = civil_today(tz);
	x->today_iso = civil_iso(keep, x->today);
	x->tomorrow_iso = civil_iso(keep, civil_from_days(civil_to_days(x->today) + 1));
	x->next_year_iso = civil_iso(keep, civil_add_months(x->today, 12));
	buf_init(&x->page_err, keep, 256);
	buf_init(&x->page_warn, keep, 256);
	x->e = E_OK;
}

static void ctx_free(ctx *x) { keyset_free(&x->seen); }

/* ---- the pages ---------------------------------------------------------------------------- */

static void upload_form(web_req *r)
{
	buf *b = &r->out;
	form_begin(r, "<form method=\"post\" action=\"/domiciliation/import\" enctype=\"multipart/form-data\" class=\"compact\" "
	              "data-busy=\"Vérification en cours…\">");
	html_lit(b, "<div class=\"field\"><label for=\"f-file\">Fichier de DomiFa (modèle d’import ou export), export d’OpenCCAS, "
	            "ou tableur : XLSX (première feuille) ou CSV</label>"
	            "<input id=\"f-file\" name=\"file\" type=\"file\" accept=\".xlsx,.csv,text/csv\" required aria-describedby=\"f-file-h\">"
	            "<p class=\"hint\" id=\"f-file-h\">64 Mo et 200 000 lignes au plus. Rien n’est enregistré avant votre confirmation.</p></div>"
	            "<button type=\"submit\" class=\"primary\">Vérifier le fichier</button></form>"
	            "<h2>Ce qui est lu</h2><p>La première ligne porte les titres. Le modèle d’import de DomiFa est lu tel quel "
	            "(ses 36 colonnes, puis les ayants droit par blocs de quatre : nom, prénom, date de naissance, lien de parenté) ; "
	            "des colonnes dans un autre ordre sont reconnues par leur titre. Les lignes vides, ou seulement mises en forme, "
	            "sont ignorées, comme les colonnes au-delà de la 99<sup>e</sup>.</p>"
	            "<p>Règles de DomiFa : civilité H ou F ; nom, prénom, date et lieu de naissance obligatoires ; dates au format "
	            "JJ/MM/AAAA (jamais devinées) ; statut VALIDE, REFUS ou RADIE avec sa date de fin (pour un refus ou une radiation, "
	            "la date de la décision) ; motifs de refus et de radiation de DomiFa, gardés tels qu’enregistrés. Une personne déjà "
	            "connue (même nom, prénom et date de naissance) est rattachée, pas dédoublée.</p>");
}

static void import_get(web_req *r)
{
	page_begin(r, "Reprendre des domiciliations (import)");
	upload_form(r);
	page_end(r);
}

static void refused_page(web_req *r, const char *why)
{
	r->status = 400;
	page_begin(r, "Reprendre des domiciliations (import)");
	page_notice(r, "error", why);
	upload_form(r);
	page_end(r);
}

static const char *file_name_of(arena *a, const char *name)
{
	const char *n = text_file_name(a, name, 120);
	return n && *n ? n : "fichier";
}

static void import_post(web_req *r)
{
	const web_file *f = web_file_field(r, "file");
	if (!f || !f->len) {
		refused_page(r, "Choisissez un fichier XLSX ou CSV.");
		return;
	}
	ctx x;
	ctx_init(&x, r, r->db, r->a, r->user->id, r->user->tz);
	x.file_name = file_name_of(r->a, f->filename);
	sheet_info info;
	bool ok = walk(&x, f->data, f->len, &info);
	ctx_free(&x);
	if (!ok) {
		if (x.e == E_NOMEM || x.e == E_DB)
			web_error(r, x.e, NULL);
		else
			refused_page(r, x.fail ? x.fail : "Le fichier n’a pas pu être lu.");
		return;
	}
	int64_t id = 0;
	/* Files left waiting more than a day are dropped with the next one. */
	DBX(r->db, &Q_OLD, NULL, A_INT(civil_now() - 86400));
	if (DBID(r->db, &Q_STORE, &id, A_INT(r->user->id), A_INT(civil_now()), A_BLOB(f->data, f->len), A_TEXT(x.file_name)) != E_OK) {
		web_error(r, E_DB, NULL);
		return;
	}
	page_begin(r, "Vérification avant import");
	buf *b = &r->out;
	html_printf(b, "<p>Fichier « %s » (%s, %s). %s Rien n’est encore enregistré.</p>", x.file_name, info.format, info.encoding,
	            x.l.how);
	html_printf(b, "<div role=\"status\"><ul class=\"figures\"><li><strong>%ld</strong> ligne%s lue%s</li>"
	               "<li><strong>%ld</strong> prête%s à importer, dont <strong>%ld</strong> rattachée%s à une personne déjà connue</li>"
	               "<li><strong>%ld</strong> refusée%s</li><li><strong>%ld</strong> avec un avertissement</li>"
	               "<li><strong>%ld</strong> ayant%s droit</li></ul></div>",
	            x.rows, x.rows > 1 ? "s" : "", x.rows > 1 ? "s" : "", x.ready, x.ready > 1 ? "s" : "", x.matched,
	            x.matched > 1 ? "s" : "", x.refused, x.refused > 1 ? "s" : "", x.warned, x.dependants, x.dependants > 1 ? "s" : "");
	if (x.l.nignored || info.ignored_cells) {
		html_lit(b, "<h2>Colonnes ignorées</h2><ul>");
		for (int i = 0; i < x.l.nignored; i++) {
			char col[8];
			sheet_column_name(x.l.ignored[i], col);
			html_printf(b, "<li>Colonne %s « %s » : ignorée, aucune rubrique d’OpenCCAS ni de DomiFa ne porte ce titre.</li>", col,
			            x.l.ignored_title[i]);
		}
		if (info.ignored_cells)
			html_printf(b, "<li>%ld cellule%s au-delà de la 99<sup>e</sup> colonne : ignorée%s, comme DomiFa le fait.</li>",
			            info.ignored_cells, info.ignored_cells > 1 ? "s" : "", info.ignored_cells > 1 ? "s" : "");
		html_lit(b, "</ul>");
	}
	if (x.refused) {
		html_printf(b, "<h2>Lignes refusées</h2><p>Chaque problème, avec la ligne et la colonne du tableur. "
		               "<a href=\"/domiciliation/import/%lld/rapport.csv\">Toutes les lignes et leur sort (CSV)</a></p><ul>",
		            (long long)id);
		buf_add(b, x.page_err.data, x.page_err.len);
		html_lit(b, "</ul>");
		if (x.nshown_err >= SHOW_REFUSED)
			html_printf(b, "<p>Les %d premiers problèmes sont listés ; le rapport CSV les donne tous.</p>", SHOW_REFUSED);
	}
	if (x.warned) {
		html_lit(b, "<h2>Avertissements (ces lignes seront importées)</h2><ul>");
		buf_add(b, x.page_warn.data, x.page_warn.len);
		html_lit(b, "</ul>");
		if (x.nshown_warn >= SHOW_WARNINGS)
			html_printf(b, "<p>Les %d premiers avertissements sont listés ; le rapport CSV les donne tous.</p>", SHOW_WARNINGS);
	}
	if (x.ready) {
		form_begin(r, "<form method=\"post\" action=\"/domiciliation/import/%lld\" data-busy=\"Import en cours…\">", (long long)id);
		html_printf(b, "<input type=\"hidden\" name=\"ready\" value=\"%ld\">", x.ready);
		if (x.refused)
			html_printf(b, "<input type=\"hidden\" name=\"accept_refused\" value=\"1\"><p>Le fichier a %ld ligne%s refusée%s : "
			               "vous pouvez importer les lignes correctes seulement (les autres ne seront pas reprises), ou corriger le "
			               "fichier et le déposer à nouveau.</p><button type=\"submit\" class=\"primary\">Importer les %ld lignes "
			               "correctes</button> ",
			            x.refused, x.refused > 1 ? "s" : "", x.refused > 1 ? "s" : "", x.ready);
		else if (x.ready == 1)
			html_lit(b, "<button type=\"submit\" class=\"primary\">Importer la ligne</button> ");
		else
			html_printf(b, "<button type=\"submit\" class=\"primary\">Importer les %ld lignes</button> ", x.ready);
		html_lit(b, "<a href=\"/domiciliation/import\">Corriger le fichier et recommencer</a></form>");
	} else {
		html_lit(b, "<p><a class=\"button\" href=\"/domiciliation/import\">Corriger le fichier et recommencer</a></p>");
	}
	page_end(r);
}

/* The stored file (arena), or NULL when it is gone. */
static unsigned char *load(web_req *r, int64_t id, size_t *len, const char **name)
{
	db_res q = {0};
	unsigned char *data = NULL;
	*len = 0;
	if (DBQ(r->db, &Q_LOAD, &q, A_INT(id), A_INT(r->user->id)) == E_OK && db_next(&q)) {
		data = db_blob(&q, 0, r->a, len);
		*name = db_dup(&q, 1, r->a);
	}
	db_close(&q);
	return data;
}

/* The confirmation, pages and API: every correct row in one transaction. */
static err confirm(web_req *r, int64_t id, bool accept_refused, long expect_ready, ctx *x, const char **why)
{
	size_t len;
	const char *name = "";
	unsigned char *data = load(r, id, &len, &name);
	ctx_init(x, r, r->db, r->a, r->user->id, r->user->tz);
	if (!data) {
		*why = "Ce fichier a déjà été importé, ou n’est plus disponible : déposez-le à nouveau.";
		return E_NOT_FOUND;
	}
	x->file_name = name && *name ? name : "fichier";
	/* First the figures again (the people may have changed since). */
	sheet_info info;
	if (!walk(x, data, len, &info)) {
		*why = x->fail;
		ctx_free(x);
		return x->e != E_OK ? x->e : E_INPUT;
	}
	long ready = x->ready, refused = x->refused, matched = x->matched;
	ctx_free(x);
	if (refused && !accept_refused) {
		*why = "Ce fichier a des lignes refusées : choisissez d’importer les lignes correctes seulement, ou corrigez le fichier.";
		return E_INPUT;
	}
	if (expect_ready >= 0 && expect_ready != ready) {
		*why = arena_printf(r->a, "Depuis la vérification, %ld ligne(s) sont prêtes au lieu de %ld : vérifiez le fichier à nouveau.",
		                    ready, expect_ready);
		return E_CONFLICT;
	}
	ctx_init(x, r, r->db, r->a, r->user->id, r->user->tz);
	x->file_name = name && *name ? name : "fichier";
	x->write = true;
	err e = db_begin(r->db, true);
	persons_feed_bulk(true); /* one mark for the search indexes in memory, not a row per person */
	if (e == E_OK)
		e = db_bulk(r->db); /* PostgreSQL's key checks planned as the tables grow */
	if (e == E_OK) /* the new households' file numbers in one statement (those not used go back) */
		e = persons_file_nos_reserve(r->db, ready - matched);
	if (e == E_OK)
		e = out_open(x);
	if (e == E_OK && !walk(x, data, len, &info)) {
		e = x->e != E_OK ? x->e : E_DB;
		*why = x->fail;
	}
	e = out_close(x, e); /* what is kept goes to the database */
	err e2 = persons_file_nos_release(r->db);
	if (e == E_OK)
		e = e2;
	persons_feed_bulk(false);
	if (e == E_OK)
		e = persons_feed_rebuild(r->db);
	if (e == E_OK && (x->written != ready || x->matched != matched)) {
		e = E_CONFLICT;
		*why = "Les figures ont changé pendant l’import : rien n’a été enregistré, vérifiez le fichier à nouveau.";
	}
	/* The file leaves with its import, in its transaction: a second confirmation of it (a double click, two tabs)
	 * finds it gone and writes nothing — on PostgreSQL it waits here for the first to end. */
	int64_t dropped = 0;
	if (e == E_OK)
		e = DBX(r->db, &Q_DROP, &dropped, A_INT(id));
	if (e == E_OK && dropped != 1) {
		e = E_NOT_FOUND;
		*why = "Ce fichier a déjà été importé, ou n’est plus disponible : déposez-le à nouveau.";
	}
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "import", "domiciliation", id,
		                   arena_printf(r->a, "file=%.80s rows=%ld written=%ld refused=%ld matched=%ld", x->file_name, x->rows,
		                                x->written, x->refused, x->matched));
	e = db_finish(r->db, e);
	ctx_free(x);
	int analyzed = 0;
	if (e == E_OK && db_conn_refresh_stats(r->db, &analyzed) != E_OK) /* the planner's figures of the grown tables */
		log_warn("domiciliation: the statistics were not refreshed after import %lld", (long long)id);
	if (e != E_OK && (!*why || !**why))
		*why = "L’import a échoué : rien n’a été enregistré.";
	if (e != E_OK)
		log_warn("domiciliation: import %lld not written (%s)", (long long)id, err_code(e));
	return e;
}

static void import_confirm(web_req *r)
{
	int64_t expect = -1;
	const char *rs = web_field(r, "ready");
	if (rs && !text_to_int64(rs, 0, IMPORT_MAX_ROWS, &expect))
		expect = -1;
	ctx x;
	const char *why = "";
	err e = confirm(r, r->param[0], web_field(r, "accept_refused") != NULL, expect, &x, &why);
	if (e != E_OK) {
		web_error(r, e, why);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domiciliation?ok=1&importees=%ld", x.written));
}

static void import_report(web_req *r)
{
	size_t len;
	const char *name = "";
	unsigned char *data = load(r, r->param[0], &len, &name);
	if (!data) {
		web_error(r, E_NOT_FOUND, "Ce fichier a déjà été importé, ou n’est plus disponible.");
		return;
	}
	ctx x;
	ctx_init(&x, r, r->db, r->a, r->user->id, r->user->tz);
	x.report = &r->out;
	buf_adds(&r->out, "\xef\xbb\xbf");
	csv_write_cell(&r->out, "Ligne", false);
	csv_write_cell(&r->out, "Nom", false);
	csv_write_cell(&r->out, "Prénom", false);
	csv_write_cell(&r->out, "Résultat", false);
	csv_write_cell(&r->out, "Problèmes", true);
	sheet_info info;
	bool ok = walk(&x, data, len, &info);
	ctx_free(&x);
	if (!ok) {
		web_error(r, x.e, x.fail);
		return;
	}
	r->out_type = "text/csv; charset=utf-8";
	web_header(r, "Content-Disposition: attachment; filename=\"import-domiciliations-rapport.csv\"");
}

/* ---- the API -------------------------------------------------------------------------------------- */

static void api_import(web_req *r)
{
	const web_file *f = web_file_field(r, "file");
	if (!f || !f->len) {
		web_error_fields(r, json_pack("{s:s}", "file", "Joignez un fichier XLSX ou CSV (champ « file »)."));
		return;
	}
	ctx x;
	ctx_init(&x, r, r->db, r->a, r->user->id, r->user->tz);
	x.file_name = file_name_of(r->a, f->filename);
	x.api = json_array();
	sheet_info info;
	bool ok = walk(&x, f->data, f->len, &info);
	ctx_free(&x);
	if (!ok) {
		json_decref(x.api);
		web_error(r, x.e, x.fail);
		return;
	}
	int64_t id = 0;
	DBX(r->db, &Q_OLD, NULL, A_INT(civil_now() - 86400));
	if (DBID(r->db, &Q_STORE, &id, A_INT(r->user->id), A_INT(civil_now()), A_BLOB(f->data, f->len), A_TEXT(x.file_name)) != E_OK) {
		json_decref(x.api);
		web_error(r, E_DB, NULL);
		return;
	}
	json_t *ign = json_array();
	for (int i = 0; i < x.l.nignored; i++) {
		char col[8];
		sheet_column_name(x.l.ignored[i], col);
		json_array_append_new(ign, json_pack("{s:s,s:s,s:s}", "column", col, "title", x.l.ignored_title[i], "why",
		                                     "aucune rubrique ne porte ce titre"));
	}
	web_json(r, 201, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "id", (json_int_t)id, "file", x.file_name,
	                           "format", info.format, "encoding", info.encoding, "layout", x.l.how, "rows", (json_int_t)x.rows,
	                           "ready", (json_int_t)x.ready, "refused", (json_int_t)x.refused, "matched", (json_int_t)x.matched,
	                           "warned", (json_int_t)x.warned, "dependants", (json_int_t)x.dependants, "ignored_cells",
	                           (json_int_t)info.ignored_cells, "ignored_columns", ign, "problems", x.api));
}

static void api_confirm(web_req *r)
{
	json_t *in = web_json_body(r);
	if (!in)
		return;
	bool accept = json_is_true(json_object_get(in, "accept_refused"));
	json_t *er = json_object_get(in, "ready");
	long expect = json_is_integer(er) ? (long)json_integer_value(er) : -1;
	json_decref(in);
	ctx x;
	const char *why = "";
	err e = confirm(r, r->param[0], accept, expect, &x, &why);
	if (e != E_OK) {
		web_error(r, e, why);
		return;
	}
	web_json(r, 200, json_pack("{s:I,s:I,s:I,s:I}", "rows", (json_int_t)x.rows, "written", (json_int_t)x.written, "refused",
	                           (json_int_t)x.refused, "matched", (json_int_t)x.matched));
}

err domiciliation_purge(db *d, civil_date on, bool apply, int64_t *count)
{
	return module_purge_older(d, &Q_PURGE_COUNT, &Q_PURGE, on, apply, count);
}

void domiciliation_import_routes(void)
{
	web_route(M_GET, "/domiciliation/import", import_get, PERM_DOMI_DECIDE, 0, "Import (fichier DomiFa, export OpenCCAS, tableur)");
	web_route(M_POST, "/domiciliation/import", import_post, PERM_DOMI_DECIDE, WEB_F_LARGE, "Vérifier un fichier à importer");
	web_route(M_POST, "/domiciliation/import/{id}", import_confirm, PERM_DOMI_DECIDE, 0, "Importer les lignes vérifiées");
	web_route(M_GET, "/domiciliation/import/{id}/rapport.csv", import_report, PERM_DOMI_DECIDE, 0, "Rapport de vérification (CSV)");
	web_route(M_POST, "/api/v1/domiciliations/imports", api_import, PERM_DOMI_DECIDE, WEB_F_LARGE,
	          "Vérifier un fichier à importer (multipart, champ file)");
	web_route(M_POST, "/api/v1/domiciliations/imports/{id}/confirm", api_confirm, PERM_DOMI_DECIDE, 0,
	          "Importer les lignes vérifiées (tout ou rien)");
}
