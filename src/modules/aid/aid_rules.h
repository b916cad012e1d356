/*
 * aid_rules.h — the board's rulebook (règlement des aides facultatives) as
 * a plain-text file a board secretary can read, and the deterministic
 * evaluation engine that explains itself in French. The whole format, with
 * an example of each shape, is in docs/reglement-format.md.
 *
 * The file: UTF-8, "clé : valeur" lines, '#' comments, one block per aid
 * starting with "aide :" and ending with "fin". Header keys: version,
 * adopté le, en vigueur le, and shared ceilings:
 *   plafond commun energie : 600,00 par an   (or « sur 12 mois »)
 * Aid keys:
 *   libellé : Secours d’urgence
 *   résidence : 3 mois            (months of residence in the commune, 0 = resident)
 *   âge : 18 à 120                (the applicant's)
 *   reste à vivre max : 8,00 | reste à vivre min : 2,00   (€ per person per day)
 *   quotient max : 700,00 | quotient min : 300,00         (€)
 *   ressources max : 1 → 900,00 ; 2 → 1 350,00 ; par personne en plus 270,00
 *                                 (monthly resources, by the number of persons)
 *   parts max : 2,5 | unités de consommation max : 2,0
 *   famille monoparentale : oui | non
 *   enfants : 1 à 10              (number of children, counted within « âge des enfants »)
 *   âge des enfants : 3 à 17
 *   logement : locataire_social, locataire_prive
 *   prestation : rsa, aah         (receives at least one; resource categories of the month)
 *   sans prestation : rsa         (receives none of them)
 *   besoins : primaire, confort, loisir   (the kind of need, chosen on the request)
 *   montant : fixe 100,00 | par personne 30,00 | par enfant 50,00 |
 *             pourcentage 50 | tranches reste à vivre | tranches quotient
 *   tranche : 4,00 → 150,00                  (up to and including the bound)
 *   tranche : de 4,01 à 8,00 → 80 %          (a percentage of the bill)
 *   tranche : 5,00 → primaire 80 % ; confort 50 % ; loisir 20 % ; plafond 300,00
 *   plafonné à la facture : oui
 *   plafond par demande : 200,00
 *   plafond annuel : 300,00        (calendar year) | plafond 12 mois : 300,00 (rolling)
 *   plafond commun : energie       (counts with every aid of that shared ceiling)
 *   nombre par an : 3
 *   arrondi : centime | euro | euro inférieur | dizaine inférieure
 *   tarif : oui                    (the scale gives the price the household pays)
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

#define AID_MAX_AIDS 64
#define AID_MAX_BRACKETS 24
#define AID_MAX_NEEDS 8
#define AID_MAX_SIZES 12
#define AID_MAX_SHARED 8

typedef enum { AMOUNT_FIXED, AMOUNT_PER_PERSON, AMOUNT_PER_CHILD, AMOUNT_PERCENT, AMOUNT_BRACKETS_RAV, AMOUNT_BRACKETS_QF } aid_amount_kind;
typedef enum { ROUND_CENT, ROUND_EURO, ROUND_EURO_DOWN, ROUND_TEN_DOWN } aid_rounding;

/* A value of a scale: euros (cents), or a share of the bill (hundredths of a percent). */
typedef struct aid_value {
	bool pct;
	int64_t v;
} aid_value;

typedef struct aid_bracket {
	int64_t from, upto;            /* cents; from -1: from the bottom */
	aid_value val[AID_MAX_NEEDS];  /* one per need ([0] when the aid declares none) */
	int64_t cap;                   /* cents, -1: none */
} aid_bracket;

typedef struct aid_rule {
	const char *key, *label;
	int line;
	int residence_months;          /* -1: no condition */
	int age_min, age_max;          /* 0, 0: no condition */
	int64_t rav_max, qf_max, rav_min, qf_min; /* cents, -1: no condition */
	int64_t res_size[AID_MAX_SIZES]; /* monthly resources ceiling for 1, 2, … persons (cents) */
	int nres_sizes;                /* 0: no condition */
	int64_t res_extra;             /* per person beyond the last size, -1: the last size's */
	int64_t parts_max, uc_max;     /* × 100, -1: no condition */
	int single_parent;             /* -1: no condition, 1: must be, 0: must not be */
	int children_min, children_max; /* -1: no condition */
	int child_age_min, child_age_max; /* who counts as a child; -1: every child of the household */
	const char *housing;           /* ",code,…," or NULL */
	const char *benefits_any, *benefits_none; /* ",rsa,aah," or NULL */
	int nneeds;
	const char *needs[AID_MAX_NEEDS], *need_keys[AID_MAX_NEEDS];
	aid_amount_kind kind;
	int64_t amount;                /* cents, or percent for AMOUNT_PERCENT */
	int nbrackets;
	aid_bracket *brackets;         /* in the arena, room for AID_MAX_BRACKETS */
	bool capped_by_bill;
	int64_t cap_request, cap_year, cap_12m; /* cents, -1: none */
	const char *shared;            /* the shared ceiling's name, or NULL */
	int64_t shared_cap;            /* its amount (resolved from the header), cents */
	bool shared_rolling;
	int max_per_year;              /* -1: none */
	aid_rounding rounding;
	bool tariff;
	const char *payment, *documents;
	int64_t delegation;            /* cents, -1: always the committee */
	bool emergency;
} aid_rule;

typedef struct aid_shared {
	const char *name;
	int64_t cap;                   /* cents */
	bool rolling;                  /* over 12 months rather than the calendar year */
} aid_shared;

typedef struct aid_rulebook {
	const char *version, *adopted, *effective;
	aid_rule aids[AID_MAX_AIDS];
	int naids;
	aid_shared shared[AID_MAX_SHARED];
	int nshared;
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
const aid_shared *aid_rules_shared(const aid_rulebook *b, const char *name);

/* What the engine understood of an aid, as lines a person reads (the
 * editor's table): *out holds the returned number of lines, in the arena. */
typedef struct aid_line {
	const char *label, *value;
} aid_line;
int aid_rule_describe(arena *a, const aid_rule *r, aid_line **out);

/* What the engine needs to know about a household and its history. */
typedef struct aid_facts {
	civil_date on;                 /* date of the request */
	int64_t rav_day_person, qf;    /* cents (from the persons module) */
	int64_t resources;             /* monthly, cents */
	int64_t parts_x100, uc_x100;
	/* Not recorded (the figure above is then meaningless): a rule that
	 * needs it cannot be computed, and says so. */
	bool rav_unknown, qf_unknown, age_unknown, residence_unknown, uc_unknown;
	bool resources_unknown;        /* the month's resources: with them known, a reste à vivre not known is its units' */
	int members, children;
	const int *child_ages;         /* children of them (NULL: ages unknown; one -1: that child's) */
	const char *rav_unit;          /* the reste à vivre a day is per « part », « unité de consommation »; NULL: « personne » */
	bool couple;
	const char *housing;           /* code, "" when not said */
	const char *resource_cats;     /* ",rsa,aah," */
	const char *need;              /* the need's key chosen on the request, "" or NULL: none */
	int applicant_age;
	int residence_months;          /* months resident in the commune */
	int64_t bill;                  /* cents, 0 if none */
	int64_t granted_year, granted_12m; /* cents already granted for this aid */
	int64_t shared_year, shared_12m; /* cents already granted under its shared ceiling (this aid included) */
	int count_year;                /* aids of this type this calendar year */
} aid_facts;

typedef struct aid_result {
	bool eligible;
	int64_t amount;                /* cents proposed (a tariff's price) */
	bool committee;                /* above the delegation */
	bool incomplete;               /* a figure the rule needs is not recorded: nothing proposed */
	const char *explain;           /* the steps, in French, "→" and ";" separated */
	const char *plain;             /* the same for the person: plain sentences (letters) */
} aid_result;

/* Deterministic: the same rule and facts give the same result and text. */
void aid_evaluate(arena *a, const aid_rule *r, const aid_facts *f, aid_result *out);
#endif
