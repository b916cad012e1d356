/* journal_module.c — the access journal as a module (see module.h). */
#include "modules/journal/journal.h"
#include "modules/journal/journal_internal.h"
#include "core/banned.h"

static const module_perm perms[] = {
	{&PERM_JOURNAL_READ, "journal.read", "Lire et vérifier le journal des accès", ROLE_BIT(ROLE_DPO)},
};
static const module_nav nav[] = {
	{95, "Journal", "/journal", &PERM_JOURNAL_READ, NULL},
};
static const module_label labels[] = {
	{"journal", "journal"},
};

const module journal_module = {
	.name = "journal",
	.schema = &journal_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = journal_routes,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.labels = labels,
	.nlabels = COUNTOF(labels),
};
