/* HTTP tests of social housing requests: the numéro unique's form and
 * uniqueness, the yearly renewal (a request not renewed lapses), the
 * proposals and their outcome (a refusal says why, an allocation ends the
 * request), striking off, the lists (renewals, pending proposals, the
 * département's « délai anormalement long »), their CSV, the household
 * and home pages, roles, versions, reminders and isolation. */
#define T_NAME "http-housing"
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

/* A proposal received for the request at path (its version *ver, then the new one): the proposal's number, 0 if refused. */
static int64_t propose(cli *k, const char *path, const char *landlord, const char *address, int64_t *ver)
{
	char body[300];
	snprintf(body, sizeof body, "{\"action\":\"proposition\",\"landlord\":\"%s\",\"address\":\"%s\",\"version\":%lld}", landlord,
	         address, (long long)*ver);
	resp *r = post_json(k, path, body);
	if (r->status != 200)
		return 0;
	json_t *j = json_loads(r->body, 0, NULL);
	int64_t id = json_integer_value(json_object_get(json_array_get(json_object_get(j, "proposals"), 0), "id"));
	*ver = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return id;
}

/* The day n days from today (negative: before), ISO. */
static void day(char out[11], int n)
{
	time_t t = time(NULL) + (time_t)n * 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The active requests counted by day and month of expiry and of filing (housing/4), made again from the requests. */
#define HOUSING_RECOUNT                                                                                                    \
	"SELECT structure_id, 'expires' AS what, expires_on AS day, count(*) AS n FROM housing_requests "                   \
	"WHERE status = 'active' AND expires_on IS NOT NULL GROUP BY 1, 3 "                                                    \
	"UNION ALL SELECT structure_id, 'expires/m', substr(expires_on, 1, 7), count(*) FROM housing_requests "               \
	"WHERE status = 'active' AND expires_on IS NOT NULL GROUP BY 1, 3 "                                                    \
	"UNION ALL SELECT structure_id, 'filed', filed_on, count(*) FROM housing_requests "                                   \
	"WHERE status = 'active' AND filed_on IS NOT NULL GROUP BY 1, 3 "                                                      \
	"UNION ALL SELECT structure_id, 'filed/m', substr(filed_on, 1, 7), count(*) FROM housing_requests "                   \
	"WHERE status = 'active' AND filed_on IS NOT NULL GROUP BY 1, 3"
#define HOUSING_COUNTS_AGREE KEPT_AGREE(HOUSING_RECOUNT, "housing_counts")

/* The requests with a pending proposal (housing/3), by request and by structure, are the table's own. */
#define HOUSING_PENDING_AGREE                                                                                              \
	"SELECT (SELECT count(*) FROM (SELECT structure_id, request_id, count(*) AS n FROM housing_proposals "                 \
	"WHERE outcome = 'attente' GROUP BY structure_id, request_id) t FULL OUTER JOIN (SELECT * FROM housing_pending "        \
	"WHERE n <> 0) c ON c.structure_id = t.structure_id AND c.request_id = t.request_id WHERE t.n IS DISTINCT FROM c.n) + " \
	"(SELECT count(*) FROM (SELECT structure_id, count(DISTINCT request_id) AS n FROM housing_proposals "                  \
	"WHERE outcome = 'attente' GROUP BY structure_id) t FULL OUTER JOIN (SELECT * FROM housing_pending_counts "             \
	"WHERE n <> 0) c ON c.structure_id = t.structure_id WHERE t.n IS DISTINCT FROM c.n)"

/* The home page's figure after `href` (-1: not shown). */
static long long home_figure(cli *k, const char *href)
{
	const char *b = get(k, "/")->body, *at = b ? strstr(b, href) : NULL;
	long long n = -1;
	if (!at || sscanf(at + strlen(href), "%lld", &n) != 1)
		n = -1;
	return n;
}

/* The home page's « N au-delà du délai anormalement long » (-1: not shown). */
static long long home_long_wait(cli *k)
{
	const char *b = get(k, "/")->body, *at = b ? strstr(b, "<a href=\"/logement?liste=attente_longue\">") : NULL;
	long long n = -1;
	if (!at || sscanf(at + strlen("<a href=\"/logement?liste=attente_longue\">"), "%lld", &n) != 1)
		n = -1;
	return n;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	setenv("TZ", "Indian/Reunion", 1); /* the demo structure's zone */
	tzset();
	char today[11], d350[11], d900[11], d500[11], d30[11];
	day(today, 0), day(d350, -350), day(d900, -900), day(d500, -500), day(d30, 30);
	srv s;
	if (!srv_start(&s, "housing")) {
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

	T_GROUP("a request: the numéro unique checked, normalised, unique");
	json_t *j = J(post_json(&soc, "/api/v1/households", "{\"last_name\":\"Logis\",\"first_names\":\"Marie\",\"confirm_duplicate\":true}"));
	int64_t hid = geti(j, "household_id"), pid = geti(j, "person_id");
	json_decref(j);
	CHECK(hid > 0 && pid > 0, "a household");
	static const char *const bad[] = {"12345", "9990324123456789A", "0751324123456789A", "075032412345678901234", "0750324-12345 é7890A",
	                                  "0200324123456789A"};
	for (int i = 0; i < (int)(sizeof bad / sizeof *bad); i++) {
		snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"%s\"}", (long long)hid, bad[i]);
		resp *r = post_json(&soc, "/api/v1/housing/requests", body);
		CHECK_INT(r->status, 400);
		CHECK_HAS(r->body, "numéro unique");
	}
	/* The two forms real attestations print (departmental letters, all digits) are taken. */
	static const char *const real[] = {"0590423808575GDPUB", "059102384157559900"};
	for (int k = 0; k < 2; k++) {
		json_t *hk = J(post_json(&soc, "/api/v1/households", "{\"last_name\":\"Numero\",\"first_names\":\"Vrai\",\"confirm_duplicate\":true}"));
		snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"%s\"}", (long long)geti(hk, "household_id"), real[k]);
		json_decref(hk);
		CHECK_INT(post_json(&soc, "/api/v1/housing/requests", body)->status, 201);
	}
	snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"974 0324 12345 67890 a\",\"filed_on\":\"%s\",\"size\":\"T3\","
	                            "\"persons\":3,\"priority\":[\"sans_logement\",\"dalo\"],\"contingent\":\"prefecture\","
	                            "\"communes\":\"Le Port, La Possession\"}", (long long)hid, d350);
	CHECK_INT(post_json(&desk, "/api/v1/housing/requests", body)->status, 403); /* the reception reads, does not record */
	resp *r = post_json(&soc, "/api/v1/housing/requests", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t q1 = geti(j, "id");
	CHECK_STR(gets_(j, "number"), "97403241234567890A");
	CHECK_STR(gets_(j, "renewed_on"), d350);
	CHECK_STR(gets_(j, "status"), "active");
	CHECK(json_is_false(json_object_get(j, "lapsed")), "not lapsed");
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "priorities"), 0)), "dalo"); /* in the list's order */
	CHECK_INT(json_integer_value(json_object_get(j, "persons")), 3);
	json_decref(j);
	r = post_json(&soc, "/api/v1/housing/requests", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "déjà celui d’une demande");
	snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"0750324123456789B\",\"filed_on\":\"2099-01-01\"}", (long long)hid);
	CHECK_HAS(post_json(&soc, "/api/v1/housing/requests", body)->body, "filed_on"); /* never in the future */
	snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"0750324123456789B\",\"filed_on\":\"%s\"}", (long long)hid, d500);
	r = post_json(&soc, "/api/v1/housing/requests", body);
	CHECK_INT(r->status, 400); /* not renewed for more than a year: struck off */
	CHECK_HAS(r->body, "radiée");
	snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"0750324123456789B\",\"filed_on\":\"%s\",\"renewed_on\":\"%s\",\"size\":\"T9\"}",
	         (long long)hid, d900, d350);
	CHECK_HAS(post_json(&soc, "/api/v1/housing/requests", body)->body, "size");
	snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"0750324123456789B\",\"filed_on\":\"%s\",\"renewed_on\":\"%s\",\"size\":\"T2\"}",
	         (long long)hid, d900, d350);
	j = J(post_json(&soc, "/api/v1/housing/requests", body));
	int64_t q2 = geti(j, "id");
	json_decref(j);
	CHECK(q2 > 0, "a request filed 900 days ago, renewed 350 days ago");
	/* The page's form keeps what was typed when refused. */
	snprintf(body, sizeof body, "_csrf=%s&household=%lld&version=0&number=12&filed_on=%s&communes=Saint-Paul&priority=violences", soc.csrf,
	         (long long)hid, today);
	r = post(&soc, "/logement", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Le numéro unique est celui de l’attestation");
	CHECK_HAS(r->body, "value=\"Saint-Paul\"");
	CHECK_HAS(r->body, "value=\"violences\" checked");

	T_GROUP("renewal: one more year; a stale version is refused");
	snprintf(path, sizeof path, "/api/v1/housing/requests/%lld", (long long)q1);
	snprintf(body, sizeof body, "{\"action\":\"renouveler\",\"renewed_on\":\"%s\",\"version\":1}", today);
	r = post_json(&soc, path, body);
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK_STR(gets_(j, "renewed_on"), today);
	CHECK(strncmp(gets_(j, "expires_on"), today, 4) > 0, "expires a year later");
	CHECK_STR(gets_(j, "filed_on"), d350); /* the seniority stays */
	json_decref(j);
	CHECK_INT(post_json(&soc, path, body)->status, 409);
	snprintf(body, sizeof body, "{\"action\":\"renouveler\",\"renewed_on\":\"2099-01-01\",\"version\":2}");
	CHECK_INT(post_json(&soc, path, body)->status, 400);

	T_GROUP("proposals: a refusal says why, an allocation ends the request");
	snprintf(body, sizeof body, "/logement/%lld", (long long)q1);
	r = get(&soc, body);
	CHECK_HAS(r->body, "<option value=\"SIDR, agence Ouest\">"); /* the directory's landlords suggested */
	r = post_json(&soc, path, "{\"action\":\"proposition\",\"landlord\":\"SIDR\",\"version\":2}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "address");
	snprintf(body, sizeof body, "{\"action\":\"proposition\",\"landlord\":\"SIDR\",\"address\":\"4 rue des Lilas, Le Port\",\"size\":\"T3\","
	                            "\"rent\":\"412,50\",\"commission_on\":\"%s\",\"version\":2}", d30);
	j = J(post_json(&soc, path, body));
	json_t *props = json_object_get(j, "proposals");
	int64_t p1 = geti(json_array_get(props, 0), "id");
	CHECK_INT(geti(json_array_get(props, 0), "rent_cents"), 41250);
	CHECK_STR(gets_(json_array_get(props, 0), "outcome"), "attente");
	int64_t ver = geti(j, "version");
	json_decref(j);
	CHECK(p1 > 0, "a proposal pending");
	/* The home page's pending proposals are the table's (kept by triggers, housing/3), whoever writes, one row or
	 * many a statement. */
	{
		char sql[1024];
		CHECK_INT(db_zero(HOUSING_PENDING_AGREE), 0);
		long long shown = home_figure(&soc, "<a href=\"/logement?liste=propositions\">");
		snprintf(sql, sizeof sql, "SELECT abs(%lld - (SELECT count(DISTINCT request_id) FROM housing_proposals WHERE outcome = 'attente' "
		                          "AND structure_id = (SELECT structure_id FROM housing_requests WHERE id = %lld)))", shown, (long long)q1);
		CHECK(shown >= 1, "the home page shows the pending proposals (%lld)", shown);
		CHECK_INT(db_zero(sql), 0);
		snprintf(sql, sizeof sql, "INSERT INTO housing_proposals (structure_id, request_id, landlord, address, received_on, outcome, created_by, "
		                          "created_at) SELECT structure_id, request_id, 'SEMADER', 'à la main', received_on, 'attente', created_by, created_at "
		                          "FROM housing_proposals WHERE id = %lld", (long long)p1);
		CHECK_INT(db_tamper(sql), 0);
		CHECK_INT(db_zero(HOUSING_PENDING_AGREE), 0);
		CHECK_INT(home_figure(&soc, "<a href=\"/logement?liste=propositions\">"), shown); /* the same request: still one */
		snprintf(sql, sizeof sql, "UPDATE housing_proposals SET outcome = 'annulee' WHERE request_id = %lld AND outcome = 'attente'", (long long)q1);
		CHECK_INT(db_tamper(sql), 0); /* both in one statement */
		CHECK_INT(db_zero(HOUSING_PENDING_AGREE), 0);
		CHECK_INT(home_figure(&soc, "<a href=\"/logement?liste=propositions\">"), shown > 1 ? shown - 1 : -1);
		snprintf(sql, sizeof sql, "UPDATE housing_proposals SET outcome = 'attente' WHERE request_id = %lld", (long long)q1);
		CHECK_INT(db_tamper(sql), 0);
		CHECK_INT(db_zero(HOUSING_PENDING_AGREE), 0);
		snprintf(sql, sizeof sql, "DELETE FROM housing_proposals WHERE request_id = %lld AND id <> %lld", (long long)q1, (long long)p1);
		CHECK_INT(db_tamper(sql), 0);
		CHECK_INT(db_zero(HOUSING_PENDING_AGREE), 0);
		CHECK_INT(home_figure(&soc, "<a href=\"/logement?liste=propositions\">"), shown);
	}
	r = get(&soc, "/logement?liste=propositions");
	snprintf(body, sizeof body, "href=\"/logement/%lld\"", (long long)q1);
	CHECK_HAS(r->body, body);
	snprintf(body, sizeof body, "{\"action\":\"issue\",\"proposal\":%lld,\"outcome\":\"refusee_menage\",\"version\":%lld}", (long long)p1, (long long)ver);
	r = post_json(&soc, path, body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "motif du refus");
	snprintf(body, sizeof body, "{\"action\":\"issue\",\"proposal\":%lld,\"outcome\":\"refusee_menage\",\"refusal_reason\":\"Logement au 4e "
	                            "sans ascenseur, personne en fauteuil\",\"version\":%lld}", (long long)p1, (long long)ver);
	j = J(post_json(&soc, path, body));
	CHECK_STR(gets_(json_array_get(json_object_get(j, "proposals"), 0), "outcome"), "refusee_menage");
	CHECK_STR(gets_(j, "status"), "active");
	ver = geti(j, "version");
	json_decref(j);
	CHECK_INT(post_json(&soc, path, body)->status, 400); /* its outcome is recorded */
	/* No proposal awaits an answer any more: off that list (which asks each request in its order). */
	r = get(&soc, "/logement?liste=propositions");
	snprintf(body, sizeof body, "href=\"/logement/%lld\"", (long long)q1);
	CHECK_LACKS(r->body, body);
	/* Two proposals awaiting; the dwelling given by one closes the other (its outcome could not be recorded after). */
	int64_t closed = propose(&soc, path, "SEMADER", "5 rue Rontaunay", &ver);
	int64_t p2 = propose(&soc, path, "SHLMR", "12 avenue du 20 Décembre", &ver);
	CHECK(closed > 0 && p2 > 0, "two proposals awaiting");
	snprintf(body, sizeof body, "{\"action\":\"issue\",\"proposal\":%lld,\"outcome\":\"attribuee\",\"version\":%lld}", (long long)p2, (long long)ver);
	j = J(post_json(&soc, path, body));
	CHECK_STR(gets_(j, "status"), "attribuee");
	CHECK_STR(gets_(j, "allocated_address"), "12 avenue du 20 Décembre");
	CHECK_STR(gets_(j, "allocated_landlord"), "SHLMR");
	CHECK_STR(gets_(j, "ended_on"), today);
	{
		size_t k;
		json_t *pr;
		const char *other = "absente", *why = "";
		json_array_foreach(json_object_get(j, "proposals"), k, pr) if (geti(pr, "id") == closed) other = gets_(pr, "outcome"), why = gets_(pr, "refusal_reason");
		CHECK_STR(other, "annulee");
		CHECK_STR(why, "Logement attribué par une autre proposition");
	}
	ver = geti(j, "version");
	json_decref(j);
	snprintf(body, sizeof body, "{\"action\":\"renouveler\",\"version\":%lld}", (long long)ver);
	CHECK_INT(post_json(&soc, path, body)->status, 409); /* allocated: nothing more to do */
	CHECK_INT(post_json(&soc, path, "{\"action\":\"demenager\"}")->status, 404);

	T_GROUP("lists: renewals due, the délai anormalement long, striking off");
	r = get(&soc, "/logement?liste=renouvellements");
	CHECK_INT(r->status, 200);
	snprintf(body, sizeof body, "href=\"/logement/%lld\"", (long long)q2); /* renewed 350 days ago: due within the month */
	CHECK_HAS(r->body, body);
	j = J(get(&soc, "/api/v1/housing/settings"));
	json_t *months = json_object_get(j, "abnormal_delay_months");
	CHECK(json_is_integer(months), "the demo structure set its délai anormalement long");
	json_decref(j);
	CHECK_INT(post_json(&soc, "/api/v1/housing/settings", "{\"abnormal_months\":30}")->status, 403); /* the manager's */
	r = post_json(&mgr, "/api/v1/housing/settings", "{\"abnormal_months\":0}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "mois");
	CHECK_INT(post_json(&mgr, "/api/v1/housing/settings", "{}")->status, 200); /* not known */
	CHECK_HAS(get(&soc, "/logement?liste=attente_longue")->body, "n’est pas renseigné");
	CHECK_LACKS(get(&soc, "/logement?liste=attente_longue")->body, "0 mois");
	CHECK_INT(post_json(&mgr, "/api/v1/housing/settings", "{\"abnormal_months\":24}")->status, 200);
	bool found = false;
	size_t i;
	json_t *x;
	for (int pg = 1; pg < 1000 && !found; pg++) { /* every page, not the first one only */
		snprintf(path, sizeof path, "/api/v1/housing/requests?liste=attente_longue&page=%d", pg);
		j = J(get(&soc, path));
		json_array_foreach(json_object_get(j, "requests"), i, x) found = found || geti(x, "id") == q2;
		bool more = json_is_integer(json_object_get(j, "next_page"));
		json_decref(j);
		if (!more)
			break;
	}
	CHECK(found, "a request filed 900 days ago is past 24 months");
	/* The total counted apart from the page: the same on the first page and past the last. */
	j = J(get(&soc, "/api/v1/housing/requests?liste=attente_longue"));
	int64_t waiting = geti(j, "total");
	json_decref(j);
	j = J(get(&soc, "/api/v1/housing/requests?liste=attente_longue&page=900"));
	CHECK(waiting >= 1 && geti(j, "total") == waiting && json_array_size(json_object_get(j, "requests")) == 0,
	      "the total past the last page (%lld)", (long long)waiting);
	json_decref(j);
	/* The home page's figure, from the counts kept by day, is the list's total. */
	CHECK_INT(home_long_wait(&soc), waiting);
	CHECK_INT(db_zero(HOUSING_COUNTS_AGREE), 0);
	snprintf(body, sizeof body, "UPDATE housing_requests SET status = 'radiee' WHERE id = %lld", (long long)q2);
	CHECK_INT(db_tamper(body), 0); /* SQL typed by hand: the counts follow */
	CHECK_INT(db_zero(HOUSING_COUNTS_AGREE), 0);
	CHECK_INT(home_long_wait(&soc), waiting > 1 ? waiting - 1 : -1); /* none: the line is not shown */
	snprintf(body, sizeof body, "UPDATE housing_requests SET status = 'active' WHERE id = %lld", (long long)q2);
	CHECK_INT(db_tamper(body), 0);
	CHECK_INT(db_zero(HOUSING_COUNTS_AGREE), 0);
	CHECK_INT(home_long_wait(&soc), waiting);
	{
		/* Its expiry moved by hand to a past month, then back: « non renouvelées » counts it, by its month. */
		const char *lapsed_at = "<a class=\"warn\" href=\"/logement?liste=renouvellements\"><strong>";
		long long lapsed = home_figure(&soc, lapsed_at);
		snprintf(path, sizeof path, "/api/v1/housing/requests/%lld", (long long)q2);
		j = J(get(&soc, path));
		char expires[16];
		snprintf(expires, sizeof expires, "%s", gets_(j, "expires_on"));
		json_decref(j);
		CHECK(strlen(expires) == 10, "the request's expiry (%s)", expires);
		snprintf(body, sizeof body, "UPDATE housing_requests SET expires_on = '2001-03-17' WHERE id = %lld", (long long)q2);
		CHECK_INT(db_tamper(body), 0);
		CHECK_INT(home_figure(&soc, lapsed_at), lapsed < 0 ? 1 : lapsed + 1);
		CHECK_INT(home_long_wait(&soc), waiting);
		CHECK_INT(db_zero(HOUSING_COUNTS_AGREE), 0);
		snprintf(body, sizeof body, "UPDATE housing_requests SET expires_on = '%s' WHERE id = %lld", expires, (long long)q2);
		CHECK_INT(db_tamper(body), 0);
		CHECK_INT(home_figure(&soc, lapsed_at), lapsed);
		CHECK_INT(db_zero(HOUSING_COUNTS_AGREE), 0);
		CHECK_INT(db_zero("SELECT count(*) FROM housing_counts WHERE n <= 0"), 0); /* a day at zero is removed */
	}
	CHECK_INT(post_json(&mgr, "/api/v1/housing/settings", "{\"abnormal_months\":36}")->status, 200);
	j = J(get(&soc, "/api/v1/housing/requests?liste=attente_longue"));
	found = false;
	json_array_foreach(json_object_get(j, "requests"), i, x) found = found || geti(x, "id") == q2;
	CHECK(!found, "not past 36 months");
	json_decref(j);
	r = get(&soc, "/logement/export.csv?liste=renouvellements");
	CHECK_HAS(r->headers, "text/csv");
	CHECK_HAS(r->body, "0750324123456789B");
	CHECK_INT(get(&soc, "/logement?liste=nulle")->status, 400);
	snprintf(path, sizeof path, "/api/v1/housing/requests/%lld", (long long)q2);
	r = post_json(&soc, path, "{\"action\":\"radier\",\"version\":1}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "motif");
	/* A proposal awaiting when the request is struck off: closed with it — the home page's figure and the list's total
	 * go down together (it stayed pending for ever, counted at home and absent from the list). */
	int64_t vq2 = 1;
	CHECK(propose(&soc, path, "SIDR", "3 rue des Lilas", &vq2) > 0, "a proposal awaiting on the request to strike off");
	long long pending = home_figure(&soc, "<a href=\"/logement?liste=propositions\">");
	j = J(get(&soc, "/api/v1/housing/requests?liste=propositions"));
	CHECK_INT(geti(j, "total"), pending); /* the list and the home page agree */
	/* The total is the kept count: the list's own rows are as many (the demo's few fit on one page). */
	CHECK(pending > 0 && pending <= 25 && (long long)json_array_size(json_object_get(j, "requests")) == pending,
	      "the list shows its %lld requests with a pending proposal (%zu rows)", pending,
	      json_array_size(json_object_get(j, "requests")));
	json_decref(j);
	snprintf(body, sizeof body, "{\"action\":\"radier\",\"end_reason\":\"renonciation\",\"version\":%lld}", (long long)vq2);
	j = J(post_json(&soc, path, body));
	CHECK_STR(gets_(j, "status"), "radiee");
	CHECK_STR(gets_(j, "end_reason"), "renonciation");
	CHECK_STR(gets_(json_array_get(json_object_get(j, "proposals"), 0), "outcome"), "annulee");
	CHECK_STR(gets_(json_array_get(json_object_get(j, "proposals"), 0), "refusal_reason"), "Demande radiée");
	json_decref(j);
	CHECK_INT(home_figure(&soc, "<a href=\"/logement?liste=propositions\">"), pending > 1 ? pending - 1 : -1);
	j = J(get(&soc, "/api/v1/housing/requests?liste=propositions"));
	CHECK_INT(geti(j, "total"), pending - 1);
	json_decref(j);
	CHECK_INT(db_zero(HOUSING_PENDING_AGREE), 0);

	T_GROUP("the household page, the home page, the person's export, reminders");
	snprintf(path, sizeof path, "/foyers/%lld", (long long)hid);
	r = get(&soc, path);
	CHECK_HAS(r->body, "<h2 id=\"t-housing\">Logement social</h2>");
	CHECK_HAS(r->body, "Demande n° 97403241234567890A");
	CHECK_HAS(r->body, "Logement attribué");
	CHECK_HAS(get(&soc, "/")->body, "<h2 id=\"t-hh\">Logement social</h2>");
	snprintf(path, sizeof path, "/logement/%lld", (long long)q1);
	r = get(&desk, path);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Logement au 4e sans ascenseur");
	CHECK_LACKS(r->body, "Suite à donner"); /* reading only */
	snprintf(path, sizeof path, "/api/v1/persons/%lld/subject-access", (long long)pid);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "\"social_housing_requests\"");
	CHECK_HAS(r->body, "97403241234567890A");
	{
		/* A request due within the month: its person, who accepted SMS, is reminded once. */
		json_t *k = J(post_json(&soc, "/api/v1/households", "{\"last_name\":\"Rappel\",\"first_names\":\"Jean\",\"confirm_duplicate\":true}"));
		int64_t h3 = geti(k, "household_id"), p3 = geti(k, "person_id");
		json_decref(k);
		snprintf(path, sizeof path, "/api/v1/persons/%lld", (long long)p3);
		CHECK_INT(post_json(&soc, path, "{\"last_name\":\"Rappel\",\"first_names\":\"Jean\",\"phone\":\"0692 00 00 03\",\"consent_sms\":true,"
		                                "\"version\":1}")->status, 200);
		snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"0750324999996789C\",\"filed_on\":\"%s\"}", (long long)h3, d350);
		CHECK_INT(post_json(&soc, "/api/v1/housing/requests", body)->status, 201);
		char cmd[700], out[1024];
		for (int round = 0; round < 2; round++) {
			snprintf(cmd, sizeof cmd, "%s notify --send --db '%s' 2>/dev/null", bin_path(), fresh_url);
			FILE *np = popen(cmd, "r");
			size_t nn = np ? fread(out, 1, sizeof out - 1, np) : 0;
			out[nn] = 0;
			if (np)
				pclose(np);
			CHECK_HAS(out, "avis préparé");
		}
		snprintf(path, sizeof path, "/foyers/%lld", (long long)h3);
		r = get(&soc, path);
		CHECK_HAS(r->body, "« Renouvellement de la demande de logement »");
		const char *first = strstr(r->body, "« Renouvellement de la demande de logement »");
		CHECK(first && !strstr(first + 10, "« Renouvellement de la demande de logement »"), "reminded once for that date");
	}

	T_GROUP("isolation");
	cli bb;
	CHECK(other_structure_manager(&s, &bb), "a manager of another structure");
	snprintf(path, sizeof path, "/api/v1/housing/requests/%lld", (long long)q1);
	CHECK_INT(get(&bb, path)->status, 404);
	CHECK_INT(post_json(&bb, path, "{\"action\":\"radier\",\"end_reason\":\"autre\"}")->status, 404);
	snprintf(path, sizeof path, "/logement/%lld", (long long)q1);
	CHECK_INT(get(&bb, path)->status, 404);
	/* The same number may exist in another structure (its own file). */
	json_t *k = J(post_json(&bb, "/api/v1/households", "{\"last_name\":\"Ailleurs\",\"first_names\":\"Paul\",\"confirm_duplicate\":true}"));
	snprintf(body, sizeof body, "{\"household\":%lld,\"number\":\"97403241234567890A\",\"filed_on\":\"%s\"}", (long long)geti(k, "household_id"),
	         today);
	json_decref(k);
	CHECK_INT(post_json(&bb, "/api/v1/housing/requests", body)->status, 201);

	cli_free(&bb);
	cli_free(&desk);
	cli_free(&mgr);
	cli_free(&soc);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	return T_DONE();
}
