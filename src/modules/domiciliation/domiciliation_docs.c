/*
 * domiciliation_docs.c — the documents of domiciliation, as PDF: the
 * request (cerfa 16029) and the attestation (cerfa 16030, arrêté du 20
 * décembre 2019) in the official forms' order of blocks — the form's
 * head, the organisation, the person, the address to use, the validity,
 * the signature — so that a préfecture or a bank recognises them; the
 * domiciliation number as a barcode the counter's scanner reads (on the
 * attestation and on a pocket card); the refusal and striking-off letters
 * with the appeal routes (CJA R421-5). No document leaves without the
 * structure's address and signatory.
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
	"strike_motive, requested_on, interview_on, interview_place, link, reason, num, interview_by, renewal_on, dom_type "
	"FROM domiciliations WHERE structure_id = $1 AND id = $2");

typedef struct docdata {
	person_brief p;
	structure_info s;
	const char *status, *first, *start, *end, *decided, *decider, *orientation, *struck, *motive;
	const char *requested, *interview, *place, *link, *reason, *interviewer, *renewal_on, *dom_type, *town;
	int64_t num;
	bool limited;
} docdata;

static bool load(web_req *r, docdata *d)
{
	db_res q = {0};
	bool ok = DBQ(r->db, &Q_DOC, &q, A_INT(r->param[0])) == E_OK && db_next(&q);
	int64_t pid = 0, decider = 0, interviewer = 0;
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
		d->num = db_isnull(&q, 16) ? 0 : db_int(&q, 16);
		interviewer = db_isnull(&q, 17) ? 0 : db_int(&q, 17);
		d->renewal_on = db_dup(&q, 18, r->a);
		d->dom_type = db_dup(&q, 19, r->a);
	}
	db_close(&q);
	if (!ok || persons_person_brief(r->db, r->a, pid, &d->p) != E_OK ||
	    accounts_structure_info(r->db, r->a, r->user->structure_id, &d->s) != E_OK)
		return false;
	d->decider = decider ? accounts_user_name(r->db, r->a, decider) : "";
	d->interviewer = interviewer ? accounts_user_name(r->db, r->a, interviewer) : "";
	d->town = accounts_structure_town(r->a, &d->s);
	return true;
}

/* Loads the file and checks what the document needs; answers the error
 * itself and returns false when it cannot be printed. */
static bool ready(web_req *r, docdata *d, const char *status, const char *status2, const char *refused, bool signed_doc)
{
	memset(d, 0, sizeof *d);
	if (!load(r, d)) {
		web_error(r, E_NOT_FOUND, NULL);
		return false;
	}
	if (status && strcmp(d->status, status) && (!status2 || strcmp(d->status, status2))) {
		web_error(r, E_CONFLICT, refused);
		return false;
	}
	const char *gap = accounts_letter_gap(&d->s, signed_doc);
	if (gap) {
		web_error(r, E_CONFLICT, gap);
		return false;
	}
	return true;
}

static const char *fr_or_blank(arena *a, const char *iso)
{
	return iso && *iso ? civil_fr(a, iso) : "non renseignée";
}

/* The signature block: « Fait à …, le … », the signatory, the stamp. */
static void signature(web_req *r, pdf_doc *pd, const docdata *d, const char *on)
{
	pdf_space(pd, 8);
	pdf_para(pd, arena_printf(r->a, "Fait à %s, le %s", *d->town ? d->town : "non renseigné", civil_fr(r->a, on)));
	pdf_para(pd, arena_printf(r->a, "%s%s, %s", d->s.signatory_delegation ? "Pour le président et par délégation, " : "",
	                          d->s.signatory_name, d->s.signatory_title));
	pdf_small(pd, "Signature du responsable et cachet de l’organisme");
}

/* « née » for a woman, « né » for a man, « né(e) » when not recorded. */
static const char *born_word(const char *sex)
{
	return sex && !strcmp(sex, "F") ? "née" : sex && !strcmp(sex, "M") ? "né" : "né(e)";
}

static const char *today_iso(web_req *r) { return civil_iso(r->a, civil_today(r->user->tz)); }

static void send(web_req *r, pdf_doc *pd, const char *filename, const char *what)
{
	if (pdf_send(r, pd, filename))
		journal_record(r->db, r->user->id, "export", "domiciliation", r->param[0], what);
}

static void header(web_req *r, pdf_doc *pd, docdata *d)
{
	pdf_small(pd, d->s.name);
	pdf_small(pd, d->s.address);
	if (*d->s.phone || *d->s.email)
		pdf_small(pd, arena_printf(r->a, "%s%s%s", d->s.phone, *d->s.phone && *d->s.email ? " — " : "", d->s.email));
	/* The person, where the envelope's window shows it: at the
	 * organisation's address (that is their address). */
	const char *to[] = {arena_printf(r->a, "%s %s", d->p.first_names, d->p.last_name),
	                    arena_printf(r->a, "Domiciliation n° %lld", (long long)d->num), d->s.name, d->s.address};
	pdf_address_block(pd, to, COUNTOF(to));
}

/* The organisation's block of both forms. */
static void organisation(web_req *r, pdf_doc *pd, const docdata *d)
{
	static const char *const kinds[] = {"Centre communal ou intercommunal d’action sociale", "Organisme agréé par le préfet"};
	pdf_check(pd, NULL, kinds, 2, 0);
	pdf_field(pd, "Nom de l’organisme", d->s.name);
	pdf_field(pd, "Adresse", d->s.address);
	pdf_field(pd, "Téléphone", *d->s.phone ? d->s.phone : "non renseigné");
	pdf_field(pd, "Courriel", *d->s.email ? d->s.email : "non renseigné");
	pdf_field(pd, "Nom et fonction du responsable", arena_printf(r->a, "%s, %s", d->s.signatory_name, d->s.signatory_title));
}

/* The person's identity block of both forms. */
static void identity(web_req *r, pdf_doc *pd, const docdata *d)
{
	pdf_field(pd, "Nom de naissance", *d->p.birth_name ? d->p.birth_name : d->p.last_name);
	pdf_field(pd, "Nom d’usage", d->p.last_name);
	pdf_field(pd, "Prénom(s)", d->p.first_names);
	static const char *const sexes[] = {"Féminin", "Masculin"};
	const char *sx = d->p.sex ? d->p.sex : "";
	pdf_check(pd, "Sexe", sexes, 2, !strcmp(sx, "F") ? 0 : !strcmp(sx, "M") ? 1 : -1);
	pdf_field(pd, "Date de naissance", fr_or_blank(r->a, d->p.birth_date));
	pdf_field(pd, "Lieu de naissance", *d->p.birth_place ? d->p.birth_place : "non renseigné");
}

/* The dependants: the other members of the household, as recorded. */
static void dependants(web_req *r, pdf_doc *pd, const docdata *d)
{
	person_brief *m;
	int nm = persons_household_members(r->db, r->a, d->p.household_id, &m), nd = 0;
	for (int i = 0; i < nm; i++) {
		if (m[i].id == d->p.id)
			continue;
		pdf_para(pd, arena_printf(r->a, "%s %s, %s le %s", m[i].last_name, m[i].first_names, born_word(m[i].sex),
		                          fr_or_blank(r->a, m[i].birth_date)));
		nd++;
	}
	if (!nd)
		pdf_para(pd, "Aucun ayant droit déclaré.");
}

static const char *appeal =
	"Voies de recours : vous pouvez contester cette décision dans un délai de deux mois à compter de sa notification, "
	"par un recours gracieux adressé au président du centre communal d’action sociale, ou par un recours contentieux "
	"devant le tribunal administratif territorialement compétent (article R421-5 du code de justice administrative). "
	"Le recours gracieux prolonge le délai du recours contentieux.";

static void attestation(web_req *r)
{
	docdata d;
	if (!ready(r, &d, "active", NULL, "Une attestation n’est délivrée que pour une domiciliation active.", true))
		return;
	const char *why;
	pdf_doc *pd = pdf_new("Attestation d’élection de domicile", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	pdf_form_head(pd, "N° 16030*01", "ATTESTATION D’ÉLECTION DE DOMICILE",
	              "Articles L. 264-1 et suivants et D. 264-1 et suivants du code de l’action sociale et des familles");
	/* The number the mail counter works by, as the scanner reads it. */
	double y = pdf_cursor_mm(pd);
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)d.num);
	pdf_text_at(pd, 20, y, 9, false, "N° de domiciliation");
	pdf_text_at(pd, 20, y + 4.5, 16, true, num);
	pdf_barcode(pd, num, 140, y, 12);
	pdf_cursor_set_mm(pd, y + 20);
	pdf_section(pd, "L’organisme domiciliataire");
	organisation(r, pd, &d);
	pdf_section(pd, "atteste que la personne désignée ci-dessous");
	identity(r, pd, &d);
	pdf_para(pd, "Ayants droit (enfants mineurs et personnes à charge) :");
	dependants(r, pd, &d);
	pdf_section(pd, "a élu domicile auprès de l’organisme, à l’adresse suivante");
	pdf_para(pd, arena_printf(r->a, "%s %s\nDomiciliation n° %s\n%s\n%s", d.p.first_names, d.p.last_name, num, d.s.name, d.s.address));
	pdf_section(pd, "Validité de l’élection de domicile");
	pdf_field(pd, "Date de début de validité", fr_or_blank(r->a, d.start));
	pdf_field(pd, "Date de fin de validité", fr_or_blank(r->a, d.end));
	pdf_field(pd, "Date de la première élection de domicile auprès de l’organisme", fr_or_blank(r->a, d.first));
	if (d.limited)
		pdf_para(pd, "Cette élection de domicile vaut uniquement pour l’aide médicale de l’État, l’aide juridictionnelle et "
		             "l’exercice des droits civils (article L. 264-2 du code de l’action sociale et des familles).");
	pdf_small(pd, "Cette attestation permet à son titulaire de recevoir son courrier à l’adresse ci-dessus et de faire valoir ses "
	              "droits : l’absence d’une adresse stable ne peut lui être opposée pour refuser l’exercice d’un droit, l’accès à une "
	              "prestation sociale ou à un service essentiel garanti par la loi, notamment bancaire et postal (article L. 264-3). "
	              "Le renouvellement se demande avant la date de fin de validité.");
	signature(r, pd, &d, today_iso(r));
	send(r, pd, "attestation-domiciliation.pdf", "attestation");
}

/* A pocket card: the number as a barcode, shown at the counter. */
static void card(web_req *r)
{
	docdata d;
	if (!ready(r, &d, "active", NULL, "Une carte n’est imprimée que pour une domiciliation active.", false))
		return;
	const char *why;
	pdf_doc *pd = pdf_new("Carte de domiciliation", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)d.num);
	/* Credit-card size (85.6 × 54 mm), a dashed line to cut along. */
	double x = 20, y = 20;
	pdf_frame(pd, x, y, 85.6, 54, true);
	pdf_text_at(pd, x + 4, y + 4, 8, true, d.s.name);
	pdf_text_at(pd, x + 4, y + 9, 7, false, "Carte de domiciliation — à présenter au guichet courrier");
	pdf_text_at(pd, x + 4, y + 15, 10, true, arena_printf(r->a, "%s %s", d.p.first_names, d.p.last_name));
	pdf_text_at(pd, x + 4, y + 21, 9, false, arena_printf(r->a, "N° %s — valable jusqu’au %s", num, fr_or_blank(r->a, d.end)));
	pdf_barcode(pd, num, x + 4, y + 27, 13);
	if (*d.s.phone)
		pdf_text_at(pd, x + 4, y + 47, 7, false, d.s.phone);
	pdf_cursor_set_mm(pd, y + 62);
	pdf_small(pd, "Découpez la carte en suivant le pointillé.");
	send(r, pd, "carte-domiciliation.pdf", "card");
}

static void refusal(web_req *r)
{
	docdata d;
	if (!ready(r, &d, "refusee", NULL, "Cette demande n’a pas été refusée.", true))
		return;
	const char *why;
	pdf_doc *pd = pdf_new("Refus d’élection de domicile", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &d);
	pdf_heading(pd, "Décision de refus d’élection de domicile");
	pdf_para(pd, arena_printf(r->a, "Par décision du %s, votre demande d’élection de domicile auprès du %s est refusée.",
	                          civil_fr(r->a, d.decided), d.s.name));
	pdf_para(pd, "Motif : vous ne justifiez pas d’un lien avec la commune au sens de l’article R264-4 du code de l’action "
	             "sociale et des familles (séjour sur son territoire, activité professionnelle, suivi social ou médico-social, "
	             "liens familiaux, autorité parentale sur un enfant scolarisé) (article L264-4).");
	pdf_para(pd, arena_printf(r->a, "Vous êtes orienté(e) vers : %s.", d.orientation && *d.orientation ? d.orientation : "non renseigné"));
	pdf_para(pd, appeal);
	signature(r, pd, &d, d.decided && *d.decided ? d.decided : today_iso(r));
	send(r, pd, "refus-domiciliation.pdf", "refusal_letter");
}

static void striking(web_req *r)
{
	docdata d;
	if (!ready(r, &d, "radiee", NULL, "Cette domiciliation n’a pas été radiée.", true))
		return;
	static const char *mv[] = {"demande", "logement_stable", "plus_de_lien", "fin_sans_renouvellement", "manquement", "sans_contact"};
	static const char *ml[] = {"à votre demande", "vous avez accédé à un logement stable", "vous n’avez plus de lien avec la commune",
	                           "la période de validité a pris fin sans demande de renouvellement",
	                           "manquement au règlement de la domiciliation",
	                           "vous ne vous êtes pas présenté(e) ni n’avez pris contact depuis plus de trois mois consécutifs"};
	const char *motive = "non renseigné";
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
	pdf_heading(pd, "Décision de radiation de la domiciliation");
	pdf_para(pd, arena_printf(r->a, "Votre élection de domicile auprès du %s prend fin le %s (article L264-5 du code de "
	                                "l’action sociale et des familles).", d.s.name, civil_fr(r->a, d.struck)));
	pdf_para(pd, arena_printf(r->a, "Motif : %s.", motive));
	pdf_para(pd, appeal);
	signature(r, pd, &d, d.struck && *d.struck ? d.struck : today_iso(r));
	send(r, pd, "radiation-domiciliation.pdf", "striking_off_letter");
}

/* While the request is instructed: a receipt the person can show. */
static void provisional(web_req *r)
{
	docdata d;
	if (!ready(r, &d, "instruction", "attente_decision",
	           "Une attestation provisoire n’est délivrée que pendant l’instruction de la demande.", true))
		return;
	const char *why;
	pdf_doc *pd = pdf_new("Attestation provisoire de demande d’élection de domicile", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	header(r, pd, &d);
	pdf_heading(pd, "Attestation provisoire — demande d’élection de domicile en cours");
	pdf_para(pd, arena_printf(r->a, "Le %s atteste que %s %s, %s le %s, a déposé le %s une demande d’élection de domicile, "
	                                "en cours d’instruction. Une réponse lui sera donnée dans un délai de deux mois.",
	                          d.s.name, d.p.first_names, d.p.last_name, born_word(d.p.sex),
	                          fr_or_blank(r->a, d.p.birth_date), fr_or_blank(r->a, d.requested)));
	pdf_para(pd, "Cette attestation ne vaut pas élection de domicile.");
	signature(r, pd, &d, today_iso(r));
	send(r, pd, "attestation-provisoire.pdf", "provisional_attestation");
}

/* The request as filed (cerfa 16029): the person, the dependants, the
 * organisation asked, the interview and the link with the commune, the
 * applicant's declaration, then the organisation's decision. */
static void request_form(web_req *r)
{
	docdata d;
	if (!ready(r, &d, NULL, NULL, NULL, false))
		return;
	const char *why;
	pdf_doc *pd = pdf_new("Demande d’élection de domicile", &why);
	if (!pd) {
		web_error(r, E_INTERNAL, why);
		return;
	}
	pdf_form_head(pd, "N° 16029*01", "DEMANDE D’ÉLECTION DE DOMICILE",
	              "Articles L. 264-1 et suivants et D. 264-1 et suivants du code de l’action sociale et des familles");
	bool renewal = (d.dom_type && !strcmp(d.dom_type, "renouvellement")) || (d.renewal_on && *d.renewal_on) ||
	               (d.first && d.start && *d.first && strcmp(d.first, d.start));
	static const char *const kinds[] = {"Première demande", "Renouvellement"};
	pdf_check(pd, "Type de demande", kinds, 2, renewal ? 1 : 0);
	pdf_field(pd, "N° de domiciliation", arena_printf(r->a, "%lld", (long long)d.num));
	pdf_section(pd, "Le demandeur");
	identity(r, pd, &d);
	pdf_field(pd, "Téléphone", *d.p.phone ? d.p.phone : "non renseigné");
	pdf_field(pd, "Courriel", d.p.email && *d.p.email ? d.p.email : "non renseigné");
	pdf_section(pd, "Les ayants droit (enfants mineurs et personnes à charge)");
	dependants(r, pd, &d);
	pdf_section(pd, "L’organisme auprès duquel l’élection de domicile est demandée");
	organisation(r, pd, &d);
	pdf_section(pd, "L’entretien");
	pdf_field(pd, "Date de la demande", fr_or_blank(r->a, d.requested));
	pdf_field(pd, "Date de l’entretien", fr_or_blank(r->a, d.interview));
	pdf_field(pd, "Lieu", d.place && *d.place ? d.place : "non renseigné");
	pdf_field(pd, "Entretien mené par", *d.interviewer ? d.interviewer : "non renseigné");
	static const char *lv[] = {"sejour", "travail", "suivi", "famille", "autorite_parentale", "aucun"};
	static const char *ll[] = {"séjour sur le territoire de la commune", "activité professionnelle sur la commune",
	                           "suivi social, médico-social ou d’insertion", "liens familiaux avec un résident",
	                           "autorité parentale sur un enfant scolarisé dans la commune", "aucun lien établi"};
	const char *link = "à déterminer";
	for (int i = 0; i < 6; i++)
		if (d.link && !strcmp(d.link, lv[i]))
			link = ll[i];
	pdf_field(pd, "Lien avec la commune (article R. 264-4)", link);
	if (d.reason && *d.reason)
		pdf_field(pd, "Motif de la demande", d.reason);
	pdf_section(pd, "Déclaration du demandeur");
	pdf_para(pd, "Je certifie sur l’honneur l’exactitude des renseignements ci-dessus et m’engage à me présenter ou à prendre "
	             "contact avec l’organisme au moins une fois tous les trois mois.");
	pdf_para(pd, arena_printf(r->a, "Fait à %s, le %s          Signature du demandeur :", *d.town ? d.town : "……………………",
	                          fr_or_blank(r->a, d.requested)));
	pdf_space(pd, 18);
	pdf_section(pd, "Décision de l’organisme");
	bool granted = !strcmp(d.status, "active") || !strcmp(d.status, "radiee"), refused = !strcmp(d.status, "refusee");
	static const char *const outcomes[] = {"Élection de domicile acceptée", "Élection de domicile refusée"};
	pdf_check(pd, NULL, outcomes, 2, granted ? 0 : refused ? 1 : -1);
	if (granted)
		pdf_field(pd, "Validité", arena_printf(r->a, "du %s au %s", fr_or_blank(r->a, d.start), fr_or_blank(r->a, d.end)));
	if (refused) {
		pdf_field(pd, "Motif du refus", "absence de lien avec la commune (article L. 264-4)");
		pdf_field(pd, "Orientation", d.orientation && *d.orientation ? d.orientation : "non renseignée");
	}
	if (!granted && !refused)
		pdf_para(pd, "Demande en cours d’instruction : la décision est donnée dans un délai de deux mois.");
	else
		signature(r, pd, &d, d.decided && *d.decided ? d.decided : today_iso(r));
	send(r, pd, "demande-domiciliation.pdf", "request_form");
}

void domiciliation_docs_routes(void)
{
	web_route(M_GET, "/domiciliation/{id}/attestation.pdf", attestation, PERM_DOMI_MAIL, 0, "Attestation d’élection de domicile (PDF)");
	web_route(M_GET, "/domiciliation/{id}/refus.pdf", refusal, PERM_DOMI_MAIL, 0, "Lettre de refus (PDF)");
	web_route(M_GET, "/domiciliation/{id}/provisoire.pdf", provisional, PERM_DOMI_MAIL, 0, "Attestation provisoire (PDF)");
	web_route(M_GET, "/domiciliation/{id}/demande.pdf", request_form, PERM_DOMI_MAIL, 0, "Demande d’élection de domicile, cerfa 16029 (PDF)");
	web_route(M_GET, "/domiciliation/{id}/radiation.pdf", striking, PERM_DOMI_MAIL, 0, "Lettre de radiation (PDF)");
	web_route(M_GET, "/domiciliation/{id}/carte.pdf", card, PERM_DOMI_MAIL, 0, "Carte de domiciliation avec le code-barres (PDF)");
}
