/*
 * modules.h — the list of the CCAS's modules, in dependency order: their
 * schemas (for migrations) and their init functions (routes, permissions,
 * navigation). Adding a module = one line in each table of modules.c.
 */
#ifndef MODULES_H
#define MODULES_H
#include "store/store.h"
extern const db_module_schema *const modules_schemas[];
extern const int modules_nschemas;
/* The schemas as one array of modules_nschemas (for db_migrate). */
const db_module_schema *modules_schema_array(void);
void modules_init(void);
#endif
