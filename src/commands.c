/*
 * commands.c — the verbs of the openccas command but serve (see cli.h and
 * « openccas VERBE --help »).
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
#include "cli.h"
#include "core/log.h"
#include "core/text.h"
#include "core/notify.h"
#include "modules/accounts/accounts.h"
#include "modules/aid/aid_rules.h"
#include "modules/demo/demo.h"
#include "modules/journal/journal.h"
#include "modules/modules.h"
#include "modules/observation/observation.h"
#include "modules/persons/persons.h"
#include "core/banned.h"

int cmd_init(int argc, char **argv)
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
	e = db_finish(c, e);
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

int cmd_migrate(int argc, char **argv)
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

int cmd_check(int argc, char **argv)
{
	if (flag(argc, argv, "--help"))
		return usage("Usage : openccas check [--db URL] [--recompter]\n"
		             "Indique les migrations en attente, vérifie le journal et recompte les parties des dossiers (ce que\n"
		             "la page d’un foyer lit avant ses sections). --recompter : les parties différentes sont réécrites\n"
		             "d’après le recomptage.\n", 0);
	key_may_create = false;
	db *d = open_db(1, false);
	if (!d)
		return EX_DB;
	int nmods = 0;
	const db_module_schema *mods = modules_schema_array(&nmods);
	int pending = 0, broken = 0;
	err e = db_pending(d, mods, nmods, &pending);
	printf("Migrations en attente : %d\n", pending);
	if (e == E_OK && !pending) {
		db_conn *c = db_conn_get(d);
		arena a;
		arena_init(&a, 0);
		int64_t *ids = NULL;
		int n = accounts_structure_ids(c, &a, &ids);
		e = n < 0 ? E_DB : journal_verify_all(c, ids, n, &broken);
		arena_release(&a);
		db_conn_put(c);
	}
	int64_t wrong = 0;
	bool recount = flag(argc, argv, "--recompter");
	if (e == E_OK && !pending) {
		e = persons_parts_check(d, recount, &wrong);
		if (e == E_OK && !wrong)
			printf("Parties des dossiers : conformes au recomptage\n");
		else if (e == E_OK)
			printf(recount ? "Parties des dossiers : %lld différaient du recomptage, réécrites\n"
			               : "Parties des dossiers : %lld diffèrent du recomptage (openccas check --recompter les réécrit)\n",
			       (long long)wrong);
	}
	db_close_all(d);
	return e != E_OK ? EX_FAIL : (pending || broken || (wrong && !recount)) ? EX_VERIFY : 0;
}

int cmd_user(int argc, char **argv)
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

int cmd_token(int argc, char **argv)
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

int cmd_journal(int argc, char **argv)
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
		int64_t *ids = NULL;
		int n = accounts_structure_ids(c, &a, &ids);
		e = n < 0 ? E_DB : journal_verify_all(c, ids, n, &broken);
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

int cmd_demo(int argc, char **argv)
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

int cmd_purge(int argc, char **argv)
{
	bool apply = flag(argc, argv, "--apply");
	if (flag(argc, argv, "--help") || apply == flag(argc, argv, "--dry-run"))
		return usage("Usage : openccas purge --dry-run | --apply [--db URL] [--date AAAA-MM-JJ]\n"
		             "Applique les durées de conservation de chaque structure (réglées dans « Conservation ») : archive\n"
		             "les dossiers sans contact depuis la durée active, anonymise ceux dont l’archive a expiré. --dry-run\n"
		             "compte seulement, --apply modifie (sans effet la seconde fois : à lancer chaque nuit). Efface aussi les\n"
		             "fichiers déposés pour un import (foyers, DomiFa) et laissés plus d’un jour sans confirmation.\n",
		             flag(argc, argv, "--help") ? 0 : EX_USAGE);
	civil_date today = civil_today("Europe/Paris");
	const char *ds = opt(argc, argv, "--date");
	if (ds && !civil_parse(ds, &today))
		return usage("openccas : --date attend AAAA-MM-JJ\n", EX_USAGE);
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	err e = persons_purge(d, today, apply, stdout);
	/* What each module keeps only for a while. */
	int64_t files = 0;
	for (int i = 0; e == E_OK && i < module_count(); i++)
		if (module_at(i)->purge) {
			int64_t n = 0;
			e = module_at(i)->purge(d, today, apply, &n);
			files += n;
		}
	if (e == E_OK)
		printf("%lld fichier(s) déposé(s) pour un import et jamais confirmé(s) depuis plus d’un jour %s\n", (long long)files,
		       apply ? "effacé(s)" : "à effacer (rien n’est modifié : --dry-run)");
	db_close_all(d);
	if (e != E_OK)
		fprintf(stderr, "openccas : la purge s’est arrêtée (%s) ; ce qui a été fait l’est par lots entiers\n", err_message(e));
	return e == E_OK ? 0 : EX_FAIL;
}

int cmd_observation(int argc, char **argv)
{
	if (flag(argc, argv, "--help"))
		return usage("Usage : openccas observation [--db URL] [--date AAAA-MM-JJ]\n"
		             "Calcule d’avance les chiffres de l’observation sociale de chaque structure : l’année en cours jusqu’à ce\n"
		             "jour et les six années d’avant. La page et le rapport annuel les lisent alors (en disant de quand ils\n"
		             "datent) au lieu de tout compter. À lancer chaque nuit (cron) ; « Recalculer » dans la page fait de même\n"
		             "pour une période.\n", 0);
	const char *ds = opt(argc, argv, "--date");
	civil_date t;
	if (ds && !civil_parse(ds, &t))
		return usage("openccas : --date attend AAAA-MM-JJ\n", EX_USAGE);
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	err e = obs_nightly(d, ds, stdout);
	db_close_all(d);
	if (e != E_OK)
		fprintf(stderr, "openccas : le calcul s’est arrêté (%s)\n", err_message(e));
	return e == E_OK ? 0 : EX_FAIL;
}

int cmd_notify(int argc, char **argv)
{
	if (flag(argc, argv, "--help"))
		return usage("Usage : openccas notify [--send] [--db URL]\n"
		             "Prévient une fois par jour les personnes domiciliées qui ont du courrier en attente (et celles dont la\n"
		             "domiciliation prend fin dans le mois), celles dont un dossier d’aide légale attend des pièces ou doit être\n"
		             "renouvelé, celles dont la demande de logement social est à renouveler dans le mois, si elles ont accepté\n"
		             "les SMS ou les e-mails, puis envoie les avis en\n"
		             "attente ; ceux qu’un serveur n’a pas pris sont réessayés au passage suivant (5 essais). Sans --send :\n"
		             "compte seulement. À lancer régulièrement (cron). Envoi : variables OPENCCAS_SMTP_* et OPENCCAS_SMS_*\n"
		             "(voir le README).\n", 0);
	const char *why = NULL;
	if (notify_configure_env(&why) != E_OK) {
		fprintf(stderr, "openccas : réglage d’envoi incorrect : %s\n", why);
		return EX_USAGE;
	}
	db *d = open_db(1, true);
	if (!d)
		return EX_DB;
	int64_t n = 0;
	bool send = flag(argc, argv, "--send");
	/* Every module that reminds people of something. */
	err e = E_OK;
	for (int i = 0; e == E_OK && i < module_count(); i++)
		if (module_at(i)->notify) {
			int64_t nm = 0;
			e = module_at(i)->notify(d, civil_today("Europe/Paris"), send, &nm);
			n += nm;
		}
	notice_counts k = {0};
	if (e == E_OK && send)
		e = persons_notices_deliver(d, &k);
	db_close_all(d);
	if (!send)
		printf("%lld avis à envoyer.\n", (long long)n);
	else
		printf("%lld avis préparé(s) ; %lld envoyé(s), %lld à réessayer, %lld non envoyé(s), %lld annulé(s).\n", (long long)n,
		       (long long)k.sent, (long long)k.retry, (long long)k.failed, (long long)k.cancelled);
	if (e != E_OK)
		fprintf(stderr, "openccas : l’envoi s’est arrêté (%s)\n", err_message(e));
	return e == E_OK ? 0 : EX_FAIL;
}

/* « head » with the count, the first n lines of all, « et N autre(s) » beyond, and what importing them would do. */
static void print_lines(const char *head, const char *what, long all, int n, const long *line)
{
	printf("%s : %ld %s, ligne(s) ", head, all, what);
	for (int i = 0; i < n; i++)
		printf("%s%ld", i ? ", " : "", line[i]);
	if (all > n)
		printf(" et %ld autre(s)", all - n);
	printf(" : l’import en ferait des doublons.\n");
}

/* A long import says where it is, on the standard error. */
static void import_progress(void *ctx, bool writing, long rows, long total)
{
	(void)ctx;
	if (writing)
		fprintf(stderr, "  %ld / %ld lignes écrites (%ld %%)…\n", rows, total, total ? rows * 100 / total : 0);
	else
		fprintf(stderr, "  %ld lignes vérifiées…\n", rows);
}

int cmd_import(int argc, char **argv)
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
		             "foyers sont écrits en une seule transaction, ou aucun (où il en est : toutes les 10 000 lignes, sur la sortie\n"
		             "d’erreur). --check vérifie seulement, et dit les personnes du fichier déjà enregistrées (même nom,\n"
		             "prénom et date de naissance), que l’import ferait en double.\n",
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
	persons_import_report rep = {.progress = import_progress};
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
	if (!flag(argc, argv, "--check") && rep.steps >= 0 && rep.rows > 0)
		log_info("import: %ld rows written in %lld steps of the database (%lld a row)", rep.rows, rep.steps,
		         rep.steps / rep.rows);
	printf("%s : %ld personne(s), %ld foyer(s) en %.1f s (%.0f lignes par seconde)\nColonnes lues : %s\n",
	       flag(argc, argv, "--check") ? "Fichier valide" : "Import terminé", rep.rows, rep.households, secs,
	       secs > 0 ? (double)rep.rows / secs : 0.0, rep.columns);
	if (rep.known)
		print_lines("Déjà enregistrées", "personne(s) du fichier (même nom, prénom et date de naissance)", rep.known, rep.nknown,
		            rep.known_line);
	if (rep.twice)
		print_lines("Plusieurs fois dans le fichier",
		            "ligne(s) dont la personne (même nom, prénom et date de naissance) est déjà sur une ligne au-dessus", rep.twice,
		            rep.ntwice, rep.twice_line);
	return 0;
}

int cmd_rules(int argc, char **argv)
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

int cmd_routes(void)
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
