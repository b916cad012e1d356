/*
 * xlsx_read.h — reads the first worksheet of an .xlsx file (a zip of XML)
 * into a csv_table of strings, so that imports accept what a tableur saves
 * as well as CSV. Bounded like the CSV reader: the zip directory, each
 * inflated member (64 MiB at most), the rows and columns are capped before
 * allocation; numbers come back as their text ("45321" for a date cell:
 * the importer converts spreadsheet day numbers).
 */
#ifndef CORE_XLSX_READ_H
#define CORE_XLSX_READ_H
#include "core/csv.h"

csv_status xlsx_read(arena *a, const unsigned char *data, size_t len, csv_table *out);
#endif
