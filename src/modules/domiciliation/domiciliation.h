/*
 * domiciliation.h — élection de domicile (CASF L264-1 to L264-10,
 * D264-1 ff.): requests with the mandatory interview, decisions by a
 * manager (refusal only for lack of a link with the commune, with an
 * orientation), validity of one year, renewal, striking off with its lawful
 * motives (including more than three months without contact), the mail
 * counter with proxies, and the lists the team works from.
 *
 * The date rules are pure functions below, so that each rule is visible in
 * a test.
 */
#ifndef MODULES_DOMICILIATION_H
#define MODULES_DOMICILIATION_H
#include <stdbool.h>
#include "core/civil.h"
#include "modules/module.h"
#include "store/store.h"

extern const module domiciliation_module;

/* Last day of validity for a start date: the day before the first
 * anniversary (start + 1 year − 1 day). The anniversary of 29 February in
 * a common year is taken as 1 March, so the period is always a full year:
 * 2024-02-29 → 2025-02-28; 2025-03-01 → 2026-02-28; 2027-03-01 → 2028-02-29. */
civil_date domi_end_of(civil_date start);

typedef enum {
	DOMI_PERIOD_OK,       /* exactly one year */
	DOMI_PERIOD_SHORT,    /* shorter: allowed, with a warning */
	DOMI_PERIOD_LONG,     /* longer than the law allows: refused */
	DOMI_PERIOD_INVERTED, /* ends before it starts: refused */
} domi_period;
domi_period domi_check_period(civil_date start, civil_date end);

/* The organisation answers within two months of the request (D264-?):
 * request + 2 months, month-end clamped (31 Dec → 28/29 Feb). */
civil_date domi_answer_deadline(civil_date requested);

/* Striking off for lack of contact: more than three consecutive months
 * since the last contact that counts. True when last + 3 months < today
 * (the day three months later is still within the period). */
bool domi_contact_lapsed(civil_date last_contact, civil_date today);

/* Contacts that count for the three-month rule: a visit, a phone call,
 * mail collected in person. Mail collected by a proxy does not. */
bool domi_contact_counts(const char *kind);


/* Tells people with mail waiting, once a day at most, by SMS or e-mail,
 * and those whose domiciliation ends within a month, once per period,
 * only if they consented: queues the notices in the persons' outbox
 * (persons_notice_queue), which persons_notices_deliver sends. send=false
 * counts without queueing. Meant for a daily cron: `openccas notify --send`. */
err domiciliation_notify(db *d, civil_date today, bool send, int64_t *count);
/* `openccas purge`: the DomiFa files uploaded for an import and left waiting more than a day. */
err domiciliation_purge(db *d, civil_date on, bool apply, int64_t *count);
#endif
