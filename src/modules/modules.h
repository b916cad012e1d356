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
/* Copies the schemas into out (array of at least modules_nschemas). */
void modules_schema_list(db_module_schema *out);
void modules_init(void);
#endif
