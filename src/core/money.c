/* money.c — parsing and French formatting of cents (see money.h). */
#include "money.h"
#include <stdio.h>
#include <string.h>
#include "core/banned.h"

bool money_parse(const char *s, int64_t *cents)
{
	if (!s)
		return false;
	int64_t units = 0, frac = 0;
	int fdigits = 0, digits = 0;
	bool neg = false, in_frac = false;
	const unsigned char *p = (const unsigned char *)s;
	while (*p == ' ')
		p++;
	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (in_frac) {
				if (++fdigits > 2)
					return false;
				frac = frac * 10 + (*p - '0');
			} else {
				if (++digits > 10)
					return false;
				units = units * 10 + (*p - '0');
			}
		} else if ((*p == ',' || *p == '.') && !in_frac) {
			in_frac = true;
		} else if (*p == ' ' && !in_frac) {
			continue; /* thousands separator */
		} else if (!strncmp((const char *)p, "\xe2\x80\xaf", 3) || !strncmp((const char *)p, "\xc2\xa0", 2)) {
			p += (*p == 0xe2) ? 2 : 1; /* narrow or plain no-break space */
		} else if (!strcmp((const char *)p, "€") || !strcmp((const char *)p, " €")) {
			break;
		} else if (*p == ' ') {
			continue;
		} else {
			return false;
		}
	}
	if (!digits && !fdigits)
		return false;
	if (fdigits == 1)
		frac *= 10;
	int64_t v = units * 100 + frac;
	if (v > MONEY_MAX)
		return false;
	*cents = neg ? -v : v;
	return true;
}

char *money_format(arena *a, int64_t cents)
{
	char digits[32], out[64];
	bool neg = cents < 0;
	uint64_t v = neg ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)(v / 100));
	size_t n = strlen(digits), o = 0;
	if (neg)
		out[o++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0) {
			memcpy(out + o, "\xe2\x80\xaf", 3); /* narrow no-break space */
			o += 3;
		}
		out[o++] = digits[i];
	}
	o += (size_t)snprintf(out + o, sizeof out - o, ",%02llu\xc2\xa0€", (unsigned long long)(v % 100));
	return arena_strndup(a, out, o);
}

int64_t money_div_round(int64_t a, int64_t b)
{
	if (b <= 0)
		return 0;
	if (a >= 0)
		return (a + b / 2) / b;
	return -((-a + b / 2) / b);
}

const char *money_format_known(arena *a, bool known, int64_t cents) { return known ? money_format(a, cents) : "non renseigné"; }
