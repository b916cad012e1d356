/*
 * form.h — accessible form controls: a label for every field, the error
 * tied to its field (aria-describedby, aria-invalid), the value typed kept
 * when a form is refused. Everything escaped.
 */
#ifndef WEB_FORM_H
#define WEB_FORM_H
#include <stdbool.h>
#include "core/buf.h"
#include "core/codes.h"

/* Errors collected while validating a form. */
#define FORM_MAX_ERRORS 32
typedef struct form_errors {
	const char *name[FORM_MAX_ERRORS], *msg[FORM_MAX_ERRORS];
	int n;
} form_errors;
void form_error(form_errors *fe, const char *name, const char *msg);
const char *form_error_for(const form_errors *fe, const char *name);

typedef struct form_field {
	const char *name, *label, *type;  /* type: text, email, password, date, number, tel, textarea */
	const char *value, *hint, *autocomplete;
	bool required;
	/* Suggestions offered while typing (a <datalist>), any text allowed. */
	const char *const *suggest;
	int nsuggest;
} form_field;
void form_input(buf *b, const form_field *f, const form_errors *fe);
/* The label a page showed for the field name (form_input, the selects), or NULL when none has been shown since the
 * start: an error page names the fields of a refused form with it. */
const char *form_label_of(const char *name);
/* options: n pairs value/label. */
void form_select(buf *b, const char *name, const char *label, const char *const *values,
                 const char *const *labels, int n, const char *selected, const form_errors *fe);
/* The same for a code list (core/codes.h): the labels shown, the codes sent. */
void form_select_code(buf *b, const char *name, const char *label, const code *list, int n, const char *selected,
                      const form_errors *fe);
#define FORM_SELECT_CODE(b, name, label, list, selected, fe) \
	form_select_code((b), (name), (label), (list), COUNTOF(list), (selected), (fe))
/* Ids of the fields written next start with prefix ("qc" → "f-qc-motive"):
 * two forms of a page with fields of the same name. NULL: none. Each page
 * starts without. */
void form_scope(const char *prefix);
/* The prefix in force ("" when none): a control written by hand follows it. */
const char *form_scope_get(void);
/* The summary at the top of a refused form, with links to each field. */
void form_error_summary(buf *b, const form_errors *fe);
#endif
