/* aid_engine.c — the evaluation engine and what it understood of a rule, in French (see aid_rules.h). */
#include "modules/aid/aid_rules.h"
#include <stdio.h>
#include <string.h>
#include "core/buf.h"
#include "core/money.h"
#include "core/text.h"
#include "core/banned.h"

/* ---- what the engine understood ------------------------------------------------------------ */

static const char *value_text(arena *a, aid_value v)
{
	if (!v.pct)
		return money_format(a, v.v);
	return v.v % 100 ? arena_printf(a, "%lld,%02lld %% de la facture", (long long)(v.v / 100), (long long)(v.v % 100))
	                 : arena_printf(a, "%lld %% de la facture", (long long)(v.v / 100));
}

static const char *x100_text(arena *a, int64_t v)
{
	return v % 100 ? arena_printf(a, "%lld,%02lld", (long long)(v / 100), (long long)(v % 100)) : arena_printf(a, "%lld", (long long)(v / 100));
}

static const char *codes_text(arena *a, const char *set)
{
	/* ",a,b," → "a, b" */
	buf b;
	buf_init(&b, a, 64);
	for (const char *p = set + 1; *p;) {
		size_t n = strcspn(p, ",");
		if (n)
			buf_printf(&b, "%s%.*s", b.len ? ", " : "", (int)n, p);
		p += n + (p[n] == ',');
	}
	return buf_cstr(&b);
}

int aid_rule_describe(arena *a, const aid_rule *r, aid_line **out)
{
	int n = 0, cap = 0;
	aid_line *v = NULL;
#define ROW(l, ...) do { aid_line *row_ = ARENA_PUSH(a, v, n, cap); if (row_) *row_ = (aid_line){(l), arena_printf(a, __VA_ARGS__)}; } while (0)
	if (r->residence_months >= 0)
		ROW("Résidence dans la commune", "au moins %d mois", r->residence_months);
	if (r->age_max)
		ROW("Âge du demandeur", "de %d à %d ans", r->age_min, r->age_max);
	if (r->rav_min >= 0 || r->rav_max >= 0)
		ROW("Reste à vivre (par jour et par personne)", "%s%s%s%s", r->rav_min >= 0 ? "au moins " : "",
		    r->rav_min >= 0 ? money_format(a, r->rav_min) : "", r->rav_min >= 0 && r->rav_max >= 0 ? " et " : "",
		    r->rav_max >= 0 ? arena_printf(a, "au plus %s", money_format(a, r->rav_max)) : "");
	if (r->qf_min >= 0 || r->qf_max >= 0)
		ROW("Quotient familial", "%s%s%s%s", r->qf_min >= 0 ? "au moins " : "", r->qf_min >= 0 ? money_format(a, r->qf_min) : "",
		    r->qf_min >= 0 && r->qf_max >= 0 ? " et " : "", r->qf_max >= 0 ? arena_printf(a, "au plus %s", money_format(a, r->qf_max)) : "");
	if (r->nres_sizes) {
		buf b;
		buf_init(&b, a, 128);
		for (int i = 0; i < r->nres_sizes; i++)
			buf_printf(&b, "%s%d personne%s : %s", i ? " ; " : "", i + 1, i ? "s" : "", money_format(a, r->res_size[i]));
		if (r->res_extra >= 0)
			buf_printf(&b, " ; %s par personne en plus", money_format(a, r->res_extra));
		ROW("Ressources mensuelles au plus", "%s", buf_cstr(&b));
	}
	if (r->parts_max >= 0)
		ROW("Parts au plus", "%s", x100_text(a, r->parts_max));
	if (r->uc_max >= 0)
		ROW("Unités de consommation au plus", "%s", x100_text(a, r->uc_max));
	if (r->single_parent >= 0)
		ROW("Famille monoparentale", "%s", r->single_parent ? "exigée" : "exclue");
	if (r->children_min >= 0)
		ROW("Enfants", "de %d à %d%s", r->children_min, r->children_max,
		    r->child_age_min >= 0 ? arena_printf(a, " (de %d à %d ans)", r->child_age_min, r->child_age_max) : "");
	if (r->housing)
		ROW("Logement", "%s", codes_text(a, r->housing));
	if (r->benefits_any)
		ROW("Perçoit l’une de ces ressources", "%s", codes_text(a, r->benefits_any));
	if (r->benefits_none)
		ROW("Ne perçoit aucune de ces ressources", "%s", codes_text(a, r->benefits_none));
	if (r->max_per_year >= 0)
		ROW("Nombre par an", "%d au plus", r->max_per_year);
	if (r->nneeds) {
		buf b;
		buf_init(&b, a, 64);
		for (int i = 0; i < r->nneeds; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", r->needs[i]);
		ROW("Besoin (choisi sur la demande)", "%s", buf_cstr(&b));
	}
	const char *what = r->tariff ? "Tarif payé par le foyer" : "Montant";
	switch (r->kind) {
	case AMOUNT_FIXED: ROW(what, "%s", money_format(a, r->amount)); break;
	case AMOUNT_PER_PERSON: ROW(what, "%s par personne du foyer", money_format(a, r->amount)); break;
	case AMOUNT_PER_CHILD:
		ROW(what, "%s par enfant%s", money_format(a, r->amount),
		    r->child_age_min >= 0 ? arena_printf(a, " de %d à %d ans", r->child_age_min, r->child_age_max) : "");
		break;
	case AMOUNT_PERCENT: ROW(what, "%lld %% de la facture", (long long)r->amount); break;
	case AMOUNT_BRACKETS_RAV:
	case AMOUNT_BRACKETS_QF:
		for (int i = 0; i < r->nbrackets; i++) {
			const aid_bracket *bk = &r->brackets[i];
			buf b;
			buf_init(&b, a, 128);
			for (int k = 0; k < (r->nneeds ? r->nneeds : 1); k++)
				buf_printf(&b, "%s%s%s%s", k ? " ; " : "", r->nneeds ? r->needs[k] : "", r->nneeds ? " : " : "", value_text(a, bk->val[k]));
			if (bk->cap >= 0)
				buf_printf(&b, " ; plafond %s", money_format(a, bk->cap));
			const char *lbl = arena_printf(a, "%s, tranche %d (%s%s%s)", what, i + 1, r->kind == AMOUNT_BRACKETS_RAV ? "reste à vivre " : "quotient ",
			                               bk->from >= 0 ? arena_printf(a, "de %s à ", money_format(a, bk->from)) : "jusqu’à ",
			                               money_format(a, bk->upto));
			ROW(lbl, "%s", buf_cstr(&b));
		}
		break;
	}
	if (r->capped_by_bill)
		ROW("Plafond", "le montant de la facture");
	if (r->cap_request >= 0)
		ROW("Plafond par demande", "%s", money_format(a, r->cap_request));
	if (r->cap_year >= 0)
		ROW("Plafond par année civile", "%s", money_format(a, r->cap_year));
	if (r->cap_12m >= 0)
		ROW("Plafond sur douze mois", "%s", money_format(a, r->cap_12m));
	if (r->shared)
		ROW("Plafond commun", "« %s » : %s %s, avec les autres aides qui le partagent", r->shared, money_format(a, r->shared_cap),
		    r->shared_rolling ? "sur douze mois" : "par année civile");
	if (r->rounding != ROUND_CENT)
		ROW("Arrondi", "%s", r->rounding == ROUND_EURO ? "à l’euro le plus proche" : r->rounding == ROUND_EURO_DOWN ? "à l’euro inférieur"
		                                                                                                 : "à la dizaine d’euros inférieure");
	ROW("Décision", "%s", r->emergency ? "aide d’urgence : décidée aussitôt, ratifiée ensuite"
	                     : r->delegation >= 0 ? arena_printf(a, "directeur jusqu’à %s, commission au-delà", money_format(a, r->delegation))
	                                          : "commission");
#undef ROW
	*out = v;
	return n;
}

/* ---- the engine ----------------------------------------------------------------------------- */

static int children_counted(const aid_rule *r, const aid_facts *f)
{
	if (r->child_age_min < 0 || !f->child_ages)
		return f->children;
	int n = 0;
	for (int i = 0; i < f->children; i++)
		n += f->child_ages[i] >= r->child_age_min && f->child_ages[i] <= r->child_age_max;
	return n;
}

static bool in_set(const char *set, const char *code)
{
	if (!set || !code || !*code)
		return false;
	char k[48];
	snprintf(k, sizeof k, ",%s,", code);
	return strstr(set, k) != NULL;
}

static bool any_of(const char *set, const char *have)
{
	for (const char *p = set ? set + 1 : ""; *p;) {
		size_t n = strcspn(p, ",");
		char k[48];
		if (n && n + 3 < sizeof k) {
			snprintf(k, sizeof k, ",%.*s,", (int)n, p);
			if (have && strstr(have, k))
				return true;
		}
		p += n + (p[n] == ',');
	}
	return false;
}

static int64_t rounded(aid_rounding how, int64_t v)
{
	switch (how) {
	case ROUND_EURO: return (v + 50) / 100 * 100;
	case ROUND_EURO_DOWN: return v / 100 * 100;
	case ROUND_TEN_DOWN: return v / 1000 * 1000;
	default: return v;
	}
}

void aid_evaluate(arena *a, const aid_rule *r, const aid_facts *f, aid_result *out)
{
	const char *unit = f->rav_unit ? f->rav_unit : "personne"; /* what the reste à vivre a day is divided by */
	buf b;
	buf_init(&b, a, 256);
	out->eligible = true;
	out->amount = 0;
	out->committee = false;
	out->incomplete = false;
	/* The same steps told for the person (letters): plain sentences. */
	buf p;
	buf_init(&p, a, 256);
#define STEP(...) (b.len ? buf_adds(&b, " ; ") : (void)0, buf_printf(&b, __VA_ARGS__))
#define SAY(...) (p.len ? buf_addc(&p, ' ') : (void)0, buf_printf(&p, __VA_ARGS__))
#define DONE() (out->explain = buf_cstr(&b), out->plain = buf_cstr(&p))
	/* A figure the rule needs and that is not recorded: nothing is
	 * computed from it, and the answer says what is missing. */
	bool brackets = r->kind == AMOUNT_BRACKETS_RAV || r->kind == AMOUNT_BRACKETS_QF;
	bool need_rav = r->rav_max >= 0 || r->rav_min >= 0 || r->kind == AMOUNT_BRACKETS_RAV || r->nres_sizes ||
	                r->benefits_any || r->benefits_none;
	bool need_qf = r->qf_max >= 0 || r->qf_min >= 0 || r->kind == AMOUNT_BRACKETS_QF;
	bool need_res = r->residence_months >= 0, need_age = r->age_max != 0;
	bool need_ages = r->child_age_min >= 0 && f->children > 0 && !f->child_ages;
	for (int i = 0; r->child_age_min >= 0 && f->child_ages && i < f->children; i++)
		need_ages |= f->child_ages[i] < 0;
	int need_k = 0;
	bool need_unknown = false;
	if (r->nneeds) {
		need_k = -1;
		for (int i = 0; i < r->nneeds && f->need; i++)
			if (!strcmp(f->need, r->need_keys[i]))
				need_k = i;
		need_unknown = need_k < 0;
	}
	bool pct = r->kind == AMOUNT_PERCENT;
	for (int i = 0; brackets && i < r->nbrackets; i++)
		for (int k = 0; k < (r->nneeds ? r->nneeds : 1); k++)
			pct |= r->brackets[i].val[k].pct;
	bool need_bill = (pct || r->capped_by_bill) && f->bill <= 0;
	const char *missing = need_age && f->age_unknown         ? "âge du demandeur non renseigné"
	                    : need_res && f->residence_unknown ? "durée de résidence dans la commune non renseignée"
	                    : need_rav && f->rav_unknown && f->uc_unknown && !f->resources_unknown
	                        ? "reste à vivre par unité de consommation non calculé (date de naissance d’un membre non renseignée)"
	                    : need_rav && f->rav_unknown       ? "ressources du mois (reste à vivre) non renseignées"
	                    : need_qf && f->qf_unknown         ? "ressources du mois (quotient familial) non renseignées"
	                    : need_ages                        ? "âge des enfants non renseigné"
	                    : r->uc_max >= 0 && f->uc_unknown  ? "unités de consommation inconnues (date de naissance d’un membre non "
	                                                         "renseignée)"
	                    : need_unknown                     ? "besoin non précisé sur la demande"
	                    : need_bill                        ? "montant de la facture non renseigné"
	                                                       : NULL;
	if (missing) {
		out->eligible = false;
		out->incomplete = true;
		STEP("Impossible de calculer : %s", missing);
		SAY("Les informations nécessaires au calcul n’ont pas été fournies.");
		DONE();
		return;
	}
	if (r->residence_months >= 0) {
		bool ok = f->residence_months >= r->residence_months;
		STEP("Résidence dans la commune : %d mois %s %d exigés", f->residence_months, ok ? "≥" : "<", r->residence_months);
		if (r->residence_months > 0)
			SAY("Vous résidez dans la commune depuis %d mois ; le règlement demande au moins %d mois%s.", f->residence_months,
			    r->residence_months, ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->age_max) {
		bool ok = f->applicant_age >= r->age_min && f->applicant_age <= r->age_max;
		STEP("Âge : %d ans %s de %d à %d ans", f->applicant_age, ok ? "compris" : "hors", r->age_min, r->age_max);
		SAY("Cette aide est réservée aux personnes de %d à %d ans%s.", r->age_min, r->age_max,
		    ok ? "" : " : votre âge ne remplit pas cette condition");
		out->eligible &= ok;
	}
	if (r->rav_max >= 0) {
		bool ok = f->rav_day_person <= r->rav_max;
		STEP("Reste à vivre : %s par jour et par %s %s %s", money_format(a, f->rav_day_person), unit, ok ? "≤" : ">",
		     money_format(a, r->rav_max));
		SAY("Une fois vos charges payées, il reste à votre foyer %s par jour et par %s ; le règlement retient au plus %s%s.",
		    money_format(a, f->rav_day_person), unit, money_format(a, r->rav_max), ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->rav_min >= 0) {
		bool ok = f->rav_day_person >= r->rav_min;
		STEP("Reste à vivre : %s par jour et par %s %s %s (minimum)", money_format(a, f->rav_day_person), unit, ok ? "≥" : "<",
		     money_format(a, r->rav_min));
		SAY("Il reste à votre foyer %s par jour et par %s ; cette aide demande au moins %s%s.", money_format(a, f->rav_day_person),
		    unit, money_format(a, r->rav_min), ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->qf_max >= 0) {
		bool ok = f->qf <= r->qf_max;
		STEP("Quotient familial : %s %s %s", money_format(a, f->qf), ok ? "≤" : ">", money_format(a, r->qf_max));
		SAY("Votre quotient familial est de %s ; le règlement retient au plus %s%s.", money_format(a, f->qf), money_format(a, r->qf_max),
		    ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->qf_min >= 0) {
		bool ok = f->qf >= r->qf_min;
		STEP("Quotient familial : %s %s %s (minimum)", money_format(a, f->qf), ok ? "≥" : "<", money_format(a, r->qf_min));
		SAY("Votre quotient familial est de %s ; cette aide demande au moins %s%s.", money_format(a, f->qf), money_format(a, r->qf_min),
		    ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->nres_sizes) {
		int size = f->members > 0 ? f->members : 1;
		int64_t ceil = size <= r->nres_sizes ? r->res_size[size - 1]
		             : r->res_size[r->nres_sizes - 1] + (r->res_extra >= 0 ? r->res_extra * (size - r->nres_sizes) : 0);
		bool ok = f->resources <= ceil;
		STEP("Ressources du mois : %s %s %s pour %d personne%s", money_format(a, f->resources), ok ? "≤" : ">", money_format(a, ceil), size,
		     size > 1 ? "s" : "");
		SAY("Les ressources mensuelles de votre foyer sont de %s ; pour %d personne%s, le règlement retient au plus %s%s.",
		    money_format(a, f->resources), size, size > 1 ? "s" : "", money_format(a, ceil), ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->parts_max >= 0) {
		bool ok = f->parts_x100 <= r->parts_max;
		STEP("Parts : %s %s %s", x100_text(a, f->parts_x100), ok ? "≤" : ">", x100_text(a, r->parts_max));
		SAY("Votre foyer compte %s part%s ; cette aide en demande au plus %s%s.", x100_text(a, f->parts_x100), f->parts_x100 > 100 ? "s" : "",
		    x100_text(a, r->parts_max), ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->uc_max >= 0) {
		bool ok = f->uc_x100 <= r->uc_max;
		STEP("Unités de consommation : %s %s %s", x100_text(a, f->uc_x100), ok ? "≤" : ">", x100_text(a, r->uc_max));
		SAY("Votre foyer compte %s unités de consommation ; cette aide en demande au plus %s%s.", x100_text(a, f->uc_x100),
		    x100_text(a, r->uc_max), ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->single_parent >= 0) {
		bool is = !f->couple && f->children > 0, ok = is == (r->single_parent == 1);
		STEP("Famille monoparentale : %s (%s)", is ? "oui" : "non", ok ? "condition remplie" : "condition non remplie");
		SAY("Cette aide est %s aux familles monoparentales%s.", r->single_parent ? "réservée" : "fermée",
		    ok ? "" : " : la composition de votre foyer ne remplit pas cette condition");
		out->eligible &= ok;
	}
	int kids = children_counted(r, f);
	if (r->children_min >= 0) {
		bool ok = kids >= r->children_min && kids <= r->children_max;
		STEP("Enfants%s : %d %s de %d à %d",
		     r->child_age_min >= 0 ? arena_printf(a, " de %d à %d ans", r->child_age_min, r->child_age_max) : "", kids,
		     ok ? "compris" : "hors", r->children_min, r->children_max);
		SAY("Cette aide demande de %d à %d enfant%s%s ; votre foyer en compte %d%s.", r->children_min, r->children_max,
		    r->children_max > 1 ? "s" : "", r->child_age_min >= 0 ? arena_printf(a, " de %d à %d ans", r->child_age_min, r->child_age_max) : "",
		    kids, ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->housing) {
		bool ok = in_set(r->housing, f->housing);
		STEP("Logement : %s (%s)", f->housing && *f->housing ? f->housing : "non renseigné", ok ? "accepté" : "non prévu par l’aide");
		SAY("Cette aide est réservée à certains logements (%s)%s.", codes_text(a, r->housing),
		    ok ? "" : " : votre situation de logement n’en fait pas partie");
		out->eligible &= ok;
	}
	if (r->benefits_any) {
		bool ok = any_of(r->benefits_any, f->resource_cats);
		STEP("Perçoit %s : %s", codes_text(a, r->benefits_any), ok ? "oui" : "non");
		SAY("Cette aide est réservée aux foyers qui perçoivent l’une de ces ressources : %s%s.", codes_text(a, r->benefits_any),
		    ok ? "" : " ; ce n’est pas le cas ce mois-ci");
		out->eligible &= ok;
	}
	if (r->benefits_none) {
		bool ok = !any_of(r->benefits_none, f->resource_cats);
		STEP("Ne perçoit pas %s : %s", codes_text(a, r->benefits_none), ok ? "oui" : "non");
		SAY("Cette aide ne s’ajoute pas à ces ressources : %s%s.", codes_text(a, r->benefits_none),
		    ok ? "" : " ; votre foyer en perçoit une ce mois-ci");
		out->eligible &= ok;
	}
	if (r->max_per_year >= 0) {
		bool ok = f->count_year < r->max_per_year;
		STEP("Déjà %d aide%s cette année sur %d possible%s", f->count_year, f->count_year > 1 ? "s" : "", r->max_per_year,
		     r->max_per_year > 1 ? "s" : "");
		if (f->count_year > 0)
			SAY("Votre foyer a déjà reçu cette aide %d fois cette année ; le règlement l’accorde %d fois par an au plus%s.",
			    f->count_year, r->max_per_year, ok ? "" : " : ce nombre est atteint");
		out->eligible &= ok;
	}
	if (!out->eligible) {
		STEP("non éligible → 0,00 €");
		SAY("Votre demande ne remplit donc pas les conditions du règlement.");
		DONE();
		return;
	}
	int64_t amt = 0, bracket_cap = -1;
	switch (r->kind) {
	case AMOUNT_FIXED:
		amt = r->amount;
		STEP("Montant fixe → %s", money_format(a, amt));
		SAY("Le règlement prévoit un montant de %s.", money_format(a, amt));
		break;
	case AMOUNT_PER_PERSON:
		amt = r->amount * f->members;
		STEP("%s × %d personne%s → %s", money_format(a, r->amount), f->members, f->members > 1 ? "s" : "", money_format(a, amt));
		SAY("Le règlement prévoit %s par personne du foyer, soit %s pour %d personne%s.", money_format(a, r->amount),
		    money_format(a, amt), f->members, f->members > 1 ? "s" : "");
		break;
	case AMOUNT_PER_CHILD:
		amt = r->amount * kids;
		STEP("%s × %d enfant%s → %s", money_format(a, r->amount), kids, kids > 1 ? "s" : "", money_format(a, amt));
		SAY("Le règlement prévoit %s par enfant, soit %s pour %d enfant%s.", money_format(a, r->amount), money_format(a, amt), kids,
		    kids > 1 ? "s" : "");
		break;
	case AMOUNT_PERCENT:
		/* Rounded to the cent, half away from zero. */
		amt = money_div_round(f->bill * r->amount, 100);
		STEP("%lld %% de la facture de %s → %s", (long long)r->amount, money_format(a, f->bill), money_format(a, amt));
		SAY("Le règlement prend en charge %lld %% de votre facture de %s, soit %s.", (long long)r->amount, money_format(a, f->bill),
		    money_format(a, amt));
		break;
	case AMOUNT_BRACKETS_RAV:
	case AMOUNT_BRACKETS_QF: {
		bool rav = r->kind == AMOUNT_BRACKETS_RAV;
		int64_t v = rav ? f->rav_day_person : f->qf;
		int t = -1;
		for (int i = 0; i < r->nbrackets && t < 0; i++)
			if (v <= r->brackets[i].upto && (r->brackets[i].from < 0 || v >= r->brackets[i].from))
				t = i;
		if (t < 0) {
			STEP("%s %s hors des tranches du barème → 0,00 €", rav ? "Reste à vivre" : "Quotient", money_format(a, v));
			SAY("%s de %s est hors du barème du règlement : votre demande ne remplit pas ses conditions.",
			    rav ? "Votre reste à vivre" : "Votre quotient familial", money_format(a, v));
			out->eligible = false;
			DONE();
			return;
		}
		const aid_bracket *bk = &r->brackets[t];
		aid_value val = bk->val[need_k];
		amt = val.pct ? money_div_round(f->bill * val.v, 10000) : val.v;
		bracket_cap = bk->cap;
		const char *bound = bk->from >= 0 ? arena_printf(a, "de %s à %s", money_format(a, bk->from), money_format(a, bk->upto))
		                                  : arena_printf(a, "≤ %s", money_format(a, bk->upto));
		const char *need = r->nneeds ? arena_printf(a, ", besoin « %s »", r->needs[need_k]) : "";
		if (val.pct)
			STEP("%s %s %s → tranche %d%s → %s de la facture de %s → %s", rav ? "Reste à vivre" : "Quotient", money_format(a, v), bound,
			     t + 1, need, value_text(a, val), money_format(a, f->bill), money_format(a, amt));
		else
			STEP("%s %s %s → tranche %d%s → %s", rav ? "Reste à vivre" : "Quotient", money_format(a, v), bound, t + 1, need,
			     money_format(a, amt));
		if (val.pct)
			SAY("%s de %s vous place dans la tranche %d du barème%s, qui prend en charge %s de %s, soit %s.",
			    rav ? "Votre reste à vivre" : "Votre quotient familial", money_format(a, v), t + 1,
			    r->nneeds ? arena_printf(a, " (besoin « %s »)", r->needs[need_k]) : "", value_text(a, val), money_format(a, f->bill),
			    money_format(a, amt));
		else
			SAY("%s de %s vous place dans la tranche %d du barème%s, qui prévoit %s.", rav ? "Votre reste à vivre" : "Votre quotient familial",
			    money_format(a, v), t + 1, r->nneeds ? arena_printf(a, " (besoin « %s »)", r->needs[need_k]) : "", money_format(a, amt));
		break;
	}
	}
	if (r->rounding != ROUND_CENT) {
		int64_t was = amt;
		amt = rounded(r->rounding, amt);
		if (amt != was)
			STEP("arrondi %s → %s", r->rounding == ROUND_EURO ? "à l’euro" : r->rounding == ROUND_EURO_DOWN ? "à l’euro inférieur"
			                                                                                              : "à la dizaine inférieure",
			     money_format(a, amt));
	}
	if (r->tariff) {
		out->amount = amt;
		out->committee = false;
		STEP("tarif à payer %s", money_format(a, amt));
		SAY("Le tarif applicable à votre foyer est donc de %s.", money_format(a, amt));
		DONE();
		return;
	}
	if (bracket_cap >= 0 && amt > bracket_cap) {
		amt = bracket_cap;
		STEP("plafond de la tranche → %s", money_format(a, amt));
		SAY("Dans cette tranche, l’aide est plafonnée à %s.", money_format(a, amt));
	}
	if (r->capped_by_bill && f->bill > 0 && amt > f->bill) {
		amt = f->bill;
		STEP("plafonné au montant de la facture → %s", money_format(a, amt));
		SAY("L’aide ne peut pas dépasser le montant de la facture : %s.", money_format(a, amt));
	}
	if (r->cap_request >= 0 && amt > r->cap_request) {
		amt = r->cap_request;
		STEP("plafond par demande → %s", money_format(a, amt));
		SAY("Le règlement plafonne l’aide à %s par demande.", money_format(a, amt));
	}
	if (r->cap_year >= 0) {
		int64_t left = r->cap_year - f->granted_year;
		if (left < 0)
			left = 0;
		STEP("déjà accordé cette année : %s sur %s", money_format(a, f->granted_year), money_format(a, r->cap_year));
		if (amt > left) {
			amt = left;
			STEP("reste disponible → %s", money_format(a, amt));
			SAY("Le règlement limite cette aide à %s par an ; votre foyer en a déjà reçu %s : il reste %s.", money_format(a, r->cap_year),
			    money_format(a, f->granted_year), money_format(a, amt));
		}
	}
	if (r->cap_12m >= 0) {
		int64_t left = r->cap_12m - f->granted_12m;
		if (left < 0)
			left = 0;
		STEP("déjà accordé sur douze mois : %s sur %s", money_format(a, f->granted_12m), money_format(a, r->cap_12m));
		if (amt > left) {
			amt = left;
			STEP("reste disponible → %s", money_format(a, amt));
			SAY("Le règlement limite cette aide à %s sur douze mois ; votre foyer en a déjà reçu %s : il reste %s.",
			    money_format(a, r->cap_12m), money_format(a, f->granted_12m), money_format(a, amt));
		}
	}
	if (r->shared) {
		int64_t had = r->shared_rolling ? f->shared_12m : f->shared_year, left = r->shared_cap - had;
		if (left < 0)
			left = 0;
		STEP("plafond commun « %s » : déjà %s sur %s %s", r->shared, money_format(a, had), money_format(a, r->shared_cap),
		     r->shared_rolling ? "sur douze mois" : "cette année");
		if (amt > left) {
			amt = left;
			STEP("reste disponible → %s", money_format(a, amt));
			SAY("Le règlement limite à %s %s l’ensemble des aides « %s » ; votre foyer en a déjà reçu %s : il reste %s.",
			    money_format(a, r->shared_cap), r->shared_rolling ? "sur douze mois" : "par an", r->shared, money_format(a, had),
			    money_format(a, amt));
		}
	}
	out->amount = amt;
	out->committee = r->delegation < 0 || amt > r->delegation;
	STEP("montant retenu %s", money_format(a, amt));
	if (r->emergency)
		STEP("aide d’urgence : décidée immédiatement, ratifiée ensuite");
	else
		STEP("%s", out->committee ? "décision de la commission" : "décision du directeur par délégation");
	SAY("Le montant proposé par le règlement est donc de %s.", money_format(a, amt));
	DONE();
#undef STEP
#undef SAY
#undef DONE
}
