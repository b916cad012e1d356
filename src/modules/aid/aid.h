/*
 * aid.h — optional aid (aide sociale facultative): the board's rulebook as
 * versions (invalid rules never stored), the deterministic engine that
 * explains itself, simulation, requests from draft to payment, the
 * committee, decision letters and budget envelopes. See aid_internal.h
 * for how the module's files divide the work.
 */
#ifndef MODULES_AID_H
#define MODULES_AID_H
#include "modules/module.h"
extern const module aid_module;
#endif
