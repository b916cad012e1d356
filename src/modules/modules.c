/* modules.c — the module list (see modules.h). */
#include "modules/modules.h"
#include <stdlib.h>
#include "core/countof.h"
#include "core/log.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid.h"
#include "modules/domiciliation/domiciliation.h"
#include "modules/food/food.h"
#include "modules/home/home.h"
#include "modules/homecare/homecare.h"
#include "modules/housing/housing.h"
#include "modules/journal/journal.h"
#include "modules/legal/legal.h"
#include "modules/microcredit/microcredit.h"
#include "modules/observation/observation.h"
#include "modules/persons/persons.h"
#include "modules/reception/reception.h"
#include "modules/register/register.h"
#include "web/layout.h"
#include "core/banned.h"

/* In the order their tables are created (a module's tables may refer to
 * those of the modules before it: the journal's to the structures). */
static const module *const standard[] = {
	&accounts_module,
	&journal_module,
	&persons_module,
	&reception_module,
	&domiciliation_module,
	&aid_module,
	&legal_module,
	&housing_module,
	&microcredit_module,
	&register_module,
	&homecare_module,
	&food_module,
	&observation_module,
	&home_module,
};

const module *const *modules_standard(int *n)
{
	*n = COUNTOF(standard);
	return standard;
}

void modules_init_list(const module *const *list, int n)
{
	module_list_set(list, n);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < list[i]->nperms; k++) {
			const module_perm *p = &list[i]->perms[k];
			*p->id = perm_declare(p->key, p->label, p->roles);
		}
	int nnav = 0;
	for (int i = 0; i < n; i++)
		nnav += list[i]->nnav;
	const module_nav **order = calloc((size_t)nnav + 1, sizeof *order);
	layout_nav *nav = calloc((size_t)nnav + 1, sizeof *nav);
	if (!order || !nav)
		log_fatal("modules: out of memory");
	int k = 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < list[i]->nnav; j++) {
			const module_nav *e = &list[i]->nav[j];
			int at = k++;
			for (; at > 0 && order[at - 1]->order > e->order; at--)
				order[at] = order[at - 1];
			order[at] = e;
		}
	for (int i = 0; i < nnav; i++)
		nav[i] = (layout_nav){order[i]->label, order[i]->href, order[i]->perm ? *order[i]->perm : WEB_LOGGED_IN, order[i]->visible};
	free(order);
	for (int i = 0; i < n; i++)
		if (list[i]->init)
			list[i]->init();
	layout_set_nav(nav, nnav); /* kept for the program's life */
}

void modules_init(void)
{
	modules_init_list(standard, COUNTOF(standard));
}

const db_module_schema *modules_schema_array(int *n)
{
	int nm = module_count();
	const module *const *list = NULL;
	if (!nm)
		list = modules_standard(&nm);
	static db_module_schema *all; /* one array, rebuilt on each call */
	free(all);
	all = calloc((size_t)nm + 1, sizeof *all);
	if (!all)
		log_fatal("modules: out of memory");
	*n = 0;
	for (int i = 0; i < nm; i++) {
		const module *m = list ? list[i] : module_at(i);
		if (m->schema)
			all[(*n)++] = *m->schema;
	}
	return all;
}
