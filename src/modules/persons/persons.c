/*
 * persons.c — the persons module's model: schema, code lists, validation,
 * households and members, the small lookups other modules use, the
 * timeline. The search (persons_search.c), the budget (persons_budget.c),
 * the merge (persons_merge.c) and imports (persons_import.c) are apart.
 */
#include "core/countof.h"
#include "modules/persons/persons_internal.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

int PERM_PERSONS_READ, PERM_PERSONS_WRITE, PERM_PERSONS_SITUATION, PERM_NOTES, PERM_DOCUMENTS,
	PERM_PERSONS_MERGE, PERM_PERSONS_SUBJECT,
	PERM_PERSONS_RETENTION, PERM_PERSONS_RULES, PERM_PERSONS_IMPORT;

/* ---- schema ------------------------------------------------------------- */

#define T_KEYS_SQLITE "CREATE TABLE person_keys (structure_id INTEGER NOT NULL, key TEXT NOT NULL, person_id INTEGER NOT NULL) STRICT;"
#define T_KEYS_PG "CREATE TABLE person_keys (structure_id INTEGER NOT NULL, key TEXT COLLATE \"C\" NOT NULL, person_id INTEGER NOT NULL);"
#define PERSONS_DDL(KEYS) \
	"CREATE TABLE households (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), " \
	" file_no TEXT NOT NULL, street_no TEXT NOT NULL DEFAULT '', street TEXT NOT NULL DEFAULT '', " \
	" postcode TEXT NOT NULL DEFAULT '', city TEXT NOT NULL DEFAULT '', neighbourhood TEXT NOT NULL DEFAULT '', " \
	" housing TEXT NOT NULL DEFAULT 'autre', address_since TEXT, annual_taxable INTEGER, created_at INTEGER NOT NULL, " \
	" last_seen_at INTEGER NOT NULL DEFAULT 0, version INTEGER NOT NULL DEFAULT 1, merged_into INTEGER, " \
	" UNIQUE (structure_id, file_no)) STRICT;" \
	"CREATE INDEX households_seen ON households(structure_id, last_seen_at);" \
	"CREATE TABLE household_addresses (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, " \
	" household_id INTEGER NOT NULL REFERENCES households(id), street_no TEXT NOT NULL, street TEXT NOT NULL, " \
	" postcode TEXT NOT NULL, city TEXT NOT NULL, neighbourhood TEXT NOT NULL, housing TEXT NOT NULL, " \
	" from_date TEXT, to_date TEXT NOT NULL) STRICT;" \
	"CREATE INDEX household_addresses_h ON household_addresses(structure_id, household_id);" \
	"CREATE TABLE persons (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), " \
	" household_id INTEGER NOT NULL REFERENCES households(id), relation TEXT NOT NULL, last_name TEXT NOT NULL, " \
	" birth_name TEXT NOT NULL DEFAULT '', first_names TEXT NOT NULL, sex TEXT NOT NULL DEFAULT '', birth_date TEXT, " \
	" birth_place TEXT NOT NULL DEFAULT '', nationality TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '', " \
	" phone_digits TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', channel TEXT NOT NULL DEFAULT '', " \
	" consent_sms INTEGER NOT NULL DEFAULT 0, consent_email INTEGER NOT NULL DEFAULT 0, employment TEXT NOT NULL DEFAULT '', " \
	" health_cover TEXT NOT NULL DEFAULT '', protection TEXT NOT NULL DEFAULT '', representative TEXT NOT NULL DEFAULT '', " \
	" disability INTEGER NOT NULL DEFAULT 0, gir INTEGER, student INTEGER NOT NULL DEFAULT 0, caf_number TEXT NOT NULL DEFAULT '', " \
	" search_name TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL, " \
	" updated_at INTEGER NOT NULL, version INTEGER NOT NULL DEFAULT 1) STRICT;" \
	"CREATE INDEX persons_household ON persons(structure_id, household_id);" \
	"CREATE INDEX persons_birth ON persons(structure_id, birth_date);" \
	"CREATE INDEX persons_phone ON persons(structure_id, phone_digits);" \
	"CREATE INDEX persons_caf ON persons(structure_id, caf_number);" \
	"CREATE TABLE household_members (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, " \
	" household_id INTEGER NOT NULL REFERENCES households(id), person_id INTEGER NOT NULL REFERENCES persons(id), " \
	" relation TEXT NOT NULL, from_date TEXT NOT NULL, to_date TEXT) STRICT;" \
	"CREATE INDEX household_members_h ON household_members(structure_id, household_id);" \
	KEYS \
	"CREATE INDEX person_keys_key ON person_keys(structure_id, key);" \
	"CREATE INDEX person_keys_person ON person_keys(person_id);" \
	"CREATE TABLE budget_lines (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, " \
	" household_id INTEGER NOT NULL REFERENCES households(id), person_id INTEGER, month TEXT NOT NULL, " \
	" kind TEXT NOT NULL, category TEXT NOT NULL, amount INTEGER NOT NULL, counted INTEGER NOT NULL DEFAULT 1, " \
	" created_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;" \
	"CREATE INDEX budget_lines_h ON budget_lines(structure_id, household_id, month);" \
	"CREATE TABLE referents (structure_id INTEGER NOT NULL, household_id INTEGER NOT NULL REFERENCES households(id), " \
	" user_id INTEGER NOT NULL REFERENCES users(id), PRIMARY KEY (structure_id, household_id, user_id)) STRICT;" \
	"CREATE TABLE notes (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, " \
	" household_id INTEGER NOT NULL REFERENCES households(id), author_id INTEGER NOT NULL, visibility TEXT NOT NULL, " \
	" body TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;" \
	"CREATE INDEX notes_h ON notes(structure_id, household_id, created_at);" \
	"CREATE TABLE alerts (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, " \
	" household_id INTEGER NOT NULL REFERENCES households(id), text TEXT NOT NULL, created_by INTEGER NOT NULL, " \
	" created_at INTEGER NOT NULL, ended_at INTEGER) STRICT;" \
	"CREATE INDEX alerts_h ON alerts(structure_id, household_id);" \
	"CREATE TABLE documents (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, " \
	" household_id INTEGER NOT NULL REFERENCES households(id), person_id INTEGER, kind TEXT NOT NULL, " \
	" filename TEXT NOT NULL, mime TEXT NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL, valid_until TEXT, " \
	" uploaded_by INTEGER NOT NULL, created_at INTEGER NOT NULL) STRICT;" \
	"CREATE INDEX documents_h ON documents(structure_id, household_id);" \
	"CREATE INDEX documents_valid ON documents(structure_id, valid_until);" \
	"CREATE TABLE timeline (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, " \
	" household_id INTEGER NOT NULL REFERENCES households(id), at INTEGER NOT NULL, kind TEXT NOT NULL, " \
	" ref_id INTEGER NOT NULL, summary TEXT NOT NULL, user_id INTEGER NOT NULL) STRICT;" \
	"CREATE INDEX timeline_h ON timeline(structure_id, household_id, at);" \
	"CREATE TABLE qf_rules (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL, effective_from TEXT NOT NULL, " \
	" parts_couple INTEGER NOT NULL, parts_single_parent INTEGER NOT NULL, parts_single INTEGER NOT NULL, " \
	" child1 INTEGER NOT NULL, child2 INTEGER NOT NULL, child3 INTEGER NOT NULL, child_more INTEGER NOT NULL, " \
	" disabled_child INTEGER NOT NULL, rav_divisor TEXT NOT NULL, UNIQUE (structure_id, effective_from)) STRICT;" \
	"CREATE TABLE counters (structure_id INTEGER NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, " \
	" PRIMARY KEY (structure_id, name)) STRICT;"

/* The keys' index carries the person: the search and the index in memory read it alone, in key order,
 * never the table (building the index of 100 000 persons: 2.9 s through the table). */
#define PERSON_KEYS_COVER \
	"CREATE INDEX person_keys_cover ON person_keys(structure_id, key, person_id);" \
	"DROP INDEX person_keys_key;"

static const db_migration migrations[] = {
	{1, "households, persons, members, search keys, budget, notes, alerts, documents, timeline, QF rules",
	 PERSONS_DDL(T_KEYS_SQLITE),
	 /* PostgreSQL: search keys compare bytes (C collation) whatever the
	  * database's locale, so that prefix ranges work. */
	 PERSONS_DDL(T_KEYS_PG)},
	{2, "NIR, recorded only where the structure enables it",
	 "ALTER TABLE persons ADD COLUMN nir TEXT NOT NULL DEFAULT '';", NULL},
	{3, "retention: archived and anonymised households, durations per structure",
	 "ALTER TABLE households ADD COLUMN archived_at INTEGER;"
	 "ALTER TABLE households ADD COLUMN anonymised_at INTEGER;"
	 "CREATE TABLE retention_rules (structure_id INTEGER NOT NULL REFERENCES structures(id), kind TEXT NOT NULL, "
	 " years INTEGER NOT NULL, PRIMARY KEY (structure_id, kind)) STRICT;", NULL},
	{4, "notices to people (SMS, e-mail) and what became of them",
	 "CREATE TABLE notices (id INTEGER PRIMARY KEY, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " household_id INTEGER NOT NULL, person_id INTEGER NOT NULL, origin TEXT NOT NULL, "
	 " channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')), subject TEXT NOT NULL, body TEXT NOT NULL, "
	 " status TEXT NOT NULL CHECK (status IN ('attente', 'envoye', 'echec', 'annule')), attempts INTEGER NOT NULL DEFAULT 0, "
	 " last_error TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, tried_at INTEGER, sent_at INTEGER) STRICT;"
	 "CREATE INDEX notices_h ON notices(structure_id, household_id, created_at);"
	 "CREATE INDEX notices_wait ON notices(status, id);", NULL},
	/* The observation's neighbourhood filter and its list of neighbourhoods read this index, not 400 000 rows. */
	{5, "households by neighbourhood",
	 "CREATE INDEX households_area ON households(structure_id, neighbourhood);", NULL},
	/* The search keys' change feed: the servers' indexes in memory read it (persons_index.c). */
	{6, "search keys' change feed",
	 "CREATE TABLE search_feed (structure_id INTEGER NOT NULL, seq INTEGER NOT NULL, person_id INTEGER NOT NULL, "
	 " at INTEGER NOT NULL, PRIMARY KEY (structure_id, seq)) WITHOUT ROWID, STRICT;"
	 "CREATE TABLE search_feed_head (structure_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL) STRICT;"
	 PERSON_KEYS_COVER,
	 "CREATE TABLE search_feed (structure_id BIGINT NOT NULL, seq BIGINT NOT NULL, person_id BIGINT NOT NULL, "
	 " at BIGINT NOT NULL, PRIMARY KEY (structure_id, seq));"
	 "CREATE TABLE search_feed_head (structure_id BIGINT PRIMARY KEY, seq BIGINT NOT NULL);" PERSON_KEYS_COVER},
	/* What other modules may read of this one's tables, as a view: a person's name, to show it beside their own rows
	 * in the same statement (a household's page would otherwise read each name apart). Nothing else. */
	{7, "published view: person_names",
	 "CREATE VIEW person_names AS SELECT id, structure_id, household_id, last_name, first_names FROM persons;", NULL},
	/* Whether the person is still a member: another module counts the households' members of its own records (the
	 * domiciliations' export sizes its dependants' columns with the largest, not with the structure's largest). */
	{8, "published view: person_names says whether the person is an active member",
	 "DROP VIEW person_names;"
	 "CREATE VIEW person_names AS SELECT id, structure_id, household_id, last_name, first_names, active FROM persons;", NULL},
	/* The search keys are made from the names by the index in memory (persons_index.c): half the database's size
	 * at a city's scale (1.1 million persons: 17.5 million keys, 1 GiB with their two indexes), and the imports'
	 * writes. Nothing to forget of a person erased but her row. */
	{9, "search keys no longer stored", "DROP TABLE person_keys;", NULL},
	/* A structure's persons and households along their numbers (the search index's build, the search's scan
	 * without it): with only indexes by structure and something else, SQLite took one and sorted every row of the
	 * structure left for each page (10 million steps a page at 1.1 million persons); reading the table along its
	 * numbers instead crossed every other structure's rows too. */
	{10, "a structure's persons and households in number order, over an index",
	 "CREATE INDEX persons_structure ON persons(structure_id, id);"
	 "CREATE INDEX households_structure ON households(structure_id, id);", NULL},
	/* A spreadsheet of households uploaded and checked waits here for its confirmation (persons_import_pages.c):
	 * app nodes keep no state. Dropped by the confirmation, by « Abandonner », or a day later. Its number is never
	 * given twice (AUTOINCREMENT): a confirmation left open in another tab cannot import the next file. */
	{11, "spreadsheets of households waiting between their check and their import",
	 "CREATE TABLE person_imports (id INTEGER PRIMARY KEY AUTOINCREMENT, structure_id INTEGER NOT NULL REFERENCES structures(id), "
	 " user_id INTEGER NOT NULL, created_at INTEGER NOT NULL, name TEXT NOT NULL, data BLOB NOT NULL) STRICT;", NULL},
	/* Which parts of a household's file have rows, kept by triggers (persons.h): the household page read its
	 * eighteen tables' indexes for it, each time (a quarter of PostgreSQL's work on the page). The other modules
	 * count their own tables in their own migrations, after this one. */
	{12, "a household's parts, kept by triggers: its own",
	 "CREATE TABLE household_parts (structure_id INTEGER NOT NULL, household_id INTEGER NOT NULL, part TEXT NOT NULL, "
	 " n INTEGER NOT NULL, PRIMARY KEY (structure_id, household_id, part)) WITHOUT ROWID, STRICT;"
	 OWN_PARTS(PERSONS_PART_SQLITE),
	 "CREATE TABLE household_parts (structure_id BIGINT NOT NULL, household_id BIGINT NOT NULL, "
	 " part TEXT COLLATE \"C\" NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (structure_id, household_id, part));"
	 OWN_PARTS(PERSONS_PART_PG)},
	/* The QF rules are a reference list of the structure: the household page's budget reads the rule in force from
	 * memory while the structure's reference version holds (accounts.h; persons_budget.c). */
	{13, "QF rules raise the structure's reference version",
	 ACCOUNTS_REFS_TRIGGERS_SQ("qf_rules"), ACCOUNTS_REFS_TRIGGER_PG("qf_rules")},
};
const db_module_schema persons_schema = {"persons", migrations, COUNTOF(migrations)};

/* ---- code lists ---------------------------------------------------------- */

const code RELATIONS[] = {{"demandeur", "Demandeur"}, {"conjoint", "Conjoint ou partenaire"},
	{"enfant", "Enfant à charge"}, {"enfant_alterne", "Enfant en garde alternée"},
	{"enfant_majeur", "Enfant non à charge"}, {"heberge", "Personne hébergée"}, {"parent", "Parent (ascendant)"},
	{"autre", "Autre"}};
const code HOUSING[] = {{"", "Non renseigné"}, {"locataire_social", "Locataire (parc social)"}, {"locataire_prive", "Locataire (parc privé)"},
	{"proprietaire", "Propriétaire"}, {"heberge", "Hébergé (famille, tiers)"}, {"urgence", "Hébergement d’urgence"},
	{"sans_abri", "Sans domicile"}, {"autre", "Autre"}};
const code SEXES[] = {{"", "Non renseigné"}, {"F", "Femme"}, {"M", "Homme"}};
const code NATIONALITIES[] = {{"", "Non renseignée"}, {"francaise", "Française"}, {"ue", "Union européenne"},
	{"hors_ue_titre", "Hors UE, avec titre de séjour"}, {"hors_ue_sans_titre", "Hors UE, sans titre de séjour"}};
const code EMPLOYMENTS[] = {{"", "Non renseigné"}, {"cdi", "Salarié (CDI)"}, {"cdd", "Salarié (CDD, intérim)"},
	{"independant", "Indépendant"}, {"demandeur_emploi", "Demandeur d’emploi"}, {"retraite", "Retraité"},
	{"etudiant", "Étudiant"}, {"inactif", "Sans activité"}, {"invalidite", "Invalidité"}};
const code HEALTH[] = {{"", "Non renseignée"}, {"regime_general", "Assurance maladie + mutuelle"},
	{"sans_mutuelle", "Assurance maladie sans complémentaire"}, {"css", "Complémentaire santé solidaire"},
	{"ame", "Aide médicale de l’État"}, {"aucune", "Aucune couverture"}};
const code PROTECTIONS[] = {{"", "Aucune"}, {"sauvegarde", "Sauvegarde de justice"}, {"curatelle", "Curatelle"},
	{"tutelle", "Tutelle"}, {"habilitation", "Habilitation familiale"}, {"maj", "Mesure d’accompagnement judiciaire"}};
const code CHANNELS[] = {{"", "Indifférent"}, {"telephone", "Téléphone"}, {"sms", "SMS"}, {"email", "E-mail"},
	{"courrier", "Courrier"}};
const code RESOURCE_CATS[] = {{"salaire", "Salaires"}, {"retraite", "Pensions de retraite"}, {"rsa", "RSA"},
	{"aah", "AAH"}, {"prestations_familiales", "Prestations familiales"}, {"aide_logement", "Aide au logement"},
	{"chomage", "Allocations chômage"}, {"pension_alimentaire", "Pension alimentaire reçue"},
	{"prime_activite", "Prime d’activité"}, {"autre_ressource", "Autres ressources"}};
const code CHARGE_CATS[] = {{"loyer", "Loyer et charges"}, {"energie", "Énergie"}, {"eau", "Eau"},
	{"assurance", "Assurances"}, {"credit", "Remboursement de dettes"}, {"garde", "Frais de garde"},
	{"pension_versee", "Pension alimentaire versée"}, {"transport", "Transport"}, {"autre_charge", "Autres charges"}};
const code DOC_KINDS[] = {{"identite", "Pièce d’identité"}, {"avis_imposition", "Avis d’imposition"},
	{"attestation_caf", "Attestation CAF"}, {"quittance", "Quittance de loyer"}, {"releve_bancaire", "Relevé bancaire"},
	{"facture", "Facture"}, {"titre_sejour", "Titre de séjour"}, {"justificatif_domicile", "Justificatif de domicile"},
	{"autre", "Autre document"}};
const code VISIBILITIES[] = {{"equipe", "Toute l’équipe habilitée"}, {"referents", "Les référents du foyer"},
	{"auteur", "Moi seulement"}};
const int NRELATIONS = COUNTOF(RELATIONS), NHOUSING = COUNTOF(HOUSING), NSEXES = COUNTOF(SEXES), NNATIONALITIES = COUNTOF(NATIONALITIES),
	NEMPLOYMENTS = COUNTOF(EMPLOYMENTS), NHEALTH = COUNTOF(HEALTH), NPROTECTIONS = COUNTOF(PROTECTIONS), NCHANNELS = COUNTOF(CHANNELS),
	NRESOURCE_CATS = COUNTOF(RESOURCE_CATS), NCHARGE_CATS = COUNTOF(CHARGE_CATS), NDOC_KINDS = COUNTOF(DOC_KINDS),
	NVISIBILITIES = COUNTOF(VISIBILITIES);

/* ---- validation ---------------------------------------------------------- */

/* NIR: 13 characters and a 2-digit key, spaces allowed; Corsica's 2A/2B
 * count as 19/18 in the key: key = 97 − (number mod 97). Normalised into
 * out (16 bytes). */
bool persons_nir_normalise(const char *s, char out[16])
{
	size_t n = 0;
	for (const char *p = s; p && *p; p++) {
		if (*p == ' ' || *p == '.')
			continue;
		if (n >= 15)
			return false;
		out[n++] = (char)toupper((unsigned char)*p);
	}
	out[n] = 0;
	if (n != 15 || out[0] < '1' || out[0] > '8')
		return false;
	char digits[14];
	memcpy(digits, out, 13);
	digits[13] = 0;
	if (digits[5] == '2' && (digits[6] == 'A' || digits[6] == 'B')) {
		digits[5] = '1';
		digits[6] = digits[6] == 'A' ? '9' : '8';
	}
	int64_t num = 0;
	for (int i = 0; i < 13; i++) {
		if (digits[i] < '0' || digits[i] > '9')
			return false;
		num = num * 10 + (digits[i] - '0');
	}
	if (out[13] < '0' || out[13] > '9' || out[14] < '0' || out[14] > '9')
		return false;
	int key = (out[13] - '0') * 10 + (out[14] - '0');
	return key == 97 - (int)(num % 97);
}

/* "1 84 03 •• ••• ••• ••": sex, year and month (already known from the
 * birth date) stay readable; the rest is hidden. */
const char *persons_nir_masked(arena *a, const char *nir)
{
	if (!nir || strlen(nir) != 15)
		return "";
	return arena_printf(a, "%c %c%c %c%c •• ••• ••• ••", nir[0], nir[1], nir[2], nir[3], nir[4]);
}

static bool is_empty(const char *s) { return !s || !*s; }

bool persons_birth_ok(const char *s)
{
	civil_date d;
	if (!civil_parse(s, &d))
		return false;
	int64_t day = civil_to_days(d);
	return day >= civil_to_days((civil_date){1900, 1, 1}) && day <= civil_now() / 86400 + 1;
}

bool person_validate(const person_in *p, form_errors *fe, bool full)
{
	int before = fe->n;
	if (is_empty(p->last_name) || strlen(p->last_name) > 100)
		form_error(fe, "last_name", "Indiquez le nom (100 caractères au plus).");
	if (is_empty(p->first_names) || strlen(p->first_names) > 150)
		form_error(fe, "first_names", "Indiquez le ou les prénoms (150 caractères au plus).");
	if (p->birth_name && strlen(p->birth_name) > 100)
		form_error(fe, "birth_name", "Le nom de naissance est trop long (100 caractères au plus).");
	if (!is_empty(p->birth_date) && !persons_birth_ok(p->birth_date))
		form_error(fe, "birth_date", "La date de naissance doit être une date réelle au format AAAA-MM-JJ, entre 1900 et "
		                             "aujourd’hui, par exemple 1984-03-27.");
	if (!is_empty(p->sex) && !code_ok(SEXES, NSEXES, p->sex))
		form_error(fe, "sex", "Choisissez le sexe dans la liste.");
	if (p->relation && !code_ok(RELATIONS, NRELATIONS, p->relation))
		form_error(fe, "relation", "Choisissez le lien avec le foyer dans la liste.");
	if (!is_empty(p->email) && !text_email_valid(p->email))
		form_error(fe, "email", "L’adresse e-mail n’est pas valide.");
	if (!is_empty(p->phone) && !persons_phone_ok(p->phone))
		form_error(fe, "phone", "Le téléphone doit compter de 6 à 15 chiffres, par exemple 06 12 34 56 78.");
	if (full) {
		if (!is_empty(p->nationality) && !code_ok(NATIONALITIES, NNATIONALITIES, p->nationality))
			form_error(fe, "nationality", "Choisissez la nationalité dans la liste.");
		if (!is_empty(p->employment) && !code_ok(EMPLOYMENTS, NEMPLOYMENTS, p->employment))
			form_error(fe, "employment", "Choisissez la situation professionnelle dans la liste.");
		if (!is_empty(p->health_cover) && !code_ok(HEALTH, NHEALTH, p->health_cover))
			form_error(fe, "health_cover", "Choisissez la couverture santé dans la liste.");
		if (!is_empty(p->protection) && !code_ok(PROTECTIONS, NPROTECTIONS, p->protection))
			form_error(fe, "protection", "Choisissez la mesure de protection dans la liste.");
		if (!is_empty(p->channel) && !code_ok(CHANNELS, NCHANNELS, p->channel))
			form_error(fe, "channel", "Choisissez le moyen de contact préféré dans la liste.");
		int64_t gir;
		if (!is_empty(p->gir) && !text_to_int64(p->gir, 1, 6, &gir))
			form_error(fe, "gir", "Le GIR est un nombre de 1 à 6.");
		char nir[16];
		if (p->nir && *p->nir && !persons_nir_normalise(p->nir, nir))
			form_error(fe, "nir", "Le NIR compte 15 caractères (13 + clé) et sa clé doit être juste ; vérifiez la carte Vitale.");
		if (p->caf_number && strlen(p->caf_number) > 20)
			form_error(fe, "caf_number", "Le numéro d’allocataire compte 20 caractères au plus.");
	}
	return fe->n == before;
}

bool persons_phone_ok(const char *phone)
{
	int digits = 0;
	for (const char *c = phone; *c; c++) {
		if (isdigit((unsigned char)*c))
			digits++;
		else if (!strchr(" .-+()", *c))
			return false;
	}
	return digits >= 6 && digits <= 15;
}

bool household_validate(const household_in *h, form_errors *fe)
{
	int before = fe->n;
	if (!is_empty(h->housing) && !code_ok(HOUSING, NHOUSING, h->housing))
		form_error(fe, "housing", "Choisissez la situation de logement dans la liste.");
	if (h->postcode && *h->postcode && (strlen(h->postcode) != 5 || strspn(h->postcode, "0123456789") != 5))
		form_error(fe, "postcode", "Le code postal compte 5 chiffres.");
	if ((h->street && strlen(h->street) > 200) || (h->city && strlen(h->city) > 100))
		form_error(fe, "street", "L’adresse est trop longue.");
	return fe->n == before;
}

/* ---- households and members ---------------------------------------------- */

static db_sql Q_COUNTER_NEXT = DB_SQL(DB_SCOPED,
	"UPDATE counters SET value = value + 1 WHERE structure_id = $1 AND name = $2 RETURNING value");
static db_sql Q_COUNTER_INIT = DB_SQL(DB_SCOPED,
	"INSERT INTO counters (structure_id, name, value) VALUES ($1, $2, 0) ON CONFLICT (structure_id, name) DO NOTHING");

static db_sql Q_COUNTER_ADD = DB_SQL(DB_SCOPED,
	"UPDATE counters SET value = value + $3 WHERE structure_id = $1 AND name = $2 RETURNING value");
static db_sql Q_COUNTER_BACK = DB_SQL(DB_SCOPED,
	"UPDATE counters SET value = $3 WHERE structure_id = $1 AND name = $2 AND value = $4");

/* An import's block of file numbers (this thread, this connection, its transaction): taken one update for the
 * whole import. PostgreSQL keeps every version of the counter's row that a transaction writes and walks them on
 * each update: one update a household made an import of 400 000 households quadratic (stopped after 14 minutes). */
static __thread struct {
	const db_conn *c;
	int64_t next, last;
} block;

err persons_file_nos_reserve(db_conn *c, int64_t n)
{
	block.c = NULL;
	if (n <= 0)
		return E_OK;
	int64_t v = 0;
	err e = DBX(c, &Q_COUNTER_INIT, NULL, A_TEXT("household"));
	if (e == E_OK)
		e = DBID(c, &Q_COUNTER_ADD, &v, A_TEXT("household"), A_INT(n));
	if (e == E_OK && v < n)
		e = E_DB;
	if (e == E_OK)
		block.c = c, block.next = v - n + 1, block.last = v;
	return e;
}

err persons_file_nos_release(db_conn *c)
{
	if (block.c != c)
		return E_OK;
	block.c = NULL;
	if (block.next > block.last)
		return E_OK;
	/* The numbers not used go back: no gap between this import's files and the next. */
	return DBX(c, &Q_COUNTER_BACK, NULL, A_TEXT("household"), A_INT(block.next - 1), A_INT(block.last));
}

err persons_next_file_no(db_conn *c, arena *a, char **out)
{
	int64_t v = 0;
	err e = E_OK;
	if (block.c == c && block.next <= block.last)
		v = block.next++;
	else
		e = DBX(c, &Q_COUNTER_INIT, NULL, A_TEXT("household"));
	if (e == E_OK && !v)
		e = DBID(c, &Q_COUNTER_NEXT, &v, A_TEXT("household"));
	if (e == E_OK && !v)
		e = E_DB;
	/* Short enough to say on the phone: a letter-free number in two groups. */
	if (e == E_OK)
		*out = arena_printf(a, "%02lld-%04lld", (long long)(v / 10000), (long long)(v % 10000));
	return e;
}

static db_sql Q_H_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO households (structure_id, file_no, street_no, street, postcode, city, neighbourhood, housing, "
	"address_since, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id");
static db_sql Q_P_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO persons (structure_id, household_id, relation, last_name, birth_name, first_names, sex, birth_date, "
	"birth_place, nationality, phone, phone_digits, email, channel, consent_sms, consent_email, employment, "
	"health_cover, protection, representative, disability, gir, student, caf_number, search_name, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $26) "
	"RETURNING id");
static db_sql Q_M_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO household_members (structure_id, household_id, person_id, relation, from_date) VALUES ($1, $2, $3, $4, $5)");

static int64_t flag(const char *s) { return s && (!strcmp(s, "1") || !strcmp(s, "on") || !strcmp(s, "oui")); }
static const char *nz(const char *s) { return s ? s : ""; }

static err person_insert(web_req *r, int64_t hid, const person_in *p, int64_t *pid)
{
	arena *a = r->a;
	char *sn = persons_search_name(a, p->last_name, p->birth_name, p->first_names);
	int64_t gir = 0;
	if (p->gir && *p->gir)
		text_to_int64(p->gir, 1, 6, &gir);
	char today[11];
	civil_format(civil_today(r->user->tz), today);
	err e = DBID(r->db, &Q_P_ADD, pid, A_INT(hid), A_TEXT(p->relation ? p->relation : "demandeur"),
	             A_TEXT(p->last_name), A_TEXT(nz(p->birth_name)), A_TEXT(p->first_names), A_TEXT(nz(p->sex)),
	             A_TEXT(p->birth_date && *p->birth_date ? p->birth_date : NULL), A_TEXT(nz(p->birth_place)),
	             A_TEXT(nz(p->nationality)), A_TEXT(nz(p->phone)), A_TEXT(phone_digits(a, p->phone)),
	             A_TEXT(nz(p->email)), A_TEXT(nz(p->channel)), A_INT(flag(p->consent_sms)), A_INT(flag(p->consent_email)),
	             A_TEXT(nz(p->employment)), A_TEXT(nz(p->health_cover)), A_TEXT(nz(p->protection)),
	             A_TEXT(nz(p->representative)), A_INT(flag(p->disability)), A_INT_OR_NULL(gir), A_INT(flag(p->student)),
	             A_TEXT(nz(p->caf_number)), A_TEXT(sn ? sn : ""), A_INT(civil_now()));
	if (e == E_OK)
		e = DBX(r->db, &Q_M_ADD, NULL, A_INT(hid), A_INT(*pid), A_TEXT(p->relation ? p->relation : "demandeur"),
		        A_TEXT(today));
	if (e == E_OK)
		e = persons_feed_add(r->db, *pid); /* the servers' indexes in memory read her name */
	return e;
}

err persons_household_create(web_req *r, const household_in *h, const person_in *p, int64_t *hid, int64_t *pid)
{
	char *file_no = NULL, today[11];
	civil_format(civil_today(r->user->tz), today);
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = persons_next_file_no(r->db, r->a, &file_no);
	if (e == E_OK)
		e = DBID(r->db, &Q_H_ADD, hid, A_TEXT(file_no), A_TEXT(nz(h->street_no)), A_TEXT(nz(h->street)),
		         A_TEXT(nz(h->postcode)), A_TEXT(nz(h->city)), A_TEXT(nz(h->neighbourhood)),
		         A_TEXT(h->housing ? h->housing : ""), A_TEXT(today), A_INT(civil_now()));
	if (e == E_OK)
		e = person_insert(r, *hid, p, pid);
	if (e == E_OK)
		e = persons_timeline_add(r->db, *hid, r->user->id, "household", *hid, "Ouverture du dossier");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "household", *hid, NULL);
	return db_finish(r->db, e);
}

err persons_member_add(web_req *r, int64_t hid, const person_in *p, int64_t *pid)
{
	if (!persons_household_exists(r->db, hid))
		return E_NOT_FOUND;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = person_insert(r, hid, p, pid);
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "member", *pid,
		                         arena_printf(r->a, "Arrivée d’un membre (%s)", code_label(RELATIONS, NRELATIONS, p->relation)));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "person", *pid, NULL);
	return db_finish(r->db, e);
}

static db_sql Q_P_UPDATE = DB_SQL(DB_SCOPED,
	"UPDATE persons SET last_name = $3, birth_name = $4, first_names = $5, sex = $6, birth_date = $7, birth_place = $8, "
	"nationality = $9, phone = $10, phone_digits = $11, email = $12, channel = $13, consent_sms = $14, "
	"consent_email = $15, employment = $16, health_cover = $17, protection = $18, representative = $19, "
	"disability = $20, gir = $21, student = $22, caf_number = $23, search_name = $24, updated_at = $25, "
	"nir = CASE WHEN $27 = '' THEN nir ELSE $27 END, "
	"version = version + 1 WHERE structure_id = $1 AND id = $2 AND version = $26");
static db_sql Q_P_HOUSEHOLD = DB_SQL(DB_SCOPED, "SELECT household_id FROM persons WHERE structure_id = $1 AND id = $2");

err persons_person_update(web_req *r, int64_t pid, const person_in *p, int64_t version)
{
	arena *a = r->a;
	int64_t hid = 0, n = 0, gir = 0;
	DBID(r->db, &Q_P_HOUSEHOLD, &hid, A_INT(pid));
	if (!hid)
		return E_NOT_FOUND;
	if (p->gir && *p->gir)
		text_to_int64(p->gir, 1, 6, &gir);
	char *sn = persons_search_name(a, p->last_name, p->birth_name, p->first_names);
	/* The NIR is kept only where the structure enabled it; normalised. */
	char nir[16] = "";
	if (p->nir && *p->nir && accounts_nir_enabled(r->db, r->user->structure_id) && !persons_nir_normalise(p->nir, nir))
		return E_INPUT;
	if (!accounts_nir_enabled(r->db, r->user->structure_id))
		nir[0] = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_P_UPDATE, &n, A_INT(pid), A_TEXT(p->last_name), A_TEXT(nz(p->birth_name)),
		        A_TEXT(p->first_names), A_TEXT(nz(p->sex)), A_TEXT(p->birth_date && *p->birth_date ? p->birth_date : NULL),
		        A_TEXT(nz(p->birth_place)), A_TEXT(nz(p->nationality)), A_TEXT(nz(p->phone)),
		        A_TEXT(phone_digits(a, p->phone)), A_TEXT(nz(p->email)), A_TEXT(nz(p->channel)),
		        A_INT(flag(p->consent_sms)), A_INT(flag(p->consent_email)), A_TEXT(nz(p->employment)),
		        A_TEXT(nz(p->health_cover)), A_TEXT(nz(p->protection)), A_TEXT(nz(p->representative)),
		        A_INT(flag(p->disability)), A_INT_OR_NULL(gir), A_INT(flag(p->student)), A_TEXT(nz(p->caf_number)),
		        A_TEXT(sn ? sn : ""), A_INT(civil_now()), A_INT(version), A_TEXT(nir));
	if (e == E_OK && n == 0)
		e = E_CONFLICT;
	if (e == E_OK)
		e = persons_feed_add(r->db, pid);
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "person", pid, "Mise à jour d’une fiche personne");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "person", pid, NULL);
	return db_finish(r->db, e);
}

static db_sql Q_M_LEAVE = DB_SQL(DB_SCOPED,
	"UPDATE household_members SET to_date = $4 WHERE structure_id = $1 AND household_id = $2 AND person_id = $3 "
	"AND to_date IS NULL");
static db_sql Q_P_INACTIVE = DB_SQL(DB_SCOPED,
	"UPDATE persons SET active = 0, version = version + 1 WHERE structure_id = $1 AND id = $2 AND household_id = $3");

err persons_member_leave(web_req *r, int64_t hid, int64_t pid, const char *date)
{
	civil_date d;
	if (!date || !civil_parse(date, &d))
		return E_INPUT;
	int64_t n = 0;
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBX(r->db, &Q_M_LEAVE, &n, A_INT(hid), A_INT(pid), A_TEXT(date));
	if (e == E_OK && n == 0)
		e = E_NOT_FOUND;
	if (e == E_OK)
		e = DBX(r->db, &Q_P_INACTIVE, NULL, A_INT(pid), A_INT(hid));
	if (e == E_OK)
		e = persons_feed_add(r->db, pid); /* the servers' indexes rank her as a former member */
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "member", pid, arena_printf(r->a, "Départ d’un membre le %s", date));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "person", pid, "left");
	return db_finish(r->db, e);
}

static db_sql Q_H_GET_ADDR = DB_SQL(DB_SCOPED,
	"SELECT street_no, street, postcode, city, neighbourhood, housing, address_since FROM households "
	"WHERE structure_id = $1 AND id = $2");
static db_sql Q_ADDR_HIST = DB_SQL(DB_SCOPED,
	"INSERT INTO household_addresses (structure_id, household_id, street_no, street, postcode, city, neighbourhood, "
	"housing, from_date, to_date) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
static db_sql Q_H_SET_ADDR = DB_SQL(DB_SCOPED,
	"UPDATE households SET street_no = $3, street = $4, postcode = $5, city = $6, neighbourhood = $7, housing = $8, "
	"address_since = $9, version = version + 1 WHERE structure_id = $1 AND id = $2");

err persons_address_update(web_req *r, int64_t hid, const household_in *h, const char *since)
{
	civil_date d;
	if (!since || !civil_parse(since, &d))
		return E_INPUT;
	db_res q = {0};
	err e = db_begin(r->db, true);
	if (e == E_OK)
		e = DBQ(r->db, &Q_H_GET_ADDR, &q, A_INT(hid));
	if (e == E_OK && !db_next(&q))
		e = E_NOT_FOUND;
	if (e == E_OK) {
		/* The old address goes to the history, ending the day before. */
		civil_date prev = civil_from_days(civil_to_days(d) - 1);
		char to[11];
		civil_format(prev, to);
		char *f[7];
		for (int i = 0; i < 7; i++)
			f[i] = db_dup(&q, i, r->a);
		db_close(&q);
		e = DBX(r->db, &Q_ADDR_HIST, NULL, A_INT(hid), A_TEXT(nz(f[0])), A_TEXT(nz(f[1])), A_TEXT(nz(f[2])),
		        A_TEXT(nz(f[3])), A_TEXT(nz(f[4])), A_TEXT(nz(f[5])), A_TEXT(f[6]), A_TEXT(to));
	} else {
		db_close(&q);
	}
	if (e == E_OK)
		e = DBX(r->db, &Q_H_SET_ADDR, NULL, A_INT(hid), A_TEXT(nz(h->street_no)), A_TEXT(nz(h->street)),
		        A_TEXT(nz(h->postcode)), A_TEXT(nz(h->city)), A_TEXT(nz(h->neighbourhood)),
		        A_TEXT(h->housing ? h->housing : ""), A_TEXT(since));
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "address", hid, arena_printf(r->a, "Nouvelle adresse depuis le %s", since));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", hid, "address");
	return db_finish(r->db, e);
}

/* ---- small lookups ------------------------------------------------------- */

static db_sql Q_H_EXISTS = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM households WHERE structure_id = $1 AND id = $2 AND merged_into IS NULL");
static db_sql Q_H_FILE = DB_SQL(DB_SCOPED, "SELECT file_no FROM households WHERE structure_id = $1 AND id = $2");
static db_sql Q_TL_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO timeline (structure_id, household_id, at, kind, ref_id, summary, user_id) VALUES ($1, $2, $3, $4, $5, $6, $7)");
static db_sql Q_REFERENT = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM referents WHERE structure_id = $1 AND household_id = $2 AND user_id = $3");

bool persons_household_exists(db_conn *c, int64_t hid)
{
	int64_t n = 0;
	return DBID(c, &Q_H_EXISTS, &n, A_INT(hid)) == E_OK && n == 1;
}

char *persons_file_no(db_conn *c, arena *a, int64_t hid)
{
	db_res q = {0};
	char *s = NULL;
	if (DBQ(c, &Q_H_FILE, &q, A_INT(hid)) == E_OK && db_next(&q))
		s = db_dup(&q, 0, a);
	db_close(&q);
	return s;
}

static db_sql Q_BY_FILE_NO = DB_SQL(DB_SCOPED, "SELECT id FROM households WHERE structure_id = $1 AND file_no = $2");

const char *persons_ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	int64_t hid = 0;
	if (!strcmp(kind, "household") || !strcmp(kind, "budget"))
		hid = id;
	else if (!strcmp(kind, "person") && DBID(c, &Q_P_HOUSEHOLD, &hid, A_INT(id)) != E_OK)
		hid = 0;
	if (!hid)
		return NULL;
	char *no = persons_file_no(c, a, hid);
	*href = arena_printf(a, "/foyers/%lld", (long long)hid);
	return !strcmp(kind, "person") ? arena_printf(a, "une personne du dossier %s", no ? no : "supprimé")
	                               : arena_printf(a, "dossier %s", no ? no : "supprimé");
}

static db_sql Q_P_HOUSEHOLDS = DB_SQL(DB_SCOPED, "SELECT id, household_id FROM persons WHERE structure_id = $1 AND id IN " DB_IN50);

typedef struct refs_households {
	const char *const *kinds;
	const int64_t *ids;
	int n;
	int64_t *hid;
} refs_households;

/* A person's household, given to every « person » row of that person. */
static void person_household_row(db_res *q, int from, int to, void *vctx)
{
	(void)from, (void)to;
	refs_households *x = vctx;
	int64_t pid = db_int(q, 0);
	for (int i = 0; i < x->n; i++)
		if (x->kinds[i] && !strcmp(x->kinds[i], "person") && x->ids[i] == pid)
			x->hid[i] = db_int(q, 1);
}

err persons_refs(db_conn *c, arena *a, const char *const *kinds, const int64_t *ids, int n, const char **ref, const char **href)
{
	/* The households named: a household's own rows, and the persons' households (fifty persons a statement). */
	int64_t *hid = arena_array(a, (size_t)(n > 0 ? n : 1), sizeof *hid), *pids = arena_array(a, (size_t)(n > 0 ? n : 1), sizeof *pids);
	if (!hid || !pids)
		return E_NOMEM;
	int np = 0;
	for (int i = 0; i < n; i++) {
		hid[i] = 0;
		if (!kinds[i])
			continue;
		if (!strcmp(kinds[i], "household") || !strcmp(kinds[i], "budget"))
			hid[i] = ids[i];
		else if (!strcmp(kinds[i], "person") && ids[i] > 0)
			pids[np++] = ids[i];
	}
	refs_households x = {kinds, ids, n, hid};
	err pe = np ? db_in50_each(c, &Q_P_HOUSEHOLDS, pids, np, person_household_row, &x) : E_OK;
	if (pe != E_OK)
		return pe;
	const char **no = arena_array(a, (size_t)(n > 0 ? n : 1), sizeof *no);
	if (!no)
		return E_NOMEM;
	err e = persons_file_nos(c, a, hid, n, no);
	for (int i = 0; e == E_OK && i < n; i++) {
		if (!hid[i])
			continue;
		href[i] = arena_printf(a, "/foyers/%lld", (long long)hid[i]);
		ref[i] = !strcmp(kinds[i], "person") ? arena_printf(a, "une personne du dossier %s", no[i] ? no[i] : "supprimé")
		                                     : arena_printf(a, "dossier %s", no[i] ? no[i] : "supprimé");
	}
	return e;
}

bool persons_lookup(db_conn *c, arena *a, const char *text, const char **kind, int64_t *id)
{
	(void)a;
	int64_t hid = 0;
	if (strlen(text) > 20 || DBID(c, &Q_BY_FILE_NO, &hid, A_TEXT(text)) != E_OK || !hid)
		return false;
	*kind = "household";
	*id = hid;
	return true;
}

/* For the needs analysis: the timeline's events by neighbourhood (persons.h). */
static db_sql Q_AREA_ALL = DB_SQL(DB_SCOPED,
	"SELECT h.neighbourhood, '', count(DISTINCT t.household_id), count(*) FROM timeline t JOIN households h ON h.structure_id = t.structure_id "
	"AND h.id = t.household_id WHERE t.structure_id = $1 AND t.at >= $2 AND t.at < $3 AND h.merged_into IS NULL GROUP BY 1 ORDER BY 1");
static db_sql Q_AREA_KIND = DB_SQL(DB_SCOPED,
	"SELECT h.neighbourhood, t.kind, count(DISTINCT t.household_id), count(*) FROM timeline t JOIN households h ON h.structure_id = t.structure_id "
	"AND h.id = t.household_id WHERE t.structure_id = $1 AND t.at >= $2 AND t.at < $3 AND h.merged_into IS NULL GROUP BY 1, 2 ORDER BY 1, 2");

int persons_area_figures(db_conn *c, arena *a, int64_t start, int64_t end, persons_area_row **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	db_sql *qs[] = {&Q_AREA_ALL, &Q_AREA_KIND};
	for (int k = 0; k < 2; k++) {
		db_res q = {0};
		if (DBQ(c, qs[k], &q, A_INT(start), A_INT(end)) != E_OK)
			return -1;
		while (db_next(&q)) {
			persons_area_row *r = ARENA_PUSH(a, *out, n, cap);
			if (!r)
				break;
			*r = (persons_area_row){db_dup(&q, 0, a), db_dup(&q, 1, a), db_int(&q, 2), db_int(&q, 3)};
			if (!r->neighbourhood)
				r->neighbourhood = "";
			if (!r->kind)
				r->kind = "";
		}
		db_close(&q);
	}
	return n;
}

err persons_timeline_add(db_conn *c, int64_t hid, int64_t user_id, const char *kind, int64_t ref_id,
                         const char *summary)
{
	return persons_timeline_add_at(c, hid, user_id, kind, ref_id, summary, civil_now());
}

err persons_timeline_add_at(db_conn *c, int64_t hid, int64_t user_id, const char *kind, int64_t ref_id, const char *summary,
                            int64_t at)
{
	return DBX(c, &Q_TL_ADD, NULL, A_INT(hid), A_INT(at), A_TEXT(kind), A_INT(ref_id), A_TEXT(summary ? summary : ""),
	           A_INT(user_id));
}

static db_copy_sql C_TL = DB_COPY("timeline", "structure_id, household_id, at, kind, ref_id, summary, user_id",
	"$1, $2, $3, $4, $5, $6, $7");

void persons_timeline_copy_init(db_copy *cp, db_conn *c) { db_copy_init(cp, c, &C_TL); }

err persons_timeline_copy(db_copy *cp, int64_t hid, int64_t user_id, const char *kind, int64_t ref_id, const char *summary,
                          int64_t at)
{
	return DBCOPY(cp, A_INT(hid), A_INT(at), A_TEXT(kind), A_INT(ref_id), A_TEXT(summary ? summary : ""), A_INT(user_id));
}

bool persons_is_referent(db_conn *c, int64_t hid, int64_t user_id)
{
	int64_t n = 0;
	return DBID(c, &Q_REFERENT, &n, A_INT(hid), A_INT(user_id)) == E_OK && n > 0;
}

#define BRIEF_SELECT \
	"SELECT p.id, p.household_id, p.last_name, p.birth_name, p.first_names, p.sex, p.birth_date, p.birth_place, " \
	"p.nationality, h.file_no, p.phone, p.active, p.relation, p.email, p.consent_sms, p.consent_email, " \
	"trim(h.street_no || ' ' || h.street), trim(h.postcode || ' ' || h.city) FROM persons p " \
	"JOIN households h ON h.id = p.household_id "
static db_sql Q_BRIEF = DB_SQL(DB_SCOPED, BRIEF_SELECT "WHERE p.structure_id = $1 AND p.id = $2");
/* A list's persons and households, fifty a statement (store.h). */
#define FIFTY DB_IN50
static db_sql Q_BRIEFS = DB_SQL(DB_SCOPED, BRIEF_SELECT "WHERE p.structure_id = $1 AND p.id IN " FIFTY);
/* The households' applicants: each household's first row (its applicant, else its first active member). */
static db_sql Q_APPLICANTS = DB_SQL(DB_SCOPED, BRIEF_SELECT "WHERE p.structure_id = $1 AND p.household_id IN " FIFTY
	" AND p.active = 1 ORDER BY p.household_id, CASE WHEN p.relation = 'demandeur' THEN 0 ELSE 1 END, p.id");
static db_sql Q_MEMBERS_IN = DB_SQL(DB_SCOPED, BRIEF_SELECT "WHERE p.structure_id = $1 AND p.household_id IN " FIFTY
	" AND p.active = 1 ORDER BY p.household_id, p.id");
static db_sql Q_FILE_NOS = DB_SQL(DB_SCOPED, "SELECT id, file_no FROM households WHERE structure_id = $1 AND id IN " FIFTY);
static db_sql Q_BRIEF_H = DB_SQL(DB_SCOPED,
	"SELECT p.id, p.household_id, p.last_name, p.birth_name, p.first_names, p.sex, p.birth_date, p.birth_place, "
	"p.nationality, h.file_no, p.phone, p.active, p.relation, p.email, p.consent_sms, p.consent_email, "
	"trim(h.street_no || ' ' || h.street), trim(h.postcode || ' ' || h.city) FROM persons p "
	"JOIN households h ON h.id = p.household_id WHERE p.structure_id = $1 AND p.household_id = $2 AND p.active = 1 ORDER BY p.id");

static void brief_fill(db_res *q, arena *a, person_brief *o)
{
	o->id = db_int(q, 0);
	o->household_id = db_int(q, 1);
	const char **f[] = {&o->last_name, &o->birth_name, &o->first_names, &o->sex, &o->birth_date, &o->birth_place,
	                    &o->nationality, &o->file_no, &o->phone};
	for (int i = 0; i < 9; i++) {
		char *v = db_dup(q, 2 + i, a);
		*f[i] = v ? v : "";
	}
	o->active = db_int(q, 11) != 0;
	char *rel = db_dup(q, 12, a), *em = db_dup(q, 13, a);
	o->relation = rel ? rel : "";
	o->email = em ? em : "";
	o->consent_sms = db_int(q, 14) != 0;
	o->consent_email = db_int(q, 15) != 0;
	char *l1 = db_dup(q, 16, a), *l2 = db_dup(q, 17, a);
	o->address1 = l1 ? l1 : "";
	o->address2 = l2 ? l2 : "";
}

err persons_person_brief(db_conn *c, arena *a, int64_t pid, person_brief *out)
{
	memset(out, 0, sizeof *out);
	db_res q = {0};
	err e = DBQ(c, &Q_BRIEF, &q, A_INT(pid));
	if (e == E_OK && !db_next(&q))
		e = E_NOT_FOUND;
	if (e == E_OK)
		brief_fill(&q, a, out);
	db_close(&q);
	return e;
}

/* The rows of the fifty-at-a-time statements below, each given to every place that asked for it. */
typedef struct in50 {
	arena *a;
	const int64_t *ids;
	person_brief *briefs;
	const char **nos;
	int64_t last; /* the applicants: the household of the row before, in the statement of ids from… */
	int from;
	person_brief **lists; /* the members: each household's, and their number so far */
	int *counts, *caps;
} in50;

static void brief_row(db_res *q, int from, int to, void *ctx)
{
	in50 *x = ctx;
	person_brief one;
	brief_fill(q, x->a, &one);
	for (int i = from; i < to; i++)
		if (x->ids[i] == one.id)
			x->briefs[i] = one;
}

static void applicant_row(db_res *q, int from, int to, void *ctx)
{
	in50 *x = ctx;
	if (from != x->from)
		x->from = from, x->last = 0; /* a new statement */
	if (db_int(q, 1) == x->last)
		return; /* not the household's first */
	person_brief one;
	brief_fill(q, x->a, &one);
	x->last = one.household_id;
	for (int i = from; i < to; i++)
		if (x->ids[i] == one.household_id)
			x->briefs[i] = one;
}

static void file_no_row(db_res *q, int from, int to, void *ctx)
{
	in50 *x = ctx;
	int64_t id = db_int(q, 0);
	const char *no = db_dup(q, 1, x->a);
	for (int i = from; i < to; i++)
		if (x->ids[i] == id)
			x->nos[i] = no;
}

static void members_row(db_res *q, int from, int to, void *ctx)
{
	in50 *x = ctx;
	person_brief one;
	brief_fill(q, x->a, &one);
	for (int i = from; i < to; i++)
		if (x->ids[i] == one.household_id) {
			person_brief *slot = ARENA_PUSH(x->a, x->lists[i], x->counts[i], x->caps[i]);
			if (slot)
				*slot = one;
		}
}

err persons_households_members(db_conn *c, arena *a, const int64_t *household_ids, int n, person_brief **out, int *counts)
{
	int *caps = arena_array(a, (size_t)(n > 0 ? n : 1), sizeof *caps);
	if (!caps)
		return E_NOMEM;
	for (int i = 0; i < n; i++)
		out[i] = NULL, counts[i] = 0;
	in50 x = {a, household_ids, NULL, NULL, 0, -1, out, counts, caps};
	err e = db_in50_each(c, &Q_MEMBERS_IN, household_ids, n, members_row, &x);
	return e == E_OK && a->failed ? E_NOMEM : e;
}

err persons_briefs(db_conn *c, arena *a, const int64_t *ids, int n, person_brief *out)
{
	memset(out, 0, sizeof *out * (size_t)(n > 0 ? n : 0));
	in50 x = {a, ids, out, NULL, 0, -1, NULL, NULL, NULL};
	err e = db_in50_each(c, &Q_BRIEFS, ids, n, brief_row, &x);
	return e == E_OK && a->failed ? E_NOMEM : e;
}

err persons_applicants(db_conn *c, arena *a, const int64_t *household_ids, int n, person_brief *out)
{
	memset(out, 0, sizeof *out * (size_t)(n > 0 ? n : 0));
	in50 x = {a, household_ids, out, NULL, 0, -1, NULL, NULL, NULL};
	err e = db_in50_each(c, &Q_APPLICANTS, household_ids, n, applicant_row, &x); /* ordered by household: a household's rows are together */
	return e == E_OK && a->failed ? E_NOMEM : e;
}

err persons_file_nos(db_conn *c, arena *a, const int64_t *household_ids, int n, const char **out)
{
	for (int i = 0; i < n; i++)
		out[i] = NULL;
	in50 x = {a, household_ids, NULL, out, 0, -1, NULL, NULL, NULL};
	err e = db_in50_each(c, &Q_FILE_NOS, household_ids, n, file_no_row, &x);
	return e == E_OK && a->failed ? E_NOMEM : e;
}

persons_row_who *persons_rows_who(db_conn *c, arena *a, const void *rows, size_t stride, size_t pid_at, size_t hid_at, int n)
{
	size_t m = (size_t)(n > 0 ? n : 1);
	persons_row_who *out = arena_array(a, m, sizeof *out);
	int64_t *pids = arena_array(a, m, sizeof *pids), *hids = arena_array(a, m, sizeof *hids);
	person_brief *p = arena_array(a, m, sizeof *p);
	const char **nos = arena_array(a, m, sizeof *nos);
	if (!out || !pids || !hids || !p || !nos)
		return NULL;
	const unsigned char *row = rows;
	for (int i = 0; i < n; i++, row += stride) {
		memcpy(&pids[i], row + pid_at, sizeof pids[i]);
		if (hid_at == PERSONS_NO_HOUSEHOLD)
			hids[i] = 0;
		else
			memcpy(&hids[i], row + hid_at, sizeof hids[i]);
	}
	if (persons_briefs(c, a, pids, n, p) != E_OK ||
	    (hid_at != PERSONS_NO_HOUSEHOLD && persons_file_nos(c, a, hids, n, nos) != E_OK))
		return NULL;
	for (int i = 0; i < n; i++)
		out[i] = (persons_row_who){p[i], hid_at != PERSONS_NO_HOUSEHOLD ? nos[i] : NULL};
	return out;
}

const char **persons_file_nos_of(db_conn *c, arena *a, const void *rows, size_t stride, size_t hid_at, int n)
{
	size_t m = (size_t)(n > 0 ? n : 1);
	int64_t *hids = arena_array(a, m, sizeof *hids);
	const char **nos = arena_array(a, m, sizeof *nos);
	if (!hids || !nos)
		return NULL;
	const unsigned char *row = rows;
	for (int i = 0; i < n; i++, row += stride)
		memcpy(&hids[i], row + hid_at, sizeof hids[i]);
	return persons_file_nos(c, a, hids, n, nos) == E_OK ? nos : NULL;
}

const char *persons_who_text(arena *a, const persons_row_who *w)
{
	const char *no = w && w->file_no ? w->file_no : "?";
	if (w && w->p.id)
		return arena_printf(a, "%s %s (%s)", w->p.last_name, w->p.first_names, no);
	return arena_printf(a, "dossier %s", no);
}

const char **persons_whos(db_conn *c, arena *a, const void *rows, size_t stride, size_t pid_at, size_t hid_at, int n)
{
	persons_row_who *w = persons_rows_who(c, a, rows, stride, pid_at, hid_at, n);
	const char **out = w ? arena_array(a, (size_t)(n > 0 ? n : 1), sizeof *out) : NULL;
	for (int i = 0; out && i < n; i++)
		out[i] = persons_who_text(a, &w[i]);
	return out;
}

int persons_household_members(db_conn *c, arena *a, int64_t hid, person_brief **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	person_brief *v = NULL;
	if (DBQ(c, &Q_BRIEF_H, &q, A_INT(hid)) == E_OK)
		while (db_next(&q)) {
			if (n == cap) {
				int nc = cap ? cap * 2 : 8;
				person_brief *g = arena_array(a, (size_t)nc, sizeof *g);
				if (!g)
					break; /* a->failed: the request answers "out of memory" */
				if (n)
					memcpy(g, v, sizeof *v * (size_t)n);
				v = g;
				cap = nc;
			}
			brief_fill(&q, a, &v[n++]);
		}
	db_close(&q);
	*out = v;
	return n;
}

static db_sql Q_ALL_H = DB_SQL(DB_SCOPED, "SELECT id FROM households WHERE structure_id = $1 AND merged_into IS NULL ORDER BY id");

int64_t persons_household_ids(db_conn *c, int64_t **ids)
{
	*ids = NULL;
	int64_t n = 0, cap = 0;
	db_res q = {0};
	if (DBQ0(c, &Q_ALL_H, &q) == E_OK)
		while (db_next(&q)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 1024;
				int64_t *nv = realloc(*ids, sizeof *nv * (size_t)cap);
				if (!nv)
					break;
				*ids = nv;
			}
			(*ids)[n++] = db_int(&q, 0);
		}
	db_close(&q);
	return n;
}

/* ---- households created by other modules' imports ---------------------------------- */

bool persons_import_ok(const person_new *p, const char **why)
{
	if (!p->last_name || !*p->last_name || strlen(p->last_name) > 100 || !p->first_names || !*p->first_names ||
	    strlen(p->first_names) > 150) {
		*why = "nom et prénom obligatoires (100 et 150 caractères au plus)";
		return false;
	}
	if (p->birth_date && *p->birth_date && !persons_birth_ok(p->birth_date)) {
		*why = "date de naissance invalide (une date réelle, entre 1900 et aujourd’hui)";
		return false;
	}
	if (p->email && *p->email && !text_email_valid(p->email)) {
		*why = "adresse e-mail invalide";
		return false;
	}
	return true;
}

static err import_person(db_conn *c, arena *a, int64_t hid, const person_new *p, const char *rel, const char *today,
                         int64_t *pid)
{
	char *sn = persons_search_name(a, p->last_name, p->birth_name, p->first_names);
	err e = DBID(c, &Q_P_ADD, pid, A_INT(hid), A_TEXT(rel), A_TEXT(p->last_name), A_TEXT(nz(p->birth_name)),
	             A_TEXT(p->first_names), A_TEXT(nz(p->sex)), A_TEXT(p->birth_date && *p->birth_date ? p->birth_date : NULL),
	             A_TEXT(nz(p->birth_place)), A_TEXT(""), A_TEXT(nz(p->phone)), A_TEXT(phone_digits(a, p->phone)),
	             A_TEXT(nz(p->email)), A_TEXT(""), A_INT(0), A_INT(0), A_TEXT(""), A_TEXT(""), A_TEXT(""), A_TEXT(""),
	             A_INT(0), A_NULL, A_INT(0), A_TEXT(""), A_TEXT(sn ? sn : ""), A_INT(civil_now()));
	if (e == E_OK)
		e = DBX(c, &Q_M_ADD, NULL, A_INT(hid), A_INT(*pid), A_TEXT(rel), A_TEXT(today));
	if (e == E_OK)
		e = persons_feed_add(c, *pid);
	return e;
}

bool persons_import_all_ok(const person_new *ap, const person_new *deps, int ndeps, const char **why)
{
	*why = NULL;
	if (!persons_import_ok(ap, why))
		return false;
	for (int i = 0; i < ndeps; i++)
		if (!persons_import_ok(&deps[i], why))
			return false;
	return true;
}

err persons_import_member(db_conn *c, arena *a, int64_t hid, const person_new *p, const char *today, int64_t *pid,
                          const char **why)
{
	*why = NULL;
	if (!persons_import_ok(p, why))
		return E_INPUT;
	const char *rel = p->relation && code_ok(RELATIONS, NRELATIONS, p->relation) ? p->relation : "autre";
	return import_person(c, a, hid, p, rel, today, pid);
}

/* Same person: same birth date, same folded surname and first names
 * (accents, case and punctuation aside), still in a household that was
 * not merged away. */
static db_sql Q_MATCH = DB_SQL(DB_SCOPED,
	"SELECT p.id, p.household_id, p.last_name, p.first_names FROM persons p JOIN households h ON h.id = p.household_id "
	"AND h.structure_id = $1 AND h.merged_into IS NULL WHERE p.structure_id = $1 AND p.birth_date = $2 ORDER BY p.id");

err persons_match(db_conn *c, arena *a, const char *last_name, const char *first_names, const char *birth_date, int64_t *pid,
                  int64_t *hid)
{
	*pid = *hid = 0;
	if (!birth_date || !*birth_date)
		return E_OK;
	char *l = text_fold(a, last_name ? last_name : ""), *f = text_fold(a, first_names ? first_names : "");
	if (!l || !f)
		return E_NOMEM;
	db_res q = {0};
	err e = DBQ(c, &Q_MATCH, &q, A_TEXT(birth_date));
	while (e == E_OK && !*pid && db_next(&q)) {
		char *l2 = text_fold(a, db_text(&q, 2)), *f2 = text_fold(a, db_text(&q, 3));
		if (!l2 || !f2)
			e = E_NOMEM;
		else if (!strcmp(l, l2) && !strcmp(f, f2)) {
			*pid = db_int(&q, 0);
			*hid = db_int(&q, 1);
		}
	}
	if (e == E_OK)
		e = q.status;
	db_close(&q);
	if (e != E_OK)
		*pid = *hid = 0;
	return e;
}

/* ---- residence in the commune ---------------------------------------------------- */

static db_sql Q_SINCE = DB_SQL(DB_SCOPED, "SELECT address_since, city FROM households WHERE structure_id = $1 AND id = $2");
static db_sql Q_PAST_ADDR = DB_SQL(DB_SCOPED,
	"SELECT city, from_date, to_date FROM household_addresses WHERE structure_id = $1 AND household_id = $2 ORDER BY to_date DESC, id DESC");

int persons_residence_months(db_conn *c, int64_t hid, civil_date on)
{
	db_res q = {0};
	char since[11] = "", city[160] = "";
	if (DBQ(c, &Q_SINCE, &q, A_INT(hid)) == E_OK && db_next(&q) && !db_isnull(&q, 0)) {
		snprintf(since, sizeof since, "%s", db_text(&q, 0));
		snprintf(city, sizeof city, "%s", db_text(&q, 1));
	}
	db_close(&q);
	civil_date first;
	if (!civil_parse(since, &first))
		return -1;
	/* Earlier addresses in the same commune, each ending where the next
	 * began (a month's gap at most): the run goes back to the first. */
	if (DBQ(c, &Q_PAST_ADDR, &q, A_INT(hid)) == E_OK)
		while (db_next(&q)) {
			civil_date from, to;
			if (strcasecmp(db_text(&q, 0), city) || db_isnull(&q, 1) || !civil_parse(db_text(&q, 1), &from) ||
			    !civil_parse(db_text(&q, 2), &to) || civil_to_days(first) - civil_to_days(to) > 31)
				break;
			first = from;
		}
	db_close(&q);
	if (civil_to_days(on) < civil_to_days(first))
		return 0;
	int months = (on.y - first.y) * 12 + (on.m - first.m);
	if (on.d < first.d)
		months--;
	return months < 0 ? 0 : months;
}
