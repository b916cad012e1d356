/*
 * aid.h — optional aid (aide sociale facultative): the board's rulebook as
 * versions (invalid rules never stored), the deterministic engine that
 * explains itself, simulation, requests from draft to payment, the
 * committee, decision letters and budget envelopes. See aid_internal.h
 * for how the module's files divide the work.
 */
#ifndef MODULES_AID_H
#define MODULES_AID_H
#include "store/store.h"
extern const db_module_schema aid_schema;
void aid_init(void);
/* Demo: the example rulebook (docs/reglement-exemple.txt, compiled in) and
 * an older version, monthly committee sessions, about three years of
 * requests in every state (at most 6,000), envelopes. Deterministic. */
err aid_demo(db *d, int64_t structure_id, uint64_t seed, const int64_t *users, int nusers, int64_t manager);
#endif
