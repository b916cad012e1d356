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
#endif
