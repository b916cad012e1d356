/*
 * web.h — the HTTP surface modules see: a parsed request, a response being
 * written, routes. Modules never see libmicrohttpd.
 *
 * One request = one arena (r->a): everything a handler allocates comes from
 * it and is released when the response has been sent. Handlers never free.
 *
 * A handler receives a request whose inputs were bounded and parsed at the
 * door (query, form, cookies, files), whose user was authenticated, whose
 * CSRF token was checked (state-changing methods with a cookie session) and
 * whose permission was checked, with a database connection scoped to the
 * user's current structure (r->db). It writes r->out and may set status,
 * content type, headers. Any write the handler wants atomic is wrapped in
 * db_begin/db_commit; a connection given back with an open transaction is
 * rolled back, so a handler that returns early changes nothing.
 */
#ifndef WEB_H
#define WEB_H
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/store.h"
#include "web/form.h"
#include "web/parse.h"

typedef enum { M_GET = 1, M_POST = 2, M_PUT = 4, M_DELETE = 8, M_PATCH = 16, M_HEAD = 32 } web_method;

/* Who is asking. Filled by the authenticator hook (the accounts module). */
typedef struct web_user {
	int64_t id;
	int64_t structure_id;
	int64_t session_id;          /* 0 for bearer tokens */
	int role;
	uint64_t perms;              /* bit i = permission i granted */
	const char *email, *display_name, *structure_name, *role_label, *tz;
	const char *csrf;            /* the session's CSRF token */
	int nstructures;             /* structures this user belongs to */
	bool via_token;
	bool must_enroll_totp;       /* two-factor required for the role, not set up yet */
	const int64_t *facts;        /* what modules know of her, read with the session (module_user_fact); NULL: not read */
} web_user;

#define WEB_MAX_PARAMS 4
typedef struct web_req {
	arena *a;
	web_method method;
	const char *path;            /* decoded, without query */
	const char *remote;          /* peer address as text */
	kv_list query, form, cookies;
	const char *content_type;
	const char *body;            /* raw body (JSON API) */
	size_t body_len;
	int64_t param[WEB_MAX_PARAMS]; /* {id} path segments, in order */
	int nparams;
	bool api;                    /* /api/ route: errors as JSON */
	bool htmx;                   /* HX-Request header present */
	bool cross_site;             /* sent by another site's page (Sec-Fetch-Site, else Origin against Host) */
	const char *header_auth;     /* Authorization header */
	const char *header_accept;
	web_user *user;              /* NULL when anonymous */
	db_conn *db;                 /* scoped to user->structure_id */
	struct web_route_def *route;
	/* response */
	int status;
	int statements;              /* run while the request held its connection (the access log) */
	bool can_wait;               /* the server answers once the request's commits are on disk (server.c) */
	uint64_t durable_ticket;     /* then: the last of them (db_conn_ticket), 0 if none */
	long long steps;             /* their work on SQLite (db_conn_steps), -1 on PostgreSQL */
	buf out;
	const char *out_type;
	const char *location;        /* redirect target */
	const char *set_cookie[4];
	int nset_cookie;
	const char *extra_headers[8]; /* "Name: value" */
	int nextra;
	bool cacheable;              /* static assets only */
	const char *skip_href[3], *skip_label[3]; /* more skip links (page_skip) */
	int nskip;
	int out_fd;                  /* > 0: the body is this file (web_send_fd) */
	size_t out_fd_len;
	struct web_memo *memo;       /* what this request already read (web_memo_get) */
} web_req;

/* What a request already read, kept for its other parts (a page with three
 * agent fields reads the structure's agents once): the value stored under
 * key (any address the caller owns, e.g. its statement), NULL if none.
 * The value lives in r->a, for the request only. */
void *web_memo_get(web_req *r, const void *key);
void web_memo_put(web_req *r, const void *key, void *value);

typedef void (*web_handler)(web_req *r);

enum {
	WEB_PUBLIC = -1,             /* no login needed */
	WEB_LOGGED_IN = -2,          /* any logged-in user */
};
/* WEB_F_LARGE: the route takes uploads up to 64 MiB (imports) instead of
 * 12 MiB. WEB_F_SECRET: its form carries a password or a second factor's
 * code: never given back on an error page (page_kept_input). */
enum { WEB_F_API = 1, WEB_F_NO_CSRF = 2, WEB_F_LARGE = 4, WEB_F_SECRET = 8 };

typedef struct web_route_def {
	int methods;
	const char *pattern;         /* "/foyers/{id}/contacts"; {id} = int64 */
	web_handler handler;
	int perm;                    /* WEB_PUBLIC, WEB_LOGGED_IN, or a permission */
	unsigned flags;
	const char *summary;         /* one line, for the route list */
} web_route_def;

/* Registration happens before web_serve, from each module's *_init. */
void web_route(int methods, const char *pattern, web_handler h, int perm, unsigned flags,
               const char *summary);
int web_route_count(void);
const web_route_def *web_route_at(int i);

/* Hooks provided by the accounts module. */
typedef struct web_auth_hooks {
	/* Identify the user from cookie or bearer token; NULL if anonymous.
	 * Must scope r->db. May refresh the session. *why (E_OK on entry) gets
	 * an error when the session or token could not be read (the database
	 * away): not knowing who asks is not « nobody asks ». */
	web_user *(*authenticate)(web_req *r, err *why);
} web_auth_hooks;
void web_set_auth(const web_auth_hooks *h);

/* Inputs. */
const char *web_arg(web_req *r, const char *name);     /* query */
const char *web_field(web_req *r, const char *name);   /* form (trimmed) */
const web_file *web_file_field(web_req *r, const char *name);
/* Parsed JSON body (objects only); NULL when there is none or it is not a
 * JSON object — the 400 answer is then already written: just return. */
json_t *web_json_body(web_req *r);
/* The JSON body's members as form pairs, for code shared with a page's
 * form: strings as they are, integers written out, true as "1", an array
 * of strings as the same name repeated (as checkboxes post). False (the
 * answer sent) when the body is not an object. */
bool web_json_form(web_req *r, kv_list *out);

/* Outputs. */
void web_header(web_req *r, const char *name_colon_value);
void web_cookie(web_req *r, const char *cookie);
void web_redirect(web_req *r, const char *to);   /* 303 See Other */
/* The answer's body is the file fd (len bytes from its start), sent as it
 * is read: for exports of any size, memory stays flat. The server closes
 * fd. out_type and headers are set by the caller as usual. */
void web_send_fd(web_req *r, int fd, size_t len);
/* JSON response (steals the reference). */
void web_json(web_req *r, int status, json_t *j);
/* Error in the request's idiom: JSON {error:{code,message,detail}} for the
 * API, the layout's error page otherwise. detail may be NULL; it is shown
 * to the user (must be French and contain no secret). */
void web_error(web_req *r, err e, const char *detail);
/* Form errors for the API: {"error":{…,"fields":{name:message}}}. */
void web_error_fields(web_req *r, json_t *fields);
/* Same, from the errors a form validation collected. rename (may be NULL)
 * maps form field names to the API's: {{"place", "interview_place"}, …}. */
void web_error_form(web_req *r, const form_errors *fe, const char *const (*rename)[2], int nrename);
/* The end of an API action: when the action failed (form errors first,
 * then e with detail), writes the error answer and returns true; the
 * handler then returns, else writes its success. */
bool web_api_failed(web_req *r, err e, const form_errors *fe, const char *detail);
/* A string member of a JSON object, or NULL. */
const char *web_jstr(json_t *o, const char *key);
bool web_can(web_req *r, int perm);
/* Whether the user may reach path with method (M_GET, M_POST): the
 * permission of the route that answers it. Pages offer a link or a
 * button only when it leads somewhere for their reader. */
bool web_may(web_req *r, int method, const char *path);

/* Server configuration and life. */
typedef struct web_config {
	const char *listen_host;
	int port;                    /* 0: the kernel chooses */
	int threads;
	bool secure_cookies;
	const char *public_url;      /* for links in mails/docs, optional */
	/* When set, the port actually bound is written there once listening
	 * (with port 0 the kernel chooses it; the address line on stdout and
	 * the log say it too). */
	const char *port_file;
	/* Reverse proxies whose X-Forwarded-For / Forwarded headers are
	 * believed ("127.0.0.1,10.0.0.0/8,::1"); NULL: none, the TCP peer is
	 * the client. Set with web_set_trusted_proxies before serving. */
	const char *trusted_proxies;
	/* Called once the socket is bound, before the first request: drops
	 * privileges; false stops the server. NULL: nothing to do. */
	bool (*after_listen)(void);
	/* Called every periodic_seconds while serving, and once more after
	 * the last request when stopping (sealing the journal). NULL: none. */
	void (*periodic)(void);
	int periodic_seconds;
} web_config;
extern web_config web_conf;
/* Parses web_conf.trusted_proxies; false (and a French message on
 * stderr) when an entry is not an IPv4/IPv6 address or prefix. */
bool web_trusted_proxies_parse(const char *list);
/* The client's address for a request that arrived from peer, with these
 * header values (NULL when absent): the peer itself unless it is a trusted
 * proxy; then the rightmost address of the headers that is not one. */
const char *web_client_address(arena *a, const char *peer, const char *forwarded, const char *x_forwarded_for);
/* Serves until SIGTERM/SIGINT, then drains requests in flight. */
int web_serve(db *d);
/* Static assets compiled into the binary. */
typedef struct web_asset {
	const char *name, *type;
	const unsigned char *data;
	size_t len;
} web_asset;
/* URL of an asset with its fingerprint ("/static/style.css?v=…"). */
const char *web_asset_url(const char *name);
void web_assets_init(void);
const web_asset *web_asset_find(const char *name);
/* Answers a GET of /static/… (true), with its ETag and 304; false for
 * any other path. */
bool web_asset_serve(web_req *r, const char *if_none_match);
/* Whether a POST to path goes to a route flagged WEB_F_LARGE (the door
 * sizes the body by it before it arrives). */
bool web_route_is_large(const char *path);
/* Handles one request (for tests and fuzzing without a socket). */
void web_dispatch(db *d, web_req *r);
#endif
