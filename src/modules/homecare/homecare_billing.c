/*
 * homecare_billing.c — the month's invoices of meals delivered at home:
 * the meals recorded delivered, priced by the rulebook's tariff grid
 * « repas_domicile » by quotient familial (aid_tariff) on the month's
 * first day; a household whose figures are not recorded gets no price and
 * no invoice (the page says why). Payments, partial or whole.
 */
#include "modules/homecare/homecare_internal.h"
#include <stdio.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/aid/aid.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static db_sql Q_MONTH = DB_SQL(DB_SCOPED,
	"SELECT o.sub_id, s.household_id, sum(o.meals) FROM hc_orders o JOIN hc_subs s ON s.structure_id = o.structure_id AND s.id = o.sub_id "
	"WHERE o.structure_id = $1 AND o.day >= $2 AND o.day <= $3 AND o.state = 'livre' GROUP BY o.sub_id, s.household_id ORDER BY o.sub_id");
static db_sql Q_INV_OF = DB_SQL(DB_SCOPED,
	"SELECT id, number, paid, total, unit FROM hc_invoices WHERE structure_id = $1 AND sub_id = $2 AND month = $3");

static bool month_ok(const char *month, civil_date *first, civil_date *last)
{
	char d[11];
	if (!month || strlen(month) != 7)
		return false;
	snprintf(d, sizeof d, "%s-01", month);
	if (!civil_parse(d, first))
		return false;
	*last = civil_from_days(civil_to_days(civil_add_months(*first, 1)) - 1);
	return true;
}

int hc_bill_preview(const hc_ctx *x, const char *month, hc_bill_line **out)
{
	civil_date f, l;
	*out = NULL;
	if (!month_ok(month, &f, &l))
		return -1;
	db_res q = {0};
	int n = 0, cap = 0;
	if (DBQ(x->c, &Q_MONTH, &q, A_TEXT(civil_iso(x->a, f)), A_TEXT(civil_iso(x->a, l))) != E_OK)
		return -1;
	while (db_next(&q)) {
		hc_bill_line *b = ARENA_PUSH(x->a, *out, n, cap);
		if (!b)
			break;
		*b = (hc_bill_line){.sub_id = db_int(&q, 0), .household_id = db_int(&q, 1), .meals = db_int(&q, 2), .unit = -1, .total = -1};
	}
	db_close(&q);
	for (int i = 0; i < n; i++) {
		hc_bill_line *b = &(*out)[i];
		hc_sub s;
		b->who = hc_sub_load(x->c, x->a, b->sub_id, &s) ? arena_printf(x->a, "%s %s", s.last_name, s.first_names) : "?";
		db_res r = {0};
		if (DBQ(x->c, &Q_INV_OF, &r, A_INT(b->sub_id), A_TEXT(month)) == E_OK && db_next(&r)) {
			b->invoice_id = db_int(&r, 0), b->number = db_dup(&r, 1, x->a), b->paid = db_int(&r, 2), b->total = db_int(&r, 3),
			b->unit = db_int(&r, 4);
			b->status = b->paid >= b->total ? "payée" : b->paid ? "payée en partie" : "à payer";
		}
		db_close(&r);
		if (b->invoice_id) {
			b->explain = "facture émise";
			continue;
		}
		int64_t price = -1;
		const char *why = NULL;
		err e = aid_tariff(x->c, x->a, b->household_id, HC_TARIFF, f, &price, &why);
		if (e == E_OK && price >= 0)
			b->unit = price, b->total = price * b->meals, b->explain = why ? why : "";
		else
			b->explain = e == E_NOT_FOUND ? "Le règlement en vigueur n’a pas de grille « repas_domicile » : ajoutez-la (tarif : oui)."
			                              : why ? why : "Le tarif n’a pas pu être calculé.";
	}
	return n;
}

static db_sql Q_INV_COUNT = DB_SQL(DB_SCOPED, "SELECT count(*) FROM hc_invoices WHERE structure_id = $1 AND month = $2");
static db_sql Q_INV_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_invoices (structure_id, sub_id, household_id, month, number, meals, unit, total, explain, issued_on, created_by) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (sub_id, month) DO NOTHING");

err hc_bill_issue(const hc_ctx *x, const char *month, int64_t *n, int64_t *skipped)
{
	*n = 0, *skipped = 0;
	civil_date f, l;
	if (!month_ok(month, &f, &l) || civil_to_days(l) >= civil_to_days(x->today))
		return E_INPUT; /* a month is billed once it is over */
	hc_bill_line *v;
	int nv = hc_bill_preview(x, month, &v);
	if (nv < 0)
		return E_DB;
	int64_t seq = 0;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_INV_COUNT, &seq, A_TEXT(month));
	for (int i = 0; e == E_OK && i < nv; i++) {
		if (v[i].invoice_id)
			continue;
		if (v[i].unit < 0) {
			(*skipped)++;
			continue;
		}
		int64_t k = 0;
		const char *number = arena_printf(x->a, "RD-%s-%04lld", month, (long long)++seq);
		e = DBX(x->c, &Q_INV_NEW, &k, A_INT(v[i].sub_id), A_INT(v[i].household_id), A_TEXT(month), A_TEXT(number), A_INT(v[i].meals),
		        A_INT(v[i].unit), A_INT(v[i].total), A_TEXT(v[i].explain), A_TEXT(civil_iso(x->a, x->today)), A_INT(x->user));
		*n += k;
	}
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "hc_invoice", 0, arena_printf(x->a, "month=%s issued=%lld skipped=%lld", month,
		                                                                        (long long)*n, (long long)*skipped));
	return db_finish(x->c, e);
}

static db_sql Q_INV_GET = DB_SQL(DB_SCOPED,
	"SELECT id, sub_id, household_id, meals, unit, total, paid, month, number, issued_on, explain FROM hc_invoices "
	"WHERE structure_id = $1 AND id = $2");

bool hc_invoice_load(db_conn *c, arena *a, int64_t id, hc_invoice *out)
{
	db_res q = {0};
	bool ok = DBQ(c, &Q_INV_GET, &q, A_INT(id)) == E_OK && db_next(&q);
	if (ok) {
		*out = (hc_invoice){.id = db_int(&q, 0), .sub_id = db_int(&q, 1), .household_id = db_int(&q, 2), .meals = db_int(&q, 3),
		                    .unit = db_int(&q, 4), .total = db_int(&q, 5), .paid = db_int(&q, 6), .month = db_dup(&q, 7, a),
		                    .number = db_dup(&q, 8, a), .issued_on = db_dup(&q, 9, a), .explain = db_dup(&q, 10, a)};
		out->status = out->paid >= out->total ? "payée" : out->paid ? "payée en partie" : "à payer";
	}
	db_close(&q);
	return ok;
}

static db_sql Q_PAY = DB_SQL(DB_SCOPED,
	"INSERT INTO hc_payments (structure_id, invoice_id, paid_on, amount, means, created_by) VALUES ($1, $2, $3, $4, $5, $6)");
static db_sql Q_PAID = DB_SQL(DB_SCOPED,
	"UPDATE hc_invoices SET paid = paid + $3 WHERE structure_id = $1 AND id = $2 AND paid + $3 <= total AND paid = $4");

err hc_payment_add(const hc_ctx *x, hc_invoice *inv, const kv_list *in, form_errors *fe)
{
	const char *am = kv_get(in, "amount"), *means = kv_get(in, "means"), *on = kv_get(in, "paid_on");
	int64_t cents = 0, n = 0;
	civil_date d = x->today;
	if (!am || !money_parse(am, &cents) || cents <= 0 || cents > inv->total - inv->paid)
		form_error(fe, "amount", arena_printf(x->a, "Le montant payé, en euros : au plus ce qui reste dû (%s).",
		                                      money_format(x->a, inv->total - inv->paid)));
	if (!means || !CODE_OK(HC_MEANS, means))
		form_error(fe, "means", "Le moyen de paiement : chèque, espèces, virement, prélèvement.");
	if (on && *on && (!civil_parse(on, &d) || civil_to_days(d) > civil_to_days(x->today)))
		form_error(fe, "paid_on", "La date du paiement : AAAA-MM-JJ, pas dans le futur.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_PAID, &n, A_INT(inv->id), A_INT(cents), A_INT(inv->paid));
	if (e == E_OK && n != 1)
		e = E_CONFLICT; /* paid meanwhile by someone else */
	if (e == E_OK)
		e = DBX(x->c, &Q_PAY, NULL, A_INT(inv->id), A_TEXT(civil_iso(x->a, d)), A_INT(cents), A_TEXT(means), A_INT(x->user));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "hc_invoice", inv->id, "payment");
	return db_finish(x->c, e);
}
