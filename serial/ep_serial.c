/* NPB EP, serial: every batch in order, one run of the generator. The
 * schedule has nothing to share out here.
 * With --inject-fault or --checkpoint the batches go task by task (--chunk
 * batches each) instead: a fault counts tasks, a checkpoint saves the tasks
 * done and their sum, --resume skips the saved ones. */
#include "kernels/ep.h"
#include "tb_checkpoint.h"
#include "tb_timer.h"

/* The tasks not in the checkpoint, added to r (which starts from the
 * checkpoint's sum). */
static void task_pass(tb_run *run, struct tb_ckpt *ck, ep_result *r, int64_t *done)
{
    int64_t first, count;
    ep_result_zero(r);
    tb_ckpt_load_result(ck, r);
    for (int64_t task = 0; task < ep_ntasks(run->params); task++) {
        if (tb_ckpt_was_done(ck, task)) continue;
        tb_fault_point(&tb_ft_of(run)->opts, 0, 0, *done);
        ep_result part;
        ep_result_zero(&part);
        ep_task_batches(run->params, task, &first, &count);
        ep_batches(first, count, &part);
        ep_result_add(r, &part);
        tb_ckpt_task_done(ck, task, r);
        ++*done;
    }
}

tb_status ep_run(tb_run *run)
{
    const int64_t nb = ep_nbatches(run->params);
    const int by_task = tb_fault_active(&tb_ft_of(run)->opts);
    struct tb_ckpt *ck = NULL;
    tb_status st = by_task ? ep_ckpt_open(run, &ck) : TB_OK;
    if (st != TB_OK) return st;
    ep_result r;
    int64_t done = 0;
    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t0 = tb_now();
        if (by_task) {
            task_pass(run, ck, &r, &done);
        } else {
            ep_result_zero(&r);
            ep_batches(0, nb, &r);
        }
        double t = tb_now() - t0;
        if (tb_run_record(run, it, t)) run->breakdown.compute += t;
    }
    if (by_task) st = ep_ckpt_close(run, ck, &r);
    ep_result ref;
    ep_result_zero(&ref);
    if (ep_needs_reference(run->params)) ep_batches_reference(0, nb, &ref);
    ep_verify(run, &r, &ref);
    return st;
}
