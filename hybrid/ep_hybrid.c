/* NPB EP, hybrid: the schedules of mpi/ep_mpi.c over ranks, and inside
 * each rank an OpenMP team sharing out the rank's batches as
 * openmp/ep_omp.c does (--schedule applies at both levels).
 *  static   each rank takes an equal block of batches, its threads split
 *           the block; the master thread all-reduces the rank's result;
 *  dynamic  the task farm of mpi/task_farm.c, driven by each rank's master
 *           thread (MPI_THREAD_FUNNELED): a worker rank's team computes the
 *           batches of one task, its master thread sends the task's result
 *           and gets the next task id; on rank 0, thread 0 answers the
 *           workers after each of its batches. */
#include <omp.h>

#include "ep_team.h"
#include "task_farm.h"
#include "team_timing.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_split.h"
#include "tb_timer.h"

/* Called by every thread: the team computes this rank's static block with
 * fn; the master thread leaves the sum over all ranks in *out. Returns the
 * calling thread's compute time. */
static double team_static(tb_run *run, ep_block_fn fn, ep_team_part *parts, ep_result *out)
{
    int64_t b0, b1;
    tb_split(ep_nbatches(run->params), run->nranks, run->rank, &b0, &b1);
    double t0 = tb_now();
    ep_result_zero(&parts[omp_get_thread_num()].r);
    ep_team_batches(fn, b0, b1 - b0, parts, NULL, NULL);
    double compute = tb_now() - t0;
#pragma omp barrier
#pragma omp master
    {
        ep_team_sum(parts, run->nthreads, out);
        ep_result_combine_all(out);
    }
#pragma omp barrier
    return compute;
}

static void combine(void *acc, const void *part) { ep_result_add(acc, part); }
static void service(void *farm) { tb_farm_service(farm); }

/* Called by every thread: one round of the farm; the master thread leaves
 * the whole result in *out. Returns the calling thread's compute time. */
static double team_dynamic(tb_run *run, tb_farm *farm, ep_team_part *parts, ep_result *out,
                           int64_t *shared_task)
{
    const int t = omp_get_thread_num(), master_rank = run->rank == 0;
    double compute = 0.0;
#pragma omp master
    {
        ep_result_zero(out);
        tb_farm_begin(farm, out);
    }
    ep_result_zero(&parts[t].r); /* rank 0 keeps adding over its tasks */
    for (;;) {
#pragma omp master
        *shared_task = master_rank ? tb_farm_take(farm) : tb_farm_next(farm);
#pragma omp barrier
        const int64_t task = *shared_task;
        if (task == TB_FARM_STOP) break;
        int64_t first, count;
        ep_task_batches(run->params, task, &first, &count);
        if (!master_rank) ep_result_zero(&parts[t].r);
        double t0 = tb_now();
        ep_team_batches(ep_batches, first, count, parts, master_rank ? service : NULL, farm);
        compute += tb_now() - t0;
#pragma omp barrier
#pragma omp master
        if (!master_rank) {
            ep_result task_result;
            ep_team_sum(parts, run->nthreads, &task_result);
            tb_farm_return(farm, task, &task_result);
        }
    }
#pragma omp master
    {
        if (master_rank) { /* its own tasks; the workers' are in *out already */
            ep_result own;
            ep_team_sum(parts, run->nthreads, &own);
            ep_result_add(out, &own);
        }
        tb_farm_end(farm);
    }
#pragma omp barrier
    return compute;
}

tb_status ep_run(tb_run *run)
{
    const int dynamic = run->params->value[EP_P_SCHEDULE] == EP_DYNAMIC;
    const int nthreads = run->nthreads;
    ep_team_part *parts = tb_alloc((size_t)nthreads, sizeof *parts);
    tb_thread_times *times = tb_alloc((size_t)nthreads, sizeof *times);
    tb_farm *farm = dynamic ? tb_farm_create(ep_ntasks(run->params), sizeof(ep_result), combine)
                            : NULL;
    tb_status st = TB_OK;
    if (!parts || !times || (dynamic && !farm))
        st = tb_error_set(TB_ERUNTIME, "out of memory for %d partial results", nthreads);
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        tb_free(parts); tb_free(times); tb_farm_free(farm);
        return st;
    }
    ep_team_schedule(run->params);
    ep_result total, ref;
    ep_result_zero(&ref);
    const int reference = ep_needs_reference(run->params);
    int64_t shared_task = 0;

#pragma omp parallel num_threads(nthreads)
    {
        const int t = omp_get_thread_num();
        tb_thread_times mine = {0};
        for (int it = 0; it < run->warmup + run->iters; it++) {
#pragma omp master
            tb_comm_barrier(); /* start together, as NPB does */
#pragma omp barrier
            double t0 = tb_now();
            double compute = dynamic ? team_dynamic(run, farm, parts, &total, &shared_task)
                                     : team_static(run, ep_batches, parts, &total);
            double elapsed = tb_now() - t0;
            if (it >= run->warmup) {
                double comm = dynamic && t == 0 ? tb_farm_comm_time(farm) : 0.0;
                if (dynamic && t == 0 && run->rank == 0) compute -= comm; /* answered inside */
                mine.compute += compute;
                mine.comm += comm;
                mine.sync += elapsed - compute - comm;
                if (t == 0) tb_run_record(run, it, elapsed);
            }
        }
        times[t] = mine;
        if (reference) team_static(run, ep_batches_reference, parts, &ref); /* untimed */
    }

    tb_team_breakdown(run, times, nthreads);
    ep_verify(run, &total, &ref);
    tb_free(parts); tb_free(times); tb_farm_free(farm);
    return TB_OK;
}
