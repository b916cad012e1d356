/*
 * domiciliation_import.h — shared by the two files of the import only:
 * domiciliation_import_read.c (which column holds what, and each row read
 * and checked as DomiFa would) and domiciliation_import.c (the walk over
 * the file, the preview, the confirmation, the pages and the API).
 */
#ifndef MODULES_DOMICILIATION_IMPORT_H
#define MODULES_DOMICILIATION_IMPORT_H
#include "core/keyset.h"
#include "core/sheet.h"
#include "modules/domiciliation/domiciliation_domifa.h"
#include "modules/domiciliation/domiciliation_internal.h"

#define IMPORT_MAX_ROWS 200000
#define IMPORT_MAX_COLS 99        /* DomiFa reads 99 columns; beyond is ignored */

enum { DEP_NOM, DEP_PRENOM, DEP_DATE, DEP_LIEN, DEP_SEXE, DEP__N };
static const char *const DEP_LABEL[DEP__N] = {"Nom", "Prénom", "Date de naissance", "Lien de parenté", "Sexe"};

typedef struct layout {
	int col[DF__N];
	int (*dep)[DEP__N];          /* dependants' blocks: as many as the titles say */
	int ndeps;
	const char *how;             /* French: how the columns were recognised */
	int nignored;
	int *ignored;                /* header columns not read */
	const char **ignored_title;
	bool bad;
	const char *why;
	bool seen_header;
	int header_cells;
	const char **titles;         /* the header's cells (for messages) */
} layout;



typedef struct problem {
	int col;                 /* 0-based column, -1 when it is the row */
	const char *label, *value, *message;
} problem;

typedef struct answer { const char *key, *value; } answer;

typedef struct imported {
	long row;
	person_new ap, *deps;         /* as many as the blocks */
	int ndeps;
	const char *status, *requested, *interview_on, *interview_place, *link, *htype, *cause, *reason, *first, *start, *end,
		*decided, *refusal, *orientation, *struck, *strike, *last_contact, *ref, *alias, *dom_type;
	answer answers[24];
	int nanswers;
	problem *errors, *warnings;
	int nerrors, nwarnings, caperr, capwarn;
	/* matching */
	int64_t match_pid, match_hid;
	bool in_file_twice;
} imported;

typedef struct ctx {
	web_req *r;                  /* NULL on the command line */
	db_conn *c;
	arena *keep;                 /* what outlives the rows (summary) */
	layout l;
	civil_date today;
	const char *today_iso, *tomorrow_iso, *next_year_iso;
	int64_t user_id;
	bool write, accept_refused;
	const char *file_name;
	/* figures */
	long rows, ready, refused, matched, warned, written, dependants;
	/* shown on the page, and the report */
	int nshown_err, nshown_warn;
	buf page_err, page_warn;
	buf *report;                 /* CSV, every row (NULL when not asked) */
	json_t *api;                 /* errors for the API (NULL when not asked) */
	/* people seen in the file (name + birth date), to count a second row of
	 * the same person as what it will be: attached to the first */
	keyset seen;
	struct dimp_out *out;        /* the confirmation's writer (domiciliation_import.c) */
	err e;
	const char *fail;
	bool stop;
} ctx;

/* The columns from the header row (by position for DomiFa's template, by
 * titles otherwise); l->bad with l->why when the file cannot be read. */
void dimp_layout_from_header(arena *a, const sheet_row *h, layout *l);
/* One row read and checked: m says what it holds, its errors and warnings. */
void dimp_parse_row(ctx *x, arena *a, const sheet_row *r, imported *m);
#endif
