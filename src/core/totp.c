/* totp.c — see totp.h. */
#include "core/totp.h"
#include <ctype.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>
#include "core/banned.h"

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void totp_secret_new(char out[TOTP_SECRET_B32])
{
	uint8_t raw[TOTP_SECRET_BYTES];
	randombytes_buf(raw, sizeof raw);
	/* 20 bytes = 160 bits = 32 base32 characters exactly. */
	int o = 0, bits = 0;
	uint32_t acc = 0;
	for (size_t i = 0; i < sizeof raw; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = B32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	out[o] = 0;
}

int totp_base32_decode(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;
	int bits = 0;
	uint32_t acc = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '-' || *s == '=')
			continue;
		const char *p = strchr(B32, toupper((unsigned char)*s));
		if (!p || !*p)
			return -1;
		acc = (acc << 5) | (uint32_t)(p - B32);
		bits += 5;
		if (bits >= 8) {
			if (n == max)
				return -1;
			out[n++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (int)n;
}

int totp_code(const char *secret_b32, int64_t step)
{
	uint8_t key[64], msg[8], mac[EVP_MAX_MD_SIZE];
	int kn = totp_base32_decode(secret_b32, key, sizeof key);
	if (kn < 10)
		return -1;
	for (int i = 7; i >= 0; i--, step >>= 8)
		msg[i] = (uint8_t)(step & 0xff);
	unsigned int mn = 0;
	if (!HMAC(EVP_sha1(), key, kn, msg, sizeof msg, mac, &mn) || mn < 20)
		return -1;
	int off = mac[19] & 0x0f;
	uint32_t v = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) | ((uint32_t)mac[off + 2] << 8) | mac[off + 3];
	return (int)(v % 1000000);
}

int64_t totp_verify(const char *secret_b32, const char *typed, int64_t now, int64_t last_step)
{
	int code = 0, digits = 0;
	for (const char *p = typed ? typed : ""; *p; p++) {
		if (*p == ' ')
			continue;
		if (!isdigit((unsigned char)*p) || ++digits > 6)
			return 0;
		code = code * 10 + (*p - '0');
	}
	if (digits != 6)
		return 0;
	int64_t step = now / 30;
	for (int64_t s = step - 1; s <= step + 1; s++)
		if (s > last_step && totp_code(secret_b32, s) == code)
			return s;
	return 0;
}
