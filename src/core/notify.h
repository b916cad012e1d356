/*
 * notify.h — the pluggable sender of notifications to people (SMS,
 * e-mail). The default sender only writes a line to the log — with ids and
 * the channel, never the address or the text — so that OpenCCAS runs with
 * no outside service. A deployment plugs a real gateway by setting another
 * sender before serving (an SMS provider, a local MTA).
 */
#ifndef CORE_NOTIFY_H
#define CORE_NOTIFY_H
#include <stdint.h>
#include "core/err.h"

typedef enum { NOTIFY_SMS, NOTIFY_EMAIL } notify_channel;
typedef struct notify_sender {
	const char *name;
	/* ref: an id the log may show (the person's); to: phone or address. */
	err (*send)(notify_channel ch, int64_t ref, const char *to, const char *subject, const char *text);
} notify_sender;

void notify_set_sender(const notify_sender *s);
const notify_sender *notify_sender_current(void);
err notify_send(notify_channel ch, int64_t ref, const char *to, const char *subject, const char *text);
#endif
