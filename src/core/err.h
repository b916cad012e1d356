/*
 * err.h — the one error enum of OpenCCAS.
 *
 * Each code has a stable machine name (used in the JSON API), an HTTP status
 * and one French sentence for people. Details for operators go to the log,
 * never to the person, and never contain personal data.
 */
#ifndef CORE_ERR_H
#define CORE_ERR_H

typedef enum err {
	E_OK = 0,
	E_INPUT,        /* a field is missing or malformed */
	E_NOT_FOUND,
	E_FORBIDDEN,    /* authenticated, but the role does not allow it */
	E_AUTH,         /* not authenticated, or bad credentials */
	E_CSRF,
	E_THROTTLED,
	E_CONFLICT,     /* someone else changed the record first, or duplicate */
	E_TOO_LARGE,
	E_METHOD,
	E_DB,
	E_NOMEM,
	E_INTERNAL,
	E_UNAVAILABLE,
	E_AUTH_CODE_NEEDED, /* password right, the second factor's code is missing */
	E_AUTH_CODE,        /* the second factor's code is wrong or already used */
	E_UNSURE,           /* committed, but its sync failed: perhaps kept, perhaps lost at the next crash */
	E_WRITTEN,          /* committed, then the answer could not be built */
	E__MAX
} err;

const char *err_code(err e);     /* "invalid_input", … stable */
const char *err_message(err e);  /* French sentence for people */
int err_http_status(err e);
#endif
