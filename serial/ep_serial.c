/* NPB EP, serial: every batch in order, one run of the generator. The
 * schedule has nothing to share out here. */
#include "kernels/ep.h"
#include "tb_timer.h"

tb_status ep_run(tb_run *run)
{
    const int64_t nb = ep_nbatches(run->params);
    ep_result r;
    for (int it = 0; it < run->warmup + run->iters; it++) {
        double t0 = tb_now();
        ep_result_zero(&r);
        ep_batches(0, nb, &r);
        double t = tb_now() - t0;
        if (tb_run_record(run, it, t)) run->breakdown.compute += t;
    }
    ep_result ref;
    ep_result_zero(&ref);
    if (ep_needs_reference(run->params)) ep_batches_reference(0, nb, &ref);
    ep_verify(run, &r, &ref);
    return TB_OK;
}
