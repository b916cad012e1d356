/* Unit tests of src/core and the web parsers/escaping (no database). */
#define T_NAME "core"
#include "t.h"
#include "core/totp.h"
#include <stdint.h>
#include "core/arena.h"
#include "core/buf.h"
#include "core/civil.h"
#include "core/codes.h"
#include "core/crypto.h"
#include "core/csv.h"
#include "core/keyset.h"
#include "core/postings.h"
#include <stdlib.h>
#include "core/notify.h"
#include "core/text.h"
#include "web/html.h"
#include "web/parse.h"
#include "web/web.h"

static void test_arena(void)
{
	T_GROUP("arena");
	arena a;
	arena_init(&a, 0);
	char *p = arena_alloc(&a, 10);
	CHECK(p && p[0] == 0 && p[9] == 0, "zeroed");
	CHECK(((uintptr_t)arena_alloc(&a, 3) % sizeof(max_align_t)) == 0, "aligned");
	char *big = arena_alloc(&a, 1 << 20);
	CHECK(big != NULL, "big block");
	CHECK(arena_array(&a, SIZE_MAX / 2, 4) == NULL && a.failed, "overflow refused");
	CHECK_STR(arena_printf(&a, "%s-%d", "x", 42), "x-42");
	arena_release(&a);
	arena_init(&a, 16 * 1024);
	CHECK(arena_alloc(&a, 64 * 1024) == NULL && a.failed, "cap enforced");
	arena_release(&a);
	arena_init(&a, 0);
	arena_fail_after(2);
	void *first = arena_alloc(&a, 100000), *second = arena_alloc(&a, 100000);
	CHECK(first != NULL && second == NULL, "fault injection fails the 2nd block");
	arena_fail_after(0);
	arena_release(&a);
}

static void test_buf_html(void)
{
	T_GROUP("html");
	arena a;
	arena_init(&a, 0);
	buf b;
	buf_init(&b, &a, 0);
	html_printf(&b, "<p title=\"%s\">%s %d %lld %zu %%</p>", "a\"b", "<script>&'", 7, -3LL, (size_t)9);
	CHECK_STR(buf_cstr(&b), "<p title=\"a&quot;b\">&lt;script&gt;&amp;&#39; 7 -3 9 %</p>");
	buf_init(&b, &a, 0);
	for (int i = 0; i < 10000; i++)
		buf_adds(&b, "0123456789");
	CHECK_INT(b.len, 100000);
	CHECK(!b.failed, "grows");
	buf_init(&b, &a, 0);
	html_lit(&b, "<b>");
	html_text(&b, NULL);
	CHECK_STR(buf_cstr(&b), "<b>");
	/* A data table's opening: in its own scroll region the keyboard
	 * reaches (named by the caption), the caption for screen readers only
	 * unless shown, number and hidden headers, every text escaped. */
	buf_init(&b, &a, 0);
	html_table(&b, "Demandes <d’aide>", 0, "N°", "#Montant", "~Actions");
	CHECK_STR(buf_cstr(&b), "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Demandes &lt;d’aide&gt;\">"
	                        "<table class=\"data\"><caption class=\"sr-only\">Demandes &lt;d’aide&gt;</caption><thead><tr>"
	                        "<th scope=\"col\">N°</th><th scope=\"col\" class=\"num\">Montant</th>"
	                        "<th scope=\"col\"><span class=\"sr-only\">Actions</span></th></tr></thead><tbody>");
	buf_init(&b, &a, 0);
	html_table(&b, "Lignes", TABLE_CAPTION_SHOWN | TABLE_DIFF, "Avant");
	CHECK_STR(buf_cstr(&b), "<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Lignes\"><table class=\"data diff\">"
	                        "<caption>Lignes</caption><thead><tr><th scope=\"col\">Avant</th></tr></thead><tbody>");
	html_table_close(&b);
	CHECK(strstr(buf_cstr(&b), "</tbody></table></div>") != NULL, "the close ends the region");
	/* A code list and its labels. */
	static const code list[] = {{"a", "Alpha"}, {"b", "Bêta"}};
	CHECK_STR(CODE_LABEL(list, "b"), "Bêta");
	CHECK_STR(CODE_LABEL(list, "z"), "z");
	CHECK_STR(CODE_LABEL(list, NULL), "");
	CHECK(CODE_OK(list, "a") && !CODE_OK(list, "z") && !CODE_OK(list, NULL), "code_ok");
	/* An array that grows in the arena keeps what it held. */
	int *v = NULL, n = 0, cap = 0;
	for (int i = 0; i < 1000; i++) {
		int *x = ARENA_PUSH(&a, v, n, cap);
		if (x)
			*x = i;
	}
	bool kept = n == 1000;
	for (int i = 0; kept && i < n; i++)
		kept = v[i] == i;
	CHECK(kept, "ARENA_PUSH: 1000 values kept in order (n=%d)", n);
	arena_release(&a);
}

static void test_civil(void)
{
	T_GROUP("civil");
	civil_date d;
	CHECK(civil_parse("2024-02-29", &d), "leap day");
	CHECK(!civil_parse("2023-02-29", &d), "no leap day in 2023");
	CHECK(!civil_parse("1900-02-29", &d), "1900 not leap");
	CHECK(civil_parse("2000-02-29", &d), "2000 leap");
	/* Day first, as written in France; one separator twice, four digits of year, nothing after. */
	CHECK(civil_parse_fr("27/03/1984", &d) && d.y == 1984 && d.m == 3 && d.d == 27, "27/03/1984");
	CHECK(civil_parse_fr("3/4/1975", &d) && d.m == 4 && d.d == 3 && civil_parse_fr("03-04-1975", &d) &&
	      civil_parse_fr("03.04.1975", &d), "3/4/1975, 03-04-1975, 03.04.1975");
	CHECK(!civil_parse_fr("31/06/1980", &d) && !civil_parse_fr("03/04/75", &d) && !civil_parse_fr("03/04-1975", &d) &&
	      !civil_parse_fr("03/04/1975 12:00", &d) && !civil_parse_fr("1975-04-03", &d) && !civil_parse_fr("", &d) &&
	      !civil_parse_fr("-3/-4/1975", &d),
	      "not a real day, two-digit year, mixed separators, a time after, ISO, empty, signs: refused");
	CHECK(!civil_parse("2024-13-01", &d) && !civil_parse("2024-1-01", &d) && !civil_parse("x", &d), "malformed");
	CHECK(!civil_parse("2024-04-31", &d), "31 April");
	civil_parse("1970-01-01", &d);
	CHECK_INT(civil_to_days(d), 0);
	civil_parse("2026-11-22", &d);
	civil_date back = civil_from_days(civil_to_days(d));
	CHECK(back.y == 2026 && back.m == 11 && back.d == 22, "round trip");
	for (int64_t k = -800000; k < 800000; k += 997) {
		civil_date x = civil_from_days(k);
		if (civil_to_days(x) != k) {
			CHECK(0, "round trip fails at %lld", (long long)k);
			break;
		}
	}
	civil_parse("2024-01-31", &d);
	civil_date m = civil_add_months(d, 1);
	CHECK(m.y == 2024 && m.m == 2 && m.d == 29, "31 Jan + 1 month = 29 Feb 2024");
	civil_parse("2023-12-31", &d);
	m = civil_add_months(d, 2);
	CHECK(m.y == 2024 && m.m == 2 && m.d == 29, "31 Dec + 2 months");
	civil_date b1, on;
	civil_parse("1960-03-15", &b1);
	civil_parse("2025-03-14", &on);
	CHECK_INT(civil_age(b1, on), 64);
	civil_parse("2025-03-15", &on);
	CHECK_INT(civil_age(b1, on), 65);
	char out[11];
	civil_format(m, out);
	CHECK_STR(out, "2024-02-29");
	struct tm tm;
	CHECK(civil_local_time("Indian/Reunion", 0, &tm) && tm.tm_hour == 4, "Réunion is UTC+4");
	CHECK(civil_local_time("Europe/Paris", 1751328000 /* 2025-07-01 00:00 UTC */, &tm) && tm.tm_hour == 2, "Paris summer UTC+2");
	CHECK(civil_local_time("../../etc/passwd", 0, &tm) && tm.tm_hour == 0, "bad zone falls back to UTC");
}

static void test_text(void)
{
	T_GROUP("text");
	int64_t v;
	CHECK(text_to_int64("42", 0, 100, &v) && v == 42, "int");
	CHECK(!text_to_int64("101", 0, 100, &v), "range");
	CHECK(!text_to_int64(" 1", 0, 100, &v) && !text_to_int64("1x", 0, 100, &v) && !text_to_int64("", 0, 1, &v), "junk");
	CHECK(!text_to_int64("99999999999999999999", INT64_MIN, INT64_MAX, &v), "overflow");
	CHECK(text_utf8_valid("Hélène", strlen("Hélène")), "utf8");
	CHECK(!text_utf8_valid("\xc3\x28", 2), "bad utf8");
	CHECK(!text_utf8_valid("a\x01" "b", 3), "control char");
	CHECK(text_utf8_cut("Hélène", 2) == 1, "cut before the é, not inside it (%zu)", text_utf8_cut("Hélène", 2));
	CHECK(text_utf8_cut("Hélène", 3) == 3, "after the é");
	CHECK(text_utf8_cut("abc", 10) == 3 && text_utf8_cut("abc", 0) == 0 && text_utf8_cut("", 5) == 0, "short strings whole");
	CHECK(text_email_valid("a.b@ville.fr") && !text_email_valid("a@b") && !text_email_valid("@x.fr") &&
	      !text_email_valid("a b@x.fr"), "e-mail");
	arena a;
	arena_init(&a, 0);
	CHECK_STR(text_fold(&a, "Hélène N'Diaye"), "helene ndiaye");
	CHECK_STR(text_fold(&a, "  JEAN-FRANÇOIS  d’Œillet "), "jean francois doeillet");
	CHECK_STR(text_trim(&a, "  x y \n"), "x y");
	/* An uploaded file's name: its base name whatever the sender's system, no control or bidi override, cut between
	 * two characters. */
	CHECK_STR(text_file_name(&a, "C:\\Users\\agent\\usagers.csv", 120), "usagers.csv");
	CHECK_STR(text_file_name(&a, "/tmp/x/../liste.xlsx", 120), "liste.xlsx");
	CHECK_STR(text_file_name(&a, "a\xe2\x80\xae" "b.csv", 120), "ab.csv");
	CHECK_STR(text_file_name(&a, "Hélène.csv", 2), "H");
	CHECK_STR(text_file_name(&a, "dossier/", 120), "");
	CHECK_STR(text_file_name(&a, NULL, 120), "");
	arena_release(&a);
}

static void test_parse(void)
{
	T_GROUP("parse");
	arena a;
	arena_init(&a, 0);
	kv_list l;
	CHECK(parse_urlencoded(&a, "a=1&b=%C3%A9+x&c=&d", 19, &l) == PARSE_OK && l.n == 4, "form");
	CHECK_STR(kv_get(&l, "b"), "é x");
	CHECK_STR(kv_get(&l, "c"), "");
	CHECK_STR(kv_get(&l, "d"), "");
	CHECK(parse_urlencoded(&a, "a=%G1", 5, &l) == PARSE_BAD, "bad escape");
	CHECK(parse_urlencoded(&a, "a=%C3", 5, &l) == PARSE_BAD, "truncated utf8");
	CHECK(parse_urlencoded(&a, "a=%00", 5, &l) == PARSE_BAD, "NUL refused");
	CHECK(parse_urlencoded(&a, "a=%4", 4, &l) == PARSE_BAD, "short escape");
	buf b;
	buf_init(&b, &a, 0);
	for (int i = 0; i < 300; i++)
		buf_printf(&b, "f%d=1&", i);
	CHECK(parse_urlencoded(&a, b.data, b.len, &l) == PARSE_TOO_LARGE, "too many fields");
	CHECK(parse_cookies(&a, "sid=abc; theme=\"x\"; junk; e=", 28, &l) == PARSE_OK, "cookies");
	CHECK_STR(kv_get(&l, "sid"), "abc");
	CHECK_STR(kv_get(&l, "theme"), "x");
	const char *body = "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nid\r\n"
	                   "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.pdf\"\r\n"
	                   "Content-Type: application/pdf\r\n\r\n%PDF-1.4\x00\x01\r\n--XyZ--\r\n";
	size_t n = 0;
	while (memcmp(body + n, "--XyZ--", 7))
		n++;
	n += 9;
	CHECK(parse_multipart(&a, "multipart/form-data; boundary=XyZ", (const unsigned char *)body, n, &l) == PARSE_OK,
	      "multipart");
	CHECK_STR(kv_get(&l, "kind"), "id");
	CHECK(l.nfiles == 1 && l.files[0].len == 10 && !memcmp(l.files[0].data, "%PDF-1.4\x00\x01", 10), "file bytes kept");
	CHECK_STR(l.nfiles ? l.files[0].filename : NULL, "a.pdf");
	CHECK(parse_multipart(&a, "multipart/form-data", (const unsigned char *)body, n, &l) == PARSE_BAD, "no boundary");
	CHECK(parse_multipart(&a, "multipart/form-data; boundary=XyZ", (const unsigned char *)body, 40, &l) == PARSE_BAD,
	      "truncated body");
	arena_release(&a);
}

static void test_keyset(void)
{
	T_GROUP("keyset");
	keyset s = {0};
	CHECK(!keyset_has(&s, 1), "an empty set has nothing");
	/* Consecutive numbers (the domiciliations' numbers) and spread ones (hashes), past several growths. */
	bool added = true, there = true;
	for (uint64_t k = 1; k <= 50000; k++)
		added &= keyset_put(&s, k) == 0 && keyset_put(&s, k * 0x9E3779B97F4A7C15u | (uint64_t)1 << 63) == 0;
	CHECK(added, "each key added once");
	CHECK_INT(s.n, 100000);
	CHECK(s.n * 4 <= s.cap * 3, "three quarters full at most (%zu of %zu)", s.n, s.cap);
	for (uint64_t k = 1; k <= 50000; k++)
		there &= keyset_has(&s, k) && keyset_has(&s, k * 0x9E3779B97F4A7C15u | (uint64_t)1 << 63) && keyset_put(&s, k) == 1;
	CHECK(there, "every key found, and not added twice");
	CHECK_INT(s.n, 100000);
	CHECK(!keyset_has(&s, 50001) && !keyset_has(&s, 2u << 20), "a key not put is not there");
	keyset_free(&s);
	CHECK(s.v == NULL && s.n == 0 && !keyset_has(&s, 1), "freed: empty");
}

/* A list of n ascending numbers, gaps drawn from a small xorshift: small (a common key's list), mixed, or up to the
 * numbers' end (a rare key's). */
static uint32_t *postings_sample(uint32_t n, int kind, uint64_t *rng)
{
	uint32_t *v = malloc((n ? n : 1) * sizeof *v), x = 0, span = (UINT32_MAX - 1000) / (n + 1);
	for (uint32_t i = 0; i < n; i++) {
		*rng ^= *rng << 13, *rng ^= *rng >> 7, *rng ^= *rng << 17;
		if (kind == 0)
			x += 1 + (uint32_t)(*rng % 3);
		else if (kind == 1)
			x += 1 + (uint32_t)(*rng % (i % 5 ? 100 : 300000));
		else /* over the whole range, to the five-byte numbers */
			x = (i + 1) * span + (uint32_t)(*rng % (span / 2 + 1));
		v[i] = x;
	}
	return v;
}

static void test_postings(void)
{
	T_GROUP("postings");
	const uint32_t sizes[] = {0, 1, 2, 63, 64, 65, 127, 128, 129, 1000, 20000};
	uint64_t rng = 88172645463325252u;
	bool counted = true, read = true, sought = true, ended = true, behind = true, onward = true;
	size_t small = 0, small_n = 0;
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
		for (int kind = 0; kind < 3; kind++) {
			uint32_t n = sizes[si], *v = postings_sample(n, kind, &rng);
			size_t bytes = postings_skips(n);
			for (uint32_t k = 0; k < n; k++)
				bytes += postings_size(k, k ? v[k - 1] : 0, v[k]);
			uint8_t *list = malloc(bytes + 1), *data = list + postings_skips(n), *at = data;
			list[bytes] = 0xA5; /* a guard: nothing written past the bytes counted */
			for (uint32_t k = 0; k < n; k++)
				postings_put(data, &at, k, k ? v[k - 1] : 0, v[k]);
			counted &= (size_t)(at - list) == bytes && list[bytes] == 0xA5;
			if (kind == 0) {
				small += bytes;
				small_n += n;
			}
			postings_cur c;
			postings_open(&c, list, n);
			uint32_t x;
			for (uint32_t k = 0; k < n; k++)
				read &= postings_next(&c, &x) && x == v[k];
			ended &= !postings_next(&c, &x);
			/* Seeks forward by steps of every size, from a fresh reader: the first number ≥ the target. */
			for (uint32_t step = 1; step <= 4096 && n; step *= 4) {
				postings_open(&c, list, n);
				uint32_t want = 0;
				for (uint32_t j = 0; j < n; j += step) {
					uint32_t target = v[j] - (j % 2 && (j == 0 || v[j] - 1 > v[j - 1]) ? 1 : 0);
					/* the first ≥ target */
					uint32_t lo = 0, hi = n;
					while (lo < hi) {
						uint32_t mid = (lo + hi) / 2;
						if (v[mid] < target)
							lo = mid + 1;
						else
							hi = mid;
					}
					want = v[lo];
					sought &= postings_seek(&c, target, &x) && x == want;
				}
				sought &= !postings_seek(&c, v[n - 1] + (v[n - 1] < UINT32_MAX ? 1 : 0), &x) || v[n - 1] == UINT32_MAX;
				/* after a seek, reading goes on from the number found */
				postings_open(&c, list, n);
				for (uint32_t j = step - 1; j + 1 < n; j += step * 3)
					onward &= postings_seek(&c, v[j], &x) && x == v[j] && postings_next(&c, &x) && x == v[j + 1];
				/* a target behind the reader: the number it stands on */
				postings_open(&c, list, n);
				if (postings_seek(&c, v[n / 2], &x))
					behind &= postings_seek(&c, v[0], &x) && x == v[n / 2];
			}
			free(list);
			free(v);
		}
	CHECK(counted, "the bytes counted are the bytes written");
	CHECK(read, "every number read back, in order");
	CHECK(ended, "nothing read past the end");
	CHECK(sought, "a seek gives the first number at or past its target, across blocks");
	CHECK(behind, "a reader never goes back");
	CHECK(onward, "after a seek, the next number is the one after it");
	CHECK(small * 10 <= small_n * 14, "small gaps: at most 1.4 bytes a number (%zu bytes for %zu)", small, small_n);
	postings_cur c;
	uint32_t x;
	postings_open(&c, (const uint8_t *)"", 0);
	CHECK(!postings_next(&c, &x) && !postings_seek(&c, 0, &x), "an empty list");
}

static void test_crypto(void)
{
	T_GROUP("crypto");
	char t1[CRYPTO_TOKEN_LEN + 1], t2[CRYPTO_TOKEN_LEN + 1];
	crypto_token(t1);
	crypto_token(t2);
	CHECK(strlen(t1) == CRYPTO_TOKEN_LEN && strcmp(t1, t2), "tokens are fresh");
	char h[256];
	CHECK(crypto_password_hash("correct horse battery", h, sizeof h) && !strncmp(h, "$argon2id$", 10), "argon2id");
	CHECK(crypto_password_verify(h, "correct horse battery") && !crypto_password_verify(h, "wrong"), "verify");
	CHECK(crypto_equal("abc", "abc") && !crypto_equal("abc", "abd") && !crypto_equal("abc", "ab"), "equal");
}

static void test_csv_guard(void)
{
	T_GROUP("csv: formula guard (CSV injection)");
	static const char *const dangerous[] = {
		"=1+1", "+cmd", "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "-cmd", " =1+1", "\t=1+1", "\r=1+1",
		"\t", "\rabc", "\xC2\xA0=1", "\n=1", "\xEF\xBC\x9D" "1+1", "+", "-", " -12", "-1e3", "+33 6 =",
	};
	static const char *const harmless[] = {"", "Dupont", "12", "-12", "-12,50", "+33 6 12 34 56 78", "-3.5", "a=b", "Jean-Marie"};
	for (size_t i = 0; i < sizeof dangerous / sizeof *dangerous; i++)
		CHECK(csv_cell_dangerous(dangerous[i]), "« %s » must be neutralised", dangerous[i]);
	for (size_t i = 0; i < sizeof harmless / sizeof *harmless; i++)
		CHECK(!csv_cell_dangerous(harmless[i]), "« %s » is left as it is", harmless[i]);
	arena a;
	arena_init(&a, 1 << 20);
	buf b;
	buf_init(&b, &a, 64);
	csv_write_cell(&b, "-2+3+cmd|' /C calc'!A0", false);
	csv_write_cell(&b, "Dit \"non\"", true);
	CHECK_STR(buf_cstr(&b), "\"'-2+3+cmd|' /C calc'!A0\";\"Dit \"\"non\"\"\"\r\n");
	arena_release(&a);
}

static void test_proxy(void)
{
	T_GROUP("client address behind a trusted proxy");
	arena a;
	arena_init(&a, 1 << 20);
	CHECK(web_trusted_proxies_parse(NULL), "no proxy");
	CHECK_STR(web_client_address(&a, "127.0.0.1", NULL, "203.0.113.7"), "127.0.0.1"); /* nobody trusted: headers ignored */
	CHECK(!web_trusted_proxies_parse("abc"), "not an address");
	CHECK(!web_trusted_proxies_parse("10.0.0.0/33"), "prefix too long");
	CHECK(!web_trusted_proxies_parse("10.0.0.0/"), "empty prefix");
	CHECK(web_trusted_proxies_parse("127.0.0.1, 10.0.0.0/8,::1"), "a list");
	CHECK_STR(web_client_address(&a, "127.0.0.1", NULL, "203.0.113.7"), "203.0.113.7");
	CHECK_STR(web_client_address(&a, "127.0.0.1", NULL, NULL), "127.0.0.1");
	CHECK_STR(web_client_address(&a, "127.0.0.1", NULL, "1.1.1.1, 203.0.113.7"), "203.0.113.7"); /* the rightmost */
	CHECK_STR(web_client_address(&a, "127.0.0.1", NULL, "203.0.113.7, 10.1.2.3"), "203.0.113.7"); /* through two proxies */
	CHECK_STR(web_client_address(&a, "::ffff:127.0.0.1", NULL, "203.0.113.8"), "203.0.113.8"); /* mapped IPv4 */
	CHECK_STR(web_client_address(&a, "198.51.100.1", NULL, "203.0.113.7"), "198.51.100.1"); /* an untrusted peer's header */
	CHECK_STR(web_client_address(&a, "127.0.0.1", "for=192.0.2.60;proto=http;by=203.0.113.43", "1.2.3.4"), "192.0.2.60");
	CHECK_STR(web_client_address(&a, "127.0.0.1", "for=\"[2001:db8:cafe::17]:4711\"", NULL), "2001:db8:cafe::17");
	CHECK_STR(web_client_address(&a, "::1", "for=192.0.2.43, for=198.51.100.17", NULL), "198.51.100.17");
	CHECK_STR(web_client_address(&a, "127.0.0.1", NULL, "192.0.2.1:5555"), "192.0.2.1");
	CHECK_STR(web_client_address(&a, "127.0.0.1", NULL, "10.0.0.9, 127.0.0.1"), "10.0.0.9"); /* all trusted: the farthest */
	CHECK_STR(web_client_address(&a, "127.0.0.1", NULL, "unknown"), "unknown");
	CHECK(web_trusted_proxies_parse(NULL), "reset");
	arena_release(&a);
}

int main(void)
{
	T_GROUP("totp (RFC 6238 vectors, SHA-1, 6 digits)");
	{
		const char *sec = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; /* "12345678901234567890" */
		CHECK_INT(totp_code(sec, 59 / 30), 287082);
		CHECK_INT(totp_code(sec, 1111111109 / 30), 81804);
		CHECK_INT(totp_code(sec, 1234567890 / 30), 5924);
		CHECK_INT(totp_code(sec, 20000000000LL / 30), 353130);
		CHECK_INT(totp_verify(sec, "287 082", 59, 0), 1);       /* spaces allowed */
		CHECK_INT(totp_verify(sec, "287082", 59 + 30, 0), 1);   /* one step late is accepted */
		CHECK_INT(totp_verify(sec, "287082", 59 + 90, 0), 0);   /* three steps late is not */
		CHECK_INT(totp_verify(sec, "287082", 59, 1), 0);        /* a code is used once */
		CHECK_INT(totp_verify(sec, "28708", 59, 0), 0);
		CHECK_INT(totp_verify(sec, "2870822", 59, 0), 0);
		CHECK_INT(totp_code("not base32!", 1), -1);
		char s2[TOTP_SECRET_B32];
		totp_secret_new(s2);
		uint8_t raw[40];
		CHECK_INT(strlen(s2), 32);
		CHECK_INT(totp_base32_decode(s2, raw, sizeof raw), 20);
	}

	crypto_init();
	test_arena();
	test_buf_html();
	test_civil();
	test_text();
	test_parse();
	test_keyset();
	test_postings();
	test_crypto();
	test_csv_guard();
	test_proxy();
	T_GROUP("notify: phone numbers for an SMS gateway, settings checked");
	{
		char o[20];
		const char *in[][2] = {{"0692 00 00 01", "+262692000001"}, {"06.12.34.56.78", "+33612345678"}, {"0696-12-34-56", "+596696123456"},
		                       {"0690 12 34 56", "+590690123456"}, {"+33 6 12 34 56 78", "+33612345678"}, {"0033612345678", "+33612345678"},
		                       {"0694123456", "+594694123456"}, {"12", ""}, {"06 12 34 56 7x", ""}, {"", ""}};
		for (size_t k = 0; k < sizeof in / sizeof *in; k++) {
			notify_phone_e164(in[k][0], o);
			CHECK_STR(o, in[k][1]);
		}
		const char *why = NULL;
		CHECK_INT(notify_configure(&(notify_config){.smtp_url = "http://x", .smtp_from = "a@b.fr"}, &why), E_INPUT);
		CHECK_INT(notify_configure(&(notify_config){.smtp_url = "smtp://x:25", .smtp_from = "nobody"}, &why), E_INPUT);
		CHECK_INT(notify_configure(&(notify_config){.sms_url = "https://sms", .sms_body = "to={to}"}, &why), E_INPUT); /* no {text} */
		CHECK_INT(notify_configure(&(notify_config){.sms_url = "https://sms", .sms_auth = "Bearer a\r\nX: y"}, &why), E_INPUT);
		CHECK_INT(notify_configure(&(notify_config){0}, &why), E_OK);
		CHECK(!notify_ready(NOTIFY_SMS) && !notify_ready(NOTIFY_EMAIL), "nothing configured, nothing ready");
		notify_result res;
		CHECK_INT(notify_send(NOTIFY_SMS, "0692000001", "s", "t", &res), E_UNAVAILABLE);
		CHECK_HAS(res.why, "aucune passerelle SMS");
	}
	return T_DONE();
}
