/*
 * banned.h — functions we never call (after git's banned.h).
 * Included last by every .c file through core.h; a use becomes a compile error.
 * sprintf/strcpy/strcat overflow silently; strtok keeps hidden state; atoi
 * cannot report errors; gmtime/localtime are not thread-safe (use the _r forms).
 */
#ifndef CORE_BANNED_H
#define CORE_BANNED_H
#define BANNED(f) sorry_##f##_is_banned
#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef gets
#define gets(x) BANNED(gets)
#endif
