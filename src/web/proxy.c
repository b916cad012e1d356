/*
 * proxy.c — who is the client behind a reverse proxy. The TCP peer is the
 * client unless it is one of the proxies the administrator trusts
 * (serve --trusted-proxy); then the client is the rightmost address of
 * Forwarded (RFC 7239) or X-Forwarded-For that is not itself a trusted
 * proxy. Headers from anyone else are ignored: a client cannot choose the
 * address its login attempts are counted against.
 *
 * The headers are walked from their end, element by element, without
 * copying or counting them: linear in their length, no cap to reach.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "web/web.h"
#include "core/banned.h"

typedef struct net {
	int family;
	unsigned char addr[16];
	int prefix;
} net;

static net *nets;
static int nnets;

/* "1.2.3.4", "::1", "[::1]", "::ffff:1.2.3.4" → family and bytes
 * (IPv4-mapped IPv6 addresses become IPv4). */
static bool parse_ip(const char *s, size_t n, net *out)
{
	char t[INET6_ADDRSTRLEN + 2];
	if (n && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (!n || n >= sizeof t)
		return false;
	memcpy(t, s, n);
	t[n] = 0;
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, t, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
		return true;
	}
	if (inet_pton(AF_INET6, t, out->addr) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (!memcmp(out->addr, mapped, 12)) {
			memmove(out->addr, out->addr + 12, 4);
			memset(out->addr + 4, 0, 12);
			out->family = AF_INET;
			out->prefix = 32;
		} else {
			out->family = AF_INET6;
			out->prefix = 128;
		}
		return true;
	}
	return false;
}

bool web_trusted_proxies_parse(const char *list)
{
	free(nets);
	nets = NULL;
	nnets = 0;
	if (!list || !*list)
		return true;
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ')
			e++;
		const char *slash = memchr(p, '/', (size_t)(e - p));
		net nt;
		if (!parse_ip(p, (size_t)((slash ? slash : e) - p), &nt)) {
			fprintf(stderr, "openccas : --trusted-proxy : « %.*s » n’est pas une adresse IPv4 ou IPv6\n", (int)(e - p), p);
			return false;
		}
		if (slash) {
			char *end;
			long pre = strtol(slash + 1, &end, 10);
			if (end != e || slash + 1 == e || pre < 0 || pre > (nt.family == AF_INET ? 32 : 128)) {
				fprintf(stderr, "openccas : --trusted-proxy : préfixe incorrect dans « %.*s »\n", (int)(e - p), p);
				return false;
			}
			nt.prefix = (int)pre;
		}
		net *grown = realloc(nets, sizeof *nets * (size_t)(nnets + 1));
		if (!grown)
			return false;
		nets = grown;
		nets[nnets++] = nt;
		p = e;
	}
	return true;
}

static bool is_trusted(const char *s, size_t n)
{
	net a;
	if (!nnets || !parse_ip(s, n, &a))
		return false;
	for (int i = 0; i < nnets; i++) {
		if (nets[i].family != a.family)
			continue;
		int bits = nets[i].prefix, k = 0;
		for (; bits >= 8; bits -= 8, k++)
			if (nets[i].addr[k] != a.addr[k])
				break;
		if (bits >= 8)
			continue;
		unsigned char mask = (unsigned char)(0xFF << (8 - bits));
		if (bits == 0 || (nets[i].addr[k] & mask) == (a.addr[k] & mask))
			return true;
	}
	return false;
}

/* The address in one element: X-Forwarded-For's "1.2.3.4" or
 * "[::1]:8080"; Forwarded's for=… parameter (quoted or not). */
static void element_address(const char *s, size_t n, bool forwarded, const char **out, size_t *outn)
{
	*out = NULL;
	*outn = 0;
	if (forwarded) {
		const char *p = s, *end = s + n;
		while (p < end) {
			while (p < end && (*p == ' ' || *p == ';'))
				p++;
			const char *pe = p;
			while (pe < end && *pe != ';')
				pe++;
			if (pe - p > 4 && !strncasecmp(p, "for=", 4)) {
				s = p + 4;
				n = (size_t)(pe - s);
				break;
			}
			p = pe;
		}
		if (p >= end)
			return;
	}
	while (n && (*s == ' ' || *s == '"')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '"'))
		n--;
	/* Drop a port: "[v6]:p" or "v4:p" (a bare v6 has several colons). */
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (close)
			n = (size_t)(close - s + 1);
	} else {
		const char *c1 = memchr(s, ':', n);
		if (c1 && !memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s)))
			n = (size_t)(c1 - s);
	}
	*out = s;
	*outn = n;
}

const char *web_client_address(arena *a, const char *peer, const char *forwarded, const char *x_forwarded_for)
{
	if (!peer || !is_trusted(peer, strlen(peer)))
		return peer;
	const char *h = forwarded && *forwarded ? forwarded : x_forwarded_for;
	if (!h || !*h)
		return peer;
	bool fwd = h == forwarded;
	const char *end = h + strlen(h), *last_trusted = NULL;
	size_t last_n = 0;
	while (end > h) {
		const char *start = end;
		while (start > h && start[-1] != ',')
			start--;
		const char *ip;
		size_t n;
		element_address(start, (size_t)(end - start), fwd, &ip, &n);
		if (ip && n) {
			if (!is_trusted(ip, n)) {
				net chk;
				/* The client as the nearest trusted proxy saw it; text
				 * that is no address is kept as it is, bounded. */
				if (parse_ip(ip, n, &chk)) {
					char txt[INET6_ADDRSTRLEN];
					if (inet_ntop(chk.family, chk.addr, txt, sizeof txt))
						return arena_strdup(a, txt);
				}
				return arena_strndup(a, ip, n > 64 ? 64 : n);
			}
			last_trusted = ip;
			last_n = n;
		}
		end = start > h ? start - 1 : h;
	}
	return last_trusted ? arena_strndup(a, last_trusted, last_n) : peer;
}
