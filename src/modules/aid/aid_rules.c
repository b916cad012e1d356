/* aid_rules.c — the rulebook file: its parser and checker (see aid_rules.h; the engine is aid_engine.c). */
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

/* « fixe 80,00 € », « pourcentage 50 % », « par personne 30 euros »: the value without its unit (the amount is the
 * last word). */
static char *unit_dropped(arena *a, char *v)
{
	static const char *const units[] = {"€", "euros", "euro", "EUR", "%"};
	char *w = arena_strdup(a, v);
	if (!w)
		return v;
	size_t n = strlen(w);
	for (size_t i = 0; i < sizeof units / sizeof *units; i++) {
		size_t u = strlen(units[i]);
		if (n > u && !strcmp(w + n - u, units[i])) {
			n -= u;
			break;
		}
	}
	while (n && (w[n - 1] == ' ' || (n >= 2 && (unsigned char)w[n - 2] == 0xc2 && (unsigned char)w[n - 1] == 0xa0)))
		n -= w[n - 1] == ' ' ? 1 : 2;
	w[n] = 0;
	return w;
}

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
	if (!arrow && (arrow = strstr(v, "=>")))
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
	} else if (starts(raw, "≤") || starts(raw, "<=")) { /* « ≤ 8,00 », « <= 8,00 »: up to */
		raw = text_trim(a, raw + (raw[0] == '<' ? 2 : strlen("≤")));
		bounds = text_fold(a, raw);
	} else if (!starts(bounds, "de ") && (strstr(raw, " à ") || strstr(raw, " a "))) { /* « 4,01 à 8,00 »: as « de 4,01 à 8,00 » */
		raw = arena_printf(a, "de %s", raw);
		bounds = raw ? text_fold(a, raw) : NULL;
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
	int n = 0;
	if (sscanf(v, "%d à %d%n", lo, hi, &n) != 2 || !n)
		return false;
	const char *rest = v + n;
	while (*rest == ' ')
		rest++;
	/* « 18 à 25 », « 3 à 17 ans »; anything else after it was silently dropped */
	return (!*rest || !strcmp(rest, "ans")) && *lo >= lo_min && *hi <= hi_max && *lo <= *hi;
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
		/* « 3 mois », « 1 an », « 2 ans » (24 months: a year was read as a month); a number alone, months. */
		int64_t n;
		size_t w = strcspn(v, " ");
		char *num = arena_strndup(a, v, w), *unit = text_fold(a, text_trim(a, arena_strdup(a, v + w)));
		int per = !unit || !*unit || !strcmp(unit, "mois")                                   ? 1
		          : !strcmp(unit, "an") || !strcmp(unit, "ans") || starts(unit, "annee") ? 12
		                                                                                   : 0;
		if (!per || !text_to_int64(num, 0, 120 / per, &n))
			return "résidence : « 3 mois » ou « 1 an » attendu (10 ans au plus)";
		cur->residence_months = (int)(n * per);
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
		const char *num = strrchr(v = unit_dropped(a, v), ' ');
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

/* A date as a board writes it, « 15/01/2027 », or « 2027-01-15 »: AAAA-MM-JJ, NULL when it is not a real one. */
static char *date_of(arena *a, char *v)
{
	civil_date d;
	if (civil_parse(v, &d))
		return v;
	char *iso = civil_parse_fr(v, &d) ? arena_alloc(a, 11) : NULL;
	if (iso)
		civil_format(d, iso);
	return iso;
}

bool aid_rules_parse(arena *a, const char *text, aid_rulebook *out, aid_error *errs, int max, int *nerrs)
{
	memset(out, 0, sizeof *out);
	*nerrs = 0;
	aid_rule *cur = NULL;
	bool bad_bracket = false;
	int ln = 0;
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
		const char *low = text_ascii_lower(a, line); /* « Fin », « FIN » */
		if (low && !strcmp(low, "fin")) {
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
				if (!(v = date_of(a, v)))
					add_err(errs, max, nerrs, ln, "date attendue au format JJ/MM/AAAA ou AAAA-MM-JJ");
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
