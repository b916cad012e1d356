/*
 * civil.c — calendar arithmetic (Howard Hinnant's days_from_civil algorithm)
 * and local time in a named zone.
 *
 * Local time: glibc only knows one zone per process (the TZ variable). We
 * switch TZ under a mutex and call localtime_r inside it; nothing else in the
 * program reads local time (localtime is banned), so this is safe. glibc
 * caches the parsed zone, so the switch costs little when every structure
 * uses the same zone, which is the usual case.
 */
#include "civil.h"
#include <pthread.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "banned.h"

bool civil_is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int civil_month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && civil_is_leap(y) ? 29 : days[m - 1];
}

bool civil_parse(const char *s, civil_date *out)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	int v[3] = {0, 0, 0}, idx[3][2] = {{0, 4}, {5, 2}, {8, 2}};
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < idx[k][1]; i++) {
			char c = s[idx[k][0] + i];
			if (c < '0' || c > '9')
				return false;
			v[k] = v[k] * 10 + (c - '0');
		}
	if (v[0] < 1850 || v[0] > 2200 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > civil_month_days(v[0], v[1]))
		return false;
	out->y = v[0];
	out->m = v[1];
	out->d = v[2];
	return true;
}

bool civil_parse_fr(const char *s, civil_date *out)
{
	int dd, mm, yy, n = 0;
	char s1, s2;
	if (!s || sscanf(s, "%2d%c%2d%c%4d%n", &dd, &s1, &mm, &s2, &yy, &n) != 5 || s[n] || s1 != s2 ||
	    (s1 != '/' && s1 != '-' && s1 != '.') || !isdigit((unsigned char)s[0]) || yy < 1850 || yy > 2200 || mm < 1 ||
	    mm > 12 || dd < 1 || dd > civil_month_days(yy, mm))
		return false;
	*out = (civil_date){yy, mm, dd};
	return true;
}

void civil_format(civil_date d, char out[11])
{
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u, (unsigned)d.d % 100u);
}

int64_t civil_to_days(civil_date c)
{
	int64_t y = c.y - (c.m <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (c.m + (c.m > 2 ? -3 : 9)) + 2) / 5 + c.d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int civil_weekday(civil_date d)
{
	int64_t n = civil_to_days(d); /* 1970-01-01 was a Thursday */
	return (int)(((n % 7) + 7 + 3) % 7);
}

civil_date civil_from_days(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp + (mp < 10 ? 3 : -9);
	return (civil_date){(int)(y + (m <= 2)), (int)m, (int)d};
}

civil_date civil_add_months(civil_date d, int months)
{
	int total = d.y * 12 + (d.m - 1) + months;
	civil_date r = {total / 12, total % 12 + 1, d.d};
	int md = civil_month_days(r.y, r.m);
	if (r.d > md)
		r.d = md;
	return r;
}

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

bool civil_local_time(const char *tz, time_t t, struct tm *out)
{
	/* Refuse anything that is not a plain zone name: TZ may also name a file. */
	bool ok = tz && *tz && strlen(tz) < 64 && tz[0] != '/' && !strstr(tz, "..");
	pthread_mutex_lock(&tz_lock);
	static char current[64] = "";
	if (!ok)
		tz = "UTC";
	if (strcmp(current, tz) != 0) {
		setenv("TZ", tz, 1);
		tzset();
		snprintf(current, sizeof current, "%s", tz);
	}
	struct tm *r = localtime_r(&t, out);
	pthread_mutex_unlock(&tz_lock);
	return r != NULL;
}

civil_date civil_today(const char *tz)
{
	struct tm tm;
	if (!civil_local_time(tz, time(NULL), &tm))
		return (civil_date){1970, 1, 1};
	return (civil_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

static _Atomic int64_t clock_offset;
int64_t civil_now(void) { return (int64_t)time(NULL) + clock_offset; }
void civil_clock_shift(int64_t seconds) { clock_offset = seconds; }

int civil_age(civil_date b, civil_date d)
{
	int age = d.y - b.y;
	if (d.m < b.m || (d.m == b.m && d.d < b.d))
		age--;
	return age;
}

void civil_iso_to_fr(const char *iso, char out[11])
{
	civil_date d;
	if (!iso || !civil_parse(iso, &d)) {
		out[0] = 0;
		return;
	}
	snprintf(out, 11, "%02u/%02u/%04u", (unsigned)d.d % 100u, (unsigned)d.m % 100u, (unsigned)d.y % 10000u);
}

const char *civil_fr(arena *a, const char *iso)
{
	char *o = arena_alloc(a, 11);
	if (o)
		civil_iso_to_fr(iso, o);
	return o && *o ? o : "—";
}

const char *civil_fr_dates_in(arena *a, const char *text)
{
	if (!text)
		return "";
	size_t n = strlen(text);
	char *o = arena_alloc(a, n + 1);
	if (!o)
		return text;
	memcpy(o, text, n + 1);
	/* Same length both ways: rewritten in place, one pass. */
	for (size_t i = 0; i + 10 <= n; i++) {
		civil_date d;
		char iso[11];
		memcpy(iso, o + i, 10);
		iso[10] = 0;
		bool edge = (i == 0 || !(o[i - 1] >= '0' && o[i - 1] <= '9')) && !(o[i + 10] >= '0' && o[i + 10] <= '9');
		if (edge && iso[4] == '-' && iso[7] == '-' && civil_parse(iso, &d)) {
			char fr[11];
			civil_iso_to_fr(iso, fr);
			memcpy(o + i, fr, 10);
			i += 9;
		}
	}
	return o;
}

const char *civil_month_name(int m)
{
	static const char *names[] = {"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	                              "août", "septembre", "octobre", "novembre", "décembre"};
	return m >= 1 && m <= 12 ? names[m - 1] : "";
}

const char *civil_fr_long(arena *a, const char *iso)
{
	civil_date d;
	if (!iso || !civil_parse(iso, &d))
		return "—";
	const char *s = arena_printf(a, "%d%s %s %d", d.d, d.d == 1 ? "er" : "", civil_month_name(d.m), d.y);
	return s ? s : "—";
}

const char *civil_iso(arena *a, civil_date d)
{
	char *o = arena_alloc(a, 11);
	if (o)
		civil_format(d, o);
	return o ? o : "";
}

bool civil_local_instant(const char *tz, const char *date, const char *hhmm, int64_t *out)
{
	civil_date d;
	int h, m;
	if (!date || !hhmm || !civil_parse(date, &d) || strlen(hhmm) != 5 || sscanf(hhmm, "%2d:%2d", &h, &m) != 2 ||
	    h < 0 || h > 23 || m < 0 || m > 59)
		return false;
	int64_t guess = civil_to_days(d) * 86400 + h * 3600 + m * 60;
	for (int i = 0; i < 2; i++) {
		struct tm tm;
		if (!civil_local_time(tz, (time_t)guess, &tm))
			return false;
		civil_date ld = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
		int64_t shown = civil_to_days(ld) * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60;
		guess += (civil_to_days(d) * 86400 + h * 3600 + m * 60) - shown;
	}
	*out = guess;
	return true;
}

int64_t civil_day_start(const char *tz, civil_date d)
{
	char iso[11];
	civil_format(d, iso);
	int64_t t = 0;
	civil_local_instant(tz, iso, "00:00", &t);
	return t;
}

const char *civil_done_at(const char *tz, const char *date, const char *hhmm, int days_back, int64_t now, int64_t *out)
{
	*out = now;
	bool has_date = date && *date, has_time = hhmm && *hhmm;
	if (!has_date && !has_time)
		return NULL;
	struct tm tm;
	char today[16], nowhm[8];
	if (!civil_local_time(tz, (time_t)now, &tm))
		return "Le fuseau horaire de la structure est inconnu.";
	snprintf(today, sizeof today, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100);
	snprintf(nowhm, sizeof nowhm, "%02d:%02d", tm.tm_hour % 100, tm.tm_min % 100);
	int64_t t;
	if (!civil_local_instant(tz, has_date ? date : today, has_time ? hhmm : (has_date && strcmp(date, today) ? "12:00" : nowhm), &t))
		return "Indiquez la date (AAAA-MM-JJ) et l’heure (HH:MM).";
	if (t > now + 300)
		return "La date et l’heure ne peuvent pas être dans le futur.";
	civil_date td, dd;
	civil_parse(today, &td);
	civil_parse(has_date ? date : today, &dd);
	if (civil_to_days(td) - civil_to_days(dd) > days_back)
		return days_back ? "Cette date est trop ancienne : la structure permet une saisie après coup dans la limite qu’elle a fixée."
		                 : "La structure ne permet pas de dater une action d’un autre jour qu’aujourd’hui.";
	*out = t;
	return NULL;
}
