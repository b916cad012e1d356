/* home.c — home page, statements, health and API description (see home.h). */
#include "modules/home/home.h"
#include <string.h>
#include <time.h>
#include "core/civil.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

static const char *day_names[] = {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};

static void home_page(web_req *r)
{
	struct tm tm;
	civil_local_time(r->user->tz, time(NULL), &tm);
	const char *hello = tm.tm_hour >= 18 ? "Bonsoir" : "Bonjour";
	page_begin(r, arena_printf(r->a, "%s %s", hello, r->user->display_name));
	buf *b = &r->out;
	html_printf(b, "<p class=\"lead\">Nous sommes le %s %d %s %d. Voici ce qui vous attend.</p>",
	            day_names[tm.tm_wday], tm.tm_mday, civil_month_name(tm.tm_mon + 1), tm.tm_year + 1900);
	html_lit(b, "<div class=\"widgets\">");
	int shown = 0;
	const module_widget *const *w;
	int nw = module_widgets(&w);
	for (int i = 0; i < nw; i++)
		if (web_can(r, w[i]->perm ? *w[i]->perm : WEB_LOGGED_IN)) {
			w[i]->write(r);
			shown++;
		}
	html_lit(b, "</div>");
	if (!shown)
		html_lit(b, "<p>Rien ne vous attend pour l’instant.</p>");
	page_end(r);
}

static void accessibility_page(web_req *r)
{
	page_begin(r, "Déclaration d’accessibilité");
	html_lit(&r->out,
		"<p>La structure qui utilise OpenCCAS s’engage à rendre ses services numériques accessibles, "
		"conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.</p>"
		"<h2>État de conformité</h2><p>OpenCCAS est <strong>partiellement conforme</strong> au référentiel "
		"général d’amélioration de l’accessibilité (RGAA 4.1). Aucun audit complet n’a encore été réalisé ; "
		"chaque page est contrôlée automatiquement (axe-core) par les tests du logiciel.</p>"
		"<h2>Ce qui est fait</h2><ul><li>Toutes les pages fonctionnent au clavier et sans JavaScript.</li>"
		"<li>Chaque champ de formulaire a une étiquette ; les erreurs sont reliées à leur champ.</li>"
		"<li>Les tableaux ont des en-têtes ; les graphiques sont doublés d’un tableau de chiffres.</li>"
		"<li>Les contrastes respectent le niveau AA ; un lien d’évitement mène au contenu.</li></ul>"
		"<h2>Signaler un défaut</h2><p>Si vous n’arrivez pas à accéder à un contenu ou à un service, "
		"contactez l’accueil de votre structure : une solution vous sera proposée. "
		"Vous pouvez aussi saisir le Défenseur des droits (defenseurdesdroits.fr).</p>");
	page_end(r);
}

/* The privacy notice for the public, written from the structure's own
 * settings (name, address, DPO contact, retention durations): the
 * structure of the signed-in agent, else ?structure=N, else the first. */
static void privacy_page(web_req *r)
{
	int64_t sid = r->user ? r->user->structure_id : 0;
	const char *ss = web_arg(r, "structure");
	if (!sid && ss)
		text_to_int64(ss, 1, INT64_MAX, &sid);
	if (!sid)
		accounts_structure_first(r->db, &sid);
	structure_info si = {"le centre communal d’action sociale", "", "", "", "", "", "", "", "", true, 7};
	persons_retention rt = {2, 3, 1};
	if (sid && accounts_structure_info(r->db, r->a, sid, &si) == E_OK) {
		if (!r->user)
			db_conn_scope(r->db, sid);
		persons_retention_get(r->db, &rt);
	}
	page_begin(r, "Données personnelles");
	buf *b = &r->out;
	html_printf(b, "<p><strong>%s</strong>%s%s traite des données personnelles pour instruire les demandes d’aide, suivre les "
	               "personnes accompagnées, domicilier les personnes sans adresse stable et tenir le registre des personnes "
	               "vulnérables, dans le cadre de ses missions légales (code de l’action sociale et des familles) et du "
	               "référentiel de la CNIL pour l’action sociale (délibération 2021-028).</p>",
	            si.name, *si.address ? ", " : "", si.address);
	html_lit(b, "<h2>Quelles données</h2><p>Identité et coordonnées, composition du foyer, situation (emploi, santé, "
	            "protection), ressources et charges, échanges avec le CCAS, demandes et décisions, pièces justificatives. "
	            "Jamais la nationalité comme condition d’une aide.</p>");
	html_printf(b, "<h2>Durées de conservation</h2><p>Un dossier reste actif %d an(s) après le dernier contact, puis il est "
	               "archivé %d an(s) (consultable par un responsable seulement), puis anonymisé : seules restent des données "
	               "sans nom utiles aux statistiques. Le journal des consultations est conservé %d an(s).</p>",
	            rt.active_years, rt.archive_years, rt.journal_years);
	html_lit(b, "<h2>Vos droits</h2><p>Vous pouvez obtenir une copie de tout ce qui vous concerne (et la liste des "
	            "consultations de votre dossier), faire rectifier une information, et dans certains cas la faire effacer "
	            "ou vous opposer à son traitement. Vous pouvez saisir la CNIL (cnil.fr).</p>");
	html_printf(b, "<p>Délégué à la protection des données : %s%s%s.</p>", *si.dpo ? si.dpo : "à l’accueil du CCAS",
	            *si.email ? " — " : "", si.email);
	html_lit(b, "<h2>Qui voit vos données</h2><p>Seuls les agents dont le rôle le justifie ; chaque consultation d’un dossier "
	            "est inscrite dans un journal infalsifiable que le délégué à la protection des données contrôle.</p>");
	page_end(r);
}

static void healthz(web_req *r)
{
	static db_sql Q_PING = DB_SQL(DB_GLOBAL, "SELECT 1");
	int64_t one = 0;
	r->out_type = "text/plain; charset=utf-8";
	if (DBID0(r->db, &Q_PING, &one) != E_OK || one != 1) {
		r->status = 503;
		buf_adds(&r->out, "base de données indisponible\n");
		return;
	}
	buf_adds(&r->out, "ok\n");
}

static void openapi(web_req *r)
{
	const web_asset *a = web_asset_find("openapi.json");
	if (!a) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	r->out_type = "application/json; charset=utf-8";
	buf_add(&r->out, a->data, a->len);
}

static void favicon(web_req *r)
{
	r->status = 204;
	r->cacheable = true;
}

static void init(void)
{
	web_route(M_GET, "/", home_page, WEB_LOGGED_IN, 0, "Accueil de l’agent");
	web_route(M_GET, "/accessibilite", accessibility_page, WEB_PUBLIC, 0, "Déclaration d’accessibilité");
	web_route(M_GET, "/confidentialite", privacy_page, WEB_PUBLIC, 0, "Données personnelles");
	web_route(M_GET, "/healthz", healthz, WEB_PUBLIC, 0, "État du service");
	web_route(M_GET, "/api/v1/openapi.json", openapi, WEB_PUBLIC, 0, "Description OpenAPI");
	web_route(M_GET, "/favicon.ico", favicon, WEB_PUBLIC, 0, "Pas d’icône");
}

static const module_nav nav[] = {
	{0, "Aujourd’hui", "/", NULL, NULL},
};

const module home_module = {
	.name = "home",
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
};
