/*
 * domiciliation_workflow.c — the actions of élection de domicile: the
 * request, the transmission after the interview, the decision (refusal
 * only for lack of a link, with an orientation), renewal, striking off and
 * its cancelling, contacts, mail (one at a time or at the counter, and
 * forwarded during a forwarding period), hand-over, proxies, forwarding.
 * Each validates, then writes in one transaction with its event, the
 * household's timeline and the journal. No HTML.
 */
#include "modules/domiciliation/domiciliation_internal.h"
#include <stdio.h>
#include <string.h>
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static db_sql Q_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domiciliations (structure_id, person_id, household_id, status, requested_on, interview_on, interview_by, "
	"interview_place, link, household_type, cause, reason, non_eu_limited, created_at, last_contact_on, num) "
	"VALUES ($1, $2, $3, 'instruction', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $4, "
	"(SELECT coalesce(max(num), 0) + 1 FROM domiciliations WHERE structure_id = $1)) RETURNING id");
static db_sql Q_PERIOD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_periods (structure_id, domiciliation_id, start_on, end_on, renewal) VALUES ($1, $2, $3, $4, $5) "
	"ON CONFLICT (structure_id, domiciliation_id, start_on) DO UPDATE SET end_on = excluded.end_on");
static db_sql Q_EVENT = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_events (structure_id, domiciliation_id, on_date, kind, detail, user_id, at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
static db_sql Q_SUBMIT = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = 'attente_decision', interview_on = $3, interview_place = $4, link = $5, "
	"interview_by = $6, version = version + 1 WHERE structure_id = $1 AND id = $2 AND status = 'instruction' AND version = $7");
static db_sql Q_ACCEPT = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = 'active', start_on = $3, end_on = $4, first_on = coalesce(first_on, $3), "
	"decided_on = $5, decided_by = $6, renewal_on = NULL, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND version = $7 AND (status = 'attente_decision' OR (status = 'active' AND renewal_on IS NOT NULL))");
static db_sql Q_REFUSE = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = CASE WHEN status = 'active' THEN 'active' ELSE 'refusee' END, refusal_motive = $3, "
	"orientation = $4, decided_on = $5, decided_by = $6, renewal_on = NULL, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND version = $7 AND (status = 'attente_decision' OR (status = 'active' AND renewal_on IS NOT NULL))");
static db_sql Q_RENEW = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET renewal_on = $3, interview_on = $4, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND status = 'active' AND renewal_on IS NULL AND version = $5");
static db_sql Q_STRIKE = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = 'radiee', struck_on = $3, strike_motive = $4, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND status = 'active'");
static db_sql Q_UNSTRIKE = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET status = 'active', struck_on = NULL, strike_motive = '', version = version + 1 "
	"WHERE structure_id = $1 AND id = $2 AND status = 'radiee'");
static db_sql Q_CONTACT = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_contacts (structure_id, domiciliation_id, on_date, kind, user_id) VALUES ($1, $2, $3, $4, $5)");
static db_sql Q_LAST_CONTACT = DB_SQL(DB_SCOPED,
	"UPDATE domiciliations SET last_contact_on = $3 WHERE structure_id = $1 AND id = $2 "
	"AND (last_contact_on IS NULL OR last_contact_on < $3)");
static db_sql Q_MAIL_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_mail (structure_id, domiciliation_id, received_on, kind, count, user_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static db_sql Q_MAIL_HAND = DB_SQL(DB_SCOPED,
	"UPDATE domi_mail SET status = $3, done_on = $4, proxy_id = $5, forward_to = $6 "
	"WHERE structure_id = $1 AND domiciliation_id = $2 AND status = 'attente' AND received_on <= $4");
static db_sql Q_PROXY_OK = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM domi_proxies WHERE structure_id = $1 AND domiciliation_id = $2 AND id = $3 AND active = 1 "
	"AND from_on <= $4 AND to_on >= $4");
static db_sql Q_PROXY_COUNT = DB_SQL(DB_SCOPED,
	"SELECT count(*) FROM domi_proxies WHERE structure_id = $1 AND domiciliation_id = $2 AND active = 1 AND to_on >= $3");
static db_sql Q_PROXY_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_proxies (structure_id, domiciliation_id, name, from_on, to_on) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static db_sql Q_BY_PERSON = DB_SQL(DB_SCOPED,
	"SELECT id FROM domiciliations WHERE structure_id = $1 AND person_id = $2 AND status IN ('instruction', 'attente_decision', 'active')");
static db_sql Q_FWD_NOW = DB_SQL(DB_SCOPED,
	"SELECT address FROM domi_forwards WHERE structure_id = $1 AND domiciliation_id = $2 AND from_on <= $3 AND to_on >= $3 "
	"ORDER BY id DESC LIMIT 1");
static db_sql Q_FWD_ADD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_forwards (structure_id, domiciliation_id, address, from_on, to_on) VALUES ($1, $2, $3, $4, $5) RETURNING id");
static db_sql Q_MAIL_FWD = DB_SQL(DB_SCOPED,
	"INSERT INTO domi_mail (structure_id, domiciliation_id, received_on, kind, count, status, done_on, forward_to, user_id) "
	"VALUES ($1, $2, $3, $4, $5, 'reexpedie', $3, $6, $7) RETURNING id");
static db_sql Q_ACTIVE_BY_NUM = DB_SQL(DB_SCOPED,
	"SELECT id FROM domiciliations WHERE structure_id = $1 AND num = $2 AND status = 'active'");

int64_t domi_active_by_num(db_conn *c, int64_t num)
{
	int64_t id = 0;
	return DBID(c, &Q_ACTIVE_BY_NUM, &id, A_INT(num)) == E_OK ? id : 0;
}

static const char *t_(db_res *q, int col, arena *a) { return arena_strdup(a, db_isnull(q, col) ? "" : db_text(q, col)); }
static const char *s_(const char *x) { return x ? x : ""; }

/* ---- the workflow ---------------------------------------------------------------------------- */

static err event(const domi_ctx *x, int64_t id, const char *kind, const char *detail)
{
	return DBX(x->c, &Q_EVENT, NULL, A_INT(id), A_TEXT(civil_iso(x->a, x->today)), A_TEXT(kind), A_TEXT(detail ? detail : ""),
	           A_INT(x->user), A_INT(civil_now()));
}

/* A contact (in the caller's transaction): it counts for the three months
 * unless it is mail collected by a proxy. */
static err contact(const domi_ctx *x, int64_t id, const char *kind)
{
	const char *on = civil_iso(x->a, x->today);
	err e = DBX(x->c, &Q_CONTACT, NULL, A_INT(id), A_TEXT(on), A_TEXT(kind), A_INT(x->user));
	if (e == E_OK && domi_contact_counts(kind))
		e = DBX(x->c, &Q_LAST_CONTACT, NULL, A_INT(id), A_TEXT(on));
	return e;
}

err domi_request_add(const domi_ctx *x, const request_in *in, form_errors *fe, int64_t *id)
{
	int64_t pid = 0, existing = 0;
	person_brief p;
	civil_date d;
	if (!in->person || !text_to_int64(in->person, 1, INT64_MAX, &pid) || persons_person_brief(x->c, x->a, pid, &p) != E_OK)
		form_error(fe, "person", "Choisissez la personne qui demande la domiciliation.");
	else if (DBID(x->c, &Q_BY_PERSON, &existing, A_INT(pid)) == E_OK && existing)
		form_error(fe, "person", "Cette personne a déjà une domiciliation en cours ou active : ouvrez-la plutôt.");
	if (!in->requested || !civil_parse(in->requested, &d))
		form_error(fe, "requested", "Indiquez la date de la demande (AAAA-MM-JJ).");
	if (in->interview && *in->interview && !civil_parse(in->interview, &d))
		form_error(fe, "interview", "La date de l’entretien doit être au format AAAA-MM-JJ.");
	if (!CODE_OK(DOMI_LINK, s_(in->link)))
		form_error(fe, "link", "Choisissez le lien avec la commune dans la liste.");
	if (!CODE_OK(DOMI_HTYPE, s_(in->htype)))
		form_error(fe, "htype", "Choisissez la composition dans la liste.");
	if (!CODE_OK(DOMI_CAUSE, s_(in->cause)))
		form_error(fe, "cause", "Choisissez la cause de l’instabilité dans la liste.");
	if ((in->reason && strlen(in->reason) > 1000) || (in->place && strlen(in->place) > 200))
		form_error(fe, "reason", "Le motif ou le lieu est trop long.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	bool interviewed = in->interview && *in->interview;
	if (e == E_OK)
		e = DBID(x->c, &Q_ADD, id, A_INT(pid), A_INT(p.household_id), A_TEXT(in->requested),
		         A_TEXT(interviewed ? in->interview : NULL), interviewed ? A_INT(x->user) : A_NULL, A_TEXT(s_(in->place)),
		         A_TEXT(s_(in->link)), A_TEXT(s_(in->htype)), A_TEXT(s_(in->cause)), A_TEXT(s_(in->reason)),
		         A_INT(in->noneu && *in->noneu ? 1 : 0), A_INT(civil_now()));
	if (e == E_OK)
		e = event(x, *id, "demande", in->requested);
	if (e == E_OK)
		e = persons_timeline_add(x->c, p.household_id, x->user, "domiciliation", *id, "Demande de domiciliation");
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "domiciliation", *id, NULL);
	return db_finish(x->c, e);
}

err domi_submit(const domi_ctx *x, const domi *d, int64_t version, const char *interview, const char *place, const char *link,
                form_errors *fe)
{
	civil_date t;
	if (!domi_is(d, "instruction") || version != d->version)
		return E_CONFLICT;
	if (!interview || !civil_parse(interview, &t))
		form_error(fe, "interview", "L’entretien est obligatoire : indiquez sa date.");
	if (!place || !*place)
		form_error(fe, "place", "Indiquez le lieu de l’entretien.");
	if (!link || !*link || !CODE_OK(DOMI_LINK, link))
		form_error(fe, "link", "Indiquez le critère de lien avec la commune (R264-4), ou « aucun lien établi ».");
	if (fe->n)
		return E_INPUT;
	int64_t n = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_SUBMIT, &n, A_INT(d->id), A_TEXT(interview), A_TEXT(place), A_TEXT(link), A_INT(x->user),
		        A_INT(d->version));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = event(x, d->id, "entretien", interview);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "domiciliation", d->id, "submitted");
	return db_finish(x->c, e);
}

err domi_decide(const domi_ctx *x, const domi *d, int64_t version, const char *outcome, const char *start_s, const char *end_s,
                const char *orientation, form_errors *fe, const char **warning)
{
	bool renewal = domi_is(d, "active") && d->renewal_on;
	if ((!domi_is(d, "attente_decision") && !renewal) || version != d->version)
		return E_CONFLICT;
	bool accept = outcome && !strcmp(outcome, "accepter");
	if (!outcome || (!accept && strcmp(outcome, "refuser"))) {
		form_error(fe, "outcome", "Choisissez d’accepter ou de refuser.");
		return E_INPUT;
	}
	civil_date today = x->today, start, end;
	int64_t n = 0;
	err e;
	if (accept) {
		/* A renewal starts the day after the current end (or today if it has passed). */
		civil_date dflt = today;
		civil_date cur_end;
		if (renewal && d->end_on && civil_parse(d->end_on, &cur_end) && civil_to_days(cur_end) >= civil_to_days(today))
			dflt = civil_from_days(civil_to_days(cur_end) + 1);
		if (start_s && *start_s) {
			if (!civil_parse(start_s, &start))
				form_error(fe, "start", "La date de début doit être au format AAAA-MM-JJ.");
		} else {
			start = dflt;
		}
		if (fe->n)
			return E_INPUT;
		end = domi_end_of(start);
		if (end_s && *end_s) {
			if (!civil_parse(end_s, &end)) {
				form_error(fe, "end", "La date de fin doit être au format AAAA-MM-JJ.");
				return E_INPUT;
			}
			domi_period p = domi_check_period(start, end);
			if (p == DOMI_PERIOD_LONG || p == DOMI_PERIOD_INVERTED) {
				form_error(fe, "end", p == DOMI_PERIOD_LONG ? "La domiciliation ne peut pas dépasser un an (début + 1 an − 1 jour)."
				                                            : "La fin précède le début.");
				return E_INPUT;
			}
			if (p == DOMI_PERIOD_SHORT)
				*warning = "Durée inférieure à un an : vérifiez que c’est voulu.";
		}
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_ACCEPT, &n, A_INT(d->id), A_TEXT(civil_iso(x->a, start)), A_TEXT(civil_iso(x->a, end)),
			        A_TEXT(civil_iso(x->a, today)), A_INT(x->user), A_INT(d->version));
		if (e == E_OK && n != 1)
			e = E_CONFLICT;
		if (e == E_OK)
			e = DBX(x->c, &Q_PERIOD, NULL, A_INT(d->id), A_TEXT(civil_iso(x->a, start)), A_TEXT(civil_iso(x->a, end)),
			        A_INT(renewal ? 1 : 0));
		if (e == E_OK)
			e = event(x, d->id, renewal ? "renouvellement_accorde" : "accord",
			          arena_printf(x->a, "%s → %s", civil_iso(x->a, start), civil_iso(x->a, end)));
	} else {
		if (*d->link && strcmp(d->link, "aucun")) {
			form_error(fe, "outcome", "Un lien avec la commune a été établi : la loi ne permet pas de refuser (L264-4).");
			return E_INPUT;
		}
		if (!orientation || !*orientation || strlen(orientation) > 300) {
			form_error(fe, "orientation", "Un refus doit indiquer où la personne est orientée (autre CCAS, association agréée…).");
			return E_INPUT;
		}
		e = db_begin(x->c, true);
		if (e == E_OK)
			e = DBX(x->c, &Q_REFUSE, &n, A_INT(d->id), A_TEXT("absence_lien"), A_TEXT(orientation), A_TEXT(civil_iso(x->a, today)),
			        A_INT(x->user), A_INT(d->version));
		if (e == E_OK && n != 1)
			e = E_CONFLICT;
		if (e == E_OK)
			e = event(x, d->id, renewal ? "renouvellement_refuse" : "refus", orientation);
	}
	if (e == E_OK)
		e = persons_timeline_add(x->c, d->household_id, x->user, "domiciliation", d->id,
		                         accept ? "Domiciliation accordée" : "Domiciliation refusée");
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "domiciliation", d->id, accept ? "granted" : "refused");
	return db_finish(x->c, e);
}

err domi_renew(const domi_ctx *x, const domi *d, int64_t version, const char *interview, form_errors *fe)
{
	civil_date t;
	if (!interview || !civil_parse(interview, &t)) {
		form_error(fe, "interview", "L’entretien de renouvellement est obligatoire : indiquez sa date.");
		return E_INPUT;
	}
	if (version != d->version)
		return E_CONFLICT;
	int64_t n = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_RENEW, &n, A_INT(d->id), A_TEXT(civil_iso(x->a, x->today)), A_TEXT(interview), A_INT(d->version));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = event(x, d->id, "demande_renouvellement", interview);
	if (e == E_OK)
		e = contact(x, d->id, "visite");
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "domiciliation", d->id, "renewal");
	return db_finish(x->c, e);
}

err domi_strike(const domi_ctx *x, const domi *d, const char *motive, form_errors *fe)
{
	if (!CODE_OK(DOMI_STRIKE, motive)) {
		form_error(fe, "motive", "Choisissez un motif de radiation prévu par la loi.");
		return E_INPUT;
	}
	int64_t n = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_STRIKE, &n, A_INT(d->id), A_TEXT(civil_iso(x->a, x->today)), A_TEXT(motive));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = event(x, d->id, "radiation", CODE_LABEL(DOMI_STRIKE, motive));
	if (e == E_OK)
		e = persons_timeline_add(x->c, d->household_id, x->user, "domiciliation", d->id, "Radiation de la domiciliation");
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "domiciliation", d->id, arena_printf(x->a, "struck %s", motive));
	return db_finish(x->c, e);
}

err domi_unstrike(const domi_ctx *x, const domi *d)
{
	int64_t n = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_UNSTRIKE, &n, A_INT(d->id));
	if (e == E_OK && n != 1)
		e = E_CONFLICT;
	if (e == E_OK)
		e = event(x, d->id, "annulation_radiation", "");
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "domiciliation", d->id, "unstruck");
	return db_finish(x->c, e);
}

err domi_contact_add(const domi_ctx *x, const domi *d, const char *kind, form_errors *fe)
{
	if (!CODE_OK(DOMI_CONTACT_KINDS, kind)) {
		form_error(fe, "contact_kind", "Type de contact inconnu : visite ou appel.");
		return E_INPUT;
	}
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = contact(x, d->id, kind);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "domi_contact", d->id, kind);
	return db_finish(x->c, e);
}

/* Records mail received; during a forwarding period it is forwarded at once. */
static err mail_insert(const domi_ctx *x, int64_t did, const char *kind, int64_t count, bool *forwarded)
{
	db_res q = {0};
	const char *fwd = NULL, *today = civil_iso(x->a, x->today);
	int64_t id;
	if (DBQ(x->c, &Q_FWD_NOW, &q, A_INT(did), A_TEXT(today)) == E_OK && db_next(&q))
		fwd = t_(&q, 0, x->a);
	db_close(&q);
	*forwarded = fwd != NULL;
	if (fwd)
		return DBID(x->c, &Q_MAIL_FWD, &id, A_INT(did), A_TEXT(today), A_TEXT(kind), A_INT(count), A_TEXT(fwd), A_INT(x->user));
	return DBID(x->c, &Q_MAIL_ADD, &id, A_INT(did), A_TEXT(today), A_TEXT(kind), A_INT(count), A_INT(x->user));
}

bool domi_dated(web_req *r, domi_ctx *x, const char *done_on, form_errors *fe)
{
	if (!done_on || !*done_on)
		return true;
	structure_info s;
	int days = accounts_structure_info(r->db, r->a, r->user->structure_id, &s) == E_OK ? s.backdate_days : 0;
	int64_t at;
	civil_date d;
	const char *why = civil_done_at(r->user->tz, done_on, NULL, days, civil_now(), &at);
	if (!why && !civil_parse(done_on, &d))
		why = "La date doit être au format AAAA-MM-JJ.";
	if (why) {
		form_error(fe, "done_on", why);
		return false;
	}
	x->today = d;
	return true;
}

err domi_mail_add(const domi_ctx *x, const domi *d, const char *kind, const char *count_s, form_errors *fe)
{
	int64_t count = 1;
	if (!domi_is(d, "active"))
		return E_CONFLICT;
	if (!CODE_OK(DOMI_MAIL, kind))
		form_error(fe, "kind", "Choisissez le type de courrier.");
	if (count_s && *count_s && !text_to_int64(count_s, 1, 500, &count))
		form_error(fe, "count", "Le nombre est compris entre 1 et 500.");
	if (fe->n)
		return E_INPUT;
	bool fwd = false;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = mail_insert(x, d->id, kind, count, &fwd);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "domi_mail", d->id, fwd ? "forwarded" : NULL);
	return db_finish(x->c, e);
}

err domi_mail_batch(const domi_ctx *x, const char *nums, const char *kind, domi_batch *out)
{
	*out = (domi_batch){0};
	if (!CODE_OK(DOMI_MAIL, kind)) {
		out->why = "Choisissez le type de courrier.";
		return E_INPUT;
	}
	/* Each number on its own: the valid ones are recorded, the others
	 * come back with their reason (a wrong one loses nothing else). */
	int64_t *ids = NULL;
	int n = 0, cap = 0, rcap = 0, tokens = 0;
	for (const char *p = nums ? nums : ""; *p;) {
		while (*p && strchr(" \t\r\n,;", *p))
			p++;
		if (!*p)
			break;
		const char *start = p;
		while (*p && !strchr(" \t\r\n,;", *p))
			p++;
		if (++tokens > DOMI_BATCH_MAX) {
			out->why = arena_printf(x->a, "Au plus %d numéros à la fois : enregistrez le reste ensuite.", DOMI_BATCH_MAX);
			return E_INPUT;
		}
		char *tok = arena_strndup(x->a, start, (size_t)(p - start) > 40 ? 40 : (size_t)(p - start));
		if (!tok)
			return E_NOMEM;
		int64_t num = 0, id = 0;
		const char *why = NULL;
		if (!text_to_int64(tok, 1, INT64_MAX, &num))
			why = "ce n’est pas un numéro (des chiffres seulement)";
		else if (DBID(x->c, &Q_ACTIVE_BY_NUM, &id, A_INT(num)) != E_OK)
			return E_DB;
		else if (!id)
			why = "aucune domiciliation active sous ce numéro";
		if (why) {
			domi_reject *r = ARENA_PUSH(x->a, out->rejected, out->nrejected, rcap);
			if (!r)
				return E_NOMEM;
			*r = (domi_reject){tok, why};
			continue;
		}
		int64_t *slot = ARENA_PUSH(x->a, ids, n, cap);
		if (!slot)
			return E_NOMEM;
		*slot = id;
	}
	if (!n) {
		out->why = out->nrejected ? "Aucun numéro n’est valable : rien n’a été enregistré." : "Indiquez au moins un numéro de domiciliation.";
		return E_INPUT;
	}
	err e = db_begin(x->c, true);
	for (int i = 0; e == E_OK && i < n; i++) {
		bool fwd;
		e = mail_insert(x, ids[i], kind, 1, &fwd);
	}
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "domi_mail", 0, arena_printf(x->a, "count=%d", n));
	e = db_finish(x->c, e);
	if (e == E_OK)
		out->written = n;
	return e;
}

/* The refused numbers, one per line, as the form gives them back. */
const char *domi_batch_left(arena *a, const domi_batch *b)
{
	buf t;
	buf_init(&t, a, 64);
	for (int i = 0; i < b->nrejected; i++)
		buf_printf(&t, "%s%s", i ? "\n" : "", b->rejected[i].token);
	return buf_cstr(&t);
}

err domi_handover(const domi_ctx *x, const domi *d, const char *to, const char *forward, form_errors *fe)
{
	int64_t proxy = 0, n = 0;
	const char *status = "remis", *ckind = "courrier_en_personne", *today = civil_iso(x->a, x->today);
	if (!to || !strcmp(to, "personne")) {
	} else if (!strcmp(to, "reexpedie")) {
		status = "reexpedie";
		ckind = NULL;
		if (!forward || !*forward)
			form_error(fe, "forward", "Indiquez l’adresse de réexpédition.");
	} else if (!strcmp(to, "retourne")) {
		status = "retourne";
		ckind = NULL;
	} else if (text_to_int64(to, 1, INT64_MAX, &proxy) &&
	           DBID(x->c, &Q_PROXY_OK, &n, A_INT(d->id), A_INT(proxy), A_TEXT(today)) == E_OK && n == 1) {
		ckind = "courrier_procuration"; /* does not count as the person's contact */
	} else {
		form_error(fe, "to", "Ce mandataire n’est pas valable aujourd’hui.");
	}
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_MAIL_HAND, &n, A_INT(d->id), A_TEXT(status), A_TEXT(today), A_INT_OR_NULL(proxy),
		        A_TEXT(forward && !strcmp(status, "reexpedie") ? forward : ""));
	if (e == E_OK && n == 0)
		e = E_CONFLICT; /* nothing was waiting any more */
	if (e == E_OK && ckind)
		e = contact(x, d->id, ckind);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "domi_mail", d->id, status);
	return db_finish(x->c, e);
}

static bool period_ok(const char *from, const char *to)
{
	civil_date f, t;
	return from && to && civil_parse(from, &f) && civil_parse(to, &t) && civil_to_days(t) >= civil_to_days(f);
}

err domi_proxy_add(const domi_ctx *x, const domi *d, const char *name, const char *from, const char *to, form_errors *fe,
                   int64_t *id)
{
	int64_t n = 0;
	if (!domi_is(d, "active"))
		return E_CONFLICT;
	if (!name || !*name || strlen(name) > 200)
		form_error(fe, "name", "Indiquez le nom du mandataire.");
	if (!period_ok(from, to))
		form_error(fe, "from", "Indiquez une période valable (du … au …).");
	if (!fe->n && DBID(x->c, &Q_PROXY_COUNT, &n, A_INT(d->id), A_TEXT(civil_iso(x->a, x->today))) == E_OK && n >= 5)
		form_error(fe, "name", "Cinq mandataires au plus peuvent être désignés.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_PROXY_ADD, id, A_INT(d->id), A_TEXT(name), A_TEXT(from), A_TEXT(to));
	if (e == E_OK)
		e = event(x, d->id, "mandataire", name);
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "domi_proxy", *id, NULL);
	return db_finish(x->c, e);
}

err domi_forward_add(const domi_ctx *x, const domi *d, const char *address, const char *from, const char *to, form_errors *fe,
                     int64_t *id)
{
	if (!domi_is(d, "active"))
		return E_CONFLICT;
	if (!address || !*address || strlen(address) > 500)
		form_error(fe, "address", "Indiquez l’adresse de réexpédition.");
	if (!period_ok(from, to))
		form_error(fe, "fwd_from", "Indiquez une période de réexpédition valable (du … au …).");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_FWD_ADD, id, A_INT(d->id), A_TEXT(address), A_TEXT(from), A_TEXT(to));
	if (e == E_OK)
		e = event(x, d->id, "reexpedition", arena_printf(x->a, "du %s au %s", from, to));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "domi_forward", *id, NULL);
	return db_finish(x->c, e);
}

