/*
 * legal.h — statutory aid files (aide sociale légale): the CCAS receives,
 * completes and forwards files that others decide (APA, ASH, aide
 * ménagère, PCH/MDPH, RSA, CSS, FSL…), within one month of lodging
 * whatever it thinks of the request (CASF L131-1, L123-5), and follows the
 * answer. See legal_internal.h for how its files divide the work.
 */
#ifndef MODULES_LEGAL_H
#define MODULES_LEGAL_H
#include "modules/module.h"
extern const module legal_module;
#endif
