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
	"last_contact_on, created_at) VALUES ($1, $2, $3, $4, $5, $5, 'Accueil du CCAS', $6, $7, $8, $9, $10, $11, $10, $12, $13, $14, $15, $16) "
	"RETURNING id");
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
	for (int64_t i = 0; e == E_OK && i < nh; i += 33) {
		person_brief *p;
		if (persons_household_members(c, &a, hids[i], &p) < 1)
			continue;
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		int years = (int)(s % 4);
		civil_date first = civil_from_days(civil_to_days(today) - years * 365 - (int64_t)(s % 300));
		civil_date start = civil_from_days(civil_to_days(today) - (int64_t)((s >> 9) % 330));
		civil_date end = domi_end_of(start), last = civil_from_days(civil_to_days(today) - (int64_t)((s >> 17) % 140));
		bool struck = (s >> 23) % 10 == 0;
		char f[11], st[11], en[11], la[11], sk[11];
		civil_format(first, f);
		civil_format(start, st);
		civil_format(end, en);
		civil_format(last, la);
		civil_format(civil_from_days(civil_to_days(last) + 95), sk);
		static const char *links[] = {"sejour", "sejour", "suivi", "famille", "travail"};
		static const char *causes[] = {"rupture_familiale", "expulsion", "errance", "hebergement_tiers", "sortie_institution"};
		static const char *ht[] = {"isole", "isole", "isole_enfants", "couple"};
		int64_t id;
		e = DBID(c, &Q_D_ADD, &id, A_INT(p[0].id), A_INT(hids[i]), A_TEXT(struck ? "radiee" : "active"), A_TEXT(f),
		         A_TEXT(links[(s >> 5) % 5]), A_TEXT(ht[(s >> 3) % 4]), A_TEXT(causes[(s >> 7) % 5]), A_TEXT(f), A_TEXT(st),
		         A_TEXT(en), A_INT(manager), A_TEXT(struck ? sk : NULL), A_TEXT(struck ? "sans_contact" : ""), A_TEXT(la),
		         A_INT(civil_now()));
		/* Mail every two to six weeks since the first domiciliation. */
		for (int64_t day = civil_to_days(first); e == E_OK && day < civil_to_days(today); day += 14 + (int64_t)((s >> (day % 40)) % 28)) {
			char on[11], done[11];
			civil_format(civil_from_days(day), on);
			bool waiting = day > civil_to_days(today) - 20;
			civil_format(civil_from_days(day + 3), done);
			static const char *kinds[] = {"lettre", "lettre", "lettre", "recommande", "colis"};
			e = DBX(c, &Q_D_MAIL, NULL, A_INT(id), A_TEXT(on), A_TEXT(kinds[day % 5]), A_INT(1 + day % 3),
			        A_TEXT(waiting ? "attente" : "remis"), A_TEXT(waiting ? NULL : done), A_INT(users[day % nusers]));
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

