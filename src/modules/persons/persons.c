/*
 * persons.c — the persons module's model: schema, code lists, validation,
 * households and members, search keys and search, duplicates, budget (QF
 * and reste à vivre), timeline, merge.
 */
#include "modules/persons/persons_internal.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/buf.h"
#include "core/log.h"
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "core/banned.h"

int PERM_PERSONS_READ, PERM_PERSONS_WRITE, PERM_PERSONS_SITUATION, PERM_NOTES, PERM_DOCUMENTS,
	PERM_PERSONS_MERGE;

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
};
const db_module_schema persons_schema = {"persons", migrations, sizeof migrations / sizeof *migrations};

/* ---- code lists ---------------------------------------------------------- */

#define N(x) (int)(sizeof x / sizeof *x)
const code RELATIONS[] = {{"demandeur", "Demandeur"}, {"conjoint", "Conjoint ou partenaire"},
	{"enfant", "Enfant à charge"}, {"enfant_alterne", "Enfant en garde alternée"},
	{"enfant_majeur", "Enfant non à charge"}, {"heberge", "Personne hébergée"}, {"parent", "Parent (ascendant)"},
	{"autre", "Autre"}};
const code HOUSING[] = {{"locataire_social", "Locataire (parc social)"}, {"locataire_prive", "Locataire (parc privé)"},
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
const int NRELATIONS = N(RELATIONS), NHOUSING = N(HOUSING), NSEXES = N(SEXES), NNATIONALITIES = N(NATIONALITIES),
	NEMPLOYMENTS = N(EMPLOYMENTS), NHEALTH = N(HEALTH), NPROTECTIONS = N(PROTECTIONS), NCHANNELS = N(CHANNELS),
	NRESOURCE_CATS = N(RESOURCE_CATS), NCHARGE_CATS = N(CHARGE_CATS), NDOC_KINDS = N(DOC_KINDS),
	NVISIBILITIES = N(VISIBILITIES);

const char *code_fr(const code *list, int n, const char *v)
{
	for (int i = 0; v && i < n; i++)
		if (!strcmp(list[i].v, v))
			return list[i].fr;
	return v ? v : "";
}

bool code_valid(const code *list, int n, const char *v)
{
	for (int i = 0; v && i < n; i++)
		if (!strcmp(list[i].v, v))
			return true;
	return false;
}

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

bool person_validate(const person_in *p, form_errors *fe, bool full)
{
	int before = fe->n;
	if (is_empty(p->last_name) || strlen(p->last_name) > 100)
		form_error(fe, "last_name", "Indiquez le nom (100 caractères au plus).");
	if (is_empty(p->first_names) || strlen(p->first_names) > 150)
		form_error(fe, "first_names", "Indiquez le ou les prénoms (150 caractères au plus).");
	if (p->birth_name && strlen(p->birth_name) > 100)
		form_error(fe, "birth_name", "Le nom de naissance est trop long (100 caractères au plus).");
	civil_date d;
	if (!is_empty(p->birth_date) && !civil_parse(p->birth_date, &d))
		form_error(fe, "birth_date", "La date de naissance doit être une date réelle au format AAAA-MM-JJ, par exemple 1984-03-27.");
	if (!is_empty(p->sex) && !code_valid(SEXES, NSEXES, p->sex))
		form_error(fe, "sex", "Choisissez le sexe dans la liste.");
	if (p->relation && !code_valid(RELATIONS, NRELATIONS, p->relation))
		form_error(fe, "relation", "Choisissez le lien avec le foyer dans la liste.");
	if (!is_empty(p->email) && !text_email_valid(p->email))
		form_error(fe, "email", "L’adresse e-mail n’est pas valide.");
	if (!is_empty(p->phone)) {
		int digits = 0;
		for (const char *c = p->phone; *c; c++) {
			if (isdigit((unsigned char)*c))
				digits++;
			else if (!strchr(" .-+()", *c))
				digits = -100;
		}
		if (digits < 6 || digits > 15)
			form_error(fe, "phone", "Le téléphone doit compter de 6 à 15 chiffres, par exemple 06 12 34 56 78.");
	}
	if (full) {
		if (!is_empty(p->nationality) && !code_valid(NATIONALITIES, NNATIONALITIES, p->nationality))
			form_error(fe, "nationality", "Choisissez la nationalité dans la liste.");
		if (!is_empty(p->employment) && !code_valid(EMPLOYMENTS, NEMPLOYMENTS, p->employment))
			form_error(fe, "employment", "Choisissez la situation professionnelle dans la liste.");
		if (!is_empty(p->health_cover) && !code_valid(HEALTH, NHEALTH, p->health_cover))
			form_error(fe, "health_cover", "Choisissez la couverture santé dans la liste.");
		if (!is_empty(p->protection) && !code_valid(PROTECTIONS, NPROTECTIONS, p->protection))
			form_error(fe, "protection", "Choisissez la mesure de protection dans la liste.");
		if (!is_empty(p->channel) && !code_valid(CHANNELS, NCHANNELS, p->channel))
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

bool household_validate(const household_in *h, form_errors *fe)
{
	int before = fe->n;
	if (!is_empty(h->housing) && !code_valid(HOUSING, NHOUSING, h->housing))
		form_error(fe, "housing", "Choisissez la situation de logement dans la liste.");
	if (h->postcode && *h->postcode && (strlen(h->postcode) != 5 || strspn(h->postcode, "0123456789") != 5))
		form_error(fe, "postcode", "Le code postal compte 5 chiffres.");
	if ((h->street && strlen(h->street) > 200) || (h->city && strlen(h->city) > 100))
		form_error(fe, "street", "L’adresse est trop longue.");
	return fe->n == before;
}

/* ---- search keys ---------------------------------------------------------- */

char *persons_search_name(arena *a, const char *last, const char *birth, const char *first)
{
	char *s = arena_printf(a, "%s %s %s", last ? last : "", birth ? birth : "", first ? first : "");
	return s ? text_fold(a, s) : NULL;
}

char *phone_digits(arena *a, const char *phone)
{
	if (!phone)
		return arena_strdup(a, "");
	char d[32];
	size_t n = 0;
	for (const char *c = phone; *c && n < sizeof d - 1; c++)
		if (isdigit((unsigned char)*c))
			d[n++] = *c;
	d[n] = 0;
	/* Keep the last 9 digits: 06 12… and +33 6 12… are the same number. */
	return arena_strdup(a, n > 9 ? d + n - 9 : d);
}

/* Keys of a folded name: every word (searched by prefix) and, for words of
 * 4 letters or more, the word and each of its one-letter deletions marked
 * with '!' (searched exactly): two words within one edit share a key. This
 * is the "symmetric delete" scheme; it costs ~8 rows a word and finds one
 * typo (letter missing, extra, or replaced) with plain index lookups. */
int persons_keys(arena *a, const char *sn, const char ***keys)
{
	int cap = 128, n = 0;
	const char **k = arena_array(a, (size_t)cap, sizeof *k);
	if (!k)
		return 0;
	const char *p = sn;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		size_t len = (size_t)(p - s);
		if (!len)
			continue;
		if (n < cap)
			k[n++] = arena_strndup(a, s, len);
		if (len >= 4 && len <= 24) {
			if (n < cap)
				k[n++] = arena_printf(a, "!%.*s", (int)len, s);
			for (size_t i = 0; i < len && n < cap; i++) {
				if (i > 0 && s[i] == s[i - 1])
					continue; /* deleting either of a double letter gives the same key */
				k[n++] = arena_printf(a, "!%.*s%.*s", (int)i, s, (int)(len - i - 1), s + i + 1);
			}
		}
	}
	*keys = k;
	return n;
}

static db_sql Q_KEYS_DEL = DB_SQL(DB_SCOPED, "DELETE FROM person_keys WHERE structure_id = $1 AND person_id = $2");
static db_sql Q_KEYS_ADD = DB_SQL(DB_SCOPED, "INSERT INTO person_keys (structure_id, key, person_id) VALUES ($1, $2, $3)");

err persons_keys_store(db_conn *c, arena *a, int64_t pid, const char *sn)
{
	const char **keys;
	int n = persons_keys(a, sn, &keys);
	err e = DBX(c, &Q_KEYS_DEL, NULL, A_INT(pid));
	for (int i = 0; e == E_OK && i < n; i++) {
		bool dup = false;
		for (int j = 0; j < i && !dup; j++)
			dup = !strcmp(keys[i], keys[j]);
		if (!dup)
			e = DBX(c, &Q_KEYS_ADD, NULL, A_TEXT(keys[i]), A_INT(pid));
	}
	return e;
}

/* ---- households and members ---------------------------------------------- */

static db_sql Q_COUNTER_NEXT = DB_SQL(DB_SCOPED,
	"UPDATE counters SET value = value + 1 WHERE structure_id = $1 AND name = $2 RETURNING value");
static db_sql Q_COUNTER_INIT = DB_SQL(DB_SCOPED,
	"INSERT INTO counters (structure_id, name, value) VALUES ($1, $2, 0) ON CONFLICT (structure_id, name) DO NOTHING");

err persons_next_file_no(db_conn *c, arena *a, char **out)
{
	int64_t v = 0;
	err e = DBX(c, &Q_COUNTER_INIT, NULL, A_TEXT("household"));
	if (e == E_OK)
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
		e = persons_keys_store(r->db, a, *pid, sn ? sn : "");
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
		         A_TEXT(h->housing && *h->housing ? h->housing : "autre"), A_TEXT(today), A_INT(civil_now()));
	if (e == E_OK)
		e = person_insert(r, *hid, p, pid);
	if (e == E_OK)
		e = persons_timeline_add(r->db, *hid, r->user->id, "household", *hid, "Ouverture du dossier");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "household", *hid, NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
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
		                         arena_printf(r->a, "Arrivée d’un membre (%s)", code_fr(RELATIONS, NRELATIONS, p->relation)));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "create", "person", *pid, NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
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
		e = persons_keys_store(r->db, a, pid, sn ? sn : "");
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "person", pid, "Mise à jour d’une fiche personne");
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "person", pid, NULL);
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
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
		e = persons_timeline_add(r->db, hid, r->user->id, "member", pid, arena_printf(r->a, "Départ d’un membre le %s", date));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "person", pid, "left");
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
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
		        A_TEXT(h->housing && *h->housing ? h->housing : "autre"), A_TEXT(since));
	if (e == E_OK)
		e = persons_timeline_add(r->db, hid, r->user->id, "address", hid, arena_printf(r->a, "Nouvelle adresse depuis le %s", since));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "update", "household", hid, "address");
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
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

err persons_timeline_add(db_conn *c, int64_t hid, int64_t user_id, const char *kind, int64_t ref_id,
                         const char *summary)
{
	return DBX(c, &Q_TL_ADD, NULL, A_INT(hid), A_INT(civil_now()), A_TEXT(kind), A_INT(ref_id),
	           A_TEXT(summary ? summary : ""), A_INT(user_id));
}

bool persons_is_referent(db_conn *c, int64_t hid, int64_t user_id)
{
	int64_t n = 0;
	return DBID(c, &Q_REFERENT, &n, A_INT(hid), A_INT(user_id)) == E_OK && n > 0;
}

static db_sql Q_BRIEF = DB_SQL(DB_SCOPED,
	"SELECT p.id, p.household_id, p.last_name, p.birth_name, p.first_names, p.sex, p.birth_date, p.birth_place, "
	"p.nationality, h.file_no, p.phone, p.active, p.relation, p.email, p.consent_sms, p.consent_email, "
	"trim(h.street_no || ' ' || h.street), trim(h.postcode || ' ' || h.city) FROM persons p "
	"JOIN households h ON h.id = p.household_id WHERE p.structure_id = $1 AND p.id = $2");
static db_sql Q_MAX_MEMBERS = DB_SQL(DB_SCOPED,
	"SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM persons WHERE structure_id = $1 AND active = 1 "
	"GROUP BY household_id) t");

int persons_max_members(db_conn *c)
{
	int64_t n = 0;
	return DBID0(c, &Q_MAX_MEMBERS, &n) == E_OK ? (int)n : -1;
}

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

/* ---- search -------------------------------------------------------------- */

static db_sql Q_S_PREFIX = DB_SQL(DB_SCOPED,
	"SELECT person_id FROM person_keys WHERE structure_id = $1 AND key >= $2 AND key < $3 LIMIT 300");
static db_sql Q_S_EXACT = DB_SQL(DB_SCOPED,
	"SELECT person_id FROM person_keys WHERE structure_id = $1 AND key = $2 LIMIT 200");
static db_sql Q_S_BIRTH = DB_SQL(DB_SCOPED,
	"SELECT id FROM persons WHERE structure_id = $1 AND birth_date = $2 LIMIT 200");
static db_sql Q_S_PHONE = DB_SQL(DB_SCOPED,
	"SELECT id FROM persons WHERE structure_id = $1 AND (phone_digits = $2 OR caf_number = $3) LIMIT 50");
static db_sql Q_S_FILE = DB_SQL(DB_SCOPED,
	"SELECT p.id FROM persons p JOIN households h ON h.id = p.household_id WHERE h.structure_id = $1 "
	"AND h.file_no = $2 AND p.structure_id = $1 LIMIT 20");
/* Candidates' details, fifty at a time. The unary + keeps the planner on
 * the primary key: without statistics, SQLite would rather scan the
 * structure's index. */
static db_sql Q_S_DETAILS = DB_SQL(DB_SCOPED,
	"SELECT p.id, p.household_id, p.last_name, p.birth_name, p.first_names, p.birth_date, p.search_name, h.file_no, "
	"h.last_seen_at, h.street_no || ' ' || h.street, p.relation, p.active, h.archived_at FROM persons p "
	"JOIN households h ON h.id = p.household_id AND h.structure_id = $1 AND h.merged_into IS NULL "
	"WHERE +p.structure_id = $1 AND p.id IN ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, $47, $48, $49, $50, $51)");

typedef struct idset { int64_t *v; int n, cap; } idset;

static void idset_add(arena *a, idset *s, int64_t id)
{
	for (int i = 0; i < s->n; i++)
		if (s->v[i] == id)
			return;
	if (s->n == s->cap) {
		int cap = s->cap ? s->cap * 2 : 64;
		int64_t *nv = arena_array(a, (size_t)cap, sizeof *nv);
		if (!nv)
			return;
		if (s->n)
			memcpy(nv, s->v, sizeof *nv * (size_t)s->n);
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = id;
}

static void collect(db_conn *c, db_sql *q, db_res *r, idset *s, arena *a)
{
	while (db_next(r))
		idset_add(a, s, db_int(r, 0));
	db_close(r);
	(void)c;
	(void)q;
}

/* One typo between a and b (lengths la, lb): Levenshtein distance ≤ 1, or
 * two adjacent letters swapped ("heleen" / "helene"), which is what the
 * symmetric-delete keys find too. */
static bool within_one(const char *a, size_t la, const char *b, size_t lb)
{
	if (la == lb) {
		size_t i = 0;
		while (i < la && a[i] == b[i])
			i++;
		if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && !memcmp(a + i + 2, b + i + 2, la - i - 2))
			return true;
	}
	if (la > lb + 1 || lb > la + 1)
		return false;
	size_t i = 0, j = 0;
	int edits = 0;
	while (i < la && j < lb) {
		if (a[i] == b[j]) {
			i++;
			j++;
			continue;
		}
		if (++edits > 1)
			return false;
		if (la > lb)
			i++;
		else if (lb > la)
			j++;
		else {
			i++;
			j++;
		}
	}
	return edits + (int)(la - i) + (int)(lb - j) <= 1;
}

/* How well query word w matches name sn: 3 exact word, 2 prefix, 1 typo. */
static int word_score(const char *w, const char *sn)
{
	size_t wl = strlen(w);
	int best = 0;
	const char *p = sn;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		size_t len = (size_t)(p - s);
		if (!len)
			continue;
		if (len == wl && !memcmp(s, w, wl))
			return 3;
		if (len > wl && !memcmp(s, w, wl))
			best = best > 2 ? best : 2;
		else if (wl >= 4 && (within_one(w, wl, s, len) || (len > wl && within_one(w, wl, s, wl))))
			best = best > 1 ? best : 1;
	}
	return best;
}

static int hit_cmp(const void *x, const void *y)
{
	const search_hit *a = x, *b = y;
	if (a->score != b->score)
		return b->score - a->score;
	if (a->last_seen != b->last_seen)
		return a->last_seen < b->last_seen ? 1 : -1;
	int c = strcmp(a->last_name, b->last_name);
	return c ? c : (a->person_id > b->person_id) - (a->person_id < b->person_id);
}

static int fetch_details(db_conn *c, arena *a, idset *ids, char **words, int nwords, search_hit **out, int max,
                         int base_score)
{
	search_hit *hits = arena_array(a, (size_t)(ids->n ? ids->n : 1), sizeof *hits);
	int nh = 0;
	for (int off = 0; hits && off < ids->n; off += 50) {
		db_arg args[50];
		for (int i = 0; i < 50; i++)
			args[i] = A_INT(off + i < ids->n ? ids->v[off + i] : 0);
		db_res q = {0};
		if (db_query(c, &Q_S_DETAILS, &q, 50, args) != E_OK) {
			db_close(&q);
			break;
		}
		while (db_next(&q)) {
			const char *sn = db_text(&q, 6);
			int score = base_score;
			bool all = true;
			for (int w = 0; w < nwords && all; w++) {
				int s = word_score(words[w], sn);
				all = s > 0;
				score += s * 10;
			}
			if (!all)
				continue;
			if (!db_int(&q, 11))
				score -= 5; /* left the household: after current members */
			search_hit *h = &hits[nh++];
			h->person_id = db_int(&q, 0);
			h->household_id = db_int(&q, 1);
			h->last_name = db_dup(&q, 2, a);
			h->birth_name = db_dup(&q, 3, a);
			h->first_names = db_dup(&q, 4, a);
			h->birth_date = db_dup(&q, 5, a);
			h->file_no = db_dup(&q, 7, a);
			h->last_seen = db_int(&q, 8);
			h->address = db_dup(&q, 9, a);
			h->relation = db_dup(&q, 10, a);
			h->archived = !db_isnull(&q, 12);
			h->score = score;
		}
		db_close(&q);
	}
	if (nh > 1)
		qsort(hits, (size_t)nh, sizeof *hits, hit_cmp);
	*out = hits;
	return nh < max ? nh : max;
}

static int search(db_conn *c, arena *a, const char *q, search_hit **out, int max)
{
	*out = NULL;
	if (!q)
		return 0;
	char *t = text_trim(a, q);
	if (!t || !*t || strlen(t) > 200)
		return 0;
	idset ids = {0};
	db_res r = {0};
	/* A birth date: 27/03/1984, 27-03-1984 or 1984-03-27. */
	int d, m, y;
	civil_date cd;
	char iso[11];
	if ((sscanf(t, "%2d/%2d/%4d", &d, &m, &y) == 3 || sscanf(t, "%2d-%2d-%4d", &d, &m, &y) == 3) &&
	    strlen(t) == 10) {
		snprintf(iso, sizeof iso, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
		t = iso;
	}
	if (civil_parse(t, &cd)) {
		if (DBQ(c, &Q_S_BIRTH, &r, A_TEXT(t)) == E_OK)
			collect(c, &Q_S_BIRTH, &r, &ids, a);
		return fetch_details(c, a, &ids, NULL, 0, out, max, 0);
	}
	/* A file number "26-0042" or digits (phone, CAF number). */
	size_t digits = 0, other = 0;
	for (const char *p = t; *p; p++)
		isdigit((unsigned char)*p) ? digits++ : strchr(" .-+/", *p) ? 0 : other++;
	if (!other && digits >= 3) {
		if (DBQ(c, &Q_S_FILE, &r, A_TEXT(t)) == E_OK)
			collect(c, &Q_S_FILE, &r, &ids, a);
		if (digits >= 6 && DBQ(c, &Q_S_PHONE, &r, A_TEXT(phone_digits(a, t)), A_TEXT(t)) == E_OK)
			collect(c, &Q_S_PHONE, &r, &ids, a);
		return fetch_details(c, a, &ids, NULL, 0, out, max, 0);
	}
	/* Names: fold, split, look up the longest word (the most selective)
	 * by prefix and by one-typo keys; check every word on the candidates. */
	char *f = text_fold(a, t);
	if (!f || !*f)
		return 0;
	char *words[8];
	int nw = 0;
	for (char *p = f; *p && nw < 8;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		words[nw++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = 0;
	}
	int drv = 0;
	for (int i = 1; i < nw; i++)
		if (strlen(words[i]) > strlen(words[drv]))
			drv = i;
	char *w = words[drv];
	size_t wl = strlen(w);
	/* Stage 1: the driver as a whole word, which is what agents type most;
	 * enough results there and the prefix and typo look-ups are skipped. */
	if (DBQ(c, &Q_S_EXACT, &r, A_TEXT(w)) == E_OK)
		collect(c, &Q_S_EXACT, &r, &ids, a);
	if (ids.n) {
		int n = fetch_details(c, a, &ids, words, nw, out, max, 0);
		if (n >= max)
			return n;
	}
	/* Stage 2: prefix and one typo. */
	char *hi = arena_printf(a, "%s\xf4\x8f\xbf\xbf", w); /* above any key starting with w */
	if (DBQ(c, &Q_S_PREFIX, &r, A_TEXT(w), A_TEXT(hi)) == E_OK)
		collect(c, &Q_S_PREFIX, &r, &ids, a);
	if (wl >= 4 && wl <= 24) {
		const char **keys;
		int nk = persons_keys(a, w, &keys);
		for (int i = 0; i < nk; i++)
			if (keys[i][0] == '!' && DBQ(c, &Q_S_EXACT, &r, A_TEXT(keys[i])) == E_OK)
				collect(c, &Q_S_EXACT, &r, &ids, a);
	}
	return fetch_details(c, a, &ids, words, nw, out, max, 0);
}

int persons_search(db_conn *c, arena *a, const char *q, bool with_archived, search_hit **out, int max)
{
	int n = search(c, a, q, out, max), k = 0;
	if (with_archived)
		return n;
	for (int i = 0; i < n; i++)
		if (!(*out)[i].archived)
			(*out)[k++] = (*out)[i];
	return k;
}

int persons_duplicates(db_conn *c, arena *a, const char *last, const char *first, const char *birth,
                       search_hit **out, int max)
{
	/* Same birth date and a close name, or the same name whatever the
	 * birth date (homonyms are shown too: the agent decides). */
	*out = NULL;
	char *q = arena_printf(a, "%s %s", last ? last : "", first ? first : "");
	search_hit *byname = NULL;
	int n = persons_search(c, a, q, true, &byname, 50);
	search_hit *res = arena_array(a, (size_t)(max > 0 ? max : 1), sizeof *res);
	int k = 0;
	for (int i = 0; res && i < n && k < max; i++) {
		bool same_birth = birth && *birth && byname[i].birth_date && !strcmp(birth, byname[i].birth_date);
		if (same_birth || byname[i].score >= 60 || (!birth || !*birth))
			res[k++] = byname[i];
	}
	if (birth && *birth && k < max) {
		/* Same birth date, last name within one typo but first name typed differently. */
		search_hit *bydate = NULL;
		int nd = persons_search(c, a, birth, true, &bydate, 200);
		char *fl = text_fold(a, last ? last : "");
		for (int i = 0; fl && i < nd && k < max; i++) {
			bool seen = false;
			for (int j = 0; j < k && !seen; j++)
				seen = res[j].person_id == bydate[i].person_id;
			char *sn = persons_search_name(a, bydate[i].last_name, bydate[i].birth_name, "");
			if (!seen && sn && word_score(fl, sn) > 0)
				res[k++] = bydate[i];
		}
	}
	*out = res;
	return k;
}

/* ---- budget: QF and reste à vivre ----------------------------------------- */

static db_sql Q_RULE = DB_SQL(DB_SCOPED,
	"SELECT id, parts_couple, parts_single_parent, parts_single, child1, child2, child3, child_more, disabled_child, "
	"rav_divisor, effective_from FROM qf_rules WHERE structure_id = $1 AND effective_from <= $2 "
	"ORDER BY effective_from DESC LIMIT 1");
static db_sql Q_RULE_DEFAULT = DB_SQL(DB_SCOPED,
	"INSERT INTO qf_rules (structure_id, effective_from, parts_couple, parts_single_parent, parts_single, child1, "
	"child2, child3, child_more, disabled_child, rav_divisor) VALUES ($1, '2000-01-01', 200, 200, 100, 50, 50, 100, "
	"50, 50, 'personnes') ON CONFLICT (structure_id, effective_from) DO NOTHING");
static db_sql Q_MEMBERS_NOW = DB_SQL(DB_SCOPED,
	"SELECT relation, birth_date, disability FROM persons WHERE structure_id = $1 AND household_id = $2 AND active = 1");
static db_sql Q_BUDGET_SUM = DB_SQL(DB_SCOPED,
	"SELECT kind, category, sum(amount) FROM budget_lines WHERE structure_id = $1 AND household_id = $2 "
	"AND month = $3 AND counted = 1 GROUP BY kind, category");
static db_sql Q_TAXABLE = DB_SQL(DB_SCOPED, "SELECT annual_taxable FROM households WHERE structure_id = $1 AND id = $2");

static const char *fmt_parts(arena *a, int64_t x100)
{
	if (x100 % 100 == 0)
		return arena_printf(a, "%lld", (long long)(x100 / 100));
	if (x100 % 10 == 0)
		return arena_printf(a, "%lld,%lld", (long long)(x100 / 100), (long long)(x100 % 100 / 10));
	return arena_printf(a, "%lld,%02lld", (long long)(x100 / 100), (long long)(x100 % 100));
}

err persons_budget(db_conn *c, arena *a, int64_t hid, civil_date month, household_budget *o)
{
	memset(o, 0, sizeof *o);
	char mday[11], mkey[8];
	civil_date first = {month.y, month.m, 1};
	civil_format(first, mday);
	snprintf(mkey, sizeof mkey, "%04u-%02u", (unsigned)month.y % 10000u, (unsigned)month.m % 100u);
	db_res q = {0};
	int64_t rule[9] = {0};
	char *divisor = NULL, *from = NULL;
	err e = DBQ(c, &Q_RULE, &q, A_TEXT(mday));
	if (e == E_OK && !db_next(&q)) {
		db_close(&q);
		e = DBX0(c, &Q_RULE_DEFAULT, NULL);
		if (e == E_OK)
			e = DBQ(c, &Q_RULE, &q, A_TEXT(mday));
		if (e == E_OK && !db_next(&q))
			e = E_DB;
	}
	if (e == E_OK) {
		for (int i = 0; i < 9; i++)
			rule[i] = db_int(&q, i);
		divisor = db_dup(&q, 9, a);
		from = db_dup(&q, 10, a);
	}
	db_close(&q);
	if (e != E_OK)
		return e;
	o->rule_id = rule[0];
	/* Members and their weights. */
	bool couple = false;
	int children = 0, disabled_children = 0;
	int64_t children_half = 0; /* shared-custody children count half */
	int64_t uc = 0;
	int adults = 0;
	civil_date ref = {month.y, month.m, 1};
	e = DBQ(c, &Q_MEMBERS_NOW, &q, A_INT(hid));
	int rank = 0;
	int64_t child_parts = 0;
	while (e == E_OK && db_next(&q)) {
		const char *rel = db_text(&q, 0);
		civil_date b;
		int age = civil_parse(db_text(&q, 1), &b) ? civil_age(b, ref) : 30;
		o->members++;
		if (!strcmp(rel, "conjoint"))
			couple = true;
		bool child = !strcmp(rel, "enfant") || !strcmp(rel, "enfant_alterne");
		bool shared = !strcmp(rel, "enfant_alterne");
		if (child) {
			children++;
			rank++;
			int64_t inc = rank == 1 ? rule[4] : rank == 2 ? rule[5] : rank == 3 ? rule[6] : rule[7];
			if (db_int(&q, 2)) {
				inc += rule[8];
				disabled_children++;
			}
			child_parts += shared ? inc / 2 : inc;
			if (shared)
				children_half++;
		} else {
			adults++;
		}
		/* Consumption units (OECD modified): first adult 1, others 14+ 0.5, under 14 0.3; shared custody halves. */
		int64_t w = (uc == 0 && !child) ? 100 : (age >= 14 ? 50 : 30);
		uc += shared ? w / 2 : w;
	}
	db_close(&q);
	if (e != E_OK)
		return e;
	o->children = children;
	o->adults = adults;
	int64_t base = couple ? rule[1] : children ? rule[2] : rule[3];
	o->parts_x100 = base + child_parts;
	o->uc_x100 = uc ? uc : 100;
	/* Resources and charges of the month. */
	e = DBQ(c, &Q_BUDGET_SUM, &q, A_INT(hid), A_TEXT(mkey));
	while (e == E_OK && db_next(&q)) {
		int64_t v = db_int(&q, 2);
		if (!strcmp(db_text(&q, 0), "R")) {
			o->resources += v;
			if (!strcmp(db_text(&q, 1), "prestations_familiales"))
				o->family_benefits += v;
		} else {
			o->charges += v;
		}
	}
	db_close(&q);
	int64_t taxable = 0;
	bool has_taxable = false;
	if (e == E_OK && DBQ(c, &Q_TAXABLE, &q, A_INT(hid)) == E_OK && db_next(&q) && !db_isnull(&q, 0)) {
		taxable = db_int(&q, 0);
		has_taxable = true;
	}
	db_close(&q);
	buf ex;
	buf_init(&ex, a, 512);
	char from_fr[11];
	civil_iso_to_fr(from, from_fr);
	buf_printf(&ex, "Règles en vigueur depuis le %s. Parts : %s (%s", from_fr, fmt_parts(a, o->parts_x100),
	           couple ? "couple" : children ? "parent isolé" : "personne seule");
	buf_printf(&ex, " %s", fmt_parts(a, base));
	if (children)
		buf_printf(&ex, " + %d enfant%s %s", children, children > 1 ? "s" : "", fmt_parts(a, child_parts));
	if (children_half)
		buf_printf(&ex, ", dont %lld en garde alternée compté%s pour moitié", (long long)children_half,
		           children_half > 1 ? "s" : "");
	if (disabled_children)
		buf_printf(&ex, ", dont %d en situation de handicap", disabled_children);
	buf_adds(&ex, "). ");
	/* QF = (annual taxable income / 12 + monthly family benefits) / parts.
	 * Without a tax notice, the month's resources other than family
	 * benefits stand in for the taxable income (said in the explanation).
	 * Rounding: to the cent, half away from zero, once, at the end. */
	int64_t monthly_income = has_taxable ? money_div_round(taxable, 12) : o->resources - o->family_benefits;
	o->qf = money_div_round((monthly_income + o->family_benefits) * 100, o->parts_x100);
	if (has_taxable)
		buf_printf(&ex, "QF = (revenu imposable %s / 12 + prestations familiales %s) / %s part%s = %s. ",
		           money_format(a, taxable), money_format(a, o->family_benefits), fmt_parts(a, o->parts_x100),
		           o->parts_x100 > 100 ? "s" : "", money_format(a, o->qf));
	else
		buf_printf(&ex, "QF = (ressources du mois hors prestations familiales %s + prestations familiales %s) / %s part%s = %s "
		                "(pas d’avis d’imposition saisi). ",
		           money_format(a, monthly_income), money_format(a, o->family_benefits), fmt_parts(a, o->parts_x100),
		           o->parts_x100 > 100 ? "s" : "", money_format(a, o->qf));
	o->rav_month = o->resources - o->charges;
	int64_t div_x100 = !strcmp(divisor, "parts") ? o->parts_x100 : !strcmp(divisor, "uc") ? o->uc_x100
	                                                                                      : (int64_t)o->members * 100;
	if (div_x100 <= 0)
		div_x100 = 100;
	o->rav_day_person = money_div_round(o->rav_month * 100, div_x100 * 30);
	buf_printf(&ex, "Reste à vivre = ressources %s − charges %s = %s par mois, soit %s par %s et par jour (÷ %s ÷ 30).",
	           money_format(a, o->resources), money_format(a, o->charges), money_format(a, o->rav_month),
	           money_format(a, o->rav_day_person),
	           !strcmp(divisor, "parts") ? "part" : !strcmp(divisor, "uc") ? "unité de consommation" : "personne",
	           fmt_parts(a, div_x100));
	o->explain = buf_cstr(&ex);
	return E_OK;
}

/* ---- merge ---------------------------------------------------------------- */

static db_sql Q_MV_PERSONS = DB_SQL(DB_SCOPED, "UPDATE persons SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_MEMBERS = DB_SQL(DB_SCOPED, "UPDATE household_members SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_BUDGET = DB_SQL(DB_SCOPED, "UPDATE budget_lines SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_NOTES = DB_SQL(DB_SCOPED, "UPDATE notes SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_ALERTS = DB_SQL(DB_SCOPED, "UPDATE alerts SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_DOCS = DB_SQL(DB_SCOPED, "UPDATE documents SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_TL = DB_SQL(DB_SCOPED, "UPDATE timeline SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_ADDR = DB_SQL(DB_SCOPED, "UPDATE household_addresses SET household_id = $3 WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_MV_REF = DB_SQL(DB_SCOPED,
	"INSERT INTO referents (structure_id, household_id, user_id) SELECT structure_id, $3, user_id FROM referents "
	"WHERE structure_id = $1 AND household_id = $2 ON CONFLICT (structure_id, household_id, user_id) DO NOTHING");
static db_sql Q_MERGED = DB_SQL(DB_SCOPED,
	"UPDATE households SET merged_into = $3, version = version + 1 WHERE structure_id = $1 AND id = $2 AND merged_into IS NULL");

/* Moves everything of household `gone` into `keep`; `gone` stays, marked
 * merged, so links and the journal still resolve. Other modules' records
 * keep pointing to `gone` and are shown through merged_into. */
err persons_merge(web_req *r, int64_t keep, int64_t gone)
{
	if (keep == gone)
		return E_INPUT;
	if (!persons_household_exists(r->db, keep) || !persons_household_exists(r->db, gone))
		return E_NOT_FOUND;
	int64_t n = 0;
	err e = db_begin(r->db, true);
	db_sql *moves[] = {&Q_MV_PERSONS, &Q_MV_MEMBERS, &Q_MV_BUDGET, &Q_MV_NOTES, &Q_MV_ALERTS, &Q_MV_DOCS, &Q_MV_TL,
	                   &Q_MV_ADDR, &Q_MV_REF};
	for (size_t i = 0; e == E_OK && i < sizeof moves / sizeof *moves; i++)
		e = DBX(r->db, moves[i], NULL, A_INT(gone), A_INT(keep));
	if (e == E_OK)
		e = DBX(r->db, &Q_MERGED, &n, A_INT(gone), A_INT(keep));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = persons_timeline_add(r->db, keep, r->user->id, "merge", gone,
		                         arena_printf(r->a, "Fusion du dossier %s dans celui-ci", nz(persons_file_no(r->db, r->a, gone))));
	if (e == E_OK)
		e = journal_record(r->db, r->user->id, "merge", "household", keep, arena_printf(r->a, "from=%lld", (long long)gone));
	return e == E_OK ? db_commit(r->db) : (db_rollback(r->db), e);
}

int persons_find(db_conn *c, arena *a, const char *q, int64_t *pids, int64_t *hids, int max)
{
	search_hit *h;
	int n = persons_search(c, a, q, true, &h, max);
	for (int i = 0; i < n; i++) {
		pids[i] = h[i].person_id;
		hids[i] = h[i].household_id;
	}
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

static bool import_person_ok(const person_new *p, const char **why)
{
	civil_date d;
	if (!p->last_name || !*p->last_name || strlen(p->last_name) > 100 || !p->first_names || !*p->first_names ||
	    strlen(p->first_names) > 150) {
		*why = "nom et prénom obligatoires (100 et 150 caractères au plus)";
		return false;
	}
	if (p->birth_date && *p->birth_date && !civil_parse(p->birth_date, &d)) {
		*why = "date de naissance invalide";
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
		e = persons_keys_store(c, a, *pid, sn ? sn : "");
	return e;
}

err persons_import_household(db_conn *c, arena *a, int64_t user_id, const household_new *h, const person_new *ap,
                             const person_new *deps, int ndeps, const char *today, int64_t *hid, int64_t *pid, const char **why)
{
	*why = NULL;
	if (!import_person_ok(ap, why))
		return E_INPUT;
	for (int i = 0; i < ndeps; i++)
		if (!import_person_ok(&deps[i], why))
			return E_INPUT;
	char *file_no = NULL;
	err e = persons_next_file_no(c, a, &file_no);
	if (e == E_OK)
		e = DBID(c, &Q_H_ADD, hid, A_TEXT(file_no), A_TEXT(h && h->street_no ? h->street_no : ""),
		         A_TEXT(h && h->street ? h->street : ""), A_TEXT(h && h->postcode ? h->postcode : ""),
		         A_TEXT(h && h->city ? h->city : ""), A_TEXT(""), A_TEXT(h && h->housing ? h->housing : "sans_abri"), A_TEXT(today),
		         A_INT(civil_now()));
	if (e == E_OK)
		e = import_person(c, a, *hid, ap, "demandeur", today, pid);
	for (int i = 0; e == E_OK && i < ndeps; i++) {
		int64_t dp;
		const char *rel = deps[i].relation && code_valid(RELATIONS, NRELATIONS, deps[i].relation) ? deps[i].relation : "autre";
		e = import_person(c, a, *hid, &deps[i], rel, today, &dp);
	}
	if (e == E_OK)
		e = persons_timeline_add(c, *hid, user_id, "household", *hid, "Dossier repris d’un import");
	return e;
}

err persons_import_member(db_conn *c, arena *a, int64_t hid, const person_new *p, const char *today, int64_t *pid,
                          const char **why)
{
	*why = NULL;
	if (!import_person_ok(p, why))
		return E_INPUT;
	const char *rel = p->relation && code_valid(RELATIONS, NRELATIONS, p->relation) ? p->relation : "autre";
	return import_person(c, a, hid, p, rel, today, pid);
}

/* Same person: same birth date, same folded surname and first names
 * (accents, case and punctuation aside), still in a household that was
 * not merged away. */
static db_sql Q_MATCH = DB_SQL(DB_SCOPED,
	"SELECT p.id, p.household_id, p.last_name, p.first_names FROM persons p JOIN households h ON h.id = p.household_id "
	"AND h.structure_id = $1 AND h.merged_into IS NULL WHERE p.structure_id = $1 AND p.birth_date = $2 ORDER BY p.id");

bool persons_match(db_conn *c, arena *a, const char *last_name, const char *first_names, const char *birth_date, int64_t *pid,
                   int64_t *hid)
{
	*pid = *hid = 0;
	if (!birth_date || !*birth_date)
		return false;
	char *l = text_fold(a, last_name ? last_name : ""), *f = text_fold(a, first_names ? first_names : "");
	db_res q = {0};
	if (l && f && DBQ(c, &Q_MATCH, &q, A_TEXT(birth_date)) == E_OK)
		while (!*pid && db_next(&q)) {
			char *l2 = text_fold(a, db_text(&q, 2)), *f2 = text_fold(a, db_text(&q, 3));
			if (l2 && f2 && !strcmp(l, l2) && !strcmp(f, f2)) {
				*pid = db_int(&q, 0);
				*hid = db_int(&q, 1);
			}
		}
	db_close(&q);
	return *pid != 0;
}
