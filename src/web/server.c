/*
 * server.c — libmicrohttpd glue, the router, the door checks (sizes,
 * parsing, authentication, CSRF, permission), security headers, static
 * assets, the access log and the graceful stop.
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
#include "web/layout.h"
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
#define MAX_ROUTES 512
#define ARENA_CAP (64u * 1024 * 1024)

web_config web_conf = {.listen_host = "127.0.0.1", .port = 8080, .threads = 8, .secure_cookies = true};

static web_route_def routes[MAX_ROUTES];
static int nroutes;
static web_auth_hooks auth_hooks;
static db *the_db;
static _Atomic int inflight;

void web_route(int methods, const char *pattern, web_handler h, int perm, unsigned flags,
               const char *summary)
{
	if (nroutes >= MAX_ROUTES) {
		log_error("web: too many routes");
		abort();
	}
	if (!strncmp(pattern, "/api/", 5))
		flags |= WEB_F_API;
	routes[nroutes++] = (web_route_def){methods, pattern, h, perm, flags, summary};
}

int web_route_count(void) { return nroutes; }
const web_route_def *web_route_at(int i) { return i >= 0 && i < nroutes ? &routes[i] : NULL; }
void web_set_auth(const web_auth_hooks *h) { auth_hooks = *h; }

/* ---- inputs and outputs -------------------------------------------------- */

/* Fields whose text may span lines (the textareas, and the API's keys for
 * the same texts); every other text field is one line. */
static const char *const multiline_fields[] = {
	"access_notes", "address", "answer", "body", "comment", "detail", "forward_to", "members",
	"minutes", "motive", "notes", "numbers", "purpose", "reason", "text",
};

static bool field_multiline(const char *name)
{
	for (int i = 0; i < COUNTOF(multiline_fields); i++)
		if (!strcmp(multiline_fields[i], name))
			return true;
	return false;
}

/* The French message for a refused character, naming it. */
static const char *forbidden_message(arena *a, uint32_t cp)
{
	return arena_printf(a, "Ce champ contient un caractère invisible ou de contrôle (U+%04X) qui est refusé : "
	                       "retirez-le (il vient souvent d’un copier-coller) et renvoyez.", (unsigned)cp);
}

/* Every text that arrives (query, form fields and their names, JSON keys
 * and strings) is checked once, at the door: controls and bidirectional
 * overrides are refused with the field's name; newlines only where the
 * field is multi-line. A file's name is cleaned instead (it is not typed,
 * and refusing a scan for its name would help nobody). */
static bool door_text_ok(web_req *r, const kv_list *l)
{
	for (int i = 0; i < l->n; i++) {
		const char *name = l->items[i].name, *v = l->items[i].value;
		uint32_t cp = text_forbidden_char(name, false);
		if (!cp)
			cp = text_forbidden_char(v, field_multiline(name));
		if (cp) {
			const char *msg = forbidden_message(r->a, cp);
			if (r->api)
				web_error_fields(r, json_pack("{s:s}", text_forbidden_char(name, false) ? "_" : name, msg));
			else
				web_error(r, E_INPUT, arena_printf(r->a, "Champ « %s » : %s", name, msg));
			return false;
		}
	}
	return true;
}

static const char *json_forbidden(json_t *j, const char *key, uint32_t *cp, int depth)
{
	if (depth > 64)
		return NULL;
	if (json_is_string(j)) {
		*cp = text_forbidden_char(json_string_value(j), key && field_multiline(key));
		return *cp ? (key ? key : "_") : NULL;
	}
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach(j, k, v) {
			if ((*cp = text_forbidden_char(k, false)))
				return "_";
			const char *bad = json_forbidden(v, k, cp, depth + 1);
			if (bad)
				return bad;
		}
	} else if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v) {
			const char *bad = json_forbidden(v, key, cp, depth + 1);
			if (bad)
				return bad;
		}
	}
	return NULL;
}

const char *web_arg(web_req *r, const char *name) { return kv_get(&r->query, name); }

const char *web_field(web_req *r, const char *name)
{
	const char *v = kv_get(&r->form, name);
	return v ? text_trim(r->a, v) : NULL;
}

const web_file *web_file_field(web_req *r, const char *name)
{
	for (int i = 0; i < r->form.nfiles; i++)
		if (!strcmp(r->form.files[i].field, name))
			return &r->form.files[i];
	return NULL;
}

json_t *web_json_body(web_req *r)
{
	json_error_t je = {0};
	if (!r->body || !r->body_len) {
		web_error(r, E_INPUT, "Le corps doit être un objet JSON.");
		return NULL;
	}
	/* Depth is bounded by jansson (2048); size by MAX_BODY_FORM. */
	json_t *j = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	if (!j) {
		web_error(r, E_INPUT, "Le corps doit être un objet JSON.");
		return NULL;
	}
	uint32_t cp = 0;
	const char *bad = json_forbidden(j, NULL, &cp, 0);
	if (bad) {
		bad = arena_strdup(r->a, bad); /* a key of j, freed below */
		json_decref(j);
		web_error_fields(r, json_pack("{s:s}", bad ? bad : "_", forbidden_message(r->a, cp)));
		return NULL;
	}
	return j;
}

bool web_api_failed(web_req *r, err e, const form_errors *fe, const char *detail)
{
	if (fe && fe->n)
		web_error_form(r, fe, NULL, 0);
	else if (e != E_OK)
		web_error(r, e, detail);
	else
		return false;
	return true;
}

void web_header(web_req *r, const char *h)
{
	if (r->nextra < (int)(sizeof r->extra_headers / sizeof *r->extra_headers))
		r->extra_headers[r->nextra++] = h;
}

void web_cookie(web_req *r, const char *c)
{
	if (r->nset_cookie < (int)(sizeof r->set_cookie / sizeof *r->set_cookie))
		r->set_cookie[r->nset_cookie++] = c;
}

void web_send_fd(web_req *r, int fd, size_t len)
{
	if (r->out_fd > 0)
		close(r->out_fd);
	r->out_fd = fd;
	r->out_fd_len = len;
	r->out.len = 0;
}

void web_redirect(web_req *r, const char *to)
{
	r->status = 303;
	r->location = to;
	if (r->htmx) {
		/* htmx follows HX-Redirect instead of swapping a 303 body. */
		web_header(r, arena_printf(r->a, "HX-Redirect: %s", to));
	}
}

void web_json(web_req *r, int status, json_t *j)
{
	r->status = status;
	r->out_type = "application/json; charset=utf-8";
	r->out.len = 0;
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s) {
		buf_adds(&r->out, s);
		free(s);
	} else {
		r->out.failed = true;
	}
}

static void json_error(web_req *r, err e, const char *detail, json_t *fields)
{
	json_t *o = json_pack("{s:s,s:s}", "code", err_code(e), "message", err_message(e));
	if (detail)
		json_object_set_new(o, "detail", json_string(detail));
	if (fields)
		json_object_set_new(o, "fields", fields);
	web_json(r, err_http_status(e), json_pack("{s:o}", "error", o));
}

void web_error(web_req *r, err e, const char *detail)
{
	if (r->api) {
		json_error(r, e, detail, NULL);
		return;
	}
	r->out.len = 0;
	r->status = err_http_status(e);
	r->location = NULL;
	page_error(r, e, detail);
}

void web_error_fields(web_req *r, json_t *fields) { json_error(r, E_INPUT, NULL, fields); }

void web_error_form(web_req *r, const form_errors *fe, const char *const (*rename)[2], int nrename)
{
	json_t *f = json_object();
	for (int i = 0; i < fe->n; i++) {
		const char *n = fe->name[i];
		for (int k = 0; k < nrename; k++)
			if (!strcmp(n, rename[k][0]))
				n = rename[k][1];
		json_object_set_new(f, n, json_string(fe->msg[i]));
	}
	web_error_fields(r, f);
}

const char *web_jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool web_can(web_req *r, int perm)
{
	if (perm == WEB_PUBLIC)
		return true;
	if (!r->user)
		return false;
	if (perm == WEB_LOGGED_IN)
		return true;
	return perm >= 0 && perm < 64 && (r->user->perms >> perm) & 1;
}

/* ---- static assets ------------------------------------------------------- */

extern const web_asset web_assets[];
extern const int web_nassets;
static char (*asset_etag)[20];

void web_assets_init(void)
{
	asset_etag = calloc((size_t)web_nassets, sizeof *asset_etag);
	for (int i = 0; i < web_nassets; i++) {
		char hex[CRYPTO_HASH_HEX + 1];
		crypto_hash_hex(web_assets[i].data, web_assets[i].len, hex);
		snprintf(asset_etag[i], sizeof asset_etag[i], "%.16s", hex);
	}
}

const web_asset *web_asset_find(const char *name)
{
	for (int i = 0; i < web_nassets; i++)
		if (!strcmp(web_assets[i].name, name))
			return &web_assets[i];
	return NULL;
}

const char *web_asset_url(const char *name)
{
	static __thread char url[160];
	for (int i = 0; i < web_nassets; i++)
		if (!strcmp(web_assets[i].name, name)) {
			snprintf(url, sizeof url, "/static/%s?v=%s", name, asset_etag ? asset_etag[i] : "0");
			return url;
		}
	snprintf(url, sizeof url, "/static/%s", name);
	return url;
}

static bool serve_asset(web_req *r, const char *if_none_match)
{
	if (strncmp(r->path, "/static/", 8))
		return false;
	const char *name = r->path + 8;
	for (int i = 0; i < web_nassets; i++) {
		if (strcmp(web_assets[i].name, name))
			continue;
		r->cacheable = true;
		r->out_type = web_assets[i].type;
		char *etag = arena_printf(r->a, "\"%s\"", asset_etag[i]);
		web_header(r, arena_printf(r->a, "ETag: %s", etag));
		if (if_none_match && !strcmp(if_none_match, etag)) {
			r->status = 304;
			return true;
		}
		r->status = 200;
		buf_add(&r->out, web_assets[i].data, web_assets[i].len);
		return true;
	}
	r->status = 404;
	r->out_type = "text/plain; charset=utf-8";
	buf_adds(&r->out, "Fichier introuvable.\n");
	return true;
}

/* ---- router -------------------------------------------------------------- */

/* 1 = match, 0 = no match. Fills params. */
static int match(const char *pattern, const char *path, int64_t *param, int *nparam)
{
	*nparam = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			if (!close)
				return 0;
			const char *e = s;
			while (*e && *e != '/')
				e++;
			char num[24];
			size_t n = (size_t)(e - s);
			if (n == 0 || n >= sizeof num || *nparam >= WEB_MAX_PARAMS)
				return 0;
			memcpy(num, s, n);
			num[n] = 0;
			int64_t v;
			if (!text_to_int64(num, 1, INT64_MAX, &v))
				return 0;
			param[(*nparam)++] = v;
			p = close + 1;
			s = e;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == 0 && *s == 0;
}

static bool is_api_path(const char *path) { return !strncmp(path, "/api/", 5); }

/* Whether a POST to path goes to a route flagged WEB_F_LARGE (checked at
 * the door, before the body arrives). */
static bool route_is_large(const char *path)
{
	for (int i = 0; i < nroutes; i++) {
		int64_t param[WEB_MAX_PARAMS];
		int np;
		if ((routes[i].flags & WEB_F_LARGE) && (routes[i].methods & M_POST) && match(routes[i].pattern, path, param, &np))
			return true;
	}
	return false;
}

/* The token comes from the form body or the X-CSRF-Token header (copied
 * into the form at the door), never from the query string: a URL leaks
 * through the Referer header, proxies' logs and the browser's history. */
static bool csrf_ok(web_req *r)
{
	const char *t = kv_get(&r->form, "_csrf");
	if (!t)
		return false;
	return r->user && r->user->csrf && crypto_equal(t, r->user->csrf);
}

void web_dispatch(db *d, web_req *r)
{
	r->api = is_api_path(r->path);
	for (int i = 0; i < r->form.nfiles; i++)
		r->form.files[i].filename = text_strip_forbidden(r->a, r->form.files[i].filename);
	if (!door_text_ok(r, &r->query) || !door_text_ok(r, &r->form))
		return;
	web_method m = r->method == M_HEAD ? M_GET : r->method;
	web_route_def *found = NULL;
	bool path_matched = false;
	for (int i = 0; i < nroutes; i++) {
		int64_t param[WEB_MAX_PARAMS];
		int np;
		if (!match(routes[i].pattern, r->path, param, &np))
			continue;
		path_matched = true;
		if (!(routes[i].methods & (int)m))
			continue;
		found = &routes[i];
		memcpy(r->param, param, sizeof param);
		r->nparams = np;
		break;
	}
	r->db = db_conn_get(d);
	if (!r->db) {
		web_error(r, E_UNAVAILABLE, NULL);
		return;
	}
	if (auth_hooks.authenticate)
		r->user = auth_hooks.authenticate(r);
	if (!found) {
		web_error(r, path_matched ? E_METHOD : E_NOT_FOUND, NULL);
		goto out;
	}
	r->route = found;
	if (found->perm != WEB_PUBLIC && !r->user) {
		if (r->api || r->method != M_GET) {
			web_error(r, E_AUTH, NULL);
		} else {
			buf u;
			buf_init(&u, r->a, 64);
			buf_adds(&u, "/connexion?suite=");
			for (const char *p = r->path; *p; p++) {
				unsigned char c = (unsigned char)*p;
				if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
				    c == '/' || c == '-' || c == '_' || c == '.')
					buf_addc(&u, (char)c);
				else
					buf_printf(&u, "%%%02X", c);
			}
			web_redirect(r, buf_cstr(&u));
		}
		goto out;
	}
	if (r->method != M_GET && r->method != M_HEAD && r->user && !r->user->via_token &&
	    !(found->flags & WEB_F_NO_CSRF) && !csrf_ok(r)) {
		log_warn("web: csrf refused user=%lld path-route=%s", (long long)r->user->id, found->pattern);
		web_error(r, E_CSRF, NULL);
		goto out;
	}
	if (!web_can(r, found->perm)) {
		web_error(r, E_FORBIDDEN, NULL);
		goto out;
	}
	r->status = 200;
	found->handler(r);
	if (db_conn_failures(r->db) && r->status < 400) {
		/* A query failed while the page was built: never show a page that
		 * may be missing data (or whose read was not journaled). */
		log_error("web: database failure in %s", found->pattern);
		db_rollback(r->db);
		r->out.len = 0;
		r->location = NULL;
		r->nset_cookie = 0;
		r->nextra = 0;
		web_error(r, E_DB, NULL);
	} else if (r->out.failed || r->a->failed) {
		log_error("web: out of memory in %s", found->pattern);
		r->out.failed = false;
		r->a->failed = false;
		db_rollback(r->db);
		web_error(r, E_NOMEM, NULL);
	}
out:
	db_conn_put(r->db);
	r->db = NULL;
}

/* ---- libmicrohttpd glue -------------------------------------------------- */

typedef struct ctx {
	arena a;
	web_req r;
	char *uri;
	buf body;
	size_t cap;
	bool too_large, started, bad;
	struct timespec t0;
} ctx;

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
		c->cap = multipart ? (route_is_large(r->path) ? MAX_BODY_LARGE : MAX_BODY_UPLOAD) : MAX_BODY_FORM;
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
	if (!serve_asset(r, MHD_lookup_connection_value(con, MHD_HEADER_KIND, "If-None-Match")))
		web_dispatch(the_db, r);
	if (r->method == M_HEAD)
		r->out.len = 0;
	return respond(con, r);
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
		log_debug("http %s %s %d %ldus user=%lld bytes=%zu%s", mn, route, c->r.status, us,
		          c->r.user ? (long long)c->r.user->id : 0LL, c->r.out.len,
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
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
		(uint16_t)web_conf.port, NULL, NULL, access_cb, NULL,
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
	MHD_socket ls = MHD_quiesce_daemon(dm);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	for (int i = 0; i < 300 && atomic_load(&inflight) > 0; i++) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(dm);
	if (web_conf.periodic)
		web_conf.periodic();
	log_info("web: stopped");
	return 0;
}
