/*
 * HTTP tests of the ground floor: the real binary on a loopback port, a
 * fresh database (SQLite, or PostgreSQL with OPENCCAS_TEST_PG), demo
 * accounts, driven like a browser and like an API client.
 */
#define T_NAME "http-server"
#include "http/h.h"
#include <stdbool.h>
#include <pthread.h>
#include <time.h>
#include "core/totp.h"
#include <jansson.h>
#include <sys/stat.h>
#include <errno.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

static char db_url[512];

static int capture_fds(const char *const argv[], char *out, size_t n, bool with_stderr)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	pid_t p = fork();
	if (p == 0) {
		dup2(fd[1], 1);
		if (with_stderr)
			dup2(fd[1], 2);
		close(fd[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	size_t got = 0;
	ssize_t k;
	while (got + 1 < n && (k = read(fd[0], out + got, n - got - 1)) > 0)
		got += (size_t)k;
	out[got] = 0;
	close(fd[0]);
	int st;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
/* Standard output of a command; capture_all: standard error too. */
static int capture(const char *const argv[], char *out, size_t n) { return capture_fds(argv, out, n, false); }
static int capture_all(const char *const argv[], char *out, size_t n) { return capture_fds(argv, out, n, true); }

static void test_shell(srv *s)
{
	T_GROUP("shell");
	cli k;
	cli_init(&k, s);
	resp *r = get(&k, "/connexion");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "<html lang=\"fr\">");
	CHECK_HAS(r->body, "Se connecter");
	CHECK(has_header(r, "Content-Security-Policy: default-src 'self'; script-src 'self'"), "CSP");
	CHECK(has_header(r, "frame-ancestors 'none'"), "frame-ancestors");
	CHECK(has_header(r, "X-Content-Type-Options: nosniff"), "nosniff");
	CHECK(has_header(r, "Referrer-Policy: same-origin"), "referrer");
	CHECK(has_header(r, "Cache-Control: no-store"), "no-store on pages");
	char css[128] = "";
	CHECK(extract(r->body, "<link rel=\"stylesheet\" href=\"", css, sizeof css), "stylesheet link");
	r = get(&k, css);
	CHECK_INT(r->status, 200);
	CHECK(has_header(r, "Cache-Control: public, max-age=31536000, immutable"), "assets cached");
	CHECK(has_header(r, "Content-Type: text/css"), "css type");
	char etag[64] = "";
	extract(strcasestr(r->headers, "etag: ") ? strcasestr(r->headers, "etag: ") : "", "ETag: \"", etag, sizeof etag);
	CHECK(etag[0], "etag present");
	r = get(&k, "/static/htmx.min.js");
	CHECK(r->status == 200 && r->len > 10000, "htmx served (%zu bytes)", r->len);
	r = get(&k, "/static/../../../etc/passwd");
	CHECK(r->status == 404, "no path traversal (%ld)", r->status);
	r = get(&k, "/static/%2e%2e/%2e%2e/etc/passwd");
	CHECK(r->status == 404 && !strstr(r->body, "root:"), "no encoded traversal (%ld)", r->status);
	r = get(&k, "/nulle-part");
	CHECK_INT(r->status, 404);
	CHECK_HAS(r->body, "Page introuvable");
	r = get(&k, "/accessibilite");
	CHECK(r->status == 200 && strstr(r->body, "RGAA"), "accessibility statement public");
	r = get(&k, "/");
	CHECK(r->status == 303 && has_header(r, "Location: /connexion?suite=/"), "anonymous home → login");
	r = get(&k, "/api/v1/me");
	CHECK_INT(r->status, 401);
	CHECK_HAS(r->body, "\"code\":\"unauthenticated\"");
	CHECK_HAS(r->body, "Identifiez-vous");
	r = req(&k, "DELETE", "/connexion", NULL, NULL);
	CHECK_INT(r->status, 405);
	cli_free(&k);
}

static void test_login(srv *s)
{
	T_GROUP("login");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("admin"), "mauvais mot de passe"), 401);
	CHECK_HAS(k.last.body, "Adresse e-mail ou mot de passe incorrect.");
	CHECK_HAS(k.last.body, "value=\"admin@demo.openccas.fr\"");
	/* Login without the double-submit token is refused. */
	resp *r = post(&k, "/connexion", "email=admin%40demo.openccas.fr&password=" DEMO_PW);
	CHECK_INT(r->status, 403);
	CHECK_INT(login(&k, DEMO("admin"), DEMO_PW), 303);
		r = get(&k, "/");
	CHECK_INT(r->status, 200);
	CHECK(strstr(r->body, "Bonjour Nadia Fontaine") || strstr(r->body, "Bonsoir Nadia Fontaine"), "French home page");
	CHECK_HAS(r->body, "CCAS de Port-Rivière");
	CHECK_HAS(r->body, "href=\"/admin/utilisateurs\"");
	CHECK(strlen(k.csrf) == 43, "csrf token on the page");
	/* The session cookie is HttpOnly and SameSite=Lax. */
	cli k2;
	cli_init(&k2, s);
	get(&k2, "/connexion");
	char pre[64] = "", body[300];
	extract(k2.last.body, "name=\"_pre\" value=\"", pre, sizeof pre);
	snprintf(body, sizeof body, "email=admin%%40demo.openccas.fr&password=%s&_pre=%s", DEMO_PW, pre);
	r = post(&k2, "/connexion", body);
	CHECK(has_header(r, "Set-Cookie: ccas_sid=") && has_header(r, "HttpOnly") && has_header(r, "SameSite=Lax"),
	      "cookie flags: %s", r->headers);
	cli_free(&k2);

	T_GROUP("csrf");
	r = post(&k, "/compte/mot-de-passe", "current=x&new=y&confirm=y");
	CHECK_INT(r->status, 403);
	CHECK_HAS(r->body, "Formulaire expiré");
	r = post(&k, "/compte/mot-de-passe", "current=x&new=y&confirm=y&_csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	CHECK_INT(r->status, 403);

	T_GROUP("logout");
	char b2[128];
	snprintf(b2, sizeof b2, "_csrf=%s", k.csrf);
	r = post(&k, "/deconnexion", b2);
	CHECK_INT(r->status, 303);
	r = get(&k, "/");
	CHECK_INT(r->status, 303);
	cli_free(&k);
}

static void test_throttle(srv *s)
{
	T_GROUP("throttle");
	cli k;
	cli_init(&k, s);
	for (int i = 0; i < 5; i++)
		CHECK_INT(login(&k, DEMO("commission"), "pas le bon mot de passe"), 401);
	CHECK_INT(login(&k, DEMO("commission"), DEMO_PW), 429);
	CHECK_HAS(k.last.body, "Trop de tentatives");
	/* Another account from the same address is not blocked yet. */
	CHECK_INT(login(&k, DEMO("social"), DEMO_PW), 303);
	/* No proxy is trusted here: a forged X-Forwarded-For changes nothing. */
	cli forged;
	cli_init(&forged, s);
	snprintf(forged.xff, sizeof forged.xff, "198.51.100.77");
	CHECK_INT(login(&forged, DEMO("commission"), DEMO_PW), 429);
	cli_free(&forged);
	cli_free(&k);
}

/* Behind a trusted reverse proxy: attempts count per client address (read
 * from X-Forwarded-For), the attacker slows down, the real user logs in,
 * and parallel attempts cannot pass the limits together. */
typedef struct attempt {
	cli k;
	long status;
} attempt;

static void *attempt_run(void *p)
{
	attempt *t = p;
	char pre[64] = "", body[512];
	extract(t->k.last.body, "name=\"_pre\" value=\"", pre, sizeof pre);
	snprintf(body, sizeof body, "email=%s&password=faux-mot-de-passe&_pre=%s&suite=/", DEMO("instructeur"), pre);
	t->status = post(&t->k, "/connexion", body)->status;
	return NULL;
}

static void test_throttle_proxy(void)
{
	T_GROUP("throttling behind a trusted proxy");
	srv p;
	const char *extra[] = {"--trusted-proxy", "127.0.0.1", NULL};
	CHECK(srv_start_args(&p, db_url, extra), "a server behind a proxy");
	cli attacker, director;
	cli_init(&attacker, &p);
	cli_init(&director, &p);
	snprintf(attacker.xff, sizeof attacker.xff, "203.0.113.7");
	snprintf(director.xff, sizeof director.xff, "198.51.100.9");
	for (int i = 0; i < 5; i++)
		CHECK_INT(login(&attacker, DEMO("responsable"), "pas le bon mot de passe"), 401);
	CHECK_INT(login(&attacker, DEMO("responsable"), "pas le bon mot de passe"), 429);
	CHECK_HAS(attacker.last.body, "réessayez dans");
	CHECK_INT(login(&attacker, DEMO("responsable"), DEMO_PW), 429); /* even the right one, from there, for now */
	CHECK_INT(login(&director, DEMO("responsable"), DEMO_PW), 303); /* the director is not locked out */
	/* 20 failures from one address lock that address only. */
	const char *users[] = {DEMO("accueil"), DEMO("social"), DEMO("dpo"), DEMO("admin")};
	int failures = 5;
	for (int u = 0; u < 4; u++)
		for (int i = 0; i < 5 && failures < 20; i++, failures++)
			CHECK_INT(login(&attacker, users[u], "pas le bon mot de passe"), 401);
	CHECK_INT(login(&attacker, DEMO("commission"), DEMO_PW), 429);
	CHECK_HAS(attacker.last.body, "depuis cette adresse");
	cli other;
	cli_init(&other, &p);
	snprintf(other.xff, sizeof other.xff, "192.0.2.44");
	CHECK_INT(login(&other, DEMO("accueil"), DEMO_PW), 303);
	cli_free(&other);

	T_GROUP("40 parallel wrong passwords: exactly 5 evaluated");
	enum { N = 40 };
	static attempt at[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		cli_init(&at[i].k, &p);
		snprintf(at[i].k.xff, sizeof at[i].k.xff, "192.0.2.99");
		get(&at[i].k, "/connexion");
	}
	for (int i = 0; i < N; i++)
		pthread_create(&th[i], NULL, attempt_run, &at[i]);
	int evaluated = 0, throttled = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		evaluated += at[i].status == 401;
		throttled += at[i].status == 429;
		cli_free(&at[i].k);
	}
	CHECK_INT(evaluated, 5);
	CHECK_INT(throttled, N - 5);
	cli_free(&attacker);
	cli_free(&director);
	CHECK_INT(srv_stop(&p), 0);

	T_GROUP("without --trusted-proxy, X-Forwarded-For is not believed");
	/* On the main server (no proxy trusted), changing the header does not
	 * give new attempts: checked with the pair already throttled above
	 * for commission from 127.0.0.1 (test_throttle). */
}

static void test_roles(srv *s)
{
	T_GROUP("roles");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("accueil"), DEMO_PW), 303);
	resp *r = get(&k, "/admin/utilisateurs");
	CHECK_INT(r->status, 403);
	CHECK_HAS(r->body, "Votre rôle ne permet pas cette action.");
	CHECK_INT(get(&k, "/journal")->status, 403);
	CHECK_INT(get(&k, "/api/v1/users")->status, 403);
	r = get(&k, "/");
	CHECK_LACKS(r->body, "href=\"/admin/utilisateurs\"");
	char body[256];
	snprintf(body, sizeof body, "_csrf=%s&role=administrateur&active=1", k.csrf);
	CHECK_INT(post(&k, "/admin/utilisateurs/1", body)->status, 403);
	cli_free(&k);
}

static void test_admin(srv *s)
{
	T_GROUP("admin-users");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("admin"), DEMO_PW), 303);
	resp *r = get(&k, "/admin/utilisateurs");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "Maëlle Payet");
	CHECK_LACKS(r->body, "Paul Técher"); /* other structure */
	r = get(&k, "/admin/utilisateurs?q=payet");
	CHECK_HAS(r->body, "Maëlle Payet");
	CHECK_LACKS(r->body, "Karim Benali");
	char body[512];
	snprintf(body, sizeof body, "_csrf=%s&display_name=Lucie+Hoarau&email=pas-une-adresse&role=instructeur&password=court", k.csrf);
	r = post(&k, "/admin/utilisateurs", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "value=\"Lucie Hoarau\"");
	CHECK_HAS(r->body, "value=\"pas-une-adresse\"");
	CHECK_HAS(r->body, "adresse e-mail valide");
	CHECK_HAS(r->body, "aria-invalid=\"true\"");
	snprintf(body, sizeof body, "_csrf=%s&display_name=Lucie+Hoarau&email=lucie%%40ville.fr&role=instructeur&password=une-phrase-assez-longue", k.csrf);
	r = post(&k, "/admin/utilisateurs", body);
	CHECK_INT(r->status, 303);
	r = get(&k, "/admin/utilisateurs?q=lucie");
	CHECK_HAS(r->body, "Lucie Hoarau");
	cli l;
	cli_init(&l, s);
	CHECK_INT(login(&l, "lucie@ville.fr", "une-phrase-assez-longue"), 303);
	CHECK_HAS(get(&l, "/api/v1/me")->body, "\"role\":\"instructeur\"");
	/* Suspending her ends her sessions at once. */
	int64_t lucie = 0;
	{
		json_t *j = json_loads(get(&l, "/api/v1/me")->body, 0, NULL);
		lucie = json_integer_value(json_object_get(j, "id"));
		json_decref(j);
	}
	snprintf(body, sizeof body, "/admin/utilisateurs/%lld", (long long)lucie);
	char form[256];
	snprintf(form, sizeof form, "_csrf=%s&role=instructeur&active=0", k.csrf);
	CHECK_INT(post(&k, body, form)->status, 303);
	CHECK_INT(get(&l, "/api/v1/me")->status, 401);
	CHECK_INT(login(&l, "lucie@ville.fr", "une-phrase-assez-longue"), 401);
	cli_free(&l);
	/* An administrator cannot demote themself. */
	json_t *me = json_loads(get(&k, "/api/v1/me")->body, 0, NULL);
	snprintf(body, sizeof body, "/admin/utilisateurs/%lld", (long long)json_integer_value(json_object_get(me, "id")));
	json_decref(me);
	snprintf(form, sizeof form, "_csrf=%s&role=accueil&active=1", k.csrf);
	CHECK_INT(post(&k, body, form)->status, 400);
	CHECK_INT(get(&k, "/admin/roles")->status, 200);
	CHECK_HAS(k.last.body, "journal.read");

	T_GROUP("agents grouped by service, narrowed as one types");
	{
		static const char *const who[][2] = {{"Agathe Seniors-Un", "Pôle seniors"}, {"Bruno Seniors-Deux", "Pôle seniors"},
		                                     {"Chloé Accueil-Trois", "Accueil"}};
		for (int i = 0; i < 3; i++) {
			snprintf(body, sizeof body, "{\"display_name\": \"%s\", \"email\": \"svc%d@port-riviere.fr\", \"role\": \"travailleur_social\", "
			         "\"password\": \"mot-de-passe-long-%d\", \"service\": \"%s\"}", who[i][0], i, i, who[i][1]);
			CHECK_INT(post_json(&k, "/api/v1/users", body)->status, 201);
		}
		CHECK_HAS(get(&k, "/api/v1/users?limit=1000")->body, "\"service\":\"Pôle seniors\"");
		r = get(&k, "/agents/choix?champ=orient_user&roles=0&_cherche_orient_user=seniors");
		CHECK_INT(r->status, 200);
		CHECK_HAS(r->body, "<optgroup label=\"Pôle seniors\"><option value=\"");
		CHECK_HAS(r->body, "Agathe Seniors-Un");
		CHECK_HAS(r->body, "Bruno Seniors-Deux");
		CHECK_LACKS(r->body, "Chloé Accueil-Trois");
		CHECK_HAS(r->body, "2 agents sur");
		r = get(&k, "/agents/choix?champ=orient_user&roles=0&_cherche_orient_user=bruno%20seniors");
		CHECK_LACKS(r->body, "Agathe");
		CHECK_HAS(r->body, "Bruno Seniors-Deux");
		/* The household page's agent fields: grouped, with the search. */
		cli soc;
		cli_init(&soc, s);
		CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
		r = get(&soc, "/foyers/1");
		CHECK_HAS(r->body, "<optgroup label=\"Pôle seniors\">");
		CHECK_HAS(r->body, "Chercher un agent (nom ou service)");
		CHECK_HAS(r->body, "hx-get=\"/agents/choix?champ=");
		CHECK_INT(get(&soc, "/agents/choix?champ=Bad%3Cname&roles=0")->status, 400);
		cli_free(&soc);
	}

	T_GROUP("admin-structure");
	r = get(&k, "/admin/structure");
	char ver[16] = "";
	extract(r->body, "name=\"version\" value=\"", ver, sizeof ver);
	CHECK(ver[0], "version field");
	snprintf(body, sizeof body, "_csrf=%s&version=%s&name=CCAS+de+Port-Rivi%%C3%%A8re&insee=9740&tz=Indian%%2FReunion&address=1+rue+de+la+Mairie", k.csrf, ver);
	r = post(&k, "/admin/structure", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Le code INSEE compte 5 caractères");
	CHECK_HAS(r->body, "value=\"9740\"");
	CHECK_HAS(r->body, "1 rue de la Mairie");
	snprintf(body, sizeof body, "_csrf=%s&version=%s&name=CCAS+de+Port-Rivi%%C3%%A8re&insee=97407&tz=Indian%%2FReunion&address=1+rue+de+la+Mairie", k.csrf, ver);
	CHECK_INT(post(&k, "/admin/structure", body)->status, 303);
	/* Same form posted again with the old version: someone else's edit wins, ours is kept on screen. */
	snprintf(body, sizeof body, "_csrf=%s&version=%s&name=Autre+nom&insee=97407&tz=Indian%%2FReunion", k.csrf, ver);
	r = post(&k, "/admin/structure", body);
	CHECK_INT(r->status, 409);
	CHECK_HAS(r->body, "value=\"Autre nom\"");
	r = get(&k, "/api/v1/structure");
	CHECK_HAS(r->body, "\"insee\":\"97407\"");
	CHECK_HAS(r->body, "\"tz\":\"Indian/Reunion\"");
	/* The signatory of letters, set on the page, read back by the API. */
	r = get(&k, "/admin/structure");
	extract(r->body, "name=\"version\" value=\"", ver, sizeof ver);
	snprintf(body, sizeof body, "_csrf=%s&version=%s&name=CCAS+de+Port-Rivi%%C3%%A8re&insee=97407&tz=Indian%%2FReunion&"
	         "address=1+rue+de+la+Mairie&sig_name=Marie+Hoarau&sig_title=Directrice+du+CCAS", k.csrf, ver);
	CHECK_INT(post(&k, "/admin/structure", body)->status, 303);
	json_t *sj = json_loads(get(&k, "/api/v1/structure")->body, 0, NULL);
	json_t *sig = json_object_get(sj, "signatory");
	CHECK_STR(json_string_value(json_object_get(sig, "name")), "Marie Hoarau");
	CHECK_STR(json_string_value(json_object_get(sig, "title")), "Directrice du CCAS");
	CHECK(json_is_false(json_object_get(sig, "by_delegation")), "the box left unticked: signs in own name");
	/* Through the API: a change without the signatory keeps it. */
	snprintf(body, sizeof body, "{\"version\": %lld, \"name\": \"CCAS de Port-Rivière\", \"insee\": \"97407\", "
	         "\"tz\": \"Indian/Reunion\", \"address\": \"1 rue de la Mairie\", \"phone\": \"02 62 00 00 01\"}",
	         (long long)json_integer_value(json_object_get(sj, "version")));
	json_decref(sj);
	CHECK_INT(post_json(&k, "/api/v1/structure", body)->status, 200);
	CHECK_HAS(k.last.body, "\"name\":\"Marie Hoarau\"");
	CHECK_HAS(k.last.body, "02 62 00 00 01");
	/* Logo: content checked, not the name. */
	r = post_file(&k, "/admin/structure/logo", "logo", "logo.png", "<svg onload=alert(1)>", 21);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "PNG ou JPEG");
	static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
	r = post_file(&k, "/admin/structure/logo", "logo", "logo.txt", png, sizeof png);
	CHECK_INT(r->status, 303);
	r = get(&k, "/structure/logo");
	CHECK(r->status == 200 && r->len == sizeof png && has_header(r, "Content-Type: image/png"), "logo served back");
	cli_free(&k);
}

static void test_isolation(srv *s)
{
	T_GROUP("isolation");
	cli a, b;
	cli_init(&a, s);
	cli_init(&b, s);
	CHECK_INT(login(&a, DEMO("admin"), DEMO_PW), 303);
	CHECK_INT(login(&b, "admin@hauts-de-riviere.demo.openccas.fr", DEMO_PW), 303);
	json_t *j = json_loads(get(&a, "/api/v1/users")->body, 0, NULL);
	json_t *users = json_object_get(j, "users");
	CHECK(json_array_size(users) >= 7, "A sees its users");
	int64_t a_user = json_integer_value(json_object_get(json_array_get(users, 0), "id"));
	json_decref(j);
	j = json_loads(get(&b, "/api/v1/users")->body, 0, NULL);
	CHECK_INT(json_array_size(json_object_get(j, "users")), 1);
	json_decref(j);
	char path[64], body[256];
	snprintf(path, sizeof path, "/admin/utilisateurs/%lld", (long long)a_user);
	CHECK_INT(get(&b, path)->status, 404);
	snprintf(body, sizeof body, "_csrf=%s&role=administrateur&active=0", b.csrf);
	CHECK_INT(post(&b, path, body)->status, 404);
	snprintf(path, sizeof path, "/api/v1/users/%lld", (long long)a_user);
	snprintf(body, sizeof body, "{\"role\":\"accueil\",\"active\":false}");
	CHECK(post_json(&b, path, body)->status == 404, "API: B cannot change A's user (%ld)", b.last.status);
	CHECK_HAS(get(&b, "/api/v1/structure")->body, "Hauts-de-Rivière");
	CHECK_LACKS(b.last.body, "Port-Rivière\"");
	CHECK_INT(get(&a, "/api/v1/me")->status, 200); /* A untouched */
	CHECK_HAS(a.last.body, "\"role\":\"administrateur\"");
	/* Switching to a structure one is not a member of is refused. */
	snprintf(body, sizeof body, "_csrf=%s&structure=1", b.csrf);
	CHECK_INT(post(&b, "/structure/changer", body)->status, 403);
	CHECK_HAS(get(&b, "/api/v1/structure")->body, "Hauts-de-Rivière");
	cli_free(&a);
	cli_free(&b);
}

static void test_multi_structure(srv *s)
{
	T_GROUP("switch");
	cli b, a;
	cli_init(&b, s);
	cli_init(&a, s);
	CHECK_INT(login(&b, "admin@hauts-de-riviere.demo.openccas.fr", DEMO_PW), 303);
	/* B's admin adds the responsable of A (existing account) to B. */
	char body[256];
	snprintf(body, sizeof body, "_csrf=%s&display_name=Jean-Luc&email=responsable%%40demo.openccas.fr&role=responsable", b.csrf);
	CHECK_INT(post(&b, "/admin/utilisateurs", body)->status, 303);
	CHECK_INT(login(&a, DEMO("responsable"), DEMO_PW), 303);
	resp *r = get(&a, "/structure/changer");
	CHECK_HAS(r->body, "Hauts-de-Rivière");
	CHECK_HAS(get(&a, "/")->body, "Changer de structure");
	json_t *j = json_loads(get(&b, "/api/v1/structure")->body, 0, NULL);
	int64_t sid_b = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	snprintf(body, sizeof body, "_csrf=%s&structure=%lld", a.csrf, (long long)sid_b);
	CHECK_INT(post(&a, "/structure/changer", body)->status, 303);
	CHECK_HAS(get(&a, "/api/v1/structure")->body, "Hauts-de-Rivière");
	cli_free(&a);
	cli_free(&b);
}

static void test_limits(srv *s)
{
	T_GROUP("limits");
	cli k;
	cli_init(&k, s);
	size_t n = 300 * 1024;
	char *big = malloc(n + 1);
	memset(big, 'a', n);
	memcpy(big, "x=", 2);
	big[n] = 0;
	resp *r = post(&k, "/connexion", big);
	CHECK_INT(r->status, 413);
	CHECK_HAS(r->body, "trop volumineux");
	free(big);
	r = post(&k, "/connexion", "email=%ZZ");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "Demande incorrecte");
	r = get(&k, "/admin/utilisateurs?q=%C3");
	CHECK_INT(r->status, 400);
	r = post_json(&k, "/api/v1/users", "{\"a\":");
	CHECK_INT(r->status, 401);
	CHECK_INT(login(&k, DEMO("admin"), DEMO_PW), 303);
	r = post_json(&k, "/api/v1/users", "{\"email\":\"x\",\"role\":\"roi\"}");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "\"fields\"");
	CHECK_HAS(r->body, "\"role\"");
	r = post_json(&k, "/api/v1/users", "[1,2]");
	CHECK_INT(r->status, 400);
	k.csrf[0] = 0;
	CHECK_INT(post_json(&k, "/api/v1/users", "{}")->status, 403); /* cookie session without CSRF header */
	cli_free(&k);
}

static void test_api_token(srv *s)
{
	T_GROUP("api-token");
	char tok[80] = "";
	const char *argv[] = {bin_path(), "token", "create", "--user", DEMO("dpo"), "--db", db_url, NULL};
	CHECK_INT(capture(argv, tok, sizeof tok), 0);
	tok[strcspn(tok, "\n")] = 0;
	CHECK_INT(strlen(tok), 43);
	cli k;
	cli_init(&k, s);
	snprintf(k.bearer, sizeof k.bearer, "%s", tok);
	resp *r = get(&k, "/api/v1/me");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"role\":\"dpo\"");
	r = get(&k, "/api/v1/journal?kind=session");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"action\":\"login\"");
	CHECK_LACKS(r->body, "Nadia"); /* ids, never names */
	r = get(&k, "/api/v1/journal/verify");
	CHECK_HAS(r->body, "\"intact\":true");
	r = get(&k, "/api/v1/journal?from=2026-13-01");
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "AAAA-MM-JJ");
	/* A token needs no CSRF (it is not ambient), but keeps its role. */
	r = post_json(&k, "/api/v1/users", "{\"email\":\"x@y.fr\"}");
	CHECK_INT(r->status, 403);
	snprintf(k.bearer, sizeof k.bearer, "%s", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	CHECK_INT(get(&k, "/api/v1/me")->status, 401);
	k.bearer[0] = 0;
	CHECK_INT(login(&k, DEMO("dpo"), DEMO_PW), 303);
	r = get(&k, "/journal?kind=session");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "<td>connexion</td>");
	r = get(&k, "/journal?verifier=1");
	CHECK_HAS(r->body, "Chaîne intègre");
	cli_free(&k);
	const char *verify[] = {bin_path(), "journal", "verify", "--db", db_url, NULL};
	char out[2048];
	CHECK_INT(capture(verify, out, sizeof out), 0);
	CHECK_HAS(out, "chaîne intègre");
}

/* The id of the token whose label is `label`, from the admin's API list. */
static long long token_id(cli *adm, const char *label)
{
	json_t *j = json_loads(get(adm, "/api/v1/tokens?limit=1000")->body, 0, NULL);
	long long id = 0;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(j, "tokens"), i, t)
		if (!strcmp(json_string_value(json_object_get(t, "label")) ? json_string_value(json_object_get(t, "label")) : "", label))
			id = (long long)json_integer_value(json_object_get(t, "id"));
	json_decref(j);
	return id;
}

static int token_status(srv *s, const char *tok)
{
	cli k;
	cli_init(&k, s);
	snprintf(k.bearer, sizeof k.bearer, "%s", tok);
	int st = (int)get(&k, "/api/v1/me")->status;
	cli_free(&k);
	return st;
}

static void cli_token(const char *user, const char *label, const char *extra, char *out, size_t n)
{
	const char *argv[] = {bin_path(), "token", "create", "--user", user, "--label", label, "--db", db_url, extra, NULL};
	out[0] = 0;
	capture(argv, out, n);
	out[strcspn(out, "\n")] = 0;
}

static void test_token_lifecycle(srv *s)
{
	T_GROUP("api tokens: list, revoke, expiry, password, disabled account, two-factor");
	cli adm;
	cli_init(&adm, s);
	CHECK_INT(login(&adm, DEMO("admin"), DEMO_PW), 303);
	char tok[80], out[8192], body[512], path[96];
	/* Revoked through the API: refused at once. */
	cli_token(DEMO("instructeur"), "a-revoquer", NULL, tok, sizeof tok);
	CHECK_INT(token_status(s, tok), 200);
	long long id = token_id(&adm, "a-revoquer");
	CHECK(id > 0, "the token is listed");
	snprintf(path, sizeof path, "/api/v1/tokens/%lld/revoke", id);
	CHECK_INT(post_json(&adm, path, "{}")->status, 200);
	CHECK_INT(token_status(s, tok), 401);
	/* Revoked on the command line. */
	cli_token(DEMO("instructeur"), "cli-revoke", NULL, tok, sizeof tok);
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", token_id(&adm, "cli-revoke"));
	const char *list[] = {bin_path(), "token", "list", "--db", db_url, NULL};
	CHECK_INT(capture(list, out, sizeof out), 0);
	CHECK_HAS(out, "cli-revoke");
	CHECK_HAS(out, "révoqué");
	const char *rev[] = {bin_path(), "token", "revoke", ids, "--db", db_url, NULL};
	CHECK_INT(capture(rev, out, sizeof out), 0);
	CHECK_INT(token_status(s, tok), 401);
	const char *rev_unknown[] = {bin_path(), "token", "revoke", "999999", "--db", db_url, NULL};
	CHECK_INT(capture(rev_unknown, out, sizeof out), 4);
	/* Every token expires: past its date, refused. */
	cli_token(DEMO("instructeur"), "expire", "--service", tok, sizeof tok);
	CHECK_INT(token_status(s, tok), 200);
	snprintf(body, sizeof body, "UPDATE api_tokens SET expires_at = 1 WHERE id = %lld", token_id(&adm, "expire"));
	CHECK_INT(db_tamper(body), 0);
	CHECK_INT(token_status(s, tok), 401);
	CHECK_HAS(get(&adm, "/admin/jetons")->body, "expiré");
	const char *bad_days[] = {bin_path(), "token", "create", "--user", DEMO("instructeur"), "--days", "0", "--db", db_url, NULL};
	CHECK_INT(capture(bad_days, out, sizeof out), 2);
	/* Created on the administration page, shown once, works. */
	snprintf(body, sizeof body, "_csrf=%s&email=%s&label=page-token&days=30", adm.csrf, DEMO("instructeur"));
	resp *r = post(&adm, "/admin/jetons", body);
	CHECK_INT(r->status, 200);
	{
		const char *at = strstr(r->body, "<code class=\"secret\">");
		at = at ? at + strlen("<code class=\"secret\">") : "";
		snprintf(tok, sizeof tok, "%.*s", (int)strcspn(at, "<"), at);
	}
	CHECK(strlen(tok) == 43, "the new token is shown once (%s)", tok);
	CHECK_INT(token_status(s, tok), 200);
	r = get(&adm, "/admin/jetons");
	CHECK_HAS(r->body, "page-token");
	CHECK_LACKS(r->body, tok);
	snprintf(body, sizeof body, "_csrf=%s&email=personne@nulle.part&label=x", adm.csrf);
	r = post(&adm, "/admin/jetons", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "value=\"personne@nulle.part\""); /* what was typed is kept */
	/* A password change revokes the owner's tokens. */
	cli ins;
	cli_init(&ins, s);
	CHECK_INT(login(&ins, DEMO("instructeur"), DEMO_PW), 303);
	snprintf(body, sizeof body, "_csrf=%s&current=%s&new=un-autre-mot-de-passe&confirm=un-autre-mot-de-passe", ins.csrf, DEMO_PW);
	CHECK_INT(post(&ins, "/compte/mot-de-passe", body)->status, 303);
	CHECK_INT(token_status(s, tok), 401);
	snprintf(body, sizeof body, "_csrf=%s&current=un-autre-mot-de-passe&new=%s&confirm=%s", ins.csrf, DEMO_PW, DEMO_PW);
	CHECK_INT(post(&ins, "/compte/mot-de-passe", body)->status, 303);
	CHECK_INT(token_status(s, tok), 401); /* and does not come back */
	cli_free(&ins);
	/* Disabling the account (here its membership) revokes them for good. */
	cli_token(DEMO("commission"), "desactive", NULL, tok, sizeof tok);
	CHECK_INT(token_status(s, tok), 200);
	json_t *me = NULL;
	{
		cli c2;
		cli_init(&c2, s);
		snprintf(c2.bearer, sizeof c2.bearer, "%s", tok);
		me = json_loads(get(&c2, "/api/v1/me")->body, 0, NULL);
		cli_free(&c2);
	}
	long long uid = (long long)json_integer_value(json_object_get(me, "id"));
	json_decref(me);
	snprintf(path, sizeof path, "/admin/utilisateurs/%lld", uid);
	snprintf(body, sizeof body, "_csrf=%s&role=commission&active=0", adm.csrf);
	CHECK_INT(post(&adm, path, body)->status, 303);
	snprintf(body, sizeof body, "_csrf=%s&role=commission&active=1", adm.csrf);
	CHECK_INT(post(&adm, path, body)->status, 303);
	CHECK_INT(token_status(s, tok), 401);
	/* A role held to two-factor authentication: only a service token. */
	char plain[80], service[80];
	cli_token(DEMO("responsable"), "humain", NULL, plain, sizeof plain);
	cli_token(DEMO("responsable"), "service", "--service", service, sizeof service);
	snprintf(body, sizeof body, "_csrf=%s&role=responsable", adm.csrf);
	CHECK_INT(post(&adm, "/admin/structure/totp", body)->status, 303);
	CHECK_INT(token_status(s, plain), 401);
	CHECK_INT(token_status(s, service), 200);
	snprintf(body, sizeof body, "_csrf=%s", adm.csrf);
	CHECK_INT(post(&adm, "/admin/structure/totp", body)->status, 303);
	CHECK_INT(token_status(s, plain), 200);
	cli_free(&adm);
}

/* A documented path with its parameters named ({id}, {person_id}) as the
 * router writes it (every parameter {id}). */
static void router_path(const char *doc, char *out, size_t n)
{
	size_t k = 0;
	for (const char *p = doc; *p && k + 5 < n; p++) {
		if (*p == '{') {
			memcpy(out + k, "{id}", 4);
			k += 4;
			while (*p && *p != '}')
				p++;
			if (!*p)
				break;
		} else {
			out[k++] = *p;
		}
	}
	out[k] = 0;
}

static void test_openapi(srv *s)
{
	T_GROUP("openapi");
	cli k;
	cli_init(&k, s);
	resp *r = get(&k, "/api/v1/openapi.json");
	CHECK_INT(r->status, 200);
	json_t *doc = json_loads(r->body, 0, NULL);
	json_t *paths = json_object_get(doc, "paths");
	CHECK(json_is_object(paths), "paths");
	static char out[1 << 18];
	const char *argv[] = {bin_path(), "routes", NULL};
	capture(argv, out, sizeof out);
	CHECK(strlen(out) + 1 < sizeof out, "the route list was read whole");
	/* The documented operations, with their paths as the router writes them. */
	json_t *documented = json_object();
	const char *path;
	json_t *item;
	json_object_foreach(paths, path, item) {
		char rp[300];
		router_path(path, rp, sizeof rp);
		const char *m;
		json_t *op;
		json_object_foreach(item, m, op) {
			char key[320];
			snprintf(key, sizeof key, "%s %s", m, rp);
			CHECK(!json_object_get(documented, key), "%s documented once", key);
			json_object_set_new(documented, key, json_true());
			/* Every operation says what it answers, with a schema. */
			json_t *resp2 = NULL;
			const char *code;
			json_t *rv;
			json_object_foreach(json_object_get(op, "responses"), code, rv)
				if (code[0] == '2')
					resp2 = rv;
			CHECK(resp2 != NULL, "%s %s documents its success", m, path);
			json_t *content = resp2 ? json_object_get(resp2, "content") : NULL;
			bool schema = false;
			const char *type;
			json_t *media;
			json_object_foreach(content, type, media)
				schema |= json_object_get(media, "schema") != NULL;
			CHECK(schema || (resp2 && json_object_get(resp2, "$ref")), "%s %s has a response schema", m, path);
			if (!strcmp(m, "post")) {
				json_t *rb = json_object_get(op, "requestBody");
				bool body = rb && (json_object_get(rb, "$ref") || json_object_get(rb, "content"));
				CHECK(body || json_is_true(json_object_get(op, "x-no-body")), "%s %s documents its request body", m, path);
			}
		}
	}
	int routes = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char method[16], rpath[256];
		if (sscanf(line, "%15s %255s", method, rpath) != 2 || strncmp(rpath, "/api/", 5))
			continue;
		routes++;
		for (char *m = method; *m; m++)
			*m = (char)(*m - 'A' + 'a');
		char key[320];
		snprintf(key, sizeof key, "%s %s", method, rpath);
		CHECK(json_object_get(documented, key) != NULL, "route %s is documented in openapi.json", key);
		json_object_del(documented, key);
	}
	const char *left;
	json_t *v;
	json_object_foreach(documented, left, v)
		CHECK(0, "documented %s exists as a route", left);
	CHECK(routes > 5 && json_object_size(documented) == 0, "%d routes, all documented, nothing documented that is not one", routes);
	json_decref(documented);
	json_decref(doc);
	cli_free(&k);
}

static void test_password(srv *s)
{
	T_GROUP("password");
	cli k, other;
	cli_init(&k, s);
	cli_init(&other, s);
	CHECK_INT(login(&k, DEMO("instructeur"), DEMO_PW), 303);
	CHECK_INT(login(&other, DEMO("instructeur"), DEMO_PW), 303);
	char body[256];
	snprintf(body, sizeof body, "_csrf=%s&current=%s&new=court&confirm=court", k.csrf, DEMO_PW);
	resp *r = post(&k, "/compte/mot-de-passe", body);
	CHECK_INT(r->status, 400);
	CHECK_HAS(r->body, "au moins 12 caractères");
	snprintf(body, sizeof body, "_csrf=%s&current=%s&new=nouvelle-phrase-secrete&confirm=nouvelle-phrase-secrete", k.csrf, DEMO_PW);
	CHECK_INT(post(&k, "/compte/mot-de-passe", body)->status, 303);
	CHECK_INT(get(&k, "/compte")->status, 200);
	CHECK_INT(get(&other, "/compte")->status, 303); /* other sessions closed */
	cli n;
	cli_init(&n, s);
	CHECK_INT(login(&n, DEMO("instructeur"), "nouvelle-phrase-secrete"), 303);
	cli_free(&n);
	cli_free(&k);
	cli_free(&other);
}

static void test_two_servers(srv *s)
{
	T_GROUP("two-servers");
	srv s2;
	/* The second one also writes the port the kernel gave it to a file. */
	char pf[128];
	snprintf(pf, sizeof pf, "/tmp/openccas-port-%d", (int)getpid());
	unlink(pf);
	const char *extra[] = {"--port-file", pf, NULL};
	CHECK(srv_start_args(&s2, db_url, extra), "second serve process on the same database");
	CHECK(s2.port != s->port && s2.port > 0, "two servers, two ports chosen by the kernel (%d, %d)", s->port, s2.port);
	FILE *f = fopen(pf, "r");
	int filed = 0;
	CHECK(f && fscanf(f, "%d", &filed) == 1, "the port file exists and holds a number");
	if (f)
		fclose(f);
	CHECK_INT(filed, s2.port);
	unlink(pf);
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("social"), DEMO_PW), 303);
	k.s = &s2; /* same cookie jar, other process */
	resp *r = get(&k, "/api/v1/me");
	CHECK_INT(r->status, 200);
	CHECK_HAS(r->body, "\"role\":\"travailleur_social\"");
	CHECK_INT(srv_stop(&s2), 0);
	cli_free(&k);
}

static void test_cli(srv *s)
{
	T_GROUP("cli");
	char out[8192];
	const char *help[] = {bin_path(), "--help", NULL};
	CHECK_INT(capture(help, out, sizeof out), 0);
	CHECK_HAS(out, "serve");
	const char *none[] = {bin_path(), NULL};
	CHECK_INT(capture(none, out, sizeof out), 2);
	const char *unknown[] = {bin_path(), "fabriquer", NULL};
	CHECK_INT(capture(unknown, out, sizeof out), 2);
	const char *baddb[] = {bin_path(), "migrate", "--db", "mysql://x", NULL};
	CHECK_INT(capture(baddb, out, sizeof out), 3);
	const char *noarg[] = {bin_path(), "user", "add", "--db", db_url, "--email", "cli@ville.fr", NULL};
	CHECK_INT(capture(noarg, out, sizeof out), 2);
	setenv("OPENCCAS_PASSWORD", "court", 1);
	const char *shortpw[] = {bin_path(), "user", "add", "--db", db_url, "--email", "cli@ville.fr", "--name", "Agent CLI",
	                         "--role", "accueil", NULL};
	CHECK_INT(capture(shortpw, out, sizeof out), 2);
	setenv("OPENCCAS_PASSWORD", "mot-de-passe-de-la-cli", 1);
	CHECK_INT(capture(shortpw, out, sizeof out), 0);
	CHECK_HAS(out, "Utilisateur n°");
	CHECK_INT(capture(shortpw, out, sizeof out), 1); /* already exists */
	unsetenv("OPENCCAS_PASSWORD");
	const char *list[] = {bin_path(), "user", "list", "--db", db_url, NULL};
	CHECK_INT(capture(list, out, sizeof out), 0);
	CHECK_HAS(out, "cli@ville.fr");
	CHECK_HAS(out, "accueil");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, "cli@ville.fr", "mot-de-passe-de-la-cli"), 303);
	const char *dis[] = {bin_path(), "user", "disable", "--db", db_url, "--email", "cli@ville.fr", NULL};
	CHECK_INT(capture(dis, out, sizeof out), 0);
	CHECK_INT(get(&k, "/api/v1/me")->status, 401); /* a disabled account's session ends at once */
	CHECK_INT(login(&k, "cli@ville.fr", "mot-de-passe-de-la-cli"), 401);
	const char *dis2[] = {bin_path(), "user", "disable", "--db", db_url, "--email", "personne@ville.fr", NULL};
	CHECK_INT(capture(dis2, out, sizeof out), 4);
	const char *check[] = {bin_path(), "check", "--db", db_url, NULL};
	CHECK_INT(capture(check, out, sizeof out), 0);
	CHECK_HAS(out, "Migrations en attente : 0");
	CHECK_HAS(out, "Parties des dossiers : conformes au recomptage"); /* tests/unit/modules.c puts some wrong */
	const char *recount[] = {bin_path(), "check", "--db", db_url, "--recompter", NULL};
	CHECK_INT(capture(recount, out, sizeof out), 0);
	CHECK_HAS(out, "Parties des dossiers : conformes au recomptage");
	/* init on an empty database: schema, structure, first administrator. */
	char fresh[128];
	snprintf(fresh, sizeof fresh, "sqlite:/tmp/openccas-init-%d.db", (int)getpid());
	unlink(fresh + 7);
	const char *init_noadmin[] = {bin_path(), "init", "--db", fresh, "--structure", "CCAS de Test", NULL};
	CHECK_INT(capture(init_noadmin, out, sizeof out), 2);
	setenv("OPENCCAS_PASSWORD", "premier-administrateur", 1);
	const char *init[] = {bin_path(), "init", "--db", fresh, "--structure", "CCAS de Test", "--admin", "dsi@test.fr", NULL};
	CHECK_INT(capture(init, out, sizeof out), 0);
	CHECK_HAS(out, "Structure n° 1 créée");
	CHECK_INT(capture(init, out, sizeof out), 1); /* the administrator exists already */
	unsetenv("OPENCCAS_PASSWORD");
	const char *list2[] = {bin_path(), "user", "list", "--db", fresh, NULL};
	CHECK_INT(capture(list2, out, sizeof out), 0);
	CHECK_HAS(out, "administrateur");
	struct stat stt;
	CHECK(stat(fresh + 7, &stt) == 0 && (stt.st_mode & 077) == 0, "database file is private (mode %o)", stt.st_mode & 0777);
	unlink(fresh + 7);
	const char *tok[] = {bin_path(), "token", "create", "--db", db_url, "--user", "inconnu@ville.fr", NULL};
	CHECK_INT(capture(tok, out, sizeof out), 4);
	cli_free(&k);
}

/* Two-factor authentication: set up with a code, then required at login
 * (a code used once), disabled with a code; a structure can make it
 * mandatory for a role — until then that role's files stay closed. */
static void test_totp(srv *s)
{
	T_GROUP("two-factor authentication (TOTP)");
	cli k;
	cli_init(&k, s);
	CHECK_INT(login(&k, DEMO("dpo"), DEMO_PW), 303);
	char body[256], secret[64] = "";
	snprintf(body, sizeof body, "_csrf=%s", k.csrf);
	CHECK_INT(post(&k, "/compte/totp/preparer", body)->status, 303);
	resp *r = get(&k, "/compte?totp=1");
	CHECK(extract(r->body, "<code id=\"totp-secret\">", secret, sizeof secret), "the secret is shown");
	char *lt = strchr(secret, '<');
	if (lt)
		*lt = 0;
	CHECK_INT(strlen(secret), 32);
	snprintf(body, sizeof body, "_csrf=%s&code=000000", k.csrf);
	r = post(&k, "/compte/totp/activer", body);
	CHECK_INT(r->status, 400); /* a wrong code does not enable it */
	CHECK_HAS(r->body, "Code incorrect");
	int64_t step = (int64_t)time(NULL) / 30;
	snprintf(body, sizeof body, "_csrf=%s&code=%06d", k.csrf, totp_code(secret, step));
	CHECK_INT(post(&k, "/compte/totp/activer", body)->status, 303);
	CHECK_HAS(get(&k, "/compte")->body, "Activée");
	/* At login: the code is now required, and each one works once. */
	cli l;
	cli_init(&l, s);
	CHECK_INT(login(&l, DEMO("dpo"), DEMO_PW), 401);
	CHECK_HAS(l.last.body, "saisissez aussi le code");
	get(&l, "/connexion");
	char pre[64] = "";
	extract(l.last.body, "name=\"_pre\" value=\"", pre, sizeof pre);
	snprintf(body, sizeof body, "email=%s&password=%s&_pre=%s&code=%06d", "dpo%40demo.openccas.fr", DEMO_PW, pre,
	         totp_code(secret, step + 1));
	CHECK_INT(post(&l, "/connexion", body)->status, 303); /* the next step's code: the activation used this one */
	cli m;
	cli_init(&m, s);
	get(&m, "/connexion");
	extract(m.last.body, "name=\"_pre\" value=\"", pre, sizeof pre);
	snprintf(body, sizeof body, "email=%s&password=%s&_pre=%s&code=%06d", "dpo%40demo.openccas.fr", DEMO_PW, pre,
	         totp_code(secret, step + 1));
	CHECK_INT(post(&m, "/connexion", body)->status, 401); /* the same code a second time */
	CHECK_HAS(m.last.body, "déjà utilisé");
	/* Disabling asks for a code; an administrator can reset it (lost phone). */
	extract(get(&l, "/compte")->body, "data-csrf=\"", l.csrf, sizeof l.csrf);
	snprintf(body, sizeof body, "_csrf=%s&code=%06d", l.csrf, (totp_code(secret, step + 1) + 1) % 1000000);
	CHECK_INT(post(&l, "/compte/totp/desactiver", body)->status, 400);
	cli ad;
	cli_init(&ad, s);
	CHECK_INT(login(&ad, DEMO("admin"), DEMO_PW), 303);
	json_t *me = json_loads(get(&l, "/api/v1/me")->body, 0, NULL);
	long long dpo_id = (long long)json_integer_value(json_object_get(me, "id"));
	json_decref(me);
	char rp[64];
	CHECK(dpo_id > 0, "my id (%lld)", dpo_id);
	snprintf(rp, sizeof rp, "/admin/utilisateurs/%lld/totp", dpo_id);
	snprintf(body, sizeof body, "_csrf=%s", ad.csrf);
	CHECK_INT(post(&ad, rp, body)->status, 303);
	cli_free(&ad);
	CHECK_INT(login(&m, DEMO("dpo"), DEMO_PW), 303); /* the password alone works again */
	cli_free(&m);
	cli_free(&l);
	cli_free(&k);

	T_GROUP("two-factor authentication required for a role");
	cli adm, soc;
	cli_init(&adm, s);
	cli_init(&soc, s);
	CHECK_INT(login(&adm, DEMO("admin"), DEMO_PW), 303);
	snprintf(body, sizeof body, "_csrf=%s&role=travailleur_social", adm.csrf);
	CHECK_INT(post(&adm, "/admin/structure/totp", body)->status, 303);
	CHECK_INT(login(&soc, DEMO("social"), DEMO_PW), 303);
	CHECK_INT(get(&soc, "/personnes")->status, 403);      /* files closed … */
	CHECK_HAS(get(&soc, "/")->body, "obligatoire pour votre rôle"); /* … and told why */
	CHECK_INT(get(&soc, "/compte")->status, 200);         /* where to set it up */
	snprintf(body, sizeof body, "_csrf=%s", adm.csrf);
	CHECK_INT(post(&adm, "/admin/structure/totp", body)->status, 303);
	CHECK_INT(get(&soc, "/personnes")->status, 200);
	cli_free(&soc);
	cli_free(&adm);
}

/* A user sees their open sessions and closes one, or all the others. */
static void test_sessions(srv *s)
{
	T_GROUP("my sessions");
	cli a, b, c;
	cli_init(&a, s);
	cli_init(&b, s);
	cli_init(&c, s);
	CHECK_INT(login(&a, DEMO("dpo"), DEMO_PW), 303);
	CHECK_INT(login(&b, DEMO("dpo"), DEMO_PW), 303);
	CHECK_INT(login(&c, DEMO("dpo"), DEMO_PW), 303);
	resp *r = get(&a, "/compte");
	CHECK_HAS(r->body, "Mes sessions ouvertes");
	CHECK_HAS(r->body, "cette session");
	/* b's session: the one b's own page calls "cette session" is not closable there. */
	char other[32] = "";
	const char *p = strstr(get(&b, "/compte")->body, "cette session");
	CHECK(p != NULL, "b sees its own session");
	r = get(&a, "/compte");
	CHECK(extract(r->body, "action=\"/compte/sessions/", other, sizeof other), "a closable session is listed");
	char path[96], body[128];
	snprintf(path, sizeof path, "/compte/sessions/%s", other); /* "N/fermer" */
	snprintf(body, sizeof body, "_csrf=%s", a.csrf);
	CHECK_INT(post(&a, path, body)->status, 303);
	/* One of b or c has been signed out; closing all others signs out the rest. */
	long sb = get(&b, "/")->status, sc = get(&c, "/")->status;
	CHECK((sb == 303) != (sc == 303), "exactly one other session closed (%ld, %ld)", sb, sc);
	CHECK_INT(post(&a, "/compte/sessions/fermer", body)->status, 303);
	CHECK_INT(get(&b, "/")->status, 303);
	CHECK_INT(get(&c, "/")->status, 303);
	CHECK_INT(get(&a, "/")->status, 200); /* the session that asked stays open */
	CHECK_INT(post(&a, "/compte/sessions/999999/fermer", body)->status, 404);
	cli_free(&a);
	cli_free(&b);
	cli_free(&c);
}

/* ---- the stop, on raw connections ---- */

/* A connection to the server, reads bounded to 10 s. */
static int raw_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	struct timeval tv = {10, 0};
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
	                connect(fd, (struct sockaddr *)&a, sizeof a) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static bool raw_send(int fd, const char *s) { return fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s); }

/* What arrives until `want` is seen, the connection ends or 10 s pass: the bytes read, -1 on a timeout. */
static long raw_read_until(int fd, const char *want, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	while (fd >= 0 && len + 1 < n && !(want && strstr(out, want))) {
		ssize_t k = read(fd, out + len, n - 1 - len);
		if (k < 0 && errno != ECONNRESET)
			return -1;
		if (k <= 0)
			break;
		len += (size_t)k;
		out[len] = 0;
	}
	return (long)len;
}

/* The file holds `what`, within 10 s (a condition, checked every 10 ms). */
static bool log_says(const char *path, const char *what)
{
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");
		char line[512];
		bool found = false;
		while (f && !found && fgets(line, sizeof line, f))
			found = strstr(line, what) != NULL;
		if (f)
			fclose(f);
		if (found)
			return true;
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	return false;
}

/* SIGTERM with a request in flight (its body not all sent): the server refuses new connections, answers the
 * request once its body is complete, then stops cleanly. */
static void test_stop(srv *s)
{
	int a = raw_connect(s->port);
	char got[4096];
	CHECK(raw_send(a, "POST /connexion HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
	                  "Content-Length: 26\r\nExpect: 100-continue\r\n\r\n") &&
	          raw_read_until(a, "\r\n\r\n", got, sizeof got) > 0 && strstr(got, " 100 "),
	      "a request in flight: its headers read, the server waits for its body (%.60s)", got);
	kill(s->pid, SIGTERM);
	CHECK(log_says(s->log, "stopping: no new connections"), "the server is stopping");
	int b = raw_connect(s->port);
	long nb = raw_send(b, "GET /connexion HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") ? raw_read_until(b, NULL, got, sizeof got) : 0;
	CHECK(nb == 0, "a new connection is closed without an answer (%ld bytes: %.60s)", nb, got);
	if (b >= 0)
		close(b);
	CHECK(raw_send(a, "email=x%40y.fr&password=zz") && raw_read_until(a, "\r\n\r\n", got, sizeof got) > 0 &&
	          !strncmp(got, "HTTP/1.1 ", 9),
	      "the request in flight is answered (%.40s)", got);
	if (a >= 0)
		close(a);
	CHECK_INT(srv_wait(s), 0);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	if (getenv("OPENCCAS_TEST_PG")) {
		/* This database's own seal file (the key may be shared). */
		static char sp[128];
		snprintf(sp, sizeof sp, "/tmp/openccas-seals-%d", (int)getpid());
		unlink(sp);
		setenv("OPENCCAS_JOURNAL_SEALS", sp, 1);
	}
	srv s;
	if (!srv_start(&s, "http")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	snprintf(db_url, sizeof db_url, "%s", fresh_url);
	test_shell(&s);
	test_login(&s);
	test_totp(&s); /* before the throttling tests use up the address's attempts */
	test_throttle(&s);
	test_throttle_proxy();
	test_roles(&s);
	test_admin(&s);
	test_isolation(&s);
	test_multi_structure(&s);
	test_limits(&s);
	test_api_token(&s);
	test_token_lifecycle(&s);
	test_openapi(&s);
	test_password(&s);
	test_two_servers(&s);
	test_cli(&s);
	test_sessions(&s);
	if (geteuid() == 0) {
		T_GROUP("root must name the account to become");
		const char *as_root[] = {bin_path(), "serve", "--db", fresh_url, "--listen", "127.0.0.1:0", NULL};
		CHECK_INT(run_cmd(as_root, 1), 2);
		const char *as_root_user[] = {bin_path(), "serve", "--db", fresh_url, "--listen", "127.0.0.1:0", "--user", "root", NULL};
		CHECK_INT(run_cmd(as_root_user, 1), 2);
		/* The server started by these tests runs as nobody: its log says so. */
		char line[512];
		FILE *lf = fopen(s.log, "r");
		int dropped = 0;
		while (lf && fgets(line, sizeof line, lf))
			dropped |= strstr(line, "serve: running as uid") != NULL;
		if (lf)
			fclose(lf);
		CHECK(dropped, "the server dropped root after opening its port");

		T_GROUP("serve --user never takes a folder it did not create");
		char dir[128], url[200], out[4096];
		snprintf(dir, sizeof dir, "/tmp/openccas-admin-home-%d", (int)getpid());
		mkdir(dir, 0755); /* root's, as an administrator's home would be */
		snprintf(url, sizeof url, "sqlite:%s/ccas.db", dir);
		const char *mig[] = {bin_path(), "migrate", "--db", url, NULL};
		CHECK_INT(run_cmd(mig, 1), 0);
		const char *serve_there[] = {bin_path(), "serve", "--db", url, "--listen", "127.0.0.1:0", "--user", "nobody", NULL};
		CHECK_INT(capture_all(serve_there, out, sizeof out), 3);
		CHECK_HAS(out, "chown nobody: /tmp/openccas-admin-home-");
		CHECK_HAS(out, "ne change pas le propriétaire");
		struct stat dst = {0};
		CHECK(stat(dir, &dst) == 0 && dst.st_uid == 0 && (dst.st_mode & 0777) == 0755, "the folder is still root's, 0755 (uid %u, mode %o)",
		      (unsigned)dst.st_uid, (unsigned)(dst.st_mode & 0777));
		char f[200];
		snprintf(f, sizeof f, "%s/ccas.db", dir);
		unlink(f);
		rmdir(dir);
	}
	if (!fresh_is_pg()) {
		T_GROUP("the database file is private");
		struct stat st = {0};
		CHECK(stat(fresh_url + 7, &st) == 0 && (st.st_mode & 077) == 0, "mode %o", (unsigned)(st.st_mode & 0777)); /* after "sqlite:" */
	}
	T_GROUP("stop: the request in flight answered, new connections refused");
	test_stop(&s);
	T_GROUP("the server sealed the journal's heads; they match the database");
	{
		char sp[600];
		if (getenv("OPENCCAS_JOURNAL_SEALS"))
			snprintf(sp, sizeof sp, "%s", getenv("OPENCCAS_JOURNAL_SEALS"));
		else if (!fresh_is_pg())
			snprintf(sp, sizeof sp, "%s.journal-seals", fresh_url + 7);
		else
			snprintf(sp, sizeof sp, "journal-seals");
		FILE *sf = fopen(sp, "r");
		int lines = 0;
		char l[512];
		while (sf && fgets(l, sizeof l, sf))
			lines += !strncmp(l, "seal 1 structure=", 17);
		if (sf)
			fclose(sf);
		CHECK(lines >= 2, "seals written at start and at stop (%d)", lines);
		char out[4096];
		const char *vs[] = {bin_path(), "journal", "verify", "--db", fresh_url, "--seals", sp, NULL};
		CHECK_INT(capture(vs, out, sizeof out), 0);
		CHECK_HAS(out, "0 problème(s)");
	}
	curl_global_cleanup();
	return T_DONE();
}

/* The algorithm under test, compiled in (tests link no project object). */
#include "core/totp.c"
