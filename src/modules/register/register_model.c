/*
 * register_model.c — the register of vulnerable persons: schema, the
 * agents the structure names, the proofs of a disability, who may be
 * registered (CASF L121-6-1, R121-2), entries and their steps, lists,
 * counts. No HTML here.
 */
#include <stddef.h>
#include "modules/register/register_internal.h"
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "store/counts.h"
#include "core/banned.h"

int PERM_REG_READ, PERM_REG_ADMIN, PERM_REG_CALL;

/* What the home page counts (reg_counts_of), for store/counts.h. */
#define REG_COUNTED "structure_id, status, ack_on, ack_due_on, confirmed_on, requested_on"
#define REG_ACK(r) "CASE WHEN " r ".status = 'inscrit' AND " r ".ack_on IS NULL THEN " r ".ack_due_on END"
#define REG_CONFIRM(r) "CASE WHEN " r ".status = 'inscrit' THEN coalesce(" r ".confirmed_on, " r ".requested_on) END"
#define REG_KEYS(X, r)                                                                                                       \
	X("ack", REG_ACK(r)) X("ack/m", "substr(" REG_ACK(r) ", 1, 7)") X("confirm", REG_CONFIRM(r))                           \
	X("confirm/m", "substr(" REG_CONFIRM(r) ", 1, 7)")

static const db_migration migrations[] = {
	{1, "the register of vulnerable persons, its named readers, campaigns, calls and the préfet's exports",
	 "CREATE TABLE reg_agents (structure_id INTEGER NOT NULL REFERENCES structures(id), user_id INTEGER NOT NULL, "
	 " named_by INTEGER NOT NULL, named_at INTEGER NOT NULL, PRIMARY KEY (structure_id, user_id)) STRICT;"
	 "CREATE TABLE reg_proofs (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), label TEXT NOT NULL, "
	 " UNIQUE (structure_id, label)) STRICT;"
	 "CREATE TABLE reg_entries (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('inscrit', 'radie')), "
	 " basis TEXT NOT NULL CHECK (basis IN ('age65', 'inapte60', 'handicap')), proof TEXT NOT NULL DEFAULT '', "
	 " requested_by TEXT NOT NULL CHECK (requested_by IN ('personne', 'representant', 'tiers')), third_kind TEXT NOT NULL DEFAULT '', "
	 " third_name TEXT NOT NULL DEFAULT '', written_ref TEXT NOT NULL DEFAULT '', requested_on TEXT NOT NULL, ack_due_on TEXT NOT NULL, "
	 " ack_on TEXT, consent_on TEXT, living_alone INTEGER, gir INTEGER, access_notes TEXT NOT NULL DEFAULT '', "
	 " phones TEXT NOT NULL DEFAULT '', doctor TEXT NOT NULL DEFAULT '', services TEXT NOT NULL DEFAULT '', "
	 " health_notes TEXT NOT NULL DEFAULT '', confirmed_on TEXT, removed_on TEXT, remove_reason TEXT NOT NULL DEFAULT '', "
	 " created_by INTEGER NOT NULL, created_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE INDEX reg_entries_p ON reg_entries(structure_id, person_id);"
	 "CREATE INDEX reg_entries_h ON reg_entries(structure_id, household_id);"
	 "CREATE INDEX reg_entries_ack ON reg_entries(structure_id, status, ack_on, ack_due_on);"
	 "CREATE INDEX reg_entries_conf ON reg_entries(structure_id, status, confirmed_on);"
	 "CREATE TABLE reg_contacts (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " entry_id INTEGER NOT NULL, name TEXT NOT NULL, relation TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '') STRICT;"
	 "CREATE INDEX reg_contacts_e ON reg_contacts(structure_id, entry_id);"
	 "CREATE TABLE reg_campaigns (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " kind TEXT NOT NULL, level TEXT NOT NULL DEFAULT '', started_on TEXT NOT NULL, ends_on TEXT, closed_on TEXT, "
	 " recall_minutes INTEGER NOT NULL DEFAULT 60, report_text TEXT NOT NULL DEFAULT '', opened_by INTEGER NOT NULL, "
	 " created_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1) STRICT;"
	 "CREATE TABLE reg_calls (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " campaign_id INTEGER NOT NULL, entry_id INTEGER NOT NULL, assigned_to INTEGER, priority INTEGER NOT NULL, "
	 " state TEXT NOT NULL CHECK (state IN ('a_appeler', 'ok', 'besoin', 'a_rappeler', 'visite', 'urgence', 'clos')), "
	 " attempts INTEGER NOT NULL DEFAULT 0, last_at INTEGER, due_at INTEGER, outcome TEXT NOT NULL DEFAULT '', "
	 " arranged TEXT NOT NULL DEFAULT '', UNIQUE (campaign_id, entry_id)) STRICT;"
	 "CREATE INDEX reg_calls_c ON reg_calls(structure_id, campaign_id, state, priority);"
	 "CREATE INDEX reg_calls_a ON reg_calls(structure_id, campaign_id, assigned_to, state);"
	 "CREATE INDEX reg_calls_e ON reg_calls(structure_id, entry_id);"
	 "CREATE TABLE reg_call_log (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " call_id INTEGER NOT NULL, at INTEGER NOT NULL, outcome TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', by_user INTEGER NOT NULL) STRICT;"
	 "CREATE INDEX reg_call_log_c ON reg_call_log(structure_id, call_id);"
	 "CREATE TABLE reg_exports (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " campaign_id INTEGER NOT NULL, at INTEGER NOT NULL, by_user INTEGER NOT NULL, format TEXT NOT NULL, rows INTEGER NOT NULL) STRICT;",
	 NULL},
	/* The entries to confirm again (registered more than a year ago, or last confirmed then): the home page's figure
	 * and the list, over an index of the same expression instead of every registered entry. */
	{2, "the entries to confirm again, over an index",
	 "CREATE INDEX reg_entries_confirm ON reg_entries(structure_id, status, (coalesce(confirmed_on, requested_on)));", NULL},
	/* The home page's first figure, the persons registered, was counted over the index, a few steps an entry (4 000
	 * at 400 000 households). Counted as entries come, go and change status, by triggers (whoever writes). */
	{3, "the registered entries counted as they change, by triggers",
	 "CREATE TABLE reg_open_counts (structure_id INTEGER PRIMARY KEY, n INTEGER NOT NULL) STRICT;"
	 "INSERT INTO reg_open_counts (structure_id, n) SELECT structure_id, count(*) FROM reg_entries WHERE status = 'inscrit' "
	 " GROUP BY structure_id;"
	 "CREATE TRIGGER reg_open_ins AFTER INSERT ON reg_entries WHEN new.status = 'inscrit' BEGIN"
	 " INSERT INTO reg_open_counts (structure_id, n) VALUES (new.structure_id, 1) ON CONFLICT (structure_id) DO UPDATE SET n = n + 1;"
	 " END;"
	 "CREATE TRIGGER reg_open_del AFTER DELETE ON reg_entries WHEN old.status = 'inscrit' BEGIN"
	 " UPDATE reg_open_counts SET n = n - 1 WHERE structure_id = old.structure_id;"
	 " END;"
	 "CREATE TRIGGER reg_open_upd AFTER UPDATE OF status, structure_id ON reg_entries "
	 " WHEN old.status = 'inscrit' OR new.status = 'inscrit' BEGIN"
	 " UPDATE reg_open_counts SET n = n - 1 WHERE old.status = 'inscrit' AND structure_id = old.structure_id;"
	 " INSERT INTO reg_open_counts (structure_id, n) SELECT new.structure_id, 1 WHERE new.status = 'inscrit'"
	 "  ON CONFLICT (structure_id) DO UPDATE SET n = n + 1;"
	 " END;",
	 "CREATE TABLE reg_open_counts (structure_id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
	 "INSERT INTO reg_open_counts (structure_id, n) SELECT structure_id, count(*) FROM reg_entries WHERE status = 'inscrit' "
	 " GROUP BY structure_id;"
	 "CREATE FUNCTION reg_open_counts_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	 " IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'inscrit' THEN"
	 "  UPDATE reg_open_counts SET n = n - 1 WHERE structure_id = OLD.structure_id;"
	 " END IF;"
	 " IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'inscrit' THEN"
	 "  INSERT INTO reg_open_counts (structure_id, n) VALUES (NEW.structure_id, 1)"
	 "   ON CONFLICT (structure_id) DO UPDATE SET n = reg_open_counts.n + 1;"
	 " END IF;"
	 " RETURN NULL; END $$;"
	 "CREATE TRIGGER reg_open_keep AFTER INSERT OR DELETE OR UPDATE OF status, structure_id ON reg_entries "
	 " FOR EACH ROW EXECUTE FUNCTION reg_open_counts_keep();"},
	/* A campaign's calls in the board's order (register_campaign.c, CALLS_ORDER): its page read along the index,
	 * stopping at the page's end, instead of every call sorted to show twenty-five (4 096 calls: 64 000 steps →
	 * 700). */
	{4, "a campaign's calls in the board's order, over an index",
	 "CREATE INDEX reg_calls_order ON reg_calls(structure_id, campaign_id, (CASE WHEN due_at IS NULL THEN 1 ELSE 0 END), "
	 " due_at, priority DESC, id);", NULL},
	/* The home page's two other figures, kept by triggers (store/counts.h): the registered entries whose
	 * acknowledgement is due, by due day, and all registered entries by the day they were last confirmed (or
	 * registered), by month and day — summed before a date. They were counted over indexes, the second one reading
	 * each entry's row (6 200 steps a home page at 400 000 households). */
	{5, "the entries to acknowledge and to confirm again, counted by triggers",
	 KC_SQLITE("reg_counts", "reg_entries", REG_COUNTED, REG_KEYS), KC_PG("reg_counts", "reg_entries", REG_COUNTED, REG_KEYS)},
	/* The household page reads which of a household's parts have rows (persons.h): its section's. */
	{6, "reg_entries counted in the household's parts, by triggers",
	 REGISTER_PARTS(PERSONS_PART_SQLITE),
	 REGISTER_PARTS(PERSONS_PART_PG)},
};
const db_module_schema register_schema = {"register", migrations, COUNTOF(migrations)};

const code REG_BASES[3] = {{"age65", "65 ans ou plus, à domicile"}, {"inapte60", "60 ans ou plus, reconnu inapte au travail"},
                           {"handicap", "Adulte handicapé"}};
const code REG_BY[3] = {{"personne", "La personne elle-même"}, {"representant", "Son représentant légal"},
                        {"tiers", "Un tiers, par écrit"}};
const code REG_THIRD[4] = {{"proche", "Un proche (famille, voisin)"}, {"medecin", "Son médecin"},
                           {"service", "Un service d’aide ou de soins à domicile"}, {"autre", "Autre"}};
const code REG_LISTS[5] = {{"inscrits", "Inscrits"}, {"a_accuser", "Accusé de réception à envoyer"},
                           {"accuse_retard", "Accusé de réception en retard (plus de 8 jours)"},
                           {"a_confirmer", "Non confirmés depuis un an"}, {"radies", "Radiés"}};
const code REG_REMOVE_REASONS[4] = {{"", "— choisir —"}, {"demande", "À la demande de la personne"}, {"deces", "Décès"},
                                    {"demenagement", "Départ de la commune ou entrée en établissement"}};

/* ---- the named agents --------------------------------------------------------------------------- */

static db_sql Q_NAMED = DB_SQL(DB_SCOPED, "SELECT count(*) FROM reg_agents WHERE structure_id = $1 AND user_id = $2");

/* Whether the user is one of the register's named agents: read with her session (the module's user_fact), else
 * once a request (a household's page asks twice). */
static bool named_agent(web_req *r)
{
	static const bool yes = true, no = false;
	int64_t fact = module_user_fact(r, &register_module);
	if (fact >= 0)
		return fact != 0;
	const bool *m = web_memo_get(r, &Q_NAMED);
	if (m)
		return *m;
	int64_t n = 0;
	bool named = DBID(r->db, &Q_NAMED, &n, A_INT(r->user->id)) == E_OK && n == 1;
	web_memo_put(r, &Q_NAMED, (void *)(named ? &yes : &no));
	return named;
}

bool reg_named(web_req *r) { return r->user && web_can(r, PERM_REG_READ) && named_agent(r); }

bool reg_caller(web_req *r) { return r->user && web_can(r, PERM_REG_CALL) && named_agent(r); }

bool reg_gate(web_req *r)
{
	if (reg_named(r))
		return true;
	web_error(r, E_FORBIDDEN, "Le registre des personnes vulnérables n’est lu que par les agents que la structure désigne "
	                          "(CASF R121-5). Demandez à votre responsable de vous désigner.");
	return false;
}

static db_sql Q_AGENTS = DB_SQL(DB_SCOPED,
	"SELECT g.user_id, coalesce(a.display_name, '') FROM reg_agents g LEFT JOIN structure_agents a ON a.structure_id = g.structure_id "
	"AND a.user_id = g.user_id WHERE g.structure_id = $1 ORDER BY a.display_name, g.user_id");

int reg_agents(db_conn *c, arena *a, int64_t **ids, const char ***names)
{
	db_res q = {0};
	int n = 0, cap = 0, cap2 = 0, n2 = 0;
	*ids = NULL, *names = NULL;
	if (DBQ0(c, &Q_AGENTS, &q) != E_OK)
		return -1;
	while (db_next(&q)) {
		int64_t *i = ARENA_PUSH(a, *ids, n, cap);
		const char **s = ARENA_PUSH(a, *names, n2, cap2);
		if (!i || !s)
			break;
		*i = db_int(&q, 0), *s = db_dup(&q, 1, a);
	}
	db_close(&q);
	return a->failed ? -1 : n;
}

static db_sql Q_AGENT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_agents (structure_id, user_id, named_by, named_at) SELECT $1, a.user_id, $3, $4 FROM structure_agents a "
	"WHERE a.structure_id = $1 AND a.user_id = $2 ON CONFLICT (structure_id, user_id) DO NOTHING");
static db_sql Q_AGENT_DEL = DB_SQL(DB_SCOPED, "DELETE FROM reg_agents WHERE structure_id = $1 AND user_id = $2");

err reg_agent_set(db_conn *c, int64_t by, int64_t user_id, bool named)
{
	err e = db_begin(c, true);
	int64_t n = 0;
	if (e == E_OK)
		e = named ? DBX(c, &Q_AGENT_ADD, &n, A_INT(user_id), A_INT(by), A_INT(civil_now())) : DBX(c, &Q_AGENT_DEL, &n, A_INT(user_id));
	if (e == E_OK)
		e = journal_record(c, by, named ? "grant" : "revoke", "reg_agent", user_id, NULL);
	return db_finish(c, e);
}

/* ---- the proofs of a disability ------------------------------------------------------------------- */

static const char *const PROOFS[] = {
	"Allocation aux adultes handicapés (AAH)", "Prestation de compensation du handicap (PCH)",
	"Carte mobilité inclusion, mention invalidité", "Pension d’invalidité",
	"Reconnaissance de la qualité de travailleur handicapé (RQTH)", "Allocation compensatrice pour tierce personne (ACTP)",
	"Majoration pour tierce personne (MTP)", "Rente d’accident du travail (incapacité d’au moins 80 %)",
};
static db_sql Q_PROOF_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_proofs (structure_id, label) VALUES ($1, $2) ON CONFLICT (structure_id, label) DO NOTHING");
static db_sql Q_PROOF_N = DB_SQL(DB_SCOPED, "SELECT count(*) FROM reg_proofs WHERE structure_id = $1");
static db_sql Q_PROOFS = DB_SQL(DB_SCOPED, "SELECT label FROM reg_proofs WHERE structure_id = $1 ORDER BY id");

int reg_proofs(db_conn *c, arena *a, const char ***out)
{
	int64_t n0 = 0;
	*out = NULL;
	err e = DBID0(c, &Q_PROOF_N, &n0);
	for (int i = 0; e == E_OK && !n0 && i < COUNTOF(PROOFS); i++)
		e = DBX(c, &Q_PROOF_ADD, NULL, A_TEXT(PROOFS[i]));
	db_res q = {0};
	int n = 0, cap = 0;
	if (e != E_OK || DBQ0(c, &Q_PROOFS, &q) != E_OK)
		return -1;
	while (db_next(&q)) {
		const char **s = ARENA_PUSH(a, *out, n, cap);
		if (!s)
			break;
		*s = db_dup(&q, 0, a);
	}
	db_close(&q);
	return a->failed ? -1 : n;
}

err reg_proof_add(db_conn *c, int64_t by, const char *label, form_errors *fe)
{
	if (!label || !*label || strlen(label) > 160) {
		form_error(fe, "label", "Le nom de la prestation ou de la carte qui prouve le handicap (160 caractères au plus).");
		return E_INPUT;
	}
	arena a;
	arena_init(&a, 0);
	const char **v;
	reg_proofs(c, &a, &v); /* the defaults first */
	arena_release(&a);
	err e = db_begin(c, true);
	if (e == E_OK)
		e = DBX(c, &Q_PROOF_ADD, NULL, A_TEXT(label));
	if (e == E_OK)
		e = journal_record(c, by, "create", "reg_proof", 0, NULL);
	return db_finish(c, e);
}

/* ---- who may be registered --------------------------------------------------------------------- */

bool reg_eligible(const char *basis, const char *birth_date, const char *proof, bool proof_known, civil_date day, arena *a,
                  const char **why)
{
	civil_date b;
	*why = NULL;
	if (!basis || !CODE_OK(REG_BASES, basis)) {
		*why = "Choisissez à quel titre la personne s’inscrit : 65 ans ou plus, 60 ans ou plus et inapte au travail, adulte handicapé.";
		return false;
	}
	if (!birth_date || !civil_parse(birth_date, &b)) {
		*why = "La date de naissance de la personne n’est pas renseignée : elle est nécessaire pour vérifier qu’elle peut être inscrite. "
		       "Complétez la fiche de la personne.";
		return false;
	}
	int age = civil_age(b, day);
	if (!strcmp(basis, "age65") && age < 65)
		*why = arena_printf(a, "La personne a %d ans : l’inscription au titre de l’âge est ouverte à 65 ans.", age);
	else if (!strcmp(basis, "inapte60") && age < 60)
		*why = arena_printf(a, "La personne a %d ans : l’inscription au titre de l’inaptitude au travail est ouverte à 60 ans.", age);
	else if (!strcmp(basis, "handicap") && age < 18)
		*why = "Le registre est ouvert aux adultes handicapés : la personne est mineure.";
	else if (!strcmp(basis, "handicap") && (!proof || !*proof || !proof_known))
		*why = "Indiquez la prestation ou la carte qui atteste le handicap (la liste de la structure).";
	return *why == NULL;
}

/* ---- entries ------------------------------------------------------------------------------------- */

#define E_COLS                                                                                                                  \
	"e.id, e.household_id, e.person_id, coalesce(e.gir, 0), e.version, coalesce(e.living_alone, -1), e.status, e.basis, e.proof, " \
	"e.requested_by, e.third_kind, e.third_name, e.written_ref, e.requested_on, e.ack_due_on, e.ack_on, e.consent_on, "             \
	"e.access_notes, e.phones, e.doctor, e.services, e.health_notes, e.confirmed_on, e.removed_on, e.remove_reason"

static void fill(db_conn *c, db_res *q, arena *a, reg_entry *o)
{
	*o = (reg_entry){.id = db_int(q, 0), .household_id = db_int(q, 1), .person_id = db_int(q, 2), .gir = db_int(q, 3), .version = db_int(q, 4),
	                 .living_alone = (int)db_int(q, 5)};
	const char **txt[] = {&o->status, &o->basis, &o->proof, &o->requested_by, &o->third_kind, &o->third_name, &o->written_ref,
	                      &o->requested_on, &o->ack_due_on, &o->ack_on, &o->consent_on, &o->access_notes, &o->phones, &o->doctor,
	                      &o->services, &o->health_notes, &o->confirmed_on, &o->removed_on, &o->remove_reason};
	for (int i = 0; i < COUNTOF(txt); i++) {
		char *s = db_dup(q, 6 + i, a);
		*txt[i] = s ? s : "";
	}
	(void)c;
}

/* The person's identity, from the persons module (after the rows are read). */
static void who_set(reg_entry *o, const person_brief *p)
{
	if (p)
		o->last_name = p->last_name, o->first_names = p->first_names, o->birth_date = p->birth_date, o->address1 = p->address1,
		o->address2 = p->address2, o->phone = p->phone;
	else
		o->last_name = o->first_names = o->birth_date = o->address1 = o->address2 = o->phone = "";
}

static int entries_of(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, int total_col, reg_entry **out, int64_t *total)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		reg_entry *e = ARENA_PUSH(a, *out, n, cap);
		if (!e)
			break;
		fill(c, &q, a, e);
		if (total_col >= 0 && total)
			*total = db_int(&q, total_col);
	}
	db_close(&q);
	/* Their persons: a statement for fifty entries, not one each. */
	persons_row_who *w = persons_rows_who(c, a, *out, sizeof **out, offsetof(reg_entry, person_id), PERSONS_NO_HOUSEHOLD, n);
	if (!w)
		return -1;
	for (int i = 0; i < n; i++)
		who_set(&(*out)[i], w[i].p.id ? &w[i].p : NULL);
	return n;
}

static db_sql Q_GET = DB_SQL(DB_SCOPED, "SELECT " E_COLS " FROM reg_entries e WHERE e.structure_id = $1 AND e.id = $2");

static db_sql Q_GET_IDS = DB_SQL(DB_SCOPED, "SELECT " E_COLS " FROM reg_entries e WHERE e.structure_id = $1 AND e.id IN " DB_IN50);

bool reg_load_many(db_conn *c, arena *a, const int64_t *ids, int n, reg_entry *out)
{
	memset(out, 0, sizeof *out * (size_t)(n > 0 ? n : 0));
	for (int from = 0; from < n; from += DB_IN_N) {
		int to = n - from > DB_IN_N ? from + DB_IN_N : n;
		db_arg args[DB_IN_N];
		db_in50_args(args, ids, from, to);
		reg_entry *v;
		int k = entries_of(c, a, &Q_GET_IDS, DB_IN_N, args, -1, &v, NULL);
		if (k < 0)
			return false;
		for (int j = 0; j < k; j++)
			for (int i = from; i < to; i++)
				if (ids[i] == v[j].id)
					out[i] = v[j];
	}
	return true;
}

bool reg_load(db_conn *c, arena *a, int64_t id, reg_entry *out)
{
	reg_entry *v;
	if (entries_of(c, a, &Q_GET, 1, (db_arg[]){A_INT(id)}, -1, &v, NULL) != 1)
		return false;
	*out = v[0];
	return true;
}

static db_sql Q_CONTACTS = DB_SQL(DB_SCOPED,
	"SELECT id, name, relation, phone FROM reg_contacts WHERE structure_id = $1 AND entry_id = $2 ORDER BY id");

int reg_contacts(db_conn *c, arena *a, int64_t entry_id, reg_contact **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (DBQ(c, &Q_CONTACTS, &q, A_INT(entry_id)) != E_OK)
		return -1;
	while (db_next(&q)) {
		reg_contact *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		*x = (reg_contact){db_int(&q, 0), db_dup(&q, 1, a), db_dup(&q, 2, a), db_dup(&q, 3, a)};
	}
	db_close(&q);
	return n;
}

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

static bool in_proofs(db_conn *c, arena *a, const char *proof)
{
	const char **v;
	int n = reg_proofs(c, a, &v);
	for (int i = 0; proof && i < n; i++)
		if (!strcmp(v[i], proof))
			return true;
	return false;
}

static db_sql Q_ACTIVE_OF = DB_SQL(DB_SCOPED, "SELECT id FROM reg_entries WHERE structure_id = $1 AND person_id = $2 AND status = 'inscrit'");
static db_sql Q_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_entries (structure_id, household_id, person_id, status, basis, proof, requested_by, third_kind, third_name, "
	"written_ref, requested_on, ack_due_on, consent_on, created_by, created_at) VALUES ($1, $2, $3, 'inscrit', $4, $5, $6, $7, $8, $9, "
	"$10, $11, $12, $13, $14) RETURNING id");

err reg_create(const reg_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t hid = 0, pid = 0, other = 0;
	const char *hs = in_get(in, "household"), *basis = in_get(in, "basis"), *proof = in_get(in, "proof"), *by = in_get(in, "requested_by"),
	           *tk = in_get(in, "third_kind"), *tn = in_get(in, "third_name"), *wr = in_get(in, "written_ref"), *ro = in_get(in, "requested_on"),
	           *co = in_get(in, "consent_on"), *why = NULL;
	civil_date on = x->today, consent;
	if (!hs || !text_to_int64(hs, 1, INT64_MAX, &hid) || !persons_household_exists(x->c, hid)) {
		form_error(fe, "household", "Choisissez le foyer de la personne.");
		hid = 0;
	}
	bool bad = false;
	pid = persons_member_or_applicant(x->c, x->a, hid, in_get(in, "person"), &bad);
	if (bad || (hid && !pid))
		form_error(fe, "person", "Choisissez la personne à inscrire, membre du foyer.");
	if (ro && (!civil_parse(ro, &on) || civil_to_days(on) > civil_to_days(x->today)))
		form_error(fe, "requested_on", "La date de la demande est au format AAAA-MM-JJ et ne peut pas être dans le futur.");
	person_brief p = {0};
	if (pid && persons_person_brief(x->c, x->a, pid, &p) == E_OK &&
	    !reg_eligible(basis, p.birth_date, proof, proof && in_proofs(x->c, x->a, proof), x->today, x->a, &why))
		form_error(fe, basis && CODE_OK(REG_BASES, basis) && strstr(why, "prestation") ? "proof" : "basis", why);
	if (!in_get(in, "at_home"))
		form_error(fe, "at_home", "Le registre recense les personnes qui vivent à domicile : cochez-le si c’est le cas.");
	if (basis && !strcmp(basis, "inapte60") && !in_get(in, "unfit"))
		form_error(fe, "unfit", "Au titre de 60 ans, l’inaptitude au travail doit être reconnue : cochez-le si elle l’est.");
	if (!by || !CODE_OK(REG_BY, by))
		form_error(fe, "requested_by", "Qui demande l’inscription : la personne, son représentant légal, ou un tiers par écrit.");
	else if (!strcmp(by, "tiers")) {
		if (!in_get(in, "written"))
			form_error(fe, "written", "Un tiers ne peut demander l’inscription que par écrit (CASF R121-3) : une demande orale est "
			                          "refusée. Demandez-lui un écrit, ou que la personne fasse la demande elle-même.");
		if (!wr || strlen(wr) > 200)
			form_error(fe, "written_ref", "La référence de la demande écrite (courrier du …, pièce déposée) est demandée (200 caractères au plus).");
		if (!tk || !CODE_OK(REG_THIRD, tk))
			form_error(fe, "third_kind", "Qui est le tiers : un proche, le médecin, un service à domicile, autre.");
		if (!tn || strlen(tn) > 120)
			form_error(fe, "third_name", "Le nom du tiers qui demande (120 caractères au plus).");
	}
	if (co && (!civil_parse(co, &consent) || civil_to_days(consent) > civil_to_days(x->today)))
		form_error(fe, "consent_on", "La date du consentement : AAAA-MM-JJ, pas dans le futur.");
	if (pid && DBID(x->c, &Q_ACTIVE_OF, &other, A_INT(pid)) == E_OK && other)
		form_error(fe, "person", "Cette personne est déjà inscrite au registre.");
	if (fe->n)
		return E_INPUT;
	bool third = !strcmp(by, "tiers");
	/* The person's own request is their consent; a third party's waits for it. */
	const char *consent_on = co ? civil_iso(x->a, consent) : third ? NULL : civil_iso(x->a, on);
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_NEW, id, A_INT(hid), A_INT(pid), A_TEXT(basis), A_TEXT(!strcmp(basis, "handicap") ? proof : ""), A_TEXT(by),
		         A_TEXT(third ? tk : ""), A_TEXT(third ? tn : ""), A_TEXT(third ? wr : (wr ? wr : "")), A_TEXT(civil_iso(x->a, on)),
		         A_TEXT(civil_iso(x->a, civil_from_days(civil_to_days(on) + 8))), A_TEXT(consent_on), A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, x->user, "reg_entry", *id, "Inscription au registre des personnes vulnérables");
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "reg_entry", *id, basis);
	return db_finish(x->c, e);
}

static db_sql Q_ACK = DB_SQL(DB_SCOPED,
	"UPDATE reg_entries SET ack_on = $3, version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $4 AND status = 'inscrit'");
static db_sql Q_FILE = DB_SQL(DB_SCOPED,
	"UPDATE reg_entries SET living_alone = $3, gir = $4, access_notes = $5, phones = $6, doctor = $7, services = $8, health_notes = $9, "
	"consent_on = coalesce($10, consent_on), version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $11 AND status = 'inscrit'");
static db_sql Q_CONFIRM = DB_SQL(DB_SCOPED,
	"UPDATE reg_entries SET confirmed_on = $3, version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $4 AND status = 'inscrit'");
static db_sql Q_BUMP = DB_SQL(DB_SCOPED,
	"UPDATE reg_entries SET version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $3 AND status = 'inscrit'");
static db_sql Q_CONTACT_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_contacts (structure_id, entry_id, name, relation, phone) VALUES ($1, $2, $3, $4, $5)");
/* Removal is at once: the file's words go, the persons to warn too, pending calls close. */
static db_sql Q_REMOVE = DB_SQL(DB_SCOPED,
	"UPDATE reg_entries SET status = 'radie', removed_on = $3, remove_reason = $4, access_notes = '', phones = '', doctor = '', "
	"services = '', health_notes = '', living_alone = NULL, gir = NULL, version = version + 1 WHERE structure_id = $1 AND id = $2 "
	"AND version = $5 AND status = 'inscrit'");
static db_sql Q_REMOVE_CONTACTS = DB_SQL(DB_SCOPED, "DELETE FROM reg_contacts WHERE structure_id = $1 AND entry_id = $2");
static db_sql Q_REMOVE_CALLS = DB_SQL(DB_SCOPED,
	"UPDATE reg_calls SET state = 'clos', due_at = NULL WHERE structure_id = $1 AND entry_id = $2 AND state IN ('a_appeler', 'a_rappeler', 'visite')");

static bool step_date(const reg_ctx *x, const char *s, const char *from, civil_date *out)
{
	civil_date f;
	if (!s || !civil_parse(s, out) || civil_to_days(*out) > civil_to_days(x->today))
		return false;
	return !from || !*from || !civil_parse(from, &f) || civil_to_days(*out) >= civil_to_days(f);
}

err reg_act(const reg_ctx *x, reg_entry *en, const char *action, const kv_list *in, form_errors *fe, const char **why)
{
	*why = NULL;
	int64_t ver = 0, n = 0;
	const char *vs = in_get(in, "version"), *on = in_get(in, "on"), *detail = action;
	if (!vs || !text_to_int64(vs, 0, INT64_MAX, &ver))
		ver = en->version;
	if (!on)
		on = civil_iso(x->a, x->today);
	civil_date d;
	err e = E_OK;
	if (!strcmp(action, "accuse")) {
		if (!step_date(x, on, en->requested_on, &d))
			form_error(fe, "on", "La date d’envoi de l’accusé de réception : après la demande, pas dans le futur.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_ACK, &n, A_INT(en->id), A_TEXT(civil_iso(x->a, d)), A_INT(ver));
	} else if (!strcmp(action, "fiche")) {
		const char *la = in_get(in, "living_alone"), *gs = in_get(in, "gir"), *co = in_get(in, "consent_on");
		const char *txt[] = {in_get(in, "access_notes"), in_get(in, "phones"), in_get(in, "doctor"), in_get(in, "services"),
		                     in_get(in, "health_notes")};
		static const char *const names[] = {"access_notes", "phones", "doctor", "services", "health_notes"};
		int64_t gir = 0;
		civil_date cd;
		if (la && strcmp(la, "oui") && strcmp(la, "non"))
			form_error(fe, "living_alone", "Vit seul : oui, non, ou non renseigné.");
		if (gs && !text_to_int64(gs, 1, 6, &gir))
			form_error(fe, "gir", "Le GIR va de 1 (le plus dépendant) à 6 ; vide s’il n’est pas évalué.");
		for (int i = 0; i < COUNTOF(names); i++)
			if (txt[i] && strlen(txt[i]) > 2000)
				form_error(fe, names[i], "2 000 caractères au plus.");
		if (co && !step_date(x, co, NULL, &cd))
			form_error(fe, "consent_on", "La date du consentement : AAAA-MM-JJ, pas dans le futur.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_FILE, &n, A_INT(en->id), la ? A_INT(!strcmp(la, "oui")) : A_NULL, gir ? A_INT(gir) : A_NULL,
			        A_TEXT(txt[0] ? txt[0] : ""), A_TEXT(txt[1] ? txt[1] : ""), A_TEXT(txt[2] ? txt[2] : ""), A_TEXT(txt[3] ? txt[3] : ""),
			        A_TEXT(txt[4] ? txt[4] : ""), A_TEXT(co ? civil_iso(x->a, cd) : NULL), A_INT(ver));
	} else if (!strcmp(action, "contact")) {
		const char *name = in_get(in, "name"), *rel = in_get(in, "relation"), *ph = in_get(in, "phone");
		if (!name || strlen(name) > 120)
			form_error(fe, "name", "Le nom de la personne à prévenir (120 caractères au plus).");
		if (!ph || strlen(ph) > 40)
			form_error(fe, "phone", "Son téléphone (40 caractères au plus).");
		if (rel && strlen(rel) > 80)
			form_error(fe, "relation", "Le lien tient en 80 caractères.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_BUMP, &n, A_INT(en->id), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_CONTACT_ADD, NULL, A_INT(en->id), A_TEXT(name), A_TEXT(rel ? rel : ""), A_TEXT(ph));
	} else if (!strcmp(action, "confirmer")) {
		if (!step_date(x, on, en->requested_on, &d))
			form_error(fe, "on", "La date de la vérification : après la demande, pas dans le futur.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_CONFIRM, &n, A_INT(en->id), A_TEXT(civil_iso(x->a, d)), A_INT(ver));
	} else if (!strcmp(action, "radier")) {
		const char *reason = in_get(in, "reason");
		if (!reason || !CODE_OK(REG_REMOVE_REASONS, reason))
			form_error(fe, "reason", "Choisissez le motif : la demande de la personne, un décès, un départ.");
		if (fe->n)
			return E_INPUT;
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_REMOVE, &n, A_INT(en->id), A_TEXT(civil_iso(x->a, x->today)), A_TEXT(reason), A_INT(ver));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_REMOVE_CONTACTS, NULL, A_INT(en->id));
		if (e == E_OK && n == 1)
			e = DBX(x->c, &Q_REMOVE_CALLS, NULL, A_INT(en->id));
		detail = reason;
	} else {
		return E_NOT_FOUND;
	}
	if (e == E_OK && n != 1) {
		e = E_CONFLICT;
		*why = ver != en->version ? "Quelqu’un d’autre a modifié cette inscription entre-temps : voici son état actuel, vérifiez avant de "
		                            "recommencer."
		                          : "Ce n’est pas possible : la personne n’est plus inscrite.";
	}
	static const code events[] = {{"accuse", "Registre : accusé de réception envoyé"}, {"fiche", "Registre : fiche mise à jour"},
	                              {"contact", "Registre : personne à prévenir ajoutée"}, {"confirmer", "Registre : inscription confirmée"},
	                              {"radier", "Radiation du registre des personnes vulnérables"}};
	if (e == E_OK)
		e = persons_timeline_add(x->c, en->household_id, x->user, "reg_entry", en->id, code_label(events, COUNTOF(events), action));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "reg_entry", en->id, detail);
	return db_finish(x->c, e);
}

/* ---- lists ----------------------------------------------------------------------------------------- */

/* Each list: its page and its total counted apart (a count beside every row said 0 on a page past the end). */
#define L_STATUS "FROM reg_entries e WHERE e.structure_id = $1 AND e.status = $2"
#define L_ACK "FROM reg_entries e WHERE e.structure_id = $1 AND e.status = 'inscrit' AND e.ack_on IS NULL AND e.ack_due_on <= $2"
#define L_CONFIRM "FROM reg_entries e WHERE e.structure_id = $1 AND e.status = 'inscrit' AND coalesce(e.confirmed_on, e.requested_on) < $2"
static db_sql Q_L_STATUS = DB_SQL(DB_SCOPED, "SELECT " E_COLS " " L_STATUS " ORDER BY e.requested_on DESC, e.id DESC LIMIT $3 OFFSET $4");
static db_sql Q_N_STATUS = DB_SQL(DB_SCOPED, "SELECT count(*) " L_STATUS);
static db_sql Q_L_ACK = DB_SQL(DB_SCOPED, "SELECT " E_COLS " " L_ACK " ORDER BY e.ack_due_on, e.id LIMIT $3 OFFSET $4");
static db_sql Q_N_ACK = DB_SQL(DB_SCOPED, "SELECT count(*) " L_ACK);
static db_sql Q_L_CONFIRM = DB_SQL(DB_SCOPED,
	"SELECT " E_COLS " " L_CONFIRM " ORDER BY coalesce(e.confirmed_on, e.requested_on), e.id LIMIT $3 OFFSET $4");
static db_sql Q_N_CONFIRM = DB_SQL(DB_SCOPED, "SELECT count(*) " L_CONFIRM);
static db_sql Q_OF_PERSONS = DB_SQL(DB_SCOPED,
	"SELECT " E_COLS " FROM reg_entries e WHERE e.structure_id = $1 AND e.person_id IN " DB_IN50 " ORDER BY e.id DESC");

int reg_list(const reg_ctx *x, const char *list, const char *q, int limit, int offset, reg_entry **out, int64_t *total,
             bool *partial)
{
	*out = NULL;
	*total = 0;
	*partial = false;
	if (q && *q) {
		/* A name typed: the persons the search finds (the REG_FOUND closest), then their entries, fifty persons a
		 * statement, in the search's order. More persons than that, or a name too common for the search to look
		 * at whole: partial, and the page says to be more precise — never a silent « none ». */
		int64_t pids[REG_FOUND + 1], hids[REG_FOUND + 1];
		bool capped = false;
		int np = persons_find(x->c, x->a, q, pids, hids, REG_FOUND + 1, &capped), n = 0, cap = 0;
		if (np < 0)
			return -1;
		*partial = capped || np > REG_FOUND;
		if (np > REG_FOUND)
			np = REG_FOUND;
		reg_entry **by = arena_array(x->a, (size_t)(np ? np : 1), sizeof *by);
		int *nby = arena_array(x->a, (size_t)(np ? np : 1), sizeof *nby), *capby = arena_array(x->a, (size_t)(np ? np : 1), sizeof *capby);
		if (!by || !nby || !capby)
			return -1;
		memset(by, 0, sizeof *by * (size_t)(np ? np : 1));
		memset(nby, 0, sizeof *nby * (size_t)(np ? np : 1));
		memset(capby, 0, sizeof *capby * (size_t)(np ? np : 1));
		for (int from = 0; from < np; from += DB_IN_N) {
			int to = np - from > DB_IN_N ? from + DB_IN_N : np;
			db_arg args[DB_IN_N];
			db_in50_args(args, pids, from, to);
			reg_entry *v;
			int k = entries_of(x->c, x->a, &Q_OF_PERSONS, DB_IN_N, args, -1, &v, NULL);
			if (k < 0)
				return -1;
			for (int j = 0; j < k; j++)
				for (int i = from; i < to; i++)
					if (pids[i] == v[j].person_id) {
						reg_entry *e = ARENA_PUSH(x->a, by[i], nby[i], capby[i]);
						if (!e)
							return -1;
						*e = v[j];
						break;
					}
		}
		for (int i = 0; i < np; i++)
			for (int j = 0; j < nby[i]; j++) {
				reg_entry *e = ARENA_PUSH(x->a, *out, n, cap);
				if (!e)
					return -1;
				*e = by[i][j];
			}
		*total = n;
		return n;
	}
	db_sql *sql = &Q_L_STATUS, *nsql = &Q_N_STATUS;
	const char *arg = "inscrit";
	if (!strcmp(list, "a_accuser"))
		sql = &Q_L_ACK, nsql = &Q_N_ACK, arg = "9999-12-31";
	else if (!strcmp(list, "accuse_retard"))
		sql = &Q_L_ACK, nsql = &Q_N_ACK, arg = civil_iso(x->a, civil_from_days(civil_to_days(x->today) - 1));
	else if (!strcmp(list, "a_confirmer"))
		sql = &Q_L_CONFIRM, nsql = &Q_N_CONFIRM, arg = civil_iso(x->a, civil_add_months(x->today, -12));
	else if (!strcmp(list, "radies"))
		arg = "radie";
	db_arg args[] = {A_TEXT(arg), A_INT(limit), A_INT(offset)};
	int n = entries_of(x->c, x->a, sql, 3, args, -1, out, NULL);
	return n >= 0 && db_exec_id(x->c, nsql, 1, args, total) == E_OK ? n : -1;
}

static db_sql Q_OF_H = DB_SQL(DB_SCOPED,
	"SELECT " E_COLS " FROM reg_entries e WHERE e.structure_id = $1 AND e.household_id = $2 ORDER BY e.id DESC");

int64_t reg_of_person_household(db_conn *c, int64_t household_id, reg_entry **out, arena *a, int *n)
{
	*n = entries_of(c, a, &Q_OF_H, 1, (db_arg[]){A_INT(household_id)}, -1, out, NULL);
	return *n;
}

static db_sql Q_COUNTS = DB_SQL(DB_SCOPED,
	"SELECT (SELECT coalesce(max(n), 0) FROM reg_open_counts WHERE structure_id = $1), " /* kept by triggers (register/3) */
	KC_BEFORE("reg_counts", "ack", "$2") ", " KC_BEFORE("reg_counts", "confirm", "$3")); /* register/5 */

err reg_counts_of(const reg_ctx *x, reg_counts *out)
{
	memset(out, 0, sizeof *out);
	db_res q = {0};
	err e = DBQ(x->c, &Q_COUNTS, &q, A_TEXT(civil_iso(x->a, x->today)), A_TEXT(civil_iso(x->a, civil_add_months(x->today, -12))));
	if (e == E_OK && db_next(&q))
		*out = (reg_counts){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2)};
	db_close(&q);
	return e;
}
