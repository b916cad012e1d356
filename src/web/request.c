/*
 * request.c — a request's inputs and outputs (query, form, files, headers,
 * cookies, redirects, JSON, a file sent as it is read), what the user may
 * do (web_can), and the static assets compiled into the binary. Nothing
 * here writes an error page: that is the router's (router.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "web/web.h"
#include "web/html.h"
#include "core/countof.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/text.h"
#include "core/banned.h"

const char *web_arg(web_req *r, const char *name) { return kv_get(&r->query, name); }

struct web_memo {
	const void *key;
	void *value;
	struct web_memo *next;
};

void *web_memo_get(web_req *r, const void *key)
{
	for (struct web_memo *m = r->memo; m; m = m->next)
		if (m->key == key)
			return m->value;
	return NULL;
}

void web_memo_put(web_req *r, const void *key, void *value)
{
	struct web_memo *m = arena_alloc(r->a, sizeof *m);
	if (!m)
		return; /* read again next time */
	*m = (struct web_memo){key, value, r->memo};
	r->memo = m;
}

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

bool web_asset_serve(web_req *r, const char *if_none_match)
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
