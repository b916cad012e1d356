/* HTTP tests of observation: every mission's indicators on one page (SVG
 * charts with their sentence and table), a figure equal to what was done
 * (six contacts recorded: the count moves by six), the filters (a
 * household in its own neighbourhood, its applicant's age, composition and
 * resources), the households behind a figure (roles that see the files),
 * figures computed ahead equal to a direct count, small counts hidden
 * everywhere (page, API, open-data CSV) at the structure's threshold,
 * no name nor file number in the exports, the yearly report (PDF with the
 * director's text, XLSX), the settings keeping what was typed, roles. */
#define T_NAME "http-observation"
#include "http/h.h"
#include <jansson.h>
#include <stdbool.h>

static json_t *J(resp *r) { return json_loads(r->body, 0, NULL); }

static void day(char out[11], int n)
{
	time_t t = time(NULL) + (time_t)n * 86400;
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The row of category cat in indicator key; its count (-1 hidden, -2 absent) and how it is shown. */
static int64_t row_of(json_t *j, const char *key, const char *cat, char *shown, size_t n)
{
	size_t i, k;
	json_t *x, *y;
	if (shown)
		shown[0] = 0;
	json_array_foreach(json_object_get(j, "indicators"), i, x) if (!strcmp(json_string_value(json_object_get(x, "key")), key)) {
		json_array_foreach(json_object_get(x, "rows"), k, y) if (!strcmp(json_string_value(json_object_get(y, "category")), cat)) {
			if (shown)
				snprintf(shown, n, "%s", json_string_value(json_object_get(y, "shown")));
			json_t *v = json_object_get(y, "n");
			return json_is_integer(v) ? json_integer_value(v) : -1;
		}
	}
	return -2;
}

static void settings(cli *k, const char *threshold, const char *text, long want)
{
	char body[600];
	snprintf(body, sizeof body, "_csrf=%s&threshold=%s&report_text=%s", k->csrf, threshold, text);
	CHECK_INT(post(k, "/observation/reglage", body)->status, want);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	setenv("TZ", "Indian/Reunion", 1); /* the demo structure's time zone: « today » is the server's */
	tzset();
	char today[11], path[200], body[600], shown[32];
	day(today, 0);
	srv s;
	if (!srv_start(&s, "observation")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli mgr, desk, com;
	cli_init(&mgr, &s), cli_init(&desk, &s), cli_init(&com, &s);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	CHECK_INT(login(&com, DEMO("commission"), DEMO_PW), 303);

	T_GROUP("the page: every mission, charts with their sentence and table");
	resp *r = get(&mgr, "/observation");
	CHECK_INT(r->status, 200);
	static const char *const words[] = {"Contacts par canal", "Foyers suivis par logement", "Demandes d’aide facultative", "Demandes de domiciliation",
	                                    "Colis alimentaires", "role=\"img\"", "<desc id=", "Le tableau des données"};
	for (int i = 0; i < (int)(sizeof words / sizeof *words); i++)
		CHECK_HAS(r->body, words[i]);
	CHECK_INT(get(&com, "/observation")->status, 200); /* the board reads figures, never files */
	CHECK_INT(get(&desk, "/observation")->status, 403);
	CHECK_INT(get(&mgr, "/observation?du=2026-05-01&au=2026-04-01")->status, 400);

	T_GROUP("a figure equals what was done");
	settings(&mgr, "2", "", 303); /* only the 1s hidden: the count is read whole */
	snprintf(path, sizeof path, "/api/v1/observation?du=%s&au=%s", today, today);
	json_t *j = J(get(&mgr, path));
	int64_t before = row_of(j, "reception.channel", "Courrier", NULL, 0), area = row_of(j, "persons.neighbourhood", "non renseigné", NULL, 0);
	json_decref(j);
	before = before == -1 ? 1 : before == -2 ? 0 : before; /* hidden at 2: exactly one */
	area = area == -1 ? 1 : area == -2 ? 0 : area;
	j = J(post_json(&desk, "/api/v1/households", "{\"last_name\":\"Observé\",\"first_names\":\"Unique\",\"confirm_duplicate\":true}"));
	long long hid = (long long)json_integer_value(json_object_get(j, "household_id"));
	char file_no[32];
	snprintf(file_no, sizeof file_no, "%s", json_string_value(json_object_get(j, "file_no")) ? json_string_value(json_object_get(j, "file_no")) : "?");
	json_decref(j);
	j = J(get(&desk, "/api/v1/motives"));
	long long motive = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "motives"), 0), "id"));
	json_decref(j);
	for (int i = 0; i < 6; i++) {
		snprintf(body, sizeof body, "{\"household_id\": %lld, \"channel\": \"courrier\", \"motive_id\": %lld, \"answer\": \"Réponse écrite\"}", hid, motive);
		CHECK_INT(post_json(&desk, "/api/v1/contacts", body)->status, 201);
	}
	j = J(get(&mgr, path));
	int64_t after = row_of(j, "reception.channel", "Courrier", NULL, 0);
	CHECK_INT(after, before + 6);
	int64_t area2 = row_of(j, "persons.neighbourhood", "non renseigné", NULL, 0);
	CHECK_INT(area2 == -1 ? 1 : area2, area + 1); /* the household followed today, without an address (1 is hidden at 2) */
	json_decref(j);

	T_GROUP("filters: a neighbourhood, the applicant's age, the composition, the resources");
	j = J(post_json(&desk, "/api/v1/households", "{\"last_name\":\"Témoin\",\"first_names\":\"Filtre\",\"birth_date\":\"1940-05-01\","
	                                               "\"confirm_duplicate\":true,\"address\":{\"street\":\"rue du Test\",\"postcode\":\"97420\","
	                                               "\"city\":\"Le Port\",\"neighbourhood\":\"Quartier Témoin\",\"housing\":\"proprietaire\"}}"));
	long long hid2 = (long long)json_integer_value(json_object_get(j, "household_id"));
	char file2[32];
	snprintf(file2, sizeof file2, "%s", json_string_value(json_object_get(j, "file_no")) ? json_string_value(json_object_get(j, "file_no")) : "?");
	json_decref(j);
	CHECK(hid2 > 0, "a household in its own neighbourhood");
	snprintf(path, sizeof path, "/api/v1/households/%lld/budget", hid2);
	snprintf(body, sizeof body, "{\"month\":\"%.7s\",\"kind\":\"resource\",\"category\":\"retraite\",\"amount_cents\":80000}", today);
	CHECK_INT(post_json(&mgr, path, body)->status, 201);
	for (int i = 0; i < 6; i++) {
		snprintf(body, sizeof body, "{\"household_id\": %lld, \"channel\": \"courrier\", \"motive_id\": %lld, \"answer\": \"Réponse écrite\"}", hid2, motive);
		CHECK_INT(post_json(&desk, "/api/v1/contacts", body)->status, 201);
	}
	static const struct { const char *q; int households; int64_t courrier; } F[] = {
		{"quartier=Quartier%20T%C3%A9moin", 1, 6},
		{"quartier=Quartier%20T%C3%A9moin&age=75p", 1, 6},
		{"quartier=Quartier%20T%C3%A9moin&age=m25", 0, -2},
		{"quartier=Quartier%20T%C3%A9moin&composition=seul&ressources=500-1000", 1, 6},
		{"quartier=Quartier%20T%C3%A9moin&composition=couple", 0, -2},
		{"quartier=Quartier%20T%C3%A9moin&ressources=nr", 0, -2},
		{"quartier=Quartier%20T%C3%A9moin&ressources=1000-1500", 0, -2},
	};
	for (int i = 0; i < (int)(sizeof F / sizeof *F); i++) {
		snprintf(path, sizeof path, "/api/v1/observation?du=%s&au=%s&%s", today, today, F[i].q);
		j = J(get(&mgr, path));
		CHECK(json_integer_value(json_object_get(j, "households")) == F[i].households, "%s: %d household(s)", F[i].q, F[i].households);
		CHECK(row_of(j, "reception.channel", "Courrier", NULL, 0) == F[i].courrier, "%s: the six contacts, or none", F[i].q);
		json_decref(j);
	}
	/* Its household in the figures by age, composition and resources (one: hidden at 2, so « exactly one »). */
	snprintf(path, sizeof path, "/api/v1/observation?du=%s&au=%s&quartier=Quartier%%20T%%C3%%A9moin", today, today);
	j = J(get(&mgr, path));
	CHECK_INT(row_of(j, "persons.age", "75 ans ou plus", NULL, 0), -1);
	CHECK_INT(row_of(j, "persons.age", "moins de 25 ans", NULL, 0), -2);
	CHECK_INT(row_of(j, "persons.composition", "Personne seule", NULL, 0), -1);
	CHECK_INT(row_of(j, "persons.resources", "500 à 999 € par mois", NULL, 0), -1);
	CHECK_INT(row_of(j, "persons.persons", "75 ans ou plus", NULL, 0), -1);
	json_decref(j);
	snprintf(path, sizeof path, "/api/v1/observation?du=%s&au=%s&age=99", today, today);
	r = get(&mgr, path);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Un filtre n’est pas dans sa liste");
	snprintf(path, sizeof path, "/observation?du=%s&au=%s&quartier=Quartier%%20T%%C3%%A9moin&age=75p", today, today);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "1 foyer retenu");
	CHECK_HAS(r->body, "<option value=\"75p\" selected>");

	T_GROUP("from a figure to the households behind it, for the roles that see the files");
	snprintf(path, sizeof path, "/api/v1/observation/households?indicateur=reception.channel&categorie=Courrier&du=%s&au=%s&quartier=Quartier%%20T%%C3%%A9moin",
	         today, today);
	j = J(get(&mgr, path));
	CHECK_INT(json_integer_value(json_object_get(j, "count")), 1);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(json_object_get(j, "households"), 0), "id")), hid2);
	json_decref(j);
	CHECK_INT(get(&com, path)->status, 403); /* the board reads figures, never files */
	snprintf(path, sizeof path, "/api/v1/observation/households?indicateur=reception.channel&categorie=Courrier&du=%s&au=%s", today, today);
	j = J(get(&mgr, path));
	CHECK(json_integer_value(json_object_get(j, "count")) >= 2, "both households of the day's mail contacts");
	json_decref(j);
	snprintf(path, sizeof path, "/observation/liste?indicateur=reception.channel&categorie=Courrier&du=%s&au=%s&quartier=Quartier%%20T%%C3%%A9moin",
	         today, today);
	r = get(&mgr, path);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, file2);
	CHECK_HAS(r->body, "Témoin Filtre");
	CHECK_INT(get(&mgr, "/observation/liste?indicateur=nope&categorie=x")->status, 404);
	snprintf(path, sizeof path, "/observation?du=%s&au=%s", today, today);
	CHECK_HAS(get(&mgr, path)->body, "/observation/liste?indicateur=reception.channel&amp;categorie=Courrier");
	CHECK_LACKS(get(&com, path)->body, "/observation/liste?");

	T_GROUP("figures computed ahead equal a direct count, and say when they were computed");
	snprintf(path, sizeof path, "/api/v1/observation/compute?du=%s&au=%s", today, today);
	CHECK_INT(post_json(&mgr, path, "{}")->status, 200);
	char kept[200], direct[200];
	snprintf(kept, sizeof kept, "/api/v1/observation?du=%s&au=%s", today, today);
	snprintf(direct, sizeof direct, "/api/v1/observation?du=%s&au=%s&source=direct", today, today);
	for (int round = 0; round < 2; round++) {
		json_t *a1 = J(get(&mgr, kept)), *a2 = J(get(&mgr, direct));
		CHECK(json_is_integer(json_object_get(a1, "computed_at")) && json_is_null(json_object_get(a2, "computed_at")), "kept figures say when");
		int64_t k1 = row_of(a1, "reception.channel", "Courrier", NULL, 0), k2 = row_of(a2, "reception.channel", "Courrier", NULL, 0);
		json_object_del(a1, "computed_at"), json_object_del(a2, "computed_at");
		if (round == 0) {
			CHECK(json_equal(a1, a2), "every indicator kept equals its direct count");
			snprintf(body, sizeof body, "{\"household_id\": %lld, \"channel\": \"courrier\", \"motive_id\": %lld, \"answer\": \"Réponse\"}", hid2, motive);
			CHECK_INT(post_json(&desk, "/api/v1/contacts", body)->status, 201);
		} else {
			CHECK(k2 == k1 + 1, "a contact since: the kept figure waits for the next computation (%lld, %lld)", (long long)k1, (long long)k2);
			CHECK_INT(post_json(&mgr, path, "{}")->status, 200);
			json_t *b1 = J(get(&mgr, kept)), *b2 = J(get(&mgr, direct));
			json_object_del(b1, "computed_at"), json_object_del(b2, "computed_at");
			CHECK(json_equal(b1, b2), "computed again: equal again");
			json_decref(b1), json_decref(b2);
		}
		json_decref(a1), json_decref(a2);
	}
	/* An indicator the computation did not keep (added since) is counted now, not shown empty. */
	CHECK_INT(db_tamper("DELETE FROM obs_figures WHERE indicator = 'reception.channel'"), 0);
	{
		json_t *a1 = J(get(&mgr, kept)), *a2 = J(get(&mgr, direct));
		CHECK(json_is_integer(json_object_get(a1, "computed_at")), "still read from the figures kept");
		CHECK(row_of(a1, "reception.channel", "Courrier", NULL, 0) == row_of(a2, "reception.channel", "Courrier", NULL, 0) &&
		      row_of(a2, "reception.channel", "Courrier", NULL, 0) > 0, "the indicator missing from them counted now");
		json_decref(a1), json_decref(a2);
	}
	snprintf(path, sizeof path, "/observation?du=%s&au=%s", today, today);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "Chiffres calculés le");
	CHECK_HAS(r->body, "Recalculer maintenant");

	T_GROUP("small counts hidden everywhere");
	settings(&mgr, "20", "Une année de travail au service des habitants.", 303);
	CHECK(after + 7 < 20, "the test's count is under the threshold");
	snprintf(path, sizeof path, "/api/v1/observation?du=%s&au=%s", today, today);
	j = J(get(&mgr, path));
	CHECK_INT(row_of(j, "reception.channel", "Courrier", shown, sizeof shown), -1);
	CHECK_STR(shown, "< 20");
	json_decref(j);
	snprintf(path, sizeof path, "/observation?du=%s&au=%s", today, today);
	CHECK_HAS(get(&mgr, path)->body, "&lt; 20");
	snprintf(path, sizeof path, "/observation.csv?du=%s&au=%s", today, today);
	r = get(&mgr, path);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"reception.channel\"");
	CHECK_HAS(r->body, "\"< 20\"");
	CHECK_LACKS(r->body, "Observé");
	CHECK_LACKS(r->body, file_no);

	T_GROUP("the yearly report and the settings");
	char year[8];
	snprintf(year, sizeof year, "%.4s", today);
	snprintf(path, sizeof path, "/observation/rapport.pdf?annee=%s", year);
	r = get(&com, path);
	CHECK_INT(r->status, 200);
	char *txt = pdf_text(r);
	CHECK_HAS(txt, "Rapport d’activité");
	CHECK_HAS(txt, "Une année de travail");
	CHECK_HAS(txt, "Contacts par canal");
	CHECK_LACKS(txt, "Observé");
	free(txt);
	snprintf(path, sizeof path, "/observation/rapport.xlsx?annee=%s", year);
	r = get(&mgr, path);
	CHECK_INT(r->status, 200);
	CHECK(has_header(r, "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), "a spreadsheet");
	CHECK_INT(get(&mgr, "/observation/rapport.pdf?annee=1999")->status, 400);
	settings(&mgr, "1", "Texte gardé", 400);
	CHECK_HAS(mgr.last.body, "Texte gardé");
	CHECK_INT(get(&com, "/observation/reglage")->status, 403);
	T_GROUP("the needs analysis: the INSEE's population by IRIS, the dataset by neighbourhood");
	/* The INSEE's file as published (CSV: ';', decimals with a point; another commune's IRIS in it). */
	static const char insee[] =
		"IRIS;REG;DEP;UU2020;COM;LIBCOM;TRIRIS;GRD_QUART;LIBIRIS;TYP_IRIS;MODIF_IRIS;LAB_IRIS;P25_POP;P25_POP0014;P25_POP1529;P25_POP3044;P25_POP4559;"
		"P25_POP6074;P25_POP75P\n"
		"974070101;04;974;97701;97407;Le Port;974001;9740701;Centre-ville;H;00;1;2204.71;512.3;480;401;402;300;109.41\n"
		"974070102;04;974;97701;97407;Le Port;974001;9740701;Say-Piscine;H;00;1;3110.2;800;700;600;500;400;110.2\n"
		"974110101;04;974;97701;97411;Saint-Denis;974002;9741101;Centre-ville;H;00;1;4000;1000;1000;800;700;400;100\n";
	r = post_file(&com, "/observation/abs/population", "file", "base-ic-evol-struct-pop-2025.csv", insee, strlen(insee));
	CHECK_INT(r->status, 403); /* the board reads, the manager imports */
	static const char wrong[] = "IRIS;COM;P25_POP\n974070101;97407;2204\n";
	r = post_file(&mgr, "/observation/abs/population", "file", "pop.csv", wrong, strlen(wrong));
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "LIBIRIS");
	r = post_file(&mgr, "/observation/abs/population", "file", "base-ic-evol-struct-pop-2025.csv", insee, strlen(insee));
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Population 2025 importée : 2 IRIS de la commune");
	r = get(&com, "/observation/abs");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Recensement 2025 : 2 IRIS");
	r = get(&mgr, "/observation/abs.csv");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"foyers_suivis\"");
	CHECK_HAS(r->body, "\"Centre-ville\";\"974070101\";\"2205\""); /* matched by its name, the population rounded */
	CHECK_LACKS(r->body, "974110101");                                 /* another commune's IRIS is not kept */
	CHECK_LACKS(r->body, "Observé");
	/* The dataset read from the figures computed ahead equals the one counted now. */
	char year_csv[80], year_page[80];
	snprintf(year_csv, sizeof year_csv, "/observation/abs.csv?depuis=%.4s", today);
	snprintf(year_page, sizeof year_page, "/observation/abs?depuis=%.4s", today);
	CHECK_LACKS(get(&mgr, year_page)->body, "Chiffres calculés d’avance");
	char *live = strdup(get(&mgr, year_csv)->body);
	snprintf(path, sizeof path, "/api/v1/observation/compute?du=%.4s-01-01&au=%s", today, today);
	CHECK_INT(post_json(&mgr, path, "{}")->status, 200);
	CHECK_HAS(get(&mgr, year_page)->body, "Chiffres calculés d’avance");
	r = get(&mgr, year_csv);
	CHECK(live && strstr(live, "\"foyers_suivis\"") && !strcmp(live, r->body), "the needs analysis computed ahead equals a direct count");
	free(live);
	cli_free(&mgr), cli_free(&desk), cli_free(&com);
	srv_stop(&s);
	return T_DONE();
}
