/*
 * aid_demo.c — demo data of the optional aid: two rulebook versions (the
 * example rulebook compiled in), three years of requests through their
 * whole life, committee sessions, budget envelopes. Deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid_internal.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static db_sql Q_D_SESSION = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_sessions (structure_id, held_on, place, members, status, closed_at, created_by) "
	"VALUES ($1, $2, 'Salle du conseil', $3, $4, $5, $6) RETURNING id");
static db_sql Q_D_REQUEST = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_requests (structure_id, household_id, person_id, aid_key, aid_label, status, requested_on, purpose, bill, "
	"residence_months, creditor, docs_missing, rulebook_id, eligible, proposed, explain, qf, rav, opinion, opinion_amount, route, "
	"session_id, agenda_no, decision, granted, decision_motive, decided_on, decided_by, ratified_on, notified_on, payment_mode, paid, "
	"paid_on, vouchers, pay_reference, closed_on, end_reason, instructor_id, created_by, created_at, explain_plain) VALUES ($1, $2, $3, "
	"$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, "
	"$31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41) RETURNING id");
static db_sql Q_D_BUDGETS = DB_SQL(DB_SCOPED,
	"INSERT INTO aid_budgets (structure_id, year, aid_key, amount) SELECT structure_id, CAST(substr(decided_on, 1, 4) AS INTEGER), "
	"aid_key, (sum(granted) * CASE WHEN substr(decided_on, 1, 4) = $2 THEN 16 ELSE 12 END / 10 / 100000 + 1) * 100000 "
	"FROM aid_requests WHERE structure_id = $1 AND decision = 'accorde' GROUP BY structure_id, substr(decided_on, 1, 4), aid_key");

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The first version the demo board adopted: lower amounts, no energy ceiling over 12 months. */
static char *older_version(arena *a, const char *text)
{
	buf b;
	buf_init(&b, a, strlen(text) + 64);
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		char *line = arena_strndup(a, p, n);
		if (!strncmp(line, "version :", 9))
			line = "version : 2023-1\n";
		else if (!strncmp(line, "adopté le :", strlen("adopté le :")))
			line = "adopté le : 2022-12-08\n";
		else if (!strncmp(line, "en vigueur le :", strlen("en vigueur le :")))
			line = "en vigueur le : 2023-01-01\n";
		else if (strstr(line, "4,00 → 150,00"))
			line = "tranche : 4,00 → 120,00\n";
		else if (strstr(line, "par personne 30,00"))
			line = "montant : par personne 25,00\n";
		else if (strstr(line, "plafond 12 mois"))
			line = "plafond annuel : 350,00\n";
		buf_adds(&b, line);
		p += n;
	}
	return (char *)buf_cstr(&b);
}

typedef struct demo_ctx {
	db_conn *c;
	arena *a;
	uint64_t s;
	const int64_t *users;
	int nusers;
	int64_t manager;
	civil_date today;
	int64_t rb_old, rb_new;
	aid_rulebook old, cur;
	int64_t sessions[48];      /* closed sessions, one a month, oldest first */
	civil_date session_on[48];
	int nsessions;
	int64_t next_session;
	int agenda[49];
} demo_ctx;

static err demo_request(demo_ctx *x, int64_t hid, int64_t pid, civil_date on)
{
	bool newer = civil_to_days(on) >= civil_to_days((civil_date){2026, 2, 1});
	aid_rulebook *rb = newer ? &x->cur : &x->old;
	/* Among the aids one requests (a tariff grid prices a service, it is not requested). */
	int idx[AID_MAX_AIDS], ni = 0;
	for (int i = 0; i < rb->naids; i++)
		if (!rb->aids[i].tariff)
			idx[ni++] = i;
	if (!ni)
		return E_OK;
	const aid_rule *rule = &rb->aids[idx[rnd(&x->s) % (uint64_t)ni]];
	int64_t bill = rule->capped_by_bill || rule->kind == AMOUNT_PERCENT ? 8000 + (int64_t)(rnd(&x->s) % 52000) : 0;
	int months = 4 + (int)(rnd(&x->s) % 120);
	aid_facts f;
	household_budget hb;
	/* The demo keeps three months of budgets: a request of the past is
	 * evaluated on the latest month's figures (its dates stay its own). */
	err e = aid_facts_for(x->c, x->a, hid, rule->key, x->today, 0, months, bill, &f, &hb);
	f.on = on;
	if (e != E_OK)
		return e;
	aid_result res;
	aid_evaluate(x->a, rule, &f, &res);
	int64_t age = civil_to_days(x->today) - civil_to_days(on);
	uint64_t dice = rnd(&x->s) % 100;
	const char *route = rule->emergency ? "urgence" : rule->delegation >= 0 && res.amount <= rule->delegation ? "delegation" : "commission";
	const char *status, *decision = "", *motive = "", *decided = NULL, *notified = NULL, *paid_on = NULL, *closed = NULL,
	                    *mode = "", *vouchers = "", *ref = "", *ratified = NULL, *end_reason = "", *missing = "";
	int64_t granted = 0, paid = 0, session = 0, agenda = 0, decided_by = 0;
	bool instructed = true;
	const char *creditor = !strcmp(rule->key, "energie") ? "EDF Solidarité" : !strcmp(rule->key, "cantine") ? "Caisse des écoles" : "";
	char *pay = arena_strdup(x->a, rule->payment ? rule->payment : "bon");
	char *comma = strchr(pay, ',');
	if (comma)
		*comma = '\0';
	if (res.incomplete) {
		/* No resources ever recorded: the request waits for them, or was
		 * withdrawn long ago for that reason. */
		instructed = false;
		if (age > 45)
			status = "retiree", end_reason = "Dossier incomplet : les ressources du foyer n’ont pas été fournies.",
			closed = civil_iso(x->a, civil_from_days(civil_to_days(on) + 30));
		else
			status = "deposee";
	} else if (age > 45) {
		civil_date dd = civil_from_days(civil_to_days(on) + 7 + (int64_t)(rnd(&x->s) % 20));
		if (!strcmp(route, "commission")) {
			/* The first monthly session after instruction. */
			for (int i = 0; i < x->nsessions; i++)
				if (civil_to_days(x->session_on[i]) >= civil_to_days(dd)) {
					session = x->sessions[i], dd = x->session_on[i], agenda = ++x->agenda[i];
					break;
				}
		}
		if (dice < 5) {
			status = "retiree", end_reason = "Le foyer a trouvé une autre solution.", instructed = dice < 2, session = 0;
			closed = civil_iso(x->a, dd);
		} else {
			decided = civil_iso(x->a, dd);
			decided_by = x->manager;
			if (res.eligible && res.amount > 0) {
				decision = "accorde", granted = res.amount, paid = granted;
				notified = civil_iso(x->a, civil_from_days(civil_to_days(dd) + 2));
				paid_on = civil_iso(x->a, civil_from_days(civil_to_days(dd) + 9));
				closed = paid_on, status = "close", mode = text_trim(x->a, pay);
				if (!strcmp(mode, "bon"))
					vouchers = arena_printf(x->a, "B%d-%05d à B%d-%05d", dd.y, (int)(rnd(&x->s) % 90000), dd.y, (int)(rnd(&x->s) % 90000));
				else if (!strncmp(mode, "virement", 8))
					ref = arena_printf(x->a, "Mandat %d-%04d", dd.y, (int)(rnd(&x->s) % 9000));
			} else {
				decision = "refuse", motive = "Refus conforme au règlement.";
				notified = civil_iso(x->a, civil_from_days(civil_to_days(dd) + 2));
				closed = notified, status = "close";
			}
			if (!strcmp(route, "urgence"))
				ratified = civil_iso(x->a, civil_from_days(civil_to_days(dd) + 20));
		}
	} else {
		/* This month's work: every state agents meet. */
		if (dice < 10)
			status = "brouillon", instructed = false;
		else if (dice < 35) {
			status = "deposee", instructed = false;
			if (dice < 22 && rule->documents)
				missing = rule->documents;
		} else if (dice < 60)
			status = "instruite";
		else if (dice < 80 && !strcmp(route, "commission") && x->next_session)
			status = "inscrite", session = x->next_session, agenda = ++x->agenda[48];
		else if (dice < 90 && res.eligible && res.amount > 0) {
			status = "decidee", decision = "accorde", granted = res.amount, decided = civil_iso(x->a, x->today);
			decided_by = x->manager;
			if (!strcmp(route, "commission"))
				status = "instruite", decision = "", granted = 0, decided = NULL, decided_by = 0;
		} else
			status = "instruite";
	}
	int64_t id, creator = x->users[rnd(&x->s) % (uint64_t)x->nusers];
	e = DBID(x->c, &Q_D_REQUEST, &id, A_INT(hid), A_INT_OR_NULL(pid), A_TEXT(rule->key), A_TEXT(rule->label), A_TEXT(status),
	         A_TEXT(civil_iso(x->a, on)), A_TEXT(""), A_INT(bill), A_INT(months), A_TEXT(creditor), A_TEXT(missing),
	         instructed ? A_INT(newer ? x->rb_new : x->rb_old) : A_NULL, instructed ? A_INT(res.eligible ? 1 : 0) : A_NULL,
	         A_INT(instructed ? res.amount : 0), A_TEXT(instructed ? res.explain : ""), A_INT(instructed ? hb.qf : 0),
	         A_INT(instructed ? hb.rav_day_person : 0), A_TEXT(instructed ? (res.eligible ? "favorable" : "defavorable") : ""),
	         A_INT(instructed ? res.amount : 0), A_TEXT(instructed ? route : ""), A_INT_OR_NULL(session), A_INT_OR_NULL(agenda),
	         A_TEXT(decision), A_INT(granted), A_TEXT(motive), A_TEXT(decided), A_INT_OR_NULL(decided_by), A_TEXT(ratified),
	         A_TEXT(notified), A_TEXT(mode), A_INT(paid_on ? paid : 0), A_TEXT(paid_on), A_TEXT(vouchers), A_TEXT(ref), A_TEXT(closed),
	         A_TEXT(end_reason), A_INT_OR_NULL(instructed ? creator : 0), A_INT(creator), A_INT(civil_now()),
	         A_TEXT(instructed && res.plain ? res.plain : ""));
	const char *o = civil_iso(x->a, on);
	if (e == E_OK)
		e = aid_event(x->c, id, 0, creator, o, "creation", rule->label);
	if (e == E_OK && instructed)
		e = aid_event(x->c, id, 0, creator, o, "instruction", arena_printf(x->a, "proposition du règlement %s", money_format(x->a, res.amount)));
	if (e == E_OK && *decision)
		e = aid_event(x->c, id, session, x->manager, decided, decision, granted ? money_format(x->a, granted) : motive);
	if (e == E_OK && paid_on)
		e = aid_event(x->c, id, 0, creator, paid_on, "paiement", arena_printf(x->a, "%s, %s", mode, money_format(x->a, paid)));
	if (e == E_OK)
		e = persons_timeline_add(x->c, hid, creator, "aid_request", id, arena_printf(x->a, "Demande d’aide : %s", rule->label));
	return e;
}

err aid_demo(db *d, const module_demo *mx)
{
	int64_t sid = mx->structure_id, manager = mx->manager;
	uint64_t seed = mx->seed;
	const int64_t *users = mx->users;
	int nusers = mx->nusers;
	const web_asset *ex = web_asset_find("reglement-exemple.txt");
	if (!ex || nusers < 1)
		return E_NOT_FOUND;
	db_conn *c = db_conn_get(d);
	if (!c)
		return E_DB;
	db_conn_scope(c, sid);
	arena a, work;
	arena_init(&a, 0);
	arena_init(&work, 0);
	demo_ctx x = {.c = c, .a = &work, .s = seed * 0x9E3779B97F4A7C15ULL + 7, .users = users, .nusers = nusers, .manager = manager};
	structure_info si;
	x.today = civil_today(accounts_structure_info(c, &a, sid, &si) == E_OK ? si.tz : "Europe/Paris");
	char *text = arena_strndup(&a, (const char *)ex->data, ex->len), *old = text ? older_version(&a, text) : NULL;
	err e = text && aid_rulebook_parse(&a, text, &x.cur) && aid_rulebook_parse(&a, old, &x.old) ? db_begin(c, true) : E_INTERNAL;
	if (e == E_OK)
		e = aid_rulebook_insert(c, &x.old, old, manager, civil_now() - 86400 * 700, &x.rb_old);
	if (e == E_OK)
		e = aid_rulebook_insert(c, &x.cur, text, manager, civil_now() - 86400 * 300, &x.rb_new);
	/* A session on the 15th of every month for three years, the next one to come. */
	civil_date first = civil_add_months(x.today, -36);
	first.d = 15;
	for (int i = 0; e == E_OK && i < 48; i++) {
		civil_date on = civil_add_months(first, i);
		bool past = civil_to_days(on) < civil_to_days(x.today);
		int64_t id;
		e = DBID(c, &Q_D_SESSION, &id, A_TEXT(civil_iso(&a, on)),
		         A_TEXT(past ? "M. le vice-président (président de séance), Mme Da Silva, M. Nguyen, Mme Benali, Mme Roux (secrétaire)" : ""),
		         A_TEXT(past ? "close" : "prevue"), past ? A_INT(civil_now()) : A_NULL, A_INT(manager));
		if (past) {
			x.sessions[x.nsessions] = id;
			x.session_on[x.nsessions++] = on;
		} else {
			x.next_session = id;
			break;
		}
	}
	int64_t *hids = NULL;
	int64_t nh = e == E_OK ? persons_household_ids(c, &hids) : 0;
	int made = 0;
	for (int64_t i = 0; e == E_OK && i < nh && made < 6000; i += 7) {
		person_brief *p;
		if (persons_household_members(c, &work, hids[i], &p) < 1)
			continue;
		int k = 1 + (int)(rnd(&x.s) % 3);
		int64_t day = civil_to_days(x.today) - 1080 + (int64_t)(rnd(&x.s) % 1000);
		for (int j = 0; e == E_OK && j < k && day <= civil_to_days(x.today); j++, made++) {
			e = demo_request(&x, hids[i], p[0].id, civil_from_days(day));
			day += 30 + (int64_t)(rnd(&x.s) % 300);
		}
		if (made % 400 < 3 && e == E_OK) {
			e = db_commit(c);
			arena_release(&work);
			arena_init(&work, 0);
			if (e == E_OK)
				e = db_begin(c, true);
		}
	}
	/* This month's work at the counter: recent requests in every state. */
	for (int64_t i = 3; e == E_OK && i < nh && made < 7000; i += 23, made++) {
		person_brief *p;
		if (persons_household_members(c, &work, hids[i], &p) < 1)
			continue;
		e = demo_request(&x, hids[i], p[0].id, civil_from_days(civil_to_days(x.today) - (int64_t)(rnd(&x.s) % 40)));
	}
	free(hids);
	char year[8];
	snprintf(year, sizeof year, "%04d", x.today.y);
	if (e == E_OK)
		e = DBX(c, &Q_D_BUDGETS, NULL, A_TEXT(year));
	e = db_finish(c, e);
	arena_release(&work);
	arena_release(&a);
	db_conn_put(c);
	return e;
}
