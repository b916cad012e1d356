/*
 * housing.h — social housing requests (demandes de logement social): the
 * household's request with its numéro unique, its yearly renewal (the
 * request lapses when not renewed), wished communes and size, priority
 * criteria, the proposals landlords make and their outcome, the
 * allocation, and the CCAS's part (help to file, follow-up, commission).
 * See housing_internal.h for how its files divide the work.
 */
#ifndef MODULES_HOUSING_H
#define MODULES_HOUSING_H
#include "core/civil.h"
#include "modules/module.h"
extern const module housing_module;
#endif
