/* The catalogue: every kernel of this executable and every fact about it
 * that bench/ and plots/ need (kind, minimum PEs and ranks, weak-scaling
 * rule, sizes, parameters, options). `--list` prints it for people,
 * `--list --json` as one JSON object of schema "triobench.catalogue/1"
 * (docs/results-schema.md). Needs no MPI. */
#ifndef TB_CATALOGUE_H
#define TB_CATALOGUE_H

#include <stdio.h>

#include "tb_kernel.h"

#define TB_CATALOGUE_SCHEMA "triobench.catalogue/1"
/* Compatible additions within the schema: 2 added each kernel's "model". */
#define TB_CATALOGUE_REVISION 2

void tb_catalogue_print(FILE *out, int as_json);

/* "scaling", "micro" or "probe". */
const char *tb_kind_name(tb_kind kind);

#endif
