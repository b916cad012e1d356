/* HTTP tests of optional aid so far: the rulebook editor (invalid rules
 * never stored, text kept, line numbers), versions, and the simulation. */
#define T_NAME "http-aid"
#include "http/h.h"
#include <jansson.h>

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	srv s;
	if (!srv_start(&s, "aid")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli mgr, soc, desk;
	cli_init(&mgr, &s);
	cli_init(&soc, &s);
	cli_init(&desk, &s);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);

	T_GROUP("rulebook editor");
	resp *r = get(&mgr, "/aides/reglement");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "aide : secours_urgence"); /* the demo's version, in the editor */
	char body[1024];
	char *bad = curl_easy_escape(mgr.c, "en vigueur le : 2026-01-01\naide : x\nlibellé : X\nnationalité : française\nmontant : fixe 10,00\nfin\n", 0);
	snprintf(body, sizeof body, "_csrf=%s&text=%s", mgr.csrf, bad);
	curl_free(bad);
	r = post(&mgr, "/aides/reglement", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Ligne 4 : la nationalité ne peut jamais être une condition");
	CHECK_HAS(r->body, "libellé : X"); /* what was typed is kept */
	char *good = curl_easy_escape(mgr.c, "version : 2026-2\nen vigueur le : 2026-02-02\naide : secours_urgence\nlibellé : Secours d’urgence\n"
	                                     "montant : fixe 42,00\nfin\n", 0);
	snprintf(body, sizeof body, "_csrf=%s&text=%s", mgr.csrf, good);
	curl_free(good);
	CHECK_INT(post(&mgr, "/aides/reglement", body)->status, 303);
	r = get(&mgr, "/aides/reglement");
	CHECK_HAS(r->body, "2026-2");
	CHECK_HAS(r->body, "2026-1"); /* the previous version stays listed */
	CHECK_INT(get(&soc, "/aides/reglement")->status, 403);

	T_GROUP("simulation");
	r = get(&soc, "/foyers/1/simulation");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Secours d’urgence");
	CHECK_HAS(r->body, "Montant fixe → 42,00");
	CHECK_HAS(r->body, "Rien n’est enregistré");
	CHECK_INT(get(&desk, "/foyers/1/simulation")->status, 403); /* reception does not see income */
	CHECK_INT(get(&soc, "/foyers/999999/simulation")->status, 404);
	cli_free(&mgr);
	cli_free(&soc);
	cli_free(&desk);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	curl_global_cleanup();
	return T_DONE();
}
