/*
 * reception.h — the front desk: the contact log (every visit, call, mail,
 * e-mail, home visit, third party) with motive, answer and orientation;
 * the waiting queue; agents' appointments (day and week, print, iCalendar);
 * the partners directory used by orientations; the motives catalogue.
 */
#ifndef MODULES_RECEPTION_H
#define MODULES_RECEPTION_H
#include "store/store.h"
extern const db_module_schema reception_schema;
extern int PERM_RECEPTION, PERM_RECEPTION_ADMIN;
void reception_init(void);
/* Demo: contacts and appointments for the households of a structure. */
err reception_demo(db *d, int64_t structure_id, uint64_t seed, const int64_t *users, int nusers);
#endif
