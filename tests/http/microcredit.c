/* HTTP tests of accompanied micro-credits: opening (terms bounded, the
 * budget before taken from the household when not typed), the schedule
 * (constant payment, the principal repaid to the cent), the bank's
 * decision (a refusal says why), signature, follow-up contacts, incidents
 * and their settlement, the outcome, the lists and their CSV, the
 * household and home pages, roles, versions and isolation. */
#define T_NAME "http-microcredit"
#include "http/h.h"
#include <jansson.h>
#include <stdbool.h>

static json_t *J(resp *r) { return json_loads(r->body, 0, NULL); }
static int64_t geti(json_t *j, const char *k) { return json_integer_value(json_object_get(j, k)); }
static const char *gets_(json_t *j, const char *k)
{
	const char *s = json_string_value(json_object_get(j, k));
	return s ? s : "(null)";
}

/* The home page's figures kept by triggers (microcredit/2), made again from the credits and their incidents. */
#define MC_RECOUNT                                                                                                         \
	"SELECT structure_id, 'instruction' AS what, '' AS day, count(*) AS n FROM mc_credits "                               \
	"WHERE status IN ('instruction', 'accorde') GROUP BY 1 "                                                               \
	"UNION ALL SELECT structure_id, 'en_cours', '', count(*) FROM mc_credits WHERE status = 'en_cours' GROUP BY 1"
#define MC_INCIDENT_RECOUNT                                                                                                \
	"SELECT structure_id, 'incident' AS what, CAST(credit_id AS TEXT) AS day, count(*) AS n FROM mc_events "              \
	"WHERE kind = 'incident' AND resolved_on IS NULL GROUP BY 1, 3"
#define MC_AGREE "SELECT (" KEPT_AGREE(MC_RECOUNT, "mc_counts") ") + (" KEPT_AGREE(MC_INCIDENT_RECOUNT, "mc_incident_counts") ")"

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	setenv("TZ", "Indian/Reunion", 1);
	tzset();
	srv s;
	if (!srv_start(&s, "microcredit")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli soc, mgr, desk;
	cli_init(&soc, &s);
	cli_init(&mgr, &s);
	cli_init(&desk, &s);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	char path[160], body[1200];

	T_GROUP("opening: the terms bounded, the schedule computed");
	json_t *j = J(post_json(&soc, "/api/v1/households", "{\"last_name\":\"Crédit\",\"first_names\":\"Ana\",\"confirm_duplicate\":true}"));
	int64_t hid = geti(j, "household_id"), pid = geti(j, "person_id");
	json_decref(j);
	CHECK(hid > 0, "a household");
	/* Each term out of its bounds, the others right. */
	static const char *const bad[][4] = {{"50", "24", "3,5", "amount"}, {"20000", "24", "3,5", "amount"}, {"2 500", "3", "3,5", "months"},
	                                     {"2 500", "120", "3,5", "months"}, {"2 500", "24", "25", "rate"}, {"2 500", "24", "trois", "rate"}};
	for (int i = 0; i < 6; i++) {
		snprintf(body, sizeof body, "{\"household\":%lld,\"project\":\"Voiture\",\"bank\":\"CEPAC\",\"amount\":\"%s\",\"months\":\"%s\","
		                            "\"rate\":\"%s\"}", (long long)hid, bad[i][0], bad[i][1], bad[i][2]);
		resp *r = post_json(&soc, "/api/v1/microcredits", body);
		CHECK_INT(r->status, 400);
		CHECK_HAS(r->body, bad[i][3]);
	}
	snprintf(body, sizeof body, "{\"household\":%lld,\"project\":\"Véhicule d’occasion pour un CDI à Saint-Paul\",\"project_kind\":\"mobilite\","
	                            "\"bank\":\"CEPAC\",\"amount\":\"2 500\",\"months\":24,\"rate\":\"3,5 %%\"}", (long long)hid);
	CHECK_INT(post_json(&desk, "/api/v1/microcredits", body)->status, 403); /* the reception does not handle them */
	resp *r = post_json(&soc, "/api/v1/microcredits", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t c1 = geti(j, "id");
	CHECK_INT(geti(j, "amount_cents"), 250000);
	CHECK_INT(geti(j, "rate_bp"), 350);
	CHECK_INT(geti(j, "monthly_payment_cents"), 10801);
	CHECK(json_is_null(json_object_get(j, "budget_before_cents")), "no budget recorded: the budget before is not known, not 0");
	CHECK(json_is_null(json_object_get(j, "budget_after_cents")), "nor after");
	json_t *sch = json_object_get(j, "schedule");
	CHECK_INT(json_array_size(sch), 24);
	int64_t principal = 0;
	size_t i;
	json_t *x;
	json_array_foreach(sch, i, x) principal += geti(x, "principal_cents");
	CHECK_INT(principal, 250000); /* repaid to the cent */
	CHECK_INT(geti(json_array_get(sch, 23), "remaining_cents"), 0);
	CHECK(json_is_null(json_object_get(json_array_get(sch, 0), "due_on")), "no date before the signature");
	CHECK_STR(gets_(j, "status"), "instruction");
	json_decref(j);
	/* The page's form keeps what was typed when refused. */
	snprintf(body, sizeof body, "_csrf=%s&household=%lld&project=Permis+de+conduire&amount=2+500&months=2&rate=3&bank=CEPAC", soc.csrf,
	         (long long)hid);
	r = post(&soc, "/microcredit", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "La durée du prêt");
	CHECK_HAS(r->body, "Permis de conduire");

	T_GROUP("changes before the decision, the bank's decision, the signature");
	snprintf(path, sizeof path, "/api/v1/microcredits/%lld", (long long)c1);
	r = post_json(&soc, path, "{\"action\":\"modifier\",\"project\":\"Véhicule\",\"bank\":\"CEPAC\",\"amount\":\"3 000\",\"months\":36,"
	                          "\"rate\":\"3\",\"budget_before\":\"250\",\"version\":1}");
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK_INT(geti(j, "budget_before_cents"), 25000);
	CHECK(json_is_integer(json_object_get(j, "budget_after_cents")), "known before, known after");
	CHECK_INT(geti(j, "budget_after_cents"), 25000 - geti(j, "monthly_payment_cents"));
	json_decref(j);
	j = J(post_json(&soc, path, "{\"action\":\"modifier\",\"project\":\"Véhicule\",\"bank\":\"CEPAC\",\"amount\":\"3 000\","
	                            "\"months\":36,\"rate\":\"3\",\"budget_before\":\"-0,01\",\"version\":2}"));
	CHECK_INT(geti(j, "budget_before_cents"), -1); /* a budget of -0,01 € is known, not « non renseigné » */
	CHECK(json_is_integer(json_object_get(j, "budget_before_cents")), "a negative budget stays a figure");
	json_decref(j);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"decision\",\"decision\":\"accorde\",\"version\":1}")->status, 409); /* stale */
	r = post_json(&soc, path, "{\"action\":\"decision\",\"decision\":\"refuse\",\"version\":3}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "motif du refus");
	CHECK_INT(post_json(&soc, path, "{\"action\":\"incident\",\"note\":\"x\",\"version\":3}")->status, 400); /* nothing to repay yet */
	j = J(post_json(&soc, path, "{\"action\":\"decision\",\"decision\":\"accorde\",\"version\":3}"));
	CHECK_STR(gets_(j, "status"), "accorde");
	json_decref(j);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"modifier\",\"project\":\"V\",\"bank\":\"B\",\"amount\":\"3 000\",\"months\":36,"
	                                "\"rate\":\"3\",\"version\":4}")->status, 409); /* the terms are the bank's now */
	r = post_json(&soc, path, "{\"action\":\"signature\",\"first_due_on\":\"2000-01-01\",\"version\":4}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "first_due_on");
	j = J(post_json(&soc, path, "{\"action\":\"signature\",\"version\":4}"));
	CHECK_STR(gets_(j, "status"), "en_cours");
	CHECK(strcmp(gets_(j, "first_due_on"), gets_(j, "signed_on")) > 0, "first due after the signature");
	CHECK_STR(gets_(json_array_get(json_object_get(j, "schedule"), 0), "due_on"), gets_(j, "first_due_on"));
	json_decref(j);

	T_GROUP("follow-up, an incident and its settlement, the outcome");
	CHECK_INT(post_json(&soc, path, "{\"action\":\"suivi\",\"version\":5}")->status, 400); /* a contact says something */
	CHECK_INT(post_json(&soc, path, "{\"action\":\"suivi\",\"note\":\"Budget tenu, premier prélèvement passé.\",\"version\":5}")->status, 200);
	j = J(post_json(&soc, path, "{\"action\":\"incident\",\"note\":\"Prélèvement rejeté en mars.\",\"version\":6}"));
	int64_t ev = 0;
	json_array_foreach(json_object_get(j, "events"), i, x) if (!strcmp(gets_(x, "kind"), "incident")) ev = geti(x, "id");
	json_decref(j);
	CHECK(ev > 0, "an incident");
	r = get(&soc, "/microcredit?liste=incidents");
	snprintf(body, sizeof body, "href=\"/microcredit/%lld\"", (long long)c1);
	CHECK_HAS(r->body, body);
	CHECK_HAS(get(&soc, "/")->body, "non régularisé");
	{
		/* A second incident of the same credit, by hand: still one credit with incidents; removed, the same. */
		long long credits = page_number(&soc, "/", "liste=incidents\"");
		CHECK(credits >= 1, "credits with incidents on the home page (%lld)", credits);
		snprintf(body, sizeof body, "INSERT INTO mc_events (structure_id, credit_id, on_date, kind, note, created_by, created_at) "
		         "VALUES (1, %lld, '2026-01-01', 'incident', 'essai', 1, 1)", (long long)c1);
		CHECK_INT(db_tamper(body), 0);
		CHECK_INT(page_number(&soc, "/", "liste=incidents\""), credits);
		CHECK_INT(db_zero(MC_AGREE), 0);
		CHECK_INT(db_tamper("DELETE FROM mc_events WHERE created_at = 1"), 0);
		CHECK_INT(page_number(&soc, "/", "liste=incidents\""), credits);
		CHECK_INT(db_zero(MC_AGREE), 0);
	}
	snprintf(body, sizeof body, "{\"action\":\"regularise\",\"event\":%lld,\"version\":7}", (long long)ev);
	j = J(post_json(&soc, path, body));
	bool settled = false;
	json_array_foreach(json_object_get(j, "events"), i, x) settled = settled || (geti(x, "id") == ev && json_is_string(json_object_get(x, "resolved_on")));
	json_decref(j);
	CHECK(settled, "the incident is settled");
	snprintf(body, sizeof body, "{\"action\":\"regularise\",\"event\":%lld,\"version\":8}", (long long)ev);
	CHECK_INT(post_json(&soc, path, body)->status, 400); /* once */
	snprintf(body, sizeof body, "href=\"/microcredit/%lld\"", (long long)c1);
	CHECK_LACKS(get(&soc, "/microcredit?liste=incidents")->body, body); /* settled: off the list */
	r = post_json(&soc, path, "{\"action\":\"cloture\",\"end\":\"abandon\",\"version\":8}");
	CHECK_INT(r->status, 409); /* a signed loan is repaid or defaulted, not abandoned */
	j = J(post_json(&soc, path, "{\"action\":\"cloture\",\"end\":\"solde\",\"note\":\"Remboursé par anticipation.\",\"version\":8}"));
	CHECK_STR(gets_(j, "status"), "solde");
	json_decref(j);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"suivi\",\"note\":\"x\",\"version\":9}")->status, 200); /* follow-up continues after */

	T_GROUP("lists, CSV, the household page, the person's export, roles");
	j = J(get(&soc, "/api/v1/microcredits?liste=termines"));
	CHECK(geti(j, "total") >= 1, "ended loans listed");
	json_decref(j);
	r = get(&soc, "/microcredit/export.csv?liste=termines");
	CHECK_HAS(r->headers, "text/csv");
	CHECK_HAS(r->body, "Véhicule");
	CHECK_INT(get(&soc, "/microcredit?liste=nulle")->status, 400);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)hid);
	r = get(&soc, path);
	CHECK_HAS(r->body, "<h2 id=\"t-mc\">Microcrédit</h2>");
	CHECK_HAS(r->body, "Remboursé");
	CHECK_LACKS(get(&desk, path)->body, "<h2 id=\"t-mc\">"); /* not the reception's */
	snprintf(path, sizeof path, "/microcredit/%lld", (long long)c1);
	CHECK_INT(get(&desk, path)->status, 403);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "Échéancier");
	CHECK_HAS(r->body, "Prélèvement rejeté en mars.");
	snprintf(path, sizeof path, "/api/v1/persons/%lld/subject-access", (long long)pid);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "\"micro_credits\"");
	CHECK_HAS(r->body, "CEPAC");

	T_GROUP("isolation");
	cli bb;
	CHECK(other_structure_manager(&s, &bb), "a manager of another structure");
	snprintf(path, sizeof path, "/api/v1/microcredits/%lld", (long long)c1);
	CHECK_INT(get(&bb, path)->status, 404);
	CHECK_INT(post_json(&bb, path, "{\"action\":\"suivi\",\"note\":\"x\"}")->status, 404);
	snprintf(path, sizeof path, "/microcredit/%lld", (long long)c1);
	CHECK_INT(get(&bb, path)->status, 404);
	CHECK_LACKS(get(&bb, "/api/v1/microcredits")->body, "\"id\":");

	T_GROUP("the home page's figures, kept by triggers, are the credits' own counts");
	{
		CHECK_INT(db_zero(MC_AGREE), 0);
		long long running = page_number(&soc, "/", "liste=en_cours\""); /* -1: no line, none */
		/* By hand: a copy of every credit, being repaid, then the copies removed. */
		CHECK_INT(db_tamper("INSERT INTO mc_credits (structure_id, household_id, opened_on, project, amount, months, rate_bp, bank, "
		                    "status, created_by, created_at) SELECT structure_id, household_id, opened_on, project, amount, months, "
		                    "rate_bp, bank, 'en_cours', created_by, 1 FROM mc_credits WHERE structure_id = 1"),
		          0);
		long long now = page_number(&soc, "/", "liste=en_cours\"");
		CHECK(now > (running < 0 ? 0 : running), "the copies are being repaid (%lld, before %lld)", now, running);
		snprintf(body, sizeof body, "SELECT count(*) - %lld FROM mc_credits WHERE structure_id = 1 AND status = 'en_cours'", now);
		CHECK_INT(db_zero(body), 0);
		CHECK_INT(db_zero(MC_AGREE), 0);
		CHECK_INT(db_tamper("DELETE FROM mc_credits WHERE created_at = 1"), 0);
		CHECK_INT(page_number(&soc, "/", "liste=en_cours\""), running);
		CHECK_INT(db_zero(MC_AGREE), 0);
		CHECK_INT(db_zero("SELECT count(*) FROM mc_counts WHERE n <= 0"), 0); /* a count at zero is removed */
	}

	cli_free(&bb);
	cli_free(&desk);
	cli_free(&mgr);
	cli_free(&soc);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	return T_DONE();
}
