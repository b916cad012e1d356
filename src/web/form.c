/* form.c — accessible form controls (see form.h). */
#include "web/form.h"
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "web/html.h"
#include "core/banned.h"

/* The prefix of the ids the next fields take (two forms of one page with
 * a field of the same name keep distinct ids); reset by each page. */
static _Thread_local const char *scope = "";

void form_scope(const char *prefix) { scope = prefix && *prefix ? prefix : ""; }

const char *form_scope_get(void) { return scope; }

/* "motive" → "motive" or "qc-motive" */
#define SC "%s%s"
#define SCOPED(name) scope, *scope ? "-" : "", name

/* The labels of the fields the pages have shown, by name, for an error page that gives a refused form back
 * (page_kept_input): the first label shown under a name, in a table of FORM_LABELS places (a name past it keeps its
 * own name there). Written once a place, read without a lock: a place is published whole. */
enum { FORM_LABELS = 1024, FORM_LABEL_PROBES = 8 };
typedef struct form_label {
	char *name, *text;
} form_label;
static _Atomic(form_label *) shown_labels[FORM_LABELS];

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void label_remember(const char *name, const char *text)
{
	if (!name || !*name || !text || !*text)
		return;
	uint32_t h = name_hash(name);
	for (int i = 0; i < FORM_LABEL_PROBES; i++) {
		_Atomic(form_label *) *slot = &shown_labels[(h + (uint32_t)i) % FORM_LABELS];
		form_label *l = atomic_load_explicit(slot, memory_order_acquire);
		if (l) {
			if (!strcmp(l->name, name))
				return;
			continue;
		}
		form_label *mine = malloc(sizeof *mine);
		if (!mine)
			return;
		mine->name = strdup(name);
		mine->text = strdup(text);
		form_label *none = NULL;
		if (mine->name && mine->text &&
		    atomic_compare_exchange_strong_explicit(slot, &none, mine, memory_order_acq_rel, memory_order_acquire))
			return;
		free(mine->name);
		free(mine->text);
		free(mine);
		if (none && !strcmp(none->name, name))
			return; /* another thread put it there first */
	}
}

const char *form_label_of(const char *name)
{
	uint32_t h = name_hash(name);
	for (int i = 0; i < FORM_LABEL_PROBES; i++) {
		form_label *l = atomic_load_explicit(&shown_labels[(h + (uint32_t)i) % FORM_LABELS], memory_order_acquire);
		if (!l)
			return NULL;
		if (!strcmp(l->name, name))
			return l->text;
	}
	return NULL;
}

void form_error(form_errors *fe, const char *name, const char *msg)
{
	if (fe->n < FORM_MAX_ERRORS) {
		fe->name[fe->n] = name;
		fe->msg[fe->n] = msg;
		fe->n++;
	}
}

const char *form_error_for(const form_errors *fe, const char *name)
{
	for (int i = 0; fe && i < fe->n; i++)
		if (!strcmp(fe->name[i], name))
			return fe->msg[i];
	return NULL;
}

void form_error_summary(buf *b, const form_errors *fe)
{
	if (!fe || !fe->n)
		return;
	html_lit(b, "<div class=\"notice notice-error\" role=\"alert\" tabindex=\"-1\" id=\"erreurs\">"
	            "<p><strong>Le formulaire n’a pas été enregistré.</strong> Corrigez :</p><ul>");
	for (int i = 0; i < fe->n; i++)
		html_printf(b, "<li><a href=\"#f-" SC "%s\">%s</a></li>", SCOPED(fe->name[i]), fe->msg[i]);
	html_lit(b, "</ul></div>");
}

void form_input(buf *b, const form_field *f, const form_errors *fe)
{
	label_remember(f->name, f->label);
	const char *err = form_error_for(fe, f->name);
	html_printf(b, "<div class=\"field%s\"><label for=\"f-" SC "%s\">%s", err ? " has-error" : "", SCOPED(f->name), f->label);
	if (f->required)
		html_lit(b, " <span class=\"req\" aria-hidden=\"true\">*</span>");
	html_lit(b, "</label>");
	if (f->hint)
		html_printf(b, "<p class=\"hint\" id=\"h-" SC "%s\">%s</p>", SCOPED(f->name), f->hint);
	if (err)
		html_printf(b, "<p class=\"error\" id=\"e-" SC "%s\">%s</p>", SCOPED(f->name), err);
	const char *type = f->type ? f->type : "text";
	bool area = !strcmp(type, "textarea");
	if (area)
		html_printf(b, "<textarea id=\"f-" SC "%s\" name=\"%s\" rows=\"4\"", SCOPED(f->name), f->name);
	else
		html_printf(b, "<input id=\"f-" SC "%s\" name=\"%s\" type=\"%s\"", SCOPED(f->name), f->name, type);
	if (f->required)
		html_lit(b, " required");
	if (f->autocomplete)
		html_printf(b, " autocomplete=\"%s\"", f->autocomplete);
	if (f->nsuggest > 0 && !area)
		html_printf(b, " list=\"l-" SC "%s\"", SCOPED(f->name));
	if (err || f->hint) {
		html_lit(b, " aria-describedby=\"");
		if (err)
			html_printf(b, "e-" SC "%s", SCOPED(f->name));
		if (err && f->hint)
			html_lit(b, " ");
		if (f->hint)
			html_printf(b, "h-" SC "%s", SCOPED(f->name));
		html_lit(b, "\"");
	}
	if (err)
		html_lit(b, " aria-invalid=\"true\"");
	if (area)
		html_printf(b, ">%s</textarea></div>", f->value ? f->value : "");
	else if (f->value && strcmp(type, "password"))
		html_printf(b, " value=\"%s\">", f->value);
	else
		html_lit(b, ">");
	if (!area && f->nsuggest > 0) {
		html_printf(b, "<datalist id=\"l-" SC "%s\">", SCOPED(f->name));
		for (int i = 0; i < f->nsuggest; i++)
			html_printf(b, "<option value=\"%s\"></option>", f->suggest[i]);
		html_lit(b, "</datalist>");
	}
	if (!area)
		html_lit(b, "</div>");
}

static void select_open(buf *b, const char *name, const char *label, const form_errors *fe)
{
	label_remember(name, label);
	const char *err = form_error_for(fe, name);
	html_printf(b, "<div class=\"field%s\"><label for=\"f-" SC "%s\">%s</label>", err ? " has-error" : "", SCOPED(name), label);
	if (err)
		html_printf(b, "<p class=\"error\" id=\"e-" SC "%s\">%s</p>", SCOPED(name), err);
	html_printf(b, "<select id=\"f-" SC "%s\" name=\"%s\"", SCOPED(name), name);
	if (err)
		html_printf(b, " aria-invalid=\"true\" aria-describedby=\"e-" SC "%s\"", SCOPED(name));
	html_lit(b, ">");
}

static void option(buf *b, const char *v, const char *label, const char *selected)
{
	html_printf(b, "<option value=\"%s\"%s>%s</option>", v, selected && !strcmp(selected, v) ? " selected" : "", label);
}

void form_select(buf *b, const char *name, const char *label, const char *const *values,
                 const char *const *labels, int n, const char *selected, const form_errors *fe)
{
	select_open(b, name, label, fe);
	for (int i = 0; i < n; i++)
		option(b, values[i], labels[i], selected);
	html_lit(b, "</select></div>");
}

void form_select_code(buf *b, const char *name, const char *label, const code *list, int n, const char *selected,
                      const form_errors *fe)
{
	select_open(b, name, label, fe);
	for (int i = 0; i < n; i++)
		option(b, list[i].v, list[i].fr, selected);
	html_lit(b, "</select></div>");
}
