/* After a run: the summary (common/tb_summary.c: the collectives, the
 * gathers, validation), then its writers: the JSON record
 * (common/tb_record.c) and the human line, both from the one summary so
 * they never disagree; and the exit status. Collective. */
#ifndef TB_REPORT_H
#define TB_REPORT_H

#include "tb_kernel.h"
#include "tb_options.h"

/* json_fd: an open O_APPEND descriptor for --json PATH on rank 0, -1 for
 * none, or 1 for stdout. Returns TB_OK, TB_EINVALID or TB_ERUNTIME (a
 * record that could not be written, a lost process; the message set, not
 * printed) on rank 0, which alone writes: the caller agrees the status
 * over the ranks (tb_comm_agree), which prints the message once. */
tb_status tb_report(const tb_options *opts, tb_run *run, int json_fd, int argc, char **argv);

/* The compact table of a series run (rank 0, stdout): a header naming the
 * kernel, the executable, the shape and the fixed parameters; then one row
 * per record, printed after tb_report: the value, the median, min and max
 * time per iteration in microseconds, the rate, validated or not. */
void tb_report_series_header(const tb_options *opts);
void tb_report_series_row(const tb_run *run, tb_status status);

#endif
