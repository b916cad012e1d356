/* crypto.c — libsodium wrappers (see crypto.h). */
#include "crypto.h"
#include <sodium.h>
#include <string.h>
#include "banned.h"

bool crypto_init(void) { return sodium_init() >= 0; }

void crypto_token(char out[CRYPTO_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, CRYPTO_TOKEN_LEN + 1, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void crypto_hash_hex(const void *data, size_t n, char out[CRYPTO_HASH_HEX + 1])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, data, n, NULL, 0);
	sodium_bin2hex(out, CRYPTO_HASH_HEX + 1, h, sizeof h);
}

void crypto_mac_hex(const unsigned char key[CRYPTO_KEY_LEN], const void *data, size_t n, char out[CRYPTO_HASH_HEX + 1])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, data, n, key, CRYPTO_KEY_LEN);
	sodium_bin2hex(out, CRYPTO_HASH_HEX + 1, h, sizeof h);
}

void crypto_random(void *out, size_t n) { randombytes_buf(out, n); }

bool crypto_from_hex(const char *hex, unsigned char *out, size_t n)
{
	size_t got = 0;
	const char *end = NULL;
	return hex && strlen(hex) == 2 * n && sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, &end) == 0 && got == n;
}

size_t crypto_password_hash_size(void) { return crypto_pwhash_STRBYTES; }

bool crypto_password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return false;
	/* INTERACTIVE costs (64 MiB, 2 passes): what libsodium recommends for
	 * online logins; about 0.1 s on a small server. */
	return crypto_pwhash_str_alg(out, password, strlen(password),
	                             crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                             crypto_pwhash_MEMLIMIT_INTERACTIVE,
	                             crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool crypto_password_verify(const char *hash, const char *password)
{
	if (!hash || !password)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

bool crypto_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}
