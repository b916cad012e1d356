/* persons_subject.c — "what do you hold about me?" (RGPD art. 15): every
 * record about a person gathered in one JSON document and one readable
 * PDF, for the DPO or a manager. This module gives the person, their
 * household, budget, notes, documents (described, not their bytes) and
 * timeline; other modules add theirs through their descriptors (module.h);
 * the journal adds who read the file. Each export is journaled. */
#include <stdio.h>
#include <string.h>
#include "core/countof.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/module.h"
#include "modules/persons/persons_internal.h"
#include "web/html.h"
#include "web/layout.h"
#include "core/money.h"
#include "web/pdf.h"
#include "core/log.h"
#include "core/banned.h"

json_t *persons_rows_json(db_res *q, const char *const *names, int n)
{
	json_t *arr = json_array();
	while (db_next(q)) {
		json_t *o = json_object();
		for (int i = 0; i < n; i++)
			json_object_set_new(o, names[i], db_isnull(q, i) ? json_null() : json_string(db_text(q, i)));
		json_array_append_new(arr, o);
	}
	db_close(q);
	return arr;
}

static db_sql Q_PERSON = DB_SQL(DB_SCOPED,
	"SELECT household_id, relation, last_name, birth_name, first_names, sex, birth_date, birth_place, nationality, phone, email, "
	"channel, consent_sms, consent_email, employment, health_cover, protection, representative, disability, gir, student, "
	"caf_number, active, created_at, updated_at FROM persons WHERE structure_id = $1 AND id = $2");
static const char *const PERSON_COLS[] = {"household_id", "relation", "last_name", "birth_name", "first_names", "sex", "birth_date",
	"birth_place", "nationality", "phone", "email", "channel", "consent_sms", "consent_email", "employment", "health_cover",
	"protection", "representative", "disability", "gir", "student", "caf_number", "active", "created_at", "updated_at"};
static db_sql Q_HOUSEHOLD = DB_SQL(DB_SCOPED,
	"SELECT file_no, street_no, street, postcode, city, neighbourhood, housing, address_since, created_at FROM households "
	"WHERE structure_id = $1 AND id = $2");
static const char *const HOUSEHOLD_COLS[] = {"file_no", "street_no", "street", "postcode", "city", "neighbourhood", "housing",
	"address_since", "created_at"};
static db_sql Q_MEMBERS = DB_SQL(DB_SCOPED,
	"SELECT m.relation, p.last_name, p.first_names, m.from_date, m.to_date FROM household_members m JOIN persons p "
	"ON p.structure_id = m.structure_id AND p.id = m.person_id WHERE m.structure_id = $1 AND m.household_id = $2 ORDER BY m.id");
static const char *const MEMBER_COLS[] = {"relation", "last_name", "first_names", "from", "to"};
static db_sql Q_BUDGET = DB_SQL(DB_SCOPED,
	"SELECT month, kind, category, amount, person_id FROM budget_lines WHERE structure_id = $1 AND household_id = $2 "
	"ORDER BY month, id");
static const char *const BUDGET_COLS[] = {"month", "kind", "category", "amount_cents", "person_id"};
static db_sql Q_NOTES = DB_SQL(DB_SCOPED,
	"SELECT n.created_at, n.visibility, u.display_name, n.body FROM notes n LEFT JOIN agent_names u ON u.id = n.author_id "
	"WHERE n.structure_id = $1 AND n.household_id = $2 ORDER BY n.created_at");
/* Only the DPO's export is complete; anyone else's applies the rule of the
 * household page (team notes, one's own, and the referents' notes for a
 * referent), and the export says how many notes it left out. */
static db_sql Q_NOTES_VISIBLE = DB_SQL(DB_SCOPED,
	"SELECT n.created_at, n.visibility, u.display_name, n.body FROM notes n LEFT JOIN agent_names u ON u.id = n.author_id "
	"WHERE n.structure_id = $1 AND n.household_id = $2 AND (n.visibility = 'equipe' OR n.author_id = $3 OR "
	"(n.visibility = 'referents' AND EXISTS (SELECT 1 FROM referents r WHERE r.structure_id = $1 "
	"AND r.household_id = n.household_id AND r.user_id = $3))) ORDER BY n.created_at");
static db_sql Q_NOTES_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM notes WHERE structure_id = $1 AND household_id = $2");
static const char *const NOTE_COLS[] = {"at", "visibility", "author", "text"};
static db_sql Q_ALERTS = DB_SQL(DB_SCOPED,
	"SELECT created_at, text, ended_at FROM alerts WHERE structure_id = $1 AND household_id = $2 ORDER BY id");
static const char *const ALERT_COLS[] = {"at", "text", "ended_at"};
static db_sql Q_DOCS = DB_SQL(DB_SCOPED,
	"SELECT kind, filename, mime, size, valid_until, created_at FROM documents WHERE structure_id = $1 AND household_id = $2 "
	"AND (person_id IS NULL OR person_id = $3) ORDER BY id");
static const char *const DOC_COLS[] = {"kind", "filename", "type", "size", "valid_until", "uploaded_at"};
static db_sql Q_TIMELINE = DB_SQL(DB_SCOPED,
	"SELECT at, kind, summary FROM timeline WHERE structure_id = $1 AND household_id = $2 ORDER BY at, id");
static const char *const TIMELINE_COLS[] = {"at", "kind", "summary"};
static db_sql Q_NOTICES = DB_SQL(DB_SCOPED,
	"SELECT created_at, channel, subject, body, status, sent_at, last_error FROM notices WHERE structure_id = $1 AND person_id = $2 "
	"ORDER BY id");
static const char *const NOTICE_COLS[] = {"at", "channel", "message_subject", "text", "status", "sent_at", "why"};

/* Everything held about the person, or NULL if unknown in the structure. */
static json_t *gather(web_req *r, int64_t pid)
{
	db_res q = {0};
	if (DBQ(r->db, &Q_PERSON, &q, A_INT(pid)) != E_OK) {
		db_close(&q);
		return NULL;
	}
	json_t *person = persons_rows_json(&q, PERSON_COLS, COUNTOF(PERSON_COLS));
	if (json_array_size(person) != 1) {
		json_decref(person);
		return NULL;
	}
	json_t *p = json_incref(json_array_get(person, 0));
	json_decref(person);
	int64_t hid = 0;
	text_to_int64(json_string_value(json_object_get(p, "household_id")), 1, INT64_MAX, &hid);
	structure_info si;
	if (accounts_structure_info(r->db, r->a, r->user->structure_id, &si) != E_OK) {
		json_decref(p);
		return NULL;
	}
	json_t *o = json_object();
	json_object_set_new(o, "structure", json_pack("{s:s,s:s,s:s}", "name", si.name, "dpo", si.dpo, "email", si.email));
	json_object_set_new(o, "person_id", json_integer(pid));
	json_object_set_new(o, "person", p);
	DBQ(r->db, &Q_HOUSEHOLD, &q, A_INT(hid));
	json_t *h = persons_rows_json(&q, HOUSEHOLD_COLS, COUNTOF(HOUSEHOLD_COLS));
	json_object_set_new(o, "household", json_incref(json_array_get(h, 0)));
	json_decref(h);
	DBQ(r->db, &Q_MEMBERS, &q, A_INT(hid));
	json_object_set_new(o, "household_members", persons_rows_json(&q, MEMBER_COLS, COUNTOF(MEMBER_COLS)));
	DBQ(r->db, &Q_BUDGET, &q, A_INT(hid));
	json_object_set_new(o, "resources_and_charges", persons_rows_json(&q, BUDGET_COLS, COUNTOF(BUDGET_COLS)));
	bool complete = r->user->role == ROLE_DPO;
	if (complete)
		DBQ(r->db, &Q_NOTES, &q, A_INT(hid));
	else
		DBQ(r->db, &Q_NOTES_VISIBLE, &q, A_INT(hid), A_INT(r->user->id));
	json_t *notes = persons_rows_json(&q, NOTE_COLS, COUNTOF(NOTE_COLS));
	int64_t all_notes = 0;
	DBID(r->db, &Q_NOTES_COUNT, &all_notes, A_INT(hid));
	json_object_set_new(o, "notes", notes);
	json_object_set_new(o, "complete", json_boolean(complete));
	if (!complete) {
		int64_t withheld = all_notes - (int64_t)json_array_size(notes);
		json_object_set_new(o, "withheld", json_pack("{s:I,s:s}", "notes", (json_int_t)withheld, "why",
		                                             "Export établi par un rôle autre que le DPO : il ne contient que ce que ce rôle "
		                                             "peut lire. Les notes réservées à leur auteur ou aux référents du foyer n’y figurent "
		                                             "pas ; seul le délégué à la protection des données produit l’export complet."));
	}
	DBQ(r->db, &Q_ALERTS, &q, A_INT(hid));
	json_object_set_new(o, "alerts", persons_rows_json(&q, ALERT_COLS, COUNTOF(ALERT_COLS)));
	DBQ(r->db, &Q_DOCS, &q, A_INT(hid), A_INT(pid));
	json_object_set_new(o, "documents", persons_rows_json(&q, DOC_COLS, COUNTOF(DOC_COLS)));
	DBQ(r->db, &Q_TIMELINE, &q, A_INT(hid));
	json_object_set_new(o, "timeline", persons_rows_json(&q, TIMELINE_COLS, COUNTOF(TIMELINE_COLS)));
	DBQ(r->db, &Q_NOTICES, &q, A_INT(pid));
	json_object_set_new(o, "notices", persons_rows_json(&q, NOTICE_COLS, COUNTOF(NOTICE_COLS)));
	for (int i = 0; i < module_count(); i++) {
		const module *m = module_at(i);
		if (!m->subject)
			continue;
		json_t *s = json_array();
		m->subject(r->db, r->a, pid, hid, s);
		json_object_set_new(o, m->subject_key, s);
	}
	json_t *acc = json_array();
	journal_about(r->db, "household", hid, acc);
	journal_about(r->db, "person", pid, acc);
	json_object_set_new(o, "accesses", acc);
	return o;
}

static json_t *load_or_404(web_req *r)
{
	json_t *o = gather(r, r->param[0]);
	if (!o)
		web_error(r, E_NOT_FOUND, NULL);
	return o;
}

static void export_json(web_req *r)
{
	json_t *o = load_or_404(r);
	if (!o)
		return;
	journal_record(r->db, r->user->id, "export", "person", r->param[0],
	               json_is_true(json_object_get(o, "complete")) ? "subject access json complete" : "subject access json partial");
	web_header(r, arena_printf(r->a, "Content-Disposition: attachment; filename=\"donnees-personne-%lld.json\"", (long long)r->param[0]));
	web_json(r, 200, o);
}

/* French titles for the sections of the PDF. */
static const char *title_of(const char *key)
{
	static const char *const map[][2] = {{"person", "Identité et situation"}, {"household", "Foyer"},
		{"household_members", "Composition du foyer"}, {"resources_and_charges", "Ressources et charges"}, {"notes", "Notes de suivi"},
		{"alerts", "Alertes"}, {"documents", "Pièces justificatives (description)"}, {"timeline", "Parcours"}, {"notices", "Avis envoyés (SMS, e-mail)"},
		{"accesses", "Consultations du dossier (journal des accès)"}, {"contacts", "Contacts avec le CCAS"},
		{"domiciliation", "Domiciliation"}, {"optional_aid", "Aides facultatives"},
		{"statutory_aid_files", "Aide sociale légale (dossiers transmis pour vous)"}};
	for (int i = 0; i < COUNTOF(map); i++)
		if (!strcmp(map[i][0], key))
			return map[i][1];
	return key;
}

/* The fields as a person reads them: a French label, and its value
 * written the French way (dates, euros, yes/no, the lists' words). */
static const char *const LABELS[][2] = {
	{"relation", "Place dans le foyer"}, {"last_name", "Nom"}, {"birth_name", "Nom de naissance"}, {"first_names", "Prénoms"},
	{"sex", "Sexe"}, {"birth_date", "Date de naissance"}, {"birth_place", "Lieu de naissance"}, {"nationality", "Nationalité"},
	{"phone", "Téléphone"}, {"email", "E-mail"}, {"channel", "Moyen de contact"}, {"consent_sms", "Accepte les SMS"},
	{"consent_email", "Accepte les e-mails"}, {"employment", "Situation professionnelle"}, {"health_cover", "Couverture maladie"},
	{"protection", "Mesure de protection"}, {"representative", "Représentant"}, {"disability", "Handicap"}, {"gir", "GIR"},
	{"student", "Étudiant"}, {"caf_number", "N° d’allocataire CAF"}, {"active", "Membre actuel du foyer"},
	{"created_at", "Créé le"}, {"updated_at", "Modifié le"}, {"file_no", "N° de dossier"}, {"street_no", "Numéro"},
	{"street", "Voie"}, {"postcode", "Code postal"}, {"city", "Commune"}, {"neighbourhood", "Quartier"}, {"housing", "Logement"},
	{"address_since", "À cette adresse depuis le"}, {"from", "Depuis le"}, {"to", "Jusqu’au"}, {"month", "Mois"},
	{"kind", "Nature"}, {"category", "Catégorie"}, {"amount_cents", "Montant"}, {"at", "Le"}, {"visibility", "Visibilité"},
	{"author", "Auteur"}, {"text", "Texte"}, {"ended_at", "Terminée le"}, {"filename", "Fichier"}, {"type", "Format"},
	{"size", "Taille (octets)"}, {"valid_until", "Valable jusqu’au"}, {"uploaded_at", "Déposé le"}, {"summary", "Événement"},
	{"motive", "Motif"}, {"answer", "Réponse apportée"}, {"orientation", "Orientation"}, {"minutes", "Durée (minutes)"},
	{"status", "État"}, {"requested_on", "Demandée le"}, {"interview_on", "Entretien le"}, {"interview_place", "Lieu de l’entretien"},
	{"link", "Lien avec la commune"}, {"household_type", "Composition"}, {"cause", "Cause"}, {"reason", "Motif"},
	{"first_on", "Première domiciliation le"}, {"start_on", "Valable du"}, {"end_on", "Valable jusqu’au"},
	{"decided_on", "Décidée le"}, {"refusal_motive", "Motif du refus"}, {"struck_on", "Radiée le"},
	{"strike_motive", "Motif de la radiation"}, {"last_contact_on", "Dernier contact le"}, {"mail_items", "Courriers reçus"},
	{"proxies_count", "Mandataires"}, {"former_number", "Ancien numéro"}, {"usage_name_or_nickname", "Nom d’usage ou surnom"},
	{"request_type", "Type de demande"}, {"aid", "Aide"}, {"purpose", "Objet"}, {"bill_cents", "Facture"},
	{"proposed_cents", "Montant proposé par le règlement"}, {"explanation", "Calcul"}, {"opinion", "Avis de l’instructeur"},
	{"opinion_cents", "Montant proposé par l’instructeur"}, {"opinion_reason", "Motivation de l’avis"}, {"decision", "Décision"},
	{"granted_cents", "Montant accordé"}, {"decision_motive", "Motif de la décision"}, {"notified_on", "Notifiée le"},
	{"payment_mode", "Mode de paiement"}, {"paid_cents", "Montant payé"}, {"paid_on", "Payée le"}, {"end_reason", "Motif de fin"},
	{"lodged_on", "Déposé le"}, {"forwarded_on", "Transmis le"}, {"answer", "Réponse"}, {"answer_on", "Réponse reçue le"},
	{"renewal_on", "À renouveler avant le"},
	{"message_subject", "Objet du message"}, {"sent_at", "Envoyé le"}, {"why", "Raison"},
	{"user", "Agent"}, {"action", "Action"}, {"detail", "Détail"}, {"object", "Fiche"},
};
/* Codes that read as words. */
static const char *const WORDS[][2] = {
	{"F", "femme"}, {"M", "homme"}, {"demandeur", "demandeur"}, {"conjoint", "conjoint(e)"}, {"enfant", "enfant"},
	{"enfant_alterne", "enfant en garde alternée"}, {"enfant_majeur", "enfant majeur"}, {"heberge", "personne hébergée"},
	{"ressource", "ressource"}, {"charge", "charge"}, {"equipe", "toute l’équipe"}, {"referents", "les référents du foyer"},
	{"auteur", "son auteur seulement"}, {"active", "active"}, {"radiee", "radiée"}, {"refusee", "refusée"},
	{"instruction", "en instruction"}, {"attente_decision", "en attente de décision"}, {"accorde", "accordée"},
	{"refuse", "refusée"}, {"favorable", "favorable"}, {"defavorable", "défavorable"}, {"brouillon", "brouillon"},
	{"deposee", "déposée"}, {"instruite", "instruite"}, {"inscrite", "inscrite en commission"}, {"decidee", "décidée"},
	{"notifiee", "notifiée"}, {"close", "close"}, {"retiree", "retirée"}, {"annulee", "annulée"}, {"visite", "visite"},
	{"telephone", "téléphone"}, {"visite_domicile", "visite à domicile"}, {"tiers", "par un tiers"}, {"courrier", "courrier"},
	{"email", "e-mail"}, {"partenaire", "vers un partenaire"}, {"agent", "vers un agent"}, {"service", "vers un service du CCAS"},
	{"read", "consultation"}, {"create", "création"}, {"update", "modification"},
	{"export", "export"}, {"household", "dossier"}, {"person", "personne"}, {"sms", "SMS"}, {"envoye", "envoyé"},
	{"echec", "non envoyé"}, {"annule", "annulé"}, {"attente", "à envoyer"}, {"ouvert", "en cours de constitution"},
	{"transmis", "transmis à l’organisme"}, {"repondu", "réponse reçue"}, {"clos", "clos"}, {"partiel", "accordée en partie"},
};

static const char *word(const char *const (*list)[2], int n, const char *k)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i][0], k))
			return list[i][1];
	return NULL;
}

static bool ends_with(const char *s, const char *t)
{
	size_t n = strlen(s), k = strlen(t);
	return n >= k && !strcmp(s + n - k, t);
}

static const char *value_fr(web_req *r, const char *key, json_t *v)
{
	if (json_is_integer(v) || (json_is_string(v) && *json_string_value(v))) {
		const char *s = json_is_string(v) ? json_string_value(v) : arena_printf(r->a, "%lld", (long long)json_integer_value(v));
		int64_t n;
		bool num = text_to_int64(s, INT64_MIN / 2, INT64_MAX / 2, &n);
		if (num && (!strcmp(key, "at") || ends_with(key, "_at")) && n > 100000) {
			struct tm tm;
			char when[40] = "";
			if (civil_local_time(r->user->tz, (time_t)n, &tm))
				strftime(when, sizeof when, "%d/%m/%Y à %H:%M", &tm);
			return arena_strdup(r->a, when);
		}
		if (num && ends_with(key, "_cents"))
			return n ? money_format(r->a, n) : NULL; /* no amount: nothing to say */
		if (!strcmp(key, "consent_sms") || !strcmp(key, "consent_email") || !strcmp(key, "active") || !strcmp(key, "student") ||
		    !strcmp(key, "disability"))
			return n ? "oui" : "non";
		/* The persons' own lists. */
		static const struct { const char *key; const code *list; const int *n; } LISTS[] = {
			{"relation", RELATIONS, &NRELATIONS}, {"nationality", NATIONALITIES, &NNATIONALITIES},
			{"employment", EMPLOYMENTS, &NEMPLOYMENTS}, {"health_cover", HEALTH, &NHEALTH}, {"protection", PROTECTIONS, &NPROTECTIONS},
			{"channel", CHANNELS, &NCHANNELS}, {"visibility", VISIBILITIES, &NVISIBILITIES},
		};
		for (int i = 0; i < COUNTOF(LISTS); i++)
			if (!strcmp(key, LISTS[i].key) && code_ok(LISTS[i].list, *LISTS[i].n, s))
				return code_label(LISTS[i].list, *LISTS[i].n, s);
		if (!strcmp(key, "category"))
			return code_ok(RESOURCE_CATS, NRESOURCE_CATS, s) ? code_label(RESOURCE_CATS, NRESOURCE_CATS, s)
			       : code_ok(CHARGE_CATS, NCHARGE_CATS, s)   ? code_label(CHARGE_CATS, NCHARGE_CATS, s) : s;
		if (!strcmp(key, "kind") && (!strcmp(s, "R") || !strcmp(s, "C")))
			return *s == 'R' ? "ressource" : "charge";
		if (!strcmp(key, "kind") && code_ok(DOC_KINDS, NDOC_KINDS, s))
			return code_label(DOC_KINDS, NDOC_KINDS, s);
		if (!strcmp(key, "kind"))
			return module_code_label(s);
		if (!strcmp(key, "month") && strlen(s) == 7)
			return arena_printf(r->a, "%.2s/%.4s", s + 5, s);
		civil_date d;
		if (civil_parse(s, &d))
			return civil_fr(r->a, s);
		if (!strcmp(key, "housing"))
			return code_label(HOUSING, NHOUSING, s);
		const char *w = word(WORDS, COUNTOF(WORDS), s);
		return w ? w : civil_fr_dates_in(r->a, s);
	}
	return NULL;
}

/* One record: a line per field that says something; internal numbers left out. */
static void pdf_object(web_req *r, pdf_doc *pd, json_t *o)
{
	const char *k;
	json_t *v;
	int shown = 0;
	json_object_foreach(o, k, v)
	{
		if (!strcmp(k, "household_id") || !strcmp(k, "person_id") || !strcmp(k, "id"))
			continue;
		const char *val = value_fr(r, k, v);
		if (!val || !*val)
			continue;
		const char *label = word(LABELS, COUNTOF(LABELS), k);
		pdf_field(pd, label ? label : k, val);
		shown++;
	}
	if (!shown)
		pdf_para(pd, "Rien d’enregistré.");
	pdf_space(pd, 4);
}

/* The journal's readings: one line each. */
static void pdf_accesses(web_req *r, pdf_doc *pd, json_t *arr)
{
	size_t i;
	json_t *e;
	if (!json_array_size(arr))
		pdf_para(pd, "Aucune consultation enregistrée.");
	json_array_foreach(arr, i, e)
	{
		const char *det = json_string_value(json_object_get(e, "detail"));
		pdf_small(pd, arena_printf(r->a, "%s — %s — %s%s%s", value_fr(r, "at", json_object_get(e, "at")),
		                           json_string_value(json_object_get(e, "user")) && *json_string_value(json_object_get(e, "user"))
		                               ? json_string_value(json_object_get(e, "user")) : "système",
		                           journal_action_fr(json_string_value(json_object_get(e, "action"))), det && *det ? " : " : "",
		                           det && *det ? journal_detail_fr(r->a, r->user->tz, det, NULL, NULL) : ""));
	}
}

static void export_pdf(web_req *r)
{
	json_t *o = load_or_404(r);
	if (!o)
		return;
	const char *why;
	pdf_doc *pd = pdf_new("Données personnelles détenues", &why);
	if (!pd) {
		json_decref(o);
		web_error(r, E_INTERNAL, why);
		return;
	}
	json_t *st = json_object_get(o, "structure"), *p = json_object_get(o, "person");
	pdf_small(pd, json_string_value(json_object_get(st, "name")));
	pdf_space(pd, 8);
	pdf_heading(pd, arena_printf(r->a, "Données détenues sur %s %s", json_string_value(json_object_get(p, "first_names")),
	                             json_string_value(json_object_get(p, "last_name"))));
	pdf_para(pd, "Document établi au titre du droit d’accès (article 15 du règlement général sur la protection des données). "
	             "Il reprend tout ce que le centre communal d’action sociale enregistre vous concernant, vous et votre foyer, "
	             "ainsi que la liste des consultations de votre dossier. Pour faire rectifier ou effacer une information, "
	             "adressez-vous au délégué à la protection des données.");
	const char *dpo = json_string_value(json_object_get(st, "dpo"));
	if (dpo && *dpo)
		pdf_field(pd, "Délégué à la protection des données", dpo);
	bool complete = json_is_true(json_object_get(o, "complete"));
	json_t *wh = json_object_get(o, "withheld");
	if (!complete && wh)
		pdf_para(pd, arena_printf(r->a, "Export partiel : %s (%lld note(s) non reprise(s)).", json_string_value(json_object_get(wh, "why")),
		                          (long long)json_integer_value(json_object_get(wh, "notes"))));
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		if (!strcmp(k, "structure") || !strcmp(k, "person_id") || !strcmp(k, "complete") || !strcmp(k, "withheld"))
			continue;
		pdf_space(pd, 6);
		pdf_heading(pd, title_of(k));
		if (!strcmp(k, "accesses"))
			pdf_accesses(r, pd, v);
		else if (json_is_object(v))
			pdf_object(r, pd, v);
		else if (json_is_array(v)) {
			size_t i;
			json_t *e;
			if (!json_array_size(v))
				pdf_para(pd, "Rien d’enregistré.");
			/* Lists read best one line per entry; records, field by field. */
			bool lines = !strcmp(k, "household_members") || !strcmp(k, "resources_and_charges") || !strcmp(k, "timeline");
			json_array_foreach(v, i, e)
			{
				if (!lines) {
					pdf_object(r, pd, e);
					continue;
				}
				buf t;
				buf_init(&t, r->a, 128);
				const char *f;
				json_t *x;
				json_object_foreach(e, f, x)
				{
					if (!strcmp(f, "person_id"))
						continue;
					const char *val = value_fr(r, f, x);
					if (val && *val)
						buf_printf(&t, "%s%s%s", t.len ? " — " : "", !strcmp(f, "from") ? "depuis le " : !strcmp(f, "to") ? "jusqu’au " : "",
						           val);
				}
				pdf_para(pd, buf_cstr(&t));
			}
		}
	}
	json_decref(o);
	if (pdf_send(r, pd, arena_printf(r->a, "donnees-personne-%lld.pdf", (long long)r->param[0])))
		journal_record(r->db, r->user->id, "export", "person", r->param[0], complete ? "subject access pdf complete" : "subject access pdf partial");
}

/* The DPO's page: find the person by name or birth date (same search as the
 * counter), then export. The DPO does not otherwise open files. */
static void rights_page(web_req *r)
{
	const char *q = web_arg(r, "q");
	page_begin(r, "Droits des personnes : accès, rectification, effacement");
	buf *b = &r->out;
	if (web_arg(r, "efface"))
		page_notice(r, "ok", strcmp(web_arg(r, "efface"), "deja") ? "Le dossier du foyer a été anonymisé."
		                                                           : "Ce dossier était déjà anonymisé.");
	html_lit(b, "<p>Pour une demande d’accès, retrouvez la personne puis remettez-lui le document (PDF) ou le fichier "
	            "(JSON). La rectification se fait par les pages habituelles du dossier ; chaque export est inscrit au journal.</p>"
	            "<form method=\"get\" action=\"/droits\" class=\"filters\" role=\"search\">");
	html_printf(b, "<div class=\"field\"><label for=\"q\">Nom, prénom ou date de naissance</label><input id=\"q\" name=\"q\" "
	               "value=\"%s\"></div><button type=\"submit\">Chercher</button></form>", q ? q : "");
	if (q && *q) {
		enum { MAX = 25 };
		int64_t pids[MAX], hids[MAX];
		bool capped = false;
		int n = persons_find(r->db, r->a, q, pids, hids, MAX, &capped);
		/* Neither a common name nor the list's length is left unsaid. */
		if (capped)
			page_notice(r, "info", PERSONS_MANY);
		if (n == MAX)
			html_lit(b, "<p class=\"muted\" role=\"status\">Les 25 plus proches sont montrées : précisez la recherche "
			            "(prénom, date de naissance) pour en voir d’autres.</p>");
		html_table(b, "Personnes trouvées", 0, "Personne", "Date de naissance", "Dossier", "Export");
		for (int i = 0; i < n; i++) {
			person_brief p;
			if (persons_person_brief(r->db, r->a, pids[i], &p) != E_OK)
				continue;
			form_begin(r, "<tr><td>%s %s</td><td>%s</td><td>%s</td><td><a href=\"/personnes/%lld/donnees.pdf\">PDF</a> · "
			               "<a href=\"/personnes/%lld/donnees.json\">JSON</a> · <form method=\"post\" action=\"/personnes/%lld/effacer\" "
			               "class=\"inline\" data-confirm=\"Anonymiser tout le dossier du foyer, sans retour possible ?\">",
			            p.last_name, p.first_names, p.birth_date && *p.birth_date ? civil_fr(r->a, p.birth_date) : "non renseignée", p.file_no, (long long)pids[i], (long long)pids[i], (long long)pids[i]);
			html_printf(b, "<button type=\"submit\" aria-label=\"Effacer le dossier de %s %s\">Effacer</button></form></td></tr>",
			            p.first_names, p.last_name);
		}
		html_table_close(b);
		if (!n)
			html_lit(b, "<p class=\"muted\">Personne ne correspond.</p>");
		journal_record(r->db, r->user->id, "search", "person", 0, "subject access");
	}
	page_end(r);
}

/* Erasure on request: the household's file anonymised now, unless a
 * module still works on it (then the DPO is told why). */
static void erase_post(web_req *r)
{
	person_brief p;
	if (persons_person_brief(r->db, r->a, r->param[0], &p) != E_OK) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	if (persons_household_archived(r->db, p.household_id) == 2) {
		web_redirect(r, "/droits?efface=deja");
		return;
	}
	err e = persons_erase_household(r->db, p.household_id, r->user->id);
	if (e == E_CONFLICT) {
		web_error(r, e, "Le dossier est encore suivi (domiciliation ou demande d’aide en cours) : la loi impose de le garder "
		                "tant que la mission dure. Il sera anonymisé à l’échéance des durées de conservation.");
		return;
	}
	if (e != E_OK) {
		web_error(r, e, NULL);
		return;
	}
	web_redirect(r, "/droits?efface=1");
}

/* The same through the API: {"erased": true}, or already anonymised. */
static void api_erase(web_req *r)
{
	person_brief p;
	if (persons_person_brief(r->db, r->a, r->param[0], &p) != E_OK) {
		web_error(r, E_NOT_FOUND, NULL);
		return;
	}
	bool already = persons_household_archived(r->db, p.household_id) == 2;
	err e = already ? E_OK : persons_erase_household(r->db, p.household_id, r->user->id);
	if (web_api_failed(r, e, NULL, e == E_CONFLICT ? "Le dossier est encore suivi (domiciliation ou demande d’aide en cours) : il "
	                                                 "sera anonymisé à l’échéance des durées de conservation." : NULL))
		return;
	web_json(r, 200, json_pack("{s:I,s:b,s:b}", "household_id", (json_int_t)p.household_id, "erased", 1, "already", already));
}

void persons_subject_routes(void)
{
	web_route(M_GET, "/droits", rights_page, PERM_PERSONS_SUBJECT, 0, "Droits des personnes : retrouver et exporter");
	web_route(M_POST, "/personnes/{id}/effacer", erase_post, PERM_PERSONS_SUBJECT, 0, "Effacer (anonymiser) le dossier d’une personne");
	web_route(M_GET, "/personnes/{id}/donnees.json", export_json, PERM_PERSONS_SUBJECT, 0, "Droit d’accès : tout sur une personne (JSON)");
	web_route(M_GET, "/personnes/{id}/donnees.pdf", export_pdf, PERM_PERSONS_SUBJECT, 0, "Droit d’accès : tout sur une personne (PDF)");
	web_route(M_POST, "/api/v1/persons/{id}/erase", api_erase, PERM_PERSONS_SUBJECT, 0, "Effacer (anonymiser) le dossier d’une personne");
	web_route(M_GET, "/api/v1/persons/{id}/subject-access", export_json, PERM_PERSONS_SUBJECT, 0,
	          "Droit d’accès : tout ce qui est détenu sur une personne");
}
