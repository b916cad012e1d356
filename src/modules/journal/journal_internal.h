/* journal_internal.h — shared between the files of the journal module only. */
#ifndef MODULES_JOURNAL_INTERNAL_H
#define MODULES_JOURNAL_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>
#include "core/crypto.h"

#define JOURNAL_MAX_DETAIL 500
#define JOURNAL_MAX_CODE 40
/* The shortest retention of the journal the program allows (one year):
 * the anchor can never stand for younger entries. */
#define JOURNAL_MIN_RETENTION (365 * 86400)

/* The key in use (journal_key.c), NULL until one is loaded. */
const unsigned char *journal_key_bytes(void);
/* The keyed link of an entry (journal_key.c); false when no key is loaded or
 * a field is longer than the program ever writes. */
bool journal_link(const char *prev, int64_t seq, int64_t sid, int64_t at, int64_t user, const char *action, const char *kind,
                  int64_t obj, const char *detail, char out[CRYPTO_HASH_HEX + 1]);
bool journal_head_mac(int64_t sid, int64_t seq, const char *hash, char out[CRYPTO_HASH_HEX + 1]);
bool journal_anchor_mac(int64_t sid, int64_t seq, const char *hash, int64_t at, char out[CRYPTO_HASH_HEX + 1]);
/* The DPO's pages and API (journal_pages.c). */
void journal_routes(void);
#endif
