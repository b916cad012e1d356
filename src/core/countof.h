/*
 * countof.h — the number of elements of an array (not a pointer: GCC's
 * -Wsizeof-pointer-div warns when it is given one).
 */
#ifndef CORE_COUNTOF_H
#define CORE_COUNTOF_H
#define COUNTOF(a) ((int)(sizeof(a) / sizeof *(a)))
#endif
