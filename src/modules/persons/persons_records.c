/*
 * persons_records.c — the smaller records of a household file, without
 * HTML, for its pages (persons_actions.c) and its API (persons_api.c): the
 * budget lines of a month, the taxable income, notes, alerts, referents,
 * documents (their type read from their content, their name cleaned).
 */
#include "modules/persons/persons_internal.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

static db_sql Q_LINE_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO budget_lines (structure_id, household_id, person_id, month, kind, category, amount, counted, "
	"created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
static db_sql Q_LINE_DEL = DB_SQL(DB_SCOPED, "DELETE FROM budget_lines WHERE structure_id = $1 AND household_id = $2 AND id = $3");
static db_sql Q_LINES_COPY = DB_SQL(DB_SCOPED,
	"INSERT INTO budget_lines (structure_id, household_id, person_id, month, kind, category, amount, counted, created_by, "
	"created_at) SELECT structure_id, household_id, person_id, $3, kind, category, amount, counted, $4, $5 FROM budget_lines "
	"WHERE structure_id = $1 AND household_id = $2 AND month = $6");
static db_sql Q_TAXABLE_SET = DB_SQL(DB_SCOPED, "UPDATE households SET annual_taxable = $3 WHERE structure_id = $1 AND id = $2");
static db_sql Q_PERSON_IN = DB_SQL(DB_SCOPED, "SELECT count(*) FROM persons WHERE structure_id = $1 AND id = $2 AND household_id = $3");
static db_sql Q_NOTE_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO notes (structure_id, household_id, author_id, visibility, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static db_sql Q_ALERT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO alerts (structure_id, household_id, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static db_sql Q_ALERT_END = DB_SQL(DB_SCOPED,
	"UPDATE alerts SET ended_at = $4 WHERE structure_id = $1 AND household_id = $2 AND id = $3 AND ended_at IS NULL");
static db_sql Q_REF_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO referents (structure_id, household_id, user_id) SELECT $1, $2, a.user_id FROM structure_agents a "
	"WHERE a.structure_id = $1 AND a.user_id = $3 ON CONFLICT (structure_id, household_id, user_id) DO NOTHING");
static db_sql Q_REF_DEL = DB_SQL(DB_SCOPED, "DELETE FROM referents WHERE structure_id = $1 AND household_id = $2 AND user_id = $3");
static db_sql Q_DOC_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO documents (structure_id, household_id, kind, filename, mime, size, data, valid_until, uploaded_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
static db_sql Q_DOC_GET = DB_SQL(DB_SCOPED,
	"SELECT household_id, filename, mime, data FROM documents WHERE structure_id = $1 AND id = $2");
static db_sql Q_BY_FILE = DB_SQL(DB_SCOPED, "SELECT id FROM households WHERE structure_id = $1 AND file_no = $2 AND merged_into IS NULL");

bool persons_month_parse(const char *s, civil_date *out)
{
	if (!s || strlen(s) != 7)
		return false;
	char tmp[11];
	snprintf(tmp, sizeof tmp, "%s-01", s);
	return civil_parse(tmp, out);
}

err persons_budget_line_add(web_req *r, int64_t hid, const char *mkey, const char *cat, const char *person,
                            const char *amount, bool counted, form_errors *fe, int64_t *id)
{
	civil_date m;
	int64_t cents = 0, pid = 0;
	if (!persons_month_parse(mkey, &m))
		form_error(fe, "mois", "Le mois doit être au format AAAA-MM.");
	const char *kind = cat && cat[0] && cat[1] == ':' ? (cat[0] == 'R' ? "R" : cat[0] == 'C' ? "C" : NULL) : NULL;
	const char *c = kind ? cat + 2 : NULL;
	if (!kind || !(kind[0] == 'R' ? code_ok(RESOURCE_CATS, NRESOURCE_CATS, c) : code_ok(CHARGE_CATS, NCHARGE_CATS, c)))
		form_error(fe, "category", "Choisissez une catégorie dans la liste.");
	if (!amount || !money_parse(amount, &cents) || cents < 0)
		form_error(fe, "amount", "Le montant doit être un nombre positif d’euros, par exemple 612,30.");
	if (person && *person) {
		int64_t n = 0;
		if (!text_to_int64(person, 1, INT64_MAX, &pid) || DBID(r->db, &Q_PERSON_IN, &n, A_INT(pid), A_INT(hid)) != E_OK || !n)
			form_error(fe, "person", "Ce membre n’appartient pas au foyer.");
	}
	if (fe->n)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_LINE_ADD, id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(mkey), A_TEXT(kind), A_TEXT(c),
		         A_INT(cents), A_INT(counted ? 1 : 0), A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", hid, "budget");
	return db_finish(r->db, e);
}

err persons_budget_line_delete(web_req *r, int64_t hid, int64_t line)
{
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_LINE_DEL, &n, A_INT(hid), A_INT(line));
	if (e == E_OK && !n)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", hid, "budget");
	return db_finish(r->db, e);
}

err persons_budget_copy(web_req *r, int64_t hid, const char *month, const char *from)
{
	civil_date d;
	if (!persons_month_parse(month, &d) || !persons_month_parse(from, &d))
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_LINES_COPY, NULL, A_INT(hid), A_TEXT(month), A_INT(r->user->id), A_INT(civil_now()), A_TEXT(from));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", hid, "budget");
	return db_finish(r->db, e);
}

err persons_taxable_set(web_req *r, int64_t hid, const char *amount, form_errors *fe)
{
	int64_t cents = 0;
	bool set = amount && *amount;
	if (set && (!money_parse(amount, &cents) || cents < 0)) {
		form_error(fe, "taxable", "Le revenu imposable doit être un montant positif en euros.");
		return E_INPUT;
	}
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_TAXABLE_SET, NULL, A_INT(hid), set ? A_INT(cents) : A_NULL);
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", hid, "taxable");
	return db_finish(r->db, e);
}

/* ---- notes, alerts, referents ----------------------------------------------- */

err persons_note_add(web_req *r, int64_t hid, const char *body, const char *vis, int64_t *id)
{
	if (!body || !*body || strlen(body) > 20000 || !code_ok(VISIBILITIES, NVISIBILITIES, vis))
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_NOTE_ADD, id, A_INT(hid), A_INT(r->user->id), A_TEXT(vis), A_TEXT(body), A_INT(civil_now()));
	/* The timeline says a note exists, never what it says. */
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "note", *id, "Note ajoutée");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "note", *id, NULL);
	return db_finish(r->db, e);
}

err persons_alert_add(web_req *r, int64_t hid, const char *text, int64_t *id)
{
	if (!text || !*text || strlen(text) > 300)
		return E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_ALERT_ADD, id, A_INT(hid), A_TEXT(text), A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "alert", *id, "Alerte ajoutée");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "alert", *id, NULL);
	return db_finish(r->db, e);
}

err persons_alert_end(web_req *r, int64_t hid, int64_t alert)
{
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_ALERT_END, &n, A_INT(hid), A_INT(alert), A_INT(civil_now()));
	if (e == E_OK && !n)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "alert", alert, "ended");
	return db_finish(r->db, e);
}

err persons_referent_set(web_req *r, int64_t hid, int64_t user, bool add)
{
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, add ? &Q_REF_ADD : &Q_REF_DEL, &n, A_INT(hid), A_INT(user));
	if (e == E_OK && add && !n)
		e = E_INPUT; /* no agent of the structure has this number */
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", hid,
		                   arena_printf(r->a, "referent %s %lld", add ? "+" : "-", (long long)user));
	return db_finish(r->db, e);
}

int64_t persons_household_by_file_no(db_conn *c, const char *file_no)
{
	int64_t id = 0;
	return file_no && DBID(c, &Q_BY_FILE, &id, A_TEXT(file_no)) == E_OK ? id : 0;
}

/* ---- documents ------------------------------------------------------------ */

/* The type is decided by the content (magic numbers), never by the name or
 * the browser's claim. Office files are ZIP (docx, xlsx, odt) or OLE. */
const char *persons_sniff(const unsigned char *d, size_t n)
{
	if (n >= 5 && !memcmp(d, "%PDF-", 5)) return "application/pdf";
	if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) return "image/png";
	if (n >= 3 && !memcmp(d, "\xff\xd8\xff", 3)) return "image/jpeg";
	if (n >= 12 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBP", 4)) return "image/webp";
	if (n >= 4 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4))) return "image/tiff";
	if (n >= 4 && !memcmp(d, "PK\x03\x04", 4)) return "application/zip";
	if (n >= 8 && !memcmp(d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8)) return "application/x-ole-storage";
	return NULL;
}

/* The extension a document of this detected type is downloaded with. An
 * office file (a zip or an OLE container) keeps its own extension when it
 * is one of theirs; anything else takes the type's: a PDF named
 * « poly.html » downloads as « poly.pdf », never as a page. */
static const char *type_extension(const char *mime, const char *ext)
{
	static const char *const zip_ext[] = {"docx", "xlsx", "pptx", "odt", "ods", "odp", "zip"};
	static const char *const ole_ext[] = {"doc", "xls", "ppt", "msg"};
	static const char *const by_type[][2] = {
		{"application/pdf", "pdf"}, {"image/png", "png"}, {"image/jpeg", "jpg"}, {"image/webp", "webp"},
		{"image/tiff", "tif"}, {"application/zip", "zip"}, {"application/x-ole-storage", "doc"},
	};
	if (ext && !strcmp(mime, "application/zip"))
		for (int i = 0; i < COUNTOF(zip_ext); i++)
			if (!strcasecmp(ext, zip_ext[i]))
				return zip_ext[i];
	if (ext && !strcmp(mime, "application/x-ole-storage"))
		for (int i = 0; i < COUNTOF(ole_ext); i++)
			if (!strcasecmp(ext, ole_ext[i]))
				return ole_ext[i];
	for (int i = 0; i < COUNTOF(by_type); i++)
		if (!strcmp(mime, by_type[i][0]))
			return by_type[i][1];
	return "bin";
}

/* The name a document is stored and downloaded under: the base name only
 * (never a path), without controls or bidirectional overrides, quotes or
 * semicolons, at most 120 bytes of it (cut on a character boundary), and
 * the extension of its detected type. */
const char *persons_document_filename(arena *a, const char *name, const char *mime)
{
	char *clean = text_file_name(a, name, SIZE_MAX);
	if (!clean)
		return "document.bin";
	for (char *p = clean; *p; p++)
		if (*p == '"' || *p == ';')
			*p = '_';
	char *dot = strrchr(clean, '.');
	const char *ext = dot ? dot + 1 : NULL;
	size_t stem = dot ? (size_t)(dot - clean) : strlen(clean);
	stem = text_utf8_cut(clean, stem > 120 ? 120 : stem);
	while (stem && (clean[stem - 1] == ' ' || clean[stem - 1] == '.'))
		stem--;
	return arena_printf(a, "%.*s.%s", (int)(stem ? stem : 8), stem ? clean : "document", type_extension(mime, ext));
}

err persons_document_add(web_req *r, int64_t hid, const char *kind, const char *until, const web_file *f, const char **why,
                         int64_t *id)
{
	civil_date d;
	const char *mime = f ? persons_sniff(f->data, f->len) : NULL;
	*why = NULL;
	if (!f || !f->len)
		*why = "Choisissez un fichier à déposer.";
	else if (f->len > PERSONS_DOC_MAX)
		*why = "Un document ne doit pas dépasser 10 Mo.";
	else if (!mime)
		*why = "Ce type de fichier n’est pas accepté : déposez un PDF, une image (PNG, JPEG, WebP, TIFF) ou un fichier "
		       "bureautique. Le contenu du fichier est vérifié, pas son nom.";
	else if (!code_ok(DOC_KINDS, NDOC_KINDS, kind) || (until && *until && !civil_parse(until, &d)))
		*why = "Choisissez le type de document ; la date de validité doit être au format AAAA-MM-JJ.";
	if (*why)
		return f && f->len > PERSONS_DOC_MAX ? E_TOO_LARGE : E_INPUT;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBID(r->db, &Q_DOC_ADD, id, A_INT(hid), A_TEXT(kind), A_TEXT(persons_document_filename(r->a, f->filename, mime)),
		         A_TEXT(mime), A_INT((int64_t)f->len), A_BLOB(f->data, f->len), A_TEXT(until && *until ? until : NULL),
		         A_INT(r->user->id), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "document", *id,
		                         arena_printf(r->a, "Document déposé : %s", code_label(DOC_KINDS, NDOC_KINDS, kind)));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "document", *id, NULL);
	return db_finish(r->db, e);
}

err persons_document_get(web_req *r, int64_t id, persons_document *out)
{
	db_res q = {0};
	*out = (persons_document){0};
	err e = DBQ(r->db, &Q_DOC_GET, &q, A_INT(id));
	if (e == E_OK && db_next(&q)) {
		out->household_id = db_int(&q, 0);
		out->mime = db_dup(&q, 2, r->a);
		out->data = db_blob(&q, 3, r->a, &out->len);
		out->filename = persons_document_filename(r->a, db_dup(&q, 1, r->a), out->mime ? out->mime : "");
	}
	db_close(&q);
	if (e == E_OK && !out->data)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "download", "document", id, NULL);
	return e;
}
