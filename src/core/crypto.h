/*
 * crypto.h — the few primitives we need, all from libsodium.
 *
 * crypto_init() must be called once before threads start.
 * Tokens are 32 random bytes, base64url without padding (43 chars).
 * Only hashes of tokens are stored (crypto_token_hash), so a copy of the
 * database does not let anyone log in.
 */
#ifndef CORE_CRYPTO_H
#define CORE_CRYPTO_H
#include <stdbool.h>
#include <stddef.h>
#include "arena.h"

#define CRYPTO_TOKEN_LEN 43
#define CRYPTO_HASH_HEX 64

bool crypto_init(void);
/* Fresh random token into out (CRYPTO_TOKEN_LEN + 1 bytes). */
void crypto_token(char out[CRYPTO_TOKEN_LEN + 1]);
/* BLAKE2b-256 of data, as 64 lowercase hex chars + NUL. */
void crypto_hash_hex(const void *data, size_t n, char out[CRYPTO_HASH_HEX + 1]);
/* Keyed BLAKE2b-256 (a MAC) of data with a 32-byte key, as 64 hex chars. */
#define CRYPTO_KEY_LEN 32
void crypto_mac_hex(const unsigned char key[CRYPTO_KEY_LEN], const void *data, size_t n, char out[CRYPTO_HASH_HEX + 1]);
/* n random bytes. */
void crypto_random(void *out, size_t n);
/* Hex text (2n chars) to n bytes; false unless exactly that. */
bool crypto_from_hex(const char *hex, unsigned char *out, size_t n);
/* argon2id string (self-describing: salt and costs inside). False on OOM. */
bool crypto_password_hash(const char *password, char *out, size_t outlen);
bool crypto_password_verify(const char *hash, const char *password);
/* Constant-time string comparison. */
bool crypto_equal(const char *a, const char *b);
/* Size of the buffer crypto_password_hash needs. */
size_t crypto_password_hash_size(void);
#endif
