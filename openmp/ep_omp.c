/* NPB EP, OpenMP: the batches shared out by `omp for` with
 * schedule(static) or schedule(dynamic, chunk) (--schedule, --chunk), each
 * thread summing into its own partial result; one thread adds the partial
 * results up at the end of each iteration.
 * With --inject-fault or --checkpoint the threads take whole tasks (--chunk
 * batches) dynamically instead and add each task's result to the total in
 * a critical section, where the checkpoint is saved: the total and the set
 * of tasks done always agree. A thread that fails takes the process with it
 * (a signal is for the process; a hung thread leaves the others waiting at
 * the barrier forever): the remedy is --checkpoint and --resume. */
#include <omp.h>

#include "ep_team.h"
#include "team_timing.h"
#include "tb_arena.h"
#include "tb_checkpoint.h"
#include "tb_error.h"
#include "tb_timer.h"

/* Called by every thread: the tasks not in the checkpoint, added into
 * *total (set up by the caller from the checkpoint). Ends without a barrier. */
static void team_tasks(tb_run *run, struct tb_ckpt *ck, ep_result *total, int64_t *done)
{
    const int t = omp_get_thread_num();
#pragma omp for schedule(dynamic, 1) nowait
    for (int64_t task = 0; task < ep_ntasks(run->params); task++) {
        if (tb_ckpt_was_done(ck, task)) continue;
        tb_fault_point(&tb_ft_of(run)->opts, 0, t, *done);
        int64_t first, count;
        ep_result part;
        ep_result_zero(&part);
        ep_task_batches(run->params, task, &first, &count);
        ep_batches(first, count, &part);
#pragma omp critical(ep_total)
        {
            ep_result_add(total, &part);
            tb_ckpt_task_done(ck, task, total);
        }
        ++*done;
    }
}

tb_status ep_run(tb_run *run)
{
    const int64_t nb = ep_nbatches(run->params);
    const int nthreads = run->nthreads;
    const int by_task = tb_fault_active(&tb_ft_of(run)->opts);
    tb_arena mem = {0};
    ep_team_part *parts = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *parts);
    tb_thread_times *times = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *times);
    tb_status st = tb_arena_check(&mem, "%d partial results", nthreads);
    struct tb_ckpt *ck = NULL;
    if (st == TB_OK && by_task) st = ep_ckpt_open(run, &ck);
    if (st != TB_OK) {
        tb_arena_free(&mem);
        return st;
    }
    ep_team_schedule(run->params);
    ep_result total, ref;
    ep_result_zero(&ref);
    const int reference = ep_needs_reference(run->params);

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        tb_thread_times mine = {0};
        int64_t done = 0; /* this thread's tasks, for --inject-fault thread=T */
        for (int it = 0; it < run->warmup + run->iters; it++) {
            double t0 = tb_now();
            if (by_task) {
#pragma omp single
                {
                    ep_result_zero(&total);
                    tb_ckpt_load_result(ck, &total);
                }
                team_tasks(run, ck, &total, &done);
            } else {
                ep_result_zero(&parts[t].r);
                ep_team_batches(ep_batches, 0, nb, parts, NULL, NULL);
            }
            double t1 = tb_now();
#pragma omp barrier
            if (!by_task) {
#pragma omp single
                ep_team_sum(parts, nthreads, &total);
            }
            double t2 = tb_now(); /* after the single's barrier */
            tb_team_iteration(run, &mine, t, it, t0, t1, t2);
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
    if (by_task) st = ep_ckpt_close(run, ck, &total);
    ep_verify(run, &total, &ref);
    tb_arena_free(&mem);
    return st;
}
