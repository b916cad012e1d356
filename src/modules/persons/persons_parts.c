/*
 * persons_parts.c — a household's parts recounted from their tables (`openccas check`).
 *
 * The triggers keep household_parts (persons.h) whoever writes; a database restored with its triggers disabled,
 * or written by hand under session_replication_role = replica, could leave a part wrong, and the household page
 * would skip a section that has rows. The check recounts every part from the tables the modules count
 * (module_part, each module's descriptor: the same list its migration expanded into triggers) and says how many
 * differ; asked, it writes the recount in their place.
 */
#include "modules/persons/persons_internal.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/banned.h"

/* Built once from the modules' descriptors (the code's literals, never input): the parts that differ from the
 * recount, and the recount written in their place. */
static db_sql Q_WRONG = DB_SQL(DB_GLOBAL, NULL);
static db_sql Q_CLEAR = DB_SQL(DB_GLOBAL, "DELETE FROM household_parts");
static db_sql Q_REFILL = DB_SQL(DB_GLOBAL, NULL);
/* PostgreSQL: the writers' triggers wait while the parts are rewritten (the readers do not). */
static db_sql Q_LOCK = DB_SQL(DB_GLOBAL, "LOCK TABLE household_parts IN SHARE ROW EXCLUSIVE MODE");
static pthread_once_t once = PTHREAD_ONCE_INIT;

static bool name_ok(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static void build(void)
{
	buf b;
	arena a;
	arena_init(&a, 0);
	buf_init(&b, &a, 4096);
	int n = 0;
	for (int i = 0; i < module_count(); i++) {
		const module *m = module_at(i);
		for (int j = 0; j < m->nparts; j++) {
			const module_part *p = &m->parts[j];
			if (!name_ok(p->part) || !name_ok(p->table) || !p->cond)
				log_fatal("persons: module %s counts a household's part badly (« %s », table « %s »)", m->name,
				          p->part ? p->part : "", p->table ? p->table : "");
			buf_printf(&b, "%sSELECT t.structure_id, t.household_id, '%s' AS part, count(*) AS n FROM %s t "
			               "WHERE t.household_id IS NOT NULL AND (%s) GROUP BY t.structure_id, t.household_id",
			           n++ ? " UNION ALL " : "", p->part, p->table, p->cond);
		}
	}
	if (!n)
		buf_adds(&b, "SELECT structure_id, household_id, part, n FROM household_parts WHERE 1 = 0");
	const char *recount = buf_cstr(&b);
	char *wrong = NULL, *refill = NULL;
	if (a.failed || !recount ||
	    asprintf(&wrong, "SELECT count(*) FROM (SELECT structure_id, household_id, part FROM (%s UNION ALL "
	                     "SELECT structure_id, household_id, part, -n FROM household_parts) x "
	                     "GROUP BY structure_id, household_id, part HAVING sum(n) <> 0 "
	                     "UNION SELECT structure_id, household_id, part FROM household_parts WHERE n <= 0) y",
	             recount) < 0 ||
	    asprintf(&refill, "INSERT INTO household_parts (structure_id, household_id, part, n) "
	                      "SELECT structure_id, household_id, part, sum(n) FROM (%s) x "
	                      "GROUP BY structure_id, household_id, part",
	             recount) < 0)
		log_fatal("persons: out of memory building the parts' recount");
	Q_WRONG.text = wrong;
	Q_REFILL.text = refill;
	arena_release(&a);
}

err persons_parts_check(db *d, bool repair, int64_t *wrong)
{
	pthread_once(&once, build);
	*wrong = -1;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	err e = repair ? db_begin(c, true) : E_OK;
	if (e == E_OK && repair && db_conn_engine(c) == DB_POSTGRES)
		e = DBX0(c, &Q_LOCK, NULL);
	if (e == E_OK)
		e = DBID0(c, &Q_WRONG, wrong);
	if (e == E_OK && repair && *wrong > 0) {
		e = DBX0(c, &Q_CLEAR, NULL);
		if (e == E_OK)
			e = DBX0(c, &Q_REFILL, NULL);
	}
	if (repair)
		e = db_finish(c, e);
	db_conn_put(c);
	return e;
}
