/*
 * register.h — the register of vulnerable persons (registre nominatif,
 * CASF L121-6-1, R121-2 ff.): who may be registered and how (voluntary,
 * a third party only in writing), the acknowledgement within 8 days, what
 * the file holds and its yearly check, the agents the structure names as
 * its only readers, the préfet's export only while a plan is triggered,
 * and the alert campaigns (call lists, calls, escalation to a visit and
 * the emergency services, the live board, the report). See
 * register_internal.h for how its files divide the work.
 */
#ifndef MODULES_REGISTER_H
#define MODULES_REGISTER_H
#include "modules/module.h"
extern const module register_module;
#endif
