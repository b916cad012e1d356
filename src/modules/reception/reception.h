/*
 * reception.h — the front desk: the contact log (every visit, call, mail,
 * e-mail, home visit, third party) with motive, answer and orientation;
 * the waiting queue; agents' appointments (day and week, print, iCalendar);
 * the partners directory used by orientations; the motives catalogue.
 */
#ifndef MODULES_RECEPTION_H
#define MODULES_RECEPTION_H
#include "modules/module.h"

extern const module reception_module;
extern int PERM_RECEPTION, PERM_RECEPTION_ADMIN;

/* The names of the structure's active partners of one kind (« bailleur »,
 * « departement »…, see the directory's kinds), sorted, into *out (arena);
 * their number, -1 on failure. For other modules' suggestions. */
int reception_partner_names(db_conn *c, arena *a, const char *kind, const char ***out);
#endif
