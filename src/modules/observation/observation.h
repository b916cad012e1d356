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
#include "modules/module.h"
extern const module observation_module;
#endif
