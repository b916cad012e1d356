/*
 * observation.h — the figures a board, the State and the needs analysis
 * (ABS) need: every module's indicators (module.h, module_indicator) over a
 * period compared with the one before, as charts drawn on the server (SVG,
 * each with its data table and a sentence) and tables; small counts hidden
 * (« < 5 », the structure's threshold) everywhere, exports included; an
 * open-data CSV without a name or a file number; the board's yearly
 * activity report (PDF with the structure's logo and the director's text,
 * XLSX with the same tables). See observation_internal.h.
 */
#ifndef MODULES_OBSERVATION_H
#define MODULES_OBSERVATION_H
#include <stdio.h>
#include "modules/module.h"
extern const module observation_module;
/* The nightly job (`openccas observation`): for each structure, the figures of the year so far and of the six
 * years before computed and kept, so that the page and the yearly report read them rather than count
 * (date: the day to compute for, NULL for each structure's today). A line per period to out. */
err obs_nightly(db *d, const char *date, FILE *out);
#endif
