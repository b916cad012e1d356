/*
 * domiciliation_import_read.c — a file to import, read as DomiFa reads it:
 * which column holds what (DomiFa's template by position, reordered files
 * by their titles, OpenCCAS's export by its titles), and each row checked
 * with DomiFa's rules and messages (see domiciliation_import.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/countof.h"
#include "core/civil.h"
#include "core/csv.h"
#include "core/text.h"
#include "modules/domiciliation/domiciliation_import.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

/* "Ayant-droit 2: date naissance", "Date de naissance Ayant-Droit 1" → block and part. */
static bool dependant_title(const char *folded, int *number, int *part)
{
	if (!strstr(folded, "ayant") || !strstr(folded, "droit"))
		return false;
	const char *p = folded;
	while (*p && (*p < '0' || *p > '9'))
		p++;
	*number = *p ? (int)strtol(p, NULL, 10) : -1;
	*part = strstr(folded, "prenom") ? DEP_PRENOM : strstr(folded, "date") ? DEP_DATE : strstr(folded, "lien") ? DEP_LIEN
	      : strstr(folded, "sexe") ? DEP_SEXE : strstr(folded, "nom") ? DEP_NOM : -1;
	return *number >= 0 && *part >= 0;
}

static bool alias_of(arena *a, int field, const char *folded)
{
	char *label = text_fold(a, DF_COLUMNS[field].label);
	if (label && !strcmp(label, folded))
		return true;
	const char *al = DF_COLUMNS[field].aliases;
	size_t n = strlen(folded);
	for (const char *p = al; p && *p;) {
		const char *e = strchr(p, '|');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		if (k == n && !memcmp(p, folded, n))
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* Reads the titles. By title when they say enough; else DomiFa's order. */
void dimp_layout_from_header(arena *a, const sheet_row *h, layout *l)
{
	for (int k = 0; k < DF__N; k++)
		l->col[k] = -1;
	int maxblocks = h->ncells > DF_DEP_BLOCKS ? h->ncells : DF_DEP_BLOCKS;
	l->dep = arena_array(a, (size_t)maxblocks, sizeof *l->dep);
	int *dep_numbers = arena_array(a, (size_t)maxblocks, sizeof *dep_numbers);
	if (!l->dep || !dep_numbers) {
		l->bad = true;
		l->why = "Mémoire insuffisante pour lire les titres.";
		return;
	}
	for (int b = 0; b < maxblocks; b++)
		for (int k = 0; k < DEP__N; k++)
			l->dep[b][k] = -1;
	l->header_cells = h->ncells;
	l->titles = arena_array(a, (size_t)h->ncells + 1, sizeof *l->titles);
	l->ignored = arena_array(a, (size_t)h->ncells + 1, sizeof *l->ignored);
	l->ignored_title = arena_array(a, (size_t)h->ncells + 1, sizeof *l->ignored_title);
	if (!l->titles || !l->ignored || !l->ignored_title) {
		l->bad = true;
		l->why = "Mémoire insuffisante pour lire les titres.";
		return;
	}
	int by_title = 0, at_domifa_place = 0, ndepn = 0;
	bool *used = arena_array(a, (size_t)h->ncells + 1, sizeof *used);
	for (int i = 0; i < h->ncells && used; i++) {
		l->titles[i] = arena_strdup(a, h->cells[i].text);
		char *f = text_fold(a, h->cells[i].text);
		if (!f || !*f)
			continue;
		int number, part;
		if (dependant_title(f, &number, &part)) {
			int b = 0;
			while (b < ndepn && dep_numbers[b] != number)
				b++;
			if (b == ndepn && ndepn < maxblocks)
				dep_numbers[ndepn++] = number;
			if (b < ndepn && l->dep[b][part] < 0) {
				l->dep[b][part] = i;
				used[i] = true;
				if (b + 1 > l->ndeps)
					l->ndeps = b + 1;
			}
			continue;
		}
		for (int k = 0; k < DF__N; k++)
			if (l->col[k] < 0 && alias_of(a, k, f)) {
				/* DomiFa titles two columns "Quelle est la situation
				 * professionnelle ?": the first is the answer, the second
				 * its detail. */
				l->col[k] = i;
				used[i] = true;
				by_title++;
				at_domifa_place += k < DF__DOMIFA && k == i;
				break;
			}
	}
	if (by_title >= 5 && l->col[DF_NOM] >= 0 && l->col[DF_PRENOM] >= 0) {
		l->how = at_domifa_place == by_title && by_title >= DF__DOMIFA - 4
		             ? "Disposition du modèle d’import de DomiFa, colonnes reconnues par leur titre."
		             : "Colonnes reconnues par leur titre (dans un ordre différent de celui du modèle DomiFa).";
	} else if (h->ncells >= 13) {
		/* Titles not understood: DomiFa reads by position, so do we. */
		for (int k = 0; k < DF__N; k++)
			l->col[k] = k < DF__DOMIFA ? k : -1;
		for (int b = 0; b < DF_DEP_BLOCKS; b++) {
			for (int k = 0; k < DEP__N; k++)
				l->dep[b][k] = k < DEP_SEXE ? DF_DEP_FIRST + 4 * b + k : -1;
		}
		l->ndeps = DF_DEP_BLOCKS;
		for (int i = 0; i < h->ncells && used; i++)
			used[i] = i < DF_DEP_FIRST + 4 * DF_DEP_BLOCKS;
		l->how = "Titres non reconnus : colonnes lues dans l’ordre du modèle DomiFa (comme DomiFa le fait).";
	} else {
		l->bad = true;
		l->why = "Ni les titres de la première ligne ni le nombre de colonnes ne correspondent au modèle DomiFa ou à un "
		         "export d’OpenCCAS : il faut au moins les colonnes « Nom », « Prénom », « Date naissance » et « Statut "
		         "domiciliation ».";
		return;
	}
	for (int i = 0; i < h->ncells && used; i++)
		if (!used[i] && *h->cells[i].text) {
			l->ignored[l->nignored] = i;
			l->ignored_title[l->nignored++] = l->titles[i];
		}
}

static void problem_add(arena *a, problem **list, int *n, int *cap, int col, const char *label, const char *value, const char *msg)
{
	if (*n == *cap) {
		int nc = *cap ? *cap * 2 : 8;
		problem *g = arena_array(a, (size_t)nc, sizeof *g);
		if (!g)
			return;
		if (*n)
			memcpy(g, *list, sizeof *g * (size_t)*n);
		*list = g;
		*cap = nc;
	}
	(*list)[(*n)++] = (problem){col, label, value ? value : "", msg};
}

static void fail(arena *a, imported *m, int col, const char *label, const char *value, const char *msg)
{
	problem_add(a, &m->errors, &m->nerrors, &m->caperr, col, label, value, msg);
}

static void warn(arena *a, imported *m, int col, const char *label, const char *value, const char *msg)
{
	problem_add(a, &m->warnings, &m->nwarnings, &m->capwarn, col, label, value, msg);
}

/* A cell's text. The apostrophe that exports put before what a
 * spreadsheet would take for a formula (csv_write_cell) is taken off. */
static const char *cell(const layout *l, const sheet_row *r, int field)
{
	int c = l->col[field];
	const char *t = c >= 0 && c < r->ncells ? r->cells[c].text : "";
	return t[0] == '\'' && csv_cell_dangerous(t + 1) ? t + 1 : t;
}

static sheet_kind kind_of(const layout *l, const sheet_row *r, int field)
{
	int c = l->col[field];
	return c >= 0 && c < r->ncells ? r->cells[c].kind : SHEET_EMPTY;
}

static char *trimmed(arena *a, const char *s)
{
	char *t = text_trim(a, s ? s : "");
	return t ? t : "";
}

/* A date as DomiFa takes it: a date cell, or text JJ/MM/AAAA (one or two
 * digits for day and month), or the ISO form OpenCCAS writes; never a
 * guess. "" when empty; NULL with *msg when it is no such date. */
static const char *date_cell(arena *a, const char *s, sheet_kind k, const char **msg)
{
	*msg = NULL;
	s = trimmed(a, s);
	if (!*s)
		return "";
	civil_date d;
	if (k == SHEET_DATE || civil_parse(s, &d))
		return civil_parse(s, &d) ? s : (*msg = "date illisible", (const char *)NULL);
	if (k == SHEET_NUMBER) {
		*msg = "un nombre n’est pas une date : saisissez la date au format JJ/MM/AAAA (ou une cellule au format date)";
		return NULL;
	}
	int dd = 0, mm = 0, yy = 0;
	const char *p = s;
	for (int part = 0; part < 3; part++) {
		int v = 0, digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 5) {
			v = v * 10 + (*p++ - '0');
			digits++;
		}
		if ((part < 2 && (digits < 1 || digits > 2 || *p != '/')) || (part == 2 && (digits != 4 || *p))) {
			*msg = "n’est pas une date au format JJ/MM/AAAA";
			return NULL;
		}
		if (part < 2)
			p++;
		if (part == 0) dd = v; else if (part == 1) mm = v; else yy = v;
	}
	char *iso = arena_printf(a, "%04d-%02d-%02d", yy, mm, dd);
	if (!iso || !civil_parse(iso, &d)) {
		*msg = "n’est pas une date qui existe";
		return NULL;
	}
	return iso;
}

static const char *upper(arena *a, const char *s)
{
	char *u = arena_strdup(a, trimmed(a, s));
	for (char *p = u; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u ? u : "";
}

static void answer_add(imported *m, const char *key, const char *value)
{
	if (value && *value && m->nanswers < (int)(sizeof m->answers / sizeof *m->answers))
		m->answers[m->nanswers++] = (answer){key, value};
}

/* A DomiFa code cell: its entry, or an error in DomiFa's words. */
static const df_code *code_cell(arena *a, imported *m, const layout *l, const sheet_row *r, int field, const df_code *list, int n)
{
	const char *v = upper(a, cell(l, r, field));
	if (!*v)
		return NULL;
	if (field == DF_SITPRO && !strcmp(v, "POLE_EMPLOI"))
		v = "FRANCE_TRAVAIL";
	const df_code *c = df_find(list, n, v);
	if (!c) {
		buf b;
		buf_init(&b, a, 128);
		buf_adds(&b, "valeur inconnue ; attendu : ");
		for (int i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i ? ", " : "", list[i].code);
		fail(a, m, l->col[field], DF_COLUMNS[field].label, cell(l, r, field), buf_cstr(&b));
	}
	return c;
}

static const char *yes_no(arena *a, imported *m, const layout *l, const sheet_row *r, int field)
{
	const char *v = upper(a, cell(l, r, field));
	if (!*v)
		return "";
	if (!strcmp(v, "OUI") || !strcmp(v, "NON"))
		return v;
	fail(a, m, l->col[field], DF_COLUMNS[field].label, cell(l, r, field), "attendu OUI ou NON");
	return "";
}

static bool date_between(const char *iso, const char *from, const char *to) { return strcmp(iso, from) >= 0 && strcmp(iso, to) <= 0; }

static const char *date_field(arena *a, imported *m, const layout *l, const sheet_row *r, int field, bool required, const char *from,
                              const char *to, const char *range_msg)
{
	const char *msg, *v = date_cell(a, cell(l, r, field), kind_of(l, r, field), &msg);
	if (!v) {
		fail(a, m, l->col[field], DF_COLUMNS[field].label, cell(l, r, field), msg);
		return NULL;
	}
	if (!*v) {
		if (required)
			fail(a, m, l->col[field], DF_COLUMNS[field].label, "", "obligatoire");
		return "";
	}
	if (!date_between(v, from, to)) {
		fail(a, m, l->col[field], DF_COLUMNS[field].label, cell(l, r, field), range_msg);
		return NULL;
	}
	return v;
}

static const char *phone_of(arena *a, imported *m, const layout *l, const sheet_row *r)
{
	const char *v = trimmed(a, cell(l, r, DF_TELEPHONE));
	if (!*v)
		return "";
	/* A spreadsheet that took the number for a number dropped its 0. */
	if (sheet_lost_zero(v, kind_of(l, r, DF_TELEPHONE), 10))
		v = arena_printf(a, "0%s", v);
	for (const char *p = v; *p; p++)
		if (!strchr("0123456789 +.()-", *p)) {
			fail(a, m, l->col[DF_TELEPHONE], DF_COLUMNS[DF_TELEPHONE].label, v, "un numéro de téléphone ne contient que des chiffres");
			return "";
		}
	return v;
}

/* Everything checked; a text field also refuses control characters. */
static const char *text_field(arena *a, imported *m, const layout *l, const sheet_row *r, int field, size_t max, bool multiline)
{
	const char *v = trimmed(a, cell(l, r, field));
	if (strlen(v) > max) {
		fail(a, m, l->col[field], DF_COLUMNS[field].label, "", arena_printf(a, "plus de %zu caractères", max));
		return "";
	}
	if (text_forbidden_char(v, multiline)) {
		fail(a, m, l->col[field], DF_COLUMNS[field].label, v, "contient un caractère de contrôle");
		return "";
	}
	return v;
}

void dimp_parse_row(ctx *x, arena *a, const sheet_row *r, imported *m)
{
	const layout *l = &x->l;
	memset(m, 0, sizeof *m);
	m->row = r->number;
	/* « Not after today », a day's margin: the file may come from a structure
	 * in another time zone (La Réunion is three hours ahead of Paris), where
	 * it is already tomorrow. */
	const char *t = x->tomorrow_iso;
	/* OpenCCAS's own export says what OpenCCAS holds, which may be less
	 * than DomiFa requires (a person without a known birth place): only
	 * DomiFa's files are held to DomiFa's "required". */
	bool ours = l->col[DF_STATUS_OC] >= 0;
	/* Who. */
	const char *civ = upper(a, cell(l, r, DF_CIVILITE));
	const char *sex = !strcmp(civ, "H") || !strcmp(civ, "HOMME") || !strcmp(civ, "MONSIEUR") || !strcmp(civ, "M") ? "M"
	                : !strcmp(civ, "F") || !strcmp(civ, "FEMME") || !strcmp(civ, "MADAME") || !strcmp(civ, "MME") ? "F" : NULL;
	if (!sex && (*civ || !ours))
		fail(a, m, l->col[DF_CIVILITE], DF_COLUMNS[DF_CIVILITE].label, cell(l, r, DF_CIVILITE),
		     *civ ? "attendu H (homme) ou F (femme)" : "obligatoire : H (homme) ou F (femme)");
	m->ap.last_name = text_field(a, m, l, r, DF_NOM, 100, false);
	m->ap.first_names = text_field(a, m, l, r, DF_PRENOM, 150, false);
	if (!*m->ap.last_name)
		fail(a, m, l->col[DF_NOM], DF_COLUMNS[DF_NOM].label, "", "obligatoire");
	if (!*m->ap.first_names)
		fail(a, m, l->col[DF_PRENOM], DF_COLUMNS[DF_PRENOM].label, "", "obligatoire");
	m->ap.sex = sex ? sex : "";
	m->ap.birth_date = date_field(a, m, l, r, DF_NAISSANCE, !ours, "1900-01-01", t, "la naissance doit être entre 1900 et aujourd’hui");
	m->ap.birth_place = text_field(a, m, l, r, DF_LIEU, 1000, false);
	if (!*m->ap.birth_place && !ours)
		fail(a, m, l->col[DF_LIEU], DF_COLUMNS[DF_LIEU].label, "", "obligatoire");
	m->ap.phone = phone_of(a, m, l, r);
	m->ap.email = text_field(a, m, l, r, DF_EMAIL, 200, false);
	if (*m->ap.email && !text_email_valid(m->ap.email))
		fail(a, m, l->col[DF_EMAIL], DF_COLUMNS[DF_EMAIL].label, m->ap.email, "adresse e-mail invalide");
	m->ap.relation = "demandeur";
	m->ref = text_field(a, m, l, r, DF_REF, 50, false);
	m->alias = text_field(a, m, l, r, DF_SURNOM, 100, false);

	/* The domiciliation. */
	const char *st = upper(a, cell(l, r, DF_STATUT));
	const char *oc = trimmed(a, cell(l, r, DF_STATUS_OC));
	if (*oc && (!strcmp(oc, "instruction") || !strcmp(oc, "attente_decision") || !strcmp(oc, "active") ||
	            !strcmp(oc, "refusee") || !strcmp(oc, "radiee")))
		m->status = oc;
	else if (!strcmp(st, "VALIDE"))
		m->status = "active";
	else if (!strcmp(st, "REFUS"))
		m->status = "refusee";
	else if (!strcmp(st, "RADIE"))
		m->status = "radiee";
	else
		fail(a, m, l->col[DF_STATUT], DF_COLUMNS[DF_STATUT].label, cell(l, r, DF_STATUT),
		     *st ? "attendu VALIDE, REFUS ou RADIE" : "obligatoire : VALIDE, REFUS ou RADIE");
	const char *type = upper(a, cell(l, r, DF_TYPE));
	if (!strcmp(type, "PREMIERE") || !strcmp(type, "PREMIERE_DOM"))
		m->dom_type = "premiere";
	else if (!strcmp(type, "RENOUVELLEMENT"))
		m->dom_type = "renouvellement";
	else if (*type || !*oc) {
		fail(a, m, l->col[DF_TYPE], DF_COLUMNS[DF_TYPE].label, cell(l, r, DF_TYPE),
		     *type ? "attendu PREMIERE ou RENOUVELLEMENT" : "obligatoire : PREMIERE ou RENOUVELLEMENT");
		m->dom_type = "";
	} else {
		m->dom_type = "";
	}
	bool valid = m->status && !strcmp(m->status, "active"), refused = m->status && !strcmp(m->status, "refusee"),
	     struck = m->status && !strcmp(m->status, "radiee"), pending = m->status && !valid && !refused && !struck;
	m->start = date_field(a, m, l, r, DF_DEBUT, valid, "1900-01-01", x->next_year_iso, "doit être entre 1900 et l’an prochain");
	m->end = date_field(a, m, l, r, DF_FIN, !pending, "1900-01-01", x->next_year_iso, "doit être entre 1900 et l’an prochain");
	m->first = date_field(a, m, l, r, DF_PREMIERE, false, "1900-01-01", t, "ne peut pas être après aujourd’hui");
	m->last_contact = date_field(a, m, l, r, DF_PASSAGE, false, "1900-01-01", t, "ne peut pas être après aujourd’hui");
	m->requested = date_field(a, m, l, r, DF_REQUESTED, false, "1900-01-01", t, "ne peut pas être après aujourd’hui");
	m->interview_on = date_field(a, m, l, r, DF_INTERVIEW_ON, false, "1900-01-01", t, "ne peut pas être après aujourd’hui");
	m->decided = date_field(a, m, l, r, DF_DECIDED_ON, false, "1900-01-01", t, "ne peut pas être après aujourd’hui");
	m->struck = date_field(a, m, l, r, DF_STRUCK_ON, false, "1900-01-01", t, "ne peut pas être après aujourd’hui");
	m->interview_place = text_field(a, m, l, r, DF_INTERVIEW_PLACE, 200, false);
	m->orientation = text_field(a, m, l, r, DF_ORIENTATION_REFUS, 1000, true);
	m->refusal = m->strike = "";
	civil_date s, e;
	if (valid && m->start && *m->start && m->end && *m->end && civil_parse(m->start, &s) && civil_parse(m->end, &e)) {
		civil_date legal = domi_end_of(s), next = civil_from_days(civil_to_days(legal) + 1);
		if (civil_to_days(e) < civil_to_days(s))
			fail(a, m, l->col[DF_FIN], DF_COLUMNS[DF_FIN].label, cell(l, r, DF_FIN), "la fin est avant le début");
		else if (civil_to_days(e) == civil_to_days(next)) {
			/* DomiFa's « same day next year »: the CASF says a year less a day. */
			m->end = civil_iso(a, legal);
			warn(a, m, l->col[DF_FIN], DF_COLUMNS[DF_FIN].label, cell(l, r, DF_FIN),
			     arena_printf(a, "même jour un an après : enregistrée au %s (un an moins un jour, CASF D264-1)", civil_fr(a, m->end)));
		} else if (civil_to_days(e) > civil_to_days(next))
			fail(a, m, l->col[DF_FIN], DF_COLUMNS[DF_FIN].label, cell(l, r, DF_FIN), "une domiciliation valide dure un an au plus");
	}
	if (refused) {
		const df_code *c = code_cell(a, m, l, r, DF_MOTIF_REFUS, DFC_REFUS, DFC_NREFUS);
		m->refusal = c ? c->ours : "autre";
		if (!c && !*trimmed(a, cell(l, r, DF_MOTIF_REFUS)))
			warn(a, m, l->col[DF_MOTIF_REFUS], DF_COLUMNS[DF_MOTIF_REFUS].label, "", "absent : « Autre motif », comme DomiFa");
		if (!m->decided || !*m->decided)
			m->decided = m->end; /* DomiFa records the decision's date there */
	}
	if (struck) {
		const df_code *c = code_cell(a, m, l, r, DF_MOTIF_RADIATION, DFC_RADIATION, DFC_NRADIATION);
		m->strike = c ? c->ours : "autre";
		if (!c && !*trimmed(a, cell(l, r, DF_MOTIF_RADIATION)))
			warn(a, m, l->col[DF_MOTIF_RADIATION], DF_COLUMNS[DF_MOTIF_RADIATION].label, "", "absent : « Autre motif », comme DomiFa");
		if (!m->struck || !*m->struck)
			m->struck = m->end; /* the striking-off's date, as DomiFa records it */
	}
	if (valid && (!m->decided || !*m->decided))
		m->decided = m->start;
	if (!m->first || !*m->first)
		m->first = valid ? m->start : "";
	if (!m->requested || !*m->requested)
		m->requested = m->first && *m->first ? m->first : m->start && *m->start ? m->start : m->decided && *m->decided ? m->decided
		                                                                                                       : x->today_iso;
	if (valid && (!m->last_contact || !*m->last_contact)) {
		m->last_contact = x->today_iso; /* today, not the check's bound (tomorrow): a later import in another time zone refused it */
		warn(a, m, l->col[DF_PASSAGE], DF_COLUMNS[DF_PASSAGE].label, "", "absente : le dernier passage compte au jour de l’import, comme DomiFa");
	}

	/* The interview's answers, kept as recorded. */
	const char *yn;
	if (*(yn = yes_no(a, m, l, r, DF_ORIENTATION)))
		answer_add(m, DF_COLUMNS[DF_ORIENTATION].key, yn);
	answer_add(m, DF_COLUMNS[DF_ORIENTATION_D].key, text_field(a, m, l, r, DF_ORIENTATION_D, 1000, true));
	if (*(yn = yes_no(a, m, l, r, DF_EXISTANTE)))
		answer_add(m, DF_COLUMNS[DF_EXISTANTE].key, yn);
	const df_code *c;
	if ((c = code_cell(a, m, l, r, DF_SITPRO, DFC_SITPRO, DFC_NSITPRO)))
		answer_add(m, DF_COLUMNS[DF_SITPRO].key, c->code);
	answer_add(m, DF_COLUMNS[DF_SITPRO_D].key, text_field(a, m, l, r, DF_SITPRO_D, 1000, true));
	if (*(yn = yes_no(a, m, l, r, DF_REVENUS)))
		answer_add(m, DF_COLUMNS[DF_REVENUS].key, yn);
	answer_add(m, DF_COLUMNS[DF_REVENUS_D].key, text_field(a, m, l, r, DF_REVENUS_D, 1000, true));
	m->link = "";
	if ((c = code_cell(a, m, l, r, DF_LIEN, DFC_LIEN, DFC_NLIEN))) {
		answer_add(m, DF_COLUMNS[DF_LIEN].key, c->code);
		m->link = c->ours ? c->ours : "";
	}
	answer_add(m, DF_COLUMNS[DF_LIEN_D].key, text_field(a, m, l, r, DF_LIEN_D, 1000, true));
	m->htype = "";
	if ((c = code_cell(a, m, l, r, DF_MENAGE, DFC_MENAGE, DFC_NMENAGE))) {
		answer_add(m, DF_COLUMNS[DF_MENAGE].key, c->code);
		m->htype = c->ours;
	}
	if ((c = code_cell(a, m, l, r, DF_RESIDENCE, DFC_RESIDENCE, DFC_NRESIDENCE)))
		answer_add(m, DF_COLUMNS[DF_RESIDENCE].key, c->code);
	answer_add(m, DF_COLUMNS[DF_RESIDENCE_D].key, text_field(a, m, l, r, DF_RESIDENCE_D, 1000, true));
	m->cause = "";
	if ((c = code_cell(a, m, l, r, DF_CAUSE, DFC_CAUSE, DFC_NCAUSE))) {
		answer_add(m, DF_COLUMNS[DF_CAUSE].key, c->code);
		m->cause = c->ours;
	}
	answer_add(m, DF_COLUMNS[DF_CAUSE_D].key, text_field(a, m, l, r, DF_CAUSE_D, 1000, true));
	const df_code *raison = code_cell(a, m, l, r, DF_RAISON, DFC_RAISON, DFC_NRAISON);
	const char *raison_d = text_field(a, m, l, r, DF_RAISON_D, 1000, true);
	if (raison)
		answer_add(m, DF_COLUMNS[DF_RAISON].key, raison->code);
	answer_add(m, DF_COLUMNS[DF_RAISON_D].key, raison_d);
	m->reason = raison ? (*raison_d ? arena_printf(a, "%s : %s", raison->label, raison_d) : raison->label) : raison_d;
	/* OpenCCAS's own export says its own codes too: they win. */
	const char *oc_link = trimmed(a, cell(l, r, DF_LINK_OC)), *oc_htype = trimmed(a, cell(l, r, DF_HTYPE_OC)),
		   *oc_cause = trimmed(a, cell(l, r, DF_CAUSE_OC));
	if (*oc_link)
		m->link = domi_code_ok("link", oc_link) ? oc_link : (fail(a, m, l->col[DF_LINK_OC], DF_COLUMNS[DF_LINK_OC].label, oc_link, "code inconnu"), "");
	if (*oc_htype)
		m->htype = domi_code_ok("htype", oc_htype) ? oc_htype
		         : (fail(a, m, l->col[DF_HTYPE_OC], DF_COLUMNS[DF_HTYPE_OC].label, oc_htype, "code inconnu"), "");
	if (*oc_cause)
		m->cause = domi_code_ok("cause", oc_cause) ? oc_cause
		         : (fail(a, m, l->col[DF_CAUSE_OC], DF_COLUMNS[DF_CAUSE_OC].label, oc_cause, "code inconnu"), "");
	if (l->col[DF_REASON_OC] >= 0)
		m->reason = text_field(a, m, l, r, DF_REASON_OC, 1000, true);
	if (*(yn = yes_no(a, m, l, r, DF_ACCOMP)))
		answer_add(m, DF_COLUMNS[DF_ACCOMP].key, yn);
	answer_add(m, DF_COLUMNS[DF_ACCOMP_D].key, text_field(a, m, l, r, DF_ACCOMP_D, 1000, true));
	answer_add(m, DF_COLUMNS[DF_COMMENTAIRES].key, text_field(a, m, l, r, DF_COMMENTAIRES, 2000, true));

	/* Dependants: a block with anything in it must be whole. */
	m->deps = l->ndeps ? arena_array(a, (size_t)l->ndeps, sizeof *m->deps) : NULL;
	for (int b = 0; b < l->ndeps && m->deps; b++) {
		const char *v[DEP__N];
		bool any = false;
		for (int k = 0; k < DEP__N; k++) {
			int col = l->dep[b][k];
			v[k] = col >= 0 && col < r->ncells ? trimmed(a, r->cells[col].text) : "";
			any |= *v[k] != 0;
		}
		if (!any)
			continue;
		person_new *d = &m->deps[m->ndeps];
		const char *lab[DEP__N];
		for (int k = 0; k < DEP__N; k++)
			lab[k] = arena_printf(a, "%s ayant droit %d", DEP_LABEL[k], b + 1);
		bool ok = true;
		for (int k = 0; k < DEP_LIEN; k++)
			if (!*v[k] && !(ours && k == DEP_DATE)) {
				fail(a, m, l->dep[b][k], lab[k], "", "obligatoire pour un ayant droit");
				ok = false;
			}
		const char *msg = NULL;
		int dc = l->dep[b][DEP_DATE];
		const char *birth = *v[DEP_DATE] ? date_cell(a, v[DEP_DATE], dc >= 0 && dc < r->ncells ? r->cells[dc].kind : SHEET_TEXT, &msg) : "";
		if (!birth) {
			fail(a, m, dc, lab[DEP_DATE], v[DEP_DATE], msg);
			ok = false;
		} else if (*birth && !date_between(birth, "1900-01-01", t)) {
			fail(a, m, dc, lab[DEP_DATE], v[DEP_DATE], "la naissance doit être entre 1900 et aujourd’hui");
			ok = false;
		}
		const df_code *rel = df_find(DFC_PARENTE, DFC_NPARENTE, upper(a, v[DEP_LIEN]));
		/* OpenCCAS's export writes its own relations. */
		static const char *const ours_rel[] = {"conjoint", "enfant", "enfant_alterne", "enfant_majeur", "heberge", "parent", "autre"};
		const char *our_rel = NULL;
		for (int i = 0; ours && !rel && i < COUNTOF(ours_rel); i++)
			if (!strcmp(v[DEP_LIEN], ours_rel[i]))
				our_rel = ours_rel[i];
		if (!rel && !our_rel) {
			fail(a, m, l->dep[b][DEP_LIEN], lab[DEP_LIEN], v[DEP_LIEN],
			     *v[DEP_LIEN] ? "attendu ENFANT, CONJOINT, PARENT ou AUTRE" : "obligatoire pour un ayant droit");
			ok = false;
		}
		const char *dsex = upper(a, v[DEP_SEXE]);
		for (int k = 0; k < DEP__N; k++)
			if (text_forbidden_char(v[k], false)) {
				fail(a, m, l->dep[b][k], lab[k], v[k], "contient un caractère de contrôle");
				ok = false;
			}
		if (ok) {
			*d = (person_new){.last_name = v[DEP_NOM], .first_names = v[DEP_PRENOM], .birth_date = birth,
			                  .relation = rel ? rel->ours : our_rel,
			                  .sex = !strcmp(dsex, "F") ? "F" : !strcmp(dsex, "M") || !strcmp(dsex, "H") ? "M" : ""};
			m->ndeps++;
		}
	}
}
