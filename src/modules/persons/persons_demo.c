/*
 * persons_demo.c — synthetic households, reproducible for a seed: French
 * names with accents, hyphens, apostrophes and homonyms (drawn with a
 * frequency skew), plausible ages and compositions, incomes and charges,
 * addresses in the streets of a fictional commune, notes and alerts.
 * Bulk insert in large transactions so that 400,000 households take
 * minutes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/countof.h"
#include "modules/persons/persons_internal.h"
#include "core/civil.h"
#include "core/log.h"
#include "core/text.h"
#include "core/banned.h"

static const char *SURNAMES[] = {"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
	"Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent",
	"Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
	"N'Diaye", "Diallo", "Payet", "Hoarau", "Grondin", "Técher", "Fontaine", "Rivière", "Lebon", "Boyer", "Nativel",
	"Hoareau", "Benali", "Haddad", "Nguyen", "Le Goff", "D'Almeida", "Saint-Martin", "Lefebvre-Duval", "Çelik",
	"Öztürk", "Kouassi", "Traoré", "Camara", "Mendy", "Dos Santos", "Ferreira", "Pereira", "Da Silva", "Gauthier",
	"Chevalier", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
	"Gaillard", "Mallet", "Bénard", "Ah-Sing", "Maillot", "Turpin", "Élisabeth", "Sauvage", "Lucas", "Brun", "Joly",
	"Aubert", "Fabre", "Noël", "Lemaire", "Giraud", "Hamon", "Bouvier", "Rey", "Carpentier", "Barbier", "Arnaud",
	"Marchand", "O'Neill", "L'Hôte", "Le Bihan", "Ben Amor", "Abdallah", "Said", "Madi"};
static const char *FIRST_F[] = {"Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Hélène",
	"Maëlle", "Chloé", "Léa", "Manon", "Inès", "Camille", "Zoé", "Anaïs", "Émilie", "Aïcha", "Fatoumata", "Océane",
	"Marie-Claude", "Anne-Sophie", "Josiane", "Murielle", "Noémie", "Sarah", "Yasmine", "Lucie", "Jeanne", "Agathe",
	"Mélissa", "Gisèle", "Bérénice", "Fanny", "Laëtitia", "Priscilla", "Christiane"};
static const char *FIRST_M[] = {"Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Patrick",
	"Jean-Luc", "Jean-François", "Thomas", "Lucas", "Hugo", "Noé", "Mathéo", "Karim", "Mamadou", "Ibrahim", "Kévin",
	"Jérôme", "Grégory", "Loïc", "Théo", "Raphaël", "Gaël", "Joël", "Didier", "Éric", "Stéphane", "Yannick",
	"Mohamed", "Youssef", "Anthony", "Dylan", "Rémi", "Benoît"};
static const char *STREETS[] = {"rue de la République", "avenue du Général-de-Gaulle", "rue des Flamboyants",
	"chemin des Bougainvilliers", "rue Jean-Jaurès", "boulevard de l’Océan", "impasse des Goyaviers",
	"rue du Port", "allée des Tamarins", "rue Victor-Hugo", "rue de l’Église", "avenue de la Gare",
	"rue Pasteur", "chemin Piton-Bois", "rue des Écoles", "cité des Lataniers", "rue Lislet-Geoffroy",
	"avenue Raymond-Mondon", "rue Évariste-de-Parny", "résidence Les Filaos"};
static const char *NEIGHBOURHOODS[] = {"Centre-ville", "Rivière-des-Galets", "Ariste-Bolon", "Say-Piscine", "ZAC 2000",
	"Épuisement", "Oasis", "Village-Titan"};

typedef struct rng { uint64_t s; } rng;
static uint64_t next(rng *g)
{
	/* splitmix64: tiny, fast, the same on every machine */
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static int pick(rng *g, int n) { return (int)(next(g) % (uint64_t)n); }
/* Skewed pick: early entries are more frequent (homonyms appear). */
static int pick_skew(rng *g, int n)
{
	int a = pick(g, n), b = pick(g, n);
	return a < b ? a : b;
}

/* Written through db_copy (store.h): on PostgreSQL one COPY per table every thousand households, not a statement
 * a row; the households' and persons' ids taken ahead so the rows can name them before they are sent. */
static db_copy_sql C_D_H = DB_COPY("households",
	"structure_id, id, file_no, street_no, street, postcode, city, neighbourhood, housing, address_since, created_at, last_seen_at",
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12");
static db_copy_sql C_D_P = DB_COPY("persons",
	"structure_id, id, household_id, relation, last_name, birth_name, first_names, sex, birth_date, nationality, phone, "
	"phone_digits, employment, health_cover, disability, gir, caf_number, search_name, created_at, updated_at",
	"$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20");
static db_copy_sql C_D_M = DB_COPY("household_members", "structure_id, household_id, person_id, relation, from_date",
	"$1, $2, $3, $4, $5");
static db_copy_sql C_D_B = DB_COPY("budget_lines",
	"structure_id, household_id, month, kind, category, amount, created_by, created_at", "$1, $2, $3, $4, $5, $6, $7, $8");
static db_copy_sql C_D_NOTE = DB_COPY("notes", "structure_id, household_id, author_id, visibility, body, created_at",
	"$1, $2, $3, $4, $5, $6");
static db_copy_sql C_D_ALERT = DB_COPY("alerts", "structure_id, household_id, text, created_by, created_at", "$1, $2, $3, $4, $5");
static db_copy_sql C_D_REF = DB_COPY("referents", "structure_id, household_id, user_id", "$1, $2, $3");
static db_ids_sql I_D_H = DB_IDS("households"), I_D_P = DB_IDS("persons");

/* The tables in the order of their foreign keys (households first). */
enum { T_H, T_P, T_M, T_B, T_TL, T_NOTE, T_ALERT, T_REF, NT };
typedef struct demo_out {
	db_copy t[NT];
	db_ids hid, pid;
} demo_out;

static err flush_all(demo_out *o)
{
	err e = E_OK;
	for (int i = 0; e == E_OK && i < NT; i++)
		e = db_copy_flush(&o->t[i]);
	return e;
}

static db_sql Q_D_COUNTER = DB_SQL(DB_SCOPED,
	"INSERT INTO counters (structure_id, name, value) VALUES ($1, 'household', $2) "
	"ON CONFLICT (structure_id, name) DO UPDATE SET value = excluded.value");

static err add_person(db_conn *c, demo_out *o, arena *a, rng *g, int64_t hid, const char *rel, const char *last,
                      const char *birth_last, bool female, int age, civil_date today, int64_t now, const char *since, int64_t *pid)
{
	const char *first = female ? FIRST_F[pick_skew(g, COUNTOF(FIRST_F))] : FIRST_M[pick_skew(g, COUNTOF(FIRST_M))];
	civil_date b = civil_from_days(civil_to_days(today) - age * 365 - pick(g, 365));
	char bd[11];
	civil_format(b, bd);
	char phone[20] = "", *digits = "";
	if (age >= 16 && pick(g, 10) < 8) {
		snprintf(phone, sizeof phone, "06 %02d %02d %02d %02d", pick(g, 100), pick(g, 100), pick(g, 100), pick(g, 100));
		digits = phone_digits(a, phone);
	}
	static const char *emp[] = {"cdi", "cdd", "demandeur_emploi", "retraite", "inactif", "independant", "invalidite"};
	static const char *health[] = {"regime_general", "css", "sans_mutuelle", "regime_general", "ame"};
	static const char *nat[] = {"francaise", "francaise", "francaise", "francaise", "ue", "hors_ue_titre", "hors_ue_sans_titre"};
	const char *employment = age < 16 ? "" : age >= 65 ? "retraite" : age < 20 ? "etudiant" : emp[pick(g, COUNTOF(emp))];
	char caf[16] = "";
	if (!strcmp(rel, "demandeur") && pick(g, 3))
		snprintf(caf, sizeof caf, "%07d", (int)(next(g) % 10000000));
	int gir = age >= 75 && pick(g, 3) == 0 ? 2 + pick(g, 5) : 0;
	char *sn = persons_search_name(a, last, birth_last, first);
	err e = db_next_id(c, &o->pid, pid);
	if (e == E_OK)
		e = DBCOPY(&o->t[T_P], A_INT(*pid), A_INT(hid), A_TEXT(rel), A_TEXT(last), A_TEXT(birth_last ? birth_last : ""),
		           A_TEXT(first), A_TEXT(female ? "F" : "M"), A_TEXT(bd), A_TEXT(nat[pick(g, COUNTOF(nat))]), A_TEXT(phone),
		           A_TEXT(digits), A_TEXT(employment), A_TEXT(age < 16 ? "" : health[pick(g, COUNTOF(health))]),
		           A_INT(pick(g, 25) == 0), A_INT_OR_NULL(gir), A_TEXT(caf), A_TEXT(sn), A_INT(now), A_INT(now));
	if (e == E_OK)
		e = DBCOPY(&o->t[T_M], A_INT(hid), A_INT(*pid), A_TEXT(rel), A_TEXT(since));
	return e;
}

err persons_demo(db *d, int64_t sid, int64_t n, uint64_t seed, const int64_t *users, int nusers)
{
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, sid);
	rng g = {seed * 2654435761u + 17};
	civil_date today = civil_today("Indian/Reunion");
	int64_t now = civil_now();
	err e = E_OK;
	arena a;
	arena_init(&a, 0);
	const int64_t batch = 1000;
	demo_out *o = calloc(1, sizeof *o); /* the ids' blocks: 16 KB */
	if (!o) {
		db_conn_put(c);
		return E_NOMEM;
	}
	static db_copy_sql *const tables[NT] = {&C_D_H, &C_D_P, &C_D_M, &C_D_B, NULL, &C_D_NOTE, &C_D_ALERT, &C_D_REF};
	for (int t = 0; t < NT; t++)
		if (tables[t])
			db_copy_init(&o->t[t], c, tables[t]);
	persons_timeline_copy_init(&o->t[T_TL], c);
	db_ids_init(&o->hid, &I_D_H);
	db_ids_init(&o->pid, &I_D_P);
	persons_feed_bulk(true); /* one rebuild mark at the end, not a feed row per person */
	for (int64_t i = 0; e == E_OK && i < n; i++) {
		if (i % batch == 0) {
			if (i) {
				e = flush_all(o);
				if (e == E_OK)
					e = db_commit(c);
				/* The ids' blocks carry over: a PostgreSQL sequence's numbers stay ours after the commit (taking a
				 * new block each thousand households left 24 numbers unused each time: the households' numbers
				 * had gaps), and SQLite's are each past the largest at the time. */
				if (i % 20000 == 0)
					log_info("demo: %lld foyers sur %lld", (long long)i, (long long)n);
			}
			arena_release(&a);
			arena_init(&a, 0);
			if (e == E_OK)
				e = db_begin(c, true);
		}
		/* Composition: 35 % alone, 20 % single parent, 30 % couple with
		 * children, 10 % couple, 5 % with a hosted person. */
		int kind = pick(&g, 100);
		bool couple = kind >= 55 && kind < 95;
		int children = kind < 35 ? 0 : kind < 55 ? 1 + pick(&g, 3) : kind < 85 ? 1 + pick(&g, 4) : kind < 95 ? 0 : pick(&g, 2);
		int age = kind < 35 ? 20 + pick(&g, 70) : 22 + pick(&g, 35);
		const char *last = SURNAMES[pick_skew(&g, COUNTOF(SURNAMES))];
		bool female = kind < 55 ? pick(&g, 3) != 0 : pick(&g, 2);
		char fno[32];
		snprintf(fno, sizeof fno, "%02lld-%04lld", (long long)((i + 1) / 10000), (long long)((i + 1) % 10000));
		int years = pick(&g, 6);
		civil_date since_d = civil_from_days(civil_to_days(today) - years * 365 - pick(&g, 365));
		char since[11], street_no[8];
		civil_format(since_d, since);
		snprintf(street_no, sizeof street_no, "%d", 1 + pick(&g, 180));
		static const char *housing[] = {"locataire_social", "locataire_social", "locataire_prive", "proprietaire",
		                                "heberge", "urgence", "sans_abri"};
		int64_t hid = 0, pid = 0;
		int64_t seen = now - (int64_t)pick(&g, 5 * 365) * 86400;
		e = db_next_id(c, &o->hid, &hid);
		if (e == E_OK)
			e = DBCOPY(&o->t[T_H], A_INT(hid), A_TEXT(fno), A_TEXT(street_no), A_TEXT(STREETS[pick(&g, COUNTOF(STREETS))]),
			           A_TEXT("97420"), A_TEXT("Port-Rivière"), A_TEXT(NEIGHBOURHOODS[pick(&g, COUNTOF(NEIGHBOURHOODS))]),
			           A_TEXT(housing[pick(&g, COUNTOF(housing))]), A_TEXT(since), A_INT(now - years * 365 * 86400LL), A_INT(seen));
		if (e == E_OK)
			e = add_person(c, o, &a, &g, hid, "demandeur", last, pick(&g, 4) == 0 && female ? SURNAMES[pick(&g, COUNTOF(SURNAMES))] : "",
			               female, age, today, now, since, &pid);
		if (e == E_OK && couple)
			e = add_person(c, o, &a, &g, hid, "conjoint", pick(&g, 3) ? last : SURNAMES[pick(&g, COUNTOF(SURNAMES))], "",
			               !female, age - 3 + pick(&g, 7), today, now, since, &pid);
		for (int k = 0; e == E_OK && k < children; k++)
			e = add_person(c, o, &a, &g, hid, pick(&g, 12) ? "enfant" : "enfant_alterne", last, "", pick(&g, 2),
			               pick(&g, age > 40 ? 20 : 15), today, now, since, &pid);
		if (e == E_OK && kind >= 95)
			e = add_person(c, o, &a, &g, hid, "heberge", SURNAMES[pick(&g, COUNTOF(SURNAMES))], "", pick(&g, 2),
			               18 + pick(&g, 60), today, now, since, &pid);
		/* Budget of the last three months. */
		int64_t salary = couple || pick(&g, 2) ? 90000 + (int64_t)pick(&g, 120000) : 0;
		int64_t rent = 30000 + (int64_t)pick(&g, 50000);
		for (int mo = 0; e == E_OK && mo < 3; mo++) {
			civil_date m = civil_add_months((civil_date){today.y, today.m, 1}, -mo);
			char mk[8];
			persons_budget_month(m, mk);
			if (salary)
				e = DBCOPY(&o->t[T_B], A_INT(hid), A_TEXT(mk), A_TEXT("R"), A_TEXT(age >= 65 ? "retraite" : "salaire"),
				        A_INT(salary), A_INT(users[0]), A_INT(now));
			else
				e = DBCOPY(&o->t[T_B], A_INT(hid), A_TEXT(mk), A_TEXT("R"), A_TEXT("rsa"), A_INT(60765 + (children ? 30000 : 0)),
				        A_INT(users[0]), A_INT(now));
			if (e == E_OK && children)
				e = DBCOPY(&o->t[T_B], A_INT(hid), A_TEXT(mk), A_TEXT("R"), A_TEXT("prestations_familiales"),
				        A_INT(14000 * children), A_INT(users[0]), A_INT(now));
			if (e == E_OK)
				e = DBCOPY(&o->t[T_B], A_INT(hid), A_TEXT(mk), A_TEXT("C"), A_TEXT("loyer"), A_INT(rent), A_INT(users[0]), A_INT(now));
			if (e == E_OK)
				e = DBCOPY(&o->t[T_B], A_INT(hid), A_TEXT(mk), A_TEXT("C"), A_TEXT("energie"),
				        A_INT(4000 + (int64_t)pick(&g, 9000)), A_INT(users[0]), A_INT(now));
		}
		if (e == E_OK)
			e = persons_timeline_copy(&o->t[T_TL], hid, users[0], "household", hid, "Ouverture du dossier",
			                          now - years * 365 * 86400LL);
		if (e == E_OK && nusers > 1 && pick(&g, 3) == 0) {
			int64_t worker = users[1 + pick(&g, nusers - 1)];
			e = DBCOPY(&o->t[T_REF], A_INT(hid), A_INT(worker));
			static const char *bodies[] = {"Entretien de suivi : démarches de relogement en cours.",
			                               "Orientation vers la mission locale proposée.",
			                               "Dossier FSL à compléter avec la dernière quittance.",
			                               "Difficultés de paiement de l’énergie, plan d’apurement envisagé."};
			static const char *vis[] = {"equipe", "equipe", "referents", "auteur"};
			if (e == E_OK)
				e = DBCOPY(&o->t[T_NOTE], A_INT(hid), A_INT(worker), A_TEXT(vis[pick(&g, 4)]),
				        A_TEXT(bodies[pick(&g, COUNTOF(bodies))]), A_INT(seen));
		}
		if (e == E_OK && pick(&g, 40) == 0) {
			static const char *alerts[] = {"Interprète nécessaire (créole mauricien)", "Ne pas remettre d’espèces",
			                               "Personne malentendante : privilégier l’écrit"};
			e = DBCOPY(&o->t[T_ALERT], A_INT(hid), A_TEXT(alerts[pick(&g, COUNTOF(alerts))]), A_INT(users[0]), A_INT(now));
		}
	}
	if (e == E_OK)
		e = flush_all(o);
	if (e == E_OK)
		e = DBX(c, &Q_D_COUNTER, NULL, A_INT(n));
	persons_feed_bulk(false);
	if (e == E_OK)
		e = persons_feed_rebuild(c); /* a server reads the structure's names again */
	if (e == E_OK && db_in_tx(c))
		e = db_commit(c);
	for (int t = 0; t < NT; t++)
		db_copy_free(&o->t[t]);
	free(o);
	arena_release(&a);
	db_conn_put(c);
	return e;
}
