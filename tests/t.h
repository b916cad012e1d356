/*
 * t.h — the tiny test harness. Each test program ends with
 * "N passed, N failed" and exits non-zero on any failure; scripts/test.sh
 * adds the programs' lines up.
 */
#ifndef TESTS_T_H
#define TESTS_T_H
#include <stdio.h>
#include <string.h>

static int t_passed, t_failed;
static const char *t_group = "";

#define T_GROUP(name) (t_group = (name))
#define CHECK(cond, ...) do { \
	if (cond) { t_passed++; } else { t_failed++; \
		fprintf(stderr, "ÉCHEC [%s] %s:%d: %s — ", t_group, __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)
#define CHECK_STR(a, b) do { const char *t_a = (a), *t_b = (b); \
	CHECK(t_a && t_b && !strcmp(t_a, t_b), "«%s» ≠ «%s»", t_a ? t_a : "(null)", t_b ? t_b : "(null)"); } while (0)
#define CHECK_INT(a, b) do { long long t_a = (long long)(a), t_b = (long long)(b); \
	CHECK(t_a == t_b, "%lld ≠ %lld", t_a, t_b); } while (0)
#define CHECK_HAS(hay, needle) do { const char *t_h = (hay), *t_n = (needle); \
	CHECK(t_h && strstr(t_h, t_n), "«%s» absent de la réponse (%.300s…)", t_n, t_h ? t_h : "(null)"); } while (0)
#define CHECK_LACKS(hay, needle) do { const char *t_h = (hay), *t_n = (needle); \
	CHECK(!t_h || !strstr(t_h, t_n), "«%s» ne devrait pas apparaître", t_n); } while (0)
#define T_DONE() (printf("%s: %d passed, %d failed\n", T_NAME, t_passed, t_failed), t_failed ? 1 : 0)
#endif
