/*
 * aid.h — optional aid (aide sociale facultative): the board's rulebook as
 * versions (invalid rules never stored), the deterministic engine that
 * explains itself, simulation, requests from draft to payment, the
 * committee, decision letters and budget envelopes. See aid_internal.h
 * for how the module's files divide the work.
 */
#ifndef MODULES_AID_H
#define MODULES_AID_H
#include <stdint.h>
#include "core/arena.h"
#include "core/civil.h"
#include "modules/module.h"
#include "core/err.h"
#include "store/store.h"
extern const module aid_module;

/* The price a household pays for a service the rulebook prices by a
 * tariff grid (« tarif : oui »: canteen, holiday centre, meals at home),
 * on a date: *price in cents and *explain (French). E_NOT_FOUND when no
 * rulebook in force has that tariff; E_INPUT when a figure the grid needs
 * is not recorded (*explain says which). For other modules. */
err aid_tariff(db_conn *c, arena *a, int64_t household_id, const char *key, civil_date on, int64_t *price, const char **explain);
#endif
