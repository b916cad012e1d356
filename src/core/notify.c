/* notify.c — the default (log) sender and the switch (see notify.h). */
#include "core/notify.h"
#include <string.h>
#include "core/log.h"
#include "core/banned.h"

static err log_send(notify_channel ch, int64_t ref, const char *to, const char *subject, const char *text)
{
	(void)to;
	(void)subject;
	log_info("notify: %s to person=%lld (%zu characters) [log sender: nothing sent]", ch == NOTIFY_SMS ? "sms" : "email",
	         (long long)ref, text ? strlen(text) : 0);
	return E_OK;
}

static const notify_sender log_sender = {"journal", log_send};
static const notify_sender *current = &log_sender;

void notify_set_sender(const notify_sender *s) { current = s ? s : &log_sender; }
const notify_sender *notify_sender_current(void) { return current; }

err notify_send(notify_channel ch, int64_t ref, const char *to, const char *subject, const char *text)
{
	return current->send(ch, ref, to, subject, text);
}
