/* HTTP tests of domiciliation: workflow and roles, the law's limits on
 * refusal and duration, renewal, mail with proxies and the 3-month rule,
 * striking off and undoing it, the mail counter, isolation. */
#define T_NAME "http-domiciliation"
#include "http/h.h"
#include <jansson.h>

static json_t *J(resp *r) { return json_loads(r->body, 0, NULL); }
static int64_t geti(json_t *j, const char *k) { return json_integer_value(json_object_get(j, k)); }
static const char *gets_(json_t *j, const char *k) { return json_string_value(json_object_get(j, k)); }

static int64_t person(cli *k, const char *last)
{
	char body[256];
	snprintf(body, sizeof body, "{\"last_name\":\"%s\",\"first_names\":\"Test\",\"confirm_duplicate\":true}", last);
	json_t *j = J(post_json(k, "/api/v1/households", body));
	int64_t pid = geti(j, "person_id");
	json_decref(j);
	return pid;
}

static int64_t version_of(cli *k, int64_t id)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
	json_t *j = J(get(k, path));
	int64_t v = geti(j, "version");
	json_decref(j);
	return v;
}

static resp *act(cli *k, int64_t id, const char *json)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
	return post_json(k, path, json);
}

static char today[11];
static char line0[160];


/* The active domiciliations counted by day (kept by triggers, migration
 * domiciliation/9) are the counts of the table itself, day by day. */
#define DAY_COUNTS_AGREE \
	"SELECT count(*) FROM (SELECT structure_id, 'contact' AS what, last_contact_on AS day, count(*) AS n FROM domiciliations " \
	"WHERE status = 'active' AND last_contact_on IS NOT NULL GROUP BY structure_id, last_contact_on UNION ALL " \
	"SELECT structure_id, 'end', end_on, count(*) FROM domiciliations WHERE status = 'active' AND end_on IS NOT NULL " \
	"GROUP BY structure_id, end_on) t FULL OUTER JOIN domi_day_counts c ON c.structure_id = t.structure_id AND c.what = t.what " \
	"AND c.day = t.day WHERE t.n IS DISTINCT FROM c.n"

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	time_t now = time(NULL);
	struct tm tm;
	setenv("TZ", "Indian/Reunion", 1); /* the demo structure's zone */
	tzset();
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	srv s;
	if (!srv_start(&s, "domi")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli ins, mgr, desk, mgr2;
	cli_init(&ins, &s);
	cli_init(&mgr, &s);
	cli_init(&desk, &s);
	cli_init(&mgr2, &s);
	CHECK_INT(login(&ins, DEMO("instructeur"), DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&mgr2, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);

	T_GROUP("request");
	int64_t pid = person(&ins, "Sansdomicile");
	char body[512];
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"requested_on\":\"2026-09-01\",\"cause\":\"expulsion\",\"household_type\":\"isole\"}",
	         (long long)pid);
	resp *r = post_json(&ins, "/api/v1/domiciliations", body);
	CHECK_INT(r->status, 201);
	json_t *j = J(r);
	int64_t id = geti(j, "id");
	json_decref(j);
	CHECK_INT(post_json(&ins, "/api/v1/domiciliations", body)->status, 400); /* one open file per person */
	/* A decision needs the interview first. */
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"version\":%lld}", (long long)version_of(&mgr, id));
	CHECK_INT(act(&mgr, id, body)->status, 409);
	snprintf(body, sizeof body, "{\"action\":\"submit\",\"interview_on\":\"%s\",\"version\":%lld}", today, (long long)version_of(&ins, id));
	r = act(&ins, id, body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "interview_place");
	snprintf(body, sizeof body, "{\"action\":\"submit\",\"interview_on\":\"%s\",\"interview_place\":\"Accueil\",\"link\":\"sejour\",\"version\":%lld}",
	         today, (long long)version_of(&ins, id));
	r = act(&ins, id, body);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"status\":\"attente_decision\"");

	T_GROUP("decision");
	int64_t v = version_of(&mgr, id);
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"version\":%lld}", (long long)v);
	CHECK_INT(act(&ins, id, body)->status, 403); /* only a manager decides */
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"refuser\",\"orientation\":\"CCAS voisin\",\"version\":%lld}", (long long)v);
	r = act(&mgr, id, body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "L264-4"); /* a link exists: no refusal */
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"start_on\":\"2026-03-01\",\"end_on\":\"2027-03-01\",\"version\":%lld}", (long long)v);
	r = act(&mgr, id, body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "un an");
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"start_on\":\"2026-03-01\",\"version\":%lld}", (long long)v);
	r = act(&mgr, id, body);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"status\":\"active\"");
	CHECK_HAS(r->body, "\"end_on\":\"2027-02-28\"");
	CHECK_HAS(r->body, "\"first_on\":\"2026-03-01\"");
	/* The second manager, still holding the old version, is told. */
	r = act(&mgr2, id, body);
	CHECK_INT(r->status, 409);

	T_GROUP("mail and proxies");
	r = act(&desk, id, "{\"action\":\"mail\",\"kind\":\"lettre\",\"count\":2}");
	CHECK_INT(r->status, 200);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
	CHECK_HAS(get(&desk, path)->body, "\"mail_waiting\":{\"lettre\":2}");
	snprintf(path, sizeof path, "/domiciliation/%lld/mandataires", (long long)id);
	for (int i = 0; i < 5; i++) {
		snprintf(body, sizeof body, "_csrf=%s&name=Mandataire+%d&from=2026-01-01&to=2099-01-01", desk.csrf, i);
		CHECK_INT(post(&desk, path, body)->status, 303);
	}
	snprintf(body, sizeof body, "_csrf=%s&name=Sixieme&from=2026-01-01&to=2099-01-01", desk.csrf);
	r = post(&desk, path, body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Cinq mandataires au plus");
	snprintf(path, sizeof path, "/domiciliation/%lld", (long long)id);
	r = get(&desk, path);
	char proxy[16] = "";
	extract(r->body, "<option value=\"", proxy, sizeof proxy); /* first option of the first select… */
	char *opt = strstr(r->body, "Mandataire : ");
	CHECK(opt != NULL, "proxy offered at the counter");
	/* Find the proxy id: the option just before "Mandataire : ". */
	if (opt) {
		char *q = opt;
		while (q > r->body && strncmp(q, "<option value=\"", 15))
			q--;
		extract(q, "<option value=\"", proxy, sizeof proxy);
	}
	j = J(get(&desk, "/api/v1/domiciliations"));
	json_decref(j);
	/* Set the last contact far back to see the 3-month rule at work. */
	snprintf(body, sizeof body, "{\"action\":\"handover\",\"proxy_id\":%s}", proxy);
	r = act(&desk, id, body);
	CHECK_INT(r->status, 200);
	json_t *o = J(r);
	const char *lc = gets_(o, "last_contact_on");
	CHECK(lc && !strcmp(lc, "2026-09-01"), "collection by a proxy is not the person's contact (last contact %s)", lc ? lc : "null");
	json_decref(o);
	CHECK_HAS(get(&desk, path)->body, "Aucun courrier en attente");
	act(&desk, id, "{\"action\":\"mail\",\"kind\":\"colis\"}");
	r = act(&desk, id, "{\"action\":\"handover\",\"to\":\"personne\"}");
	CHECK_INT(r->status, 200);
	o = J(r);
	CHECK_STR(gets_(o, "last_contact_on"), today);
	json_decref(o);
	CHECK_INT(act(&desk, id, "{\"action\":\"handover\",\"to\":\"personne\"}")->status, 409); /* nothing waiting */

	T_GROUP("mail counter: by the domiciliation's number, a wrong number loses nothing");
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
	j = J(get(&desk, path));
	long long num = (long long)geti(j, "number");
	json_decref(j);
	CHECK(num > 0, "the domiciliation has a number (%lld)", num);
	CHECK_HAS(get(&desk, "/api/v1/domiciliations")->body, "\"number\":");
	snprintf(path, sizeof path, "/domiciliation/%lld", (long long)id);
	snprintf(line0, sizeof line0, "Domiciliation n° <strong>%lld</strong>", num);
	CHECK_HAS(get(&desk, path)->body, line0);
	/* The morning's batch with one wrong number and one typo: the good one
	 * is recorded, the two others stay in the field with their reason. */
	snprintf(body, sizeof body, "_csrf=%s&kind=lettre&numbers=%lld%%0A999999%%0A1x2", desk.csrf, num);
	r = post(&desk, "/domiciliation/courrier", body);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "1 courrier(s) enregistré(s)");
	CHECK_HAS(r->body, "« 999999 » : aucune domiciliation active sous ce numéro");
	CHECK_HAS(r->body, "« 1x2 » : ce n’est pas un numéro");
	CHECK_HAS(r->body, ">999999\n1x2</textarea>");
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
	CHECK_HAS(get(&desk, path)->body, "\"mail_waiting\":{\"lettre\":1}");
	/* Nothing valid: 400, the field kept. */
	snprintf(body, sizeof body, "_csrf=%s&kind=lettre&numbers=999999", desk.csrf);
	r = post(&desk, "/domiciliation/courrier", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "rien n’a été enregistré");
	CHECK_HAS(r->body, ">999999</textarea>");
	/* The API says the same. */
	snprintf(body, sizeof body, "{\"numbers\": \"%lld 999999\", \"kind\": \"lettre\"}", num);
	r = post_json(&desk, "/api/v1/domiciliations/mail", body);
	CHECK_INT(r->status, 201);
	CHECK_HAS(r->body, "\"recorded\":1");
	CHECK_HAS(r->body, "\"number\":\"999999\"");
	r = post_json(&desk, "/api/v1/domiciliations/mail", "{\"numbers\": \"999999\"}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "\"rejected\":[{");
	CHECK_HAS(get(&desk, path)->body, "\"mail_waiting\":{\"lettre\":2}");
	/* Handing over: the number typed (or the card scanned) opens the hand-over form. */
	snprintf(path, sizeof path, "/domiciliation/courrier?q=%lld", num);
	r = get(&desk, path);
	CHECK_INT(r->status, 303);
	snprintf(line0, sizeof line0, "/domiciliation/%lld#remise", (long long)id);
	CHECK_HAS(r->headers, line0);
	snprintf(path, sizeof path, "/domiciliation/%lld", (long long)id);
	CHECK_HAS(get(&desk, path)->body, "<form id=\"remise\"");
	CHECK_INT(get(&desk, "/domiciliation/courrier?q=999999")->status, 200); /* unknown: the counter, searched by name */
	r = get(&desk, "/domiciliation/courrier?q=sansdomicile");
	CHECK_HAS(r->body, "Sansdomicile Test");
	snprintf(line0, sizeof line0, "domiciliation n° %lld", num);
	CHECK_HAS(r->body, line0);

	T_GROUP("forwarding");
	{
		snprintf(path, sizeof path, "/domiciliation/%lld/reexpedition", (long long)id);
		snprintf(body, sizeof body, "_csrf=%s&address=&fwd_from=%s&fwd_to=%s", desk.csrf, today, today);
		CHECK_INT(post(&desk, path, body)->status, 400);
		snprintf(body, sizeof body, "_csrf=%s&address=12+rue+de+la+Soeur%%2C+97400+Saint-Denis&fwd_from=%s&fwd_to=%s", desk.csrf, today, today);
		CHECK_INT(post(&desk, path, body)->status, 303);
		r = act(&desk, id, "{\"action\":\"mail\",\"kind\":\"lettre\"}");
		CHECK_INT(r->status, 200);
		snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
		CHECK_HAS(get(&desk, path)->body, "\"mail_waiting\":{\"lettre\":2}"); /* forwarded at once, not added to the waiting two */
		snprintf(body, sizeof body, "_csrf=%s&kind=lettre&numbers=%lld", desk.csrf, num);
		CHECK_INT(post(&desk, "/domiciliation/courrier", body)->status, 303);
		CHECK_HAS(get(&desk, path)->body, "\"mail_waiting\":{\"lettre\":2}"); /* the counter forwards too */
	}
	T_GROUP("renewal");
	snprintf(body, sizeof body, "{\"action\":\"renew\",\"interview_on\":\"%s\",\"version\":%lld}", today, (long long)version_of(&ins, id));
	CHECK_INT(act(&ins, id, body)->status, 200);
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "\"end_on\":\"2027-02-28\""); /* the current end holds until decided */
	CHECK_HAS(r->body, "\"status\":\"active\"");
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"version\":%lld}", (long long)version_of(&mgr, id));
	r = act(&mgr, id, body);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"start_on\":\"2027-03-01\""); /* the day after the current end */
	CHECK_HAS(r->body, "\"end_on\":\"2028-02-29\"");
	CHECK_HAS(r->body, "\"first_on\":\"2026-03-01\""); /* kept across renewals */
	/* The history in words and French dates. */
	snprintf(path, sizeof path, "/domiciliation/%lld", (long long)id);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "Renouvellement accordé : 01/03/2027 → 29/02/2028");
	CHECK_HAS(r->body, "Domiciliation accordée : 01/03/2026 → 28/02/2027");
	CHECK_LACKS(r->body, "renouvellement_accorde");
	CHECK_LACKS(r->body, "2027-03-01 →");

	T_GROUP("« effectué le »: yesterday's hand-over typed today; the lists at a given date");
	{
		time_t y = time(NULL) - 86400, old = time(NULL) - 40 * 86400;
		struct tm t1;
		char yday[16], oday[16];
		localtime_r(&y, &t1);
		strftime(yday, sizeof yday, "%Y-%m-%d", &t1);
		localtime_r(&old, &t1);
		strftime(oday, sizeof oday, "%Y-%m-%d", &t1);
		snprintf(body, sizeof body, "{\"action\":\"mail\",\"kind\":\"colis\",\"done_on\":\"%s\"}", yday);
		CHECK_INT(act(&desk, id, body)->status, 200);
		snprintf(body, sizeof body, "{\"action\":\"contact\",\"kind\":\"appel\",\"done_on\":\"%s\"}", oday);
		r = act(&desk, id, body);
		CHECK_INT(r->status, 400);
		CHECK_HAS(r->body, "done_on");
		CHECK_HAS(r->body, "trop ancienne");
		snprintf(body, sizeof body, "{\"action\":\"handover\",\"to\":\"personne\",\"done_on\":\"%s\"}", yday);
		r = act(&desk, id, body);
		CHECK_INT(r->status, 200);
		snprintf(line0, sizeof line0, "\"last_contact_on\":\"%s\"", today);
		CHECK_HAS(r->body, line0); /* a later contact stays the last one */
		snprintf(path, sizeof path, "/domiciliation/%lld/contact", (long long)id);
		snprintf(body, sizeof body, "_csrf=%s&contact_kind=appel&done_on=%s", desk.csrf, oday);
		r = post(&desk, path, body);
		CHECK_INT(r->status, 400);
		CHECK_HAS(r->body, "id=\"f-co-done_on\"");
		snprintf(line0, sizeof line0, "value=\"%s\"", oday);
		CHECK_HAS(r->body, line0); /* what was typed, kept */
		CHECK_HAS(r->body, "href=\"#f-co-done_on\""); /* the summary leads to it */
		/* The list of those expiring within 15 days, as on 20 February 2028. */
		snprintf(line0, sizeof line0, "<td class=\"num\">%lld</td>", num);
		CHECK_HAS(get(&desk, "/domiciliation?liste=expire15&date=2028-02-20")->body, line0);
		CHECK_LACKS(get(&desk, "/domiciliation?liste=expire15&date=2027-06-01")->body, line0);
		/* with a status: the active ones are this list; another status has none in it */
		CHECK_HAS(get(&desk, "/domiciliation?liste=expire15&statut=active&date=2028-02-20")->body, line0);
		CHECK_LACKS(get(&desk, "/domiciliation?liste=expire15&statut=radiee&date=2028-02-20")->body, "<td class=\"num\">");
		CHECK_LACKS(get(&desk, "/domiciliation?liste=sans_contact&statut=refusee")->body, "<td class=\"num\">");
		CHECK_HAS(get(&desk, "/domiciliation?liste=expire15&date=2028-02-31")->body, "AAAA-MM-JJ");
	}

	T_GROUP("striking off");
	CHECK_INT(act(&mgr, id, "{\"action\":\"strike\",\"motive\":\"humeur\"}")->status, 400);
	CHECK_INT(act(&desk, id, "{\"action\":\"strike\",\"motive\":\"demande\"}")->status, 403);
	r = act(&mgr, id, "{\"action\":\"strike\",\"motive\":\"logement_stable\"}");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"status\":\"radiee\"");
	CHECK_INT(act(&desk, id, "{\"action\":\"mail\",\"kind\":\"lettre\"}")->status, 409); /* no mail for a struck-off file */
	snprintf(path, sizeof path, "/domiciliation/%lld/annuler-radiation", (long long)id);
	snprintf(body, sizeof body, "_csrf=%s", mgr.csrf);
	CHECK_INT(post(&mgr, path, body)->status, 303);
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
	CHECK_HAS(get(&mgr, path)->body, "\"status\":\"active\"");

	T_GROUP("refusal");
	int64_t p2 = person(&ins, "Sanslien");
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"requested_on\":\"%s\"}", (long long)p2, today);
	j = J(post_json(&ins, "/api/v1/domiciliations", body));
	int64_t id2 = geti(j, "id");
	json_decref(j);
	snprintf(body, sizeof body, "{\"action\":\"submit\",\"interview_on\":\"%s\",\"interview_place\":\"Accueil\",\"link\":\"\",\"version\":%lld}",
	         today, (long long)version_of(&ins, id2));
	CHECK_INT(act(&ins, id2, body)->status, 400); /* the link criterion must be stated */
	snprintf(path, sizeof path, "/domiciliation/%lld/transmettre", (long long)id2);
	snprintf(body, sizeof body, "_csrf=%s&version=%lld&interview=%s&place=Accueil&link=", ins.csrf, (long long)version_of(&ins, id2), today);
	r = post(&ins, path, body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "critère de lien");
	snprintf(body, sizeof body, "{\"action\":\"submit\",\"interview_on\":\"%s\",\"interview_place\":\"Accueil\",\"link\":\"aucun\",\"version\":%lld}",
	         today, (long long)version_of(&ins, id2));
	CHECK_INT(act(&ins, id2, body)->status, 200);
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"refuser\",\"version\":%lld}", (long long)version_of(&mgr, id2));
	r = act(&mgr, id2, body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "orientation");
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"refuser\",\"orientation\":\"CCAS de la commune de séjour\",\"version\":%lld}",
	         (long long)version_of(&mgr, id2));
	r = act(&mgr, id2, body);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"status\":\"refusee\"");
	CHECK_HAS(r->body, "\"refusal_motive\":\"absence_lien\"");

	T_GROUP("lists and pages");
	r = get(&desk, "/domiciliation?liste=sans_contact");
	CHECK_INT(r->status, 200);
	r = get(&mgr, "/domiciliation?liste=sans_contact");
	CHECK_HAS(r->body, "Radier les personnes cochées");
	r = get(&desk, "/domiciliation");
	CHECK_HAS(r->body, "Sansdomicile Test");
	CHECK_INT(get(&desk, "/domiciliation?liste=expire60")->status, 200);
	CHECK_INT(get(&desk, "/domiciliation?liste=delai")->status, 200);
	snprintf(path, sizeof path, "/domiciliation/%lld", (long long)id);
	CHECK_HAS(get(&desk, path)->body, "Historique");

	T_GROUP("the home page counts, past a thousand");
	{
		/* 1,200 active domiciliations without contact for a year (SQL
		 * straight into the database): the figure is a count. */
		r = get(&desk, "/");
		const char *at = strstr(r->body, "sans contact depuis plus de 3 mois");
		long before = 0;
		if (at) {
			const char *q = at;
			while (q > r->body && q[-1] != '>')
				q--;
			before = atol(q);
		}
		CHECK_INT(db_tamper("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) "
		                    "INSERT INTO domiciliations (structure_id, person_id, household_id, status, requested_on, start_on, end_on, "
		                    "last_contact_on, created_at) SELECT 1, 1, 1, 'active', '2020-01-01', '2099-01-01', '2099-12-31', '2020-01-01', 1 FROM n"),
		          0);
		char want[96];
		snprintf(want, sizeof want, ">%ld sans contact depuis plus de 3 mois", before + 1200);
		CHECK_HAS(get(&desk, "/")->body, want);
		CHECK_INT(db_zero(DAY_COUNTS_AGREE), 0);
		/* Changed by hand too: a contact, an end moved, a striking-off. */
		CHECK_INT(db_tamper("UPDATE domiciliations SET last_contact_on = '2099-01-02' WHERE created_at = 1 AND id % 3 = 0"), 0);
		CHECK_INT(db_tamper("UPDATE domiciliations SET end_on = '2098-06-30' WHERE created_at = 1 AND id % 3 = 1"), 0);
		CHECK_INT(db_tamper("UPDATE domiciliations SET status = 'radiee' WHERE created_at = 1 AND id % 5 = 0"), 0);
		CHECK_INT(db_zero(DAY_COUNTS_AGREE), 0);
		CHECK_INT(db_tamper("DELETE FROM domiciliations WHERE created_at = 1"), 0);
		snprintf(want, sizeof want, ">%ld sans contact depuis plus de 3 mois", before);
		CHECK_HAS(get(&desk, "/")->body, want);
		CHECK_INT(db_zero(DAY_COUNTS_AGREE), 0);
		CHECK_INT(db_zero("SELECT count(*) FROM domi_day_counts WHERE n <= 0"), 0); /* a day at zero is removed */
	}

	T_GROUP("isolation");
	cli bb;
	CHECK(other_structure_manager(&s, &bb), "a manager of another structure");
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)id);
	CHECK_INT(get(&bb, path)->status, 404);
	CHECK_INT(act(&bb, id, "{\"action\":\"strike\",\"motive\":\"demande\"}")->status, 404);
	snprintf(body, sizeof body, "_csrf=%s&kind=lettre&numbers=%lld", bb.csrf, num);
	CHECK_INT(post(&bb, "/domiciliation/courrier", body)->status, 400); /* another structure's number */
	CHECK_LACKS(get(&bb, "/api/v1/domiciliations")->body, "\"id\":");

	T_GROUP("yearly report (structure B, computed by hand)");
	/* Three people in structure B (no demo domiciliations there):
	 *  P1 woman born 1990: link « séjour », alone, expulsion; granted from Y-03-01 → active on Y-12-31;
	 *     mail: 2 letters received and collected in person, then 1 letter waiting.
	 *  P2 man born 1950: link « travail »; granted from Y-06-01, struck off today (stable housing) → not active on Y-12-31.
	 *  P3 woman born 2000: no link; refused with an orientation.
	 * Over year Y: 3 requests, 2 grants (first), 1 refusal, 1 striking-off; mail received 3, handed 2;
	 * contacts: 1 collection in person. Active on Y-12-31: 1 — a woman of 35 to 44, first domiciliation. */
	int Y = tm.tm_year + 1900;
	int64_t ids[3];
	const char *names[3] = {"Rapport-Un", "Rapport-Deux", "Rapport-Trois"};
	const char *sex[3] = {"F", "M", "F"}, *birth[3] = {"1990-05-05", "1950-05-05", "2000-05-05"};
	const char *links[3] = {"sejour", "travail", "aucun"};
	for (int i = 0; i < 3; i++) {
		snprintf(body, sizeof body, "{\"last_name\":\"%s\",\"first_names\":\"X\",\"sex\":\"%s\",\"birth_date\":\"%s\",\"confirm_duplicate\":true}",
		         names[i], sex[i], birth[i]);
		j = J(post_json(&bb, "/api/v1/households", body));
		int64_t p = geti(j, "person_id");
		json_decref(j);
		snprintf(body, sizeof body, "{\"person_id\":%lld,\"requested_on\":\"%d-01-15\",\"household_type\":\"isole\",\"cause\":\"expulsion\"}",
		         (long long)p, Y);
		j = J(post_json(&bb, "/api/v1/domiciliations", body));
		ids[i] = geti(j, "id");
		json_decref(j);
		snprintf(body, sizeof body, "{\"action\":\"submit\",\"interview_on\":\"%d-01-20\",\"interview_place\":\"Accueil\",\"link\":\"%s\",\"version\":%lld}",
		         Y, links[i], (long long)version_of(&bb, ids[i]));
		CHECK_INT(act(&bb, ids[i], body)->status, 200);
	}
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"start_on\":\"%d-03-01\",\"version\":%lld}", Y, (long long)version_of(&bb, ids[0]));
	CHECK_INT(act(&bb, ids[0], body)->status, 200);
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"start_on\":\"%d-06-01\",\"version\":%lld}", Y, (long long)version_of(&bb, ids[1]));
	CHECK_INT(act(&bb, ids[1], body)->status, 200);
	snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"refuser\",\"orientation\":\"Association agréée\",\"version\":%lld}", (long long)version_of(&bb, ids[2]));
	CHECK_INT(act(&bb, ids[2], body)->status, 200);
	CHECK_INT(act(&bb, ids[1], "{\"action\":\"strike\",\"motive\":\"logement_stable\"}")->status, 200);
	CHECK_INT(act(&bb, ids[0], "{\"action\":\"mail\",\"kind\":\"lettre\",\"count\":2}")->status, 200);
	CHECK_INT(act(&bb, ids[0], "{\"action\":\"handover\",\"to\":\"personne\"}")->status, 200);
	CHECK_INT(act(&bb, ids[0], "{\"action\":\"mail\",\"kind\":\"lettre\",\"count\":1}")->status, 200);
	snprintf(path, sizeof path, "/domiciliation/rapport?du=%d-01-01&au=%d-12-31&format=csv", Y, Y);
	r = get(&bb, path);
	CHECK_INT(r->status, 200);
	char line[160];
	/* P1 and P2 were both domiciled during the year (P2 until struck
	 * off); only P1 still is on its last day. */
	CHECK_HAS(r->body, "\"Personnes\";\"Personnes domiciliées au cours de la période\";2");
	snprintf(line, sizeof line, "\"Personnes\";\"dont domiciliées au 31/12/%d\";1", Y);
	CHECK_HAS(r->body, line);
	CHECK_HAS(r->body, "Ayants droit des personnes domiciliées");
	CHECK_HAS(r->body, "\"Par sexe\";\"Femmes\";1");
	CHECK_HAS(r->body, "\"Par sexe\";\"Hommes\";1");
	CHECK_HAS(r->body, "\"Par âge (au dernier jour de la période)\";\"35 à 44 ans\";1");
	CHECK_HAS(r->body, "\"Par âge (au dernier jour de la période)\";\"65 ans et plus\";1");
	CHECK_HAS(r->body, "\"Première domiciliation ou renouvellement\";\"Première domiciliation\";2");
	CHECK_HAS(r->body, "\"Lien avec la commune\";\"Séjour sur la commune\";1");
	CHECK_HAS(r->body, "\"Lien avec la commune\";\"Activité professionnelle\";1");
	CHECK_HAS(r->body, "\"Décisions sur la période\";\"Demandes reçues\";3");
	CHECK_HAS(r->body, "\"Décisions sur la période\";\"Attestations délivrées (première demande)\";2");
	CHECK_HAS(r->body, "\"Décisions sur la période\";\"Refus (première demande)\";1");
	CHECK_HAS(r->body, "\"Radiations par motif\";\"Accès à un logement stable\";1");
	CHECK_HAS(r->body, "\"Courrier sur la période\";\"Plis reçus\";3");
	CHECK_HAS(r->body, "\"Courrier sur la période\";\"Plis remis\";2");
	CHECK_HAS(r->body, "\"Contacts sur la période\";\"Retraits de courrier en personne\";1");
	snprintf(path, sizeof path, "/domiciliation/rapport?du=%d-01-01&au=%d-12-31", Y, Y);
	r = get(&bb, path);
	CHECK_HAS(r->body, "<strong>2</strong> personnes domiciliées au cours de la période, dont 1 au 31/12/");

	snprintf(path, sizeof path, "/domiciliation/rapport?du=%d-01-01&au=%d-12-31&format=pdf", Y, Y);
	{
		char *t = pdf_text(get(&bb, path));
		CHECK_HAS(t, "Rapport d’activité de domiciliation");
		CHECK_HAS(t, "Plis reçus : 3");
		CHECK_HAS(t, "Accès à un logement stable : 1");
		free(t);
	}

	T_GROUP("a past year's report, built by hand: every figure");
	{
		/* P4, a man of 45 on 31/12 of Y-1, couple, errance, social follow-up:
		 *   first domiciliation Y-2-02-01 → Y-1-01-31, renewed Y-1-02-01 → Y-01-31;
		 *   3 letters received Y-1-05-02, handed over in person Y-1-05-06; a visit Y-1-07-01.
		 * P5, a woman of 30 on 31/12 of Y-1, alone, expulsion, living in the commune:
		 *   requested Y-1-03-01, first domiciliation from Y-1-03-10, struck off at her
		 *   request on Y-1-09-30; a parcel received Y-1-04-01, returned Y-1-10-15.
		 * Year Y-1: 2 people domiciled during the year, 1 on its last day; 1 first and
		 * 1 renewal; 1 request received, 1 first attestation, 1 renewal, 1 striking-off;
		 * 4 items received, 3 handed over, 1 returned; 1 collection in person, 1 visit.
		 * (P1 to P3 above belong to year Y only.) */
		int64_t pp[2], dd[2];
		const char *who[2][4] = {{"Passe-Quatre", "M", "-02-10", "suivi"}, {"Passe-Cinq", "F", "-07-01", "sejour"}};
		const int born[2] = {Y - 46, Y - 31};
		const char *req[2] = {"-2-01-10", "-1-03-01"};
		const char *ht[2] = {"couple", "isole"}, *cause[2] = {"errance", "expulsion"};
		for (int i = 0; i < 2; i++) {
			snprintf(body, sizeof body, "{\"last_name\":\"%s\",\"first_names\":\"X\",\"sex\":\"%s\",\"birth_date\":\"%d%s\","
			         "\"confirm_duplicate\":true}", who[i][0], who[i][1], born[i], who[i][2]);
			j = J(post_json(&bb, "/api/v1/households", body));
			pp[i] = geti(j, "person_id");
			json_decref(j);
			int yy = Y - (req[i][1] - '0');
			snprintf(body, sizeof body, "{\"person_id\":%lld,\"requested_on\":\"%d%s\",\"household_type\":\"%s\",\"cause\":\"%s\"}",
			         (long long)pp[i], yy, req[i] + 2, ht[i], cause[i]);
			j = J(post_json(&bb, "/api/v1/domiciliations", body));
			dd[i] = geti(j, "id");
			json_decref(j);
			snprintf(body, sizeof body, "{\"action\":\"submit\",\"interview_on\":\"%d%s\",\"interview_place\":\"Accueil\","
			         "\"link\":\"%s\",\"version\":%lld}", yy, req[i] + 2, who[i][3], (long long)version_of(&bb, dd[i]));
			CHECK_INT(act(&bb, dd[i], body)->status, 200);
		}
		snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"start_on\":\"%d-02-01\",\"version\":%lld}", Y - 2,
		         (long long)version_of(&bb, dd[0]));
		CHECK_INT(act(&bb, dd[0], body)->status, 200);
		snprintf(body, sizeof body, "{\"action\":\"renew\",\"interview_on\":\"%d-01-15\",\"version\":%lld}", Y - 1,
		         (long long)version_of(&bb, dd[0]));
		CHECK_INT(act(&bb, dd[0], body)->status, 200);
		snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"start_on\":\"%d-02-01\",\"version\":%lld}", Y - 1,
		         (long long)version_of(&bb, dd[0]));
		r = act(&bb, dd[0], body);
		CHECK_INT(r->status, 200);
		snprintf(line, sizeof line, "\"start_on\":\"%d-02-01\"", Y - 1);
		CHECK_HAS(r->body, line);
		snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"start_on\":\"%d-03-10\",\"version\":%lld}", Y - 1,
		         (long long)version_of(&bb, dd[1]));
		CHECK_INT(act(&bb, dd[1], body)->status, 200);
		CHECK_INT(act(&bb, dd[1], "{\"action\":\"strike\",\"motive\":\"demande\"}")->status, 200);
		/* What happened on those days, written as it would have been then. */
		char sql[2048];
		snprintf(sql, sizeof sql,
		         "UPDATE domi_events SET on_date = substr(detail, 1, 10) WHERE domiciliation_id IN (%lld, %lld) "
		         " AND kind IN ('accord', 'renouvellement_accorde');"
		         "UPDATE domi_events SET on_date = detail WHERE domiciliation_id IN (%lld, %lld) AND kind = 'demande';"
		         "UPDATE domi_events SET on_date = '%d-01-15' WHERE domiciliation_id = %lld AND kind = 'demande_renouvellement';"
		         "UPDATE domi_events SET on_date = '%d-09-30' WHERE domiciliation_id = %lld AND kind = 'radiation';"
		         "UPDATE domiciliations SET struck_on = '%d-09-30' WHERE id = %lld;"
		         "INSERT INTO domi_mail (structure_id, domiciliation_id, received_on, kind, count, status, done_on, user_id) VALUES "
		         " (2, %lld, '%d-05-02', 'lettre', 3, 'remis', '%d-05-06', 1), (2, %lld, '%d-04-01', 'colis', 1, 'retourne', '%d-10-15', 1);"
		         "INSERT INTO domi_contacts (structure_id, domiciliation_id, on_date, kind, user_id) VALUES "
		         " (2, %lld, '%d-05-06', 'courrier_en_personne', 1), (2, %lld, '%d-07-01', 'visite', 1)",
		         (long long)dd[0], (long long)dd[1], (long long)dd[0], (long long)dd[1], Y - 1, (long long)dd[0], Y - 1,
		         (long long)dd[1], Y - 1, (long long)dd[1], (long long)dd[0], Y - 1, Y - 1, (long long)dd[1], Y - 1, Y - 1,
		         (long long)dd[0], Y - 1, (long long)dd[0], Y - 1);
		CHECK_INT(db_tamper(sql), 0);
		snprintf(path, sizeof path, "/domiciliation/rapport?du=%d-01-01&au=%d-12-31&format=csv", Y - 1, Y - 1);
		r = get(&bb, path);
		CHECK_INT(r->status, 200);
		static const char *const expect[] = {
			"\"Personnes\";\"Personnes domiciliées au cours de la période\";2",
			"\"Personnes\";\"Ayants droit des personnes domiciliées au cours de la période\";0",
			"\"Par sexe\";\"Hommes\";1", "\"Par sexe\";\"Femmes\";1",
			"\"Par âge (au dernier jour de la période)\";\"45 à 54 ans\";1",
			"\"Par âge (au dernier jour de la période)\";\"25 à 34 ans\";1",
			"\"Première domiciliation ou renouvellement\";\"Renouvellement\";1",
			"\"Première domiciliation ou renouvellement\";\"Première domiciliation\";1",
			"\"Composition du ménage\";\"Couple sans enfant\";1", "\"Composition du ménage\";\"Personne isolée\";1",
			"\"Cause de l’instabilité du logement\";\"Errance\";1",
			"\"Cause de l’instabilité du logement\";\"Expulsion locative\";1",
			"\"Lien avec la commune\";\"Suivi social ou d’insertion\";1", "\"Lien avec la commune\";\"Séjour sur la commune\";1",
			"\"Décisions sur la période\";\"Demandes reçues\";1",
			"\"Décisions sur la période\";\"Attestations délivrées (première demande)\";1",
			"\"Décisions sur la période\";\"Attestations délivrées (renouvellement)\";1",
			"\"Radiations par motif\";\"À la demande de la personne\";1",
			"\"Courrier sur la période\";\"Plis reçus\";4", "\"Courrier sur la période\";\"Plis remis\";3",
			"\"Courrier sur la période\";\"Plis retournés à l’expéditeur\";1",
			"\"Contacts sur la période\";\"Retraits de courrier en personne\";1", "\"Contacts sur la période\";\"Visites\";1",
		};
		for (int i = 0; i < (int)(sizeof expect / sizeof *expect); i++)
			CHECK_HAS(r->body, expect[i]);
		snprintf(line, sizeof line, "\"Personnes\";\"dont domiciliées au 31/12/%d\";1", Y - 1);
		CHECK_HAS(r->body, line);
		CHECK_LACKS(r->body, "Refus");
		/* Exactly these lines: nothing else counted. */
		int lines = 0;
		for (const char *c = r->body; *c; c++)
			lines += *c == '\n';
		CHECK_INT(lines, 2 + 3 + (int)(sizeof expect / sizeof *expect) - 2);
		/* The year before: P4 alone, a first domiciliation, still valid on 31/12. */
		snprintf(path, sizeof path, "/domiciliation/rapport?du=%d-01-01&au=%d-12-31&format=csv", Y - 2, Y - 2);
		r = get(&bb, path);
		CHECK_HAS(r->body, "\"Personnes\";\"Personnes domiciliées au cours de la période\";1");
		snprintf(line, sizeof line, "\"Personnes\";\"dont domiciliées au 31/12/%d\";1", Y - 2);
		CHECK_HAS(r->body, line);
		CHECK_HAS(r->body, "\"Première domiciliation ou renouvellement\";\"Première domiciliation\";1");
	}

	T_GROUP("the demo's mail is consistent with its domiciliations");
	/* No item received outside a period of validity, none after a
	 * striking-off, no hand-over before the arrival. */
	CHECK_INT(db_zero("SELECT count(*) FROM domi_mail m WHERE m.structure_id = 1 AND NOT EXISTS (SELECT 1 FROM domi_periods p "
	                  "WHERE p.domiciliation_id = m.domiciliation_id AND p.start_on <= m.received_on AND p.end_on >= m.received_on)"), 0);
	CHECK_INT(db_zero("SELECT count(*) FROM domi_mail m JOIN domiciliations d ON d.id = m.domiciliation_id "
	                  "WHERE m.structure_id = 1 AND d.struck_on IS NOT NULL AND m.received_on > d.struck_on"), 0);
	CHECK_INT(db_zero("SELECT count(*) FROM domi_mail WHERE structure_id = 1 AND done_on < received_on"), 0);
	CHECK_INT(db_zero("SELECT count(*) FROM domi_mail WHERE structure_id = 1 AND done_on > '2999-01-01'"), 0);
	CHECK(db_zero("SELECT count(*) FROM domi_mail WHERE structure_id = 1") != 0, "the demo has mail to check");

	T_GROUP("the counts by day agree with the domiciliations after every action of this test");
	CHECK_INT(db_zero(DAY_COUNTS_AGREE), 0);
	CHECK(db_zero("SELECT count(*) FROM domi_day_counts WHERE structure_id = 1") != 0, "the demo's active domiciliations are counted");

	T_GROUP("documents (PDF text extracted)");
	snprintf(path, sizeof path, "/domiciliation/%lld/attestation.pdf", (long long)ids[0]);
	r = get(&bb, path);
	CHECK(r->status == 200 && r->len > 1000 && !memcmp(r->body, "%PDF", 4), "attestation is a PDF (%ld, %zu bytes)", r->status, r->len);
	char *txt = pdf_text(r);
	CHECK_HAS(txt, "ATTESTATION D’ÉLECTION DE DOMICILE");
	CHECK_HAS(txt, "cerfa N° 16030*01");
	/* The cerfa's blocks, in its order. */
	{
		const char *blocks[] = {"L’organisme domiciliataire", "atteste que la personne", "a élu domicile auprès de l’organisme",
		                        "Validité de l’élection de domicile", "Fait à Hauts-de-Rivière, le"};
		const char *at = txt;
		for (int i = 0; i < 5; i++) {
			const char *f = strstr(at, blocks[i]);
			CHECK(f != NULL, "block « %s » after the previous one", blocks[i]);
			if (f)
				at = f;
		}
	}
	CHECK_HAS(txt, "Nom et fonction du responsable : Paul Técher, Directeur du CIAS");
	CHECK_HAS(txt, "Sexe : ☒ Féminin ☐ Masculin");
	CHECK_HAS(txt, "Nom d’usage : Rapport-Un");
	CHECK_HAS(txt, "Date de naissance : 05/05/1990");
	char line2[96];
	snprintf(line2, sizeof line2, "Date de début de validité : 01/03/%d", Y);
	CHECK_HAS(txt, line2);
	snprintf(line2, sizeof line2, "Date de fin de validité : 28/02/%d", Y + 1);
	CHECK_HAS(txt, line2);
	CHECK_HAS(txt, "première élection de domicile");
	CHECK_HAS(txt, "CIAS des Hauts-de-Rivière");
	free(txt);
	snprintf(path, sizeof path, "/domiciliation/%lld/demande.pdf", (long long)ids[0]);
	txt = pdf_text(get(&bb, path));
	CHECK_HAS(txt, "DEMANDE D’ÉLECTION DE DOMICILE");
	CHECK_HAS(txt, "cerfa N° 16029*01");
	CHECK_HAS(txt, "Type de demande : ☒ Première demande");
	CHECK_HAS(txt, "☐ Renouvellement");
	CHECK_HAS(txt, "Lien avec la commune (article R. 264-4) : séjour sur le territoire de la commune");
	CHECK_HAS(txt, "☒ Élection de domicile acceptée");
	snprintf(line2, sizeof line2, "Date de la demande : 15/01/%d", Y);
	CHECK_HAS(txt, line2);
	free(txt);
	snprintf(path, sizeof path, "/domiciliation/%lld/refus.pdf", (long long)ids[2]);
	txt = pdf_text(get(&bb, path));
	CHECK_HAS(txt, "Décision de refus");
	CHECK_HAS(txt, "L264-4");
	CHECK_HAS(txt, "Association agréée");
	CHECK_HAS(txt, "R421-5");
	CHECK_HAS(txt, "deux mois");
	free(txt);
	snprintf(path, sizeof path, "/domiciliation/%lld/radiation.pdf", (long long)ids[1]);
	txt = pdf_text(get(&bb, path));
	CHECK_HAS(txt, "Décision de radiation");
	CHECK_HAS(txt, "logement stable");
	CHECK_HAS(txt, "recours gracieux");
	free(txt);
	snprintf(path, sizeof path, "/domiciliation/%lld/attestation.pdf", (long long)ids[2]);
	CHECK_INT(get(&bb, path)->status, 409); /* no attestation for a refusal */
	/* The number, as a barcode a scanner reads, on the attestation and the card. */
	{
		snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)ids[0]);
		j = J(get(&bb, path));
		long long n0 = (long long)geti(j, "number");
		json_decref(j);
		char want[40];
		snprintf(want, sizeof want, "CODE-128:%lld\n", n0);
		snprintf(path, sizeof path, "/domiciliation/%lld/attestation.pdf", (long long)ids[0]);
		r = get(&bb, path);
		char *codes = pdf_barcodes(r);
		CHECK_STR(codes, want);
		free(codes);
		txt = pdf_text(r);
		snprintf(want, sizeof want, "Domiciliation n° %lld", n0);
		CHECK_HAS(txt, want);
		free(txt);
		snprintf(path, sizeof path, "/domiciliation/%lld/carte.pdf", (long long)ids[0]);
		r = get(&bb, path);
		CHECK_INT(r->status, 200);
		codes = pdf_barcodes(r);
		snprintf(want, sizeof want, "CODE-128:%lld\n", n0);
		CHECK_STR(codes, want);
		free(codes);
		snprintf(path, sizeof path, "/domiciliation/%lld/carte.pdf", (long long)ids[2]);
		CHECK_INT(get(&bb, path)->status, 409);
	}
	/* No attestation, form or letter without the structure's address. */
	CHECK_INT(db_tamper("UPDATE structures SET address = '' WHERE id = 2"), 0);
	static const char *const docs[] = {"attestation", "demande", "carte"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/domiciliation/%lld/%s.pdf", (long long)ids[0], docs[i]);
		r = get(&bb, path);
		CHECK_INT(r->status, 409);
		CHECK_HAS(r->body, "L’adresse de la structure n’est pas renseignée");
	}
	snprintf(path, sizeof path, "/domiciliation/%lld/refus.pdf", (long long)ids[2]);
	CHECK_INT(get(&bb, path)->status, 409);
	CHECK_INT(db_tamper("UPDATE structures SET address = '1 rue des Écoles\n97480 Hauts-de-Rivière', signatory_name = '' WHERE id = 2"), 0);
	snprintf(path, sizeof path, "/domiciliation/%lld/attestation.pdf", (long long)ids[0]);
	r = get(&bb, path);
	CHECK_INT(r->status, 409);
	CHECK_HAS(r->body, "signataire");
	CHECK_INT(db_tamper("UPDATE structures SET signatory_name = 'Paul Técher' WHERE id = 2"), 0);
	/* A dependant appears on the attestation. */
	snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)ids[0]);
	j = J(get(&bb, path));
	int64_t hh = geti(j, "household_id");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/households/%lld/members", (long long)hh);
	CHECK_INT(post_json(&bb, path, "{\"last_name\":\"Rapport-Un\",\"first_names\":\"Petit\",\"birth_date\":\"2019-09-09\",\"relation\":\"enfant\"}")->status, 201);
	snprintf(path, sizeof path, "/domiciliation/%lld/attestation.pdf", (long long)ids[0]);
	txt = pdf_text(get(&bb, path));
	CHECK_HAS(txt, "Rapport-Un Petit, né(e) le 09/09/2019"); /* sex not recorded */
	free(txt);
	/* A provisional attestation while the request is instructed. */
	j = J(post_json(&bb, "/api/v1/households", "{\"last_name\":\"Provisoire\",\"first_names\":\"Paul\",\"confirm_duplicate\":true}"));
	int64_t pp = geti(j, "person_id");
	json_decref(j);
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"requested_on\":\"%s\"}", (long long)pp, today);
	j = J(post_json(&bb, "/api/v1/domiciliations", body));
	snprintf(path, sizeof path, "/domiciliation/%lld/provisoire.pdf", (long long)geti(j, "id"));
	json_decref(j);
	txt = pdf_text(get(&bb, path));
	CHECK_HAS(txt, "Attestation provisoire");
	CHECK_HAS(txt, "Paul Provisoire");
	CHECK_HAS(txt, "ne vaut pas élection de domicile");
	free(txt);
	snprintf(path, sizeof path, "/domiciliation/%lld/attestation.pdf", (long long)ids[0]);
	CHECK_INT(get(&mgr, path)->status, 404); /* another structure's document */
	T_GROUP("notifications: sent by SMTP and by an SMS gateway, retried, their state on the file");
	{
		/* A real SMTP server and an HTTP sink standing for the SMS gateway,
		 * which answers 503 to its first request. */
		char sdir[600], hdir[600], keyf[620], setting[256];
		snprintf(sdir, sizeof sdir, "%s.smtp", fresh_url + (strncmp(fresh_url, "sqlite:", 7) ? 0 : 7));
		snprintf(hdir, sizeof hdir, "%s.sms", fresh_url + (strncmp(fresh_url, "sqlite:", 7) ? 0 : 7));
		if (strncmp(fresh_url, "sqlite:", 7)) { /* PostgreSQL: a path of our own */
			snprintf(sdir, sizeof sdir, "/tmp/openccas-smtp-%d", (int)getpid());
			snprintf(hdir, sizeof hdir, "/tmp/openccas-sms-%d", (int)getpid());
		}
		snprintf(keyf, sizeof keyf, "%s.key", hdir);
		int sport = sink_start("smtp", sdir, NULL), hport = sink_start("http", hdir, "1");
		CHECK(sport > 0 && hport > 0, "the SMTP server and the SMS sink listen");
		FILE *kf = fopen(keyf, "w");
		if (kf) {
			fputs("Bearer cle-de-test\n", kf);
			fclose(kf);
		}
		snprintf(setting, sizeof setting, "smtp://127.0.0.1:%d", sport);
		setenv("OPENCCAS_SMTP_URL", setting, 1);
		setenv("OPENCCAS_SMTP_FROM", "ccas@example.org", 1);
		snprintf(setting, sizeof setting, "http://127.0.0.1:%d/sms", hport);
		setenv("OPENCCAS_SMS_URL", setting, 1);
		setenv("OPENCCAS_SMS_AUTH_FILE", keyf, 1);
		setenv("OPENCCAS_SMS_SENDER", "CCAS", 1);

		/* P1 has one letter waiting; she accepts SMS: one notice, and only one a day. */
		snprintf(path, sizeof path, "/api/v1/domiciliations/%lld", (long long)ids[0]);
		j = J(get(&bb, path));
		int64_t p1 = geti(j, "person_id"), h1 = geti(j, "household_id");
		json_decref(j);
		char cmd[700], out[2048], page[64];
		snprintf(cmd, sizeof cmd, "%s notify --send --db '%s' 2>/dev/null", bin_path(), fresh_url);
		snprintf(page, sizeof page, "/foyers/%lld", (long long)h1);
#define NOTIFY_RUN() do { FILE *np = popen(cmd, "r"); size_t nn = np ? fread(out, 1, sizeof out - 1, np) : 0; \
		out[nn] = 0; if (np) pclose(np); } while (0)
		NOTIFY_RUN();
		CHECK_HAS(out, "0 avis préparé(s) ; 0 envoyé(s)"); /* no consent yet */
		snprintf(path, sizeof path, "/api/v1/persons/%lld", (long long)p1);
		CHECK_INT(post_json(&bb, path, "{\"last_name\":\"Rapport-Un\",\"first_names\":\"X\",\"sex\":\"F\",\"birth_date\":\"1990-05-05\","
		                             "\"phone\":\"0692 00 00 01\",\"consent_sms\":true,\"version\":1}")->status, 200);
		NOTIFY_RUN();
		CHECK_HAS(out, "1 avis préparé(s) ; 0 envoyé(s), 1 à réessayer"); /* the gateway was busy */
		r = get(&bb, page);
		CHECK_HAS(r->body, "Avis envoyés (SMS, e-mail)");
		CHECK_HAS(r->body, "nouvel essai prévu (1 essai) : passerelle SMS indisponible (code 503)");
		NOTIFY_RUN();
		CHECK_HAS(out, "0 avis préparé(s) ; 1 envoyé(s), 0 à réessayer"); /* once a day; the retry went through */
		char f[700];
		snprintf(f, sizeof f, "%s/1.txt", hdir);
		const char *got = file_text(f);
		CHECK_HAS(got, "PATH: /sms");
		CHECK_HAS(got, "Authorization: Bearer cle-de-test");
		CHECK_HAS(got, "Content-Type: application/json");
		CHECK_HAS(got, "\"to\":\"+262692000001\""); /* a Réunion mobile, in international form */
		CHECK_HAS(got, "courrier(s) en attente");
		CHECK_HAS(got, "\"sender\":\"CCAS\"");
		CHECK_HAS(get(&bb, page)->body, "<strong>envoyé le ");
		NOTIFY_RUN();
		CHECK_HAS(out, "0 avis préparé(s) ; 0 envoyé(s), 0 à réessayer");

		/* By e-mail: one address the server takes, one it refuses (for good: no retry). */
		const char *mails[2] = {"lea.courrier@example.org", "refuse@example.org"};
		int64_t homes[2] = {0, 0};
		for (int k = 0; k < 2; k++) {
			snprintf(body, sizeof body, "{\"last_name\":\"Avis-%d\",\"first_names\":\"Léa\",\"confirm_duplicate\":true}", k);
			j = J(post_json(&bb, "/api/v1/households", body));
			int64_t pk = geti(j, "person_id");
			homes[k] = geti(j, "household_id");
			json_decref(j);
			snprintf(path, sizeof path, "/api/v1/persons/%lld", (long long)pk);
			snprintf(body, sizeof body, "{\"last_name\":\"Avis-%d\",\"first_names\":\"Léa\",\"email\":\"%s\",\"consent_email\":true,\"version\":1}",
			         k, mails[k]);
			CHECK_INT(post_json(&bb, path, body)->status, 200);
			snprintf(body, sizeof body, "{\"person_id\":%lld,\"requested_on\":\"%s\",\"household_type\":\"isole\"}", (long long)pk, today);
			j = J(post_json(&bb, "/api/v1/domiciliations", body));
			int64_t dk = geti(j, "id");
			json_decref(j);
			snprintf(body, sizeof body, "{\"action\":\"submit\",\"interview_on\":\"%s\",\"interview_place\":\"Accueil\",\"link\":\"sejour\","
			         "\"version\":%lld}", today, (long long)version_of(&bb, dk));
			CHECK_INT(act(&bb, dk, body)->status, 200);
			snprintf(body, sizeof body, "{\"action\":\"decide\",\"outcome\":\"accepter\",\"start_on\":\"%s\",\"version\":%lld}", today,
			         (long long)version_of(&bb, dk));
			CHECK_INT(act(&bb, dk, body)->status, 200);
			CHECK_INT(act(&bb, dk, "{\"action\":\"mail\",\"kind\":\"colis\",\"count\":1}")->status, 200);
		}
		NOTIFY_RUN();
		CHECK_HAS(out, "2 avis préparé(s) ; 1 envoyé(s), 0 à réessayer, 1 non envoyé(s)");
		snprintf(f, sizeof f, "%s/1.txt", sdir);
		got = file_text(f);
		CHECK_HAS(got, "RCPT TO: lea.courrier@example.org");
		CHECK_HAS(got, "From: ccas@example.org");
		CHECK_HAS(got, "Subject: =?UTF-8?B?"); /* « Courrier en attente », encoded */
		CHECK_HAS(got, "Content-Type: text/plain; charset=UTF-8");
		CHECK_HAS(got, "1 courrier(s) en attente");
		snprintf(path, sizeof path, "/foyers/%lld", (long long)homes[1]);
		CHECK_HAS(get(&bb, path)->body, "non envoyé : le serveur de messagerie a refusé le message (code 550)");
		NOTIFY_RUN();
		CHECK_HAS(out, "0 avis préparé(s) ; 0 envoyé(s), 0 à réessayer, 0 non envoyé(s)"); /* a refusal is not retried */
		/* The person's data export lists the notices. */
		snprintf(path, sizeof path, "/api/v1/persons/%lld/subject-access", (long long)p1);
		r = get(&bb, path);
		CHECK_HAS(r->body, "\"notices\"");
		CHECK_HAS(r->body, "\"status\":\"envoye\"");
		/* A wrong setting is said, and nothing is sent. */
		setenv("OPENCCAS_SMTP_FROM", "pas-une-adresse", 1);
		snprintf(cmd, sizeof cmd, "%s notify --send --db '%s' 2>&1", bin_path(), fresh_url);
		NOTIFY_RUN();
		CHECK_HAS(out, "OPENCCAS_SMTP_FROM doit être l’adresse e-mail de l’expéditeur");
#undef NOTIFY_RUN
		const char *const vars[] = {"OPENCCAS_SMTP_URL", "OPENCCAS_SMTP_FROM", "OPENCCAS_SMS_URL", "OPENCCAS_SMS_AUTH_FILE", "OPENCCAS_SMS_SENDER"};
		for (int k = 0; k < 5; k++)
			unsetenv(vars[k]);
	}

	T_GROUP("the yearly report as a workbook (imports and exports: http/import.c)");
	{
		snprintf(path, sizeof path, "/domiciliation/rapport?du=%d-01-01&au=%d-12-31&format=xlsx", Y, Y);
		r = get(&bb, path);
		CHECK(r->status == 200 && r->len > 1000 && !memcmp(r->body, "PK\x03\x04", 4), "XLSX report (%ld)", r->status);
	}

	T_GROUP("retention: an active domiciliation holds its household");
	{
		/* In ten years every file of this test is past its durations, but a
		 * household with a domiciliation in progress is never archived. */
		char cmd[700], out[8192] = "";
		snprintf(cmd, sizeof cmd, "%s purge --dry-run --db '%s' --date %d-01-01", bin_path(), fresh_url, Y + 10);
		FILE *p = popen(cmd, "r");
		size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
		out[n] = 0;
		int rc = p ? pclose(p) : -1;
		CHECK_INT(rc, 0);
		CHECK_HAS(out, "à archiver");
		CHECK_HAS(out, "rien n’est modifié");
	}
	cli_free(&bb);

	cli_free(&ins);
	cli_free(&mgr);
	cli_free(&mgr2);
	cli_free(&desk);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	curl_global_cleanup();
	return T_DONE();
}
