/* csv.c — writing CSV cells, with the guard against formulas (see csv.h). */
#include "core/csv.h"
#include <string.h>
#include "core/banned.h"

/* A cell made only of a number ("-12", "-3,50", "+33 6 12") is left as it
 * is; any other whose first non-blank character is = + - @, or that starts
 * with a tabulation or a carriage return, could be read as a formula by a
 * spreadsheet (CSV injection, OWASP): it gets a leading apostrophe. */
bool csv_cell_dangerous(const char *s)
{
	if (!s || !*s)
		return false;
	if (*s == '\t' || *s == '\r')
		return true;
	const unsigned char *p = (const unsigned char *)s;
	for (;;) {
		if (*p == ' ' || *p == '\n' || *p == '\v' || *p == '\f')
			p++;
		else if (p[0] == 0xC2 && p[1] == 0xA0) /* no-break space */
			p += 2;
		else
			break;
	}
	bool fullwidth_equals = p[0] == 0xEF && p[1] == 0xBC && p[2] == 0x9D;
	if (fullwidth_equals || *p == '=' || *p == '@')
		return true;
	if (*p != '+' && *p != '-')
		return false;
	if (p != (const unsigned char *)s)
		return true; /* blanks before a sign: nothing a number needs */
	int digits = 0;
	for (const unsigned char *q = p + 1; *q; q++) {
		if (*q >= '0' && *q <= '9')
			digits++;
		else if (*q != ',' && *q != '.' && *q != ' ')
			return true;
	}
	return digits == 0;
}

void csv_write_cell(buf *b, const char *s, bool last)
{
	const char *p = s ? s : "";
	buf_addc(b, '"');
	if (csv_cell_dangerous(p))
		buf_addc(b, '\'');
	for (; *p; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_adds(b, last ? "\"\r\n" : "\";");
}
