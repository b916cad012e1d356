/*
 * persons.h — households (foyers), their members over time, people's civil
 * status and situation, resources and charges with the quotient familial
 * and the reste à vivre, referents, notes, alerts, documents, duplicates,
 * the search box and the household's timeline (parcours).
 *
 * Other modules use this header only: they check that a household exists,
 * add events to its timeline, read its budget figures, and add sections to
 * its page. They never touch this module's tables — but for the triggers
 * this header's macros give them, which count their rows in a household's
 * parts (PERSONS_PART_SQLITE, PERSONS_PART_PG: the SQL is this module's).
 */
#ifndef MODULES_PERSONS_H
#define MODULES_PERSONS_H
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "core/civil.h"
#include "modules/module.h"
#include "store/store.h"
#include "web/form.h"
#include "web/web.h"

extern const module persons_module;
extern const db_module_schema persons_schema;
extern int PERM_PERSONS_READ, PERM_PERSONS_WRITE, PERM_PERSONS_SITUATION, PERM_NOTES,
	PERM_DOCUMENTS, PERM_PERSONS_MERGE;

/* ---- a household's parts, kept by triggers --------------------------------------------------------------------
 * Which parts of a household's file have rows: the table household_parts holds (structure_id, household_id, part,
 * n), n the rows counted under the part, a part at zero removed. The household page reads them with the household
 * — one probe, not a statement (or a sub-plan) a part — and a section whose part has no row is written without its
 * read (module_section.part). The database keeps them, whoever writes: the program, an import, a merge moving rows,
 * SQL typed by hand.
 *
 * A module counts a table of its own under its section's part, in a migration that creates the triggers and
 * counts the rows there are: PERSONS_PART_SQLITE(table, part, COLS, COND) for SQLite, PERSONS_PART_PG(…) for
 * PostgreSQL. The table has structure_id and household_id (a row without a household counts for none). COND(r)
 * is a macro giving the SQL condition, over the row r (new, old, NEW, OLD, t), under which the row counts —
 * PERSONS_PART_ANY for every row; COLS lists the columns it reads, structure_id and household_id first. Two tables
 * may count under one part (its rows summed). Part names are the code's literals: letters and '_'. */
#define PERSONS_PART_ANY(r) "1 = 1"
/* `openccas check`: every part recounted from the tables the modules count (module_part), compared with
 * household_parts — *wrong the parts that differ (a count, a part missing, one left at zero); with repair,
 * household_parts rewritten from the recount in one transaction when any differs (PostgreSQL: the writers'
 * triggers wait meanwhile, the readers do not). */
err persons_parts_check(db *d, bool repair, int64_t *wrong);

#define PERSONS_PART_SQ_SUB(P, R, COND)                                                                                  \
	" UPDATE household_parts SET n = n - 1 WHERE structure_id = " R ".structure_id AND household_id = " R            \
	".household_id AND part = '" P "' AND (" COND(R) ");"                                                            \
	" DELETE FROM household_parts WHERE structure_id = " R ".structure_id AND household_id = " R ".household_id "    \
	" AND part = '" P "' AND n <= 0;"
#define PERSONS_PART_SQ_ADD(P, R, COND)                                                                                  \
	" INSERT INTO household_parts (structure_id, household_id, part, n) SELECT " R ".structure_id, " R ".household_id, '" \
	P "', 1 WHERE " R ".household_id IS NOT NULL AND (" COND(R) ") ON CONFLICT (structure_id, household_id, part) "  \
	" DO UPDATE SET n = n + 1;"
#define PERSONS_PART_FILL(T, P, COND, AS, PFX)                                                                           \
	"INSERT INTO household_parts " AS " (structure_id, household_id, part, n) SELECT t.structure_id, t.household_id, '" P \
	"', count(*) FROM " T " t WHERE t.household_id IS NOT NULL AND (" COND("t") ") GROUP BY t.structure_id, "        \
	" t.household_id ON CONFLICT (structure_id, household_id, part) DO UPDATE SET n = " PFX "n + excluded.n;"
#define PERSONS_PART_SQLITE(T, P, COLS, COND)                                                                            \
	PERSONS_PART_FILL(T, P, COND, "", "")                                                                            \
	"CREATE TRIGGER " T "_part_ins AFTER INSERT ON " T " BEGIN" PERSONS_PART_SQ_ADD(P, "new", COND) " END;"          \
	"CREATE TRIGGER " T "_part_del AFTER DELETE ON " T " BEGIN" PERSONS_PART_SQ_SUB(P, "old", COND) " END;"          \
	"CREATE TRIGGER " T "_part_upd AFTER UPDATE OF " COLS " ON " T " WHEN old.structure_id IS NOT new.structure_id " \
	" OR old.household_id IS NOT new.household_id OR (" COND("old") ") IS NOT (" COND("new") ") BEGIN"               \
	PERSONS_PART_SQ_SUB(P, "old", COND) PERSONS_PART_SQ_ADD(P, "new", COND) " END;"

/* PostgreSQL: one function a table; an update that leaves the row counted under the same household writes nothing
 * (the part's row is not locked by every update of a counted row). */
#define PERSONS_PART_PG(T, P, COLS, COND)                                                                                \
	PERSONS_PART_FILL(T, P, COND, "AS hp", "hp.")                                                                    \
	"CREATE FUNCTION " T "_part() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"                                      \
	" IF TG_OP = 'UPDATE' AND OLD.structure_id = NEW.structure_id AND OLD.household_id IS NOT DISTINCT FROM "        \
	"  NEW.household_id AND (" COND("OLD") ") IS NOT DISTINCT FROM (" COND("NEW") ") THEN RETURN NULL; END IF;"      \
	" IF TG_OP <> 'INSERT' THEN IF OLD.household_id IS NOT NULL AND (" COND("OLD") ") THEN"                          \
	"  UPDATE household_parts SET n = n - 1 WHERE structure_id = OLD.structure_id AND household_id = OLD.household_id " \
	"   AND part = '" P "';"                                                                                         \
	"  DELETE FROM household_parts WHERE structure_id = OLD.structure_id AND household_id = OLD.household_id "       \
	"   AND part = '" P "' AND n <= 0;"                                                                              \
	" END IF; END IF;"                                                                                               \
	" IF TG_OP <> 'DELETE' THEN IF NEW.household_id IS NOT NULL AND (" COND("NEW") ") THEN"                          \
	"  INSERT INTO household_parts AS hp (structure_id, household_id, part, n) VALUES (NEW.structure_id, "           \
	"   NEW.household_id, '" P "', 1) ON CONFLICT (structure_id, household_id, part) DO UPDATE SET n = hp.n + 1;"    \
	" END IF; END IF;"                                                                                               \
	" RETURN NULL; END $$;"                                                                                          \
	"CREATE TRIGGER " T "_part AFTER INSERT OR DELETE OR UPDATE OF " COLS " ON " T                                   \
	" FOR EACH ROW EXECUTE FUNCTION " T "_part();"


/* True when the household exists in the connection's structure (and was
 * not merged into another). */
bool persons_household_exists(db_conn *c, int64_t household_id);
/* The household's file number ("26-00042") into the arena, or NULL. */
char *persons_file_no(db_conn *c, arena *a, int64_t household_id);

/* Who a person is, for other modules' pages and documents (arena-owned
 * strings, "" when unknown). Returns E_NOT_FOUND outside the structure. */
typedef struct person_brief {
	int64_t id, household_id;
	const char *last_name, *birth_name, *first_names, *sex, *birth_date, *birth_place, *nationality, *file_no, *phone;
	const char *relation;   /* demandeur, conjoint, enfant, enfant_alterne, enfant_majeur, heberge, autre */
	const char *email;
	const char *address1, *address2; /* the household's: "12 rue des Lilas", "97420 Le Port" ("" if none) */
	bool consent_sms, consent_email;
	bool active;
} person_brief;
err persons_person_brief(db_conn *c, arena *a, int64_t person_id, person_brief *out);
/* The same for a list's rows, fifty persons a statement (never one a row): out[i] for ids[i], its id 0 when the
 * person is not in the structure (or ids[i] is 0). */
err persons_briefs(db_conn *c, arena *a, const int64_t *ids, int n, person_brief *out);
/* The applicants of a list's households (persons_member_or_applicant without a typed member), fifty households a
 * statement: out[i] for household_ids[i], its id 0 when the household has no active member in the structure. */
err persons_applicants(db_conn *c, arena *a, const int64_t *household_ids, int n, person_brief *out);
/* The file numbers of a list's households, fifty a statement: out[i] for household_ids[i], NULL when not in the
 * structure. */
err persons_file_nos(db_conn *c, arena *a, const int64_t *household_ids, int n, const char **out);
/* Both for a list's rows, whatever their struct: row i is at rows + i * stride, its person's id (int64_t) at
 * offset pid_at, its household's at hid_at (PERSONS_NO_HOUSEHOLD: not wanted). An array of n in the
 * arena, or NULL on a failure (the connection's failure count or the arena's flag tells). */
typedef struct persons_row_who {
	person_brief p;      /* p.id 0: no person, or not in the structure */
	const char *file_no; /* the row's household's, NULL when unknown */
} persons_row_who;
#define PERSONS_NO_HOUSEHOLD ((size_t)-1)
persons_row_who *persons_rows_who(db_conn *c, arena *a, const void *rows, size_t stride, size_t pid_at, size_t hid_at, int n);
/* The file numbers alone of a list's rows (their households' ids at hid_at): an arena array of n (NULL where not
 * known), or NULL on a failure. */
const char **persons_file_nos_of(db_conn *c, arena *a, const void *rows, size_t stride, size_t hid_at, int n);
/* A list's « who » cell: « Nom Prénoms (n° de dossier) », or « dossier N » without a person ("?" for what is not
 * known). */
const char *persons_who_text(arena *a, const persons_row_who *w);
/* The texts of n rows of a struct with person_id and household_id (NULL on a failure); of one row. */
const char **persons_whos(db_conn *c, arena *a, const void *rows, size_t stride, size_t pid_at, size_t hid_at, int n);
#define PERSONS_WHOS(c, a, rows, n, type) persons_whos((c), (a), (rows), sizeof(type), offsetof(type, person_id), offsetof(type, household_id), (n))
#define PERSONS_WHO(c, a, row, type) \
	persons_who_text((a), persons_rows_who((c), (a), (row), sizeof(type), offsetof(type, person_id), offsetof(type, household_id), 1))
/* Every active member of a household, the applicant first, as an array in
 * the arena (*out); their number (0 when none or on a failure, which the
 * connection's failure count and the arena's flag then tell). */
int persons_household_members(db_conn *c, arena *a, int64_t household_id, person_brief **out);
/* The same for a list's households, fifty a statement: out[i] (counts[i] of them) for household_ids[i]. */
err persons_households_members(db_conn *c, arena *a, const int64_t *household_ids, int n, person_brief **out, int *counts);
/* For another module's form: a select of the household's active members
 * (the applicant first), the person ids as values; their number. */
int persons_member_select(web_req *r, int64_t household_id, const char *name, const char *label, const char *selected,
                          const form_errors *fe);

/* Notices to people (persons_notices.c). Queues one for the person on
 * the channel they accepted (SMS first, then e-mail); *queued is false
 * when they accepted none. */
err persons_notice_queue(db_conn *c, int64_t person_id, const char *origin, const char *subject, const char *text, bool *queued);
/* Sends every notice waiting (all structures); one that failed for a
 * passing reason waits for the next run, up to five attempts. */
typedef struct notice_counts { int64_t sent, retry, failed, cancelled; } notice_counts;
err persons_notices_deliver(db *d, notice_counts *out);

/* The person a request is for: the member typed (a person id as text),
 * checked to belong to the household (*bad when not), else the applicant,
 * else the first member; 0 when the household has none. */
int64_t persons_member_or_applicant(db_conn *c, arena *a, int64_t household_id, const char *typed, bool *bad);

/* The search box for other modules: person and household ids of the best
 * matches (same tolerance and ranking as the page). Returns the count;
 * *capped (may be NULL): more persons matched a word than were examined. */
int persons_find(db_conn *c, arena *a, const char *q, int64_t *person_ids, int64_t *household_ids, int max, bool *capped);
/* How many whole months the household has lived in the commune on the
 * day on: since its current address, or since the first address of the
 * unbroken run of earlier ones in the same commune (the address history);
 * -1 when no arrival date was recorded. */
int persons_residence_months(db_conn *c, int64_t household_id, civil_date on);
/* Every household id of the structure, in creation order (demo data).
 * *ids is malloc'd: the caller frees it. */
int64_t persons_household_ids(db_conn *c, int64_t **ids);

/* For imports: a household with its applicant and dependants, created in
 * the caller's transaction (the caller journals the import as a whole).
 * Strings are validated here; E_INPUT with *why (static French) if not. */
typedef struct person_new {
	const char *last_name, *birth_name, *first_names, *sex, *birth_date, *birth_place, *phone, *email, *relation;
} person_new;
typedef struct household_new {
	const char *street_no, *street, *postcode, *city, *housing; /* NULL housing: "sans_abri" */
} household_new;
/* An import of many households in one transaction: the next n file numbers taken in one statement, handed out by
 * persons_bulk_household; release (in the transaction, before its end, whatever happened) gives back those not
 * used and forgets the block. */
err persons_file_nos_reserve(db_conn *c, int64_t n);
err persons_file_nos_release(db_conn *c);
/* An import's households, given one at a time and written many at a time (persons_bulk.c, through db_copy: on
 * PostgreSQL one COPY a table every thousand households), in the caller's transaction after
 * persons_file_nos_reserve: each household, its persons, their memberships and search keys, the timeline's line.
 * *hid and *pid (the applicant) are known at once, but the rows are in the tables only once sent: call
 * persons_bulk_flush before reading them (persons_match) and before sending rows of one's own that name them.
 * h may be NULL: no address (people without a stable one). E_INPUT with *why (static French) when a person is
 * refused. close sends what is kept when e is E_OK, frees the writer and returns the outcome. */
typedef struct persons_bulk persons_bulk;
persons_bulk *persons_bulk_open(db_conn *c, int64_t user_id, const char *today);
err persons_bulk_household(persons_bulk *b, arena *a, const household_new *h, const person_new *applicant,
                           const person_new *deps, int ndeps, int64_t *hid, int64_t *pid, const char **why);
err persons_bulk_flush(persons_bulk *b);
err persons_bulk_close(persons_bulk *b, err e);
/* The caller writes no household and no person but through b until its transaction ends (db_ids_sole). */
void persons_bulk_sole(persons_bulk *b);

/* A dependant added to an existing household by an import (caller's
 * transaction). E_INPUT with *why (French) when the person is refused. */
err persons_import_member(db_conn *c, arena *a, int64_t household_id, const person_new *p, const char *today, int64_t *pid,
                          const char **why);
/* The person of the structure with this surname, first names and birth
 * date (accents, case and punctuation aside), if there is one: imports
 * attach to them instead of making a duplicate. E_OK with *pid 0 when there is none; an error when the database
 * could not say (never taken for « none »: the import would make a duplicate, and say it failed once written). */
err persons_match(db_conn *c, arena *a, const char *last_name, const char *first_names, const char *birth_date, int64_t *pid,
                  int64_t *household_id);

/* The search keys in memory (persons_index.c), in the server: made from the
 * persons' names in the background at start, kept current by the change
 * feed in the database. Until then, and with OPENCCAS_SEARCH_INDEX=0, each
 * search reads the structure's names. */
err persons_index_start(db *d);
void persons_index_stop(void);
/* An import on this thread: no feed row per person written; call
 * persons_feed_rebuild before the commit (servers read the structure's
 * names again), then persons_feed_bulk(false). */
void persons_feed_bulk(bool on);
err persons_feed_rebuild(db_conn *c);

/* `openccas import personnes`: a CSV (';' or ',') of persons, one row each,
 * grouped into households by the "foyer" column (consecutive rows: a
 * household whose rows are apart in the file is refused, not split), the
 * first row of a household being its applicant. Columns, in any order,
 * headers without accents or case: foyer, lien, nom, nom_naissance,
 * prenoms, sexe, date_naissance, lieu_naissance, telephone, email,
 * numero, voie, code_postal, commune, or their usual names (« Date de
 * naissance », « Ville », « CP », « Courriel »…); the sex and the link as
 * codes or as the field writes them (« Femme », « Conjointe », « Fils »…).
 * A header the import does not know, or two naming the same column,
 * refuse the file (nothing typed in a spreadsheet is dropped unsaid); so
 * does a value under a column without a header. Up to five rows of one or
 * two cells naming no column above the header are titles, skipped. The
 * spaces around a value do not count; the telephone and the postcode are
 * checked as the forms check them (« 97 400 » is 97400). A first pass
 * checks every row: one refused row and nothing is written (the first
 * errors are listed with their line); a header without rows is refused. Then households are written in batches; one journal
 * entry for the import. Any size (the file is read in bounded chunks). */
enum { PERSONS_IMPORT_SHOWN = 20 }; /* the lines named of each kind (errors, persons already known) */
typedef struct persons_import_report {
	/* Given by the caller (kept): called every PERSONS_IMPORT_STEP rows of each pass — the check (writing false,
	 * total 0: not known yet), then the writing (total: the rows checked). NULL: nothing said. */
	void (*progress)(void *ctx, bool writing, long rows, long total);
	void *progress_ctx;
	/* Given by the caller (kept), may be NULL: called first in the writing's transaction, on its connection; an error
	 * rolls the import back (the page's confirmation takes its upload there: two confirmations of one upload, one
	 * import). */
	err (*claim)(db_conn *c, void *ctx);
	void *claim_ctx;
	long rows, households, refused;
	long long steps; /* SQLite's work writing them (db_conn_steps), -1 on PostgreSQL */
	int nerr;
	long err_line[PERSONS_IMPORT_SHOWN];
	const char *err_msg[PERSONS_IMPORT_SHOWN];
	/* PERSONS_IMPORT_KNOWN: the persons of the file the structure already has (same names and birth date), and the
	 * lines of the first ones */
	long known;
	int nknown;
	long known_line[PERSONS_IMPORT_SHOWN];
	/* PERSONS_IMPORT_KNOWN too: the rows whose person (same names and birth date) is on a row above, and the lines of
	 * the first ones */
	long twice;
	int ntwice;
	long twice_line[PERSONS_IMPORT_SHOWN];
	char header_msg[768]; /* what is wrong with the header row, when it is (err_msg points here) */
	char columns[1024];   /* the header read: « foyer ← « N° foyer », nom ← « Nom »… », for the agent to see */
} persons_import_report;
enum { PERSONS_IMPORT_STEP = 10000 };
err persons_import_csv(db *d, int64_t structure_id, int64_t user_id, const char *path, bool check_only,
                       persons_import_report *rep);
/* The same for a file in memory (the page's and the API's upload), on c, scoped to the structure, in a transaction
 * of its own. PERSONS_IMPORT_CHECK: the check only; PERSONS_IMPORT_KNOWN: the check also looks for each person in
 * the structure and higher in the file (the page's, the API's and --check's: the import would make them twice). */
enum { PERSONS_IMPORT_CHECK = 1, PERSONS_IMPORT_KNOWN = 2 };
err persons_import_data(db_conn *c, int64_t user_id, const unsigned char *data, size_t len, unsigned flags,
                        persons_import_report *rep);

/* Adds an event to a household's timeline. kind is a short code
 * ("contact", "aid_request", "domiciliation"…), ref_id the record in the
 * caller's module, summary a French line without sensitive detail. Runs in
 * the caller's transaction if one is open. */
err persons_timeline_add(db_conn *c, int64_t household_id, int64_t user_id, const char *kind,
                         int64_t ref_id, const char *summary);
/* The same for an event of the past (imports, demo data). */
err persons_timeline_add_at(db_conn *c, int64_t household_id, int64_t user_id, const char *kind, int64_t ref_id,
                            const char *summary, int64_t at);
/* The same, many lines at a time (a demo's, an import's): cp written by db_copy (store.h), initialised by
 * persons_timeline_copy_init; the caller flushes it after the households it names, and frees it. */
void persons_timeline_copy_init(db_copy *cp, db_conn *c);
err persons_timeline_copy(db_copy *cp, int64_t household_id, int64_t user_id, const char *kind, int64_t ref_id,
                          const char *summary, int64_t at);

/* The figures other modules need to apply their rules. */
typedef struct household_budget {
	int members, children, adults;
	int64_t parts_x100;          /* CAF parts × 100 */
	int64_t uc_x100;             /* consumption units × 100 */
	int64_t resources, charges;  /* monthly, cents */
	int64_t family_benefits;     /* monthly, cents */
	int64_t qf;                  /* quotient familial, cents per part */
	int64_t rav_month;           /* reste à vivre per month, cents */
	int64_t rav_day_person;      /* per person (or divisor unit) per day, cents */
	/* What was not recorded for the month: without a resource line, the
	 * reste à vivre is unknown, and the QF too unless a tax notice is; the
	 * figures are then 0 and must not be shown or used ("non renseigné"). */
	bool resources_known, qf_known;
	/* The consumption units need each member's age but the first adult's (a spouse, a parent, an adult child: 14
	 * or more by their link); a child, a person hosted or « autre » without a birth date leaves them unknown, and
	 * the reste à vivre a day with them when it is divided by them (rav_known: the month's resources and its
	 * divisor known; rav_month needs the resources only). */
	bool uc_known, rav_known;
	const char *rav_unit;        /* what the reste à vivre a day is divided by: « personne », « part », « unité de
	                              * consommation » (the rule's divisor) */
	/* For the rulebook's conditions on the household: a couple or not, the
	 * children's ages (children of them, in the arena), the month's resource
	 * categories with an amount (",rsa,aah,"), the housing code ("" when not
	 * said). */
	bool couple;
	int *child_ages;             /* -1: no birth date */
	const char *resource_cats, *housing;
	const char *explain;         /* the computation in French (arena) */
	int64_t rule_id;             /* version of the QF/RAV rules used */
} household_budget;
/* One statement (E_NOT_FOUND when the structure has no such household). */
err persons_budget(db_conn *c, arena *a, int64_t household_id, civil_date month, household_budget *out);

/* For the needs analysis (observation): over the instants [start, end),
 * per neighbourhood of the household's address ("" when none), the
 * households whose timeline has an event (kind "") and, per kind of event
 * (module.timeline's codes), the households and the events; *out in the
 * arena, their number (-1 on a failure). */
typedef struct persons_area_row {
	const char *neighbourhood, *kind;
	int64_t households, events;
} persons_area_row;
int persons_area_figures(db_conn *c, arena *a, int64_t start, int64_t end, persons_area_row **out);

/* For the observation's filters (issue 19): the households kept by a
 * neighbourhood, the applicant's age band on a date, the household's
 * composition and its monthly resources band (the last month of its budget
 * with resources), each "" for any and "nr" for « non renseigné ».
 * persons_scope_fill puts the kept households in the connection's temporary
 * table obs_scope (module.h, module_period.scoped) and says how many. */
typedef struct persons_filter {
	const char *neighbourhood, *age, *type, *resources;
	const char *at;   /* ISO date the ages are reckoned on */
} persons_filter;
extern const code PERSONS_AGE_BANDS[], PERSONS_HOUSEHOLD_TYPES[], PERSONS_RESOURCE_BANDS[];
extern const int NPERSONS_AGE_BANDS, NPERSONS_HOUSEHOLD_TYPES, NPERSONS_RESOURCE_BANDS;
/* false when no filter is set; *bad names a value not in its list. */
bool persons_filter_active(const persons_filter *f, const char **bad);
err persons_scope_fill(db_conn *c, arena *a, const persons_filter *f, int64_t *count);
/* The neighbourhoods of the structure's households, sorted (arena), their number (-1 on a failure). */
int persons_neighbourhoods(db_conn *c, arena *a, const char ***out);

/* Data-subject access (RGPD art. 15): each module's descriptor gives what
 * it holds about a person (module.h, subject). Rows of a query as objects
 * named by names (values as text), for those sections; closes q. */
json_t *persons_rows_json(db_res *q, const char *const *names, int n);

/* Retention (persons_retention.c): a file is active while it lives, then
 * archived (managers and the DPO only), then anonymised; durations per
 * structure. Each module anonymises its part of a household's file (free
 * texts, names, addresses; amounts stay) and may hold a file it still works
 * on from retention: its descriptor's anonymise and retention_hold. */
typedef struct persons_retention {
	int active_years, archive_years, journal_years;
} persons_retention;
void persons_retention_get(db_conn *c, persons_retention *out);
typedef struct persons_retention_plan_t {
	int64_t archive_now, anonymise_now, archive_next_month, anonymise_next_month;
} persons_retention_plan_t;
err persons_retention_plan(db_conn *c, civil_date on, persons_retention_plan_t *p);
/* Every structure: lists (apply=false) or applies; a line per structure to out. */
err persons_purge(db *d, civil_date on, bool apply, FILE *out);
/* Erasure on request (art. 17, where the law allows): the household's file
 * anonymised now; E_CONFLICT while a module still works on it (held). */
err persons_erase_household(db_conn *c, int64_t household_id, int64_t user_id);
/* 0 active, 1 archived, 2 anonymised. */
int persons_household_archived(db_conn *c, int64_t household_id);

/* Demo data: N households with members, budgets, notes. Deterministic for
 * a seed. Fills ids_out (household ids) when not NULL. */
err persons_demo(db *d, int64_t structure_id, int64_t n, uint64_t seed, const int64_t *users, int nusers);
#endif
