/*
 * main.c — the openccas command: parse argv, serve, or call one verb
 * (commands.c; the shared options in cli.c). Exit codes: 0 success, 1 operation failed, 2 usage error,
 * 3 cannot open or migrate the database, 4 not found, 5 verification failed.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>
#include "cli.h"
#include "core/civil.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/text.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid_rules.h"
#include "modules/demo/demo.h"
#include "modules/domiciliation/domiciliation.h"
#include "modules/journal/journal.h"
#include "modules/modules.h"
#include "modules/persons/persons.h"
#include "store/store.h"
#include "web/web.h"
#include "core/banned.h"

static const char *usage_main =
	"Usage : openccas VERBE [options]\n\n"
	"Verbes :\n"
	"  serve     servir l’application web et l’API JSON\n"
	"  init      créer (ou migrer) la base, la structure et son premier administrateur\n"
	"  migrate   appliquer les migrations de schéma en attente\n"
	"  check     vérifier la base (migrations en attente, journal, parties des dossiers)\n"
	"  user      gérer les comptes : user add | disable | enable | list\n"
	"  token     jetons d’API : token create --user EMAIL | token list | token revoke N\n"
	"  journal   journal des accès : journal verify [--seals F] | journal seal\n"
	"  demo      créer des données de démonstration réalistes et reproductibles\n"
	"  purge     appliquer les durées de conservation : purge --dry-run | --apply\n"
	"  notify    prévenir du courrier en attente (SMS, e-mail, avec consentement) : notify --send\n"
	"  observation  calculer d’avance les chiffres de l’observation sociale (chaque nuit)\n"
	"  rules     vérifier un règlement des aides facultatives : rules check FICHIER\n"
	"  import    importer des personnes d’un classeur ou d’un CSV : import personnes --user EMAIL FICHIER\n"
	"  routes    lister les routes HTTP\n"
	"  version   afficher la version\n\n"
	"Options communes : --db URL (sqlite:CHEMIN, par défaut sqlite:data/ccas.db, ou postgresql://…) ;\n"
	"  --journal-key F (clé du journal des accès, hors de la base : à côté d’une base SQLite, ./journal-key\n"
	"  pour PostgreSQL, la même pour tous les serveurs) ; --journal-seals F (sceaux du journal).\n"
	"Les variables OPENCCAS_DB, OPENCCAS_JOURNAL_KEY et OPENCCAS_JOURNAL_SEALS remplacent les valeurs par défaut.\n"
	"« openccas VERBE --help » détaille chaque verbe.\n";

/* Running as root: the account to become once the socket is bound. */
static uid_t run_uid;
static gid_t run_gid;

static bool drop_privileges(void)
{
	if (setgroups(0, NULL) != 0 || setgid(run_gid) != 0 || setuid(run_uid) != 0 || getuid() == 0 || geteuid() == 0) {
		log_error("serve: cannot drop root privileges");
		return false;
	}
#if defined(__SANITIZE_ADDRESS__)
	prctl(PR_SET_DUMPABLE, 1); /* the leak checker attaches to the process at exit */
#endif
	log_info("serve: running as uid %u", (unsigned)run_uid);
	return true;
}

/* A SQLite database and its journal files become the account's; the
 * folder that holds them is never touched (it may be an administrator's
 * home): the account must already be able to create files in it (SQLite
 * makes the -wal and -shm files there), or the server stops and says the
 * command to run. */
static bool dir_writable_by(const struct stat *st, uid_t uid, gid_t gid)
{
	if (st->st_uid == uid)
		return (st->st_mode & (S_IWUSR | S_IXUSR)) == (S_IWUSR | S_IXUSR);
	if (st->st_gid == gid)
		return (st->st_mode & (S_IWGRP | S_IXGRP)) == (S_IWGRP | S_IXGRP);
	return (st->st_mode & (S_IWOTH | S_IXOTH)) == (S_IWOTH | S_IXOTH);
}

static bool give_files(const char *url, const char *account)
{
	if (strncmp(url, "sqlite:", 7) && strstr(url, "://"))
		return true;
	const char *path = !strncmp(url, "sqlite:", 7) ? url + 7 : url;
	char dir[1024];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = 0;
	else
		snprintf(dir, sizeof dir, "%s", slash ? "/" : ".");
	struct stat st;
	if (stat(dir, &st) != 0 || !dir_writable_by(&st, run_uid, run_gid)) {
		fprintf(stderr,
		        "openccas : le compte de service « %s » ne peut pas créer de fichiers dans le dossier %s,\n"
		        "où SQLite écrit le journal de la base (%s-wal). OpenCCAS ne change pas le propriétaire d’un dossier\n"
		        "qu’il n’a pas créé. Donnez-lui ce dossier :\n    chown %s: %s\n"
		        "ou placez la base dans un dossier à lui (par exemple /var/lib/openccas).\n",
		        account, dir, path, account, dir);
		return false;
	}
	const char *sfx[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char f[1024];
		snprintf(f, sizeof f, "%s%s", path, sfx[i]);
		if (chown(f, run_uid, run_gid) != 0 && errno != ENOENT) {
			fprintf(stderr, "openccas : impossible de confier %s au compte de service « %s »\n", f, account);
			return false;
		}
	}
	return true;
}

/* The journal's key (read already) and seal file are the service
 * account's: files this program made, never their folders. */
static bool give_journal_files(const char *account)
{
	const char *files[] = {key_path, seals_path};
	for (int i = 0; i < 2; i++)
		if (chown(files[i], run_uid, run_gid) != 0 && errno != ENOENT) {
			fprintf(stderr, "openccas : impossible de confier %s au compte de service « %s »\n", files[i], account);
			return false;
		}
	return true;
}

/* Sealing the journal's heads while serving (web_conf.periodic). */
static db *serving_db;
static void seal_now(void)
{
	db_conn *c = db_conn_get(serving_db);
	if (!c)
		return;
	int n = 0;
	if (journal_seal(c, seals_path, &n) != E_OK)
		log_error("serve: the journal could not be sealed");
	db_conn_put(c);
}

/* The planner's statistics of the tables that grew (a database started
 * empty grows under the server: SQLite's plans without them scanned). */
static void refresh_stats(void)
{
	int n = 0;
	if (db_refresh_stats(serving_db, &n) != E_OK)
		log_warn("serve: the planner's statistics could not be refreshed");
	else if (n)
		log_info("serve: statistics refreshed for %d table(s) that grew", n);
}

static void housekeeping(void)
{
	seal_now();
	refresh_stats();
}

static int cmd_serve(int argc, char **argv)
{
	if (flag(argc, argv, "--help"))
		return usage("Usage : openccas serve [--db URL] [--listen HÔTE:PORT] [--threads N] [--insecure-cookies]\n"
		             "  --listen            adresse d’écoute (127.0.0.1:8080 par défaut ; port 0 : choisi par le système)\n"
		             "  --port-file F       écrire dans F le port effectivement ouvert (utile avec le port 0)\n"
		             "  --trusted-proxy L   mandataires inverses de confiance (« 127.0.0.1,10.0.0.0/8 ») : l’adresse du client est\n"
		             "                      lue dans leurs en-têtes Forwarded / X-Forwarded-For, jamais dans ceux des autres\n"
		             "  --threads           fils de traitement (par défaut deux par cœur, de 4 à 64)\n"
		             "  --insecure-cookies  cookies sans « Secure » (HTTP en clair, pour localhost)\n"
		             "  --sync normal|full  durabilité SQLite (full par défaut)\n"
		             "  --user COMPTE       lancé en root : le compte à prendre une fois le port ouvert (obligatoire)\n"
		             "  --seal-every S      sceller la tête du journal toutes les S secondes (600 par défaut) ; au même\n"
		             "                      rythme, les statistiques des tables qui ont grandi sont rafraîchies (SQLite)\n"
		             "S’arrête proprement sur SIGTERM ou SIGINT (les requêtes en cours se terminent).\n", 0);
	const char *as = opt(argc, argv, "--user");
	if (geteuid() == 0) {
		if (!as)
			return usage("openccas : refus de servir en tant que root. Indiquez le compte à prendre une fois le port ouvert,\n"
			             "par exemple --user openccas (ou --user nobody pour un essai).\n", EX_USAGE);
		struct passwd *pw = getpwnam(as);
		if (!pw || pw->pw_uid == 0)
			return usage("openccas : --user attend un compte existant autre que root\n", EX_USAGE);
		run_uid = pw->pw_uid;
		run_gid = pw->pw_gid;
		web_conf.after_listen = drop_privileges;
	}
	const char *listen = opt(argc, argv, "--listen"), *threads = opt(argc, argv, "--threads");
	/* Two threads per core: with more, the SQLite writer's lock holder waits
	 * for the processor behind readers (measured on 2 cores: 16 threads
	 * doubled p99 for the same throughput). */
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	web_conf.threads = cores < 2 ? 4 : cores > 32 ? 64 : (int)(2 * cores);
	if (listen) {
		static char host[64];
		const char *colon = strrchr(listen, ':');
		int64_t port;
		if (!colon || (size_t)(colon - listen) >= sizeof host || !text_to_int64(colon + 1, 0, 65535, &port))
			return usage("openccas : --listen attend HÔTE:PORT, par exemple 127.0.0.1:8080 (port 0 : le système en choisit un)\n",
			             EX_USAGE);
		memcpy(host, listen, (size_t)(colon - listen));
		host[colon - listen] = 0;
		web_conf.listen_host = host;
		web_conf.port = (int)port;
	}
	if (threads) {
		int64_t t;
		if (!text_to_int64(threads, 1, 256, &t))
			return usage("openccas : --threads attend un nombre entre 1 et 256\n", EX_USAGE);
		web_conf.threads = (int)t;
	}
	if (flag(argc, argv, "--insecure-cookies"))
		web_conf.secure_cookies = false;
	web_conf.port_file = opt(argc, argv, "--port-file");
	web_conf.trusted_proxies = opt(argc, argv, "--trusted-proxy");
	if (!web_trusted_proxies_parse(web_conf.trusted_proxies))
		return EX_USAGE;
	db *d = open_db(web_conf.threads + 2, true);
	if (!d)
		return EX_DB;
	serving_db = d;
	seal_now(); /* the head as it is when the server starts (and the seal file, before it is given away) */
	refresh_stats();
	if (web_conf.after_listen && (!give_files(opt_db, as) || !give_journal_files(as))) {
		db_close_all(d);
		return EX_DB;
	}
	const char *sync = opt(argc, argv, "--sync");
	if (sync && !strcmp(sync, "normal"))
		db_set_sync_full(d, false);
	const char *every = opt(argc, argv, "--seal-every");
	int64_t seal_s = 600;
	if (every && !text_to_int64(every, 1, 86400, &seal_s)) {
		db_close_all(d);
		return usage("openccas : --seal-every attend un nombre de secondes (1 à 86400)\n", EX_USAGE);
	}
	web_conf.periodic = housekeeping;
	web_conf.periodic_seconds = (int)seal_s;
	web_assets_init();
	if (journal_async_start(d) != E_OK)
		log_warn("serve: no writer for the journal's read entries: each read appends its own");
	if (persons_index_start(d) != E_OK)
		log_warn("serve: no search index in memory: the database answers every search");
	int rc = web_serve(d);
	persons_index_stop();
	journal_async_stop(); /* the read entries queued, written before the database closes */
	db_close_all(d);
	return rc;
}

int main(int argc, char **argv)
{
	/* Files this program creates (the SQLite database and its journal,
	 * exports, temporary spreadsheets) are readable by their owner only. */
	umask(077);
	/* Memory freed is kept for the next request: SQLite frees a
	 * connection's whole page cache each time another commits, and with
	 * glibc's default the heap was given back and grown again, fresh pages
	 * zeroed by the kernel (+17 % requests a second in the day at the
	 * counter, bench/RESULTS.md). Bounded: beyond 64 MiB free at the top
	 * of a heap it is returned; blocks of 4 MiB and more are mapped. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	if (!crypto_init()) {
		fprintf(stderr, "openccas : libsodium n’a pas pu s’initialiser\n");
		return EX_FAIL;
	}
	if (getenv("OPENCCAS_DB"))
		opt_db = getenv("OPENCCAS_DB");
	if (opt(argc, argv, "--db"))
		opt_db = opt(argc, argv, "--db");
	const char *kp = opt(argc, argv, "--journal-key") ? opt(argc, argv, "--journal-key") : getenv("OPENCCAS_JOURNAL_KEY");
	const char *sp = opt(argc, argv, "--journal-seals") ? opt(argc, argv, "--journal-seals") : getenv("OPENCCAS_JOURNAL_SEALS");
	if (kp)
		snprintf(key_path, sizeof key_path, "%s", kp);
	else
		journal_key_default_path(opt_db, key_path, sizeof key_path);
	if (sp)
		snprintf(seals_path, sizeof seals_path, "%s", sp);
	else
		journal_seals_default_path(opt_db, seals_path, sizeof seals_path);
	if (getenv("OPENCCAS_LOG") && !strcmp(getenv("OPENCCAS_LOG"), "debug"))
		log_set_level(LOG_DEBUG);
	const char *verb = argc > 1 ? argv[1] : "";
	if (!strcmp(verb, "routes"))
		return cmd_routes();
	if (!strcmp(verb, "version") || !strcmp(verb, "--version")) {
		printf("openccas " OPENCCAS_VERSION "\n");
		return 0;
	}
	if (!*verb || !strcmp(verb, "--help") || !strcmp(verb, "help"))
		return usage(usage_main, *verb ? 0 : EX_USAGE);
	modules_init();
	if (!strcmp(verb, "serve")) return cmd_serve(argc, argv);
	if (!strcmp(verb, "init")) return cmd_init(argc, argv);
	if (!strcmp(verb, "migrate")) return cmd_migrate(argc, argv);
	if (!strcmp(verb, "check")) return cmd_check(argc, argv);
	if (!strcmp(verb, "user")) return cmd_user(argc, argv);
	if (!strcmp(verb, "token")) return cmd_token(argc, argv);
	if (!strcmp(verb, "journal")) return cmd_journal(argc, argv);
	if (!strcmp(verb, "demo")) return cmd_demo(argc, argv);
	if (!strcmp(verb, "purge")) return cmd_purge(argc, argv);
	if (!strcmp(verb, "notify")) return cmd_notify(argc, argv);
	if (!strcmp(verb, "observation")) return cmd_observation(argc, argv);
	if (!strcmp(verb, "rules")) return cmd_rules(argc, argv);
	if (!strcmp(verb, "import")) return cmd_import(argc, argv);
	fprintf(stderr, "openccas : verbe inconnu « %s »\n\n", verb);
	return usage(usage_main, EX_USAGE);
}
