/*
 * h.h — drive the real openccas binary over HTTP with libcurl: start it on
 * a loopback port with a fresh database and demo data, log in like a
 * browser (cookies, CSRF), call the API like a script.
 */
#ifndef TESTS_HTTP_H_H
#define TESTS_HTTP_H_H
#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "fresh.h"
#include "t.h"

#define DEMO_PW "demo-openccas-2026"
#define DEMO(login) login "@demo.openccas.fr"

typedef struct srv {
	pid_t pid;
	int port;
	char base[64];
	char log[256];   /* the server's standard error */
} srv;

typedef struct resp {
	long status;
	char *body;
	size_t len, cap;   /* the body grows by doubling: a 40 MB export is not copied 2,500 times */
	char *headers;
	size_t hlen;
} resp;

typedef struct cli {
	CURL *c;
	const srv *s;
	char csrf[64];
	char bearer[80];
	char xff[64];    /* X-Forwarded-For to send (a client behind a proxy) */
	char header[160]; /* one more header to send ("Origin: …") */
	resp last;
} cli;

/* Runs SQL straight on the test database (fresh_url), as someone who can
 * write it would — to simulate time passing or an attack. PostgreSQL
 * through libpq, SQLite through the sqlite3 command. 0 on success. */
__attribute__((unused)) static int db_tamper(const char *sql)
{
	if (!strncmp(fresh_url, "postgresql:", 11)) {
		PGconn *c = PQconnectdb(fresh_url);
		PGresult *r = PQexec(c, sql);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
		if (!ok)
			fprintf(stderr, "db_tamper: %s", PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		return ok ? 0 : 1;
	}
	char path[] = "/tmp/openccas-tamper-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	FILE *f = fdopen(fd, "w");
	fprintf(f, "PRAGMA busy_timeout = 10000;\n%s;\n", sql);
	fclose(f);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "sqlite3 -bail '%s' < %s", fresh_url + 7, path);
	int rc = system(cmd);
	unlink(path);
	return rc;
}

/* 0 when the count the SQL gives is 0 (an invariant of the data), else
 * non-zero: a CHECK constraint refuses any other number, on both
 * engines. */
__attribute__((unused)) static int db_zero(const char *count_sql)
{
	size_t n = strlen(count_sql) + 160;
	char *sql = malloc(n);
	if (!sql)
		return 1;
	snprintf(sql, n, "CREATE TEMP TABLE t_zero (n INTEGER CHECK (n = 0)); INSERT INTO t_zero SELECT (%s)", count_sql);
	int rc = db_tamper(sql);
	free(sql);
	return rc;
}

/* A table of counts kept by triggers (store/counts.h) against the same counts made again from the rows (RECOUNT:
 * structure_id, what, day, n): the number of rows that differ — 0 when they agree; a row left at zero differs. */
#define KEPT_AGREE(recount, table)                                                                                         \
	"SELECT count(*) FROM (" recount ") t FULL OUTER JOIN " table " c ON c.structure_id = t.structure_id "                 \
	"AND c.what = t.what AND c.day = t.day WHERE t.n IS DISTINCT FROM c.n"

static const char *bin_path(void)
{
	const char *b = getenv("OPENCCAS_BIN");
	return b ? b : "build/openccas";
}

static int run_cmd(const char *const argv[], int quiet)
{
	pid_t p = fork();
	if (p == 0) {
		if (quiet) {
			freopen("/dev/null", "w", stdout);
		}
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	int st = 0;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static size_t on_data(char *p, size_t sz, size_t n, void *u)
{
	resp *r = u;
	size_t k = sz * n;
	if (r->len + k + 1 > r->cap) {
		size_t nc = r->cap ? r->cap : 4096;
		while (nc < r->len + k + 1)
			nc *= 2;
		char *nb = realloc(r->body, nc);
		if (!nb)
			return 0;
		r->body = nb;
		r->cap = nc;
	}
	memcpy(r->body + r->len, p, k);
	r->len += k;
	r->body[r->len] = 0;
	return k;
}

static size_t on_header(char *p, size_t sz, size_t n, void *u)
{
	resp *r = u;
	size_t k = sz * n;
	char *nb = realloc(r->headers, r->hlen + k + 1);
	if (!nb)
		return 0;
	memcpy(nb + r->hlen, p, k);
	r->headers = nb;
	r->hlen += k;
	r->headers[r->hlen] = 0;
	return k;
}

static int srv_healthy(int port)
{
	CURL *c = curl_easy_init();
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	CURLcode rc = curl_easy_perform(c);
	long st = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_easy_cleanup(c);
	return rc == CURLE_OK && st == 200;
}

#define MAX_STARTED 64
static pid_t started[MAX_STARTED];
static int nstarted;
static void srv_kill_all(void)
{
	for (int i = 0; i < nstarted; i++)
		if (started[i] > 0)
			kill(started[i], SIGKILL);
}

/* Starts `openccas serve` on url (already populated), on a port the kernel
 * chooses (--listen 127.0.0.1:0): the server says which on its standard
 * output once it listens, and we wait for that line — a condition, not a
 * delay. Its log goes to $OPENCCAS_TEST_LOGDIR (default /tmp)/
 * openccas-PID-N.log. Extra arguments (NULL-terminated) are appended. */
static int srv_start_args(srv *s, const char *url, const char *const *extra)
{
	if (nstarted == 0)
		atexit(srv_kill_all);
	if (nstarted >= MAX_STARTED) {
		fprintf(stderr, "h.h: more than %d servers started by one test\n", MAX_STARTED);
		abort();
	}
	static int next;
	int out[2];
	if (pipe(out) != 0)
		return 0;
	char logf[256];
	const char *dir = getenv("OPENCCAS_TEST_LOGDIR");
	snprintf(logf, sizeof logf, "%s/openccas-%d-%d.log", dir ? dir : "/tmp", (int)getpid(), next++);
	s->pid = fork();
	if (s->pid == 0) {
		close(out[0]);
		dup2(out[1], 1);
		close(out[1]);
		if (!freopen(logf, "w", stderr))
			_exit(126);
		const char *argv[40];
		int n = 0;
		argv[n++] = bin_path();
		argv[n++] = "serve";
		argv[n++] = "--db";
		argv[n++] = url;
		argv[n++] = "--listen";
		argv[n++] = "127.0.0.1:0";
		argv[n++] = "--insecure-cookies";
		argv[n++] = "--threads";
		argv[n++] = "4";
		/* As root (CI), the server must be told which account to become. */
		if (geteuid() == 0) {
			argv[n++] = "--user";
			argv[n++] = "nobody";
		}
		for (int i = 0; extra && extra[i] && n < 39; i++)
			argv[n++] = extra[i];
		argv[n] = NULL;
		execv(bin_path(), (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	started[nstarted++] = s->pid;
	/* Read stdout until the address line (or the end: the server stopped). */
	char line[512];
	size_t len = 0;
	s->port = 0;
	for (;;) {
		ssize_t k = read(out[0], line + len, sizeof line - 1 - len);
		if (k <= 0)
			break;
		len += (size_t)k;
		line[len] = 0;
		const char *p = strstr(line, "http://127.0.0.1:");
		if (p && strchr(p, '\n')) {
			s->port = atoi(p + strlen("http://127.0.0.1:"));
			break;
		}
		if (len == sizeof line - 1)
			len = 0;
	}
	close(out[0]);
	if (s->port <= 0) {
		fprintf(stderr, "h.h: the server did not start (see %s)\n", logf);
		return 0;
	}
	snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
	snprintf(s->log, sizeof s->log, "%s", logf);
	return srv_healthy(s->port);
}

/* Starts one of tests/sinks.py's servers (kind "smtp" or "http", writing
 * what it receives in dir; arg: the http sink's failures to answer
 * first, or NULL) and returns the port the kernel gave it (0 on failure).
 * It is killed when the test ends. */
__attribute__((unused)) static int sink_start(const char *kind, const char *dir, const char *arg)
{
	if (nstarted == 0)
		atexit(srv_kill_all);
	if (nstarted >= MAX_STARTED)
		return 0;
	int out[2];
	if (pipe(out) != 0)
		return 0;
	pid_t pid = fork();
	if (pid == 0) {
		close(out[0]);
		dup2(out[1], 1);
		close(out[1]);
		const char *argv[] = {"/usr/bin/python3", "tests/sinks.py", kind, dir, arg, NULL};
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	started[nstarted++] = pid;
	char line[64];
	size_t len = 0;
	int port = 0;
	for (;;) { /* until the sink says it listens: a condition, not a delay */
		ssize_t k = read(out[0], line + len, sizeof line - 1 - len);
		if (k <= 0)
			break;
		len += (size_t)k;
		line[len] = 0;
		if (strchr(line, '\n')) {
			if (!strncmp(line, "PORT ", 5))
				port = atoi(line + 5);
			break;
		}
		if (len == sizeof line - 1)
			break;
	}
	close(out[0]);
	return port;
}

/* The whole of a small file, in a static buffer ("" when absent). */
__attribute__((unused)) static const char *file_text(const char *path)
{
	static char b[16384];
	b[0] = 0;
	FILE *f = fopen(path, "r");
	if (f) {
		size_t n = fread(b, 1, sizeof b - 1, f);
		b[n] = 0;
		fclose(f);
	}
	return b;
}

__attribute__((unused)) static int srv_start_on(srv *s, const char *url) { return srv_start_args(s, url, NULL); }

/* Fresh database + demo data + server. */
__attribute__((unused)) static int srv_start(srv *s, const char *tag)
{
	const char *url = fresh_db(tag);
	const char *demo[] = {bin_path(), "demo", "--db", url, "--households", "50", NULL};
	if (run_cmd(demo, 1) != 0) {
		fprintf(stderr, "demo failed\n");
		return 0;
	}
	return srv_start_on(s, url);
}

/* The exit status of a server told to stop (0 = clean stop). */
__attribute__((unused)) static int srv_wait(srv *s)
{
	int st = 0;
	waitpid(s->pid, &st, 0);
	for (int i = 0; i < nstarted; i++)
		if (started[i] == s->pid)
			started[i] = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* SIGTERM, then the exit status (0 = clean stop). */
__attribute__((unused)) static int srv_stop(srv *s)
{
	kill(s->pid, SIGTERM);
	return srv_wait(s);
}

__attribute__((unused)) static void cli_init(cli *k, const srv *s)
{
	memset(k, 0, sizeof *k);
	k->c = curl_easy_init();
	k->s = s;
	curl_easy_setopt(k->c, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(k->c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(k->c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(k->c, CURLOPT_TIMEOUT, 30L);
}

__attribute__((unused)) static void cli_free(cli *k)
{
	free(k->last.body);
	free(k->last.headers);
	curl_easy_cleanup(k->c);
}

/* One request. body may be NULL (GET). ctype NULL = urlencoded. */
static resp *req(cli *k, const char *method, const char *path, const char *body, const char *ctype)
{
	free(k->last.body);
	free(k->last.headers);
	memset(&k->last, 0, sizeof k->last);
	char url[2048];
	snprintf(url, sizeof url, "%s%s", k->s->base, path);
	curl_easy_setopt(k->c, CURLOPT_URL, url);
	curl_easy_setopt(k->c, CURLOPT_WRITEDATA, &k->last);
	curl_easy_setopt(k->c, CURLOPT_HEADERDATA, &k->last);
	curl_easy_setopt(k->c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(k->c, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(k->c, CURLOPT_HTTPGET, 1L);
	struct curl_slist *h = NULL;
	if (body) {
		curl_easy_setopt(k->c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(k->c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		char ct[128];
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype ? ctype : "application/x-www-form-urlencoded");
		h = curl_slist_append(h, ct);
	}
	if (strcmp(method, "GET") && strcmp(method, "POST"))
		curl_easy_setopt(k->c, CURLOPT_CUSTOMREQUEST, method);
	if (body && ctype && !strcmp(ctype, "application/json") && k->csrf[0]) {
		char a[128];
		snprintf(a, sizeof a, "X-CSRF-Token: %s", k->csrf);
		h = curl_slist_append(h, a);
	}
	if (k->bearer[0]) {
		char a[128];
		snprintf(a, sizeof a, "Authorization: Bearer %s", k->bearer);
		h = curl_slist_append(h, a);
	}
	if (k->xff[0]) {
		char a[128];
		snprintf(a, sizeof a, "X-Forwarded-For: %s", k->xff);
		h = curl_slist_append(h, a);
	}
	if (k->header[0])
		h = curl_slist_append(h, k->header);
	curl_easy_setopt(k->c, CURLOPT_HTTPHEADER, h);
	CURLcode rc = curl_easy_perform(k->c);
	curl_easy_getinfo(k->c, CURLINFO_RESPONSE_CODE, &k->last.status);
	if (rc != CURLE_OK)
		k->last.status = -1;
	curl_slist_free_all(h);
	if (!k->last.body)
		k->last.body = calloc(1, 1);
	if (!k->last.headers)
		k->last.headers = calloc(1, 1);
	return &k->last;
}

/* multipart/form-data POST: the CSRF token, fields (name, value, …, NULL;
 * pairs may be NULL), then one file. */
__attribute__((unused)) static resp *post_form_file(cli *k, const char *path, const char *const *pairs, const char *field,
                                                    const char *filename, const void *data, size_t len)
{
	free(k->last.body);
	free(k->last.headers);
	memset(&k->last, 0, sizeof k->last);
	char url[2048];
	snprintf(url, sizeof url, "%s%s", k->s->base, path);
	curl_mime *m = curl_mime_init(k->c);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "_csrf");
	curl_mime_data(p, k->csrf, CURL_ZERO_TERMINATED);
	for (int i = 0; pairs && pairs[i] && pairs[i + 1]; i += 2) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, pairs[i]);
		curl_mime_data(p, pairs[i + 1], CURL_ZERO_TERMINATED);
	}
	p = curl_mime_addpart(m);
	curl_mime_name(p, field);
	curl_mime_filename(p, filename);
	curl_mime_data(p, data, len);
	curl_easy_setopt(k->c, CURLOPT_URL, url);
	curl_easy_setopt(k->c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(k->c, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(k->c, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(k->c, CURLOPT_WRITEDATA, &k->last);
	curl_easy_setopt(k->c, CURLOPT_HEADERDATA, &k->last);
	if (curl_easy_perform(k->c) != CURLE_OK)
		k->last.status = -1;
	else
		curl_easy_getinfo(k->c, CURLINFO_RESPONSE_CODE, &k->last.status);
	curl_easy_setopt(k->c, CURLOPT_MIMEPOST, NULL);
	curl_mime_free(m);
	if (!k->last.body)
		k->last.body = calloc(1, 1);
	if (!k->last.headers)
		k->last.headers = calloc(1, 1);
	return &k->last;
}

__attribute__((unused)) static resp *post_file(cli *k, const char *path, const char *field, const char *filename, const void *data,
                                               size_t len)
{
	return post_form_file(k, path, NULL, field, filename, data, len);
}

/* The text of a PDF the server sent (pdftotext from poppler-utils). */
/* The PDF's text, lines joined by spaces (a sentence the layout wraps
 * reads whole). */
__attribute__((unused)) static char *pdf_text(resp *r)
{
	char in[64], cmd[160];
	snprintf(in, sizeof in, "/tmp/openccas-pdf-%d.pdf", (int)getpid());
	FILE *f = fopen(in, "wb");
	if (!f)
		return strdup("");
	fwrite(r->body, 1, r->len, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "pdftotext -q %s - 2>/dev/null", in);
	FILE *p = popen(cmd, "r");
	size_t n = 0, cap = 65536;
	char *out = malloc(cap);
	while (p && out) {
		if (cap - n < 4096) {
			char *g = realloc(out, cap * 2);
			if (!g)
				break;
			out = g, cap *= 2;
		}
		size_t k = fread(out + n, 1, cap - n - 1, p);
		if (!k)
			break;
		n += k;
	}
	if (out) {
		out[n] = 0;
		for (char *c = out; *c; c++)
			if (*c == '\n')
				*c = ' ';
	}
	if (p)
		pclose(p);
	unlink(in);
	return out ? out : strdup("");
}

/* The barcodes a scanner reads on the PDF's first page ("CODE-128:12\n"
 * per code), through pdftoppm and zbarimg. */
__attribute__((unused)) static char *pdf_barcodes(resp *r)
{
	char in[64], cmd[300];
	snprintf(in, sizeof in, "/tmp/openccas-bc-%d", (int)getpid());
	char pdf[80];
	snprintf(pdf, sizeof pdf, "%s.pdf", in);
	FILE *f = fopen(pdf, "wb");
	if (!f)
		return strdup("");
	fwrite(r->body, 1, r->len, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "pdftoppm -q -r 200 -f 1 -l 1 -png %s %s && zbarimg -q %s-1.png 2>/dev/null", pdf, in, in);
	FILE *p = popen(cmd, "r");
	char *out = calloc(1, 4096);
	size_t n = p && out ? fread(out, 1, 4095, p) : 0;
	if (out)
		out[n] = 0;
	if (p)
		pclose(p);
	unlink(pdf);
	snprintf(cmd, sizeof cmd, "%s-1.png", in);
	unlink(cmd);
	return out ? out : strdup("");
}

__attribute__((unused)) static resp *get(cli *k, const char *path) { return req(k, "GET", path, NULL, NULL); }
__attribute__((unused)) static resp *post(cli *k, const char *path, const char *body) { return req(k, "POST", path, body, NULL); }
__attribute__((unused)) static resp *post_json(cli *k, const char *path, const char *json) { return req(k, "POST", path, json, "application/json"); }

/* Value of attribute `name="X" value="…"` or data-csrf in the last body. */
static int extract(const char *body, const char *marker, char *out, size_t n)
{
	const char *p = body ? strstr(body, marker) : NULL;
	if (!p)
		return 0;
	p += strlen(marker);
	size_t i = 0;
	while (p[i] && p[i] != '"' && i + 1 < n) {
		out[i] = p[i];
		i++;
	}
	out[i] = 0;
	return 1;
}

/* The number that first follows `marker` on the page at `path` (« 845 dossiers » after the link's address), -1 when
 * the marker is not on the page. */
__attribute__((unused)) static long long page_number(cli *k, const char *path, const char *marker)
{
	const char *b = get(k, path)->body, *at = b ? strstr(b, marker) : NULL;
	if (!at)
		return -1;
	at += strlen(marker);
	while (*at && (*at < '0' || *at > '9'))
		at++;
	return *at ? strtoll(at, NULL, 10) : -1;
}

/* Logs in through the form; returns the final status of the POST. */
__attribute__((unused)) static long login(cli *k, const char *email, const char *pw)
{
	get(k, "/connexion");
	char pre[64] = "", body[512];
	extract(k->last.body, "name=\"_pre\" value=\"", pre, sizeof pre);
	char *e = curl_easy_escape(k->c, email, 0), *p = curl_easy_escape(k->c, pw, 0);
	snprintf(body, sizeof body, "email=%s&password=%s&_pre=%s&suite=/", e, p, pre);
	curl_free(e);
	curl_free(p);
	long st = post(k, "/connexion", body)->status;
	if (st == 303) {
		get(k, "/");
		extract(k->last.body, "data-csrf=\"", k->csrf, sizeof k->csrf);
	}
	return st;
}

/* For the isolation checks: a manager of the demo's second structure
 * (created by its admin on first use), logged in as bb (cli_init done
 * here). 1 when both logins and the creation went through. */
__attribute__((unused)) static int other_structure_manager(srv *s, cli *bb)
{
	cli b;
	char body[256];
	cli_init(&b, s);
	int ok = login(&b, "admin@hauts-de-riviere.demo.openccas.fr", DEMO_PW) == 303;
	snprintf(body, sizeof body, "_csrf=%s&display_name=Resp+B&email=respb%%40b.fr&role=responsable&password=mot-de-passe-long-b", b.csrf);
	long st = ok ? post(&b, "/admin/utilisateurs", body)->status : 0;
	ok = ok && (st == 303 || st == 400); /* 400: the account exists already */
	cli_free(&b);
	cli_init(bb, s);
	return ok && login(bb, "respb@b.fr", "mot-de-passe-long-b") == 303;
}

/* The same POST sent at once from n sessions of one user (a double click, two tabs): body is JSON when json, else a
 * form's fields after its CSRF token. n is 16 at most. Returns how many answered done; *refused gets how many
 * answered 404 or 409 (the others: neither). */
typedef struct at_once {
	cli k;
	const char *path, *body;
	bool json;
	long status;
} at_once;

__attribute__((unused)) static void *at_once_run(void *p)
{
	at_once *a = p;
	if (a->json) {
		a->status = post_json(&a->k, a->path, a->body)->status;
	} else {
		char form[1024];
		snprintf(form, sizeof form, "_csrf=%s&%s", a->k.csrf, a->body);
		a->status = post(&a->k, a->path, form)->status;
	}
	return NULL;
}

__attribute__((unused)) static int posts_at_once(srv *s, const char *email, int n, const char *path, const char *body, bool json,
                                                 long done, int *refused)
{
	at_once a[16];
	pthread_t th[16];
	n = n > 16 ? 16 : n;
	for (int i = 0; i < n; i++) {
		cli_init(&a[i].k, s);
		a[i].path = path;
		a[i].body = body;
		a[i].json = json;
		a[i].status = login(&a[i].k, email, DEMO_PW) == 303 ? 0 : -1;
	}
	for (int i = 0; i < n; i++)
		if (!a[i].status)
			pthread_create(&th[i], NULL, at_once_run, &a[i]);
	int ok = 0;
	*refused = 0;
	for (int i = 0; i < n; i++) {
		if (!a[i].status)
			pthread_join(th[i], NULL);
		ok += a[i].status == done;
		*refused += a[i].status == 404 || a[i].status == 409;
		cli_free(&a[i].k);
	}
	return ok;
}

__attribute__((unused)) static int has_header(resp *r, const char *line)
{
	return r->headers && strcasestr(r->headers, line) != NULL;
}
#endif
