/* Barrier, serial: one PE has no one to wait for; what a barrier still
 * costs it is ordering its own memory operations, a sequentially consistent
 * fence. */
#include <stdatomic.h>

#include "kernels/barrier.h"

static void fence(void) { atomic_thread_fence(memory_order_seq_cst); }

tb_status barrier_run(tb_run *run)
{
    return barrier_run_single(run, fence, &run->breakdown.compute);
}
