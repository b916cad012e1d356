/* register_module.c — the register module's descriptor: permissions, routes, hooks, demo data. */
#include <stdlib.h>
#include <string.h>
#include "modules/persons/persons.h"
#include "modules/register/register_internal.h"
#include "core/banned.h"

static void init(void)
{
	reg_pages_init();
	reg_campaign_pages_init();
	reg_volunteer_init();
	reg_api_init();
}

static db_sql Q_SUBJECT = DB_SQL(DB_SCOPED,
	"SELECT status, basis, proof, requested_by, requested_on, ack_on, consent_on, living_alone, gir, access_notes, phones, doctor, "
	"services, health_notes, confirmed_on, removed_on, remove_reason FROM reg_entries WHERE structure_id = $1 AND household_id = $2 "
	"AND person_id = $3 ORDER BY id");

static void subject(db_conn *c, arena *a, int64_t pid, int64_t hid, json_t *out)
{
	(void)a;
	static const char *const cols[] = {"status", "basis", "proof", "requested_by", "requested_on", "ack_on", "consent_on", "living_alone",
	                                   "gir", "access_notes", "phones", "doctor", "services", "health_notes", "confirmed_on", "removed_on",
	                                   "remove_reason"};
	db_res q = {0};
	DBQ(c, &Q_SUBJECT, &q, A_INT(hid), A_INT(pid));
	json_t *rows = persons_rows_json(&q, cols, COUNTOF(cols));
	json_array_extend(out, rows);
	json_decref(rows);
}

/* What the statistics need stays (basis, dates); the file's words go, the persons to warn, the calls' notes. */
static db_sql Q_ANON = DB_SQL(DB_SCOPED,
	"UPDATE reg_entries SET third_name = '', written_ref = '', access_notes = '', phones = '', doctor = '', services = '', "
	"health_notes = '', status = 'radie', removed_on = coalesce(removed_on, $3) WHERE structure_id = $1 AND household_id = $2");
static db_sql Q_ANON_C = DB_SQL(DB_SCOPED,
	"DELETE FROM reg_contacts WHERE structure_id = $1 AND entry_id IN (SELECT id FROM reg_entries WHERE structure_id = $1 AND household_id = $2)");
static db_sql Q_ANON_CALLS = DB_SQL(DB_SCOPED,
	"UPDATE reg_calls SET arranged = '' WHERE structure_id = $1 AND entry_id IN (SELECT id FROM reg_entries WHERE structure_id = $1 "
	"AND household_id = $2)");
static err anonymise(db_conn *c, int64_t hid)
{
	arena a;
	arena_init(&a, 0);
	err e = DBX(c, &Q_ANON_C, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON_CALLS, NULL, A_INT(hid));
	if (e == E_OK)
		e = DBX(c, &Q_ANON, NULL, A_INT(hid), A_TEXT(civil_iso(&a, civil_today("Europe/Paris"))));
	arena_release(&a);
	return e;
}

static const char *ref(db_conn *c, arena *a, const char *kind, int64_t id, const char **href)
{
	(void)c;
	if (!strcmp(kind, "reg_entry")) {
		*href = arena_printf(a, "/registre/%lld", (long long)id);
		return arena_printf(a, "inscription au registre n° %lld", (long long)id);
	}
	if (!strcmp(kind, "reg_campaign")) {
		*href = arena_printf(a, "/registre/campagnes/%lld", (long long)id);
		return arena_printf(a, "campagne d’alerte n° %lld", (long long)id);
	}
	return NULL;
}

static db_sql Q_BASES = DB_SQL(DB_SCOPED,
	"SELECT CASE basis WHEN 'age65' THEN '65 ans ou plus' WHEN 'inapte60' THEN '60 ans ou plus, inapte au travail' "
	"ELSE 'adulte handicapé' END, count(*) FROM reg_entries WHERE structure_id = $1 AND requested_on <= $3 "
	"AND (removed_on IS NULL OR removed_on >= $2)" MODULE_HOUSEHOLD("household_id") "GROUP BY 1 ORDER BY 1");
static err by_basis(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_BASES, p, out, n);
}
static db_sql Q_CALLS = DB_SQL(DB_SCOPED,
	"SELECT CASE l.state WHEN 'ok' THEN 'joint, tout va bien' WHEN 'besoin' THEN 'joint avec un besoin' WHEN 'urgence' THEN 'secours appelés' "
	"WHEN 'visite' THEN 'visite à domicile' WHEN 'a_rappeler' THEN 'à rappeler' WHEN 'a_appeler' THEN 'jamais appelé' ELSE 'sorti de la liste' END, "
	"count(*) FROM reg_calls l JOIN reg_campaigns k ON k.structure_id = l.structure_id AND k.id = l.campaign_id "
	"JOIN reg_entries r ON r.structure_id = l.structure_id AND r.id = l.entry_id "
	"WHERE l.structure_id = $1 AND k.started_on >= $2 AND k.started_on <= $3" MODULE_HOUSEHOLD("r.household_id") "GROUP BY 1 ORDER BY 1");
static err by_call(db_conn *c, arena *a, const module_period *p, module_figure **out, int *n)
{
	return module_figures_query(c, a, &Q_CALLS, p, out, n);
}

/* ---- demo: the elders of a tenth of the households, agents named, last summer's campaign ---------------- */

static db_sql Q_D_AGENT = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_agents (structure_id, user_id, named_by, named_at) VALUES ($1, $2, $3, $4) ON CONFLICT (structure_id, user_id) DO NOTHING");
static db_sql Q_D_VOLUNTEERS = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_agents (structure_id, user_id, named_by, named_at) SELECT $1, user_id, $3, $4 FROM structure_agents "
	"WHERE structure_id = $1 AND role = $2 ON CONFLICT (structure_id, user_id) DO NOTHING");
static db_sql Q_D_ENTRY = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_entries (structure_id, household_id, person_id, status, basis, requested_by, third_kind, third_name, written_ref, "
	"requested_on, ack_due_on, ack_on, consent_on, living_alone, gir, access_notes, doctor, services, confirmed_on, created_by, created_at) "
	"VALUES ($1, $2, $3, 'inscrit', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id");
static db_sql Q_D_CONTACT = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_contacts (structure_id, entry_id, name, relation, phone) VALUES ($1, $2, $3, $4, $5)");
static db_sql Q_D_CAMPAIGN = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_campaigns (structure_id, kind, level, started_on, ends_on, closed_on, recall_minutes, report_text, opened_by, created_at) "
	"VALUES ($1, 'canicule', 'vigilance orange', $2, $3, $3, 60, 'Épisode de chaleur de trois jours ; aucune hospitalisation.', $4, $5) RETURNING id");
static db_sql Q_D_CALL = DB_SQL(DB_SCOPED,
	"INSERT INTO reg_calls (structure_id, campaign_id, entry_id, assigned_to, priority, state, attempts, last_at, outcome, arranged) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");

static err demo(db *d, const module_demo *x)
{
	static const char *const services[] = {"", "Aide à domicile trois matins par semaine", "Infirmière à domicile (SSIAD) chaque matin",
	                                       "Portage de repas", ""};
	static const char *const access[] = {"Code 1234, 2e étage gauche", "Clé chez la voisine du rez-de-chaussée", "", "Portail vert, sonner fort"};
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, x->structure_id);
	arena a;
	arena_init(&a, 0);
	int64_t *ids = NULL;
	int64_t n = persons_household_ids(c, &ids);
	civil_date today = civil_today("Europe/Paris");
	uint64_t s = x->seed * 0x2545F4914F6CDD1Dull + 11;
	err e = db_begin(c, true);
	for (int i = 1; e == E_OK && i < x->nusers; i++) /* every agent but the reception's */
		e = DBX(c, &Q_D_AGENT, NULL, A_INT(x->users[i]), A_INT(x->manager), A_INT(civil_now()));
	if (e == E_OK) /* and the volunteers */
		e = DBX(c, &Q_D_VOLUNTEERS, NULL, A_INT(ROLE_VOLUNTEER), A_INT(x->manager), A_INT(civil_now()));
	int64_t(*reg)[2] = NULL;
	int nr = 0, cap = 0;
	for (int64_t i = 0; e == E_OK && i < n; i++) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		if ((s >> 33) % 10)
			continue;
		bool bad = false;
		int64_t pid = persons_member_or_applicant(c, &a, ids[i], NULL, &bad);
		person_brief p;
		civil_date b;
		if (!pid || persons_person_brief(c, &a, pid, &p) != E_OK || !civil_parse(p.birth_date, &b) || civil_age(b, today) < 65 || (s >> 20) % 5 == 0)
			continue;
		civil_date on = civil_from_days(civil_to_days(today) - 20 - (int64_t)((s >> 40) % 1500));
		bool third = (s >> 12) % 6 == 0, acked = (s >> 14) % 25 != 0, alone = (s >> 16) % 3 != 0;
		civil_date conf = civil_from_days(civil_to_days(today) - (int64_t)((s >> 24) % 500));
		if (civil_to_days(conf) < civil_to_days(on))
			conf = on;
		int64_t eid = 0;
		e = DBID(c, &Q_D_ENTRY, &eid, A_INT(ids[i]), A_INT(pid), A_TEXT("age65"), A_TEXT(third ? "tiers" : "personne"),
		         A_TEXT(third ? "proche" : ""), A_TEXT(third ? "Sa fille" : ""), A_TEXT(third ? "Courrier reçu au CCAS" : ""),
		         A_TEXT(civil_iso(&a, on)), A_TEXT(civil_iso(&a, civil_from_days(civil_to_days(on) + 8))),
		         A_TEXT(acked ? civil_iso(&a, civil_from_days(civil_to_days(on) + 3)) : NULL), A_TEXT(third ? NULL : civil_iso(&a, on)),
		         A_INT(alone), A_INT(1 + (int64_t)((s >> 28) % 6)), A_TEXT(access[(s >> 30) % 4]), A_TEXT("Dr Hoarau, Le Port"),
		         A_TEXT(services[(s >> 34) % 5]), A_TEXT((s >> 36) % 4 ? civil_iso(&a, conf) : NULL), A_INT(x->manager), A_INT(civil_now()));
		if (e == E_OK && (s >> 38) % 2)
			e = DBX(c, &Q_D_CONTACT, NULL, A_INT(eid), A_TEXT("Payet Sandrine"), A_TEXT("fille"), A_TEXT("0692 12 34 56"));
		if (e == E_OK) {
			int64_t(*rr)[2] = ARENA_PUSH(&a, reg, nr, cap);
			if (rr)
				(*rr)[0] = eid, (*rr)[1] = (int64_t)(s >> 44);
		}
	}
	/* Last summer's heatwave, ended: everyone called, a few visits and one call to the emergency services. */
	civil_date k0 = civil_from_days(civil_to_days(today) - 120 - (int64_t)(x->seed % 30));
	int64_t kid = 0;
	if (e == E_OK && nr)
		e = DBID(c, &Q_D_CAMPAIGN, &kid, A_TEXT(civil_iso(&a, k0)), A_TEXT(civil_iso(&a, civil_from_days(civil_to_days(k0) + 3))),
		         A_INT(x->manager), A_INT(civil_now()));
	int64_t t0 = civil_day_start("Indian/Reunion", k0) + 9 * 3600;
	for (int i = 0; e == E_OK && kid && i < nr; i++) {
		int64_t r = reg[i][1] % 40;
		const char *st = r < 32 ? "ok" : r < 36 ? "besoin" : r < 39 ? "visite" : "urgence";
		e = DBX(c, &Q_D_CALL, NULL, A_INT(kid), A_INT(reg[i][0]), A_INT(x->users[1 + i % (x->nusers > 1 ? x->nusers - 1 : 1)]),
		        A_INT(reg[i][1] % 9), A_TEXT(st), A_INT(!strcmp(st, "ok") || !strcmp(st, "besoin") ? 1 : 3), A_INT(t0 + i * 37),
		        A_TEXT(!strcmp(st, "visite") || !strcmp(st, "urgence") ? "sans_reponse" : st),
		        A_TEXT(!strcmp(st, "besoin") ? "Portage d’eau et de repas organisé" : !strcmp(st, "urgence") ? "Pompiers appelés, personne hospitalisée" : ""));
	}
	e = db_finish(c, e);
	free(ids);
	arena_release(&a);
	db_conn_put(c);
	return e;
}

static const module_perm perms[] = {
	{&PERM_REG_READ, "register.read", "Lire et tenir le registre des personnes vulnérables (avec la désignation de la structure)",
	 ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER)},
	{&PERM_REG_ADMIN, "register.admin", "Désigner les agents du registre, ouvrir les campagnes, communiquer au préfet", ROLE_BIT(ROLE_MANAGER)},
	{&PERM_REG_CALL, "register.call", "Passer les appels d’une campagne qu’on lui confie (bénévoles désignés)", ROLE_BIT(ROLE_VOLUNTEER)},
};
static const module_nav nav[] = {{58, "Registre", "/registre", &PERM_REG_READ, reg_named},
                                 {58, "Mes appels", "/appels", &PERM_REG_CALL, reg_caller}};
static const module_section sections[] = {{41, "Registre des personnes vulnérables", reg_section, &PERM_REG_READ, NULL, NULL,
	"register"}};
static const module_widget widgets[] = {{15, reg_widget, &PERM_REG_READ}, {15, reg_volunteer_widget, &PERM_REG_CALL}};
static const module_label labels[] = {{"reg_entry", "inscription au registre des personnes vulnérables"},
                                      {"reg_campaign", "campagne d’alerte"},
                                      {"reg_agent", "agent désigné pour le registre"},
                                      {"reg_proof", "justificatif de handicap du registre"}};
static const code timeline[] = {{"reg_entry", "Registre des personnes vulnérables"}};
static const module_indicator indicators[] = {
	{"register.basis", "Personnes inscrites au registre", "Personnes inscrites à un moment de la période, par titre d’inscription.", by_basis},
	{"register.calls", "Appels des campagnes d’alerte", "Appels des campagnes ouvertes dans la période, par issue.", by_call},
};

static const module_part parts[] = {REGISTER_PARTS(MODULE_PART)};

const module register_module = {
	.name = "register",
	.schema = &register_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.sections = sections,
	.nsections = COUNTOF(sections),
	.parts = parts,
	.nparts = COUNTOF(parts),
	/* Whether the signed-in user is one of the agents it names (CASF R121-5), read with her session. */
	.user_fact = "EXISTS (SELECT 1 FROM reg_agents ra WHERE ra.structure_id = st.id AND ra.user_id = u.id)",
	.widgets = widgets,
	.nwidgets = COUNTOF(widgets),
	.subject_key = "vulnerable_register",
	.subject = subject,
	.anonymise = anonymise,
	.retention_hold = "SELECT 1 FROM reg_entries r WHERE r.structure_id = h.structure_id AND r.household_id = h.id AND r.status = 'inscrit'",
	.demo = demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
	.indicators = indicators,
	.nindicators = COUNTOF(indicators),
	.ref = ref,
};
