/*
 * domiciliation_domifa.c — DomiFa's columns and codes (see
 * domiciliation_domifa.h), as its published import template, import code
 * (USAGERS_IMPORT_COLUMNS, its validation schema) and code lists define
 * them. Aliases are the other titles met in the wild: DomiFa's template,
 * its older versions and exports, and OpenCCAS's own exports.
 */
#include <string.h>
#include "core/countof.h"
#include "modules/domiciliation/domiciliation_domifa.h"
#include "store/store.h"
#include "modules/domiciliation/domiciliation_internal.h"
#include "web/html.h"
#include "core/banned.h"

const df_column DF_COLUMNS[DF__N] = {
	[DF_REF] = {"customRef", "Numéro d'identification", "id|identifiant|identifiant personnalise|reference dossier|numero de dossier"},
	[DF_CIVILITE] = {"civilite", "Civilité", "sexe|civilite de l usager"},
	[DF_NOM] = {"nom", "Nom", "nom de naissance|nom de l usager|nom de famille"},
	[DF_PRENOM] = {"prenom", "Prénom", "prenoms|prenom de l usager"},
	[DF_SURNOM] = {"surnom", "Nom d'usage / Surnom", "nom d usage|surnom|nom d usage surnom"},
	[DF_NAISSANCE] = {"dateNaissance", "Date naissance", "date de naissance"},
	[DF_LIEU] = {"lieuNaissance", "Lieu naissance", "lieu de naissance|ville de naissance"},
	[DF_TELEPHONE] = {"telephone", "Téléphone", "numero de telephone|tel"},
	[DF_EMAIL] = {"email", "Email", "e mail|adresse e mail|adresse email|courriel"},
	[DF_STATUT] = {"statutDom", "Statut domiciliation", "statut de la domiciliation|statut demande|statut"},
	[DF_MOTIF_REFUS] = {"motifRefus", "Motif de refus", "motif si refuse|motif du refus"},
	[DF_MOTIF_RADIATION] = {"motifRadiation", "Motif de radiation", "motif si radie|motif de la radiation"},
	[DF_TYPE] = {"typeDom", "Type de domiciliation", "type demande|type de demande"},
	[DF_DEBUT] = {"dateDebutDom", "Date de Début de la domiciliation",
	              "date debut dom actuelle|date de debut de la dom actuelle|date de debut|date debut"},
	[DF_FIN] = {"dateFinDom", "Date de fin de la domiciliation", "date fin de dom|date de fin de la dom actuelle|date de fin|date fin"},
	[DF_PREMIERE] = {"datePremiereDom", "Date 1ere domiciliation",
	                 "date 1ere dom|date de la 1ere domiciliation|date premiere domiciliation|date de premiere domiciliation"},
	[DF_PASSAGE] = {"dateDernierPassage", "Date de dernier passage", "dernier passage|date du dernier passage"},
	[DF_ORIENTATION] = {"orientation", "Orientation", "oriente par"},
	[DF_ORIENTATION_D] = {"orientationDetail", "Détails de l'orientation", "detail de l orientation"},
	[DF_EXISTANTE] = {"domiciliationExistante", "La personne a t-elle déjà une domiciliation ?", "domiciliation existante"},
	[DF_SITPRO] = {"situationPro", "Quelle est la situation professionnelle ?", "situation professionnelle"},
	[DF_SITPRO_D] = {"situationProDetail", "Quelle est la situation professionnelle ?", "detail de la situation professionnelle"},
	[DF_REVENUS] = {"revenus", "Le domicilié possède t-il des revenus ?", "revenus"},
	[DF_REVENUS_D] = {"revenusDetail", "Seulement si revenus, de quelle nature ?", "nature des revenus"},
	[DF_LIEN] = {"liencommune", "Lien avec la commune", "lien commune"},
	[DF_LIEN_D] = {"liencommuneDetail", "Détail du lien avec la commune", "detail lien avec la commune"},
	[DF_MENAGE] = {"typeMenage", "Composition du ménage", "type de menage"},
	[DF_RESIDENCE] = {"situationResidentielle", "Situation résidentielle", ""},
	[DF_RESIDENCE_D] = {"situationResidentielleDetail", "Si autre situation résidentielle, précisez", ""},
	[DF_CAUSE] = {"causeInstabilite", "Cause instabilité logement", "cause de l instabilite|cause de l instabilite du logement"},
	[DF_CAUSE_D] = {"causeDetail", "Si autre cause, précisez", ""},
	[DF_RAISON] = {"raisonDemande", "Motif principal de la demande", ""},
	[DF_RAISON_D] = {"raisonDemandeDetail", "Si autre motif, précisez", ""},
	[DF_ACCOMP] = {"accompagnement", "Accompagnement social", ""},
	[DF_ACCOMP_D] = {"accompagnementDetail", "Par quelle structure est fait l'accompagnement ?", ""},
	[DF_COMMENTAIRES] = {"commentaires", "Commentaires", "commentaire"},
	[DF_STATUS_OC] = {"statut_openccas", "Statut OpenCCAS", ""},
	[DF_REQUESTED] = {"date_demande", "Date de la demande", ""},
	[DF_INTERVIEW_ON] = {"date_entretien", "Date de l'entretien", ""},
	[DF_INTERVIEW_PLACE] = {"lieu_entretien", "Lieu de l'entretien", ""},
	[DF_DECIDED_ON] = {"date_decision", "Date de la décision", ""},
	[DF_STRUCK_ON] = {"date_radiation", "Date de radiation", "date de la radiation"},
	[DF_ORIENTATION_REFUS] = {"orientation_refus", "Orientation après refus", ""},
	[DF_NUMBER] = {"numero_openccas", "N° de domiciliation OpenCCAS", ""},
	[DF_LINK_OC] = {"lien_openccas", "Lien avec la commune (OpenCCAS)", ""},
	[DF_HTYPE_OC] = {"menage_openccas", "Composition du ménage (OpenCCAS)", ""},
	[DF_CAUSE_OC] = {"cause_openccas", "Cause de l’instabilité (OpenCCAS)", ""},
	[DF_REASON_OC] = {"motif_openccas", "Motif de la demande (OpenCCAS)", ""},
};

const df_code DFC_REFUS[] = {
	{"HORS_AGREMENT", "En dehors des critères du public domicilié", "hors_agrement"},
	{"LIEN_COMMUNE", "Absence de lien avec la commune", "absence_lien"},
	{"SATURATION", "Nombre maximal domiciliations atteint", "saturation"},
	{"AUTRE", "Autre motif", "autre"},
};
const df_code DFC_RADIATION[] = {
	{"A_SA_DEMANDE", "À la demande de la personne", "demande"},
	{"PLUS_DE_LIEN_COMMUNE", "Plus de lien avec la commune", "plus_de_lien"},
	{"FIN_DE_DOMICILIATION", "La domiciliation est arrivée à échéance (1 an) et son renouvellement n'a pas été sollicité",
	 "fin_sans_renouvellement"},
	{"NON_MANIFESTATION_3_MOIS", "Non-manifestation de la personne pendant plus de 3 mois consécutifs", "sans_contact"},
	{"NON_RESPECT_REGLEMENT", "Non-respect du règlement", "manquement"},
	{"ENTREE_LOGEMENT", "Entrée dans un logement/hébergement stable", "logement_stable"},
	{"AUTRE", "Autre motif", "autre"},
};
const df_code DFC_LIEN[] = {
	{"RESIDENTIEL", "Résidentiel", "sejour"},         {"PARENTAL", "Parental", "autorite_parentale"},
	{"FAMILIAL", "Familial", "famille"},              {"PROFESSIONNEL", "Professionnel", "travail"},
	{"SOCIAL", "Social", "suivi"},                    {"AUTRE", "Autre", NULL},
};
const df_code DFC_MENAGE[] = {
	{"COUPLE_AVEC_ENFANT", "Couple avec enfant(s)", "couple_enfants"},
	{"COUPLE_SANS_ENFANT", "Couple sans enfant", "couple"},
	{"FEMME_ISOLE_AVEC_ENFANT", "Femme isolée avec enfant(s)", "isole_enfants"},
	{"FEMME_ISOLE_SANS_ENFANT", "Femme isolée sans enfant", "isole"},
	{"HOMME_ISOLE_AVEC_ENFANT", "Homme isolé avec enfant(s)", "isole_enfants"},
	{"HOMME_ISOLE_SANS_ENFANT", "Homme isolé sans enfant", "isole"},
};
const df_code DFC_CAUSE[] = {
	{"AUTRE", "Autre cause", "autre"},
	{"ERRANCE", "Errance", "errance"},
	{"EXPULSION", "Expulsion", "expulsion"},
	{"HEBERGE_SANS_ADRESSE", "Hébergé, mais ne peut justifier d'une adresse", "hebergement_tiers"},
	{"ITINERANT", "Personnes itinérantes", "itinerance"},
	{"RUPTURE", "Rupture familiale et/ou conjugale", "rupture_familiale"},
	{"SORTIE_STRUCTURE", "Sortie d'une structure d'hébergement", "sortie_institution"},
	{"VIOLENCE", "Violence familiale et/ou conjugale", "violence"},
	{"SORTIE_HOSPITALISATION", "Sortie d'hospitalisation", "sortie_hopital"},
	{"SORTIE_INCARCERATION", "Sortie d'incarcération", "sortie_prison"},
};
const df_code DFC_RAISON[] = {
	{"AUTRE", "Autre raison", NULL},
	{"EXERCICE_DROITS", "Exercice des droits civils ou civiques", NULL},
	{"PRESTATIONS_SOCIALES", "Accès aux prestations sociales", NULL},
};
const df_code DFC_RESIDENCE[] = {
	{"AUTRE", "Autre résidence", NULL},
	{"DOMICILE_MOBILE", "Domicile mobile (ex: caravane)", NULL},
	{"HEBERGEMENT_SOCIAL", "Hébergement social (sans service courrier)", NULL},
	{"HEBERGEMENT_TIERS", "Hébergé chez un tiers", NULL},
	{"HOTEL", "Hôtel", NULL},
	{"SANS_ABRI", "Sans abris / Squat", NULL},
};
const df_code DFC_SITPRO[] = {
	{"ETUDIANT", "Etudiant", NULL},   {"SALARIE", "Salarié", NULL},
	{"INDEPENDANT", "Indépendant", NULL},
	{"FRANCE_TRAVAIL", "Inscrit à France Travail (ex Pôle-emploi)", NULL},
	{"POLE_EMPLOI", "Inscrit à Pôle-emploi", NULL},
	{"RSA", "RSA", NULL},             {"AAH", "Allocation aux adultes handicapés (AAH)", NULL},
	{"RETRAITE", "Retraité", NULL},   {"AUTRE", "Autre", NULL},
};
const df_code DFC_PARENTE[] = {
	{"AUTRE", "Autre personne à la charge du domicilié", "autre"},
	{"CONJOINT", "Conjoint.e", "conjoint"},
	{"ENFANT", "Enfant", "enfant"},
	{"PARENT", "Parent", "parent"},
};
const int DFC_NREFUS = COUNTOF(DFC_REFUS), DFC_NRADIATION = COUNTOF(DFC_RADIATION), DFC_NLIEN = COUNTOF(DFC_LIEN), DFC_NMENAGE = COUNTOF(DFC_MENAGE),
          DFC_NCAUSE = COUNTOF(DFC_CAUSE), DFC_NRAISON = COUNTOF(DFC_RAISON), DFC_NRESIDENCE = COUNTOF(DFC_RESIDENCE), DFC_NSITPRO = COUNTOF(DFC_SITPRO),
          DFC_NPARENTE = COUNTOF(DFC_PARENTE);

const df_code *df_find(const df_code *list, int n, const char *v)
{
	for (int i = 0; v && i < n; i++)
		if (!strcmp(list[i].code, v))
			return &list[i];
	return NULL;
}

const df_code *df_from_ours(const df_code *list, int n, const char *ours)
{
	for (int i = 0; ours && *ours && i < n; i++)
		if (list[i].ours && !strcmp(list[i].ours, ours))
			return &list[i];
	return NULL;
}

/* ---- the answers, shown on the domiciliation's page ---------------------------- */

static db_sql Q_ANSWERS = DB_SQL(DB_SCOPED,
	"SELECT key, value FROM domi_answers WHERE structure_id = $1 AND domiciliation_id = $2 ORDER BY key");

static const char *answer_label(const char *key)
{
	for (int k = 0; k < DF__N; k++)
		if (!strcmp(DF_COLUMNS[k].key, key))
			return k == DF_SITPRO_D ? "Situation professionnelle (précision)" : DF_COLUMNS[k].label;
	return key;
}

/* A DomiFa code shown with its label. */
static const char *answer_text(arena *a, const char *key, const char *v)
{
	static const struct { const char *key; const df_code *list; const int *n; } lists[] = {
		{"liencommune", DFC_LIEN, &DFC_NLIEN}, {"typeMenage", DFC_MENAGE, &DFC_NMENAGE}, {"causeInstabilite", DFC_CAUSE, &DFC_NCAUSE},
		{"raisonDemande", DFC_RAISON, &DFC_NRAISON}, {"situationResidentielle", DFC_RESIDENCE, &DFC_NRESIDENCE},
		{"situationPro", DFC_SITPRO, &DFC_NSITPRO},
	};
	for (int i = 0; i < COUNTOF(lists); i++)
		if (!strcmp(lists[i].key, key)) {
			const df_code *c = df_find(lists[i].list, *lists[i].n, v);
			return c ? c->label : v;
		}
	if (!strcmp(v, "OUI"))
		return "Oui";
	if (!strcmp(v, "NON"))
		return "Non";
	(void)a;
	return v;
}

void domi_answers_section(web_req *r, int64_t id)
{
	db_res q = {0};
	bool any = false;
	if (DBQ(r->db, &Q_ANSWERS, &q, A_INT(id)) == E_OK)
		while (db_next(&q)) {
			if (!any)
				html_lit(&r->out, "<h2>Entretien (repris de DomiFa)</h2><dl class=\"facts\">");
			any = true;
			html_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", answer_label(db_text(&q, 0)),
			            answer_text(r->a, db_text(&q, 0), db_text(&q, 1)));
		}
	db_close(&q);
	if (any)
		html_lit(&r->out, "</dl>");
}
