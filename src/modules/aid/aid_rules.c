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

static bool starts(const char *s, const char *prefix) { return s && !strncmp(s, prefix, strlen(prefix)); }

const aid_rule *aid_rules_find(const aid_rulebook *b, const char *key)
{
	for (int i = 0; i < b->naids; i++)
		if (!strcmp(b->aids[i].key, key))
			return &b->aids[i];
	return NULL;
}

const aid_shared *aid_rules_shared(const aid_rulebook *b, const char *name)
{
	for (int i = 0; i < b->nshared; i++)
		if (!strcmp(b->shared[i].name, name))
			return &b->shared[i];
	return NULL;
}

/* The keys an aid block accepts, as the error for an unknown one lists them. */
static const char AID_KEYS[] =
	"libellé, résidence, âge, reste à vivre max, reste à vivre min, quotient max, quotient min, ressources max, parts max, "
	"unités de consommation max, famille monoparentale, enfants, âge des enfants, logement, prestation, sans prestation, "
	"besoins, montant, tranche, plafonné à la facture, plafond par demande, plafond annuel, plafond 12 mois, plafond commun, "
	"nombre par an, arrondi, tarif, paiement, pièces, délégation, urgence";
static const char HEAD_KEYS[] = "version, adopté le, en vigueur le, plafond commun NOM, aide";

static const char *const HOUSING_CODES[] = {"locataire_social", "locataire_prive", "proprietaire", "heberge", "urgence", "sans_abri", "autre"};
static const char *const BENEFIT_CODES[] = {"salaire", "retraite", "rsa", "aah", "prestations_familiales", "aide_logement", "chomage",
                                            "pension_alimentaire", "prime_activite", "autre_ressource"};

/* "a, b, c" of known codes as ",a,b,c,"; NULL with *bad the first unknown. */
static const char *code_set(arena *a, const char *v, const char *const *known, int nknown, const char **bad)
{
	buf b;
	buf_init(&b, a, 64);
	buf_addc(&b, ',');
	*bad = NULL;
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ",");
		char *w = text_trim(a, arena_strndup(a, p, n));
		p += n + (p[n] == ',');
		if (!w || !*w)
			continue;
		char *f = text_ascii_lower(a, text_fold(a, w));
		for (char *q = f; q && *q; q++)
			if (*q == ' ' || *q == '-')
				*q = '_';
		bool ok = false;
		for (int i = 0; f && i < nknown && !ok; i++)
			ok = !strcmp(f, known[i]);
		if (!ok) {
			*bad = w;
			return NULL;
		}
		buf_printf(&b, "%s,", f);
	}
	return b.len > 1 ? buf_cstr(&b) : NULL;
}

static const char *list_of(const char *const *known, int n, arena *a)
{
	buf b;
	buf_init(&b, a, 128);
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", known[i]);
	return buf_cstr(&b);
}

/* "80 %" or "150,00". */
static bool value_of(arena *a, const char *s, aid_value *out)
{
	char *t = text_trim(a, s);
	if (!t || !*t)
		return false;
	size_t n = strlen(t);
	if (t[n - 1] == '%') {
		int64_t pc;
		t[n - 1] = 0;
		if (!money_of(text_trim(a, t), &pc) || pc <= 0 || pc > 10000)
			return false;
		*out = (aid_value){true, pc};
		return true;
	}
	int64_t m;
	if (!money_of(t, &m))
		return false;
	*out = (aid_value){false, m};
	return true;
}

/* « tranche : [de X à] Y → V [; need V]… [; plafond Z] ». NULL or the reason it is refused. */
static const char *parse_bracket(arena *a, aid_rule *cur, const char *v, aid_bracket *bk)
{
	const char *arrow = strstr(v, "→");
	size_t alen = strlen("→");
	if (!arrow && (arrow = strstr(v, "->")))
		alen = 2;
	if (!arrow)
		return "tranche : « 4,00 → 150,00 », « de 4,01 à 8,00 → 80 % » ou « 5,00 → primaire 80 % ; confort 50 % ; plafond 300,00 » "
		       "attendu (la flèche → sépare la borne et la valeur)";
	*bk = (aid_bracket){.from = -1, .cap = -1};
	/* Words found on the folded text, figures read from the raw one
	 * (folding would turn « 4,00 » into « 4 00 »). */
	char *raw = text_trim(a, arena_strndup(a, v, (size_t)(arrow - v)));
	char *bounds = text_fold(a, raw);
	if (!raw || !bounds)
		return "tranche : borne manquante";
	if (starts(bounds, "jusqu")) {
		const char *sp = strchr(raw, ' ');
		raw = sp ? text_trim(a, sp + 1) : raw;
		bounds = text_fold(a, raw);
	}
	if (bounds && starts(bounds, "de ")) {
		char *to = strstr(raw, " à ");
		size_t tl = strlen(" à ");
		if (!to)
			to = strstr(raw, " a "), tl = 3;
		if (!to)
			return "tranche : « de 4,01 à 8,00 → … » attendu (deux bornes séparées par « à »)";
		*to = 0;
		if (!money_of(raw + 3, &bk->from) || !money_of(to + tl, &bk->upto))
			return "tranche : les bornes sont des montants, par exemple « de 4,01 à 8,00 »";
		if (bk->from > bk->upto)
			return "tranche : la borne basse dépasse la borne haute";
	} else if (!money_of(raw, &bk->upto)) {
		return "tranche : la borne est un montant, par exemple « 8,00 → … » (jusqu’à 8,00 € inclus)";
	}
	bool given[AID_MAX_NEEDS] = {0};
	int nvals = 0;
	for (const char *p = arrow + alen; *p;) {
		size_t n = strcspn(p, ";");
		char *part = text_trim(a, arena_strndup(a, p, n));
		p += n + (p[n] == ';');
		if (!part || !*part)
			continue;
		char *f = text_fold(a, part);
		if (starts(f, "plafond ")) {
			if (!money_of(part + strlen("plafond "), &bk->cap))
				return "tranche : « plafond 300,00 » attendu après la valeur";
			continue;
		}
		int k = 0;
		const char *val = part;
		if (cur->nneeds) {
			k = -1;
			for (int i = 0; i < cur->nneeds && k < 0; i++) {
				size_t kl = strlen(cur->need_keys[i]);
				if (!strncmp(f, cur->need_keys[i], kl) && f[kl] == ' ') {
					k = i;
					/* The raw text after as many words as the need has. */
					int words = 1;
					for (const char *q = cur->need_keys[i]; *q; q++)
						words += *q == ' ';
					val = part;
					for (int w = 0; w < words && val; w++)
						val = strchr(val, ' ') ? strchr(val, ' ') + 1 : NULL;
					if (!val)
						val = "";
				}
			}
			if (k < 0)
				return arena_printf(a, "tranche : chaque valeur est précédée d’un des besoins déclarés (%s), par exemple « %s 80 %% »",
				                    list_of(cur->needs, cur->nneeds, a), cur->needs[0]);
		} else if (nvals) {
			return "tranche : une seule valeur par tranche (ou déclarez « besoins : … » pour une valeur par besoin)";
		}
		if (!value_of(a, val, &bk->val[k]))
			return "tranche : la valeur est un montant (« 150,00 ») ou un pourcentage de la facture (« 80 % », de 0 à 100)";
		given[k] = true;
		nvals++;
	}
	for (int i = 0; i < (cur->nneeds ? cur->nneeds : 1); i++)
		if (!given[i])
			return cur->nneeds ? arena_printf(a, "tranche : valeur manquante pour le besoin « %s »", cur->needs[i])
			                   : "tranche : valeur manquante après la flèche";
	return NULL;
}

/* « 1 → 900,00 ; 2 → 1 350,00 ; par personne en plus 270,00 ». */
static const char *parse_sizes(arena *a, aid_rule *cur, const char *v)
{
	cur->nres_sizes = 0;
	cur->res_extra = -1;
	for (const char *p = v; *p;) {
		size_t n = strcspn(p, ";");
		char *part = text_trim(a, arena_strndup(a, p, n));
		p += n + (p[n] == ';');
		if (!part || !*part)
			continue;
		char *f = text_fold(a, part);
		if (starts(f, "par personne en plus ")) {
			const char *num = strstr(part, "plus ");
			if (!num || !money_of(num + 5, &cur->res_extra))
				return "ressources max : « par personne en plus 270,00 » attendu";
			continue;
		}
		const char *arrow = strstr(part, "→");
		int64_t size, amount;
		if (!arrow || !text_to_int64(text_trim(a, arena_strndup(a, part, (size_t)(arrow - part))), 1, AID_MAX_SIZES, &size) ||
		    !money_of(arrow + strlen("→"), &amount))
			return "ressources max : « 1 → 900,00 ; 2 → 1 350,00 ; par personne en plus 270,00 » attendu (nombre de personnes → "
			       "ressources mensuelles)";
		if (size != cur->nres_sizes + 1)
			return "ressources max : les tailles de foyer se suivent à partir de 1 (1 →, 2 →, 3 →…)";
		cur->res_size[cur->nres_sizes++] = amount;
	}
	return cur->nres_sizes ? NULL : "ressources max : au moins « 1 → montant »";
}

static bool range_of(const char *v, int lo_min, int hi_max, int *lo, int *hi)
{
	return sscanf(v, "%d à %d", lo, hi) == 2 && *lo >= lo_min && *hi <= hi_max && *lo <= *hi;
}

static const char *yes_no(arena *a, const char *v, bool *out)
{
	char *f = text_fold(a, v);
	if (!f || (strcmp(f, "oui") && strcmp(f, "non")))
		return "oui ou non attendu";
	*out = !strcmp(f, "oui");
	return NULL;
}

/* One line of an aid block; NULL or the error. */
static const char *rule_line(arena *a, aid_rule *cur, const char *k, char *v, bool *bad_bracket)
{
	int64_t m = 0;
	const char *why = NULL;
	bool yes;
	if (!strcmp(k, "libelle"))
		cur->label = v;
	else if (strstr(k, "nationalit"))
		return "la nationalité ne peut jamais être une condition d’attribution";
	else if (!strcmp(k, "residence")) {
		int64_t months;
		char *num = arena_strndup(a, v, strcspn(v, " "));
		if (!text_to_int64(num, 0, 120, &months))
			return "résidence : un nombre de mois (0 à 120)";
		cur->residence_months = (int)months;
	} else if (!strcmp(k, "age")) {
		if (!range_of(v, 0, 130, &cur->age_min, &cur->age_max))
			return "âge : « 18 à 120 » attendu";
	} else if (!strcmp(k, "age des enfants")) {
		if (!range_of(v, 0, 30, &cur->child_age_min, &cur->child_age_max))
			return "âge des enfants : « 3 à 17 » attendu (en années)";
	} else if (!strcmp(k, "enfants")) {
		if (!range_of(v, 0, 30, &cur->children_min, &cur->children_max))
			return "enfants : « 1 à 10 » attendu (nombre d’enfants du foyer)";
	} else if (!strcmp(k, "reste a vivre max") || !strcmp(k, "quotient max") || !strcmp(k, "reste a vivre min") ||
	           !strcmp(k, "quotient min")) {
		if (!money_of(v, &m))
			return "montant attendu, par exemple 8,00";
		int64_t *dst = k[0] == 'r' ? (strstr(k, "max") ? &cur->rav_max : &cur->rav_min) : (strstr(k, "max") ? &cur->qf_max : &cur->qf_min);
		*dst = m;
	} else if (!strcmp(k, "parts max") || !strcmp(k, "unites de consommation max")) {
		if (!money_of(v, &m) || m <= 0)
			return "nombre attendu, par exemple 2,5";
		*(k[0] == 'p' ? &cur->parts_max : &cur->uc_max) = m;
	} else if (!strcmp(k, "ressources max")) {
		return parse_sizes(a, cur, v);
	} else if (!strcmp(k, "famille monoparentale")) {
		if ((why = yes_no(a, v, &yes)))
			return why;
		cur->single_parent = yes;
	} else if (!strcmp(k, "logement")) {
		if (!(cur->housing = code_set(a, v, HOUSING_CODES, 7, &why)))
			return arena_printf(a, "logement : « %s » inconnu ; possibles : %s", why ? why : "", list_of(HOUSING_CODES, 7, a));
	} else if (!strcmp(k, "prestation") || !strcmp(k, "sans prestation")) {
		const char *set = code_set(a, v, BENEFIT_CODES, 10, &why);
		if (!set)
			return arena_printf(a, "%s : « %s » inconnue ; possibles (catégories de ressources du budget) : %s", k, why ? why : "",
			                    list_of(BENEFIT_CODES, 10, a));
		*(k[0] == 'p' ? &cur->benefits_any : &cur->benefits_none) = set;
	} else if (!strcmp(k, "besoins")) {
		if (cur->nbrackets)
			return "besoins : à déclarer avant les tranches";
		cur->nneeds = 0;
		for (const char *p = v; *p;) {
			size_t n = strcspn(p, ",");
			char *w = text_trim(a, arena_strndup(a, p, n));
			p += n + (p[n] == ',');
			if (!w || !*w)
				continue;
			if (cur->nneeds == AID_MAX_NEEDS)
				return "besoins : 8 au plus";
			cur->needs[cur->nneeds] = w;
			cur->need_keys[cur->nneeds++] = text_fold(a, w);
		}
		if (!cur->nneeds)
			return "besoins : « primaire, confort, loisir » attendu";
	} else if (!strcmp(k, "montant")) {
		char *f = text_fold(a, v);
		const char *num = strrchr(v, ' ');
		if (f && starts(f, "tranches reste a vivre"))
			cur->kind = AMOUNT_BRACKETS_RAV, cur->amount = 0;
		else if (f && starts(f, "tranches quotient"))
			cur->kind = AMOUNT_BRACKETS_QF, cur->amount = 0;
		else if (f && starts(f, "pourcentage")) {
			int64_t pc = 0;
			cur->kind = AMOUNT_PERCENT;
			cur->amount = 0;
			if (!num || !text_to_int64(num + 1, 1, 100, &pc))
				return "pourcentage : un nombre de 1 à 100 (pour un pourcentage par tranche : « montant : tranches … » et "
				       "« tranche : 5,00 → 80 % »)";
			cur->amount = pc;
		} else if (f && (starts(f, "fixe") || starts(f, "par personne") || starts(f, "par enfant"))) {
			cur->kind = f[0] == 'f' ? AMOUNT_FIXED : starts(f, "par personne") ? AMOUNT_PER_PERSON : AMOUNT_PER_CHILD;
			cur->amount = 0;
			if (!num || !money_of(num + 1, &m))
				return "montant attendu après le mode, par exemple « fixe 100,00 »";
			cur->amount = m;
		} else
			return "montant : fixe, par personne, par enfant, pourcentage, tranches reste à vivre ou tranches quotient";
	} else if (!strcmp(k, "tranche")) {
		aid_bracket bk;
		if (cur->nbrackets >= AID_MAX_BRACKETS)
			return "trop de tranches (24 au plus)";
		if (!cur->brackets && !(cur->brackets = arena_array(a, AID_MAX_BRACKETS, sizeof *cur->brackets)))
			return "mémoire insuffisante";
		if ((why = parse_bracket(a, cur, v, &bk))) {
			*bad_bracket = true;
			return why;
		}
		if (cur->nbrackets && bk.upto <= cur->brackets[cur->nbrackets - 1].upto) {
			*bad_bracket = true;
			return "les tranches doivent être croissantes (chaque borne haute au-dessus de la précédente)";
		}
		if (cur->nbrackets && bk.from >= 0 && bk.from <= cur->brackets[cur->nbrackets - 1].upto) {
			*bad_bracket = true;
			return "cette tranche chevauche la précédente (sa borne basse doit dépasser la borne haute d’avant)";
		}
		cur->brackets[cur->nbrackets++] = bk;
	} else if (!strcmp(k, "plafonne a la facture") || !strcmp(k, "urgence") || !strcmp(k, "tarif")) {
		if ((why = yes_no(a, v, &yes)))
			return why;
		*(k[0] == 'p' ? &cur->capped_by_bill : k[0] == 'u' ? &cur->emergency : &cur->tariff) = yes;
	} else if (!strcmp(k, "plafond par demande") || !strcmp(k, "plafond annuel") || !strcmp(k, "plafond 12 mois") ||
	           !strcmp(k, "delegation")) {
		if (!money_of(v, &m))
			return "montant attendu, par exemple 300,00";
		*(!strcmp(k, "plafond par demande") ? &cur->cap_request : !strcmp(k, "plafond annuel") ? &cur->cap_year
		  : !strcmp(k, "plafond 12 mois")    ? &cur->cap_12m : &cur->delegation) = m;
	} else if (!strcmp(k, "plafond commun")) {
		cur->shared = text_ascii_lower(a, text_fold(a, v));
	} else if (!strcmp(k, "nombre par an")) {
		int64_t c;
		if (!text_to_int64(v, 1, 365, &c))
			return "nombre par an : de 1 à 365";
		cur->max_per_year = (int)c;
	} else if (!strcmp(k, "arrondi")) {
		char *f = text_fold(a, v);
		if (f && !strcmp(f, "centime"))
			cur->rounding = ROUND_CENT;
		else if (f && !strcmp(f, "euro"))
			cur->rounding = ROUND_EURO;
		else if (f && !strcmp(f, "euro inferieur"))
			cur->rounding = ROUND_EURO_DOWN;
		else if (f && !strcmp(f, "dizaine inferieure"))
			cur->rounding = ROUND_TEN_DOWN;
		else
			return "arrondi : centime, euro, euro inférieur ou dizaine inférieure";
	} else if (!strcmp(k, "paiement"))
		cur->payment = v;
	else if (!strcmp(k, "pieces"))
		cur->documents = v;
	else
		return arena_printf(a, "clé inconnue « %s » ; dans une aide : %s", k, AID_KEYS);
	return NULL;
}

bool aid_rules_parse(arena *a, const char *text, aid_rulebook *out, aid_error *errs, int max, int *nerrs)
{
	memset(out, 0, sizeof *out);
	*nerrs = 0;
	aid_rule *cur = NULL;
	bool bad_bracket = false;
	int ln = 0;
	civil_date d;
	const char *p = text ? text : "";
	if (!text_utf8_valid(p, strlen(p))) {
		add_err(errs, max, nerrs, 0, "le fichier n’est pas en UTF-8");
		return false;
	}
	int shared_line[AID_MAX_SHARED] = {0};
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
			if (cur) {
				/* One mistake, one error: a refused bracket does not also make « no bracket ». */
				if (cur->amount < 0)
					add_err(errs, max, nerrs, cur->line, "l’aide n’a pas de montant (« montant : … »)");
				else if ((cur->kind == AMOUNT_BRACKETS_RAV || cur->kind == AMOUNT_BRACKETS_QF) && !cur->nbrackets && !bad_bracket)
					add_err(errs, max, nerrs, cur->line, "montant par tranches sans aucune tranche (« tranche : 4,00 → 150,00 »)");
				else if (cur->kind == AMOUNT_PERCENT && cur->amount > 0 && !cur->capped_by_bill && cur->cap_request < 0)
					add_err(errs, max, nerrs, cur->line,
					        "un pourcentage de facture demande « plafonné à la facture » ou un plafond par demande");
				if (cur->nbrackets && cur->kind != AMOUNT_BRACKETS_RAV && cur->kind != AMOUNT_BRACKETS_QF)
					add_err(errs, max, nerrs, cur->line, "des tranches sans « montant : tranches reste à vivre » ou « tranches quotient »");
				if (cur->child_age_min >= 0 && cur->kind != AMOUNT_PER_CHILD && cur->children_min < 0)
					add_err(errs, max, nerrs, cur->line, "« âge des enfants » sert au montant par enfant ou à la condition « enfants »");
			}
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
			} else if (starts(k, "plafond commun ")) {
				/* « plafond commun energie : 600,00 par an | sur 12 mois » */
				const char *name = text_ascii_lower(a, text_trim(a, k + strlen("plafond commun ")));
				const char *unit = strstr(v, " par an"), *roll = strstr(v, " sur 12 mois");
				int64_t m;
				if (out->nshared >= AID_MAX_SHARED)
					add_err(errs, max, nerrs, ln, "plafonds communs : 8 au plus");
				else if (!name || !*name || aid_rules_shared(out, name))
					add_err(errs, max, nerrs, ln, "plafond commun : un nom, une seule fois (« plafond commun energie : 600,00 par an »)");
				else if ((!unit && !roll) || !money_of(arena_strndup(a, v, (size_t)((unit ? unit : roll) - v)), &m))
					add_err(errs, max, nerrs, ln, "plafond commun : « 600,00 par an » ou « 600,00 sur 12 mois » attendu");
				else {
					shared_line[out->nshared] = ln;
					out->shared[out->nshared++] = (aid_shared){name, m, roll != NULL};
				}
			} else if (!strcmp(k, "aide")) {
				if (out->naids >= AID_MAX_AIDS) {
					add_err(errs, max, nerrs, ln, "trop d’aides (64 au plus)");
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
				                  .rav_min = -1, .qf_min = -1, .res_extra = -1, .parts_max = -1, .uc_max = -1, .single_parent = -1,
				                  .children_min = -1, .children_max = -1, .child_age_min = -1, .child_age_max = -1,
				                  .cap_request = -1, .cap_year = -1, .cap_12m = -1, .max_per_year = -1, .delegation = -1,
				                  .kind = AMOUNT_FIXED, .amount = -1};
				bad_bracket = false;
			} else {
				add_err(errs, max, nerrs, ln, arena_printf(a, "clé inconnue « %s » avant la première aide ; en tête : %s", k, HEAD_KEYS));
			}
			continue;
		}
		const char *why = rule_line(a, cur, k, v, &bad_bracket);
		if (why)
			add_err(errs, max, nerrs, ln, why);
	}
	if (cur)
		add_err(errs, max, nerrs, cur->line, "l’aide n’est pas terminée par « fin »");
	for (int i = 0; i < out->naids; i++) {
		aid_rule *r = &out->aids[i];
		if (!r->shared)
			continue;
		const aid_shared *s = aid_rules_shared(out, r->shared);
		if (!s)
			add_err(errs, max, nerrs, r->line, arena_printf(a, "plafond commun « %s » non déclaré en tête (« plafond commun %s : 600,00 par an »)",
			                                                r->shared, r->shared));
		else
			r->shared_cap = s->cap, r->shared_rolling = s->rolling;
	}
	for (int i = 0; i < out->nshared; i++) {
		bool used = false;
		for (int j = 0; j < out->naids && !used; j++)
			used = out->aids[j].shared && !strcmp(out->aids[j].shared, out->shared[i].name);
		if (!used)
			add_err(errs, max, nerrs, shared_line[i], "ce plafond commun n’est utilisé par aucune aide (« plafond commun : NOM » dans l’aide)");
	}
	if (!out->effective)
		add_err(errs, max, nerrs, 1, "la date « en vigueur le » manque");
	if (!out->naids)
		add_err(errs, max, nerrs, 1, "aucune aide définie");
	return *nerrs == 0;
}

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
	bool need_ages = r->child_age_min >= 0 && !f->child_ages && f->children > 0;
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
	                    : need_rav && f->rav_unknown       ? "ressources du mois (reste à vivre) non renseignées"
	                    : need_qf && f->qf_unknown         ? "ressources du mois (quotient familial) non renseignées"
	                    : need_ages                        ? "âge des enfants non renseigné"
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
		STEP("Reste à vivre : %s par jour et par personne %s %s", money_format(a, f->rav_day_person), ok ? "≤" : ">",
		     money_format(a, r->rav_max));
		SAY("Une fois vos charges payées, il reste à votre foyer %s par jour et par personne ; le règlement retient au plus %s%s.",
		    money_format(a, f->rav_day_person), money_format(a, r->rav_max), ok ? "" : " : cette condition n’est pas remplie");
		out->eligible &= ok;
	}
	if (r->rav_min >= 0) {
		bool ok = f->rav_day_person >= r->rav_min;
		STEP("Reste à vivre : %s par jour et par personne %s %s (minimum)", money_format(a, f->rav_day_person), ok ? "≥" : "<",
		     money_format(a, r->rav_min));
		SAY("Il reste à votre foyer %s par jour et par personne ; cette aide demande au moins %s%s.", money_format(a, f->rav_day_person),
		    money_format(a, r->rav_min), ok ? "" : " : cette condition n’est pas remplie");
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
