/* notify.c — e-mail by SMTP and SMS by an HTTP gateway, through libcurl (see notify.h). */
#include "core/notify.h"
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/buf.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/text.h"
#include "core/banned.h"

#define MAX_TEXT 4000 /* an SMS is at most a few segments; a notice is short */

static struct {
	char smtp_url[256], smtp_from[256], smtp_user[128], smtp_password[256];
	bool smtp_tls_required;
	char sms_url[512], sms_body[1024], sms_sender[32], sms_auth[512];
} cfg;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

static bool copy(char *dst, size_t n, const char *src)
{
	if (!src)
		src = "";
	if (strlen(src) >= n)
		return false;
	snprintf(dst, n, "%s", src);
	return true;
}

/* The first line of a secret file (the rest, and the newline, ignored). */
static bool read_secret(const char *path, char *out, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(out, (int)n, f) != NULL;
	fclose(f);
	if (ok)
		out[strcspn(out, "\r\n")] = 0;
	return ok;
}

err notify_configure(const notify_config *c, const char **why)
{
	*why = NULL;
	memset(&cfg, 0, sizeof cfg);
	if (!copy(cfg.smtp_url, sizeof cfg.smtp_url, c->smtp_url) || !copy(cfg.smtp_from, sizeof cfg.smtp_from, c->smtp_from) ||
	    !copy(cfg.smtp_user, sizeof cfg.smtp_user, c->smtp_user) || !copy(cfg.smtp_password, sizeof cfg.smtp_password, c->smtp_password) ||
	    !copy(cfg.sms_url, sizeof cfg.sms_url, c->sms_url) || !copy(cfg.sms_body, sizeof cfg.sms_body, c->sms_body) ||
	    !copy(cfg.sms_sender, sizeof cfg.sms_sender, c->sms_sender) || !copy(cfg.sms_auth, sizeof cfg.sms_auth, c->sms_auth))
		return *why = "un réglage d’envoi est trop long", E_INPUT;
	cfg.smtp_tls_required = c->smtp_tls_required;
	if (*cfg.smtp_url) {
		if (strncmp(cfg.smtp_url, "smtp://", 7) && strncmp(cfg.smtp_url, "smtps://", 8))
			return *why = "OPENCCAS_SMTP_URL doit commencer par smtp:// ou smtps://", E_INPUT;
		if (!text_email_valid(cfg.smtp_from))
			return *why = "OPENCCAS_SMTP_FROM doit être l’adresse e-mail de l’expéditeur", E_INPUT;
	}
	if (*cfg.sms_url) {
		if (strncmp(cfg.sms_url, "http://", 7) && strncmp(cfg.sms_url, "https://", 8))
			return *why = "OPENCCAS_SMS_URL doit commencer par http:// ou https://", E_INPUT;
		if (!*cfg.sms_body)
			snprintf(cfg.sms_body, sizeof cfg.sms_body, "%s", "{\"to\":\"{to_e164}\",\"text\":\"{text}\",\"sender\":\"{sender}\"}");
		if (!strstr(cfg.sms_body, "{text}") || (!strstr(cfg.sms_body, "{to}") && !strstr(cfg.sms_body, "{to_e164}")))
			return *why = "OPENCCAS_SMS_BODY doit contenir {text} et {to} (ou {to_e164})", E_INPUT;
		if (strpbrk(cfg.sms_auth, "\r\n"))
			return *why = "l’en-tête d’autorisation de la passerelle SMS tient sur une ligne", E_INPUT;
	}
	if (*cfg.smtp_url || *cfg.sms_url)
		pthread_once(&curl_once, curl_start);
	return E_OK;
}

err notify_configure_env(const char **why)
{
	char pw[256] = "", auth[512] = "";
	const char *f = getenv("OPENCCAS_SMTP_PASSWORD_FILE");
	if (f && *f && !read_secret(f, pw, sizeof pw))
		return *why = "OPENCCAS_SMTP_PASSWORD_FILE : fichier illisible", E_INPUT;
	f = getenv("OPENCCAS_SMS_AUTH_FILE");
	if (f && *f && !read_secret(f, auth, sizeof auth))
		return *why = "OPENCCAS_SMS_AUTH_FILE : fichier illisible", E_INPUT;
	const char *tls = getenv("OPENCCAS_SMTP_TLS");
	notify_config c = {getenv("OPENCCAS_SMTP_URL"), getenv("OPENCCAS_SMTP_FROM"), getenv("OPENCCAS_SMTP_USER"), pw,
	                   tls && !strcmp(tls, "required"), getenv("OPENCCAS_SMS_URL"), getenv("OPENCCAS_SMS_BODY"),
	                   getenv("OPENCCAS_SMS_SENDER"), auth};
	err e = notify_configure(&c, why);
	sodium_memzero(pw, sizeof pw);
	sodium_memzero(auth, sizeof auth);
	return e;
}

bool notify_ready(notify_channel ch) { return ch == NOTIFY_SMS ? *cfg.sms_url != 0 : *cfg.smtp_url != 0; }

void notify_phone_e164(const char *phone, char out[20])
{
	char d[20];
	size_t n = 0;
	bool plus = false;
	out[0] = 0;
	for (const char *p = phone; *p; p++) {
		if (*p == '+' && n == 0 && !plus)
			plus = true;
		else if (*p >= '0' && *p <= '9') {
			if (n + 1 >= sizeof d)
				return;
			d[n++] = *p;
		} else if (!strchr(" .-()/", *p))
			return;
	}
	d[n] = 0;
	if (plus && n >= 8) {
		char o[32];
		snprintf(o, sizeof o, "+%s", d);
		if (strlen(o) < 20) memcpy(out, o, strlen(o) + 1);
	} else if (n >= 10 && d[0] == '0' && d[1] == '0') {
		char o[32];
		snprintf(o, sizeof o, "+%s", d + 2);
		if (strlen(o) < 20) memcpy(out, o, strlen(o) + 1);
	} else if (d[0] == '0' && n == 10) {
		/* Overseas mobile and fixed prefixes have their own country codes. */
		static const struct { const char *pre, *cc; } dom[] = {
			{"0690", "590"}, {"0691", "590"}, {"0590", "590"}, {"0694", "594"}, {"0594", "594"},
			{"0696", "596"}, {"0697", "596"}, {"0596", "596"}, {"0692", "262"}, {"0693", "262"},
			{"0262", "262"}, {"0639", "262"}, {"0269", "262"}, {"0508", "508"},
		};
		const char *cc = "33";
		for (size_t i = 0; i < sizeof dom / sizeof *dom; i++)
			if (!strncmp(d, dom[i].pre, 4))
				cc = dom[i].cc;
		char o[32];
		snprintf(o, sizeof o, "+%s%s", cc, d + 1);
		if (strlen(o) < 20) memcpy(out, o, strlen(o) + 1);
	}
}

/* ---- e-mail ---------------------------------------------------------------------------- */

typedef struct upload {
	const char *p;
	size_t left;
} upload;

static size_t feed(char *dst, size_t sz, size_t n, void *u)
{
	upload *up = u;
	size_t k = sz * n < up->left ? sz * n : up->left;
	memcpy(dst, up->p, k);
	up->p += k;
	up->left -= k;
	return k;
}

static size_t sink(char *p, size_t sz, size_t n, void *u)
{
	(void)p;
	(void)u;
	return sz * n;
}

/* A header's words in UTF-8, as RFC 2047 allows (base64). */
static void encoded_word(buf *b, const char *s)
{
	size_t n = strlen(s);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *enc = malloc(cap);
	if (!enc)
		return;
	sodium_bin2base64(enc, cap, (const unsigned char *)s, n, sodium_base64_VARIANT_ORIGINAL);
	buf_printf(b, "=?UTF-8?B?%s?=", enc);
	free(enc);
}

__attribute__((format(printf, 3, 4))) static void fail(notify_result *res, bool permanent, const char *fmt, ...)
{
	res->permanent = permanent;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->why, sizeof res->why, fmt, ap);
	va_end(ap);
}

static err send_mail(const char *to, const char *subject, const char *text, notify_result *res)
{
	if (!text_email_valid(to) || strpbrk(to, "<>\r\n,;"))
		return fail(res, true, "%s", "adresse e-mail invalide"), E_INPUT;
	arena a;
	arena_init(&a, 0);
	buf m;
	buf_init(&m, &a, 1024);
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	unsigned char rnd[12];
	crypto_random(rnd, sizeof rnd);
	char id[25];
	sodium_bin2hex(id, sizeof id, rnd, sizeof rnd);
	const char *host = strchr(cfg.smtp_from, '@') + 1;
	buf_printf(&m, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	           tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	buf_printf(&m, "From: %s\r\nTo: %s\r\nMessage-ID: <%s@%s>\r\nSubject: ", cfg.smtp_from, to, id, host);
	encoded_word(&m, subject);
	buf_printf(&m, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n"
	               "Auto-Submitted: auto-generated\r\n\r\n");
	/* Lines end in CRLF; libcurl doubles a leading dot itself. */
	for (const char *p = text; *p; p++) {
		if (*p == '\n' && (p == text || p[-1] != '\r'))
			buf_addc(&m, '\r');
		buf_addc(&m, *p);
	}
	buf_printf(&m, "\r\n");
	if (a.failed) {
		arena_release(&a);
		return fail(res, false, "%s", "mémoire insuffisante"), E_NOMEM;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		arena_release(&a);
		return fail(res, false, "%s", "libcurl indisponible"), E_INTERNAL;
	}
	char from[300], rcpt[300];
	snprintf(from, sizeof from, "<%s>", cfg.smtp_from);
	snprintf(rcpt, sizeof rcpt, "<%s>", to);
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	upload up = {buf_cstr(&m), m.len};
	curl_easy_setopt(h, CURLOPT_URL, cfg.smtp_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, cfg.smtp_tls_required ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
	if (*cfg.smtp_user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, cfg.smtp_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, cfg.smtp_password);
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, feed);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpts);
	curl_easy_cleanup(h);
	arena_release(&a);
	if (rc == CURLE_OK)
		return E_OK;
	if (code >= 500 && code < 600) {
		char d[64];
		snprintf(d, sizeof d, "%ld", code);
		return fail(res, true, "le serveur de messagerie a refusé le message (code %s)", d), E_UNAVAILABLE;
	}
	return fail(res, false, "serveur de messagerie injoignable ou occupé (%s)", curl_easy_strerror(rc)), E_UNAVAILABLE;
}

/* ---- SMS ------------------------------------------------------------------------------- */

/* A value as the body's kind wants it: JSON string contents, or a form value. */
static void put_value(buf *b, CURL *h, bool json, const char *v)
{
	if (json) {
		json_t *s = json_string(v);
		char *d = s ? json_dumps(s, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
		if (d && strlen(d) >= 2)
			buf_add(b, d + 1, strlen(d) - 2);
		free(d);
		json_decref(s);
	} else {
		char *e = curl_easy_escape(h, v, 0);
		if (e)
			buf_printf(b, "%s", e);
		curl_free(e);
	}
}

static err send_sms(const char *to, const char *text, notify_result *res)
{
	char e164[20], digits[20];
	notify_phone_e164(to, e164);
	if (!*e164)
		return fail(res, true, "%s", "numéro de téléphone invalide"), E_INPUT;
	size_t n = 0;
	for (const char *p = to; *p && n + 1 < sizeof digits; p++)
		if ((*p >= '0' && *p <= '9') || (*p == '+' && !n))
			digits[n++] = *p;
	digits[n] = 0;
	CURL *h = curl_easy_init();
	if (!h)
		return fail(res, false, "%s", "libcurl indisponible"), E_INTERNAL;
	arena a;
	arena_init(&a, 0);
	buf body;
	buf_init(&body, &a, 512);
	bool json = cfg.sms_body[0] == '{';
	for (const char *p = cfg.sms_body; *p;) {
		static const char *const keys[] = {"{to}", "{to_e164}", "{text}", "{sender}"};
		const char *vals[] = {digits, e164, text, cfg.sms_sender};
		size_t k = 0;
		for (; k < 4; k++)
			if (!strncmp(p, keys[k], strlen(keys[k])))
				break;
		if (k < 4) {
			put_value(&body, h, json, vals[k]);
			p += strlen(keys[k]);
		} else {
			buf_addc(&body, *p++);
		}
	}
	struct curl_slist *hd = curl_slist_append(NULL, json ? "Content-Type: application/json" : "Content-Type: application/x-www-form-urlencoded");
	if (*cfg.sms_auth) {
		char auth[600];
		snprintf(auth, sizeof auth, "Authorization: %s", cfg.sms_auth);
		hd = curl_slist_append(hd, auth);
		sodium_memzero(auth, sizeof auth);
	}
	curl_easy_setopt(h, CURLOPT_URL, cfg.sms_url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, buf_cstr(&body));
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body.len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = a.failed ? CURLE_OUT_OF_MEMORY : curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	arena_release(&a);
	if (rc != CURLE_OK)
		return fail(res, false, "passerelle SMS injoignable (%s)", curl_easy_strerror(rc)), E_UNAVAILABLE;
	if (code >= 200 && code < 300)
		return E_OK;
	char d[64];
	snprintf(d, sizeof d, "%ld", code);
	/* Busy or broken: later. Refused (bad number, no credit, bad key): said. */
	if (code == 429 || code == 408 || code >= 500)
		return fail(res, false, "passerelle SMS indisponible (code %s)", d), E_UNAVAILABLE;
	return fail(res, true, "la passerelle SMS a refusé le message (code %s)", d), E_UNAVAILABLE;
}

err notify_send(notify_channel ch, const char *to, const char *subject, const char *text, notify_result *res)
{
	res->permanent = false;
	res->why[0] = 0;
	if (!notify_ready(ch))
		return fail(res, false, "%s", ch == NOTIFY_SMS ? "aucune passerelle SMS n’est configurée" : "aucun serveur d’e-mail n’est configuré"),
		       E_UNAVAILABLE;
	if (!text || strlen(text) > MAX_TEXT || text_forbidden_char(text, true) || text_forbidden_char(subject, false))
		return fail(res, true, "%s", "message trop long ou caractères interdits"), E_INPUT;
	return ch == NOTIFY_SMS ? send_sms(to, text, res) : send_mail(to, subject, text, res);
}
