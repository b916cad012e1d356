/*
 * persons_notices.c — the outbox of notices to people (SMS, e-mail): a
 * module queues a notice for a person who consented; `openccas notify
 * --send` delivers what waits (core/notify.c), tries again at its next run
 * what failed for a passing reason, up to NOTICE_ATTEMPTS times; the
 * household page shows each notice and what became of it.
 */
#include "modules/persons/persons_internal.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/civil.h"
#include "core/log.h"
#include "core/notify.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define NOTICE_ATTEMPTS 5
#define NOTICES_SHOWN 10

static db_sql Q_QUEUE = DB_SQL(DB_SCOPED,
	"INSERT INTO notices (structure_id, household_id, person_id, origin, channel, subject, body, status, created_at) "
	"SELECT $1, household_id, id, $3, $4, $5, $6, 'attente', $7 FROM persons WHERE structure_id = $1 AND id = $2");

err persons_notice_queue(db_conn *c, int64_t pid, const char *origin, const char *subject, const char *text, bool *queued)
{
	*queued = false;
	arena a;
	arena_init(&a, 0);
	person_brief p;
	err e = persons_person_brief(c, &a, pid, &p);
	if (e == E_OK) {
		/* The channel the person accepted, SMS first; a channel the
		 * deployment has not configured is still queued: it says so. */
		const char *ch = p.consent_sms && *p.phone ? "sms" : p.consent_email && *p.email ? "email" : NULL;
		if (ch && p.consent_email && *p.email && !strcmp(ch, "sms") && !notify_ready(NOTIFY_SMS) && notify_ready(NOTIFY_EMAIL))
			ch = "email";
		int64_t n = 0;
		if (ch && (e = DBX(c, &Q_QUEUE, &n, A_INT(pid), A_TEXT(origin), A_TEXT(ch), A_TEXT(subject), A_TEXT(text),
		                   A_INT(civil_now()))) == E_OK)
			*queued = n == 1;
	}
	arena_release(&a);
	return e;
}

static db_sql Q_PENDING = DB_SQL(DB_GLOBAL,
	"SELECT structure_id, id, person_id, channel, subject, body, attempts FROM notices WHERE status = 'attente' AND id > $1 "
	"ORDER BY id LIMIT 500");
static db_sql Q_DONE = DB_SQL(DB_SCOPED,
	"UPDATE notices SET status = $3, attempts = attempts + $4, last_error = $5, tried_at = $6, "
	"sent_at = CASE WHEN $3 = 'envoye' THEN $6 ELSE sent_at END WHERE structure_id = $1 AND id = $2 AND status = 'attente'");

typedef struct pending {
	int64_t sid, id, pid, attempts;
	char *channel, *subject, *body;
} pending;

err persons_notices_deliver(db *d, notice_counts *out)
{
	memset(out, 0, sizeof *out);
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	err e = E_OK;
	int64_t after = 0;
	/* By pages of 500: the look-ups and updates run on the same connection. */
	for (;;) {
		arena a;
		arena_init(&a, 0);
		pending *v = arena_array(&a, 500, sizeof *v);
		int n = 0;
		db_res q = {0};
		if (!v || (e = DBQ(c, &Q_PENDING, &q, A_INT(after))) != E_OK) {
			arena_release(&a);
			e = e == E_OK ? E_NOMEM : e;
			break;
		}
		while (db_next(&q) && n < 500)
			v[n++] = (pending){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), db_int(&q, 6), db_dup(&q, 3, &a), db_dup(&q, 4, &a),
			                   db_dup(&q, 5, &a)};
		db_close(&q);
		for (int i = 0; e == E_OK && i < n; i++) {
			after = v[i].id;
			db_conn_scope(c, v[i].sid);
			person_brief p;
			bool sms = !strcmp(v[i].channel, "sms");
			const char *status, *why = "";
			int tried = 1;
			if (persons_person_brief(c, &a, v[i].pid, &p) != E_OK || !p.active) {
				status = "annule", why = "la personne n’est plus suivie", tried = 0;
			} else if (sms ? !p.consent_sms || !*p.phone : !p.consent_email || !*p.email) {
				status = "annule", why = "consentement retiré ou coordonnée effacée", tried = 0;
			} else {
				notify_result res;
				if (notify_send(sms ? NOTIFY_SMS : NOTIFY_EMAIL, sms ? p.phone : p.email, v[i].subject, v[i].body, &res) == E_OK) {
					status = "envoye";
				} else {
					why = arena_strdup(&a, res.why);
					status = res.permanent || v[i].attempts + 1 >= NOTICE_ATTEMPTS ? "echec" : "attente";
				}
			}
			e = DBX(c, &Q_DONE, NULL, A_INT(v[i].id), A_TEXT(status), A_INT(tried), A_TEXT(why ? why : ""), A_INT(civil_now()));
			int64_t *k = !strcmp(status, "envoye") ? &out->sent : !strcmp(status, "attente") ? &out->retry
			           : !strcmp(status, "echec")  ? &out->failed : &out->cancelled;
			(*k)++;
			/* Ids and the outcome only: never the address or the text. */
			log_info("notify: notice=%lld %s %s%s%s", (long long)v[i].id, v[i].channel, status, *why ? " : " : "", why ? why : "");
		}
		arena_release(&a);
		if (e != E_OK || n < 500)
			break;
	}
	db_conn_put(c);
	return e;
}

/* ---- on the household page ----------------------------------------------------------------- */

static db_sql Q_OF_HOUSEHOLD = DB_SQL(DB_SCOPED,
	"SELECT n.created_at, n.channel, n.subject, n.status, n.attempts, n.last_error, n.sent_at, p.first_names, "
	"(SELECT count(*) FROM notices x WHERE x.structure_id = $1 AND x.household_id = $2) "
	"FROM notices n JOIN persons p ON p.structure_id = n.structure_id AND p.id = n.person_id "
	"WHERE n.structure_id = $1 AND n.household_id = $2 ORDER BY n.created_at DESC, n.id DESC LIMIT $3");

static const char *when(web_req *r, int64_t t)
{
	struct tm tm;
	char s[32] = "";
	if (civil_local_time(r->user->tz, (time_t)t, &tm))
		strftime(s, sizeof s, "%d/%m/%Y %H:%M", &tm);
	return arena_strdup(r->a, s);
}

void persons_notices_section(web_req *r, int64_t hid)
{
	buf *b = &r->out;
	db_res q = {0};
	if (DBQ(r->db, &Q_OF_HOUSEHOLD, &q, A_INT(hid), A_INT(NOTICES_SHOWN)) != E_OK)
		return;
	int n = 0;
	int64_t total = 0;
	while (db_next(&q)) {
		if (!n++) {
			total = db_int(&q, 8);
			html_lit(b, "<section aria-labelledby=\"t-avis\"><h2 id=\"t-avis\">Avis envoyés (SMS, e-mail)</h2><ul class=\"plain\">");
		}
		const char *st = db_text(&q, 3);
		const char *state = !strcmp(st, "envoye") ? arena_printf(r->a, "envoyé le %s", when(r, db_int(&q, 6)))
		                  : !strcmp(st, "attente") && db_int(&q, 4) == 0 ? "à envoyer"
		                  : !strcmp(st, "attente") ? arena_printf(r->a, "nouvel essai prévu (%lld essai%s) : %s", (long long)db_int(&q, 4),
		                                                           db_int(&q, 4) > 1 ? "s" : "", db_text(&q, 5))
		                  : !strcmp(st, "echec") ? arena_printf(r->a, "non envoyé : %s", db_text(&q, 5))
		                                         : arena_printf(r->a, "annulé : %s", db_text(&q, 5));
		html_printf(b, "<li>%s — %s à %s : « %s » — <strong>%s</strong></li>", when(r, db_int(&q, 0)),
		            !strcmp(db_text(&q, 1), "sms") ? "SMS" : "e-mail", db_text(&q, 7), db_text(&q, 2), state);
	}
	db_close(&q);
	if (n) {
		html_lit(b, "</ul>");
		if (total > n)
			html_printf(b, "<p class=\"muted\">Les %d plus récents sur %lld ; tous figurent dans l’export des données de la personne.</p>", n,
			            (long long)total);
		html_lit(b, "</section>");
	}
}
