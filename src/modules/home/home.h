/*
 * home.h — the agent's home page ("what is waiting for me today"), the
 * accessibility statement, the public privacy page, /healthz and the
 * OpenAPI document. Other modules add blocks to the home page through
 * home_widget_add, without this module knowing them.
 */
#ifndef MODULES_HOME_H
#define MODULES_HOME_H
#include "web/web.h"

/* A widget writes one <section> into r->out; shown if the user has perm. */
typedef void (*home_widget)(web_req *r);
void home_widget_add(int order, home_widget w, int perm);
void home_init(void);
#endif
