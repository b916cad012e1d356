/*
 * persons_merge.c — two files of the same household merged into one: every record moved,
 * the gone one pointing at the kept one, journaled.
 */
#include "modules/persons/persons_internal.h"
#include "core/countof.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

/* ---- merge ---------------------------------------------------------------- */

static db_sql Q_MV_PERSONS = DB_SQL(DB_SCOPED, "UPDATE persons SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_MEMBERS = DB_SQL(DB_SCOPED, "UPDATE household_members SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_BUDGET = DB_SQL(DB_SCOPED, "UPDATE budget_lines SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_NOTES = DB_SQL(DB_SCOPED, "UPDATE notes SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_ALERTS = DB_SQL(DB_SCOPED, "UPDATE alerts SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_DOCS = DB_SQL(DB_SCOPED, "UPDATE documents SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_TL = DB_SQL(DB_SCOPED, "UPDATE timeline SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_ADDR = DB_SQL(DB_SCOPED, "UPDATE household_addresses SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_NOTICES = DB_SQL(DB_SCOPED, "UPDATE notices SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_REF = DB_SQL(DB_SCOPED,
	"INSERT INTO referents (structure_id, household_id, user_id) SELECT structure_id, $3, user_id FROM referents "
	"WHERE structure_id = $1 AND household_id = $2 ON CONFLICT (structure_id, household_id, user_id) DO NOTHING");
static db_sql Q_MERGED = DB_SQL(DB_SCOPED,
	"UPDATE households SET merged_into = $3, version = version + 1 WHERE structure_id = $1 AND id = $2 AND merged_into IS NULL");

/* Moves everything of household `gone` into `keep`; `gone` stays, marked
 * merged, so links and the journal still resolve. Other modules' records
 * keep pointing to `gone` and are shown through merged_into. */
err persons_merge(web_req *r, int64_t keep, int64_t gone)
{
	if (keep == gone)
		return E_INPUT;
	if (!persons_household_exists(r->db, keep) || !persons_household_exists(r->db, gone))
		return E_NOT_FOUND;
	int64_t n = 0;
	err e = db_begin(r->db, true);
	db_sql *moves[] = {&Q_MV_PERSONS, &Q_MV_MEMBERS, &Q_MV_BUDGET, &Q_MV_NOTES, &Q_MV_ALERTS, &Q_MV_DOCS, &Q_MV_TL,
	                   &Q_MV_ADDR, &Q_MV_NOTICES, &Q_MV_REF};
	for (int i = 0; e == E_OK && i < COUNTOF(moves); i++)
		e = DBX(r->db, moves[i], NULL, A_INT(gone), A_INT(keep));
	if (e == E_OK)
		e = DBX(r->db, &Q_MERGED, &n, A_INT(gone), A_INT(keep));
	if (e == E_OK)
		e = persons_feed_household(r->db, keep); /* the servers' indexes rank them with their new household */
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	const char *gone_no = persons_file_no(r->db, r->a, gone);
	if (e == E_OK)
		e = persons_timeline_add(r->db, keep, r->user->id, "merge", gone,
		                         arena_printf(r->a, "Fusion du dossier %s dans celui-ci", gone_no ? gone_no : ""));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "merge", "household", keep, arena_printf(r->a, "from=%lld", (long long)gone));
	return db_finish(r->db, e);
}
