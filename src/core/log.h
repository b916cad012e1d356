/*
 * log.h — one line per event on stderr: time, level, message, key=value.
 * Never pass names, addresses, NIR or free text typed by users: ids only.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H
#include <stdbool.h>
typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;
void log_set_level(log_level l);
bool log_enabled(log_level l);
void log_msg(log_level l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
/* For a fixed table that is full at start-up (a programming error, never
 * data): says which and stops the program before it serves anything. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#endif
