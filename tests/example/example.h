/*
 * example.h — a small module written as docs/ARCHITECTURE.md (« how to add
 * a module ») says, to prove in the tests that a module is a folder and a
 * line: household tags (« étiquettes »), with a table, a permission, a
 * page, an API, a navigation entry, a household-page section, a home
 * widget, a timeline kind, journal words, its part of the data-subject
 * export, anonymisation, a retention hold, demo data and an indicator.
 * It is linked into the tests only, never into the program.
 */
#ifndef TESTS_EXAMPLE_H
#define TESTS_EXAMPLE_H
#include "modules/module.h"

extern const module example_module;
extern int PERM_EXAMPLE;
#endif
