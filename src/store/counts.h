/*
 * counts.h — figures kept by triggers: the SQL of a table of counts that the
 * database keeps current on every insert, update and delete of the rows it
 * counts, whoever writes (the program, an import, SQL typed by hand).
 *
 * A home page's figure (« 845 dossiers en retard ») counted the rows it
 * names, one index entry at a time: thousands for a city, on every home page.
 * Kept, it is the sum of a few rows of the counts table.
 *
 * A module names its counts as a list of keys, an X-macro of the row:
 *
 *     #define LEGAL_KEYS(X, r)                                                                                          \
 *             X("due", "CASE WHEN " r ".status = 'ouvert' THEN " r ".due_on END")                                       \
 *             X("due/m", "substr(CASE WHEN " r ".status = 'ouvert' THEN " r ".due_on END, 1, 7)")
 *
 * Each key is a name and an SQL expression of the row `r` (new, old, NEW,
 * OLD or the table's alias): the day (or month, or '' for a count without a
 * date) under which the row is counted, NULL when the row is not counted
 * under that name. The table of counts holds (structure_id, what, day, n),
 * one row per name and day that counts at least one row (a count that falls
 * to zero is removed).
 *
 * A count of the days before a date sums its months (a key "…/m" with the
 * month) and the days of the date's month: a few dozen rows, however long
 * the history (KC_BEFORE).
 *
 * Migrations: KC_SQLITE and KC_PG create the table, fill it from the rows
 * there are, and create the triggers. COLS lists the columns the keys read,
 * structure_id among them (an update of another column changes nothing).
 * The names in one list are distinct (PostgreSQL's ON CONFLICT updates a row
 * once a statement).
 */
#ifndef STORE_COUNTS_H
#define STORE_COUNTS_H

/* The keys as rows of a VALUES list, as a CASE over the names, as the names alone. The lists end with a row that
 * counts nothing ('' and NULL). */
#define KC_VAL(w, e) "('" w "', " e "), "
#define KC_CASE(w, e) " WHEN '" w "' THEN " e
#define KC_NAME(w, e) "('" w "'), "

/* SQLite: the row's old keys each −1 (a count at zero removed), its new keys each +1. */
#define KC_SQLITE_OLD(C, K)                                                                                              \
	" UPDATE " C " SET n = n - 1 WHERE structure_id = old.structure_id "                                             \
	"  AND (what, day) IN (SELECT column1, column2 FROM (VALUES " K(KC_VAL, "old") "('', NULL)));"                   \
	" DELETE FROM " C " WHERE structure_id = old.structure_id AND n = 0 "                                            \
	"  AND (what, day) IN (SELECT column1, column2 FROM (VALUES " K(KC_VAL, "old") "('', NULL)));"
#define KC_SQLITE_NEW(C, K)                                                                                              \
	" INSERT INTO " C " (structure_id, what, day, n) SELECT new.structure_id, column1, column2, 1 "                  \
	"  FROM (VALUES " K(KC_VAL, "new") "('', NULL)) WHERE column2 IS NOT NULL "                                      \
	"  ON CONFLICT (structure_id, what, day) DO UPDATE SET n = n + 1;"

#define KC_SQLITE(C, T, COLS, K)                                                                                         \
	"CREATE TABLE " C " (structure_id INTEGER NOT NULL, what TEXT NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL, " \
	" PRIMARY KEY (structure_id, what, day)) WITHOUT ROWID, STRICT;"                                                 \
	"INSERT INTO " C " (structure_id, what, day, n) SELECT structure_id, w, d, count(*) FROM (SELECT t.structure_id, " \
	" v.column1 AS w, CASE v.column1" K(KC_CASE, "t") " END AS d FROM " T " t, (VALUES " K(KC_NAME, "t") "('')) v) " \
	" WHERE d IS NOT NULL GROUP BY 1, 2, 3;"                                                                         \
	"CREATE TRIGGER " C "_ins AFTER INSERT ON " T " BEGIN" KC_SQLITE_NEW(C, K) " END;"                               \
	"CREATE TRIGGER " C "_del AFTER DELETE ON " T " BEGIN" KC_SQLITE_OLD(C, K) " END;"                               \
	"CREATE TRIGGER " C "_upd AFTER UPDATE OF " COLS " ON " T " BEGIN" KC_SQLITE_OLD(C, K) KC_SQLITE_NEW(C, K) " END;"

/* PostgreSQL: one statement adds the row's −1 (old keys) and +1 (new keys) to the counts, in the order of the keys:
 * two transactions changing the same counts lock them in the same order (none waits for the other while holding
 * what the other waits for: no deadlock), and a key that does not change is not written. */
#define KC_PG_ROWS(K, R, X) "SELECT " R ".structure_id AS s, v.w, v.d, " X " AS x FROM (VALUES " K(KC_VAL, R) "('', NULL)) v(w, d)"
#define KC_PG_ADD(C, SRC)                                                                                                \
	"  INSERT INTO " C " AS c (structure_id, what, day, n) SELECT s, w, d, sum(x) FROM (" SRC ") k WHERE d IS NOT NULL " \
	"   GROUP BY s, w, d HAVING sum(x) <> 0 ORDER BY s, w, d ON CONFLICT (structure_id, what, day) DO UPDATE SET n = c.n + excluded.n;"
#define KC_PG_ZEROS(C, K)                                                                                                \
	"  DELETE FROM " C " c USING (VALUES " K(KC_VAL, "OLD") "('', NULL)) v(what, day) "                              \
	"   WHERE c.structure_id = OLD.structure_id AND c.what = v.what AND c.day = v.day AND c.n = 0;"

#define KC_PG(C, T, COLS, K)                                                                                             \
	"CREATE TABLE " C " (structure_id BIGINT NOT NULL, what TEXT COLLATE \"C\" NOT NULL, day TEXT COLLATE \"C\" NOT NULL, " \
	" n BIGINT NOT NULL, PRIMARY KEY (structure_id, what, day));"                                                    \
	"INSERT INTO " C " (structure_id, what, day, n) SELECT structure_id, w, d, count(*) FROM (SELECT t.structure_id, " \
	" v.w, CASE v.w" K(KC_CASE, "t") " END AS d FROM " T " t, (VALUES " K(KC_NAME, "t") "('')) v(w)) x "             \
	" WHERE d IS NOT NULL GROUP BY 1, 2, 3;"                                                                         \
	"CREATE FUNCTION " C "_keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"                                      \
	" IF TG_OP = 'INSERT' THEN" KC_PG_ADD(C, KC_PG_ROWS(K, "NEW", "1"))                                              \
	" ELSIF TG_OP = 'DELETE' THEN" KC_PG_ADD(C, KC_PG_ROWS(K, "OLD", "-1")) KC_PG_ZEROS(C, K)                        \
	" ELSE" KC_PG_ADD(C, KC_PG_ROWS(K, "OLD", "-1") " UNION ALL " KC_PG_ROWS(K, "NEW", "1")) KC_PG_ZEROS(C, K)       \
	" END IF;"                                                                                                       \
	" RETURN NULL; END $$;"                                                                                          \
	"CREATE TRIGGER " C "_keep AFTER INSERT OR DELETE OR UPDATE OF " COLS " ON " T                                   \
	" FOR EACH ROW EXECUTE FUNCTION " C "_keep();"

/* Figures, as scalar subqueries of a DB_SCOPED statement ($1 the structure): the rows counted under a name with a
 * condition on the day (" AND day >= $2"); those of the days before a date P (an SQL parameter or expression), or
 * up to it, over the name's months ("what/m") and the days of P's month. */
#define KC_SUM(C, w, cond) "(SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM " C " WHERE structure_id = $1 AND what = '" w "'" cond ")"
#define KC_MONTHS_DAYS(C, w, P, op)                                                                                      \
	"(" KC_SUM(C, w "/m", " AND day < substr(" P ", 1, 7)") " + "                                                    \
	KC_SUM(C, w, " AND day >= substr(" P ", 1, 7) AND day " op " " P) ")"
#define KC_BEFORE(C, w, P) KC_MONTHS_DAYS(C, w, P, "<")
#define KC_UPTO(C, w, P) KC_MONTHS_DAYS(C, w, P, "<=")

#endif
