/*
 * layout.c — the page shell (see layout.h). Accessibility: a skip link, one
 * <h1> per page (the title), landmarks (header, nav, main, footer), the
 * current page marked aria-current, French lang attribute.
 */
#include "web/layout.h"
#include "web/form.h"
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include "core/civil.h"
#include "core/countof.h"
#include "web/html.h"
#include "core/log.h"
#include "core/text.h"
#include "core/banned.h"

/* The main navigation, in order (given by the module list at start-up). */
static const layout_nav *nav;
static int nnav;

void layout_set_nav(const layout_nav *entries, int n)
{
	nav = entries;
	nnav = n;
}

static void csrf_field(web_req *r)
{
	if (r->user && r->user->csrf)
		html_printf(&r->out, "<input type=\"hidden\" name=\"_csrf\" value=\"%s\">", r->user->csrf);
}

void form_begin(web_req *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_vprintf(&r->out, fmt, ap);
	va_end(ap);
	csrf_field(r);
}

void form_step_open(web_req *r, const char *action_url, const char *action, int64_t version, const char *legend)
{
	form_scope(action);
	form_begin(r, "<form method=\"post\" action=\"%s\" class=\"compact\" novalidate><fieldset><legend>%s</legend>"
	              "<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"version\" value=\"%lld\">",
	           action_url, legend, action, (long long)version);
}

void form_step_close(web_req *r, const char *button, bool confirm)
{
	form_scope(NULL);
	if (confirm)
		html_printf(&r->out, "<button type=\"submit\" data-confirm=\"%s ?\">%s</button></fieldset></form>", button, button);
	else
		html_printf(&r->out, "<button type=\"submit\" class=\"primary\">%s</button></fieldset></form>", button);
}

void page_after_post(web_req *r, err e, const form_errors *fe, void (*again)(web_req *r, const form_errors *fe), const char *done)
{
	if (e == E_INPUT) {
		r->status = 400;
		again(r, fe);
	} else if (e != E_OK) {
		web_error(r, e, NULL);
	} else {
		web_redirect(r, done);
	}
}

const char *page_date(web_req *r, const char *iso)
{
	char *out = arena_alloc(r->a, 11);
	if (!out || !iso || !*iso)
		return "";
	civil_iso_to_fr(iso, out);
	return out;
}

const char *page_instant(web_req *r, int64_t t, bool with_time)
{
	struct tm tm;
	char *out = arena_alloc(r->a, 24);
	if (!out || !r->user || !civil_local_time(r->user->tz, (time_t)t, &tm))
		return "";
	strftime(out, 24, with_time ? "%d/%m/%Y %H:%M" : "%d/%m/%Y", &tm);
	return out;
}

void page_notice(web_req *r, const char *kind, const char *text)
{
	if (!strcmp(kind, "error"))
		html_printf(&r->out, "<div class=\"notice notice-error\" role=\"alert\">%s</div>", text);
	else if (!strcmp(kind, "ok"))
		html_printf(&r->out, "<div class=\"notice notice-ok\" role=\"status\">%s</div>", text);
	else
		html_printf(&r->out, "<div class=\"notice notice-info\">%s</div>", text);
}

void page_pager(web_req *r, const char *href, int64_t page, int64_t total, int per_page)
{
	int64_t pages = per_page > 0 ? (total + per_page - 1) / per_page : 0;
	if (pages <= 1)
		return;
	buf *b = &r->out;
	html_lit(b, "<nav class=\"pager\" aria-label=\"Pages\"><ul>");
	if (page > 1)
		html_printf(b, "<li><a href=\"%spage=%lld\" rel=\"prev\">Précédente</a></li>", href, (long long)(page - 1));
	html_printf(b, "<li aria-current=\"page\">Page %lld sur %lld</li>", (long long)page, (long long)pages);
	if (page < pages)
		html_printf(b, "<li><a href=\"%spage=%lld\" rel=\"next\">Suivante</a></li>", href, (long long)(page + 1));
	html_lit(b, "</ul></nav>");
}

static bool nav_current(const char *href, const char *path)
{
	size_t n = strlen(href);
	if (!strcmp(href, "/"))
		return !strcmp(path, "/");
	return !strncmp(path, href, n) && (path[n] == 0 || path[n] == '/');
}

void page_skip(web_req *r, const char *href, const char *label)
{
	if (r->nskip < 3) {
		r->skip_href[r->nskip] = href;
		r->skip_label[r->nskip++] = label;
	}
}

void page_begin(web_req *r, const char *title)
{
	buf *b = &r->out;
	html_lit(b, "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	            "<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\":false,\"allowEval\":false}'>");
	html_printf(b, "<title>%s — OpenCCAS</title>", title);
	html_printf(b, "<link rel=\"stylesheet\" href=\"%s\">", web_asset_url("style.css"));
	html_printf(b, "<script src=\"%s\" defer></script>", web_asset_url("htmx.min.js"));
	html_printf(b, "<script src=\"%s\" defer></script>", web_asset_url("app.js"));
	html_lit(b, "</head>");
	if (r->user && r->user->csrf)
		html_printf(b, "<body data-csrf=\"%s\">", r->user->csrf);
	else
		html_lit(b, "<body>");
	html_lit(b, "<a class=\"skip\" href=\"#contenu\">Aller au contenu</a>");
	for (int i = 0; i < r->nskip; i++)
		html_printf(b, "<a class=\"skip\" href=\"%s\" data-open>%s</a>", r->skip_href[i], r->skip_label[i]);
	html_lit(b, "<header class=\"top\"><div class=\"brand\"><a href=\"/\">OpenCCAS</a>");
	if (r->user) {
		html_printf(b, "<span class=\"structure\">%s</span></div>", r->user->structure_name);
		html_lit(b, "<div class=\"who\">");
		html_printf(b, "<span>%s <small>(%s)</small></span>", r->user->display_name, r->user->role_label);
		if (r->user->nstructures > 1)
			html_lit(b, "<a href=\"/structure/changer\">Changer de structure</a>");
		html_lit(b, "<a href=\"/compte\">Mon compte</a>");
		form_begin(r, "<form method=\"post\" action=\"/deconnexion\" class=\"inline\">");
		html_lit(b, "<button type=\"submit\" class=\"link\">Se déconnecter</button></form></div>");
	} else {
		html_lit(b, "</div>");
	}
	html_lit(b, "</header>");
	if (r->user) {
		/* Folded behind « Menu » on a narrow screen (app.js; open without it). */
		const char *here = NULL;
		bool *shown = arena_array(r->a, (size_t)nnav + 1, sizeof *shown); /* a visibility hook may query: once per page */
		for (int i = 0; shown && i < nnav; i++) {
			shown[i] = web_can(r, nav[i].perm) && (!nav[i].visible || nav[i].visible(r));
			if (shown[i] && !here && nav_current(nav[i].href, r->path))
				here = nav[i].label;
		}
		html_lit(b, "<nav class=\"main-nav\" aria-label=\"Navigation principale\"><details class=\"menu\" open><summary>Menu");
		if (here)
			html_printf(b, " <span class=\"muted\">· %s</span>", here);
		html_lit(b, "</summary><ul>");
		for (int i = 0; i < nnav; i++) {
			if (!shown || !shown[i])
				continue;
			if (nav_current(nav[i].href, r->path))
				html_printf(b, "<li><a href=\"%s\" aria-current=\"page\">%s</a></li>", nav[i].href, nav[i].label);
			else
				html_printf(b, "<li><a href=\"%s\">%s</a></li>", nav[i].href, nav[i].label);
		}
		html_lit(b, "</ul></details></nav>");
	}
	html_printf(b, "<main id=\"contenu\" tabindex=\"-1\"><h1>%s</h1>", title);
	if (r->user && r->user->must_enroll_totp)
		html_lit(b, "<div class=\"notice notice-error\" role=\"alert\"><p>La double authentification est obligatoire pour votre "
		            "rôle dans cette structure : <a href=\"/compte#totp\">activez-la dans « Mon compte »</a>. D’ici là, les dossiers "
		            "restent fermés.</p></div>");
}

void page_end(web_req *r)
{
	html_lit(&r->out, "</main><footer class=\"bottom\"><a href=\"/accessibilite\">Accessibilité : "
	                  "partiellement conforme</a> · <a href=\"/confidentialite\">Données personnelles</a> · "
	                  "OpenCCAS, logiciel libre</footer></body></html>\n");
}

void page_error(web_req *r, err e, const char *detail)
{
	static const char *titles[] = {
		[E_NOT_FOUND] = "Page introuvable", [E_FORBIDDEN] = "Accès refusé",
		[E_AUTH] = "Identification nécessaire", [E_CSRF] = "Formulaire expiré",
		[E_TOO_LARGE] = "Envoi trop volumineux", [E_THROTTLED] = "Trop de tentatives",
		[E_INPUT] = "Demande incorrecte", [E_CONFLICT] = "Modification concurrente",
		[E_METHOD] = "Action impossible",
	};
	const char *title = (e < COUNTOF(titles) && titles[e]) ? titles[e] : "Erreur du serveur";
	r->out_type = "text/html; charset=utf-8";
	page_begin(r, title);
	html_printf(&r->out, "<p class=\"lead\">%s</p>", err_message(e));
	if (detail)
		html_printf(&r->out, "<p>%s</p>", detail);
	html_printf(&r->out, "<p class=\"muted\">Code : %d (%s)</p>", err_http_status(e), err_code(e));
	page_kept_input(r, e);
	html_lit(&r->out, "<p><a href=\"/\">Revenir à l’accueil</a></p>");
	page_end(r);
}

/* What a refused form carried, given back on its error page: nothing typed is lost. The server could not write it
 * (an error of its own: the database away, memory short) and knows who sent it: a button sends it again, with the
 * session's token. Any other refusal — the form expired (its token is not the session's: it may not come from this
 * person), no session, a record changed or gone meanwhile, a note too long for the page to show it again — shown to
 * copy, without a button: an error page never sends on another page's behalf, nor what was refused as it was. A
 * form another site's page sent: nothing (its text would be shown on this site's page). */
void page_kept_input(web_req *r, err e)
{
	if (r->method != M_POST || r->api || (r->form.n == 0 && r->form.nfiles == 0) ||
	    (r->route && (r->route->flags & WEB_F_SECRET)) || r->cross_site)
		return; /* another site's page would have its text shown under this one's name */
	/* Written but not known kept (E_UNSURE), or written and its page not built (E_WRITTEN): sent again, it could be
	 * there twice — to copy only. A form with a file: filled anew (a file is not sent again). */
	bool again = err_http_status(e) >= 500 && e != E_UNSURE && e != E_WRITTEN && r->user && r->user->csrf && !r->form.nfiles;
	buf *b = &r->out;
	/* Every field sent, under the label its form gave it (form_label_of), else under its name (a field written by
	 * hand, a hidden number, or a form shown before the server started): a field left out could be the one typed. */
	int shown = 0;
	for (int i = 0; i < r->form.n; i++)
		shown += r->form.items[i].name[0] != '_' && r->form.items[i].value[0];
	html_lit(b, "<section class=\"kept\" aria-labelledby=\"t-kept\"><h2 id=\"t-kept\">Votre saisie</h2>");
	if (again)
		html_lit(b, "<p>Elle n’a pas été enregistrée. La voici telle que vous l’avez envoyée : renvoyez-la d’un clic, "
		            "ou recopiez-la.</p>");
	else if (e == E_UNSURE || e == E_WRITTEN)
		html_lit(b, "<p>La voici telle que vous l’avez envoyée : vérifiez la fiche avant de la saisir à nouveau.</p>");
	else
		html_lit(b, "<p>Elle n’a pas été enregistrée. La voici telle que vous l’avez envoyée, pour la recopier une fois "
		            "la page du formulaire ouverte à nouveau.</p>");
	if (again) {
		buf u;
		buf_init(&u, r->a, 64);
		buf_adds(&u, r->path);
		for (int i = 0; i < r->query.n; i++) {
			buf_addc(&u, i ? '&' : '?');
			buf_adds(&u, text_url_encode(r->a, r->query.items[i].name));
			buf_addc(&u, '=');
			buf_adds(&u, text_url_encode(r->a, r->query.items[i].value));
		}
		form_begin(r, "<form method=\"post\" action=\"%s\" class=\"inline\">", buf_cstr(&u));
		for (int i = 0; i < r->form.n; i++)
			if (strcmp(r->form.items[i].name, "_csrf"))
				html_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", r->form.items[i].name,
				            r->form.items[i].value);
		html_lit(b, "<button type=\"submit\" class=\"primary\">Renvoyer la saisie</button></form>");
	}
	if (shown) {
		/* With the button, the fields' detail folded (the button is the way); to copy, shown. */
		if (again)
			html_lit(b, "<details><summary>Le détail de la saisie</summary>");
		html_lit(b, "<dl class=\"facts kept\">");
		for (int i = 0; i < r->form.n; i++) {
			const kv *f = &r->form.items[i];
			if (f->name[0] == '_' || !f->value[0])
				continue;
			const char *label = form_label_of(f->name);
			html_printf(b, "<dt>%s</dt><dd>%s</dd>", label ? label : f->name, f->value);
		}
		html_lit(b, "</dl>");
		if (again)
			html_lit(b, "</details>");
	}
	for (int i = 0; i < r->form.nfiles; i++)
		html_printf(b, "<p>Le fichier « %s » n’a pas été gardé : choisissez-le à nouveau.</p>", r->form.files[i].filename
		            ? r->form.files[i].filename : "");
	html_lit(b, "</section>");
}
