/*
 * reception_demo.c — demo data of the front desk: the motives and partners
 * of a town, and about five contacts per household over five years.
 * Deterministic for a seed.
 */
#include "modules/reception/reception_internal.h"
#include <stdlib.h>
#include "modules/persons/persons.h"
#include "core/banned.h"

/* Written through db_copy (store.h): on PostgreSQL one COPY of contacts and one of the timeline every 2 000
 * households, not two statements a contact; the contacts' ids taken ahead for the timeline's lines. */
static db_copy_sql C_D_C = DB_COPY("contacts",
	"structure_id, id, household_id, at, channel, motive_id, answer, orientation, minutes, user_id, entered_at",
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11");
static db_ids_sql I_D_C = DB_IDS("contacts");

err rc_demo(db *d, const module_demo *x)
{
	static const char *motives[] = {"Demande d’aide alimentaire", "Facture d’énergie impayée", "Loyer, impayés",
	                                "Domiciliation, courrier", "Dossier APA / aide à domicile", "Logement social",
	                                "Renseignement administratif", "Aide à la cantine scolaire"};
	static const char *answers[] = {"Information donnée, documents à rapporter.", "Rendez-vous proposé avec un travailleur social.",
	                                "Orientation vers le partenaire compétent.", "Dossier remis, à compléter."};
	static const partner_in partners[] = {
		{"CAF de La Réunion", "caf", "0 969 32 50 00", "", "", ""},
		{"Secours populaire, antenne du Port", "association", "02 62 00 00 01", "", "", ""},
		{"SIDR, agence Ouest", "bailleur", "02 62 00 00 02", "", "", ""},
		{"CPAM, accueil du Port", "cpam", "36 46", "", "", ""},
		{"Département, espace solidarité", "departement", "02 62 00 00 03", "", "", ""},
	};
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	int64_t mids[COUNTOF(motives)], id;
	err e = E_OK;
	for (int i = 0; e == E_OK && i < COUNTOF(motives); i++) {
		form_errors fe = {0};
		e = rc_motive_add(c, x->manager, motives[i], &fe, &mids[i]);
	}
	for (int i = 0; e == E_OK && i < COUNTOF(partners); i++) {
		form_errors fe = {0};
		e = rc_partner_add(c, x->manager, &partners[i], &fe, &id);
	}
	int64_t *hids = NULL;
	int64_t nh = e == E_OK ? persons_household_ids(c, &hids) : 0;
	uint64_t s = x->seed * 0x9e3779b97f4a7c15ULL + 3;
	civil_date today = civil_today("Indian/Reunion");
	static const char *ch[] = {"visite", "visite", "telephone", "telephone", "courrier", "email", "visite_domicile", "tiers"};
	db_copy cc, tl;
	db_copy_init(&cc, c, &C_D_C);
	persons_timeline_copy_init(&tl, c);
	db_ids *ids = malloc(sizeof *ids); /* 8 KB */
	if (!ids)
		e = E_NOMEM;
	for (int64_t i = 0; e == E_OK && i < nh; i++) {
		if (i % 2000 == 0) {
			if (i && (e = db_copy_flush(&cc)) == E_OK && (e = db_copy_flush(&tl)) == E_OK)
				e = db_commit(c);
			if (e == E_OK)
				e = db_begin(c, true);
			db_ids_init(ids, &I_D_C); /* taken in a transaction */
		}
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		int k = (int)(s % 10);
		for (int j = 0; e == E_OK && j < k; j++) {
			uint64_t v = s >> (j * 5);
			/* A weekday of the last five years, within opening hours
			 * (8:30 to 17:00, local time). */
			civil_date day = civil_from_days(civil_to_days(today) - 1 - (int64_t)((v ^ (uint64_t)j * 7919) % (5 * 365)));
			int64_t dn = civil_to_days(day), wd = ((dn % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday: 0 = Sunday */
			if (wd == 0 || wd == 6)
				day = civil_from_days(dn - (wd == 0 ? 2 : 1));
			int64_t at = civil_day_start("Indian/Reunion", day) + 8 * 3600 + 30 * 60 + (int64_t)(v % (8 * 3600 + 30 * 60));
			int64_t uid = x->users[(v >> 3) % (uint64_t)x->nusers];
			const char *channel = ch[(v >> 7) % 8];
			e = db_next_id(c, ids, &id);
			if (e == E_OK)
				e = DBCOPY(&cc, A_INT(id), A_INT(hids[i]), A_INT(at), A_TEXT(channel), A_INT(mids[(v >> 11) % 8]),
				           A_TEXT(answers[(v >> 13) % 4]), A_TEXT((v >> 17) % 4 == 0 ? "partenaire" : ""),
				           A_INT(5 + (int64_t)(v % 40)), A_INT(uid), A_INT(at));
			if (e == E_OK)
				e = persons_timeline_copy(&tl, hids[i], uid, "contact", id, "Contact", at);
		}
	}
	if (e == E_OK && db_in_tx(c) && (e = db_copy_flush(&cc)) == E_OK && (e = db_copy_flush(&tl)) == E_OK)
		e = db_commit(c);
	else if (db_in_tx(c))
		db_rollback(c);
	db_copy_free(&cc);
	db_copy_free(&tl);
	free(ids);
	free(hids);
	db_conn_put(c);
	return e;
}
