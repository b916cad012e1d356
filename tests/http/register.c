/* HTTP tests of the register of vulnerable persons: only the named
 * agents read it (every reading journaled), who may be registered (age,
 * unfitness, a disability proved from the structure's list, living at
 * home), a third party only in writing, the acknowledgement due in 8
 * days, the file and the persons to warn, the yearly check, removal at
 * once; a campaign: the call list, the escalation (no answer → recall →
 * visit → emergency services), versions, the board, the préfet's export
 * only while the plan runs and recorded, the report; isolation. */
#define T_NAME "http-register"
#include "http/h.h"
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

static json_t *J(resp *r) { return json_loads(r->body, 0, NULL); }
static int64_t geti(json_t *j, const char *k) { return json_integer_value(json_object_get(j, k)); }
static const char *gets_(json_t *j, const char *k)
{
	const char *s = json_string_value(json_object_get(j, k));
	return s ? s : "(null)";
}

static void day(char out[11], int n)
{
	time_t t = time(NULL) + (time_t)n * 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A household of one person born on birth ("" for unknown); *pid its person. */
static int64_t household(cli *k, const char *last, const char *birth, int64_t *pid)
{
	char body[300];
	snprintf(body, sizeof body, "{\"last_name\":\"%s\",\"first_names\":\"Odette\",%s%s%s\"confirm_duplicate\":true}", last,
	         *birth ? "\"birth_date\":\"" : "", birth, *birth ? "\"," : "");
	json_t *j = J(post_json(k, "/api/v1/households", body));
	int64_t h = geti(j, "household_id");
	*pid = geti(j, "person_id");
	json_decref(j);
	return h;
}

/* The registered entries counted by triggers (register/3) are the table's own counts. */
#define REG_COUNTS_AGREE                                                                                                   \
	"SELECT count(*) FROM (SELECT structure_id, count(*) AS n FROM reg_entries WHERE status = 'inscrit' GROUP BY structure_id) t " \
	"FULL OUTER JOIN reg_open_counts c ON c.structure_id = t.structure_id WHERE coalesce(t.n, 0) <> coalesce(c.n, 0)"

/* The home page's figures kept by triggers (register/5), made again from the entries. */
#define REG_RECOUNT                                                                                                        \
	"SELECT structure_id, 'ack' AS what, ack_due_on AS day, count(*) AS n FROM reg_entries "                             \
	"WHERE status = 'inscrit' AND ack_on IS NULL GROUP BY 1, 3 "                                                           \
	"UNION ALL SELECT structure_id, 'ack/m', substr(ack_due_on, 1, 7), count(*) FROM reg_entries "                        \
	"WHERE status = 'inscrit' AND ack_on IS NULL GROUP BY 1, 3 "                                                           \
	"UNION ALL SELECT structure_id, 'confirm', coalesce(confirmed_on, requested_on), count(*) FROM reg_entries "          \
	"WHERE status = 'inscrit' GROUP BY 1, 3 "                                                                              \
	"UNION ALL SELECT structure_id, 'confirm/m', substr(coalesce(confirmed_on, requested_on), 1, 7), count(*) "           \
	"FROM reg_entries WHERE status = 'inscrit' GROUP BY 1, 3"

/* The home page's « N personnes inscrites » (-1: not shown), and whether the table says the same. */
static long long home_registered(cli *k, bool *agrees)
{
	const char *b = get(k, "/")->body, *at = b ? strstr(b, "id=\"t-hreg\"") : NULL;
	at = at ? strstr(at, "<a href=\"/registre\">") : NULL;
	long long n = -1;
	if (!at || sscanf(at + strlen("<a href=\"/registre\">"), "%lld", &n) != 1)
		n = -1;
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM reg_entries WHERE structure_id = 1 AND status = 'inscrit') - %lld", n);
	*agrees = n >= 0 && db_zero(sql) == 0;
	return n;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	setenv("TZ", "Indian/Reunion", 1);
	tzset();
	char today[11], d10[11];
	day(today, 0), day(d10, -10);
	srv s;
	if (!srv_start(&s, "register")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli soc, mgr, desk, com, dpo;
	cli_init(&soc, &s), cli_init(&mgr, &s), cli_init(&desk, &s), cli_init(&com, &s), cli_init(&dpo, &s);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	CHECK_INT(login(&com, DEMO("commission"), DEMO_PW), 303);
	CHECK_INT(login(&dpo, DEMO("dpo"), DEMO_PW), 303);
	char path[200], body[1500];

	T_GROUP("only the named agents read the register");
	CHECK_INT(get(&soc, "/registre")->status, 200);
	resp *r = get(&desk, "/registre"); /* the reception's role may, but the structure did not name her */
	CHECK_INT(r->status, 403);
	CHECK_HAS(r->body, "agents que la structure désigne");
	CHECK_INT(get(&desk, "/api/v1/register/entries")->status, 403);
	CHECK_INT(get(&com, "/registre")->status, 403);
	CHECK_LACKS(get(&desk, "/")->body, "t-hreg");
	CHECK_HAS(get(&soc, "/")->body, "t-hreg");

	T_GROUP("who may be registered, and how");
	int64_t p1 = 0, p2 = 0, p3 = 0, p4 = 0;
	int64_t h1 = household(&soc, "Registre", "1948-05-02", &p1), h2 = household(&soc, "Jeune", "1990-01-01", &p2),
	        h3 = household(&soc, "Sansdate", "", &p3), h4 = household(&soc, "Handicap", "1980-03-03", &p4);
	CHECK(h1 && h2 && h3 && h4, "four households");
	snprintf(body, sizeof body, "{\"household\":%lld,\"basis\":\"age65\",\"requested_by\":\"personne\",\"at_home\":true}", (long long)h2);
	r = post_json(&soc, "/api/v1/register/entries", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "ouverte à 65 ans");
	snprintf(body, sizeof body, "{\"household\":%lld,\"basis\":\"inapte60\",\"requested_by\":\"personne\",\"at_home\":true}", (long long)h2);
	CHECK_HAS(post_json(&soc, "/api/v1/register/entries", body)->body, "60 ans");
	snprintf(body, sizeof body, "{\"household\":%lld,\"basis\":\"age65\",\"requested_by\":\"personne\",\"at_home\":true}", (long long)h3);
	CHECK_HAS(post_json(&soc, "/api/v1/register/entries", body)->body, "date de naissance de la personne n’est pas renseignée");
	snprintf(body, sizeof body, "{\"household\":%lld,\"basis\":\"handicap\",\"proof\":\"Carte de bus\",\"requested_by\":\"personne\",\"at_home\":true}",
	         (long long)h4);
	CHECK_HAS(post_json(&soc, "/api/v1/register/entries", body)->body, "proof");
	/* The manager extends the list of proofs. */
	snprintf(body, sizeof body, "_csrf=%s&label=Carte+de+bus", soc.csrf);
	CHECK_INT(post(&soc, "/registre/justificatifs", body)->status, 403);
	snprintf(body, sizeof body, "_csrf=%s&label=Carte+d%%E2%%80%%99invalidit%%C3%%A9+%%28ancienne%%29", mgr.csrf);
	CHECK_INT(post(&mgr, "/registre/justificatifs", body)->status, 303);
	snprintf(body, sizeof body, "{\"household\":%lld,\"basis\":\"handicap\",\"proof\":\"Carte d’invalidité (ancienne)\","
	                            "\"requested_by\":\"representant\",\"at_home\":true}", (long long)h4);
	r = post_json(&soc, "/api/v1/register/entries", body);
	CHECK_INT(r->status, 201);
	json_t *j = J(r);
	int64_t e4 = geti(j, "id");
	json_decref(j);
	snprintf(body, sizeof body, "{\"household\":%lld,\"basis\":\"age65\",\"requested_by\":\"personne\"}", (long long)h1);
	CHECK_HAS(post_json(&soc, "/api/v1/register/entries", body)->body, "vivent à domicile"); /* not in an institution */
	snprintf(body, sizeof body, "{\"household\":%lld,\"basis\":\"age65\",\"requested_by\":\"tiers\",\"third_kind\":\"medecin\","
	                            "\"third_name\":\"Dr Hoarau\",\"at_home\":true,\"requested_on\":\"%s\"}", (long long)h1, d10);
	r = post_json(&soc, "/api/v1/register/entries", body);
	CHECK_INT(r->status, 400); /* a third party, orally: refused, with the reason */
	CHECK_HAS(r->body, "par écrit");
	snprintf(body, sizeof body, "{\"household\":%lld,\"basis\":\"age65\",\"requested_by\":\"tiers\",\"third_kind\":\"medecin\","
	                            "\"third_name\":\"Dr Hoarau\",\"written\":true,\"written_ref\":\"Lettre du Dr Hoarau\",\"at_home\":true,"
	                            "\"requested_on\":\"%s\"}", (long long)h1, d10);
	r = post_json(&soc, "/api/v1/register/entries", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t e1 = geti(j, "id");
	char due[11];
	day(due, -2);
	CHECK_STR(gets_(j, "ack_due_on"), due); /* 8 days after the request */
	CHECK(json_is_null(json_object_get(j, "consent_on")), "a third party's request waits for the person's consent");
	json_decref(j);
	CHECK_HAS(post_json(&soc, "/api/v1/register/entries", body)->body, "déjà inscrite");
	/* The page's form keeps what was typed when refused. */
	snprintf(body, sizeof body, "_csrf=%s&household=%lld&basis=age65&requested_by=tiers&third_name=Voisine+Grondin&at_home=1", soc.csrf,
	         (long long)h2);
	r = post(&soc, "/registre", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "value=\"Voisine Grondin\"");

	T_GROUP("the acknowledgement due in 8 days, the file, the yearly check");
	r = get(&soc, "/registre?liste=accuse_retard");
	snprintf(path, sizeof path, "href=\"/registre/%lld\"", (long long)e1);
	CHECK_HAS(r->body, path);
	snprintf(path, sizeof path, "/registre/%lld/accuse.pdf", (long long)e1);
	r = get(&soc, path);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->headers, "application/pdf");
	snprintf(path, sizeof path, "/api/v1/register/entries/%lld", (long long)e1);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"accuse\",\"version\":1}")->status, 200);
	snprintf(path, sizeof path, "href=\"/registre/%lld\"", (long long)e1);
	CHECK_LACKS(get(&soc, "/registre?liste=accuse_retard")->body, path);
	snprintf(path, sizeof path, "/api/v1/register/entries/%lld", (long long)e1);
	CHECK_HAS(post_json(&soc, path, "{\"action\":\"fiche\",\"gir\":7,\"version\":2}")->body, "gir");
	r = post_json(&soc, path, "{\"action\":\"fiche\",\"living_alone\":\"oui\",\"gir\":2,\"access_notes\":\"Code 4521\",\"services\":\"\","
	                          "\"health_notes\":\"Se déplace avec un déambulateur\",\"consent_on\":\"2026-01-05\",\"version\":2}");
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK(json_is_true(json_object_get(j, "living_alone")), "lives alone");
	CHECK_INT(geti(j, "gir"), 2);
	json_decref(j);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"contact\",\"name\":\"Payet Sandrine\",\"relation\":\"fille\",\"phone\":\"0692 11 22 33\","
	                                "\"version\":3}")->status, 200);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"confirmer\",\"version\":3}")->status, 409); /* stale */
	j = J(post_json(&soc, path, "{\"action\":\"confirmer\",\"version\":4}"));
	CHECK_STR(gets_(j, "confirmed_on"), today);
	CHECK_STR(gets_(json_array_get(json_object_get(j, "persons_to_warn"), 0), "phone"), "0692 11 22 33");
	json_decref(j);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)h1);
	CHECK_HAS(get(&soc, path)->body, "<h2 id=\"t-reg\">");
	CHECK_LACKS(get(&desk, path)->body, "t-reg"); /* not even whether someone is registered */
	snprintf(path, sizeof path, "/registre/%lld", (long long)e1);
	CHECK_INT(get(&desk, path)->status, 403);
	CHECK_HAS(get(&soc, path)->body, "Se déplace avec un déambulateur");
	snprintf(path, sizeof path, "/api/v1/journal?kind=reg_entry&object=%lld", (long long)e1);
	r = get(&dpo, path);
	CHECK_HAS(r->body, "\"read\""); /* every reading journaled */
	CHECK_LACKS(r->body, "Registre"); /* never a name in the journal */
	r = get(&soc, "/registre?q=registre");
	snprintf(path, sizeof path, "href=\"/registre/%lld\"", (long long)e1);
	CHECK_HAS(r->body, path); /* found by name */
	CHECK_LACKS(r->body, "une inscription peut manquer");
	snprintf(path, sizeof path, "\"id\":%lld,", (long long)e1);
	r = get(&soc, "/api/v1/register/entries?q=registre");
	CHECK_HAS(r->body, path);
	CHECK_HAS(r->body, "\"incomplete\":false");
	/* A name carried by more persons than the search looks at: the answer says an entry may be missing, never a
	 * silent « none » (201 more Registre, none of them registered). */
	for (int i = 0; i < 201; i++) {
		int64_t pi = 0;
		if (!household(&soc, "Registre", "", &pi)) {
			CHECK(0, "household %d", i);
			break;
		}
	}
	CHECK_HAS(get(&soc, "/api/v1/register/entries?q=registre")->body, "\"incomplete\":true");
	CHECK_HAS(get(&soc, "/registre?q=registre")->body, "une inscription peut manquer");

	T_GROUP("a campaign: the call list, the escalation, the board");
	CHECK_INT(post_json(&soc, "/api/v1/register/campaigns", "{\"kind\":\"canicule\"}")->status, 403); /* the manager's */
	CHECK_HAS(post_json(&mgr, "/api/v1/register/campaigns", "{\"kind\":\"tempete\"}")->body, "kind");
	r = post_json(&mgr, "/api/v1/register/campaigns", "{\"kind\":\"canicule\",\"level\":\"vigilance orange\",\"recall_minutes\":45}");
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t k1 = geti(j, "id");
	json_t *bd = json_object_get(j, "board");
	int64_t total = geti(bd, "total");
	CHECK(total >= 2 && geti(bd, "to_call") == total, "everyone registered is to be called");
	json_decref(j);
	CHECK_HAS(post_json(&mgr, "/api/v1/register/campaigns", "{\"kind\":\"canicule\"}")->body, "déjà en cours");
	char kpath[96];
	/* Our person: alone, a high dependency, no service — among the first. */
	snprintf(path, sizeof path, "/api/v1/register/campaigns/%lld?liste=tous", (long long)k1);
	j = J(get(&soc, path));
	int64_t c1 = 0, rank = 0;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(j, "calls"), i, x) if (geti(x, "entry_id") == e1) c1 = geti(x, "id"), rank = (int64_t)i;
	json_decref(j);
	CHECK(c1 > 0, "the person is on the call list");
	CHECK(rank < 5, "the most exposed come first");
	snprintf(path, sizeof path, "/api/v1/register/campaigns/%lld/calls/%lld", (long long)k1, (long long)c1);
	CHECK_HAS(post_json(&soc, path, "{\"outcome\":\"besoin\",\"attempts\":0}")->body, "arranged");
	j = J(post_json(&soc, path, "{\"outcome\":\"sans_reponse\",\"attempts\":0}"));
	CHECK_STR(gets_(j, "state"), "a_rappeler");
	int64_t dueat = geti(j, "due_at");
	CHECK(dueat > time(NULL) + 40 * 60 && dueat <= time(NULL) + 46 * 60, "a recall due within the campaign's 45 minutes");
	json_decref(j);
	CHECK_INT(post_json(&soc, path, "{\"outcome\":\"sans_reponse\",\"attempts\":0}")->status, 409); /* someone else called first */
	/* The board's order (read along reg_calls_order): what has a time due comes first, then the list by priority. */
	snprintf(kpath, sizeof kpath, "/api/v1/register/campaigns/%lld?liste=tous", (long long)k1);
	j = J(get(&soc, kpath));
	x = json_array_get(json_object_get(j, "calls"), 0);
	CHECK_INT(x ? geti(x, "id") : 0, c1);
	int64_t prev = INT64_MAX;
	bool by_priority = true;
	json_array_foreach(json_object_get(j, "calls"), i, x) if (i > 0) {
		by_priority = by_priority && geti(x, "priority") <= prev;
		prev = geti(x, "priority");
	}
	CHECK(by_priority, "then by priority, the highest first");
	json_decref(j);
	/* The board counts the calls by state (counted along its index since the calls grew to thousands). */
	snprintf(kpath, sizeof kpath, "/api/v1/register/campaigns/%lld", (long long)k1);
	j = J(get(&soc, kpath));
	bd = json_object_get(j, "board");
	CHECK(geti(bd, "total") == total && geti(bd, "to_call") == total - 1 && geti(bd, "to_recall") == 1 && geti(bd, "to_visit") == 0 &&
	          geti(bd, "overdue") == 0,
	      "the board: %lld calls, %lld to call, %lld to recall (not yet due)", (long long)geti(bd, "total"), (long long)geti(bd, "to_call"),
	      (long long)geti(bd, "to_recall"));
	json_decref(j);
	j = J(post_json(&soc, path, "{\"outcome\":\"sans_reponse\",\"attempts\":1}"));
	CHECK_STR(gets_(j, "state"), "visite");
	json_decref(j);
	j = J(get(&soc, kpath));
	bd = json_object_get(j, "board");
	CHECK(geti(bd, "total") == total && geti(bd, "to_recall") == 0 && geti(bd, "to_visit") == 1, "the board: one visit to make");
	json_decref(j);
	snprintf(body, sizeof body, "/registre/campagnes/%lld?liste=visite", (long long)k1);
	CHECK_HAS(get(&soc, body)->body, "Registre Odette");
	/* Each list of the board is its own statement: its page and its total agree with the board. */
	{
		/* the call to visit is the social worker's (she called); none overdue yet; an unknown list is empty */
		static const char *const lists[] = {"tous", "visite", "a_appeler", "en_retard", "mine", "mes_appels", "inconnu"};
		for (size_t li = 0; li < sizeof lists / sizeof *lists; li++) {
			char lp[128];
			snprintf(lp, sizeof lp, "/api/v1/register/campaigns/%lld?liste=%s", (long long)k1, lists[li]);
			j = J(get(&soc, lp));
			int64_t want = !strcmp(lists[li], "tous") ? total : !strcmp(lists[li], "a_appeler") ? total - 1
			             : !strcmp(lists[li], "visite") || !strcmp(lists[li], "mine") ? 1 : 0;
			int64_t shown = (int64_t)json_array_size(json_object_get(j, "calls")), got = geti(j, "total");
			CHECK(got == want && shown == (want < 100 ? want : 100), "liste=%s: %lld in all, %lld shown (want %lld)",
			      lists[li], (long long)got, (long long)shown, (long long)want);
			json_decref(j);
		}
		/* The visit's time passed: it is overdue, alone. */
		char sql[128];
		snprintf(sql, sizeof sql, "UPDATE reg_calls SET due_at = 1 WHERE id = %lld", (long long)c1);
		CHECK_INT(db_tamper(sql), 0);
		char lp[128];
		snprintf(lp, sizeof lp, "/api/v1/register/campaigns/%lld?liste=en_retard", (long long)k1);
		j = J(get(&soc, lp));
		json_t *first = json_array_get(json_object_get(j, "calls"), 0);
		CHECK(geti(j, "total") == 1 && json_array_size(json_object_get(j, "calls")) == 1 && first && geti(first, "id") == c1,
		      "liste=en_retard: the visit whose time passed (%lld in all)", (long long)geti(j, "total"));
		json_decref(j);
	}
	j = J(post_json(&soc, path, "{\"outcome\":\"sans_reponse\",\"attempts\":2}"));
	CHECK_STR(gets_(j, "state"), "urgence"); /* nobody at the visit: the emergency services */
	json_decref(j);
	CHECK_INT(post_json(&soc, path, "{\"outcome\":\"ok\",\"attempts\":3}")->status, 400); /* that call is over */
	snprintf(path, sizeof path, "/api/v1/register/campaigns/%lld", (long long)k1);
	j = J(get(&soc, path));
	CHECK_INT(geti(json_object_get(j, "board"), "emergency"), 1);
	json_decref(j);
	snprintf(path, sizeof path, "/registre/campagnes/%lld", (long long)k1);
	r = get(&soc, path);
	CHECK_HAS(r->body, "Tableau de bord");
	snprintf(path, sizeof path, "/registre/campagnes/%lld/appels.pdf", (long long)k1);
	CHECK_HAS(get(&soc, path)->headers, "application/pdf");

	T_GROUP("a volunteer: the calls given to them, the minimum of data");
	{
		cli vol;
		cli_init(&vol, &s);
		CHECK_INT(login(&vol, DEMO("benevole"), DEMO_PW), 303);
		CHECK_INT(get(&vol, "/registre")->status, 403);
		snprintf(path, sizeof path, "/registre/%lld", (long long)e1);
		CHECK_INT(get(&vol, path)->status, 403);
		CHECK_INT(get(&vol, "/api/v1/register/entries")->status, 403);
		snprintf(path, sizeof path, "/foyers/%lld", (long long)h1);
		CHECK_INT(get(&vol, path)->status, 403);
		r = get(&vol, "/appels");
		CHECK_INT(r->status, 200);
		CHECK_HAS(r->body, "appel");
		CHECK_LACKS(r->body, "déambulateur"); /* no health */
		CHECK_LACKS(r->body, "Code 4521"); /* no access code */
		/* One of their calls: recorded; another's: not theirs. */
		int64_t mine = 0;
		const char *p = strstr(r->body, "action=\"/appels/");
		if (p)
			mine = strtoll(p + strlen("action=\"/appels/"), NULL, 10);
		CHECK(mine > 0, "the volunteer was given calls");
		CHECK_HAS(get(&vol, "/")->body, "t-vol");
		/* No answer: the call comes back, marked as the second try (markup, not text). */
		snprintf(body, sizeof body, "_csrf=%s&outcome=sans_reponse&attempts=0", vol.csrf);
		snprintf(path, sizeof path, "/appels/%lld", (long long)mine);
		CHECK_INT(post(&vol, path, body)->status, 303);
		r = get(&vol, "/appels");
		CHECK_HAS(r->body, " — <span class=\"warn\">deuxième essai</span></p>");
		CHECK_LACKS(r->body, "&lt;span");
		snprintf(body, sizeof body, "_csrf=%s&outcome=ok&attempts=1", vol.csrf);
		CHECK_INT(post(&vol, path, body)->status, 303);
		snprintf(path, sizeof path, "/appels/%lld", (long long)c1);
		CHECK_INT(post(&vol, path, body)->status, 404); /* the social worker's call */
		cli_free(&vol);
	}

	T_GROUP("the préfet's export: while the plan runs, recorded");
	snprintf(path, sizeof path, "/registre/campagnes/%lld/prefet.csv", (long long)k1);
	CHECK_INT(get(&soc, path)->status, 403);
	r = get(&mgr, path);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"Registre\";\"Odette\"");
	snprintf(path, sizeof path, "/registre/campagnes/%lld", (long long)k1);
	CHECK_HAS(get(&mgr, path)->body, "CSV, ");
	CHECK_INT(post_json(&mgr, "/api/v1/register/campaigns/999999", "{}")->status, 404);
	snprintf(path, sizeof path, "/api/v1/register/campaigns/%lld", (long long)k1);
	j = J(post_json(&mgr, path, "{\"report_text\":\"Trois jours de chaleur.\",\"version\":1}"));
	CHECK_STR(gets_(j, "closed_on"), today);
	json_decref(j);
	snprintf(path, sizeof path, "/registre/campagnes/%lld/prefet.csv", (long long)k1);
	r = get(&mgr, path);
	CHECK_INT(r->status, 409); /* the plan is over */
	CHECK_HAS(r->body, "pendant un plan");
	snprintf(path, sizeof path, "/registre/campagnes/%lld/rapport.pdf", (long long)k1);
	CHECK_HAS(get(&mgr, path)->headers, "application/pdf");

	T_GROUP("removal at once, the file's words wiped");
	bool agrees;
	long long registered = home_registered(&soc, &agrees);
	CHECK(agrees, "the home page's registered persons are the table's (%lld)", registered);
	CHECK_INT(db_zero(REG_COUNTS_AGREE), 0);
	snprintf(path, sizeof path, "/api/v1/register/entries/%lld", (long long)e1);
	CHECK_HAS(post_json(&soc, path, "{\"action\":\"radier\",\"version\":5}")->body, "reason");
	j = J(post_json(&soc, path, "{\"action\":\"radier\",\"reason\":\"demande\",\"version\":5}"));
	CHECK_STR(gets_(j, "status"), "radie");
	CHECK(json_is_null(json_object_get(j, "access_notes")) && json_is_null(json_object_get(j, "health_notes")), "the file's words wiped");
	CHECK_INT(json_array_size(json_object_get(j, "persons_to_warn")), 0);
	json_decref(j);
	CHECK_INT(home_registered(&soc, &agrees), registered - 1);
	CHECK(agrees && db_zero(REG_COUNTS_AGREE) == 0, "one person fewer registered");
	snprintf(body, sizeof body, "UPDATE reg_entries SET status = 'inscrit' WHERE id = %lld", (long long)e1);
	CHECK_INT(db_tamper(body), 0); /* SQL typed by hand */
	CHECK_INT(home_registered(&soc, &agrees), registered);
	CHECK(agrees && db_zero(REG_COUNTS_AGREE) == 0, "the count follows SQL typed by hand");
	snprintf(body, sizeof body, "UPDATE reg_entries SET status = 'radie' WHERE id = %lld", (long long)e1);
	CHECK_INT(db_tamper(body), 0);
	CHECK_INT(db_zero(REG_COUNTS_AGREE), 0);
	snprintf(path, sizeof path, "/api/v1/register/entries/%lld", (long long)e4);
	CHECK_INT(get(&soc, path)->status, 200);
	snprintf(path, sizeof path, "/api/v1/persons/%lld/subject-access", (long long)p1);
	CHECK_HAS(get(&dpo, path)->body, "\"vulnerable_register\"");

	T_GROUP("isolation");
	cli bb;
	CHECK(other_structure_manager(&s, &bb), "a manager of another structure");
	snprintf(path, sizeof path, "/api/v1/register/entries/%lld", (long long)e4);
	CHECK_INT(get(&bb, path)->status, 403); /* not named there */
	json_t *me = J(get(&bb, "/api/v1/me"));
	snprintf(body, sizeof body, "{\"user\":%lld,\"named\":true}", (long long)geti(me, "id"));
	json_decref(me);
	CHECK_INT(post_json(&bb, "/api/v1/register/agents", body)->status, 200);
	CHECK_INT(get(&bb, path)->status, 404); /* named in its own structure: still not ours */
	CHECK_LACKS(get(&bb, "/api/v1/register/entries")->body, "Handicap");

	T_GROUP("the home page's figures, kept by triggers, are the entries' own counts");
	{
		CHECK_INT(db_zero(KEPT_AGREE(REG_RECOUNT, "reg_counts")), 0);
		bool same = false;
		long long inscribed = home_registered(&soc, &same);
		long long unconfirmed = page_number(&soc, "/", "liste=a_confirmer\"");
		CHECK(inscribed > 0, "registered persons on the home page (%lld)", inscribed);
		/* By hand: every inscribed entry last confirmed in January 2001 (its date kept aside), then put back. */
		CHECK_INT(db_tamper("UPDATE reg_entries SET remove_reason = 'essai:' || coalesce(confirmed_on, ''), "
		                    "confirmed_on = '2001-01-' || substr(requested_on, 9, 2) WHERE structure_id = 1 AND status = 'inscrit'"),
		          0);
		CHECK_INT(page_number(&soc, "/", "liste=a_confirmer\""), inscribed);
		CHECK_INT(db_zero(KEPT_AGREE(REG_RECOUNT, "reg_counts")), 0);
		CHECK_INT(db_tamper("UPDATE reg_entries SET confirmed_on = nullif(substr(remove_reason, 7), ''), remove_reason = '' "
		                    "WHERE remove_reason LIKE 'essai:%'"),
		          0);
		CHECK_INT(page_number(&soc, "/", "liste=a_confirmer\""), unconfirmed);
		CHECK_INT(db_zero(KEPT_AGREE(REG_RECOUNT, "reg_counts")), 0);
		CHECK_INT(db_zero("SELECT count(*) FROM reg_counts WHERE n <= 0"), 0); /* a count at zero is removed */
	}

	cli_free(&bb);
	cli_free(&dpo), cli_free(&com), cli_free(&desk), cli_free(&mgr), cli_free(&soc);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	return T_DONE();
}
