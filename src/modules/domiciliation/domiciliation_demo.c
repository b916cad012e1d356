/*
 * domiciliation_demo.c — demo data of élection de domicile: about 3 % of
 * households have their applicant domiciled, most active, some struck off,
 * with years of mail. Deterministic for a seed.
 */
#include "modules/domiciliation/domiciliation_internal.h"
#include <stdlib.h>
#include "modules/persons/persons.h"
#include "core/banned.h"

static db_sql Q_D_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domiciliations (structure_id, person_id, household_id, status, requested_on, interview_on, interview_place, "
	"link, household_type, cause, first_on, start_on, end_on, decided_on, decided_by, struck_on, strike_motive, "
	"last_contact_on, created_at, num) VALUES ($1, $2, $3, $4, $5, $5, 'Accueil du CCAS', $6, $7, $8, $9, $10, $11, $10, $12, $13, $14, "
	"$15, $16, $17) RETURNING id");
static db_sql Q_D_PERIOD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_periods (structure_id, domiciliation_id, start_on, end_on, renewal) VALUES ($1, $2, $3, $4, $5)");
static db_sql Q_D_EVENT = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_events (structure_id, domiciliation_id, on_date, kind, detail, user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
static db_sql Q_D_CONTACT = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_contacts (structure_id, domiciliation_id, on_date, kind, user_id) VALUES ($1, $2, $3, $4, $5)");
static db_sql Q_D_MAIL = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_mail (structure_id, domiciliation_id, received_on, kind, count, status, done_on, user_id) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");

/* About 3 % of households: the applicant is domiciled, most are active,
 * some struck off; mail arrives every few weeks, most of it collected. */
err domi_demo(db *d, const module_demo *x)
{
	int64_t sid = x->structure_id, manager = x->manager;
	uint64_t seed = x->seed;
	const int64_t *users = x->users;
	int nusers = x->nusers;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, sid);
	int64_t *hids;
	int64_t nh = persons_household_ids(c, &hids);
	civil_date today = civil_today("Indian/Reunion");
	uint64_t s = seed * 0x2545F4914F6CDD1DULL + 11;
	err e = db_begin(c, true);
	arena a;
	arena_init(&a, 0);
	int batch = 0;
	int64_t num = 0;
	for (int64_t i = 0; e == E_OK && i < nh; i += 33) {
		person_brief *p;
		if (persons_household_members(c, &a, hids[i], &p) < 1)
			continue;
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		/* Domiciled since `first`, renewed every year since: the current
		 * period is the one that holds today. One in ten was struck off
		 * for lack of contact (three months after the last one). */
		int years = (int)(s % 4);
		int64_t t = civil_to_days(today), f0 = t - years * 365 - (int64_t)(s % 300);
		civil_date first = civil_from_days(f0), start = first;
		while (civil_to_days(domi_end_of(start)) < t)
			start = civil_from_days(civil_to_days(domi_end_of(start)) + 1);
		civil_date end = domi_end_of(start);
		bool struck = (s >> 23) % 10 == 0 && t - civil_to_days(start) > 120;
		/* The last contact: recent for most; for the struck, the strike
		 * came 95 days after it, within the current period. */
		int64_t last = struck ? civil_to_days(start) + (int64_t)((s >> 17) % (uint64_t)(t - civil_to_days(start) - 100 + 1))
		                      : t - (int64_t)((s >> 17) % ((s >> 29) % 5 ? 30 : 140));
		if (last < f0)
			last = f0;
		int64_t stop = struck ? last + 95 : t; /* no mail taken in after a striking-off */
		char f[11], st[11], en[11], la[11], sk[11];
		civil_format(first, f);
		civil_format(start, st);
		civil_format(end, en);
		civil_format(civil_from_days(last), la);
		civil_format(civil_from_days(stop), sk);
		static const char *links[] = {"sejour", "sejour", "suivi", "famille", "travail"};
		static const char *causes[] = {"rupture_familiale", "expulsion", "errance", "hebergement_tiers", "sortie_institution"};
		static const char *ht[] = {"isole", "isole", "isole_enfants", "couple"};
		int64_t id;
		e = DBID(c, &Q_D_ADD, &id, A_INT(p[0].id), A_INT(hids[i]), A_TEXT(struck ? "radiee" : "active"), A_TEXT(f),
		         A_TEXT(links[(s >> 5) % 5]), A_TEXT(ht[(s >> 3) % 4]), A_TEXT(causes[(s >> 7) % 5]), A_TEXT(f), A_TEXT(st),
		         A_TEXT(en), A_INT(manager), A_TEXT(struck ? sk : NULL), A_TEXT(struck ? "sans_contact" : ""), A_TEXT(la),
		         A_INT(civil_now()), A_INT(++num));
		/* Its periods and decisions, year after year. */
		for (civil_date ps = first; e == E_OK && civil_to_days(ps) <= civil_to_days(start);
		     ps = civil_from_days(civil_to_days(domi_end_of(ps)) + 1)) {
			char a1[11], a2[11];
			civil_format(ps, a1);
			civil_format(domi_end_of(ps), a2);
			bool renewal = civil_to_days(ps) != f0;
			e = DBX(c, &Q_D_PERIOD, NULL, A_INT(id), A_TEXT(a1), A_TEXT(a2), A_INT(renewal ? 1 : 0));
			if (e == E_OK)
				e = DBX(c, &Q_D_EVENT, NULL, A_INT(id), A_TEXT(a1), A_TEXT(renewal ? "renouvellement_accorde" : "accord"),
				        A_TEXT(arena_printf(&a, "%s → %s", a1, a2)), A_INT(manager), A_INT(civil_now()));
		}
		if (e == E_OK && struck)
			e = DBX(c, &Q_D_EVENT, NULL, A_INT(id), A_TEXT(sk), A_TEXT("radiation"), A_TEXT(CODE_LABEL(DOMI_STRIKE_ALL, "sans_contact")),
			        A_INT(manager), A_INT(civil_now()));
		/* Mail every two to six weeks while domiciled; handed over in
		 * person three days on, up to the last contact. */
		for (int64_t day = f0; e == E_OK && day < stop; day += 14 + (int64_t)((s >> (day % 40)) % 28)) {
			char on[11], done[11];
			civil_format(civil_from_days(day), on);
			bool waiting = day > t - 20 || day + 3 > stop || day + 3 > last; /* not come since */
			civil_format(civil_from_days(day + 3), done);
			static const char *kinds[] = {"lettre", "lettre", "lettre", "recommande", "colis"};
			int64_t user = users[day % nusers];
			e = DBX(c, &Q_D_MAIL, NULL, A_INT(id), A_TEXT(on), A_TEXT(kinds[day % 5]), A_INT(1 + day % 3),
			        A_TEXT(waiting ? "attente" : "remis"), A_TEXT(waiting ? NULL : done), A_INT(user));
			if (e == E_OK && !waiting)
				e = DBX(c, &Q_D_CONTACT, NULL, A_INT(id), A_TEXT(done), A_TEXT("courrier_en_personne"), A_INT(user));
		}
		if (++batch % 500 == 0 && e == E_OK) {
			e = db_commit(c);
			arena_release(&a);
			arena_init(&a, 0);
			if (e == E_OK)
				e = db_begin(c, true);
		}
	}
	e = db_finish(c, e);
	arena_release(&a);
	free(hids);
	db_conn_put(c);
	return e;
}

