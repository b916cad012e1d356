/*
 * domiciliation_docs.c — the documents of domiciliation, as PDF: the
 * attestation with every field of CERFA 16030 (arrêté du 20 décembre
 * 2019), the refusal letter and the striking-off letter with the appeal
 * routes (recours gracieux within two months, recours contentieux before
 * the administrative court, CJA R421-5). The official form's layout is not
 * reproduced yet: the fields and mentions are.
 */
#include <stdio.h>
#include <string.h>
#include "modules/domiciliation/domiciliation_internal.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/pdf.h"
#include "web/web.h"
#include "core/banned.h"

static db_sql Q_DOC = DB_SQL(DB_SCOPED,
	"SELECT person_id, status, first_on, start_on, end_on, decided_on, decided_by, non_eu_limited, orientation, struck_on, "
	"strike_motive, requested_on, interview_on, interview_place, link, reason FROM domiciliations WHERE structure_id = $1 AND id = $2");

typedef struct docdata {
	person_brief p;
	structure_info s;
	const char *status, *first, *start, *end, *decided, *decider, *orientation, *struck, *motive;
	const char *requested, *interview, *place, *link, *reason;
	bool limited;
} docdata;

static bool load(web_req *r, docdata *d)
{
	db_res q = {0};
	bool ok = DBQ(r->db, &Q_DOC, &q, A_INT(r->param[0])) == E_OK && db_next(&q);
	int64_t pid = 0, decider = 0;
	if (ok) {
		pid = db_int(&q, 0);
		d->status = db_dup(&q, 1, r->a);
		d->first = db_dup(&q, 2, r->a);
		d->start = db_dup(&q, 3, r->a);
		d->end = db_dup(&q, 4, r->a);
		d->decided = db_dup(&q, 5, r->a);
		decider = db_int(&q, 6);
		d->limited = db_int(&q, 7) != 0;
		d->orientation = db_dup(&q, 8, r->a);
		d->struck = db_dup(&q, 9, r->a);
		d->motive = db_dup(&q, 10, r->a);
		d->requested = db_dup(&q, 11, r->a);
		d->interview = db_dup(&q, 12, r->a);
		d->place = db_dup(&q, 13, r->a);
		d->link = db_dup(&q, 14, r->a);
		d->reason = db_dup(&q, 15, r->a);
	}
	db_close(&q);
	if (!ok || persons_person_brief(r->db, r->a, pid, &d->p) != E_OK ||
	    accounts_structure_info(r->db, r->a, r->user->structure_id, &d->s) != E_OK)
		return false;
	d->decider = decider ? accounts_user_name(r->db, r->a, decider) : "";
	return true;
}

static void send(web_req *r, pdf_doc *pd, const char *filename, const char *what)
{
	if (pdf_send(r, pd, filename))
		journal_record(r->db, r->user->id, "export", "domiciliation", r->param[0], what);
}

static void header(web_req *r, pdf_doc *pd, docdata *d)
{
	pdf_small(pd, d->s.name);
	if (*d->s.address)
		pdf_small(pd, d->s.address);
	if (*d->s.phone || *d->s.email)
		pdf_small(pd, arena_printf(r->a, "%s %s", d->s.phone, d->s.email));
	pdf_space(pd, 12);
}

static const char *appeal =
	"Voies de recours : vous pouvez contester cette décision dans un délai de deux mois à compter de sa notification, "
	"par un recours gracieux adressé au président du centre communal d’action sociale, ou par un recours contentieux "
	"devant le tribunal administratif territorialement compétent (article R421-5 du code de justice administrative). "
	"Le recours gracieux prolonge le délai du recours contentieux.";

static void attestation(web_req *r)
{
	docdata d;
	if (!load(r, &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (strcmp(d.status, "active")) {
		web_error(r, E_CONFLICT, "Une attestation n’est délivrée que pour une domiciliation active.");
		return;
	}
	const char *why;
	pdf_doc *pd = pdf_new("Attestation d’élection de domicile", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &d);
	pdf_heading(pd, "Attestation d’élection de domicile");
	pdf_small(pd, "Articles L264-1 et suivants et D264-1 et suivants du code de l’action sociale et des familles — cerfa n° 16030");
	pdf_space(pd, 8);
	pdf_heading(pd, "La personne domiciliée");
	pdf_field(pd, "Nom de naissance", *d.p.birth_name ? d.p.birth_name : d.p.last_name);
	pdf_field(pd, "Nom d’usage", d.p.last_name);
	pdf_field(pd, "Prénoms", d.p.first_names);
	pdf_field(pd, "Sexe", !strcmp(d.p.sex, "F") ? "Féminin" : !strcmp(d.p.sex, "M") ? "Masculin" : "Non renseigné");
	pdf_field(pd, "Date de naissance", civil_fr(r->a, d.p.birth_date));
	pdf_field(pd, "Lieu de naissance", *d.p.birth_place ? d.p.birth_place : "—");
	/* Dependants: the other members of the household, as the file records them. */
	person_brief *m;
	int nm = persons_household_members(r->db, r->a, d.p.household_id, &m), nd = 0;
	for (int i = 0; i < nm; i++) {
		if (m[i].id == d.p.id)
			continue;
		static const char *rv[] = {"conjoint", "enfant", "enfant_alterne", "enfant_majeur", "heberge", "demandeur", "autre"};
		static const char *rl[] = {"conjoint(e)", "enfant", "enfant (garde alternée)", "enfant majeur", "personne hébergée",
		                           "demandeur", "autre"};
		const char *rel = m[i].relation;
		for (int k = 0; k < 7; k++)
			if (!strcmp(rel, rv[k]))
				rel = rl[k];
		pdf_field(pd, nd++ ? "" : "Ayants droit",
		          arena_printf(r->a, "%s %s, né(e) le %s (%s)", m[i].last_name, m[i].first_names, civil_fr(r->a, m[i].birth_date), rel));
	}
	if (!nd)
		pdf_field(pd, "Ayants droit", "aucun");
	pdf_heading(pd, "L’organisme domiciliataire");
	pdf_field(pd, "Organisme", d.s.name);
	pdf_field(pd, "Adresse", *d.s.address ? d.s.address : "—");
	pdf_field(pd, "Contact", *d.s.phone || *d.s.email ? arena_printf(r->a, "%s %s", d.s.phone, d.s.email) : "—");
	pdf_field(pd, "Responsable", *d.decider ? d.decider : "—");
	pdf_heading(pd, "Adresse postale de la personne");
	pdf_para(pd, arena_printf(r->a, "%s %s\nchez %s\n%s", d.p.first_names, d.p.last_name, d.s.name, d.s.address));
	pdf_heading(pd, "Validité");
	pdf_field(pd, "Date de début de validité", civil_fr(r->a, d.start));
	pdf_field(pd, "Date de fin de validité", civil_fr(r->a, d.end));
	pdf_field(pd, "Date de la première élection de domicile", civil_fr(r->a, d.first));
	if (d.limited)
		pdf_para(pd, "Cette domiciliation vaut uniquement pour l’aide médicale de l’État, l’aide juridictionnelle et "
		             "l’exercice des droits civils (article L264-2 du code de l’action sociale et des familles).");
	pdf_space(pd, 12);
	char today[11];
	civil_format(civil_today(r->user->tz), today);
	pdf_para(pd, arena_printf(r->a, "Fait le %s, pour le président du CCAS, %s.", civil_fr(r->a, today), *d.decider ? d.decider : ""));
	pdf_small(pd, "Signature et cachet de l’organisme");
	send(r, pd, "attestation-domiciliation.pdf", "attestation");
}

static void refusal(web_req *r)
{
	docdata d;
	if (!load(r, &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (strcmp(d.status, "refusee")) {
		web_error(r, E_CONFLICT, "Cette demande n’a pas été refusée.");
		return;
	}
	const char *why;
	pdf_doc *pd = pdf_new("Refus d’élection de domicile", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &d);
	pdf_para(pd, arena_printf(r->a, "%s %s", d.p.first_names, d.p.last_name));
	pdf_heading(pd, "Décision de refus d’élection de domicile");
	pdf_para(pd, arena_printf(r->a, "Par décision du %s, votre demande d’élection de domicile auprès du %s est refusée.",
	                          civil_fr(r->a, d.decided), d.s.name));
	pdf_para(pd, "Motif : vous ne justifiez pas d’un lien avec la commune au sens de l’article R264-4 du code de l’action "
	             "sociale et des familles (séjour sur son territoire, activité professionnelle, suivi social ou médico-social, "
	             "liens familiaux, autorité parentale sur un enfant scolarisé) (article L264-4).");
	pdf_para(pd, arena_printf(r->a, "Vous êtes orienté(e) vers : %s.", d.orientation && *d.orientation ? d.orientation : "—"));
	pdf_para(pd, appeal);
	send(r, pd, "refus-domiciliation.pdf", "refusal_letter");
}

static void striking(web_req *r)
{
	docdata d;
	if (!load(r, &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (strcmp(d.status, "radiee")) {
		web_error(r, E_CONFLICT, "Cette domiciliation n’a pas été radiée.");
		return;
	}
	static const char *mv[] = {"demande", "logement_stable", "plus_de_lien", "fin_sans_renouvellement", "manquement", "sans_contact"};
	static const char *ml[] = {"à votre demande", "vous avez accédé à un logement stable", "vous n’avez plus de lien avec la commune",
	                           "la période de validité a pris fin sans demande de renouvellement",
	                           "manquement au règlement de la domiciliation",
	                           "vous ne vous êtes pas présenté(e) ni n’avez pris contact depuis plus de trois mois consécutifs"};
	const char *motive = "—";
	for (int i = 0; i < 6; i++)
		if (d.motive && !strcmp(d.motive, mv[i]))
			motive = ml[i];
	const char *why;
	pdf_doc *pd = pdf_new("Radiation de la domiciliation", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &d);
	pdf_para(pd, arena_printf(r->a, "%s %s", d.p.first_names, d.p.last_name));
	pdf_heading(pd, "Décision de radiation de la domiciliation");
	pdf_para(pd, arena_printf(r->a, "Votre élection de domicile auprès du %s prend fin le %s (article L264-5 du code de "
	                                "l’action sociale et des familles).", d.s.name, civil_fr(r->a, d.struck)));
	pdf_para(pd, arena_printf(r->a, "Motif : %s.", motive));
	pdf_para(pd, appeal);
	send(r, pd, "radiation-domiciliation.pdf", "striking_off_letter");
}

/* While the request is instructed: a receipt the person can show. */
static void provisional(web_req *r)
{
	docdata d;
	if (!load(r, &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (strcmp(d.status, "instruction") && strcmp(d.status, "attente_decision")) {
		web_error(r, E_CONFLICT, "Une attestation provisoire n’est délivrée que pendant l’instruction de la demande.");
		return;
	}
	const char *why;
	pdf_doc *pd = pdf_new("Attestation provisoire de demande d’élection de domicile", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &d);
	pdf_heading(pd, "Attestation provisoire — demande d’élection de domicile en cours");
	pdf_para(pd, arena_printf(r->a, "Le %s atteste que %s %s, né(e) le %s, a déposé une demande d’élection de domicile, "
	                                "en cours d’instruction. Une réponse lui sera donnée dans un délai de deux mois.",
	                          d.s.name, d.p.first_names, d.p.last_name, civil_fr(r->a, d.p.birth_date)));
	pdf_para(pd, "Cette attestation ne vaut pas élection de domicile.");
	char today[11];
	civil_format(civil_today(r->user->tz), today);
	pdf_para(pd, arena_printf(r->a, "Fait le %s.", civil_fr(r->a, today)));
	send(r, pd, "attestation-provisoire.pdf", "provisional_attestation");
}

/* The request as filed (cerfa 16029): the person, the dependants, the
 * organisation, the interview, the link with the commune, signatures. */
static void request_form(web_req *r)
{
	docdata d;
	if (!load(r, &d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	const char *why;
	pdf_doc *pd = pdf_new("Demande d’élection de domicile", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &d);
	pdf_heading(pd, "Demande d’élection de domicile");
	pdf_small(pd, "Articles L264-1 et suivants du code de l’action sociale et des familles — cerfa n° 16029");
	pdf_heading(pd, "Le demandeur");
	pdf_field(pd, "Nom de naissance", *d.p.birth_name ? d.p.birth_name : d.p.last_name);
	pdf_field(pd, "Nom d’usage", d.p.last_name);
	pdf_field(pd, "Prénoms", d.p.first_names);
	pdf_field(pd, "Sexe", !strcmp(d.p.sex, "F") ? "Féminin" : !strcmp(d.p.sex, "M") ? "Masculin" : "Non renseigné");
	pdf_field(pd, "Date et lieu de naissance", arena_printf(r->a, "%s, %s", civil_fr(r->a, d.p.birth_date), *d.p.birth_place ? d.p.birth_place : "—"));
	person_brief *m;
	int nm = persons_household_members(r->db, r->a, d.p.household_id, &m), nd = 0;
	for (int i = 0; i < nm; i++)
		if (m[i].id != d.p.id)
			pdf_field(pd, nd++ ? "" : "Ayants droit", arena_printf(r->a, "%s %s, né(e) le %s", m[i].last_name, m[i].first_names,
			                                                       civil_fr(r->a, m[i].birth_date)));
	if (!nd)
		pdf_field(pd, "Ayants droit", "aucun");
	pdf_heading(pd, "L’organisme sollicité");
	pdf_field(pd, "Organisme", d.s.name);
	pdf_field(pd, "Adresse", *d.s.address ? d.s.address : "—");
	pdf_heading(pd, "Instruction");
	pdf_field(pd, "Date de la demande", civil_fr(r->a, d.requested));
	pdf_field(pd, "Entretien", arena_printf(r->a, "%s, %s", civil_fr(r->a, d.interview), d.place && *d.place ? d.place : "lieu non renseigné"));
	static const char *lv[] = {"sejour", "travail", "suivi", "famille", "autorite_parentale", "aucun"};
	static const char *ll[] = {"séjour sur le territoire de la commune", "activité professionnelle sur la commune",
	                           "suivi social, médico-social ou d’insertion", "liens familiaux avec un résident",
	                           "autorité parentale sur un enfant scolarisé dans la commune", "aucun lien établi"};
	const char *link = "à déterminer";
	for (int i = 0; i < 6; i++)
		if (d.link && !strcmp(d.link, lv[i]))
			link = ll[i];
	pdf_field(pd, "Lien avec la commune (R264-4)", link);
	if (d.reason && *d.reason)
		pdf_field(pd, "Motif de la demande", d.reason);
	pdf_space(pd, 16);
	pdf_para(pd, "Je certifie sur l’honneur l’exactitude des renseignements ci-dessus.");
	pdf_para(pd, "Fait à …………………………, le ………………            Signature du demandeur :");
	send(r, pd, "demande-domiciliation.pdf", "request_form");
}

void domiciliation_docs_routes(void)
{
	web_route(M_GET, "/domiciliation/{id}/attestation.pdf", attestation, PERM_DOMI_MAIL, 0, "Attestation d’élection de domicile (PDF)");
	web_route(M_GET, "/domiciliation/{id}/refus.pdf", refusal, PERM_DOMI_MAIL, 0, "Lettre de refus (PDF)");
	web_route(M_GET, "/domiciliation/{id}/provisoire.pdf", provisional, PERM_DOMI_MAIL, 0, "Attestation provisoire (PDF)");
	web_route(M_GET, "/domiciliation/{id}/demande.pdf", request_form, PERM_DOMI_MAIL, 0, "Demande d’élection de domicile, cerfa 16029 (PDF)");
	web_route(M_GET, "/domiciliation/{id}/radiation.pdf", striking, PERM_DOMI_MAIL, 0, "Lettre de radiation (PDF)");
}
