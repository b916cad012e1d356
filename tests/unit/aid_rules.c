/* The rulebook file and the evaluation engine, on worked cases written out. */
#define T_NAME "aid-rules"
#include "t.h"
#include <stdio.h>
#include <stdlib.h>
#include "modules/aid/aid_rules.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char text[1 << 16];
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = 0;
	return text;
}

int main(void)
{
	arena a;
	arena_init(&a, 0);
	aid_rulebook rb;
	aid_error errs[32];
	int ne = 0;

	T_GROUP("the example rulebook");
	CHECK(aid_rules_parse(&a, slurp("docs/reglement-exemple.txt"), &rb, errs, 32, &ne), "valid (%d errors, first line %d: %s)", ne,
	      ne ? errs[0].line : 0, ne ? errs[0].message : "");
	CHECK_INT(rb.naids, 7);
	CHECK(aid_rules_find(&rb, "repas_domicile") && aid_rules_find(&rb, "repas_domicile")->tariff, "the meals' tariff grid");
	/* Food aid's access (issue 18): grids, never offered as a request; resources by the household's size. */
	const aid_rule *colis = aid_rules_find(&rb, "colis_alimentaire"), *epi = aid_rules_find(&rb, "epicerie_sociale");
	CHECK(colis && colis->tariff && epi && epi->tariff, "the food rules are grids");
	if (colis && epi) {
		aid_result fr;
		aid_facts one = {.on = {2026, 3, 10}, .members = 1, .resources = 80000, .applicant_age = 40, .residence_months = 24,
		                 .rav_day_person = 900, .qf = 50000};
		aid_evaluate(&a, colis, &one, &fr);
		CHECK(fr.eligible && !fr.incomplete, "800 € alone: under 1 000 €");
		one.resources = 150000;
		aid_evaluate(&a, colis, &one, &fr);
		CHECK(!fr.eligible, "1 500 € alone: over 1 000 €");
		one.members = 2;
		aid_evaluate(&a, colis, &one, &fr);
		CHECK(fr.eligible, "1 500 € for two: within 1 500 €");
		one.members = 6, one.resources = 270000; /* 4 → 2 100 €, + 300 € a person beyond: 2 700 € for six */
		aid_evaluate(&a, colis, &one, &fr);
		CHECK(fr.eligible, "2 700 € for six: within 2 700 €");
		one.members = 3, one.resources = 120000, one.rav_day_person = 900;
		aid_evaluate(&a, epi, &one, &fr);
		CHECK(fr.eligible && fr.amount == 12000, "the grocery: 40 € a person, 120 € for three (got %lld)", (long long)fr.amount);
		one.rav_day_person = 1100;
		aid_evaluate(&a, epi, &one, &fr);
		CHECK(!fr.eligible, "a reste à vivre over 10 € a day: not eligible");
	}
	CHECK_STR(rb.effective, "2026-02-01");
	const aid_rule *urg = aid_rules_find(&rb, "secours_urgence"), *en = aid_rules_find(&rb, "energie"),
	               *cant = aid_rules_find(&rb, "cantine"), *alim = aid_rules_find(&rb, "alimentaire");
	CHECK(urg && en && cant && alim, "all four found");
	if (!urg || !en || !cant || !alim)
		return T_DONE();
	aid_result res;

	T_GROUP("emergency aid by brackets of reste à vivre, with the yearly ceiling");
	/* RAV 4,12 €/day/person > 4,00 and ≤ 8,00 → bracket 2 → 80 €;
	 * already 220 € granted this year out of 300 € → 80 € still fits → 80 €. */
	aid_facts f = {.on = {2026, 3, 10}, .rav_day_person = 412, .qf = 35000, .members = 3, .children = 1, .applicant_age = 40,
	               .residence_months = 24, .granted_year = 22000, .count_year = 1};
	aid_evaluate(&a, urg, &f, &res);
	CHECK(res.eligible, "eligible");
	CHECK_INT(res.amount, 8000);
	CHECK_HAS(res.explain, "Reste à vivre : 4,12\xc2\xa0€ par jour et par personne ≤ 8,00\xc2\xa0€");
	CHECK_HAS(res.explain, "tranche 2 → 80,00\xc2\xa0€");
	CHECK_HAS(res.explain, "déjà accordé cette année : 220,00\xc2\xa0€ sur 300,00\xc2\xa0€");
	CHECK_HAS(res.explain, "aide d’urgence");
	/* Same household, 250 € already granted: only 50 € left. */
	f.granted_year = 25000;
	aid_evaluate(&a, urg, &f, &res);
	CHECK_INT(res.amount, 5000);
	CHECK_HAS(res.explain, "reste disponible → 50,00\xc2\xa0€");
	CHECK_HAS(res.plain, "il reste à votre foyer 4,12\xc2\xa0€ par jour et par personne ; le règlement retient au plus 8,00\xc2\xa0€.");
	{
		/* Divided by consumption units, the answer says so, not « par personne ». */
		aid_facts uf = f;
		uf.rav_unit = "unité de consommation";
		aid_result ur;
		aid_evaluate(&a, urg, &uf, &ur);
		CHECK_HAS(ur.explain, "par jour et par unité de consommation");
		CHECK_HAS(ur.plain, "par jour et par unité de consommation ;");
	}
	CHECK_HAS(res.plain, "Le règlement limite cette aide à 300,00\xc2\xa0€ par an ; votre foyer en a déjà reçu 250,00\xc2\xa0€ : il "
	                     "reste 50,00\xc2\xa0€.");
	CHECK_LACKS(res.plain, "→");
	CHECK_LACKS(res.plain, "≤");
	/* RAV 3,00 → bracket 1 → 150 €, within the director's delegation (150 €). */
	f.granted_year = 0;
	f.rav_day_person = 300;
	aid_evaluate(&a, urg, &f, &res);
	CHECK_INT(res.amount, 15000);
	CHECK(!res.committee, "150 € ≤ delegation 150 €");
	/* RAV 9,00 > 8,00: not eligible. */
	f.rav_day_person = 900;
	aid_evaluate(&a, urg, &f, &res);
	CHECK(!res.eligible && res.amount == 0, "over the threshold");
	CHECK_HAS(res.explain, "non éligible");
	/* Three aids already this year: the fourth is refused. */
	f.rav_day_person = 300;
	f.count_year = 3;
	aid_evaluate(&a, urg, &f, &res);
	CHECK(!res.eligible, "fourth aid of the year");

	T_GROUP("a figure not recorded is never 0: nothing is computed from it");
	f.count_year = 0;
	f.rav_day_person = 0; /* what the budget says when nothing is recorded */
	f.rav_unknown = true;
	aid_evaluate(&a, urg, &f, &res);
	CHECK(res.incomplete && !res.eligible && res.amount == 0, "reste à vivre unknown: incomplete, nothing proposed");
	CHECK_HAS(res.explain, "Impossible de calculer : ressources du mois (reste à vivre) non renseignées");
	CHECK_HAS(res.plain, "Les informations nécessaires au calcul n’ont pas été fournies.");
	CHECK_LACKS(res.explain, "tranche");
	f.rav_unknown = false;
	f.qf_unknown = true; /* this rule does not use the QF: computed as before */
	aid_evaluate(&a, urg, &f, &res);
	CHECK(!res.incomplete && res.eligible && res.amount == 15000, "a figure the rule does not use changes nothing");

	T_GROUP("energy: percentage of the bill, rounding, rolling 12 months across a year boundary");
	/* 50 % of 123,45 € = 61,725 → 61,73 € (half away from zero). */
	aid_facts g = {.on = {2026, 1, 10}, .qf = 50000, .members = 2, .applicant_age = 50, .residence_months = 12, .bill = 12345};
	aid_evaluate(&a, en, &g, &res);
	CHECK_INT(res.amount, 6173);
	/* 50 % of 900 € = 450 € → capped at 250 € per request. */
	g.bill = 90000;
	aid_evaluate(&a, en, &g, &res);
	CHECK_INT(res.amount, 25000);
	CHECK(res.committee, "250 € > delegation 200 €: the committee decides");
	/* In January 2026, 300 € granted in November 2025 count in the rolling 12 months
	 * (not in the calendar year): 400 − 300 = 100 € left. */
	g.granted_12m = 30000;
	g.granted_year = 0;
	aid_evaluate(&a, en, &g, &res);
	CHECK_INT(res.amount, 10000);
	CHECK_HAS(res.explain, "déjà accordé sur douze mois : 300,00\xc2\xa0€ sur 400,00\xc2\xa0€");
	/* Three months of residence required. */
	g.residence_months = 2;
	aid_evaluate(&a, en, &g, &res);
	CHECK(!res.eligible, "not resident long enough");
	CHECK_HAS(res.explain, "Résidence dans la commune : 2 mois < 3 exigés");
	/* The same, told to the person (letters): sentences, no rule syntax. */
	CHECK_HAS(res.plain, "Vous résidez dans la commune depuis 2 mois ; le règlement demande au moins 3 mois : cette condition "
	                     "n’est pas remplie.");
	CHECK_HAS(res.plain, "Votre demande ne remplit donc pas les conditions du règlement.");
	CHECK_LACKS(res.plain, "→");
	CHECK_LACKS(res.plain, "<");

	T_GROUP("canteen per child, food per person");
	aid_facts h = {.qf = 45000, .members = 4, .children = 2, .applicant_age = 35};
	aid_evaluate(&a, cant, &h, &res);
	CHECK_INT(res.amount, 12000); /* 60 € × 2 children */
	h.granted_year = 30000;
	aid_evaluate(&a, cant, &h, &res);
	CHECK_INT(res.amount, 6000); /* 360 − 300 = 60 € left */
	aid_facts k = {.rav_day_person = 500, .members = 6};
	aid_evaluate(&a, alim, &k, &res);
	CHECK_INT(res.amount, 15000); /* 30 € × 6 = 180 € → capped at 150 € per request */

	T_GROUP("a rule change between two requests");
	/* Version 2 lowers the emergency brackets; the same facts give another amount,
	 * and each request keeps the version that produced it. */
	const char *v2 = "version : 2027-1\nen vigueur le : 2027-01-01\n"
	                 "aide : secours_urgence\nlibellé : Secours d’urgence\nreste à vivre max : 8,00\n"
	                 "montant : tranches reste à vivre\ntranche : 4,00 → 120,00\ntranche : 8,00 → 60,00\nfin\n";
	aid_rulebook rb2;
	CHECK(aid_rules_parse(&a, v2, &rb2, errs, 32, &ne), "version 2 valid");
	aid_facts same = {.rav_day_person = 412, .members = 3};
	aid_result r1, r2;
	aid_evaluate(&a, urg, &same, &r1);
	aid_evaluate(&a, aid_rules_find(&rb2, "secours_urgence"), &same, &r2);
	CHECK(r1.amount == 8000 && r2.amount == 6000, "80 € under version 1, 60 € under version 2 (%lld, %lld)",
	      (long long)r1.amount, (long long)r2.amount);
	aid_result r3;
	aid_evaluate(&a, urg, &same, &r3);
	CHECK(r3.amount == r1.amount && !strcmp(r3.explain, r1.explain), "deterministic: same rule, same facts, same text");

	T_GROUP("bad rule files, with their lines");
	const char *bad = "en vigueur le : 2026-02-30\n"      /* 1 */
	                  "aide : Secours Urgence\n"          /* 2: bad key */
	                  "libellé : X\n"                     /* 3 */
	                  "nationalité : française\n"         /* 4: forbidden */
	                  "montant : tranches quotient\n"     /* 5 */
	                  "tranche : 500,00 → 100,00\n"       /* 6 */
	                  "tranche : 400,00 → 50,00\n"        /* 7: not increasing */
	                  "plafond annuel : beaucoup\n"       /* 8 */
	                  "couleur : bleu\n"                  /* 9: unknown key */
	                  "fin\n"                             /* 10 */
	                  "aide : pourcent\nlibellé : P\nmontant : pourcentage 150\nfin\n"; /* 11-14 */
	CHECK(!aid_rules_parse(&a, bad, &rb, errs, 32, &ne), "refused");
	int lines[] = {1, 2, 4, 7, 8, 9, 13};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
		bool found = false;
		for (int j = 0; j < ne && j < 32; j++)
			found |= errs[j].line == lines[i];
		CHECK(found, "an error is reported at line %d", lines[i]);
	}
	bool nat = false;
	for (int j = 0; j < ne && j < 32; j++)
		nat |= errs[j].line == 4 && strstr(errs[j].message, "nationalité") != NULL;
	CHECK(nat, "nationality is refused with its reason");
	CHECK(!aid_rules_parse(&a, "aide : x\nlibellé : X\nmontant : fixe 10,00\n", &rb, errs, 32, &ne), "unterminated block refused");
	CHECK(!aid_rules_parse(&a, "\xff\xfe", &rb, errs, 32, &ne), "not UTF-8 refused");
	T_GROUP("a rulebook as a board types it: dates JJ/MM/AAAA, « Fin », Windows line ends");
	{
		const char *txt = "\xef\xbb\xbfVersion : 2027-1\r\nAdopté le : 15/01/2027\r\nEn vigueur le : 01/02/2027\r\n\r\n"
		                  "Aide : secours\r\nLibellé : Secours\r\nMontant : fixe 80,00 €\r\nFin\r\n";
		CHECK(aid_rules_parse(&a, txt, &rb, errs, 32, &ne), "valid (%d: %s)", ne, ne ? errs[0].message : "");
		CHECK_STR(rb.effective ? rb.effective : "", "2027-02-01");
		CHECK_STR(rb.adopted ? rb.adopted : "", "2027-01-15");
		CHECK(aid_rules_find(&rb, "secours") != NULL && aid_rules_find(&rb, "secours")->amount == 8000,
		      "the aid read to its « Fin », its amount with its €");
		CHECK(aid_rules_parse(&a, "en vigueur le : 2027-02-01\naide : e\nlibellé : E\nmontant : pourcentage 50 %\n"
		                          "plafonné à la facture : oui\nfin\naide : p\nlibellé : P\nmontant : par personne 30 euros\nfin\n",
		                      &rb, errs, 32, &ne) &&
		          aid_rules_find(&rb, "e")->amount == 50 && aid_rules_find(&rb, "p")->amount == 3000,
		      "« 50 %% » and « 30 euros » read (%d: %s)", ne, ne ? errs[0].message : "");
		/* Brackets as boards write them: « 0 à 4,00 », « ≤ 4,00 », « <= », the arrow « => ». */
		CHECK(aid_rules_parse(&a, "en vigueur le : 2027-02-01\naide : t\nlibellé : T\nmontant : tranches reste à vivre\n"
		                          "tranche : ≤ 4,00 → 150,00\ntranche : 4,01 à 8,00 => 80,00\ntranche : de 8,01 à 10 € -> 40 €\n"
		                          "fin\n", &rb, errs, 32, &ne) &&
		          aid_rules_find(&rb, "t")->nbrackets == 3 && aid_rules_find(&rb, "t")->brackets[1].from == 401 &&
		          aid_rules_find(&rb, "t")->brackets[1].upto == 800 && aid_rules_find(&rb, "t")->brackets[0].upto == 400,
		      "three brackets read (%d: %s)", ne, ne ? errs[0].message : "");
		/* An age range in years, « ans » or not; anything else after it refused, not dropped. */
		CHECK(aid_rules_parse(&a, "en vigueur le : 2027-02-01\naide : e\nlibellé : E\nâge : 18 à 25 ans\nmontant : fixe 5\nfin\n",
		                      &rb, errs, 32, &ne) && aid_rules_find(&rb, "e")->age_max == 25, "« 18 à 25 ans » read");
		CHECK(!aid_rules_parse(&a, "en vigueur le : 2027-02-01\naide : e\nlibellé : E\nâge : 18 à 25 sauf étudiants\n"
		                           "montant : fixe 5\nfin\n", &rb, errs, 32, &ne) && ne == 1 && errs[0].line == 4,
		      "« 18 à 25 sauf étudiants » refused at its line");
		/* A residence in years is years, not as many months (« 1 an » was 1 month); another unit refused. */
		static const struct { const char *v; int months; } rs[] = {{"1 an", 12}, {"2 ans", 24}, {"3 mois", 3}, {"6", 6},
		                                                             {"1 année", 12}, {"3 semaines", -1}, {"11 ans", -1}};
		for (size_t i = 0; i < sizeof rs / sizeof *rs; i++) {
			char t[160];
			snprintf(t, sizeof t, "en vigueur le : 2027-02-01\naide : e\nlibellé : E\nrésidence : %s\nmontant : fixe 5\nfin\n",
			         rs[i].v);
			bool ok = aid_rules_parse(&a, t, &rb, errs, 32, &ne);
			if (rs[i].months < 0)
				CHECK(!ok && ne == 1 && errs[0].line == 4 && strstr(errs[0].message, "1 an"), "« %s » refused at its line",
				      rs[i].v);
			else
				CHECK(ok && aid_rules_find(&rb, "e")->residence_months == rs[i].months, "« %s » is %d months", rs[i].v,
				      rs[i].months);
		}
		CHECK(!aid_rules_parse(&a, "en vigueur le : 31/02/2027\naide : x\nlibellé : X\nmontant : fixe 10,00\nfin\n", &rb,
		                       errs, 32, &ne) && ne >= 1 && errs[0].line == 1 && strstr(errs[0].message, "JJ/MM/AAAA"),
		      "a day that does not exist refused at its line");
	}
	T_GROUP("shapes real boards write: a share of the bill by bracket of reste à vivre");
	{
		/* « 80 % of the bill when the RAV is at most 5 €, 60 % up to 8 €, 40 % up to 10 € », bill 250 €. */
		const char *txt = "en vigueur le : 2026-01-01\n"
		                  "aide : energie\nlibellé : Énergie\nmontant : tranches reste à vivre\n"
		                  "tranche : 5,00 → 80 %\ntranche : de 5,01 à 8,00 → 60 %\ntranche : de 8,01 à 10,00 → 40 % ; plafond 90,00\n"
		                  "arrondi : euro inférieur\nfin\n";
		CHECK(aid_rules_parse(&a, txt, &rb, errs, 32, &ne), "valid (%d: %s)", ne, ne ? errs[0].message : "");
		const aid_rule *r = aid_rules_find(&rb, "energie");
		aid_facts ff = {.on = {2026, 3, 1}, .bill = 25000, .members = 2, .rav_day_person = 500};
		int64_t want[][2] = {{500, 20000}, {501, 15000}, {800, 15000}, {801, 9000}, {1000, 9000}, {1001, -1}};
		for (size_t kk = 0; r && kk < sizeof want / sizeof *want; kk++) {
			ff.rav_day_person = want[kk][0];
			aid_evaluate(&a, r, &ff, &res);
			if (want[kk][1] < 0)
				CHECK(!res.eligible, "RAV %lld: beyond the scale", (long long)want[kk][0]);
			else
				CHECK(res.eligible && res.amount == want[kk][1], "RAV %lld → %lld (got %lld: %s)", (long long)want[kk][0],
				      (long long)want[kk][1], (long long)res.amount, res.explain);
		}
		/* (40 % of 250 € = 100 € > the third bracket's ceiling of 90 €, above.) */
		ff.rav_day_person = 700;
		ff.bill = 33333;
		aid_evaluate(&a, r, &ff, &res);
		CHECK_INT(res.amount, 20000); /* 60 % of 333,33 € = 199,998 → 200,00 € to the cent, then down to the euro: 200,00 € */
		ff.bill = 0;
		aid_evaluate(&a, r, &ff, &res);
		CHECK(res.incomplete, "no bill: nothing computed");
		CHECK_HAS(res.explain, "montant de la facture non renseigné");
	}

	T_GROUP("two-dimensional scale: the bracket and the kind of need");
	{
		const char *txt = "en vigueur le : 2026-01-01\n"
		                  "aide : secours\nlibellé : Secours\nbesoins : primaire, confort, loisirs et vacances\n"
		                  "montant : tranches quotient\n"
		                  "tranche : 300,00 → primaire 90 % ; confort 60 % ; loisirs et vacances 40 %\n"
		                  "tranche : de 300,01 à 600,00 → primaire 70 % ; confort 40 % ; loisirs et vacances 20 % ; plafond 150,00\n"
		                  "plafonné à la facture : oui\nfin\n";
		CHECK(aid_rules_parse(&a, txt, &rb, errs, 32, &ne), "valid (%d: %s)", ne, ne ? errs[0].message : "");
		const aid_rule *r = aid_rules_find(&rb, "secours");
		aid_facts ff = {.on = {2026, 3, 1}, .bill = 20000, .members = 2, .qf = 30000, .need = "primaire"};
		aid_evaluate(&a, r, &ff, &res);
		CHECK_INT(res.amount, 18000); /* 90 % of 200 € */
		ff.need = "loisirs et vacances";
		aid_evaluate(&a, r, &ff, &res);
		CHECK_INT(res.amount, 8000); /* 40 % */
		ff.qf = 30001;
		ff.need = "primaire";
		aid_evaluate(&a, r, &ff, &res);
		CHECK_INT(res.amount, 14000); /* 70 % of 200 € = 140 € ≤ 150 € */
		ff.bill = 30000;
		aid_evaluate(&a, r, &ff, &res);
		CHECK_INT(res.amount, 15000); /* 210 € capped by the bracket at 150 € */
		CHECK_HAS(res.explain, "besoin « primaire »");
		CHECK_HAS(res.explain, "plafond de la tranche");
		ff.need = "";
		aid_evaluate(&a, r, &ff, &res);
		CHECK(res.incomplete, "the need must be chosen");
		CHECK_HAS(res.explain, "besoin non précisé");
	}

	T_GROUP("resources by household size, household conditions, per child within an age band, a shared ceiling");
	{
		const char *txt = "en vigueur le : 2026-01-01\nplafond commun famille : 400,00 par an\n"
		                  "aide : rentree\nlibellé : Rentrée scolaire\n"
		                  "ressources max : 1 → 900,00 ; 2 → 1 350,00 ; 3 → 1 620,00 ; par personne en plus 270,00\n"
		                  "famille monoparentale : oui\nenfants : 1 à 10\nâge des enfants : 3 à 17\n"
		                  "logement : locataire_social, locataire_prive, heberge\nsans prestation : aah\n"
		                  "montant : par enfant 75,00\nplafond par demande : 225,00\nplafond commun : famille\nfin\n"
		                  "aide : vacances\nlibellé : Vacances\nprestation : rsa, prime_activite\nmontant : fixe 300,00\n"
		                  "plafond commun : famille\nfin\n";
		CHECK(aid_rules_parse(&a, txt, &rb, errs, 32, &ne), "valid (%d: %s)", ne, ne ? errs[0].message : "");
		const aid_rule *r = aid_rules_find(&rb, "rentree"), *vac = aid_rules_find(&rb, "vacances");
		int ages[] = {2, 5, 12, 16};
		/* A mother and four children (one aged 2): 5 persons → 1 620 + 2 × 270 = 2 160 €. */
		aid_facts ff = {.on = {2026, 8, 20}, .members = 5, .children = 4, .child_ages = ages, .couple = false,
		               .resources = 216000, .housing = "locataire_social", .resource_cats = ",salaire,prestations_familiales,"};
		aid_evaluate(&a, r, &ff, &res);
		CHECK(res.eligible, "eligible: %s", res.explain);
		CHECK_INT(res.amount, 22500); /* 3 children aged 3 to 17 × 75 € = 225 € */
		CHECK_HAS(res.explain, "160,00\xc2\xa0€ pour 5 personnes");
		ff.resources = 216001;
		aid_evaluate(&a, r, &ff, &res);
		CHECK(!res.eligible, "one cent above the table: refused");
		ff.resources = 100000;
		ff.couple = true;
		aid_evaluate(&a, r, &ff, &res);
		CHECK(!res.eligible, "a couple is not a single-parent family");
		ff.couple = false;
		ff.housing = "proprietaire";
		aid_evaluate(&a, r, &ff, &res);
		CHECK(!res.eligible, "an owner is not in the housing list");
		ff.housing = "locataire_prive";
		ff.resource_cats = ",aah,";
		aid_evaluate(&a, r, &ff, &res);
		CHECK(!res.eligible, "receiving AAH excludes");
		ff.resource_cats = ",rsa,";
		/* A child without a birth date (-1): whether it counts is not known — nothing computed, the answer says why
		 * (its age was 30 before: a child left out, and the amount a child short). */
		ages[1] = -1;
		aid_evaluate(&a, r, &ff, &res);
		CHECK(res.incomplete && !res.eligible, "a child's age not known: incomplete");
		CHECK_HAS(res.explain, "âge des enfants non renseigné");
		ages[1] = 5;
		{
			aid_rulebook ub;
			CHECK(aid_rules_parse(&a, "en vigueur le : 2026-01-01\naide : u\nlibellé : U\nunités de consommation max : 2,5\n"
			                          "montant : fixe 50,00\nfin\n", &ub, errs, 32, &ne), "a ceiling of consumption units");
			aid_facts uf = {.on = {2026, 8, 20}, .members = 3, .uc_x100 = 180};
			aid_evaluate(&a, aid_rules_find(&ub, "u"), &uf, &res);
			CHECK(res.eligible && res.amount == 5000, "1,8 units: eligible");
			uf.uc_unknown = true;
			aid_evaluate(&a, aid_rules_find(&ub, "u"), &uf, &res);
			CHECK(res.incomplete && !res.eligible, "units not known: incomplete (%s)", res.explain);
			CHECK_HAS(res.explain, "unités de consommation inconnues");
			/* A reste à vivre not known for its units, the resources known: the answer says which. */
			uf.rav_unknown = true;
			aid_evaluate(&a, urg, &uf, &res);
			CHECK(res.incomplete, "reste à vivre by units not known: incomplete");
			CHECK_HAS(res.explain, "reste à vivre par unité de consommation non calculé");
			uf.resources_unknown = true;
			aid_evaluate(&a, urg, &uf, &res);
			CHECK_HAS(res.explain, "ressources du mois (reste à vivre) non renseignées");
		}
		/* The shared ceiling: 300 € already granted this year under « vacances » → 100 € left. */
		ff.shared_year = 30000;
		aid_evaluate(&a, r, &ff, &res);
		CHECK_INT(res.amount, 10000);
		CHECK_HAS(res.explain, "plafond commun « famille » : déjà 300,00\xc2\xa0€ sur 400,00\xc2\xa0€");
		ff.shared_year = 0;
		aid_evaluate(&a, vac, &ff, &res);
		CHECK(res.eligible && res.amount == 30000, "RSA opens the holiday aid");
		ff.resource_cats = ",salaire,";
		aid_evaluate(&a, vac, &ff, &res);
		CHECK(!res.eligible, "no RSA nor prime d’activité: refused");
	}

	T_GROUP("a tariff grid by QF, priced rather than granted");
	{
		const char *txt = "en vigueur le : 2026-01-01\naide : cantine\nlibellé : Repas de cantine\ntarif : oui\n"
		                  "montant : tranches quotient\ntranche : 400,00 → 0,50\ntranche : de 400,01 à 800,00 → 1,80\n"
		                  "tranche : de 800,01 à 99999,00 → 3,60\nfin\n";
		CHECK(aid_rules_parse(&a, txt, &rb, errs, 32, &ne), "valid (%d: %s)", ne, ne ? errs[0].message : "");
		aid_facts ff = {.on = {2026, 3, 1}, .members = 3, .qf = 40001};
		aid_evaluate(&a, aid_rules_find(&rb, "cantine"), &ff, &res);
		CHECK_INT(res.amount, 180);
		CHECK_HAS(res.explain, "tarif à payer 1,80");
	}

	T_GROUP("what the engine understood, line by line");
	{
		aid_line *told;
		int n = aid_rule_describe(&a, aid_rules_find(&rb, "cantine"), &told);
		bool seen = false;
		for (int kk = 0; kk < n; kk++)
			seen |= strstr(told[kk].label, "tranche 2") && strstr(told[kk].value, "1,80");
		CHECK(seen, "the second bracket is told (%d told)", n);
	}

	T_GROUP("the checker names what is wrong, once");
	{
		const char *txt = "en vigueur le : 2026-01-01\naide : x\nlibellé : X\nmontant : tranches quotient\n"
		                  "tranche : 500 → quatre-vingts pour cent\ncouleur : bleu\nfin\n";
		CHECK(!aid_rules_parse(&a, txt, &rb, errs, 32, &ne), "refused");
		CHECK_INT(ne, 2); /* the bracket and the key; no « montant par tranches sans aucune tranche » besides */
		CHECK(ne >= 2 && strstr(errs[0].message, "pourcentage de la facture") != NULL, "why the bracket: %s", ne ? errs[0].message : "");
		CHECK(ne >= 2 && strstr(errs[1].message, "clé inconnue « couleur »") && strstr(errs[1].message, "plafond par demande"),
		      "the key named with those accepted: %s", ne >= 2 ? errs[1].message : "");
		CHECK(!aid_rules_parse(&a, "en vigueur le : 2026-01-01\naide : y\nlibellé : Y\nmontant : fixe 10,00\nplafond commun : z\nfin\n", &rb,
		                       errs, 32, &ne) && ne == 1 && strstr(errs[0].message, "non déclaré"), "an undeclared shared ceiling");
	}

	arena_release(&a);
	return T_DONE();
}
