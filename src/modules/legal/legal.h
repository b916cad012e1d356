/*
 * legal.h — statutory aid files (aide sociale légale): the CCAS receives,
 * completes and forwards files that others decide (APA, ASH, aide
 * ménagère, PCH/MDPH, RSA, CSS, FSL…), within one month of lodging
 * whatever it thinks of the request (CASF L131-1, L123-5), and follows the
 * answer. See legal_internal.h for how its files divide the work.
 */
#ifndef MODULES_LEGAL_H
#define MODULES_LEGAL_H
#include "core/civil.h"
#include "modules/module.h"
extern const module legal_module;

/* Reminders to the persons who consented (notices of the persons module):
 * pieces still missing a week after lodging (then every two weeks), rights
 * to renew within 30 days (once per date). send=false counts only. For
 * `openccas notify`. */
err legal_notify(db *d, civil_date today, bool send, int64_t *count);
#endif
