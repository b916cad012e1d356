/*
 * domiciliation_report.c — the yearly activity report to the préfet
 * (L264-8, D264-8) for any period: people domiciled at any time in the
 * period (and on its last day) by sex, age band, first domiciliation or
 * renewal, household type, cause of instability and link with the
 * commune, from the periods of validity (a renewal does not erase the
 * year before); over the period,
 * decisions (first, renewal, refusals), strikings-off by motive, mail
 * received, handed over, forwarded, returned, and contacts. As a page,
 * CSV, XLSX and PDF.
 */
#include <stdio.h>
#include <string.h>
#include "modules/domiciliation/domiciliation_internal.h"
#include "core/csv.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "web/html.h"
#include "web/layout.h"
#include "web/pdf.h"
#include "web/xlsx.h"
#include "core/banned.h"

/* One line per person domiciled at some time between $2 and $3: whether
 * their first domiciliation began in the period (else they are counted
 * as a renewal), whether they were still domiciled on $3 (a
 * striking-off ends the validity on its date). */
static db_sql Q_SPAN = DB_SQL(DB_SCOPED,
	"SELECT d.person_id, max(d.household_type), max(d.cause), max(d.link), "
	"min(CASE WHEN p.start_on >= $2 THEN p.renewal ELSE 1 END), "
	"max(CASE WHEN p.start_on <= $3 AND p.end_on >= $3 AND (d.struck_on IS NULL OR d.struck_on > $3) THEN 1 ELSE 0 END) "
	"FROM domi_periods p JOIN domiciliations d ON d.id = p.domiciliation_id AND d.structure_id = p.structure_id "
	"WHERE p.structure_id = $1 AND p.start_on <= $3 AND p.end_on >= $2 AND (d.struck_on IS NULL OR d.struck_on >= $2) "
	"GROUP BY d.person_id ORDER BY d.person_id");
static db_sql Q_EVENTS_IN = DB_SQL(DB_SCOPED,
	"SELECT kind, detail, count(*) FROM domi_events WHERE structure_id = $1 AND on_date >= $2 AND on_date <= $3 "
	"AND kind IN ('accord', 'renouvellement_accorde', 'refus', 'renouvellement_refuse', 'radiation', 'demande') "
	"GROUP BY kind, detail ORDER BY kind, detail");
static db_sql Q_MAIL_IN = DB_SQL(DB_SCOPED,
	"SELECT coalesce(sum(count), 0) FROM domi_mail WHERE structure_id = $1 AND received_on >= $2 AND received_on <= $3");
static db_sql Q_MAIL_DONE = DB_SQL(DB_SCOPED,
	"SELECT status, coalesce(sum(count), 0) FROM domi_mail WHERE structure_id = $1 AND done_on >= $2 AND done_on <= $3 "
	"GROUP BY status ORDER BY status");
static db_sql Q_CONTACTS_IN = DB_SQL(DB_SCOPED,
	"SELECT kind, count(*) FROM domi_contacts WHERE structure_id = $1 AND on_date >= $2 AND on_date <= $3 GROUP BY kind ORDER BY kind");

/* A count per label, in the order met; grows as needed (a free-text
 * motive can make many rows). */
typedef struct tally {
	const char **label;
	int64_t *n;
	int rows, cap;
	arena *a;
} tally;

static void add(tally *t, const char *label, int64_t n)
{
	for (int i = 0; i < t->rows; i++)
		if (!strcmp(t->label[i], label)) {
			t->n[i] += n;
			return;
		}
	if (t->rows == t->cap) {
		int nc = t->cap ? t->cap * 2 : 16;
		const char **l = arena_array(t->a, (size_t)nc, sizeof *l);
		int64_t *v = arena_array(t->a, (size_t)nc, sizeof *v);
		if (!l || !v)
			return; /* the arena failed: the page answers an error */
		if (t->rows) {
			memcpy(l, t->label, sizeof *l * (size_t)t->rows);
			memcpy(v, t->n, sizeof *v * (size_t)t->rows);
		}
		t->label = l, t->n = v, t->cap = nc;
	}
	t->label[t->rows] = label;
	t->n[t->rows++] = n;
}

typedef struct report {
	int64_t during, at_end, dependants;
	tally sex, age, kind, htype, cause, link, decisions, strikes, mail, contacts;
} report;

#define SECTIONS(rp) {&(rp)->sex, &(rp)->age, &(rp)->kind, &(rp)->htype, &(rp)->cause, &(rp)->link, &(rp)->decisions, \
                      &(rp)->strikes, &(rp)->mail, &(rp)->contacts}
static const char *const TITLES[] = {"Par sexe", "Par âge (au dernier jour de la période)",
                                     "Première domiciliation ou renouvellement", "Composition du ménage",
                                     "Cause de l’instabilité du logement", "Lien avec la commune", "Décisions sur la période",
                                     "Radiations par motif", "Courrier sur la période", "Contacts sur la période"};

/* The report's words (shorter than the forms'); a value not recorded
 * counts as « non renseigné ». */
static const code HTYPES[] = {
	{"isole", "Personne isolée"}, {"couple", "Couple sans enfant"}, {"isole_enfants", "Isolé avec enfant(s)"},
	{"couple_enfants", "Couple avec enfant(s)"}, {"autre", "Autre"},
};
static const code CAUSES[] = {
	{"rupture_familiale", "Rupture familiale ou conjugale"}, {"expulsion", "Expulsion locative"},
	{"sortie_institution", "Sortie d’institution"}, {"errance", "Errance"}, {"migration", "Arrivée en France"},
	{"hebergement_tiers", "Hébergement chez un tiers"}, {"itinerance", "Itinérance"},
	{"violence", "Violences familiales ou conjugales"}, {"sortie_hopital", "Sortie d’hospitalisation"},
	{"sortie_prison", "Sortie d’incarcération"}, {"autre", "Autre"},
};
static const code LINKS[] = {
	{"sejour", "Séjour sur la commune"}, {"travail", "Activité professionnelle"}, {"suivi", "Suivi social ou d’insertion"},
	{"famille", "Liens familiaux"}, {"autorite_parentale", "Autorité parentale (enfant scolarisé)"}, {"aucun", "Aucun lien établi"},
};

static const char *label_of(const char *v, const code *list, int n)
{
	return v && *v ? code_label(list, n, v) : "Non renseigné";
}

static err compute(web_req *r, const char *from, const char *to, report *rp)
{
	memset(rp, 0, sizeof *rp);
	tally *ts[] = SECTIONS(rp);
	for (int i = 0; i < COUNTOF(ts); i++)
		ts[i]->a = r->a;
	civil_date end;
	civil_parse(to, &end);
	db_res q = {0};
	err e = DBQ(r->db, &Q_SPAN, &q, A_TEXT(from), A_TEXT(to));
	/* Collect first: person look-ups run their own statements. */
	typedef struct who { int64_t pid; const char *htype, *cause, *link; bool first, at_end; } who;
	who *w = NULL;
	int n = 0, cap = 0;
	while (e == E_OK && db_next(&q)) {
		who *x = ARENA_PUSH(r->a, w, n, cap);
		if (!x) {
			e = E_NOMEM;
			break;
		}
		*x = (who){db_int(&q, 0), db_dup(&q, 1, r->a), db_dup(&q, 2, r->a), db_dup(&q, 3, r->a), db_int(&q, 4) == 0,
		           db_int(&q, 5) == 1};
	}
	db_close(&q);
	if (e != E_OK)
		return e;
	rp->during = n;
	/* The persons and their households' members, fifty a statement (not two statements a domiciliation). */
	size_t m1 = (size_t)(n > 0 ? n : 1);
	int64_t *pids = arena_array(r->a, m1, sizeof *pids), *hids = arena_array(r->a, m1, sizeof *hids);
	person_brief *ps = arena_array(r->a, m1, sizeof *ps), **mem = arena_array(r->a, m1, sizeof *mem);
	int *nms = arena_array(r->a, m1, sizeof *nms);
	if (!pids || !hids || !ps || !mem || !nms)
		return E_NOMEM;
	for (int i = 0; i < n; i++)
		pids[i] = w[i].pid;
	if ((e = persons_briefs(r->db, r->a, pids, n, ps)) != E_OK)
		return e;
	for (int i = 0; i < n; i++)
		hids[i] = ps[i].household_id;
	if ((e = persons_households_members(r->db, r->a, hids, n, mem, nms)) != E_OK)
		return e;
	for (int i = 0; i < n; i++) {
		rp->at_end += w[i].at_end;
		if (ps[i].id) {
			const person_brief p = ps[i];
			int nm = nms[i];
			rp->dependants += nm > 1 ? nm - 1 : 0;
			add(&rp->sex, !strcmp(p.sex, "F") ? "Femmes" : !strcmp(p.sex, "M") ? "Hommes" : "Non renseigné", 1);
			civil_date b;
			const char *band = "Âge non renseigné";
			if (civil_parse(p.birth_date, &b)) {
				int age = civil_age(b, end);
				band = age < 18 ? "Moins de 18 ans" : age < 25 ? "18 à 24 ans" : age < 35 ? "25 à 34 ans" : age < 45 ? "35 à 44 ans"
				     : age < 55 ? "45 à 54 ans" : age < 65 ? "55 à 64 ans" : "65 ans et plus";
			}
			add(&rp->age, band, 1);
		}
		add(&rp->kind, w[i].first ? "Première domiciliation" : "Renouvellement", 1);
		add(&rp->htype, label_of(w[i].htype, HTYPES, COUNTOF(HTYPES)), 1);
		add(&rp->cause, label_of(w[i].cause, CAUSES, COUNTOF(CAUSES)), 1);
		add(&rp->link, label_of(w[i].link, LINKS, COUNTOF(LINKS)), 1);
	}
	e = DBQ(r->db, &Q_EVENTS_IN, &q, A_TEXT(from), A_TEXT(to));
	while (e == E_OK && db_next(&q)) {
		const char *k = db_text(&q, 0);
		int64_t c = db_int(&q, 2);
		if (!strcmp(k, "radiation"))
			add(&rp->strikes, db_dup(&q, 1, r->a), c);
		else
			add(&rp->decisions, !strcmp(k, "accord") ? "Attestations délivrées (première demande)"
			                  : !strcmp(k, "renouvellement_accorde") ? "Attestations délivrées (renouvellement)"
			                  : !strcmp(k, "refus") ? "Refus (première demande)"
			                  : !strcmp(k, "renouvellement_refuse") ? "Refus (renouvellement)" : "Demandes reçues", c);
	}
	db_close(&q);
	int64_t received = 0;
	if (e == E_OK)
		e = DBID(r->db, &Q_MAIL_IN, &received, A_TEXT(from), A_TEXT(to));
	add(&rp->mail, "Plis reçus", received);
	e = e == E_OK ? DBQ(r->db, &Q_MAIL_DONE, &q, A_TEXT(from), A_TEXT(to)) : e;
	while (e == E_OK && db_next(&q)) {
		const char *s = db_text(&q, 0);
		add(&rp->mail, !strcmp(s, "remis") ? "Plis remis" : !strcmp(s, "reexpedie") ? "Plis réexpédiés"
		             : !strcmp(s, "retourne") ? "Plis retournés à l’expéditeur" : "Autres", db_int(&q, 1));
	}
	db_close(&q);
	e = e == E_OK ? DBQ(r->db, &Q_CONTACTS_IN, &q, A_TEXT(from), A_TEXT(to)) : e;
	while (e == E_OK && db_next(&q)) {
		const char *k = db_text(&q, 0);
		add(&rp->contacts, !strcmp(k, "visite") ? "Visites" : !strcmp(k, "appel") ? "Appels"
		                 : !strcmp(k, "courrier_en_personne") ? "Retraits de courrier en personne"
		                 : !strcmp(k, "courrier_procuration") ? "Retraits par un mandataire" : k, db_int(&q, 1));
	}
	db_close(&q);
	return e == E_OK && r->a->failed ? E_NOMEM : e;
}

static void table(buf *b, const char *caption, const tally *t)
{
	html_printf(b, "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"%s\">", caption);
	html_printf(b, "<table class=\"data report\"><caption>%s</caption><thead><tr><th scope=\"col\">Catégorie</th>"
	               "<th scope=\"col\" class=\"num\">Nombre</th></tr></thead><tbody>", caption);
	for (int i = 0; i < t->rows; i++)
		html_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"num\">%lld</td></tr>", t->label[i], (long long)t->n[i]);
	if (!t->rows)
		html_lit(b, "<tr><th scope=\"row\">—</th><td class=\"num\">0</td></tr>");
	html_table_close(b);
}

static void csv_rows(buf *b, const char *section, const tally *t)
{
	for (int i = 0; i < t->rows; i++) {
		csv_write_cell(b, section, false);
		csv_write_cell(b, t->label[i], false);
		buf_printf(b, "%lld\r\n", (long long)t->n[i]);
	}
}

static void report_page(web_req *r)
{
	civil_date t = civil_today(r->user->tz), f, e;
	char dfrom[11], dto[11];
	const char *from = web_arg(r, "du"), *to = web_arg(r, "au");
	if (!from || !civil_parse(from, &f)) {
		civil_format((civil_date){t.y - 1, 1, 1}, dfrom);
		from = dfrom;
	}
	if (!to || !civil_parse(to, &e)) {
		civil_format((civil_date){t.y - 1, 12, 31}, dto);
		to = dto;
	}
	civil_parse(from, &f);
	civil_parse(to, &e);
	if (civil_to_days(e) < civil_to_days(f)) {
		web_error(r, E_INPUT, "La fin de la période précède son début.");
		return;
	}
	report rp;
	err er = compute(r, from, to, &rp);
	if (er != E_OK) {
		web_error(r, er, NULL);
		return;
	}
	journal_record(r->db, r->user->id, "export", "domiciliation_report", 0, NULL);
	const char *fmt = web_arg(r, "format");
	char ffr[11], tfr[11];
	civil_iso_to_fr(from, ffr);
	civil_iso_to_fr(to, tfr);
	const tally *ts[] = SECTIONS(&rp);
	/* The head figures, the same in every format. */
	const struct { const char *label; int64_t n; } head[] = {
		{"Personnes domiciliées au cours de la période", rp.during},
		{arena_printf(r->a, "dont domiciliées au %s", tfr), rp.at_end},
		{"Ayants droit des personnes domiciliées au cours de la période", rp.dependants},
	};
	if (fmt && !strcmp(fmt, "csv")) {
		r->out_type = "text/csv; charset=utf-8";
		web_header(r, "Content-Disposition: attachment; filename=\"rapport-domiciliation.csv\"");
		buf *b = &r->out;
		buf_adds(b, "\xef\xbb\xbf"); /* BOM: spreadsheets then read UTF-8 */
		buf_printf(b, "Rubrique;Catégorie;Nombre\r\nPériode;du %s au %s;\r\n", ffr, tfr);
		for (int i = 0; i < COUNTOF(head); i++) {
			csv_write_cell(b, "Personnes", false);
			csv_write_cell(b, head[i].label, false);
			buf_printf(b, "%lld\r\n", (long long)head[i].n);
		}
		for (int k = 0; k < COUNTOF(ts); k++)
			csv_rows(b, TITLES[k], ts[k]);
		return;
	}
	if (fmt && !strcmp(fmt, "xlsx")) {
		xlsx_doc *x = xlsx_new("Rapport");
		if (!x) {
			web_error(r, E_INTERNAL, "Le classeur n’a pas pu être produit.");
			return;
		}
		static const char *hd[] = {"Rubrique", "Catégorie", "Nombre"};
		xlsx_header(x, hd, 3);
		for (int i = 0; i < COUNTOF(head); i++) {
			xlsx_text(x, 0, "Personnes");
			xlsx_text(x, 1, head[i].label);
			xlsx_number(x, 2, head[i].n);
			xlsx_next_row(x);
		}
		for (int k = 0; k < COUNTOF(ts); k++)
			for (int i = 0; i < ts[k]->rows; i++) {
				xlsx_text(x, 0, TITLES[k]);
				xlsx_text(x, 1, ts[k]->label[i]);
				xlsx_number(x, 2, ts[k]->n[i]);
				xlsx_next_row(x);
			}
		size_t n;
		void *bytes = xlsx_finish(x, r->a, &n);
		if (!bytes) {
			web_error(r, E_INTERNAL, "Le classeur n’a pas pu être produit.");
			return;
		}
		r->out_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
		web_header(r, "Content-Disposition: attachment; filename=\"rapport-domiciliation.xlsx\"");
		buf_add(&r->out, bytes, n);
		return;
	}
	if (fmt && !strcmp(fmt, "pdf")) {
		const char *why;
		pdf_doc *pd = pdf_new("Rapport d’activité de domiciliation", &why);
		if (!pd) {
			web_error(r, E_INTERNAL, why);
			return;
		}
		pdf_small(pd, r->user->structure_name);
		pdf_heading(pd, "Rapport d’activité de domiciliation (L264-8, D264-8 du CASF)");
		pdf_para(pd, arena_printf(r->a, "Période du %s au %s.", ffr, tfr));
		for (int i = 0; i < COUNTOF(head); i++)
			pdf_field(pd, head[i].label, arena_printf(r->a, "%lld", (long long)head[i].n));
		for (int k = 0; k < COUNTOF(ts); k++) {
			pdf_heading(pd, TITLES[k]);
			for (int i = 0; i < ts[k]->rows; i++)
				pdf_field(pd, ts[k]->label[i], arena_printf(r->a, "%lld", (long long)ts[k]->n[i]));
			if (!ts[k]->rows)
				pdf_para(pd, "Aucun");
		}
		size_t n;
		void *bytes = pdf_finish(pd, r->a, &n);
		if (!bytes) {
			web_error(r, E_INTERNAL, "Le document n’a pas pu être produit.");
			return;
		}
		r->out_type = "application/pdf";
		web_header(r, "Content-Disposition: inline; filename=\"rapport-domiciliation.pdf\"");
		buf_add(&r->out, bytes, n);
		return;
	}
	page_begin(r, "Rapport d’activité de domiciliation");
	buf *b = &r->out;
	html_lit(b, "<form method=\"get\" action=\"/domiciliation/rapport\" class=\"filters\">");
	html_printf(b, "<div class=\"field\"><label for=\"du\">Du</label><input id=\"du\" name=\"du\" type=\"date\" value=\"%s\"></div>"
	               "<div class=\"field\"><label for=\"au\">Au</label><input id=\"au\" name=\"au\" type=\"date\" value=\"%s\"></div>"
	               "<button type=\"submit\">Calculer</button> <a href=\"/domiciliation/rapport?du=%s&amp;au=%s&amp;format=csv\">Télécharger (CSV)</a> · "
	               "<a href=\"/domiciliation/rapport?du=%s&amp;au=%s&amp;format=pdf\">PDF</a> · "
	               "<a href=\"/domiciliation/rapport?du=%s&amp;au=%s&amp;format=xlsx\">Tableur (XLSX)</a></form>",
	            from, to, from, to, from, to, from, to);
	html_printf(b, "<p class=\"lead\">Période du %s au %s (articles L264-8 et D264-8 du CASF). <strong>%lld</strong> personne%s "
	               "domiciliée%s au cours de la période, dont %lld au %s ; %lld ayant%s droit.</p><div class=\"widgets\">",
	            ffr, tfr, (long long)rp.during, rp.during > 1 ? "s" : "", rp.during > 1 ? "s" : "", (long long)rp.at_end, tfr,
	            (long long)rp.dependants, rp.dependants > 1 ? "s" : "");
	for (int k = 0; k < COUNTOF(ts); k++)
		table(b, TITLES[k], ts[k]);
	html_lit(b, "</div><p class=\"muted\">La liste d’attente, les effectifs et le coût du service ne sont pas calculés : "
	            "à compléter à la main dans le rapport transmis.</p>");
	page_end(r);
}

void domiciliation_report_routes(void)
{
	web_route(M_GET, "/domiciliation/rapport", report_page, PERM_DOMI_INSTRUCT, 0, "Rapport d’activité au préfet (page, CSV)");
}
