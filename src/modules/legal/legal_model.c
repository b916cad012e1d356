/*
 * legal_model.c — statutory aid files: schema, the catalogue of kinds,
 * files and their steps, the one-month rule (CASF L131-1: forwarded within
 * one month of lodging, whatever the CCAS thinks of it — L123-5), lists.
 * No HTML here.
 */
#include "modules/legal/legal_internal.h"
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "store/counts.h"
#include "core/banned.h"

int PERM_LEGAL_READ, PERM_LEGAL_WRITE, PERM_LEGAL_KINDS;

/* What the home page counts (legal_counts_of), for store/counts.h. */
#define LEGAL_COUNTED "structure_id, status, due_on, expected_on, renewal_on"
#define LEGAL_OPEN(r) "CASE WHEN " r ".status = 'ouvert' THEN " r ".due_on END"
#define LEGAL_SENT(r) "CASE WHEN " r ".status = 'transmis' THEN " r ".expected_on END"
#define LEGAL_KEYS(X, r)                                                                                                     \
	X("due", LEGAL_OPEN(r)) X("due/m", "substr(" LEGAL_OPEN(r) ", 1, 7)") X("expected", LEGAL_SENT(r))                    \
	X("expected/m", "substr(" LEGAL_SENT(r) ", 1, 7)")                                                                      \
	X("renewal", "CASE WHEN " r ".status IN ('repondu', 'clos') THEN " r ".renewal_on END")

static const db_migration migrations[] = {
	{1, "statutory aid: kinds (the structure's catalogue) and files",
	 "CREATE TABLE legal_kinds (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " code TEXT NOT NULL, label TEXT NOT NULL, body TEXT NOT NULL DEFAULT '', pieces TEXT NOT NULL DEFAULT '', "
	 " opinion INTEGER NOT NULL DEFAULT 0, answer_days INTEGER NOT NULL DEFAULT 60, renewal_months INTEGER NOT NULL DEFAULT 0, "
	 " active INTEGER NOT NULL DEFAULT 1, UNIQUE (structure_id, code)) STRICT;"
	 "CREATE TABLE legal_files (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER, kind_id INTEGER NOT NULL, lodged_on TEXT NOT NULL, due_on TEXT NOT NULL, "
	 " lodged_by TEXT NOT NULL DEFAULT 'personne', "
	 " status TEXT NOT NULL CHECK (status IN ('ouvert', 'transmis', 'repondu', 'clos')), "
	 " pieces_received TEXT NOT NULL DEFAULT '', opinion TEXT NOT NULL DEFAULT '', opinion_reason TEXT NOT NULL DEFAULT '', "
	 " forwarded_on TEXT, forward_means TEXT NOT NULL DEFAULT '', forward_ref TEXT NOT NULL DEFAULT '', "
	 " forwarded_missing TEXT NOT NULL DEFAULT '', expected_on TEXT, answer TEXT NOT NULL DEFAULT '', answer_on TEXT, "
	 " answer_amount INTEGER, answer_from TEXT, answer_to TEXT, renewal_on TEXT, created_by INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX legal_files_h ON legal_files(structure_id, household_id);"
	 "CREATE INDEX legal_files_due ON legal_files(structure_id, status, due_on);"
	 "CREATE INDEX legal_files_expected ON legal_files(structure_id, status, expected_on);"
	 "CREATE INDEX legal_files_renewal ON legal_files(structure_id, renewal_on);",
	 NULL},
	{2, "reminders to the person: missing pieces, renewal",
	 "ALTER TABLE legal_files ADD COLUMN pieces_reminded_on TEXT;"
	 "ALTER TABLE legal_files ADD COLUMN renewal_reminded_for TEXT;", NULL},
	{3, "the obligés alimentaires of an ASH file, their contact and answers",
	 "CREATE TABLE legal_obliges (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " file_id INTEGER NOT NULL, name TEXT NOT NULL, relation TEXT NOT NULL DEFAULT '', contact TEXT NOT NULL DEFAULT '', "
	 " answer TEXT NOT NULL DEFAULT '' CHECK (answer IN ('', 'participe', 'refuse', 'sans_ressources', 'sans_reponse')), "
	 " amount INTEGER, answered_on TEXT, created_at INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX legal_obliges_f ON legal_obliges(structure_id, file_id);", NULL},
	/* The home page's four figures, kept by triggers (store/counts.h): the open files by due day (late: before
	 * today, by month and day; due within the week), the forwarded ones by the day an answer is expected, the
	 * answered or closed ones by renewal day. They were counted over indexes, 6 500 steps a home page. */
	{4, "the home page's figures kept by triggers",
	 KC_SQLITE("legal_counts", "legal_files", LEGAL_COUNTED, LEGAL_KEYS), KC_PG("legal_counts", "legal_files", LEGAL_COUNTED, LEGAL_KEYS)},
	/* The lists' totals for one kind of file (legal_list): over an index by kind, not every open file's row. */
	{5, "the lists' totals for one kind, over an index",
	 "CREATE INDEX legal_files_kind ON legal_files(structure_id, kind_id, status, due_on, expected_on, renewal_on);", NULL},
	/* The household page reads which of a household's parts have rows (persons.h): its section's. */
	{6, "legal_files counted in the household's parts, by triggers",
	 LEGAL_PARTS(PERSONS_PART_SQLITE),
	 LEGAL_PARTS(PERSONS_PART_PG)},
};
const db_module_schema legal_schema = {"legal", migrations, COUNTOF(migrations)};

const code LEGAL_STATES[4] = {{"ouvert", "Déposé, en cours de constitution"}, {"transmis", "Transmis, en attente de réponse"},
                              {"repondu", "Réponse reçue"}, {"clos", "Clos"}};
const code LEGAL_ANSWERS[4] = {{"", "— choisir —"}, {"accorde", "Accordé"}, {"partiel", "Accordé en partie"}, {"refuse", "Refusé"}};
const code LEGAL_OPINIONS[3] = {{"", "— choisir —"}, {"favorable", "Favorable"}, {"defavorable", "Défavorable"}};
const code LEGAL_MEANS[5] = {{"courrier", "Courrier"}, {"depot", "Dépôt en main propre"}, {"plateforme", "Plateforme en ligne"},
                             {"email", "Messagerie sécurisée"}, {"coursier", "Navette"}};
/* The work lists: to forward (by days left), late, awaiting an answer longer
 * than the kind's usual time, answers to record, renewals within 60 days, all. */
const code LEGAL_LISTS[6] = {{"a_transmettre", "À transmettre"}, {"en_retard", "En retard (plus d’un mois)"},
                             {"attente_longue", "Réponse attendue depuis longtemps"}, {"a_repondre", "Réponses à enregistrer"},
                             {"renouvellements", "Renouvellements sous 60 jours"}, {"", "Tous"}};

/* ---- the catalogue ------------------------------------------------------------------------ */

/* The usual kinds, as a structure starts with them (then edits them). */
static const struct { const char *code, *label, *body, *pieces; int opinion, days, renewal; } DEFAULTS[] = {
	{"apa_domicile", "APA à domicile", "Département", "pièce d’identité, avis d’imposition, relevé d’identité bancaire", 0, 60, 0},
	{"apa_etablissement", "APA en établissement", "Département", "pièce d’identité, avis d’imposition, relevé d’identité bancaire", 0, 60, 0},
	{"ash", "Aide sociale à l’hébergement (ASH)", "Département",
	 "pièce d’identité, avis d’imposition, relevés bancaires, titres de propriété, liste des obligés alimentaires", 1, 90, 0},
	{"aide_menagere", "Aide ménagère", "Département", "pièce d’identité, avis d’imposition, certificat médical", 1, 60, 12},
	{"pch", "Prestation de compensation du handicap (PCH)", "MDPH", "formulaire MDPH, certificat médical, pièce d’identité", 0, 120, 0},
	{"aah", "Allocation aux adultes handicapés (AAH)", "MDPH", "formulaire MDPH, certificat médical, pièce d’identité", 0, 120, 0},
	{"cmi", "Carte mobilité inclusion", "MDPH", "formulaire MDPH, certificat médical, photo d’identité", 0, 120, 0},
	{"rsa", "Revenu de solidarité active (RSA)", "Département", "pièce d’identité, relevé d’identité bancaire, justificatif de domicile",
	 0, 30, 0},
	{"css", "Complémentaire santé solidaire (CSS)", "CPAM", "pièce d’identité, ressources des 12 derniers mois", 0, 60, 12},
	{"fsl", "Fonds de solidarité logement (FSL)", "Département", "pièce d’identité, quittance de loyer, facture impayée", 1, 60, 0},
	{"obligation_alimentaire", "Enquête d’obligation alimentaire", "Département", "liste des obligés alimentaires", 0, 60, 0},
	{"autre", "Autre dossier", "", "", 0, 60, 0},
};

static db_sql Q_K_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM legal_kinds WHERE structure_id = $1");
static db_sql Q_K_INSERT = DB_SQL(DB_SCOPED,
	"INSERT INTO legal_kinds (structure_id, code, label, body, pieces, opinion, answer_days, renewal_months) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (structure_id, code) DO NOTHING");
#define K_COLS "id, code, label, body, pieces, opinion, answer_days, renewal_months, active"
static db_sql Q_K_LIST = DB_SQL(DB_SCOPED, "SELECT " K_COLS " FROM legal_kinds WHERE structure_id = $1 ORDER BY label, id");
static db_sql Q_K_ACTIVE = DB_SQL(DB_SCOPED,
	"SELECT " K_COLS " FROM legal_kinds WHERE structure_id = $1 AND active = 1 ORDER BY label, id");
static db_sql Q_K_GET = DB_SQL(DB_SCOPED, "SELECT " K_COLS " FROM legal_kinds WHERE structure_id = $1 AND id = $2");
static db_sql Q_K_UPDATE = DB_SQL(DB_SCOPED,
	"UPDATE legal_kinds SET label = $3, body = $4, pieces = $5, opinion = $6, answer_days = $7, renewal_months = $8, active = $9 "
	"WHERE structure_id = $1 AND id = $2");

err legal_kinds_ensure(db_conn *c)
{
	int64_t n = 0;
	err e = DBID(c, &Q_K_COUNT, &n);
	for (int i = 0; e == E_OK && !n && i < COUNTOF(DEFAULTS); i++)
		e = DBX(c, &Q_K_INSERT, NULL, A_TEXT(DEFAULTS[i].code), A_TEXT(DEFAULTS[i].label), A_TEXT(DEFAULTS[i].body),
		        A_TEXT(DEFAULTS[i].pieces), A_INT(DEFAULTS[i].opinion), A_INT(DEFAULTS[i].days), A_INT(DEFAULTS[i].renewal));
	return e;
}

static void kind_fill(db_res *q, arena *a, legal_kind *k)
{
	*k = (legal_kind){db_int(q, 0), db_dup(q, 1, a), db_dup(q, 2, a), db_dup(q, 3, a), db_dup(q, 4, a), db_int(q, 5) != 0,
	                  db_int(q, 8) != 0, (int)db_int(q, 6), (int)db_int(q, 7)};
}

int legal_kinds(db_conn *c, arena *a, bool active_only, legal_kind **out)
{
	*out = NULL;
	if (legal_kinds_ensure(c) != E_OK)
		return -1;
	db_res q = {0};
	int n = 0, cap = 0;
	if (DBQ0(c, active_only ? &Q_K_ACTIVE : &Q_K_LIST, &q) != E_OK)
		return -1;
	while (db_next(&q)) {
		legal_kind *k = ARENA_PUSH(a, *out, n, cap);
		if (!k)
			break;
		kind_fill(&q, a, k);
	}
	db_close(&q);
	return n;
}

bool legal_kind_get(db_conn *c, arena *a, int64_t id, legal_kind *out)
{
	db_res q = {0};
	bool ok = DBQ(c, &Q_K_GET, &q, A_INT(id)) == E_OK && db_next(&q);
	if (ok)
		kind_fill(&q, a, out);
	db_close(&q);
	return ok;
}

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

err legal_kind_save(db_conn *c, int64_t user, int64_t id, const kv_list *in, form_errors *fe, int64_t *out_id)
{
	const char *label = in_get(in, "label"), *body = in_get(in, "body"), *pieces = in_get(in, "pieces"),
	           *days = in_get(in, "answer_days"), *renew = in_get(in, "renewal_months"), *kcode = in_get(in, "code");
	int64_t d = 60, rm = 0;
	if (!label || strlen(label) > 120)
		form_error(fe, "label", "Le nom du type de dossier est requis (120 caractères au plus).");
	if (body && strlen(body) > 120)
		form_error(fe, "body", "L’organisme qui décide tient en 120 caractères.");
	if (pieces && strlen(pieces) > 1000)
		form_error(fe, "pieces", "La liste des pièces tient en 1 000 caractères (séparées par des virgules).");
	if (days && !text_to_int64(days, 1, 730, &d))
		form_error(fe, "answer_days", "Le délai habituel de réponse est un nombre de jours (1 à 730).");
	if (renew && !text_to_int64(renew, 0, 120, &rm))
		form_error(fe, "renewal_months", "La périodicité du renouvellement est un nombre de mois (0 si aucune, 120 au plus).");
	if (!id) {
		bool ok = kcode && strlen(kcode) <= 40;
		for (const char *p = kcode; ok && *p; p++)
			ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
		if (!ok)
			form_error(fe, "code", "Le code : lettres minuscules sans accent, chiffres et _ (40 au plus), par exemple « aide_menagere ».");
	}
	if (fe->n)
		return E_INPUT;
	bool opinion = in_get(in, "opinion") != NULL, active = id ? in_get(in, "active") != NULL : true;
	err e = legal_kinds_ensure(c);
	if (e == E_OK)
		e = db_begin(c, true);
	if (e != E_OK)
		return e;
	if (id) {
		int64_t n = 0;
		e = DBX(c, &Q_K_UPDATE, &n, A_INT(id), A_TEXT(label), A_TEXT(body ? body : ""), A_TEXT(pieces ? pieces : ""), A_INT(opinion),
		        A_INT(d), A_INT(rm), A_INT(active));
		if (e == E_OK && n != 1)
			e = E_NOT_FOUND;
		*out_id = id;
	} else {
		static db_sql Q_K_NEW = DB_SQL(DB_SCOPED,
			"INSERT INTO legal_kinds (structure_id, code, label, body, pieces, opinion, answer_days, renewal_months) "
			"VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id");
		e = DBID(c, &Q_K_NEW, out_id, A_TEXT(kcode), A_TEXT(label), A_TEXT(body ? body : ""), A_TEXT(pieces ? pieces : ""),
		         A_INT(opinion), A_INT(d), A_INT(rm));
		if (e == E_CONFLICT)
			form_error(fe, "code", "Ce code est déjà celui d’un autre type de dossier.");
		if (e == E_CONFLICT)
			e = E_INPUT;
	}
	if (e == E_OK)
		e = journal_record(c, user, id ? "update" : "create", "legal_kind", *out_id, NULL);
	return db_finish(c, e);
}

/* ---- files ---------------------------------------------------------------------------------- */

#define F_COLS                                                                                                             \
	"f.id, f.household_id, coalesce(f.person_id, 0), f.kind_id, f.version, coalesce(f.answer_amount, -1), k.label, k.body, " \
	"k.pieces, f.lodged_on, f.due_on, f.lodged_by, f.status, f.pieces_received, f.opinion, f.opinion_reason, f.forwarded_on, " \
	"f.forward_means, f.forward_ref, f.forwarded_missing, f.answer, f.answer_on, f.answer_from, f.answer_to, f.expected_on, "   \
	"f.renewal_on, k.opinion, k.code"
#define F_FROM " FROM legal_files f JOIN legal_kinds k ON k.structure_id = f.structure_id AND k.id = f.kind_id "

static void file_fill(db_res *q, arena *a, legal_file *o)
{
	int64_t *ints[] = {&o->id, &o->household_id, &o->person_id, &o->kind_id, &o->version, &o->answer_amount};
	for (int i = 0; i < 6; i++)
		*ints[i] = db_int(q, i);
	const char **txt[] = {&o->kind_label, &o->body, &o->kind_pieces, &o->lodged_on, &o->due_on, &o->lodged_by, &o->status,
	                      &o->pieces_received, &o->opinion, &o->opinion_reason, &o->forwarded_on, &o->forward_means,
	                      &o->forward_ref, &o->forwarded_missing, &o->answer, &o->answer_on, &o->answer_from, &o->answer_to,
	                      &o->expected_on, &o->renewal_on};
	for (int i = 0; i < 20; i++) {
		char *s = db_dup(q, 6 + i, a);
		*txt[i] = s ? s : "";
	}
	o->kind_opinion = db_int(q, 26) != 0;
	char *kc = db_dup(q, 27, a);
	o->kind_code = kc ? kc : "";
}

/* Every file a query (F_COLS first) returns, into *out; its count, -1 when
 * the query failed. total_col >= 0: that column's value into *total. */
/* The files of a statement run (e its result), the statement closed. */
static int files_read(db_res *q, err e, arena *a, int total_col, legal_file **out, int64_t *total)
{
	int n = 0, cap = 0;
	*out = NULL;
	if (e != E_OK)
		return -1;
	while (db_next(q)) {
		legal_file *f = ARENA_PUSH(a, *out, n, cap);
		if (!f)
			break;
		file_fill(q, a, f);
		if (total_col >= 0 && total)
			*total = db_int(q, total_col);
	}
	db_close(q);
	return n;
}

static int files_of(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, int total_col, legal_file **out,
                    int64_t *total)
{
	db_res q = {0};
	err e = db_query(c, sql, &q, nargs, args);
	return files_read(&q, e, a, total_col, out, total);
}

static db_sql Q_F_GET = DB_SQL(DB_SCOPED, "SELECT " F_COLS F_FROM "WHERE f.structure_id = $1 AND f.id = $2");

bool legal_file_load(db_conn *c, arena *a, int64_t id, legal_file *out)
{
	db_res q = {0};
	bool ok = DBQ(c, &Q_F_GET, &q, A_INT(id)) == E_OK && db_next(&q);
	if (ok)
		file_fill(&q, a, out);
	db_close(&q);
	return ok;
}

civil_date legal_due(civil_date lodged) { return civil_add_months(lodged, 1); }

/* Is « piece » in the comma list? (words compared folded) */
static bool in_list(arena *a, const char *list, const char *piece)
{
	const char *want = text_fold(a, piece);
	for (const char *p = list ? list : ""; want && *p;) {
		size_t n = strcspn(p, ",");
		char *w = text_trim(a, arena_strndup(a, p, n));
		p += n + (p[n] == ',');
		const char *f = w ? text_fold(a, w) : NULL;
		if (f && *f && !strcmp(f, want))
			return true;
	}
	return false;
}

const char *legal_missing(arena *a, const legal_file *f)
{
	buf b;
	buf_init(&b, a, 64);
	for (const char *p = f->kind_pieces; *p;) {
		size_t n = strcspn(p, ",");
		char *w = text_trim(a, arena_strndup(a, p, n));
		p += n + (p[n] == ',');
		if (w && *w && !in_list(a, f->pieces_received, w))
			buf_printf(&b, "%s%s", b.len ? ", " : "", w);
	}
	return buf_cstr(&b);
}

static db_sql Q_F_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO legal_files (structure_id, household_id, person_id, kind_id, lodged_on, due_on, lodged_by, status, created_by, "
	"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'ouvert', $8, $9) RETURNING id");

err legal_create(const legal_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, pid = 0, kid = 0;
	const char *hs = in_get(in, "household"), *ps = in_get(in, "person"), *ks = in_get(in, "kind"), *ls = in_get(in, "lodged_on"),
	           *by = in_get(in, "lodged_by");
	civil_date on = x->today;
	legal_kind k;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(x->c, hid)) {
		form_error(fe, "household", "Choisissez le foyer dont c’est le dossier.");
		hid = 0;
	}
	if (legal_kinds_ensure(x->c) != E_OK || !ks || !text_to_int64(ks, 1, INT64_MAX, &kid) || !legal_kind_get(x->c, x->a, kid, &k) ||
	    !k.active)
		form_error(fe, "kind", "Choisissez le type de dossier.");
	if (ls && (!civil_parse(ls, &on) || civil_to_days(on) > civil_to_days(x->today)))
		form_error(fe, "lodged_on", "La date de dépôt est au format AAAA-MM-JJ et ne peut pas être dans le futur.");
	if (by && strcmp(by, "personne") && strcmp(by, "tiers"))
		form_error(fe, "lodged_by", "Déposé par la personne ou par un tiers.");
	bool not_member = false;
	pid = persons_member_or_applicant(x->c, x->a, hid, ps, &not_member);
	if (not_member)
		form_error(fe, "person", "La personne concernée doit être un membre du foyer.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_F_NEW, id, A_INT(hid), A_INT_OR_NULL(pid), A_INT(kid), A_TEXT(civil_iso(x->a, on)),
		         A_TEXT(civil_iso(x->a, legal_due(on))), A_TEXT(by ? by : "personne"), A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, x->user, "legal_file", *id, arena_printf(x->a, "Dossier déposé : %s", k.label));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "legal_file", *id, k.code);
	return db_finish(x->c, e);
}

static db_sql Q_F_PIECES = DB_SQL(DB_SCOPED,
	"UPDATE legal_files SET pieces_received = $3, version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $4 "
	"AND status = 'ouvert'");
static db_sql Q_F_OPINION = DB_SQL(DB_SCOPED,
	"UPDATE legal_files SET opinion = $3, opinion_reason = $4, version = version + 1 WHERE structure_id = $1 AND id = $2 "
	"AND version = $5 AND status = 'ouvert'");
static db_sql Q_F_FORWARD = DB_SQL(DB_SCOPED,
	"UPDATE legal_files SET status = 'transmis', forwarded_on = $3, forward_means = $4, forward_ref = $5, forwarded_missing = $6, "
	"expected_on = $7, version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $8 AND status = 'ouvert'");
static db_sql Q_F_ANSWER = DB_SQL(DB_SCOPED,
	"UPDATE legal_files SET status = 'repondu', answer = $3, answer_on = $4, answer_amount = $5, answer_from = $6, answer_to = $7, "
	"renewal_on = $8, version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $9 AND status = 'transmis'");
static db_sql Q_F_CLOSE = DB_SQL(DB_SCOPED,
	"UPDATE legal_files SET status = 'clos', version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $3 "
	"AND status <> 'clos'");

/* A date typed for a step: ISO or « JJ/MM/AAAA », not before from, not after today. */
static bool step_date(const legal_ctx *x, const char *s, const char *from, civil_date *out)
{
	civil_date f;
	if (!s || !civil_parse(s, out) || civil_to_days(*out) > civil_to_days(x->today))
		return false;
	return !from || !*from || !civil_parse(from, &f) || civil_to_days(*out) >= civil_to_days(f);
}

err legal_act(const legal_ctx *x, legal_file *f, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	int64_t ver = 0, n = 0;
	const char *vs = in_get(in, "version");
	if (!vs || !text_to_int64(vs, 0, INT64_MAX, &ver))
		ver = f->version;
	err e = E_OK;
	const char *detail = NULL, *event = NULL;
	civil_date d;
	if (!strcmp(action, "pieces")) {
		/* The ticked pieces of the kind, and any other typed. */
		buf b;
		buf_init(&b, x->a, 128);
		for (int i = 0; i < in->n; i++) {
			const char *v = in->items[i].value;
			if (!strcmp(in->items[i].name, "piece") && v && *v && strlen(v) <= 200 && !strchr(v, ','))
				buf_printf(&b, "%s%s", b.len ? ", " : "", v);
		}
		const char *other = in_get(in, "other");
		if (other && (strlen(other) > 500))
			form_error(fe, "other", "Les autres pièces tiennent en 500 caractères.");
		else if (other)
			buf_printf(&b, "%s%s", b.len ? ", " : "", other);
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_F_PIECES, &n, A_INT(f->id), A_TEXT(buf_cstr(&b)), A_INT(ver));
		event = "Pièces mises à jour";
	} else if (!strcmp(action, "avis")) {
		const char *op = in_get(in, "opinion"), *reason = in_get(in, "opinion_reason");
		if (!op || !CODE_OK(LEGAL_OPINIONS, op))
			form_error(fe, "opinion", "Choisissez l’avis du CCAS : favorable ou défavorable.");
		if (!reason || strlen(reason) > 2000)
			form_error(fe, "opinion_reason", "L’avis est motivé : dites pourquoi (2 000 caractères au plus).");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_F_OPINION, &n, A_INT(f->id), A_TEXT(op), A_TEXT(reason), A_INT(ver));
		event = arena_printf(x->a, "Avis du CCAS : %s", CODE_LABEL(LEGAL_OPINIONS, op));
	} else if (!strcmp(action, "transmettre")) {
		const char *on = in_get(in, "forwarded_on"), *means = in_get(in, "means"), *ref = in_get(in, "reference");
		if (!on)
			on = civil_iso(x->a, x->today);
		if (!step_date(x, on, f->lodged_on, &d))
			form_error(fe, "forwarded_on", "La date de transmission : pas avant le dépôt ni dans le futur (AAAA-MM-JJ).");
		if (!means || !CODE_OK(LEGAL_MEANS, means))
			form_error(fe, "means", "Comment le dossier a-t-il été transmis ?");
		if (ref && strlen(ref) > 120)
			form_error(fe, "reference", "La référence tient en 120 caractères.");
		if (f->kind_opinion && !*f->opinion)
			form_error(fe, "opinion", "Ce type de dossier part avec l’avis motivé du CCAS : donnez-le d’abord.");
		if (fe->n)
			return E_INPUT;
		/* Incomplete files leave all the same (the month runs): the missing
		 * pieces go with them, listed. */
		legal_kind k;
		int days = legal_kind_get(x->c, x->a, f->kind_id, &k) ? k.answer_days : 60;
		const char *missing = legal_missing(x->a, f);
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_F_FORWARD, &n, A_INT(f->id), A_TEXT(civil_iso(x->a, d)), A_TEXT(means), A_TEXT(ref ? ref : ""),
			        A_TEXT(missing), A_TEXT(civil_iso(x->a, civil_from_days(civil_to_days(d) + days))), A_INT(ver));
		event = *missing ? arena_printf(x->a, "Dossier transmis (%s), pièces manquantes : %s", CODE_LABEL(LEGAL_MEANS, means), missing)
		                 : arena_printf(x->a, "Dossier transmis (%s)", CODE_LABEL(LEGAL_MEANS, means));
	} else if (!strcmp(action, "reponse")) {
		const char *ans = in_get(in, "answer"), *on = in_get(in, "answer_on"), *am = in_get(in, "amount"), *from = in_get(in, "from"),
		           *to = in_get(in, "to");
		int64_t amount = -1;
		civil_date df, dt;
		if (!ans || !*ans || !CODE_OK(LEGAL_ANSWERS, ans))
			form_error(fe, "answer", "Choisissez la réponse : accordé, accordé en partie ou refusé.");
		if (!on)
			on = civil_iso(x->a, x->today);
		if (!step_date(x, on, f->forwarded_on, &d))
			form_error(fe, "answer_on", "La date de réception de la réponse : pas avant la transmission ni dans le futur.");
		if (am && (!money_parse(am, &amount) || amount < 0))
			form_error(fe, "amount", "Le montant est en euros, par exemple 312,50 (laissez vide s’il n’y en a pas).");
		if (from && !civil_parse(from, &df))
			form_error(fe, "from", "Début des droits : AAAA-MM-JJ.");
		if (to && (!civil_parse(to, &dt) || (from && civil_parse(from, &df) && civil_to_days(dt) < civil_to_days(df))))
			form_error(fe, "to", "Fin des droits : AAAA-MM-JJ, après le début.");
		if (fe->n)
			return E_INPUT;
		/* The renewal: the end of the rights, else the kind's period after the answer. */
		legal_kind k;
		const char *renew = NULL;
		if (strcmp(ans, "refuse") && legal_kind_get(x->c, x->a, f->kind_id, &k)) {
			if (to)
				renew = to;
			else if (k.renewal_months)
				renew = civil_iso(x->a, civil_add_months(d, k.renewal_months));
		}
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_F_ANSWER, &n, A_INT(f->id), A_TEXT(ans), A_TEXT(civil_iso(x->a, d)),
			        amount >= 0 ? A_INT(amount) : A_NULL, A_TEXT(from), A_TEXT(to), A_TEXT(renew), A_INT(ver));
		event = arena_printf(x->a, "Réponse reçue : %s%s", CODE_LABEL(LEGAL_ANSWERS, ans),
		                     amount >= 0 ? arena_printf(x->a, " (%s)", money_format(x->a, amount)) : "");
	} else if (!strcmp(action, "clore")) {
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_F_CLOSE, &n, A_INT(f->id), A_INT(ver));
		event = "Dossier clos";
	} else {
		return E_NOT_FOUND;
	}
	if (e == E_OK && n != 1) {
		e = E_CONFLICT;
		*why = ver != f->version ? "Quelqu’un d’autre a modifié ce dossier entre-temps : voici son état actuel, vérifiez avant de recommencer."
		                         : "Cette étape n’est pas possible dans l’état actuel du dossier.";
	}
	if (e == E_OK)
		e = persons_timeline_add(x->c, f->household_id, x->user, "legal_file", f->id, arena_printf(x->a, "%s — %s", f->kind_label, event));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "legal_file", f->id, detail ? detail : action);
	return db_finish(x->c, e);
}

/* ---- a forwarding slip: several files to one body, at once -------------------------------- */

err legal_forward_batch(const legal_ctx *x, const int64_t *ids, int n, const char *on, const char *means, const char *ref,
                        form_errors *fe, const char **out_ref)
{
	civil_date d;
	*out_ref = NULL;
	if (n < 1)
		form_error(fe, "id", "Cochez au moins un dossier à transmettre.");
	if (!on)
		on = civil_iso(x->a, x->today);
	if (!civil_parse(on, &d) || civil_to_days(d) > civil_to_days(x->today))
		form_error(fe, "forwarded_on", "La date de transmission : AAAA-MM-JJ, pas dans le futur.");
	if (!means || !CODE_OK(LEGAL_MEANS, means))
		form_error(fe, "means", "Comment les dossiers sont-ils transmis ?");
	if (ref && strlen(ref) > 60)
		form_error(fe, "reference", "La référence du bordereau tient en 60 caractères.");
	legal_file *v = n > 0 ? arena_array(x->a, (size_t)n, sizeof *v) : NULL;
	const char *body = NULL;
	for (int i = 0; v && i < n && !fe->n; i++) {
		if (!legal_file_load(x->c, x->a, ids[i], &v[i]) || strcmp(v[i].status, "ouvert"))
			form_error(fe, "id", "Un dossier coché n’est plus à transmettre : rechargez la liste.");
		else if (body && strcmp(body, v[i].body))
			form_error(fe, "id", arena_printf(x->a, "Un bordereau va à un seul organisme : « %s » et « %s » sont cochés.", body, v[i].body));
		else if (v[i].kind_opinion && !*v[i].opinion)
			form_error(fe, "id", arena_printf(x->a, "Le dossier « %s » déposé le %s attend l’avis motivé du CCAS.", v[i].kind_label,
			                                  civil_fr(x->a, v[i].lodged_on)));
		else if (strcmp(civil_iso(x->a, d), v[i].lodged_on) < 0) /* ISO dates compare as text */
			form_error(fe, "forwarded_on", "La date de transmission précède le dépôt d’un dossier coché.");
		body = v[i].body;
	}
	if (fe->n)
		return E_INPUT;
	if (!v)
		return E_NOMEM;
	const char *slip = ref ? ref : arena_printf(x->a, "BT-%04d%02d%02d-%lld", d.y, d.m, d.d, (long long)ids[0]);
	err e = db_begin(x->c, true);
	for (int i = 0; e == E_OK && i < n; i++) {
		legal_kind k;
		int days = legal_kind_get(x->c, x->a, v[i].kind_id, &k) ? k.answer_days : 60;
		int64_t changed = 0;
		const char *missing = legal_missing(x->a, &v[i]);
		e = DBX(x->c, &Q_F_FORWARD, &changed, A_INT(v[i].id), A_TEXT(civil_iso(x->a, d)), A_TEXT(means), A_TEXT(slip), A_TEXT(missing),
		        A_TEXT(civil_iso(x->a, civil_from_days(civil_to_days(d) + days))), A_INT(v[i].version));
		if (e == E_OK && changed != 1)
			e = E_CONFLICT;
		if (e == E_OK)
			e = persons_timeline_add(x->c, v[i].household_id, x->user, "legal_file", v[i].id,
			                         arena_printf(x->a, "%s — transmis par le bordereau %s", v[i].kind_label, slip));
		if (e == E_OK)
			e = journal_record(x->c, x->user, "update", "legal_file", v[i].id, "slip");
	}
	e = db_finish(x->c, e);
	if (e == E_OK)
		*out_ref = slip;
	return e;
}

static db_sql Q_SLIP = DB_SQL(DB_SCOPED, "SELECT " F_COLS F_FROM "WHERE f.structure_id = $1 AND f.forward_ref = $2 ORDER BY f.id");

int legal_slip(db_conn *c, arena *a, const char *ref, legal_file **out)
{
	*out = NULL;
	if (!ref || !*ref)
		return -1;
	return files_of(c, a, &Q_SLIP, 1, (db_arg[]){A_TEXT(ref)}, -1, out, NULL);
}

/* ---- lists ---------------------------------------------------------------------------------- */

/* Each list: its page (along the index of its order, stopping at the page's end) and its total (below) — a count
 * of the whole list beside every row made the database read and sort every matching file, with its kind, to show
 * twenty-five. */
#define L_DUE "WHERE f.structure_id = $1 AND f.status = 'ouvert' AND f.due_on <= $2"
#define L_WAIT "WHERE f.structure_id = $1 AND f.status = 'transmis' AND f.expected_on <= $2"
#define L_ALL "WHERE f.structure_id = $1 AND f.lodged_on <= $2"
#define L_RENEW "WHERE f.structure_id = $1 AND f.renewal_on >= $3 AND f.renewal_on <= $2 AND f.status IN ('repondu', 'clos')"
/* The one filter, a kind: in the statement only when asked (store.h: db_filtered). */
static const char *const L_KIND[] = {" AND f.kind_id = ?"};
static db_filtered F_L_DUE = DB_FILTERED(DB_SCOPED, "SELECT " F_COLS F_FROM L_DUE, 2, L_KIND, " ORDER BY f.due_on, f.id LIMIT ? OFFSET ?");
static db_filtered F_L_WAIT = DB_FILTERED(DB_SCOPED, "SELECT " F_COLS F_FROM L_WAIT, 2, L_KIND,
	" ORDER BY f.expected_on, f.id LIMIT ? OFFSET ?");
static db_filtered F_L_RENEW = DB_FILTERED(DB_SCOPED, "SELECT " F_COLS F_FROM L_RENEW, 3, L_KIND,
	" ORDER BY f.renewal_on, f.id LIMIT ? OFFSET ?");
static db_filtered F_L_ALL = DB_FILTERED(DB_SCOPED, "SELECT " F_COLS F_FROM L_ALL, 2, L_KIND,
	" ORDER BY f.lodged_on DESC, f.id DESC LIMIT ? OFFSET ?");
static db_filtered F_N_ALL = DB_FILTERED(DB_SCOPED, "SELECT count(*) FROM legal_files f " L_ALL, 2, L_KIND, "");
/* The totals of the lists by date: of every kind, the counts kept by triggers (legal/4: 28 000 steps for every
 * open file → a few dozen rows; $2 the last day, $3 the first); of one kind ($3), over the index by kind (legal/5). */
static db_sql Q_N_DUE_ALL = DB_SQL(DB_SCOPED, "SELECT " KC_UPTO("legal_counts", "due", "$2"));
static db_sql Q_N_WAIT_ALL = DB_SQL(DB_SCOPED, "SELECT " KC_UPTO("legal_counts", "expected", "$2"));
static db_sql Q_N_RENEW_ALL = DB_SQL(DB_SCOPED, "SELECT " KC_SUM("legal_counts", "renewal", " AND day >= $3 AND day <= $2"));
static db_sql Q_N_DUE_KIND = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM legal_files WHERE structure_id = $1 AND kind_id = $3 AND status = 'ouvert' AND due_on <= $2");
static db_sql Q_N_WAIT_KIND = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM legal_files WHERE structure_id = $1 AND kind_id = $3 AND status = 'transmis' AND expected_on <= $2");
static db_sql Q_N_RENEW_KIND = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM legal_files WHERE structure_id = $1 AND kind_id = $4 AND status IN ('repondu', 'clos') "
	"AND renewal_on >= $3 AND renewal_on <= $2");

int legal_list(const legal_ctx *x, const char *list, int64_t kind, int limit, int offset, legal_file **out, int64_t *total)
{
	*out = NULL;
	*total = 0;
	const char *today = civil_iso(x->a, x->today);
	db_filtered *q = &F_L_ALL;
	db_sql *nq = NULL; /* the list of every file: its count filtered as its page */
	const char *upto = "9999-12-31", *from = today;
	if (!strcmp(list, "a_transmettre"))
		q = &F_L_DUE, nq = kind ? &Q_N_DUE_KIND : &Q_N_DUE_ALL; /* every open file, soonest due first */
	else if (!strcmp(list, "en_retard"))
		q = &F_L_DUE, nq = kind ? &Q_N_DUE_KIND : &Q_N_DUE_ALL, upto = civil_iso(x->a, civil_from_days(civil_to_days(x->today) - 1));
	else if (!strcmp(list, "a_repondre"))
		q = &F_L_WAIT, nq = kind ? &Q_N_WAIT_KIND : &Q_N_WAIT_ALL;
	else if (!strcmp(list, "attente_longue"))
		q = &F_L_WAIT, nq = kind ? &Q_N_WAIT_KIND : &Q_N_WAIT_ALL, upto = today;
	else if (!strcmp(list, "renouvellements"))
		q = &F_L_RENEW, nq = kind ? &Q_N_RENEW_KIND : &Q_N_RENEW_ALL,
		upto = civil_iso(x->a, civil_from_days(civil_to_days(x->today) + 60));
	db_pick p = DB_PICK;
	db_pick_arg(&p, A_TEXT(upto));
	if (q == &F_L_RENEW)
		db_pick_arg(&p, A_TEXT(from));
	if (kind)
		DB_PICK_ON(&p, 0, A_INT(kind));
	db_res r = {0};
	err e = DBQF(x->c, q, &p, &r, A_INT(limit), A_INT(offset));
	int n = files_read(&r, e, x->a, -1, out, NULL);
	if (n < 0)
		return -1;
	if (!nq) { /* every file lodged: its count, with the page's filter */
		e = DBQF0(x->c, &F_N_ALL, &p, &r);
		if (e == E_OK && db_next(&r))
			*total = db_int(&r, 0);
		db_close(&r);
	} else { /* $2 the last day, $3 the first (renewals), then the kind */
		db_arg args[] = {A_TEXT(upto), A_TEXT(from), A_INT(kind)};
		bool renew = nq == &Q_N_RENEW_ALL || nq == &Q_N_RENEW_KIND;
		int nn = (renew ? 2 : 1) + (kind ? 1 : 0);
		if (!renew && kind)
			args[1] = A_INT(kind);
		e = db_exec_id(x->c, nq, nn, args, total);
	}
	return e == E_OK ? n : -1;
}

static db_sql Q_OF_H = DB_SQL(DB_SCOPED, "SELECT " F_COLS F_FROM "WHERE f.structure_id = $1 AND f.household_id = $2 ORDER BY f.lodged_on DESC, f.id DESC");

int legal_of_household(db_conn *c, arena *a, int64_t hid, legal_file **out)
{
	return files_of(c, a, &Q_OF_H, 1, (db_arg[]){A_INT(hid)}, -1, out, NULL);
}

/* Kept by triggers (legal/4): a few dozen rows summed. */
static db_sql Q_COUNTS = DB_SQL(DB_SCOPED,
	"SELECT " KC_BEFORE("legal_counts", "due", "$2") ", " KC_SUM("legal_counts", "due", " AND day >= $2 AND day <= $3") ", "
	KC_BEFORE("legal_counts", "expected", "$2") ", " KC_SUM("legal_counts", "renewal", " AND day >= $2 AND day <= $4"));

err legal_counts_of(const legal_ctx *x, legal_counts *out)
{
	memset(out, 0, sizeof *out);
	db_res q = {0};
	int64_t t = civil_to_days(x->today);
	err e = DBQ(x->c, &Q_COUNTS, &q, A_TEXT(civil_iso(x->a, x->today)), A_TEXT(civil_iso(x->a, civil_from_days(t + 7))),
	            A_TEXT(civil_iso(x->a, civil_from_days(t + 60))));
	if (e == E_OK && db_next(&q))
		*out = (legal_counts){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), db_int(&q, 3)};
	db_close(&q);
	return e;
}

/* ---- reminders to the person (notices, with consent) --------------------------------------- */

static db_sql Q_R_PIECES = DB_SQL(DB_GLOBAL,
	"SELECT f.structure_id, f.id FROM legal_files f WHERE f.status = 'ouvert' AND f.person_id IS NOT NULL AND f.lodged_on <= $1 "
	"AND (f.pieces_reminded_on IS NULL OR f.pieces_reminded_on <= $2) ORDER BY f.structure_id, f.id");
static db_sql Q_R_RENEW = DB_SQL(DB_GLOBAL,
	"SELECT f.structure_id, f.id FROM legal_files f WHERE f.status IN ('repondu', 'clos') AND f.person_id IS NOT NULL "
	"AND f.renewal_on >= $1 AND f.renewal_on <= $2 AND (f.renewal_reminded_for IS NULL OR f.renewal_reminded_for <> f.renewal_on) "
	"ORDER BY f.structure_id, f.id");
static db_sql Q_R_MARK_P = DB_SQL(DB_SCOPED, "UPDATE legal_files SET pieces_reminded_on = $3 WHERE structure_id = $1 AND id = $2");
static db_sql Q_R_MARK_R = DB_SQL(DB_SCOPED, "UPDATE legal_files SET renewal_reminded_for = renewal_on WHERE structure_id = $1 AND id = $2");

typedef struct due_row { int64_t sid, id; } due_row;

static int collect(db_conn *c, arena *a, db_sql *q, const char *p1, const char *p2, due_row **out)
{
	db_res r = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ(c, q, &r, A_TEXT(p1), A_TEXT(p2)) != E_OK)
		return -1;
	while (db_next(&r)) {
		due_row *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		*x = (due_row){db_int(&r, 0), db_int(&r, 1)};
	}
	db_close(&r);
	return n;
}

err legal_notify(db *d, civil_date today, bool send, int64_t *count)
{
	*count = 0;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	arena a;
	arena_init(&a, 0);
	int64_t t = civil_to_days(today);
	const char *iso = civil_iso(&a, today);
	due_row *p, *rn;
	/* Pieces: a week after lodging, then every two weeks while some are missing. */
	int np = collect(c, &a, &Q_R_PIECES, civil_iso(&a, civil_from_days(t - 7)), civil_iso(&a, civil_from_days(t - 14)), &p);
	int nr = collect(c, &a, &Q_R_RENEW, iso, civil_iso(&a, civil_from_days(t + 30)), &rn);
	err e = np < 0 || nr < 0 ? E_DB : E_OK;
	for (int i = 0; e == E_OK && i < np + nr; i++) {
		bool pieces = i < np;
		due_row *x = pieces ? &p[i] : &rn[i - np];
		db_conn_scope(c, x->sid);
		legal_file f;
		if (!legal_file_load(c, &a, x->id, &f))
			continue;
		const char *missing = pieces ? legal_missing(&a, &f) : "";
		if (pieces && !*missing)
			continue;
		if (!send) {
			(*count)++;
			continue;
		}
		const char *text = pieces ? arena_printf(&a, "Votre dossier « %s » déposé le %s au CCAS : il manque encore %s. Apportez ces pièces "
		                                             "avant le %s, date à laquelle le dossier sera transmis.", f.kind_label,
		                                         civil_fr(&a, f.lodged_on), missing, civil_fr(&a, f.due_on))
		                          : arena_printf(&a, "Vos droits « %s » sont à renouveler avant le %s. Le CCAS peut vous aider à "
		                                             "constituer le dossier.", f.kind_label, civil_fr(&a, f.renewal_on));
		bool queued = false;
		e = db_begin(c, true);
		if (e == E_OK)
			e = persons_notice_queue(c, f.person_id, "legal", pieces ? "Pièces manquantes" : "Renouvellement", text, &queued);
		if (e == E_OK)
			e = pieces ? DBX(c, &Q_R_MARK_P, NULL, A_INT(f.id), A_TEXT(iso)) : DBX(c, &Q_R_MARK_R, NULL, A_INT(f.id));
		e = db_finish(c, e);
		*count += queued;
	}
	arena_release(&a);
	db_conn_put(c);
	return e;
}

/* ---- the obligés alimentaires of an ASH file --------------------------------------------------- */

const code LEGAL_OBLIGE_ANSWERS[5] = {{"", "Pas encore de réponse"}, {"participe", "Participe"}, {"refuse", "Refuse"},
                                      {"sans_ressources", "Sans ressources suffisantes"}, {"sans_reponse", "Ne répond pas"}};

bool legal_has_obliges(const legal_file *f) { return !strcmp(f->kind_code, "ash") || !strcmp(f->kind_code, "obligation_alimentaire"); }

static db_sql Q_O_LIST = DB_SQL(DB_SCOPED,
	"SELECT id, name, relation, contact, answer, coalesce(amount, -1), coalesce(answered_on, '') FROM legal_obliges "
	"WHERE structure_id = $1 AND file_id = $2 ORDER BY id");

int legal_obliges(db_conn *c, arena *a, int64_t file_id, legal_oblige **out)
{
	*out = NULL;
	db_res q = {0};
	int n = 0, cap = 0;
	if (DBQ(c, &Q_O_LIST, &q, A_INT(file_id)) != E_OK)
		return -1;
	while (db_next(&q)) {
		legal_oblige *o = ARENA_PUSH(a, *out, n, cap);
		if (!o)
			break;
		*o = (legal_oblige){db_int(&q, 0), db_dup(&q, 1, a), db_dup(&q, 2, a), db_dup(&q, 3, a), db_dup(&q, 4, a), db_int(&q, 5),
		                    db_dup(&q, 6, a)};
	}
	db_close(&q);
	return n;
}

static db_sql Q_O_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO legal_obliges (structure_id, file_id, name, relation, contact, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static db_sql Q_O_ANSWER = DB_SQL(DB_SCOPED,
	"UPDATE legal_obliges SET answer = $4, amount = $5, answered_on = $6 WHERE structure_id = $1 AND file_id = $2 AND id = $3");

err legal_oblige_add(const legal_ctx *x, const legal_file *f, const kv_list *in, form_errors *fe, int64_t *id)
{
	const char *name = in_get(in, "name"), *rel = in_get(in, "relation"), *contact = in_get(in, "contact");
	if (!legal_has_obliges(f))
		form_error(fe, "name", "Les obligés alimentaires se recensent pour un dossier d’ASH ou une enquête d’obligation alimentaire.");
	if (!name || strlen(name) > 120)
		form_error(fe, "name", "Le nom de l’obligé alimentaire est requis (120 caractères au plus).");
	if (rel && strlen(rel) > 60)
		form_error(fe, "relation", "Le lien de parenté tient en 60 caractères.");
	if (contact && strlen(contact) > 300)
		form_error(fe, "contact", "Les coordonnées tiennent en 300 caractères.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_O_ADD, id, A_INT(f->id), A_TEXT(name), A_TEXT(rel ? rel : ""), A_TEXT(contact ? contact : ""), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "legal_file", f->id, "oblige");
	return db_finish(x->c, e);
}

err legal_oblige_answer(const legal_ctx *x, const legal_file *f, int64_t oid, const kv_list *in, form_errors *fe)
{
	const char *ans = in_get(in, "answer"), *am = in_get(in, "amount"), *on = in_get(in, "answered_on");
	int64_t amount = -1;
	civil_date d = x->today;
	if (!ans || !CODE_OK(LEGAL_OBLIGE_ANSWERS, ans))
		form_error(fe, "answer", "Choisissez la réponse de l’obligé alimentaire.");
	if (am && (!money_parse(am, &amount) || amount < 0))
		form_error(fe, "amount", "La participation mensuelle est un montant en euros (laissez vide s’il n’y en a pas).");
	if (on && (!civil_parse(on, &d) || civil_to_days(d) > civil_to_days(x->today)))
		form_error(fe, "answered_on", "La date de la réponse : AAAA-MM-JJ, pas dans le futur.");
	if (fe->n)
		return E_INPUT;
	int64_t n = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_O_ANSWER, &n, A_INT(f->id), A_INT(oid), A_TEXT(ans), amount >= 0 ? A_INT(amount) : A_NULL,
		        A_TEXT(civil_iso(x->a, d)));
	if (e == E_OK && n != 1)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "legal_file", f->id, "oblige");
	return db_finish(x->c, e);
}
