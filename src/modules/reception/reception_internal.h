/*
 * reception_internal.h — shared between the files of the reception module
 * only: reception_model.c (tables, statements, rows, rules: no HTML),
 * reception_pages.c, reception_api.c, reception_demo.c and the descriptor
 * (reception_module.c).
 */
#ifndef MODULES_RECEPTION_INTERNAL_H
#define MODULES_RECEPTION_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/civil.h"
#include "core/codes.h"
#include "modules/reception/reception.h"
#include "web/form.h"

extern const db_module_schema reception_schema;

/* Code lists (stored codes, French labels). */
extern const code RC_CHANNELS[6], RC_ORIENTATIONS[4], RC_PARTNER_KINDS[8], RC_APPT_STATES[4], RC_QUEUE_STATES[4];

/* Local time of an instant in the zone tz, by a strftime format that is a
 * literal of this module ("%H:%M"), in the arena; "" if unknown. */
const char *rc_when(arena *a, const char *tz, int64_t t, const char *fmt);

/* ---- rows ------------------------------------------------------------------- */

/* An id and a name: the motives, the staff, the partners of a select. */
typedef struct rc_named {
	int64_t id;
	const char *name;
} rc_named;
typedef enum rc_list { RC_MOTIVES, RC_STAFF, RC_PARTNER_NAMES } rc_list;
/* Every entry of the list, in order (arena array); their number, or -1 on
 * a failure. */
int rc_named_list(db_conn *c, arena *a, rc_list which, rc_named **out);
/* The contact form's motives and partners, both in one statement; 0, or -1 on a failure. */
int rc_form_lists(db_conn *c, arena *a, rc_named **motives, int *nmotives, rc_named **partners, int *npartners);

typedef struct rc_contact {
	int64_t at, minutes;
	const char *channel, *motive, *answer, *orientation;
	const char *orient_to;   /* the agent, service or partner oriented to, "" */
	const char *agent;       /* who recorded it */
} rc_contact;
/* A household's contacts, newest first: at most limit (0: all). */
int rc_contacts_of(db_conn *c, arena *a, int64_t household_id, int limit, rc_contact **out);
int64_t rc_contacts_count(db_conn *c, int64_t household_id);
/* The household page's section: its last `limit` contacts (the count returned, -1 when not read; none read when
 * with_contacts is false: the page knows it has none) and the contact form's motives and partners (kept in memory
 * while the structure's reference version holds: no statement then). */
int rc_section_of(db_conn *c, arena *a, int64_t household_id, int limit, bool with_contacts, rc_contact **out,
                  rc_named **motives, int *nmotives, rc_named **partners, int *npartners);

typedef struct rc_appt {
	int64_t id, starts_at, minutes, household_id, agent_id;
	const char *place, *motive, *status, *agent;
} rc_appt;
/* Appointments starting in [from, to), of one agent (0: all), by time. */
int rc_appts_between(db_conn *c, arena *a, int64_t from, int64_t to, int64_t agent, rc_appt **out);
/* A household's appointments, newest first: at most limit (0: all). */
int rc_appts_of(db_conn *c, arena *a, int64_t household_id, int limit, rc_appt **out);
int64_t rc_appts_count(db_conn *c, int64_t household_id);

typedef struct rc_waiting {
	int64_t id, household_id, checked_in_at, received_at;
	const char *label, *motive, *for_user, *status, *received_by;
} rc_waiting;
/* Who is in the queue (waiting or being received) since the instant. */
int rc_queue_since(db_conn *c, arena *a, int64_t since, rc_waiting **out);
typedef struct rc_queue_day {
	int64_t arrivals, received, waited_seconds;  /* waited: sum over those received */
} rc_queue_day;
err rc_queue_stats(db_conn *c, int64_t since, rc_queue_day *out);

typedef struct rc_partner {
	int64_t id;
	const char *name, *kind, *phone, *email, *address, *notes;
} rc_partner;
/* Partners whose name or notes contain q ("" all), by name: a page of
 * them (limit, offset) and, in *total, how many match. */
int rc_partners_find(db_conn *c, arena *a, const char *q, int limit, int64_t offset, rc_partner **out, int64_t *total);

/* ---- actions: each validates (form errors named by the form's fields),
 * then writes in its own transaction with the timeline and the journal. */

typedef struct contact_in {
	const char *channel, *motive, *answer, *orientation, *orient_user, *orient_service, *orient_partner, *minutes;
	const char *done_date, *done_time;  /* « effectué le » (local); empty: now */
	const char *queue;                  /* the queue entry this contact ends, or NULL */
} contact_in;
/* How an action may be dated: the structure's zone and how many days back. */
typedef struct rc_when_rule {
	const char *tz;
	int days_back;
} rc_when_rule;
/* A contact, dated when it was done (within the rule; the entry time is
 * kept and journaled); with a queue entry being received, ends it (its
 * household and duration by default). */
err rc_contact_add(db_conn *c, arena *a, int64_t user_id, int64_t household_id, const contact_in *in, const rc_when_rule *when,
                   form_errors *fe, int64_t *id);
typedef struct rc_queue_entry {
	int64_t id, household_id, motive_id, received_at;
	const char *status, *label;
} rc_queue_entry;
err rc_queue_get(db_conn *c, arena *a, int64_t id, rc_queue_entry *out);
/* The structure's rule for dating the contact in (its zone given): its limit is read only when in is dated
 * (in NULL: it is) — most contacts are of now, and need no statement for it. */
rc_when_rule rc_when_of(db_conn *c, arena *a, const char *tz, int64_t structure_id, const contact_in *in);

typedef struct appt_in {
	const char *household, *agent, *date, *time, *minutes, *place, *motive;
} appt_in;
/* Form fields: household, agent, date, duration, subject. */
err rc_appt_add(db_conn *c, arena *a, int64_t user_id, const char *tz, const appt_in *in, form_errors *fe, int64_t *id);
/* prevu → honore, annule or absent. E_INPUT (unknown state), E_NOT_FOUND. */
err rc_appt_set_status(db_conn *c, arena *a, int64_t user_id, int64_t id, const char *status);

typedef struct queue_in {
	const char *label, *household, *motive, *for_user;
} queue_in;
err rc_queue_add(db_conn *c, int64_t user_id, const queue_in *in, form_errors *fe, int64_t *id);
/* attente → recu or parti (recu → termine is recording the contact, with
 * rc_contact_add and the entry). E_INPUT for any other step,
 * E_CONFLICT when the entry was no longer in state from (a colleague
 * moved it first), E_NOT_FOUND. */
err rc_queue_move(db_conn *c, int64_t user_id, int64_t id, const char *from, const char *to);

typedef struct partner_in {
	const char *name, *kind, *phone, *email, *address, *notes;
} partner_in;
err rc_partner_add(db_conn *c, int64_t user_id, const partner_in *in, form_errors *fe, int64_t *id);
err rc_motive_add(db_conn *c, int64_t user_id, const char *label, form_errors *fe, int64_t *id);
/* A retired motive stays in the history. E_NOT_FOUND. */
err rc_motive_retire(db_conn *c, int64_t user_id, int64_t id);

/* The descriptor's hooks (reception_model.c, reception_pages.c). */
void rc_subject(db_conn *c, arena *a, int64_t person_id, int64_t household_id, json_t *out);
err rc_anonymise(db_conn *c, int64_t household_id);
void rc_section_contacts(web_req *r, int64_t household_id);
void rc_section_appointments(web_req *r, int64_t household_id);
void rc_home_quick_contact(web_req *r);
void rc_home_appointments(web_req *r);
err rc_demo(db *d, const module_demo *x);
void reception_pages_routes(void);
void reception_api_routes(void);
/* The tables counted in a household's parts (persons.h): its migration creates their triggers, its descriptor
 * names them (module_part: `openccas check` recounts them). */
#define RECEPTION_PARTS(X) X("appointments", "appointments", "structure_id, household_id", PERSONS_PART_ANY)

#endif
