/*
 * aid_rules.h — the board's rulebook (règlement des aides facultatives) as
 * a plain-text file a board secretary can read, and the deterministic
 * evaluation engine that explains itself in French.
 *
 * The file: UTF-8, "clé : valeur" lines, '#' comments, one block per aid
 * starting with "aide :" and ending with "fin". Header keys: version,
 * adopté le, en vigueur le. Aid keys:
 *   libellé : Secours d’urgence
 *   résidence : 3 mois            (months of residence in the commune, 0 = resident)
 *   âge : 18 à 120
 *   reste à vivre max : 8,00       (€ per person per day)
 *   quotient max : 700,00          (€)
 *   montant : fixe 100,00 | par personne 30,00 | par enfant 50,00 |
 *             pourcentage 50 | tranches reste à vivre | tranches quotient
 *   tranche : 4,00 → 150,00        (repeated, for "tranches": up to and including the bound)
 *   plafonné à la facture : oui
 *   plafond par demande : 200,00
 *   plafond annuel : 300,00        (calendar year) | plafond 12 mois : 300,00 (rolling)
 *   nombre par an : 3
 *   paiement : bon, virement créancier, virement personne, colis, nature
 *   pièces : identité, avis d’imposition
 *   délégation : 150,00            (the director alone up to this amount; the committee above)
 *   urgence : oui                  (decided at once, ratified later)
 * Nationality can never be a condition: such a key is an error.
 */
#ifndef MODULES_AID_RULES_H
#define MODULES_AID_RULES_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/civil.h"

#define AID_MAX_AIDS 32
#define AID_MAX_BRACKETS 12

typedef enum { AMOUNT_FIXED, AMOUNT_PER_PERSON, AMOUNT_PER_CHILD, AMOUNT_PERCENT, AMOUNT_BRACKETS_RAV, AMOUNT_BRACKETS_QF } aid_amount_kind;

typedef struct aid_rule {
	const char *key, *label;
	int line;
	int residence_months;          /* -1: no condition */
	int age_min, age_max;          /* 0, 0: no condition */
	int64_t rav_max, qf_max;       /* cents, -1: no condition */
	aid_amount_kind kind;
	int64_t amount;                /* cents, or percent for AMOUNT_PERCENT */
	int nbrackets;
	int64_t bracket_upto[AID_MAX_BRACKETS], bracket_amount[AID_MAX_BRACKETS];
	bool capped_by_bill;
	int64_t cap_request, cap_year, cap_12m; /* cents, -1: none */
	int max_per_year;              /* -1: none */
	const char *payment, *documents;
	int64_t delegation;            /* cents, -1: always the committee */
	bool emergency;
} aid_rule;

typedef struct aid_rulebook {
	const char *version, *adopted, *effective;
	aid_rule aids[AID_MAX_AIDS];
	int naids;
} aid_rulebook;

typedef struct aid_error {
	int line;
	const char *message;           /* French */
} aid_error;

/* Parses a rulebook; false with every error found (line numbers) in errs
 * (up to max). Invalid rules never load: the result is only used when the
 * parse succeeded. Strings point into the arena. */
bool aid_rules_parse(arena *a, const char *text, aid_rulebook *out, aid_error *errs, int max, int *nerrs);
const aid_rule *aid_rules_find(const aid_rulebook *b, const char *key);

/* What the engine needs to know about a household and its history. */
typedef struct aid_facts {
	civil_date on;                 /* date of the request */
	int64_t rav_day_person, qf;    /* cents (from the persons module) */
	/* Not recorded (the figure above is then meaningless): a rule that
	 * needs it cannot be computed, and says so. */
	bool rav_unknown, qf_unknown, age_unknown, residence_unknown;
	int members, children;
	int applicant_age;
	int residence_months;          /* months resident in the commune */
	int64_t bill;                  /* cents, 0 if none */
	int64_t granted_year, granted_12m; /* cents already granted for this aid */
	int count_year;                /* aids of this type this calendar year */
} aid_facts;

typedef struct aid_result {
	bool eligible;
	int64_t amount;                /* cents proposed */
	bool committee;                /* above the delegation */
	bool incomplete;               /* a figure the rule needs is not recorded: nothing proposed */
	const char *explain;           /* the steps, in French, "→" and ";" separated */
	const char *plain;             /* the same for the person: plain sentences (letters) */
} aid_result;

/* Deterministic: the same rule and facts give the same result and text. */
void aid_evaluate(arena *a, const aid_rule *r, const aid_facts *f, aid_result *out);
#endif
