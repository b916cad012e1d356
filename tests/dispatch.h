/*
 * dispatch.h — one request through the router, as the server runs it,
 * without a socket: for the unit tests that drive whole requests (fault
 * injection, the module list). The faults (store statements, arena
 * allocations; 0 = none) are armed once the request is parsed, as at the
 * server's door. The body of the answer is copied to out when given.
 * authorization: the Authorization header, or "Cookie: …" for a browser's
 * cookies instead. A body that is not JSON is a page's form (urlencoded).
 */
#ifndef TESTS_DISPATCH_H
#define TESTS_DISPATCH_H
#include <stdio.h>
#include <string.h>
#include "core/arena.h"
#include "store/store.h"
#include "web/parse.h"
#include "web/web.h"

/* After t_dispatch: the statements or allocations its fault still waited for (0: injected, or none armed). */
static long t_fault_pending;

static int t_dispatch(db *d, const char *authorization, int method, const char *path, const char *json, long db_fault,
                      long alloc_fault, char *out, size_t outn)
{
	arena a;
	arena_init(&a, 0);
	web_req r;
	memset(&r, 0, sizeof r);
	r.a = &a;
	r.method = (web_method)method;
	char p[256];
	snprintf(p, sizeof p, "%s", path);
	char *qm = strchr(p, '?');
	if (qm) {
		*qm = '\0';
		parse_urlencoded(&a, qm + 1, strlen(qm + 1), &r.query);
	}
	r.path = p;
	r.remote = "127.0.0.1";
	if (authorization && !strncmp(authorization, "Cookie: ", 8))
		parse_cookies(&a, authorization + 8, strlen(authorization + 8), &r.cookies);
	else
		r.header_auth = authorization;
	if (json && json[0] != '{' && json[0] != '[') {
		/* A page's form (a=1&b=2), as the server parses its body before dispatching it. */
		r.content_type = "application/x-www-form-urlencoded";
		parse_urlencoded(&a, json, strlen(json), &r.form);
	} else {
		r.content_type = json ? "application/json" : NULL;
		r.body = json;
		r.body_len = json ? strlen(json) : 0;
	}
	buf_init(&r.out, &a, 4096);
	db_fail_after(db_fault);
	arena_fail_after(alloc_fault);
	web_dispatch(d, &r);
	t_fault_pending = db_fail_pending() + arena_fail_pending();
	db_fail_after(0);
	arena_fail_after(0);
	if (out && outn)
		snprintf(out, outn, "%.*s", (int)r.out.len, r.out.data ? r.out.data : "");
	int status = r.status;
	arena_release(&a);
	return status;
}
#endif
