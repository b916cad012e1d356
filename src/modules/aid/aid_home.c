/*
 * aid_home.c — the home page's part of optional aid: each role's own work,
 * counted, each count a link to its list (to instruct, documents awaited,
 * to decide under delegation, to put on the agenda, to notify, to pay,
 * emergency aid to ratify, the next committee session and its agenda).
 */
#include <string.h>
#include "modules/aid/aid_internal.h"
#include "web/html.h"
#include "web/layout.h"
#include "store/counts.h"
#include "core/banned.h"

/* In one statement: six counts and the emergency aid to ratify, kept by triggers (aid/7, in aid_model.c), and the
 * next committee session with its agenda's counts (NULL when none is planned). */
#define AID_N(w) KC_SUM("aid_counts", w, "") ", "
static db_sql Q_COUNTS = DB_SQL(DB_SCOPED,
	"SELECT " AID_N("deposee") AID_N("pieces") AID_N("delegation") AID_N("commission") AID_N("decidee") AID_N("a_payer")
	AID_N("a_ratifier")
	"s.id, s.held_on, (SELECT count(*) FROM aid_requests q WHERE q.structure_id = $1 AND q.session_id = s.id), "
	"(SELECT count(*) FROM aid_requests q WHERE q.structure_id = $1 AND q.session_id = s.id AND q.status = 'inscrite') "
	"FROM (SELECT 1 AS one) o LEFT JOIN (SELECT id, held_on FROM aid_sessions WHERE structure_id = $1 AND status = 'prevue' "
	"ORDER BY held_on, id LIMIT 1) s ON o.one = 1");

/* « 3 demandes à instruire » as a link when the reader may open it. */
static void item(web_req *r, int64_t n, const char *one, const char *many, const char *href)
{
	if (!n)
		return;
	const char *text = arena_printf(r->a, "%lld %s", (long long)n, n > 1 ? many : one);
	if (web_may(r, M_GET, href))
		html_printf(&r->out, "<li><a href=\"%s\">%s</a></li>", href, text);
	else
		html_printf(&r->out, "<li>%s</li>", text);
}

void aid_home_widget(web_req *r)
{
	int64_t c[6] = {0}, ratify = 0;
	int64_t sid = 0, total = 0, open = 0;
	char *held = NULL;
	db_res q = {0};
	bool counted = DBQ0(r->db, &Q_COUNTS, &q) == E_OK && db_next(&q);
	if (counted) {
		for (int i = 0; i < 6; i++)
			c[i] = db_int(&q, i);
		ratify = db_int(&q, 6);
		if (!db_isnull(&q, 7)) {
			sid = db_int(&q, 7);
			held = db_dup(&q, 8, r->a);
			total = db_int(&q, 9);
			open = db_int(&q, 10);
		}
	}
	db_close(&q);
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-ha\"><h2 id=\"t-ha\">Aides facultatives</h2><ul>");
	if (!counted) { /* never « rien à traiter » for a count not made */
		html_lit(b, "<li>Les demandes n’ont pas pu être comptées : rechargez la page.</li></ul></section>");
		return;
	}
	size_t before = b->len;
	if (web_can(r, PERM_AID_INSTRUCT)) {
		item(r, c[0], "demande déposée à instruire", "demandes déposées à instruire", "/aides?liste=a_instruire");
		item(r, c[1], "demande en attente de pièces", "demandes en attente de pièces", "/aides?liste=pieces");
		item(r, c[4], "décision à notifier", "décisions à notifier", "/aides?liste=a_notifier");
	}
	if (web_can(r, PERM_AID_DECIDE)) {
		item(r, c[2], "demande à décider (délégation ou urgence)", "demandes à décider (délégation ou urgence)",
		     "/aides?liste=delegation");
		item(r, c[3], "demande à inscrire en commission", "demandes à inscrire en commission", "/aides?liste=a_inscrire");
	}
	if (web_can(r, PERM_AID_PAY))
		item(r, c[5], "aide accordée à payer", "aides accordées à payer", "/aides?liste=a_payer");
	if (web_can(r, PERM_AID_COMMITTEE)) {
		if (sid) {
			const char *href = arena_printf(r->a, "/aides/commissions/%lld", (long long)sid);
			html_printf(b, "<li><a href=\"%s\">Prochaine commission le %s : %lld demande%s à l’ordre du jour, %lld à décider</a></li>",
			            href, civil_fr(r->a, held), (long long)total, total > 1 ? "s" : "", (long long)open);
		}
		item(r, ratify, "aide d’urgence à ratifier", "aides d’urgence à ratifier",
		     sid ? arena_printf(r->a, "/aides/commissions/%lld", (long long)sid) : "/aides/commissions");
	}
	if (b->len == before)
		html_lit(b, "<li>Rien à traiter.</li>");
	html_lit(b, "</ul></section>");
}

const char *aid_ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	(void)c;
	if (!id)
		return NULL;
	if (!strcmp(kind, "aid_request") || !strcmp(kind, "aid_letter")) {
		*href = arena_printf(a, "/aides/demandes/%lld", (long long)id);
		return arena_printf(a, "demande d’aide n° %lld", (long long)id);
	}
	if (!strcmp(kind, "aid_session")) {
		*href = arena_printf(a, "/aides/commissions/%lld", (long long)id);
		return arena_printf(a, "séance de commission n° %lld", (long long)id);
	}
	return NULL;
}
