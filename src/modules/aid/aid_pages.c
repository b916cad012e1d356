/*
 * aid_pages.c — the rulebook's pages (editor, versions, differences
 * between two versions), the simulation for a household, and the budget
 * envelopes (voted, committed, paid, left).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/aid/aid_internal.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

static db_sql Q_LATEST = DB_SQL(DB_SCOPED,
	"SELECT id, text FROM aid_rulebooks WHERE structure_id = $1 ORDER BY id DESC LIMIT 1");
static db_sql Q_HISTORY = DB_SQL(DB_SCOPED,
	"SELECT r.id, r.version, r.adopted_on, r.effective_on, u.display_name, r.created_at, "
	"(SELECT count(*) FROM aid_requests q WHERE q.structure_id = r.structure_id AND q.rulebook_id = r.id) FROM aid_rulebooks r "
	"LEFT JOIN agent_names u ON u.id = r.created_by WHERE r.structure_id = $1 ORDER BY r.id DESC");
static db_sql Q_PREVIOUS = DB_SQL(DB_SCOPED, "SELECT max(id) FROM aid_rulebooks WHERE structure_id = $1 AND id < $2");
static db_sql Q_VERSION = DB_SQL(DB_SCOPED, "SELECT version, effective_on, text, adopted_on FROM aid_rulebooks WHERE structure_id = $1 AND id = $2");

/* What the engine understood of a valid text: each aid as a table. */
static void understood(web_req *r, const char *text)
{
	aid_rulebook *rb = arena_alloc(r->a, sizeof *rb);
	aid_error errs[4];
	int ne;
	if (!rb || !text || !aid_rules_parse(r->a, text, rb, errs, 4, &ne))
		return;
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-compris\"><h2 id=\"t-compris\">Ce que le moteur a compris</h2>");
	for (int i = 0; i < rb->nshared; i++)
		html_printf(b, "<p>Plafond commun « %s » : %s %s.</p>", rb->shared[i].name, money_format(r->a, rb->shared[i].cap),
		            rb->shared[i].rolling ? "sur douze mois glissants" : "par année civile");
	for (int i = 0; i < rb->naids; i++) {
		aid_line *v;
		int n = aid_rule_describe(r->a, &rb->aids[i], &v);
		html_printf(b, "<h3>%s <small>(%s)</small></h3>", rb->aids[i].label, rb->aids[i].key);
		html_table(b, arena_printf(r->a, "Conditions, barème et plafonds : %s", rb->aids[i].label), 0, "Règle", "Valeur");
		for (int k = 0; k < n; k++)
			html_printf(b, "<tr><th scope=\"row\">%s</th><td>%s</td></tr>", v[k].label, v[k].value);
		html_table_close(b);
	}
	html_lit(b, "</section>");
}

static void editor(web_req *r, const char *text, aid_error *errs, int ne, const char *ok)
{
	page_begin(r, "Règlement des aides facultatives");
	buf *b = &r->out;
	if (ok)
		page_notice(r, "ok", ok);
	if (ne) {
		html_lit(b, "<div class=\"notice notice-error\" role=\"alert\" id=\"erreurs\" tabindex=\"-1\"><p><strong>Le règlement n’a pas été "
		            "enregistré</strong> : il contient des erreurs. Corrigez-les ; le texte saisi est conservé.</p><ul>");
		for (int i = 0; i < ne && i < 50; i++)
			html_printf(b, "<li>Ligne %d : %s</li>", errs[i].line, errs[i].message);
		if (ne > 50)
			html_printf(b, "<li>… et %d autres erreurs, après celles-ci.</li>", ne - 50);
		html_lit(b, "</ul></div>");
	}
	form_begin(r, "<p>Une aide par bloc, de « aide : » à « fin ». Chaque enregistrement crée une nouvelle version ; les "
	            "versions précédentes restent consultables et les décisions gardent celle qui les a produites. "
	            "Un règlement invalide n’est jamais enregistré.</p><form method=\"post\" action=\"/aides/reglement\" novalidate>");
	html_printf(b, "<div class=\"field\"><label for=\"f-text\">Texte du règlement</label><textarea id=\"f-text\" name=\"text\" rows=\"28\" "
	               "class=\"code\" spellcheck=\"false\">%s</textarea></div>", text ? text : "");
	html_lit(b, "<button type=\"submit\" name=\"apercu\" value=\"1\">Vérifier sans enregistrer</button> "
	            "<button type=\"submit\" class=\"primary\">Vérifier et enregistrer une nouvelle version</button></form>");
	if (!ne)
		understood(r, text);
	html_lit(b, "<h2>Versions</h2>");
	html_table(b, "Versions du règlement", 0, "Version", "Adoptée le", "En vigueur le", "Enregistrée par", "#Demandes instruites", "Changements");
	db_res q = {0};
	DBQ0(r->db, &Q_HISTORY, &q);
	while (db_next(&q))
		html_printf(b, "<tr><td><a href=\"/aides/reglement/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%lld</td>"
		               "<td><a href=\"/aides/reglement/%lld/difference\">par rapport à la version précédente</a></td></tr>",
		            (long long)db_int(&q, 0), db_text(&q, 1), civil_fr(r->a, db_text(&q, 2)), civil_fr(r->a, db_text(&q, 3)), db_text(&q, 4),
		            (long long)db_int(&q, 6), (long long)db_int(&q, 0));
	db_close(&q);
	html_table_close(b);
	page_end(r);
}

static void rules_get(web_req *r)
{
	db_res q = {0};
	char *text = NULL;
	if (DBQ0(r->db, &Q_LATEST, &q) == E_OK && db_next(&q))
		text = db_dup(&q, 1, r->a);
	db_close(&q);
	editor(r, text, NULL, 0, web_arg(r, "ok") ? "La nouvelle version du règlement a été enregistrée." : NULL);
}

static void rules_post(web_req *r)
{
	const char *text = kv_get(&r->form, "text");
	aid_error errs[50];
	int ne;
	int64_t id;
	if (web_field(r, "apercu")) {
		/* Checked and explained, nothing stored. */
		aid_rulebook *rb = arena_alloc(r->a, sizeof *rb);
		if (rb && !aid_rules_parse(r->a, text ? text : "", rb, errs, 50, &ne)) {
			r->status = 400;
			editor(r, text, errs, ne, NULL);
		} else {
			editor(r, text, NULL, 0, "Le règlement est valide (rien n’a été enregistré) : voyez ci-dessous ce que le moteur a compris.");
		}
		return;
	}
	aid_ctx x = AID_CTX(r);
	err e = aid_rules_store(&x, text, errs, 50, &ne, &id);
	if (e == E_INPUT) {
		r->status = 400;
		editor(r, text, errs, ne, NULL);
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/aides/reglement?ok=1");
}

static void version_get(web_req *r)
{
	db_res q = {0};
	if (DBQ(r->db, &Q_VERSION, &q, A_INT(r->param[0])) != E_OK || !db_next(&q)) {
		db_close(&q);
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	char *v = db_dup(&q, 0, r->a), *eff = db_dup(&q, 1, r->a), *text = db_dup(&q, 2, r->a), *adopted = db_dup(&q, 3, r->a);
	db_close(&q);
	page_begin(r, arena_printf(r->a, "Règlement, version %s", v));
	html_printf(&r->out, "<p>Adoptée le %s, en vigueur à partir du %s. <a href=\"/aides/reglement/%lld/difference\">Ce qui a changé</a>",
	            civil_fr(r->a, adopted), civil_fr(r->a, eff), (long long)r->param[0]);
	if (web_may(r, M_GET, "/aides/reglement"))
		html_lit(&r->out, " · <a href=\"/aides/reglement\">Toutes les versions</a>");
	html_printf(&r->out, "</p><pre class=\"code\">%s</pre>", text);
	understood(r, text);
	page_end(r);
}

/* ---- differences between two versions (lines, longest common subsequence) --------------- */

typedef struct lines {
	const char **l;
	int n;
} lines;

static lines split_lines(arena *a, const char *text, int max)
{
	lines o = {arena_alloc(a, sizeof(char *) * (size_t)max), 0};
	char *t = arena_strdup(a, text ? text : "");
	for (char *p = t, *nl; o.l && p && *p && o.n < max; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = '\0';
		size_t k = strlen(p);
		if (k && p[k - 1] == '\r')
			p[k - 1] = '\0';
		o.l[o.n++] = p;
	}
	return o;
}

#define DIFF_MAX_LINES 1500
static void diff_lines(web_req *r, lines x, lines y)
{
	buf *b = &r->out;
	int pre = 0, suf = 0;
	while (pre < x.n && pre < y.n && !strcmp(x.l[pre], y.l[pre]))
		pre++;
	while (suf < x.n - pre && suf < y.n - pre && !strcmp(x.l[x.n - 1 - suf], y.l[y.n - 1 - suf]))
		suf++;
	int n = x.n - pre - suf, m = y.n - pre - suf;
	uint16_t *t = arena_alloc(r->a, sizeof *t * (size_t)(n + 1) * (size_t)(m + 1));
	if (!t) {
		html_lit(b, "<p>Les versions sont trop différentes pour être comparées ligne à ligne.</p>");
		return;
	}
#define T(i, j) t[(size_t)(i) * (size_t)(m + 1) + (size_t)(j)]
	for (int i = n; i >= 0; i--)
		for (int j = m; j >= 0; j--)
			T(i, j) = i == n || j == m ? 0
			          : !strcmp(x.l[pre + i], y.l[pre + j]) ? (uint16_t)(T(i + 1, j + 1) + 1)
			          : T(i + 1, j) >= T(i, j + 1) ? T(i + 1, j) : T(i, j + 1);
	int changes = 0;
	html_table(b, "Lignes retirées (−) et ajoutées (+), avec leur numéro dans chaque version", TABLE_DIFF | TABLE_CAPTION_SHOWN, "Avant", "Après", "Ligne");
	int i = 0, j = 0;
	const char *block = NULL; /* the "aide :" line of the block, shown before its first change */
	int block_x = 0, block_y = 0;
	for (int k = pre - 1; k >= 0 && !block; k--)
		if (!strncmp(x.l[k], "aide", 4))
			block = x.l[k], block_x = block_y = k + 1;
	while (i < n || j < m) {
		if (i < n && j < m && !strcmp(x.l[pre + i], y.l[pre + j])) {
			if (!strncmp(x.l[pre + i], "aide", 4))
				block = x.l[pre + i], block_x = pre + i + 1, block_y = pre + j + 1;
			i++, j++;
			continue;
		}
		if (block) {
			html_printf(b, "<tr class=\"same\"><td>%d</td><td>%d</td><td><code>%s</code></td></tr>", block_x, block_y, block);
			block = NULL;
		}
		if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1))) {
			html_printf(b, "<tr class=\"del\"><td>%d</td><td></td><td><code>− %s</code></td></tr>", pre + i + 1, x.l[pre + i]);
			i++, changes++;
		} else {
			html_printf(b, "<tr class=\"add\"><td></td><td>%d</td><td><code>+ %s</code></td></tr>", pre + j + 1, y.l[pre + j]);
			j++, changes++;
		}
	}
#undef T
	html_table_close(b);
	if (!changes)
		html_lit(b, "<p>Les deux versions ont le même texte.</p>");
}

static void difference(web_req *r)
{
	int64_t other = 0;
	const char *w = web_arg(r, "avec");
	if (w && !text_to_int64(w, 1, INT64_MAX, &other))
		other = 0;
	if (!other) {
		db_res q = {0};
		if (DBQ(r->db, &Q_PREVIOUS, &q, A_INT(r->param[0])) == E_OK && db_next(&q))
			other = db_int(&q, 0);
		db_close(&q);
	}
	char *tx[2] = {NULL, NULL}, *vx[2] = {NULL, NULL};
	int64_t ids[2] = {other, r->param[0]};
	for (int k = 0; k < 2; k++) {
		db_res q = {0};
		if (ids[k] && DBQ(r->db, &Q_VERSION, &q, A_INT(ids[k])) == E_OK && db_next(&q)) {
			vx[k] = db_dup(&q, 0, r->a);
			tx[k] = db_dup(&q, 2, r->a);
		}
		db_close(&q);
	}
	if (!tx[1]) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	page_begin(r, arena_printf(r->a, "Règlement : ce qui change dans la version %s", vx[1]));
	if (!tx[0]) {
		html_lit(&r->out, "<p>C’est la première version : il n’y a rien avant elle.</p>");
	} else {
		html_printf(&r->out, "<p>De la <a href=\"/aides/reglement/%lld\">version %s</a> à la <a href=\"/aides/reglement/%lld\">version %s</a>.</p>",
		            (long long)ids[0], vx[0], (long long)ids[1], vx[1]);
		diff_lines(r, split_lines(r->a, tx[0], DIFF_MAX_LINES), split_lines(r->a, tx[1], DIFF_MAX_LINES));
	}
	page_end(r);
}

/* ---- simulation ------------------------------------------------------------------------------ */

static void simulate(web_req *r)
{
	int64_t hid = r->param[0];
	if (!persons_household_exists(r->db, hid)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	civil_date today = civil_today(r->user->tz);
	aid_rulebook rb;
	int64_t rbid;
	bool have = aid_rulebook_on(r->db, r->a, today, &rb, &rbid);
	page_begin(r, arena_printf(r->a, "Simulation des aides — dossier %s", persons_file_no(r->db, r->a, hid)));
	buf *b = &r->out;
	if (!have) {
		html_lit(b, "<p>Aucun règlement en vigueur aujourd’hui : un responsable l’enregistre dans « Règlement des aides ».</p>");
		page_end(r);
		return;
	}
	/* The months of residence from the address history unless typed. */
	int64_t bill = 0, months = persons_residence_months(r->db, hid, today);
	const char *bs = web_arg(r, "facture"), *ms = web_arg(r, "residence");
	if (bs && *bs && !money_parse(bs, &bill))
		bill = 0;
	if (ms && *ms && !text_to_int64(ms, 0, 1200, &months))
		months = -1;
	aid_facts f;
	household_budget hb;
	if (aid_facts_for(r->db, r->a, hid, "", today, 0, (int)months, bill, &f, &hb) == E_OK)
		f.residence_unknown = months < 0;
	else {
		r->out.len = 0;
		web_error(r, E_DB, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "read", "household", hid, "aid simulation");
	html_printf(b, "<p>Règlement version %s en vigueur depuis le %s. Situation du foyer ce mois : quotient familial %s, reste à vivre %s "
	               "par %s et par jour, %d personne%s dont %d enfant%s. Rien n’est enregistré : c’est une simulation.</p>",
	            rb.version ? rb.version : "?", civil_fr(r->a, rb.effective), money_format_known(r->a, hb.qf_known, hb.qf),
	            money_format_known(r->a, hb.rav_known, hb.rav_day_person), hb.rav_unit ? hb.rav_unit : "personne",
	            hb.members, hb.members > 1 ? "s" : "", hb.children, hb.children > 1 ? "s" : "");
	html_printf(b, "<form method=\"get\" action=\"/foyers/%lld/simulation\" class=\"filters\">", (long long)hid);
	html_printf(b, "<div class=\"field\"><label for=\"facture\">Montant de la facture (€)</label><input id=\"facture\" name=\"facture\" value=\"%s\"></div>",
	            bs ? bs : "");
	html_printf(b, "<div class=\"field\"><label for=\"residence\">Mois de résidence dans la commune</label><input id=\"residence\" "
	               "name=\"residence\" inputmode=\"numeric\" value=\"%s\"></div><button type=\"submit\">Simuler</button></form>",
	            months >= 0 ? arena_printf(r->a, "%lld", (long long)months) : "");
	html_table(b, "Aides simulées", 0, "Aide", "Éligible", "#Montant proposé", "Pourquoi", "Demande");
	bool can_create = web_can(r, PERM_AID_INSTRUCT);
	for (int i = 0; i < rb.naids; i++) {
		/* Each aid with what this household already received of it (ceilings). */
		aid_facts fi;
		household_budget hbi;
		if (aid_facts_for(r->db, r->a, hid, rb.aids[i].key, today, 0, (int)months, bill, &fi, &hbi) != E_OK)
			fi = f;
		fi.residence_unknown = months < 0;
		/* One aid; by need when its scale depends on the need. */
		const aid_rule *ru = &rb.aids[i];
		for (int k = 0; k < (ru->nneeds ? ru->nneeds : 1); k++) {
			fi.need = ru->nneeds ? ru->need_keys[k] : "";
			const char *label = ru->nneeds ? arena_printf(r->a, "%s — besoin « %s »", ru->label, ru->needs[k]) : ru->label;
			aid_result res;
			aid_evaluate(r->a, ru, &fi, &res);
			html_printf(b, "<tr><th scope=\"row\">%s</th><td>%s</td><td class=\"num\">%s</td><td>%s</td><td>", label,
			            res.incomplete ? "non renseigné" : res.eligible ? "oui" : "non",
			            res.incomplete ? "—" : money_format(r->a, res.amount), res.explain);
			if (can_create && res.eligible)
				html_printf(b, "<a href=\"/aides/demandes/nouvelle?foyer=%lld&amp;aide=%s&amp;besoin=%s&amp;facture=%s&amp;residence=%lld\" "
				               "aria-label=\"Créer une demande : %s\">Créer</a>",
				            (long long)hid, ru->key, fi.need, bs ? bs : "", (long long)(months < 0 ? 0 : months), label);
			html_lit(b, "</td></tr>");
		}
	}
	html_table_close(b);
	html_lit(b, "<p class=\"muted\">Les aides déjà accordées au foyer sont déduites des plafonds.</p>");
	page_end(r);
}

static int budget_year(web_req *r)
{
	int64_t y = civil_today(r->user->tz).y;
	const char *s = web_arg(r, "annee") ? web_arg(r, "annee") : web_field(r, "annee");
	if (s && !text_to_int64(s, 2000, 2100, &y))
		y = civil_today(r->user->tz).y;
	return (int)y;
}

static void budget_page(web_req *r, const form_errors *fe)
{
	int year = budget_year(r);
	aid_rulebook rb;
	int64_t rbid;
	civil_date end = {year, 12, 31}, today = civil_today(r->user->tz);
	bool have = aid_rulebook_on(r->db, r->a, civil_to_days(end) < civil_to_days(today) ? end : today, &rb, &rbid);
	page_begin(r, arena_printf(r->a, "Budget des aides facultatives %d", year));
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "Les enveloppes ont été enregistrées.");
	form_error_summary(b, fe);
	html_printf(b, "<p><a href=\"/aides/budget?annee=%d\">Année précédente</a> · <a href=\"/aides/budget?annee=%d\">Année suivante</a></p>",
	            year - 1, year + 1);
	bool edit = web_can(r, PERM_AID_DECIDE);
	if (edit) {
		form_begin(r, "<form method=\"post\" action=\"/aides/budget\" novalidate>");
		html_printf(b, "<input type=\"hidden\" name=\"annee\" value=\"%d\">", year);
	}
	html_table(b, "Enveloppes, engagé, payé et reste par aide", 0, "Aide", "#Enveloppe votée", "#Engagé", "#Payé", "#Reste à engager");
	int64_t tv = 0, tc = 0, tp = 0;
	for (int i = 0; have && i < rb.naids; i++) {
		aid_envelope env;
		aid_envelope_of(r->db, rb.aids[i].key, year, &env);
		tv += env.voted > 0 ? env.voted : 0, tc += env.committed, tp += env.paid;
		html_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"num\">", rb.aids[i].label);
		if (edit) {
			const char *name = arena_printf(r->a, "env_%s", rb.aids[i].key);
			const char *typed = kv_get(&r->form, name), *err_ = form_error_for(fe, name);
			html_printf(b, "<label class=\"sr-only\" for=\"%s\">Enveloppe %s</label><input id=\"%s\" name=\"%s\" class=\"num\" size=\"10\" value=\"%s\"%s>",
			            name, rb.aids[i].label, name, name, typed ? typed : env.voted >= 0 ? money_format(r->a, env.voted) : "",
			            err_ ? " aria-invalid=true" : "");
		} else {
			html_printf(b, "%s", env.voted >= 0 ? money_format(r->a, env.voted) : "—");
		}
		bool over = env.voted >= 0 && env.committed > env.voted;
		html_printf(b, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num%s\">%s%s</td></tr>",
		            money_format(r->a, env.committed), money_format(r->a, env.paid), over ? " warn" : "",
		            env.voted >= 0 ? money_format(r->a, env.voted - env.committed) : "—", over ? " (dépassement)" : "");
	}
	html_printf(b, "</tbody><tfoot><tr><th scope=\"row\">Total</th><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
	               "<td class=\"num\">%s</td></tr></tfoot></table></div>",
	            money_format(r->a, tv), money_format(r->a, tc), money_format(r->a, tp), money_format(r->a, tv - tc));
	if (edit)
		html_lit(b, "<p class=\"muted\">Laissez vide une aide sans enveloppe votée.</p><button type=\"submit\" class=\"primary\">"
		            "Enregistrer les enveloppes votées</button></form>");
	page_end(r);
}

static void budget_get(web_req *r) { budget_page(r, NULL); }

static void budget_post(web_req *r)
{
	int year = budget_year(r);
	aid_rulebook rb;
	int64_t rbid;
	form_errors fe = {0};
	if (!aid_rulebook_on(r->db, r->a, civil_today(r->user->tz), &rb, &rbid)) {
		web_error(r, E_CONFLICT, "Aucun règlement en vigueur : les enveloppes se votent par aide du règlement.");
		return;
	}
	int64_t amounts[AID_MAX_AIDS];
	for (int i = 0; i < rb.naids; i++) {
		const char *name = arena_printf(r->a, "env_%s", rb.aids[i].key), *v = web_field(r, name);
		amounts[i] = -1;
		if (v && *v && (!money_parse(v, &amounts[i]) || amounts[i] < 0))
			form_error(&fe, name, arena_printf(r->a, "%s : l’enveloppe est un montant en euros.", rb.aids[i].label));
	}
	if (fe.n) {
		r->status = 400;
		budget_page(r, &fe);
		return;
	}
	aid_ctx x = AID_CTX(r);
	err e = aid_budget_set(&x, year, &rb, amounts);
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/aides/budget?annee=%d&ok=1", year));
}

void aid_pages_routes(void)
{
	web_route(M_GET, "/aides/reglement", rules_get, PERM_AID_RULES, 0, "Règlement des aides : éditeur et versions");
	web_route(M_POST, "/aides/reglement", rules_post, PERM_AID_RULES, 0, "Enregistrer une version du règlement");
	/* A version adopted by the board is read by whoever instructs under it. */
	web_route(M_GET, "/aides/reglement/{id}", version_get, PERM_AID_RULES_READ, 0, "Une version du règlement");
	web_route(M_GET, "/aides/reglement/{id}/difference", difference, PERM_AID_RULES_READ, 0, "Ce qui change entre deux versions");
	web_route(M_GET, "/foyers/{id}/simulation", simulate, PERM_AID_SIMULATE, 0, "Simuler les aides pour un foyer");
	web_route(M_GET, "/aides/budget", budget_get, PERM_AID_READ, 0, "Budget des aides : enveloppes, engagé, payé");
	web_route(M_POST, "/aides/budget", budget_post, PERM_AID_DECIDE, 0, "Enregistrer les enveloppes votées");
}
