/* modules.c — the module list (see modules.h). */
#include "modules/modules.h"
#include "modules/accounts/accounts.h"
#include "modules/home/home.h"
#include "modules/journal/journal.h"
#include "modules/persons/persons.h"
#include "modules/reception/reception.h"
#include "modules/domiciliation/domiciliation.h"
#include "modules/aid/aid.h"
#include "core/banned.h"

const db_module_schema *const modules_schemas[] = {
	&accounts_schema,
	&journal_schema,
	&persons_schema,
	&reception_schema,
	&domiciliation_schema,
	&aid_schema,
};
const int modules_nschemas = sizeof modules_schemas / sizeof *modules_schemas;

const db_module_schema *modules_schema_array(void)
{
	static db_module_schema all[sizeof modules_schemas / sizeof *modules_schemas];
	for (int i = 0; i < modules_nschemas; i++)
		all[i] = *modules_schemas[i];
	return all;
}

void modules_init(void)
{
	accounts_init();
	journal_init();
	persons_init();
	reception_init();
	domiciliation_init();
	aid_init();
	home_init();
}
