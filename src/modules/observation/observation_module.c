/* observation_module.c — the observation module's descriptor. */
#include "modules/observation/observation_internal.h"
#include "core/banned.h"

static void init(void)
{
	obs_pages_init();
	obs_abs_init();
}

static const module_perm perms[] = {
	{&PERM_OBS_READ, "observation.read", "Lire les chiffres de l’observation sociale et le rapport d’activité",
	 ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_COMMITTEE)},
	{&PERM_OBS_SETTINGS, "observation.settings", "Régler le secret statistique et le texte du rapport d’activité", ROLE_BIT(ROLE_MANAGER)},
};
static const module_nav nav[] = {{85, "Observation", "/observation", &PERM_OBS_READ, NULL}};
static const module_label labels[] = {{"observation", "chiffres de l’observation sociale"}, {"obs_settings", "réglages de l’observation"}, {"obs_population", "population de l’INSEE (millésime)"}};

const module observation_module = {
	.name = "observation",
	.schema = &observation_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.labels = labels,
	.nlabels = COUNTOF(labels),
};
