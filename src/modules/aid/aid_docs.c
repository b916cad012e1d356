/* aid_docs.c — what the household receives: the decision letter (granted
 * or refused, the amount, the motive, the rule version applied and its
 * explanation, the appeal routes and delays) and the receipt for vouchers. */
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid_internal.h"
#include "modules/journal/journal.h"
#include "web/pdf.h"
#include "core/banned.h"

static const char *APPEAL =
	"Voies et délais de recours : si vous contestez cette décision, vous pouvez, dans un délai de deux mois à compter de "
	"sa notification, former un recours gracieux auprès du président du conseil d’administration du centre communal "
	"d’action sociale, ou un recours contentieux devant le tribunal administratif territorialement compétent (article "
	"R421-1 et R421-5 du code de justice administrative), y compris par l’application Télérecours citoyens "
	"(www.telerecours.fr). Le recours gracieux interrompt le délai du recours contentieux, qui recommence à courir à "
	"compter de la réponse (le silence gardé deux mois valant rejet).";

typedef struct letter {
	aid_req q;
	person_brief p;
	structure_info s;
	const char *version;
} letter;

static bool load(web_req *r, letter *l)
{
	memset(l, 0, sizeof *l);
	if (!aid_req_load(r->db, r->a, r->param[0], &l->q))
		return false;
	if (l->q.person_id && persons_person_brief(r->db, r->a, l->q.person_id, &l->p) != E_OK)
		return false;
	if (accounts_structure_info(r->db, r->a, r->user->structure_id, &l->s) != E_OK)
		return false;
	aid_rulebook rb;
	l->version = l->q.rulebook_id && aid_rulebook_by_id(r->db, r->a, l->q.rulebook_id, &rb) && rb.version ? rb.version : "non renseignée";
	return true;
}

static const char *missing(const letter *l, bool signed_letter) { return accounts_letter_gap(&l->s, signed_letter); }

static void header(web_req *r, pdf_doc *pd, const letter *l)
{
	pdf_small(pd, l->s.name);
	pdf_small(pd, l->s.address);
	if (*l->s.phone || *l->s.email)
		pdf_small(pd, arena_printf(r->a, "%s%s%s", l->s.phone, *l->s.phone && *l->s.email ? " — " : "", l->s.email));
	/* The recipient where the envelope's window shows it. */
	const char *to[3] = {0};
	if (l->q.person_id) {
		to[0] = arena_printf(r->a, "%s %s", l->p.first_names, l->p.last_name);
		to[1] = l->p.address1;
		to[2] = l->p.address2;
	}
	pdf_address_block(pd, to, COUNTOF(to));
	const char *no = persons_file_no(r->db, r->a, l->q.household_id);
	pdf_small(pd, arena_printf(r->a, "Dossier %s — demande n° %lld", no ? no : "non renseigné", (long long)l->q.id));
	pdf_space(pd, 12);
}

static void signature(web_req *r, pdf_doc *pd, const letter *l)
{
	pdf_space(pd, 10);
	if (l->s.signatory_delegation)
		pdf_para(pd, "Pour le président et par délégation,");
	pdf_para(pd, arena_printf(r->a, "%s, %s", l->s.signatory_name, l->s.signatory_title));
}

static void send(web_req *r, pdf_doc *pd, const char *filename, const char *what)
{
	if (pdf_send(r, pd, filename))
		journal_record(r->db, r->user->id, "export", "aid_request", r->param[0], what);
}

static void decision_letter(web_req *r)
{
	letter l;
	if (!load(r, &l)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const aid_req *q = &l.q;
	bool granted = !strcmp(q->decision, "accorde"), refused = !strcmp(q->decision, "refuse");
	if (!granted && !refused) {
		web_error(r, E_CONFLICT, "La lettre de décision est disponible une fois la demande accordée ou refusée.");
		return;
	}
	const char *gap = missing(&l, true);
	if (gap) {
		web_error(r, E_CONFLICT, gap);
		return;
	}
	const char *why;
	pdf_doc *pd = pdf_new("Décision relative à votre demande d’aide", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &l);
	pdf_small(pd, arena_printf(r->a, "Le %s", civil_fr_long(r->a, q->decided_on)));
	pdf_space(pd, 6);
	pdf_heading(pd, arena_printf(r->a, "Objet : votre demande « %s » du %s", q->aid_label, civil_fr_long(r->a, q->requested_on)));
	pdf_para(pd, "Madame, Monsieur,");
	const char *by = !strcmp(q->route, "commission") ? "la commission permanente du centre communal d’action sociale"
	                                                 : "le directeur du centre communal d’action sociale, par délégation du conseil d’administration,";
	/* What the rulebook said, in sentences; a request instructed before
	 * the sentences existed says only its outcome. */
	const char *rule = *q->explain_plain ? q->explain_plain
	                   : q->eligible == 1 && q->proposed > 0
	                       ? arena_printf(r->a, "Le règlement permettait une aide de %s.", money_format(r->a, q->proposed))
	                       : "Votre demande ne remplissait pas les conditions du règlement.";
	bool rule_grants = q->eligible == 1 && q->proposed > 0;
	if (granted) {
		pdf_para(pd, arena_printf(r->a, "Nous avons le plaisir de vous informer que %s a accordé à votre foyer l’aide « %s » d’un "
		                                "montant de %s.", by, q->aid_label, money_format(r->a, q->granted)));
		if (*q->creditor)
			pdf_para(pd, arena_printf(r->a, "Sauf indication contraire, l’aide est versée directement à votre créancier : %s.", q->creditor));
	} else {
		pdf_para(pd, arena_printf(r->a, "Nous sommes au regret de vous informer que %s n’a pas pu donner une suite favorable à votre "
		                                "demande d’aide « %s ».", by, q->aid_label));
	}
	pdf_space(pd, 6);
	pdf_heading(pd, "Les raisons de la décision");
	pdf_para(pd, arena_printf(r->a, "Votre demande a été examinée selon le règlement des aides facultatives adopté par le conseil "
	                                "d’administration (version %s), en vigueur à la date de votre demande.", l.version));
	pdf_para(pd, rule);
	/* The motive printed is the one decided: the rulebook's outcome when
	 * the decision follows it, the decider's stated reason when it
	 * departs from it (a refusal the rulebook would have granted, an
	 * amount other than the proposal). */
	if (refused && rule_grants)
		pdf_para(pd, arena_printf(r->a, "La décision s’écarte de cette proposition pour le motif suivant : %s", q->decision_motive));
	else if (refused && *q->decision_motive)
		pdf_para(pd, arena_printf(r->a, "Motif de la décision : %s", q->decision_motive));
	else if (granted && q->granted != q->proposed && *q->decision_motive)
		pdf_para(pd, arena_printf(r->a, "Le montant accordé diffère de cette proposition pour le motif suivant : %s", q->decision_motive));
	pdf_space(pd, 6);
	pdf_para(pd, APPEAL);
	pdf_space(pd, 6);
	pdf_para(pd, "Nous vous prions d’agréer, Madame, Monsieur, l’expression de nos salutations distinguées.");
	signature(r, pd, &l);
	send(r, pd, arena_printf(r->a, "decision-aide-%lld.pdf", (long long)q->id), "decision letter");
}

static void voucher_receipt(web_req *r)
{
	letter l;
	if (!load(r, &l)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const aid_req *q = &l.q;
	if (!*q->vouchers) {
		web_error(r, E_CONFLICT, "Aucun bon n’a été remis pour cette demande.");
		return;
	}
	const char *gap = missing(&l, false);
	if (gap) {
		web_error(r, E_CONFLICT, gap);
		return;
	}
	const char *why;
	pdf_doc *pd = pdf_new("Reçu de bons", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &l);
	pdf_heading(pd, "Reçu de bons d’aide (chèques d’accompagnement personnalisé)");
	pdf_field(pd, "Aide", q->aid_label);
	pdf_field(pd, "Montant remis", money_format(r->a, q->paid));
	pdf_field(pd, "Numéros des bons", q->vouchers);
	pdf_field(pd, "Remis le", civil_fr(r->a, q->paid_on));
	pdf_space(pd, 8);
	pdf_para(pd, "Les bons sont nominatifs et ne peuvent être échangés contre de l’argent. Ils sont utilisables chez les commerçants "
	             "partenaires jusqu’à la date indiquée sur chaque bon.");
	pdf_space(pd, 24);
	pdf_para(pd, "Signature du bénéficiaire                                              Pour le CCAS");
	send(r, pd, arena_printf(r->a, "recu-bons-%lld.pdf", (long long)q->id), "voucher receipt");
}

void aid_docs_routes(void)
{
	web_route(M_GET, "/aides/demandes/{id}/lettre.pdf", decision_letter, PERM_AID_READ, 0, "Lettre de décision (PDF)");
	web_route(M_GET, "/aides/demandes/{id}/recu.pdf", voucher_receipt, PERM_AID_READ, 0, "Reçu des bons (PDF)");
}
