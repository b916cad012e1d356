/* domiciliation_internal.h — shared between the files of the domiciliation
 * module only. */
#ifndef MODULES_DOMICILIATION_INTERNAL_H
#define MODULES_DOMICILIATION_INTERNAL_H
#include <stdbool.h>

/* The module's code lists, by name: "link", "htype", "cause", "refusal",
 * "strike" (every motive that may be recorded), "status". */
bool domi_code_ok(const char *list, const char *code);
/* The French label of a code ("" for NULL, the code itself if unknown). */
const char *domi_code_label(const char *list, const char *code);
/* The interview's answers taken over from DomiFa, as a list in the page
 * (nothing when there are none). */
#include <stdint.h>
#include "web/web.h"
void domi_answers_section(web_req *r, int64_t domiciliation_id);
#endif
