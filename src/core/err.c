/* err.c — names, statuses and French messages of the error codes. */
#include "err.h"
#include "banned.h"

static const struct {
	const char *code;
	int status;
	const char *fr;
} table[E__MAX] = {
	[E_OK] = {"ok", 200, "C’est fait."},
	[E_INPUT] = {"invalid_input", 400, "Certaines informations saisies ne sont pas valides. Corrigez les champs signalés."},
	[E_NOT_FOUND] = {"not_found", 404, "Cette page ou cette fiche n’existe pas, ou vous n’y avez pas accès."},
	[E_FORBIDDEN] = {"forbidden", 403, "Votre rôle ne permet pas cette action."},
	[E_AUTH] = {"unauthenticated", 401, "Identifiez-vous pour continuer."},
	[E_CSRF] = {"csrf", 403, "Le formulaire a expiré ou ne vient pas de cette application. Rechargez la page et recommencez."},
	[E_AUTH_CODE_NEEDED] = {"auth_code_needed", 401, "La double authentification est activée pour ce compte : saisissez aussi le code à 6 chiffres de votre application."},
	[E_AUTH_CODE] = {"auth_code", 401, "Code de vérification incorrect ou déjà utilisé : saisissez le code affiché maintenant."},
	[E_THROTTLED] = {"throttled", 429, "Trop de tentatives. Patientez quelques minutes avant de réessayer."},
	[E_CONFLICT] = {"conflict", 409, "Cette fiche a été modifiée entre-temps, ou existe déjà. Rechargez-la avant de recommencer."},
	[E_TOO_LARGE] = {"too_large", 413, "Ce que vous avez envoyé est trop volumineux."},
	[E_METHOD] = {"method_not_allowed", 405, "Cette action n’est pas possible à cette adresse."},
	[E_DB] = {"database", 500, "La base de données n’a pas pu enregistrer l’opération. Rien n’a été modifié ; réessayez."},
	[E_NOMEM] = {"no_memory", 503, "Le serveur est surchargé. Rien n’a été modifié ; réessayez dans un instant."},
	[E_INTERNAL] = {"internal", 500, "Une erreur interne est survenue. Rien n’a été modifié ; réessayez ou prévenez l’administrateur."},
	[E_UNAVAILABLE] = {"unavailable", 503, "Le service redémarre. Réessayez dans un instant."},
	[E_UNSURE] = {"not_durable", 500, "L’opération a été écrite, mais le disque n’a pas confirmé qu’il la garde : le serveur "
	                                  "doit être redémarré (prévenez l’administrateur). Après le redémarrage, vérifiez la fiche "
	                                  "avant de recommencer."},
	[E_WRITTEN] = {"written", 500, "L’opération a été enregistrée, mais la page qui suit n’a pas pu être construite. "
	                               "Vérifiez la fiche avant de recommencer."},
};

const char *err_code(err e) { return e < E__MAX ? table[e].code : "internal"; }
const char *err_message(err e) { return e < E__MAX ? table[e].fr : table[E_INTERNAL].fr; }
int err_http_status(err e) { return e < E__MAX ? table[e].status : 500; }
