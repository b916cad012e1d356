/*
 * demo.h — reproducible synthetic data: the same N and seed give the same
 * database on every machine. Each module adds what it generates here.
 */
#ifndef MODULES_DEMO_H
#define MODULES_DEMO_H
#include <stdint.h>
#include "store/store.h"

#define DEMO_PASSWORD "demo-openccas-2026"
#define DEMO_DOMAIN "demo.openccas.fr"

/* Creates the demo structures and one account per role if the database has
 * no structure yet, then the households. Prints the logins. */
err demo_build(db *d, int64_t households, uint64_t seed);
#endif
