/* Ping-pong, serial: no second PE, so the message is copied there and back
 * by one thread (memcpy to the receiver's buffer and back to a third): the
 * cost of moving the bytes alone, the lower bound of every other model. */
#include <string.h>

#include "kernels/micro.h"
#include "kernels/pingpong.h"
#include "tb_error.h"
#include "tb_mem.h"
#include "tb_timer.h"

typedef struct copies {
    unsigned char *send, *recv, *back;
    size_t bytes;
    int window; /* 0: latency */
} copies;

static double copy_batch(void *arg, int64_t count)
{
    const copies *c = arg;
    double t0 = tb_now();
    for (int64_t k = 0; k < count; k++) {
        if (c->window == 0) {
            memcpy(c->recv, c->send, c->bytes);
            __asm__ volatile("" ::: "memory"); /* each copy happens */
            memcpy(c->back, c->recv, c->bytes);
        } else {
            for (int w = 0; w < c->window; w++) {
                memcpy(c->recv, c->send, c->bytes);
                __asm__ volatile("" ::: "memory");
            }
        }
        __asm__ volatile("" ::: "memory");
    }
    return tb_now() - t0;
}

tb_status pingpong_run(tb_run *run)
{
    tb_status st = pingpong_variant(run, 1u << PINGPONG_COPY, "auto or copy (memcpy)");
    if (st != TB_OK) return st;
    const size_t n = (size_t)run->params->value[PINGPONG_P_BYTES];
    const int bw = run->params->value[PINGPONG_P_MODE] == PINGPONG_BANDWIDTH;
    copies c = {tb_alloc(n, 1), tb_alloc(n, 1), tb_alloc(n, 1), n,
                bw ? (int)run->params->value[PINGPONG_P_WINDOW] : 0};
    if (!c.send || !c.recv || !c.back) {
        tb_free(c.send); tb_free(c.recv); tb_free(c.back);
        return tb_error_set(TB_ERUNTIME, "out of memory for three %zu-byte buffers", n);
    }
    pingpong_fill(c.send, n, 0);
    pingpong_spoil(c.recv, n, 0);
    pingpong_spoil(c.back, n, 0);
    micro_method m = {micro_target(run, PINGPONG_P_TARGET), bw ? c.window : 2.0, 0.0,
                      &run->breakdown.compute};
    micro_measure(run, copy_batch, &c, &m);
    double wrong = pingpong_wrong(c.recv, n, 0) + (bw ? 0.0 : pingpong_wrong(c.back, n, 0));
    double checked = bw ? (double)n : 2.0 * n;
    pingpong_verify(run, wrong, checked, checked);
    tb_free(c.send); tb_free(c.recv); tb_free(c.back);
    return TB_OK;
}
