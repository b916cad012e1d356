/* persons_internal.h — shared by the files of the persons module only. */
#ifndef MODULES_PERSONS_INTERNAL_H
#define MODULES_PERSONS_INTERNAL_H
#include "modules/persons/persons.h"
#include "web/form.h"

/* Code lists: value (stored) and French label. */
typedef struct code { const char *v, *fr; } code;
extern const code RELATIONS[], HOUSING[], SEXES[], NATIONALITIES[], EMPLOYMENTS[], HEALTH[],
	PROTECTIONS[], CHANNELS[], RESOURCE_CATS[], CHARGE_CATS[], DOC_KINDS[], VISIBILITIES[];
extern const int NRELATIONS, NHOUSING, NSEXES, NNATIONALITIES, NEMPLOYMENTS, NHEALTH, NPROTECTIONS,
	NCHANNELS, NRESOURCE_CATS, NCHARGE_CATS, NDOC_KINDS, NVISIBILITIES;
const char *code_fr(const code *list, int n, const char *v);
bool code_valid(const code *list, int n, const char *v);

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
	const char *last_name, *birth_name, *first_names, *birth_date, *file_no, *address, *relation;
	int score;
	bool archived;      /* past its active period: shown to managers only */
} search_hit;
/* with_archived: include files in intermediate archive (managers, the
 * DPO's search, duplicate detection). */
int persons_search(db_conn *c, arena *a, const char *q, bool with_archived, search_hit **out, int max);
/* Possible duplicates of a new person (same birth date and close name, or
 * same name): up to max hits. */
int persons_duplicates(db_conn *c, arena *a, const char *last, const char *first, const char *birth,
                       search_hit **out, int max);
/* Folded name and the search keys of a person (for the demo's bulk insert). */
char *persons_search_name(arena *a, const char *last, const char *birth, const char *first);
int persons_keys(arena *a, const char *search_name, const char ***keys);
err persons_keys_store(db_conn *c, arena *a, int64_t pid, const char *search_name);
char *phone_digits(arena *a, const char *phone);
err persons_next_file_no(db_conn *c, arena *a, char **out);

/* Notes visible to the user in a household. */
bool persons_is_referent(db_conn *c, int64_t hid, int64_t user_id);
err persons_merge(web_req *r, int64_t keep, int64_t gone);

void persons_pages_init(void);
void persons_api_init(void);
void persons_page_sections(web_req *r, int64_t hid);
void persons_subject_routes(void);
void persons_retention_routes(void);
extern int PERM_PERSONS_SUBJECT;
#endif
