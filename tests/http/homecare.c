/* HTTP tests of services at home: téléassistance (a subscription, its
 * change and end, the lists), meals delivered at home (rounds, a
 * subscription and its weekly pattern, an absence, the day's orders and
 * the kitchen's count, a round delivered in one action, the sheet), the
 * month's billing at the rulebook's tariff by quotient familial (no price
 * without the household's resources), invoices and payments; roles,
 * versions, the household and home pages, isolation. */
#define T_NAME "http-homecare"
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

static void day(char out[11], int n)
{
	time_t t = time(NULL) + (time_t)n * 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* How many times needle is in hay. */
static int occurrences(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The running subscriptions and alarms counted by triggers (homecare/3) are the table's own counts. */
#define HC_COUNTS_AGREE                                                                                                    \
	"SELECT count(*) FROM (SELECT structure_id, 'subs' AS what, count(*) AS n FROM hc_subs WHERE ended_on IS NULL "          \
	"GROUP BY structure_id UNION ALL SELECT structure_id, 'alarms', count(*) FROM hc_alarms WHERE ended_on IS NULL "          \
	"GROUP BY structure_id) t FULL OUTER JOIN hc_open_counts c ON c.structure_id = t.structure_id AND c.what = t.what "      \
	"WHERE coalesce(t.n, 0) <> coalesce(c.n, 0)"

/* The home page's figure after the link `href` (-1: not shown), and whether the table says the same for the
 * structure's running `table` rows. */
static long long home_figure(cli *k, const char *href, const char *table, bool *agrees)
{
	const char *b = get(k, "/")->body, *at = b ? strstr(b, "id=\"t-hhc\"") : NULL; /* the widget, after the navigation */
	at = at ? strstr(at, href) : NULL;
	long long n = -1;
	if (!at || sscanf(at + strlen(href), "%lld", &n) != 1)
		n = -1;
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM %s WHERE structure_id = 1 AND ended_on IS NULL) - %lld", table, n);
	*agrees = n >= 0 && db_zero(sql) == 0;
	return n;
}

/* The state of our subscription's order on a day ("" when it has none). */
static const char *order_state(cli *k, const char *on, int64_t sub, char *out, size_t n, int64_t *meals_total)
{
	char path[120];
	snprintf(path, sizeof path, "/api/v1/homecare/day?jour=%s", on);
	json_t *j = J(get(k, path)), *x;
	size_t i;
	out[0] = 0;
	if (meals_total)
		*meals_total = geti(j, "meals");
	json_array_foreach(json_object_get(j, "orders"), i, x) if (geti(x, "subscription_id") == sub) snprintf(out, n, "%s", gets_(x, "state"));
	json_decref(j);
	return out;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	setenv("TZ", "Indian/Reunion", 1);
	tzset();
	char today[11], d40[11], ym1[11], tomorrow2[11], tomorrow1[11], tomorrow3[11], st[16];
	day(today, 0), day(d40, -40), day(tomorrow1, 1), day(tomorrow2, 2), day(tomorrow3, 3);
	/* A day of last month, and the month. */
	{
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		tm.tm_mday = 10, tm.tm_mon -= 1, tm.tm_hour = 12;
		mktime(&tm);
		strftime(ym1, sizeof ym1, "%Y-%m-%d", &tm);
	}
	char month[8];
	snprintf(month, sizeof month, "%.7s", ym1);
	srv s;
	if (!srv_start(&s, "homecare")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli soc, mgr, desk, com;
	cli_init(&soc, &s), cli_init(&mgr, &s), cli_init(&desk, &s), cli_init(&com, &s);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	CHECK_INT(login(&com, DEMO("commission"), DEMO_PW), 303);
	char path[200], body[1200];
	json_t *j = J(post_json(&soc, "/api/v1/households", "{\"last_name\":\"Domicile\",\"first_names\":\"Lucienne\",\"confirm_duplicate\":true}"));
	int64_t hid = geti(j, "household_id"), pid = geti(j, "person_id");
	json_decref(j);
	CHECK(hid > 0, "a household");

	T_GROUP("téléassistance: a subscription, a change, the end");
	snprintf(body, sizeof body, "{\"household\":%lld,\"provider\":\"Présence Verte\",\"price\":\"douze\"}", (long long)hid);
	resp *r = post_json(&desk, "/api/v1/homecare/alarms", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "price");
	snprintf(body, sizeof body, "{\"household\":%lld,\"provider\":\"Présence Verte\",\"device\":\"Médaillon\",\"price\":\"24,90\","
	                            "\"payer\":\"departement\",\"contacts\":\"Sa fille, 0692 11 22 33\"}", (long long)hid);
	r = post_json(&desk, "/api/v1/homecare/alarms", body); /* the reception does it at the counter */
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t al = geti(j, "id");
	CHECK_INT(geti(j, "price_cents"), 2490);
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/homecare/alarms/%lld", (long long)al);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"modifier\",\"provider\":\"Vitaris\",\"payer\":\"personne\",\"version\":1}")->status, 200);
	snprintf(body, sizeof body, "{\"action\":\"terminer\",\"ended_on\":\"%s\",\"end_reason\":\"Décès\",\"version\":1}", tomorrow3);
	CHECK_INT(post_json(&soc, path, body)->status, 409); /* stale */
	snprintf(body, sizeof body, "{\"action\":\"terminer\",\"ended_on\":\"%s\",\"version\":2}", tomorrow3);
	CHECK_HAS(post_json(&soc, path, body)->body, "end_reason");
	snprintf(body, sizeof body, "{\"action\":\"terminer\",\"ended_on\":\"%s\",\"end_reason\":\"Entrée en EHPAD\",\"version\":2}", tomorrow3);
	j = J(post_json(&soc, path, body));
	CHECK_STR(gets_(j, "ended_on"), tomorrow3);
	json_decref(j);
	j = J(get(&soc, "/api/v1/homecare/alarms?liste=fin_proche"));
	bool found = false;
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(j, "alarms"), i, x) found = found || geti(x, "id") == al;
	json_decref(j);
	CHECK(found, "listed as ending within 30 days");
	{ /* each list: its rows, its total; every alarm = the active ones (this one ends tomorrow) + the ended ones */
		static const char *const lists[] = {"actives", "fin_proche", "terminees", ""};
		int64_t tot[4];
		bool has[4];
		for (int k = 0; k < 4; k++) {
			snprintf(path, sizeof path, "/api/v1/homecare/alarms?liste=%s", lists[k]);
			j = J(get(&soc, path));
			tot[k] = geti(j, "total");
			has[k] = false;
			json_array_foreach(json_object_get(j, "alarms"), i, x) has[k] = has[k] || geti(x, "id") == al;
			CHECK((int64_t)json_array_size(json_object_get(j, "alarms")) == (tot[k] < 100 ? tot[k] : 100),
			      "« %s »: its rows are its total (%lld)", lists[k], (long long)tot[k]);
			json_decref(j);
		}
		CHECK(has[0] && has[1] && !has[2] && has[3], "ending tomorrow: active, ending soon, not ended, in every alarm");
		CHECK(tot[0] + tot[2] == tot[3] && tot[1] <= tot[0], "active %lld + ended %lld = every %lld; ending soon %lld",
		      (long long)tot[0], (long long)tot[2], (long long)tot[3], (long long)tot[1]);
		CHECK_INT(get(&soc, "/api/v1/homecare/alarms?liste=autre")->status, 400);
	}
	CHECK_INT(get(&com, "/domicile/teleassistance")->status, 403);

	T_GROUP("meals: a round, a subscription and its pattern");
	r = post_json(&soc, "/api/v1/homecare/rounds", "{\"name\":\"Tournée test\",\"driver\":\"Jean\"}");
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t rid = geti(j, "id");
	json_decref(j);
	CHECK_HAS(post_json(&soc, "/api/v1/homecare/rounds", "{\"name\":\"Tournée test\"}")->body, "déjà ce nom");
	snprintf(body, sizeof body, "{\"household\":%lld,\"pattern\":\"0000000\",\"round\":%lld}", (long long)hid, (long long)rid);
	CHECK_HAS(post_json(&soc, "/api/v1/homecare/meals", body)->body, "pattern");
	snprintf(body, sizeof body, "{\"household\":%lld,\"pattern\":\"1111111\",\"round\":999999}", (long long)hid);
	CHECK_HAS(post_json(&soc, "/api/v1/homecare/meals", body)->body, "round");
	snprintf(body, sizeof body, "{\"household\":%lld,\"pattern\":\"1111111\",\"round\":%lld,\"stop\":3,\"diet\":\"diabetique\","
	                            "\"texture\":\"mixee\",\"started_on\":\"%s\",\"access_notes\":\"Code 1234\"}", (long long)hid, (long long)rid, d40);
	r = post_json(&soc, "/api/v1/homecare/meals", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t sub = geti(j, "id");
	json_decref(j);
	CHECK_HAS(post_json(&soc, "/api/v1/homecare/meals", body)->body, "déjà un portage");
	/* The page's form keeps what was typed when refused. */
	snprintf(body, sizeof body, "_csrf=%s&household=%lld&p1=1&p2=9&p3=0&p4=0&p5=0&p6=0&p7=0&access_notes=Sonner+fort", soc.csrf, (long long)hid);
	r = post(&soc, "/domicile/repas", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "value=\"9\"");
	CHECK_HAS(r->body, "Sonner fort");

	T_GROUP("the day's orders, an absence, a round delivered in one action");
	int64_t meals_today = 0;
	CHECK_STR(order_state(&soc, today, sub, st, sizeof st, &meals_today), "prevu");
	CHECK(meals_today >= 1, "the kitchen counts today's meals");
	snprintf(path, sizeof path, "/api/v1/homecare/meals/%lld", (long long)sub);
	snprintf(body, sizeof body, "{\"action\":\"absence\",\"from_on\":\"%s\",\"to_on\":\"%s\",\"reason\":\"hospitalisation\",\"version\":1}", tomorrow2,
	         tomorrow1);
	CHECK_HAS(post_json(&soc, path, body)->body, "to_on"); /* ends before it starts */
	CHECK_STR(order_state(&soc, tomorrow2, sub, st, sizeof st, NULL), "prevu"); /* written before the absence… */
	snprintf(body, sizeof body, "{\"action\":\"absence\",\"from_on\":\"%s\",\"to_on\":\"%s\",\"reason\":\"hospitalisation\",\"version\":1}",
	         tomorrow1, tomorrow3);
	CHECK_INT(post_json(&soc, path, body)->status, 200);
	CHECK_STR(order_state(&soc, tomorrow2, sub, st, sizeof st, NULL), "absent"); /* …follows it */
	CHECK_STR(order_state(&soc, tomorrow3, sub, st, sizeof st, NULL), "absent");
	snprintf(body, sizeof body, "{\"jour\":\"%s\",\"tournee\":%lld}", tomorrow1, (long long)rid);
	CHECK_INT(post_json(&soc, "/api/v1/homecare/day", body)->status, 400); /* not before it happened */
	CHECK_STR(order_state(&soc, ym1, sub, st, sizeof st, NULL), "prevu");
	snprintf(body, sizeof body, "{\"jour\":\"%s\",\"tournee\":%lld}", ym1, (long long)rid);
	j = J(post_json(&soc, "/api/v1/homecare/day", body));
	CHECK(geti(j, "delivered") >= 1, "the round delivered");
	json_decref(j);
	CHECK_STR(order_state(&soc, ym1, sub, st, sizeof st, NULL), "livre");
	snprintf(path, sizeof path, "/domicile/tournees/%lld/feuille.pdf?jour=%s", (long long)rid, today);
	r = get(&soc, path);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->headers, "application/pdf");
	snprintf(path, sizeof path, "/domicile?jour=%s&tournee=%lld", today, (long long)rid);
	r = get(&desk, path);
	CHECK_HAS(r->body, "Pour la cuisine");
	CHECK_HAS(r->body, "Diabétique");

	T_GROUP("billing: the rulebook's tariff by quotient familial, no price without resources");
	snprintf(path, sizeof path, "/api/v1/homecare/billing?mois=%s", month);
	CHECK_INT(get(&desk, path)->status, 403); /* the reception does not bill */
	j = J(get(&mgr, path));
	json_t *line = NULL;
	json_array_foreach(json_object_get(j, "lines"), i, x) if (geti(x, "subscription_id") == sub) line = x;
	CHECK(line != NULL, "our meals are in the month");
	CHECK(line && json_is_null(json_object_get(line, "unit_cents")), "no resources recorded: no price, not 0");
	CHECK_HAS(line ? gets_(line, "explain") : "", "non renseign");
	int64_t meals = line ? geti(line, "meals") : 0;
	json_decref(j);
	snprintf(body, sizeof body, "{\"month\": \"%s\", \"kind\": \"resource\", \"category\": \"salaire\", \"amount_cents\": 35000}", month);
	snprintf(path, sizeof path, "/api/v1/households/%lld/budget", (long long)hid);
	CHECK_INT(post_json(&soc, path, body)->status, 201);
	snprintf(path, sizeof path, "/api/v1/homecare/billing?mois=%s", month);
	j = J(get(&mgr, path));
	line = NULL;
	json_array_foreach(json_object_get(j, "lines"), i, x) if (geti(x, "subscription_id") == sub) line = x;
	CHECK_INT(line ? geti(line, "unit_cents") : -1, 350); /* QF 350 € (one part) ≤ 500 € → 3,50 € */
	CHECK_INT(line ? geti(line, "total_cents") : -1, 350 * meals);
	json_decref(j);
	snprintf(body, sizeof body, "{\"mois\":\"%.7s\"}", today);
	CHECK_INT(post_json(&mgr, "/api/v1/homecare/billing", body)->status, 400); /* the month is not over */
	snprintf(body, sizeof body, "{\"mois\":\"%s\"}", month);
	j = J(post_json(&mgr, "/api/v1/homecare/billing", body));
	CHECK(geti(j, "issued") >= 1, "invoices issued");
	json_decref(j);
	j = J(post_json(&mgr, "/api/v1/homecare/billing", body));
	CHECK_INT(geti(j, "issued"), 0); /* once */
	json_decref(j);
	j = J(get(&mgr, path));
	int64_t inv = 0;
	json_array_foreach(json_object_get(j, "lines"), i, x) if (geti(x, "subscription_id") == sub) inv = geti(x, "invoice_id");
	json_decref(j);
	CHECK(inv > 0, "our invoice");
	snprintf(path, sizeof path, "/api/v1/homecare/invoices/%lld", (long long)inv);
	snprintf(body, sizeof body, "{\"amount\":\"%lld,00\",\"means\":\"cheque\"}", (long long)(350 * meals / 100 + 5));
	CHECK_HAS(post_json(&mgr, path, body)->body, "reste dû"); /* more than due */
	j = J(post_json(&mgr, path, "{\"amount\":\"1,00\",\"means\":\"especes\"}"));
	CHECK_STR(gets_(j, "status"), "payée en partie");
	CHECK_INT(geti(j, "paid_cents"), 100);
	json_decref(j);
	snprintf(body, sizeof body, "{\"amount\":\"%lld,%02lld\",\"means\":\"cheque\"}", (long long)((350 * meals - 100) / 100),
	         (long long)((350 * meals - 100) % 100));
	j = J(post_json(&mgr, path, body));
	CHECK_STR(gets_(j, "status"), "payée");
	json_decref(j);
	snprintf(path, sizeof path, "/domicile/factures/%lld/facture.pdf", (long long)inv);
	CHECK_HAS(get(&mgr, path)->headers, "application/pdf");
	snprintf(path, sizeof path, "/domicile/facturation?mois=%s", month);
	CHECK_HAS(get(&mgr, path)->body, "payée");

	T_GROUP("a day of many deliveries: a line a round, each round's stops on its page, the orders of no round apart");
	{
		char d5[11], sql[1024];
		day(d5, -5);
		/* 320 more orders that day (sub ids no subscription has), three of them of no round. */
		snprintf(sql, sizeof sql,
		         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 320) "
		         "INSERT INTO hc_orders (structure_id, sub_id, day, meals, diet, texture, round_id, state) "
		         "SELECT (SELECT structure_id FROM hc_rounds WHERE id = %lld), 900000 + i, '%s', 2, 'sans_sel', 'hachee', "
		         "CASE WHEN i <= 3 THEN NULL ELSE %lld END, 'prevu' FROM n",
		         (long long)rid, d5, (long long)rid);
		CHECK_INT(db_tamper(sql), 0);
		snprintf(path, sizeof path, "/api/v1/homecare/day?jour=%s", d5);
		j = J(get(&soc, path));
		int total = (int)json_array_size(json_object_get(j, "orders"));
		int64_t meals_day = geti(j, "meals");
		json_decref(j);
		CHECK(total > 320, "the day's orders: ours and the subscription's (%d)", total);
		snprintf(path, sizeof path, "/domicile?jour=%s&tournee=0", d5);
		r = get(&soc, path);
		CHECK_INT(r->status, 200);
		char want[160];
		snprintf(want, sizeof want, "%d livraisons ce jour", total);
		CHECK_HAS(r->body, want);
		snprintf(want, sizeof want, "Pour la cuisine : %lld repas", (long long)meals_day);
		CHECK_HAS(r->body, want); /* the kitchen's count from the counts, as the API's from the rows */
		CHECK_HAS(r->body, "Les tournées du jour");
		CHECK_LACKS(r->body, "name=\"absent\""); /* no stop listed */
		snprintf(want, sizeof want, "tournee=%lld\">", (long long)rid);
		CHECK_HAS(r->body, want);
		CHECK_HAS(r->body, "tournee=-1\">Sans tournée</a>");
		/* The round's page: every stop of the round, each with its box. */
		snprintf(path, sizeof path, "/domicile?jour=%s&tournee=%lld", d5, (long long)rid);
		r = get(&soc, path);
		CHECK_INT(occurrences(r->body, "name=\"absent\""), total - 3);
		CHECK_LACKS(r->body, "Les tournées du jour");
		/* The orders of no round: their own page and form, which delivers them alone. */
		snprintf(path, sizeof path, "/domicile?jour=%s&tournee=-1", d5);
		r = get(&soc, path);
		CHECK_INT(occurrences(r->body, "name=\"absent\""), 3);
		CHECK_HAS(r->body, "name=\"tournee\" value=\"-1\"");
		snprintf(body, sizeof body, "_csrf=%s&jour=%s&tournee=-1", soc.csrf, d5);
		CHECK_INT(post(&soc, "/domicile", body)->status, 303);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM hc_orders WHERE day = '%s' AND round_id IS NULL AND state <> 'livre'", d5);
		CHECK_INT(db_zero(sql), 0);
		snprintf(sql, sizeof sql, "SELECT count(*) FROM hc_orders WHERE day = '%s' AND round_id IS NOT NULL AND state <> 'prevu'", d5);
		CHECK_INT(db_zero(sql), 0); /* the rounds' orders untouched (0 would have delivered them all) */
		snprintf(body, sizeof body, "{\"jour\":\"%s\",\"tournee\":-2}", d5);
		CHECK_INT(post_json(&soc, "/api/v1/homecare/day", body)->status, 400);
	}

	T_GROUP("the household page, the home page, the person's export, the end");
	snprintf(path, sizeof path, "/foyers/%lld", (long long)hid);
	r = get(&soc, path);
	CHECK_HAS(r->body, "<h2 id=\"t-hc\">Services à domicile</h2>");
	CHECK_HAS(r->body, "Téléassistance Vitaris");
	CHECK_HAS(get(&soc, "/")->body, "t-hhc");
	bool agrees;
	long long subs_now = home_figure(&soc, "<a href=\"/domicile\">", "hc_subs", &agrees);
	CHECK(agrees, "the home page's running meal subscriptions are the table's (%lld)", subs_now);
	long long alarms_now = home_figure(&soc, "<a href=\"/domicile/teleassistance\">", "hc_alarms", &agrees);
	CHECK(agrees, "and its alarms in service (%lld)", alarms_now);
	CHECK_INT(db_zero(HC_COUNTS_AGREE), 0);
	snprintf(path, sizeof path, "/api/v1/persons/%lld/subject-access", (long long)pid);
	CHECK_HAS(get(&mgr, path)->body, "\"services_at_home\"");
	snprintf(path, sizeof path, "/api/v1/homecare/meals/%lld", (long long)sub);
	snprintf(body, sizeof body, "{\"action\":\"terminer\",\"ended_on\":\"%s\",\"version\":2}", today);
	j = J(post_json(&soc, path, body));
	CHECK_STR(gets_(j, "ended_on"), today);
	json_decref(j);
	CHECK_STR(order_state(&soc, tomorrow2, sub, st, sizeof st, NULL), "absent"); /* what was written stays as it was */
	CHECK_STR(order_state(&soc, tomorrow1, sub, st, sizeof st, NULL), ""); /* nothing new after the end */

	T_GROUP("isolation");
	cli bb;
	CHECK(other_structure_manager(&s, &bb), "a manager of another structure");
	snprintf(path, sizeof path, "/api/v1/homecare/meals/%lld", (long long)sub);
	CHECK_INT(get(&bb, path)->status, 404);
	snprintf(path, sizeof path, "/api/v1/homecare/alarms/%lld", (long long)al);
	CHECK_INT(get(&bb, path)->status, 404);
	snprintf(path, sizeof path, "/api/v1/homecare/invoices/%lld", (long long)inv);
	CHECK_INT(get(&bb, path)->status, 404);
	snprintf(path, sizeof path, "/api/v1/homecare/day?jour=%s", ym1);
	CHECK_LACKS(get(&bb, path)->body, "\"subscription_id\"");

	T_GROUP("the home page's figures, whoever writes");
	CHECK_INT(db_zero(HC_COUNTS_AGREE), 0); /* after the subscription's end */
	CHECK_INT(home_figure(&soc, "<a href=\"/domicile\">", "hc_subs", &agrees), subs_now - 1);
	CHECK(agrees, "one subscription fewer running");
	snprintf(body, sizeof body, "UPDATE hc_subs SET ended_on = NULL WHERE id = %lld", (long long)sub);
	CHECK_INT(db_tamper(body), 0); /* SQL typed by hand */
	CHECK_INT(db_zero(HC_COUNTS_AGREE), 0);
	CHECK_INT(home_figure(&soc, "<a href=\"/domicile\">", "hc_subs", &agrees), subs_now);
	snprintf(body, sizeof body, "UPDATE hc_alarms SET ended_on = '2001-01-01' WHERE id = %lld", (long long)al);
	CHECK_INT(db_tamper(body), 0);
	CHECK_INT(db_zero(HC_COUNTS_AGREE), 0);
	snprintf(body, sizeof body, "UPDATE hc_alarms SET ended_on = NULL WHERE id = %lld", (long long)al);
	CHECK_INT(db_tamper(body), 0);
	snprintf(body, sizeof body, "DELETE FROM hc_alarms WHERE id = %lld", (long long)al);
	CHECK_INT(db_tamper(body), 0);
	CHECK_INT(db_zero(HC_COUNTS_AGREE), 0);
	CHECK(home_figure(&soc, "<a href=\"/domicile/teleassistance\">", "hc_alarms", &agrees) >= 0 && agrees, "the alarms' figure after a deletion");

	cli_free(&bb);
	cli_free(&com), cli_free(&desk), cli_free(&mgr), cli_free(&soc);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	return T_DONE();
}
