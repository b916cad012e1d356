/* reception_module.c — the front desk as a module (see module.h). */
#include "modules/reception/reception_internal.h"
#include "core/banned.h"

#define STAFF (ROLE_BIT(ROLE_RECEPTION) | ROLE_BIT(ROLE_SOCIAL_WORKER) | ROLE_BIT(ROLE_CASE_OFFICER) | ROLE_BIT(ROLE_MANAGER))

static const module_perm perms[] = {
	{&PERM_RECEPTION, "reception.desk", "Accueil : contacts, file d’attente, rendez-vous", STAFF},
	{&PERM_RECEPTION_ADMIN, "reception.admin", "Gérer les motifs de contact et l’annuaire des partenaires",
	 ROLE_BIT(ROLE_MANAGER) | ROLE_BIT(ROLE_ADMIN)},
};
static const module_nav nav[] = {
	{5, "Accueil du public", "/accueil", &PERM_RECEPTION, NULL},
	{20, "Rendez-vous", "/rendez-vous", &PERM_RECEPTION, NULL},
	{80, "Partenaires", "/partenaires", &PERM_RECEPTION, NULL},
	{92, "Motifs", "/admin/motifs", &PERM_RECEPTION_ADMIN, NULL},
};
static const module_section sections[] = {
	{10, "Contacts", rc_section_contacts, &PERM_RECEPTION, "#contact", "Enregistrer un contact"},
	{20, "Rendez-vous", rc_section_appointments, &PERM_RECEPTION, NULL, NULL},
};
static const module_widget widgets[] = {
	{10, rc_home_appointments, &PERM_RECEPTION},
	{20, rc_home_quick_contact, &PERM_RECEPTION},
};
static const module_label labels[] = {
	{"contact", "contact"}, {"appointment", "rendez-vous"}, {"appointments", "rendez-vous"}, {"queue", "file d’attente"},
	{"partner", "partenaire"}, {"motive", "motif de contact"},
};
static const code timeline[] = {
	{"contact", "Contacts"}, {"appointment", "Rendez-vous"},
};

static void init(void)
{
	reception_pages_routes();
	reception_api_routes();
}

const module reception_module = {
	.name = "reception",
	.schema = &reception_schema,
	.perms = perms,
	.nperms = COUNTOF(perms),
	.init = init,
	.nav = nav,
	.nnav = COUNTOF(nav),
	.sections = sections,
	.nsections = COUNTOF(sections),
	.widgets = widgets,
	.nwidgets = COUNTOF(widgets),
	.subject_key = "contacts",
	.subject = rc_subject,
	.anonymise = rc_anonymise,
	.demo = rc_demo,
	.labels = labels,
	.nlabels = COUNTOF(labels),
	.timeline = timeline,
	.ntimeline = COUNTOF(timeline),
};
