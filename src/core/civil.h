/*
 * civil.h — civil dates (YYYY-MM-DD) and instants, without floats.
 *
 * A civil date is stored as text "YYYY-MM-DD" in the database and handled
 * as a day number (days since 1970-01-01, proleptic Gregorian) in code.
 * "Today" depends on the structure's time zone (Europe/Paris,
 * Indian/Reunion…): civil_today() takes the zone name.
 */
#ifndef CORE_CIVIL_H
#define CORE_CIVIL_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct civil_date { int y, m, d; } civil_date;

/* Strict "YYYY-MM-DD" within years 1850..2200 and a real calendar day. */
bool civil_parse(const char *s, civil_date *out);
/* A date as French people write it, day first: "27/03/1984", "3/4/1984", "27-03-1984" or "27.03.1984" (one
 * separator twice, the year in four digits, nothing after), a real day as civil_parse's. */
bool civil_parse_fr(const char *s, civil_date *out);
/* Writes "YYYY-MM-DD" into out (11 bytes). */
void civil_format(civil_date d, char out[11]);
int64_t civil_to_days(civil_date d);
civil_date civil_from_days(int64_t days);
/* The day of the week, 0 = Monday … 6 = Sunday. */
int civil_weekday(civil_date d);
bool civil_is_leap(int y);
int civil_month_days(int y, int m);
/* Adds months, clamping the day to the month's end (31 Jan + 1 month = 28/29 Feb). */
civil_date civil_add_months(civil_date d, int months);
/* Today in the named IANA zone (falls back to UTC if the zone is unknown). */
civil_date civil_today(const char *tz);
/* Local wall-clock time of instant t in zone tz (thread-safe). */
bool civil_local_time(const char *tz, time_t t, struct tm *out);
/* Seconds since the epoch, now. */
int64_t civil_now(void);
/* Test hook: civil_now() is shifted by seconds from now on (0: real). */
void civil_clock_shift(int64_t seconds);
/* "1984-03-27" → "27/03/1984" into out (11 bytes); "" if not a date. */
void civil_iso_to_fr(const char *iso, char out[11]);
/* The same into an arena, for pages and documents: "27/03/1984", or "—"
 * when iso is not a date. */
#include "core/arena.h"
const char *civil_fr(arena *a, const char *iso);
/* "janvier" … "décembre" for 1 … 12; "" otherwise. */
const char *civil_month_name(int m);
/* "1984-03-27" → "27 mars 1984" (letters), "—" when not a date. */
const char *civil_fr_long(arena *a, const char *iso);
/* A text with ISO dates in it ("du 2026-02-18 → 2027-02-17") with each
 * written the French way ("du 18/02/2026 → 17/02/2027"), in the arena. */
const char *civil_fr_dates_in(arena *a, const char *text);
/* "YYYY-MM-DD" into an arena. */
const char *civil_iso(arena *a, civil_date d);
/* A local date and time ("2026-03-27", "14:05") in tz as an instant. */
bool civil_local_instant(const char *tz, const char *date, const char *hhmm, int64_t *out);
/* The instant a local day begins in tz. */
int64_t civil_day_start(const char *tz, civil_date d);
/* When an action was done, as typed (« effectué le »): date and time,
 * local to tz; both empty: now. NULL and *out set, or the French reason
 * (in the future, older than days_back days, not a date). */
const char *civil_done_at(const char *tz, const char *date, const char *hhmm, int days_back, int64_t now, int64_t *out);
/* Whole years between birth and day (age at that day). */
int civil_age(civil_date birth, civil_date day);
#endif
