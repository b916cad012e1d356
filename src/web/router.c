/*
 * router.c — the routes the modules register, the door checks every
 * request passes (texts without control characters, authentication, CSRF,
 * permission), the parsed JSON body, and errors in the request's idiom
 * (JSON for the API, the layout's error page otherwise).
 *
 * A path no route knows is answered before any database work: no pool
 * connection, no session lookup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "web/form.h"
#include "web/web.h"
#include "web/layout.h"
#include "web/html.h"
#include "core/countof.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/text.h"
#include "core/banned.h"

/* The routes, in the order registered (grows as modules register). */
static web_route_def *routes;
static int nroutes, route_cap;
static web_auth_hooks auth_hooks;

void web_route(int methods, const char *pattern, web_handler h, int perm, unsigned flags,
               const char *summary)
{
	if (nroutes == route_cap) {
		route_cap = route_cap ? route_cap * 2 : 256;
		routes = realloc(routes, (size_t)route_cap * sizeof *routes);
		if (!routes)
			log_fatal("web: out of memory registering routes");
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

bool web_may(web_req *r, int method, const char *path)
{
	size_t n = strcspn(path, "?#");
	char p[512];
	if (n >= sizeof p)
		return false;
	memcpy(p, path, n);
	p[n] = 0;
	for (int i = 0; i < nroutes; i++) {
		int64_t param[WEB_MAX_PARAMS];
		int np;
		if ((routes[i].methods & method) && match(routes[i].pattern, p, param, &np))
			return web_can(r, routes[i].perm);
	}
	return false;
}

static bool is_api_path(const char *path) { return !strncmp(path, "/api/", 5); }

/* Whether a POST to path goes to a route flagged WEB_F_LARGE (checked at
 * the door, before the body arrives). */
bool web_route_is_large(const char *path)
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
	form_scope(NULL); /* a thread serves many requests */
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
	if (!found) {
		/* Before any database work: an unknown path costs no connection
		 * and no session lookup (the page is the anonymous one). */
		web_error(r, path_matched ? E_METHOD : E_NOT_FOUND, NULL);
		return;
	}
	r->route = found; /* before any error: its flags say what its page may give back (page_kept_input) */
	r->db = db_conn_get(d);
	if (!r->db) {
		web_error(r, E_UNAVAILABLE, NULL);
		return;
	}
	if (r->can_wait)
		db_conn_defer(r->db); /* its commits: the server answers once they are on disk, its thread free meanwhile */
	db_snapshot(r->db); /* the request's reads share one snapshot (store.h) */
	db_conn_strict(r->db); /* after a failed statement, nothing written */
	if (auth_hooks.authenticate) {
		err why = E_OK;
		r->user = auth_hooks.authenticate(r, &why);
		if (why != E_OK) {
			/* The session could not be read: « service indisponible », never
			 * « identifiez-vous » (the person is signed in; a login page would
			 * lose what the form carried). */
			log_warn("web: the session could not be read (%s), path-route=%s", err_code(why), found->pattern);
			web_error(r, why == E_NOMEM ? E_NOMEM : E_UNAVAILABLE, NULL);
			goto out;
		}
	}
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
	/* The role first, then the form's origin: both refuse, and the answer
	 * says which (a page offering a button its reader cannot use shows). */
	if (!web_can(r, found->perm)) {
		web_error(r, E_FORBIDDEN, NULL);
		goto out;
	}
	if (r->method != M_GET && r->method != M_HEAD && r->user && !r->user->via_token &&
	    !(found->flags & WEB_F_NO_CSRF) && !csrf_ok(r)) {
		log_warn("web: csrf refused user=%lld path-route=%s", (long long)r->user->id, found->pattern);
		web_error(r, E_CSRF, NULL);
		goto out;
	}
	r->status = 200;
	found->handler(r);
	/* A failure after a commit (reading back what was written): « written, the page not built », never « nothing was
	 * changed »; the handler's own error page too. A read's: its journal entry, the page an error. */
	bool reading = r->method == M_GET || r->method == M_HEAD;
	err failure = reading ? E_DB : db_conn_unsure(r->db) ? E_UNSURE : db_conn_wrote(r->db) ? E_WRITTEN : E_DB;
	if (db_conn_failures(r->db) && (r->status < 500 || failure == E_WRITTEN)) {
		/* A query failed while the page was built: never show a page that
		 * may be missing data (or whose read was not journaled), nor a
		 * refusal built on it (a look-up's failure taken for « this
		 * household does not exist », « choose a motive from the list »).
		 * What a form carried is given back (page_kept_input). */
		log_error("web: database failure in %s", found->pattern);
		db_rollback(r->db);
		r->out.len = 0;
		r->location = NULL;
		r->nset_cookie = 0;
		r->nextra = 0;
		web_error(r, failure, NULL);
	} else if (r->out.failed || r->a->failed) {
		log_error("web: out of memory in %s", found->pattern);
		r->out.failed = false;
		r->a->failed = false;
		db_rollback(r->db);
		web_error(r, !reading && db_conn_wrote(r->db) ? E_WRITTEN : E_NOMEM, NULL);
	}
out:
	r->statements = db_conn_statements(r->db);
	r->steps = db_conn_steps(r->db);
	r->durable_ticket = db_conn_ticket(r->db);
	db_conn_put(r->db);
	r->db = NULL;
}

/* A JSON object's members as form pairs (numbers written out; arrays of
 * strings repeated, as a form's checkboxes). */
bool web_json_form(web_req *r, kv_list *out)
{
	json_t *in = web_json_body(r);
	if (!in)
		return false;
	int cap = 0;
	*out = (kv_list){0};
	const char *k;
	json_t *v;
	json_object_foreach(in, k, v) {
		json_t *items = json_is_array(v) ? v : NULL;
		size_t n = items ? json_array_size(items) : 1;
		for (size_t i = 0; i < n; i++) {
			json_t *x = items ? json_array_get(items, i) : v;
			const char *s = json_is_string(x) ? json_string_value(x)
			              : json_is_integer(x) ? arena_printf(r->a, "%lld", (long long)json_integer_value(x))
			              : json_is_true(x) ? "1" : NULL;
			kv *slot = s ? ARENA_PUSH(r->a, out->items, out->n, cap) : NULL;
			if (slot)
				*slot = (kv){arena_strdup(r->a, k), arena_strdup(r->a, s)};
		}
	}
	json_decref(in);
	return true;
}
