/*
 * domiciliation_domifa.h — DomiFa's file layout and code lists, shared by
 * the import and the export of the domiciliation module (internal).
 *
 * DomiFa (the State's domiciliation software) reads its import template
 * by position: 36 columns (0–35), then the dependants in blocks of four
 * (name, first name, birth date, relationship) from column 36, nine blocks
 * at most; row 1 holds the titles. Its codes are kept as DomiFa writes
 * them (upper case); each maps to OpenCCAS's own where one exists.
 */
#ifndef MODULES_DOMICILIATION_DOMIFA_H
#define MODULES_DOMICILIATION_DOMIFA_H

enum {
	DF_REF, DF_CIVILITE, DF_NOM, DF_PRENOM, DF_SURNOM, DF_NAISSANCE, DF_LIEU, DF_TELEPHONE, DF_EMAIL, DF_STATUT,
	DF_MOTIF_REFUS, DF_MOTIF_RADIATION, DF_TYPE, DF_DEBUT, DF_FIN, DF_PREMIERE, DF_PASSAGE, DF_ORIENTATION,
	DF_ORIENTATION_D, DF_EXISTANTE, DF_SITPRO, DF_SITPRO_D, DF_REVENUS, DF_REVENUS_D, DF_LIEN, DF_LIEN_D, DF_MENAGE,
	DF_RESIDENCE, DF_RESIDENCE_D, DF_CAUSE, DF_CAUSE_D, DF_RAISON, DF_RAISON_D, DF_ACCOMP, DF_ACCOMP_D,
	DF_COMMENTAIRES,
	DF__DOMIFA, /* 36: DomiFa's own columns stop here; dependants follow */
	/* Columns of OpenCCAS's complete export (read by their titles). */
	DF_STATUS_OC = DF__DOMIFA, DF_REQUESTED, DF_INTERVIEW_ON, DF_INTERVIEW_PLACE, DF_DECIDED_ON, DF_STRUCK_ON,
	DF_ORIENTATION_REFUS, DF_NUMBER, DF_LINK_OC, DF_HTYPE_OC, DF_CAUSE_OC, DF_REASON_OC,
	DF__N
};
#define DF_DEP_FIRST 36
#define DF_DEP_BLOCKS 9
#define DF_TEMPLATE_COLS 52 /* the template's titled columns: 36 + 4 dependants */

typedef struct df_column {
	const char *key;       /* DomiFa's name, for the answers kept as recorded */
	const char *label;     /* DomiFa's title (its template and its messages) */
	const char *aliases;   /* other titles, folded, separated by '|' */
} df_column;
extern const df_column DF_COLUMNS[DF__N];

typedef struct df_code {
	const char *code;      /* DomiFa's */
	const char *label;     /* DomiFa's French label */
	const char *ours;      /* OpenCCAS's code, or NULL */
} df_code;
extern const df_code DFC_REFUS[], DFC_RADIATION[], DFC_LIEN[], DFC_MENAGE[], DFC_CAUSE[], DFC_RAISON[], DFC_RESIDENCE[],
	DFC_SITPRO[], DFC_PARENTE[];
extern const int DFC_NREFUS, DFC_NRADIATION, DFC_NLIEN, DFC_NMENAGE, DFC_NCAUSE, DFC_NRAISON, DFC_NRESIDENCE, DFC_NSITPRO,
	DFC_NPARENTE;
/* The entry for code (upper-cased by the caller), NULL if none. */
const df_code *df_find(const df_code *list, int n, const char *code);
/* The DomiFa code for OpenCCAS's value ours, NULL if none. */
const df_code *df_from_ours(const df_code *list, int n, const char *ours);
#endif
