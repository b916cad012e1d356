/*
 * food_stock.c — the grocery's stock and till: products (the food bank's
 * categories, shop price, weight), lots with their date and what is left,
 * receipts, exits, inventory, the household's month (allowance and what it
 * spent), the basket (lots by nearest date, never past a use-by date) and
 * the visit. No HTML here.
 */
#include "modules/food/food_internal.h"
#include <stdlib.h>
#include <string.h>
#include "core/money.h"
#include "core/text.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

static const char *in_get(const kv_list *in, const char *name)
{
	const char *v = kv_get(in, name);
	return v && *v ? v : NULL;
}

/* ---- products ---------------------------------------------------------------------------------------- */

/* stock: units in lots that can still be sold today ($2). */
#define P_COLS "p.id, p.price, p.grams, coalesce((SELECT sum(l.qty) FROM food_lots l WHERE l.structure_id = p.structure_id AND " \
               "l.product_id = p.id AND l.qty > 0 AND (l.date_kind <> 'dlc' OR l.best_on >= $2)), 0), " \
               "(SELECT count(*) FROM food_lots l WHERE l.structure_id = p.structure_id AND l.product_id = p.id AND l.qty > 0), " \
               "p.version, p.name, p.category, p.barcode, p.active"

static int products_q(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, food_product **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		food_product *p = ARENA_PUSH(a, *out, n, cap);
		if (!p)
			break;
		*p = (food_product){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), db_int(&q, 3), db_int(&q, 4), db_int(&q, 5),
		                    db_dup(&q, 6, a), db_dup(&q, 7, a), db_dup(&q, 8, a), db_int(&q, 9) != 0};
	}
	db_close(&q);
	return n;
}

static db_sql Q_P_LIST = DB_SQL(DB_SCOPED, "SELECT " P_COLS " FROM food_products p WHERE p.structure_id = $1 ORDER BY p.category, p.name");
static db_sql Q_P_ACTIVE = DB_SQL(DB_SCOPED,
	"SELECT " P_COLS " FROM food_products p WHERE p.structure_id = $1 AND p.active = 1 ORDER BY p.category, p.name");
static db_sql Q_P_GET = DB_SQL(DB_SCOPED, "SELECT " P_COLS " FROM food_products p WHERE p.structure_id = $1 AND p.id = $3");

int food_products(const food_ctx *x, bool active_only, food_product **out)
{
	food_product *v;
	int n = products_q(x->c, x->a, active_only ? &Q_P_ACTIVE : &Q_P_LIST, 1, (db_arg[]){A_TEXT(civil_iso(x->a, x->today))}, &v);
	*out = v;
	if (n <= 1)
		return n;
	/* In the order of the food bank's categories (dairy first…), by name within each. */
	food_product *o = arena_array(x->a, (size_t)n, sizeof *o);
	if (!o)
		return n;
	int k = 0;
	for (int c = 0; c < COUNTOF(FOOD_CATEGORIES); c++)
		for (int i = 0; i < n; i++)
			if (!strcmp(v[i].category, FOOD_CATEGORIES[c].v))
				o[k++] = v[i];
	for (int i = 0; i < n; i++) /* a category no longer in the list: last */
		if (!CODE_OK(FOOD_CATEGORIES, v[i].category))
			o[k++] = v[i];
	*out = o;
	return k;
}

bool food_product_load(const food_ctx *x, int64_t id, food_product *out)
{
	food_product *v;
	if (products_q(x->c, x->a, &Q_P_GET, 2, (db_arg[]){A_TEXT(civil_iso(x->a, x->today)), A_INT(id)}, &v) != 1)
		return false;
	*out = v[0];
	return true;
}

static db_sql Q_P_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO food_products (structure_id, name, category, price, grams, barcode) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
static db_sql Q_P_SET = DB_SQL(DB_SCOPED,
	"UPDATE food_products SET name = $3, category = $4, price = $5, grams = $6, barcode = $7, active = $8, version = version + 1 "
	"WHERE structure_id = $1 AND id = $2");

err food_product_save(const food_ctx *x, int64_t id, const kv_list *in, form_errors *fe, int64_t *out_id)
{
	const char *name = in_get(in, "name"), *cat = in_get(in, "category"), *bc = in_get(in, "barcode");
	int64_t price = 0, grams = 0;
	if (!name || strlen(name) > 120)
		form_error(fe, "name", "Le nom du produit (120 caractères au plus) : « Pâtes 500 g ».");
	if (!cat || !CODE_OK(FOOD_CATEGORIES, cat))
		form_error(fe, "category", "La catégorie de la banque alimentaire.");
	if (!in_get(in, "price") || !money_parse(in_get(in, "price"), &price) || price < 0 || price > 100000)
		form_error(fe, "price", "Le prix en magasin d’une unité, en euros : 1,20.");
	if (!in_get(in, "grams") || !text_to_int64(in_get(in, "grams"), 1, 100000, &grams))
		form_error(fe, "grams", "Le poids d’une unité en grammes : 500 (pour les rapports en kilogrammes).");
	if (bc && (strlen(bc) > 20 || strspn(bc, "0123456789") != strlen(bc)))
		form_error(fe, "barcode", "Le code-barres du produit : ses chiffres (EAN-13), vide sinon.");
	if (fe->n)
		return E_INPUT;
	int64_t n = 1;
	err e = db_begin(x->c, true);
	if (e == E_OK && id)
		e = DBX(x->c, &Q_P_SET, &n, A_INT(id), A_TEXT(name), A_TEXT(cat), A_INT(price), A_INT(grams), A_TEXT(bc ? bc : ""),
		        A_INT(!in_get(in, "inactive")));
	else if (e == E_OK)
		e = DBID(x->c, &Q_P_NEW, &id, A_TEXT(name), A_TEXT(cat), A_INT(price), A_INT(grams), A_TEXT(bc ? bc : ""));
	if (e == E_CONFLICT) {
		form_error(fe, "name", "Un autre produit porte déjà ce nom.");
		e = E_INPUT;
	}
	if (e == E_OK && n != 1)
		e = E_NOT_FOUND;
	*out_id = id;
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "food_product", id, NULL);
	return db_finish(x->c, e);
}

/* ---- lots --------------------------------------------------------------------------------------------- */

#define LOT_COLS "l.id, l.product_id, l.qty_in, l.qty, l.grams, p.name, p.category, l.source, l.origin, l.received_on, l.date_kind, " \
                 "coalesce(l.best_on, '')"
#define LOT_FROM " FROM food_lots l JOIN food_products p ON p.structure_id = l.structure_id AND p.id = l.product_id "

/* The lots of a statement run (e its result), the statement closed. */
static int lots_read(const food_ctx *x, db_res *r, err e, food_lot **out)
{
	int n = 0, cap = 0;
	*out = NULL;
	if (e != E_OK)
		return -1;
	while (db_next(r)) {
		food_lot *l = ARENA_PUSH(x->a, *out, n, cap);
		if (!l)
			break;
		*l = (food_lot){.id = db_int(r, 0), .product_id = db_int(r, 1), .qty_in = db_int(r, 2), .qty = db_int(r, 3), .grams = db_int(r, 4)};
		const char **t[] = {&l->product, &l->category, &l->source, &l->origin, &l->received_on, &l->date_kind, &l->best_on};
		for (int i = 0; i < COUNTOF(t); i++) {
			char *s = db_dup(r, 5 + i, x->a);
			*t[i] = s ? s : "";
		}
		civil_date b;
		l->dated = *l->best_on && civil_parse(l->best_on, &b);
		l->days_left = l->dated ? (int)(civil_to_days(b) - civil_to_days(x->today)) : 0;
	}
	db_close(r);
	return n;
}

static int lots_q(const food_ctx *x, db_sql *sql, int nargs, const db_arg *args, food_lot **out)
{
	db_res q = {0};
	err e = db_query(x->c, sql, &q, nargs, args);
	return lots_read(x, &q, e, out);
}

/* Alerts: a use-by date within near_days (or past), a best-before date within ten times that. */
/* Each list's statement: its one filter, a product, only when asked (store.h: db_filtered). Alerts: a use-by date
 * within near_days (or past), a best-before date within ten times that. */
static const char *const LOT_PRODUCT[] = {" AND l.product_id = ?"};
#define LOT_IN_STOCK "WHERE l.structure_id = $1 AND l.qty > 0"
#define LOT_EMPTY "WHERE l.structure_id = $1 AND l.qty = 0"
#define LOT_ANY "WHERE l.structure_id = $1"
#define LOT_ALERT " AND ((l.date_kind = 'dlc' AND l.best_on <= ?) OR (l.date_kind = 'ddm' AND l.best_on <= ?))"
#define LOT_PAGE " LIMIT ? OFFSET ?"
static db_filtered F_LOT_LIST = DB_FILTERED(DB_SCOPED, "SELECT " LOT_COLS LOT_FROM LOT_IN_STOCK, 1, LOT_PRODUCT,
	" ORDER BY l.best_on IS NULL, l.best_on, l.id" LOT_PAGE);
static db_filtered F_LOT_ALERT = DB_FILTERED(DB_SCOPED, "SELECT " LOT_COLS LOT_FROM LOT_IN_STOCK, 1, LOT_PRODUCT,
	LOT_ALERT " ORDER BY l.date_kind = 'ddm', l.best_on, l.id" LOT_PAGE);
static db_filtered F_LOT_EMPTY = DB_FILTERED(DB_SCOPED, "SELECT " LOT_COLS LOT_FROM LOT_EMPTY, 1, LOT_PRODUCT,
	" ORDER BY l.received_on DESC, l.id DESC" LOT_PAGE);
static db_filtered F_LOT_ALL = DB_FILTERED(DB_SCOPED, "SELECT " LOT_COLS LOT_FROM LOT_ANY, 1, LOT_PRODUCT,
	" ORDER BY l.received_on DESC, l.id DESC" LOT_PAGE);
/* Their totals counted apart (a count beside every row said 0 on a page past the end). */
static db_filtered F_LOT_N_LIST = DB_FILTERED(DB_SCOPED, "SELECT count(*) FROM food_lots l " LOT_IN_STOCK, 1, LOT_PRODUCT, "");
static db_filtered F_LOT_N_ALERT = DB_FILTERED(DB_SCOPED, "SELECT count(*) FROM food_lots l " LOT_IN_STOCK, 1, LOT_PRODUCT, LOT_ALERT);
static db_filtered F_LOT_N_EMPTY = DB_FILTERED(DB_SCOPED, "SELECT count(*) FROM food_lots l " LOT_EMPTY, 1, LOT_PRODUCT, "");
static db_filtered F_LOT_N_ALL = DB_FILTERED(DB_SCOPED, "SELECT count(*) FROM food_lots l " LOT_ANY, 1, LOT_PRODUCT, "");
static db_sql Q_LOT_GET = DB_SQL(DB_SCOPED, "SELECT " LOT_COLS LOT_FROM "WHERE l.structure_id = $1 AND l.id = $2");

int food_lots(const food_ctx *x, const char *list, int64_t product, int limit, int offset, food_lot **out, int64_t *total)
{
	*total = 0;
	food_settings st;
	food_settings_get(x->c, &st);
	db_arg dates[] = {A_TEXT(civil_iso(x->a, civil_from_days(civil_to_days(x->today) + st.near_days))),
	                  A_TEXT(civil_iso(x->a, civil_from_days(civil_to_days(x->today) + 10 * st.near_days)))};
	bool alert = !strcmp(list, "alertes");
	db_filtered *q = !strcmp(list, "stock") ? &F_LOT_LIST : alert ? &F_LOT_ALERT : !strcmp(list, "vides") ? &F_LOT_EMPTY : &F_LOT_ALL;
	db_filtered *nq = q == &F_LOT_LIST ? &F_LOT_N_LIST : alert ? &F_LOT_N_ALERT : q == &F_LOT_EMPTY ? &F_LOT_N_EMPTY : &F_LOT_N_ALL;
	db_pick p = DB_PICK;
	if (product)
		DB_PICK_ON(&p, 0, A_INT(product));
	db_arg tail[] = {dates[0], dates[1], A_INT(limit), A_INT(offset)};
	db_res r = {0};
	err e = db_query_filtered(x->c, q, &p, &r, alert ? 4 : 2, alert ? tail : tail + 2);
	int n = lots_read(x, &r, e, out);
	if (n < 0 || db_query_filtered(x->c, nq, &p, &r, alert ? 2 : 0, dates) != E_OK)
		return -1;
	if (db_next(&r))
		*total = db_int(&r, 0);
	db_close(&r);
	return n;
}

bool food_lot_load(const food_ctx *x, int64_t id, food_lot *out)
{
	food_lot *v;
	if (lots_q(x, &Q_LOT_GET, 1, (db_arg[]){A_INT(id)}, &v) != 1)
		return false;
	*out = v[0];
	return true;
}

static db_sql Q_LOT_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO food_lots (structure_id, product_id, source, origin, received_on, date_kind, best_on, qty_in, qty, grams, created_by, "
	"created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11) RETURNING id");

err food_lot_receive(const food_ctx *x, const kv_list *in, form_errors *fe, int64_t *id)
{
	int64_t pid = 0, qty = 0, grams = -1;
	food_product p = {0};
	const char *src = in_get(in, "source"), *origin = in_get(in, "origin"), *dk = in_get(in, "date_kind");
	civil_date rec = x->today, best = {0};
	if (!in_get(in, "product") || !text_to_int64(in_get(in, "product"), 1, INT64_MAX, &pid) || !food_product_load(x, pid, &p))
		form_error(fe, "product", "Choisissez le produit (ajoutez-le d’abord à la liste des produits s’il n’y est pas).");
	if (!in_get(in, "qty") || !text_to_int64(in_get(in, "qty"), 1, 1000000, &qty))
		form_error(fe, "qty", "La quantité reçue, en unités : 24.");
	if (in_get(in, "weight_kg")) {
		int64_t g;
		if (!money_parse(in_get(in, "weight_kg"), &g) || g <= 0 || g > 10000000)
			form_error(fe, "weight_kg", "Le poids du lot en kilogrammes : 12,5 (vide : le poids du produit fois la quantité).");
		else
			grams = g * 10;
	}
	if (!src || !CODE_OK(FOOD_SOURCES, src))
		form_error(fe, "source", "L’origine : banque alimentaire, achat, don ou collecte.");
	if (origin && strlen(origin) > 120)
		form_error(fe, "origin", "Le fournisseur ou donateur tient en 120 caractères.");
	if (in_get(in, "received_on") && (!civil_parse(in_get(in, "received_on"), &rec) || civil_to_days(rec) > civil_to_days(x->today)))
		form_error(fe, "received_on", "Le jour de la réception : AAAA-MM-JJ, pas dans l’avenir.");
	if (!dk)
		dk = "";
	if (!CODE_OK(FOOD_DATE_KINDS, dk))
		form_error(fe, "date_kind", "La date du lot : DLC, DDM ou sans date.");
	else if (*dk && (!in_get(in, "best_on") || !civil_parse(in_get(in, "best_on"), &best)))
		form_error(fe, "best_on", "La date imprimée sur le produit : AAAA-MM-JJ.");
	else if (!strcmp(dk, "dlc") && civil_to_days(best) < civil_to_days(x->today))
		form_error(fe, "best_on", "Cette date limite de consommation est passée : le lot ne peut pas entrer en stock (il se jette).");
	if (fe->n)
		return E_INPUT;
	if (grams < 0)
		grams = p.grams * qty;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBID(x->c, &Q_LOT_NEW, id, A_INT(pid), A_TEXT(src), A_TEXT(origin ? origin : ""), A_TEXT(civil_iso(x->a, rec)), A_TEXT(dk),
		         *dk ? A_TEXT(civil_iso(x->a, best)) : A_NULL, A_INT(qty), A_INT(grams), A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "food_lot", *id, NULL);
	return db_finish(x->c, e);
}

static db_sql Q_LOT_TAKE = DB_SQL(DB_SCOPED,
	"UPDATE food_lots SET qty = qty - $3 WHERE structure_id = $1 AND id = $2 AND qty >= $3");
static db_sql Q_LOT_COUNT = DB_SQL(DB_SCOPED,
	"UPDATE food_lots SET qty = $3 WHERE structure_id = $1 AND id = $2 AND qty = $4");
static db_sql Q_MOVE = DB_SQL(DB_SCOPED,
	"INSERT INTO food_moves (structure_id, lot_id, day, kind, qty, visit_id, note, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");

err food_lot_exit(const food_ctx *x, food_lot *l, const kv_list *in, form_errors *fe)
{
	const char *kind = in_get(in, "kind"), *note = in_get(in, "note");
	int64_t qty = 0, n = 0;
	if (!kind || !CODE_OK(FOOD_EXITS, kind) || !strcmp(kind, "vente"))
		form_error(fe, "kind", "La sortie : perte, périmé ou transfert (une vente passe par la caisse).");
	if (!in_get(in, "qty") || !text_to_int64(in_get(in, "qty"), 1, 1000000, &qty) || qty > l->qty)
		form_error(fe, "qty", arena_printf(x->a, "La quantité sortie : de 1 à %lld (ce qui reste du lot).", (long long)l->qty));
	if (note && strlen(note) > 300)
		form_error(fe, "note", "La note tient en 300 caractères.");
	if (kind && !strcmp(kind, "transfert") && !note)
		form_error(fe, "note", "À quelle structure le lot est transféré.");
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	if (e == E_OK)
		e = DBX(x->c, &Q_LOT_TAKE, &n, A_INT(l->id), A_INT(qty));
	if (e == E_OK && n != 1) {
		form_error(fe, "qty", "Le lot vient de changer (une vente, une autre sortie) : il en reste moins. Vérifiez.");
		e = E_INPUT;
	}
	if (e == E_OK)
		e = DBX(x->c, &Q_MOVE, NULL, A_INT(l->id), A_TEXT(civil_iso(x->a, x->today)), A_TEXT(kind), A_INT(-qty), A_NULL, A_TEXT(note ? note : ""),
		        A_INT(x->user), A_INT(civil_now()));
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "food_lot", l->id, kind);
	return db_finish(x->c, e);
}

err food_inventory(const food_ctx *x, const kv_list *in, form_errors *fe, int64_t *changed, int64_t *diff)
{
	*changed = 0, *diff = 0;
	typedef struct { int64_t lot, counted, was; } cnt;
	cnt *v = NULL;
	int n = 0, cap = 0;
	for (int i = 0; i < in->n; i++) {
		const char *k = in->items[i].name, *s = in->items[i].value;
		int64_t lot, counted;
		if (strncmp(k, "lot_", 4) || !s || !*s)
			continue;
		if (!text_to_int64(k + 4, 1, INT64_MAX, &lot) || !text_to_int64(s, 0, 1000000, &counted)) {
			form_error(fe, k, "La quantité comptée : un nombre d’unités, 0 ou plus.");
			continue;
		}
		food_lot l;
		if (!food_lot_load(x, lot, &l)) {
			form_error(fe, k, "Ce lot n’existe pas.");
			continue;
		}
		if (counted == l.qty)
			continue;
		cnt *p = ARENA_PUSH(x->a, v, n, cap);
		if (p)
			*p = (cnt){lot, counted, l.qty};
	}
	if (fe->n)
		return E_INPUT;
	err e = db_begin(x->c, true);
	for (int i = 0; e == E_OK && i < n; i++) {
		int64_t k = 0;
		e = DBX(x->c, &Q_LOT_COUNT, &k, A_INT(v[i].lot), A_INT(v[i].counted), A_INT(v[i].was));
		if (e == E_OK && k != 1) {
			form_error(fe, arena_printf(x->a, "lot_%lld", (long long)v[i].lot), "Ce lot a changé pendant l’inventaire : comptez-le de nouveau.");
			e = E_INPUT;
		}
		if (e == E_OK)
			e = DBX(x->c, &Q_MOVE, NULL, A_INT(v[i].lot), A_TEXT(civil_iso(x->a, x->today)), A_TEXT("inventaire"), A_INT(v[i].counted - v[i].was),
			        A_NULL, A_TEXT(""), A_INT(x->user), A_INT(civil_now()));
		*diff += v[i].counted - v[i].was;
	}
	*changed = n;
	if (e == E_OK)
		e = journal_record(x->c, x->user, "update", "food_inventory", 0, arena_printf(x->a, "lots=%d", n));
	return db_finish(x->c, e);
}

/* ---- the grocery: the household's month, the basket, the visit --------------------------------------------- */

static db_sql Q_SPENT = DB_SQL(DB_SCOPED,
	"SELECT coalesce(sum(value), 0) FROM food_visits WHERE structure_id = $1 AND household_id = $2 AND day >= $3 AND day <= $4");

err food_account_of(const food_ctx *x, int64_t hid, food_account *out)
{
	*out = (food_account){0};
	if (!food_decision_on(x->c, x->a, hid, "epicerie", civil_iso(x->a, x->today), &out->d)) {
		out->d.id = 0;
		return E_NOT_FOUND;
	}
	civil_date m0 = {x->today.y, x->today.m, 1}, m1 = {x->today.y, x->today.m, civil_month_days(x->today.y, x->today.m)};
	err e = DBID(x->c, &Q_SPENT, &out->spent, A_INT(hid), A_TEXT(civil_iso(x->a, m0)), A_TEXT(civil_iso(x->a, m1)));
	out->left = out->d.allowance >= 0 ? out->d.allowance - out->spent : 0;
	if (out->left < 0)
		out->left = 0;
	return e;
}

/* The lots of a product that can be sold today, nearest date first (use-by before best-before at equal dates). */
static db_sql Q_SELLABLE = DB_SQL(DB_SCOPED,
	"SELECT " LOT_COLS LOT_FROM "WHERE l.structure_id = $1 AND l.product_id = $2 AND l.qty > 0 AND (l.date_kind <> 'dlc' OR l.best_on >= $3) "
	"ORDER BY l.best_on IS NULL, l.best_on, l.date_kind = 'ddm', l.id");

static void basket_add(const food_ctx *x, food_basket *b, int *cap, const food_lot *l, const food_product *p, int64_t qty)
{
	food_basket_line *bl = ARENA_PUSH(x->a, b->lines, b->n, *cap);
	if (!bl)
		return;
	int64_t grams = l->qty_in > 0 ? l->grams * qty / l->qty_in : p->grams * qty;
	*bl = (food_basket_line){p->id, l->id, qty, p->price, p->price * qty, grams, p->name};
	b->value += bl->value, b->grams += grams;
}

err food_basket_read(const food_ctx *x, const food_account *acc, const kv_list *in, form_errors *fe, food_basket *out)
{
	*out = (food_basket){0};
	int cap = 0, items = 0;
	for (int i = 0; i < in->n; i++) {
		const char *k = in->items[i].name, *s = in->items[i].value;
		bool by_lot = !strncmp(k, "lot_", 4);
		if ((strncmp(k, "p_", 2) && !by_lot) || !s || !*s || !strcmp(s, "0"))
			continue;
		int64_t id, qty;
		if (++items > 200) {
			form_error(fe, k, "Un panier tient en 200 lignes.");
			break;
		}
		if (!text_to_int64(k + (by_lot ? 4 : 2), 1, INT64_MAX, &id) || !text_to_int64(s, 0, 1000, &qty)) {
			form_error(fe, k, "La quantité : un nombre d’unités, de 0 à 1 000.");
			continue;
		}
		if (!qty)
			continue;
		food_product p;
		if (by_lot) {
			food_lot l;
			if (!food_lot_load(x, id, &l) || !food_product_load(x, l.product_id, &p)) {
				form_error(fe, k, "Ce lot n’existe pas.");
				continue;
			}
			if (!strcmp(l.date_kind, "dlc") && l.days_left < 0) {
				form_error(fe, k, arena_printf(x->a, "%s : la date limite de consommation de ce lot est passée (%s), il ne se vend pas.", p.name,
				                               civil_fr(x->a, l.best_on)));
				continue;
			}
			if (qty > l.qty) {
				form_error(fe, k, arena_printf(x->a, "%s : il reste %lld unités dans ce lot.", p.name, (long long)l.qty));
				continue;
			}
			basket_add(x, out, &cap, &l, &p, qty);
			continue;
		}
		if (!food_product_load(x, id, &p)) {
			form_error(fe, k, "Ce produit n’existe pas.");
			continue;
		}
		food_lot *lots;
		int nl = lots_q(x, &Q_SELLABLE, 2, (db_arg[]){A_INT(id), A_TEXT(civil_iso(x->a, x->today))}, &lots);
		int64_t want = qty;
		for (int j = 0; j < nl && want > 0; j++) {
			int64_t take = lots[j].qty < want ? lots[j].qty : want;
			basket_add(x, out, &cap, &lots[j], &p, take);
			want -= take;
		}
		if (want > 0)
			form_error(fe, k, arena_printf(x->a, "%s : il n’en reste que %lld en rayon (hors lots périmés).", p.name, (long long)(qty - want)));
	}
	if (!fe->n && !out->n)
		form_error(fe, "basket", "Le panier est vide : une quantité au moins.");
	if (acc->d.rate >= 0)
		out->pay = money_div_round(out->value * acc->d.rate, 100);
	if (!fe->n && acc->d.allowance >= 0 && out->value > acc->left)
		form_error(fe, "basket", arena_printf(x->a, "Le panier vaut %s au prix en magasin : il reste %s au foyer ce mois-ci. Retirez des produits.",
		                                      money_format(x->a, out->value), money_format(x->a, acc->left)));
	return fe->n ? E_INPUT : E_OK;
}

static db_sql Q_V_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO food_visits (structure_id, household_id, decision_id, day, value, paid, before, grams, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
static db_sql Q_VL_NEW = DB_SQL(DB_SCOPED,
	"INSERT INTO food_visit_lines (structure_id, visit_id, lot_id, product_id, qty, price, grams) VALUES ($1, $2, $3, $4, $5, $6, $7)");

err food_visit_record(const food_ctx *x, const food_account *acc, const food_basket *b, int64_t *id)
{
	const char *today = civil_iso(x->a, x->today);
	err e = db_begin(x->c, true);
	/* What the household spent, read again inside the write: two tills cannot both spend the same euros. */
	int64_t spent = 0;
	if (e == E_OK) {
		civil_date m0 = {x->today.y, x->today.m, 1}, m1 = {x->today.y, x->today.m, civil_month_days(x->today.y, x->today.m)};
		e = DBID(x->c, &Q_SPENT, &spent, A_INT(acc->d.household_id), A_TEXT(civil_iso(x->a, m0)), A_TEXT(civil_iso(x->a, m1)));
	}
	if (e == E_OK && (spent != acc->spent || (acc->d.allowance >= 0 && b->value > acc->d.allowance - spent)))
		e = E_CONFLICT;
	if (e == E_OK)
		e = DBID(x->c, &Q_V_NEW, id, A_INT(acc->d.household_id), A_INT(acc->d.id), A_TEXT(today), A_INT(b->value), A_INT(b->pay),
		         A_INT(acc->left), A_INT(b->grams), A_INT(x->user), A_INT(civil_now()));
	for (int i = 0; e == E_OK && i < b->n; i++) {
		int64_t n = 0;
		const food_basket_line *l = &b->lines[i];
		e = DBX(x->c, &Q_LOT_TAKE, &n, A_INT(l->lot_id), A_INT(l->qty));
		if (e == E_OK && n != 1)
			e = E_CONFLICT; /* the lot was emptied meanwhile */
		if (e == E_OK)
			e = DBX(x->c, &Q_VL_NEW, NULL, A_INT(*id), A_INT(l->lot_id), A_INT(l->product_id), A_INT(l->qty), A_INT(l->price), A_INT(l->grams));
		if (e == E_OK)
			e = DBX(x->c, &Q_MOVE, NULL, A_INT(l->lot_id), A_TEXT(today), A_TEXT("vente"), A_INT(-l->qty), A_INT(*id), A_TEXT(""), A_INT(x->user),
			        A_INT(civil_now()));
	}
	if (e == E_OK)
		e = journal_record(x->c, x->user, "create", "food_visit", *id, NULL);
	return db_finish(x->c, e);
}

static db_sql Q_V_GET = DB_SQL(DB_SCOPED,
	"SELECT id, household_id, decision_id, value, paid, before, grams, day FROM food_visits WHERE structure_id = $1 AND id = $2");
static db_sql Q_V_LINES = DB_SQL(DB_SCOPED,
	"SELECT v.product_id, v.lot_id, v.qty, v.price, v.price * v.qty, v.grams, p.name FROM food_visit_lines v JOIN food_products p "
	"ON p.structure_id = v.structure_id AND p.id = v.product_id WHERE v.structure_id = $1 AND v.visit_id = $2 ORDER BY v.id");
static db_sql Q_V_DAY = DB_SQL(DB_SCOPED,
	"SELECT id, household_id, decision_id, value, paid, before, grams, day FROM food_visits WHERE structure_id = $1 AND day = $2 ORDER BY id DESC");

static int visits_q(db_conn *c, arena *a, db_sql *sql, int nargs, const db_arg *args, food_visit **out)
{
	db_res q = {0};
	int n = 0, cap = 0;
	*out = NULL;
	if (db_query(c, sql, &q, nargs, args) != E_OK)
		return -1;
	while (db_next(&q)) {
		food_visit *v = ARENA_PUSH(a, *out, n, cap);
		if (!v)
			break;
		*v = (food_visit){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), db_int(&q, 3), db_int(&q, 4), db_int(&q, 5), db_int(&q, 6),
		                  db_dup(&q, 7, a), NULL, 0};
	}
	db_close(&q);
	return n;
}

bool food_visit_load(db_conn *c, arena *a, int64_t id, food_visit *out)
{
	food_visit *v;
	if (visits_q(c, a, &Q_V_GET, 1, (db_arg[]){A_INT(id)}, &v) != 1)
		return false;
	*out = v[0];
	db_res q = {0};
	int cap = 0;
	if (DBQ(c, &Q_V_LINES, &q, A_INT(id)) == E_OK)
		while (db_next(&q)) {
			food_basket_line *l = ARENA_PUSH(a, out->lines, out->n, cap);
			if (!l)
				break;
			*l = (food_basket_line){db_int(&q, 0), db_int(&q, 1), db_int(&q, 2), db_int(&q, 3), db_int(&q, 4), db_int(&q, 5), db_dup(&q, 6, a)};
		}
	db_close(&q);
	return true;
}

int food_visits_of_day(db_conn *c, arena *a, const char *day, food_visit **out)
{
	return visits_q(c, a, &Q_V_DAY, 1, (db_arg[]){A_TEXT(day)}, out);
}
