/*
 * totp.h — time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second
 * steps, 6 digits), what authenticator applications compute, and the
 * base32 secrets (RFC 4648) people type or scan. HMAC-SHA1 comes from
 * OpenSSL's libcrypto.
 */
#ifndef CORE_TOTP_H
#define CORE_TOTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_BYTES 20
#define TOTP_SECRET_B32 33 /* 32 characters + NUL */
/* A new random secret, base32 (no padding). */
void totp_secret_new(char out[TOTP_SECRET_B32]);
/* The 6-digit code of a base32 secret at a 30-second step; -1 if the secret is invalid. */
int totp_code(const char *secret_b32, int64_t step);
/* Checks a typed code ("123 456" allowed) within ±1 step of now; returns
 * the matching step (so that a code is used once: the caller keeps the
 * last step and refuses anything not after it), or 0. */
int64_t totp_verify(const char *secret_b32, const char *typed, int64_t now, int64_t last_step);
/* Base32 decode; returns the number of bytes, -1 on a bad character. */
int totp_base32_decode(const char *s, uint8_t *out, size_t max);
#endif
