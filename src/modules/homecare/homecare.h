/*
 * homecare.h — services at home: téléassistance subscriptions (provider,
 * device, price and who pays, the persons to call, changes and ends) and
 * meals delivered at home (portage de repas: subscriptions with diets,
 * textures and a weekly pattern, absences, the day's orders, delivery
 * rounds with their stops in order, delivery sheets, the kitchen's counts,
 * monthly billing at the rulebook's tariff by quotient familial, invoices
 * and payments). See homecare_internal.h for how its files divide the work.
 */
#ifndef MODULES_HOMECARE_H
#define MODULES_HOMECARE_H
#include "modules/module.h"
extern const module homecare_module;
#endif
