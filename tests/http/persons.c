/*
 * HTTP tests of persons, households and reception: search tolerance and
 * ranking, duplicates, merge, notes visibility, documents, roles,
 * structure isolation, the journal of reads, contacts, queue, appointments.
 */
#define T_NAME "http-persons"
#include "http/h.h"
#include <time.h>
#include <jansson.h>
#include <xlsxwriter.h>
#include <stdbool.h>

static int64_t jint(const char *body, const char *key)
{
	json_t *j = json_loads(body, 0, NULL);
	int64_t v = j ? json_integer_value(json_object_get(j, key)) : 0;
	json_decref(j);
	return v;
}

static int64_t create(cli *k, const char *json)
{
	resp *r = post_json(k, "/api/v1/households", json);
	CHECK(r->status == 201, "household created (%ld: %.300s)", r->status, r->body);
	return jint(r->body, "household_id");
}

static void test_control_characters(srv *s)
{
	T_GROUP("control and bidi-override characters are refused in every text field");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("social"), DEMO_PW), 303);
	static const char *const bad[] = {"\\u001b[31m", "a\\bb", "\\u007f", "\\u202eexe.pdf", "\\u2066x", "\\u0085", "Jean\\nMarie"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char body[256];
		snprintf(body, sizeof body, "{\"last_name\":\"Ctrl%s\",\"first_names\":\"Test\",\"confirm_duplicate\":true}", bad[i]);
		resp *r = post_json(&k, "/api/v1/households", body);
		CHECK(r->status == 400 && strstr(r->body, "\"last_name\"") && strstr(r->body, "U+"), "%s refused with the field: %ld %.200s",
		      bad[i], r->status, r->body);
		snprintf(body, sizeof body, "{\"last_name\":\"Ctrl\",\"first_names\":\"Test\",\"address\":{\"street\":\"rue %s\"},\"confirm_duplicate\":true}", bad[i]);
		CHECK_INT(post_json(&k, "/api/v1/households", body)->status, 400);
	}
	CHECK_LACKS(get(&k, "/api/v1/persons?q=ctrl")->body, "Ctrl"); /* nothing was created */
	/* A form field too (urlencoded U+202E), refused with its name. */
	char body[256];
	snprintf(body, sizeof body, "_csrf=%s&last_name=Ctrl%%E2%%80%%AEx&first_names=Test", k.csrf);
	resp *r = post(&k, "/foyers", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "last_name");
	/* A newline is fine where the field is multi-line (a contact's answer). */
	r = post_json(&k, "/api/v1/contacts", "{\"channel\":\"telephone\",\"answer\":\"Ligne 1\\nLigne 2\"}");
	CHECK_INT(r->status, 201);
	r = post_json(&k, "/api/v1/contacts", "{\"channel\":\"telephone\",\"answer\":\"Ligne\\u202e1\"}");
	CHECK_INT(r->status, 400);
	cli_free(&k);
}

/* A birth date is a real date from 1900 to today: one in the future or before 1900 (a typo: 2091 for 1991, 1875
 * for 1975) is refused with the field, nothing created; the bounds themselves are taken. */
static void test_birth_dates(srv *s)
{
	T_GROUP("a birth date from 1900 to today, or refused with its field");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("social"), DEMO_PW), 303);
	static const char *const bad[] = {"2091-03-04", "1875-03-04", "1899-12-31"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char body[256];
		snprintf(body, sizeof body, "{\"last_name\":\"Naissance\",\"first_names\":\"Hors\",\"birth_date\":\"%s\","
		         "\"confirm_duplicate\":true}", bad[i]);
		resp *r = post_json(&k, "/api/v1/households", body);
		CHECK(r->status == 400 && strstr(r->body, "\"birth_date\"") && strstr(r->body, "entre 1900 et aujourd"),
		      "%s refused with the field: %ld %.200s", bad[i], r->status, r->body);
	}
	CHECK_LACKS(get(&k, "/api/v1/persons?q=naissance+hors")->body, "Naissance");
	char body[256];
	snprintf(body, sizeof body, "_csrf=%s&last_name=Naissance&first_names=Formulaire&birth_date=2091-03-04", k.csrf);
	resp *r = post(&k, "/foyers", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "entre 1900 et aujourd’hui");
	CHECK_HAS(r->body, "value=\"2091-03-04\""); /* what was typed, kept */
	CHECK_INT(post_json(&k, "/api/v1/households", "{\"last_name\":\"Naissance\",\"first_names\":\"Borne\","
	                                            "\"birth_date\":\"1900-01-01\",\"confirm_duplicate\":true}")->status, 201);
	/* Without one, the household page says so in its place (the cell was empty). */
	int64_t h = create(&k, "{\"last_name\":\"Naissance\",\"first_names\":\"Absente\",\"confirm_duplicate\":true}");
	char page[64];
	snprintf(page, sizeof page, "/foyers/%lld", (long long)h);
	CHECK_HAS(get(&k, page)->body, "<td>Demandeur</td><td><span class=\"muted\">non renseigné</span></td>");
	cli_free(&k);
}

static void test_search(srv *s)
{
	T_GROUP("search");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("accueil"), DEMO_PW), 303);
	int64_t h = create(&k, "{\"applicant\":{\"last_name\":\"N'Diaye\",\"first_names\":\"Hélène\",\"birth_date\":\"1984-03-27\","
	                       "\"phone\":\"06 12 34 56 78\",\"caf_number\":\"7654321\"},\"address\":{\"street\":\"rue du Port\","
	                       "\"postcode\":\"97420\",\"city\":\"Port-Rivière\",\"housing\":\"locataire_social\"},\"confirm_duplicate\":true}");
	CHECK(h > 0, "created");
	char path[128];
	const char *queries[] = {"helene ndiay", "Hélène N'Diaye", "HELENE", "ndiaye helene", "heleen ndiaye", "helene ndiae",
	                         "27/03/1984", "1984-03-27", "0612345678", "+33 6 12 34 56 78", "7654321"};
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		char *e = curl_easy_escape(k.c, queries[i], 0);
		snprintf(path, sizeof path, "/api/v1/persons?q=%s", e);
		curl_free(e);
		resp *r = get(&k, path);
		json_t *j = json_loads(r->body, 0, NULL);
		json_t *res = json_object_get(j, "results");
		bool found = false;
		for (size_t x = 0; x < json_array_size(res); x++)
			found |= json_integer_value(json_object_get(json_array_get(res, x), "household_id")) == h;
		CHECK(found, "« %s » finds Hélène N'Diaye", queries[i]);
		json_decref(j);
	}
	/* Exact matches rank before prefix and typo matches. */
	create(&k, "{\"last_name\":\"Payetti\",\"first_names\":\"Paul\",\"confirm_duplicate\":true}");
	int64_t exact = create(&k, "{\"last_name\":\"Payet\",\"first_names\":\"Paul\",\"confirm_duplicate\":true}");
	resp *r = get(&k, "/api/v1/persons?q=payet+paul");
	json_t *j = json_loads(r->body, 0, NULL);
	CHECK(json_integer_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "household_id")) == exact,
	      "exact « Payet » first: %.200s", r->body);
	json_decref(j);
	r = get(&k, "/personnes?q=personne+inconnue+zzz");
	CHECK_HAS(r->body, "Aucune personne ne correspond");
	CHECK_HAS(r->body, "Créer un nouveau foyer");
	r = req(&k, "GET", "/personnes?q=ndiaye&fragment=1", NULL, NULL);
	CHECK_HAS(r->body, "<html"); /* without htmx the full page */
	cli_free(&k);
}

/* The words a page uses: a man is « né », a baby is « 3 mois », the same
 * person comes first among the possible duplicates, a housing not said
 * is « non renseigné », demo contacts happen when the counter is open. */
static void test_words(srv *s)
{
	T_GROUP("words: sex, a baby's age, duplicates' order, housing not said, demo hours");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("social"), DEMO_PW), 303);
	char body[600], path[96];
	resp *r = post_json(&k, "/api/v1/households", "{\"last_name\":\"Técher\",\"first_names\":\"Michel\",\"sex\":\"M\","
	                                              "\"birth_date\":\"1970-04-04\",\"confirm_duplicate\":true}");
	CHECK_INT(r->status, 201);
	json_t *j = json_loads(r->body, 0, NULL);
	long long h = (long long)json_integer_value(json_object_get(j, "household_id"));
	json_decref(j);
	/* Homonyms first, then the same man: he must come first. */
	post_json(&k, "/api/v1/households", "{\"last_name\":\"Técher\",\"first_names\":\"Michelle\",\"confirm_duplicate\":true}");
	post_json(&k, "/api/v1/households", "{\"last_name\":\"Tessier\",\"first_names\":\"Michel\",\"birth_date\":\"1970-04-04\","
	                                    "\"confirm_duplicate\":true}");
	snprintf(body, sizeof body, "_csrf=%s&last_name=T%%C3%%A9cher&first_names=Michel&sex=M&birth_date=1970-04-04", k.csrf);
	r = post(&k, "/foyers", body);
	CHECK_INT(r->status, 409);
	const char *first = strstr(r->body, "<li><a href=\"/foyers/");
	snprintf(path, sizeof path, "<li><a href=\"/foyers/%lld\">Técher Michel</a>, né le 04/04/1970", h);
	CHECK(first && !strncmp(first, path, strlen(path)), "the same man first, « né le » (%.120s)", first ? first : "none");
	/* A baby of three months. */
	time_t b = time(NULL) - (time_t)(95 * 86400);
	struct tm tm;
	localtime_r(&b, &tm);
	char birth[16];
	strftime(birth, sizeof birth, "%Y-%m-%d", &tm);
	snprintf(path, sizeof path, "/api/v1/households/%lld/members", h);
	snprintf(body, sizeof body, "{\"last_name\":\"Técher\",\"first_names\":\"Bébé\",\"birth_date\":\"%s\",\"relation\":\"enfant\"}", birth);
	CHECK_INT(post_json(&k, path, body)->status, 201);
	snprintf(path, sizeof path, "/foyers/%lld", h);
	r = get(&k, path);
	CHECK_HAS(r->body, "(3 mois)");
	CHECK_LACKS(r->body, "(0 an)");
	CHECK_HAS(r->body, "Non renseigné"); /* housing: nothing said */
	CHECK_LACKS(r->body, "Locataire (parc social)");
	/* Demo contacts: weekdays' opening hours, 8:30 to 17:00 in La Réunion (UTC+4). */
	char sql[300];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM contacts WHERE at < %lld AND ((at + 14400) %% 86400 < 30600 OR (at + 14400) %% 86400 >= 61200)",
	         (long long)time(NULL) - 86400);
	CHECK_INT(db_zero(sql), 0);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM contacts WHERE at < %lld", (long long)time(NULL) - 86400);
	CHECK(db_zero(sql) != 0, "demo contacts to check");
	cli_free(&k);
}

static void test_duplicates_merge(srv *s)
{
	T_GROUP("duplicates");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("responsable"), DEMO_PW), 303);
	int64_t a = create(&k, "{\"last_name\":\"Grondin\",\"first_names\":\"Josiane\",\"birth_date\":\"1961-07-14\",\"confirm_duplicate\":true}");
	resp *r = post_json(&k, "/api/v1/households", "{\"last_name\":\"Grondain\",\"first_names\":\"Josianne\",\"birth_date\":\"1961-07-14\"}");
	CHECK_INT(r->status, 409);
	CHECK_HAS(r->body, "possible_duplicate");
	CHECK_HAS(r->body, "Grondin");
	char body[512];
	snprintf(body, sizeof body, "_csrf=%s&last_name=Grondin&first_names=Josiane&birth_date=1961-07-14", k.csrf);
	r = post(&k, "/foyers", body);
	CHECK_INT(r->status, 409);
	CHECK_HAS(r->body, "peut-être déjà connue");
	CHECK_HAS(r->body, "value=\"Josiane\""); /* what was typed is kept */
	snprintf(body, sizeof body, "_csrf=%s&last_name=Grondin&first_names=Josiane&birth_date=1961-07-14&confirm_duplicate=1", k.csrf);
	r = post(&k, "/foyers", body);
	CHECK_INT(r->status, 303);
	char loc[64] = "";
	extract(strcasestr(r->headers, "Location: ") ? strcasestr(r->headers, "Location: ") : "", "Location: /foyers/", loc, sizeof loc);
	int64_t b = atoll(loc);
	CHECK(b > a, "second file created");
	T_GROUP("merge");
	snprintf(body, sizeof body, "{\"merge_household_id\":%lld}", (long long)b);
	char path[96];
	snprintf(path, sizeof path, "/api/v1/households/%lld/merge", (long long)a);
	r = post_json(&k, path, body);
	CHECK_INT(r->status, 200);
	snprintf(path, sizeof path, "/api/v1/households/%lld", (long long)a);
	r = get(&k, path);
	json_t *j = json_loads(r->body, 0, NULL);
	CHECK_INT(json_array_size(json_object_get(j, "members")), 2);
	json_decref(j);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)b);
	r = get(&k, path);
	CHECK(r->status == 303 && strstr(r->headers, "fusionne=1"), "merged file redirects to the kept one");
	snprintf(path, sizeof path, "/api/v1/households/%lld/timeline", (long long)a);
	CHECK_HAS(get(&k, path)->body, "Fusion du dossier");
	/* Merging needs the manager role. */
	cli w;
	cli_init(&w, s);
	CHECK_INT(login(&w, DEMO("social"), DEMO_PW), 303);
	snprintf(path, sizeof path, "/api/v1/households/%lld/merge", (long long)a);
	CHECK_INT(post_json(&w, path, "{\"merge_household_id\":1}")->status, 403);
	cli_free(&w);
	cli_free(&k);
}

static void test_notes(srv *s)
{
	T_GROUP("notes");
	cli author, other, mgr, desk;
	cli_init(&author, s);
	cli_init(&other, s);
	cli_init(&mgr, s);
	cli_init(&desk, s);
	CHECK_INT(login(&author, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	int64_t h = create(&author, "{\"last_name\":\"Técher\",\"first_names\":\"Gisèle\",\"confirm_duplicate\":true}");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/households/%lld/notes", (long long)h);
	CHECK_INT(post_json(&author, path, "{\"body\":\"NOTE-EQUIPE\",\"visibility\":\"equipe\"}")->status, 201);
	CHECK_INT(post_json(&author, path, "{\"body\":\"NOTE-REFERENTS\",\"visibility\":\"referents\"}")->status, 201);
	CHECK_INT(post_json(&author, path, "{\"body\":\"NOTE-AUTEUR\",\"visibility\":\"auteur\"}")->status, 201);
	CHECK_INT(post_json(&author, path, "{\"body\":\"x\",\"visibility\":\"tout-le-monde\"}")->status, 400);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)h);
	resp *r = get(&author, path);
	CHECK_HAS(r->body, "NOTE-EQUIPE");
	CHECK_HAS(r->body, "NOTE-REFERENTS"); /* the author sees their own */
	CHECK_HAS(r->body, "NOTE-AUTEUR");
	r = get(&mgr, path);
	CHECK_HAS(r->body, "NOTE-EQUIPE");
	CHECK_LACKS(r->body, "NOTE-REFERENTS");
	CHECK_LACKS(r->body, "NOTE-AUTEUR");
	{
		/* The data-subject export applies the reader's visibility; only the
		 * DPO's is complete, and a partial one says so. */
		json_t *jm = json_loads(get(&author, "/api/v1/persons?q=gisele+techer")->body, 0, NULL);
		long long pid = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(jm, "results"), 0), "person_id"));
		json_decref(jm);
		char ep[96];
		snprintf(ep, sizeof ep, "/api/v1/persons/%lld/subject-access", pid);
		resp *x = get(&mgr, ep);
		CHECK_INT(x->status, 200);
		CHECK_HAS(x->body, "NOTE-EQUIPE");
		CHECK_LACKS(x->body, "NOTE-REFERENTS");
		CHECK_LACKS(x->body, "NOTE-AUTEUR");
		CHECK_HAS(x->body, "\"complete\":false");
		CHECK_HAS(x->body, "\"notes\":2"); /* two withheld */
		snprintf(ep, sizeof ep, "/personnes/%lld/donnees.json", pid);
		CHECK_LACKS(get(&mgr, ep)->body, "NOTE-AUTEUR");
		snprintf(ep, sizeof ep, "/personnes/%lld/donnees.pdf", pid);
		char *t = pdf_text(get(&mgr, ep));
		CHECK_HAS(t, "Export partiel");
		CHECK_LACKS(t, "NOTE-AUTEUR");
		free(t);
		cli dpo;
		cli_init(&dpo, s);
		CHECK_INT(login(&dpo, DEMO("dpo"), DEMO_PW), 303);
		snprintf(ep, sizeof ep, "/api/v1/persons/%lld/subject-access", pid);
		x = get(&dpo, ep);
		CHECK_HAS(x->body, "NOTE-AUTEUR");
		CHECK_HAS(x->body, "NOTE-REFERENTS");
		CHECK_HAS(x->body, "\"complete\":true");
		x = get(&dpo, "/api/v1/journal?kind=person&action=export");
		CHECK_HAS(x->body, "subject access json complete");
		CHECK_HAS(x->body, "subject access json partial");
		cli_free(&dpo);
	}
	r = get(&desk, path);
	CHECK_LACKS(r->body, "NOTE-EQUIPE"); /* reception never sees social notes */
	CHECK_LACKS(r->body, "Budget du mois");
	snprintf(path, sizeof path, "/api/v1/households/%lld/budget", (long long)h);
	CHECK_INT(get(&desk, path)->status, 403);
	/* Once the manager is made a referent, the referents' note shows. */
	json_t *me = json_loads(get(&mgr, "/api/v1/me")->body, 0, NULL);
	int64_t mid = json_integer_value(json_object_get(me, "id"));
	json_decref(me);
	char body[160];
	snprintf(body, sizeof body, "_csrf=%s&user=%lld&action=add", mgr.csrf, (long long)mid);
	snprintf(path, sizeof path, "/foyers/%lld/referents", (long long)h);
	CHECK_INT(post(&mgr, path, body)->status, 303);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)h);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "NOTE-REFERENTS");
	CHECK_LACKS(r->body, "NOTE-AUTEUR");
	snprintf(path, sizeof path, "/api/v1/households/%lld", (long long)h);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "NOTE-REFERENTS");
	CHECK_LACKS(r->body, "NOTE-AUTEUR");
	/* The timeline says a note exists, never its text. */
	snprintf(path, sizeof path, "/api/v1/households/%lld/timeline", (long long)h);
	r = get(&desk, path);
	CHECK_HAS(r->body, "Note ajoutée");
	CHECK_LACKS(r->body, "NOTE-");
	{
		/* The household's API gives the 200 newest notes and how many the agent may read. */
		char hp[64], np[96];
		snprintf(hp, sizeof hp, "/api/v1/households/%lld", (long long)h);
		snprintf(np, sizeof np, "/api/v1/households/%lld/notes", (long long)h);
		json_t *jh = json_loads(get(&author, hp)->body, 0, NULL);
		long long n0 = (long long)json_integer_value(json_object_get(jh, "notes_total"));
		CHECK(n0 >= 3 && n0 < 200, "the author reads her %lld notes", n0);
		CHECK_INT(json_array_size(json_object_get(jh, "notes")), n0);
		json_decref(jh);
		jh = json_loads(get(&mgr, hp)->body, 0, NULL);
		long long m0 = (long long)json_integer_value(json_object_get(jh, "notes_total"));
		CHECK(m0 < n0, "the manager reads fewer (%lld)", m0);
		json_decref(jh);
		for (long long i = n0; i < 201; i++)
			if (post_json(&author, np, "{\"body\":\"suivi\",\"visibility\":\"equipe\"}")->status != 201) {
				CHECK(0, "note %lld", i);
				break;
			}
		jh = json_loads(get(&author, hp)->body, 0, NULL);
		CHECK_INT(json_integer_value(json_object_get(jh, "notes_total")), 201);
		CHECK_INT(json_array_size(json_object_get(jh, "notes")), 200);
		json_decref(jh);
		jh = json_loads(get(&mgr, hp)->body, 0, NULL);
		CHECK_INT(json_integer_value(json_object_get(jh, "notes_total")), m0 + 201 - n0);
		json_decref(jh);
	}
	cli_free(&author);
	cli_free(&other);
	cli_free(&mgr);
	cli_free(&desk);
}

static void test_documents(srv *s)
{
	T_GROUP("documents");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("instructeur"), DEMO_PW), 303);
	int64_t h = create(&k, "{\"last_name\":\"Lebon\",\"first_names\":\"Yannick\",\"confirm_duplicate\":true}");
	char path[96];
	snprintf(path, sizeof path, "/foyers/%lld/documents", (long long)h);
	resp *r = post_file(&k, path, "file", "avis.pdf", "MZ\x90\0 not a pdf", 13);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "contenu du fichier est vérifié");
	const char pdf[] = "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
	r = post_file(&k, path, "file", "../../etc/passwd", pdf, sizeof pdf - 1);
	CHECK_INT(r->status, 400); /* no kind chosen: the multipart has only the file */
	/* With a kind and an expiry date. */
	curl_mime *m = curl_mime_init(k.c);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "_csrf");
	curl_mime_data(p, k.csrf, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "kind");
	curl_mime_data(p, "avis_imposition", CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "valid_until");
	curl_mime_data(p, "2099-12-31", CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "file");
	curl_mime_filename(p, "../../etc/avis.pdf");
	curl_mime_data(p, pdf, sizeof pdf - 1);
	char url[160];
	snprintf(url, sizeof url, "%s%s", s->base, path);
	curl_easy_setopt(k.c, CURLOPT_URL, url);
	curl_easy_setopt(k.c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(k.c, CURLOPT_MIMEPOST, m);
	free(k.last.body);
	free(k.last.headers);
	memset(&k.last, 0, sizeof k.last);
	curl_easy_setopt(k.c, CURLOPT_WRITEDATA, &k.last);
	curl_easy_setopt(k.c, CURLOPT_HEADERDATA, &k.last);
	curl_easy_perform(k.c);
	long st;
	curl_easy_getinfo(k.c, CURLINFO_RESPONSE_CODE, &st);
	curl_easy_setopt(k.c, CURLOPT_MIMEPOST, NULL);
	curl_mime_free(m);
	CHECK_INT(st, 303);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)h);
	r = get(&k, path);
	CHECK_HAS(r->body, "Avis d’imposition");
	char doc[32] = "";
	extract(r->body, "<a href=\"/documents/", doc, sizeof doc);
	snprintf(path, sizeof path, "/documents/%s", doc);
	r = get(&k, path);
	CHECK(r->status == 200 && r->len == sizeof pdf - 1 && !memcmp(r->body, "%PDF-1.4", 8), "download is the same bytes");
	CHECK(has_header(r, "Content-Type: application/pdf"), "type from the content");
	CHECK(has_header(r, "filename=\"avis.pdf\""), "no path in the stored name: %s", r->headers);
	CHECK(has_header(r, "Cache-Control: no-store"), "never cached");
	{
		/* A PDF named like a page downloads as a PDF; a right-to-left
		 * override in a name is dropped. */
		const char *const kind[] = {"kind", "avis_imposition", NULL};
		snprintf(path, sizeof path, "/foyers/%lld/documents", (long long)h);
		CHECK_INT(post_form_file(&k, path, kind, "file", "poly.html", pdf, sizeof pdf - 1)->status, 303);
		CHECK_INT(post_form_file(&k, path, kind, "file", "facture\xE2\x80\xAE" "fdp.exe", pdf, sizeof pdf - 1)->status, 303);
		snprintf(path, sizeof path, "/foyers/%lld", (long long)h);
		r = get(&k, path);
		CHECK_LACKS(r->body, "\xE2\x80\xAE");
		char ids[16][32];
		int nids = 0;
		for (const char *at = r->body; nids < 16 && (at = strstr(at, "<a href=\"/documents/"));) {
			at += strlen("<a href=\"/documents/");
			snprintf(ids[nids++], sizeof ids[0], "%.*s", (int)strspn(at, "0123456789"), at);
		}
		int seen_html = 0, seen_exe = 0, pdfs = 0;
		for (int i = 0; i < nids; i++) {
			char dl[64];
			snprintf(dl, sizeof dl, "/documents/%s", ids[i]);
			resp *d = get(&k, dl);
			seen_html |= has_header(d, ".html");
			seen_exe |= has_header(d, ".exe\"") || has_header(d, "\xE2\x80\xAE");
			pdfs += has_header(d, "filename=\"poly.pdf\"") || has_header(d, "filename=\"facturefdp.pdf\"");
		}
		CHECK(!seen_html && !seen_exe, "no download named .html or .exe, no override character");
		CHECK_INT(pdfs, 2);
	}
	cli dpo;
	cli_init(&dpo, s);
	CHECK_INT(login(&dpo, DEMO("dpo"), DEMO_PW), 303);
	snprintf(path, sizeof path, "/api/v1/journal?kind=document&action=download&object=%s", doc);
	CHECK_HAS(get(&dpo, path)->body, "\"action\":\"download\"");
	snprintf(path, sizeof path, "/api/v1/journal?kind=household&action=read&object=%lld", (long long)h);
	CHECK_HAS(get(&dpo, path)->body, "\"action\":\"read\"");
	snprintf(path, sizeof path, "/documents/%s", doc);
	CHECK_INT(get(&dpo, path)->status, 403); /* the DPO audits, does not read files */
	cli_free(&dpo);
	/* The home's « pieces expiring within 30 days » shows ten of the agent's households' and says how many there
	 * are: twelve copies of the notice, expiring in a week, the agent made the household's referent. */
	{
		time_t soon = time(NULL) + 7 * 86400;
		struct tm tm;
		gmtime_r(&soon, &tm);
		char sql[1024], day[16];
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		snprintf(sql, sizeof sql,
		         "INSERT INTO referents (structure_id, household_id, user_id) SELECT structure_id, household_id, uploaded_by "
		         "FROM documents WHERE id = %s; "
		         "INSERT INTO documents (structure_id, household_id, person_id, kind, filename, mime, size, data, valid_until, "
		         "uploaded_by, created_at) SELECT d.structure_id, d.household_id, d.person_id, d.kind, d.filename, d.mime, d.size, "
		         "d.data, '%s', d.uploaded_by, d.created_at FROM documents d, "
		         "(SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 "
		         "UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL "
		         "SELECT 12) x WHERE d.id = %s",
		         doc, day, doc);
		CHECK_INT(db_tamper(sql), 0);
		resp *home = get(&k, "/");
		CHECK_HAS(home->body, "Pièces qui expirent sous 30 jours");
		CHECK_HAS(home->body, "Les 10 premières de 12 pièces.");
	}
	cli_free(&k);
}

static void test_isolation(srv *s)
{
	T_GROUP("isolation");
	cli a, b;
	cli_init(&a, s);
	cli_init(&b, s);
	CHECK_INT(login(&a, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&b, "admin@hauts-de-riviere.demo.openccas.fr", DEMO_PW), 303);
	int64_t h = create(&a, "{\"last_name\":\"Secret\",\"first_names\":\"Isolée\",\"confirm_duplicate\":true}");
	/* B's admin has no persons permission; give the test a B user with one. */
	char body[300];
	snprintf(body, sizeof body, "_csrf=%s&display_name=Agent+B&email=agent%%40b.fr&role=travailleur_social&password=mot-de-passe-long-b", b.csrf);
	CHECK_INT(post(&b, "/admin/utilisateurs", body)->status, 303);
	cli bb;
	cli_init(&bb, s);
	CHECK_INT(login(&bb, "agent@b.fr", "mot-de-passe-long-b"), 303);
	char path[96];
	const char *pre[] = {"/foyers/", "/api/v1/households/", "/api/v1/households/", "/api/v1/households/", "/foyers/",
	                     "/foyers/", "/api/v1/households/"};
	const char *suf[] = {"", "", "/budget", "/timeline", "/parcours", "/budget", "/contacts"};
	for (size_t i = 0; i < sizeof pre / sizeof *pre; i++) {
		snprintf(path, sizeof path, "%s%lld%s", pre[i], (long long)h, suf[i]);
		CHECK(get(&bb, path)->status == 404, "B cannot read %s (%ld)", path, bb.last.status);
	}
	snprintf(path, sizeof path, "/api/v1/households/%lld/notes", (long long)h);
	CHECK_INT(post_json(&bb, path, "{\"body\":\"intrusion\",\"visibility\":\"equipe\"}")->status, 404);
	snprintf(path, sizeof path, "{\"household_id\":%lld,\"channel\":\"visite\"}", (long long)h);
	CHECK_INT(post_json(&bb, "/api/v1/contacts", path)->status, 400);
	CHECK_LACKS(get(&bb, "/api/v1/persons?q=secret")->body, "Secret");
	CHECK_HAS(get(&a, "/api/v1/persons?q=secret")->body, "Secret");
	cli_free(&a);
	cli_free(&b);
	cli_free(&bb);
}

static void test_reception(srv *s)
{
	T_GROUP("reception");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("accueil"), DEMO_PW), 303);
	/* An anonymous contact, then one on a household with an orientation. */
	resp *r = post_json(&k, "/api/v1/contacts", "{\"channel\":\"telephone\",\"minutes\":3,\"answer\":\"Horaires donnés\"}");
	CHECK_INT(r->status, 201);
	r = post_json(&k, "/api/v1/contacts", "{\"channel\":\"pigeon\"}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "\"channel\"");
	json_t *j = json_loads(get(&k, "/api/v1/partners")->body, 0, NULL);
	int64_t partner = json_integer_value(json_object_get(json_array_get(json_object_get(j, "partners"), 0), "id"));
	json_decref(j);
	CHECK(partner > 0, "demo partners");
	{ /* the directory searched: the name typed finds its partner, a name no partner has finds none */
		j = json_loads(get(&k, "/api/v1/partners")->body, 0, NULL);
		const char *pname = json_string_value(json_object_get(json_array_get(json_object_get(j, "partners"), 0), "name"));
		int64_t all = json_integer_value(json_object_get(j, "total"));
		char q[160], word[64];
		snprintf(word, sizeof word, "%.12s", pname ? pname : "");
		for (char *w = word; *w; w++)
			if (*w == ' ' || *w == '&' || *w == '?' || *w == '#' || *w == '+' || *w == '%')
				*w = 0;
		snprintf(q, sizeof q, "/api/v1/partners?q=%s", word);
		json_t *f = json_loads(get(&k, q)->body, 0, NULL);
		int64_t found = json_integer_value(json_object_get(f, "total"));
		CHECK(found >= 1 && found <= all && json_array_size(json_object_get(f, "partners")) == (size_t)found,
		      "« %s »: %lld of %lld partners", word, (long long)found, (long long)all);
		json_decref(f);
		json_decref(j);
		f = json_loads(get(&k, "/api/v1/partners?q=zzqxw")->body, 0, NULL);
		CHECK(json_integer_value(json_object_get(f, "total")) == 0 && json_array_size(json_object_get(f, "partners")) == 0,
		      "a name no partner has: none");
		json_decref(f);
		CHECK_HAS(get(&k, "/partenaires?q=zzqxw")->body, "Aucun");
	}
	int64_t h = create(&k, "{\"last_name\":\"Maillot\",\"first_names\":\"Théo\",\"confirm_duplicate\":true}");
	char body[300], path[96];
	snprintf(body, sizeof body, "{\"household_id\":%lld,\"channel\":\"visite\",\"orientation\":\"partenaire\",\"orient_partner_id\":%lld,\"answer\":\"Orienté\"}",
	         (long long)h, (long long)partner);
	CHECK_INT(post_json(&k, "/api/v1/contacts", body)->status, 201);
	snprintf(body, sizeof body, "{\"household_id\":%lld,\"channel\":\"visite\",\"orientation\":\"partenaire\"}", (long long)h);
	CHECK_INT(post_json(&k, "/api/v1/contacts", body)->status, 400);
	snprintf(path, sizeof path, "/api/v1/households/%lld/contacts", (long long)h);
	CHECK_HAS(get(&k, path)->body, "Orienté");
	snprintf(path, sizeof path, "/api/v1/households/%lld/timeline", (long long)h);
	CHECK_HAS(get(&k, path)->body, "Contact : Visite");
	/* The form path keeps what was typed when refused. */
	snprintf(body, sizeof body, "_csrf=%s&channel=visite&minutes=beaucoup&answer=Texte+saisi", k.csrf);
	r = post(&k, "/contacts", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Texte saisi");
	T_GROUP("address");
	snprintf(body, sizeof body, "_csrf=%s&street_no=4&street=rue+Neuve&postcode=97420&city=Port-Rivi%%C3%%A8re&housing=heberge&since=2026-01-15", k.csrf);
	snprintf(path, sizeof path, "/foyers/%lld/adresse", (long long)h);
	CHECK_INT(post(&k, path, body)->status, 303);
	snprintf(body, sizeof body, "_csrf=%s&street=x&postcode=123&since=2026-02-30", k.csrf);
	r = post(&k, path, body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Le code postal compte 5 chiffres");
	CHECK_HAS(r->body, "value=\"123\"");
	snprintf(path, sizeof path, "/foyers/%lld", (long long)h);
	r = get(&k, path);
	CHECK_HAS(r->body, "4 rue Neuve, 97420 Port-Rivière");
	CHECK_HAS(r->body, "Adresses précédentes");
	CHECK_HAS(r->body, "jusqu’au 14/01/2026");
	T_GROUP("queue: check-in by the search, receive opens the file, end records the contact");
	char line[256];
	{
		snprintf(path, sizeof path, "/api/v1/households/%lld", (long long)h);
		json_t *hh = json_loads(get(&k, path)->body, 0, NULL);
		const char *last = json_string_value(json_object_get(json_array_get(json_object_get(hh, "members"), 0), "last_name"));
		char q[200];
		snprintf(q, sizeof q, "/accueil?q=%s", last ? last : "x");
		json_decref(hh);
		r = get(&k, q);
		snprintf(line, sizeof line, "name=\"household\" value=\"%lld\"", (long long)h);
		CHECK_HAS(r->body, line);                /* the household found, to pick */
		char motive[16] = "";
		extract(strstr(r->body, "id=\"f-ar-motive\"") ? strstr(r->body, "id=\"f-ar-motive\"") : r->body, "<option value=\"\">— choisir —</option><option value=\"",
		        motive, sizeof motive);
		CHECK(motive[0], "a motive to choose");
		snprintf(body, sizeof body, "_csrf=%s&household=%lld&motive=%s", k.csrf, (long long)h, motive);
		CHECK_INT(post(&k, "/accueil/file", body)->status, 303);
		r = get(&k, "/accueil");
		CHECK_HAS(r->body, "En attente");
		char qid[16] = "";
		extract(r->body, "action=\"/accueil/file/", qid, sizeof qid);
		snprintf(path, sizeof path, "/accueil/file/%s", qid);
		snprintf(body, sizeof body, "_csrf=%s&from=attente&to=recu", k.csrf);
		r = post(&k, path, body);
		CHECK_INT(r->status, 303);
		snprintf(line, sizeof line, "/foyers/%lld?file=%s#contact", (long long)h, qid);
		CHECK_HAS(r->headers, line);             /* received: the file, the contact form ready */
		CHECK_INT(post(&k, path, body)->status, 409); /* a colleague already received her */
		snprintf(line, sizeof line, "/foyers/%lld?file=%s", (long long)h, qid);
		r = get(&k, line);
		CHECK_HAS(r->body, "<details id=\"contact\" open>");
		CHECK_HAS(r->body, "Enregistrer le contact et terminer le passage");
		snprintf(line, sizeof line, "<option value=\"%s\" selected>", motive);
		CHECK_HAS(r->body, line);                /* the check-in's motive */
		snprintf(body, sizeof body, "_csrf=%s&from=recu&to=attente", k.csrf);
		CHECK_INT(post(&k, path, body)->status, 400);
		/* End: the contact is recorded with its duration, the entry leaves. */
		snprintf(path, sizeof path, "/api/v1/households/%lld/contacts", (long long)h);
		json_t *before = json_loads(get(&k, path)->body, 0, NULL);
		size_t nb = json_array_size(json_object_get(before, "contacts"));
		json_decref(before);
		snprintf(path, sizeof path, "/accueil/file/%s", qid);
		snprintf(body, sizeof body, "_csrf=%s&from=recu&to=termine", k.csrf);
		r = post(&k, path, body);
		CHECK_INT(r->status, 303);
		CHECK_HAS(r->headers, "/accueil?ok=termine");
		CHECK_LACKS(get(&k, "/accueil")->body, "En attente");
		snprintf(path, sizeof path, "/api/v1/households/%lld/contacts", (long long)h);
		json_t *after = json_loads(get(&k, path)->body, 0, NULL);
		CHECK_INT((long)json_array_size(json_object_get(after, "contacts")), (long)nb + 1);
		json_t *c0 = json_array_get(json_object_get(after, "contacts"), 0);
		CHECK(json_integer_value(json_object_get(c0, "minutes")) >= 1, "the duration since received (%lld min)",
		      (long long)json_integer_value(json_object_get(c0, "minutes")));
		json_decref(after);
		/* Without a motive at check-in, « Terminer » opens the form instead. */
		snprintf(body, sizeof body, "_csrf=%s&label=Monsieur+au+pull+bleu", k.csrf);
		CHECK_INT(post(&k, "/accueil/file", body)->status, 303);
		r = get(&k, "/accueil");
		extract(strstr(r->body, "Monsieur au pull bleu") ? strstr(r->body, "Monsieur au pull bleu") : r->body, "action=\"/accueil/file/", qid, sizeof qid);
		snprintf(path, sizeof path, "/accueil/file/%s", qid);
		snprintf(body, sizeof body, "_csrf=%s&from=attente&to=recu", k.csrf);
		r = post(&k, path, body);
		snprintf(line, sizeof line, "/accueil?recu=%s#t-qc", qid);
		CHECK_HAS(r->headers, line);
		snprintf(body, sizeof body, "_csrf=%s&from=recu&to=termine", k.csrf);
		r = post(&k, path, body);
		CHECK_HAS(r->headers, line);             /* the form, to say the motive */
		snprintf(body, sizeof body, "_csrf=%s&channel=visite&motive=%s&queue=%s&answer=Orient%%C3%%A9+vers+la+CAF", k.csrf, motive, qid);
		r = post(&k, "/contacts", body);
		CHECK_INT(r->status, 303);
		CHECK_LACKS(get(&k, "/accueil")->body, "Monsieur au pull bleu");
		/* The API no longer ends a passage without its contact. */
		snprintf(path, sizeof path, "/api/v1/queue/%s/move", qid);
		CHECK_INT(post_json(&k, path, "{\"from\": \"recu\", \"to\": \"termine\"}")->status, 400);
	}
	T_GROUP("a contact dated when it was done, within the structure's limit");
	{
		time_t now = time(NULL) - 86400;
		struct tm tm;
		localtime_r(&now, &tm);
		char yday[16], old[16];
		strftime(yday, sizeof yday, "%Y-%m-%d", &tm);
		now -= 30 * 86400;
		localtime_r(&now, &tm);
		strftime(old, sizeof old, "%Y-%m-%d", &tm);
		snprintf(body, sizeof body, "{\"household_id\": %lld, \"channel\": \"telephone\", \"done_on\": \"%s\", \"done_time\": \"10:15\"}",
		         (long long)h, yday);
		CHECK_INT(post_json(&k, "/api/v1/contacts", body)->status, 201);
		snprintf(body, sizeof body, "{\"household_id\": %lld, \"channel\": \"telephone\", \"done_on\": \"%s\", \"done_time\": \"10:15\"}",
		         (long long)h, old);
		r = post_json(&k, "/api/v1/contacts", body);
		CHECK_INT(r->status, 400);
		CHECK_HAS(r->body, "trop ancienne");
		snprintf(body, sizeof body, "{\"household_id\": %lld, \"channel\": \"telephone\", \"done_on\": \"2099-01-01\", \"done_time\": \"10:15\"}",
		         (long long)h);
		r = post_json(&k, "/api/v1/contacts", body);
		CHECK_INT(r->status, 400);
		CHECK_HAS(r->body, "futur");
		/* The page keeps what was typed. */
		snprintf(body, sizeof body, "_csrf=%s&household=%lld&channel=telephone&done_date=%s&done_time=09%%3A00&answer=Appel+d%%27hier",
		         k.csrf, (long long)h, old);
		r = post(&k, "/contacts", body);
		CHECK_INT(r->status, 400);
		CHECK_HAS(r->body, "Appel d&#39;hier");
		snprintf(line, sizeof line, "value=\"%s\"", old);
		CHECK_HAS(r->body, line);
		/* Yesterday's call is listed with yesterday's date. */
		snprintf(path, sizeof path, "/foyers/%lld", (long long)h);
		char fr[32];
		snprintf(fr, sizeof fr, "%.2s/%.2s/%.4s 10:15", yday + 8, yday + 5, yday);
		CHECK_HAS(get(&k, path)->body, fr);
	}
	T_GROUP("appointments");
	json_t *me = json_loads(get(&k, "/api/v1/me")->body, 0, NULL);
	int64_t uid = json_integer_value(json_object_get(me, "id"));
	json_decref(me);
	snprintf(body, sizeof body, "{\"household_id\":%lld,\"agent_id\":%lld,\"date\":\"2031-03-04\",\"time\":\"09:30\",\"minutes\":30,\"motive\":\"Dossier FSL\"}",
	         (long long)h, (long long)uid);
	CHECK_INT(post_json(&k, "/api/v1/appointments", body)->status, 201);
	snprintf(body, sizeof body, "{\"agent_id\":%lld,\"date\":\"2031-03-04\",\"time\":\"09:45\",\"minutes\":30}", (long long)uid);
	r = post_json(&k, "/api/v1/appointments", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "déjà un rendez-vous");
	snprintf(body, sizeof body, "{\"agent_id\":%lld,\"date\":\"2031-02-30\",\"time\":\"09:45\"}", (long long)uid);
	CHECK_INT(post_json(&k, "/api/v1/appointments", body)->status, 400);
	r = get(&k, "/api/v1/appointments?date=2031-03-04");
	CHECK_HAS(r->body, "Dossier FSL");
	r = get(&k, "/rendez-vous?jour=2031-03-04");
	CHECK_HAS(r->body, "09:30");
	snprintf(path, sizeof path, "/api/v1/appointments?date=2031-03-04&agent_id=%lld", (long long)uid);
	CHECK_HAS(get(&k, path)->body, "Dossier FSL"); /* the agent's own */
	snprintf(path, sizeof path, "/api/v1/appointments?date=2031-03-04&agent_id=%lld", (long long)uid + 100000);
	CHECK_LACKS(get(&k, path)->body, "Dossier FSL"); /* another agent's: not hers */
	snprintf(path, sizeof path, "/rendez-vous?jour=2031-03-04&agent=%lld", (long long)uid);
	CHECK_HAS(get(&k, path)->body, "09:30");
	r = get(&k, "/rendez-vous?jour=2031-03-03&vue=semaine");
	CHECK_HAS(r->body, "Dossier FSL");
	r = get(&k, "/rendez-vous/export.ics?jour=2031-03-01");
	CHECK_HAS(r->body, "BEGIN:VCALENDAR");
	CHECK_HAS(r->body, "SUMMARY:Dossier FSL");
	CHECK_LACKS(r->body, "Maillot"); /* no names leave in the calendar */
	CHECK(has_header(r, "Content-Type: text/calendar"), "ics type");
	cli_free(&k);
}

static void test_nir(srv *s)
{
	T_GROUP("nir");
	cli adm, k;
	cli_init(&adm, s);
	cli_init(&k, s);
	CHECK_INT(login(&adm, DEMO("admin"), DEMO_PW), 303);
	CHECK_INT(login(&k, DEMO("social"), DEMO_PW), 303);
	int64_t h = create(&k, "{\"last_name\":\"Vitale\",\"first_names\":\"Carte\",\"confirm_duplicate\":true}");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/households/%lld", (long long)h);
	json_t *j = json_loads(get(&k, path)->body, 0, NULL);
	int64_t pid = json_integer_value(json_object_get(json_array_get(json_object_get(j, "members"), 0), "id"));
	json_decref(j);
	char ppath[96];
	snprintf(ppath, sizeof ppath, "/api/v1/persons/%lld", (long long)pid);
	/* Disabled by default: a NIR sent is not stored.
	 * NIR 1 84 03 75 116 123, key = 97 − (1840375116123 mod 97). */
	long long num = 1840375116123LL;
	char good[32];
	snprintf(good, sizeof good, "1840375116123%02lld", 97 - num % 97);
	char body[512];
	snprintf(body, sizeof body, "{\"last_name\":\"Vitale\",\"first_names\":\"Carte\",\"version\":1,\"nir\":\"%s\"}", good);
	CHECK_INT(post_json(&k, ppath, body)->status, 200);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)h);
	CHECK_LACKS(get(&k, path)->body, "NIR 1 84 03");
	/* The administrator enables it; a wrong key is refused; a good one is shown masked. */
	json_t *st = json_loads(get(&adm, "/api/v1/structure")->body, 0, NULL);
	snprintf(body, sizeof body, "{\"name\":\"%s\",\"tz\":\"%s\",\"version\":%lld,\"nir_enabled\":true}",
	         json_string_value(json_object_get(st, "name")), json_string_value(json_object_get(st, "tz")),
	         (long long)json_integer_value(json_object_get(st, "version")));
	json_decref(st);
	CHECK_INT(post_json(&adm, "/api/v1/structure", body)->status, 200);
	snprintf(body, sizeof body, "{\"last_name\":\"Vitale\",\"first_names\":\"Carte\",\"version\":2,\"nir\":\"184037511612399\"}");
	CHECK_INT(post_json(&k, ppath, body)->status, 400);
	snprintf(body, sizeof body, "{\"last_name\":\"Vitale\",\"first_names\":\"Carte\",\"version\":2,\"nir\":\"%s\"}", good);
	CHECK_INT(post_json(&k, ppath, body)->status, 200);
	resp *r = get(&k, path);
	CHECK_HAS(r->body, "NIR 1 84 03 •• ••• ••• ••");
	CHECK_LACKS(r->body, good);
	CHECK_LACKS(get(&k, "/api/v1/persons?q=vitale")->body, good);
	cli_free(&adm);
	cli_free(&k);
}

static void test_rules(srv *s)
{
	T_GROUP("qf-rules");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("responsable"), DEMO_PW), 303);
	int64_t h = create(&k, "{\"last_name\":\"Seule\",\"first_names\":\"Personne\",\"confirm_duplicate\":true}");
	char path[96];
	snprintf(path, sizeof path, "/api/v1/households/%lld/budget", (long long)h);
	CHECK_INT(jint(get(&k, path)->body, "parts_x100"), 100);
	/* The household page reads the rule in force from memory (kept under the structure's reference version): read
	 * once here, it must follow the new version below. */
	char page[64];
	snprintf(page, sizeof page, "/foyers/%lld", (long long)h);
	CHECK_HAS(get(&k, page)->body, "Parts : 1 (personne seule 1)");
	CHECK_HAS(k.last.body, "non renseigné par personne et par jour"); /* the rule divides by persons */
	resp *r = post_json(&k, "/api/v1/qf-rules", "{\"effective_from\":\"2020-01-01\",\"rav_divisor\":\"cinq\"}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "rav_divisor");
	r = post_json(&k, "/api/v1/qf-rules", "{\"effective_from\":\"2020-01-01\",\"rav_divisor\":\"parts\",\"parts_couple_x100\":200,"
	                   "\"parts_single_parent_x100\":250,\"parts_single_x100\":150,\"child1_x100\":50,\"child2_x100\":50,"
	                   "\"child3_x100\":100,\"child_more_x100\":50,\"disabled_child_x100\":50}");
	CHECK_INT(r->status, 201);
	CHECK_INT(jint(get(&k, path)->body, "parts_x100"), 150);
	CHECK_HAS(k.last.body, "depuis le 01/01/2020");
	r = get(&k, page);
	CHECK_HAS(r->body, "Règles en vigueur depuis le 01/01/2020. Parts : 1,5 (personne seule 1,5)");
	CHECK_HAS(r->body, "non renseigné par part et par jour"); /* the new rule divides by parts: the page says so */
	r = post_json(&k, "/api/v1/qf-rules", "{\"effective_from\":\"2020-01-01\",\"rav_divisor\":\"parts\",\"parts_couple_x100\":200,"
	                   "\"parts_single_parent_x100\":250,\"parts_single_x100\":150,\"child1_x100\":50,\"child2_x100\":50,"
	                   "\"child3_x100\":100,\"child_more_x100\":50,\"disabled_child_x100\":50}");
	CHECK_INT(r->status, 400); /* one version per date */
	r = get(&k, "/admin/quotient");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "01/01/2020");
	cli w;
	cli_init(&w, s);
	CHECK_INT(login(&w, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(get(&w, "/admin/quotient")->status, 403);
	CHECK_INT(get(&w, "/api/v1/qf-rules")->status, 200);
	cli_free(&w);
	cli_free(&k);
}

/* Runs a command; its standard output and error in out. Its exit status. */
static int run_output(const char *const argv[], char *out, size_t n)
{
	int pfd[2];
	if (pipe(pfd) != 0)
		return -1;
	pid_t child = fork();
	if (child == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	size_t got = 0;
	ssize_t rd;
	char sink[512];
	while ((rd = read(pfd[0], got + 1 < n ? out + got : sink, got + 1 < n ? n - 1 - got : sizeof sink)) > 0)
		if (got + 1 < n)
			got += (size_t)rd; /* to the end: a reader that stops early kills the writer (SIGPIPE) */
	out[got] = 0;
	close(pfd[0]);
	int st = 0;
	waitpid(child, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The import (argv) of a file of the given text, at path: its exit status, its error output in out. */
static int import_text(const char *const argv[], const char *path, const char *text, char *out, size_t n)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	return run_output(argv, out, n);
}

/* `openccas import personnes`: a refused row and nothing is written; a
 * valid file lands in households that the search finds. */
static void test_import(srv *s)
{
	T_GROUP("CSV import of persons (CLI)");
	char path[128];
	snprintf(path, sizeof path, "/tmp/openccas-import-%d.csv", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs("foyer;lien;nom;prénoms;sexe;date_naissance;voie;code_postal;commune\n"
	      "F1;demandeur;Quenehervé;Ysolde;F;1961-04-02;rue des Lilas;97400;Port-Rivière\n"
	      "F1;enfant;Quenehervé;Ewen;M;2012-13-01;;;\n"
	      "F2;demandeur;Zébulon-Marcadier;Anne;;;;;\n", f);
	fclose(f);
	const char *argv[] = {bin_path(), "import", "personnes", "--db", fresh_url, "--user", DEMO("admin"), path, NULL};
	CHECK_INT(run_cmd(argv, 1), 5); /* one bad date: nothing written */
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("social"), DEMO_PW), 303);
	CHECK_LACKS(get(&k, "/api/v1/persons?q=zebulon")->body, "Zébulon");
	f = fopen(path, "w");
	fputs("foyer;lien;nom;prénoms;sexe;date_naissance;voie;code_postal;commune\n"
	      "F1;demandeur;Quenehervé;Ysolde;F;1961-04-02;rue des Lilas;97400;Port-Rivière\n"
	      "F1;enfant;Quenehervé;Ewen;M;2012-11-01;;;\n"
	      "F2;demandeur;Zébulon-Marcadier;Anne;;;;;\n", f);
	fclose(f);
	CHECK_INT(run_cmd(argv, 1), 0);
	resp *r = get(&k, "/api/v1/persons?q=quenherve");
	CHECK_HAS(r->body, "Ewen");  /* found with a typo, in the same household as Ysolde */
	CHECK_HAS(r->body, "Ysolde");
	CHECK_HAS(get(&k, "/api/v1/persons?q=zebulon")->body, "Zébulon-Marcadier");
	/* --check says the file's persons already there, by their lines (same names, accents and case aside, and birth
	 * date) — the same whether each is asked of the database or of the set of the structure's persons made at once
	 * (a big file in a big structure). A first name that differs is another person; without a birth date, none. */
	f = fopen(path, "w");
	fputs("foyer;lien;nom;prénoms;sexe;date_naissance\n"
	      "F1;demandeur;QUENEHERVE;ysolde;F;02/04/1961\n"
	      "F1;enfant;Quenehervé;Ewenn;M;2012-11-01\n"
	      "F2;demandeur;Zébulon-Marcadier;Anne;;\n"
	      "F3;demandeur;Quenehervé;Ewenn;M;01/11/2012\n", f);
	fclose(f);
	const char *check_argv[] = {bin_path(), "import", "personnes", "--check", "--db", fresh_url, "--user", DEMO("admin"), path, NULL};
	static const char *const after_ms[] = {"3600000", "0"};
	for (int i = 0; i < 2; i++) {
		char said[2048];
		setenv("OPENCCAS_IMPORT_KNOWN_MS", after_ms[i], 1);
		CHECK_INT(run_output(check_argv, said, sizeof said), 0);
		CHECK_HAS(said, "Déjà enregistrées : 1 personne(s) du fichier (même nom, prénom et date de naissance), ligne(s) 2 :");
		CHECK_HAS(said, "Plusieurs fois dans le fichier : 1 ligne(s) dont la personne (même nom, prénom et date de naissance) "
		                "est déjà sur une ligne au-dessus, ligne(s) 5 :");
	}
	unsetenv("OPENCCAS_IMPORT_KNOWN_MS");
	/* Windows-1252, a household of 20 (no cap), a date JJ/MM/AAAA; a bad
	 * row named by its line, nothing written. */
	f = fopen(path, "w");
	fputs("foyer;nom;pr\xe9noms;lien;date_naissance\nW1;C\x9c" "ur;L\xe9" "a;demandeur;02/03/1970\n", f);
	for (int i = 2; i <= 20; i++)
		fprintf(f, "W1;C\x9c" "ur;Enfant%02d;enfant;01/01/2010\n", i);
	fclose(f);
	CHECK_INT(run_cmd(argv, 1), 0);
	r = get(&k, "/api/v1/persons?q=lea+coeur");
	CHECK_HAS(r->body, "Cœur");
	json_t *jj = json_loads(r->body, 0, NULL);
	long long wh = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(jj, "results"), 0), "household_id"));
	json_decref(jj);
	char hp[64];
	snprintf(hp, sizeof hp, "/foyers/%lld", wh);
	CHECK_HAS(get(&k, hp)->body, "Enfant20");
	f = fopen(path, "w");
	fputs("foyer;nom;prénoms;date_naissance\nV1;Valide;Un;1970-01-01\nV2;Mauvais;Deux;31/06/1980\n", f);
	fclose(f);
	char out[2048];
	CHECK_INT(run_output(argv, out, sizeof out), 5);
	CHECK_HAS(out, "ligne 3 : date de naissance invalide");
	CHECK_LACKS(get(&k, "/api/v1/persons?q=valide+un")->body, "Valide"); /* all or nothing */
	T_GROUP("CSV import of persons (CLI): files refused whole, and the headers a spreadsheet of the field has");
	/* Files refused whole, each saying why on which line, nothing written: a household's rows apart in the file
	 * (sorted by name, say: not made into two households); a header the import does not know; two headers for one
	 * column (not the one on the right silently kept); a value under a column without a header, or past the last
	 * (an empty one is fine). */
	static const struct {
		const char *csv, *has[3], *lacks, *search, *absent;
	} refused[] = {
		{"foyer;lien;nom;prénoms;date_naissance\nS1;demandeur;Séparé;Paul;1970-01-01\nS2;demandeur;Autre;Julie;1971-01-01\n"
		 "S1;conjoint;Séparé;Marie;1972-01-01\nS1;enfant;Séparé;Léo;2010-01-01\nS3;demandeur;Troisième;Jo;1973-01-01\n",
		 {"2 ligne(s) refusée(s), rien n’a été importé", "ligne 4 : ce foyer a déjà des lignes plus haut",
		  "ligne 5 : ce foyer a déjà des lignes plus haut"},
		 "ligne 6", "/api/v1/persons?q=separe", "Séparé"},
		{"Foyer;Nom;Prénom;Observations;Date de naissance;Ville natale\nE2;Inconnue;Colonne;suivie;1980-01-01;Oran\n",
		 {"ligne 1 : en-tête : colonne(s) inconnue(s) « Observations », « Ville natale »", NULL, NULL}, NULL,
		 "/api/v1/persons?q=inconnue", "Inconnue"},
		{"Foyer;Nom;Prénom;Nom de famille\nE3;Double;Colonne;Autre\n",
		 {"« Nom de famille » nomme(nt) une colonne déjà lue plus à gauche", NULL, NULL}, NULL,
		 "/api/v1/persons?q=double+colonne", "Double"},
		{"foyer;lien;nom;prenoms;sexe\nR1;demandeur;Refusmot;Un;X\nR1;cousin;Refusmot;Deux;F\n",
		 {"ligne 2 : sexe : F (ou femme), M (ou homme) ou vide", "ligne 3 : lien : demandeur, conjoint, enfant", NULL},
		 NULL, "/api/v1/persons?q=refusmot", "Refusmot"},
		{"Foyer;Nom;Prénom;\nE4;Vide;Colonne;\nE5;Pleine;Colonne;oubliée\nE6;Trop;Long\nE7;Plus;Long;;en trop\n",
		 {"2 ligne(s) refusée(s)", "ligne 3 : une cellule est remplie sous une colonne sans en-tête",
		  "ligne 5 : une cellule est remplie sous une colonne sans en-tête"},
		 "ligne 2 :", "/api/v1/persons?q=vide+colonne", "Vide"},
		{"foyer;nom;prenoms;telephone;code_postal\nP1;Telrefus;Un;pas de tel;\nP2;Telrefus;Deux;;974\nP3;Telrefus;Trois;06 12;\n",
		 {"ligne 2 : téléphone : de 6 à 15 chiffres", "ligne 3 : code postal : 5 chiffres", "ligne 4 : téléphone"}, NULL,
		 "/api/v1/persons?q=telrefus", "Telrefus"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		CHECK_INT(import_text(argv, path, refused[i].csv, out, sizeof out), 5);
		for (int h = 0; h < 3 && refused[i].has[h]; h++)
			CHECK_HAS(out, refused[i].has[h]);
		if (refused[i].lacks)
			CHECK_LACKS(out, refused[i].lacks);
		CHECK_LACKS(get(&k, refused[i].search)->body, refused[i].absent);
	}
	{
		/* A value past the 64th column, which the import does not read: refused, not dropped. */
		char wide[256];
		int at = snprintf(wide, sizeof wide, "Foyer;Nom;Prénom\nW1;Large;Ligne");
		for (int i = 3; i < 66; i++)
			at += snprintf(wide + at, sizeof wide - (size_t)at, ";");
		snprintf(wide + at, sizeof wide - (size_t)at, "loin\n");
		CHECK_INT(import_text(argv, path, wide, out, sizeof out), 5);
		CHECK_HAS(out, "au-delà de la 64e colonne");
		CHECK_LACKS(get(&k, "/api/v1/persons?q=large+ligne")->body, "Large");
	}
	/* The household's rows together: imported, the three Séparé in one household. */
	const char *csv = "foyer;lien;nom;prénoms;date_naissance\nS1;demandeur;Séparé;Paul;1970-01-01\n"
	                  "S1;conjoint;Séparé;Marie;1972-01-01\nS1;enfant;Séparé;Léo;2010-01-01\n"
	                  "S2;demandeur;Autre;Julie;1971-01-01\nS3;demandeur;Troisième;Jo;1973-01-01\n";
	CHECK_INT(import_text(argv, path, csv, out, sizeof out), 0);
	jj = json_loads(get(&k, "/api/v1/persons?q=separe")->body, 0, NULL);
	json_t *sep = json_object_get(jj, "results");
	long long sh = (long long)json_integer_value(json_object_get(json_array_get(sep, 0), "household_id"));
	size_t same_h = 0;
	for (size_t i = 0; i < json_array_size(sep); i++)
		same_h += (long long)json_integer_value(json_object_get(json_array_get(sep, i), "household_id")) == sh;
	CHECK(json_array_size(sep) == 3 && same_h == 3 && sh > 0, "the three Séparé in one household (%zu found, %zu in it)",
	      json_array_size(sep), same_h);
	json_decref(jj);
	/* The usual names of the columns are read as theirs. */
	csv = "N° foyer;Lien de parenté;Nom;Prénom;Date de naissance;Nom de naissance;Lieu de naissance;Tél;Courriel;N°;Rue;CP;"
	      "Ville;Genre\nE1;Demandeuse;Entête;Odile;02/03/1961;Avantnom;Oran;0612345678;odile@exemple.fr;12;rue des Lilas;"
	      "97400;Saint-Denis;Femme\nE1;Époux;Entête;Marc;1960-01-01;;;;;;;;;homme\nE1;Fille;Entête;Lou;2012-01-01;;;;;;;;;F\n";
	CHECK_INT(import_text(argv, path, csv, out, sizeof out), 0);
	/* It says what it read each column as. */
	CHECK_HAS(out, "Colonnes lues : foyer ← « N° foyer », lien ← « Lien de parenté », nom ← « Nom », nom_naissance ← "
	               "« Nom de naissance », prenoms ← « Prénom », sexe ← « Genre », date_naissance ← « Date de naissance », "
	               "lieu_naissance ← « Lieu de naissance », telephone ← « Tél », email ← « Courriel », numero ← « N° », "
	               "voie ← « Rue », code_postal ← « CP », commune ← « Ville »");
	/* Without a column « foyer » (a list of persons, one a row): each row a household of its own, its person the
	 * applicant, and the report says so; « lien » without « foyer » refused (a place in which household?). */
	csv = "Nom;Prénom;Date de naissance\nSansfoyer;Une;1970-01-01\nSansfoyer;Deux;1971-01-01\nSansfoyer;Trois;1972-01-01\n";
	CHECK_INT(import_text(argv, path, csv, out, sizeof out), 0);
	CHECK_HAS(out, "3 personne(s), 3 foyer(s)");
	CHECK_HAS(out, "foyer : aucune colonne, chaque ligne est un foyer");
	CHECK(db_zero("SELECT count(DISTINCT p.household_id) - 3 FROM persons p JOIN household_members m ON m.person_id = p.id "
	              "WHERE p.last_name = 'Sansfoyer' AND p.relation = 'demandeur'") == 0,
	      "three households, each person its applicant");
	CHECK_INT(import_text(argv, path, "Nom;Prénom;Lien\nLiensans;Foyer;enfant\n", out, sizeof out), 5);
	CHECK_HAS(out, "ligne 1 : en-tête : la colonne « lien » dit la place de chacun dans son foyer");
	CHECK_LACKS(get(&k, "/api/v1/persons?q=liensans")->body, "Liensans");
	/* Day-first dates as spreadsheets write them (03-04-1975, 3.4.1975); a date in the future refused. */
	csv = "Nom;Prénom;Date de naissance\nDatetiret;Un;03-04-1975\nDatetiret;Deux;3.4.1976\n"
	      "Datetiret;Trois;03/04/1977 00:00:00\nDatetiret;Quatre;1978-04-03T00:00:00\n";
	CHECK_INT(import_text(argv, path, csv, out, sizeof out), 0);
	CHECK(db_zero("SELECT count(*) - 4 FROM persons WHERE last_name = 'Datetiret' AND birth_date IN ('1975-04-03', "
	              "'1976-04-03', '1977-04-03', '1978-04-03')") == 0,
	      "the dates read day first, a spreadsheet's midnight after them");
	CHECK_INT(import_text(argv, path, "Nom;Prénom;Date de naissance\nDateheure;Un;03/04/1975 12:30\n", out, sizeof out), 5);
	CHECK_HAS(out, "ligne 2 : date de naissance invalide");
	CHECK_INT(import_text(argv, path, "Nom;Prénom;Date de naissance\nDatefutur;Un;03/04/2091\n", out, sizeof out), 5);
	CHECK_HAS(out, "ligne 2 : date de naissance invalide : une date réelle entre 1900 et aujourd’hui");
	/* A title above the header (a blank row after it): not a person, not the header. */
	csv = "Liste des usagers au 1er décembre\n\nFoyer;Nom;Prénom;Date de naissance\nT1;Titré;Anne;1970-01-01\n";
	CHECK_INT(import_text(argv, path, csv, out, sizeof out), 0);
	CHECK(db_zero("SELECT count(*) - 1 FROM persons WHERE last_name = 'Titré' AND birth_date = '1970-01-01'") == 0,
	      "the person under the title imported");
	CHECK(db_zero("SELECT count(*) FROM persons WHERE last_name LIKE 'Liste des usagers%' OR last_name = 'Nom'") == 0,
	      "neither the title nor the header made a person");
	/* The spaces a spreadsheet leaves around values (no-break ones too), in the header as in the rows: not read as
	 * part of them; a postcode typed in two groups. */
	csv = " Foyer ; Nom\xc2\xa0;Prénom;Date de naissance;Téléphone;CP\nSP1 ;  Espacé ;\xc2\xa0Jean Marc ; 12/03/1980 ; 06 92 12 34 56 ;97 400\n";
	CHECK_INT(import_text(argv, path, csv, out, sizeof out), 0);
	CHECK(db_zero("SELECT count(*) - 1 FROM persons WHERE last_name = 'Espacé' AND first_names = 'Jean Marc' "
	              "AND birth_date = '1980-03-12' AND phone = '06 92 12 34 56'") == 0,
	      "the values without their spaces");
	CHECK(db_zero("SELECT count(*) - 1 FROM households h JOIN persons p ON p.household_id = h.id WHERE p.last_name = 'Espacé' "
	              "AND h.postcode = '97400'") == 0,
	      "the postcode in one group");
	/* A workbook whose telephone and postcode the spreadsheet took for numbers (their 0 dropped), the birth date a
	 * date cell: the 0s put back, the date read. */
	{
		char xl[96];
		snprintf(xl, sizeof xl, "/tmp/openccas-import-%d.xlsx", (int)getpid());
		lxw_workbook *wb = workbook_new(xl);
		lxw_worksheet *ws = workbook_add_worksheet(wb, "Personnes");
		lxw_format *day = workbook_add_format(wb);
		format_set_num_format(day, "dd/mm/yyyy");
		/* Text cells (the header, then the row's), "" where the row has a date or a number. */
		const char *text[2][7] = {{"Foyer", "Nom", "Prénom", "Date de naissance", "Téléphone", "CP", "Ville"},
		                          {"X1", "Classeur", "Nina", "", "", "", "Bourg-en-Bresse"}};
		for (int row = 0; row < 2; row++)
			for (int i = 0; i < 7; i++)
				if (*text[row][i])
					worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)i, text[row][i], NULL);
		lxw_datetime born = {1985, 4, 5, 0, 0, 0};
		worksheet_write_datetime(ws, 1, 3, &born, day);
		worksheet_write_number(ws, 1, 4, 612345678, NULL);
		worksheet_write_number(ws, 1, 5, 1000, NULL);
		CHECK(workbook_close(wb) == LXW_NO_ERROR, "the workbook written");
		const char *xargv[] = {bin_path(), "import", "personnes", "--db", fresh_url, "--user", DEMO("admin"), xl, NULL};
		CHECK_INT(run_output(xargv, out, sizeof out), 0);
		unlink(xl);
		CHECK(db_zero("SELECT count(*) - 1 FROM persons p JOIN households h ON h.id = p.household_id WHERE "
		              "p.last_name = 'Classeur' AND p.birth_date = '1985-04-05' AND p.phone = '0612345678' AND "
		              "h.postcode = '01000' AND h.city = 'Bourg-en-Bresse'") == 0,
		      "the telephone's and the postcode's 0 put back, the date cell read");
	}
	/* The words of the field for the sex and the link: Femme, Époux, homme, Fille. */
	CHECK(db_zero("SELECT count(*) - 3 FROM persons WHERE last_name = 'Entête' AND ((first_names = 'Odile' AND sex = 'F' "
	              "AND relation = 'demandeur') OR (first_names = 'Marc' AND sex = 'M' AND relation = 'conjoint') OR "
	              "(first_names = 'Lou' AND sex = 'F' AND relation = 'enfant'))") == 0,
	      "Odile the applicant, Marc her husband, Lou their daughter");
	CHECK(db_zero("SELECT count(*) FROM persons p JOIN households h ON h.id = p.household_id WHERE p.last_name = 'Entête' "
	              "AND p.birth_date = '1961-03-02' AND p.birth_name = 'Avantnom' AND p.birth_place = 'Oran' AND "
	              "p.phone = '0612345678' AND p.email = 'odile@exemple.fr' AND h.street_no = '12' AND "
	              "h.street = 'rue des Lilas' AND h.postcode = '97400' AND h.city = 'Saint-Denis' AND "
	              "p.relation = 'demandeur'") != 0,
	      "every column read: the birth date, names, place, telephone, e-mail and address");

	/* Written a thousand households at a time (persons_bulk.c; on PostgreSQL one COPY a table): 2 345 households,
	 * two to three persons each, in three sends — every row lands, each person with its household, membership and
	 * keys, the file numbers one after the other, the search finds the first and the last. */
	T_GROUP("CSV import of persons (CLI): thousands of households, written by the thousand");
	enum { NH = 2345 };
	f = fopen(path, "w");
	fputs("foyer;lien;nom;prénoms;date_naissance;voie;commune\n", f);
	int nrows = 0;
	for (int h = 0; h < NH; h++)
		for (int m = 0; m < 2 + h % 2; m++, nrows++)
			fprintf(f, "B%d;%s;Blocimport%04d;%s;19%02d-0%d-1%d;rue \\ des Tabs;Port-Rivière\n", h, m ? "enfant" : "demandeur", h,
			        m ? "Élodie" : "Noé", 40 + m, 1 + h % 9, h % 10);
	fclose(f);
	CHECK_INT(run_cmd(argv, 1), 0);
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "SELECT abs(count(DISTINCT h.id) - %d) + abs(count(*) - %d) FROM persons p JOIN households h ON h.id = p.household_id "
	         "AND h.structure_id = p.structure_id JOIN household_members m ON m.person_id = p.id AND m.household_id = h.id "
	         "WHERE p.last_name LIKE 'Blocimport%%' AND h.street = 'rue \\ des Tabs' AND p.first_names IN ('Noé', 'Élodie') "
	         "AND h.file_no <> ''", NH, nrows);
	CHECK(db_zero(sql) == 0, "%d households, %d persons, each with its household and membership", NH, nrows);
	snprintf(sql, sizeof sql,
	         "SELECT abs(count(*) - %d) FROM timeline t JOIN households h ON h.id = t.household_id "
	         "WHERE h.street = 'rue \\ des Tabs' AND t.kind = 'household' AND t.ref_id = h.id", NH);
	CHECK(db_zero(sql) == 0, "one line of the timeline a household");
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM households a JOIN households b ON b.file_no = a.file_no AND b.id <> a.id "
	         "AND b.structure_id = a.structure_id WHERE a.street = 'rue \\ des Tabs'");
	CHECK(db_zero(sql) == 0, "each household its own file number");
	CHECK_HAS(get(&k, "/api/v1/persons?q=blocimport0000")->body, "Blocimport0000");
	CHECK_HAS(get(&k, "/api/v1/persons?q=blocimport2344")->body, "Blocimport2344");
	CHECK_HAS(get(&k, "/api/v1/persons?q=blocinport1234")->body, "Blocimport1234"); /* a letter typed wrong */
	unlink(path);
	cli_free(&k);
}

/* SQLite's work a row (the import says its steps) when importing ROWS
 * persons, three a household, into a new, empty database: no statistics
 * yet for the planner. -1 when it could not be read. */
/* ROWS persons imported at url, three a household (into a new, empty database made first when init_first); 0
 * when it went through, the import's standard error in out. */
static int import_rows(const char *url, int rows, char *out, size_t n, bool init_first)
{
	char csv[96];
	snprintf(csv, sizeof csv, "/tmp/openccas-empty-%d.csv", (int)getpid());
	FILE *f = fopen(csv, "w");
	if (!f)
		return -1;
	fputs("foyer;lien;nom;prenoms;date_naissance\n", f);
	for (int i = 0; i < rows; i++)
		fprintf(f, "F%d;%s;Lefebvre%d;%s%d;19%02d-%02d-%02d\n", i / 3, i % 3 ? "enfant" : "demandeur", i / 3,
		        i % 2 ? "Amandine" : "Bertrand", i, 30 + i % 60, 1 + i % 12, 1 + i % 28);
	fclose(f);
	setenv("OPENCCAS_PASSWORD", "premier-administrateur", 1);
	const char *init[] = {bin_path(), "init", "--db", url, "--structure", "CCAS vide", "--admin", "vide@ccas.fr", NULL};
	const char *imp[] = {bin_path(), "import", "personnes", "--db", url, "--user", "vide@ccas.fr", csv, NULL};
	int rc = (!init_first || run_cmd(init, 1) == 0) && run_output(imp, out, n) == 0 ? 0 : 1;
	unsetenv("OPENCCAS_PASSWORD");
	unlink(csv);
	return rc;
}

static long long steps_a_row(int rows)
{
	char db[96], side[128], url[112];
	snprintf(db, sizeof db, "/tmp/openccas-empty-%d.db", (int)getpid());
	snprintf(url, sizeof url, "sqlite:%s", db);
	static const char *const sides[] = {"", "-wal", "-shm", ".journal-key", ".journal-seals"};
	for (int i = 0; i < 5; i++) {
		snprintf(side, sizeof side, "%s%s", db, sides[i]);
		unlink(side);
	}
	char out[4096];
	long long per = -1;
	if (import_rows(url, rows, out, sizeof out, true) == 0) {
		const char *p = strstr(out, "steps of the database (");
		if (p)
			per = strtoll(p + strlen("steps of the database ("), NULL, 10);
	}
	for (int i = 0; i < 5; i++) {
		snprintf(side, sizeof side, "%s%s", db, sides[i]);
		unlink(side);
	}
	return per;
}

/* A CCAS starts with an empty database and imports its files: no plan
 * may scan what the import has already written (the key deletion took
 * the structure's index of keys for lack of statistics: 111 000 steps a
 * row at 3 000 persons, the import of 30 000 never ending). */
/* PostgreSQL: the rows its sequential scans read on persons and households during an import of ROWS persons
 * into a new database that holds 30 (its statistics, once the import's session has ended and flushed them);
 * -1 unknown. */
static long long pg_scanned_rows(int rows)
{
	char saved[512], url[512], out[4096];
	snprintf(saved, sizeof saved, "%s", fresh_url);
	snprintf(url, sizeof url, "%s", fresh_db("impfresh"));
	snprintf(fresh_url, sizeof fresh_url, "%s", saved); /* the other tests' database */
	/* A small structure first (its tables a page each), then the import, in a session of its own. */
	if (import_rows(url, 30, out, sizeof out, true) != 0 || import_rows(url, rows, out, sizeof out, false) != 0)
		return -1;
	PGconn *c = PQconnectdb(url);
	long long read = -1;
	/* The import's backend flushes its statistics as it exits, after the import has returned: until they show its
	 * rows (a condition, bounded). */
	for (int tries = 0; PQstatus(c) == CONNECTION_OK && tries < 200; tries++) {
		PGresult *r = PQexec(c, "SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables "
		                        "WHERE relname = 'persons'");
		long long ins = PQresultStatus(r) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
		long long seq = PQresultStatus(r) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(r, 0, 1), NULL, 10) : -1;
		PQclear(r);
		if (ins >= rows + 30) {
			r = PQexec(c, "SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables WHERE relname IN ('persons', 'households')");
			read = PQresultStatus(r) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
			PQclear(r);
			break;
		}
		(void)seq;
		PQclear(PQexec(c, "SELECT pg_stat_clear_snapshot()")); /* read the shared statistics again */
		struct timespec ts = {0, 25 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	PQfinish(c);
	return read;
}

static void test_import_fresh(void)
{
	if (fresh_is_pg()) {
		/* Its foreign keys' checks were planned once, while the tables were still small: a sequential scan of the
		 * persons for every person written (3 000 persons: 4.5 million rows read; 60 000: 3.5 billion, 345 s). */
		T_GROUP("import into an empty database: no scan of what was written for each row (PostgreSQL)");
		long long small = pg_scanned_rows(1500), large = pg_scanned_rows(6000);
		CHECK(small >= 0 && large >= 0, "the statistics show the imports' rows");
		/* Scans of a table still small are cheaper than its index, and stop as it grows: a bounded number of rows
		 * read. Planned once, they went on: four times the rows, sixteen times the reads. */
		CHECK(large < 2 * small + 10000, "6 000 persons: %lld rows read by sequential scans; 1 500: %lld", large, small);
		return;
	}
	T_GROUP("import into an empty database: the work of a row does not grow with the rows written (SQLite)");
	long long small = steps_a_row(30), large = steps_a_row(3000);
	CHECK(small > 0 && large > 0, "the import says its work (%lld, %lld steps a row)", small, large);
	CHECK(large < 2 * small, "3 000 persons: %lld steps a row, 30 persons: %lld", large, small);

	T_GROUP("a long import says where it is");
	char db[96], url[112], side[128], out[4096];
	snprintf(db, sizeof db, "/tmp/openccas-long-%d.db", (int)getpid());
	snprintf(url, sizeof url, "sqlite:%s", db);
	CHECK(import_rows(url, 21000, out, sizeof out, true) == 0, "21 000 persons imported");
	CHECK_HAS(out, "10000 lignes vérifiées…");
	CHECK_HAS(out, "20000 lignes vérifiées…");
	CHECK_HAS(out, "10000 / 21000 lignes écrites (47 %)…");
	CHECK_HAS(out, "20000 / 21000 lignes écrites (95 %)…");
	static const char *const sides[] = {"", "-wal", "-shm", ".journal-key", ".journal-seals"};
	for (int i = 0; i < 5; i++) {
		snprintf(side, sizeof side, "%s%s", db, sides[i]);
		unlink(side);
	}
}

/* "What do you hold about me?": the DPO finds the person and exports
 * everything, every module's part and who read the file; journaled. */
/* How many persons a search answers (the API's results). */
static int found(cli *k, const char *q)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/persons?q=%s", q);
	json_t *j = json_loads(get(k, path)->body, 0, NULL);
	int n = j ? (int)json_array_size(json_object_get(j, "results")) : -1;
	json_decref(j);
	return n;
}

/* The stored upload's number, from the preview's confirmation form (0 when there is none). */
static long long upload_id(const char *body)
{
	const char *p = strstr(body, "action=\"/personnes/import/");
	return p ? strtoll(p + strlen("action=\"/personnes/import/"), NULL, 10) : 0;
}

static resp *confirm_page(cli *k, long long id, const char *fields)
{
	char path[96], body[512];
	snprintf(path, sizeof path, "/personnes/import/%lld", id);
	snprintf(body, sizeof body, "_csrf=%s&%s", k->csrf, fields);
	return post(k, path, body);
}

static void test_import_page(srv *s)
{
	T_GROUP("import of households by the page: checked whole, confirmed, the persons already known said first");
	static const char good[] = "N° foyer;Nom;Prénom;Sexe;Date de naissance;Lien de parenté;Ville\n"
	                           "P1;Ollivier-Tessandier;Gwendoline;Femme;12/03/1980;demandeur;Port-Rivière\n"
	                           "P1;Ollivier-Tessandier;Maël;M;2012-05-01;Fils;\n"
	                           "P2;Ravaomanana;Hery;M;01/01/1950;demandeur;Saint-Paul\n";
	cli desk, mgr;
	cli_init(&desk, s);
	cli_init(&mgr, s);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	/* The reception's agents see neither the link nor the page; the manager sees both. */
	CHECK_LACKS(get(&desk, "/personnes")->body, "/personnes/import");
	CHECK_INT(get(&desk, "/personnes/import")->status, 403);
	CHECK_INT(post_file(&desk, "/personnes/import", "file", "foyers.csv", good, strlen(good))->status, 403);
	CHECK_HAS(get(&mgr, "/personnes")->body, "href=\"/personnes/import\"");
	resp *r = get(&mgr, "/personnes/import");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "type=\"file\"");

	/* The check writes nothing and says what it read. */
	r = post_file(&mgr, "/personnes/import", "file", "foyers.csv", good, strlen(good));
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "<strong>3</strong> personnes");
	CHECK_HAS(r->body, "<strong>2</strong> foyers");
	CHECK_HAS(r->body, "<strong>0</strong> déjà enregistrée");
	CHECK_HAS(r->body, "date_naissance ← « Date de naissance »");
	CHECK_HAS(r->body, "Importer 3 personnes en 2 foyers");
	CHECK_LACKS(r->body, "accept_known");
	long long id = upload_id(r->body);
	CHECK(id > 0, "the upload waits for its confirmation (%lld)", id);
	CHECK_INT(found(&mgr, "ravaomanana"), 0);
	/* Figures other than those the check gave: nothing written. */
	r = confirm_page(&mgr, id, "rows=3&households=3&known=0&twice=0");
	CHECK_INT(r->status, 409);
	CHECK_HAS(r->body, "les chiffres ont changé");
	CHECK_HAS(r->body, "name=\"households\" value=\"2\""); /* the check again, with the figures as they are */
	CHECK_INT(upload_id(r->body), id);
	CHECK_INT(found(&mgr, "ravaomanana"), 0);
	r = confirm_page(&mgr, id, "rows=3&households=2");
	CHECK_INT(r->status, 400);
	CHECK_INT(found(&mgr, "ravaomanana"), 0);
	/* An agent who may not import cannot confirm it. */
	r = confirm_page(&desk, id, "rows=3&households=2&known=0&twice=0");
	CHECK_INT(r->status, 403);
	r = confirm_page(&mgr, id, "rows=3&households=2&known=0&twice=0");
	CHECK(r->status == 303 && strstr(r->headers, "Location: /personnes/import?importees=3&foyers=2"), "imported: %ld %.200s",
	      r->status, r->headers);
	CHECK_HAS(get(&mgr, "/personnes/import?importees=3&foyers=2")->body, "3 personnes importées, en 2 foyers.");
	CHECK_INT(found(&mgr, "ravaomanana"), 1);
	json_t *j = json_loads(get(&mgr, "/api/v1/persons?q=gwendoline+ollivier")->body, 0, NULL);
	long long h1 = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "household_id"));
	json_decref(j);
	char hp[64];
	snprintf(hp, sizeof hp, "/foyers/%lld", h1);
	r = get(&mgr, hp);
	CHECK_HAS(r->body, "Maël"); /* the son in his mother's household */
	CHECK_HAS(r->body, "Port-Rivière");
	/* Confirmed once: the file is gone. */
	r = confirm_page(&mgr, id, "rows=3&households=2&known=0&twice=0");
	CHECK_INT(r->status, 404);
	CHECK_INT(found(&mgr, "ravaomanana"), 1);

	/* The same file again: its three persons are known, named by their lines; importing them asks first. */
	r = post_file(&mgr, "/personnes/import", "file", "foyers.csv", good, strlen(good));
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "<strong>3</strong> déjà enregistrées");
	CHECK_HAS(r->body, "lignes 2, 3, 4");
	CHECK_HAS(r->body, "name=\"accept_known\"");
	long long id2 = upload_id(r->body);
	CHECK(id2 > id, "a new number for the new upload (%lld after %lld)", id2, id);
	r = confirm_page(&mgr, id2, "rows=3&households=2&known=3&twice=0");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Importer quand même ces personnes");
	CHECK_HAS(r->body, "name=\"accept_known\""); /* the box, on the check shown again */
	CHECK_INT(upload_id(r->body), id2);
	CHECK_INT(found(&mgr, "ravaomanana"), 1);
	/* Abandoned: nothing written, the file gone. */
	char ab[96];
	snprintf(ab, sizeof ab, "/personnes/import/%lld/abandon", id2);
	char body[128];
	snprintf(body, sizeof body, "_csrf=%s", mgr.csrf);
	r = post(&mgr, ab, body);
	CHECK(r->status == 303 && strstr(r->headers, "Location: /personnes/import?abandon=1"), "abandoned: %ld", r->status);
	CHECK_INT(confirm_page(&mgr, id2, "rows=3&households=2&known=3&twice=0&accept_known=1")->status, 404);
	CHECK_INT(post(&mgr, ab, body)->status, 404);
	CHECK_INT(found(&mgr, "ravaomanana"), 1);
	/* Uploaded again and imported knowingly: twice. */
	r = post_file(&mgr, "/personnes/import", "file", "foyers.csv", good, strlen(good));
	long long id3 = upload_id(r->body);
	r = confirm_page(&mgr, id3, "rows=3&households=2&known=3&twice=0&accept_known=1");
	CHECK_INT(r->status, 303);
	CHECK_INT(found(&mgr, "ravaomanana"), 2);

	/* A person twice in the file (in two households, say): said with its line, asked first, as for the known ones. */
	static const char twice[] = "foyer;nom;prenoms;date_naissance\nD1;Andrianjafy;Lova;1991-09-09\nD2;Andrianjafy;Haja;1990-01-01\n"
	                            "D2;ANDRIANJAFY;lova;09/09/1991\nD3;Andrianjafy;Lova;\n";
	r = post_file(&mgr, "/personnes/import", "file", "deux-fois.csv", twice, strlen(twice));
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "1 ligne du fichier porte une personne déjà sur une ligne au-dessus");
	CHECK_HAS(r->body, "ligne 4.");
	CHECK_HAS(r->body, "name=\"twice\" value=\"1\"");
	CHECK_HAS(r->body, "name=\"accept_known\"");
	long long idt = upload_id(r->body);
	CHECK_INT(confirm_page(&mgr, idt, "rows=4&households=3&known=0&twice=1")->status, 400);
	CHECK_INT(found(&mgr, "andrianjafy"), 0);
	CHECK_INT(confirm_page(&mgr, idt, "rows=4&households=3&known=0&twice=0&accept_known=1")->status, 409);
	r = confirm_page(&mgr, idt, "rows=4&households=3&known=0&twice=1&accept_known=1");
	CHECK_INT(r->status, 303);
	CHECK_INT(found(&mgr, "andrianjafy+lova"), 3);

	/* Four confirmations of one upload at once (a double click, two tabs): one import. */
	static const char once[] = "foyer;nom;prenoms;date_naissance\nC1;Rasoanaivo;Mialy;1985-05-05\nC1;Rasoanaivo;Tojo;2015-05-05\n";
	r = post_file(&mgr, "/personnes/import", "file", "une-fois.csv", once, strlen(once));
	long long idc = upload_id(r->body);
	enum { NC = 4 };
	char cpath[96];
	snprintf(cpath, sizeof cpath, "/personnes/import/%lld", idc);
	int other = 0, imported = posts_at_once(s, DEMO("responsable"), NC, cpath, "rows=2&households=1&known=0&twice=0", false, 303,
	                                        &other);
	CHECK(imported == 1 && other == NC - 1, "one confirmation imported, the others refused (%d imported, %d refused)", imported,
	      other);
	CHECK_INT(found(&mgr, "rasoanaivo"), 2);

	/* A refused file: its problems by line, the form again, nothing kept. */
	static const char bad[] = "foyer;nom;prenoms;date_naissance;Observations\n"
	                          "Q1;Tsiranana;Voahangy;1980-01-01;\n"
	                          "Q2;Tsiranana;Fara;31/02/1990;\n";
	r = post_file(&mgr, "/personnes/import", "file", "mauvais.csv", bad, strlen(bad));
	CHECK_INT(r->status, 422);
	CHECK_HAS(r->body, "« Observations »");
	CHECK_HAS(r->body, "Rien n’a été enregistré");
	CHECK_HAS(r->body, "type=\"file\"");
	CHECK(upload_id(r->body) == 0, "a refused file is not kept for a confirmation");
	static const char bad2[] = "foyer;nom;prenoms;date_naissance\n"
	                           "Q1;Tsiranana;Voahangy;1980-01-01\n"
	                           "Q2;Tsiranana;Fara;31/02/1990\n"
	                           "Q1;Tsiranana;Rado;2001-01-01\n";
	r = post_file(&mgr, "/personnes/import", "file", "mauvais.csv", bad2, strlen(bad2));
	CHECK_INT(r->status, 422);
	CHECK_HAS(r->body, "2 lignes ont un problème");
	CHECK_HAS(r->body, "Ligne 3 : date de naissance invalide");
	CHECK_HAS(r->body, "Ligne 4 : ce foyer a déjà des lignes plus haut");
	CHECK_INT(found(&mgr, "tsiranana"), 0);
	CHECK_INT(post_file(&mgr, "/personnes/import", "file", "vide.csv", "", 0)->status, 400);
	/* A header without rows, and files that are no spreadsheet: refused, saying what to do. */
	r = post_file(&mgr, "/personnes/import", "file", "entete.csv", "foyer;nom;prenoms\n", 18);
	CHECK_INT(r->status, 422);
	CHECK_HAS(r->body, "aucune personne sous sa ligne d’en-tête");
	r = post_file(&mgr, "/personnes/import", "file", "ancien.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10);
	CHECK_INT(r->status, 422);
	CHECK_HAS(r->body, "ancien format (.xls)");
	r = post_file(&mgr, "/personnes/import", "file", "photo.png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
	CHECK_INT(r->status, 422);
	CHECK_HAS(r->body, "pas un tableur lisible");

	T_GROUP("import of households by the API");
	static const char api[] = "foyer;nom;prenoms;date_naissance\nA1;Rakotoarisoa;Nivo;1975-07-14\nA1;Rakotoarisoa;Tiana;2010-02-03\n";
	r = post_file(&mgr, "/api/v1/persons/imports", "file", "api.csv", api, strlen(api));
	CHECK_INT(r->status, 201);
	j = json_loads(r->body, 0, NULL);
	long long aid = (long long)json_integer_value(json_object_get(j, "id"));
	CHECK_INT(json_integer_value(json_object_get(j, "rows")), 2);
	CHECK_INT(json_integer_value(json_object_get(j, "households")), 1);
	CHECK_INT(json_integer_value(json_object_get(j, "known")), 0);
	json_decref(j);
	char ap[96];
	snprintf(ap, sizeof ap, "/api/v1/persons/imports/%lld/confirm", aid);
	CHECK_INT(post_json(&mgr, ap, "{\"rows\":2}")->status, 400);
	CHECK_INT(post_json(&mgr, ap, "{\"rows\":2,\"households\":2,\"known\":0}")->status, 409);
	CHECK_INT(found(&mgr, "rakotoarisoa"), 0);
	r = post_json(&mgr, ap, "{\"rows\":2,\"households\":1,\"known\":0}");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"households\":1");
	CHECK_INT(found(&mgr, "rakotoarisoa"), 2);
	CHECK_INT(post_json(&mgr, ap, "{\"rows\":2,\"households\":1,\"known\":0}")->status, 404);
	/* Refused: 422 with each problem's line. */
	r = post_file(&mgr, "/api/v1/persons/imports", "file", "mauvais.csv", bad2, strlen(bad2));
	CHECK_INT(r->status, 422);
	j = json_loads(r->body, 0, NULL);
	CHECK_INT(json_integer_value(json_object_get(j, "refused")), 2);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(json_object_get(j, "errors"), 0), "line")), 3);
	json_decref(j);
	/* Known persons, then abandoned. */
	r = post_file(&mgr, "/api/v1/persons/imports", "file", "api.csv", api, strlen(api));
	j = json_loads(r->body, 0, NULL);
	aid = (long long)json_integer_value(json_object_get(j, "id"));
	CHECK_INT(json_integer_value(json_object_get(j, "known")), 2);
	CHECK_INT(json_array_size(json_object_get(j, "known_lines")), 2);
	CHECK_INT(json_integer_value(json_object_get(j, "twice")), 0);
	json_decref(j);
	snprintf(ap, sizeof ap, "/api/v1/persons/imports/%lld/confirm", aid);
	CHECK_INT(post_json(&mgr, ap, "{\"rows\":2,\"households\":1,\"known\":2}")->status, 400);
	char dp[96];
	snprintf(dp, sizeof dp, "/api/v1/persons/imports/%lld/abandon", aid);
	CHECK_INT(post_json(&mgr, dp, "{}")->status, 200);
	CHECK_INT(post_json(&mgr, dp, "{}")->status, 404); /* gone: nothing to abandon */
	CHECK_INT(post_json(&mgr, ap, "{\"rows\":2,\"households\":1,\"known\":2,\"accept_known\":true}")->status, 404);
	CHECK_INT(found(&mgr, "rakotoarisoa"), 2);
	cli_free(&desk);
	cli_free(&mgr);
}

static void test_subject_access(srv *s)
{
	T_GROUP("data-subject access (DPO)");
	cli soc, dpo;
	cli_init(&soc, s);
	cli_init(&dpo, s);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&dpo, DEMO("dpo"), DEMO_PW), 303);
	json_t *j = json_loads(get(&soc, "/api/v1/persons?q=queneherve+ysolde")->body, 0, NULL);
	json_t *hit = json_array_get(json_object_get(j, "results"), 0);
	long long pid = (long long)json_integer_value(json_object_get(hit, "person_id")),
	          hid = (long long)json_integer_value(json_object_get(hit, "household_id"));
	json_decref(j);
	CHECK(pid > 0, "the imported person is found");
	char path[96], body[256];
	snprintf(path, sizeof path, "/api/v1/contacts");
	snprintf(body, sizeof body, "{\"household_id\": %lld, \"channel\": \"visite\", \"motive_id\": 1, \"answer\": \"Orientée vers l’épicerie sociale\"}", hid);
	cli desk;
	cli_init(&desk, s);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	CHECK_INT(post_json(&desk, path, body)->status, 201);
	snprintf(path, sizeof path, "/foyers/%lld", hid);
	CHECK_INT(get(&soc, path)->status, 200); /* a reading the journal will list */
	{
		/* The DPO finds that reading by the file's number, in words. */
		snprintf(path, sizeof path, "/api/v1/households/%lld", hid);
		j = json_loads(get(&soc, path)->body, 0, NULL);
		char fno[32];
		snprintf(fno, sizeof fno, "%s", json_string_value(json_object_get(j, "file_no")) ? json_string_value(json_object_get(j, "file_no")) : "?");
		json_decref(j);
		snprintf(path, sizeof path, "/journal?object=%s", fno);
		resp *jr = get(&dpo, path);
		CHECK_INT(jr->status, 200);
		CHECK_HAS(jr->body, "<td>Karim Benali</td><td>consultation</td>");
		char want[96];
		snprintf(want, sizeof want, "foyer : dossier %s</td><td>par l’API</td>", fno); /* the DPO does not open files: no link */
		CHECK_HAS(jr->body, want);
		CHECK_LACKS(jr->body, "<td>read</td>");
		CHECK_HAS(jr->body, "<optgroup label=\""); /* agents by service */
		jr = get(&dpo, "/journal?object=ZZ-nulle-part");
		CHECK_INT(jr->status, 400);
		CHECK_HAS(jr->body, "Fiche inconnue");
		CHECK_HAS(jr->body, "value=\"ZZ-nulle-part\""); /* what was typed stays */
		CHECK_HAS(get(&dpo, "/journal?kind=user")->body, "rôle : ");
		CHECK_LACKS(get(&dpo, "/journal?kind=user")->body, "travailleur_social");
	}
	resp *r = get(&dpo, "/droits?q=queneherve");
	CHECK_INT(r->status, 200);
	snprintf(path, sizeof path, "/personnes/%lld/donnees.pdf", pid);
	CHECK_HAS(r->body, path);
	snprintf(path, sizeof path, "/personnes/%lld/donnees.json", pid);
	r = get(&dpo, path);
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"first_names\":\"Ysolde\"");
	CHECK_HAS(r->body, "rue des Lilas");
	CHECK_HAS(r->body, "Orientée vers l’épicerie sociale"); /* reception's part */
	CHECK_HAS(r->body, "\"accesses\"");
	CHECK_HAS(r->body, "Karim Benali"); /* the social worker's reading, by name */
	CHECK_INT(get(&soc, path)->status, 403); /* only the DPO and managers */
	snprintf(path, sizeof path, "/personnes/%lld/donnees.pdf", pid);
	char *t = pdf_text(get(&dpo, path));
	CHECK_HAS(t, "Données détenues sur Ysolde");
	CHECK_HAS(t, "Contacts avec le CCAS");
	CHECK_HAS(t, "Consultations du dossier");
	/* Read by the person: labels and French values, no field codes. */
	CHECK_LACKS(t, "created_at");
	CHECK_LACKS(t, "consent_sms");
	CHECK_LACKS(t, "_cents");
	CHECK_LACKS(t, "first_names :");
	free(t);
	CHECK_INT(get(&dpo, "/personnes/999999/donnees.json")->status, 404);

	T_GROUP("erasure on request, where the law allows");
	j = json_loads(get(&soc, "/api/v1/persons?q=zebulon")->body, 0, NULL);
	long long zid = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "person_id"));
	json_decref(j);
	CHECK(zid > 0, "the person to erase");
	snprintf(path, sizeof path, "/personnes/%lld/effacer", zid);
	snprintf(body, sizeof body, "_csrf=%s", soc.csrf);
	CHECK_INT(post(&soc, path, body)->status, 403); /* the DPO's (or a manager's) decision */
	snprintf(body, sizeof body, "_csrf=%s", dpo.csrf);
	CHECK_INT(post(&dpo, path, body)->status, 303);
	CHECK_LACKS(get(&soc, "/api/v1/persons?q=zebulon")->body, "Zébulon");
	r = post(&dpo, path, body); /* a second time: said, not an error */
	CHECK_INT(r->status, 303);
	CHECK_HAS(r->headers, "efface=deja");
	j = json_loads(get(&desk, "/api/v1/domiciliations?status=active")->body, 0, NULL);
	long long dpid = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "domiciliations"), 0), "person_id"));
	json_decref(j);
	CHECK(dpid > 0, "a person with a domiciliation in progress");
	{
		snprintf(path, sizeof path, "/personnes/%lld/effacer", dpid);
		r = post(&dpo, path, body);
		CHECK_INT(r->status, 409); /* a domiciliation in progress: kept while the mission lasts */
		CHECK_HAS(r->body, "encore suivi");
	}
	r = get(&dpo, "/api/v1/journal?kind=person");
	CHECK_HAS(r->body, "subject access");

	T_GROUP("signals: an agent reading far more files than usual");
	CHECK_LACKS(get(&dpo, "/api/v1/journal/signals")->body, "ces 7 derniers jours");
	for (int i = 1; i <= 40; i++) {
		snprintf(path, sizeof path, "/foyers/%d", i);
		get(&soc, path);
	}
	r = get(&dpo, "/api/v1/journal/signals");
	CHECK_HAS(r->body, "Karim Benali");
	CHECK_HAS(r->body, "dossiers lus ces 7 derniers jours");
	CHECK_HAS(get(&dpo, "/journal")->body, "Signaux à examiner");
	cli_free(&desk);
	cli_free(&soc);
	cli_free(&dpo);
}

/* Retention applied: `openccas purge` archives then anonymises what is past
 * its durations, keeps what a module still works on, keeps the amounts,
 * and does nothing the second time. Runs last: it empties the files. */
static void test_retention(srv *s)
{
	T_GROUP("retention: purge --dry-run, --apply, idempotent");
	cli mgr;
	cli_init(&mgr, s);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	json_t *j = json_loads(get(&mgr, "/api/v1/domiciliations?status=active")->body, 0, NULL);
	long long did = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "domiciliations"), 0), "id"));
	json_decref(j);
	char dpath[64];
	snprintf(dpath, sizeof dpath, "/api/v1/domiciliations/%lld", did);
	j = json_loads(get(&mgr, dpath)->body, 0, NULL);
	long long held = (long long)json_integer_value(json_object_get(j, "household_id"));
	json_decref(j);
	CHECK(held > 0, "a household with an active domiciliation");
	const char *budget = "/api/v1/aid/budget?annee=2025";
	char *before = strdup(get(&mgr, budget)->body);
	char out[4096];
	const char *dry[] = {bin_path(), "purge", "--dry-run", "--db", fresh_url, "--date", "2045-01-01", NULL};
	CHECK_INT(run_cmd(dry, 1), 0);
	CHECK(get(&mgr, "/api/v1/persons?q=queneherve")->body[0] && strstr(get(&mgr, "/api/v1/persons?q=queneherve")->body, "Ysolde"),
	      "a dry run changes nothing");
	/* A long archive first: files are archived, not yet anonymised. */
	cli dpo, soc;
	cli_init(&dpo, s);
	cli_init(&soc, s);
	CHECK_INT(login(&dpo, DEMO("dpo"), DEMO_PW), 303);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	char body[256];
	snprintf(body, sizeof body, "_csrf=%s&active=1&archive=30&journal=3", dpo.csrf);
	CHECK_INT(post(&dpo, "/admin/conservation", body)->status, 303);
	/* A spreadsheet uploaded for an import and left there: gone with the purge. */
	static const char sheet[] = "foyer;nom;prenoms\nZ1;Oublié;Fichier\n";
	j = json_loads(post_file(&mgr, "/api/v1/persons/imports", "file", "oublie.csv", sheet, strlen(sheet))->body, 0, NULL);
	char left[96];
	snprintf(left, sizeof left, "/api/v1/persons/imports/%lld/confirm", (long long)json_integer_value(json_object_get(j, "id")));
	json_decref(j);
	const char *apply[] = {bin_path(), "purge", "--apply", "--db", fresh_url, "--date", "2045-01-01", NULL};
	CHECK_INT(run_output(apply, out, sizeof out), 0);
	CHECK_HAS(out, "1 fichier(s) déposé(s) pour un import et jamais confirmé(s) depuis plus d’un jour effacé(s)");
	CHECK_INT(post_json(&mgr, left, "{\"rows\":1,\"households\":1,\"known\":0}")->status, 404);
	CHECK_LACKS(get(&soc, "/api/v1/persons?q=queneherve+ysolde")->body, "Ysolde"); /* archived: out of agents' search */
	resp *ra = get(&mgr, "/api/v1/persons?q=queneherve+ysolde");
	CHECK_HAS(ra->body, "Ysolde");                                                   /* a manager still finds it */
	CHECK_HAS(ra->body, "\"archived\":true");
	json_t *aj = json_loads(ra->body, 0, NULL);
	long long ahid = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(aj, "results"), 0), "household_id"));
	json_decref(aj);
	char apath[64];
	snprintf(apath, sizeof apath, "/foyers/%lld", ahid);
	CHECK_INT(get(&soc, apath)->status, 403);
	CHECK_HAS(soc.last.body, "archive intermédiaire");
	CHECK_INT(get(&mgr, apath)->status, 200);
	snprintf(body, sizeof body, "_csrf=%s&active=2&archive=3&journal=1", dpo.csrf);
	CHECK_INT(post(&dpo, "/admin/conservation", body)->status, 303);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "%s purge --apply --db '%s' --date 2045-01-01", bin_path(), fresh_url);
	FILE *p = popen(cmd, "r");
	size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
	out[n] = 0;
	CHECK_INT(p ? pclose(p) : -1, 0);
	CHECK_HAS(out, "anonymisé(s)");
	CHECK_LACKS(get(&mgr, "/api/v1/persons?q=queneherve")->body, "Ysolde"); /* the names are gone, search keys too */
	char path[64];
	snprintf(path, sizeof path, "/api/v1/households/%lld", held);
	CHECK_LACKS(get(&mgr, path)->body, "\"last_name\":\"Anonyme\""); /* held by its domiciliation */
	CHECK_HAS(get(&mgr, "/api/v1/households/2")->body, "Anonyme");
	CHECK_STR(get(&mgr, budget)->body, before); /* the amounts of aid stay */
	free(before);
	p = popen(cmd, "r");
	n = p ? fread(out, 1, sizeof out - 1, p) : 0;
	out[n] = 0;
	CHECK_INT(p ? pclose(p) : -1, 0);
	CHECK_HAS(out, "fait : 0 archivé(s), 0 anonymisé(s)"); /* nothing the second time */
	CHECK_HAS(out, "entrée(s) du journal retirée(s)");
	const char *verify[] = {bin_path(), "journal", "verify", "--db", fresh_url, NULL};
	CHECK_INT(run_cmd(verify, 1), 0);
	resp *r = get(&dpo, "/admin/conservation");
	CHECK_HAS(r->body, "À archiver maintenant");
	snprintf(body, sizeof body, "_csrf=%s&active=2&archive=3&journal=7", dpo.csrf);
	r = post(&dpo, "/admin/conservation", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "de 1 à 3 ans");
	snprintf(body, sizeof body, "_csrf=%s&active=3&archive=2&journal=2", dpo.csrf);
	CHECK_INT(post(&dpo, "/admin/conservation", body)->status, 303);
	CHECK_HAS(get(&dpo, "/admin/conservation")->body, "reste <strong>actif</strong> 3 an(s)");
	/* The public privacy notice follows the structure's settings. */
	cli anon;
	cli_init(&anon, s);
	r = get(&anon, "/confidentialite");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "CCAS de Port-Rivière");
	CHECK_HAS(r->body, "reste actif 3 an(s) après le dernier contact");
	CHECK_HAS(r->body, "conservé 2 an(s)");
	cli_free(&anon);
	cli_free(&soc);
	cli_free(&dpo);
	cli_free(&mgr);
}

/* A server's index in memory is built (in the background): its line in the log, waited for (a condition,
 * bounded). */
static bool index_built(srv *s)
{
	for (int i = 0; i < 1000; i++) {
		if (strstr(file_text(s->log), "search index of structure"))
			return true;
		usleep(10000);
	}
	return false;
}

/* The statements of the last response (-1 without the header: the server logs below debug). */
static int statements(resp *r)
{
	const char *p = r->headers ? strcasestr(r->headers, "Server-Timing: db;desc=\"statements=") : NULL;
	return p ? (int)strtol(p + strlen("Server-Timing: db;desc=\"statements="), NULL, 10) : -1;
}

/* The first result's household of a search. */
static long long first_household(cli *k, const char *path)
{
	json_t *j = json_loads(get(k, path)->body, 0, NULL);
	long long h = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "household_id"));
	json_decref(j);
	return h;
}

/* Until the two servers answer the same (bounded: a visit's mark is written by the journal's writer a few
 * milliseconds after the read, another server's visits reach the index within a second or two). */
static bool same_answers(cli *ka, cli *kc, const char *const *paths, int n)
{
	for (int round = 0; round < 500; round++) {
		bool same = true;
		for (int i = 0; i < n && same; i++) {
			char *one = strdup(get(ka, paths[i])->body);
			same = one && strstr(one, "person_id") && !strcmp(one, get(kc, paths[i])->body);
			free(one);
		}
		if (same)
			return true;
		usleep(10000);
	}
	return false;
}

/* Household hid opened by kv in a later second than the last visits (kept to the second), then the first
 * household of search q as k sees it, asked again until it is hid (the mark follows the read; another server's
 * visits are read within a second or two), five seconds at most. */
static long long visit_then_first(cli *kv, cli *k, long long hid, const char *q)
{
	for (time_t t = time(NULL); time(NULL) <= t;)
		usleep(10000);
	char path[128];
	snprintf(path, sizeof path, "/api/v1/households/%lld", hid);
	CHECK_INT(get(kv, path)->status, 200);
	long long first = 0;
	for (int i = 0; i < 500 && (first = first_household(k, q)) != hid; i++)
		usleep(10000);
	return first;
}

/* The index in memory ranks the candidates (their names, memberships and households' last visits), so the
 * search reads only the persons it shows: the same answer as a server without the index (which reads every
 * candidate), in fewer statements — after visits here and on the other server, a member's departure and a
 * merge. */
static void test_index_ranks(void)
{
	T_GROUP("search index in memory: the ranking, as the database's");
	srv a, c;
	setenv("OPENCCAS_LOG", "debug", 1); /* the servers say their statements (Server-Timing) */
	int up = srv_start_on(&a, fresh_url);
	setenv("OPENCCAS_SEARCH_INDEX", "0", 1);
	up = up && srv_start_on(&c, fresh_url);
	unsetenv("OPENCCAS_SEARCH_INDEX");
	unsetenv("OPENCCAS_LOG");
	if (!up) {
		CHECK(0, "the two servers started");
		return;
	}
	CHECK(index_built(&a), "the first server built its index");
	cli ka, kc;
	cli_init(&ka, &a);
	cli_init(&kc, &c);
	CHECK_INT(login(&ka, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&kc, DEMO("responsable"), DEMO_PW), 303);
	/* 120 persons of one name: the database reads them fifty at a time to rank them. Between them, persons of
	 * another structure (of the same name): numbers this structure's index does not hold — holes in its table. */
	cli kb, kbb;
	cli_init(&kb, &a);
	cli_init(&kbb, &a);
	CHECK_INT(login(&kb, "admin@hauts-de-riviere.demo.openccas.fr", DEMO_PW), 303);
	char form[300];
	snprintf(form, sizeof form, "_csrf=%s&display_name=Agent+B&email=agent-ix%%40b.fr&role=travailleur_social&password=mot-de-passe-long-b",
	         kb.csrf);
	CHECK_INT(post(&kb, "/admin/utilisateurs", form)->status, 303);
	CHECK_INT(login(&kbb, "agent-ix@b.fr", "mot-de-passe-long-b"), 303);
	enum { N = 120 };
	long long hh[N];
	for (int i = 0; i < N; i++) {
		char body[160];
		snprintf(body, sizeof body, "{\"last_name\":\"Zorglubine\",\"first_names\":\"Z%03d\",\"confirm_duplicate\":true}", i);
		hh[i] = create(&ka, body);
		if (i % 8 == 3)
			create(&kbb, body);
	}
	cli_free(&kb);
	cli_free(&kbb);
	static const char *const q[] = {"/api/v1/persons?q=zorglubine", "/api/v1/persons?q=zorglubine+z01",
	                                "/api/v1/persons?q=zorglubin", "/api/v1/persons?q=zorglu", "/api/v1/persons?q=zorglubime+z1"};
	enum { NQ = sizeof q / sizeof *q };
	CHECK(same_answers(&ka, &kc, q, NQ), "the same answers with the index and without");
	/* The visits of other servers are read at most once a second (read_tail): a search may add that statement
	 * when a second has turned; the fewest of three is the search's own. */
	resp *r = NULL;
	int sa = -1;
	for (int i = 0; i < 3; i++) {
		r = get(&ka, q[0]);
		int s = statements(r);
		if (sa < 0 || s < sa)
			sa = s;
	}
	r = get(&kc, q[0]);
	int sc = statements(r);
	CHECK(sa > 0 && sa + 2 <= sc, "ranked in memory, the search reads the persons shown only: %d statements, %d without", sa, sc);
	/* Nothing written since the index read its feed: the session's statement says so (the feed's head, read with
	 * it), and the search asks the database only for the persons it shows — two statements in all. */
	CHECK(sa == 2, "the session, then the persons shown: %d statements", sa);
	/* A visit here, in a later second than the creations: that household first, at once or nearly (the mark
	 * follows the read). */
	long long first = visit_then_first(&ka, &ka, hh[37], q[0]);
	char path[128];
	CHECK(first == hh[37], "the household seen here comes first (%lld, %lld)", first, hh[37]);
	CHECK(same_answers(&ka, &kc, q, NQ), "the same answers after a visit here");
	/* A visit on the other server, in a later second (visits are kept to the second; in the same one, the names
	 * decide): read from the database here within a second or two. */
	first = visit_then_first(&kc, &ka, hh[80], q[0]);
	CHECK(first == hh[80], "the household seen on the other server comes first here (%lld, %lld)", first, hh[80]);
	CHECK(same_answers(&ka, &kc, q, NQ), "the same answers after a visit there");
	/* A member who leaves comes after the members; a merged household's persons rank with the kept one. */
	snprintf(path, sizeof path, "/api/v1/households/%lld/members", hh[80]);
	r = post_json(&ka, path, "{\"last_name\":\"Zorglubine\",\"first_names\":\"Zoulie\",\"relation\":\"enfant\"}");
	CHECK_INT(r->status, 201);
	long long pid = jint(r->body, "person_id");
	CHECK(same_answers(&ka, &kc, q, NQ), "the same answers after a new member");
	snprintf(path, sizeof path, "/api/v1/households/%lld/members/%lld/leave", hh[80], pid);
	CHECK_INT(post_json(&ka, path, "{\"date\":\"2026-01-15\"}")->status, 200);
	CHECK(same_answers(&ka, &kc, q, NQ), "the same answers after a departure");
	char body[96];
	snprintf(body, sizeof body, "{\"merge_household_id\":%lld}", hh[3]);
	snprintf(path, sizeof path, "/api/v1/households/%lld/merge", hh[37]);
	CHECK_INT(post_json(&ka, path, body)->status, 200);
	CHECK(same_answers(&ka, &kc, q, NQ), "the same answers after a merge");
	/* A server started now reads them all into its base, whose lists are stored as gaps in blocks: several words
	 * whole intersect them (the shortest read along, the others sought in, whole blocks skipped) — with the
	 * demo's common first names (thousands, many blocks), a person having both, and words nobody has together. */
	CHECK(create(&ka, "{\"last_name\":\"Zorglubine\",\"first_names\":\"Marie Jean\",\"confirm_duplicate\":true}") > 0,
	      "a Zorglubine named Marie Jean");
	srv d;
	setenv("OPENCCAS_LOG", "debug", 1);
	up = srv_start_on(&d, fresh_url);
	unsetenv("OPENCCAS_LOG");
	if (up) {
		CHECK(index_built(&d), "a third server built its index");
		cli kd;
		cli_init(&kd, &d);
		CHECK_INT(login(&kd, DEMO("responsable"), DEMO_PW), 303);
		static const char *const q2[] = {"/api/v1/persons?q=zorglubine+marie", "/api/v1/persons?q=jean+zorglubine",
		                                 "/api/v1/persons?q=marie+jean", "/api/v1/persons?q=zorglubine+z070",
		                                 "/api/v1/persons?q=z119+zorglubine", "/api/v1/persons?q=zorglubine+marie+jean"};
		CHECK(same_answers(&kd, &kc, q2, sizeof q2 / sizeof *q2), "the same answers from a base read whole");
		CHECK_HAS(get(&kd, q2[0])->body, "\"first_names\":\"Marie Jean\"");
		/* and answered from memory (a ranking the database contradicts is thrown away, at the cost of reading every
		 * candidate: the answer would still be right) */
		for (size_t i = 0; i < sizeof q2 / sizeof *q2; i++) {
			int sd = statements(get(&kd, q2[i])), sn = statements(get(&kc, q2[i]));
			CHECK(sd > 0 && sd <= sn, "%s: ranked in memory, %d statements (%d without the index)", q2[i], sd, sn);
		}
		/* A visit to a household of its base (found there by number, not in the hash of those met since): first. */
		first = visit_then_first(&kd, &kd, hh[20], q[0]);
		CHECK(first == hh[20], "a household of the base seen here comes first (%lld, %lld)", first, hh[20]);
		CHECK(same_answers(&kd, &kc, q, NQ), "the same answers after a visit to a household of the base");
		int sd = statements(get(&kd, q[0])), sn = statements(get(&kc, q[0]));
		CHECK(sd > 0 && sd + 2 <= sn, "and ranked in memory: %d statements, %d without the index", sd, sn);
		cli_free(&kd);
		CHECK_INT(srv_stop(&d), 0);
	} else {
		CHECK(0, "a third server started");
	}
	cli_free(&ka);
	cli_free(&kc);
	CHECK_INT(srv_stop(&a), 0);
	CHECK_INT(srv_stop(&c), 0);
}

/* The search keys in memory, kept current by the change feed: a second
 * server on the same database (two nodes of one PostgreSQL, or two
 * processes on one SQLite file) finds at its next search a person the
 * first one created or renamed. */
static void test_index_two_nodes(srv *s)
{
	T_GROUP("search index in memory: two servers on one database");
	srv b;
	setenv("OPENCCAS_INDEX_PAGE", "7", 1); /* the second reads its keys seven at a time: many pages */
	int up = srv_start_on(&b, fresh_url);
	unsetenv("OPENCCAS_INDEX_PAGE");
	if (!up) {
		CHECK(0, "second server did not start");
		return;
	}
	cli ka, kb;
	cli_init(&ka, s);
	cli_init(&kb, &b);
	CHECK_INT(login(&ka, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&kb, DEMO("social"), DEMO_PW), 303);
	/* The second server's index is built in the background: wait for its line. */
	CHECK(index_built(&b), "the second server built its index");
	/* Read in pages of seven, the index answers as the first server's (read at once) does. */
	static const char *const same[] = {"/api/v1/persons?q=vincent", "/api/v1/persons?q=jean", "/api/v1/persons?q=girar",
	                                   "/api/v1/persons?q=dubal", "/api/v1/persons?q=michel+techer"};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		char *one = strdup(get(&ka, same[i])->body);
		CHECK(one && strstr(one, "person_id") && !strcmp(one, get(&kb, same[i])->body), "%s: the same answer on both servers", same[i]);
		free(one);
	}
	/* Created on the first server, found on the second at once, also with a typo. */
	resp *r;
	json_t *j;
	int64_t hid = create(&ka, "{\"last_name\":\"Quibbleton\",\"first_names\":\"Xandrelle\",\"sex\":\"F\",\"birth_date\":\"1977-07-07\"}");
	CHECK(hid > 0, "created on A");
	CHECK_HAS(get(&kb, "/api/v1/persons?q=quibbleton")->body, "Xandrelle");
	CHECK_HAS(get(&kb, "/api/v1/persons?q=quiblleton")->body, "Xandrelle"); /* one letter swapped */
	CHECK_HAS(get(&kb, "/api/v1/persons?q=xandrel")->body, "Quibbleton"); /* a prefix */
	r = get(&ka, "/api/v1/persons?q=quibbleton");
	j = json_loads(r->body, 0, NULL);
	long long qp = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "person_id"));
	json_decref(j);
	/* Renamed on the second: the first finds the new name, not the old one. */
	char path[64];
	snprintf(path, sizeof path, "/api/v1/persons/%lld", qp);
	CHECK_INT(post_json(&kb, path, "{\"last_name\":\"Vrombaud\",\"first_names\":\"Xandrelle\",\"sex\":\"F\","
	                               "\"birth_date\":\"1977-07-07\",\"version\":1}")->status, 200);
	CHECK_HAS(get(&ka, "/api/v1/persons?q=vrombaud")->body, "Xandrelle");
	CHECK_LACKS(get(&ka, "/api/v1/persons?q=quibbleton")->body, "Xandrelle");
	/* A name as long as the form allows, 420 keys: the other server reads them all from the feed (it kept 256, and
	 * the last in order — « zuvo » — was not found there). */
	CHECK_INT(post_json(&ka, "/api/v1/households",
	                    "{\"last_name\":\"Vafi Toge Bado Mika Mori Vimo Vuki Reba Sopa Fitu Dati Dute Vori Deno Sibo Rupo Pibo Ropu "
	                    "Delu Dela\",\"birth_name\":\"Veni Fude Pitu Leda Kusi Nebi Guni Nima Nila Fida Kato Bafi Kudo Reto Pubo Sapi "
	                    "Puse Nida Deki Pima\",\"first_names\":\"Nati Biro Nuki Bemo Gefo Pafe Bale Rinu Duvo Kube Fugi Fabo Mipo Dane "
	                    "Kude Buva Vegi Lero Remi Pefu Resa Fera Reva Fuma Rima Galo Lake Dupo Bite Zuvo\",\"confirm_duplicate\":true}")
	              ->status, 201);
	CHECK_HAS(get(&kb, "/api/v1/persons?q=zuvo")->body, "Vafi Toge");
	CHECK_HAS(get(&kb, "/api/v1/persons?q=zuvo+vafi")->body, "Vafi Toge");
	CHECK_HAS(get(&kb, "/api/v1/persons?q=zuvi")->body, "Vafi Toge"); /* one letter changed */
	CHECK_INT(srv_stop(&b), 0);
	/* A name carried by more persons than the search looks at: the answer says it is incomplete, never silently. */
	CHECK_HAS(get(&ka, "/api/v1/persons?q=girard")->body, "\"incomplete\":false");
	for (int i = 0; i < 302; i++) {
		char body[200];
		snprintf(body, sizeof body, "{\"last_name\":\"Ombrelune\",\"first_names\":\"P%03d\",\"confirm_duplicate\":true}", i);
		if (post_json(&ka, "/api/v1/households", body)->status != 201) {
			CHECK(0, "household %d created", i);
			break;
		}
	}
	resp *cr = get(&ka, "/api/v1/persons?q=ombrelune");
	CHECK_HAS(cr->body, "\"incomplete\":true");
	CHECK_HAS(cr->body, "Ombrelune");
	CHECK_LACKS(get(&ka, "/api/v1/persons?q=ombrelune+p007")->body, "\"incomplete\":false"); /* the driver word is still the common one */
	/* But every person having each word whole is found, however many carry the common one: the 302nd Ombrelune,
	 * past the 200 (300 by prefix) the look-ups examine, by her full name, both ways round and in the page the agent
	 * uses. */
	CHECK_HAS(get(&ka, "/api/v1/persons?q=ombrelune+p301")->body, "\"first_names\":\"P301\"");
	CHECK_HAS(get(&ka, "/api/v1/persons?q=p301+ombrelune")->body, "\"first_names\":\"P301\"");
	{
		cli kr;
		cli_init(&kr, s);
		CHECK_INT(login(&kr, DEMO("accueil"), DEMO_PW), 303);
		CHECK_HAS(get(&kr, "/personnes?q=Ombrelune+P301")->body, "</td><td>P301</td>"); /* a row, not the query typed */
		cli_free(&kr);
	}
	/* The duplicate check of a new person named like 302 others, without a birth date: it cannot say « none ». */
	resp *dr = post_json(&ka, "/api/v1/households", "{\"last_name\":\"Ombrelune\",\"first_names\":\"Zoé\"}");
	CHECK_INT(dr->status, 409);
	CHECK_HAS(dr->body, "\"incomplete\":true");
	CHECK_HAS(dr->body, "n’en a examiné qu’une partie");
	/* With a birth date no one else has, the date is looked at whole: the check is complete. */
	dr = post_json(&ka, "/api/v1/households", "{\"last_name\":\"Ombrelune\",\"first_names\":\"Zoé\",\"birth_date\":\"1931-02-03\"}");
	CHECK(dr->status == 201 || strstr(dr->body, "\"incomplete\":false"), "a birth date checked whole (%ld: %.200s)", dr->status, dr->body);
	{
		cli kp;
		cli_init(&kp, s);
		CHECK_INT(login(&kp, DEMO("social"), DEMO_PW), 303);
		char fb[256];
		snprintf(fb, sizeof fb, "_csrf=%s&last_name=Ombrelune&first_names=Yvonne", kp.csrf);
		dr = post(&kp, "/foyers", fb);
		CHECK_INT(dr->status, 409);
		CHECK_HAS(dr->body, "la recherche de doublons n’en a examiné qu’une partie");
		CHECK_HAS(dr->body, "name=\"confirm_duplicate\"");
		CHECK_HAS(dr->body, "value=\"Yvonne\""); /* what was typed is kept */
		cli_free(&kp);
	}
	/* A name of many long words has all its keys (past 128, the last words' were dropped): found by its last
	 * word, exactly and with a letter missing. */
	CHECK_INT(post_json(&ka, "/api/v1/households", "{\"last_name\":\"Wolkenstein Brauneberger Hochstetterin Kaltenbrunner\","
	                                                "\"first_names\":\"Maximilienne Bartholomaea Konstantina Friederika Wilhelmineke "
	                                                "Ottolinette Zephyrinette\",\"confirm_duplicate\":true}")->status, 201);
	CHECK_HAS(get(&ka, "/api/v1/persons?q=zephyrinette")->body, "Wolkenstein");
	CHECK_HAS(get(&ka, "/api/v1/persons?q=zephyrinete")->body, "Wolkenstein");
	CHECK_HAS(get(&ka, "/api/v1/persons?q=kaltenbruner+zephyrinette")->body, "Wolkenstein");
	cli k2;
	cli_init(&k2, s);
	CHECK_INT(login(&k2, DEMO("social"), DEMO_PW), 303);
	CHECK_HAS(get(&k2, "/personnes?q=ombrelune")->body, "Beaucoup de personnes correspondent");
	/* The DPO's search for a subject access says it too, and that it shows the 25 closest. */
	{
		cli kd;
		cli_init(&kd, s);
		CHECK_INT(login(&kd, DEMO("dpo"), DEMO_PW), 303);
		resp *rd = get(&kd, "/droits?q=ombrelune");
		CHECK_INT(rd->status, 200);
		CHECK_HAS(rd->body, "une partie seulement a été examinée");
		CHECK_HAS(rd->body, "Les 25 plus proches sont montrées");
		CHECK_HAS(rd->body, "<td>non renseignée</td>");
		CHECK_LACKS(get(&kd, "/droits?q=wolkenstein")->body, "Les 25 plus proches");
		cli_free(&kd);
	}
	/* Their birth date and address were not given: the results say so, not a blank cell. */
	CHECK_HAS(get(&k2, "/personnes?q=ombrelune+p007")->body, "<td><span class=\"muted\">non renseignée</span></td><td>");
	cli_free(&k2);
	cli_free(&ka);
	cli_free(&kb);
	/* A third server reads them all at its start: the index's own lists are intersected (above they were all
	 * added since the start), and a person renamed since is found by her new name only. */
	srv c;
	if (!srv_start_on(&c, fresh_url)) {
		CHECK(0, "third server did not start");
		return;
	}
	cli kc;
	cli_init(&kc, &c);
	CHECK_INT(login(&kc, DEMO("social"), DEMO_PW), 303);
	CHECK(index_built(&c), "the third server built its index");
	CHECK_HAS(get(&kc, "/api/v1/persons?q=ombrelune+p301")->body, "\"first_names\":\"P301\"");
	CHECK_HAS(get(&kc, "/api/v1/persons?q=p250+ombrelune")->body, "\"first_names\":\"P250\"");
	j = json_loads(get(&kc, "/api/v1/persons?q=ombrelune+p280")->body, 0, NULL);
	long long rp = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "person_id"));
	json_decref(j);
	CHECK(rp > 0, "P280 found");
	snprintf(path, sizeof path, "/api/v1/persons/%lld", rp);
	CHECK_INT(post_json(&kc, path, "{\"last_name\":\"Ombrelune\",\"first_names\":\"Zéphyrin\",\"version\":1}")->status, 200);
	CHECK_HAS(get(&kc, "/api/v1/persons?q=ombrelune+zephyrin")->body, "\"first_names\":\"Zéphyrin\"");
	CHECK_LACKS(get(&kc, "/api/v1/persons?q=ombrelune+p280")->body, "\"first_names\":\"P280\"");
	CHECK_LACKS(get(&kc, "/api/v1/persons?q=ombrelune+p280")->body, "Zéphyrin");
	cli_free(&kc);
	CHECK_INT(srv_stop(&c), 0);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	setenv("TZ", "Indian/Reunion", 1); /* the demo structure's zone: « yesterday » there */
	tzset();
	srv s;
	if (!srv_start(&s, "persons")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	test_control_characters(&s);
	test_birth_dates(&s);
	test_search(&s);
	test_duplicates_merge(&s);
	test_notes(&s);
	test_documents(&s);
	test_isolation(&s);
	test_reception(&s);
	test_rules(&s);
	test_nir(&s);
	test_index_two_nodes(&s);
	test_index_ranks();
	test_import(&s);
	test_import_fresh();
	test_import_page(&s);
	test_subject_access(&s);
	test_retention(&s);
	test_words(&s);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	curl_global_cleanup();
	return T_DONE();
}
