/* aid_rules.c — the rulebook file and the evaluation engine (see aid_rules.h). */
#include "modules/aid/aid_rules.h"
#include <stdio.h>
#include <string.h>
#include "core/buf.h"
#include "core/money.h"
#include "core/text.h"
#include "core/banned.h"

static void add_err(aid_error *errs, int max, int *n, int line, const char *msg)
{
	if (*n < max)
		errs[*n] = (aid_error){line, msg};
	(*n)++;
}

/* Key of a line, folded ("Plafond annuel" → "plafond annuel"); value trimmed. */
static bool split(arena *a, const char *line, char **key, char **val)
{
	const char *colon = strchr(line, ':');
	if (!colon)
		return false;
	*key = text_fold(a, arena_strndup(a, line, (size_t)(colon - line)));
	*val = text_trim(a, colon + 1);
	return *key && *val;
}

static bool money_of(const char *s, int64_t *out) { return money_parse(s, out) && *out >= 0; }

const aid_rule *aid_rules_find(const aid_rulebook *b, const char *key)
{
	for (int i = 0; i < b->naids; i++)
		if (!strcmp(b->aids[i].key, key))
			return &b->aids[i];
	return NULL;
}

bool aid_rules_parse(arena *a, const char *text, aid_rulebook *out, aid_error *errs, int max, int *nerrs)
{
	memset(out, 0, sizeof *out);
	*nerrs = 0;
	aid_rule *cur = NULL;
	int ln = 0;
	civil_date d;
	const char *p = text ? text : "";
	if (!text_utf8_valid(p, strlen(p))) {
		add_err(errs, max, nerrs, 0, "le fichier n’est pas en UTF-8");
		return false;
	}
	while (*p) {
		ln++;
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n > 1000) {
			add_err(errs, max, nerrs, ln, "ligne trop longue (1 000 caractères au plus)");
			p += n + (e ? 1 : 0);
			continue;
		}
		char *line = text_trim(a, arena_strndup(a, p, n));
		p += n + (e ? 1 : 0);
		if (!line || !*line || line[0] == '#')
			continue;
		char *k, *v;
		if (!strcmp(line, "fin")) {
			if (!cur)
				add_err(errs, max, nerrs, ln, "« fin » sans « aide : » avant");
			else if (!cur->label)
				add_err(errs, max, nerrs, cur->line, "l’aide n’a pas de libellé");
			cur = NULL;
			continue;
		}
		if (!split(a, line, &k, &v)) {
			add_err(errs, max, nerrs, ln, "ligne incomprise : « clé : valeur » attendu");
			continue;
		}
		if (!cur) {
			if (!strcmp(k, "version"))
				out->version = v;
			else if (!strcmp(k, "adopte le") || !strcmp(k, "en vigueur le")) {
				if (!civil_parse(v, &d))
					add_err(errs, max, nerrs, ln, "date attendue au format AAAA-MM-JJ");
				else if (k[0] == 'a')
					out->adopted = v;
				else
					out->effective = v;
			} else if (!strcmp(k, "aide")) {
				if (out->naids >= AID_MAX_AIDS) {
					add_err(errs, max, nerrs, ln, "trop d’aides (32 au plus)");
					continue;
				}
				char *key = text_ascii_lower(a, v);
				bool okkey = key && *key && strlen(key) <= 40;
				for (const char *q = key; okkey && *q; q++)
					okkey = (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_';
				if (!okkey)
					add_err(errs, max, nerrs, ln, "identifiant d’aide : lettres minuscules sans accent, chiffres et _ (40 au plus)");
				else if (aid_rules_find(out, key))
					add_err(errs, max, nerrs, ln, "cette aide est déjà définie");
				cur = &out->aids[out->naids++];
				*cur = (aid_rule){.key = key ? key : "", .line = ln, .residence_months = -1, .rav_max = -1, .qf_max = -1,
				                  .cap_request = -1, .cap_year = -1, .cap_12m = -1, .max_per_year = -1, .delegation = -1,
				                  .kind = AMOUNT_FIXED, .amount = -1};
			} else {
				add_err(errs, max, nerrs, ln, "clé inconnue avant la première aide");
			}
			continue;
		}
		int64_t m = 0;
		if (!strcmp(k, "libelle"))
			cur->label = v;
		else if (strstr(k, "nationalit"))
			add_err(errs, max, nerrs, ln, "la nationalité ne peut jamais être une condition d’attribution");
		else if (!strcmp(k, "residence")) {
			int64_t months;
			char *num = arena_strndup(a, v, strcspn(v, " "));
			if (!text_to_int64(num, 0, 120, &months))
				add_err(errs, max, nerrs, ln, "résidence : un nombre de mois (0 à 120)");
			else
				cur->residence_months = (int)months;
		} else if (!strcmp(k, "age")) {
			int lo, hi;
			if (sscanf(v, "%d à %d", &lo, &hi) != 2 || lo < 0 || hi > 130 || lo > hi)
				add_err(errs, max, nerrs, ln, "âge : « 18 à 120 » attendu");
			else {
				cur->age_min = lo;
				cur->age_max = hi;
			}
		} else if (!strcmp(k, "reste a vivre max") || !strcmp(k, "quotient max")) {
			if (!money_of(v, &m))
				add_err(errs, max, nerrs, ln, "montant attendu, par exemple 8,00");
			else if (k[0] == 'r')
				cur->rav_max = m;
			else
				cur->qf_max = m;
		} else if (!strcmp(k, "montant")) {
			char *f = text_fold(a, v);
			const char *num = strrchr(v, ' ');
			if (f && !strncmp(f, "tranches reste a vivre", 22))
				cur->kind = AMOUNT_BRACKETS_RAV, cur->amount = 0;
			else if (f && !strncmp(f, "tranches quotient", 17))
				cur->kind = AMOUNT_BRACKETS_QF, cur->amount = 0;
			else if (f && !strncmp(f, "pourcentage", 11)) {
				int64_t pc = 0;
				if (!num || !text_to_int64(num + 1, 1, 100, &pc))
					add_err(errs, max, nerrs, ln, "pourcentage : un nombre de 1 à 100");
				cur->kind = AMOUNT_PERCENT;
				cur->amount = pc;
			} else if (f && (!strncmp(f, "fixe", 4) || !strncmp(f, "par personne", 12) || !strncmp(f, "par enfant", 10))) {
				if (!num || !money_of(num + 1, &m))
					add_err(errs, max, nerrs, ln, "montant attendu après le mode, par exemple « fixe 100,00 »");
				cur->kind = f[0] == 'f' ? AMOUNT_FIXED : !strncmp(f, "par personne", 12) ? AMOUNT_PER_PERSON : AMOUNT_PER_CHILD;
				cur->amount = m;
			} else
				add_err(errs, max, nerrs, ln, "montant : fixe, par personne, par enfant, pourcentage, tranches reste à vivre ou tranches quotient");
		} else if (!strcmp(k, "tranche")) {
			const char *arrow = strstr(v, "→");
			int64_t upto, amt;
			if (!arrow || !money_of(text_trim(a, arena_strndup(a, v, (size_t)(arrow - v))), &upto) ||
			    !money_of(text_trim(a, arrow + strlen("→")), &amt))
				add_err(errs, max, nerrs, ln, "tranche : « 4,00 → 150,00 » attendu");
			else if (cur->nbrackets >= AID_MAX_BRACKETS)
				add_err(errs, max, nerrs, ln, "trop de tranches (12 au plus)");
			else if (cur->nbrackets && upto <= cur->bracket_upto[cur->nbrackets - 1])
				add_err(errs, max, nerrs, ln, "les tranches doivent être croissantes");
			else {
				cur->bracket_upto[cur->nbrackets] = upto;
				cur->bracket_amount[cur->nbrackets++] = amt;
			}
		} else if (!strcmp(k, "plafonne a la facture") || !strcmp(k, "urgence")) {
			char *f = text_fold(a, v);
			bool yes = f && !strcmp(f, "oui");
			if (!f || (!yes && strcmp(f, "non")))
				add_err(errs, max, nerrs, ln, "oui ou non attendu");
			else if (k[0] == 'p')
				cur->capped_by_bill = yes;
			else
				cur->emergency = yes;
		} else if (!strcmp(k, "plafond par demande") || !strcmp(k, "plafond annuel") || !strcmp(k, "plafond 12 mois") ||
		           !strcmp(k, "delegation")) {
			if (!money_of(v, &m))
				add_err(errs, max, nerrs, ln, "montant attendu, par exemple 300,00");
			else if (!strcmp(k, "plafond par demande"))
				cur->cap_request = m;
			else if (!strcmp(k, "plafond annuel"))
				cur->cap_year = m;
			else if (!strcmp(k, "plafond 12 mois"))
				cur->cap_12m = m;
			else
				cur->delegation = m;
		} else if (!strcmp(k, "nombre par an")) {
			int64_t c;
			if (!text_to_int64(v, 1, 365, &c))
				add_err(errs, max, nerrs, ln, "nombre par an : de 1 à 365");
			else
				cur->max_per_year = (int)c;
		} else if (!strcmp(k, "paiement"))
			cur->payment = v;
		else if (!strcmp(k, "pieces"))
			cur->documents = v;
		else
			add_err(errs, max, nerrs, ln, "clé inconnue");
	}
	if (cur)
		add_err(errs, max, nerrs, cur->line, "l’aide n’est pas terminée par « fin »");
	for (int i = 0; i < out->naids; i++) {
		aid_rule *r = &out->aids[i];
		if (r->amount < 0)
			add_err(errs, max, nerrs, r->line, "l’aide n’a pas de montant");
		if ((r->kind == AMOUNT_BRACKETS_RAV || r->kind == AMOUNT_BRACKETS_QF) && !r->nbrackets)
			add_err(errs, max, nerrs, r->line, "montant par tranches sans aucune tranche");
		if (r->kind == AMOUNT_PERCENT && !r->capped_by_bill && r->cap_request < 0)
			add_err(errs, max, nerrs, r->line, "un pourcentage de facture demande « plafonné à la facture » ou un plafond par demande");
	}
	if (!out->effective)
		add_err(errs, max, nerrs, 1, "la date « en vigueur le » manque");
	if (!out->naids)
		add_err(errs, max, nerrs, 1, "aucune aide définie");
	return *nerrs == 0;
}

void aid_evaluate(arena *a, const aid_rule *r, const aid_facts *f, aid_result *out)
{
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
	bool need_rav = r->rav_max >= 0 || r->kind == AMOUNT_BRACKETS_RAV, need_qf = r->qf_max >= 0 || r->kind == AMOUNT_BRACKETS_QF;
	bool need_res = r->residence_months >= 0, need_age = r->age_max != 0;
	if ((need_rav && f->rav_unknown) || (need_qf && f->qf_unknown) || (need_age && f->age_unknown) ||
	    (need_res && f->residence_unknown)) {
		out->eligible = false;
		out->incomplete = true;
		STEP("Impossible de calculer : %s", need_age && f->age_unknown         ? "âge du demandeur non renseigné"
		                                    : need_res && f->residence_unknown ? "durée de résidence dans la commune non renseignée"
		                                    : need_rav && f->rav_unknown       ? "ressources du mois (reste à vivre) non renseignées"
		                                                                       : "ressources du mois (quotient familial) non renseignées");
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
		STEP("Reste à vivre : %s par jour et par personne %s %s", money_format(a, f->rav_day_person), ok ? "≤" : ">",
		     money_format(a, r->rav_max));
		SAY("Une fois vos charges payées, il reste à votre foyer %s par jour et par personne ; le règlement retient au plus %s%s.",
		    money_format(a, f->rav_day_person), money_format(a, r->rav_max), ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->qf_max >= 0) {
		bool ok = f->qf <= r->qf_max;
		STEP("Quotient familial : %s %s %s", money_format(a, f->qf), ok ? "≤" : ">", money_format(a, r->qf_max));
		SAY("Votre quotient familial est de %s ; le règlement retient au plus %s%s.", money_format(a, f->qf), money_format(a, r->qf_max),
		    ok ? "" : " : cette condition n’est pas remplie");
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
	int64_t amt = 0;
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
		amt = r->amount * f->children;
		STEP("%s × %d enfant%s → %s", money_format(a, r->amount), f->children, f->children > 1 ? "s" : "", money_format(a, amt));
		SAY("Le règlement prévoit %s par enfant, soit %s pour %d enfant%s.", money_format(a, r->amount), money_format(a, amt),
		    f->children, f->children > 1 ? "s" : "");
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
		int64_t v = r->kind == AMOUNT_BRACKETS_RAV ? f->rav_day_person : f->qf;
		int t = -1;
		for (int i = 0; i < r->nbrackets && t < 0; i++)
			if (v <= r->bracket_upto[i])
				t = i;
		if (t < 0) {
			STEP("%s %s au-delà de la dernière tranche → 0,00 €", r->kind == AMOUNT_BRACKETS_RAV ? "Reste à vivre" : "Quotient",
			     money_format(a, v));
			SAY("%s de %s dépasse le barème du règlement : votre demande ne remplit pas ses conditions.",
			    r->kind == AMOUNT_BRACKETS_RAV ? "Votre reste à vivre" : "Votre quotient familial", money_format(a, v));
			out->eligible = false;
			DONE();
			return;
		}
		amt = r->bracket_amount[t];
		STEP("%s %s ≤ %s → tranche %d → %s", r->kind == AMOUNT_BRACKETS_RAV ? "Reste à vivre" : "Quotient", money_format(a, v),
		     money_format(a, r->bracket_upto[t]), t + 1, money_format(a, amt));
		SAY("%s de %s vous place dans la tranche %d du barème, qui prévoit %s.",
		    r->kind == AMOUNT_BRACKETS_RAV ? "Votre reste à vivre" : "Votre quotient familial", money_format(a, v), t + 1,
		    money_format(a, amt));
		break;
	}
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
