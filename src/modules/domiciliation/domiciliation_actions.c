/*
 * domiciliation_actions.c — the answers to the forms of a domiciliation's
 * file: transmission, decision, renewal, striking off (one or the lapsed
 * ones together), mail, hand-over, contact, proxies, forwarding. Each
 * calls the workflow (domiciliation_model.c), then goes back to the file,
 * or shows it again with the errors and what was typed.
 */
#include "modules/domiciliation/domiciliation_internal.h"
#include <string.h>
#include "core/text.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/banned.h"

static bool load_or_404(web_req *r, domi *d)
{
	err e = domi_load(r->db, r->a, r->param[0], d);
	if (e == E_OK)
		return true;
	web_error(r, e, NULL);
	return false;
}

static int64_t version_of(web_req *r)
{
	int64_t v = 0;
	const char *s = web_field(r, "version");
	return s && text_to_int64(s, 1, INT64_MAX, &v) ? v : -1;
}

/* After an action: back to the file, or the file with the errors. */
static void after(web_req *r, const domi *d, err e, const form_errors *fe, const char *warning)
{
	if (e == E_INPUT) {
		r->status = 400;
		domi_file_render(r, d, fe, NULL);
		return;
	}
	if (e == E_CONFLICT) {
		web_error(r, E_CONFLICT, "Ce dossier a changé entre-temps (décision déjà prise, ou état différent) : rechargez-le.");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, arena_printf(r->a, "/domiciliation/%lld?ok=1%s", (long long)d->id, warning ? "&court=1" : ""));
}

#define ACTION(name, call)                     \
	static void name(web_req *r)               \
	{                                          \
		domi d;                                \
		form_errors fe = {0};                  \
		if (!load_or_404(r, &d))               \
			return;                            \
		domi_ctx x = DOMI_CTX(r);              \
		const char *warning = NULL;            \
		err e = call;                          \
		after(r, &d, e, &fe, warning);         \
	}

ACTION(submit_post, domi_submit(&x, &d, version_of(r), web_field(r, "interview"), web_field(r, "place"), web_field(r, "link"), &fe))
ACTION(decision_post, domi_decide(&x, &d, version_of(r), web_field(r, "outcome"), web_field(r, "start"), web_field(r, "end"),
                                  web_field(r, "orientation"), &fe, &warning))
ACTION(renew_post, domi_renew(&x, &d, version_of(r), web_field(r, "interview"), &fe))
ACTION(strike_post, domi_strike(&x, &d, web_field(r, "motive"), &fe))
ACTION(unstrike_post, domi_unstrike(&x, &d))
/* Dated « effectué le » (yesterday's hand-over typed today). */
ACTION(mail_post, !domi_dated(r, &x, web_field(r, "done_on"), &fe) ? E_INPUT
                  : domi_mail_add(&x, &d, web_field(r, "kind"), web_field(r, "count"), &fe))
ACTION(handover_post, !domi_dated(r, &x, web_field(r, "done_on"), &fe) ? E_INPUT
                      : domi_handover(&x, &d, web_field(r, "to"), web_field(r, "forward"), &fe))
ACTION(contact_post, !domi_dated(r, &x, web_field(r, "done_on"), &fe) ? E_INPUT
                     : domi_contact_add(&x, &d, web_field(r, "contact_kind"), &fe))
ACTION(proxy_post, domi_proxy_add(&x, &d, web_field(r, "name"), web_field(r, "from"), web_field(r, "to"), &fe, &(int64_t){0}))
ACTION(forward_post, domi_forward_add(&x, &d, web_field(r, "address"), web_field(r, "fwd_from"), web_field(r, "fwd_to"), &fe,
                                      &(int64_t){0}))

/* The lapsed ones struck off together: each is checked again, only those
 * still without contact for three months are struck off. */
static void strike_many(web_req *r)
{
	int done = 0, refused = 0;
	domi_ctx x = DOMI_CTX(r);
	for (int i = 0; i < r->form.n; i++) {
		int64_t id;
		domi d;
		civil_date last;
		form_errors fe = {0};
		if (strcmp(r->form.items[i].name, "id") || !text_to_int64(r->form.items[i].value, 1, INT64_MAX, &id))
			continue;
		if (domi_load(r->db, r->a, id, &d) != E_OK || !d.last_contact_on || !civil_parse(d.last_contact_on, &last) ||
		    !domi_contact_lapsed(last, x.today) || domi_strike(&x, &d, "sans_contact", &fe) != E_OK)
			refused++;
		else
			done++;
	}
	page_begin(r, "Radiations");
	html_printf(&r->out, "<p role=\"status\">%d domiciliation%s radiée%s.", done, done > 1 ? "s" : "", done > 1 ? "s" : "");
	if (refused)
		html_printf(&r->out, " %d n’ont pas été radiées (contact récent ou état changé).", refused);
	html_lit(&r->out, "</p><p><a href=\"/domiciliation?liste=sans_contact\">Revenir à la liste</a></p>");
	page_end(r);
}

void domiciliation_actions_routes(void)
{
	web_route(M_POST, "/domiciliation/radiations", strike_many, PERM_DOMI_DECIDE, 0, "Radier plusieurs domiciliations");
	web_route(M_POST, "/domiciliation/{id}/transmettre", submit_post, PERM_DOMI_INSTRUCT, 0, "Transmettre pour décision");
	web_route(M_POST, "/domiciliation/{id}/decision", decision_post, PERM_DOMI_DECIDE, 0, "Décider");
	web_route(M_POST, "/domiciliation/{id}/renouvellement", renew_post, PERM_DOMI_INSTRUCT, 0, "Demander le renouvellement");
	web_route(M_POST, "/domiciliation/{id}/radiation", strike_post, PERM_DOMI_DECIDE, 0, "Radier");
	web_route(M_POST, "/domiciliation/{id}/annuler-radiation", unstrike_post, PERM_DOMI_DECIDE, 0, "Annuler une radiation");
	web_route(M_POST, "/domiciliation/{id}/courrier", mail_post, PERM_DOMI_MAIL, 0, "Arrivée de courrier");
	web_route(M_POST, "/domiciliation/{id}/remise", handover_post, PERM_DOMI_MAIL, 0, "Remise du courrier");
	web_route(M_POST, "/domiciliation/{id}/contact", contact_post, PERM_DOMI_MAIL, 0, "Contact");
	web_route(M_POST, "/domiciliation/{id}/mandataires", proxy_post, PERM_DOMI_MAIL, 0, "Ajouter un mandataire");
	web_route(M_POST, "/domiciliation/{id}/reexpedition", forward_post, PERM_DOMI_MAIL, 0, "Réexpédier sur une période");
}
