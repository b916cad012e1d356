/*
 * main.c — the openccas command: parse argv, open the database, call one
 * module. Exit codes: 0 success, 1 operation failed, 2 usage error,
 * 3 cannot open or migrate the database, 4 not found, 5 verification failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>
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

#define EX_FAIL 1
#define EX_USAGE 2
#define EX_DB 3
#define EX_NOTFOUND 4
#define EX_VERIFY 5

static const char *opt_db = "sqlite:data/ccas.db";
/* The journal's key and seal files (journal.h): --journal-key and
 * --journal-seals, or OPENCCAS_JOURNAL_KEY / OPENCCAS_JOURNAL_SEALS, or
 * beside a SQLite database. */
static char key_path[4096], seals_path[4096];
/* Verbs that only read (check, journal verify) never create the key. */
static bool key_may_create = true;

static const char *usage_main =
	"Usage : openccas VERBE [options]\n\n"
	"Verbes :\n"
	"  serve     servir l’application web et l’API JSON\n"
	"  init      créer (ou migrer) la base, la structure et son premier administrateur\n"
	"  migrate   appliquer les migrations de schéma en attente\n"
	"  check     vérifier la base (migrations en attente, journal)\n"
	"  user      gérer les comptes : user add | disable | enable | list\n"
	"  token     jetons d’API : token create --user EMAIL | token list | token revoke N\n"
	"  journal   journal des accès : journal verify [--seals F] | journal seal\n"
	"  demo      créer des données de démonstration réalistes et reproductibles\n"
	"  purge     appliquer les durées de conservation : purge --dry-run | --apply\n"
	"  notify    prévenir du courrier en attente (SMS, e-mail, avec consentement) : notify --send\n"
	"  rules     vérifier un règlement des aides facultatives : rules check FICHIER\n"
	"  import    importer des personnes d’un classeur ou d’un CSV : import personnes --user EMAIL FICHIER\n"
	"  routes    lister les routes HTTP\n"
	"  version   afficher la version\n\n"
	"Options communes : --db URL (sqlite:CHEMIN, par défaut sqlite:data/ccas.db, ou postgresql://…) ;\n"
	"  --journal-key F (clé du journal des accès, hors de la base : à côté d’une base SQLite, ./journal-key\n"
	"  pour PostgreSQL, la même pour tous les serveurs) ; --journal-seals F (sceaux du journal).\n"
	"Les variables OPENCCAS_DB, OPENCCAS_JOURNAL_KEY et OPENCCAS_JOURNAL_SEALS remplacent les valeurs par défaut.\n"
	"« openccas VERBE --help » détaille chaque verbe.\n";

static int usage(const char *text, int code)
{
	fputs(text, code ? stderr : stdout);
	return code;
}

/* Finds "--name value" or "--name=value" in argv; NULL if absent. */
static const char *opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], name, n) && argv[i][n] == '=')
			return argv[i] + n + 1;
		if (!strcmp(argv[i], name) && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

static bool flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

static db *open_db(int threads, bool migrate)
{
	const char *why;
	db *d = db_open(opt_db, threads, &why);
	if (!d) {
		fprintf(stderr, "openccas : %s (%s)\n", why, opt_db);
		return NULL;
	}
	if (migrate) {
		const db_module_schema *mods = modules_schema_array();
		int applied = 0;
		if (db_migrate(d, mods, modules_nschemas, &applied) != E_OK) {
			fprintf(stderr, "openccas : la migration du schéma a échoué (voir le journal ci-dessus)\n");
			db_close_all(d);
			return NULL;
		}
		if (applied)
			log_info("%d migration(s) appliquée(s)", applied);
	}
	const char *kwhy = NULL;
	if (journal_key_open(d, key_path, key_may_create && migrate, &kwhy) != E_OK) {
		fprintf(stderr, "openccas : %s (%s)\n", kwhy ? kwhy : "clé du journal inutilisable", key_path);
		db_close_all(d);
		return NULL;
	}
	return d;
}

/* Password from --password-file, OPENCCAS_PASSWORD, or a prompt; never argv. */
static char *read_password(int argc, char **argv, char *pwbuf, size_t len)
{
	const char *file = opt(argc, argv, "--password-file");
	if (file) {
		FILE *f = fopen(file, "r");
		if (!f || !fgets(pwbuf, (int)len, f)) {
			fprintf(stderr, "openccas : impossible de lire %s\n", file);
			if (f)
				fclose(f);
			return NULL;
		}
		fclose(f);
	} else if (getenv("OPENCCAS_PASSWORD")) {
		snprintf(pwbuf, len, "%s", getenv("OPENCCAS_PASSWORD"));
	} else {
		if (!isatty(0)) {
			fprintf(stderr, "openccas : mot de passe attendu (--password-file, OPENCCAS_PASSWORD ou saisie au terminal)\n");
			return NULL;
		}
		struct termios old, quiet;
		fprintf(stderr, "Mot de passe (12 caractères au moins) : ");
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &quiet);
		char *ok = fgets(pwbuf, (int)len, stdin);
		tcsetattr(0, TCSANOW, &old);
		fprintf(stderr, "\n");
		if (!ok)
			return NULL;
	}
	pwbuf[strcspn(pwbuf, "\r\n")] = 0;
	if (strlen(pwbuf) < ACCOUNTS_MIN_PASSWORD) {
		fprintf(stderr, "openccas : le mot de passe doit compter au moins 12 caractères\n");
		return NULL;
	}
	return pwbuf;
}

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
		             "  --seal-every S      sceller la tête du journal toutes les S secondes (600 par défaut)\n"
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
	web_conf.periodic = seal_now;
	web_conf.periodic_seconds = (int)seal_s;
	web_assets_init();
	int rc = web_serve(d);
	db_close_all(d);
	return rc;
}

static int cmd_init(int argc, char **argv)
{
	const char *name = opt(argc, argv, "--structure"), *admin = opt(argc, argv, "--admin");
	const char *admin_name = opt(argc, argv, "--admin-name");
	if (flag(argc, argv, "--help") || !name || !admin)
		return usage("Usage : openccas init --db URL --structure \"CCAS de …\" --admin EMAIL [--admin-name NOM]\n"
		             "          [--password-file FICHIER]\n"
		             "Crée ou migre le schéma, la structure et son premier administrateur.\n"
		             "Le mot de passe est lu dans --password-file, dans OPENCCAS_PASSWORD, ou au terminal.\n",
		             flag(argc, argv, "--help") ? 0 : EX_USAGE);
	if (!text_email_valid(admin))
		return usage("openccas : adresse e-mail de l’administrateur invalide\n", EX_USAGE);
	char pw[256];
	if (!read_password(argc, argv, pw, sizeof pw))
		return EX_USAGE;
	db *d = open_db(2, true);
	if (!d)
		return EX_DB;
	db_conn *c = db_conn_get(d);
	int64_t sid = 0, uid = 0;
	err e = db_begin(c, true);
	if (e == E_OK)
		e = accounts_structure_create(c, name, &sid);
	if (e == E_OK)
		e = accounts_user_create(c, sid, admin, admin_name ? admin_name : "Administrateur", pw, ROLE_ADMIN, &uid);
	e = e == E_OK ? db_commit(c) : (db_rollback(c), e);
	db_conn_put(c);
	db_close_all(d);
	if (e == E_CONFLICT) {
		fprintf(stderr, "openccas : un compte existe déjà avec l’adresse %s\n", admin);
		return EX_FAIL;
	}
	if (e != E_OK) {
		fprintf(stderr, "openccas : %s\n", err_message(e));
		return EX_FAIL;
	}
	printf("Structure n° %lld créée, administrateur n° %lld.\n", (long long)sid, (long long)uid);
	return 0;
}

static int cmd_migrate(int argc, char **argv)
{
	if (flag(argc, argv, "--help"))
		return usage("Usage : openccas migrate [--db URL]\nApplique les migrations en attente (aussi fait au démarrage de serve).\n", 0);
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	db_close_all(d);
	printf("Schéma à jour.\n");
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	if (flag(argc, argv, "--help"))
		return usage("Usage : openccas check [--db URL]\nIndique les migrations en attente et vérifie le journal.\n", 0);
	key_may_create = false;
	db *d = open_db(1, false);
	if (!d)
		return EX_DB;
	const db_module_schema *mods = modules_schema_array();
	int pending = 0, broken = 0;
	err e = db_pending(d, mods, modules_nschemas, &pending);
	printf("Migrations en attente : %d\n", pending);
	if (e == E_OK && !pending) {
		db_conn *c = db_conn_get(d);
		arena a;
		arena_init(&a, 0);
		e = journal_verify_all(c, &a, &broken);
		arena_release(&a);
		db_conn_put(c);
	}
	db_close_all(d);
	return e != E_OK ? EX_FAIL : (pending || broken) ? EX_VERIFY : 0;
}

static int cmd_user(int argc, char **argv)
{
	const char *sub = argc > 2 ? argv[2] : "";
	if (flag(argc, argv, "--help") || !*sub)
		return usage("Usage : openccas user add --email EMAIL --name NOM --role RÔLE [--structure ID] [--password-file F]\n"
		             "        openccas user disable --email EMAIL\n"
		             "        openccas user enable --email EMAIL\n"
		             "        openccas user list\n"
		             "Rôles : accueil, travailleur_social, instructeur, responsable, commission, dpo, administrateur\n",
		             flag(argc, argv, "--help") ? 0 : EX_USAGE);
	if (!strcmp(sub, "list")) {
		db *d = open_db(1, true);
		if (!d)
			return EX_DB;
		db_conn *c = db_conn_get(d);
		err e = accounts_user_list(c);
		db_conn_put(c);
		db_close_all(d);
		return e == E_OK ? 0 : EX_FAIL;
	}
	const char *email = opt(argc, argv, "--email");
	if (!email || !text_email_valid(email))
		return usage("openccas : --email EMAIL valide requis\n", EX_USAGE);
	if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
		db *d = open_db(1, true);
		if (!d)
			return EX_DB;
		db_conn *c = db_conn_get(d);
		err e = accounts_user_set_active(c, email, !strcmp(sub, "enable"));
		db_conn_put(c);
		db_close_all(d);
		if (e == E_NOT_FOUND) {
			fprintf(stderr, "openccas : aucun compte avec cette adresse\n");
			return EX_NOTFOUND;
		}
		if (e == E_OK)
			printf("Compte %s.\n", !strcmp(sub, "enable") ? "réactivé" : "désactivé");
		return e == E_OK ? 0 : EX_FAIL;
	}
	if (strcmp(sub, "add"))
		return usage("openccas : sous-commande inconnue (add, disable, enable, list)\n", EX_USAGE);
	const char *name = opt(argc, argv, "--name"), *rs = opt(argc, argv, "--role"), *ss = opt(argc, argv, "--structure");
	role ro = role_from_key(rs);
	if (!name || ro == ROLE_NONE)
		return usage("openccas : --name et --role (accueil, travailleur_social, …) requis\n", EX_USAGE);
	int64_t sid = 0;
	if (ss && !text_to_int64(ss, 1, INT64_MAX, &sid))
		return usage("openccas : --structure attend un numéro\n", EX_USAGE);
	char pw[256];
	if (!read_password(argc, argv, pw, sizeof pw))
		return EX_USAGE;
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	db_conn *c = db_conn_get(d);
	if (!sid)
		accounts_structure_first(c, &sid);
	int64_t uid = 0;
	err e = sid ? accounts_user_create(c, sid, email, name, pw, ro, &uid) : E_NOT_FOUND;
	db_conn_put(c);
	db_close_all(d);
	if (e == E_OK)
		printf("Utilisateur n° %lld créé.\n", (long long)uid);
	else
		fprintf(stderr, "openccas : %s\n", e == E_CONFLICT ? "ce compte existe déjà" :
		                                   e == E_NOT_FOUND ? "aucune structure : lancez d’abord openccas init" : err_message(e));
	return e == E_OK ? 0 : e == E_NOT_FOUND ? EX_NOTFOUND : EX_FAIL;
}

static int cmd_token(int argc, char **argv)
{
	static const char *help =
		"Usage : openccas token create --user EMAIL [--structure ID] [--label TEXTE] [--days N] [--service]\n"
		"        openccas token list\n"
		"        openccas token revoke N\n"
		"create affiche une fois un jeton d’API (en-tête « Authorization: Bearer JETON »). Il expire après --days jours\n"
		"(1 à 730 ; par défaut la durée de la structure, 90 jours). --service : jeton d’un compte de service (un programme),\n"
		"seul permis aux rôles tenus à la double authentification. Un jeton est révoqué quand son propriétaire change de\n"
		"mot de passe ou est désactivé. list : tous les jetons ; revoke : révoquer le jeton n° N.\n";
	const char *sub = argc >= 3 ? argv[2] : "";
	if (flag(argc, argv, "--help"))
		return usage(help, 0);
	if (!strcmp(sub, "list") || !strcmp(sub, "revoke")) {
		int64_t id = 0;
		if (!strcmp(sub, "revoke") && (argc < 4 || !text_to_int64(argv[3], 1, INT64_MAX, &id)))
			return usage("openccas : token revoke attend le numéro du jeton (voir token list)\n", EX_USAGE);
		db *d = open_db(1, true);
		if (!d)
			return EX_DB;
		db_conn *c = db_conn_get(d);
		err e = id ? accounts_token_revoke(c, 0, id, 0) : accounts_tokens_print(c);
		db_conn_put(c);
		db_close_all(d);
		if (e != E_OK) {
			fprintf(stderr, "openccas : %s\n", e == E_NOT_FOUND ? "jeton inconnu" : err_message(e));
			return e == E_NOT_FOUND ? EX_NOTFOUND : EX_FAIL;
		}
		if (id)
			printf("Jeton n° %lld révoqué.\n", (long long)id);
		return 0;
	}
	const char *email = opt(argc, argv, "--user"), *ss = opt(argc, argv, "--structure"), *ds = opt(argc, argv, "--days");
	if (strcmp(sub, "create") || !email)
		return usage(help, EX_USAGE);
	int64_t sid = 0, days = 0;
	if (ss && !text_to_int64(ss, 1, INT64_MAX, &sid))
		return usage("openccas : --structure attend un numéro\n", EX_USAGE);
	if (ds && !text_to_int64(ds, 1, 730, &days))
		return usage("openccas : --days attend un nombre de jours entre 1 et 730\n", EX_USAGE);
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	db_conn *c = db_conn_get(d);
	char tok[64];
	err e = accounts_token_create(c, email, sid, opt(argc, argv, "--label"), (int)days, flag(argc, argv, "--service"), 0, tok, NULL);
	db_conn_put(c);
	db_close_all(d);
	if (e != E_OK) {
		fprintf(stderr, "openccas : %s\n", e == E_NOT_FOUND ? "utilisateur inconnu" :
		                                   e == E_FORBIDDEN ? "l’utilisateur n’est pas membre actif de cette structure" : err_message(e));
		return e == E_NOT_FOUND ? EX_NOTFOUND : EX_FAIL;
	}
	printf("%s\n", tok);
	return 0;
}

static int cmd_journal(int argc, char **argv)
{
	const char *sub = argc >= 3 ? argv[2] : "";
	if (flag(argc, argv, "--help") || (strcmp(sub, "verify") && strcmp(sub, "seal")))
		return usage("Usage : openccas journal verify [--db URL] [--seals FICHIER]\n"
		             "        openccas journal seal [--db URL]\n"
		             "verify recalcule la chaîne de chaque structure avec la clé du journal (--journal-key) ; avec --seals,\n"
		             "compare aussi la base aux sceaux (entrées disparues, copie ancienne restaurée) ; code 5 si quelque chose\n"
		             "ne va pas. seal ajoute au fichier de sceaux (--journal-seals) la tête de chaque chaîne qui a bougé.\n",
		             flag(argc, argv, "--help") ? 0 : EX_USAGE);
	bool verify = !strcmp(sub, "verify");
	key_may_create = false;
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	db_conn *c = db_conn_get(d);
	arena a;
	arena_init(&a, 0);
	int broken = 0, problems = 0, written = 0;
	err e;
	if (verify) {
		e = journal_verify_all(c, &a, &broken);
		const char *seals = opt(argc, argv, "--seals");
		if (e == E_OK && seals) {
			e = journal_seals_verify(c, seals, &problems);
			if (e == E_NOT_FOUND)
				e = E_OK;
		}
	} else {
		e = journal_seal(c, seals_path, &written);
		if (e == E_OK)
			printf("%d sceau(x) ajouté(s) à %s\n", written, seals_path);
	}
	arena_release(&a);
	db_conn_put(c);
	db_close_all(d);
	if (e != E_OK)
		return EX_FAIL;
	return broken || problems ? EX_VERIFY : 0;
}

static int cmd_demo(int argc, char **argv)
{
	const char *hs = opt(argc, argv, "--households"), *ss = opt(argc, argv, "--seed");
	if (flag(argc, argv, "--help"))
		return usage("Usage : openccas demo [--db URL] [--households N] [--seed S]\n"
		             "Crée une structure de démonstration, un compte par rôle (mot de passe : "
		             DEMO_PASSWORD ") et des données synthétiques reproductibles.\n", 0);
	int64_t n = 200, seed = 1;
	if ((hs && !text_to_int64(hs, 0, 10000000, &n)) || (ss && !text_to_int64(ss, 0, INT64_MAX, &seed)))
		return usage("openccas : --households et --seed attendent des nombres\n", EX_USAGE);
	db *d = open_db(2, true);
	if (!d)
		return EX_DB;
	db_set_sync_full(d, false);
	err e = demo_build(d, n, (uint64_t)seed);
	db_close_all(d);
	return e == E_OK ? 0 : EX_FAIL;
}

static int cmd_purge(int argc, char **argv)
{
	bool apply = flag(argc, argv, "--apply");
	if (flag(argc, argv, "--help") || apply == flag(argc, argv, "--dry-run"))
		return usage("Usage : openccas purge --dry-run | --apply [--db URL] [--date AAAA-MM-JJ]\n"
		             "Applique les durées de conservation de chaque structure (réglées dans « Conservation ») : archive\n"
		             "les dossiers sans contact depuis la durée active, anonymise ceux dont l’archive a expiré. --dry-run\n"
		             "compte seulement, --apply modifie (sans effet la seconde fois : à lancer chaque nuit).\n",
		             flag(argc, argv, "--help") ? 0 : EX_USAGE);
	civil_date today = civil_today("Europe/Paris");
	const char *ds = opt(argc, argv, "--date");
	if (ds && !civil_parse(ds, &today))
		return usage("openccas : --date attend AAAA-MM-JJ\n", EX_USAGE);
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	err e = persons_purge(d, today, apply, stdout);
	db_close_all(d);
	if (e != E_OK)
		fprintf(stderr, "openccas : la purge s’est arrêtée (%s) ; ce qui a été fait l’est par lots entiers\n", err_message(e));
	return e == E_OK ? 0 : EX_FAIL;
}

static int cmd_notify(int argc, char **argv)
{
	if (flag(argc, argv, "--help"))
		return usage("Usage : openccas notify [--send] [--db URL]\n"
		             "Prévient une fois par jour les personnes domiciliées qui ont du courrier en attente et qui ont\n"
		             "accepté les SMS ou les e-mails. Sans --send : compte seulement. À lancer chaque jour (cron).\n", 0);
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	int64_t n = 0;
	bool send = flag(argc, argv, "--send");
	err e = domiciliation_notify(d, civil_today("Europe/Paris"), send, &n);
	db_close_all(d);
	printf("%lld notification(s) %s.\n", (long long)n, send ? "envoyée(s)" : "à envoyer");
	return e == E_OK ? 0 : EX_FAIL;
}

static int cmd_import(int argc, char **argv)
{
	const char *email = opt(argc, argv, "--user"), *ss = opt(argc, argv, "--structure");
	const char *file = argc > 2 ? argv[argc - 1] : NULL;
	if (flag(argc, argv, "--help") || argc < 4 || strcmp(argv[2], "personnes") || !email || !file || file[0] == '-')
		return usage("Usage : openccas import personnes --user EMAIL [--structure ID] [--check] FICHIER\n"
		             "Importe des personnes d’un classeur XLSX ou d’un CSV (UTF-8 ou Windows-1252, séparateur ; , ou tabulation),\n"
		             "une ligne chacune, regroupées en foyers par la colonne\n"
		             "« foyer » (lignes consécutives ; la première est le demandeur). Colonnes reconnues : foyer, lien, nom,\n"
		             "nom_naissance, prenoms, sexe, date_naissance, lieu_naissance, telephone, email, numero, voie,\n"
		             "code_postal, commune. Dates AAAA-MM-JJ ou JJ/MM/AAAA. Tout le fichier est vérifié d’abord : une ligne\n"
		             "refusée et rien n’est écrit (code 5, les 20 premières erreurs avec leur ligne du tableur) ; puis tous les\n"
		             "foyers sont écrits en une seule transaction, ou aucun. --check vérifie seulement.\n",
		             flag(argc, argv, "--help") ? 0 : EX_USAGE);
	int64_t sid = 0, uid = 0;
	if (ss && !text_to_int64(ss, 1, INT64_MAX, &sid))
		return usage("openccas : --structure attend un numéro\n", EX_USAGE);
	db *d = open_db(2, true);
	if (!d)
		return EX_DB;
	db_conn *c = db_conn_get(d);
	err e = c ? accounts_member_find(c, email, &sid, &uid) : E_DB;
	db_conn_put(c);
	if (e != E_OK) {
		fprintf(stderr, "openccas : %s\n", e == E_NOT_FOUND ? "utilisateur inconnu" : e == E_FORBIDDEN ? "l’utilisateur n’est pas membre actif de cette structure" : err_message(e));
		db_close_all(d);
		return e == E_DB ? EX_DB : EX_NOTFOUND;
	}
	persons_import_report rep;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	e = persons_import_csv(d, sid, uid, file, flag(argc, argv, "--check"), &rep);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (e == E_OK && !flag(argc, argv, "--check"))
		db_analyze(d);
	db_close_all(d);
	if (e == E_NOT_FOUND) {
		fprintf(stderr, "openccas : impossible de lire %s\n", file);
		return EX_NOTFOUND;
	}
	if (e == E_INPUT) {
		fprintf(stderr, "openccas : %ld ligne(s) refusée(s), rien n’a été importé\n", rep.refused);
		for (int i = 0; i < rep.nerr; i++)
			fprintf(stderr, "  ligne %ld : %s\n", rep.err_line[i], rep.err_msg[i]);
		if (rep.refused > rep.nerr)
			fprintf(stderr, "  … et %ld autre(s) : corrigez celles-ci et vérifiez à nouveau (--check)\n", rep.refused - rep.nerr);
		return EX_VERIFY;
	}
	if (e != E_OK) {
		fprintf(stderr, "openccas : l’import a échoué (%s) : rien n’a été écrit\n", err_message(e));
		return EX_DB;
	}
	printf("%s : %ld personne(s), %ld foyer(s) en %.1f s (%.0f lignes par seconde)\n",
	       flag(argc, argv, "--check") ? "Fichier valide" : "Import terminé", rep.rows, rep.households, secs,
	       secs > 0 ? (double)rep.rows / secs : 0.0);
	return 0;
}

static int cmd_rules(int argc, char **argv)
{
	if (flag(argc, argv, "--help") || argc < 4 || strcmp(argv[2], "check"))
		return usage("Usage : openccas rules check FICHIER\n"
		             "Vérifie un règlement des aides facultatives (texte UTF-8) et indique chaque erreur avec son numéro\n"
		             "de ligne. Code 0 si le règlement est valide, 5 sinon. Exemple : docs/reglement-exemple.txt\n",
		             flag(argc, argv, "--help") ? 0 : EX_USAGE);
	FILE *f = fopen(argv[3], "rb");
	if (!f) {
		fprintf(stderr, "openccas : impossible de lire %s\n", argv[3]);
		return EX_NOTFOUND;
	}
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof text - 1, f);
	bool too_big = !feof(f);
	fclose(f);
	if (too_big) {
		fprintf(stderr, "openccas : règlement trop long (1 Mo au plus)\n");
		return EX_USAGE;
	}
	text[n] = 0;
	arena a;
	arena_init(&a, 0);
	aid_rulebook rb;
	aid_error errs[100];
	int ne = 0;
	bool ok = aid_rules_parse(&a, text, &rb, errs, 100, &ne);
	if (ok) {
		printf("Règlement valide : version %s, en vigueur le %s, %d aide%s.\n", rb.version ? rb.version : "?", rb.effective,
		       rb.naids, rb.naids > 1 ? "s" : "");
		for (int i = 0; i < rb.naids; i++)
			printf("  %-20s %s\n", rb.aids[i].key, rb.aids[i].label);
	} else {
		for (int i = 0; i < ne && i < 100; i++)
			printf("%s:%d: %s\n", argv[3], errs[i].line, errs[i].message);
		printf("%d erreur%s : le règlement n’est pas utilisable.\n", ne, ne > 1 ? "s" : "");
	}
	arena_release(&a);
	return ok ? 0 : EX_VERIFY;
}

static int cmd_routes(void)
{
	modules_init();
	for (int i = 0; i < web_route_count(); i++) {
		const web_route_def *r = web_route_at(i);
		const char *ms[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
		for (int k = 0; k < 5; k++)
			if (r->methods & (1 << k))
				printf("%-6s %-40s %s\n", ms[k], r->pattern, r->summary ? r->summary : "");
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* Files this program creates (the SQLite database and its journal,
	 * exports, temporary spreadsheets) are readable by their owner only. */
	umask(077);
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
	if (!strcmp(verb, "rules")) return cmd_rules(argc, argv);
	if (!strcmp(verb, "import")) return cmd_import(argc, argv);
	fprintf(stderr, "openccas : verbe inconnu « %s »\n\n", verb);
	return usage(usage_main, EX_USAGE);
}
