/*
 * home.h — the agent's home page ("what is waiting for me today": the
 * widgets the modules' descriptors give, for the user's permissions), the
 * accessibility statement, the public privacy page, /healthz and the
 * OpenAPI document.
 */
#ifndef MODULES_HOME_H
#define MODULES_HOME_H
#include "modules/module.h"

extern const module home_module;
#endif
