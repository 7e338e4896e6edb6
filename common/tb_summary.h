/* After a run: every rank's timings, breakdown, memory, huge pages and
 * binding combined (the collectives and gathers), and the validation
 * verdict. Built once per run; the writers (common/tb_record.c, the JSON
 * record; common/tb_report.c, the human line) only read it. */
#ifndef TB_SUMMARY_H
#define TB_SUMMARY_H

#include "tb_kernel.h"
#include "tb_options.h"
#include "tb_timer.h"
#include "tb_topo.h"

/* What one rank contributes, gathered to rank 0 in one message. */
typedef struct tb_rank_info {
    char host[64];
    long pid;
    long peak_rss;
    int nthreads;
} tb_rank_info;

typedef struct tb_summary {
    const tb_options *opts;
    const tb_run *run;
    const tb_kernel *kernel;
    tb_stats time;       /* per iteration: each iteration's slowest rank */
    double rank_median;  /* simulated only (rank 0): median over iterations of the median rank */
    double breakdown[3]; /* compute, comm, sync: mean per rank and iteration */
    long huge_bytes;     /* AnonHugePages, summed over ranks (simulated: the process's) */
    /* validation */
    int validated;
    double worst_rel, worst_abs, worst_tol;
    /* rank 0 only (NULL elsewhere): the gathers */
    tb_rank_info *info;      /* [nranks] */
    tb_thread_binding *bind; /* [nranks * max_threads] */
    long max_threads;
    long rss_max, rss_sum; /* over ranks; 0 when simulated */
    long rss_process;      /* simulated (SMPI) only: the one process's peak RSS */
    /* rank 0 only: the work and the rate over the median time */
    tb_work work;
    double rate;
} tb_summary;

/* Collective. TB_ERUNTIME (message set) when memory for the gathers ran
 * out on any rank; then nothing is to be freed. */
tb_status tb_summary_build(tb_summary *s, const tb_options *opts, const tb_run *run);
void tb_summary_free(tb_summary *s);

/* The kernel's work per iteration, with the driver's bytes when they depend
 * on the decomposition; the rate is that work over `median` seconds. */
tb_work tb_summary_work(const tb_run *run);
double tb_summary_rate(const tb_run *run, const tb_work *w, double median);

/* |computed - reference| relative to |reference| (absolute when it is 0). */
double tb_relative_error(double computed, double reference);

#endif
