/*
 * aid.h — optional aid (aide sociale facultative). So far: the structure's
 * rulebook stored as versions (each one validated before it is kept:
 * invalid rules never reach production) and the simulation of every aid
 * for a household, with the engine's explanation. Requests, committee,
 * letters and budget come next.
 */
#ifndef MODULES_AID_H
#define MODULES_AID_H
#include "store/store.h"
extern const db_module_schema aid_schema;
void aid_init(void);
/* Demo: the example rulebook (docs/reglement-exemple.txt, compiled in) as
 * the structure's first version. */
err aid_demo(db *d, int64_t structure_id, int64_t user_id);
#endif
