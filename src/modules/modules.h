/*
 * modules.h — the CCAS's modules, in the order their tables are made (modules.c lists
 * their descriptors, module.h says what a descriptor holds). Adding a
 * module is its folder and one line in that list (docs/ARCHITECTURE.md).
 */
#ifndef MODULES_H
#define MODULES_H
#include "modules/module.h"
#include "store/store.h"

/* The program's modules, in order (*n of them). */
const module *const *modules_standard(int *n);
/* Starts the modules of the list: numbers every permission, registers
 * routes, hands the navigation to the layout. Once, before serving. */
void modules_init_list(const module *const *list, int n);
/* The same with the program's own list. */
void modules_init(void);
/* The schemas of the modules started (the program's list before
 * modules_init), for db_migrate and db_pending: *n of them. */
const db_module_schema *modules_schema_array(int *n);
#endif
