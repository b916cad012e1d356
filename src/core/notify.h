/*
 * notify.h — sending a short notice to a person: e-mail through an SMTP
 * server, SMS through an HTTP gateway (libcurl for both). What is sent,
 * to whom and when is the modules' business (persons keeps the outbox);
 * this is only the transport.
 *
 * A deployment configures the channels from its environment
 * (notify_configure_env):
 *   OPENCCAS_SMTP_URL            smtp://host:25, smtp://host:587 (STARTTLS when offered), smtps://host:465
 *   OPENCCAS_SMTP_FROM           the sender's address
 *   OPENCCAS_SMTP_USER, OPENCCAS_SMTP_PASSWORD_FILE   when the server asks
 *   OPENCCAS_SMTP_TLS=required   refuse to send in clear
 *   OPENCCAS_SMS_URL             the gateway's address (http or https), called with POST
 *   OPENCCAS_SMS_BODY            the body, with {to} (as typed, digits only), {to_e164}, {text}, {sender};
 *                                a body starting with "{" is JSON (values escaped as JSON), else a form
 *   OPENCCAS_SMS_SENDER          the sender's name the gateway shows ({sender})
 *   OPENCCAS_SMS_AUTH_FILE       a file whose one line is the Authorization header's value
 * A channel left unconfigured sends nothing and says so (notify_ready).
 */
#ifndef CORE_NOTIFY_H
#define CORE_NOTIFY_H
#include <stdbool.h>
#include <stddef.h>
#include "core/err.h"

typedef enum { NOTIFY_SMS, NOTIFY_EMAIL } notify_channel;

/* Why a sending failed, in French, and whether trying again may help
 * (a server that does not answer: yes; an address refused: no). */
typedef struct notify_result {
	bool permanent;
	char why[160];
} notify_result;

typedef struct notify_config {
	const char *smtp_url, *smtp_from, *smtp_user, *smtp_password;
	bool smtp_tls_required;
	const char *sms_url, *sms_body, *sms_sender, *sms_auth;
} notify_config;

/* Reads the environment (above). Returns E_INVALID with *why set when a
 * setting is wrong (a missing sender address, an unreadable secret). */
err notify_configure_env(const char **why);
err notify_configure(const notify_config *cfg, const char **why);
bool notify_ready(notify_channel ch);

/* Sends one message; E_OK when the server or gateway accepted it. */
err notify_send(notify_channel ch, const char *to, const char *subject, const char *text, notify_result *res);

/* "0692 00 00 01" -> "+262692000001" (French numbers, overseas prefixes
 * included); "" when it is not a phone number. */
void notify_phone_e164(const char *phone, char out[20]);
#endif
