/* NPB EP, hybrid: the schedules of mpi/ep_mpi.c over ranks, and inside
 * each rank an OpenMP team sharing out the rank's batches as
 * openmp/ep_omp.c does (--schedule applies at both levels).
 *  static   each rank takes an equal block of batches, its threads split
 *           the block; the master thread all-reduces the rank's result;
 *  dynamic  the task farm of mpi/task_farm.c, driven by each rank's master
 *           thread (MPI_THREAD_FUNNELED): a rank's team computes the
 *           batches of one task, its master thread hands in the task's
 *           result (rank 0: to the farm it runs) and gets the next task id;
 *           on rank 0, thread 0 answers the workers after each of its
 *           batches, on the others it sends a sign of life now and then.
 * --inject-fault, --ft and --checkpoint run on the dynamic schedule as in
 * mpi/ep_mpi.c; thread=T names the thread of rank R that fails (a signal
 * takes the whole process). */
#include <omp.h>

#include "ep_team.h"
#include "task_farm.h"
#include "tb_checkpoint.h"
#include "team_timing.h"
#include "tb_arena.h"
#include "tb_comm.h"
#include "tb_error.h"
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
static void heartbeat(void *farm) { tb_farm_heartbeat(farm); }

/* Called by every thread: one round of the farm; the master thread leaves
 * the whole result in *out. `me` is the rank at the start (the fault names
 * it), *done the rank's tasks so far (each thread keeps its own count).
 * Returns the calling thread's compute time. */
static double team_dynamic(tb_run *run, tb_farm *farm, ep_team_part *parts, ep_result *out,
                           int64_t *shared_task, int me, int64_t *done)
{
    const int t = omp_get_thread_num();
    double compute = 0.0;
#pragma omp master
    {
        ep_result_zero(out);
        tb_farm_begin(farm, out);
    }
    for (;;) {
#pragma omp master
        *shared_task = me == 0 ? tb_farm_take(farm) : tb_farm_next(farm);
#pragma omp barrier
        const int64_t task = *shared_task;
        if (task == TB_FARM_STOP) break;
        tb_fault_point(&tb_ft_of(run)->opts, me, t, *done);
        int64_t first, count;
        ep_task_batches(run->params, task, &first, &count);
        ep_result_zero(&parts[t].r);
        double t0 = tb_now();
        ep_team_batches(ep_batches, first, count, parts, me == 0 ? service : heartbeat, farm);
        compute += tb_now() - t0;
#pragma omp barrier
#pragma omp master
        {
            ep_result task_result;
            ep_team_sum(parts, run->nthreads, &task_result);
            if (me == 0)
                tb_farm_complete(farm, task, &task_result);
            else
                tb_farm_return(farm, task, &task_result);
        }
        ++*done;
    }
#pragma omp master
    {
        tb_farm_end(farm);
        if (tb_farm_lost(farm) > 0) { /* the process layer now runs over the survivors */
            run->rank = tb_comm_rank();
            run->nranks = tb_comm_size();
        }
    }
#pragma omp barrier
    return compute;
}

tb_status ep_run(tb_run *run)
{
    const int dynamic = run->params->value[EP_P_SCHEDULE] == EP_DYNAMIC;
    const int nthreads = run->nthreads;
    const int me = run->rank;
    if (!dynamic && tb_fault_active(&tb_ft_of(run)->opts))
        return tb_error_set(TB_EINPUT, "--inject-fault, --ft and --checkpoint need ep's "
                                       "master-worker schedule here: add --schedule dynamic");
    tb_arena mem = {0};
    ep_team_part *parts = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *parts);
    tb_thread_times *times = tb_arena_alloc(&mem, (size_t)nthreads, sizeof *times);
    struct tb_ckpt *ck = NULL;
    tb_status st = TB_OK;
    tb_farm *farm = NULL;
    if (dynamic) {
        if (me == 0) st = ep_ckpt_open(run, &ck);
        tb_farm_ft ft = {tb_ft_of(run)->opts.ft, tb_ft_of(run)->opts.timeout, &tb_ft_of(run)->log,
                         ck};
        farm = tb_farm_create(ep_ntasks(run->params), sizeof(ep_result), combine, &ft);
    }
    if (st == TB_OK) st = tb_arena_check(&mem, "%d partial results", nthreads);
    if (st == TB_OK && dynamic && !farm)
        st = tb_error_set(TB_ERUNTIME, "out of memory for the task farm");
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        tb_arena_free(&mem);
        tb_farm_free(farm);
        tb_ckpt_close(ck);
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
        int64_t done = 0;
        for (int it = 0; it < run->warmup + run->iters; it++) {
#pragma omp master
            tb_comm_barrier(); /* start together, as NPB does */
#pragma omp barrier
            double t0 = tb_now();
            double compute = dynamic
                                 ? team_dynamic(run, farm, parts, &total, &shared_task, me, &done)
                                 : team_static(run, ep_batches, parts, &total);
            double elapsed = tb_now() - t0;
            double comm = dynamic && t == 0 ? tb_farm_comm_time(farm) : 0.0;
            if (dynamic && t == 0 && me == 0) compute -= comm; /* answered inside */
            tb_team_account(run, &mine, t, it, compute, comm, elapsed - compute - comm, elapsed);
        }
        times[t] = mine;
        if (reference) team_static(run, ep_batches_reference, parts, &ref); /* untimed */
    }

    tb_team_breakdown(run, times, nthreads);
    if (me == 0 && dynamic) st = ep_ckpt_close(run, ck, &total);
    ep_verify(run, &total, &ref);
    tb_arena_free(&mem);
    tb_farm_free(farm);
    return st;
}
