/*
 * domiciliation_notify.c — people with mail waiting are told, once a day
 * at most, by SMS or e-mail, only if they consented (see domiciliation.h).
 */
#include "modules/domiciliation/domiciliation_internal.h"
#include <stdio.h>
#include <string.h>
#include "core/log.h"
#include "core/notify.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static db_sql Q_N_WAITING = DB_SQL(DB_GLOBAL,
	"SELECT d.structure_id, d.id, d.person_id, sum(m.count) FROM domiciliations d JOIN domi_mail m "
	"ON m.domiciliation_id = d.id AND m.structure_id = d.structure_id AND m.status = 'attente' "
	"WHERE d.status = 'active' GROUP BY d.structure_id, d.id, d.person_id ORDER BY d.structure_id, d.id");
static db_sql Q_N_MARK = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_notifications (structure_id, domiciliation_id, day, channel) VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (structure_id, domiciliation_id, day) DO NOTHING");

err domiciliation_notify(db *d, civil_date today, bool send, int64_t *count)
{
	*count = 0;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	arena a;
	arena_init(&a, 0);
	/* Collect first: the look-ups below run statements on the same connection. */
	db_res q = {0};
	err e = DBQ0(c, &Q_N_WAITING, &q);
	int64_t (*rows)[4] = NULL;
	int n = 0, cap = 0;
	while (e == E_OK && db_next(&q)) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			void *nr = realloc(rows, sizeof *rows * (size_t)cap);
			if (!nr)
				break;
			rows = nr;
		}
		for (int k = 0; k < 4; k++)
			rows[n][k] = db_int(&q, k);
		n++;
	}
	db_close(&q);
	char day[11];
	civil_format(today, day);
	for (int i = 0; e == E_OK && i < n; i++) {
		db_conn_scope(c, rows[i][0]);
		person_brief p;
		structure_info si;
		if (persons_person_brief(c, &a, rows[i][2], &p) != E_OK || accounts_structure_info(c, &a, rows[i][0], &si) != E_OK)
			continue;
		/* Only with consent, and only on a channel the person gave. */
		notify_channel ch;
		if (p.consent_sms && *p.phone)
			ch = NOTIFY_SMS;
		else if (p.consent_email && *p.email)
			ch = NOTIFY_EMAIL;
		else
			continue;
		if (!send) {
			(*count)++;
			continue;
		}
		int64_t fresh = 0;
		e = DBX(c, &Q_N_MARK, &fresh, A_INT(rows[i][1]), A_TEXT(day), A_TEXT(ch == NOTIFY_SMS ? "sms" : "email"));
		if (e != E_OK || fresh != 1)
			continue; /* already told today */
		char *text = arena_printf(&a, "%s : vous avez %lld courrier(s) en attente. Présentez-vous à l’accueil avec une pièce d’identité.",
		                          si.name, (long long)rows[i][3]);
		bool queued = false;
		e = persons_notice_queue(c, p.id, "domiciliation", "Courrier en attente", text, &queued);
		*count += queued;
	}
	free(rows);
	/* Reminders one month before the end of validity, once per period. */
	static db_sql Q_N_EXPIRING = DB_SQL(DB_GLOBAL,
		"SELECT structure_id, id, person_id, end_on FROM domiciliations WHERE status = 'active' AND renewal_on IS NULL "
		"AND end_on >= $1 AND end_on <= $2 ORDER BY structure_id, id");
	char soon[11];
	civil_format(civil_add_months(today, 1), soon);
	typedef struct { int64_t sid, id, pid; char end[11]; } exp_row;
	exp_row *ex = NULL;
	int nx = 0, xcap = 0;
	if (e == E_OK && (e = DBQ(c, &Q_N_EXPIRING, &q, A_TEXT(day), A_TEXT(soon))) == E_OK)
		while (db_next(&q)) {
			if (nx == xcap) {
				xcap = xcap ? xcap * 2 : 64;
				void *nr = realloc(ex, sizeof *ex * (size_t)xcap);
				if (!nr)
					break;
				ex = nr;
			}
			ex[nx] = (exp_row){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), ""};
			snprintf(ex[nx].end, sizeof ex[nx].end, "%s", db_text(&q, 3));
			nx++;
		}
	db_close(&q);
	for (int i = 0; e == E_OK && i < nx; i++) {
		db_conn_scope(c, ex[i].sid);
		person_brief p;
		structure_info si;
		if (persons_person_brief(c, &a, ex[i].pid, &p) != E_OK || accounts_structure_info(c, &a, ex[i].sid, &si) != E_OK)
			continue;
		bool sms = p.consent_sms && *p.phone, mail = p.consent_email && *p.email;
		if (!sms && !mail)
			continue;
		if (!send) {
			(*count)++;
			continue;
		}
		int64_t fresh = 0;
		/* The key "expiry:<end>" makes it once per validity period. */
		e = DBX(c, &Q_N_MARK, &fresh, A_INT(ex[i].id), A_TEXT(arena_printf(&a, "expiry:%s", ex[i].end)), A_TEXT(sms ? "sms" : "email"));
		if (e != E_OK || fresh != 1)
			continue;
		char fr[11];
		civil_iso_to_fr(ex[i].end, fr);
		char *text = arena_printf(&a, "%s : votre domiciliation prend fin le %s. Pour la renouveler, venez à l’accueil avant cette date.",
		                          si.name, fr);
		bool queued = false;
		e = persons_notice_queue(c, p.id, "domiciliation", "Fin de domiciliation", text, &queued);
		*count += queued;
	}
	free(ex);
	arena_release(&a);
	db_conn_put(c);
	return e;
}
