/*
 * server.c — libmicrohttpd glue: sizes checked at the door (413 before the
 * body arrives), bodies parsed, security headers, the access log, the
 * listening socket and the graceful stop. The router (router.c) does the
 * rest.
 *
 * Flow of one request: uri_log() creates its context and arena; access()
 * is called once for headers (sizes checked, 413 at once if declared too
 * big), then with body chunks (accumulated up to the cap), then a last
 * time to dispatch; completed() logs one line and releases the arena.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "web/web.h"
#include "web/html.h"
#include "core/countof.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/text.h"
#include "core/banned.h"

#define MAX_URI 4096
#define MAX_BODY_FORM (256 * 1024)
#define MAX_BODY_UPLOAD (12 * 1024 * 1024)
#define MAX_BODY_LARGE (64 * 1024 * 1024)   /* routes flagged WEB_F_LARGE: imports */
#define ARENA_CAP (64u * 1024 * 1024)

web_config web_conf = {.listen_host = "127.0.0.1", .port = 8080, .threads = 8, .secure_cookies = true};

static db *the_db;
static _Atomic int inflight;

/* ---- libmicrohttpd glue -------------------------------------------------- */

typedef struct ctx {
	arena a;
	web_req r;
	char *uri;
	buf body;
	size_t cap;
	bool too_large, started, bad;
	struct timespec t0;
	/* Parked: the answer is ready, its commits not yet on disk; the connection suspended meanwhile, so that its
	 * thread serves others (the syncing thread resumes it). */
	db_wait wait;
	struct MHD_Connection *con;
	bool parked, failed;
	struct ctx *prev, *next;
} ctx;

/* The parked requests, for the stop: MHD must not be stopped with a connection suspended. */
static pthread_mutex_t parked_lock = PTHREAD_MUTEX_INITIALIZER;
static ctx *parked;

/* c out of the parked list and its connection resumed; under parked_lock. */
static void resume(ctx *c, bool ok)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		parked = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	c->failed = !ok;
	MHD_resume_connection(c->con);
}

static void unpark(db_wait *w, bool ok)
{
	ctx *c = (ctx *)((char *)w - offsetof(ctx, wait));
	pthread_mutex_lock(&parked_lock);
	if (c->prev || parked == c) /* not yet resumed by the stop */
		resume(c, ok);
	pthread_mutex_unlock(&parked_lock);
}

/* The answer waits until the request's commits are on disk: true when the connection is suspended for it (the
 * syncing thread resumes it), false to answer now — on disk already, or the syncs failed (c->failed). */
static bool park(struct MHD_Connection *con, ctx *c)
{
	c->wait = (db_wait){.ticket = c->r.durable_ticket, .done = unpark};
	c->con = con;
	pthread_mutex_lock(&parked_lock); /* unpark waits for it: the connection is suspended before it is resumed */
	int st = db_durable_later(the_db, &c->wait);
	if (st == 0) {
		MHD_suspend_connection(con);
		c->parked = true;
		c->prev = NULL;
		c->next = parked;
		if (parked)
			parked->prev = c;
		parked = c;
	}
	c->failed = st < 0;
	pthread_mutex_unlock(&parked_lock);
	return st == 0;
}

/* At the stop, what is still parked after the wait for requests in flight (a disk that does not answer):
 * resumed with an error — those whose wait is being ended by the syncing thread are left to it. */
static void unpark_all(void)
{
	pthread_mutex_lock(&parked_lock);
	for (ctx *c = parked, *next; c; c = next) {
		next = c->next;
		if (db_durable_cancel(the_db, &c->wait))
			resume(c, false);
	}
	pthread_mutex_unlock(&parked_lock);
}

/* At the stop: until no request is in flight, `turns` times 50 ms at most. */
static void wait_inflight(int turns)
{
	for (int i = 0; i < turns && atomic_load(&inflight) > 0; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* Set at the stop: connections are accepted and closed at once, those open finish their requests. */
static atomic_bool stopping;

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr, socklen_t len)
{
	(void)cls, (void)addr, (void)len;
	return atomic_load(&stopping) ? MHD_NO : MHD_YES;
}

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *con)
{
	(void)cls;
	(void)con;
	ctx *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	atomic_fetch_add(&inflight, 1);
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	arena_init(&c->a, ARENA_CAP);
	size_t n = strlen(uri);
	if (n > MAX_URI)
		c->bad = true;
	else
		c->uri = arena_strndup(&c->a, uri, n);
	buf_init(&c->body, &c->a, 0);
	return c;
}

static web_method method_of(const char *m)
{
	if (!strcmp(m, "GET")) return M_GET;
	if (!strcmp(m, "POST")) return M_POST;
	if (!strcmp(m, "HEAD")) return M_HEAD;
	if (!strcmp(m, "PUT")) return M_PUT;
	if (!strcmp(m, "DELETE")) return M_DELETE;
	if (!strcmp(m, "PATCH")) return M_PATCH;
	return 0;
}

static void add_security_headers(struct MHD_Response *resp, web_req *r)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
		"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
		"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
		"base-uri 'none'; object-src 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	if (r->cacheable)
		MHD_add_response_header(resp, "Cache-Control", "public, max-age=31536000, immutable");
	else
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (web_conf.secure_cookies)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result respond(struct MHD_Connection *con, web_req *r)
{
	struct MHD_Response *resp;
	if (r->out_fd > 0 && r->status < 300 && r->method != M_HEAD) {
		resp = MHD_create_response_from_fd64(r->out_fd_len, r->out_fd); /* MHD closes the file */
		r->out_fd = 0;
	} else {
		if (r->out_fd > 0) {
			close(r->out_fd);
			r->out_fd = 0;
		}
		resp = MHD_create_response_from_buffer(r->out.len, r->out.len ? r->out.data : (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	if (r->status != 304)
		MHD_add_response_header(resp, "Content-Type", r->out_type ? r->out_type : "text/html; charset=utf-8");
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	for (int i = 0; i < r->nset_cookie; i++)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie[i]);
	for (int i = 0; i < r->nextra; i++) {
		const char *h = r->extra_headers[i], *colon = strchr(h, ':');
		if (!colon)
			continue;
		char *name = arena_strndup(r->a, h, (size_t)(colon - h));
		const char *v = colon + 1;
		while (*v == ' ')
			v++;
		MHD_add_response_header(resp, name, v);
	}
	add_security_headers(resp, r);
	if (log_enabled(LOG_DEBUG)) {
		/* What the access log says of the database's work, for the browser's tools and the tests (debug only). */
		char st[96];
		snprintf(st, sizeof st, "db;desc=\"statements=%d steps=%lld\"", r->statements, r->steps);
		MHD_add_response_header(resp, "Server-Timing", st);
	}
	enum MHD_Result ret = MHD_queue_response(con, (unsigned)(r->status ? r->status : 200), resp);
	MHD_destroy_response(resp);
	return ret;
}

static void fill_remote(struct MHD_Connection *con, web_req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char ip[INET6_ADDRSTRLEN] = "?";
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof ip);
	}
	/* Behind a trusted reverse proxy, the client it forwards for. */
	r->remote = web_client_address(r->a, arena_strdup(r->a, ip),
	                               MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Forwarded"),
	                               MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Forwarded-For"));
}

static enum MHD_Result early_error(struct MHD_Connection *con, ctx *c, err e)
{
	web_req *r = &c->r;
	r->a = &c->a;
	if (!r->out.a)
		buf_init(&r->out, &c->a, 1024);
	r->api = r->path ? !strncmp(r->path, "/api/", 5) : false;
	web_error(r, e, e == E_TOO_LARGE ? "La limite est de 12 Mo pour un envoi de fichiers (64 Mo pour un fichier à importer), 256 Ko pour un formulaire." : NULL);
	return respond(con, r);
}

/* The answer once its commits are on disk; an error page in its place when they could not be put there. */
static enum MHD_Result answer(struct MHD_Connection *con, ctx *c)
{
	web_req *r = &c->r;
	if (c->failed) {
		log_error("web: commits of %s not known on disk: answered as an error", r->route ? r->route->pattern : "-");
		r->out.len = 0;
		r->location = NULL;
		r->nset_cookie = 0;
		r->nextra = 0;
		if (r->out_fd > 0) {
			close(r->out_fd);
			r->out_fd = 0;
		}
		web_error(r, E_UNSURE, NULL); /* written, not known on disk: not « nothing was changed » */
		if (r->method == M_HEAD)
			r->out.len = 0;
	}
	return respond(con, r);
}

/* Whether the request was sent by another site's page: the browser's Sec-Fetch-Site when it says it, else an Origin
 * whose host is not the request's Host. A client that sends neither (a script, the API) is not a page. */
static bool cross_site(struct MHD_Connection *con)
{
	const char *fs = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Sec-Fetch-Site");
	if (fs)
		return strcmp(fs, "same-origin") && strcmp(fs, "none");
	const char *o = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Host");
	if (!o)
		return false;
	const char *p = strstr(o, "://");
	p = p ? p + 3 : o;
	return !host || strcmp(p, host) != 0; /* « null » (a sandboxed page) or another host */
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *con, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	ctx *c = *con_cls;
	if (!c)
		return MHD_NO;
	web_req *r = &c->r;
	if (!c->started) {
		c->started = true;
		r->a = &c->a;
		buf_init(&r->out, &c->a, 4096);
		r->method = method_of(method);
		r->path = arena_strdup(&c->a, url);
		if (c->bad || !r->path || strlen(r->path) > MAX_URI)
			return early_error(con, c, E_TOO_LARGE);
		if (!r->method)
			return early_error(con, c, E_METHOD);
		const char *ct = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
		r->content_type = ct ? arena_strdup(&c->a, ct) : NULL;
		bool multipart = ct && !strncasecmp(ct, "multipart/form-data", 19);
		c->cap = multipart ? (web_route_is_large(r->path) ? MAX_BODY_LARGE : MAX_BODY_UPLOAD) : MAX_BODY_FORM;
		const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
		int64_t len = 0;
		if (cl && (!text_to_int64(cl, 0, INT64_MAX, &len) || (size_t)len > c->cap))
			return early_error(con, c, E_TOO_LARGE);
		if (c->cap == MAX_BODY_LARGE) {
			/* The request may hold the whole file, and the work on it. */
			c->a.cap = ARENA_CAP + MAX_BODY_LARGE;
			/* Declared: reserved at once, so the buffer never doubles. */
			if (len > 0 && !buf_reserve(&c->body, (size_t)len))
				return early_error(con, c, E_TOO_LARGE);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!c->too_large) {
			if (c->body.len + *upload_size > c->cap)
				c->too_large = true;
			else
				buf_add(&c->body, upload_data, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->parked) {
		/* Resumed: the commits are on disk, or could not be put there. */
		c->parked = false;
		return answer(con, c);
	}
	if (c->too_large || c->body.failed)
		return early_error(con, c, E_TOO_LARGE);
	/* Parse at the door. */
	const char *q = c->uri ? strchr(c->uri, '?') : NULL;
	if (q && parse_urlencoded(&c->a, q + 1, strlen(q + 1), &r->query) != PARSE_OK)
		return early_error(con, c, E_INPUT);
	const char *cookie = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Cookie");
	if (cookie && parse_cookies(&c->a, cookie, strlen(cookie), &r->cookies) != PARSE_OK)
		return early_error(con, c, E_INPUT);
	r->body = c->body.data;
	r->body_len = c->body.len;
	if (r->content_type && c->body.len) {
		parse_status st = PARSE_OK;
		if (!strncasecmp(r->content_type, "application/x-www-form-urlencoded", 33))
			st = parse_urlencoded(&c->a, c->body.data, c->body.len, &r->form);
		else if (!strncasecmp(r->content_type, "multipart/form-data", 19))
			st = parse_multipart(&c->a, r->content_type, (const unsigned char *)c->body.data,
			                     c->body.len, &r->form);
		if (st != PARSE_OK)
			return early_error(con, c, st == PARSE_TOO_LARGE ? E_TOO_LARGE : E_INPUT);
	}
	const char *h;
	r->htmx = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "HX-Request") != NULL;
	r->cross_site = cross_site(con);
	if ((h = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization")))
		r->header_auth = arena_strdup(&c->a, h);
	if ((h = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Accept")))
		r->header_accept = arena_strdup(&c->a, h);
	if ((h = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-CSRF-Token")) && !kv_get(&r->form, "_csrf")) {
		/* htmx sends the token as a header (hx-headers on <body>). */
		kv_list *f = &r->form;
		if (!f->items)
			f->items = arena_array(&c->a, PARSE_MAX_FIELDS, sizeof(kv));
		if (f->items && f->n < PARSE_MAX_FIELDS)
			f->items[f->n++] = (kv){"_csrf", arena_strdup(&c->a, h)};
	}
	fill_remote(con, r);
	r->can_wait = true;
	if (!web_asset_serve(r, MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match")))
		web_dispatch(the_db, r);
	if (r->method == M_HEAD)
		r->out.len = 0;
	if (r->durable_ticket && park(con, c))
		return MHD_YES;
	return answer(con, c);
}

static void completed(void *cls, struct MHD_Connection *con, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)con;
	ctx *c = *con_cls;
	if (!c)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long us = (t1.tv_sec - c->t0.tv_sec) * 1000000L + (t1.tv_nsec - c->t0.tv_nsec) / 1000;
	/* The access log: method, route pattern (never the query: it may hold a
	 * name typed in the search box), status, duration, user id. */
	if (c->r.path) {
		static const char *names[] = {"?", "GET", "POST", "?", "PUT", "?", "?", "?", "DELETE"};
		const char *mn = c->r.method == M_HEAD ? "HEAD" : c->r.method == M_PATCH ? "PATCH"
		               : (c->r.method < 9 ? names[c->r.method] : "?");
		const char *route = c->r.route ? c->r.route->pattern
		                  : (!strncmp(c->r.path, "/static/", 8) ? "/static/*" : "-");
		log_debug("http %s %s %d %ldus user=%lld bytes=%zu statements=%d steps=%lld%s", mn, route, c->r.status, us,
		          c->r.user ? (long long)c->r.user->id : 0LL, c->r.out.len, c->r.statements, c->r.steps,
		          toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	}
	arena_release(&c->a);
	free(c);
	*con_cls = NULL;
	atomic_fetch_sub(&inflight, 1);
}

/* Percent-decoding of the path and query: "%00" (or any control byte)
 * becomes 0x7F, which matches no route and no file, instead of a NUL that
 * would silently cut the path ("/static/a.css%00.png" served a.css). */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls, (void)c;
	char *w = s;
	for (char *r = s; *r; r++) {
		if (*r == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
			int v = (isdigit((unsigned char)r[1]) ? r[1] - '0' : (tolower((unsigned char)r[1]) - 'a' + 10)) * 16 +
			        (isdigit((unsigned char)r[2]) ? r[2] - '0' : (tolower((unsigned char)r[2]) - 'a' + 10));
			*w++ = v < 0x20 || v == 0x7F ? (char)0x7F : (char)v;
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = 0;
	return (size_t)(w - s);
}

/* Written to a temporary name then renamed: a reader never sees half a
 * number. */
static bool write_port_file(const char *path, int port)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return false;
	FILE *f = fopen(tmp, "w");
	if (!f)
		return false;
	bool ok = fprintf(f, "%d\n", port) > 0;
	ok = fclose(f) == 0 && ok;
	return ok && rename(tmp, path) == 0;
}

int web_serve(db *d)
{
	the_db = d;
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)web_conf.port);
	if (inet_pton(AF_INET, web_conf.listen_host, &addr.sin_addr) != 1) {
		log_error("web: listen address must be an IPv4 address");
		return 2;
	}
	/* Block the stop signals in every thread; main waits for them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct MHD_Daemon *dm = MHD_start_daemon(
		/* epoll: a connection resumed once its commits are on disk (park) goes on its worker's ready
		 * list, its socket known writable; with poll() it was served last at the next turn, and its
		 * answer written only at the turn after (bench/RESULTS.md: 11 + 13 ms a write, against 4 + 7).
		 * At the stop, new connections are refused by the accept policy, not MHD_quiesce_daemon, which
		 * on an epoll thread pool races the workers for the listen socket and aborts the process (an
		 * open MHD defect, seen here). */
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
		(uint16_t)web_conf.port, accept_policy, NULL, access_cb, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)web_conf.threads,
		MHD_OPTION_URI_LOG_CALLBACK, uri_log, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)512,
		MHD_OPTION_END);
	if (!dm) {
		log_error("web: cannot listen on %s:%d", web_conf.listen_host, web_conf.port);
		return 3;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(dm, MHD_DAEMON_INFO_BIND_PORT);
	if (di && di->port)
		web_conf.port = di->port;
	if (web_conf.port_file && !write_port_file(web_conf.port_file, web_conf.port)) {
		log_error("web: cannot write the port file");
		fprintf(stderr, "openccas : impossible d’écrire le port dans %s\n", web_conf.port_file);
		MHD_stop_daemon(dm);
		return 2;
	}
	if (web_conf.after_listen && !web_conf.after_listen()) {
		MHD_stop_daemon(dm);
		return 2;
	}
	log_info("web: serving on http://%s:%d/ with %d threads", web_conf.listen_host, web_conf.port,
	         web_conf.threads);
	printf("OpenCCAS écoute sur http://%s:%d/\n", web_conf.listen_host, web_conf.port);
	fflush(stdout);
	int sig = 0;
	if (web_conf.periodic && web_conf.periodic_seconds > 0) {
		struct timespec every = {web_conf.periodic_seconds, 0};
		while ((sig = sigtimedwait(&set, NULL, &every)) < 0)
			if (errno == EAGAIN)
				web_conf.periodic();
	} else {
		sigwait(&set, &sig);
	}
	log_info("web: signal %d, stopping: no new connections, finishing requests in flight", sig);
	atomic_store(&stopping, true);
	wait_inflight(300); /* 15 s for the requests in flight */
	unpark_all();
	wait_inflight(20);  /* and 1 s for those answered with an error */
	MHD_stop_daemon(dm);
	if (web_conf.periodic)
		web_conf.periodic();
	log_info("web: stopped");
	return 0;
}
