/* NPB EP, MPI. Two schedules (--schedule):
 *  static   each rank computes an equal block of batches (tb_split) as one
 *           run of the generator; the partial results are summed with an
 *           all-reduce (sync);
 *  dynamic  the master-worker task farm of mpi/task_farm.c: rank 0 hands
 *           out tasks of --chunk batches on demand and also computes tasks
 *           itself, answering the workers after each of its batches; the
 *           workers send one partial result per task, which the master
 *           adds up (ep_result_add) and finally broadcasts.
 * --inject-fault, --ft and --checkpoint run on the dynamic schedule: a
 * fault counts a rank's tasks, the farm detects a lost worker (and with
 * --ft reassign hands its tasks to the others), and the master saves the
 * tasks done to the checkpoint (docs/failures.md). */
#include "kernels/ep.h"
#include "task_farm.h"
#include "tb_checkpoint.h"
#include "tb_comm.h"
#include "tb_error.h"
#include "tb_split.h"
#include "tb_timer.h"

/* The static schedule with block compute fn: the whole result on every rank. */
static void static_pass(tb_run *run, ep_block_fn fn, ep_result *r, double *compute)
{
    int64_t b0, b1;
    tb_split(ep_nbatches(run->params), run->nranks, run->rank, &b0, &b1);
    double t0 = tb_now();
    ep_result_zero(r);
    fn(b0, b1 - b0, r);
    *compute = tb_now() - t0;
    ep_result_combine_all(r);
}

static void combine(void *acc, const void *part) { ep_result_add(acc, part); }

/* One round of the farm; the whole result on every rank. `me` is this
 * process's rank at the start (the fault names it), `done` its tasks. */
static void dynamic_pass(tb_run *run, tb_farm *farm, ep_result *r, int me, int64_t *done)
{
    ep_result_zero(r);
    tb_farm_begin(farm, r);
    int64_t task, first, count;
    while ((task = me == 0 ? tb_farm_take(farm) : tb_farm_next(farm)) != TB_FARM_STOP) {
        tb_fault_point(&tb_ft_of(run)->opts, me, 0, *done);
        ep_result part;
        ep_result_zero(&part);
        ep_task_batches(run->params, task, &first, &count);
        for (int64_t b = first; b < first + count; b++) {
            ep_batches(b, 1, &part);
            if (me == 0)
                tb_farm_service(farm); /* answer the workers */
            else
                tb_farm_heartbeat(farm);
        }
        if (me == 0)
            tb_farm_complete(farm, task, &part);
        else
            tb_farm_return(farm, task, &part);
        ++*done;
    }
    tb_farm_end(farm);
    if (tb_farm_lost(farm) > 0) { /* the process layer now runs over the survivors */
        run->rank = tb_comm_rank();
        run->nranks = tb_comm_size();
    }
}

tb_status ep_run(tb_run *run)
{
    const int dynamic = run->params->value[EP_P_SCHEDULE] == EP_DYNAMIC;
    const int me = run->rank;
    if (!dynamic && tb_fault_active(&tb_ft_of(run)->opts))
        return tb_error_set(TB_EINPUT, "--inject-fault, --ft and --checkpoint need ep's "
                                       "master-worker schedule here: add --schedule dynamic");
    tb_farm *farm = NULL;
    struct tb_ckpt *ck = NULL;
    tb_status st = TB_OK;
    if (dynamic) {
        if (me == 0) st = ep_ckpt_open(run, &ck);
        tb_farm_ft ft = {tb_ft_of(run)->opts.ft, tb_ft_of(run)->opts.timeout, &tb_ft_of(run)->log,
                         ck};
        farm = tb_farm_create(ep_ntasks(run->params), sizeof(ep_result), combine, &ft);
        if (!farm && st == TB_OK) st = tb_error_set(TB_ERUNTIME, "out of memory for the task farm");
    }
    st = tb_comm_worst(st);
    if (st != TB_OK) {
        tb_farm_free(farm);
        tb_ckpt_close(ck);
        return st;
    }
    ep_result r;
    int64_t done = 0;
    for (int it = 0; it < run->warmup + run->iters; it++) {
        tb_comm_barrier(); /* start together, as NPB does */
        double t0 = tb_now(), compute = 0.0, comm = 0.0;
        if (dynamic)
            dynamic_pass(run, farm, &r, me, &done);
        else
            static_pass(run, ep_batches, &r, &compute);
        double t = tb_now() - t0;
        if (dynamic) {
            comm = tb_farm_comm_time(farm);
            compute = t - comm - tb_farm_sync_time(farm);
        }
        if (tb_run_record(run, it, t)) {
            run->breakdown.compute += compute;
            run->breakdown.comm += comm;
            run->breakdown.sync += t - compute - comm;
        }
    }
    if (me == 0 && dynamic) st = ep_ckpt_close(run, ck, &r);
    ep_result ref;
    double unused;
    ep_result_zero(&ref);
    if (ep_needs_reference(run->params)) static_pass(run, ep_batches_reference, &ref, &unused);
    ep_verify(run, &r, &ref);
    tb_farm_free(farm);
    return st;
}
