/*
 * money.h — amounts are int64_t cents. Parsing accepts what agents type
 * ("12", "12,5", "1 234,56", "12.50", "12 €"); formatting is French
 * ("1 234,56 €", with a narrow no-break space as thousands separator).
 */
#ifndef CORE_MONEY_H
#define CORE_MONEY_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"

#define MONEY_MAX (1000000000LL * 100) /* one billion euros */
bool money_parse(const char *s, int64_t *cents);
/* "1 234,56 €" (arena-owned). */
char *money_format(arena *a, int64_t cents);
/* The same for a figure that may not be recorded: « non renseigné » then
 * (a missing value is never shown as 0). */
const char *money_format_known(arena *a, bool known, int64_t cents);
/* Rounded division a / b, half away from zero (b > 0). */
int64_t money_div_round(int64_t a, int64_t b);
#endif
