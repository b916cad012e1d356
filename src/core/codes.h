/*
 * codes.h — lists of stable codes and the French people read for them.
 *
 *   static const code HOUSING[] = {{"locataire", "Locataire"}, {"sans_abri", "Sans abri"}};
 *   CODE_LABEL(HOUSING, "sans_abri")     -> "Sans abri"
 *   CODE_OK(HOUSING, x)                  -> whether x is one of the codes
 *
 * The database and the API store and speak the codes; pages, documents and
 * exports show the labels. A form's select of a list is form_select_code
 * (web/form.h).
 */
#ifndef CORE_CODES_H
#define CORE_CODES_H
#include <stdbool.h>
#include "core/countof.h"

typedef struct code {
	const char *v, *fr;
} code;

/* The label of v; v itself when the list does not know it (an old code
 * still in the data), "" for NULL. */
const char *code_label(const code *list, int n, const char *v);
/* Whether v is one of the list's codes (NULL is not). */
bool code_ok(const code *list, int n, const char *v);
/* The position of v in the list, -1 when absent. */
int code_index(const code *list, int n, const char *v);

#define CODE_LABEL(list, v) code_label((list), COUNTOF(list), (v))
#define CODE_OK(list, v) code_ok((list), COUNTOF(list), (v))
#endif
