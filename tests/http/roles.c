/* HTTP test: every role, every page it can reach. Logged in as each of
 * the demo's eight roles, walks the pages from the home page by their
 * links (one page per shape of address: /foyers/12 stands for every
 * household), and checks that no link a page shows leads to « Votre rôle
 * ne permet pas » and that no form a page shows is refused for the role
 * (posted with a wrong CSRF token: the answer then says the form expired,
 * which proves the role got past; nothing is written), and that no page
 * gives the same id to two elements (a label would then name the wrong
 * field). */
#define T_NAME "http-roles"
#include "http/h.h"
#include <ctype.h>
#include <stdbool.h>

#define MAX_PAGES 400

typedef struct seen {
	char **shape;
	int n, cap;
} seen;

/* /foyers/123/budget?mois=2026-11 → /foyers/#/budget */
static char *shape_of(const char *url)
{
	size_t n = strcspn(url, "?#");
	char *s = malloc(n + 1), *o = s;
	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)url[i])) {
			*o++ = '#';
			while (i + 1 < n && isdigit((unsigned char)url[i + 1]))
				i++;
		} else {
			*o++ = url[i];
		}
	}
	*o = 0;
	return s;
}

static bool seen_add(seen *v, const char *shape)
{
	for (int i = 0; i < v->n; i++)
		if (!strcmp(v->shape[i], shape))
			return false;
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->shape = realloc(v->shape, sizeof *v->shape * (size_t)v->cap);
	}
	v->shape[v->n++] = strdup(shape);
	return true;
}

/* Whether the crawler follows this link: pages of the application, not
 * files, not the way out, not the API (its own tests). */
static bool followable(const char *u)
{
	static const char *const skip[] = {".pdf", ".csv", ".xlsx", ".ics", "format=", "/static/", "/deconnexion", "/api/",
	                                   "export", "telecharger", "/document/"};
	if (u[0] != '/' || u[1] == '/')
		return false;
	for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
		if (strstr(u, skip[i]))
			return false;
	return true;
}

/* The value of each attribute `attr="…"` in html, unescaped (&amp;), in turn. */
static const char *next_attr(const char *html, const char *attr, char *out, size_t cap)
{
	const char *p = strstr(html, attr);
	if (!p)
		return NULL;
	p += strlen(attr);
	size_t k = 0;
	while (*p && *p != '"' && k + 1 < cap) {
		if (!strncmp(p, "&amp;", 5)) {
			out[k++] = '&';
			p += 5;
		} else {
			out[k++] = *p++;
		}
	}
	out[k] = 0;
	return p;
}

static void walk(srv *s, const char *who)
{
	cli k;
	cli_init(&k, s);
	char email[80];
	snprintf(email, sizeof email, "%s@demo.openccas.fr", who);
	CHECK_INT(login(&k, email, DEMO_PW), 303);
	char **queue = calloc(MAX_PAGES, sizeof *queue), **from = calloc(MAX_PAGES, sizeof *from);
	int head = 0, tail = 0, forms = 0;
	seen pages = {0}, posts = {0};
	queue[tail] = strdup("/");
	from[tail++] = strdup("(départ)");
	seen_add(&pages, "/");
	while (head < tail) {
		char *url = queue[head], *origin = from[head];
		head++;
		resp *r = get(&k, url);
		CHECK(r->status != 403, "%s : le lien « %s » (sur %s) est refusé au rôle", who, url, origin);
		CHECK(r->status < 500, "%s : %s répond %ld", who, url, r->status);
		if (r->status != 200 || !r->body)
			goto next;
		char *body = strdup(r->body), v[512];
		/* Every id once. */
		{
			seen ids = {0};
			for (const char *p = body; (p = next_attr(p, " id=\"", v, sizeof v));)
				CHECK(seen_add(&ids, v), "%s : l’id « %s » apparaît deux fois sur %s", who, v, url);
			for (int i = 0; i < ids.n; i++)
				free(ids.shape[i]);
			free(ids.shape);
		}
		/* No attribute written as text (an escaped « aria-current="page" »). */
		CHECK(!strstr(body, "=&quot;"), "%s : un attribut échappé sur %s (%.80s)", who, url,
		      strstr(body, "=&quot;") ? strstr(body, "=&quot;") - 40 : "");
		CHECK(!strstr(body, "&lt;/"), "%s : une balise échappée sur %s (%.80s)", who, url,
		      strstr(body, "&lt;/") ? strstr(body, "&lt;/") - 40 : "");
		/* Links. */
		for (const char *p = body; (p = next_attr(p, "href=\"", v, sizeof v));) {
			if (!followable(v))
				continue;
			char *sh = shape_of(v);
			if (tail < MAX_PAGES && seen_add(&pages, sh)) {
				queue[tail] = strdup(v);
				from[tail++] = strdup(url);
			}
			free(sh);
		}
		/* Forms that post: the role must be allowed through. */
		for (const char *p = body; (p = strstr(p, "<form"));) {
			const char *end = strchr(p, '>');
			if (!end)
				break;
			char tag[1024];
			size_t n = (size_t)(end - p) < sizeof tag - 1 ? (size_t)(end - p) : sizeof tag - 1;
			memcpy(tag, p, n);
			tag[n] = 0;
			p = end;
			if (!strstr(tag, "method=\"post\"") || !next_attr(tag, "action=\"", v, sizeof v) || v[0] != '/')
				continue;
			if (strstr(v, "/deconnexion"))
				continue;
			char *sh = shape_of(v);
			if (seen_add(&posts, sh)) {
				forms++;
				resp *f = post(&k, v, "_csrf=not-the-token");
				CHECK(!(f->status == 403 && strstr(f->body, "Votre rôle ne permet pas")),
				      "%s : le formulaire vers « %s » (sur %s) est refusé au rôle", who, v, url);
			}
			free(sh);
		}
		free(body);
	next:;
	}
	CHECK(tail > 5, "%s : %d pages visitées, %d formulaires essayés", who, tail, forms);
	printf("  %s : %d pages, %d formulaires\n", who, tail, forms);
	for (int i = 0; i < tail; i++) {
		free(queue[i]);
		free(from[i]);
	}
	free(queue);
	free(from);
	for (int i = 0; i < pages.n; i++)
		free(pages.shape[i]);
	for (int i = 0; i < posts.n; i++)
		free(posts.shape[i]);
	free(pages.shape);
	free(posts.shape);
	cli_free(&k);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	srv s;
	if (!srv_start(&s, "roles")) {
		CHECK(0, "server did not start");
		return T_DONE();
	}
	static const char *const roles[] = {"accueil", "social", "instructeur", "responsable", "commission", "dpo", "admin", "benevole"};
	for (int i = 0; i < 7; i++) {
		T_GROUP(roles[i]);
		walk(&s, roles[i]);
	}
	CHECK_INT(srv_stop(&s), 0);
	curl_global_cleanup();
	return T_DONE();
}
