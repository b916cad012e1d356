/*
 * microcredit.h — the accompaniment of personal micro-credits: the CCAS
 * helps a person build a project that a partner bank finances (the bank
 * lends and decides), follows the budget before and after, the
 * repayments, the incidents and their settlement, and the outcome. See
 * microcredit_internal.h for how its files divide the work.
 */
#ifndef MODULES_MICROCREDIT_H
#define MODULES_MICROCREDIT_H
#include "modules/module.h"
extern const module microcredit_module;
#endif
