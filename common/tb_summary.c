#include "tb_summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tb_build.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_threads.h"

double tb_relative_error(double computed, double reference)
{
    double diff = fabs(computed - reference);
    return reference != 0.0 ? diff / fabs(reference) : diff;
}

tb_work tb_summary_work(const tb_run *run)
{
    tb_work w = run->kernel->work(run->params);
    if (run->work_bytes > 0) w.bytes = run->work_bytes;
    return w;
}

double tb_summary_rate(const tb_run *run, const tb_work *w, double median)
{
    const tb_kernel *k = run->kernel;
    if (k->rate_uses_bytes == TB_RATE_TIME) return median / k->rate_scale;
    return (k->rate_uses_bytes ? w->bytes : w->flops) / median / k->rate_scale;
}

static void capture_binding(int thread, int nthreads, void *arg)
{
    (void)nthreads;
    tb_thread_binding *slots = arg;
    tb_topo_thread_binding(thread, &slots[thread]);
}

/* Every quantity within its tolerance (NaN fails), and the worst errors. */
static void validate(tb_summary *s, const tb_run *run)
{
    s->validated = run->nverify > 0;
    for (int i = 0; i < run->nverify; i++) {
        const tb_verification *v = &run->verify[i];
        double rel = tb_relative_error(v->computed, v->reference);
        if (!(rel <= v->tolerance)) s->validated = 0;
        if (!(rel <= s->worst_rel)) {
            s->worst_rel = rel;
            s->worst_tol = v->tolerance;
        }
        double abs_err = fabs(v->computed - v->reference);
        if (!(abs_err <= s->worst_abs)) s->worst_abs = abs_err;
    }
    if (run->max_abs_error > s->worst_abs || isnan(run->max_abs_error))
        s->worst_abs = run->max_abs_error;
    if (run->nverify > 0 && s->worst_tol == 0.0) s->worst_tol = run->verify[0].tolerance;
}

/* Binding and rank facts gathered on rank 0: every rank reports max_threads
 * slots so that the gather is regular. Simulated (SMPI), every rank is a
 * part of one process of this machine: only the host (the simulated one)
 * is the rank's own; the process's peak RSS is rank 0's, once, and no
 * binding is gathered (there is none per rank). */
static tb_status gather(tb_summary *s, const tb_run *run)
{
    const int nranks = run->nranks, simulated = tb_simulated();
    s->max_threads = run->nthreads;
    if (!simulated) tb_comm_max_longs(&s->max_threads, 1);
    tb_thread_binding *mine = calloc((size_t)s->max_threads, sizeof *mine);
    tb_rank_info me;
    memset(&me, 0, sizeof me);
    tb_comm_host_name(me.host, sizeof me.host);
    me.pid = simulated ? 0 : (long)getpid();
    me.peak_rss = simulated ? 0 : tb_mem_peak_rss();
    me.nthreads = run->nthreads;
    if (run->rank == 0) {
        s->bind = calloc((size_t)s->max_threads * nranks, sizeof *s->bind);
        s->info = calloc((size_t)nranks, sizeof *s->info);
    }
    /* A rank without memory here must not leave the others in the gather. */
    long failures = !(mine != NULL && (run->rank != 0 || (s->bind && s->info)));
    tb_comm_sum_longs(&failures, 1);
    if (failures) {
        free(mine);
        tb_summary_free(s);
        return tb_error_set(TB_ERUNTIME, "out of memory while writing the report");
    }
    if (!simulated) {
        tb_threads_each(capture_binding, mine);
        tb_comm_gather_bytes(mine, sizeof *mine * (size_t)s->max_threads, s->bind);
    }
    tb_comm_gather_bytes(&me, sizeof me, s->info);
    free(mine);
    if (simulated) {
        s->rss_process = run->rank == 0 ? tb_mem_peak_rss() : 0;
        return TB_OK;
    }
    for (int r = 0; run->rank == 0 && r < nranks; r++) {
        if (s->info[r].peak_rss > s->rss_max) s->rss_max = s->info[r].peak_rss;
        s->rss_sum += s->info[r].peak_rss;
    }
    return TB_OK;
}

/* Simulated (SMPI) only: the median over iterations of each iteration's
 * median rank. SMPI times a rank's compute blocks on this machine; a block
 * this machine interrupted (1 in about 1,000 at 1,024 ranks, 10-40 ms
 * instead of 0.2) delays that simulated rank, its neighbours after it, and
 * so the iteration's slowest rank: the typical rank shows what the
 * simulated cluster would do without this machine's noise. 0 when memory
 * for the gather ran out (then every rank's failure is the same). */
static double rank_median(const tb_run *run)
{
    const int iters = run->iters, nranks = run->nranks;
    double *all = run->rank == 0 ? malloc(sizeof(double) * (size_t)iters * nranks) : NULL;
    double *column = run->rank == 0 ? malloc(sizeof(double) * (size_t)(nranks + iters)) : NULL;
    long failures = run->rank == 0 && !(all && column);
    tb_comm_sum_longs(&failures, 1);
    double typical = 0.0;
    if (!failures) {
        tb_comm_gather_bytes(run->iter_time, sizeof(double) * (size_t)iters, all);
        for (int it = 0; run->rank == 0 && it < iters; it++) {
            for (int r = 0; r < nranks; r++) column[r] = all[(size_t)r * iters + it];
            column[nranks + it] = tb_median(column, nranks);
        }
        if (run->rank == 0) typical = tb_median(column + nranks, iters);
    }
    free(all);
    free(column);
    return typical;
}

tb_status tb_summary_build(tb_summary *s, const tb_options *opts, const tb_run *run)
{
    memset(s, 0, sizeof *s);
    s->opts = opts;
    s->run = run;
    s->kernel = run->kernel;
    const int iters = run->iters;

    if (tb_simulated()) s->rank_median = rank_median(run);
    /* An iteration lasts as long as its slowest rank. */
    tb_comm_max_doubles(run->iter_time, iters);
    s->time = tb_stats_of(run->iter_time, iters);

    double *bd = s->breakdown;
    bd[0] = run->breakdown.compute;
    bd[1] = run->breakdown.comm;
    bd[2] = run->breakdown.sync;
    tb_comm_sum_doubles(bd, 3);
    for (int i = 0; i < 3; i++) bd[i] /= (double)run->nranks * iters;

    tb_status st = gather(s, run);
    if (st != TB_OK) return st;
    validate(s, run);
    if (tb_simulated()) { /* one process: its huge pages once (reading smaps is slow) */
        s->huge_bytes = run->rank == 0 ? tb_mem_huge_peak() : 0;
    } else {
        s->huge_bytes = tb_mem_huge_peak(); /* the huge pages obtained, summed over ranks */
        tb_comm_sum_longs(&s->huge_bytes, 1);
    }

    if (run->rank == 0) {
        s->work = tb_summary_work(run);
        s->rate = tb_summary_rate(run, &s->work, s->time.median);
        const tb_extension *x = s->kernel->ext;
        if (x) s->rate *= x->share_done(run->ext); /* the rate of the work done here */
    }
    return TB_OK;
}

void tb_summary_free(tb_summary *s)
{
    free(s->bind);
    free(s->info);
    s->bind = NULL;
    s->info = NULL;
}
