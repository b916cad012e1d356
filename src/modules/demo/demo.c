/*
 * demo.c — the demo structure: "CCAS de Port-Rivière" (a fictional town),
 * one account per role, a second structure to show that tenants are
 * isolated, and a responsable who belongs to both.
 */
#include "core/countof.h"
#include "modules/demo/demo.h"
#include <stdio.h>
#include "modules/accounts/accounts.h"
#include "modules/persons/persons.h"
#include "modules/modules.h"
#include "core/log.h"
#include "core/banned.h"

static const struct { const char *login, *name; role r; const char *service; } people[] = {
	{"accueil", "Maëlle Payet", ROLE_RECEPTION, "Accueil"},
	{"social", "Karim Benali", ROLE_SOCIAL_WORKER, "Action sociale"},
	{"instructeur", "Sophie Hoarau", ROLE_CASE_OFFICER, "Aides facultatives"},
	{"responsable", "Jean-Luc Grondin", ROLE_MANAGER, "Direction"},
	{"commission", "Hélène N’Diaye", ROLE_COMMITTEE, "Conseil d’administration"},
	{"dpo", "Thomas Lebreton", ROLE_DPO, "Direction"},
	{"admin", "Nadia Fontaine", ROLE_ADMIN, "Informatique"},
	{"benevole", "Lucie Técher", ROLE_VOLUNTEER, "Bénévoles du plan canicule"},
};

err demo_build(db *d, int64_t households, uint64_t seed)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	int64_t first = 0;
	err e = accounts_structure_first(c, &first);
	if (e == E_OK && first) {
		printf("La base contient déjà une structure : rien n’est ajouté.\n");
		db_conn_put(c);
		return E_OK;
	}
	int64_t sid = 0, sid2 = 0, uid = 0, uids[16];
	int nuids = 0;
	e = db_begin(c, true);
	if (e == E_OK)
		e = accounts_structure_create(c, "CCAS de Port-Rivière", &sid);
	if (e == E_OK)
		e = accounts_structure_describe(c, sid, &(structure_info){
			.address = "Hôtel de ville, 2 place de la Mairie\n97470 Port-Rivière", .phone = "02 62 00 00 00",
			.email = "ccas@port-riviere." DEMO_DOMAIN, .dpo = "dpo@port-riviere." DEMO_DOMAIN,
			.signatory_name = "Jean-Luc Grondin", .signatory_title = "Directeur du CCAS", .signatory_delegation = true,
			.tz = "Indian/Reunion", .insee = "97407"}); /* its quarters are Le Port's: the INSEE's figures by IRIS match them */
	if (e == E_OK)
		e = accounts_structure_create(c, "CIAS des Hauts-de-Rivière", &sid2);
	if (e == E_OK)
		e = accounts_structure_describe(c, sid2, &(structure_info){
			.address = "1 rue des Écoles\n97480 Hauts-de-Rivière", .phone = "02 62 11 11 11",
			.email = "cias@hauts-de-riviere." DEMO_DOMAIN, .dpo = "dpo@hauts-de-riviere." DEMO_DOMAIN,
			.signatory_name = "Paul Técher", .signatory_title = "Directeur du CIAS", .signatory_delegation = true,
			.tz = "Indian/Reunion"});
	for (int i = 0; e == E_OK && i < COUNTOF(people); i++) {
		char email[128];
		snprintf(email, sizeof email, "%s@" DEMO_DOMAIN, people[i].login);
		e = accounts_user_create(c, sid, email, people[i].name, DEMO_PASSWORD, people[i].r, &uid);
		if (e == E_OK)
			e = accounts_set_service(c, sid, uid, people[i].service);
		if (people[i].r == ROLE_RECEPTION || people[i].r == ROLE_SOCIAL_WORKER || people[i].r == ROLE_CASE_OFFICER ||
		    people[i].r == ROLE_MANAGER)
			uids[nuids++] = uid;
	}
	if (e == E_OK)
		e = accounts_user_create(c, sid2, "admin@hauts-de-riviere." DEMO_DOMAIN, "Paul Técher",
		                         DEMO_PASSWORD, ROLE_ADMIN, &uid);
	e = db_finish(c, e);
	db_conn_put(c);
	if (e != E_OK) {
		fprintf(stderr, "openccas : la création des données de démonstration a échoué\n");
		return e;
	}
	log_info("demo: %lld foyers (graine %llu)", (long long)households, (unsigned long long)seed);
	e = persons_demo(d, sid, households, seed, uids, nuids);
	/* Then each module's, in the list's order (they build on the households). */
	module_demo x = {sid, households, seed, uids, nuids, uids[nuids - 1]};
	for (int i = 0; e == E_OK && i < module_count(); i++)
		if (module_at(i)->demo) {
			log_info("demo: %s", module_at(i)->name);
			e = module_at(i)->demo(d, &x);
		}
	if (e == E_OK)
		e = persons_demo(d, sid2, households / 20 + 5, seed + 1, &uid, 1);
	if (e != E_OK) {
		fprintf(stderr, "openccas : la création des foyers de démonstration a échoué\n");
		return e;
	}
	db_analyze(d);
	printf("Structure de démonstration « CCAS de Port-Rivière » créée.\nComptes (mot de passe : %s) :\n",
	       DEMO_PASSWORD);
	for (int i = 0; i < COUNTOF(people); i++)
		printf("  %-24s %s@" DEMO_DOMAIN "\n", role_label(people[i].r), people[i].login);
	return E_OK;
}
