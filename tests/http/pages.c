/* HTTP tests of the statements a page runs (issue 20, item 5): the
 * household's page as the manager, who sees every module's section, reads
 * the household and its members at once and each section in one statement
 * — whatever the household holds (a domiciliation, eleven contacts,
 * fifty-one notes, seven food decisions, a remote alarm and meals). The server says its statements in a
 * Server-Timing header at the debug level. The lists that stop short still
 * say how many there are. */
#define T_NAME "http-pages"
#include "http/h.h"
#include <jansson.h>

static json_t *J(resp *r) { return json_loads(r->body, 0, NULL); }
static int64_t geti(json_t *j, const char *k) { return json_integer_value(json_object_get(j, k)); }

/* The statements of the last response (-1 without the header). */
static int statements(resp *r)
{
	const char *p = r->headers ? strcasestr(r->headers, "Server-Timing: db;desc=\"statements=") : NULL;
	return p ? (int)strtol(p + strlen("Server-Timing: db;desc=\"statements="), NULL, 10) : -1;
}

/* The bound: the household and its members, with whether each part holds anything (1); alerts, notes, timeline,
 * budget, referents, notices, former addresses, documents (one each); the structure's agents (the forms' lists,
 * once); the contacts with the contact form's lists (1), appointments; one per other module's section (seven),
 * the register's entries; the session, which says too whether the reader is one of the register's named agents
 * (its user_fact): 21. The contacts' and the notes' counts are read only when their lists are full (two more). A
 * part that holds nothing is not read: an empty household's page is the session, the household with its parts'
 * answers, the contacts and their form, the agents, the timeline, the budget: 6 (22 before the parts were asked
 * with the household and the register's reader with the session). */
enum { HOUSEHOLD_PAGE_MAX = 21, HOUSEHOLD_EMPTY_MAX = 6 };
/* The home page as the manager: the session; the register's reader check, its counts and its campaign; the
 * appointments; the quick contact's lists and the agents; aid (its counts, the emergencies and the next session,
 * one statement); legal aid; housing (its setting, its counts); micro-credit; food (its settings, its counts);
 * home services; domiciliation (its two sums, one statement); the documents expiring: 18. */
enum { HOME_PAGE_MAX = 18 };
/* A work list: the session, the register's readers, the list (and its count), its persons and their file
 * numbers fifty at a time, the module's settings. */
enum { LIST_PAGE_MAX = 12 };

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	srv s;
	const char *url = fresh_db("pages");
	const char *demo[] = {bin_path(), "demo", "--db", url, "--households", "400", NULL};
	CHECK_INT(run_cmd(demo, 1), 0);
	setenv("OPENCCAS_LOG", "debug", 1); /* the server only */
	if (!srv_start_on(&s, url)) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli mgr;
	cli_init(&mgr, &s);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);

	T_GROUP("the home page: a statement or two a widget");
	resp *h = get(&mgr, "/");
	CHECK_INT(h->status, 200);
	CHECK(statements(h) > 0 && statements(h) <= HOME_PAGE_MAX, "the manager's home page: %d statements", statements(h));
	CHECK_HAS(h->body, "<h2 id=\"t-ha\">Aides facultatives</h2>");
	CHECK_HAS(h->body, "sans contact depuis plus de 3 mois</a>");

	T_GROUP("a new household: the page and its statements");
	json_t *j = J(post_json(&mgr, "/api/v1/households",
	                        "{\"last_name\":\"Statementi\",\"first_names\":\"Paule\",\"confirm_duplicate\":true}"));
	int64_t hid = geti(j, "household_id"), pid = geti(j, "person_id");
	json_decref(j);
	CHECK(hid > 0 && pid > 0, "household created");
	char path[96], body[256];
	snprintf(path, sizeof path, "/foyers/%lld", (long long)hid);
	resp *r = get(&mgr, path);
	CHECK_INT(r->status, 200);
	int n0 = statements(r);
	CHECK(n0 > 0, "the debug level says the statements (Server-Timing)");
	CHECK(n0 <= HOUSEHOLD_EMPTY_MAX, "an empty household's page: its empty parts not read (%d statements)", n0);
	CHECK_HAS(r->body, "Statementi Paule");
	/* Every part says it is empty, as when it read its rows. */
	static const char *const empty[] = {"Aucune domiciliation.", "<h2 id=\"t-legal\">Aide sociale légale</h2><p class=\"muted\">Aucun dossier.</p>",
	                                    "Aucune demande de logement social.", "Aucun microcrédit accompagné.",
	                                    "Aucun service à domicile.", "Aucun droit à l’aide alimentaire.", "Aucun rendez-vous.",
	                                    "Personne du foyer n’est inscrit.", "Aucun référent.", "Aucun document.",
	                                    "Aucune note visible pour vous.", "<h2 id=\"t-aid\">Aides facultatives</h2>"};
	for (size_t i = 0; i < sizeof empty / sizeof *empty; i++)
		CHECK_HAS(r->body, empty[i]);
	CHECK_LACKS(r->body, "Demandes d’aide du foyer");
	CHECK_LACKS(r->body, "class=\"alerts\"");
	CHECK_LACKS(r->body, "Avis envoyés");
	CHECK_LACKS(r->body, "Adresses précédentes");

	T_GROUP("a full household: the same bound, the counts said");
	snprintf(body, sizeof body, "{\"person_id\":%lld,\"requested_on\":\"2026-09-01\",\"cause\":\"expulsion\",\"household_type\":\"isole\"}",
	         (long long)pid);
	CHECK_INT(post_json(&mgr, "/api/v1/domiciliations", body)->status, 201);
	json_t *mot = J(get(&mgr, "/api/v1/motives"));
	long long motive = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(mot, "motives"), 0), "id"));
	json_decref(mot);
	for (int i = 0; i < 11; i++) {
		snprintf(body, sizeof body, "{\"household_id\":%lld,\"channel\":\"visite\",\"motive_id\":%lld,\"answer\":\"Réponse %d\"}",
		         (long long)hid, motive, i);
		CHECK_INT(post_json(&mgr, "/api/v1/contacts", body)->status, 201);
	}
	char npath[96];
	snprintf(npath, sizeof npath, "/api/v1/households/%lld/notes", (long long)hid);
	for (int i = 0; i < 51; i++) {
		snprintf(body, sizeof body, "{\"body\":\"Note %d\",\"visibility\":\"equipe\"}", i);
		CHECK_INT(post_json(&mgr, npath, body)->status, 201);
	}
	for (int i = 0; i < 7; i++) {
		snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":\"colis\",\"decision\":\"refuse\",\"reason\":\"Motif n%d\"}",
		         (long long)hid, i);
		CHECK_INT(post_json(&mgr, "/api/v1/food/decisions", body)->status, 201);
	}
	char apath[96];
	snprintf(apath, sizeof apath, "/api/v1/households/%lld/alerts", (long long)hid);
	CHECK_INT(post_json(&mgr, apath, "{\"text\":\"Interprète nécessaire\"}")->status, 201);
	snprintf(body, sizeof body, "{\"household\":%lld,\"aid\":\"energie\",\"residence\":24,\"residence_reason\":\"déclaration\","
	                            "\"bill\":\"80,00\",\"creditor\":\"EDF\"}", (long long)hid);
	CHECK_INT(post_json(&mgr, "/api/v1/aid/requests", body)->status, 201);
	snprintf(body, sizeof body, "{\"household\":%lld,\"provider\":\"Présence Verte\"}", (long long)hid);
	CHECK_INT(post_json(&mgr, "/api/v1/homecare/alarms", body)->status, 201);
	snprintf(body, sizeof body, "{\"household\":%lld,\"pattern\":\"1111100\"}", (long long)hid);
	CHECK_INT(post_json(&mgr, "/api/v1/homecare/meals", body)->status, 201);
	r = get(&mgr, path);
	CHECK_INT(r->status, 200);
	int n1 = statements(r);
	CHECK(n1 > 0 && n1 <= HOUSEHOLD_PAGE_MAX + 2, "a household with a domiciliation, 11 contacts, 51 notes, 7 food decisions, "
	                                               "an alarm and meals: at most the bound and the two counts (%d)", n1);
	CHECK(n1 <= n0 + 7 + 2, "the seven parts that now hold rows read them (domiciliation, contacts, notes, food, home services, "
	                        "the alert, the aid request), and the two counts (contacts, notes) only when their lists are full "
	                        "(%d, %d empty)", n1, n0);
	CHECK_HAS(r->body, "<strong>Interprète nécessaire</strong>");
	CHECK_HAS(r->body, "Demandes d’aide du foyer");
	CHECK_LACKS(r->body, "Aucune domiciliation.");
	CHECK_LACKS(r->body, "Aucun service à domicile.");
	fprintf(stderr, "household page: %d statements empty, %d full\n", n0, n1);
	CHECK_HAS(r->body, "n° ");
	CHECK_HAS(r->body, "Statementi Paule</a> : ");   /* the domiciliation's person, named in the same statement */
	CHECK_HAS(r->body, "Voir les 11 contacts");
	CHECK_HAS(r->body, "Voir les 51 notes");
	/* Each section's rows, from its one statement: the six newest food decisions and a link to the seven, the
	 * alarm and the meals, the contact form's motives beside the contacts, the budget. */
	CHECK_HAS(r->body, "Motif n6");
	CHECK_HAS(r->body, "Motif n1");
	CHECK_LACKS(r->body, "Motif n0<");
	snprintf(body, sizeof body, "<a href=\"/foyers/%lld?droits=tous#t-food\">Voir les 7 droits du foyer</a>", (long long)hid);
	CHECK_HAS(r->body, body);
	CHECK_HAS(r->body, "Téléassistance Présence Verte</a> — depuis le ");
	CHECK_HAS(r->body, "Portage de repas</a> — ");
	CHECK(strstr(r->body, "Téléassistance Présence") < strstr(r->body, "Portage de repas</a>"), "the alarm, then the meals");
	CHECK_HAS(r->body, "Réponse 10");
	/* The form's motives, from the same statement. */
	const char *sel = strstr(r->body, "<select id=\"f-ct-motive\" name=\"motive\">"), *end = sel ? strstr(sel, "</select>") : NULL;
	snprintf(body, sizeof body, "<option value=\"%lld\">", motive);
	const char *opt = sel ? strstr(sel, body) : NULL;
	CHECK(opt && opt < end, "the contact form offers the motive %lld", motive);
	CHECK_HAS(r->body, "<dt>Reste à vivre</dt>");
	snprintf(path, sizeof path, "/foyers/%lld?droits=tous", (long long)hid);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "Motif n0<");
	CHECK_LACKS(r->body, "Voir les 7 droits");
	snprintf(path, sizeof path, "/foyers/%lld?notes=toutes", (long long)hid);
	r = get(&mgr, path);
	CHECK_HAS(r->body, "Note 0<");
	CHECK_LACKS(r->body, "Voir les 51 notes"); /* all shown */

	T_GROUP("a contact of now does not read how far back the structure lets one date it");
	{
		/* Dated, the rule is read; of now, not. A session's touch (once a minute) adds a statement to one request at
		 * most: the dated one first, then two of now, the fewer of which counts. */
		snprintf(body, sizeof body, "{\"household_id\":%lld,\"channel\":\"telephone\",\"motive_id\":%lld,\"done_time\":\"00:01\"}",
		         (long long)hid, motive);
		r = post_json(&mgr, "/api/v1/contacts", body);
		CHECK_INT(r->status, 201);
		int dated = statements(r);
		snprintf(body, sizeof body, "{\"household_id\":%lld,\"channel\":\"telephone\",\"motive_id\":%lld}", (long long)hid, motive);
		int now1 = statements(post_json(&mgr, "/api/v1/contacts", body)), now2 = statements(post_json(&mgr, "/api/v1/contacts", body));
		int fewer = now1 < now2 ? now1 : now2;
		CHECK(fewer > 0 && fewer < dated, "a contact of now: %d statements, one dated today: %d", fewer, dated);
	}

	T_GROUP("the work lists: a few statements for a page of rows, never one or more a row");
	/* The bench's list kind: each shows up to fifty rows with their person and file number. */
	static const char *const lists[] = {"/aides?liste=", "/aides?liste=a_instruire", "/aide-legale?liste=a_transmettre",
	                                    "/aide-legale?liste=en_retard", "/logement?liste=attente_longue",
	                                    "/logement?liste=propositions", "/microcredit?liste=en_cours",
	                                    "/registre/campagnes/1?liste=tous", "/domicile?tournee=0",
	                                    "/alimentaire/comptoir?liste=attendu", "/domiciliation?liste="};
	int most = 0, rows_seen = 0;
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		r = get(&mgr, lists[i]);
		CHECK_INT(r->status, 200);
		int n = statements(r);
		CHECK(n > 0 && n <= LIST_PAGE_MAX, "%s: %d statements", lists[i], n);
		if (n > most)
			most = n;
		for (const char *p = r->body; (p = strstr(p, "<tr><td")); p++)
			rows_seen++;
	}
	fprintf(stderr, "work lists: at most %d statements, %d rows shown in all\n", most, rows_seen);
	CHECK(rows_seen > 60, "the lists had rows to show (one statement a row would pass the bound): %d", rows_seen);
	r = get(&mgr, "/aides/export.csv?liste=");
	CHECK_INT(r->status, 200);
	CHECK(statements(r) <= LIST_PAGE_MAX, "the aid export: its file numbers fifty a statement");
	r = get(&mgr, "/domiciliation/export?disposition=domifa&format=csv");
	CHECK_INT(r->status, 200);
	int lines = 0;
	for (const char *p = r->body; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK(lines > 10, "the DomiFa export has rows: %d lines", lines);
	CHECK(statements(r) <= LIST_PAGE_MAX, "the DomiFa export: persons, answers and dependants fifty a statement (%d)", statements(r));

	T_GROUP("every work list's total is counted apart from its page: the same past the last page");
	static const struct { const char *path, *rows; } apis[] = {
		{"/api/v1/microcredits?liste=", "credits"}, {"/api/v1/microcredits?liste=en_cours", "credits"},
		{"/api/v1/microcredits?liste=incidents", "credits"}, {"/api/v1/register/entries?liste=inscrits", "entries"},
		{"/api/v1/register/entries?liste=a_confirmer", "entries"}, {"/api/v1/register/campaigns/1?liste=tous", "calls"},
		{"/api/v1/food/decisions?liste=actives", "decisions"}, {"/api/v1/food/decisions?liste=", "decisions"},
		{"/api/v1/food/distributions?liste=", "distributions"}, {"/api/v1/food/lots?liste=stock", "lots"},
		{"/api/v1/food/lots?liste=alertes", "lots"}, {"/api/v1/homecare/alarms?liste=actives", "alarms"},
		{"/api/v1/legal/files?liste=a_transmettre", "files"}, {"/api/v1/housing/requests?liste=actives", "requests"}};
	int64_t sum = 0;
	for (size_t i = 0; i < sizeof apis / sizeof *apis; i++) {
		j = J(get(&mgr, apis[i].path));
		int64_t total = geti(j, "total");
		size_t first = json_array_size(json_object_get(j, apis[i].rows));
		json_decref(j);
		snprintf(body, sizeof body, "%s&page=9999", apis[i].path);
		j = J(get(&mgr, body));
		CHECK(j && geti(j, "total") == total && json_array_size(json_object_get(j, apis[i].rows)) == 0 && (total == 0) == (first == 0),
		      "%s: %lld on the first page (%zu shown), %lld past the last", apis[i].path, (long long)total, first,
		      (long long)geti(j, "total"));
		json_decref(j);
		sum += total;
	}
	CHECK(sum > 0, "the demo's lists are not all empty (%lld)", (long long)sum);

	T_GROUP("a household not in the structure");
	CHECK_INT(get(&mgr, "/foyers/999999")->status, 404);

	{
		/* The structure's agents, the contact form's motives and partners, the QF rule are kept in memory under the
		 * structure's reference version, read with the session: whatever writes them — this server, another one on
		 * the same database, the command line — the next page shows what was written. */
		T_GROUP("the reference lists kept in memory: what is written is on the next page, on every server");
		snprintf(path, sizeof path, "/foyers/%lld", (long long)hid);
		int warm = statements(get(&mgr, path));
		CHECK_INT(post_json(&mgr, "/api/v1/motives", "{\"label\":\"Motif tout neuf\"}")->status, 201);
		r = get(&mgr, path);
		CHECK_HAS(r->body, ">Motif tout neuf</option>");
		int cold = statements(r), again = statements(get(&mgr, path));
		CHECK(warm > 0 && cold == warm + 3 && again == warm, "a new version: the agents, the form's lists and the QF rule "
		      "in force read once (%d statements), then from memory (%d, %d before)", cold, again, warm);
		srv b;
		if (!srv_start_on(&b, url)) {
			CHECK(0, "a second server started");
		} else {
			cli mb;
			cli_init(&mb, &b);
			CHECK_INT(login(&mb, DEMO("responsable"), DEMO_PW), 303);
			CHECK_HAS(get(&mb, path)->body, ">Motif tout neuf</option>");
			char form[300];
			snprintf(form, sizeof form, "_csrf=%s&name=Partenaire+venu+d%%27ailleurs&kind=association", mb.csrf);
			CHECK_INT(post(&mb, "/partenaires", form)->status, 303);
			CHECK_INT(post_json(&mb, "/api/v1/motives", "{\"label\":\"Motif venu d’ailleurs\"}")->status, 201);
			resp *ra = get(&mgr, path);
			CHECK_HAS(ra->body, ">Motif venu d’ailleurs</option>");
			CHECK_HAS(ra->body, ">Partenaire venu d&#39;ailleurs</option>");
			/* An agent added on the second server is in the first one's agent lists; disabled from the command
			 * line, no longer. */
			cli adm;
			cli_init(&adm, &b);
			CHECK_INT(login(&adm, DEMO("admin"), DEMO_PW), 303);
			snprintf(form, sizeof form, "_csrf=%s&display_name=Agente+M%%C3%%A9moris%%C3%%A9e&email=agente-kept%%40ville.fr"
			         "&role=travailleur_social&password=mot-de-passe-long-gard%%C3%%A9", adm.csrf);
			CHECK_INT(post(&adm, "/admin/utilisateurs", form)->status, 303);
			CHECK_HAS(get(&mgr, path)->body, ">Agente Mémorisée");
			const char *off[] = {bin_path(), "user", "disable", "--db", url, "--email", "agente-kept@ville.fr", NULL};
			CHECK_INT(run_cmd(off, 1), 0);
			CHECK_LACKS(get(&mgr, path)->body, "Agente Mémorisée");
			cli_free(&adm);
			cli_free(&mb);
			srv_stop(&b);
		}
	}

	cli_free(&mgr);
	srv_stop(&s);
	return T_DONE();
}
