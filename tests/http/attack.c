/* The attack suite, over HTTP against the real binary:
 *  - cross-structure access: a manager of another structure tries every
 *    route with an {id} (pages and API, GET and POST) on the first
 *    structure's records — never an answer with its data, never a change;
 *  - stored and reflected XSS and SQL injection payloads in the text
 *    fields of the forms agents use most — rendered inert, stored as typed;
 *  - CSRF without or with a wrong token; session fixation; privilege
 *    escalation by role; path traversal on static files and documents;
 *    malformed and oversized requests; slow clients holding connections.
 * Each must be refused or rendered inert, with no crash and no change. */
#define T_NAME "http-attack"
#include "http/h.h"
#include <jansson.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *const PAYLOADS[] = {
	"<script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"'; DROP TABLE persons; --",
	"' OR '1'='1",
	"javascript:alert(1)",
	"{{7*7}}${7*7}",
	"%3Cscript%3E",
	"\\u003cscript\\u003e",
	"<svg/onload=alert(1)>",
	"Robert'); DELETE FROM households WHERE ('1'='1",
};
#define NPAY (int)(sizeof PAYLOADS / sizeof *PAYLOADS)

/* The raw payload must never appear unescaped in a page. */
static int inert(const char *body)
{
	return !strstr(body, "<script>alert(1)") && !strstr(body, "<img src=x") && !strstr(body, "<svg/onload");
}

static long long tried;

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	srv s;
	if (!srv_start(&s, "attack")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	/* A manager of the second structure: every permission a file needs. */
	char pwf[64];
	snprintf(pwf, sizeof pwf, "/tmp/openccas-attack-pw-%d", (int)getpid());
	FILE *f = fopen(pwf, "w");
	fputs(DEMO_PW "\n", f);
	fclose(f);
	const char *add[] = {bin_path(), "user", "add", "--db", fresh_url, "--structure", "2", "--email", "intrus@hauts.demo.fr",
	                     "--name", "Intrus", "--role", "responsable", "--password-file", pwf, NULL};
	CHECK_INT(run_cmd(add, 1), 0);
	unlink(pwf);
	cli x, mgr, desk;
	cli_init(&x, &s);
	cli_init(&mgr, &s);
	cli_init(&desk, &s);
	CHECK_INT(login(&x, "intrus@hauts.demo.fr", DEMO_PW), 303);
	CHECK_INT(login(&mgr, DEMO("responsable"), DEMO_PW), 303);
	CHECK_INT(login(&desk, DEMO("accueil"), DEMO_PW), 303);

	T_GROUP("cross-structure: every {id} route, ids of the other structure");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "%s routes", bin_path());
	FILE *p = popen(cmd, "r");
	char line[512];
	int routes = 0;
	const char *before = strdup(get(&mgr, "/api/v1/households/1")->body);
	while (p && fgets(line, sizeof line, p)) {
		char method[8], pattern[256];
		if (sscanf(line, "%7s %255s", method, pattern) != 2 || !strstr(pattern, "{id}"))
			continue;
		routes++;
		for (int id = 1; id <= 3; id++) {
			char path[300] = "";
			const char *q = pattern;
			size_t n = 0;
			while (*q && n < sizeof path - 12) {
				if (!strncmp(q, "{id}", 4)) {
					n += (size_t)snprintf(path + n, sizeof path - n, "%d", id);
					q += 4;
				} else
					path[n++] = *q++;
			}
			path[n] = 0;
			resp *r;
			if (!strcmp(method, "GET"))
				r = get(&x, path);
			else if (!strncmp(path, "/api/", 5))
				r = post_json(&x, path, "{\"action\": \"decider\", \"version\": 1, \"decision\": \"accorde\", \"text\": \"x\"}");
			else {
				char body[200];
				snprintf(body, sizeof body, "_csrf=%s&action=decider&version=1&decision=accorde&text=x&body=x", x.csrf);
				r = post(&x, path, body);
			}
			tried++;
			CHECK(r->status >= 400 && r->status < 500, "%s %s from another structure: %ld", method, path, r->status);
			CHECK_LACKS(r->body, "Port-Rivière");
		}
	}
	if (p)
		pclose(p);
	CHECK(routes > 60, "%d routes with an id were tried", routes);
	CHECK_STR(get(&mgr, "/api/v1/households/1")->body, before); /* nothing changed */
	free((void *)before);

	T_GROUP("stored XSS and SQL injection: contacts, notes, aid requests, households");
	json_t *mot = json_loads(get(&desk, "/api/v1/motives")->body, 0, NULL);
	long long motive = (long long)json_integer_value(json_object_get(json_array_get(json_object_get(mot, "motives"), 0), "id"));
	json_decref(mot);
	for (int i = 0; i < NPAY; i++) {
		json_t *b = json_pack("{s:i,s:s,s:I,s:s}", "household_id", 3, "channel", "visite", "motive_id", (json_int_t)motive, "answer",
		                      PAYLOADS[i]);
		char *body = json_dumps(b, 0);
		CHECK_INT(post_json(&desk, "/api/v1/contacts", body)->status, 201);
		free(body);
		json_decref(b);
		b = json_pack("{s:i,s:s,s:i,s:s,s:s,s:s}", "household", 3, "aid", "alimentaire", "residence", 12, "residence_reason",
		              PAYLOADS[i], "purpose", PAYLOADS[i], "creditor", PAYLOADS[i]);
		body = json_dumps(b, 0);
		CHECK_INT(post_json(&mgr, "/api/v1/aid/requests", body)->status, 201);
		free(body);
		json_decref(b);
		b = json_pack("{s:s,s:s}", "body", PAYLOADS[i], "visibility", "equipe");
		body = json_dumps(b, 0);
		post_json(&mgr, "/api/v1/households/3/notes", body);
		free(body);
		json_decref(b);
		b = json_pack("{s:{s:s,s:s}}", "applicant", "last_name", PAYLOADS[i], "first_names", PAYLOADS[(i + 1) % NPAY]);
		body = json_dumps(b, 0);
		post_json(&mgr, "/api/v1/households", body);
		free(body);
		json_decref(b);
		tried += 4;
	}
	const char *pages[] = {"/foyers/3", "/accueil", "/aides?liste=", "/aides/export.csv?liste=", "/personnes?q=script",
	                       "/personnes?q=drop", "/api/v1/households/3/timeline", "/"};
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		resp *r = get(&mgr, pages[i]);
		CHECK(r->status == 200, "%s: %ld", pages[i], r->status);
		CHECK(inert(r->body), "%s renders the payloads inert", pages[i]);
	}
	resp *r = get(&mgr, "/api/v1/households/3");
	CHECK_HAS(r->body, "DROP TABLE"); /* stored as typed … */
	CHECK_INT(get(&mgr, "/api/v1/persons?q=martin")->status, 200); /* … and the tables are all there */
	json_t *j = json_loads(get(&mgr, "/api/v1/aid/requests?foyer=3")->body, 0, NULL);
	CHECK(json_array_size(json_object_get(j, "items")) >= (size_t)NPAY, "the aid requests with payloads are stored");
	json_t *first = json_array_get(json_object_get(j, "items"), 0);
	char path[96];
	snprintf(path, sizeof path, "/aides/demandes/%lld", (long long)json_integer_value(json_object_get(first, "id")));
	json_decref(j);
	CHECK(inert(get(&mgr, path)->body), "the request page renders the payloads inert");

	T_GROUP("reflected XSS in query strings and form errors");
	for (int i = 0; i < NPAY; i++) {
		char *e = curl_easy_escape(mgr.c, PAYLOADS[i], 0);
		char u[512];
		snprintf(u, sizeof u, "/personnes?q=%s", e);
		CHECK(inert(get(&mgr, u)->body), "search box");
		snprintf(u, sizeof u, "/aides?liste=%s&aide=%s&statut=%s", e, e, e);
		CHECK(inert(get(&mgr, u)->body), "aid list filters");
		snprintf(u, sizeof u, "/journal?kind=%s", e);
		get(&mgr, u);
		CHECK(inert(mgr.last.body), "journal filters");
		char body[600];
		snprintf(body, sizeof body, "_csrf=%s&household=3&aid=%s&residence=%s&purpose=%s", mgr.csrf, e, e, e);
		r = post(&mgr, "/aides/demandes", body);
		CHECK_INT(r->status, 400);
		CHECK(inert(r->body), "a refused form keeps the payload, escaped");
		curl_free(e);
		tried += 4;
	}

	T_GROUP("CSRF, fixation, roles");
	char body[256];
	snprintf(body, sizeof body, "household=3&aid=alimentaire&residence=12");
	CHECK_INT(post(&mgr, "/aides/demandes", body)->status, 403); /* no token */
	snprintf(body, sizeof body, "_csrf=%s&household=3&aid=alimentaire&residence=12", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	CHECK_INT(post(&mgr, "/aides/demandes", body)->status, 403); /* a wrong token */
	{
		/* The right token in the query string is refused: URLs leak (Referer, logs). */
		char qpath[160];
		snprintf(qpath, sizeof qpath, "/aides/demandes?_csrf=%s", mgr.csrf);
		snprintf(body, sizeof body, "household=3&aid=alimentaire&residence=12");
		CHECK_INT(post(&mgr, qpath, body)->status, 403);
	}
	{
		/* A refused form's error page gives back what was typed (page_kept_input) — only to this site's pages:
		 * another site's form would have its text shown under this site's name. */
		snprintf(body, sizeof body, "_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&household=3&answer=Appelez+le+0899+pour+d%%C3%%A9bloquer");
		snprintf(mgr.header, sizeof mgr.header, "%s", "Origin: https://ailleurs.example");
		CHECK_INT(post(&mgr, "/contacts", body)->status, 403);
		CHECK_LACKS(mgr.last.body, "0899");
		snprintf(mgr.header, sizeof mgr.header, "%s", "Sec-Fetch-Site: cross-site");
		CHECK_INT(post(&mgr, "/contacts", body)->status, 403);
		CHECK_LACKS(mgr.last.body, "0899");
		snprintf(mgr.header, sizeof mgr.header, "Origin: %s", s.base);
		CHECK_INT(post(&mgr, "/contacts", body)->status, 403);
		CHECK_HAS(mgr.last.body, "Appelez le 0899 pour débloquer"); /* its own page's form: given back to copy */
		snprintf(mgr.header, sizeof mgr.header, "%s", "Sec-Fetch-Site: same-origin");
		CHECK_INT(post(&mgr, "/contacts", body)->status, 403);
		CHECK_HAS(mgr.last.body, "Appelez le 0899 pour débloquer");
		mgr.header[0] = 0;
	}
	cli fx;
	cli_init(&fx, &s);
	curl_easy_setopt(fx.c, CURLOPT_COOKIE, "ccas_sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	CHECK_INT(login(&fx, DEMO("social"), DEMO_PW), 303);
	CHECK_LACKS(fx.last.headers, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); /* a new session, never the planted one */
	curl_easy_setopt(fx.c, CURLOPT_COOKIE, NULL);
	cli_free(&fx);
	CHECK_INT(get(&desk, "/admin/utilisateurs")->status, 403);
	CHECK_INT(get(&desk, "/aides/reglement")->status, 403);
	CHECK_INT(get(&desk, "/journal")->status, 403);
	CHECK_INT(post_json(&desk, "/api/v1/aid/sessions", "{\"held_on\": \"2026-12-01\"}")->status, 403);
	snprintf(body, sizeof body, "_csrf=%s&role=administrateur&active=1", desk.csrf);
	CHECK_INT(post(&desk, "/admin/utilisateurs/1", body)->status, 403);

	T_GROUP("path traversal, malformed and oversized requests");
	const char *trav[] = {"/static/../../../../etc/passwd", "/static/..%2f..%2fetc%2fpasswd", "/static/%2e%2e/%2e%2e/etc/passwd",
	                      "/foyers/1/documents/..%2f..%2fetc%2fpasswd", "/static/style.css%00.png", "/..%2f..%2f"};
	for (size_t i = 0; i < sizeof trav / sizeof *trav; i++) {
		r = get(&mgr, trav[i]);
		CHECK(r->status == 404 || r->status == 400, "%s: %ld", trav[i], r->status);
		CHECK_LACKS(r->body, "root:x:0");
	}
	CHECK_INT(post_json(&mgr, "/api/v1/aid/requests", "{\"household\": ")->status, 400);
	CHECK_INT(post_json(&mgr, "/api/v1/aid/requests", "[1, 2, 3]")->status, 400);
	char *big = malloc(3 << 20);
	memset(big, 'a', 3 << 20);
	memcpy(big, "{\"purpose\": \"", 13);
	big[(3 << 20) - 1] = 0;
	r = post_json(&mgr, "/api/v1/aid/requests", big);
	CHECK(r->status == 413 || r->status == 400, "a 3 MB body is refused (%ld)", r->status);
	free(big);
	CHECK_INT(get(&mgr, "/healthz")->status, 200); /* still standing */

	T_GROUP("slow clients do not hold the door");
	{
		/* 200 connections that send half a request line and then nothing. */
		int socks[200], open_ = 0;
		for (int i = 0; i < 200; i++) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);
			struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s.port)};
			inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
			if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0 && write(fd, "GET /foyers/1 HTTP/1.1\r\nHo", 27) == 27)
				socks[open_++] = fd;
			else if (fd >= 0)
				close(fd);
		}
		CHECK(open_ >= 150, "%d slow connections opened", open_);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = get(&mgr, "/foyers/1");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		double ms = (double)(t1.tv_sec - t0.tv_sec) * 1000 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		CHECK_INT(r->status, 200);
		CHECK(ms < 2000, "a normal request is served beside them (%.0f ms)", ms);
		for (int i = 0; i < open_; i++)
			close(socks[i]);
		tried += open_;
	}
	printf("attack: %lld requests tried\n", tried);
	cli_free(&x);
	cli_free(&mgr);
	cli_free(&desk);
	T_GROUP("stop");
	CHECK_INT(srv_stop(&s), 0);
	curl_global_cleanup();
	return T_DONE();
}
