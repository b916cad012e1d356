/*
 * accounts_agents.c — choosing an agent in a form: the structure's agents
 * grouped by service, narrowed as one types. Every module's agent field
 * (the queue's « attend », an orientation, an appointment, a referent)
 * uses it through accounts.h.
 */
#include <stdio.h>
#include <string.h>
#include "modules/accounts/accounts_internal.h"
#include "core/text.h"
#include "web/form.h"
#include "web/html.h"
#include "core/banned.h"

/* DB_KEPT: in memory while the structure's reference version holds (accounts.h). */
static db_sql Q_AGENTS = DB_SQL(DB_SCOPED | DB_KEPT,
	"SELECT user_id, display_name, service, role FROM structure_agents WHERE structure_id = $1 ORDER BY service, display_name, user_id");

/* The structure's agents, read once a request (a household's page has
 * three agent fields). NULL when the read failed (the router then shows
 * the error page). */
typedef struct agent_row {
	const char *uid, *name, *service;
	int role;
} agent_row;
typedef struct group_agents {
	agent_row *v;
	int n;
} group_agents;

static const group_agents *agents_of(web_req *r)
{
	group_agents *g = web_memo_get(r, &Q_AGENTS);
	if (g)
		return g;
	g = arena_alloc(r->a, sizeof *g);
	if (!g)
		return NULL;
	*g = (group_agents){0};
	int cap = 0;
	db_res res = {0};
	if (DBQ0(r->db, &Q_AGENTS, &res) == E_OK)
		while (db_next(&res)) {
			if (g->n == cap) {
				int nc = cap ? cap * 2 : 64;
				agent_row *nv = arena_array(r->a, (size_t)nc, sizeof *nv);
				if (!nv)
					break;
				if (g->n)
					memcpy(nv, g->v, sizeof *nv * (size_t)g->n);
				g->v = nv;
				cap = nc;
			}
			g->v[g->n++] = (agent_row){arena_strdup(r->a, db_text(&res, 0)), arena_strdup(r->a, db_text(&res, 1)),
			                            arena_strdup(r->a, db_text(&res, 2)), (int)db_int(&res, 3)};
		}
	bool ok = res.status == E_OK;
	db_close(&res);
	if (!ok)
		return NULL;
	for (int i = 0; i < g->n; i++) {
		agent_row *a = &g->v[i];
		if (!a->uid || !a->name || !a->service)
			return NULL; /* out of memory: the arena says so */
	}
	web_memo_put(r, &Q_AGENTS, g);
	return g;
}

/* The select itself, filtered by q (folded, every word found in the name
 * or the service); the chosen agent is always kept in the list. */
static void agent_options(web_req *r, const char *name, const char *label, const char *empty, const char *selected, unsigned roles,
                          const char *q, const form_errors *fe)
{
	buf *b = &r->out;
	/* Ids follow the form's scope (a page may hold two agent fields). */
	const char *sc = form_scope_get(), *id = *sc ? arena_printf(r->a, "%s-%s", sc, name) : name;
	const char *msg = form_error_for(fe, name);
	html_printf(b, "<div class=\"field%s\" id=\"ap-%s\"><label for=\"f-%s\">%s</label>", msg ? " has-error" : "", id, id, label);
	if (msg)
		html_printf(b, "<p class=\"error\" id=\"e-%s\">%s</p>", id, msg);
	html_printf(b, "<select id=\"f-%s\" name=\"%s\"", id, name);
	if (msg)
		html_printf(b, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", id);
	html_printf(b, "><option value=\"\">%s</option>", empty);
	char *fq = q && *q ? text_fold(r->a, q) : NULL;
	const group_agents *all = agents_of(r);
	const char *group = NULL;
	int shown = 0, total = 0;
	for (int i = 0; all && i < all->n; i++) {
		const agent_row *ag = &all->v[i];
		if (roles && !(roles & ROLE_BIT(ag->role)))
			continue;
		total++;
		const char *uid = ag->uid, *who = ag->name, *svc = ag->service;
		bool chosen = selected && !strcmp(selected, uid);
		if (fq && !chosen) {
			char *hay = text_fold(r->a, arena_printf(r->a, "%s %s", who, svc));
			bool match = hay != NULL;
			for (const char *w = fq; match && *w;) {
				while (*w == ' ')
					w++;
				size_t n = strcspn(w, " ");
				if (n)
					match = strstr(hay, arena_strndup(r->a, w, n)) != NULL;
				w += n;
			}
			if (!match)
				continue;
		}
		const char *g = *svc ? svc : "Sans service";
		if (!group || strcmp(group, g)) {
			if (group)
				html_lit(b, "</optgroup>");
			html_printf(b, "<optgroup label=\"%s\">", g);
			group = g;
		}
		html_printf(b, "<option value=\"%s\"%s>%s</option>", uid, chosen ? " selected" : "", who);
		shown++;
	}
	if (group)
		html_lit(b, "</optgroup>");
	html_lit(b, "</select>");
	if (fq)
		html_printf(b, "<p class=\"hint\" role=\"status\">%d agent%s sur %d.</p>", shown, shown > 1 ? "s" : "", total);
	html_lit(b, "</div>");
}

void accounts_agent_select(web_req *r, const char *name, const char *label, const char *empty, const char *selected,
                           unsigned roles, const form_errors *fe)
{
	buf *b = &r->out;
	const char *sc = form_scope_get(), *id = *sc ? arena_printf(r->a, "%s-%s", sc, name) : name;
	/* The search narrows the select below it; without script, the select
	 * alone (grouped, with the browser's type-ahead). */
	html_printf(b, "<div class=\"field agent-search\"><label for=\"s-%s\">Chercher un agent (nom ou service)</label>"
	               "<input id=\"s-%s\" name=\"_cherche_%s\" type=\"search\" autocomplete=\"off\" "
	               "hx-get=\"/agents/choix?champ=%s&amp;portee=%s&amp;roles=%u&amp;vide=%s&amp;libelle=%s\" "
	               "hx-trigger=\"input changed delay:250ms\" hx-target=\"#ap-%s\" hx-swap=\"outerHTML\" hx-include=\"this, #f-%s\"></div>",
	            id, id, name, name, sc, roles, text_url_encode(r->a, empty), text_url_encode(r->a, label), id, id);
	agent_options(r, name, label, empty, selected, roles, NULL, fe);
}

/* The fragment: the select narrowed to what is typed. */
static void agents_pick(web_req *r)
{
	const char *name = web_arg(r, "champ"), *rs = web_arg(r, "roles"), *label = web_arg(r, "libelle"), *empty = web_arg(r, "vide");
	int64_t roles = 0;
	if (!name || !*name || strlen(name) > 40 || strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name) ||
	    (rs && !text_to_int64(rs, 0, 0xffff, &roles))) {
		web_error(r, E_INPUT, "champ (lettres minuscules) et roles (masque) sont attendus.");
		return;
	}
	char key[64];
	snprintf(key, sizeof key, "_cherche_%s", name);
	const char *q = web_arg(r, key);
	if (q && strlen(q) > 100)
		q = NULL;
	const char *sc = web_arg(r, "portee");
	if (sc && (strlen(sc) > 20 || strspn(sc, "abcdefghijklmnopqrstuvwxyz") != strlen(sc)))
		sc = NULL;
	form_scope(sc);
	agent_options(r, name, label && *label ? label : "Agent", empty && *empty ? empty : "—", web_arg(r, name), (unsigned)roles, q,
	              NULL);
}

void accounts_agents_routes(void)
{
	web_route(M_GET, "/agents/choix", agents_pick, WEB_LOGGED_IN, 0, "Choisir un agent : la liste filtrée (fragment)");
}
