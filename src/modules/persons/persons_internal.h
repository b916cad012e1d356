/* persons_internal.h — shared by the files of the persons module only. */
#ifndef MODULES_PERSONS_INTERNAL_H
#define MODULES_PERSONS_INTERNAL_H
#include "modules/persons/persons.h"
#include "core/codes.h"
#include "web/form.h"

/* Code lists (core/codes.h): value (stored) and French label. */
extern const code RELATIONS[], HOUSING[], SEXES[], NATIONALITIES[], EMPLOYMENTS[], HEALTH[],
	PROTECTIONS[], CHANNELS[], RESOURCE_CATS[], CHARGE_CATS[], DOC_KINDS[], VISIBILITIES[];
extern const int NRELATIONS, NHOUSING, NSEXES, NNATIONALITIES, NEMPLOYMENTS, NHEALTH, NPROTECTIONS,
	NCHANNELS, NRESOURCE_CATS, NCHARGE_CATS, NDOC_KINDS, NVISIBILITIES;

/* A person as typed in a form (all strings, validated by person_validate). */
typedef struct person_in {
	const char *last_name, *birth_name, *first_names, *sex, *birth_date, *birth_place, *nationality;
	const char *phone, *email, *channel, *consent_sms, *consent_email;
	const char *employment, *health_cover, *protection, *representative, *disability, *gir, *student;
	const char *caf_number, *relation;
	const char *nir;   /* only when the structure enables it; "" keeps the stored one */
} person_in;
bool persons_nir_normalise(const char *s, char out[16]);
const char *persons_nir_masked(arena *a, const char *nir);
bool person_validate(const person_in *p, form_errors *fe, bool full);

typedef struct household_in {
	const char *street_no, *street, *postcode, *city, *neighbourhood, *housing;
} household_in;
bool household_validate(const household_in *h, form_errors *fe);

err persons_household_create(web_req *r, const household_in *h, const person_in *p, int64_t *hid, int64_t *pid);
err persons_member_add(web_req *r, int64_t hid, const person_in *p, int64_t *pid);
err persons_person_update(web_req *r, int64_t pid, const person_in *p, int64_t version);
err persons_member_leave(web_req *r, int64_t hid, int64_t pid, const char *date);
err persons_address_update(web_req *r, int64_t hid, const household_in *h, const char *since);

/* Search: results into a JSON array (id, household_id, names, birth date,
 * file number, address) — used by the page (rendered) and the API. */
typedef struct search_hit {
	int64_t person_id, household_id, last_seen;
	const char *last_name, *birth_name, *first_names, *birth_date, *file_no, *address, *relation, *sex;
	const char *search_name; /* folded names: the order of equal scores and visits */
	int score;
	bool archived;      /* past its active period: shown to managers only */
} search_hit;
/* with_archived: include files in intermediate archive (managers, the
 * DPO's search, duplicate detection). *capped (may be NULL): a word too
 * common (more than 200 persons), only part of them looked at — say it. */
int persons_search(db_conn *c, arena *a, const char *q, bool with_archived, search_hit **out, int max, bool *capped);
/* The same, the change feed's head known (read with the session: persons_feed_head; -1 unknown): when the index has
 * read the feed that far, no statement asks whether anything was written since. */
int persons_search_fed(db_conn *c, arena *a, const char *q, bool with_archived, search_hit **out, int max, bool *capped,
                       int64_t feed_head);
/* The head of the request's structure's change feed, as its session's statement read it (the module's user_fact),
 * or -1. */
int64_t persons_feed_head(web_req *r);
/* What a page says when a search was capped (the search page, the DPO's). */
extern const char PERSONS_MANY[];
/* Possible duplicates of a new person (same birth date and close name, or
 * same name): up to max hits. *incomplete: the name is carried by more
 * persons than the search looks at and the birth date (absent, or shared
 * by more than 200) could not make up for it — the check cannot say « no
 * duplicate », the caller says so. */
int persons_duplicates(db_conn *c, arena *a, const char *last, const char *first, const char *birth,
                       search_hit **out, int max, bool *incomplete);
/* A person's folded name (persons.search_name); the search keys made of it, each given to fn (key not
 * NUL-terminated: len bytes), or in an array. No key is stored: the index in memory makes them. */
char *persons_search_name(arena *a, const char *last, const char *birth, const char *first);
void persons_keys_each(const char *search_name, void (*fn)(const char *key, size_t len, void *ctx), void *ctx);
int persons_keys(arena *a, const char *search_name, const char ***keys);
/* The change feed: person pid's name, household or membership was written (in the caller's transaction). */
err persons_feed_add(db_conn *c, int64_t pid);
/* The same for every person of household hid: their household or membership changed (a merge, an erasure). */
err persons_feed_household(db_conn *c, int64_t hid);
/* Removes the feed's rows of more than a day (the last one stays): the nightly purge, and each build. */
err persons_feed_prune(db_conn *c);
/* Brings the connection's structure's index up to date (the change feed, the visits of the last seconds); false
 * when it cannot answer (not built yet, read again, the feed unreadable): ask the database. Once a search.
 * feed_head: the feed's head as the request read it (persons_feed_head), -1 unknown: when the index has read that
 * far, the feed is not asked (the request's reads are of the same moment or later). */
bool persons_index_catch_up(db_conn *c, int64_t feed_head);
/* The persons with this key (prefix: keys starting with it) in the
 * connection's structure, from memory, up to max; -1 when the index cannot
 * answer (not built yet): ask the database. After persons_index_catch_up. */
int persons_index_find(db_conn *c, const char *key, bool prefix, int64_t *out, int max);
/* What the index knows of a person, to rank her without reading her: her search name (in the arena), household,
 * membership and the household's last visit; gone: no longer found by the search (merged, erased). */
typedef struct person_rank {
	const char *search_name;
	int64_t household_id, last_seen;
	bool active, gone;
} person_rank;
/* Fills out[0..n) for persons pids; false when the index does not know one of them (the database ranks). */
bool persons_index_rank(db_conn *c, arena *a, const int64_t *pids, int n, person_rank *out);
/* The words of a name search: the first eight of the query (a ninth and more are not looked for: the answer is
 * wider, never missing the person); the index intersects as many lists. */
enum { SEARCH_WORDS_MAX = 8 };

/* The ranked search in memory. A look-up: the persons with this key, or (prefix) with a key starting with it — at
 * most max of them examined. One of the best: a person, her score, her household's last visit and her search name
 * (in the arena). */
typedef struct index_lookup {
	const char *key;
	bool prefix;
	int max;
} index_lookup;
typedef struct person_best {
	int64_t id, last_seen;
	const char *search_name;
	int score;
} person_best;
/* The search's order: the best score, then the household seen last, then the folded names, then the number. */
int persons_rank_cmp(const person_best *a, const person_best *b);
/* The persons having every key of all[0..nall) exactly (lists intersected: every one of them, up to tens of
 * thousands; all_score theirs, five less when they left the household, unless fed since the base), and those of
 * the look-ups lk — then, when fewer than max were found, those of the look-ups more (the search's second stage,
 * in the same pass) — each scored by score(search_name, active, ctx) (below 0: left out): the best max in the
 * search's order into out, each once; *capped when a bound left one out (the first stage's look-ups' bounds not
 * counted once the second ran). The number put in out, or -1 when the index cannot answer (ask the database).
 * After persons_index_catch_up. */
int persons_index_best(db_conn *c, arena *a, const index_lookup *lk, int nlk, const index_lookup *more, int nmore,
                       const char *const *all, int nall, int all_score,
                       int (*score)(const char *search_name, bool active, void *ctx), void *ctx, int max,
                       person_best *out, bool *capped);
/* Household hid (of structure sid) seen at `at`: the ranking's memory follows the mark written. */
void persons_index_seen(int64_t sid, int64_t hid, int64_t at);
void persons_index_stats(size_t *bytes, int64_t *keys, int64_t *entries);
int64_t persons_index_builds(void);
char *phone_digits(arena *a, const char *phone);
err persons_next_file_no(db_conn *c, arena *a, char **out);
/* A person an import may write: names present and bounded, a valid birth date and e-mail if given; else false
 * and *why (French). */
bool persons_import_ok(const person_new *p, const char **why);
/* The same for a household's applicant and dependants (the first refused gives *why). */
bool persons_import_all_ok(const person_new *applicant, const person_new *deps, int ndeps, const char **why);

/* Notes visible to the user in a household. */
bool persons_is_referent(db_conn *c, int64_t hid, int64_t user_id);
err persons_merge(web_req *r, int64_t keep, int64_t gone);

/* Each file's routes (persons_module.c calls them). */
void persons_pages_routes(void);
void persons_actions_routes(void);
void persons_api_routes(void);
void persons_subject_routes(void);
void persons_retention_routes(void);
void persons_rules_routes(void);
void persons_import_routes(void); /* persons_import_pages.c */
/* `openccas purge` (the module's hook): the spreadsheets uploaded and left waiting more than a day. */
err persons_import_purge(db *d, civil_date on, bool apply, int64_t *count);
/* A telephone number as the forms take it: 6 to 15 digits, spaces, dots, dashes, « + » and brackets between. */
bool persons_phone_ok(const char *phone);
/* A person's birth date: a real date (AAAA-MM-JJ) from 1900 to today (a day past UTC's, for the zones east of it). */
bool persons_birth_ok(const char *iso);
/* The home page's blocks (persons_pages.c). */
void persons_home_search(web_req *r);
void persons_home_expiring(web_req *r);
extern int PERM_PERSONS_SUBJECT, PERM_PERSONS_RETENTION, PERM_PERSONS_RULES, PERM_PERSONS_IMPORT;
/* ---- a household's file as typed rows (persons_rows.c) ---------------------------------- */

typedef struct household_row {
	int64_t id, merged_into, version, created_at;
	int64_t annual_taxable;  /* cents a year, -1 when not recorded */
	int archived;            /* 0 active, 1 archived, 2 anonymised */
	const char *file_no, *street_no, *street, *postcode, *city, *neighbourhood, *housing, *address_since;
} household_row;
/* The "recently seen" mark (in the caller's transaction). */
err persons_household_seen(db_conn *c, int64_t household_id, int64_t at);
/* The same for n reads at once (hids[i] read at ats[i]): one statement on PostgreSQL. */
err persons_households_seen(db_conn *c, int n, const int64_t *hids, const int64_t *ats);
typedef struct member_row {
	int64_t id;
	bool active, disability, consent_sms, consent_email, student;
	const char *relation, *last_name, *birth_name, *first_names, *birth_date, *sex, *phone, *employment, *health_cover,
		*protection, *gir, *caf_number, *nationality, *email, *representative, *nir;
} member_row;
/* The household and every member (present first, the applicant and the spouse first) in one read (the household's page);
 * E_NOT_FOUND outside the structure. */
err persons_household_with_members(db_conn *c, arena *a, int64_t household_id, household_row *h, member_row **members,
                                   int *nmembers);
/* The same read with two more columns (the household's page: which of its parts hold anything, a number; its
 * month's budget sums, a text). Its statement is persons_household_read_sql(cols), cols being « , expr, expr » of
 * literal SQL, built once by the caller (NULL without memory), their parameters after the household's: $3 the
 * month. *more gets the first column of the first row (NULL: 0), *text the second (NULL: NULL; in the arena);
 * untouched when the read finds nothing. */
char *persons_household_read_sql(const char *col);
err persons_household_read(db_conn *c, arena *a, db_sql *sql, int64_t household_id, const char *month, household_row *h,
                           member_row **members, int *nmembers, int64_t *more, const char **text);
/* The month's budget lines summed in one column of the page's read (its month, "YYYY-MM", in $3), as text: the
 * resources, the family benefits among them, the charges, separated by commas — each empty when the month has no
 * such line ("120000,10000,58000", ",,30000"); NULL when it has no line counted at all. */
#define PERSONS_BUDGET_SUMS                                                                                            \
	", (SELECT coalesce(CAST(sum(CASE WHEN kind = 'R' THEN amount END) AS TEXT), '') || ',' || "                   \
	"coalesce(CAST(sum(CASE WHEN kind = 'R' AND category = 'prestations_familiales' THEN amount END) AS TEXT), '') "  \
	"|| ',' || coalesce(CAST(sum(CASE WHEN kind <> 'R' THEN amount END) AS TEXT), '') FROM budget_lines "             \
	"WHERE structure_id = $1 AND household_id = $2 AND month = $3 AND counted = 1)"
typedef struct budget_sums {
	bool resources_known;                       /* a resource line this month */
	int64_t resources, family_benefits, charges; /* cents; 0 without lines */
} budget_sums;
/* A month's key as budget lines are filed under ("YYYY-MM"). */
void persons_budget_month(civil_date month, char key[8]);
/* PERSONS_BUDGET_SUMS's column read into *s (NULL: no line); false when it is not three numbers or empty fields. */
bool persons_budget_sums_parse(const char *text, budget_sums *s);
/* persons_budget for a household already read with its members (h, m: the page's read) and its month's sums: the
 * rule in force read from memory while the structure's reference version holds — no statement then. The
 * resource categories (resource_cats) are not read: NULL. */
err persons_budget_read(db_conn *c, arena *a, const household_row *h, const member_row *m, int nm, civil_date month,
                        const budget_sums *s, household_budget *o);
typedef struct alert_row {
	int64_t id, created_at;
	const char *text;
} alert_row;
int persons_alert_rows(db_conn *c, arena *a, int64_t household_id, alert_row **out);
typedef struct named_row {
	int64_t id;
	const char *name;
} named_row;
int persons_referent_rows(db_conn *c, arena *a, int64_t household_id, named_row **out);
typedef struct note_row {
	int64_t id, created_at;
	const char *visibility, *body, *author;
} note_row;
/* The notes the reader may see, newest first: at most limit (0: all), and
 * in *total how many they may see in all. */
int persons_note_rows(db_conn *c, arena *a, int64_t household_id, int64_t reader, int limit, note_row **out, int64_t *total);
typedef struct document_row {
	int64_t id, size, created_at;
	const char *kind, *filename, *valid_until;
} document_row;
int persons_document_rows(db_conn *c, arena *a, int64_t household_id, document_row **out);
typedef struct address_row {
	const char *street_no, *street, *postcode, *city, *housing, *from_date, *to_date;
} address_row;
int persons_address_rows(db_conn *c, arena *a, int64_t household_id, address_row **out);
typedef struct event_row {
	int64_t at, ref_id, user_id;
	const char *kind, *summary, *user;  /* user NULL: the system */
} event_row;
/* The timeline, newest first, of one kind ("" every kind). */
int persons_event_rows(db_conn *c, arena *a, int64_t household_id, const char *kind, int limit, int64_t offset, event_row **out);

/* ---- shared by the pages ---------------------------------------------------------------- */

void persons_household_routes(void);
/* Birth date and age ("12/03/1980 (45 ans)"), "" when unknown. */
const char *persons_age_text(web_req *r, const char *birth);
/* ---- the smaller records (persons_records.c) -------------------------------------------- */

/* "AAAA-MM" → its first day. */
bool persons_month_parse(const char *month, civil_date *out);
/* A resource or charge line of a month: cat "R:salaire" or "C:loyer". */
err persons_budget_line_add(web_req *r, int64_t household_id, const char *month, const char *cat, const char *person,
                            const char *amount, bool counted, form_errors *fe, int64_t *id);
err persons_budget_line_delete(web_req *r, int64_t household_id, int64_t line);
/* The lines of month from copied into month (E_INPUT for a wrong month). */
err persons_budget_copy(web_req *r, int64_t household_id, const char *month, const char *from);
/* The annual taxable income in euros ("" or NULL: not recorded). */
err persons_taxable_set(web_req *r, int64_t household_id, const char *amount, form_errors *fe);
/* E_INPUT: empty or over 20,000 characters, visibility not in the list. */
err persons_note_add(web_req *r, int64_t household_id, const char *body, const char *visibility, int64_t *id);
/* E_INPUT: empty or over 300 characters. */
err persons_alert_add(web_req *r, int64_t household_id, const char *text, int64_t *id);
err persons_alert_end(web_req *r, int64_t household_id, int64_t alert);
/* add: an agent of the structure becomes a referent (E_INPUT if there is
 * no such agent); else is no longer one. */
err persons_referent_set(web_req *r, int64_t household_id, int64_t user, bool add);
/* The active household with this file number, 0 if none. */
int64_t persons_household_by_file_no(db_conn *c, const char *file_no);
#define PERSONS_DOC_MAX (10 * 1024 * 1024)
/* The type read from the content (magic numbers), NULL when not one of
 * the accepted (PDF, images, office files). */
const char *persons_sniff(const unsigned char *d, size_t n);
/* The name a document is stored and downloaded under: base name only,
 * cleaned, 120 bytes of stem at most, the extension of its type. */
const char *persons_document_filename(arena *a, const char *name, const char *mime);
/* E_INPUT / E_TOO_LARGE with *why (French). */
err persons_document_add(web_req *r, int64_t household_id, const char *kind, const char *valid_until, const web_file *f,
                         const char **why, int64_t *id);
typedef struct persons_document {
	int64_t household_id;
	const char *filename, *mime;
	const void *data;
	size_t len;
} persons_document;
/* Read and journaled as a download. */
err persons_document_get(web_req *r, int64_t id, persons_document *out);
/* The answer: the file under its name (persons_actions.c). */
void persons_document_send(web_req *r, const persons_document *doc);
/* The module's names for the journal (module.ref, module.lookup). */
const char *persons_ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href);
err persons_refs(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref, const char **href);
bool persons_lookup(db_conn *c, arena *a, const char *text, const char **kind, int64_t *id);
/* persons_notices.c: the notices sent to the household's members. */
void persons_notices_section(web_req *r, int64_t hid);

/* This module's parts of a household (persons.h; their names are persons_household.c's): an alert counts until it
 * is lifted. Migration persons/12 creates their triggers, the descriptor names them (module_part). */
#define ALERT_OPEN(r) r ".ended_at IS NULL"
#define OWN_PARTS(X)                                                                                                     \
	X("alerts", "alerts", "structure_id, household_id, ended_at", ALERT_OPEN)                                        \
	X("notes", "notes", "structure_id, household_id", PERSONS_PART_ANY)                                              \
	X("referents", "referents", "structure_id, household_id", PERSONS_PART_ANY)                                      \
	X("notices", "notices", "structure_id, household_id", PERSONS_PART_ANY)                                          \
	X("household_addresses", "addresses", "structure_id, household_id", PERSONS_PART_ANY)                            \
	X("documents", "documents", "structure_id, household_id", PERSONS_PART_ANY)

#endif
