/*
 * register_volunteer.c — a volunteer's page during an alert campaign: the
 * calls the campaign gave them and nothing else (CASF R121-5: the minimum
 * of the register's data — the name, the phones, the persons to warn; no
 * address, no health), each with its outcome recorded in one form; every
 * reading journaled. A no-answer goes on to the staff (a recall, then a
 * visit), whatever the volunteer's list shows.
 */
#include <stdio.h>
#include <string.h>
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/register/register_internal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

#define PAGE 30

static bool is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static void calls_page(web_req *r)
{
	if (!reg_caller(r)) {
		web_error(r, E_FORBIDDEN, "Les appels d’une campagne sont confiés aux bénévoles que la structure désigne.");
		return;
	}
	reg_campaign k;
	page_begin(r, "Mes appels");
	buf *b = &r->out;
	if (web_arg(r, "ok"))
		page_notice(r, "ok", "C’est enregistré. Merci.");
	if (!reg_campaign_open(r->db, r->a, &k)) {
		html_lit(b, "<p>Aucune campagne d’alerte en cours : pas d’appel à passer.</p>");
		page_end(r);
		return;
	}
	reg_ctx x = REG_CTX(r);
	reg_call *v;
	int64_t total = 0;
	int n = reg_calls(&x, k.id, "mes_appels", PAGE, 0, &v, &total);
	html_printf(b, "<p>Campagne %s du %s. %lld appel%s à passer, les plus urgents d’abord. Sans réponse, l’appel revient plus tard ; "
	               "au deuxième essai sans réponse, le CCAS organise une visite. En cas de danger, appelez le 15.</p>",
	            code_label(REG_CAMPAIGN_KINDS, COUNTOF(REG_CAMPAIGN_KINDS), k.kind), civil_fr(r->a, k.started_on), (long long)total,
	            total > 1 ? "s" : "");
	for (int i = 0; i < n; i++) {
		journal_record(r->db, r->user->id, "read", "reg_entry", v[i].entry_id, "volunteer");
		html_printf(b, "<section class=\"card\" aria-labelledby=\"c%lld\"><h2 id=\"c%lld\">%s %s</h2><p>", (long long)v[i].id, (long long)v[i].id,
		            v[i].e.last_name, v[i].e.first_names);
		html_lit(b, "Téléphone : ");
		html_tel(b, v[i].e.phone);
		if (*v[i].e.phones)
			html_printf(b, " · autres : %s", v[i].e.phones);
		if (is(v[i].state, "a_rappeler"))
			html_lit(b, " — <span class=\"warn\">deuxième essai</span>");
		html_lit(b, "</p>");
		reg_contact *ct;
		int nc = reg_contacts(r->db, r->a, v[i].entry_id, &ct);
		if (nc > 0) {
			html_lit(b, "<p>À prévenir :");
			for (int j = 0; j < nc; j++) {
				html_printf(b, "%s %s (%s) ", j ? " ;" : "", ct[j].name, *ct[j].relation ? ct[j].relation : "lien non renseigné");
				html_tel(b, ct[j].phone);
			}
			html_lit(b, "</p>");
		}
		form_scope(arena_printf(r->a, "a%lld", (long long)v[i].id));
		form_begin(r, "<form method=\"post\" action=\"/appels/%lld\" novalidate><fieldset><legend>Résultat de l’appel à %s %s</legend>"
		              "<input type=\"hidden\" name=\"attempts\" value=\"%lld\">",
		           (long long)v[i].id, v[i].e.first_names, v[i].e.last_name, (long long)v[i].attempts);
		for (int j = 0; j < COUNTOF(REG_OUTCOMES); j++)
			html_printf(b, "<div class=\"radio\"><input type=\"radio\" id=\"o%lld-%s\" name=\"outcome\" value=\"%s\"><label for=\"o%lld-%s\">%s</label></div>",
			            (long long)v[i].id, REG_OUTCOMES[j].v, REG_OUTCOMES[j].v, (long long)v[i].id, REG_OUTCOMES[j].v, REG_OUTCOMES[j].fr);
		form_input(b, &(form_field){.name = "arranged", .label = "Ce qui a été dit ou organisé"}, NULL);
		html_lit(b, "<button type=\"submit\" class=\"primary\">Enregistrer</button></fieldset></form></section>");
		form_scope(NULL);
	}
	if (!n)
		html_lit(b, "<p>Tous vos appels sont passés. Merci.</p>");
	else if (total > n)
		html_printf(b, "<p class=\"muted\">Les %d premiers ; les suivants apparaîtront au fur et à mesure.</p>", n);
	page_end(r);
}

static void call_post(web_req *r)
{
	if (!reg_caller(r)) {
		web_error(r, E_FORBIDDEN, NULL);
		return;
	}
	reg_campaign k;
	reg_call c;
	reg_ctx x = REG_CTX(r);
	/* Only a call of the campaign in course given to this volunteer. */
	if (!reg_campaign_open(r->db, r->a, &k) || !reg_call_load(&x, k.id, r->param[0], &c) || c.assigned_to != r->user->id) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	form_errors fe = {0};
	const char *why = NULL;
	err e = reg_call_record(&x, &k, &c, &r->form, &fe, &why);
	if (e == E_INPUT)
		web_error(r, E_INPUT, fe.n ? fe.msg[0] : NULL);
	else if (e != E_OK)
		web_error(r, e, why);
	else
		web_redirect(r, "/appels?ok=1");
}

void reg_volunteer_widget(web_req *r)
{
	if (!reg_caller(r) || web_can(r, PERM_REG_READ))
		return; /* the staff have the register's widget */
	reg_campaign k;
	buf *b = &r->out;
	html_lit(b, "<section aria-labelledby=\"t-vol\"><h2 id=\"t-vol\">Plan d’alerte</h2><ul>");
	if (reg_campaign_open(r->db, r->a, &k)) {
		reg_ctx x = REG_CTX(r);
		reg_call *v;
		int64_t total = 0;
		reg_calls(&x, k.id, "mes_appels", 1, 0, &v, &total);
		html_printf(b, "<li><a href=\"/appels\"><strong>%lld appel%s à passer</strong></a></li>", (long long)total, total > 1 ? "s" : "");
	} else {
		html_lit(b, "<li>Aucune campagne en cours.</li>");
	}
	html_lit(b, "</ul></section>");
}

void reg_volunteer_init(void)
{
	web_route(M_GET, "/appels", calls_page, PERM_REG_CALL, 0, "Registre : mes appels (bénévoles)");
	web_route(M_POST, "/appels/{id}", call_post, PERM_REG_CALL, 0, "Registre : résultat d’un appel (bénévoles)");
}
