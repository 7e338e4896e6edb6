/* The JSON record of one run (schema triobench.result/1,
 * docs/results-schema.md), written from the run's summary only. Rank 0. */
#ifndef TB_RECORD_H
#define TB_RECORD_H

#include "tb_json.h"
#include "tb_summary.h"

void tb_record_json(tb_json *j, const tb_summary *s, int argc, char **argv);

#endif
