/* codes.c — code lists and their labels (see codes.h). */
#include "core/codes.h"
#include <string.h>
#include "core/banned.h"

int code_index(const code *list, int n, const char *v)
{
	for (int i = 0; v && i < n; i++)
		if (!strcmp(list[i].v, v))
			return i;
	return -1;
}

const char *code_label(const code *list, int n, const char *v)
{
	int i = code_index(list, n, v);
	return i >= 0 ? list[i].fr : v ? v : "";
}

bool code_ok(const code *list, int n, const char *v) { return code_index(list, n, v) >= 0; }
