/*
 * persons_bulk.c — households written by the thousand, for the imports (persons, DomiFa's files): the household,
 * each person and their membership, the timeline's line, written through db_copy — on PostgreSQL one
 * COPY per table for many households instead of five to seven statements a person, each a round trip and a plan.
 * The households' and persons' ids are taken ahead (db_ids), so a person's row can name its household before
 * either is sent.
 */
#include <stdlib.h>
#include <string.h>
#include "core/civil.h"
#include "core/countof.h"
#include "modules/persons/persons_internal.h"
#include "core/banned.h"

static db_copy_sql C_H = DB_COPY("households",
	"structure_id, id, file_no, street_no, street, postcode, city, neighbourhood, housing, address_since, created_at, "
	"last_seen_at",
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12");
static db_copy_sql C_P = DB_COPY("persons",
	"structure_id, id, household_id, relation, last_name, birth_name, first_names, sex, birth_date, birth_place, "
	"nationality, phone, phone_digits, email, channel, consent_sms, consent_email, employment, health_cover, "
	"protection, representative, disability, gir, student, caf_number, search_name, created_at, updated_at",
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "
	"$25, $26, $27, $28");
static db_copy_sql C_M = DB_COPY("household_members", "structure_id, household_id, person_id, relation, from_date",
	"$1, $2, $3, $4, $5");

static db_ids_sql I_H = DB_IDS("households"), I_P = DB_IDS("persons");

/* Sent every thousand households (a few hundred kilobytes), sooner if their rows are unusually long. */
enum { FLUSH_HOUSEHOLDS = 1000, FLUSH_BYTES = 8 << 20 };
/* The ids of the next thousand households' persons taken before these are sent (2.5 a household in the
 * benchmark's file; a batch with more takes the rest when it needs them). */
enum { PERSONS_AHEAD = 4 * FLUSH_HOUSEHOLDS };

struct persons_bulk {
	db_conn *c;
	int64_t user_id, now;
	const char *today;
	db_copy h, p, m, t;
	db_ids hid, pid;
	int kept; /* households not yet sent */
};

persons_bulk *persons_bulk_open(db_conn *c, int64_t user_id, const char *today)
{
	persons_bulk *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->c = c;
	b->user_id = user_id;
	b->today = today;
	b->now = civil_now();
	db_copy_init(&b->h, c, &C_H);
	db_copy_init(&b->p, c, &C_P);
	db_copy_init(&b->m, c, &C_M);
	persons_timeline_copy_init(&b->t, c);
	/* Their foreign keys checked as a set at the end (PostgreSQL, when the role may): half of the import's time
	 * was a trigger's statement for each key of each row. */
	db_copy_keys_later(&b->h);
	db_copy_keys_later(&b->p);
	db_copy_keys_later(&b->m);
	db_copy_keys_later(&b->t);
	db_ids_init(&b->hid, &I_H);
	db_ids_init(&b->pid, &I_P);
	return b;
}

void persons_bulk_sole(persons_bulk *b)
{
	db_ids_sole(&b->hid);
	db_ids_sole(&b->pid);
}

/* In the order of the foreign keys: households, then what names them; when none is checked row by row (store.h:
 * db_copy_keys_later), the persons last. The last one's answer is read by the connection's next exchange
 * (db_copy_send): the server writes it — the persons, the largest — while the next rows are made; the ids of those
 * are taken before (a statement would wait for it). */
err persons_bulk_flush(persons_bulk *b)
{
	b->kept = 0;
	bool free_order = db_copy_unchecked(&b->h) && db_copy_unchecked(&b->p) && db_copy_unchecked(&b->m) &&
	                  db_copy_unchecked(&b->t);
	db_copy *keyed[] = {&b->h, &b->p, &b->m, &b->t}, *loose[] = {&b->h, &b->m, &b->t, &b->p};
	db_copy **order = free_order ? loose : keyed;
	err e = db_ids_ahead(b->c, &b->hid, FLUSH_HOUSEHOLDS);
	if (e == E_OK)
		e = db_ids_ahead(b->c, &b->pid, PERSONS_AHEAD);
	for (int i = 0; e == E_OK && i < COUNTOF(keyed); i++)
		e = i == COUNTOF(keyed) - 1 ? db_copy_send(order[i]) : db_copy_flush(order[i]);
	return e;
}

static const char *nz(const char *s) { return s ? s : ""; }

static err add_person(persons_bulk *b, arena *a, int64_t hid, const person_new *p, const char *rel, int64_t *out)
{
	int64_t pid = 0;
	char *sn = persons_search_name(a, p->last_name, p->birth_name, p->first_names);
	err e = db_next_id(b->c, &b->pid, &pid);
	if (e == E_OK)
		e = DBCOPY(&b->p, A_INT(pid), A_INT(hid), A_TEXT(rel), A_TEXT(p->last_name), A_TEXT(nz(p->birth_name)),
		           A_TEXT(p->first_names), A_TEXT(nz(p->sex)), A_TEXT(p->birth_date && *p->birth_date ? p->birth_date : NULL),
		           A_TEXT(nz(p->birth_place)), A_TEXT(""), A_TEXT(nz(p->phone)), A_TEXT(phone_digits(a, p->phone)),
		           A_TEXT(nz(p->email)), A_TEXT(""), A_INT(0), A_INT(0), A_TEXT(""), A_TEXT(""), A_TEXT(""), A_TEXT(""),
		           A_INT(0), A_NULL, A_INT(0), A_TEXT(""), A_TEXT(sn ? sn : ""), A_INT(b->now), A_INT(b->now));
	if (e == E_OK)
		e = DBCOPY(&b->m, A_INT(hid), A_INT(pid), A_TEXT(rel), A_TEXT(b->today));
	if (out)
		*out = pid;
	return e;
}

err persons_bulk_household(persons_bulk *b, arena *a, const household_new *h, const person_new *ap, const person_new *deps,
                           int ndeps, int64_t *out_hid, int64_t *out_pid, const char **why)
{
	*out_hid = *out_pid = 0;
	if (!persons_import_all_ok(ap, deps, ndeps, why))
		return E_INPUT;
	char *file_no = NULL;
	int64_t hid = 0;
	err e = persons_next_file_no(b->c, a, &file_no);
	if (e == E_OK)
		e = db_next_id(b->c, &b->hid, &hid);
	if (e == E_OK)
		e = DBCOPY(&b->h, A_INT(hid), A_TEXT(file_no), A_TEXT(h && h->street_no ? h->street_no : ""),
		           A_TEXT(h && h->street ? h->street : ""), A_TEXT(h && h->postcode ? h->postcode : ""),
		           A_TEXT(h && h->city ? h->city : ""), A_TEXT(""), A_TEXT(h && h->housing ? h->housing : "sans_abri"),
		           A_TEXT(b->today), A_INT(b->now), A_INT(b->now));
	if (e == E_OK)
		e = add_person(b, a, hid, ap, "demandeur", out_pid);
	for (int i = 0; e == E_OK && i < ndeps; i++)
		e = add_person(b, a, hid, &deps[i],
		               deps[i].relation && code_ok(RELATIONS, NRELATIONS, deps[i].relation) ? deps[i].relation : "autre", NULL);
	if (e == E_OK)
		e = persons_timeline_copy(&b->t, hid, b->user_id, "household", hid, "Dossier repris d’un import", b->now);
	size_t kept = db_copy_pending(&b->h) + db_copy_pending(&b->p) + db_copy_pending(&b->m) +
	              db_copy_pending(&b->t);
	if (e == E_OK)
		*out_hid = hid;
	if (e == E_OK && (++b->kept >= FLUSH_HOUSEHOLDS || kept >= FLUSH_BYTES))
		e = persons_bulk_flush(b);
	return e;
}

err persons_bulk_close(persons_bulk *b, err e)
{
	if (!b)
		return e == E_OK ? E_NOMEM : e;
	if (e == E_OK)
		e = persons_bulk_flush(b);
	db_copy *all[] = {&b->h, &b->p, &b->m, &b->t};
	if (e == E_OK)
		e = db_copy_check(all, COUNTOF(all));
	db_copy_free(&b->h);
	db_copy_free(&b->p);
	db_copy_free(&b->m);
	db_copy_free(&b->t);
	free(b);
	return e;
}
