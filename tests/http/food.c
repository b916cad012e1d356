/* HTTP tests of food aid and the social grocery: access decided from the
 * rulebook (resources by household size; « cannot conclude » without
 * resources; a derogation needs its reason; a refusal too; no overlap),
 * the card's barcode, a distribution with its households, the counter's
 * one action by file number or name (already taken, added on the day
 * within the rules, refused without a decision, a proxy, undo, closing),
 * the grocery's till (allowance left, participation, a lot past its use-by
 * date never sold, stock checked), exits and inventory, the yearly report
 * moving by exactly what was done, its files; roles and isolation. */
#define T_NAME "http-food"
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

static int64_t household(cli *k, const char *last, const char *first)
{
	char body[300];
	snprintf(body, sizeof body, "{\"last_name\":\"%s\",\"first_names\":\"%s\",\"confirm_duplicate\":true}", last, first);
	json_t *j = J(post_json(k, "/api/v1/households", body));
	int64_t id = geti(j, "household_id");
	json_decref(j);
	return id;
}

static void resources(cli *k, int64_t hid, const char *month, int64_t cents)
{
	char path[100], body[200];
	snprintf(path, sizeof path, "/api/v1/households/%lld/budget", (long long)hid);
	snprintf(body, sizeof body, "{\"month\": \"%s\", \"kind\": \"resource\", \"category\": \"salaire\", \"amount_cents\": %lld}", month, (long long)cents);
	CHECK_INT(post_json(k, path, body)->status, 201);
}

/* The home page's « N droits à renouveler dans les 15 jours » (0 when the line is not there), and the list's total. */
static int64_t to_renew(cli *k, int64_t *listed)
{
	const char *b = get(k, "/")->body, *at = b ? strstr(b, "/alimentaire/droits?liste=renouveler\">") : NULL;
	int64_t n = at ? strtoll(at + strlen("/alimentaire/droits?liste=renouveler\">"), NULL, 10) : 0;
	json_t *j = J(get(k, "/api/v1/food/decisions?liste=renouveler"));
	*listed = geti(j, "total");
	json_decref(j);
	return n;
}

/* The file number the distribution's list shows for a household, and its line. */
static int64_t line_of(cli *k, int64_t dist, int64_t hid, char *file_no, size_t n, char *state, size_t sn)
{
	char path[100];
	int64_t line = 0;
	for (int page = 1; page < 100 && !line; page++) {
		snprintf(path, sizeof path, "/api/v1/food/distributions/%lld?page=%d", (long long)dist, page);
		json_t *j = J(get(k, path)), *x;
		size_t i;
		json_array_foreach(json_object_get(j, "households"), i, x) if (geti(x, "household_id") == hid) {
			line = geti(x, "id");
			if (file_no)
				snprintf(file_no, n, "%s", gets_(x, "file_no"));
			if (state)
				snprintf(state, sn, "%s", gets_(x, "state"));
		}
		bool more = json_is_integer(json_object_get(j, "next_page"));
		json_decref(j);
		if (!more)
			break;
	}
	return line;
}

static json_t *report(cli *k)
{
	resp *r = get(k, "/api/v1/food/report");
	CHECK_INT(r->status, 200);
	return J(r);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	setenv("TZ", "Indian/Reunion", 1); /* the demo structure's time zone: « today » is the server's */
	tzset();
	char today[11], tomorrow[11], yesterday[11], in90[11], month[8];
	day(today, 0), day(tomorrow, 1), day(yesterday, -1), day(in90, 90);
	snprintf(month, sizeof month, "%.7s", today);
	srv s;
	if (!srv_start(&s, "food")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli soc, mgr, desk, com;
	cli_init(&soc, &s), cli_init(&mgr, &s), cli_init(&desk, &s), cli_init(&com, &s);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	CHECK_INT(login(&com, DEMO("commission"), DEMO_PW), 303);
	char path[200], body[1200], no_a[32] = "", no_b[32] = "", st[32];
	json_t *before = report(&mgr);
	int64_t ha = household(&soc, "Vivres", "Paulette"), hb = household(&soc, "Vivres", "Joseph"), hc = household(&soc, "Sansdroit", "Marc"),
		hd = household(&soc, "Aisé", "Gaston");
	CHECK(ha > 0 && hb > 0 && hc > 0 && hd > 0, "households");

	T_GROUP("access: the rulebook's answer, the decision, its reason");
	snprintf(path, sizeof path, "/api/v1/food/eligibility?foyer=%lld", (long long)ha);
	json_t *j = J(get(&soc, path));
	CHECK_STR(gets_(json_object_get(j, "colis"), "answer"), "incomplet"); /* no resources recorded: nothing concluded, not « 0 € » */
	CHECK_HAS(gets_(json_object_get(j, "colis"), "explain"), "non renseign");
	json_decref(j);
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"colis\",\"decision\":\"accorde\"}", (long long)ha);
	resp *r = post_json(&soc, "/api/v1/food/decisions", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "reason");
	resources(&soc, ha, month, 80000);  /* 800 € for one person: under the 1 000 € of the table */
	resources(&soc, hd, month, 250000); /* 2 500 €: over it */
	j = J(get(&soc, path));
	CHECK_STR(gets_(json_object_get(j, "colis"), "answer"), "eligible");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/food/eligibility?foyer=%lld", (long long)hd);
	j = J(get(&soc, path));
	CHECK_STR(gets_(json_object_get(j, "colis"), "answer"), "non_eligible");
	json_decref(j);
	CHECK_INT(post_json(&desk, "/api/v1/food/decisions", body)->status, 403); /* the reception does not decide */
	r = post_json(&soc, "/api/v1/food/decisions", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t dec_a = geti(j, "id");
	CHECK(json_is_true(json_object_get(j, "eligible")), "the rulebook said eligible");
	CHECK_STR(gets_(j, "from_on"), today);
	CHECK_STR(gets_(j, "size"), "petit");
	json_decref(j);
	CHECK_HAS(post_json(&soc, "/api/v1/food/decisions", body)->body, "déjà un droit"); /* no overlap */
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"colis\",\"decision\":\"accorde\"}", (long long)hd);
	CHECK_HAS(post_json(&soc, "/api/v1/food/decisions", body)->body, "dérogation");
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"colis\",\"decision\":\"refuse\"}", (long long)hd);
	CHECK_HAS(post_json(&soc, "/api/v1/food/decisions", body)->body, "refus");
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"colis\",\"decision\":\"refuse\",\"reason\":\"Ressources au-dessus du barème\"}",
	         (long long)hd);
	r = post_json(&soc, "/api/v1/food/decisions", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	CHECK(json_is_false(json_object_get(j, "granted")) && json_is_null(json_object_get(j, "to_on")), "refused, no period");
	json_decref(j);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)ha);
	r = get(&soc, path);
	CHECK_HAS(r->body, "Aide alimentaire");
	CHECK_HAS(r->body, "Colis alimentaire</a>");
	snprintf(path, sizeof path, "/alimentaire/droits/%lld/carte.pdf", (long long)dec_a);
	r = get(&desk, path);
	CHECK_INT(r->status, 200);
	snprintf(path, sizeof path, "/api/v1/households/%lld", (long long)ha);
	j = J(get(&soc, path));
	snprintf(no_a, sizeof no_a, "%s", gets_(j, "file_no"));
	json_decref(j);
	snprintf(path, sizeof path, "/alimentaire/droits/%lld/carte.pdf", (long long)dec_a);
	char *codes = pdf_barcodes(get(&desk, path));
	CHECK_HAS(codes, no_a); /* the card's barcode is the file number the counter reads */
	free(codes);

	T_GROUP("the rights to renew: the home page's count and the list");
	{
		/* A right ending within 15 days counts, on the home page and in the list; a later grant of its kind for
		 * the household takes it out of both. */
		int64_t hr = household(&soc, "Renouvelle", "Rose"), listed0 = -1, listed = -1;
		char prev[8], from[11], later[11];
		day(from, -20), day(later, 25);
		snprintf(prev, sizeof prev, "%.7s", from);
		resources(&soc, hr, month, 80000);
		if (strcmp(prev, month))
			resources(&soc, hr, prev, 80000);
		int64_t home0 = to_renew(&mgr, &listed0);
		snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"colis\",\"decision\":\"accorde\",\"from_on\":\"%s\","
		         "\"months\":\"1\"}", (long long)hr, from);
		r = post_json(&soc, "/api/v1/food/decisions", body);
		CHECK_INT(r->status, 201);
		int64_t home1 = to_renew(&mgr, &listed);
		CHECK(home1 == home0 + 1 && listed == listed0 + 1, "a right ending in ten days: %lld → %lld at home, %lld → %lld listed",
		      (long long)home0, (long long)home1, (long long)listed0, (long long)listed);
		snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"colis\",\"decision\":\"accorde\",\"from_on\":\"%s\","
		         "\"months\":\"1\"}", (long long)hr, later);
		r = post_json(&soc, "/api/v1/food/decisions", body);
		CHECK_INT(r->status, 201);
		int64_t home2 = to_renew(&mgr, &listed);
		CHECK(home2 == home0 && listed == listed0, "renewed by a later grant: %lld at home, %lld listed", (long long)home2,
		      (long long)listed);
	}

	T_GROUP("a distribution: the households expected, the counter's one action");
	snprintf(body, sizeof body, "{\"day\":\"%s\",\"site\":\"Salle test\",\"slots\":\"9h-10h, 10h-11h\"}", today);
	r = post_json(&desk, "/api/v1/food/distributions", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t dist = geti(j, "id"), expected = geti(j, "expected");
	json_decref(j);
	CHECK(expected >= 1, "the households whose decision covers the day");
	CHECK_HAS(post_json(&desk, "/api/v1/food/distributions", body)->body, "déjà lieu");
	int64_t la = line_of(&desk, dist, ha, no_a, sizeof no_a, st, sizeof st);
	CHECK(la > 0, "our household is expected");
	CHECK_STR(st, "attendu");
	CHECK(line_of(&desk, dist, hd, NULL, 0, NULL, 0) == 0, "the refused household is not");
	snprintf(path, sizeof path, "/api/v1/food/distributions/%lld/collect", (long long)dist);
	snprintf(body, sizeof body, "{\"q\":\"%s\"}", no_a); /* the card read by the scanner */
	r = post_json(&desk, path, body);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Petit colis");
	line_of(&desk, dist, ha, NULL, 0, st, sizeof st);
	CHECK_STR(st, "retire");
	r = post_json(&desk, path, body);
	CHECK_INT(r->status, 409); /* twice: nothing changes */
	CHECK_HAS(r->body, "déjà");
	snprintf(body, sizeof body, "{\"line\":%lld,\"state\":\"attendu\"}", (long long)la);
	CHECK_INT(post_json(&desk, path, body)->status, 200); /* undo */
	snprintf(body, sizeof body, "{\"line\":%lld,\"state\":\"procuration\"}", (long long)la);
	CHECK_HAS(post_json(&desk, path, body)->body, "procuration");
	snprintf(body, sizeof body, "{\"line\":%lld,\"state\":\"procuration\",\"proxy\":\"Sa voisine\"}", (long long)la);
	CHECK_INT(post_json(&desk, path, body)->status, 200);
	line_of(&desk, dist, ha, NULL, 0, st, sizeof st);
	CHECK_STR(st, "procuration");
	/* A household granted after the list was made: added on the day. */
	resources(&soc, hb, month, 90000);
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"colis\",\"decision\":\"accorde\"}", (long long)hb);
	CHECK_INT(post_json(&soc, "/api/v1/food/decisions", body)->status, 201);
	snprintf(path, sizeof path, "/api/v1/households/%lld", (long long)hb);
	j = J(get(&soc, path));
	snprintf(no_b, sizeof no_b, "%s", gets_(j, "file_no"));
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/food/distributions/%lld/collect", (long long)dist);
	snprintf(body, sizeof body, "{\"q\":\"%s\"}", no_b);
	r = post_json(&desk, path, body);
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK(json_is_true(json_object_get(j, "added")), "added to the day's list");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/households/%lld", (long long)hc);
	j = J(get(&soc, path));
	snprintf(body, sizeof body, "{\"q\":\"%s\"}", gets_(j, "file_no"));
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/food/distributions/%lld/collect", (long long)dist);
	r = post_json(&desk, path, body);
	CHECK_INT(r->status, 409); /* no decision, no parcel */
	CHECK_HAS(r->body, "pas de droit");
	CHECK_INT(post_json(&desk, path, "{\"q\":\"zzzzqqqq-inconnu\"}")->status, 404);
	/* By name, at the counter's page (a form): two households of the list answer. */
	snprintf(body, sizeof body, "{\"day\":\"%s\",\"site\":\"Salle test\"}", tomorrow);
	j = J(post_json(&desk, "/api/v1/food/distributions", body));
	int64_t dist2 = geti(j, "id");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/food/distributions/%lld/collect", (long long)dist2);
	r = post_json(&desk, path, "{\"q\":\"Vivres\"}");
	CHECK_INT(r->status, 409);
	j = J(r);
	CHECK_INT((int64_t)json_array_size(json_object_get(j, "matches")), 2);
	json_decref(j);
	snprintf(path, sizeof path, "/alimentaire/distributions/%lld", (long long)dist2);
	r = get(&desk, path);
	CHECK_HAS(r->body, "Carte, numéro de dossier ou nom");
	snprintf(path, sizeof path, "/alimentaire/distributions/%lld/comptoir", (long long)dist2);
	snprintf(body, sizeof body, "_csrf=%s&q=%s&state=retire", desk.csrf, no_a);
	r = post(&desk, path, body);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Retiré");
	CHECK_HAS(r->body, "Vivres Paulette");
	snprintf(path, sizeof path, "/api/v1/food/distributions/%lld/close", (long long)dist2);
	r = post_json(&desk, path, "{}");
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK_INT(geti(j, "absent"), geti(j, "expected") - 1); /* the rest: not taken */
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/food/distributions/%lld/collect", (long long)dist2);
	snprintf(body, sizeof body, "{\"q\":\"%s\"}", no_b);
	CHECK_HAS(post_json(&desk, path, body)->body, "close");
	snprintf(path, sizeof path, "/alimentaire/distributions/%lld/liste.pdf", (long long)dist);
	char *txt = pdf_text(get(&desk, path));
	CHECK_HAS(txt, "Vivres");
	free(txt);

	T_GROUP("the grocery: stock, the till within the allowance, the use-by date");
	r = post_json(&mgr, "/api/v1/food/products", "{\"name\":\"Riz test 1 kg\",\"category\":\"cereales\",\"price\":\"2,00\",\"grams\":1000}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "category");
	j = J(post_json(&mgr, "/api/v1/food/products", "{\"name\":\"Riz test 1 kg\",\"category\":\"feculents\",\"price\":\"2,00\",\"grams\":1000}"));
	int64_t rice = geti(j, "id");
	json_decref(j);
	j = J(post_json(&mgr, "/api/v1/food/products", "{\"name\":\"Yaourt test\",\"category\":\"laitiers\",\"price\":\"1,50\",\"grams\":500}"));
	int64_t yog = geti(j, "id");
	json_decref(j);
	CHECK(rice > 0 && yog > 0, "products");
	snprintf(body, sizeof body, "{\"product\":%lld,\"qty\":4,\"source\":\"don\",\"date_kind\":\"dlc\",\"best_on\":\"%s\"}", (long long)yog, yesterday);
	CHECK_HAS(post_json(&mgr, "/api/v1/food/lots", body)->body, "passée"); /* a past use-by date never enters */
	snprintf(body, sizeof body, "{\"product\":%lld,\"qty\":4,\"source\":\"don\",\"date_kind\":\"dlc\",\"best_on\":\"%s\"}", (long long)yog, tomorrow);
	j = J(post_json(&mgr, "/api/v1/food/lots", body));
	int64_t lot_y = geti(j, "id");
	CHECK_INT(geti(j, "grams"), 2000);
	json_decref(j);
	snprintf(body, sizeof body, "{\"product\":%lld,\"qty\":10,\"weight_kg\":\"10,5\",\"source\":\"banque_alimentaire\",\"date_kind\":\"ddm\","
	                            "\"best_on\":\"%s\"}", (long long)rice, in90);
	j = J(post_json(&mgr, "/api/v1/food/lots", body));
	int64_t lot_r = geti(j, "id");
	CHECK_INT(geti(j, "grams"), 10500);
	json_decref(j);
	/* Access to the grocery: 800 € a month alone is over its reste à vivre ceiling; a derogation, written. */
	snprintf(path, sizeof path, "/api/v1/food/eligibility?foyer=%lld", (long long)ha);
	j = J(get(&soc, path));
	CHECK_STR(gets_(json_object_get(j, "epicerie"), "answer"), "non_eligible");
	CHECK_HAS(gets_(json_object_get(j, "epicerie"), "explain"), "Reste à vivre");
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/food/account?foyer=%lld", (long long)ha);
	CHECK_INT(get(&desk, path)->status, 404);
	snprintf(body, sizeof body, "{\"household\":%lld,\"p_%lld\":1}", (long long)ha, (long long)rice);
	CHECK_INT(post_json(&desk, "/api/v1/food/visits", body)->status, 409); /* nothing sold without a decision */
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"epicerie\",\"decision\":\"accorde\",\"allowance\":\"10,00\",\"rate\":20,"
	                            "\"reason\":\"Arrivée récente, urgence\"}", (long long)ha);
	r = post_json(&soc, "/api/v1/food/decisions", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	CHECK_INT(geti(j, "allowance_cents"), 1000);
	CHECK(json_is_false(json_object_get(j, "eligible")), "granted by derogation");
	json_decref(j);
	j = J(get(&desk, path));
	CHECK_INT(geti(j, "left_cents"), 1000);
	json_decref(j);
	snprintf(body, sizeof body, "{\"household\":%lld,\"p_%lld\":6}", (long long)ha, (long long)rice);
	r = post_json(&desk, "/api/v1/food/visits", body);
	CHECK_INT(r->status, 400); /* 12 € at the shop price: over the 10 € left */
	CHECK_HAS(r->body, "il reste");
	snprintf(body, sizeof body, "{\"household\":%lld,\"p_%lld\":11}", (long long)ha, (long long)rice);
	CHECK_HAS(post_json(&desk, "/api/v1/food/visits", body)->body, "que 10");
	/* The yogurt's date passes: the lot cannot be sold, by product nor by lot. */
	snprintf(body, sizeof body, "UPDATE food_lots SET best_on = '%s' WHERE id = %lld", yesterday, (long long)lot_y);
	CHECK_INT(db_tamper(body), 0);
	snprintf(body, sizeof body, "{\"household\":%lld,\"lot_%lld\":1}", (long long)ha, (long long)lot_y);
	r = post_json(&desk, "/api/v1/food/visits", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "date limite");
	snprintf(body, sizeof body, "{\"household\":%lld,\"p_%lld\":1}", (long long)ha, (long long)yog);
	CHECK_INT(post_json(&desk, "/api/v1/food/visits", body)->status, 400);
	snprintf(body, sizeof body, "{\"household\":%lld,\"p_%lld\":3,\"dry_run\":true}", (long long)ha, (long long)rice);
	j = J(post_json(&desk, "/api/v1/food/visits", body));
	CHECK_INT(geti(j, "value_cents"), 600);
	CHECK_INT(geti(j, "pay_cents"), 120); /* 20 % */
	CHECK_INT(geti(j, "left_after_cents"), 400);
	json_decref(j);
	snprintf(body, sizeof body, "{\"household\":%lld,\"p_%lld\":3}", (long long)ha, (long long)rice);
	r = post_json(&desk, "/api/v1/food/visits", body);
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t visit = geti(j, "id");
	CHECK_INT(geti(j, "grams"), 3150); /* the lot's weight: 10,5 kg for 10 */
	json_decref(j);
	/* The household's page: its decisions and its last visits, read in one statement. */
	char hpath[64];
	snprintf(hpath, sizeof hpath, "/foyers/%lld", (long long)ha);
	r = get(&soc, hpath);
	snprintf(body, sizeof body, "<p>Derniers passages : <a href=\"/alimentaire/epicerie/passages/%lld\">épicerie le ", (long long)visit);
	CHECK_HAS(r->body, body);
	CHECK_HAS(r->body, "€).</p>"); /* markup, not text: « &lt;p&gt; » was shown */
	CHECK_LACKS(r->body, "&lt;p&gt;");
	CHECK_HAS(r->body, "Épicerie sociale</a>");
	j = J(get(&desk, path));
	CHECK_INT(geti(j, "left_cents"), 400);
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/food/lots/%lld", (long long)lot_r);
	j = J(get(&desk, path));
	CHECK_INT(geti(j, "qty"), 7);
	json_decref(j);
	/* The till's page: what is left before paying; a refused basket keeps what was typed. */
	snprintf(path, sizeof path, "/alimentaire/epicerie/caisse?foyer=%lld", (long long)ha);
	r = get(&desk, path);
	CHECK_HAS(r->body, "4,00");
	CHECK(!strstr(r->body, "Yaourt test"), "the expired lot is not on the shelf");
	snprintf(body, sizeof body, "_csrf=%s&household=%lld&action=encaisser&p_%lld=5", desk.csrf, (long long)ha, (long long)rice);
	r = post(&desk, "/alimentaire/epicerie/caisse", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "value=\"5\"");
	snprintf(path, sizeof path, "/alimentaire/epicerie?q=%s", no_a);
	CHECK_INT(get(&desk, path)->status, 303); /* the card opens the till */

	snprintf(path, sizeof path, "/api/v1/food/products/%lld", (long long)rice);
	j = J(post_json(&mgr, path, "{\"name\":\"Riz test 1 kg\",\"category\":\"feculents\",\"price\":\"2,10\",\"grams\":1000}"));
	CHECK_INT(geti(j, "price_cents"), 210);
	json_decref(j);
	CHECK_INT(post_json(&desk, path, "{\"name\":\"\",\"category\":\"feculents\",\"price\":\"2,10\",\"grams\":1000}")->status, 400);
	snprintf(path, sizeof path, "/alimentaire/stock/produits/%lld", (long long)rice);
	CHECK_HAS(get(&desk, path)->body, "2,10");

	T_GROUP("exits and inventory");
	snprintf(path, sizeof path, "/api/v1/food/lots/%lld", (long long)lot_y);
	CHECK_HAS(post_json(&desk, path, "{\"kind\":\"perime\",\"qty\":9}")->body, "qty");
	j = J(post_json(&desk, path, "{\"kind\":\"perime\",\"qty\":4}"));
	CHECK_INT(geti(j, "qty"), 0);
	json_decref(j);
	snprintf(body, sizeof body, "{\"lot_%lld\":6}", (long long)lot_r);
	j = J(post_json(&mgr, "/api/v1/food/inventory", body));
	CHECK_INT(geti(j, "lots_changed"), 1);
	CHECK_INT(geti(j, "difference"), -1);
	json_decref(j);
	snprintf(body, sizeof body, "{\"lot_%lld\":\"six\"}", (long long)lot_r);
	CHECK_INT(post_json(&mgr, "/api/v1/food/inventory", body)->status, 400);
	CHECK_INT(post_json(&com, "/api/v1/food/inventory", body)->status, 403);

	T_GROUP("the yearly report moves by exactly what was done");
	json_t *after = report(&mgr);
	/* Our parcels: A (proxy) and B (added) at dist, A at dist2 — 3; our visit: 1, 3 150 g; parcels weigh 6 kg (small). */
	CHECK_INT(geti(after, "parcels") - geti(before, "parcels"), 3);
	CHECK_INT(geti(after, "visits") - geti(before, "visits"), 1);
	CHECK_INT(geti(after, "grams") - geti(before, "grams"), 3150 + 3 * 6000);
	CHECK_INT(geti(after, "households") - geti(before, "households"), 2);
	CHECK_INT(geti(after, "persons") - geti(before, "persons"), 2);
	CHECK_INT(geti(after, "value_cents") - geti(before, "value_cents"), 600);
	json_decref(before);
	json_decref(after);
	r = get(&mgr, "/alimentaire/rapport?format=csv");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Kilogrammes par catégorie");
	CHECK(!strstr(r->body, "Vivres"), "no name in the report");
	CHECK_INT(get(&mgr, "/alimentaire/rapport?format=xlsx")->status, 200);
	txt = pdf_text(get(&mgr, "/alimentaire/rapport?format=pdf"));
	CHECK_HAS(txt, "Foyers aidés");
	free(txt);
	CHECK_INT(get(&mgr, "/alimentaire/rapport?annee=1999")->status, 400);

	T_GROUP("roles, pages, isolation");
	CHECK_INT(get(&com, "/alimentaire")->status, 403);
	CHECK_INT(get(&desk, "/alimentaire/reglage")->status, 403);
	snprintf(body, sizeof body, "_csrf=%s&rate=150&months=3&near_days=3&kg_small=6&kg_medium=10&kg_large=15", mgr.csrf);
	r = post(&mgr, "/alimentaire/reglage", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "value=\"150\"");
	/* The settings are kept in memory under the structure's reference version: read, written, read again. */
	CHECK_LACKS(get(&mgr, "/alimentaire/reglage")->body, "aria-describedby=\"h-near_days\" value=\"9\"");
	snprintf(body, sizeof body, "_csrf=%s&rate=20&months=3&near_days=9&kg_small=6&kg_medium=10&kg_large=15", mgr.csrf);
	CHECK_INT(post(&mgr, "/alimentaire/reglage", body)->status, 303);
	CHECK_HAS(get(&mgr, "/alimentaire/reglage")->body, "aria-describedby=\"h-near_days\" value=\"9\"");
	static const char *const pages[] = {"/alimentaire", "/alimentaire/droits", "/alimentaire/droits?liste=actives", "/alimentaire/epicerie",
	                                    "/alimentaire/stock", "/alimentaire/stock?liste=alertes", "/alimentaire/stock/produits",
	                                    "/alimentaire/stock/reception", "/alimentaire/stock/inventaire", "/alimentaire/rapport", "/",
	                                    "/alimentaire/droits?format=csv"};
	for (int i = 0; i < (int)(sizeof pages / sizeof *pages); i++)
		CHECK_INT(get(&mgr, pages[i])->status, 200);
	snprintf(path, sizeof path, "/alimentaire/epicerie/passages/%lld", (long long)visit);
	CHECK_HAS(get(&desk, path)->body, "Riz test 1 kg");
	snprintf(path, sizeof path, "/alimentaire/distributions/%lld/livraisons.pdf", (long long)dist);
	CHECK_INT(get(&desk, path)->status, 200);
	cli other;
	if (other_structure_manager(&s, &other)) {
		snprintf(path, sizeof path, "/api/v1/food/decisions/%lld", (long long)dec_a);
		CHECK_INT(get(&other, path)->status, 404);
		snprintf(path, sizeof path, "/api/v1/food/distributions/%lld", (long long)dist);
		CHECK_INT(get(&other, path)->status, 404);
		snprintf(path, sizeof path, "/api/v1/food/visits/%lld", (long long)visit);
		CHECK_INT(get(&other, path)->status, 404);
		CHECK(!strstr(get(&other, "/api/v1/food/products")->body, "Riz test"), "another structure's products");
		cli_free(&other);
	} else {
		CHECK(0, "a manager of another structure");
	}
	snprintf(path, sizeof path, "/api/v1/food/decisions/%lld", (long long)dec_a);
	j = J(post_json(&soc, path, "{\"action\":\"terminer\",\"end_reason\":\"Déménagement\"}"));
	CHECK_STR(gets_(j, "end_reason"), "Déménagement");
	json_decref(j);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"terminer\",\"end_reason\":\"Encore\"}")->status, 409);
	cli_free(&soc), cli_free(&mgr), cli_free(&desk), cli_free(&com);
	srv_stop(&s);
	return T_DONE();
}
