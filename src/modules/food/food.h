/*
 * food.h — food aid and the social grocery (aide alimentaire, épicerie
 * sociale): a household's access decided for a period from the board's
 * rulebook (resources by household size, reste à vivre, residence: the
 * aid module's engine, rules « colis_alimentaire » and
 * « epicerie_sociale »), food parcel distributions with the households
 * expected and a counter mode for volume (card barcode, file number or
 * name; one action per household), home delivery sheets, the grocery's
 * till within the household's monthly allowance at its participation
 * rate, the stock (products by the food bank's categories, lots with their
 * dates, receipts, exits, inventory, alerts; a lot past its use-by date is
 * never sold) and the food bank's yearly report. See food_internal.h for
 * how its files divide the work.
 */
#ifndef MODULES_FOOD_H
#define MODULES_FOOD_H
#include "modules/module.h"
extern const module food_module;
#endif
