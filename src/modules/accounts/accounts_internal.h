/* accounts_internal.h — shared between the files of the accounts module only. */
#ifndef MODULES_ACCOUNTS_INTERNAL_H
#define MODULES_ACCOUNTS_INTERNAL_H
#include "core/crypto.h"
#include "modules/accounts/accounts.h"
#include "web/form.h"

#define ACCOUNTS_COOKIE "ccas_sid"
#define ACCOUNTS_PRE_COOKIE "ccas_pre"
#define ACCOUNTS_IDLE (2 * 3600)        /* inactivity before a session ends */
#define ACCOUNTS_MAX_AGE (12 * 3600)    /* a working day, at most */

extern const web_auth_hooks accounts_auth_hooks;
/* One attempt at a password (a login, or the current password when
 * changing it) for email from the address remote: claimed, in its own
 * transaction, before the password is checked, and counted as a failure
 * until accounts_attempt_succeeded says otherwise. E_THROTTLED with a
 * French sentence in *why saying how long to wait. */
err accounts_attempt_claim(db_conn *c, arena *a, const char *email, const char *remote, const char **why);
/* Inside the caller's transaction: the password was right. */
err accounts_attempt_succeeded(db_conn *c, arena *a, const char *email, const char *remote);
/* E_AUTH (wrong e-mail or password), E_AUTH_CODE_NEEDED / E_AUTH_CODE
 * (the second factor is set up: code missing / wrong or already used),
 * E_THROTTLED (*why says how long to wait). */
err accounts_login(db_conn *c, arena *a, const char *email, const char *password, const char *code, const char *remote,
                   char token_out[CRYPTO_TOKEN_LEN + 1], int64_t *user_out, const char **why);
err accounts_logout(db_conn *c, web_user *u);
/* Shared by pages and API (validation in one place; accounts_admin.c). */
typedef struct structure_form {
	const char *name, *address, *insee, *tz, *phone, *email, *dpo, *version, *nir;
	/* the signatory of letters: name, title, "1" when « par délégation » */
	const char *sig_name, *sig_title, *sig_delegation;
	const char *backdate;  /* days, "" or NULL: unchanged */
} structure_form;
err accounts_admin_add_user(web_req *r, const char *name, const char *email, const char *role_s,
                            const char *pw, form_errors *fe, int64_t *uid_out);
err accounts_admin_update_user(web_req *r, int64_t uid, const char *role_s, const char *active_s);
err accounts_structure_update(web_req *r, const structure_form *f, form_errors *fe);
/* Each file's routes (accounts_module.c calls them). */
void accounts_pages_routes(void);
void accounts_admin_routes(void);
void accounts_api_routes(void);
void accounts_tokens_routes(void);
void accounts_agents_routes(void);
/* Revokes every token of a user (accounts.c) (in structure_id, 0 = everywhere), inside
 * the caller's transaction: password changed, account disabled. */
err accounts_tokens_revoke_user(db_conn *c, int64_t user_id, int64_t structure_id);
#endif
