/* NPB EP, OpenMP: the batches shared out by `omp for` with
 * schedule(static) or schedule(dynamic, chunk) (--schedule, --chunk), each
 * thread summing into its own partial result; one thread adds the partial
 * results up at the end of each iteration. */
#include <omp.h>

#include "ep_team.h"
#include "team_timing.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

tb_status ep_run(tb_run *run)
{
    const int64_t nb = ep_nbatches(run->params);
    const int nthreads = run->nthreads;
    ep_team_part *parts = tb_alloc((size_t)nthreads, sizeof *parts);
    tb_thread_times *times = tb_alloc((size_t)nthreads, sizeof *times);
    if (!parts || !times) {
        tb_free(parts); tb_free(times);
        return tb_error_set(TB_ERUNTIME, "out of memory for %d partial results", nthreads);
    }
    ep_team_schedule(run->params);
    ep_result total, ref;
    ep_result_zero(&ref);
    const int reference = ep_needs_reference(run->params);

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        tb_thread_times mine = {0};
        for (int it = 0; it < run->warmup + run->iters; it++) {
            double t0 = tb_now();
            ep_result_zero(&parts[t].r);
            ep_team_batches(ep_batches, 0, nb, parts, NULL, NULL);
            double t1 = tb_now();
#pragma omp barrier
#pragma omp single
            ep_team_sum(parts, nthreads, &total);
            double t2 = tb_now(); /* after the single's barrier */
            if (it >= run->warmup) {
                mine.compute += t1 - t0;
                mine.sync += t2 - t1;
                if (t == 0) tb_run_record(run, it, t2 - t0);
            }
        }
        times[t] = mine;
        if (reference) { /* untimed: the independent computation */
            ep_result_zero(&parts[t].r);
            ep_team_batches(ep_batches_reference, 0, nb, parts, NULL, NULL);
#pragma omp barrier
#pragma omp single
            ep_team_sum(parts, nthreads, &ref);
        }
    }

    tb_team_breakdown(run, times, nthreads);
    ep_verify(run, &total, &ref);
    tb_free(parts); tb_free(times);
    return TB_OK;
}
