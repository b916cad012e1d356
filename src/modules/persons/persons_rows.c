/*
 * persons_rows.c — a household's file read as typed rows, one loader per
 * entity (the household, its members, alerts, referents, notes visible to
 * the reader, documents, former addresses, timeline): the pages render
 * them and never read a column by its position.
 */
#include "modules/persons/persons_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/text.h"
#include "core/banned.h"

static db_sql Q_H_SEEN = DB_SQL(DB_SCOPED,
	"UPDATE households SET last_seen_at = $3 WHERE structure_id = $1 AND id = $2 AND last_seen_at < $3");
/* PostgreSQL: the marks of many reads in one statement (a household read twice: its last reading). */
static db_sql Q_H_SEEN_MANY_PG = DB_SQL(DB_SCOPED,
	"UPDATE households h SET last_seen_at = v.at FROM (SELECT id, max(at) AS at FROM "
	"unnest(CAST($2 AS BIGINT[]), CAST($3 AS BIGINT[])) AS x(id, at) GROUP BY id) v "
	"WHERE h.structure_id = $1 AND h.id = v.id AND h.last_seen_at < v.at");
#define MEMBER_SELECT \
	"SELECT p.id, p.relation, p.last_name, p.birth_name, p.first_names, p.birth_date, p.sex, p.phone, p.employment, " \
	"p.health_cover, p.protection, p.disability, p.gir, p.caf_number, p.active, p.nationality, p.email, p.consent_sms, " \
	"p.consent_email, p.student, p.representative, p.nir "
enum { MEMBER_COLS = 22 };
#define MEMBER_ORDER \
	" ORDER BY p.active DESC, CASE p.relation WHEN 'demandeur' THEN 0 WHEN 'conjoint' THEN 1 ELSE 2 END, p.birth_date, p.id"
/* The household's page: the household and its members in one read (one row with the members' columns NULL when
 * it has none). */
#define H_MEMBERS_SELECT                                                                                               \
	MEMBER_SELECT ", h.file_no, h.street_no, h.street, h.postcode, h.city, h.neighbourhood, h.housing, h.address_since, " \
	"h.merged_into, h.version, h.created_at, h.annual_taxable, "                                                      \
	"CASE WHEN h.anonymised_at IS NOT NULL THEN 2 WHEN h.archived_at IS NOT NULL THEN 1 ELSE 0 END"
enum { HOUSEHOLD_COLS = 13 };
#define H_MEMBERS_FROM                                                                                                 \
	" FROM households h LEFT JOIN persons p ON p.structure_id = h.structure_id AND p.household_id = h.id "           \
	"WHERE h.structure_id = $1 AND h.id = $2" MEMBER_ORDER
static db_sql Q_H_MEMBERS = DB_SQL(DB_SCOPED, H_MEMBERS_SELECT H_MEMBERS_FROM);
static db_sql Q_ALERTS = DB_SQL(DB_SCOPED,
	"SELECT id, text, created_at FROM alerts WHERE structure_id = $1 AND household_id = $2 AND ended_at IS NULL ORDER BY id");
static db_sql Q_REFERENTS = DB_SQL(DB_SCOPED,
	"SELECT u.id, u.display_name FROM referents r JOIN agent_names u ON u.id = r.user_id "
	"WHERE r.structure_id = $1 AND r.household_id = $2 ORDER BY u.display_name");
/* Notes: the visibility rule is in the query, so no page can forget it. */
#define NOTES_VISIBLE                                                                                                  \
	"WHERE n.structure_id = $1 AND n.household_id = $2 AND (n.visibility = 'equipe' OR n.author_id = $3 OR "            \
	"(n.visibility = 'referents' AND EXISTS (SELECT 1 FROM referents r WHERE r.structure_id = $1 "                    \
	"AND r.household_id = n.household_id AND r.user_id = $3)))"
static db_sql Q_NOTES = DB_SQL(DB_SCOPED,
	"SELECT n.id, n.visibility, n.body, n.created_at, u.display_name FROM notes n LEFT JOIN agent_names u ON u.id = n.author_id "
	NOTES_VISIBLE " ORDER BY n.created_at DESC, n.id DESC LIMIT $4");
static db_sql Q_NOTES_N = DB_SQL(DB_SCOPED, "SELECT count(*) FROM notes n " NOTES_VISIBLE);
static db_sql Q_DOCS = DB_SQL(DB_SCOPED,
	"SELECT id, kind, filename, size, valid_until, created_at FROM documents WHERE structure_id = $1 AND household_id = $2 "
	"ORDER BY created_at DESC, id DESC");
/* The household's history, of every kind or of one. */
#define TL "SELECT t.at, t.kind, t.summary, u.display_name, t.ref_id, t.user_id FROM timeline t " \
	"LEFT JOIN agent_names u ON u.id = t.user_id WHERE t.structure_id = $1 AND t.household_id = $2 "
static db_sql Q_TL = DB_SQL(DB_SCOPED, TL "ORDER BY t.at DESC, t.id DESC LIMIT $3 OFFSET $4");
static db_sql Q_TL_KIND = DB_SQL(DB_SCOPED, TL "AND t.kind = $5 ORDER BY t.at DESC, t.id DESC LIMIT $3 OFFSET $4");
static db_sql Q_OLD_ADDR = DB_SQL(DB_SCOPED,
	"SELECT street_no, street, postcode, city, housing, from_date, to_date FROM household_addresses "
	"WHERE structure_id = $1 AND household_id = $2 ORDER BY to_date DESC");

static const char *t_(db_res *q, int col, arena *a) { return arena_strdup(a, db_isnull(q, col) ? "" : db_text(q, col)); }
static bool yes(db_res *q, int col) { return !db_isnull(q, col) && !strcmp(db_text(q, col), "1"); }
#define DONE(e, a, n) ((e) == E_OK && !(a)->failed ? (n) : -1)

static void household_fill(db_res *q, arena *a, int o, int64_t hid, household_row *h)
{
	*h = (household_row){.id = hid};
	h->file_no = t_(q, o + 0, a);
	h->street_no = t_(q, o + 1, a);
	h->street = t_(q, o + 2, a);
	h->postcode = t_(q, o + 3, a);
	h->city = t_(q, o + 4, a);
	h->neighbourhood = t_(q, o + 5, a);
	h->housing = t_(q, o + 6, a);
	h->address_since = t_(q, o + 7, a);
	h->merged_into = db_isnull(q, o + 8) ? 0 : db_int(q, o + 8);
	h->version = db_int(q, o + 9);
	h->created_at = db_int(q, o + 10);
	h->annual_taxable = db_isnull(q, o + 11) ? -1 : db_int(q, o + 11);
	h->archived = (int)db_int(q, o + 12);
}

err persons_household_seen(db_conn *c, int64_t hid, int64_t at)
{
	err e = DBX(c, &Q_H_SEEN, NULL, A_INT(hid), A_INT(at));
	if (e == E_OK)
		persons_index_seen(db_conn_structure(c), hid, at); /* the search's order, in memory */
	return e;
}

/* "{1,2,3}": n numbers as PostgreSQL reads an array (malloc'd; NULL without memory). Not from an arena: the
 * marks may fail alone, and a request's arena failing here would be hidden by it. */
static char *int_array(int n, const int64_t *v)
{
	size_t cap = (size_t)n * 21 + 3, len = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	s[len++] = '{';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s%lld", i ? "," : "", (long long)v[i]);
	snprintf(s + len, cap - len, "}");
	return s;
}

err persons_households_seen(db_conn *c, int n, const int64_t *hids, const int64_t *ats)
{
	if (db_conn_engine(c) != DB_POSTGRES) { /* SQLite: a statement costs no round trip */
		err e = E_OK;
		for (int i = 0; e == E_OK && i < n; i++)
			e = persons_household_seen(c, hids[i], ats[i]);
		return e;
	}
	char *ids = int_array(n, hids), *times = int_array(n, ats);
	err e = ids && times ? DBX(c, &Q_H_SEEN_MANY_PG, NULL, A_TEXT(ids), A_TEXT(times)) : E_NOMEM;
	for (int i = 0; e == E_OK && i < n; i++)
		persons_index_seen(db_conn_structure(c), hids[i], ats[i]);
	free(ids);
	free(times);
	return e;
}

static void member_fill(db_res *q, arena *a, member_row *m)
{
	m->id = db_int(q, 0);
	m->relation = t_(q, 1, a);
	m->last_name = t_(q, 2, a);
	m->birth_name = t_(q, 3, a);
	m->first_names = t_(q, 4, a);
	m->birth_date = t_(q, 5, a);
	m->sex = t_(q, 6, a);
	m->phone = t_(q, 7, a);
	m->employment = t_(q, 8, a);
	m->health_cover = t_(q, 9, a);
	m->protection = t_(q, 10, a);
	m->disability = yes(q, 11);
	m->gir = t_(q, 12, a);
	m->caf_number = t_(q, 13, a);
	m->active = yes(q, 14);
	m->nationality = t_(q, 15, a);
	m->email = t_(q, 16, a);
	m->consent_sms = yes(q, 17);
	m->consent_email = yes(q, 18);
	m->student = yes(q, 19);
	m->representative = t_(q, 20, a);
	m->nir = t_(q, 21, a);
}

char *persons_household_read_sql(const char *col)
{
	char *sql = NULL;
	return asprintf(&sql, "%s%s%s", H_MEMBERS_SELECT, col, H_MEMBERS_FROM) < 0 ? NULL : sql;
}

err persons_household_with_members(db_conn *c, arena *a, int64_t hid, household_row *h, member_row **out, int *nout)
{
	return persons_household_read(c, a, &Q_H_MEMBERS, hid, NULL, h, out, nout, NULL, NULL);
}

err persons_household_read(db_conn *c, arena *a, db_sql *sql, int64_t hid, const char *month, household_row *h,
                           member_row **out, int *nout, int64_t *more, const char **text)
{
	db_res q = {0};
	int n = 0, cap = 0;
	bool found = false;
	*out = NULL;
	err e = month ? DBQ(c, sql, &q, A_INT(hid), A_TEXT(month)) : DBQ(c, sql, &q, A_INT(hid));
	while (e == E_OK && db_next(&q)) {
		if (!found) {
			found = true;
			household_fill(&q, a, MEMBER_COLS, hid, h);
			enum { MORE = MEMBER_COLS + HOUSEHOLD_COLS };
			if (more)
				*more = db_isnull(&q, MORE) ? 0 : db_int(&q, MORE);
			if (text)
				*text = db_isnull(&q, MORE + 1) ? NULL : t_(&q, MORE + 1, a);
		}
		if (db_isnull(&q, 0))
			continue; /* a household without a person */
		member_row *m = ARENA_PUSH(a, *out, n, cap);
		if (!m)
			break;
		member_fill(&q, a, m);
	}
	db_close(&q);
	if (e == E_OK && !found)
		e = E_NOT_FOUND;
	if (e == E_OK && a->failed)
		e = E_NOMEM;
	*nout = n;
	return e;
}

int persons_alert_rows(db_conn *c, arena *a, int64_t hid, alert_row **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_ALERTS, &q, A_INT(hid));
	while (e == E_OK && db_next(&q)) {
		alert_row *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->id = db_int(&q, 0);
		x->text = t_(&q, 1, a);
		x->created_at = db_int(&q, 2);
	}
	db_close(&q);
	return DONE(e, a, n);
}

static int named(db_conn *c, arena *a, db_sql *s, int64_t hid, named_row **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = hid ? DBQ(c, s, &q, A_INT(hid)) : DBQ0(c, s, &q);
	while (e == E_OK && db_next(&q)) {
		named_row *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->id = db_int(&q, 0);
		x->name = t_(&q, 1, a);
	}
	db_close(&q);
	return DONE(e, a, n);
}

int persons_referent_rows(db_conn *c, arena *a, int64_t hid, named_row **out) { return named(c, a, &Q_REFERENTS, hid, out); }

int persons_note_rows(db_conn *c, arena *a, int64_t hid, int64_t reader, int limit, note_row **out, int64_t *total)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_NOTES, &q, A_INT(hid), A_INT(reader), A_INT(limit > 0 ? limit : INT64_MAX));
	while (e == E_OK && db_next(&q)) {
		note_row *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->id = db_int(&q, 0);
		x->visibility = t_(&q, 1, a);
		x->body = t_(&q, 2, a);
		x->created_at = db_int(&q, 3);
		x->author = db_isnull(&q, 4) ? "?" : t_(&q, 4, a);
	}
	db_close(&q);
	/* Counted only when the list may have stopped short of them all. */
	*total = n;
	if (e == E_OK && limit > 0 && n == limit)
		e = DBID(c, &Q_NOTES_N, total, A_INT(hid), A_INT(reader));
	return DONE(e, a, n);
}

int persons_document_rows(db_conn *c, arena *a, int64_t hid, document_row **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_DOCS, &q, A_INT(hid));
	while (e == E_OK && db_next(&q)) {
		document_row *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->id = db_int(&q, 0);
		x->kind = t_(&q, 1, a);
		x->filename = t_(&q, 2, a);
		x->size = db_int(&q, 3);
		x->valid_until = t_(&q, 4, a);
		x->created_at = db_int(&q, 5);
	}
	db_close(&q);
	return DONE(e, a, n);
}

int persons_address_rows(db_conn *c, arena *a, int64_t hid, address_row **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	err e = DBQ(c, &Q_OLD_ADDR, &q, A_INT(hid));
	while (e == E_OK && db_next(&q)) {
		address_row *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->street_no = t_(&q, 0, a);
		x->street = t_(&q, 1, a);
		x->postcode = t_(&q, 2, a);
		x->city = t_(&q, 3, a);
		x->housing = t_(&q, 4, a);
		x->from_date = t_(&q, 5, a);
		x->to_date = t_(&q, 6, a);
	}
	db_close(&q);
	return DONE(e, a, n);
}

int persons_event_rows(db_conn *c, arena *a, int64_t hid, const char *kind, int limit, int64_t offset, event_row **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	bool one = kind && *kind;
	db_arg args[] = {A_INT(hid), A_INT(limit > 0 ? limit : INT64_MAX), A_INT(offset), A_TEXT(one ? kind : "")};
	err e = db_query(c, one ? &Q_TL_KIND : &Q_TL, &q, one ? 4 : 3, args);
	while (e == E_OK && db_next(&q)) {
		event_row *x = ARENA_PUSH(a, *out, n, cap);
		if (!x)
			break;
		x->at = db_int(&q, 0);
		x->kind = t_(&q, 1, a);
		x->summary = t_(&q, 2, a);
		x->user = db_isnull(&q, 3) ? NULL : t_(&q, 3, a);
		x->ref_id = db_isnull(&q, 4) ? 0 : db_int(&q, 4);
		x->user_id = db_isnull(&q, 5) ? 0 : db_int(&q, 5);
	}
	db_close(&q);
	return DONE(e, a, n);
}

int64_t persons_member_or_applicant(db_conn *c, arena *a, int64_t hid, const char *typed, bool *bad)
{
	person_brief *m = NULL;
	int nm = hid ? persons_household_members(c, a, hid, &m) : 0;
	int64_t pid = 0;
	*bad = false;
	if (typed) {
		bool found = false;
		if (text_to_int64(typed, 1, INT64_MAX, &pid))
			for (int i = 0; i < nm; i++)
				found |= m[i].id == pid;
		*bad = !found;
		return found ? pid : 0;
	}
	for (int i = 0; i < nm && !pid; i++)
		if (!strcmp(m[i].relation, "demandeur"))
			pid = m[i].id;
	return pid ? pid : nm > 0 ? m[0].id : 0;
}
