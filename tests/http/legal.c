/* HTTP tests of statutory aid files: the catalogue, lodging and the
 * one-month rule (end of month included), pieces, the CCAS's opinion when
 * the kind asks for it, forwarding incomplete with the missing pieces
 * listed, the answer and the renewal, the work lists and their CSV, the
 * household page and the home page, roles, versions and isolation. */
#define T_NAME "http-legal"
#include "http/h.h"
#include <jansson.h>

static json_t *J(resp *r) { return json_loads(r->body, 0, NULL); }
static int64_t geti(json_t *j, const char *k) { return json_integer_value(json_object_get(j, k)); }
static const char *gets_(json_t *j, const char *k)
{
	const char *s = json_string_value(json_object_get(j, k));
	return s ? s : "(null)";
}

static int64_t kind_id(cli *k, const char *code)
{
	json_t *j = J(get(k, "/api/v1/legal/kinds")), *x;
	size_t i;
	int64_t id = 0;
	json_array_foreach(json_object_get(j, "kinds"), i, x) if (!strcmp(gets_(x, "code"), code)) id = geti(x, "id");
	json_decref(j);
	return id;
}

/* The home page's figures kept by triggers (legal/4), made again from the files. */
#define LEGAL_RECOUNT                                                                                                      \
	"SELECT structure_id, 'due' AS what, due_on AS day, count(*) AS n FROM legal_files WHERE status = 'ouvert' GROUP BY 1, 3 "   \
	"UNION ALL SELECT structure_id, 'due/m', substr(due_on, 1, 7), count(*) FROM legal_files WHERE status = 'ouvert' GROUP BY 1, 3 " \
	"UNION ALL SELECT structure_id, 'expected', expected_on, count(*) FROM legal_files WHERE status = 'transmis' "          \
	"AND expected_on IS NOT NULL GROUP BY 1, 3 "                                                                           \
	"UNION ALL SELECT structure_id, 'expected/m', substr(expected_on, 1, 7), count(*) FROM legal_files "                  \
	"WHERE status = 'transmis' AND expected_on IS NOT NULL GROUP BY 1, 3 "                                                 \
	"UNION ALL SELECT structure_id, 'renewal', renewal_on, count(*) FROM legal_files WHERE status IN ('repondu', 'clos') "  \
	"AND renewal_on IS NOT NULL GROUP BY 1, 3"

/* The home page's figure that links to a work list (none shown: 0). */
static long long home_figure(cli *k, const char *list)
{
	char marker[64];
	snprintf(marker, sizeof marker, "liste=%s\"", list);
	long long n = page_number(k, "/", marker);
	return n < 0 ? 0 : n;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	setenv("TZ", "Indian/Reunion", 1); /* the demo structure's zone */
	tzset();
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char today[11], old[11];
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	time_t then = now - 40 * 86400;
	localtime_r(&then, &tm);
	strftime(old, sizeof old, "%Y-%m-%d", &tm);
	srv s;
	if (!srv_start(&s, "legal")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	cli soc, mgr, desk, com;
	cli_init(&soc, &s);
	cli_init(&mgr, &s);
	cli_init(&desk, &s);
	cli_init(&com, &s);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);
	CHECK_INT(login(&com, DEMO("commission"), DEMO_PW), 303);

	T_GROUP("the catalogue: the usual kinds, edited by the structure");
	int64_t ash = kind_id(&soc, "ash"), css = kind_id(&soc, "css"), apa = kind_id(&soc, "apa_domicile");
	CHECK(ash && css && apa, "ASH, CSS and APA are in the catalogue");
	CHECK_HAS(get(&soc, "/aide-legale/types")->body, "Complémentaire santé solidaire (CSS)");
	char path[128], body[1024];
	snprintf(path, sizeof path, "/api/v1/legal/kinds/%lld", (long long)css);
	CHECK_INT(post_json(&soc, path, "{\"label\":\"CSS\"}")->status, 403); /* the manager's */
	resp *r = post_json(&mgr, path, "{\"label\":\"Complémentaire santé solidaire\",\"body\":\"CPAM\",\"pieces\":\"pièce d’identité, "
	                                "ressources des 12 derniers mois\",\"answer_days\":45,\"renewal_months\":12,\"active\":true}");
	CHECK_INT(r->status, 200);
	r = post_json(&mgr, "/api/v1/legal/kinds", "{\"code\":\"Mauvais Code\",\"label\":\"X\"}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "lettres minuscules");
	CHECK_INT(post_json(&mgr, "/api/v1/legal/kinds", "{\"code\":\"teleassistance\",\"label\":\"Téléassistance (Département)\","
	                                                 "\"body\":\"Département\",\"answer_days\":30}")->status, 201);
	CHECK(kind_id(&soc, "teleassistance") > 0, "a kind of its own");

	T_GROUP("lodging: due one calendar month later, the end of a month handled");
	json_t *j = J(post_json(&soc, "/api/v1/households", "{\"last_name\":\"Légale\",\"first_names\":\"Rose\",\"confirm_duplicate\":true}"));
	int64_t hid = geti(j, "household_id"), pid = geti(j, "person_id");
	json_decref(j);
	CHECK(hid > 0, "a household");
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":%lld,\"lodged_on\":\"2026-01-31\"}", (long long)hid, (long long)ash);
	r = post_json(&desk, "/api/v1/legal/files", body); /* the reception lodges */
	CHECK_INT(r->status, 201);
	j = J(r);
	int64_t f1 = geti(j, "id");
	CHECK_STR(gets_(j, "due_on"), "2026-02-28");
	CHECK_STR(gets_(j, "status"), "ouvert");
	CHECK_HAS(gets_(j, "pieces_missing"), "liste des obligés alimentaires");
	json_decref(j);
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":%lld,\"lodged_on\":\"2099-01-01\"}", (long long)hid, (long long)ash);
	r = post_json(&soc, "/api/v1/legal/files", body);
	CHECK_INT(r->status, 400); /* never in the future */
	CHECK_HAS(r->body, "lodged_on");
	snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":%lld,\"lodged_on\":\"%s\"}", (long long)hid, (long long)css, old);
	j = J(post_json(&soc, "/api/v1/legal/files", body));
	int64_t f2 = geti(j, "id");
	json_decref(j);
	CHECK(f2 > 0, "a file lodged 40 days ago");
	/* The page's form keeps what was typed when refused. */
	snprintf(body, sizeof body, "_csrf=%s&household=%lld&kind=&lodged_on=2026-03-03&lodged_by=tiers", soc.csrf, (long long)hid);
	r = post(&soc, "/aide-legale", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Choisissez le type de dossier");
	CHECK_HAS(r->body, "value=\"2026-03-03\"");

	T_GROUP("pieces, the opinion the kind asks for, forwarding incomplete");
	snprintf(path, sizeof path, "/api/v1/legal/files/%lld", (long long)f1);
	r = post_json(&soc, path, "{\"action\":\"pieces\",\"piece\":[\"pièce d’identité\",\"avis d’imposition\"],\"version\":1}");
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK_STR(gets_(j, "pieces_received"), "pièce d’identité, avis d’imposition");
	CHECK(!strstr(gets_(j, "pieces_missing"), "avis d’imposition"), "received pieces are no longer missing");
	int64_t ver = geti(j, "version");
	json_decref(j);
	CHECK_INT(post_json(&soc, path, "{\"action\":\"pieces\",\"piece\":[\"x\"],\"version\":1}")->status, 409); /* someone else first */
	snprintf(body, sizeof body, "{\"action\":\"transmettre\",\"means\":\"courrier\",\"forwarded_on\":\"2026-02-10\",\"version\":%lld}", (long long)ver);
	r = post_json(&soc, path, body);
	CHECK_INT(r->status, 400); /* ASH: the CCAS's opinion goes with it */
	CHECK_HAS(r->body, "avis motivé");
	snprintf(body, sizeof body, "{\"action\":\"avis\",\"opinion\":\"favorable\",\"version\":%lld}", (long long)ver);
	r = post_json(&soc, path, body);
	CHECK_INT(r->status, 400); /* an opinion says why */
	snprintf(body, sizeof body, "{\"action\":\"avis\",\"opinion\":\"favorable\",\"opinion_reason\":\"Ressources insuffisantes pour "
	                            "l’hébergement.\",\"version\":%lld}", (long long)ver);
	j = J(post_json(&soc, path, body));
	ver = geti(j, "version");
	json_decref(j);
	snprintf(body, sizeof body, "{\"action\":\"transmettre\",\"means\":\"courrier\",\"forwarded_on\":\"2026-01-30\",\"version\":%lld}",
	         (long long)ver);
	CHECK_INT(post_json(&soc, path, body)->status, 400); /* not before it was lodged */
	snprintf(body, sizeof body, "{\"action\":\"transmettre\",\"means\":\"courrier\",\"forwarded_on\":\"2026-02-10\",\"reference\":\"BT-2026-014\","
	                            "\"version\":%lld}", (long long)ver);
	r = post_json(&soc, path, body);
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK_STR(gets_(j, "status"), "transmis");
	CHECK_HAS(gets_(j, "pieces_missing"), "relevés bancaires"); /* left with it, listed */
	CHECK_STR(gets_(j, "answer_expected_on"), "2026-05-11");     /* + the kind's 90 days */
	ver = geti(j, "version");
	json_decref(j);

	T_GROUP("the answer and the renewal");
	snprintf(body, sizeof body, "{\"action\":\"reponse\",\"answer\":\"accorde\",\"answer_on\":\"2026-01-01\",\"version\":%lld}", (long long)ver);
	CHECK_INT(post_json(&soc, path, body)->status, 400); /* not before it was forwarded */
	snprintf(body, sizeof body, "{\"action\":\"reponse\",\"answer\":\"partiel\",\"answer_on\":\"2026-04-02\",\"amount\":\"312,50\","
	                            "\"from\":\"2026-04-01\",\"to\":\"2027-03-31\",\"version\":%lld}", (long long)ver);
	r = post_json(&soc, path, body);
	CHECK_INT(r->status, 200);
	j = J(r);
	CHECK_INT(geti(j, "answer_amount_cents"), 31250);
	CHECK_STR(gets_(j, "renewal_on"), "2027-03-31");
	json_decref(j);
	snprintf(path, sizeof path, "/aide-legale/%lld/recepisse.pdf", (long long)f1);
	char *txt = pdf_text(get(&desk, path)); /* the receipt handed at lodging */
	CHECK_HAS(txt, "Récépissé de dépôt — Aide sociale à l’hébergement (ASH)");
	CHECK_HAS(txt, "Rose Légale");
	CHECK_HAS(txt, "au plus tard le 28/02/2026");
	CHECK_HAS(txt, "relevés bancaires");
	free(txt);
	snprintf(path, sizeof path, "/aide-legale/%lld", (long long)f1);
	r = get(&soc, path);
	CHECK_HAS(r->body, "Accordé en partie, reçue le 02/04/2026, 312,50");
	CHECK_HAS(r->body, "transmis sans : relevés bancaires");

	T_GROUP("the obligés alimentaires of the ASH file");
	{
		snprintf(path, sizeof path, "/api/v1/legal/files/%lld/obliges", (long long)f1);
		r = post_json(&soc, path, "{\"name\":\"Paul Légale\",\"relation\":\"fils\",\"contact\":\"0692 11 22 33\"}");
		CHECK_INT(r->status, 201);
		j = J(r);
		int64_t ob = geti(j, "id");
		json_decref(j);
		snprintf(path, sizeof path, "/api/v1/legal/files/%lld/obliges/%lld", (long long)f1, (long long)ob);
		CHECK_INT(post_json(&soc, path, "{\"answer\":\"participe\",\"amount\":\"120,00\",\"answered_on\":\"2099-01-01\"}")->status, 400);
		CHECK_INT(post_json(&soc, path, "{\"answer\":\"participe\",\"amount\":\"120,00\"}")->status, 200);
		snprintf(path, sizeof path, "/api/v1/legal/files/%lld", (long long)f1);
		r = get(&soc, path);
		CHECK_HAS(r->body, "\"obliges\"");
		CHECK_HAS(r->body, "\"amount_cents\":12000");
		snprintf(path, sizeof path, "/api/v1/legal/files/%lld/obliges", (long long)f2);
		r = post_json(&soc, path, "{\"name\":\"X\"}");
		CHECK_INT(r->status, 400); /* a CSS file has none */
		snprintf(path, sizeof path, "/aide-legale/%lld/obliges", (long long)f1);
		snprintf(body, sizeof body, "_csrf=%s&action=obl&name=&relation=fille&contact=", soc.csrf);
		r = post(&soc, path, body);
		CHECK_INT(r->status, 400);
		CHECK_HAS(r->body, "Le nom de l’obligé alimentaire est requis");
		CHECK_HAS(r->body, "value=\"fille\""); /* what was typed stays */
		snprintf(path, sizeof path, "/aide-legale/%lld", (long long)f1);
		r = get(&soc, path);
		CHECK_HAS(r->body, "<td>Paul Légale</td><td>fils</td><td>0692 11 22 33</td><td>Participe");
	}

	T_GROUP("several files to one body with one slip");
	{
		int64_t g[3];
		const int64_t kinds3[3] = {apa, apa, css};
		for (int k = 0; k < 3; k++) {
			snprintf(body, sizeof body, "{\"household\":%lld,\"kind\":%lld}", (long long)hid, (long long)kinds3[k]);
			j = J(post_json(&soc, "/api/v1/legal/files", body));
			g[k] = geti(j, "id");
			json_decref(j);
		}
		r = get(&soc, "/aide-legale?liste=a_transmettre");
		snprintf(path, sizeof path, "name=\"id\" value=\"%lld\"", (long long)g[0]);
		CHECK_HAS(r->body, path); /* a box to tick per file */
		snprintf(body, sizeof body, "_csrf=%s&id=%lld&id=%lld&means=courrier", soc.csrf, (long long)g[0], (long long)g[2]);
		r = post(&soc, "/aide-legale/bordereau", body);
		CHECK_INT(r->status, 400); /* the Département and the CPAM: two slips */
		CHECK_HAS(r->body, "un seul organisme");
		snprintf(path, sizeof path, "/api/v1/legal/files/%lld", (long long)g[0]);
		j = J(get(&soc, path));
		CHECK_STR(gets_(j, "status"), "ouvert"); /* nothing forwarded */
		json_decref(j);
		snprintf(body, sizeof body, "_csrf=%s&id=%lld&id=%lld&means=depot&reference=BT-TEST-1", soc.csrf, (long long)g[0], (long long)g[1]);
		r = post(&soc, "/aide-legale/bordereau", body);
		CHECK_INT(r->status, 303);
		CHECK_HAS(r->headers, "/aide-legale/bordereau?ref=BT-TEST-1");
		CHECK_HAS(get(&soc, "/aide-legale/bordereau?ref=BT-TEST-1")->body, "2 dossiers transmis à Département");
		char *slip = pdf_text(get(&soc, "/aide-legale/bordereau.pdf?ref=BT-TEST-1"));
		CHECK_HAS(slip, "Bordereau de transmission n° BT-TEST-1");
		CHECK_HAS(slip, "Destinataire : Département");
		CHECK_HAS(slip, "APA à domicile — Légale Rose");
		CHECK_HAS(slip, "Pièces manquantes : pièce d’identité, avis d’imposition, relevé d’identité bancaire");
		free(slip);
		j = J(get(&soc, path));
		CHECK_STR(gets_(j, "status"), "transmis");
		CHECK_STR(gets_(j, "forward_reference"), "BT-TEST-1");
		json_decref(j);
		CHECK_INT(get(&soc, "/aide-legale/bordereau?ref=NULLE-PART")->status, 404);
	}

	T_GROUP("work lists, their CSV, the household page and the home page");
	r = get(&soc, "/aide-legale?liste=en_retard");
	CHECK_INT(r->status, 200);
	snprintf(path, sizeof path, "href=\"/aide-legale/%lld\"", (long long)f2);
	CHECK_HAS(r->body, path); /* lodged 40 days ago, not forwarded */
	CHECK_HAS(r->body, "en retard de");
	j = J(get(&soc, "/api/v1/legal/files?liste=en_retard"));
	int64_t late = geti(j, "total");
	CHECK(late >= 1 && (int64_t)json_array_size(json_object_get(j, "files")) == (late < 100 ? late : 100), "late files by the API");
	json_decref(j);
	/* A page past the end still says how many there are (the total is counted apart from the page). */
	j = J(get(&soc, "/api/v1/legal/files?liste=en_retard&page=500"));
	CHECK(geti(j, "total") == late && json_array_size(json_object_get(j, "files")) == 0, "the total past the last page");
	json_decref(j);
	r = get(&soc, "/aide-legale/export.csv?liste=en_retard");
	CHECK_HAS(r->headers, "text/csv");
	CHECK_HAS(r->body, "Complémentaire santé solidaire");
	CHECK_INT(get(&soc, "/aide-legale?liste=nulle")->status, 400);
	snprintf(path, sizeof path, "/foyers/%lld", (long long)hid);
	r = get(&soc, path);
	CHECK_HAS(r->body, "<h2 id=\"t-legal\">Aide sociale légale</h2>");
	CHECK_HAS(r->body, "Déposer un dossier");
	CHECK_HAS(get(&mgr, "/")->body, "en retard</strong>");
	CHECK_INT(get(&com, "/aide-legale")->status, 403); /* the committee does not handle these files */
	snprintf(path, sizeof path, "/api/v1/persons/%lld/subject-access", (long long)pid);
	r = get(&mgr, path); /* the person's data export has them */
	CHECK_HAS(r->body, "\"statutory_aid_files\"");
	CHECK_HAS(r->body, "Aide sociale à l’hébergement (ASH)");
	snprintf(path, sizeof path, "/api/v1/journal?kind=legal_file&object=%lld", (long long)f1);
	CHECK_INT(get(&mgr, path)->status, 403); /* the journal is the DPO's */

	T_GROUP("reminders to the person, with consent");
	{
		snprintf(path, sizeof path, "/api/v1/persons/%lld", (long long)pid);
		CHECK_INT(post_json(&soc, path, "{\"last_name\":\"Légale\",\"first_names\":\"Rose\",\"phone\":\"0692 00 00 02\","
		                                "\"consent_sms\":true,\"version\":1}")->status, 200);
		char cmd[700], out[1024];
		snprintf(cmd, sizeof cmd, "%s notify --send --db '%s' 2>/dev/null", bin_path(), fresh_url);
		FILE *np = popen(cmd, "r");
		size_t nn = np ? fread(out, 1, sizeof out - 1, np) : 0;
		out[nn] = 0;
		if (np)
			pclose(np);
		CHECK_HAS(out, "à réessayer"); /* no gateway here: queued, said, not sent */
		snprintf(path, sizeof path, "/foyers/%lld", (long long)hid);
		r = get(&soc, path);
		CHECK_HAS(r->body, "« Pièces manquantes »"); /* the CSS file lodged 40 days ago still misses its pieces */
		CHECK_HAS(r->body, "nouvel essai prévu (1 essai) : aucune passerelle SMS n’est configurée");
	}

	T_GROUP("isolation");
	cli bb;
	CHECK(other_structure_manager(&s, &bb), "a manager of another structure");
	snprintf(path, sizeof path, "/api/v1/legal/files/%lld", (long long)f1);
	CHECK_INT(get(&bb, path)->status, 404);
	CHECK_INT(post_json(&bb, path, "{\"action\":\"clore\"}")->status, 404);
	snprintf(path, sizeof path, "/aide-legale/%lld", (long long)f1);
	CHECK_INT(get(&bb, path)->status, 404);
	CHECK_LACKS(get(&bb, "/api/v1/legal/files")->body, "\"id\":");

	T_GROUP("each list's total, of every kind (kept counts) and of one kind (an index), is the files' count");
	{
		static const char *const lists[] = {"a_transmettre", "en_retard", "a_repondre", "attente_longue", "renouvellements"};
		json_t *kinds = J(get(&mgr, "/api/v1/legal/kinds"));
		for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
			snprintf(path, sizeof path, "/api/v1/legal/files?liste=%s", lists[l]);
			j = J(get(&mgr, path));
			long long all = geti(j, "total"), sum = 0;
			json_decref(j);
			size_t k;
			json_t *kd;
			json_array_foreach(json_object_get(kinds, "kinds"), k, kd)
			{
				snprintf(path, sizeof path, "/api/v1/legal/files?liste=%s&type=%lld", lists[l], (long long)geti(kd, "id"));
				j = J(get(&mgr, path));
				sum += geti(j, "total");
				json_decref(j);
			}
			CHECK(all == sum, "« %s »: %lld of every kind, %lld summed over the kinds", lists[l], all, sum);
		}
		json_decref(kinds);
		j = J(get(&mgr, "/api/v1/legal/files?liste=a_transmettre"));
		snprintf(body, sizeof body, "SELECT count(*) - %lld FROM legal_files WHERE structure_id = 1 AND status = 'ouvert'",
		         (long long)geti(j, "total"));
		json_decref(j);
		CHECK_INT(db_zero(body), 0);
		j = J(get(&mgr, "/api/v1/legal/files?liste=a_repondre"));
		snprintf(body, sizeof body, "SELECT count(*) - %lld FROM legal_files WHERE structure_id = 1 AND status = 'transmis' "
		         "AND expected_on IS NOT NULL", (long long)geti(j, "total"));
		json_decref(j);
		CHECK_INT(db_zero(body), 0);
	}

	T_GROUP("the home page's figures, kept by triggers, are the files' own counts");
	{
		CHECK_INT(db_zero(KEPT_AGREE(LEGAL_RECOUNT, "legal_counts")), 0);
		long long overdue = home_figure(&mgr, "en_retard"), awaited = home_figure(&mgr, "attente_longue");
		CHECK(overdue > 0, "the demo has overdue files (%lld)", overdue);
		/* By hand (SQL typed by someone who may): a copy of every file of the structure, the open copies forwarded
		 * long ago, then the copies removed — the figures follow each step. */
		CHECK_INT(db_tamper("INSERT INTO legal_files (structure_id, household_id, person_id, kind_id, lodged_on, due_on, status, "
		                    "expected_on, renewal_on, created_by, created_at) SELECT structure_id, household_id, person_id, kind_id, "
		                    "lodged_on, due_on, status, expected_on, renewal_on, created_by, 1 FROM legal_files WHERE structure_id = 1"),
		          0);
		CHECK_INT(home_figure(&mgr, "en_retard"), 2 * overdue);
		CHECK_INT(home_figure(&mgr, "attente_longue"), 2 * awaited);
		CHECK_INT(db_zero(KEPT_AGREE(LEGAL_RECOUNT, "legal_counts")), 0);
		CHECK_INT(db_tamper("UPDATE legal_files SET status = 'transmis', expected_on = '2001-01-' || substr(due_on, 9, 2) "
		                    "WHERE created_at = 1 AND status = 'ouvert'"),
		          0);
		CHECK_INT(home_figure(&mgr, "en_retard"), overdue);
		CHECK(home_figure(&mgr, "attente_longue") >= 2 * awaited + overdue, "the forwarded copies await an answer");
		CHECK_INT(db_zero(KEPT_AGREE(LEGAL_RECOUNT, "legal_counts")), 0);
		CHECK_INT(db_tamper("DELETE FROM legal_files WHERE created_at = 1"), 0);
		CHECK_INT(home_figure(&mgr, "en_retard"), overdue);
		CHECK_INT(home_figure(&mgr, "attente_longue"), awaited);
		CHECK_INT(db_zero(KEPT_AGREE(LEGAL_RECOUNT, "legal_counts")), 0);
	}

	cli_free(&bb);
	cli_free(&com);
	cli_free(&desk);
	cli_free(&mgr);
	cli_free(&soc);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	return T_DONE();
}
